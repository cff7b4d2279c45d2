//! After creation: password resets and the anti-fraud rule of §3 (R17, R18), modifications, departures and
//! deletions (R14, R15), and the accès résiduels they leave (R16). Every refusal names its rule and changes nothing
//! but the journal.

mod common;

use common::*;
use guichet::domain::Rule;
use guichet::store::journal::{Entry, Outcome};
use guichet::store::{T, codec, keys};

const ANNE: &str = "anne.lefevre@ac-versailles.fr";

fn with_anne() -> (tempfile::TempDir, guichet::desk::Desk) {
    let (dir, desk) = desk();
    run_all(&desk, WORLD);
    habilitate(
        &desk,
        &eple_dossier("LYCEE", "DDFIP78", EPLE_92, ANNE),
        "LYCEE",
        &[ANNE],
    );
    (dir, desk)
}

fn reset_request(reference: &str, from: &str, channel: &str) -> String {
    format!(
        r#"{{"cmd":"dossier.receive","ref":"{reference}","kind":"reinitialisation","channel":"{channel}","user":"{ANNE}","direction":"DDFIP78","requester":{{"name":"Anne Lefèvre","email":"{from}"}}}}"#
    )
}

fn modification(reference: &str) -> String {
    format!(
        r#"{{"cmd":"dossier.receive","ref":"{reference}","kind":"modification","channel":"referent","siret":"{EPLE_92}","user":"{ANNE}","direction":"DDFIP78","requester":{{"name":"Rémi Laurent","email":"remi.laurent@ac-versailles.fr"}}}}"#
    )
}

fn refused_cleanly(desk: &guichet::desk::Desk, situation: &str, line: &str, rule: Rule) -> String {
    let before = desk.store().dump_state().expect("dump");
    let (head, _) = desk.store().journal_head().expect("head");
    let r = refused(desk, line);
    assert_eq!(r.rule, rule, "{situation}: {}", r.message);
    assert_eq!(
        before,
        desk.store().dump_state().expect("dump"),
        "{situation}: a tree changed"
    );
    assert_eq!(
        desk.store().journal_head().expect("head").0,
        head + 1,
        "{situation}: one journal entry"
    );
    r.message
}

fn last_entry(desk: &guichet::desk::Desk) -> Entry {
    let (seq, _) = desk.store().journal_head().expect("head");
    codec::decode(
        &desk
            .store()
            .tree(T::Journal)
            .get(keys::seq(seq))
            .expect("read")
            .expect("entry"),
    )
    .expect("decode")
}

#[test]
fn a_reset_from_another_address_is_refused_and_the_attempt_stays_in_the_journal() {
    let (_dir, desk) = with_anne();
    ok(
        &desk,
        &reset_request(
            "RESET-FRAUDE",
            "anne.lefevre.perso@gmail.com",
            "utilisateur",
        ),
    );
    let message = refused_cleanly(
        &desk,
        "a reset asked from a personal address",
        r#"{"cmd":"dossier.qualify","dossier":"RESET-FRAUDE"}"#,
        Rule::R18,
    );
    assert!(
        message.contains("anne.lefevre.perso@gmail.com"),
        "{message}"
    );
    let entry = last_entry(&desk);
    match &entry.draft.outcome {
        Outcome::Refused { rule, message, .. } => {
            assert_eq!(rule, "R18");
            assert!(
                message.contains("anne.lefevre.perso@gmail.com"),
                "the journal shows where it came from"
            );
        }
        other => panic!("{other:?}"),
    }
    // The attempt shows in the user's history and in the dossier's.
    let user = desk.user_view(ANNE).expect("user");
    assert!(
        user["history"]
            .as_array()
            .expect("history")
            .iter()
            .any(|h| h["outcome"] == "refusé R18")
    );
    let dossier = desk.dossier_view("RESET-FRAUDE").expect("dossier");
    assert!(
        dossier["history"]
            .as_array()
            .expect("history")
            .iter()
            .any(|h| h["outcome"] == "refusé R18")
    );
}

