//! Reading one's own writes before they are committed: while the desk checks commands one after the other, to
//! write them together in one transaction (the lines of an imported file, a bulk load), each command must see what
//! the commands before it will write (a structure added twice, a dossier number already taken, a GP already
//! designated). The staged writes are kept per thread: only the thread executing the commands sees them, never
//! another reader of the store.
//!
//! Point reads (`Store::get`, `Store::get_raw`) and prefix scans (`Store::rows`, so `scan` and `keys`) see the
//! staged writes merged with the committed store. Counters do not: their deltas apply in the transaction, and no
//! rule reads a counter.

use super::{T, WriteSet};
use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};

type Tree = BTreeMap<Vec<u8>, Option<Vec<u8>>>;
/// Staged rows in the order of a scan: a value written, or `None` for a key deleted.
pub(super) type StagedRows = Vec<(Vec<u8>, Option<Vec<u8>>)>;
type Staged = HashMap<T, Tree>;

thread_local! {
    static STAGED: RefCell<Option<Staged>> = const { RefCell::new(None) };
}

/// While alive, reads on this thread see the writes staged with `stage`; dropped, they are forgotten.
pub struct Overlay(());

impl Overlay {
    pub fn begin() -> Overlay {
        STAGED.with(|s| *s.borrow_mut() = Some(HashMap::new()));
        Overlay(())
    }

    /// Makes the writes of a checked command visible to the commands after it.
    pub fn stage(&self, ws: &WriteSet) {
        STAGED.with(|s| {
            if let Some(map) = s.borrow_mut().as_mut() {
                for (t, key, value) in &ws.ops {
                    map.entry(*t)
                        .or_default()
                        .insert(key.clone(), value.clone());
                }
            }
        });
    }

    /// Forgets the staged writes once they are committed: the store now holds them.
    pub fn clear(&self) {
        STAGED.with(|s| {
            if let Some(map) = s.borrow_mut().as_mut() {
                map.clear();
            }
        });
    }
}

impl Drop for Overlay {
    fn drop(&mut self) {
        STAGED.with(|s| *s.borrow_mut() = None);
    }
}

/// The staged value of a key on this thread: `Some(Some(v))` written, `Some(None)` deleted, `None` not staged.
pub(super) fn staged(t: T, key: &[u8]) -> Option<Option<Vec<u8>>> {
    STAGED.with(|s| {
        s.borrow()
            .as_ref()
            .and_then(|map| map.get(&t)?.get(key).cloned())
    })
}

/// The staged keys of a tree under `prefix` on this thread, in key order (reversed with `reverse`), `None` when
/// nothing is staged there.
pub(super) fn staged_under(t: T, prefix: &[u8], reverse: bool) -> Option<StagedRows> {
    STAGED.with(|s| {
        let borrowed = s.borrow();
        let tree = borrowed.as_ref()?.get(&t)?;
        let mut rows: StagedRows = tree
            .range(prefix.to_vec()..)
            .take_while(|(k, _)| k.starts_with(prefix))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        if rows.is_empty() {
            return None;
        }
        if reverse {
            rows.reverse();
        }
        Some(rows)
    })
}
