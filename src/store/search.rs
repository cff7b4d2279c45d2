//! The directory's `/` filter over the users: counts and pages of name beginnings, and the users whose search
//! text holds a needle of three bytes or more (`Found`), found through the packed trigram postings
//! (`postings`) and the name index, which carries the search texts.

use super::user_texts::UserTexts;
use super::{Store, StoreError, T, keys, postings};
use crate::domain::user::{User, UserId};
use std::sync::Arc;

/// The holders of a needle of one trigram (three letters) whose texts are read at once, at most: above, the name
/// index gives the page (see `exactly`).
const ONE_TRIGRAM_READ: usize = 512;

/// The search texts asked at once from which the store reads them all into memory, if it has not yet: a thousand
/// random reads from a cold sled cost more than reading the whole tree in order (see `cache`).
pub(super) const TEXTS_READ_WHOLE: usize = 256;

/// The most rows of the name index one scan of a walk examines.
const WALK_SCAN: usize = 16 * 1024;

/// Whether `haystack` holds `needle` (folded bytes both).
fn holds(haystack: &[u8], needle: &[u8]) -> bool {
    memchr::memmem::find(haystack, needle).is_some()
}

/// What the directory's filter has found for a needle of three bytes or more: the users whose search text holds
/// it, in name order.
///
/// When few users hold every trigram of the needle (a name, an address: the packed postings of its trigrams,
/// intersected), their search texts are all read at once, raw, and checked, no record decoded; the list is exact.
/// When many do (a status, a population, a large e-mail domain), the directory's name index, which carries the
/// search texts, is read in name order as far as the list is shown and a budget beyond; the total is then the
/// trigram's counter for a needle of three bytes (every holder matches), else an estimate — the rarest trigram's
/// holders times the share of those read that match — made exact as the list is read on.
#[derive(Debug, Clone, Default)]
pub struct Found {
    needle: String,
    /// The number of matches when it is known without reading them (a needle of three bytes).
    counted: Option<usize>,
    /// The rarest trigram of the needle when the search began, and its holders (by its counter).
    trigram: [u8; 3],
    holders: usize,
    /// The holders of that trigram among the rows read.
    candidates: usize,
    /// The matches known, in name order, with their search text (to narrow without reading).
    users: Vec<(UserId, String)>,
    /// The last name-index key read: the walk resumes after it.
    after: Option<Vec<u8>>,
    /// How many name-index rows were read (the budget counts them).
    read: usize,
    /// Whether every match is known.
    done: bool,
}

impl Found {
    pub fn needle(&self) -> &str {
        &self.needle
    }

    /// Whether `total` is the exact number of matches.
    pub fn exact(&self) -> bool {
        self.done || self.counted.is_some()
    }

    /// The number of matches: exact, or estimated from the rows read so far (never less than the matches known,
    /// and one more while the walk is not over, so that the list can be moved on to read further).
    pub fn total(&self) -> usize {
        if self.done {
            return self.users.len();
        }
        if let Some(n) = self.counted {
            return n.max(self.users.len());
        }
        let estimate = (self.holders as u128 * self.users.len() as u128)
            .checked_div(self.candidates as u128)
            .unwrap_or(self.holders as u128);
        usize::try_from(estimate)
            .unwrap_or(usize::MAX)
            .max(self.users.len() + 1)
    }

    /// The users at lines `[at, at + n)` among those known.
    pub fn page(&self, at: usize, n: usize) -> Vec<UserId> {
        self.users
            .iter()
            .skip(at)
            .take(n)
            .map(|(id, _)| *id)
            .collect()
    }

    /// How many lines are known so far.
    pub fn known(&self) -> usize {
        self.users.len()
    }

    /// The same search for a longer needle holding this one: the matches known are narrowed in memory, and the
    /// rows read stay read (a match of the longer needle is a match of the shorter). Given back unchanged for any
    /// other needle.
    pub fn narrowed(self, needle: &str) -> Result<Found, Found> {
        if self.needle.is_empty() || !needle.contains(self.needle.as_str()) {
            return Err(self);
        }
        let users = self
            .users
            .into_iter()
            .filter(|(_, text)| text.contains(needle))
            .collect();
        Ok(Found {
            needle: needle.to_string(),
            counted: None,
            users,
            ..self
        })
    }
}

