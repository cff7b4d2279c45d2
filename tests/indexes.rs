//! The views read indexes, not every record: listing a page of a corbeille reads exactly that page's index
//! entries, finding a user by e-mail or PIGP identifier reads one index entry and one record, and the corbeille
//! counters kept by the transactions always equal a recount.

mod common;

use common::*;
use guichet::domain::dossier::{Corbeille, Dossier};
use guichet::store::T;

/// 120 EPN dossiers spread over several corbeilles of DRFIP69, and the two examples' users.
fn populated() -> (tempfile::TempDir, guichet::desk::Desk) {
    let (dir, desk) = desk();
    run_all(&desk, WORLD);
    for i in 0..120 {
        let reference = format!("MAIL-{i:03}");
        ok(
            &desk,
            &format!(
                r#"{{"cmd":"dossier.receive","ref":"{reference}","kind":"habilitation","channel":"agent_comptable","siret":"{EPN_69}","direction":"DRFIP69","requester":{{"name":"Bernard Roche","email":"bernard.roche@inas-lyon.fr"}},"received_on":"2026-{:02}-{:02}","persons":[{{"civilite":"M","nom":"Agent{i}","prenom":"Paul","email":"paul.agent{i}@inas-lyon.fr","role":"gs"}}]}}"#,
                9 + i % 3,
                1 + i % 28
            ),
        );
        match i % 4 {
            0 => {}
            1 => {
                ok(
                    &desk,
                    &format!(r#"{{"cmd":"dossier.qualify","dossier":"{reference}"}}"#),
                );
            }
            2 => {
                ok(
                    &desk,
                    &format!(
                        r#"{{"cmd":"dossier.reject","dossier":"{reference}","reason":"doublon"}}"#
                    ),
                );
            }
            _ => {
                ok(
                    &desk,
                    &format!(r#"{{"cmd":"dossier.qualify","dossier":"{reference}"}}"#),
                );
                for doc in ["contrat_service", "liste_utilisateurs"] {
                    ok(
                        &desk,
                        &format!(
                            r#"{{"cmd":"dossier.document","dossier":"{reference}","document":"{doc}"}}"#
                        ),
                    );
                }
                ok(
                    &desk,
                    &format!(
                        r#"{{"cmd":"aspasie.create","dossier":"{reference}","email":"paul.agent{i}@inas-lyon.fr"}}"#
                    ),
                );
            }
        }
    }
    (dir, desk)
}

#[test]
fn a_corbeille_page_reads_its_index_entries_only() {
    let (_dir, desk) = populated();
    let store = desk.store();
    assert_eq!(store.tree(T::Dossiers).len(), 120);
    let before = store.reads();
    let page = store
        .corbeille_page("DRFIP69", Corbeille::AQualifier, 0, 10)
        .expect("page");
    assert_eq!(page.len(), 10);
    assert_eq!(
        store.reads() - before,
        10,
        "one read per line shown, none per stored dossier"
    );
    assert!(
        page.windows(2)
            .all(|w| w[0].received_on <= w[1].received_on),
        "oldest first"
    );

    let before = store.reads();
    assert_eq!(
        store
            .corbeille_count("DRFIP69", Corbeille::AQualifier)
            .expect("count"),
        30
    );
    assert_eq!(
        store.reads() - before,
        1,
        "the count is one counter, not a scan"
    );
}

#[test]
fn finding_a_user_by_email_or_pigp_reads_one_index_entry_and_one_record() {
    let (_dir, desk) = populated();
    let store = desk.store();
    assert_eq!(store.tree(T::Users).len(), 30);
    let email = guichet::domain::ids::Email::parse("paul.agent7@inas-lyon.fr").expect("email");
    let before = store.reads();
    let user = store.user_by_email(&email).expect("read").expect("found");
    assert_eq!(store.reads() - before, 2);
    let pigp = user.pigp_id.clone().expect("created in ASPASIE");
    let before = store.reads();
    assert_eq!(
        store.user_by_pigp(&pigp).expect("read").expect("found").id,
        user.id
    );
    assert_eq!(store.reads() - before, 2);
}

#[test]
fn the_corbeille_counters_equal_a_recount() {
    let (_dir, desk) = populated();
    let store = desk.store();
    let dossiers: Vec<Dossier> = store
        .scan(T::Dossiers, b"")
        .expect("scan")
        .into_iter()
        .map(|(_, d)| d)
        .collect();
    for direction in ["DDFIP78", "DDFIP92", "DRFIP69"] {
        for &corbeille in Corbeille::ALL {
            let recount = dossiers
                .iter()
                .filter(|d| d.direction == direction && d.corbeille() == corbeille)
                .count();
            let counter = store.corbeille_count(direction, corbeille).expect("count");
            let indexed = store
                .corbeille_page(direction, corbeille, 0, usize::MAX)
                .expect("page")
                .len();
            assert_eq!(
                counter as usize, recount,
                "{direction} {corbeille}: counter"
            );
            assert_eq!(indexed, recount, "{direction} {corbeille}: index");
        }
    }
    // The report reads the same counters.
    let queues = desk.queues(Some("DRFIP69")).expect("queues");
    let line = |c: Corbeille| {
        queues
            .iter()
            .find(|q| q.corbeille == c)
            .expect("line")
            .count
    };
    assert_eq!(line(Corbeille::AQualifier), 30);
    assert_eq!(line(Corbeille::PiecesManquantes), 30);
    assert_eq!(line(Corbeille::Rejetees), 30);
    assert_eq!(line(Corbeille::AHabiliterMadrhas), 30);
}
