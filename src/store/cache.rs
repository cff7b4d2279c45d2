//! The référentiel of directions, decoded once: every rule of competence (R1, R3, the scoping of a
//! correspondant's rights) reads all the directions, several times per command; decoding them from sled each time
//! was a fifth of a national bulk load.
//!
//! The cache belongs to a store that owns its trees (`Backend::Local`). It is dropped by every write that touches
//! the directions (`invalidate`), and bypassed while the thread has directions staged in its overlay (a
//! `direction.add` checked and not yet committed). A scan that raced with a write does not fill it: each
//! invalidation moves a generation on, and a result is kept only if the generation it was read under is current.

use crate::domain::operator::Direction;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

#[derive(Default)]
pub(super) struct DirectionsCache {
    generation: AtomicU64,
    value: Mutex<Option<(u64, Arc<Vec<Direction>>)>>,
}

impl DirectionsCache {
    /// The directions read under the current generation, if any.
    pub(super) fn get(&self) -> Option<Arc<Vec<Direction>>> {
        let current = self.generation.load(Ordering::Acquire);
        let value = self.value.lock().unwrap_or_else(|p| p.into_inner());
        match value.as_ref() {
            Some((generation, directions)) if *generation == current => Some(directions.clone()),
            _ => None,
        }
    }

    /// The generation to read under, before the scan.
    pub(super) fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// Keeps what was read under `generation`, unless a write came since.
    pub(super) fn fill(&self, generation: u64, directions: Arc<Vec<Direction>>) {
        let mut value = self.value.lock().unwrap_or_else(|p| p.into_inner());
        if self.generation.load(Ordering::Acquire) == generation {
            *value = Some((generation, directions));
        }
    }

    /// The directions changed (or may have: a restore).
    pub(super) fn invalidate(&self) {
        let mut value = self.value.lock().unwrap_or_else(|p| p.into_inner());
        self.generation.fetch_add(1, Ordering::AcqRel);
        *value = None;
    }
}

#[cfg(test)]
mod tests {
    use super::DirectionsCache;
    use std::sync::Arc;

    #[test]
    fn a_scan_overtaken_by_a_write_is_not_kept() {
        let cache = DirectionsCache::default();
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