impl Store {
    /// Reads into memory what the filters read most, if this process owns the trees: the users' search texts
    /// and the structures' name index (see `cache`). A thread of the desk calls it once its first frame is
    /// drawn, one of `guichet serve` once it listens. Every row read is counted (`reads`).
    pub fn warm(&self) -> Result<(), StoreError> {
        if !self.is_local() {
            return Ok(());
        }
        // A command that writes users' texts during the read makes it be thrown away (see `cache`): read again,
        // a few times at most.
        for _ in 0..3 {
            self.user_texts(true)?;
            if self.user_texts(false)?.is_some() {
                break;
            }
        }
        self.structure_names()?;
        Ok(())
    }

    /// The users' search texts in memory, when this process owns the trees and this thread has none of them
    /// staged: read first if `read`, else only if they already are; `None` otherwise.
    pub(super) fn user_texts(&self, read: bool) -> Result<Option<Arc<UserTexts>>, StoreError> {
        if !self.cacheable(T::UsersSearch) {
            return Ok(None);
        }
        if !read {
            return Ok(self.caches.user_texts.get());
        }
        self.caches
            .user_texts
            .get_or_read(|| {
                let mut texts = UserTexts::default();
                for row in self.local_tree(T::UsersSearch)?.iter() {
                    self.counted();
                    let (key, row) = row?;
                    // Copied (not a slice of sled's page, which would keep the page alive).
                    if !texts.write(&key, Some(&row)) {
                        return Err(StoreError::Corrupt(format!(
                            "{} : ligne illisible",
                            T::UsersSearch.name()
                        )));
                    }
                }
                Ok(texts)
            })
            .map(Some)
    }

    /// How many users the directory lists: the counter kept by the transactions.
    pub fn users_count(&self) -> Result<usize, StoreError> {
        Ok(usize::try_from(self.counter(keys::USERS_COUNTER)?).unwrap_or(0))
    }

    /// A page of the directory in name order: the users whose folded name starts with `prefix` (every user for
    /// ""), after skipping `skip`; reads the index entries of the page and their records only.
    pub fn directory_page(
        &self,
        prefix: &str,
        skip: usize,
        limit: usize,
    ) -> Result<Vec<User>, StoreError> {
        let ids: Vec<UserId> = self
            .keys(T::UsersByName, prefix.as_bytes(), skip, limit)?
            .iter()
            .filter_map(|k| keys::user_of_name(k))
            .collect();
        self.users(&ids)
    }

    /// The records of `ids` that exist, in that order: one round trip for them all through a server (a page of
    /// the directory is 30 lines; read one by one, a round trip each).
    pub fn users(&self, ids: &[UserId]) -> Result<Vec<User>, StoreError> {
        let wanted: Vec<Vec<u8>> = ids.iter().map(|id| keys::user(*id).to_vec()).collect();
        self.get_many(T::Users, &wanted)
    }

    /// How many folded names start with `prefix`: the counter of every user for "", the counter of the name
    /// beginning for one or two bytes, else the index keys under it.
    pub fn directory_count(&self, prefix: &str) -> Result<usize, StoreError> {
        if prefix.is_empty() {
            return self.users_count();
        }
        if prefix.len() <= 2 {
            let n = self.counter(&keys::name_prefix_counter(prefix.as_bytes()))?;
            return Ok(usize::try_from(n).unwrap_or(0));
        }
        let mut n = 0;
        for k in self.key_rows(T::UsersByName, prefix.as_bytes(), 0, 512)? {
            k?;
            n += 1;
        }
        Ok(n)
    }

