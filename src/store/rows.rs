//! Reading rows in key order, the same way whether the trees are in this process (sled) or behind a
//! `guichet serve` that owns the database (pages of rows over its socket).

use super::{Store, StoreError, T};
use serde::{Deserialize, Serialize};
use sled::IVec;
use std::collections::VecDeque;
use std::ops::Bound;

/// The rows a remote store fetches in the first round trip when a caller iterates.
const REMOTE_PAGE: u32 = 512;

/// The most rows one page holds: a server answers no more (`net::server`), and an iteration that goes on past
/// its first page doubles its pages up to this — a pass over the 15,000 structures' name index is then 5 round
/// trips instead of 30, and a screen's page still costs one short one.
pub const LONGEST_PAGE: u32 = 4096;

/// The bytes of rows one bounded scan keeps at most (it stops there, and says where): a reply stays far below
/// the longest frame whatever the tree's values.
const SCAN_BYTES: usize = 8 * 1024 * 1024;

/// Rows as they travel: (key, value) bytes.
pub type RawRows = Vec<(Vec<u8>, Vec<u8>)>;

/// What a bounded scan found (`Store::scan_page`): the rows it kept, how many it examined, the last key it
/// examined (the next scan starts after it), and whether it reached the last row under the prefix.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scanned {
    pub rows: RawRows,
    pub examined: u32,
    pub last: Option<Vec<u8>>,
    pub over: bool,
}

/// What a server process answers for a client's store: point reads, pages of rows, tree sizes. Implemented by
/// the client of `guichet serve` (`net::Client`); the store itself knows nothing of sockets.
pub trait RemoteReads: Send + Sync {
    fn get(&self, t: T, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError>;
    /// Several keys of one tree at once, values in the order of the keys.
    fn get_many(&self, t: T, keys: &[Vec<u8>]) -> Result<Vec<Option<Vec<u8>>>, StoreError>;
    fn page(&self, query: &PageQuery) -> Result<RawRows, StoreError>;
    /// A bounded scan (see `Store::scan_page`).
    fn scan(&self, query: &PageQuery) -> Result<Scanned, StoreError>;
    fn len(&self, t: T) -> Result<u64, StoreError>;
}

/// One page of rows of a tree: the keys under `prefix`, strictly after `after` (strictly before it when
/// `reverse`), skipping `skip` of them, at most `limit`; values left empty with `keys_only`; with `holding`, only
/// the rows whose value holds those bytes (a filter over a whole index answered where the rows are: through a
/// server, only the matches cross the socket — protocol 3; `Store::scan_page` bounds the rows examined instead,
/// protocol 4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageQuery {
    pub tree: T,
    pub prefix: Vec<u8>,
    pub after: Option<Vec<u8>>,
    pub skip: u32,
    pub limit: u32,
    pub reverse: bool,
    pub keys_only: bool,
    pub holding: Option<Vec<u8>>,
}

impl PageQuery {
    /// What says whether a row's value is one the query keeps: its `holding` bytes, searched for once prepared.
    fn keeper(&self) -> Keeper {
        Keeper(
            self.holding
                .as_deref()
                .map(|needle| memchr::memmem::Finder::new(needle).into_owned()),
        )
    }
}

/// A query's filter on values, prepared once for all the rows it goes through.
struct Keeper(Option<memchr::memmem::Finder<'static>>);

impl Keeper {
    fn keeps(&self, value: &[u8]) -> bool {
        self.0.as_ref().is_none_or(|f| f.find(value).is_some())
    }
}

impl PageQuery {
    pub fn new(tree: T, prefix: &[u8]) -> PageQuery {
        PageQuery {
            tree,
            prefix: prefix.to_vec(),
            after: None,
            skip: 0,
            limit: REMOTE_PAGE,
            reverse: false,
            keys_only: false,
            holding: None,
        }
    }
}

/// The rows of a local tree for a page query, in the query's order (no skip, no limit).
pub(super) fn local_iter(tree: &sled::Tree, q: &PageQuery) -> sled::Iter {
    match (&q.after, q.reverse) {
        (None, _) => tree.scan_prefix(&q.prefix),
        (Some(after), false) => {
            tree.range::<&[u8], _>((Bound::Excluded(&after[..]), Bound::Unbounded))
        }
        (Some(after), true) => {
            tree.range::<&[u8], _>((Bound::Included(&q.prefix[..]), Bound::Excluded(&after[..])))
        }
    }
}

/// Iterates the rows of one tree under a prefix, in key order or reversed.
pub struct Rows<'a> {
    store: &'a Store,
    query: PageQuery,
    keeper: Keeper,
    inner: Inner,
}