#[test]
fn a_reset_is_asked_by_the_user_himself_about_an_active_account() {
    let (_dir, desk) = with_anne();
    ok(
        &desk,
        &reset_request("RESET-AC", "remi.laurent@ac-versailles.fr", "referent"),
    );
    refused_cleanly(
        &desk,
        "a reset sent by the référent",
        r#"{"cmd":"dossier.qualify","dossier":"RESET-AC"}"#,
        Rule::R17,
    );
    ok(
        &desk,
        r#"{"cmd":"chorus.account","email":"emma.roux@ac-versailles.fr","civilite":"MME","nom":"Roux","prenom":"Emma"}"#,
    );
    ok(
        &desk,
        r#"{"cmd":"dossier.receive","ref":"RESET-EMMA","kind":"reinitialisation","channel":"utilisateur","user":"emma.roux@ac-versailles.fr","direction":"DDFIP78","requester":{"name":"Emma Roux","email":"emma.roux@ac-versailles.fr"}}"#,
    );
    refused_cleanly(
        &desk,
        "a reset for a Chorus Pro account without PIGP identifier",
        r#"{"cmd":"dossier.qualify","dossier":"RESET-EMMA"}"#,
        Rule::R17,
    );
}

#[test]
fn the_email_never_changes_through_a_reset_nor_while_one_is_open() {
    let (_dir, desk) = with_anne();
    ok(&desk, &reset_request("RESET", ANNE, "utilisateur"));
    ok(&desk, r#"{"cmd":"dossier.qualify","dossier":"RESET"}"#);
    refused_cleanly(
        &desk,
        "an e-mail change through the reset dossier itself",
        &format!(
            r#"{{"cmd":"user.update","dossier":"RESET","email":"{ANNE}","new_email":"anne.lefevre2@ac-versailles.fr"}}"#
        ),
        Rule::R18,
    );
    ok(&desk, &modification("MODIF"));
    ok(&desk, r#"{"cmd":"dossier.qualify","dossier":"MODIF"}"#);
    let message = refused_cleanly(
        &desk,
        "an e-mail change by a modification dossier while the reset is open",
        &format!(
            r#"{{"cmd":"user.update","dossier":"MODIF","email":"{ANNE}","new_email":"anne.lefevre2@ac-versailles.fr"}}"#
        ),
        Rule::R18,
    );
    assert!(message.contains("en cours"), "{message}");
    // Other fields may change meanwhile.
    ok(
        &desk,
        &format!(
            r#"{{"cmd":"user.update","dossier":"MODIF","email":"{ANNE}","fonction":"proviseure adjointe"}}"#
        ),
    );
    // Once the reset is done (the password goes to the registered address), the e-mail may change.
    let reset = ok(&desk, r#"{"cmd":"password.reset","dossier":"RESET"}"#);
    assert_eq!(reset["sent_to"], ANNE);
    assert_eq!(reset["status"], "traitee");
    ok(
        &desk,
        &format!(
            r#"{{"cmd":"user.update","dossier":"MODIF","email":"{ANNE}","new_email":"anne.lefevre2@ac-versailles.fr"}}"#
        ),
    );
    let user = desk.user_view("anne.lefevre-xt").expect("user");
    assert_eq!(user["email"], "anne.lefevre2@ac-versailles.fr");
    assert_eq!(user["fonction"], "proviseure adjointe");
    assert_eq!(user["last_reset_on"], "2026-11-28");
    assert!(
        desk.find_user(ANNE).is_err(),
        "the old address no longer finds her"
    );
}

#[test]
fn a_gp_cannot_leave_before_the_transfer_and_leavers_are_deleted_per_r15() {
    let (_dir, desk) = with_anne();
    refused_cleanly(
        &desk,
        "the GP leaving before transferring the profile",
        &format!(r#"{{"cmd":"user.depart","email":"{ANNE}"}}"#),
        Rule::R14,
    );
    refused_cleanly(
        &desk,
        "deleting a user who has not left",
        &format!(r#"{{"cmd":"aspasie.delete","email":"{ANNE}"}}"#),
        Rule::R15,
    );
    // Farid, habilitated as GS, leaves but keeps another PIGP application: his account stays.
    let farid = "farid.haddad@ac-versailles.fr";
    let dossier = eple_dossier("FARID", "DDFIP78", EPLE_92, farid)
        .replace("\"Lefèvre\"", "\"Haddad\"")
        .replace("\"Anne\"", "\"Farid\"")
        .replace("\"role\":\"gp\"", "\"role\":\"gs\"");
    habilitate(&desk, &dossier, "FARID", &[farid]);
    let departed = ok(
        &desk,
        &format!(r#"{{"cmd":"user.depart","email":"{farid}","keeps_pigp_apps":true}}"#),
    );
    assert_eq!(departed["deletable"], false);
    assert!(
        !departed["warnings"]
            .as_array()
            .expect("warnings")
            .is_empty(),
        "still attached: R16 warning"
    );
    refused_cleanly(
        &desk,
        "deleting a leaver who keeps another PIGP application without a new identifier",
        &format!(r#"{{"cmd":"aspasie.delete","email":"{farid}"}}"#),
        Rule::R15,
    );
    // The accès résiduel is reported: he left, he is still attached and holds rights.
    let residual = desk.residual_access().expect("report");
    assert_eq!(residual.len(), 1);
    assert_eq!(residual[0]["email"], farid);
    assert_eq!(residual[0]["rights"][0], EPLE_92);
}

#[test]
fn deletion_revokes_the_rights_in_the_same_transaction_and_warns_of_the_rattachement() {
    let (_dir, desk) = with_anne();
    let farid = "farid.haddad@ac-versailles.fr";
    let dossier = eple_dossier("FARID", "DDFIP78", EPLE_92, farid)
        .replace("\"Lefèvre\"", "\"Haddad\"")
        .replace("\"Anne\"", "\"Farid\"")
        .replace("\"role\":\"gp\"", "\"role\":\"gs\"");
    habilitate(&desk, &dossier, "FARID", &[farid]);
    ok(
        &desk,
        &format!(
            r#"{{"cmd":"user.depart","email":"{farid}","keeps_pigp_apps":true,"new_pigp_elsewhere":true}}"#
        ),
    );
    let deleted = ok(
        &desk,
        &format!(r#"{{"cmd":"aspasie.delete","email":"{farid}"}}"#),
    );
    assert_eq!(deleted["revoked"][0], EPLE_92);
    assert_eq!(deleted["status"], "supprime");
    assert!(
        deleted["warnings"][0]
            .as_str()
            .expect("warning")
            .starts_with("R16")
    );
    let user = desk.user_view(farid).expect("user");
    assert!(user["rights"].as_array().expect("rights").is_empty());
    // Still attached in Chorus Pro: reported until a gestionnaire removes him.
    assert_eq!(desk.residual_access().expect("report").len(), 1);
    ok(
        &desk,
        &format!(
            r#"{{"cmd":"attachment.remove","by":"{ANNE}","user":"{farid}","siret":"{EPLE_92}"}}"#
        ),
    );
    assert!(desk.residual_access().expect("report").is_empty());
}

#[test]
fn the_orphans_report_lists_structures_without_gp_and_with_an_interim() {
    let (_dir, desk) = with_anne();
    let orphans = desk.orphans().expect("report");
    assert!(
        orphans.iter().all(|o| o["siret"] != EPLE_92),
        "the lycée has its GP"
    );
    assert!(
        orphans
            .iter()
            .any(|o| o["siret"] == EPLE_78 && o["situation"] == "sans_gp")
    );
    let farid = "farid.haddad@ac-versailles.fr";
    let dossier = eple_dossier("FARID", "DDFIP78", EPLE_92, farid)
        .replace("\"Lefèvre\"", "\"Haddad\"")
        .replace("\"Anne\"", "\"Farid\"")
        .replace("\"role\":\"gp\"", "\"role\":\"gs\"");
    habilitate(&desk, &dossier, "FARID", &[farid]);
    ok(
        &desk,
        &format!(
            r#"{{"cmd":"manager.transfer_gp","by":"{ANNE}","to":"{farid}","siret":"{EPLE_92}","interim":true}}"#
        ),
    );
    let orphans = desk.orphans().expect("report");
    let lycee = orphans
        .iter()
        .find(|o| o["siret"] == EPLE_92)
        .expect("listed");
    assert_eq!(lycee["situation"], "gp_interim");
    assert_eq!(lycee["gp"]["email"], farid);
}

#[test]
fn a_structure_keeps_its_gp_until_it_is_closed() {
    let (_dir, desk) = with_anne();
    refused_cleanly(
        &desk,
        "the GP of an open structure leaving",
        &format!(r#"{{"cmd":"user.depart","email":"{ANNE}"}}"#),
        Rule::R14,
    );
    ok(
        &desk,
        &format!(r#"{{"cmd":"structure.update","siret":"{EPLE_92}","active":false}}"#),
    );
    ok(
        &desk,
        &format!(
            r#"{{"cmd":"attachment.remove","by":"{ANNE}","user":"{ANNE}","siret":"{EPLE_92}"}}"#
        ),
    );
    ok(
        &desk,
        &format!(r#"{{"cmd":"user.depart","email":"{ANNE}"}}"#),
    );
}
