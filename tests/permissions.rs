//! Issue 6, point 2: roles are enforced on every command. A lecteur reads only; a correspondant acts on the dossiers
//! of his direction and on the structures his direction is competent for by R1 (department, seat of a structure
//! with a comptable public, seat of the académie for an EPLE); an administrator on everything. Each refusal is a
//! `permission` that names the operator, changes no tree, and is journaled once under that operator.

mod common;

use common::*;
use guichet::desk::{Actor, Command, Desk, DeskError};
use guichet::domain::{Refusal, Rule};
use guichet::store::journal::{Entry, Outcome};
use guichet::store::{T, codec, keys};
use serde_json::Value;

/// A correspondant of the Hauts-de-Seine, one of the Rhône, one of the Yvelines (seat of the Versailles
/// académie), a lecteur of the Rhône; the test administrator is `admin.test`.
const HUGO_92: &str = "hugo.h";
const CLAIRE_69: &str = "claire.r";
const CAMILLE_78: &str = "camille.c";
const LEA_LECTEUR: &str = "lea.l";
const ADMIN: &str = "admin.test";

const THOMAS_GP: &str = "thomas.nguyen@inas-lyon.fr";
const SOPHIE_GS: &str = "sophie.bernard@inas-lyon.fr";
const JULIE_SIMPLE: &str = "julie.martin@inas-lyon.fr";

const OPERATORS: &str = r#"
{"cmd":"operator.add","login":"hugo.h","name":"Hugo Hamel","direction":"DDFIP92","role":"correspondant"}
{"cmd":"operator.add","login":"claire.r","name":"Claire Rey","direction":"DRFIP69","role":"correspondant"}
{"cmd":"operator.add","login":"camille.c","name":"Camille Chevalier","direction":"DDFIP78","role":"correspondant"}
{"cmd":"operator.add","login":"lea.l","name":"Léa Lemoine","direction":"DRFIP69","role":"lecteur"}
"#;

fn epn_69_dossier(reference: &str, persons: &str) -> String {
    format!(
        r#"{{"cmd":"dossier.receive","ref":"{reference}","kind":"habilitation","channel":"agent_comptable","siret":"{EPN_69}","direction":"DRFIP69","requester":{{"name":"Bernard Roche","email":"bernard.roche@inas-lyon.fr"}},"persons":[{persons}]}}"#
    )
}