enum Inner {
    Local {
        iter: Box<sled::Iter>,
        /// The next committed row, read ahead to merge it with the staged ones.
        peeked: Option<(IVec, IVec)>,
        /// This thread's staged writes under the prefix (a multi-command execution), in the order of iteration.
        staged: VecDeque<(Vec<u8>, Option<Vec<u8>>)>,
    },
    Remote {
        buffer: VecDeque<(Vec<u8>, Vec<u8>)>,
        done: bool,
    },
}

impl<'a> Rows<'a> {
    pub(super) fn new(store: &'a Store, query: PageQuery) -> Result<Rows<'a>, StoreError> {
        let inner = match store.local_tree(query.tree) {
            Ok(tree) => Inner::Local {
                iter: Box::new(local_iter(tree, &query)),
                peeked: None,
                staged: super::overlay::staged_under(query.tree, &query.prefix, query.reverse)
                    .unwrap_or_default()
                    .into(),
            },
            Err(_) => Inner::Remote {
                buffer: VecDeque::new(),
                done: false,
            },
        };
        Ok(Rows {
            store,
            keeper: query.keeper(),
            query,
            inner,
        })
    }
}

impl Iterator for Rows<'_> {
    type Item = Result<(IVec, IVec), StoreError>;

    fn next(&mut self) -> Option<Self::Item> {
        let prefix = &self.query.prefix;
        match &mut self.inner {
            Inner::Local {
                iter,
                peeked,
                staged,
            } => loop {
                let (k, v) = match merged(iter, peeked, staged, prefix, self.query.reverse)? {
                    Ok(row) => row,
                    Err(e) => return Some(Err(e)),
                };
                if !self.keeper.keeps(&v) {
                    // Read, not kept: it counts as read all the same.
                    self.store.counted();
                    continue;
                }
                if self.query.skip > 0 {
                    // Skipped rows are passed over in the tree, not read as records.
                    self.query.skip -= 1;
                    continue;
                }
                self.store.counted();
                return Some(Ok((k, v)));
            },
            Inner::Remote { buffer, done } => {
                if buffer.is_empty() && !*done {
                    let remote = self.store.remote()?;
                    match remote.page(&self.query) {
                        Ok(rows) => {
                            *done = rows.len() < self.query.limit as usize;
                            if let Some((last, _)) = rows.last() {
                                self.query.after = Some(last.clone());
                            }
                            self.query.limit = self.query.limit.saturating_mul(2).min(LONGEST_PAGE);
                            // The skip applies once, to the first page.
                            self.query.skip = 0;
                            // Counted as they cross the socket, whether they are used or not.
                            for _ in &rows {
                                self.store.counted();
                            }
                            buffer.extend(rows);
                        }
                        Err(e) => {
                            *done = true;
                            return Some(Err(e));
                        }
                    }
                }
                let (k, v) = buffer.pop_front()?;
                Some(Ok((IVec::from(k), IVec::from(v))))
            }
        }
    }
}

/// The next row of a local tree: the committed rows merged with this thread's staged writes, a staged write
/// replacing the committed row of the same key, a staged deletion hiding it.
fn merged(
    iter: &mut sled::Iter,
    peeked: &mut Option<(IVec, IVec)>,
    staged: &mut VecDeque<(Vec<u8>, Option<Vec<u8>>)>,
    prefix: &[u8],
    reverse: bool,
) -> Option<Result<(IVec, IVec), StoreError>> {
    loop {
        if peeked.is_none() {
            let item = if reverse {
                iter.next_back()
            } else {
                iter.next()
            };
            match item {
                Some(Ok((k, v))) if k.starts_with(prefix) => *peeked = Some((k, v)),
                Some(Ok(_)) | None => {}
                Some(Err(e)) => return Some(Err(e.into())),
            }
        }
        let staged_first = match (staged.front(), peeked.as_ref()) {
            (None, None) => return None,
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (Some((sk, _)), Some((dk, _))) => {
                if reverse {
                    sk.as_slice() >= dk.as_ref()
                } else {
                    sk.as_slice() <= dk.as_ref()
                }
            }
        };
        if !staged_first {
            return peeked.take().map(Ok);
        }
        let (key, value) = staged.pop_front()?;
        if peeked
            .as_ref()
            .is_some_and(|(dk, _)| dk.as_ref() == key.as_slice())
        {
            *peeked = None;
        }
        if let Some(value) = value {
            return Some(Ok((IVec::from(key), IVec::from(value))));
        }
    }
}

