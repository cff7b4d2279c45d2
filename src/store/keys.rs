//! Key layouts: big-endian numbers so that sled's byte order is the numeric order, and composite keys
//! `value‖pk` for the secondary indexes, so that a prefix scan lists exactly one value's records.

use crate::domain::dossier::Corbeille;
use crate::domain::ids::{DossierId, Siret};
use crate::domain::user::UserId;
use chrono::NaiveDate;

pub fn siret(s: Siret) -> [u8; 8] {
    s.as_u64().to_be_bytes()
}

pub fn user(id: UserId) -> [u8; 8] {
    id.0.to_be_bytes()
}

/// `sort name‖0‖user`: the directory in name order (the value holds the user's search text).
pub fn user_name(sort_name: &str, id: UserId) -> Vec<u8> {
    let mut k = Vec::with_capacity(sort_name.len() + 9);
    k.extend_from_slice(sort_name.as_bytes());
    k.push(0);
    k.extend_from_slice(&user(id));
    k
}

/// The user at the end of a `user_name` key.
pub fn user_of_name(key: &[u8]) -> Option<UserId> {
    user_from(key.get(key.len().checked_sub(8)?..)?)
}

/// The trigrams of a folded text: every window of three bytes, each once.
pub fn trigrams(text: &str) -> std::collections::BTreeSet<[u8; 3]> {
    text.as_bytes()
        .windows(3)
        .filter_map(|w| w.try_into().ok())
        .collect()
}

/// The value of a user's row in the search texts: `sort name‖0‖search text`.
pub fn user_search(sort_name: &str, text: &str) -> Vec<u8> {
    [sort_name.as_bytes(), &[0], text.as_bytes()].concat()
}

/// The sort name and the search text of a `user_search` value.
pub fn user_search_parts(value: &[u8]) -> Option<(&[u8], &[u8])> {
    let zero = value.iter().position(|b| *b == 0)?;
    Some((&value[..zero], &value[zero + 1..]))
}

/// The counters of the search indexes sort apart from the corbeilles' (whose keys hold a 0 byte after a
/// direction code): 0xFF, then what is counted.
pub const USERS_COUNTER: &[u8] = b"\xffusers";

pub fn trigram_counter(trigram: [u8; 3]) -> [u8; 5] {
    [0xff, b't', trigram[0], trigram[1], trigram[2]]
}

/// The counter of the names that start with `prefix` (one or two bytes of a sort name): what the directory
/// says of a filter of one or two letters without counting the names (schema 4).
pub fn name_prefix_counter(prefix: &[u8]) -> Vec<u8> {
    [&[0xff, b'p'][..], prefix].concat()
}

/// The one- and two-byte beginnings of a sort name, which have a counter each.
pub fn name_prefixes(sort_name: &str) -> impl Iterator<Item = &[u8]> {
    let bytes = sort_name.as_bytes();
    (1..=2.min(bytes.len())).map(move |n| &bytes[..n])
}

pub fn user_from(bytes: &[u8]) -> Option<UserId> {
    bytes.try_into().ok().map(|b| UserId(u64::from_be_bytes(b)))
}

pub fn siret_from(bytes: &[u8]) -> Option<Siret> {
    bytes
        .try_into()
        .ok()
        .map(|b| Siret::from_u64_unchecked(u64::from_be_bytes(b)))
}

/// A date as days since 0001-01-01, big-endian: sorts chronologically.
pub fn date(d: NaiveDate) -> [u8; 4] {
    (d.num_days_from_ce() as u32).to_be_bytes()
}

pub fn date_from(bytes: &[u8]) -> Option<NaiveDate> {
    let days = u32::from_be_bytes(bytes.try_into().ok()?);
    NaiveDate::from_num_days_from_ce_opt(i32::try_from(days).ok()?)
}

use chrono::Datelike;

/// The prefix of one direction's corbeille in the corbeille index and the counters.
pub fn corbeille_prefix(direction: &str, corbeille: Corbeille) -> Vec<u8> {
    let mut k = Vec::with_capacity(direction.len() + 2);
    k.extend_from_slice(direction.as_bytes());
    k.push(0);
    k.push(corbeille.code());
    k
}

/// `direction‖0‖corbeille‖received_on‖dossier`: a corbeille listed oldest first.
pub fn corbeille_entry(
    direction: &str,
    corbeille: Corbeille,
    received_on: NaiveDate,
    id: DossierId,
) -> Vec<u8> {
    let mut k = corbeille_prefix(direction, corbeille);
    k.extend_from_slice(&date(received_on));
    k.extend_from_slice(&id.key());
    k
}

/// Reads back the date and the dossier of a corbeille index key, given its prefix length.
pub fn corbeille_entry_parts(key: &[u8], prefix_len: usize) -> Option<(NaiveDate, DossierId)> {
    let rest = key.get(prefix_len..)?;
    let date = date_from(rest.get(..4)?)?;
    let id = DossierId::from_key(rest.get(4..10)?)?;
    Some((date, id))
}

/// `a‖b` for two-part keys (rights by user‖siret, attachments by siret‖user, and their reverse indexes).
pub fn pair(a: [u8; 8], b: [u8; 8]) -> [u8; 16] {
    let mut k = [0u8; 16];
    k[..8].copy_from_slice(&a);
    k[8..].copy_from_slice(&b);
    k
}

pub fn siret_dossier(s: Siret, id: DossierId) -> Vec<u8> {
    let mut k = siret(s).to_vec();
    k.extend_from_slice(&id.key());
    k
}

/// `status‖user`: the users of one status.
pub fn status_user(status: crate::domain::user::UserStatus, id: UserId) -> [u8; 9] {
    use crate::domain::user::UserStatus;
    let code = match status {
        UserStatus::Actif => 0,
        UserStatus::Sorti => 1,
        UserStatus::Supprime => 2,
    };
    let mut k = [0u8; 9];
    k[0] = code;
    k[1..].copy_from_slice(&user(id));
    k
}

pub fn user_dossier(u: UserId, id: DossierId) -> Vec<u8> {
    let mut k = user(u).to_vec();
    k.extend_from_slice(&id.key());
    k
}

/// `login‖0‖dossier`: the open dossiers an operator follows.
pub fn assignee_dossier(login: &str, id: DossierId) -> Vec<u8> {
    let mut k = login.as_bytes().to_vec();
    k.push(0);
    k.extend_from_slice(&id.key());
    k
}

pub fn seq(n: u64) -> [u8; 8] {
    n.to_be_bytes()
}

pub fn seq_from(bytes: &[u8]) -> Option<u64> {
    bytes.try_into().ok().map(u64::from_be_bytes)
}
