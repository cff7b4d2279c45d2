//! Three tables read whole or at random and often, kept in memory:
//! - the référentiel of directions, decoded: every rule of competence (R1, R3, the scoping of a correspondant's
//!   rights) reads all of them, several times per command; decoding them from sled each time was a fifth of a
//!   national bulk load;
//! - the structures' name index with its search texts: a structures filter for a rare needle reads all of it,
//!   15,000 rows of a national base, 10 ms from sled, under one from memory;
//! - the users' search texts (`T::UsersSearch`, 6 MB for 60,000 users) and the name order they give
//!   (`T::UsersByName`, see `user_texts`): a directory filter of four letters checks a thousand or more texts, at
//!   random, and one of three letters walks the name order; from a sled that has just opened, each costs page
//!   reads from disk, and the keystroke 9 to 190 ms, where memory answers in one or two. A thread of the desk
//!   reads them once the first frame is drawn, one of `guichet serve` once it listens (`Store::warm`); a search
//!   asking for many of them reads them first if they are not yet.
//!
//! Through `guichet serve`, the server answers from its own.
//!
//! The caches belong to a store that owns its trees (`Backend::Local`). The first two are dropped by every write
//! that touches their tree (`Caches::written`); the users' texts take a committed command's rows in place
//! (`Caches::committed`), so that creating or renaming a user does not send the next filter back to disk. All are
//! bypassed while the thread has rows of their tree staged in its overlay (a command checked and not yet
//! committed). A scan that raced with a write does not fill them: each write moves a generation on, and a result
//! is kept only if the generation it was read under is current.

use super::user_texts::UserTexts;
use super::{RawRows, T, WriteSet};
use crate::domain::operator::Direction;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// The caches of a store.
#[derive(Default)]
pub(super) struct Caches {
    pub(super) directions: Cached<Vec<Direction>>,
    /// Every row of `T::StructuresByName`, in key order.
    pub(super) structure_names: Cached<RawRows>,
    pub(super) user_texts: Cached<UserTexts>,
}

impl Caches {
    /// Drops what a write made stale: `touched` says whether it changed a tree.
    pub(super) fn written(&self, touched: impl Fn(T) -> bool) {
        if touched(T::Directions) {
            self.directions.invalidate();
        }
        if touched(T::StructuresByName) {
            self.structure_names.invalidate();
        }
        if touched(T::UsersSearch) || touched(T::UsersByName) {
            self.user_texts.invalidate();
        }
    }

    /// A write set sled has committed: the users' texts take its rows of `T::UsersSearch` (the name order with
    /// them: a command writes `T::UsersByName` beside, from the same sort name), the other caches are dropped if
    /// it touched their tree.
    pub(super) fn committed(&self, ws: &WriteSet) {
        self.written(|t| !matches!(t, T::UsersSearch | T::UsersByName) && ws.touches(t));
        if !ws.touches(T::UsersSearch) {
            if ws.touches(T::UsersByName) {
                self.user_texts.invalidate();
            }
            return;
        }
        self.user_texts.update(|texts| {
            ws.ops
                .iter()
                .filter(|(t, _, _)| *t == T::UsersSearch)
                .all(|(_, key, row)| texts.write(key, row.as_deref()))
        });
    }

    /// Drops everything (a restore, a tree emptied).
    pub(super) fn clear(&self) {
        self.written(|_| true);
    }
}

/// One table read whole, under a generation.
pub(super) struct Cached<V> {
    generation: AtomicU64,
    value: Mutex<Option<(u64, Arc<V>)>>,
}

impl<V> Default for Cached<V> {
    fn default() -> Self {
        Cached {
            generation: AtomicU64::new(0),
            value: Mutex::new(None),
        }
    }
}

impl<V> Cached<V> {
    /// What was read under the current generation, if any.
    pub(super) fn get(&self) -> Option<Arc<V>> {
        // Under the lock: a write applied in place between reading the generation and taking the lock would
        // otherwise make a current table look stale, and a large search read the whole tree again.
        let value = self.value.lock().unwrap_or_else(|p| p.into_inner());
        let current = self.generation.load(Ordering::Acquire);
        match value.as_ref() {
            Some((generation, value)) if *generation == current => Some(value.clone()),
            _ => None,
        }
    }

    /// The generation to read under, before the scan.
    fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// Keeps what was read under `generation`, unless a write came since.
    fn fill(&self, generation: u64, read: Arc<V>) {
        let mut value = self.value.lock().unwrap_or_else(|p| p.into_inner());
        if self.generation.load(Ordering::Acquire) == generation {
            *value = Some((generation, read));
        }
    }

    /// What was read under the current generation, or else what `read` reads, kept unless a write came during it.
    pub(super) fn get_or_read<E>(&self, read: impl FnOnce() -> Result<V, E>) -> Result<Arc<V>, E> {
        if let Some(value) = self.get() {
            return Ok(value);
        }
        let generation = self.generation();
        let value = Arc::new(read()?);
        self.fill(generation, value.clone());
        Ok(value)
    }

    /// The table changed by a write that `change` applies: what was read under the current generation is changed
    /// in place and kept, unless `change` says it cannot apply the write; a scan in flight is not kept.
    pub(super) fn update(&self, change: impl FnOnce(&mut V) -> bool)
    where
        V: Clone,
    {
        let mut value = self.value.lock().unwrap_or_else(|p| p.into_inner());
        let before = self.generation.fetch_add(1, Ordering::AcqRel);
        *value = match value.take() {
            Some((generation, mut read)) if generation == before => {
                change(Arc::make_mut(&mut read)).then_some((before + 1, read))
            }
            _ => None,
        };
    }

    /// The table changed (or may have: a restore).
    pub(super) fn invalidate(&self) {
        let mut value = self.value.lock().unwrap_or_else(|p| p.into_inner());
        self.generation.fetch_add(1, Ordering::AcqRel);
        *value = None;
    }
}

#[cfg(test)]
mod tests {
    use super::Cached;
    use crate::domain::operator::Direction;
    use std::sync::Arc;

    #[test]
    fn a_scan_overtaken_by_a_write_is_not_kept() {
        let cache = Cached::<Vec<Direction>>::default();
        let before = cache.generation();
        cache.invalidate();
        cache.fill(before, Arc::new(Vec::new()));
        assert!(
            cache.get().is_none(),
            "read before the write, kept after it"
        );
        let now = cache.generation();
        cache.fill(now, Arc::new(Vec::new()));
        assert!(cache.get().is_some());
        cache.invalidate();
        assert!(cache.get().is_none(), "a write drops what was read");
    }

    #[test]
    fn a_write_applied_in_place_keeps_the_table_and_still_refuses_a_scan_it_overtook() {
        let cache = Cached::<Vec<u32>>::default();
        cache.update(|v| {
            v.push(9);
            true
        });
        assert!(cache.get().is_none(), "nothing read: nothing to change");
        let before = cache.generation();
        cache.fill(before, Arc::new(vec![1]));
        let in_flight = cache.generation();
        cache.update(|v| {
            v.push(2);
            true
        });
        assert_eq!(cache.get().as_deref(), Some(&vec![1, 2]));
        cache.fill(in_flight, Arc::new(vec![1]));
        assert_eq!(
            cache.get().as_deref(),
            Some(&vec![1, 2]),
            "a scan read before the write replaced what the write changed"
        );
        cache.update(|_| false);
        assert!(cache.get().is_none(), "a write it cannot apply drops it");
    }
}