    /// The users whose search text contains `needle` (folded, three bytes at least), in name order (see
    /// `Found`): exact when the users holding every trigram of the needle are at most `budget` (their texts are
    /// then read and checked), else the name index read for `budget` rows. The directory asks for more with
    /// `directory_search_more` as it is moved on.
    pub fn directory_search(&self, needle: &str, budget: usize) -> Result<Found, StoreError> {
        let counts = self.trigram_counts(needle)?;
        if let Some(found) = self.exactly(needle, &counts, budget)? {
            return Ok(found);
        }
        let (trigram, holders) = counts.first().copied().unwrap_or_default();
        let mut found = Found {
            needle: needle.to_string(),
            counted: (counts.len() == 1).then_some(holders),
            trigram,
            holders,
            ..Found::default()
        };
        // One trigram: the counter is the total, and the page reads only its lines.
        let budget = if found.counted.is_some() { 0 } else { budget };
        self.walk(&mut found, &|f| f.read >= budget, &|f| budget - f.read)?;
        Ok(found)
    }

    /// The search for `needle` after `previous`, as one types on: a needle that holds the previous one narrows
    /// what was found, then is found exactly if it can be (see `directory_search`), else reads on the name index
    /// for `budget` rows more; any other needle is searched anew.
    pub fn directory_search_on(
        &self,
        previous: Found,
        needle: &str,
        budget: usize,
    ) -> Result<Found, StoreError> {
        let mut found = match previous.narrowed(needle) {
            Ok(found) if found.done => return Ok(found),
            Ok(found) => found,
            Err(_) => return self.directory_search(needle, budget),
        };
        if let Some(exact) = self.exactly(needle, &self.trigram_counts(needle)?, budget)? {
            return Ok(exact);
        }
        let until = found.read.saturating_add(budget);
        self.walk(&mut found, &|f| f.read >= until, &|f| until - f.read)?;
        Ok(found)
    }

    /// Reads on the name index until `want` users are known (or all of them), each scan as long as the matches
    /// missing, times the rows a match has taken so far (one, to begin with: a page of a common needle reads its
    /// lines), and a quarter more; twice as far as before when nothing has matched yet.
    pub fn directory_search_more(&self, found: &mut Found, want: usize) -> Result<(), StoreError> {
        self.walk(found, &|f| f.users.len() >= want, &|f| {
            let missing = want.saturating_sub(f.users.len());
            match f.read.checked_div(f.users.len()) {
                Some(per_match) => per_match.max(1).saturating_mul(missing).saturating_mul(5) / 4,
                None if f.read == 0 => missing,
                None => f.read.saturating_mul(2),
            }
        })
    }

    /// The trigrams of `needle` with their holders (by the counters, read at once), the rarest first.
    fn trigram_counts(&self, needle: &str) -> Result<Vec<([u8; 3], usize)>, StoreError> {
        let trigrams: Vec<[u8; 3]> = keys::trigrams(needle).into_iter().collect();
        let wanted: Vec<Vec<u8>> = trigrams
            .iter()
            .map(|t| keys::trigram_counter(*t).to_vec())
            .collect();
        let mut counts: Vec<([u8; 3], usize)> = trigrams
            .into_iter()
            .zip(self.counters(&wanted)?)
            .map(|(t, n)| (t, usize::try_from(n).unwrap_or(0)))
            .collect();
        counts.sort_by_key(|(t, n)| (*n, *t));
        Ok(counts)
    }

    /// The matches of `needle`, all of them, when they can be known by reading at most `budget` search texts: the
    /// users holding every trigram of the needle (`candidates`), each one's text then read and checked. A needle of
    /// one trigram whose holders would fill more than a few pages is left to the name index instead (the counter
    /// is its total, and a page of it costs a page of rows, where reading every holder's text costs a read each).
    fn exactly(
        &self,
        needle: &str,
        counts: &[([u8; 3], usize)],
        budget: usize,
    ) -> Result<Option<Found>, StoreError> {
        let rarest = counts.first().map_or(0, |(_, n)| *n);
        if counts.len() == 1 && rarest > budget.min(ONE_TRIGRAM_READ) {
            return Ok(None);
        }
        let ids = self.candidates(counts)?;
        if ids.len() > budget {
            return Ok(None);
        }
        self.matching(needle, ids).map(Some)
    }

