//! Issue 4: the demonstration data. `Scale::DEMO` generated with seed 42 on a fresh database must cover the whole
//! note — every category of structure, every corbeille, rattachements in every state and role, accès résiduels,
//! structures without GP and with an interim GP — with no command refused that the generator expected to pass, a
//! journal whose chain holds, and the same content for the same seed. Checked from the store and the views, not
//! from the generator's own counters.
//!
//! `cargo test --release --test demo -- --nocapture` prints the generation time and the counts.

mod common;

use common::{NOW, actor};
use guichet::demo::{self, Scale, Summary};
use guichet::desk::{Desk, audit};
use guichet::domain::chorus::{Attachment, AttachmentStatus, Role};
use guichet::domain::dossier::Corbeille;
use guichet::domain::structure::{Category, Structure};
use guichet::store::T;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;
use std::time::Instant;
use tempfile::TempDir;

const SEED: u64 = 42;

fn fresh_desk() -> (TempDir, Desk) {
    let dir = common::process_tempdir();
    let now = chrono::DateTime::parse_from_rfc3339(NOW)
        .expect("fixed date")
        .to_utc();
    let desk = Desk::open(&dir.path().join("base"))
        .expect("open desk")
        .with_clock(move || now);
    (dir, desk)
}

fn generate(seed: u64) -> (TempDir, Desk, Summary) {
    let (dir, desk) = fresh_desk();
    let started = Instant::now();
    let mut calls = 0;
    let summary = demo::generate(&desk, &actor(), &Scale::DEMO, seed, &mut |_, _| calls += 1)
        .expect("generation");
    eprintln!(
        "demo seed {seed}: {:.2} s, {calls} progress calls, {summary:?}",
        started.elapsed().as_secs_f64()
    );
    (dir, desk, summary)
}

/// The world of seed 42, generated once for every test of this file.
fn world() -> &'static (TempDir, Desk, Summary) {
    static WORLD: OnceLock<(TempDir, Desk, Summary)> = OnceLock::new();
    WORLD.get_or_init(|| generate(SEED))
}

#[test]
fn the_demo_covers_the_whole_note() {
    let (_dir, desk, summary) = world();
    assert_eq!(
        summary.refused, 0,
        "commands refused unexpectedly: {:#?}",
        summary.unexpected
    );
    assert!(
        summary.deliberate_refusals >= 5,
        "a real desk's refusals in the journal"
    );
    let store = desk.store();

    assert!(store.tree(T::Directions).len() >= 5, "directions");
    let structures: Vec<Structure> = store
        .scan::<Structure>(T::Structures, b"")
        .expect("structures")
        .into_iter()
        .map(|(_, s)| s)
        .collect();
    assert!(structures.len() >= 200, "{} structures", structures.len());
    let categories: BTreeSet<Category> = structures.iter().map(|s| s.category).collect();
    for c in Category::ALL {
        assert!(categories.contains(c), "no structure of category {c}");
    }
    assert!(
        structures
            .iter()
            .filter(|s| s.category == Category::Eple)
            .all(|s| s.uai.is_some()),
        "every EPLE has its UAI"
    );
    assert!(
        structures
            .iter()
            .any(|s| s.has_comptable && s.category == Category::Gip)
            && structures
                .iter()
                .any(|s| !s.has_comptable && s.category == Category::Gip),
        "GIP with and without comptable"
    );

    let users = store.tree(T::Users).len();
    assert!(users >= 1000, "{users} users");
    let dossiers = store.tree(T::Dossiers).len();
    assert!(dossiers >= 500, "{dossiers} dossiers");

    let mut per_corbeille: BTreeMap<&str, i64> = BTreeMap::new();
    for line in desk.queues(None).expect("queues") {
        *per_corbeille.entry(line.corbeille.wire()).or_default() += line.count;
    }
    eprintln!("corbeilles: {per_corbeille:?}");
    for c in Corbeille::ALL {
        assert!(
            per_corbeille.get(c.wire()).copied().unwrap_or(0) > 0,
            "corbeille {} is empty",
            c.label()
        );
    }
    let queued: i64 = per_corbeille.values().sum();
    assert_eq!(queued as usize, dossiers, "every dossier in one corbeille");

    let attachments: Vec<Attachment> = store
        .scan::<Attachment>(T::Attachments, b"")
        .expect("attachments")
        .into_iter()
        .map(|(_, a)| a)
        .collect();
    let statuses: BTreeSet<&str> = attachments.iter().map(|a| a.status.wire()).collect();
    let roles: BTreeSet<&str> = attachments.iter().map(|a| a.role.wire()).collect();
    eprintln!(
        "{} attachments, statuses {statuses:?}, roles {roles:?}",
        attachments.len()
    );
    for s in AttachmentStatus::ALL {
        assert!(statuses.contains(s.wire()), "no attachment {}", s.label());
    }
    for r in Role::ALL {
        assert!(roles.contains(r.wire()), "no attachment as {}", r.label());
    }

    let residual = desk.residual_access().expect("residual access");
    assert!(!residual.is_empty(), "accès résiduels");
    let statuses: BTreeSet<&str> = residual
        .iter()
        .filter_map(|r| r["status"].as_str())
        .collect();
    assert!(
        statuses.contains("sorti") && statuses.contains("supprime"),
        "residual access of leavers and of deleted users: {statuses:?}"
    );
    let orphans = desk.orphans().expect("orphans");
    let situations: BTreeSet<&str> = orphans
        .iter()
        .filter_map(|o| o["situation"].as_str())
        .collect();
    eprintln!(
        "{} accès résiduels, {} orphan structures {situations:?}",
        residual.len(),
        orphans.len()
    );
    assert!(situations.contains("sans_gp"), "a structure without GP");
    assert!(
        situations.contains("gp_interim"),
        "a structure with an interim GP"
    );

    let chain = audit::verify(store).expect("journal readable");
    assert!(chain.is_ok(), "journal chain broken: {chain:?}");
}

#[test]
fn the_same_seed_gives_the_same_users() {
    let (_dir, first, _) = world();
    let (_other, second, _) = generate(SEED);
    let rows = |desk: &Desk| -> Vec<(Vec<u8>, Vec<u8>)> {
        desk.store()
            .tree(T::Users)
            .iter()
            .map(|item| {
                let (k, v) = item.expect("row");
                (k.to_vec(), v.to_vec())
            })
            .collect()
    };
    let (a, b) = (rows(first), rows(&second));
    assert!(!a.is_empty());
    assert!(a == b, "two generations with seed {SEED} differ");
}

#[test]
fn a_database_in_use_is_refused() {
    let (_dir, desk) = fresh_desk();
    common::run_all(&desk, common::WORLD);
    let refused = demo::generate(&desk, &actor(), &Scale::DEMO, SEED, &mut |_, _| {});
    assert!(
        refused.is_err(),
        "the demonstration loads a new database only"
    );
}
