//! Two tables read whole and often, kept decoded in memory: the référentiel of directions — every rule of
//! competence (R1, R3, the scoping of a correspondant's rights) reads all of them, several times per command;
//! decoding them from sled each time was a fifth of a national bulk load — and the structures' name index with its
//! search texts — a structures filter for a rare needle reads all of it: 15,000 rows of a national base, 10 ms
//! from sled, under one from memory; through `guichet serve`, the server answers from its own.
//!
//! The caches belong to a store that owns its trees (`Backend::Local`). Each is dropped by every write that touches
//! its tree (`Caches::written`), and bypassed while the thread has rows of that tree staged in its overlay (a
//! command checked and not yet committed). A scan that raced with a write does not fill it: each invalidation moves
//! a generation on, and a result is kept only if the generation it was read under is current.

use super::{RawRows, T};
use crate::domain::operator::Direction;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// The caches of a store.
#[derive(Default)]
pub(super) struct Caches {
    pub(super) directions: Cached<Vec<Direction>>,
    /// Every row of `T::StructuresByName`, in key order.
    pub(super) structure_names: Cached<RawRows>,
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
    fn get(&self) -> Option<Arc<V>> {
        let current = self.generation.load(Ordering::Acquire);
        let value = self.value.lock().unwrap_or_else(|p| p.into_inner());
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
}
