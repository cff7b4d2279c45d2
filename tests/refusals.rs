//! Each rule of the note refuses its situation with its code, and a refusal leaves every tree exactly as it was
//! except the journal, which gains one entry recording the refusal.

mod common;

use common::*;
use guichet::domain::Rule;
use guichet::store::journal::Outcome;
use guichet::store::{T, codec, keys};

struct Case {
    situation: &'static str,
    /// Commands that must succeed first.
    setup: Vec<String>,
    /// The command refused.
    command: String,
    rule: Rule,
    field: Option<&'static str>,
}

fn qualify(reference: &str) -> String {
    format!(r#"{{"cmd":"dossier.qualify","dossier":"{reference}"}}"#)
}

fn epn_dossier(reference: &str, siret: &str, direction: &str, requester: &str) -> String {
    format!(
        r#"{{"cmd":"dossier.receive","ref":"{reference}","kind":"habilitation","channel":"agent_comptable","siret":"{siret}","direction":"{direction}","requester":{{"name":"Demandeur","email":"{requester}"}},"persons":[{{"civilite":"M","nom":"Nguyen","prenom":"Thomas","email":"thomas.nguyen@inas-lyon.fr","role":"gp"}}]}}"#
    )
}

fn cases() -> Vec<Case> {
    vec![
        Case {
            situation: "an EPLE of Hauts-de-Seine qualified by the DDFiP 92 instead of the seat of the Versailles académie",
            setup: vec![eple_dossier("R1", "DDFIP92", EPLE_92, "anne.lefevre@ac-versailles.fr")],
            command: qualify("R1"),
            rule: Rule::R1,
            field: Some("direction"),
        },
        Case {
            situation: "an EPLE's request sent by an agent comptable instead of the référent",
            setup: vec![],
            command: eple_dossier("R2", "DDFIP78", EPLE_92, "anne.lefevre@ac-versailles.fr")
                .replace("\"referent\"", "\"agent_comptable\""),
            rule: Rule::R2,
            field: Some("channel"),
        },
        Case {
            situation: "an EPN's request sent by someone who is not its agent comptable",
            setup: vec![epn_dossier("R3", EPN_69, "DRFIP69", "intrus@inas-lyon.fr")],
            command: qualify("R3"),
            rule: Rule::R3,
            field: Some("requester.email"),
        },
        Case {
            situation: "creation in ASPASIE before the contrat de service and the list of users arrived",
            setup: vec![
                epn_dossier("R4", EPN_69, "DRFIP69", "bernard.roche@inas-lyon.fr"),
                qualify("R4"),
                r#"{"cmd":"dossier.document","dossier":"R4","document":"contrat_service"}"#.to_string(),
            ],
            command: r#"{"cmd":"aspasie.create","dossier":"R4","email":"thomas.nguyen@inas-lyon.fr"}"#.to_string(),
            rule: Rule::R4,
            field: Some("documents"),
        },
        Case {
            situation: "a generic address (the lycée's intendance box) for a gestionnaire",
            setup: vec![],
            command: eple_dossier("R5", "DDFIP78", EPLE_92, "intendance.0920131t@ac-versailles.fr"),
            rule: Rule::R5,
            field: Some("persons[0].email"),
        },
        Case {
            situation: "a personal webmail address for a gestionnaire",
            setup: vec![],
            command: eple_dossier("R5b", "DDFIP78", EPLE_92, "anne.lefevre@gmail.com"),
            rule: Rule::R5,
            field: Some("persons[0].email"),
        },
        Case {
            situation: "an EPN located in Gironde, handled at its seat in Lyon, while no direction covers Gironde",
            setup: vec![
                r#"{"cmd":"dossier.receive","ref":"R7","kind":"habilitation","channel":"agent_comptable","siret":"20005412300019","direction":"DRFIP69","requester":{"name":"Lise Marin","email":"lise.marin@obs-bordeaux.fr"},"persons":[{"civilite":"MME","nom":"Petit","prenom":"Claire","email":"claire.petit@obs-bordeaux.fr","role":"gp"}]}"#.to_string(),
                qualify("R7"),
                r#"{"cmd":"dossier.document","dossier":"R7","document":"contrat_service"}"#.to_string(),
                r#"{"cmd":"dossier.document","dossier":"R7","document":"liste_utilisateurs"}"#.to_string(),
            ],
            command: r#"{"cmd":"aspasie.create","dossier":"R7","email":"claire.petit@obs-bordeaux.fr"}"#.to_string(),
            rule: Rule::R7,
            field: Some("siret"),
        },
        Case {
            situation: "an agent comptable of Lyon slipping a Paris EPN into a person's SIRETs",
            setup: vec![
                r#"{"cmd":"structure.add","siret":"18945612300018","name":"Musée parisien","category":"EPN","comptable":{"name":"Autre Comptable","email":"autre.comptable@musee-paris.fr"},"postal_code":"75001","city":"Paris"}"#.to_string(),
                epn_dossier("R1b", EPN_69, "DRFIP69", "bernard.roche@inas-lyon.fr").replace(
                    r#""role":"gp""#,
                    r#""role":"gp","sirets":["18001002400024","18945612300018"]"#,
                ),
            ],
            command: qualify("R1b"),
            rule: Rule::R1,
            field: Some("direction"),
        },
        Case {
            situation: "rights opened in MADRHAS for a person not yet created in ASPASIE",
            setup: vec![
                epn_dossier("R8", EPN_69, "DRFIP69", "bernard.roche@inas-lyon.fr"),
                qualify("R8"),
            ],
            command: r#"{"cmd":"madrhas.open","dossier":"R8","email":"thomas.nguyen@inas-lyon.fr"}"#.to_string(),
            rule: Rule::R8,
            field: Some("email"),
        },
        Case {
            situation: "a dossier asking the correspondant to create a simple user",
            setup: vec![],
            command: eple_dossier("R10", "DDFIP78", EPLE_92, "anne.lefevre@ac-versailles.fr")
                .replace("\"role\":\"gp\"", "\"role\":\"user\""),
            rule: Rule::R10,
            field: Some("persons[0].role"),
        },
        Case {
            situation: "a gestionnaire already habilitated in a lycée of Versailles asked again for a collège of the same académie",
            setup: vec![eple_dossier("R12", "DDFIP78", EPLE_78, "anne.lefevre@ac-versailles.fr")],
            command: qualify("R12"),
            rule: Rule::R12,
            field: Some("persons[0].email"),
        },
        Case {
            situation: "a dossier whose gestionnaire's new address is not yet in service",
            setup: vec![eple_dossier("R13", "DDFIP78", EPLE_92, "farid.haddad@ac-versailles.fr")
                .replace("\"role\":\"gp\"", "\"role\":\"gs\",\"email_active\":false")],
            command: qualify("R13"),
            rule: Rule::R13,
            field: Some("persons"),
        },
    ]
}

#[test]
fn each_rule_refuses_its_situation_and_only_the_journal_changes() {
    for case in cases() {
        let (_dir, desk) = desk();
        run_all(&desk, WORLD);
        if case.rule == Rule::R12 {
            // Anne Lefèvre is first habilitated as GP of the Lycée Jean Moulin (Versailles).
            habilitate(
                &desk,
                &eple_dossier(
                    "PREMIER",
                    "DDFIP78",
                    EPLE_92,
                    "anne.lefevre@ac-versailles.fr",
                ),
                "PREMIER",
                &["anne.lefevre@ac-versailles.fr"],
            );
        }
        for line in &case.setup {
            ok(&desk, line);
        }
        let store = desk.store();
        let before = store.dump_state().expect("dump");
        let (head_before, _) = store.journal_head().expect("head");

        let refusal = refused(&desk, &case.command);
        assert_eq!(
            refusal.rule, case.rule,
            "{}: {}",
            case.situation, refusal.message
        );
        assert_eq!(
            refusal.field.as_deref(),
            case.field,
            "{}: field",
            case.situation
        );
        assert!(
            refusal.message.contains("note 2018-08-4031"),
            "{}: the message cites the note: {}",
            case.situation,
            refusal.message
        );

        let after = store.dump_state().expect("dump");
        assert_eq!(
            before, after,
            "{}: a refusal changed a tree",
            case.situation
        );
        let (head_after, _) = store.journal_head().expect("head");
        assert_eq!(
            head_after,
            head_before + 1,
            "{}: one journal entry",
            case.situation
        );
        let entry: guichet::store::journal::Entry = codec::decode(
            &store
                .tree(T::Journal)
                .get(keys::seq(head_after))
                .expect("read")
                .expect("entry"),
        )
        .expect("decode");
        match entry.draft.outcome {
            Outcome::Refused { rule, .. } => {
                assert_eq!(rule, case.rule.code(), "{}", case.situation)
            }
            other => panic!("{}: journaled as {other:?}", case.situation),
        }
    }
}

#[test]
fn input_errors_name_the_field_and_change_nothing_but_the_journal() {
    let table: &[(&str, &str, Rule, Option<&str>)] = &[
        (
            "a SIRET with a wrong check digit",
            r#"{"cmd":"structure.add","siret":"19920131700019","name":"X","category":"EPN","postal_code":"92000","city":"Nanterre"}"#,
            Rule::Validation,
            Some("siret"),
        ),
        (
            "a UAI with a wrong check letter",
            r#"{"cmd":"structure.add","siret":"18945612300018","name":"Lycée","category":"EPLE","uai":"0920131A","postal_code":"92000","city":"Nanterre"}"#,
            Rule::Validation,
            Some("uai"),
        ),
        (
            "a malformed requester e-mail",
            r#"{"cmd":"dossier.receive","ref":"X","kind":"habilitation","channel":"referent","siret":"19920131700013","direction":"DDFIP78","requester":{"name":"R","email":"remi.laurent@@ac"},"persons":[]}"#,
            Rule::Validation,
            Some("requester.email"),
        ),
        (
            "an unknown category",
            r#"{"cmd":"structure.add","siret":"18945612300018","name":"X","category":"MAIRIE","postal_code":"92000","city":"Nanterre"}"#,
            Rule::Validation,
            Some("category"),
        ),
        (
            "an unknown kind of dossier",
            r#"{"cmd":"dossier.receive","ref":"X","kind":"mutation","channel":"referent","requester":{"name":"R","email":"r.l@ac-versailles.fr"}}"#,
            Rule::Validation,
            Some("kind"),
        ),
        (
            "an unknown channel",
            r#"{"cmd":"dossier.receive","ref":"X","kind":"habilitation","channel":"fax","requester":{"name":"R","email":"r.l@ac-versailles.fr"}}"#,
            Rule::Validation,
            Some("channel"),
        ),
        (
            "a missing postal code",
            r#"{"cmd":"structure.add","siret":"18945612300018","name":"X","category":"EPN","city":"Nanterre"}"#,
            Rule::Validation,
            Some("postal_code"),
        ),
        (
            "a reception dated before 2000",
            r#"{"cmd":"dossier.receive","ref":"OLD","kind":"habilitation","channel":"referent","siret":"19920131700013","direction":"DDFIP78","received_on":"1999-12-31","requester":{"name":"R","email":"remi.laurent@ac-versailles.fr"},"persons":[{"civilite":"M","nom":"N","prenom":"P","email":"p.n@ac-versailles.fr","role":"gp"}]}"#,
            Rule::Validation,
            Some("received_on"),
        ),
        (
            "a reference shaped like a dossier number, which would hide that dossier",
            r#"{"cmd":"dossier.receive","ref":"2026-00001","kind":"habilitation","channel":"referent","siret":"19920131700013","direction":"DDFIP78","requester":{"name":"R","email":"remi.laurent@ac-versailles.fr"},"persons":[{"civilite":"M","nom":"N","prenom":"P","email":"p.n@ac-versailles.fr","role":"gp"}]}"#,
            Rule::Validation,
            Some("ref"),
        ),
        (
            "a misspelt field, which would otherwise be silently ignored",
            r#"{"cmd":"structure.update","siret":"19920131700013","postal_cod":"75001"}"#,
            Rule::Validation,
            Some("postal_cod"),
        ),
        (
            "two gestionnaires principaux for one structure in one dossier",
            r#"{"cmd":"dossier.receive","ref":"TWO-GP","kind":"habilitation","channel":"referent","siret":"19920131700013","direction":"DDFIP78","requester":{"name":"R","email":"remi.laurent@ac-versailles.fr"},"persons":[{"civilite":"M","nom":"N","prenom":"P","email":"p.n@ac-versailles.fr","role":"gp"},{"civilite":"M","nom":"M","prenom":"Q","email":"q.m@ac-versailles.fr","role":"gp"}]}"#,
            Rule::Validation,
            Some("persons[1].role"),
        ),
        (
            "a name holding a NUL, which would cut the directory's keys in two",
            r#"{"cmd":"chorus.account","email":"nul.nom@ac-versailles.fr","civilite":"M","nom":"Du\u0000pontel","prenom":"Paul"}"#,
            Rule::Validation,
            Some("nom"),
        ),
        (
            "a first name holding a terminal escape",
            r#"{"cmd":"chorus.account","email":"esc.nom@ac-versailles.fr","civilite":"M","nom":"Dupontel","prenom":"Paul\u001b[2J"}"#,
            Rule::Validation,
            Some("prenom"),
        ),
        (
            "a line that is not JSON",
            r#"{"cmd":"structure.add","#,
            Rule::Syntax,
            None,
        ),
        (
            "an unknown command",
            r#"{"cmd":"structure.delete","siret":"18945612300018"}"#,
            Rule::Syntax,
            None,
        ),
        (
            "a JSON array instead of an object",
            r#"[1,2]"#,
            Rule::Syntax,
            None,
        ),
        (
            "a dossier that does not exist",
            r#"{"cmd":"dossier.qualify","dossier":"2026-09999"}"#,
            Rule::NotFound,
            Some("dossier"),
        ),
        (
            "a direction covering a department already covered",
            r#"{"cmd":"direction.add","code":"DDFIP92B","name":"X","codique":"0921","departements":["92"],"balf":"x.y@dgfip.finances.gouv.fr"}"#,
            Rule::State,
            Some("departements[0]"),
        ),
    ];
    let (_dir, desk) = desk();
    run_all(&desk, WORLD);
    for (situation, line, rule, field) in table {
        let before = desk.store().dump_state().expect("dump");
        let (head_before, _) = desk.store().journal_head().expect("head");
        let refusal = refused(&desk, line);
        assert_eq!(refusal.rule, *rule, "{situation}: {}", refusal.message);
        assert_eq!(
            refusal.field.as_deref(),
            *field,
            "{situation}: {}",
            refusal.message
        );
        assert_eq!(
            before,
            desk.store().dump_state().expect("dump"),
            "{situation}"
        );
        assert_eq!(
            desk.store().journal_head().expect("head").0,
            head_before + 1,
            "{situation}"
        );
    }
}

#[test]
fn a_lecteur_reads_but_cannot_write() {
    let (_dir, desk) = desk();
    run_all(&desk, WORLD);
    ok(
        &desk,
        r#"{"cmd":"operator.add","login":"lea.l","name":"Léa L.","direction":"DDFIP78","role":"lecteur"}"#,
    );
    let lecteur = guichet::desk::Actor::acting_as("admin.test", Some("lea.l".to_string()));
    let err = desk
        .execute_line(
            &lecteur,
            &eple_dossier("L", "DDFIP78", EPLE_92, "anne.lefevre@ac-versailles.fr"),
        )
        .expect_err("a lecteur cannot receive a dossier");
    match err {
        guichet::desk::DeskError::Refused(r) => assert_eq!(r.rule, Rule::Permission),
        other => panic!("{other}"),
    }
}

#[test]
fn a_correspondant_cannot_act_as_another_operator() {
    let (_dir, desk) = desk();
    run_all(&desk, WORLD);
    ok(
        &desk,
        r#"{"cmd":"operator.add","login":"camille.c","name":"Camille","direction":"DDFIP78","role":"correspondant"}"#,
    );
    let sneaky = guichet::desk::Actor::acting_as("camille.c", Some("admin.test".to_string()));
    let err = desk
        .execute_line(
            &sneaky,
            r#"{"cmd":"dossier.note","dossier":"X","text":"t"}"#,
        )
        .expect_err("only an admin may use --as");
    match err {
        guichet::desk::DeskError::Refused(r) => assert_eq!(r.rule, Rule::Permission),
        other => panic!("{other}"),
    }
}
