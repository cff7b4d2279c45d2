//! The journal's index by subject, packed: which entries name a dossier, a user, a structure, a Chorus Pro user
//! who acted.
//!
//! It used to hold one key per (subject, entry): 2.5 million keys on a national base, and sled keeps a few dozen
//! bytes of memory per key and reads all of them when it opens a database (its page table), whatever the desk
//! shows. Packed, a subject's sequence numbers are kept in blocks of `BLOCK`: full blocks are frozen under the
//! subject's prefix and their first sequence number, the block still filling is its `HEAD` key, last under the
//! prefix. A command rewrites its subjects' heads (at most `BLOCK` × 8 bytes each) in its own transaction; the keys
//! are one or two per subject instead of one per entry.
//!
//! Values are sequence numbers, 8 bytes big-endian each, in journal order.

use super::journal::Subject;
use super::{Store, StoreError, T};
use sled::transaction::TransactionalTree;

/// Sequence numbers per block.
pub const BLOCK: usize = 64;

/// The suffix of a subject's head block: after every frozen block's first sequence number.
const HEAD: [u8; 8] = [0xff; 8];

fn key(prefix: &[u8], suffix: &[u8; 8]) -> Vec<u8> {
    let mut key = Vec::with_capacity(prefix.len() + 8);
    key.extend_from_slice(prefix);
    key.extend_from_slice(suffix);
    key
}

/// The sequence numbers of one block's value, in order; a trailing fragment (never written) is ignored.
pub fn decode(value: &[u8]) -> impl DoubleEndedIterator<Item = u64> + '_ {
    value
        .chunks_exact(8)
        .filter_map(|c| c.try_into().ok().map(u64::from_be_bytes))
}

/// The rows of the index for a subject named by the entries `seqs` (in journal order), as the appends of
/// `append` leave them: what the schema 3 migration writes, and what a check recomputes.
pub fn packed_rows(prefix: &[u8], seqs: &[u64]) -> Vec<(Vec<u8>, Vec<u8>)> {
    let Some(last) = seqs.len().checked_sub(1) else {
        return Vec::new();
    };
    let frozen = last / BLOCK * BLOCK;
    let bytes = |s: &[u64]| {
        s.iter()
            .flat_map(|seq| seq.to_be_bytes())
            .collect::<Vec<u8>>()
    };
    let mut rows: Vec<(Vec<u8>, Vec<u8>)> = seqs[..frozen]
        .chunks(BLOCK)
        .map(|block| (key(prefix, &block[0].to_be_bytes()), bytes(block)))
        .collect();
    rows.push((key(prefix, &HEAD), bytes(&seqs[frozen..])));
    rows
}

/// In a command's transaction: `seq` names the subject of `prefix`. A full head is frozen first.
pub(super) fn append(
    tx: &TransactionalTree,
    prefix: &[u8],
    seq: u64,
) -> Result<(), sled::transaction::UnabortableTransactionError> {
    let head_key = key(prefix, &HEAD);
    let mut head = tx.get(&head_key)?.map(|v| v.to_vec()).unwrap_or_default();
    if head.len() >= BLOCK * 8 {
        let first: [u8; 8] = head[..8].try_into().unwrap_or(HEAD);
        tx.insert(key(prefix, &first), head.as_slice())?;
        head.clear();
    }
    head.extend_from_slice(&seq.to_be_bytes());
    tx.insert(head_key, head)?;
    Ok(())
}

impl Store {
    /// The sequence numbers of the journal entries about a subject, oldest first.
    pub fn subject_seqs(&self, subject: Subject) -> Result<Vec<u64>, StoreError> {
        let mut out = Vec::new();
        for item in self.rows(T::JournalBySubject, &subject.key_prefix(), false)? {
            let (_, value) = item?;
            out.extend(decode(&value));
        }
        Ok(out)
    }

    /// The sequence numbers of the entries about a subject after `since`, newest first, at most `limit`: the head
    /// and as many blocks back as they need.
    pub fn subject_seqs_since(
        &self,
        subject: Subject,
        since: u64,
        limit: usize,
    ) -> Result<Vec<u64>, StoreError> {
        let mut out: Vec<u64> = Vec::new();
        for item in self.rows(T::JournalBySubject, &subject.key_prefix(), true)? {
            let (_, value) = item?;
            for seq in decode(&value).rev() {
                if seq <= since || out.len() >= limit {
                    return Ok(out);
                }
                // sled's iterators are live: a head read, then frozen by a commit, is met again as the block
                // below it. Only what is older than everything read counts.
                if out.last().is_none_or(|last| seq < *last) {
                    out.push(seq);
                }
            }
        }
        Ok(out)
    }

    /// Whether any entry names the subject.
    pub fn subject_named(&self, subject: Subject) -> Result<bool, StoreError> {
        Ok(self
            .rows(T::JournalBySubject, &subject.key_prefix(), false)?
            .next()
            .transpose()?
            .is_some())
    }
}

#[cfg(test)]
mod tests {
    use super::{BLOCK, decode, packed_rows};

    #[test]
    fn a_subject_of_one_entry_is_one_head() {
        let rows = packed_rows(b"d123456", &[7]);
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].0, [&b"d123456"[..], &[0xff; 8]].concat());
        assert_eq!(decode(&rows[0].1).collect::<Vec<_>>(), vec![7]);
    }

    #[test]
    fn a_full_head_stays_the_head_until_the_next_entry() {
        let seqs: Vec<u64> = (1..=BLOCK as u64).collect();
        assert_eq!(packed_rows(b"u", &seqs).len(), 1, "64 entries: one head");
        let seqs: Vec<u64> = (1..=BLOCK as u64 + 1).collect();
        let rows = packed_rows(b"u", &seqs);
        assert_eq!(
            rows.len(),
            2,
            "65 entries: a frozen block and a head of one"
        );
        assert_eq!(rows[0].0, [&b"u"[..], &1u64.to_be_bytes()].concat());
        assert_eq!(decode(&rows[1].1).collect::<Vec<_>>(), vec![65]);
    }

    #[test]
    fn no_entry_no_row() {
        assert!(packed_rows(b"s", &[]).is_empty());
    }
}
