//! The structures' `/` filter (the Structures espace, the picker « Demander un rattachement »): the structures whose
//! search text holds a needle, in name order, read from their name index — a key and a short text each, no
//! record — only as far as the list is shown.
//!
//! The index is read a slice of 512 rows at a time as the list is moved down, and the total is estimated from the
//! share of the rows read that match (« ≈ »), exact once a slice reaches the end: one letter, held by most
//! structures, reads one slice. When a slice does not find the lines shown (a rare needle: a SIRET, a town), the
//! rest of the index is read at once keeping only the rows that hold the needle — from memory (see `cache`),
//! and through a server only those cross the socket — and the list is exact. Each letter typed on narrows what was
//! found and reads on from where the last one stopped.

use super::{PageQuery, RawRows, Store, StoreError, T, keys, rows::Rows};
use crate::domain::ids::Siret;
use std::sync::Arc;

/// The rows of the name index a search reads at a time, at least: enough for an estimate of the total, and one
/// round trip through a server (its first page).
pub const SHORT_SLICE: usize = 512;

/// What the structures' filter has found for a needle (see the module).
#[derive(Debug, Clone)]
pub struct Matches {
    needle: String,
    /// The matches known, in name order, with their search text (to narrow without reading).
    found: Vec<(Siret, String)>,
    /// The last name-index key read: the next slice starts after it.
    after: Option<Vec<u8>>,
    /// The rows read one by one, every one of them, that the estimate is made from (the matches known, while
    /// the walk is not over, are all among them).
    read: usize,
    /// Whether every match is known.
    done: bool,
    /// The rows of a slice (`SHORT_SLICE`; one at least).
    slice: usize,
}

impl Matches {
    /// A search for `needle` of which nothing is read yet: the next page reads it from the index's beginning (what
    /// a search that failed — a server gone a moment — becomes, to be read again).
    pub fn unread(needle: &str) -> Matches {
        Matches {
            needle: needle.to_string(),
            found: Vec::new(),
            after: None,
            read: 0,
            done: false,
            slice: SHORT_SLICE,
        }
    }

    /// Whether `total` is the exact number of matches.
    pub fn exact(&self) -> bool {
        self.done
    }

    /// The number of matches among the `all` structures: exact when every one is known, else the share of the
    /// rows read that match, applied to every structure (and one more than known, so that the list can be moved
    /// on to read further).
    pub fn total(&self, all: usize) -> usize {
        if self.done {
            return self.found.len();
        }
        let estimate = (all as u128 * self.found.len() as u128)
            .checked_div(self.read as u128)
            .unwrap_or(all as u128);
        usize::try_from(estimate)
            .unwrap_or(usize::MAX)
            .min(all)
            .max(self.found.len() + 1)
    }

    /// The SIRETs at lines `[at, at + n)` among the matches known.
    pub fn page(&self, at: usize, n: usize) -> Vec<Siret> {
        self.found
            .iter()
            .skip(at)
            .take(n)
            .map(|(s, _)| *s)
            .collect()
    }

    /// How many matches are known.
    pub fn known(&self) -> usize {
        self.found.len()
    }

    /// The same search for a longer needle holding this one: the matches known are narrowed, and the walk goes on
    /// from where it stopped (a match of the longer needle is a match of the shorter). Given back for any other.
    fn narrowed(self, needle: &str) -> Result<Matches, Matches> {
        if self.needle.is_empty() || !needle.contains(self.needle.as_str()) {
            return Err(self);
        }
        let found = self
            .found
            .into_iter()
            .filter(|(_, text)| text.contains(needle))
            .collect();
        Ok(Matches {
            needle: needle.to_string(),
            found,
            ..self
        })
    }
}

impl Store {
    /// The structures whose search text holds `needle` (folded), as far as `want` lines (see the module).
    pub fn structures_search(&self, needle: &str, want: usize) -> Result<Matches, StoreError> {
        self.structures_search_in_slices(needle, want, SHORT_SLICE)
    }

    /// The same, in slices of `slice` rows (tests make them short, to read past a slice on a small base).
    pub fn structures_search_in_slices(
        &self,
        needle: &str,
        want: usize,
        slice: usize,
    ) -> Result<Matches, StoreError> {
        let mut found = Matches {
            slice: slice.max(1),
            ..Matches::unread(needle)
        };
        self.structures_read_on(&mut found, want)?;
        Ok(found)
    }