impl Store {
    /// The rows of a tree under `prefix`, in key order, or newest key first with `reverse`.
    pub fn rows(&self, t: T, prefix: &[u8], reverse: bool) -> Result<Rows<'_>, StoreError> {
        let mut query = PageQuery::new(t, prefix);
        query.reverse = reverse;
        Rows::new(self, query)
    }

    /// The keys of a tree under `prefix`, after skipping `skip`, in pages of at most `page` (remote stores).
    pub(super) fn key_rows(
        &self,
        t: T,
        prefix: &[u8],
        skip: usize,
        page: usize,
    ) -> Result<Rows<'_>, StoreError> {
        let mut query = PageQuery::new(t, prefix);
        query.keys_only = true;
        query.skip = u32::try_from(skip).unwrap_or(u32::MAX);
        query.limit = u32::try_from(page.clamp(1, REMOTE_PAGE as usize)).unwrap_or(REMOTE_PAGE);
        Rows::new(self, query)
    }

    /// Answers a page query from the local trees: what a server sends its clients.
    pub fn page(&self, q: &PageQuery) -> Result<RawRows, StoreError> {
        if let Some(remote) = self.remote() {
            return remote.page(q);
        }
        if q.tree == T::StructuresByName
            && q.holding.is_some()
            && !q.reverse
            && let Some(every) = self.structure_names()?
        {
            return Ok(cached_page(&every, q));
        }
        let tree = self.local_tree(q.tree)?;
        let mut iter = local_iter(tree, q);
        let keeper = q.keeper();
        let mut out = Vec::new();
        let mut skipped = 0u32;
        while out.len() < q.limit as usize {
            let item = if q.reverse {
                iter.next_back()
            } else {
                iter.next()
            };
            let Some(item) = item else { break };
            let (k, v) = item?;
            if !k.starts_with(&q.prefix) {
                break;
            }
            if !keeper.keeps(&v) {
                continue;
            }
            if skipped < q.skip {
                skipped += 1;
                continue;
            }
            let value = if q.keys_only { Vec::new() } else { v.to_vec() };
            out.push((k.to_vec(), value));
        }
        Ok(out)
    }

    /// A bounded scan: the rows under the query's prefix after `after`, in key order, at most `limit` of them
    /// examined (not kept: examined) and `SCAN_BYTES` kept, those holding the query's bytes kept (`skip`,
    /// `reverse` and `keys_only` are not used).
    /// Through a server, only the rows kept cross the socket: a walk of an index for the rows holding a trigram
    /// costs the server its reads and the socket its matches.
    pub fn scan_page(&self, q: &PageQuery) -> Result<Scanned, StoreError> {
        if let Some(remote) = self.remote() {
            let scanned = remote.scan(q)?;
            for _ in &scanned.rows {
                self.counted();
            }
            return Ok(scanned);
        }
        // The directory's name order, from the users' texts in memory when this store has read them (see `cache`;
        // a walk reads rows in order, cheaper than reading them all first).
        if q.tree == T::UsersByName
            && self.cacheable(T::UsersByName)
            && let Some(texts) = self.user_texts(false)?
        {
            let rows = texts.names_after(q.after.as_deref(), &q.prefix).map(|row| {
                row.ok_or_else(|| {
                    StoreError::Corrupt(format!(
                        "{} : un nom sans texte de recherche",
                        T::UsersByName.name()
                    ))
                })
            });
            return self.scan_rows(q, rows);
        }
        let forward = PageQuery {
            reverse: false,
            ..q.clone()
        };
        let rows =
            local_iter(self.local_tree(q.tree)?, &forward).map(|row| row.map_err(StoreError::from));
        self.scan_rows(q, rows)
    }

    /// `scan_page` over rows in key order from the query's start, wherever they come from.
    fn scan_rows<K: AsRef<[u8]>, V: AsRef<[u8]>>(
        &self,
        q: &PageQuery,
        mut rows: impl Iterator<Item = Result<(K, V), StoreError>>,
    ) -> Result<Scanned, StoreError> {
        let keeper = q.keeper();
        let mut scanned = Scanned::default();
        let mut bytes = 0usize;
        while scanned.examined < q.limit && bytes < SCAN_BYTES {
            let Some(item) = rows.next() else {
                scanned.over = true;
                return Ok(scanned);
            };
            let (k, v) = item?;
            let (k, v) = (k.as_ref(), v.as_ref());
            if !k.starts_with(&q.prefix) {
                scanned.over = true;
                return Ok(scanned);
            }
            self.counted();
            scanned.examined += 1;
            if keeper.keeps(v) {
                bytes += k.len() + v.len();
                scanned.rows.push((k.to_vec(), v.to_vec()));
            }
            scanned.last = Some(k.to_vec());
        }
        // The limit reached (or the bytes a reply may hold): over only if nothing follows (one row looked ahead).
        scanned.over = match rows.next() {
            None => true,
            Some(item) => {
                self.counted();
                !item?.0.as_ref().starts_with(&q.prefix)
            }
        };
        Ok(scanned)
    }

    /// How many rows a tree holds.
    pub fn len(&self, t: T) -> Result<usize, StoreError> {
        match self.remote() {
            Some(remote) => Ok(usize::try_from(remote.len(t)?).unwrap_or(usize::MAX)),
            None => Ok(self.local_tree(t)?.len()),
        }
    }

    pub fn is_empty(&self, t: T) -> Result<bool, StoreError> {
        match self.remote() {
            Some(_) => Ok(self
                .page(&PageQuery {
                    limit: 1,
                    keys_only: true,
                    ..PageQuery::new(t, b"")
                })?
                .is_empty()),
            None => Ok(self.local_tree(t)?.is_empty()),
        }
    }
}

