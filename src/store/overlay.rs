//! Reading one's own writes before they are committed: while the desk checks the lines of a file one after the
//! other, to write them all in one transaction or none, each line must see what the lines before it will write (a
//! structure added twice, a dossier number already taken). The staged writes are kept per thread: only the thread
//! executing the commands sees them, never another reader of the store.
//!
//! Point reads (`Store::get`, `Store::get_raw`) see the staged writes; prefix scans see the committed store only,
//! which the callers of a multi-command execution take into account.

use super::{T, WriteSet};
use std::cell::RefCell;
use std::collections::HashMap;

type Staged = HashMap<(T, Vec<u8>), Option<Vec<u8>>>;

thread_local! {
    static STAGED: RefCell<Option<Staged>> = const { RefCell::new(None) };
}

/// While alive, point reads on this thread see the writes staged with `stage`; dropped, they are forgotten.
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
                    map.insert((*t, key.clone()), value.clone());
                }
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
            .and_then(|map| map.get(&(t, key.to_vec())).cloned())
    })
}
