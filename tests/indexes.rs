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

#[test]
fn a_dossier_noted_140_times_keeps_its_whole_history_in_order() {
    let (_dir, desk) = populated();
    let store = desk.store();
    let id = store
        .dossier_by_ref("MAIL-000")
        .expect("read")
        .expect("dossier")
        .id;
    let subject = guichet::store::journal::Subject::Dossier(id);
    let before = store.history(subject).expect("history").len();
    let mut noted = Vec::new();
    for i in 0..140 {
        let receipt = desk
            .execute_line(
                &actor(),
                &format!(r#"{{"cmd":"dossier.note","dossier":"MAIL-000","text":"Relance {i}"}}"#),
            )
            .expect("note");
        noted.push(receipt.seq);
    }
    // Two blocks of 64 frozen on the way, and the head: the history reads them all, oldest first.
    let history: Vec<u64> = store
        .history(subject)
        .expect("history")
        .iter()
        .map(|e| e.seq)
        .collect();
    assert_eq!(history.len(), before + 140);
    assert_eq!(&history[before..], noted.as_slice());
    assert!(history.windows(2).all(|w| w[0] < w[1]), "oldest first");
    // What the live desk asks: the entries after one it saw, newest first, across the blocks.
    let since = noted[10];
    let newer = store.about_since(subject, since).expect("since");
    let expected: Vec<u64> = noted[11..].iter().rev().take(64).copied().collect();
    assert_eq!(newer, expected);
    assert!(store.subject_named(subject).expect("named"));
    common::checks::check_indexes(&desk)
        .expect("the packed index equals a recount from the journal");
}

#[test]
fn a_schema_2_subject_index_is_packed_when_opened_even_half_done() {
    use guichet::store::subjects;
    let (dir, desk) = populated();
    for i in 0..70 {
        ok(
            &desk,
            &format!(r#"{{"cmd":"dossier.note","dossier":"MAIL-001","text":"Relance {i}"}}"#),
        );
    }
    let index = desk.store().tree(T::JournalBySubject);
    let packed: Vec<(sled::IVec, sled::IVec)> = index.iter().map(|r| r.expect("row")).collect();
    assert!(
        packed.iter().any(|(_, v)| v.len() == subjects::BLOCK * 8),
        "a frozen block to unpack"
    );
    // Schema 2 wrote one key per (subject, entry), empty; a migration cut short left some subjects packed
    // already: every other one is unpacked here.
    for (n, (k, v)) in packed.iter().enumerate() {
        if n % 2 == 0 {
            continue;
        }
        index.remove(k).expect("remove");
        let prefix = &k[..k.len() - 8];
        for seq in subjects::decode(v) {
            index
                .insert([prefix, &seq.to_be_bytes()].concat(), &[])
                .expect("old row");
        }
    }
    let desk = reopened_from_schema(desk, 2);
    let rows: Vec<(sled::IVec, sled::IVec)> = desk
        .store()
        .tree(T::JournalBySubject)
        .iter()
        .map(|r| r.expect("row"))
        .collect();
    assert_eq!(rows, packed, "the index packed again, row for row");
    common::checks::check_indexes(&desk).expect("the packed index equals a recount");
    drop(dir);
}

#[test]
fn a_head_met_again_as_the_block_it_was_frozen_into_is_not_read_twice() {
    use guichet::store::journal::Subject;
    let (_dir, desk) = desk();
    let subject =
        Subject::Dossier(guichet::domain::ids::DossierId::parse("2026-00001").expect("id"));
    let prefix = subject.key_prefix();
    let seqs: Vec<u8> = (1u64..=64).flat_map(|s| s.to_be_bytes()).collect();
    // What a live reverse scan can meet: the full head it read first, then the same numbers frozen below it.
    let index = desk.store().tree(T::JournalBySubject);
    index
        .insert([&prefix[..], &[0xff; 8]].concat(), seqs.as_slice())
        .expect("head");
    index
        .insert([&prefix[..], &1u64.to_be_bytes()].concat(), seqs.as_slice())
        .expect("frozen copy");
    let read = desk
        .store()
        .subject_seqs_since(subject, 0, 500)
        .expect("read");
    assert_eq!(read, (1u64..=64).rev().collect::<Vec<_>>());
}
