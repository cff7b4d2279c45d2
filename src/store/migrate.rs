//! The schema version of a database and the migrations that bring an older one to this build's version.
//! Each migration is a function from version N to N+1, run once, in order, when the database is opened.

use super::{StoreError, T, TREE_NAMES, WriteSet, codec, keys, postings, subjects};
use crate::domain::user::User;
use std::collections::BTreeMap;
use std::ops::Bound::{Excluded, Unbounded};

/// The schema this build writes.
pub const SCHEMA_VERSION: u32 = 5;

type Migration = fn(&sled::Db) -> Result<(), StoreError>;

/// `MIGRATIONS[i]` brings a database from version i+1 to i+2.
const MIGRATIONS: &[Migration] = &[user_search, subjects_packed, user_texts, trigrams_packed];

/// The users indexed, or the rows removed, per batch written: a national directory's writes are never held in
/// memory at once.
const USERS_PER_BATCH: usize = 1000;
const ROWS_PER_BATCH: usize = 50_000;

/// Schema 2: the directory's name and trigram indexes, and their counters, built from the users a schema-1
/// database holds (the desk keeps them from then on, in each command's transaction). Built by today's upkeep,
/// this writes schema 4's search texts too; the migration to 4 writes them again.
fn user_search(db: &sled::Db) -> Result<(), StoreError> {
    for_each_user(db, &mut |ws, user| ws.index_user_search(None, user))
}

/// Schema 4: each user's search text by id (what the filter checks a trigram's holder against) and the counters
/// of name beginnings. The trigram postings, millions on a national base, stay as they are.
fn user_texts(db: &sled::Db) -> Result<(), StoreError> {
    empty(&db.open_tree(TREE_NAMES[T::UsersSearch as usize])?, b"")?;
    empty(
        &db.open_tree(TREE_NAMES[T::Counters as usize])?,
        &keys::name_prefix_counter(b""),
    )?;
    for_each_user(db, &mut |ws, user| ws.index_user_text(user))
}

/// Schema 5: the trigram postings packed in rows of `postings::SPAN` users (`postings`) instead of one key per
/// trigram and user. The retired tree's keys come in trigram and user order, so rows are packed as they are read
/// and written a batch at a time. A run cut short is started over (the packed tree is emptied first): the retired
/// tree is dropped only once the schema says 5 (`run`). A retired tree that is absent or empty means the packed
/// rows were written in this build's format already (by the migration to schema 2 in the same opening, or by the
/// restore of an older backup): they are kept.
fn trigrams_packed(db: &sled::Db) -> Result<(), StoreError> {
    if !db
        .tree_names()
        .iter()
        .any(|n| n == postings::RETIRED_TREE.as_bytes())
    {
        return Ok(());
    }
    let retired = db.open_tree(postings::RETIRED_TREE)?;
    if retired.is_empty() {
        return Ok(());
    }
    let packed = db.open_tree(TREE_NAMES[T::UsersByTrigram as usize])?;
    packed.clear()?;
    let mut packer = postings::Packer::default();
    let mut batch = sled::Batch::default();
    let mut pending = 0usize;
    for key in retired.iter().keys() {
        if let Some((k, v)) = packer.push_retired(&key?) {
            batch.insert(k, v);
            pending += 1;
            if pending >= ROWS_PER_BATCH {
                packed.apply_batch(std::mem::take(&mut batch))?;
                pending = 0;
            }
        }
    }
    if let Some((k, v)) = packer.finish() {
        batch.insert(k, v);
    }
    packed.apply_batch(batch)?;
    db.flush()?;
    Ok(())
}

/// Stages `index` for every user, a batch of users at a time (read, then written, then the next one read), and
/// sets the counters it counts to their totals.
fn for_each_user(
    db: &sled::Db,
    index: &mut dyn FnMut(&mut WriteSet, &User),
) -> Result<(), StoreError> {
    let users = db.open_tree(TREE_NAMES[T::Users as usize])?;
    let mut totals: BTreeMap<Vec<u8>, i64> = BTreeMap::new();
    let mut after: Option<sled::IVec> = None;
    loop {
        let rows = match after.take() {
            None => users.iter(),
            Some(k) => users.range::<sled::IVec, _>((Excluded(k), Unbounded)),
        };
        let chunk = rows.take(USERS_PER_BATCH).collect::<Result<Vec<_>, _>>()?;
        let Some((last, _)) = chunk.last() else { break };
        after = Some(last.clone());
        let mut ws = WriteSet::default();
        for (_, value) in &chunk {
            let user: User = codec::decode(value).map_err(StoreError::Corrupt)?;
            index(&mut ws, &user);
        }
        write(db, ws, &mut totals)?;
    }
    let counters = db.open_tree(TREE_NAMES[T::Counters as usize])?;
    for (key, total) in totals {
        counters.insert(key, &total.to_be_bytes())?;
    }
    db.flush()?;
    Ok(())
}