    /// The users who hold every trigram of `counts` (the rarest first), in id order: the packed rows of the
    /// rarest, then the other trigrams' rows in the spans where it has holders (one `get_many`: one round trip
    /// through a server). A few hundred short rows at most, whatever the trigrams' holders.
    fn candidates(&self, counts: &[([u8; 3], usize)]) -> Result<Vec<UserId>, StoreError> {
        let Some(((rarest, _), others)) = counts.split_first() else {
            return Ok(Vec::new());
        };
        let mut ids = Vec::new();
        // With their values: the holders are in them (a server's client gets keys only from `key_rows`).
        for row in self.rows(T::UsersByTrigram, rarest, false)? {
            let (k, v) = row?;
            ids.extend(postings::holders(&k, &v));
        }
        // The other trigrams' rows in the spans where candidates are, all at once.
        let mut spans: Vec<u64> = ids.iter().map(|id| id.0 / postings::SPAN).collect();
        spans.dedup();
        let wanted: Vec<Vec<u8>> = others
            .iter()
            .flat_map(|(trigram, _)| {
                spans
                    .iter()
                    .map(|span| postings::row_key(*trigram, UserId(span * postings::SPAN)).to_vec())
            })
            .collect();
        if ids.is_empty() || wanted.is_empty() {
            return Ok(ids);
        }
        let values = self.get_many_raw(T::UsersByTrigram, &wanted)?;
        for (keys, values) in wanted.chunks(spans.len()).zip(values.chunks(spans.len())) {
            let mut held = Vec::new();
            for (key, value) in keys.iter().zip(values) {
                held.extend(
                    value
                        .as_ref()
                        .map(|v| postings::holders(key, v))
                        .unwrap_or_default(),
                );
            }
            ids.retain(|id| held.binary_search(id).is_ok());
        }
        Ok(ids)
    }

    /// The users of `ids` whose search text holds `needle`, in name order, each text read raw (all at once: one
    /// round trip for them all when the desk is a server's client).
    fn matching(&self, needle: &str, ids: Vec<UserId>) -> Result<Found, StoreError> {
        let wanted: Vec<Vec<u8>> = ids.iter().map(|id| keys::user(*id).to_vec()).collect();
        let rows = self.get_many_raw(T::UsersSearch, &wanted)?;
        let mut matches = Vec::new();
        for (id, row) in ids.into_iter().zip(rows) {
            if let Some(row) = row
                && let Some((sort_name, text)) = keys::user_search_parts(&row)
                && holds(text, needle.as_bytes())
            {
                let text = String::from_utf8_lossy(text).into_owned();
                matches.push((sort_name.to_vec(), id, text));
            }
        }
        matches.sort_unstable_by(|a, b| (&a.0, a.1.0).cmp(&(&b.0, b.1.0)));
        Ok(Found {
            needle: needle.to_string(),
            users: matches
                .into_iter()
                .map(|(_, id, text)| (id, text))
                .collect(),
            done: true,
            ..Found::default()
        })
    }

    /// Reads the name index (which carries the search texts) after the last row read, keeping the users whose
    /// text holds the needle, until `enough` or the end: in bounded scans that keep only the rows holding the
    /// needle's rarest trigram (the candidates: through a server, only they cross the socket), each as long as
    /// `rows` says from what was read so far.
    fn walk(
        &self,
        found: &mut Found,
        enough: &dyn Fn(&Found) -> bool,
        rows: &dyn Fn(&Found) -> usize,
    ) -> Result<(), StoreError> {
        let mut query = super::PageQuery::new(T::UsersByName, b"");
        query.holding = Some(found.trigram.to_vec());
        while !found.done && !enough(found) {
            query.after = found.after.clone();
            query.limit = u32::try_from(rows(found).clamp(1, WALK_SCAN)).unwrap_or(1);
            let scanned = self.scan_page(&query)?;
            found.read += scanned.examined as usize;
            for (k, text) in &scanned.rows {
                found.candidates += 1;
                if holds(text, found.needle.as_bytes())
                    && let Some(id) = keys::user_of_name(k)
                {
                    let text = String::from_utf8_lossy(text).into_owned();
                    found.users.push((id, text));
                }
            }
            found.after = scanned.last;
            found.done = scanned.over;
        }
        if found.done {
            found.after = None;
        }
        Ok(())
    }
}
