//! The accounts a filter keeps, in name order, read a page at a time: what the Utilisateurs directory lists and
//! what the picker « Changer d'utilisateur » of Mon compte and Activités du gestionnaire offers. A national
//! directory holds tens of thousands of accounts: nothing here reads them all, each page costs its lines.
//!
//! It holds no lines and draws nothing: the directory and the picker make their own lines of the users a page
//! gives them.

use crate::domain::user::User;
use crate::store::{Found, Store};

/// What a keystroke of the filter reads, a few milliseconds on a national directory: the holders of the needle's
/// rarest trigram when there are at most this many (the list is then exact), else this many rows of the name index
/// beyond the lines shown, the total then estimated (« ≈ ») and made exact as one types on (each letter reads on
/// where the last stopped) or moves down the list. A status or a population stays an estimate.
const SEARCH_BUDGET: usize = 2048;

/// What the filter has become.
#[derive(Debug, Default)]
enum Source {
    /// Every user, in name order (the name index, a page at a time).
    #[default]
    All,
    /// The users whose name starts with the one or two letters typed.
    Prefix(String),
    /// The users whose search text contains what was typed (three letters or more): the holders of its rarest
    /// trigram, or the name index as far as the list is shown and a budget beyond (see `Found`); typing on narrows
    /// what was read, and a list read to its end narrows without reading the store again.
    Found(Found),
    /// A search that failed (a server gone a moment): searched again when the list is drawn.
    Failed(String),
}

#[derive(Debug, Default)]
pub struct UserSearch {
    source: Source,
    /// The users the filter keeps (maybe an estimate, see `exact`).
    total: usize,
    /// Every user of the directory (for "n sur N").
    all: usize,
}

impl UserSearch {
    /// Every user, unfiltered: one counter read.
    pub fn load(&mut self, store: &Store) {
        self.all = store.users_count().unwrap_or(0);
        self.apply(store, "");
    }

    /// Keeps the users whose search text holds `needle` (folded): every user for "", the names starting with one
    /// or two letters (their counter), else a bounded search, narrowing the last one when `needle` extends it.
    pub fn apply(&mut self, store: &Store, needle: &str) {
        self.source = match std::mem::take(&mut self.source) {
            _ if needle.is_empty() => Source::All,
            _ if needle.len() < 3 => Source::Prefix(needle.to_string()),
            Source::Found(found) => store
                .directory_search_on(found, needle, SEARCH_BUDGET)
                .map_or_else(|_| Source::Failed(needle.to_string()), Source::Found),
            _ => store
                .directory_search(needle, SEARCH_BUDGET)
                .map_or_else(|_| Source::Failed(needle.to_string()), Source::Found),
        };
        self.total = match &self.source {
            Source::All => self.all,
            Source::Prefix(p) => store.directory_count(p).unwrap_or(0),
            Source::Found(found) => found.total(),
            Source::Failed(_) => 0,
        };
    }

    /// The users at lines `[at, at + n)`: the index entries and records of those lines. A search left unfinished
    /// reads on as far as these lines, and its total may become exact (or smaller than estimated).
    pub fn page(&mut self, store: &Store, at: usize, n: usize) -> Vec<User> {
        if let Source::Failed(needle) = &self.source {
            let needle = needle.clone();
            self.apply(store, &needle);
        }
        match &mut self.source {
            Source::All => store.directory_page("", at, n).unwrap_or_default(),
            Source::Prefix(p) => store.directory_page(p, at, n).unwrap_or_default(),
            Source::Found(found) => {
                if found.known() < at + n {
                    let _ = store.directory_search_more(found, at + n);
                    self.total = found.total();
                }
                store.users(&found.page(at, n)).unwrap_or_default()
            }
            Source::Failed(_) => Vec::new(),
        }
    }

    pub fn total(&self) -> usize {
        self.total
    }

    pub fn all(&self) -> usize {
        self.all
    }

    /// Whether `total` is the exact number of users kept (else « ≈ »).
    pub fn exact(&self) -> bool {
        match &self.source {
            Source::Found(found) => found.exact(),
            Source::Failed(_) => false,
            _ => true,
        }
    }

    /// What the filter keeps, in words: "noms commençant par « du »", "contenant « dupont »"; nothing unfiltered.
    pub fn scope(&self) -> Option<String> {
        match &self.source {
            Source::All => None,
            Source::Prefix(p) => Some(format!("noms commençant par « {p} »")),
            Source::Found(found) => Some(format!("contenant « {} »", found.needle())),
            Source::Failed(needle) => Some(format!("contenant « {needle} »")),
        }
    }

    /// Whether the filter keeps the names starting with what was typed (one or two letters), not every text
    /// containing it.
    pub fn by_prefix(&self) -> bool {
        matches!(self.source, Source::Prefix(_))
    }
}
