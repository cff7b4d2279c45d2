//! Raw access to the trees for the backup and its restore, and for nothing else: these methods read and write
//! bytes as they are stored, bypassing the desk, its rules, its indexes and its journal. A restore copies a whole
//! database that the desk itself wrote, so every record, index entry, counter and journal entry comes back
//! exactly as it was; writing anything else through here would break the invariants the desk keeps.

use super::{Store, StoreError, T, migrate};

/// The only key `Store::open` writes on a new database (`migrate::run` stamps the schema version there).
const SCHEMA_KEY: &[u8] = b"schema_version";

impl Store {
    /// Whether the database holds nothing but what opening a new one writes (its schema version): no record, no
    /// index entry, no journal. A restore goes into such a database only, unless told to clear it.
    pub fn is_blank(&self) -> Result<bool, StoreError> {
        let (_, trees) = self.local()?;
        for (i, tree) in trees.iter().enumerate() {
            if i == T::Meta as usize {
                for item in tree.iter() {
                    let (key, _) = item?;
                    if key.as_ref() != SCHEMA_KEY && key.as_ref() != super::derived::DERIVED {
                        return Ok(false);
                    }
                }
            } else if !tree.is_empty() {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// Empties every tree, the schema version and the journal head included (`restore --force`).
    pub fn clear_all(&self) -> Result<(), StoreError> {
        let (db, trees) = self.local()?;
        for tree in trees {
            tree.clear()?;
        }
        self.caches.clear();
        db.flush()?;
        Ok(())
    }

    /// Writes stored pairs into the tree of that name as they are. For the restore of a backup only, which
    /// writes the meta tree last, in one atomic batch (a restore cut short leaves no journal head, or all of the
    /// meta tree: never a head without the schema version and sequences); every other tree one insert a pair —
    /// sled 0.34's atomic batches kept their pages in memory past its cache: a national backup restored in
    /// batches of 4,096 took 7 GB.
    pub fn restore_pairs(
        &self,
        name: &str,
        pairs: Vec<(Vec<u8>, Vec<u8>)>,
    ) -> Result<(), StoreError> {
        let t =
            T::named(name).ok_or_else(|| StoreError::Corrupt(format!("arbre inconnu : {name}")))?;
        let tree = self.local_tree(t)?;
        if t == T::Meta {
            // The schema version, the sequences and the journal head: all of them or none, after everything else.
            let mut batch = sled::Batch::default();
            for (key, value) in pairs {
                batch.insert(key, value);
            }
            tree.apply_batch(batch)?;
            return Ok(());
        }
        for (key, value) in pairs {
            tree.insert(key, value)?;
        }
        self.caches.written(|touched| touched == t);
        Ok(())
    }

    /// Ends a restore: flushes every write to disk, then brings a backup of an older schema to this build's
    /// (the migrations `Store::open` would run), and flushes again.
    pub fn finish_restore(&self) -> Result<(), StoreError> {
        let (db, trees) = self.local()?;
        db.flush()?;
        self.caches.clear();
        migrate::run(db, &trees[T::Meta as usize])?;
        // A backup of an older build lacks the derived indexes; one of this build has them: rebuilt either way.
        trees[T::Meta as usize].remove(super::derived::DERIVED)?;
        self.derive_all()?;
        db.flush()?;
        Ok(())
    }
}
