//! The structures a filter keeps, in name order, read a page at a time: what the Structures espace lists and what
//! the picker « Demander un rattachement » of Mon compte offers. Unfiltered, the name index gives each page and a
//! counter the total; filtered, the name index is read only as far as the list is shown (see
//! `store::Matches`: one or two letters, a slice and an estimate; three or more, only the rows holding them), and
//! each letter typed on narrows what was found and reads on from there.
//!
//! It holds no lines and draws nothing: the espace and the picker make their own lines of the structures a page
//! gives them.

use crate::domain::ids::Siret;
use crate::domain::structure::Structure;
use crate::store::{Matches, Store};

/// The lines a filter reads before the list asks for its page: a screen's worth.
const FIRST_LINES: usize = 64;

/// What the list holds.
#[derive(Debug, Default)]
enum Kept {
    /// Every structure, in name order (the name index, a page at a time).
    #[default]
    Every,
    /// Those of the scope that hold the needle (the scope is short and in memory).
    Listed(Vec<(Siret, String)>),
    /// Those the filter has found so far.
    Found(Matches),
}

#[derive(Debug, Default)]
pub struct StructureSearch {
    /// The structures a view is limited to (those R14 points at), SIRET and search text in name order; `None`:
    /// every structure.
    scope: Option<Vec<(Siret, String)>>,
    kept: Kept,
    /// Every structure the desk knows (for "n sur N").
    all: usize,
}

impl StructureSearch {
    /// Every structure, or only those of `scope`, unfiltered: one counter read.
    pub fn load(&mut self, store: &Store, scope: Option<Vec<(Siret, String)>>) {
        self.all = store.structures_count().unwrap_or(0);
        self.kept = match &scope {
            Some(scope) => Kept::Listed(scope.clone()),
            None => Kept::Every,
        };
        self.scope = scope;
    }

    /// Keeps the structures whose search text holds `needle` (folded). A SIRET typed with its spaces is searched
    /// without them, as the texts hold it.
    pub fn apply(&mut self, store: &Store, needle: &str) {
        let needle = if needle.chars().all(|c| c.is_ascii_digit() || c == ' ') {
            needle.replace(' ', "")
        } else {
            needle.to_string()
        };
        self.kept = match (&self.scope, std::mem::take(&mut self.kept)) {
            (Some(scope), _) => Kept::Listed(
                scope
                    .iter()
                    .filter(|(_, text)| text.contains(needle.as_str()))
                    .cloned()
                    .collect(),
            ),
            (None, _) if needle.is_empty() => Kept::Every,
            // A search that fails (a server gone a moment) is read again from the start when the list is drawn.
            (None, Kept::Found(found)) => Kept::Found(
                store
                    .structures_search_on(found, &needle, FIRST_LINES)
                    .unwrap_or_else(|_| Matches::unread(&needle)),
            ),
            (None, _) => Kept::Found(
                store
                    .structures_search(&needle, FIRST_LINES)
                    .unwrap_or_else(|_| Matches::unread(&needle)),
            ),
        };
    }

    /// The structures at lines `[at, at + n)`: their index entries and records. A search left unfinished reads
    /// on as far as these lines, and its total may become exact (or smaller than estimated).
    pub fn page(&mut self, store: &Store, at: usize, n: usize) -> Vec<Structure> {
        let sirets: Vec<Siret> = match &mut self.kept {
            Kept::Every => return store.structures_page(at, n).unwrap_or_default(),
            Kept::Listed(listed) => listed.iter().skip(at).take(n).map(|(s, _)| *s).collect(),
            Kept::Found(found) => {
                if found.known() < at + n {
                    let _ = store.structures_search_more(found, at + n);
                }
                found.page(at, n)
            }
        };
        store.structures(&sirets).unwrap_or_default()
    }

    /// The structures kept (maybe an estimate, see `exact`).
    pub fn total(&self) -> usize {
        match &self.kept {
            Kept::Every => self.all,
            Kept::Listed(listed) => listed.len(),
            Kept::Found(found) => found.total(self.all),
        }
    }

    /// Whether `total` is the exact number of structures kept (else « ≈ »).
    pub fn exact(&self) -> bool {
        match &self.kept {
            Kept::Found(found) => found.exact(),
            _ => true,
        }
    }

    /// The structures of the view before any filter: the scope, or every one.
    pub fn unfiltered(&self) -> usize {
        self.scope.as_ref().map_or(self.all, Vec::len)
    }
}