/// The rows of `every` (a tree's rows in key order) a page query goes through, before its filter, skip and limit.
pub(super) fn cached_rows<'a>(
    every: &'a RawRows,
    q: &'a PageQuery,
) -> impl Iterator<Item = &'a (Vec<u8>, Vec<u8>)> {
    let start = match &q.after {
        Some(after) => every.partition_point(|(k, _)| k <= after),
        None => every.partition_point(|(k, _)| k.as_slice() < q.prefix.as_slice()),
    };
    every[start..]
        .iter()
        .take_while(|(k, _)| k.starts_with(&q.prefix))
}

/// A page query answered from every row of a tree held in memory, in key order (see `Store::page`).
fn cached_page(every: &RawRows, q: &PageQuery) -> RawRows {
    let finder = q.holding.as_deref().map(memchr::memmem::Finder::new);
    cached_rows(every, q)
        .filter(|(_, v)| finder.as_ref().is_none_or(|f| f.find(v).is_some()))
        .skip(q.skip as usize)
        .take(q.limit as usize)
        .map(|(k, v)| {
            let value = if q.keys_only { Vec::new() } else { v.clone() };
            (k.clone(), value)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::overlay::Overlay;
    use super::super::{Store, T, WriteSet};

    fn keys(store: &Store, prefix: &[u8], reverse: bool) -> Vec<String> {
        store
            .rows(T::Referents, prefix, reverse)
            .expect("rows")
            .map(|r| {
                let (k, v) = r.expect("row");
                format!(
                    "{}={}",
                    String::from_utf8_lossy(&k),
                    String::from_utf8_lossy(&v)
                )
            })
            .collect()
    }

    #[test]
    fn a_scan_sees_the_staged_writes_of_its_thread_merged_in_key_order() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Store::open(&dir.path().join("base")).expect("open");
        let tree = store.local_tree(T::Referents).expect("tree");
        for k in ["a1", "a3", "a5", "b1"] {
            tree.insert(k, "old").expect("insert");
        }
        assert_eq!(keys(&store, b"a", false), ["a1=old", "a3=old", "a5=old"]);
        let overlay = Overlay::begin();
        let mut ws = WriteSet::default();
        ws.put_raw(T::Referents, b"a2", b"new");
        ws.put_raw(T::Referents, b"a3", b"replaced");
        ws.delete(T::Referents, b"a5");
        ws.put_raw(T::Referents, b"a9", b"new");
        ws.put_raw(T::Referents, b"c1", b"elsewhere");
        overlay.stage(&ws);
        assert_eq!(
            keys(&store, b"a", false),
            ["a1=old", "a2=new", "a3=replaced", "a9=new"]
        );
        assert_eq!(
            keys(&store, b"a", true),
            ["a9=new", "a3=replaced", "a2=new", "a1=old"]
        );
        let paged: Vec<_> = store
            .keys(T::Referents, b"a", 1, 2)
            .expect("keys")
            .iter()
            .map(|k| String::from_utf8_lossy(k).to_string())
            .collect();
        assert_eq!(paged, ["a2", "a3"]);
        // Another thread reads the committed store only.
        std::thread::scope(|s| {
            s.spawn(|| assert_eq!(keys(&store, b"a", false), ["a1=old", "a3=old", "a5=old"]));
        });
        overlay.clear();
        assert_eq!(keys(&store, b"a", false), ["a1=old", "a3=old", "a5=old"]);
        drop(overlay);
        assert_eq!(keys(&store, b"", false).len(), 4);
    }
}