/// Schema 3: the journal's subject index packed in blocks (`subjects`) instead of one key per entry and subject.
/// Each subject is rewritten in a batch of its own (or with others, never split), so that a migration cut short
/// by a crash is taken up again at the next opening: a subject still holding one-entry keys (empty values) is
/// packed again from all its rows, old and new.
fn subjects_packed(db: &sled::Db) -> Result<(), StoreError> {
    let tree = db.open_tree(TREE_NAMES[T::JournalBySubject as usize])?;
    let mut batch = sled::Batch::default();
    let mut pending = 0usize;
    let mut group: Option<SubjectRows> = None;
    for item in tree.iter() {
        let (key, value) = item?;
        let prefix_len = match key.first() {
            Some(b'd') => 7,
            Some(b'u' | b's' | b'a') => 9,
            _ => {
                return Err(StoreError::Corrupt(format!(
                    "index du journal par sujet : clé inconnue {key:?}"
                )));
            }
        };
        let prefix = key.get(..prefix_len).unwrap_or(&key).to_vec();
        if group.as_ref().is_none_or(|g| g.prefix != prefix) {
            if let Some(done) = group.take() {
                pending += done.repack(&mut batch);
            }
            if pending >= 4096 {
                tree.apply_batch(std::mem::take(&mut batch))?;
                pending = 0;
            }
            group = Some(SubjectRows {
                prefix: prefix.clone(),
                keys: Vec::new(),
                seqs: Vec::new(),
                unpacked: false,
            });
        }
        if let Some(g) = group.as_mut() {
            if value.is_empty() {
                // One key per entry: the sequence number is the key's suffix.
                g.seqs
                    .extend(key.get(prefix_len..).and_then(super::keys::seq_from));
                g.unpacked = true;
            } else {
                g.seqs.extend(subjects::decode(&value));
            }
            g.keys.push(key);
        }
    }
    if let Some(done) = group.take() {
        done.repack(&mut batch);
    }
    tree.apply_batch(batch)?;
    db.flush()?;
    Ok(())
}

/// The rows of one subject in the index, as the migration reads them.
struct SubjectRows {
    prefix: Vec<u8>,
    keys: Vec<sled::IVec>,
    seqs: Vec<u64>,
    /// Whether some row is still one key per entry.
    unpacked: bool,
}

impl SubjectRows {
    /// Replaces the subject's rows with their packed form in `batch`, if any is unpacked; 1 if it did.
    fn repack(mut self, batch: &mut sled::Batch) -> usize {
        if !self.unpacked {
            return 0;
        }
        self.seqs.sort_unstable();
        self.seqs.dedup();
        for key in self.keys {
            batch.remove(key);
        }
        for (key, value) in subjects::packed_rows(&self.prefix, &self.seqs) {
            batch.insert(key, value);
        }
        1
    }
}

/// Removes every row of `tree` under `prefix`, a batch at a time.
fn empty(tree: &sled::Tree, prefix: &[u8]) -> Result<(), StoreError> {
    loop {
        let keys = tree
            .scan_prefix(prefix)
            .keys()
            .take(ROWS_PER_BATCH)
            .collect::<Result<Vec<_>, _>>()?;
        if keys.is_empty() {
            return Ok(());
        }
        let mut batch = sled::Batch::default();
        for key in keys {
            batch.remove(key);
        }
        tree.apply_batch(batch)?;
        tree.flush()?;
    }
}

/// Applies the rows of a write set, one batch per tree, and adds its counter deltas to `totals`.
fn write(
    db: &sled::Db,
    ws: WriteSet,
    totals: &mut BTreeMap<Vec<u8>, i64>,
) -> Result<(), StoreError> {
    let rows = ws.posting_rows();
    let mut batches: BTreeMap<T, sled::Batch> = BTreeMap::new();
    for (t, key, value) in ws.ops {
        let batch = batches.entry(t).or_default();
        match value {
            Some(v) => batch.insert(key, v),
            None => batch.remove(key),
        }
    }
    for (t, batch) in batches {
        db.open_tree(TREE_NAMES[t as usize])?.apply_batch(batch)?;
    }
    postings::apply_tree(
        &db.open_tree(TREE_NAMES[T::UsersByTrigram as usize])?,
        &rows,
    )?;
    // sled keeps what it has written in memory until it is flushed: once per batch, not once at the end.
    db.flush()?;
    for (key, delta) in ws.counters {
        *totals.entry(key).or_default() += delta;
    }
    Ok(())
}

const KEY: &[u8] = b"schema_version";

/// Reads the schema version, stamps a new database, migrates an older one, refuses a newer one.
pub fn run(db: &sled::Db, meta: &sled::Tree) -> Result<(), StoreError> {
    let found = match meta.get(KEY)? {
        Some(v) => u32::from_be_bytes(
            v.as_ref()
                .try_into()
                .map_err(|_| StoreError::Corrupt("version de schéma illisible".to_string()))?,
        ),
        None => {
            meta.insert(KEY, &SCHEMA_VERSION.to_be_bytes())?;
            return Ok(());
        }
    };
    if found > SCHEMA_VERSION {
        return Err(StoreError::Corrupt(format!(
            "la base est au schéma {found}, plus récent que celui de ce guichet ({SCHEMA_VERSION}) : mettez guichet à jour"
        )));
    }
    for version in found..SCHEMA_VERSION {
        let index = usize::try_from(version - 1).unwrap_or(usize::MAX);
        let migration = MIGRATIONS.get(index).ok_or_else(|| {
            StoreError::Corrupt(format!("aucune migration depuis le schéma {version}"))
        })?;
        migration(db)?;
        meta.insert(KEY, &(version + 1).to_be_bytes())?;
    }
    // What schema 5 packed, once the schema says so (a crash before this leaves it to the next opening).
    if db
        .tree_names()
        .iter()
        .any(|n| n == postings::RETIRED_TREE.as_bytes())
    {
        meta.flush()?;
        db.drop_tree(postings::RETIRED_TREE)?;
    }
    Ok(())
}
