//! Throwaway: breakdowns of an existing database. Deleted after use.
use guichet::domain::chorus::Attachment;
use guichet::domain::dossier::Dossier;
use guichet::domain::structure::Structure;
use guichet::domain::user::User;
use guichet::store::journal::Entry;
use guichet::store::{Store, T};
use std::collections::BTreeMap;

fn main() {
    let path = std::env::args().nth(1).unwrap();
    let store = Store::open(std::path::Path::new(&path)).unwrap();
    let mut cat = BTreeMap::new();
    let mut deps = BTreeMap::new();
    for (_, st) in store.scan::<Structure>(T::Structures, b"").unwrap() {
        *cat.entry(format!("{:?}", st.category)).or_insert(0) += 1;
        *deps.entry(st.departement.clone()).or_insert(0) += 1;
    }
    println!(
        "structures {cat:?}\n departments covered {} (min {:?}, max {:?})",
        deps.len(),
        deps.values().min(),
        deps.values().max()
    );
    let mut stat = BTreeMap::new();
    let mut corb = BTreeMap::new();
    let mut kind = BTreeMap::new();
    let mut years = BTreeMap::new();
    let mut open_age = BTreeMap::new();
    let today = chrono::Utc::now().date_naive();
    for (_, d) in store.scan::<Dossier>(T::Dossiers, b"").unwrap() {
        *stat.entry(format!("{:?}", d.status)).or_insert(0) += 1;
        *corb.entry(format!("{:?}", d.corbeille())).or_insert(0) += 1;
        *kind.entry(format!("{:?}", d.kind)).or_insert(0) += 1;
        *years
            .entry(d.received_on.format("%Y").to_string())
            .or_insert(0) += 1;
        if !d.status.is_final() {
            let age = (today - d.received_on).num_days();
            let b = if age <= 15 {
                "0-15 j"
            } else if age <= 45 {
                "16-45 j"
            } else if age <= 120 {
                "46-120 j"
            } else {
                ">120 j"
            };
            *open_age.entry(b).or_insert(0) += 1;
        }
    }
    println!(
        "dossiers status {stat:?}\n corbeilles {corb:?}\n kinds {kind:?}\n years {years:?}\n open by age {open_age:?}"
    );
    let mut att = BTreeMap::new();
    let mut st = BTreeMap::new();
    let mut per_user: BTreeMap<String, usize> = BTreeMap::new();
    for (_, a) in store.scan::<Attachment>(T::Attachments, b"").unwrap() {
        *att.entry(format!("{:?}/{:?}", a.status, a.role))
            .or_insert(0) += 1;
        *st.entry(format!("{:?}", a.status)).or_insert(0) += 1;
        *per_user.entry(format!("{:?}", a.user)).or_insert(0) += 1;
    }
    let mut hist = BTreeMap::new();
    for (_, n) in per_user {
        let b = match n {
            1 => "1",
            2..=5 => "2-5",
            6..=10 => "6-10",
            11..=20 => "11-20",
            _ => ">20",
        };
        *hist.entry(b).or_insert(0) += 1;
    }
    println!("attachments {st:?}\n by status/role {att:?}\n per user {hist:?}");
    let mut us = BTreeMap::new();
    let mut pigp = 0;
    for (_, u) in store.scan::<User>(T::Users, b"").unwrap() {
        *us.entry(format!("{:?}", u.status)).or_insert(0) += 1;
        if u.pigp_id.is_some() {
            pigp += 1;
        }
    }
    println!("users {us:?} with pigp {pigp}");
    let mut by = BTreeMap::new();
    let mut refused = 0;
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
        if format!("{:?}", e.draft.outcome).contains("Refused") {
            refused += 1;
        }
    }
    let mut v: Vec<_> = by.into_iter().collect();
    v.sort_by_key(|(_, n)| std::cmp::Reverse(*n));
    println!("journal by command {v:?}\n refused entries {refused}");
}
