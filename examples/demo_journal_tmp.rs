//! Throwaway: count journal entries by command. Deleted after use.
use guichet::store::journal::Entry;
use guichet::store::{Store, T};
use std::collections::BTreeMap;
fn main() {
    let path = std::env::args().nth(1).unwrap();
    let store = Store::open(std::path::Path::new(&path)).unwrap();
    let mut by = BTreeMap::new();
    for (_, e) in store.scan::<Entry>(T::Journal, b"").unwrap() {
        let c = e
            .draft
            .command
            .split("\"cmd\":\"")
            .nth(1)
            .and_then(|r| r.split('"').next())
            .unwrap_or("?")
            .to_string();
        *by.entry(c).or_insert(0usize) += 1;
    }
    let mut v: Vec<_> = by.into_iter().collect();
    v.sort_by_key(|(_, n)| std::cmp::Reverse(*n));
    for (c, n) in v {
        println!("{n:>8} {c}");
    }
}