/// The WORLD with its operators; at the Lyon institute (EPN_69), Thomas is GP and Sophie GS (habilitated by the
/// DRFiP du Rhône), Julie a simple user whose rattachement is pending; the dossier OUVERT of the Rhône is open.
fn lyon() -> (tempfile::TempDir, Desk) {
    let (dir, desk) = desk();
    run_all(&desk, WORLD);
    run_all(&desk, OPERATORS);
    let persons = format!(
        r#"{{"civilite":"M","nom":"Nguyen","prenom":"Thomas","email":"{THOMAS_GP}","role":"gp"}},{{"civilite":"MME","nom":"Bernard","prenom":"Sophie","email":"{SOPHIE_GS}","role":"gs"}}"#
    );
    habilitate(
        &desk,
        &epn_69_dossier("HAB69", &persons),
        "HAB69",
        &[THOMAS_GP, SOPHIE_GS],
    );
    ok(
        &desk,
        &epn_69_dossier(
            "OUVERT",
            r#"{"civilite":"M","nom":"Petit","prenom":"Marc","email":"marc.petit@inas-lyon.fr","role":"gs"}"#,
        ),
    );
    ok(
        &desk,
        &format!(
            r#"{{"cmd":"chorus.account","email":"{JULIE_SIMPLE}","civilite":"MME","nom":"Martin","prenom":"Julie"}}"#
        ),
    );
    ok(
        &desk,
        &format!(r#"{{"cmd":"attachment.request","by":"{JULIE_SIMPLE}","siret":"{EPN_69}"}}"#),
    );
    (dir, desk)
}

fn run_as(desk: &Desk, login: &str, line: &str) -> Result<Value, Refusal> {
    match desk.execute_line(&Actor::new(login), line) {
        Ok(receipt) => Ok(receipt.result),
        Err(DeskError::Refused(r)) => Err(r),
        Err(e) => panic!("store error: {e}"),
    }
}

fn last_entry(desk: &Desk) -> Entry {
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

/// `login` runs `line` and is refused for `permission`, with a message naming him and each of `names`; no tree
/// changes and the journal gains one entry, the refusal, under his name.
fn refused_permission(desk: &Desk, situation: &str, login: &str, line: &str, names: &[&str]) {
    let store = desk.store();
    let before = store.dump_state().expect("dump");
    let (head_before, _) = store.journal_head().expect("head");
    let refusal = match run_as(desk, login, line) {
        Ok(result) => panic!("{situation}: {login} was allowed: {line}\n→ {result}"),
        Err(r) => r,
    };
    assert_eq!(
        refusal.rule,
        Rule::Permission,
        "{situation}: {}",
        refusal.message
    );
    for name in std::iter::once(&login).chain(names) {
        assert!(
            refusal.message.contains(name),
            "{situation}: the message names {name}: {}",
            refusal.message
        );
    }
    assert_eq!(
        before,
        store.dump_state().expect("dump"),
        "{situation}: a refusal changed a tree"
    );
    let (head_after, _) = store.journal_head().expect("head");
    assert_eq!(
        head_after,
        head_before + 1,
        "{situation}: one journal entry"
    );
    let entry = last_entry(desk);
    assert_eq!(
        entry.draft.operator, login,
        "{situation}: journaled operator"
    );
    match entry.draft.outcome {
        Outcome::Refused { rule, message, .. } => {
            assert_eq!(rule, "permission", "{situation}");
            assert_eq!(message, refusal.message, "{situation}");
        }
        other => panic!("{situation}: journaled as {other:?}"),
    }
}

fn accepted(desk: &Desk, situation: &str, login: &str, line: &str) {
    if let Err(r) = run_as(desk, login, line) {
        panic!("{situation}: {login} was refused: {line}\n→ {r}");
    }
    let entry = last_entry(desk);
    assert_eq!(
        entry.draft.operator, login,
        "{situation}: journaled operator"
    );
    assert!(
        matches!(entry.draft.outcome, Outcome::Done { .. }),
        "{situation}"
    );
}

/// A situation: commands run first by the administrator, the command under test, who is refused (with what the
/// message names besides the operator) and who is allowed, each on a fresh world.
struct Case {
    situation: &'static str,
    setup: Vec<String>,
    command: String,
    refused: Vec<(&'static str, Vec<&'static str>)>,
    allowed: Vec<&'static str>,
}

fn check(cases: Vec<Case>) {
    for case in cases {
        for (login, names) in &case.refused {
            let (_dir, desk) = lyon();
            for line in &case.setup {
                ok(&desk, line);
            }
            refused_permission(&desk, case.situation, login, &case.command, names);
        }
        for login in &case.allowed {
            let (_dir, desk) = lyon();
            for line in &case.setup {
                ok(&desk, line);
            }
            accepted(&desk, case.situation, login, &case.command);
        }
    }
}

#[test]
fn a_lecteur_writes_nothing() {
    let commands = [
        epn_69_dossier(
            "LECTEUR",
            r#"{"civilite":"M","nom":"Petit","prenom":"Marc","email":"marc.petit@inas-lyon.fr","role":"gs"}"#,
        ),
        r#"{"cmd":"dossier.note","dossier":"OUVERT","text":"relance"}"#.to_string(),
        format!(r#"{{"cmd":"structure.update","siret":"{EPN_69}","name":"INAS"}}"#),
        r#"{"cmd":"structure.add","siret":"18945612300018","name":"Musée lyonnais","category":"EPN","postal_code":"69001","city":"Lyon"}"#.to_string(),
        r#"{"cmd":"referent.add","academie":"Lyon","name":"Rose Lenoir","email":"rose.lenoir@ac-lyon.fr"}"#.to_string(),
        format!(
            r#"{{"cmd":"attachment.validate","by":"{THOMAS_GP}","user":"{JULIE_SIMPLE}","siret":"{EPN_69}"}}"#
        ),
        format!(r#"{{"cmd":"madrhas.revoke","email":"{SOPHIE_GS}","siret":"{EPN_69}"}}"#),
        format!(r#"{{"cmd":"user.depart","email":"{SOPHIE_GS}"}}"#),
        r#"{"cmd":"chorus.account","email":"paul.durand@inas-lyon.fr","civilite":"M","nom":"Durand","prenom":"Paul"}"#.to_string(),
    ];
    let (_dir, desk) = lyon();
    for command in &commands {
        refused_permission(
            &desk,
            "a lecteur of the Rhône on the Rhône's own records",
            LEA_LECTEUR,
            command,
            &["lecteur"],
        );
    }
}

#[test]
fn a_correspondant_of_ddfip92_cannot_act_on_the_rhone() {
    let competent = vec![CLAIRE_69, ADMIN];
    let refused = |names: Vec<&'static str>| vec![(HUGO_92, names)];
    check(vec![
        Case {
            situation: "a note on a dossier received by the DRFiP du Rhône",
            setup: vec![],
            command: r#"{"cmd":"dossier.note","dossier":"OUVERT","text":"relance"}"#.to_string(),
            refused: refused(vec!["DRFIP69", "DDFIP92"]),
            allowed: competent.clone(),
        },
        Case {
            situation: "the update of a structure of the Rhône",
            setup: vec![],
            command: format!(r#"{{"cmd":"structure.update","siret":"{EPN_69}","name":"INAS Lyon"}}"#),
            refused: refused(vec!["DRFIP69", "DDFIP92", "Institut national des arts du spectacle"]),
            allowed: competent.clone(),
        },
        Case {
            situation: "the registration of a structure of the Rhône",
            setup: vec![],
            command: r#"{"cmd":"structure.add","siret":"18945612300018","name":"Musée lyonnais","category":"EPN","postal_code":"69001","city":"Lyon"}"#.to_string(),
            refused: refused(vec!["DRFIP69", "DDFIP92"]),
            allowed: competent.clone(),
        },
        Case {
            situation: "the validation of a rattachement to a structure of the Rhône, as its GP",
            setup: vec![],
            command: format!(
                r#"{{"cmd":"attachment.validate","by":"{THOMAS_GP}","user":"{JULIE_SIMPLE}","siret":"{EPN_69}"}}"#
            ),
            refused: refused(vec!["DRFIP69", "DDFIP92"]),
            allowed: competent.clone(),
        },
        Case {
            situation: "the refusal of a rattachement to a structure of the Rhône, as its GP",
            setup: vec![],
            command: format!(
                r#"{{"cmd":"attachment.refuse","by":"{THOMAS_GP}","user":"{JULIE_SIMPLE}","siret":"{EPN_69}","reason":"inconnue"}}"#
            ),
            refused: refused(vec!["DRFIP69"]),
            allowed: competent.clone(),
        },
        Case {
            situation: "a rattachement request to a structure of the Rhône",
            setup: vec![
                r#"{"cmd":"chorus.account","email":"paul.durand@inas-lyon.fr","civilite":"M","nom":"Durand","prenom":"Paul"}"#.to_string(),
            ],
            command: format!(
                r#"{{"cmd":"attachment.request","by":"paul.durand@inas-lyon.fr","siret":"{EPN_69}"}}"#
            ),
            refused: refused(vec!["DRFIP69"]),
            allowed: competent.clone(),
        },
        Case {
            situation: "the removal of a gestionnaire secondaire's rattachement by the GP",
            setup: vec![],
            command: format!(
                r#"{{"cmd":"attachment.remove","by":"{THOMAS_GP}","user":"{SOPHIE_GS}","siret":"{EPN_69}"}}"#
            ),
            refused: refused(vec!["DRFIP69"]),
            allowed: competent.clone(),
        },
        Case {
            situation: "the revocation of a gestionnaire secondaire by the GP",
            setup: vec![],
            command: format!(
                r#"{{"cmd":"manager.revoke_gs","by":"{THOMAS_GP}","user":"{SOPHIE_GS}","siret":"{EPN_69}"}}"#
            ),
            refused: refused(vec!["DRFIP69"]),
            allowed: competent.clone(),
        },
        Case {
            situation: "the transfer of the GP profile of a structure of the Rhône",
            setup: vec![],
            command: format!(
                r#"{{"cmd":"manager.transfer_gp","by":"{THOMAS_GP}","to":"{SOPHIE_GS}","siret":"{EPN_69}"}}"#
            ),
            refused: refused(vec!["DRFIP69"]),
            allowed: competent.clone(),
        },
        Case {
            situation: "the revocation of a MADRHAS right on a structure of the Rhône",
            setup: vec![],
            command: format!(r#"{{"cmd":"madrhas.revoke","email":"{SOPHIE_GS}","siret":"{EPN_69}"}}"#),
            refused: refused(vec!["DRFIP69", "DDFIP92"]),
            allowed: competent.clone(),
        },
        Case {
            situation: "the departure, without dossier, of a gestionnaire of the Rhône",
            setup: vec![],
            command: format!(r#"{{"cmd":"user.depart","email":"{SOPHIE_GS}"}}"#),
            refused: refused(vec!["DRFIP69", "DDFIP92", SOPHIE_GS]),
            allowed: competent.clone(),
        },
        Case {
            situation: "the deletion from ASPASIE, without dossier, of a leaver of the Rhône",
            setup: vec![format!(r#"{{"cmd":"user.depart","email":"{SOPHIE_GS}"}}"#)],
            command: format!(r#"{{"cmd":"aspasie.delete","email":"{SOPHIE_GS}"}}"#),
            refused: refused(vec!["DRFIP69", "DDFIP92"]),
            allowed: competent.clone(),
        },
    ]);
}

#[test]
fn a_lycee_of_nanterre_is_handled_by_the_seat_of_the_versailles_academie_not_by_ddfip92() {
    check(vec![
        Case {
            situation: "the update of an EPLE located in the Hauts-de-Seine (R1: the académie's seat, Yvelines)",
            setup: vec![],
            command: format!(r#"{{"cmd":"structure.update","siret":"{EPLE_92}","name":"Lycée Jean Moulin de Nanterre"}}"#),
            refused: vec![(HUGO_92, vec!["DDFIP78", "DDFIP92"]), (CLAIRE_69, vec!["DDFIP78"])],
            allowed: vec![CAMILLE_78, ADMIN],
        },
        Case {
            situation: "the registration of a CMA of the Hauts-de-Seine, without comptable public: its department only",
            setup: vec![],
            command: r#"{"cmd":"structure.add","siret":"18945612300018","name":"CMA des Hauts-de-Seine","category":"CMA","postal_code":"92000","city":"Nanterre"}"#.to_string(),
            refused: vec![(CAMILLE_78, vec!["DDFIP92", "DDFIP78"])],
            allowed: vec![HUGO_92, ADMIN],
        },
    ]);
}

#[test]
fn an_establishment_with_a_comptable_public_is_handled_at_its_seat_too() {
    check(vec![
        Case {
            situation: "the update of the Bordeaux observatory, whose seat is in Lyon (no direction covers Gironde)",
            setup: vec![],
            command: format!(r#"{{"cmd":"structure.update","siret":"{EPN_33}","city":"Bordeaux Cedex"}}"#),
            refused: vec![(HUGO_92, vec!["DRFIP69", "DDFIP92"])],
            allowed: vec![CLAIRE_69, ADMIN],
        },
        Case {
            situation: "the registration of an EPN located in the Hauts-de-Seine with its seat in Lyon",
            setup: vec![],
            command: r#"{"cmd":"structure.add","siret":"18945612300018","name":"Antenne de l'INAS","category":"EPN","postal_code":"92000","city":"Nanterre","siege_departement":"69"}"#.to_string(),
            refused: vec![(CAMILLE_78, vec!["DDFIP92 ou DRFIP69"])],
            allowed: vec![HUGO_92, CLAIRE_69, ADMIN],
        },
    ]);
}

#[test]
fn only_the_direction_of_the_academies_seat_registers_its_referents() {
    check(vec![Case {
        situation: "a second référent of the Versailles académie, whose seat is in the Yvelines",
        setup: vec![],
        command: r#"{"cmd":"referent.add","academie":"Versailles","name":"Inès Morel","email":"ines.morel@ac-versailles.fr"}"#.to_string(),
        refused: vec![
            (HUGO_92, vec!["Versailles", "DDFIP78", "DDFIP92"]),
            (CLAIRE_69, vec!["DDFIP78", "DRFIP69"]),
        ],
        allowed: vec![CAMILLE_78, ADMIN],
    }]);
}

#[test]
fn a_user_without_rights_any_more_answers_to_the_directions_of_his_former_structures() {
    // Sophie's right is revoked and her rattachement removed: she holds nothing, but she was of the Rhône.
    let setup = vec![
        format!(r#"{{"cmd":"madrhas.revoke","email":"{SOPHIE_GS}","siret":"{EPN_69}"}}"#),
        format!(
            r#"{{"cmd":"attachment.remove","by":"{THOMAS_GP}","user":"{SOPHIE_GS}","siret":"{EPN_69}"}}"#
        ),
    ];
    check(vec![Case {
        situation: "the departure of a former gestionnaire of the Rhône",
        setup,
        command: format!(r#"{{"cmd":"user.depart","email":"{SOPHIE_GS}"}}"#),
        refused: vec![(HUGO_92, vec!["DRFIP69", "DDFIP92"])],
        allowed: vec![CLAIRE_69, ADMIN],
    }]);
}

#[test]
fn an_account_tied_to_no_structure_is_left_to_an_administrator() {
    check(vec![Case {
        situation: "the departure of a self-service account never attached",
        setup: vec![
            r#"{"cmd":"chorus.account","email":"paul.durand@inas-lyon.fr","civilite":"M","nom":"Durand","prenom":"Paul"}"#.to_string(),
        ],
        command: r#"{"cmd":"user.depart","email":"paul.durand@inas-lyon.fr"}"#.to_string(),
        refused: vec![
            (CLAIRE_69, vec!["aucune structure", "DRFIP69"]),
            (HUGO_92, vec!["aucune structure"]),
        ],
        allowed: vec![ADMIN],
    }]);
}

#[test]
fn a_self_service_account_is_opened_by_any_correspondant() {
    // It belongs to no structure yet: no direction is more competent than another.
    check(vec![Case {
        situation: "a Chorus Pro account created by the user himself",
        setup: vec![],
        command: r#"{"cmd":"chorus.account","email":"paul.durand@inas-lyon.fr","civilite":"M","nom":"Durand","prenom":"Paul"}"#.to_string(),
        refused: vec![(LEA_LECTEUR, vec!["lecteur"])],
        allowed: vec![HUGO_92, CLAIRE_69, ADMIN],
    }]);
}

#[test]
fn a_dossier_of_the_rhone_is_not_opened_by_ddfip92_for_the_rhone() {
    let (_dir, desk) = lyon();
    refused_permission(
        &desk,
        "a correspondant of the Hauts-de-Seine receiving a dossier in the name of the Rhône",
        HUGO_92,
        &epn_69_dossier(
            "INTRUS",
            r#"{"civilite":"M","nom":"Petit","prenom":"Marc","email":"marc.petit@inas-lyon.fr","role":"gs"}"#,
        ),
        &["DRFIP69", "DDFIP92"],
    );
    accepted(
        &desk,
        "the Rhône's own correspondant",
        CLAIRE_69,
        &epn_69_dossier(
            "PROPRE",
            r#"{"civilite":"M","nom":"Petit","prenom":"Marc","email":"marc.petit@inas-lyon.fr","role":"gs"}"#,
        ),
    );
}

#[test]
fn an_administrator_acting_as_a_correspondant_has_his_scope_and_is_journaled_as_him() {
    let (_dir, desk) = lyon();
    let line = format!(r#"{{"cmd":"structure.update","siret":"{EPN_69}","name":"INAS Lyon"}}"#);
    let before = desk.store().dump_state().expect("dump");
    let as_hugo = Actor::acting_as(ADMIN, Some(HUGO_92.to_string()));
    match desk.execute_line(&as_hugo, &line) {
        Err(DeskError::Refused(r)) => {
            assert_eq!(r.rule, Rule::Permission);
            assert!(r.message.contains(HUGO_92), "{}", r.message);
        }
        other => panic!("--as hugo.h on the Rhône: {other:?}"),
    }
    assert_eq!(before, desk.store().dump_state().expect("dump"));
    let entry = last_entry(&desk);
    assert_eq!(entry.draft.operator, HUGO_92);
    assert_eq!(entry.draft.via.as_deref(), Some(ADMIN));
}

#[test]
fn the_preview_refuses_as_the_desk_does_and_journals_nothing() {
    let (_dir, desk) = lyon();
    let command = Command::parse_line(&format!(
        r#"{{"cmd":"attachment.validate","by":"{THOMAS_GP}","user":"{JULIE_SIMPLE}","siret":"{EPN_69}"}}"#
    ))
    .expect("command");
    let head = desk.store().journal_head().expect("head").0;
    match desk.preview(&Actor::new(HUGO_92), &command) {
        Err(DeskError::Refused(r)) => assert_eq!(r.rule, Rule::Permission, "{}", r.message),
        other => panic!("preview for hugo.h: {other:?}"),
    }
    assert!(desk.preview(&Actor::new(CLAIRE_69), &command).is_ok());
    assert_eq!(desk.store().journal_head().expect("head").0, head);
}
