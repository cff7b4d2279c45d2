//! Throwaway: time the generator at a custom scale and print breakdowns. Deleted after use.
use guichet::demo::{self, Scale};
use guichet::desk::{Actor, Desk};
use guichet::domain::chorus::Attachment;
use guichet::domain::dossier::Dossier;
use guichet::domain::structure::Structure;
use guichet::domain::user::User;
use guichet::store::T;
use std::collections::BTreeMap;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut scale = Scale::named(&args[0]).unwrap();
    let div: usize = args.get(1).map(|a| a.parse().unwrap()).unwrap_or(1);
    scale.structures /= div;
    scale.users /= div;
    scale.dossiers /= div;
    let path = args.get(2).cloned();
    let dir = tempfile::tempdir().unwrap();
    let base = path
        .map(std::path::PathBuf::from)
        .unwrap_or(dir.path().join("base"));
    let now = chrono::DateTime::parse_from_rfc3339("2026-11-28T10:00:00Z")
        .unwrap()
        .to_utc();
    let desk = Desk::open(&base).unwrap().with_clock(move || now);
    let t = std::time::Instant::now();
    let mut last = std::time::Instant::now();
    let summary = demo::generate(
        &desk,
        &Actor::new("admin".to_string()),
        &scale,
        2026,
        &mut |d, n| {
            if last.elapsed().as_secs_f64() > 5.0 {
                last = std::time::Instant::now();
                eprintln!("{d}/{n} {:.1}s", t.elapsed().as_secs_f64());
            }
        },
    )
    .unwrap();
    let el = t.elapsed();
    let mut s = summary.clone();
    let un = std::mem::take(&mut s.unexpected);
    println!("{s:?}");
    for u in un.iter().take(8) {
        println!("  UNEXPECTED {}", &u[..u.len().min(600)]);
    }
    println!(
        "{:.2}s, {:.0} cmd/s",
        el.as_secs_f64(),
        summary.commands as f64 / el.as_secs_f64()
    );
    let store = desk.store();
    let mut cat = BTreeMap::new();
    for (_, st) in store.scan::<Structure>(T::Structures, b"").unwrap() {
        *cat.entry(format!("{:?}", st.category)).or_insert(0) += 1;
    }
    println!("structures {cat:?}");
    let mut stat = BTreeMap::new();
    let mut corb = BTreeMap::new();
    let mut kind = BTreeMap::new();
    let mut years = BTreeMap::new();
    for (_, d) in store.scan::<Dossier>(T::Dossiers, b"").unwrap() {
        *stat.entry(format!("{:?}", d.status)).or_insert(0) += 1;
        *corb.entry(format!("{:?}", d.corbeille())).or_insert(0) += 1;
        *kind.entry(format!("{:?}", d.kind)).or_insert(0) += 1;
        *years
            .entry(d.received_on.format("%Y").to_string())
            .or_insert(0) += 1;
    }
    println!("dossiers status {stat:?}\n corbeilles {corb:?}\n kinds {kind:?}\n years {years:?}");
    let mut att = BTreeMap::new();
    let mut per_user: BTreeMap<String, usize> = BTreeMap::new();
    for (_, a) in store.scan::<Attachment>(T::Attachments, b"").unwrap() {
        *att.entry(format!("{:?}/{:?}", a.status, a.role))
            .or_insert(0) += 1;
        *per_user.entry(format!("{:?}", a.user)).or_insert(0) += 1;
    }
    let mut hist = BTreeMap::new();
    for (_, n) in per_user {
        *hist.entry(n.min(30)).or_insert(0) += 1;
    }
    println!("attachments {att:?}\n per user {hist:?}");
    let mut us = BTreeMap::new();
    let mut pigp = 0;
    for (_, u) in store.scan::<User>(T::Users, b"").unwrap() {
        *us.entry(format!("{:?}", u.status)).or_insert(0) += 1;
        if u.pigp_id.is_some() {
            pigp += 1;
        }
    }
    println!("users {us:?} with pigp {pigp}");
}
