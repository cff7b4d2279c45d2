//! The sled database of guichet: opened once per process, one tree per record type or index, every value a
//! version byte plus bincode, every write of a command applied in one multi-tree transaction with its journal entry
//! and flushed before anyone is told it is done.
//!
//! This module knows bytes, keys and trees; what the records mean and which writes a command makes is `desk/`'s.

mod cache;
pub mod codec;
mod derived;
pub mod journal;
pub mod keys;
pub mod migrate;
pub mod overlay;
pub mod postings;
mod raw;
mod records;
mod rows;
mod search;
mod structure_search;
pub mod subjects;
mod user_texts;

pub use derived::{GpState, structure_search_text};
pub use records::CorbeilleEntry;
pub use rows::{LONGEST_PAGE, PageQuery, RawRows, RemoteReads, Rows, Scanned};
pub use search::Found;
pub use structure_search::{Matches, SHORT_SLICE};

use crate::domain::user::UserId;
use journal::{Draft, Entry, GENESIS};
use serde::Serialize;
use serde::de::DeserializeOwned;
use sled::Transactional;
use sled::transaction::{ConflictableTransactionError, TransactionError, TransactionalTree};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// The trees of the database, in the order of `TREE_NAMES`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub enum T {
    Meta,
    Directions,
    Operators,
    Referents,
    Structures,
    Users,
    UsersByEmail,
    UsersByPigp,
    UsersByStatus,
    Dossiers,
    DossiersByRef,
    DossiersByCorbeille,
    DossiersBySiret,
    DossiersByUser,
    DossiersByAssignee,
    Rights,
    RightsBySiret,
    Attachments,
    AttachmentsByUser,
    Counters,
    Journal,
    JournalBySubject,
    /// The directory in name order; the value is the user's search text (schema 2).
    UsersByName,
    /// `trigram‖bucket` → the holders of a trigram among `postings::SPAN` user ids, for the directory's filter,
    /// with a counter per trigram (schema 2; packed since schema 5, see `postings`).
    UsersByTrigram,
    /// `state‖siret`: the active structures without a GP or with an interim GP (R14), with counters.
    StructuresByGp,
    /// The users with accès résiduels (R16), with a counter.
    UsersResidual,
    /// `fold(name)‖0‖siret` → the structure's search text: the structures in name order, with a counter.
    StructuresByName,
    /// `user` → `sort name‖0‖search text`: what the directory's filter checks a trigram's holder against, read
    /// raw, without decoding the user (schema 4).
    UsersSearch,
}

impl T {
    pub const ALL: [T; 28] = [
        T::Meta,
        T::Directions,
        T::Operators,
        T::Referents,
        T::Structures,
        T::Users,
        T::UsersByEmail,
        T::UsersByPigp,
        T::UsersByStatus,
        T::Dossiers,
        T::DossiersByRef,
        T::DossiersByCorbeille,
        T::DossiersBySiret,
        T::DossiersByUser,
        T::DossiersByAssignee,
        T::Rights,
        T::RightsBySiret,
        T::Attachments,
        T::AttachmentsByUser,
        T::Counters,
        T::Journal,
        T::JournalBySubject,
        T::UsersByName,
        T::UsersByTrigram,
        T::StructuresByGp,
        T::UsersResidual,
        T::StructuresByName,
        T::UsersSearch,
    ];

    pub fn name(self) -> &'static str {
        TREE_NAMES[self as usize]
    }

    /// The tree a backup names, `None` for a name this build does not know.
    pub fn named(name: &str) -> Option<T> {
        T::ALL.into_iter().find(|t| t.name() == name)
    }
}

pub const TREE_NAMES: [&str; 28] = [
    "meta",
    "directions",
    "operators",
    "referents",
    "structures",
    "users",
    "users_by_email",
    "users_by_pigp",
    "users_by_status",
    "dossiers",
    "dossiers_by_ref",
    "dossiers_by_corbeille",
    "dossiers_by_siret",
    "dossiers_by_user",
    "dossiers_by_assignee",
    "rights",
    "rights_by_siret",
    "attachments",
    "attachments_by_user",
    "counters",
    "journal",
    "journal_by_subject",
    "users_by_name",
    "users_trigram_rows",
    "structures_by_gp",
    "users_residual",
    "structures_by_name",
    "users_search",
];

