//! The structures a filter keeps, in name order, read a page at a time: what the Structures espace lists and what
//! the picker « Demander un rattachement » of Mon compte offers. Unfiltered, the name index gives each page and a
//! counter the total; a filter is one pass over that index (a key and a short search text per structure, no
//! record), and each letter typed on narrows what it found without reading the store again.
//!
//! It holds no lines and draws nothing: the espace and the picker make their own lines of the structures a page
//! gives them.

use crate::domain::ids::Siret;
use crate::domain::structure::Structure;
use crate::store::Store;

#[derive(Debug, Default)]
pub struct StructureSearch {
    /// The structures a view is limited to (those R14 points at), SIRET and search text in name order; `None`:
    /// every structure.
    scope: Option<Vec<(Siret, String)>>,
    /// The structures kept when they are not every one: the scope, or what the filter found.
    picked: Option<Vec<(Siret, String)>>,
    /// The needle the list was last narrowed with.
    needle: String,
    /// Every structure the desk knows (for "n sur N").
    all: usize,
}

impl StructureSearch {
    /// Every structure, or only those of `scope`, unfiltered: one counter read.
    pub fn load(&mut self, store: &Store, scope: Option<Vec<(Siret, String)>>) {
        self.all = store.structures_count().unwrap_or(0);
        self.picked = scope.clone();
        self.scope = scope;
        self.needle.clear();
    }

    /// Keeps the structures whose search text holds `needle` (folded). A SIRET typed with its spaces is searched
    /// without them, as the texts hold it.
    pub fn apply(&mut self, store: &Store, needle: &str) {
        let needle = if needle.chars().all(|c| c.is_ascii_digit() || c == ' ') {
            needle.replace(' ', "")
        } else {
            needle.to_string()
        };
        let narrow = |list: &[(Siret, String)]| -> Vec<(Siret, String)> {
            list.iter()
                .filter(|(_, text)| text.contains(needle.as_str()))
                .cloned()
                .collect()
        };
        self.picked = match (&self.scope, &self.picked) {
            (Some(scope), _) => Some(narrow(scope)),
            (None, _) if needle.is_empty() => None,
            (None, Some(picked))
                if !self.needle.is_empty() && needle.contains(self.needle.as_str()) =>
            {
                Some(narrow(picked))
            }
            (None, _) => Some(store.structures_matching(&needle).unwrap_or_default()),
        };
        self.needle = needle;
    }

    /// The structures at lines `[at, at + n)`: their index entries and records.
    pub fn page(&self, store: &Store, at: usize, n: usize) -> Vec<Structure> {
        match &self.picked {
            None => store.structures_page(at, n).unwrap_or_default(),
            Some(picked) => {
                let sirets: Vec<_> = picked.iter().skip(at).take(n).map(|(s, _)| *s).collect();
                store.structures(&sirets).unwrap_or_default()
            }
        }
    }

    /// The structures kept.
    pub fn total(&self) -> usize {
        self.picked.as_ref().map_or(self.all, Vec::len)
    }

    /// The structures of the view before any filter: the scope, or every one.
    pub fn unfiltered(&self) -> usize {
        self.scope.as_ref().map_or(self.all, Vec::len)
    }
}