    /// The search for `needle` after `previous`, as one types on: narrowed and read on when `needle` holds the
    /// previous one, searched anew otherwise.
    pub fn structures_search_on(
        &self,
        previous: Matches,
        needle: &str,
        want: usize,
    ) -> Result<Matches, StoreError> {
        match previous.narrowed(needle) {
            Ok(mut found) => {
                self.structures_read_on(&mut found, want)?;
                Ok(found)
            }
            Err(previous) => self.structures_search_in_slices(needle, want, previous.slice),
        }
    }

    /// Reads on until `want` matches are known (or all of them).
    pub fn structures_search_more(
        &self,
        found: &mut Matches,
        want: usize,
    ) -> Result<(), StoreError> {
        self.structures_read_on(found, want)
    }

    fn structures_read_on(&self, found: &mut Matches, want: usize) -> Result<(), StoreError> {
        if found.done || found.found.len() >= want || self.structures_slice(found, want)? {
            return Ok(());
        }
        // Too few in the slice: the rest at once, only the rows holding the needle — from memory when the trees
        // are here (`Store::page`), else from the server, which answers from its own. Kept only once read to
        // the end: a read that fails leaves the search as it was, to be read on again.
        let needle = found.needle.clone();
        let mut query = PageQuery::new(T::StructuresByName, b"");
        query.after = found.after.clone();
        query.holding = Some(needle.as_bytes().to_vec());
        let mut rest = Vec::new();
        if let Some(every) = self.structure_names()? {
            let finder = memchr::memmem::Finder::new(needle.as_bytes());
            for (k, text) in super::rows::cached_rows(&every, &query) {
                if finder.find(text).is_some() {
                    rest.extend(matched(&needle, k, text));
                }
            }
        } else if self.is_local() {
            query.limit = u32::MAX;
            for (k, text) in self.page(&query)? {
                rest.extend(matched(&needle, &k, &text));
            }
        } else {
            for row in Rows::new(self, query)? {
                let (k, text) = row?;
                rest.extend(matched(&needle, &k, &text));
            }
        }
        found.found.extend(rest);
        found.done = true;
        found.after = None;
        Ok(())
    }

    /// Every row of the structures' name index, kept in memory once read, when the trees are in this process
    /// and this thread has none of them staged (see `cache`); `None` otherwise.
    pub(super) fn structure_names(&self) -> Result<Option<Arc<RawRows>>, StoreError> {
        if !self.cacheable(T::StructuresByName) {
            return Ok(None);
        }
        self.caches
            .structure_names
            .get_or_read(|| {
                self.local_tree(T::StructuresByName)?
                    .iter()
                    .map(|row| {
                        self.counted();
                        let (k, v) = row?;
                        Ok((k.to_vec(), v.to_vec()))
                    })
                    .collect::<Result<RawRows, StoreError>>()
            })
            .map(Some)
    }

    /// Reads a slice of the name index, every row; whether it found `want` matches (or reached the index's end:
    /// the list is then exact). When it did not, reading every remaining row for those holding the needle costs
    /// less than reading on: from memory, and through a server only the matches cross. Kept only once the
    /// slice is read, as the rest is.
    fn structures_slice(&self, found: &mut Matches, want: usize) -> Result<bool, StoreError> {
        let slice = found.slice;
        let mut query = PageQuery::new(T::StructuresByName, b"");
        query.after = found.after.clone();
        // One round trip through a server: the slice and the row after it, which says whether the index is over.
        query.limit = u32::try_from(slice + 1)
            .unwrap_or(u32::MAX)
            .min(super::LONGEST_PAGE);
        let mut rows = Rows::new(self, query)?.peekable();
        let (mut read, mut kept, mut last, mut over) = (0, Vec::new(), None, true);
        while let Some(row) = rows.next() {
            let (k, text) = row?;
            read += 1;
            kept.extend(matched(&found.needle, &k, &text));
            if read >= slice {
                over = rows.peek().is_none();
                last = Some(k.to_vec());
                break;
            }
        }
        found.read += read;
        found.found.extend(kept);
        if over {
            found.done = true;
            found.after = None;
            return Ok(true);
        }
        found.after = last;
        Ok(found.found.len() >= want)
    }
}

/// The SIRET and search text of the name index's row `key` → `text` when its text holds `needle`.
fn matched(needle: &str, key: &[u8], text: &[u8]) -> Option<(Siret, String)> {
    let text = String::from_utf8_lossy(text);
    if !text.contains(needle) {
        return None;
    }
    let siret = key
        .get(key.len().saturating_sub(8)..)
        .and_then(keys::siret_from)?;
    Some((siret, text.into_owned()))
}
