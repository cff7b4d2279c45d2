//! The schema version of a database and the migrations that bring an older one to this build's version.
//! Each migration is a function from version N to N+1, run once, in order, when the database is opened.

use super::{StoreError, T, TREE_NAMES, WriteSet, codec};
use crate::domain::user::User;

/// The schema this build writes.
pub const SCHEMA_VERSION: u32 = 2;

type Migration = fn(&sled::Db) -> Result<(), StoreError>;

/// `MIGRATIONS[i]` brings a database from version i+1 to i+2.
const MIGRATIONS: &[Migration] = &[user_search];

/// Schema 2: the directory's name and trigram indexes, and their counters, built from the users a schema-1
/// database holds (the desk keeps them from then on, in each command's transaction).
fn user_search(db: &sled::Db) -> Result<(), StoreError> {
    let tree = |t: T| db.open_tree(TREE_NAMES[t as usize]);
    let mut ws = WriteSet::default();
    for item in tree(T::Users)?.iter() {
        let (_, value) = item?;
        let user: User = codec::decode(&value).map_err(StoreError::Corrupt)?;
        ws.index_user_search(None, &user);
    }
    for (t, key, value) in &ws.ops {
        match value {
            Some(v) => tree(*t)?.insert(key.as_slice(), v.as_slice())?,
            None => tree(*t)?.remove(key.as_slice())?,
        };
    }
    let counters = tree(T::Counters)?;
    let mut totals: std::collections::BTreeMap<&[u8], i64> = std::collections::BTreeMap::new();
    for (key, delta) in &ws.counters {
        *totals.entry(key.as_slice()).or_default() += delta;
    }
    for (key, total) in totals {
        counters.insert(key, &total.to_be_bytes())?;
    }
    db.flush()?;
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
    Ok(())
}
