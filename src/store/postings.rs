//! The trigram postings of the directory's filter, packed: which users' search texts hold a trigram.
//!
//! They used to be one key per (trigram, user): 3.6 million keys on a national base (sixty per user), more than
//! half of the database's keys, and sled keeps a few dozen bytes of memory per key and reads all of them when it
//! opens a database (its page table), whatever the desk shows. Packed, a trigram's holders are kept in rows of
//! `SPAN` consecutive user ids: the key is `trigram‖bucket` (the id divided by `SPAN`, 8 bytes big-endian), the value
//! the holders' offsets in that span — a list of 2-byte offsets while it is shorter than the span's bitmap, else the
//! bitmap (`SPAN` / 8 bytes, the lowest offset in the first byte's lowest bit). A national base holds 4,229
//! trigrams and 172,046 rows. A command that changes a user's search text rewrites, in its own transaction, the
//! rows of the trigrams it adds or drops: 128 bytes at most each.
//!
//! This module knows the layout; the counters of holders per trigram stay in the counters tree (`keys`).

use super::{StoreError, WriteSet};
use crate::domain::user::UserId;
use sled::transaction::{TransactionalTree, UnabortableTransactionError};
use std::collections::BTreeMap;

/// User ids per row.
pub const SPAN: u64 = 1024;

/// The bytes of a row's bitmap; a list of offsets is always shorter.
const BITMAP: usize = (SPAN / 8) as usize;

/// The tree of the unpacked postings (`trigram‖user`, empty values) that schemas 2 to 4 wrote: read by the
/// migration to schema 5 and by the restore of an older backup, which pack them.
pub const RETIRED_TREE: &str = "users_by_trigram";

pub type RowKey = [u8; 11];

/// The row of `id` among the holders of `trigram`.
pub fn row_key(trigram: [u8; 3], id: UserId) -> RowKey {
    let mut k = [0u8; 11];
    k[..3].copy_from_slice(&trigram);
    k[3..].copy_from_slice(&(id.0 / SPAN).to_be_bytes());
    k
}

/// `id`'s place in its row.
fn offset(id: UserId) -> u16 {
    // The remainder of a division by SPAN (1024) fits in 16 bits.
    (id.0 % SPAN) as u16
}

/// The offsets a row's value holds, in increasing order; an unreadable trailing byte is ignored.
fn offsets(value: &[u8]) -> Vec<u16> {
    if value.len() == BITMAP {
        let mut out = Vec::new();
        for (i, byte) in value.iter().enumerate() {
            for bit in 0..8 {
                if byte & (1 << bit) != 0 {
                    // i < BITMAP = 128, so i * 8 + bit < 1024.
                    out.push((i * 8 + bit) as u16);
                }
            }
        }
        return out;
    }
    value
        .chunks_exact(2)
        .map(|c| u16::from_be_bytes([c[0], c[1]]))
        .collect()
}

/// The value of a row holding `offsets` (increasing, each below `SPAN`); `None` for no holder at all.
fn encode(offsets: &[u16]) -> Option<Vec<u8>> {
    if offsets.is_empty() {
        return None;
    }
    if offsets.len() * 2 < BITMAP {
        return Some(offsets.iter().flat_map(|o| o.to_be_bytes()).collect());
    }
    let mut bitmap = vec![0u8; BITMAP];
    for o in offsets {
        if let Some(byte) = bitmap.get_mut(usize::from(*o) / 8) {
            *byte |= 1 << (o % 8);
        }
    }
    Some(bitmap)
}

/// The holders a row names, in id order.
pub fn holders(key: &[u8], value: &[u8]) -> Vec<UserId> {
    let Some(bucket) = key
        .get(3..11)
        .and_then(|b| b.try_into().ok())
        .map(u64::from_be_bytes)
    else {
        return Vec::new();
    };
    offsets(value)
        .into_iter()
        .map(|o| UserId(bucket * SPAN + u64::from(o)))
        .collect()
}

/// A row after `changes` (each user held or no longer held, in order), `None` when it holds nobody.
fn changed(value: Option<&[u8]>, changes: &[(u16, bool)]) -> Option<Vec<u8>> {
    let mut set: std::collections::BTreeSet<u16> =
        value.map(offsets).unwrap_or_default().into_iter().collect();
    for (o, held) in changes {
        if *held {
            set.insert(*o);
        } else {
            set.remove(o);
        }
    }
    encode(&set.into_iter().collect::<Vec<_>>())
}

/// The changes a write set makes to the postings, by row, in the order they were staged.
pub(super) type RowChanges = BTreeMap<RowKey, Vec<(u16, bool)>>;

impl WriteSet {
    /// `id`'s search text holds `trigram` from now on (`held`), or no longer.
    pub(super) fn post(&mut self, trigram: [u8; 3], id: UserId, held: bool) {
        self.postings.push((trigram, id, held));
    }

    pub(super) fn posting_rows(&self) -> RowChanges {
        let mut rows = RowChanges::new();
        for (trigram, id, held) in &self.postings {
            rows.entry(row_key(*trigram, *id))
                .or_default()
                .push((offset(*id), *held));
        }
        rows
    }
}

