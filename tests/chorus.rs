//! The Chorus Pro side acted "en tant que" a user: a move between two EPLE of one académie (§2.1) and a GP who
//! hands over to an interim before leaving (§2.2). Each refusal names R9, R11 or R14 and changes only the journal;
//! each done action is journaled with the operator and the user acted as.

mod common;

use common::*;
use guichet::domain::Rule;
use guichet::store::journal::Entry;
use guichet::store::{T, codec, keys};

const ANNE: &str = "anne.lefevre@ac-versailles.fr";
const HUGO: &str = "hugo.blanc@ac-versailles.fr";
const EMMA: &str = "emma.roux@ac-versailles.fr";

/// Anne is GP of the Lycée Jean Moulin (92), Hugo GP of the Collège des Sablons (78), both of Versailles.
fn two_eple() -> (tempfile::TempDir, guichet::desk::Desk) {
    let (dir, desk) = desk();
    run_all(&desk, WORLD);
    habilitate(
        &desk,
        &eple_dossier("LYCEE", "DDFIP78", EPLE_92, ANNE),
        "LYCEE",
        &[ANNE],
    );
    let college = eple_dossier("COLLEGE", "DDFIP78", EPLE_78, HUGO)
        .replace("\"Lefèvre\"", "\"Blanc\"")
        .replace("\"Anne\"", "\"Hugo\"");
    habilitate(&desk, &college, "COLLEGE", &[HUGO]);
    (dir, desk)
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

/// The command must be refused by `rule`, leaving every tree but the journal as it was.
fn refused_cleanly(desk: &guichet::desk::Desk, situation: &str, line: &str, rule: Rule) {
    let before = desk.store().dump_state().expect("dump");
    let r = refused(desk, line);
    assert_eq!(r.rule, rule, "{situation}: {}", r.message);
    assert_eq!(
        before,
        desk.store().dump_state().expect("dump"),
        "{situation}: a tree changed"
    );
}

fn attachment(desk: &guichet::desk::Desk, email: &str, siret: &str) -> Option<(String, String)> {
    let view = desk.user_view(email).expect("user");
    view["attachments"]
        .as_array()
        .expect("attachments")
        .iter()
        .find(|a| a["siret"] == siret)
        .map(|a| {
            (
                a["role"].as_str().unwrap_or("").to_string(),
                a["status"].as_str().unwrap_or("").to_string(),
            )
        })
}

#[test]
fn a_simple_user_moves_between_two_eple_of_one_academie() {
    let (_dir, desk) = two_eple();
    ok(
        &desk,
        &format!(
            r#"{{"cmd":"chorus.account","email":"{EMMA}","civilite":"MME","nom":"Roux","prenom":"Emma"}}"#
        ),
    );
    ok(
        &desk,
        &format!(r#"{{"cmd":"attachment.request","by":"{EMMA}","siret":"{EPLE_92}"}}"#),
    );
    ok(
        &desk,
        &format!(
            r#"{{"cmd":"attachment.validate","by":"{ANNE}","user":"{EMMA}","siret":"{EPLE_92}"}}"#
        ),
    );
    assert_eq!(
        attachment(&desk, EMMA, EPLE_92),
        Some(("user".into(), "actif".into()))
    );

    // At arrival she asks; only the arrival's GP validates; a second request is refused.
    ok(
        &desk,
        &format!(r#"{{"cmd":"attachment.request","by":"{EMMA}","siret":"{EPLE_78}"}}"#),
    );
    refused_cleanly(
        &desk,
        "a second request to the same structure",
        &format!(r#"{{"cmd":"attachment.request","by":"{EMMA}","siret":"{EPLE_78}"}}"#),
        Rule::R11,
    );
    refused_cleanly(
        &desk,
        "the departure's GP validating for the arrival",
        &format!(
            r#"{{"cmd":"attachment.validate","by":"{ANNE}","user":"{EMMA}","siret":"{EPLE_78}"}}"#
        ),
        Rule::R11,
    );
    ok(
        &desk,
        &format!(
            r#"{{"cmd":"attachment.validate","by":"{HUGO}","user":"{EMMA}","siret":"{EPLE_78}"}}"#
        ),
    );
    let entry = last_entry(&desk);
    assert_eq!(
        entry.draft.on_behalf_of.as_deref(),
        Some(HUGO),
        "journaled as acted by the arrival's GP"
    );
    assert_eq!(entry.draft.operator, "admin.test");
    refused_cleanly(
        &desk,
        "validating a request that is no longer pending",
        &format!(
            r#"{{"cmd":"attachment.validate","by":"{HUGO}","user":"{EMMA}","siret":"{EPLE_78}"}}"#
        ),
        Rule::R11,
    );

    // Then she removes her rattachement at departure; the other GP could not have.
    refused_cleanly(
        &desk,
        "a GP of another structure removing her",
        &format!(
            r#"{{"cmd":"attachment.remove","by":"{HUGO}","user":"{EMMA}","siret":"{EPLE_92}"}}"#
        ),
        Rule::R11,
    );
    ok(
        &desk,
        &format!(
            r#"{{"cmd":"attachment.remove","by":"{EMMA}","user":"{EMMA}","siret":"{EPLE_92}"}}"#
        ),
    );
    assert_eq!(
        attachment(&desk, EMMA, EPLE_92),
        Some(("user".into(), "supprime".into()))
    );
    assert_eq!(
        attachment(&desk, EMMA, EPLE_78),
        Some(("user".into(), "actif".into()))
    );
}

#[test]
fn a_gp_hands_over_to_an_interim_before_leaving() {
    let (_dir, desk) = two_eple();
    refused_cleanly(
        &desk,
        "the GP removing his own rattachement before the transfer",
        &format!(
            r#"{{"cmd":"attachment.remove","by":"{ANNE}","user":"{ANNE}","siret":"{EPLE_92}"}}"#
        ),
        Rule::R14,
    );
    // Emma has only a self-service account: no PIGP identifier, she cannot be GS or GP (R9).
    ok(
        &desk,
        &format!(
            r#"{{"cmd":"chorus.account","email":"{EMMA}","civilite":"MME","nom":"Roux","prenom":"Emma"}}"#
        ),
    );
    ok(
        &desk,
        &format!(r#"{{"cmd":"attachment.request","by":"{EMMA}","siret":"{EPLE_92}"}}"#),
    );
    ok(
        &desk,
        &format!(
            r#"{{"cmd":"attachment.validate","by":"{ANNE}","user":"{EMMA}","siret":"{EPLE_92}"}}"#
        ),
    );
    refused_cleanly(
        &desk,
        "a GS without PIGP identifier",
        &format!(
            r#"{{"cmd":"manager.designate_gs","by":"{ANNE}","user":"{EMMA}","siret":"{EPLE_92}"}}"#
        ),
        Rule::R9,
    );
    refused_cleanly(
        &desk,
        "a GP successor without PIGP identifier",
        &format!(
            r#"{{"cmd":"manager.transfer_gp","by":"{ANNE}","to":"{EMMA}","siret":"{EPLE_92}","interim":true}}"#
        ),
        Rule::R9,
    );
    refused_cleanly(
        &desk,
        "a transfer by someone who is not the GP",
        &format!(
            r#"{{"cmd":"manager.transfer_gp","by":"{EMMA}","to":"{ANNE}","siret":"{EPLE_92}"}}"#
        ),
        Rule::R14,
    );
    // Hugo (PIGP holder) is attached, designated GS, then receives the GP profile as interim.
    ok(
        &desk,
        &format!(r#"{{"cmd":"attachment.request","by":"{HUGO}","siret":"{EPLE_92}"}}"#),
    );
    ok(
        &desk,
        &format!(
            r#"{{"cmd":"attachment.validate","by":"{ANNE}","user":"{HUGO}","siret":"{EPLE_92}"}}"#
        ),
    );
    ok(
        &desk,
        &format!(
            r#"{{"cmd":"manager.designate_gs","by":"{ANNE}","user":"{HUGO}","siret":"{EPLE_92}"}}"#
        ),
    );
    let result = ok(
        &desk,
        &format!(
            r#"{{"cmd":"manager.transfer_gp","by":"{ANNE}","to":"{HUGO}","siret":"{EPLE_92}","interim":true}}"#
        ),
    );
    assert_eq!(result["gp_interim"], true);
    let structure = desk.structure_view(EPLE_92).expect("structure");
    assert_eq!(structure["gp"]["email"], HUGO);
    assert_eq!(structure["gp_interim"], true);
    // Now Anne may leave the structure.
    ok(
        &desk,
        &format!(
            r#"{{"cmd":"attachment.remove","by":"{ANNE}","user":"{ANNE}","siret":"{EPLE_92}"}}"#
        ),
    );
    assert_eq!(
        desk.structure_view(EPLE_92).expect("structure")["gp"]["email"],
        HUGO
    );
}
