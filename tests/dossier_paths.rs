//! Paths of a dossier beyond the plain creation: a person who already has an ASPASIE account, a dossier forwarded
//! to the competent direction, a closure that waits for every person.

mod common;

use common::*;
use guichet::domain::Rule;
use guichet::domain::dossier::Corbeille;

#[test]
fn a_person_already_in_aspasie_gets_rights_on_a_second_structure_without_a_second_account() {
    let (_dir, desk) = desk();
    run_all(&desk, WORLD);
    // Thomas becomes GP of the INAS (Lyon).
    let first = r#"{"cmd":"dossier.receive","ref":"INAS","kind":"habilitation","channel":"agent_comptable","siret":"18001002400024","direction":"DRFIP69","requester":{"name":"Bernard Roche","email":"bernard.roche@inas-lyon.fr"},"persons":[{"civilite":"M","nom":"Nguyen","prenom":"Thomas","email":"thomas.nguyen@inas-lyon.fr","role":"gp"}]}"#;
    habilitate(&desk, first, "INAS", &["thomas.nguyen@inas-lyon.fr"]);
    // A second EPN of Lyon, same comptable, asks for him as GS.
    ok(
        &desk,
        r#"{"cmd":"structure.add","siret":"18945612300018","name":"Conservatoire de Lyon","category":"EPN","comptable":{"name":"Bernard Roche","email":"bernard.roche@inas-lyon.fr"},"postal_code":"69001","city":"Lyon"}"#,
    );
    let second = r#"{"cmd":"dossier.receive","ref":"CONS","kind":"habilitation","channel":"agent_comptable","siret":"18945612300018","direction":"DRFIP69","requester":{"name":"Bernard Roche","email":"bernard.roche@inas-lyon.fr"},"persons":[{"civilite":"M","nom":"Nguyen","prenom":"Thomas","email":"thomas.nguyen@inas-lyon.fr","role":"gs"}]}"#;
    ok(&desk, second);
    ok(&desk, r#"{"cmd":"dossier.qualify","dossier":"CONS"}"#);
    for doc in ["contrat_service", "liste_utilisateurs"] {
        ok(
            &desk,
            &format!(r#"{{"cmd":"dossier.document","dossier":"CONS","document":"{doc}"}}"#),
        );
    }
    let created = ok(
        &desk,
        r#"{"cmd":"aspasie.create","dossier":"CONS","email":"thomas.nguyen@inas-lyon.fr"}"#,
    );
    assert_eq!(created["existing"], true);
    assert_eq!(
        created["pigp_id"], "thomas.nguyen-xt",
        "the same identifier, no second account"
    );
    ok(
        &desk,
        r#"{"cmd":"madrhas.open","dossier":"CONS","email":"thomas.nguyen@inas-lyon.fr"}"#,
    );
    ok(&desk, r#"{"cmd":"dossier.close","dossier":"CONS"}"#);
    let user = desk.user_view("thomas.nguyen-xt").expect("user");
    let sirets: Vec<&str> = user["rights"]
        .as_array()
        .expect("rights")
        .iter()
        .filter_map(|r| r["siret"].as_str())
        .collect();
    assert_eq!(sirets, vec!["18001002400024", "18945612300018"]);
    assert_eq!(desk.store().tree(guichet::store::T::Users).len(), 1);
}

#[test]
fn a_dossier_closes_only_when_every_person_is_created_and_habilitated() {
    let (_dir, desk) = desk();
    run_all(&desk, WORLD);
    ok(
        &desk,
        &eple_dossier("LYC", "DDFIP78", EPLE_92, "anne.lefevre@ac-versailles.fr"),
    );
    ok(&desk, r#"{"cmd":"dossier.qualify","dossier":"LYC"}"#);
    let r = refused(&desk, r#"{"cmd":"dossier.close","dossier":"LYC"}"#);
    assert_eq!(r.rule, Rule::State);
    assert!(r.message.contains("à créer dans ASPASIE"), "{}", r.message);
    assert_eq!(
        refused(&desk, r#"{"cmd":"dossier.qualify","dossier":"LYC"}"#).rule,
        Rule::State,
        "qualified once"
    );
}

#[test]
fn a_forwarded_dossier_arrives_in_the_competent_direction() {
    let (_dir, desk) = desk();
    run_all(&desk, WORLD);
    ok(
        &desk,
        &eple_dossier(
            "MAUVAISE-BALF",
            "DDFIP92",
            EPLE_92,
            "anne.lefevre@ac-versailles.fr",
        ),
    );
    let result = ok(
        &desk,
        r#"{"cmd":"dossier.forward","dossier":"MAUVAISE-BALF","direction":"DDFIP78"}"#,
    );
    assert_eq!(result["status"], "transmise");
    let new = result["new_dossier"]
        .as_str()
        .expect("new number")
        .to_string();
    let view = desk.dossier_view(&new).expect("view");
    assert_eq!(view["direction"], "DDFIP78");
    assert_eq!(view["status"], "recue");
    assert_eq!(view["forwarded_from"], "2026-00001");
    ok(
        &desk,
        &format!(r#"{{"cmd":"dossier.qualify","dossier":"{new}"}}"#),
    );
    assert_eq!(
        desk.store()
            .corbeille_count("DDFIP92", Corbeille::Transmises)
            .expect("count"),
        1
    );
    assert_eq!(
        refused(
            &desk,
            r#"{"cmd":"dossier.qualify","dossier":"MAUVAISE-BALF"}"#
        )
        .rule,
        Rule::State,
        "the original is final"
    );
}

#[test]
fn preview_says_what_execute_would_without_writing_anything() {
    let (_dir, desk) = desk();
    run_all(&desk, WORLD);
    ok(
        &desk,
        &eple_dossier("LYC", "DDFIP78", EPLE_92, "anne.lefevre@ac-versailles.fr"),
    );
    let before = desk.store().dump_state().expect("dump");
    let head = desk.store().journal_head().expect("head");
    let create = guichet::desk::Command::parse_line(
        r#"{"cmd":"aspasie.create","dossier":"LYC","email":"anne.lefevre@ac-versailles.fr"}"#,
    )
    .expect("command");
    match desk.preview(&actor(), &create) {
        Err(guichet::desk::DeskError::Refused(r)) => {
            assert_eq!(r.rule, Rule::State, "{}", r.message)
        }
        other => panic!("{other:?}"),
    }
    let qualify =
        guichet::desk::Command::parse_line(r#"{"cmd":"dossier.qualify","dossier":"LYC"}"#)
            .expect("command");
    assert!(desk.preview(&actor(), &qualify).is_ok());
    assert_eq!(before, desk.store().dump_state().expect("dump"));
    assert_eq!(
        head,
        desk.store().journal_head().expect("head"),
        "nothing journaled"
    );
}

#[test]
fn my_dossiers_are_the_open_ones_i_follow() {
    let (_dir, desk) = desk();
    run_all(&desk, WORLD);
    ok(
        &desk,
        &eple_dossier("A", "DDFIP78", EPLE_92, "anne.lefevre@ac-versailles.fr"),
    );
    ok(
        &desk,
        &eple_dossier("B", "DDFIP78", EPLE_92, "farid.haddad@ac-versailles.fr"),
    );
    ok(
        &desk,
        r#"{"cmd":"dossier.assign","dossier":"A","operator":"admin.test"}"#,
    );
    ok(
        &desk,
        r#"{"cmd":"dossier.assign","dossier":"B","operator":"admin.test"}"#,
    );
    assert_eq!(
        desk.store()
            .dossiers_of_assignee("admin.test", 10)
            .expect("read")
            .len(),
        2
    );
    ok(
        &desk,
        r#"{"cmd":"dossier.reject","dossier":"B","reason":"doublon"}"#,
    );
    let mine = desk
        .store()
        .dossiers_of_assignee("admin.test", 10)
        .expect("read");
    assert_eq!(mine.len(), 1, "a rejected dossier is no longer in hand");
    assert_eq!(mine[0].to_string(), "2026-00001");
}