/// In a command's transaction: rewrites the rows the changes touch.
pub(super) fn apply_tx(
    tx: &TransactionalTree,
    rows: &RowChanges,
) -> Result<(), UnabortableTransactionError> {
    for (key, changes) in rows {
        let current = tx.get(key)?;
        match changed(current.as_deref(), changes) {
            Some(value) => tx.insert(&key[..], value)?,
            None => tx.remove(&key[..])?,
        };
    }
    Ok(())
}

/// Outside any transaction (a migration): the same rewrite, as one batch.
pub(super) fn apply_tree(tree: &sled::Tree, rows: &RowChanges) -> Result<(), StoreError> {
    let mut batch = sled::Batch::default();
    for (key, changes) in rows {
        let current = tree.get(key)?;
        match changed(current.as_deref(), changes) {
            Some(value) => batch.insert(&key[..], value),
            None => batch.remove(&key[..]),
        }
    }
    tree.apply_batch(batch)?;
    Ok(())
}

/// Packs postings given one by one in key order (trigram, then user: the order of the retired tree's keys) into
/// rows, each given back once complete.
#[derive(Debug, Default)]
pub struct Packer {
    row: Option<RowKey>,
    offsets: Vec<u16>,
}

impl Packer {
    /// A retired `trigram‖user` key; the row it completes, if it starts another. A key of another length is
    /// skipped.
    pub fn push_retired(&mut self, key: &[u8]) -> Option<(Vec<u8>, Vec<u8>)> {
        let trigram: [u8; 3] = key.get(..3)?.try_into().ok()?;
        let id = super::keys::user_from(key.get(3..)?)?;
        self.push(trigram, id)
    }

    /// `id` holds `trigram`; the row this completes, if `id` starts another.
    pub fn push(&mut self, trigram: [u8; 3], id: UserId) -> Option<(Vec<u8>, Vec<u8>)> {
        let key = row_key(trigram, id);
        let done = match self.row {
            Some(row) if row != key => self.take(),
            _ => None,
        };
        self.row = Some(key);
        self.offsets.push(offset(id));
        done
    }

    /// The last row.
    pub fn finish(mut self) -> Option<(Vec<u8>, Vec<u8>)> {
        self.take()
    }

    fn take(&mut self) -> Option<(Vec<u8>, Vec<u8>)> {
        let key = self.row.take()?;
        let mut offsets = std::mem::take(&mut self.offsets);
        offsets.sort_unstable();
        offsets.dedup();
        encode(&offsets).map(|value| (key.to_vec(), value))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(ids: &[u64]) -> (Vec<u8>, Vec<u8>) {
        let mut packer = Packer::default();
        let mut rows: Vec<_> = ids
            .iter()
            .filter_map(|id| packer.push(*b"abc", UserId(*id)))
            .collect();
        rows.extend(packer.finish());
        assert_eq!(rows.len(), 1, "one row");
        rows.remove(0)
    }

    #[test]
    fn a_rare_trigram_keeps_a_short_list_and_a_common_one_a_bitmap() {
        let few: Vec<u64> = vec![1024, 1030, 2047];
        let (key, value) = row(&few);
        assert_eq!(value.len(), 6);
        assert_eq!(
            holders(&key, &value),
            few.iter().map(|i| UserId(*i)).collect::<Vec<_>>()
        );
        let many: Vec<u64> = (2048..3072).step_by(3).collect();
        let (key, value) = row(&many);
        assert_eq!(value.len(), BITMAP);
        assert_eq!(
            holders(&key, &value),
            many.iter().map(|i| UserId(*i)).collect::<Vec<_>>()
        );
    }

    #[test]
    fn the_list_turns_into_a_bitmap_and_back_as_holders_come_and_go() {
        let (_, mut value) = row(&[0]);
        for o in 1..64u16 {
            value = changed(Some(&value), &[(o, true)]).expect("held");
        }
        assert_eq!(value.len(), BITMAP, "64 holders: the bitmap");
        value = changed(Some(&value), &[(0, false)]).expect("held");
        assert_eq!(value.len(), 126, "63 holders: a list again");
        assert_eq!(offsets(&value), (1..64).collect::<Vec<u16>>());
        let all_gone: Vec<(u16, bool)> = (1..64).map(|o| (o, false)).collect();
        assert_eq!(changed(Some(&value), &all_gone), None, "nobody: no row");
    }

    #[test]
    fn the_packer_gives_a_row_per_trigram_and_span() {
        let mut packer = Packer::default();
        let mut rows = Vec::new();
        for (t, id) in [(*b"abc", 5), (*b"abc", 1023), (*b"abc", 1024), (*b"abd", 7)] {
            rows.extend(packer.push(t, UserId(id)));
        }
        rows.extend(packer.finish());
        let keys: Vec<RowKey> = vec![
            row_key(*b"abc", UserId(0)),
            row_key(*b"abc", UserId(1024)),
            row_key(*b"abd", UserId(0)),
        ];
        assert_eq!(
            rows.iter().map(|(k, _)| k.clone()).collect::<Vec<_>>(),
            keys.iter().map(|k| k.to_vec()).collect::<Vec<_>>()
        );
        assert_eq!(
            holders(&rows[0].0, &rows[0].1),
            vec![UserId(5), UserId(1023)]
        );
    }
}