/// Bounded page cache: a national database must not grow the desk past its memory budget. sled counts its pages
/// as they are on disk, and holds far more than this in memory: a process reading every tree of the national base
/// grew to 370 MiB with 64 MiB, 250 MiB with 16 MiB; the screens measured as fast with either (issue 7's harness,
/// interleaved runs).
const CACHE_BYTES: u64 = 16 * 1024 * 1024;

const JOURNAL_HEAD: &[u8] = b"journal_head";

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(
        "la base {0} est déjà ouverte par un autre processus guichet ; pour travailler à plusieurs sur la même base, lancez une fois `guichet serve --db {0}` et ouvrez les guichets comme clients"
    )]
    Locked(String),
    #[error("erreur d'entrée-sortie sur la base : {0}")]
    Io(String),
    #[error("{0} n'est pas une base guichet : donnez un dossier vide ou une base existante")]
    NotADatabase(String),
    #[error("base incohérente : {0}")]
    Corrupt(String),
    #[error("{0}")]
    Server(String),
}

impl From<sled::Error> for StoreError {
    fn from(e: sled::Error) -> Self {
        StoreError::Io(e.to_string())
    }
}

/// The writes of one command, applied together by `Store::commit`.
#[derive(Debug, Default)]
pub struct WriteSet {
    ops: Vec<(T, Vec<u8>, Option<Vec<u8>>)>,
    counters: Vec<(Vec<u8>, i64)>,
    /// The trigram postings each user holds from now on (`true`) or no longer, applied to their packed rows in
    /// the transaction (`postings`).
    postings: Vec<([u8; 3], UserId, bool)>,
    /// Sequences allocated by this command, so that two allocations in one command differ.
    sequences: HashMap<Vec<u8>, u64>,
}

impl WriteSet {
    pub fn put<V: Serialize>(&mut self, t: T, key: &[u8], value: &V) -> Result<(), StoreError> {
        let bytes = codec::encode(value).map_err(StoreError::Corrupt)?;
        self.ops.push((t, key.to_vec(), Some(bytes)));
        Ok(())
    }

    /// An index entry: the key says everything, the value is empty.
    pub fn mark(&mut self, t: T, key: &[u8]) {
        self.ops.push((t, key.to_vec(), Some(Vec::new())));
    }

    pub fn put_raw(&mut self, t: T, key: &[u8], value: &[u8]) {
        self.ops.push((t, key.to_vec(), Some(value.to_vec())));
    }

    pub fn delete(&mut self, t: T, key: &[u8]) {
        self.ops.push((t, key.to_vec(), None));
    }

    /// Adds `delta` to a counter inside the transaction.
    pub fn count(&mut self, key: Vec<u8>, delta: i64) {
        if delta != 0 {
            self.counters.push((key, delta));
        }
    }

    /// Whether this write set writes or deletes a row of `t`.
    pub fn touches(&self, t: T) -> bool {
        self.ops.iter().any(|(tree, _, _)| *tree == t)
    }

    pub fn is_empty(&self) -> bool {
        self.ops.is_empty() && self.counters.is_empty() && self.postings.is_empty()
    }

    /// Appends the writes of another command, after this one's.
    pub fn absorb(&mut self, other: WriteSet) {
        self.ops.extend(other.ops);
        self.counters.extend(other.counters);
        self.postings.extend(other.postings);
        self.sequences.extend(other.sequences);
    }
}

/// Every tree's rows (key, value), by tree name.
pub type StateDump = BTreeMap<&'static str, Vec<(Vec<u8>, Vec<u8>)>>;

pub struct Store {
    backend: Backend,
    path: PathBuf,
    reads: AtomicU64,
    caches: cache::Caches,
}

/// Where the trees are: in this process, or in the `guichet serve` process that owns the database.
enum Backend {
    Local {
        db: sled::Db,
        trees: Vec<sled::Tree>,
    },
    Remote(Arc<dyn RemoteReads>),
}

/// What a client cannot do: write or restore behind the server's back.
fn remote_refusal() -> StoreError {
    StoreError::Server(
        "la base est tenue par guichet serve : ce guichet la lit et lui envoie ses commandes, il ne l'écrit pas directement"
            .to_string(),
    )
}

impl Store {
    /// Opens (or creates) the database at `path`: directory 0700, files 0600, schema migrated.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        refuse_foreign_directory(path)?;
        restrict_new_files();
        std::fs::create_dir_all(path)
            .map_err(|e| StoreError::Io(format!("impossible de créer {} : {e}", path.display())))?;
        // sled's background threads let go of a database a moment after its last handle is dropped: a lock
        // still held is asked again for a second before it is taken for another process's.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(1);
        let db = loop {
            match sled::Config::new()
                .path(path)
                .cache_capacity(CACHE_BYTES)
                .open()
            {
                Ok(db) => break db,
                Err(sled::Error::Io(io)) if io.to_string().contains("could not acquire lock") => {
                    if std::time::Instant::now() >= deadline {
                        return Err(StoreError::Locked(path.display().to_string()));
                    }
                    std::thread::sleep(std::time::Duration::from_millis(20));
                }
                Err(other) => return Err(StoreError::Io(format!("{} : {other}", path.display()))),
            }
        };
        let trees = TREE_NAMES
            .iter()
            .map(|name| db.open_tree(name))
            .collect::<Result<Vec<_>, _>>()?;
        migrate::run(&db, &trees[T::Meta as usize])?;
        db.flush()?;
        restrict_permissions(path)?;
        let store = Store {
            backend: Backend::Local { db, trees },
            path: path.to_path_buf(),
            reads: AtomicU64::new(0),
            caches: cache::Caches::default(),
        };
        store.derive_all()?;
        Ok(store)
    }

    /// Writes a write set outside any command: the indexes a newer build derives from an older database's
    /// records, once, at opening (no journal entry: no record changes).
    fn apply_raw(&self, ws: WriteSet) -> Result<(), StoreError> {
        let (db, trees) = self.local()?;
        for (t, key, value) in &ws.ops {
            let tree = &trees[*t as usize];
            match value {
                Some(v) => tree.insert(key.as_slice(), v.as_slice())?,
                None => tree.remove(key.as_slice())?,
            };
        }
        let counters = &trees[T::Counters as usize];
        for (key, delta) in &ws.counters {
            let current = counters
                .get(key)?
                .and_then(|v| v.as_ref().try_into().ok().map(i64::from_be_bytes))
                .unwrap_or(0);
            counters.insert(key.as_slice(), &(current + delta).to_be_bytes())?;
        }
        postings::apply_tree(&trees[T::UsersByTrigram as usize], &ws.posting_rows())?;
        self.caches.written(|t| ws.touches(t));
        db.flush()?;
        Ok(())
    }

    /// A store whose trees a `guichet serve` process owns: reads go over its socket; writes are the server's.
    pub fn served(path: &Path, reads: Arc<dyn RemoteReads>) -> Store {
        Store {
            backend: Backend::Remote(reads),
            path: path.to_path_buf(),
            reads: AtomicU64::new(0),
            caches: cache::Caches::default(),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Whether this process owns the database (else a server does).
    pub fn is_local(&self) -> bool {
        matches!(self.backend, Backend::Local { .. })
    }

    /// Whether a table read whole may come from (and go to) the caches: the trees are in this process, and this
    /// thread has none of that tree's rows staged (see `cache`).
    fn cacheable(&self, t: T) -> bool {
        self.is_local() && overlay::staged_under(t, b"", false).is_none()
    }

    fn remote_reads(&self) -> Option<&Arc<dyn RemoteReads>> {
        match &self.backend {
            Backend::Remote(r) => Some(r),
            Backend::Local { .. } => None,
        }
    }

    pub(crate) fn remote(&self) -> Option<&dyn RemoteReads> {
        self.remote_reads().map(|r| r.as_ref())
    }

    fn local(&self) -> Result<(&sled::Db, &[sled::Tree]), StoreError> {
        match &self.backend {
            Backend::Local { db, trees } => Ok((db, trees)),
            Backend::Remote(_) => Err(remote_refusal()),
        }
    }

    /// A tree of a database this process owns (tests forge records through it; the desk never writes there).
    pub fn local_tree(&self, t: T) -> Result<&sled::Tree, StoreError> {
        Ok(&self.local()?.1[t as usize])
    }

    /// The same, for tests: panics on a store reached through a server.
    pub fn tree(&self, t: T) -> &sled::Tree {
        match &self.backend {
            Backend::Local { trees, .. } => &trees[t as usize],
            Backend::Remote(_) => panic!("Store::tree on a remote store"),
        }
    }

    /// How many records and index entries have been read since the store was opened (tests check that a view
    /// reads an index, not every record).
    pub fn reads(&self) -> u64 {
        self.reads.load(Ordering::Relaxed)
    }

    pub(crate) fn counted(&self) {
        self.reads.fetch_add(1, Ordering::Relaxed);
    }

    pub fn get<V: DeserializeOwned>(&self, t: T, key: &[u8]) -> Result<Option<V>, StoreError> {
        self.counted();
        let bytes = match overlay::staged(t, key) {
            Some(staged) => staged.map(sled::IVec::from),
            None => self.read_raw(t, key)?,
        };
        match bytes {
            Some(bytes) => codec::decode(&bytes)
                .map(Some)
                .map_err(|e| StoreError::Corrupt(format!("{} : {e}", TREE_NAMES[t as usize]))),
            None => Ok(None),
        }
    }

    pub fn get_raw(&self, t: T, key: &[u8]) -> Result<Option<sled::IVec>, StoreError> {
        self.counted();
        match overlay::staged(t, key) {
            Some(staged) => Ok(staged.map(sled::IVec::from)),
            None => self.read_raw(t, key),
        }
    }

    /// The records of several keys of one tree that exist, decoded, in the order of the keys: through a server,
    /// one round trip for them all.
    pub fn get_many<V: DeserializeOwned>(
        &self,
        t: T,
        keys: &[Vec<u8>],
    ) -> Result<Vec<V>, StoreError> {
        let mut out = Vec::with_capacity(keys.len());
        for value in self.get_many_raw(t, keys)?.into_iter().flatten() {
            out.push(
                codec::decode(&value).map_err(|e| {
                    StoreError::Corrupt(format!("{} : {e}", TREE_NAMES[t as usize]))
                })?,
            );
        }
        Ok(out)
    }

    /// Several keys of one tree, as `get_raw` reads each: through a server, in one round trip for all those this
    /// thread has not staged.
    pub fn get_many_raw(
        &self,
        t: T,
        keys: &[Vec<u8>],
    ) -> Result<Vec<Option<sled::IVec>>, StoreError> {
        let Backend::Remote(remote) = &self.backend else {
            if t == T::UsersSearch
                && let Some(texts) = self.user_texts(keys.len() >= search::TEXTS_READ_WHOLE)?
            {
                return Ok(keys
                    .iter()
                    .map(|key| {
                        self.counted();
                        keys::user_from(key).and_then(|id| texts.get(id.0).cloned())
                    })
                    .collect());
            }
            return keys.iter().map(|k| self.get_raw(t, k)).collect();
        };
        let mut out: Vec<Option<Option<sled::IVec>>> = Vec::with_capacity(keys.len());
        let mut asked = Vec::new();
        for key in keys {
            self.counted();
            let staged = overlay::staged(t, key);
            if staged.is_none() {
                asked.push(key.clone());
            }
            out.push(staged.map(|v| v.map(sled::IVec::from)));
        }
        let mut answers = remote.get_many(t, &asked)?.into_iter();
        out.into_iter()
            .map(|known| match known {
                Some(value) => Ok(value),
                None => answers
                    .next()
                    .map(|v| v.map(sled::IVec::from))
                    .ok_or_else(|| StoreError::Server("réponse incomplète du serveur".to_string())),
            })
            .collect()
    }

    fn read_raw(&self, t: T, key: &[u8]) -> Result<Option<sled::IVec>, StoreError> {
        match &self.backend {
            Backend::Local { trees, .. } => Ok(trees[t as usize].get(key)?),
            Backend::Remote(r) => Ok(r.get(t, key)?.map(sled::IVec::from)),
        }
    }

    /// Every record under a prefix, decoded, in key order.
    pub fn scan<V: DeserializeOwned>(
        &self,
        t: T,
        prefix: &[u8],
    ) -> Result<Vec<(sled::IVec, V)>, StoreError> {
        self.rows(t, prefix, false)?
            .map(|item| {
                let (k, v) = item?;
                let value = codec::decode(&v).map_err(|e| {
                    StoreError::Corrupt(format!("{} : {e}", TREE_NAMES[t as usize]))
                })?;
                Ok((k, value))
            })
            .collect()
    }

    /// The keys under a prefix, at most `limit`, after skipping `skip` (index pages).
    pub fn keys(
        &self,
        t: T,
        prefix: &[u8],
        skip: usize,
        limit: usize,
    ) -> Result<Vec<sled::IVec>, StoreError> {
        self.key_rows(t, prefix, skip, limit)?
            .take(limit)
            .map(|item| Ok(item?.0))
            .collect()
    }

    /// Several counters at once (one round trip through a server), in the order of their keys.
    pub fn counters(&self, keys: &[Vec<u8>]) -> Result<Vec<i64>, StoreError> {
        Ok(self
            .get_many_raw(T::Counters, keys)?
            .into_iter()
            .map(|v| {
                v.and_then(|v| v.as_ref().try_into().ok().map(i64::from_be_bytes))
                    .unwrap_or(0)
            })
            .collect())
    }

    pub fn counter(&self, key: &[u8]) -> Result<i64, StoreError> {
        Ok(self
            .get_raw(T::Counters, key)?
            .and_then(|v| v.as_ref().try_into().ok().map(i64::from_be_bytes))
            .unwrap_or(0))
    }

    /// Allocates the next number of a sequence kept in the meta tree (under the desk's writer lock).
    pub fn next_in_sequence(&self, ws: &mut WriteSet, name: &[u8]) -> Result<u64, StoreError> {
        let current = match ws.sequences.get(name) {
            Some(n) => *n,
            None => self
                .get_raw(T::Meta, name)?
                .and_then(|v| v.as_ref().try_into().ok().map(u64::from_be_bytes))
                .unwrap_or(0),
        };
        let next = current + 1;
        ws.sequences.insert(name.to_vec(), next);
        ws.put_raw(T::Meta, name, &next.to_be_bytes());
        Ok(next)
    }

    /// The last entry of the journal: its sequence number and hash (0 and the genesis hash when empty).
    pub fn journal_head(&self) -> Result<(u64, [u8; 32]), StoreError> {
        match self.get_raw(T::Meta, JOURNAL_HEAD)? {
            Some(v) => decode_head(&v),
            None => Ok((0, GENESIS)),
        }
    }

    /// Applies the writes and appends the journal entry in one transaction, then flushes to disk.
    pub fn commit(&self, ws: WriteSet, draft: Draft) -> Result<Entry, StoreError> {
        let entry = self.commit_unflushed(ws, draft)?;
        self.flush()?;
        Ok(entry)
    }

    /// The same transaction, left in sled's buffers: for bulk generation, which flushes once at the end, before it
    /// reports anything done.
    pub fn commit_unflushed(&self, ws: WriteSet, draft: Draft) -> Result<Entry, StoreError> {
        let mut entries = self.commit_all(ws, vec![draft])?;
        entries
            .pop()
            .ok_or_else(|| StoreError::Corrupt("aucune entrée de journal écrite".to_string()))
    }

    /// The writes of several commands and their journal entries, in order, in one transaction, not yet flushed.
    pub fn commit_all(&self, ws: WriteSet, drafts: Vec<Draft>) -> Result<Vec<Entry>, StoreError> {
        let (_, trees) = self.local()?;
        let posting_rows = ws.posting_rows();
        let result = trees.transaction(|txs: &Vec<TransactionalTree>| {
            let abort = |e: String| ConflictableTransactionError::Abort(e);
            for (t, key, value) in &ws.ops {
                let tree = &txs[*t as usize];
                match value {
                    Some(v) => tree.insert(key.as_slice(), v.as_slice())?,
                    None => tree.remove(key.as_slice())?,
                };
            }
            let counters = &txs[T::Counters as usize];
            for (key, delta) in &ws.counters {
                let current = counters
                    .get(key.as_slice())?
                    .and_then(|v| v.as_ref().try_into().ok().map(i64::from_be_bytes))
                    .unwrap_or(0);
                counters.insert(key.as_slice(), &(current + delta).to_be_bytes())?;
            }
            postings::apply_tx(&txs[T::UsersByTrigram as usize], &posting_rows)?;
            let meta = &txs[T::Meta as usize];
            let (mut last, mut prev_hash) = match meta.get(JOURNAL_HEAD)? {
                Some(v) => decode_head(&v).map_err(|e| abort(e.to_string()))?,
                None => (0, GENESIS),
            };
            let mut entries = Vec::with_capacity(drafts.len());
            for draft in &drafts {
                let seq = last + 1;
                let hash = journal::chain_hash(&prev_hash, seq, draft).map_err(abort)?;
                let entry = Entry {
                    seq,
                    draft: draft.clone(),
                    prev_hash,
                    hash,
                };
                let bytes = codec::encode(&entry).map_err(abort)?;
                txs[T::Journal as usize].insert(&keys::seq(seq), bytes)?;
                for subject in &draft.subjects {
                    subjects::append(
                        &txs[T::JournalBySubject as usize],
                        &subject.key_prefix(),
                        seq,
                    )?;
                }
                (last, prev_hash) = (seq, hash);
                entries.push(entry);
            }
            let mut head = last.to_be_bytes().to_vec();
            head.extend_from_slice(&prev_hash);
            meta.insert(JOURNAL_HEAD, head)?;
            Ok(entries)
        });
        match &result {
            Ok(_) => self.caches.committed(&ws),
            Err(_) => self.caches.written(|t| ws.touches(t)),
        }
        result.map_err(|e| match e {
            TransactionError::Abort(message) => StoreError::Corrupt(message),
            TransactionError::Storage(e) => StoreError::from(e),
        })
    }

    /// The whole content of every tree but the journal's, for tests that prove a refusal changed nothing.
    pub fn dump_state(&self) -> Result<StateDump, StoreError> {
        let mut out = BTreeMap::new();
        for (i, name) in TREE_NAMES.iter().enumerate() {
            let mut rows = Vec::new();
            for item in self.rows(T::ALL[i], b"", false)? {
                let (k, v) = item?;
                if i == T::Meta as usize && k.as_ref() == JOURNAL_HEAD {
                    continue;
                }
                rows.push((k.to_vec(), v.to_vec()));
            }
            if i != T::Journal as usize && i != T::JournalBySubject as usize {
                out.insert(*name, rows);
            }
        }
        Ok(out)
    }

    /// Waits until every write is on disk; a client has nothing to flush (the server flushes before it answers).
    pub fn flush(&self) -> Result<(), StoreError> {
        if let Backend::Local { db, .. } = &self.backend {
            db.flush()?;
        }
        Ok(())
    }
}

fn decode_head(v: &[u8]) -> Result<(u64, [u8; 32]), StoreError> {
    if v.len() != 40 {
        return Err(StoreError::Corrupt("tête du journal illisible".to_string()));
    }
    let seq = keys::seq_from(&v[..8]).unwrap_or(0);
    let mut hash = [0u8; 32];
    hash.copy_from_slice(&v[8..]);
    Ok((seq, hash))
}

/// New files of this process are readable by their owner only.
fn restrict_new_files() {
    // SAFETY: umask only changes the process's file-creation mask; it cannot fail and touches no memory.
    unsafe {
        libc::umask(0o077);
    }
}

/// The files sled keeps in a database directory.
fn is_sled_entry(name: &str) -> bool {
    matches!(name, "conf" | "db" | "blobs") || name.starts_with("snap.")
}

/// Refuses to turn a directory that holds anything but a database into one (and to change its permissions).
fn refuse_foreign_directory(path: &Path) -> Result<(), StoreError> {
    let Ok(entries) = std::fs::read_dir(path) else {
        return Ok(());
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().to_string();
        // The socket of a `guichet serve` that holds (or held) this database lives beside sled's files.
        if !is_sled_entry(&name) && name != "guichet.sock" {
            return Err(StoreError::NotADatabase(format!(
                "{} (il contient « {name} »)",
                path.display()
            )));
        }
    }
    Ok(())
}

/// The database directory 0700 and sled's files 0600, whatever the umask was when they were created. Only the
/// directory and sled's own entries are touched; links are not followed.
fn restrict_permissions(path: &Path) -> Result<(), StoreError> {
    use std::os::unix::fs::PermissionsExt;
    let io = |e: std::io::Error| StoreError::Io(format!("{} : {e}", path.display()));
    let set =
        |p: &Path, mode: u32| std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode));
    set(path, 0o700).map_err(io)?;
    let mut stack = vec![(path.to_path_buf(), true)];
    while let Some((dir, top)) = stack.pop() {
        for entry in std::fs::read_dir(&dir).map_err(io)? {
            let entry = entry.map_err(io)?;
            let name = entry.file_name().to_string_lossy().to_string();
            if top && !is_sled_entry(&name) {
                continue;
            }
            let kind = entry.file_type().map_err(io)?;
            let p = entry.path();
            if kind.is_symlink() {
                continue;
            } else if kind.is_dir() {
                set(&p, 0o700).map_err(io)?;
                stack.push((p, false));
            } else {
                set(&p, 0o600).map_err(io)?;
            }
        }
    }
    Ok(())
}
