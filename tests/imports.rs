//! Spreadsheet files into the desk: all or nothing, every bad line reported with its number, column and message;
//! files as French spreadsheets write them (Windows-1252 with `;`, UTF-8 with a BOM and `,`, quoted fields).

mod common;

use common::*;
use guichet::files::import::{Imported, Kind, Options, import};

/// A valid SIRET from 13 digits: the Luhn check digit appended.
fn siret(prefix13: u64) -> String {
    let base = format!("{prefix13:013}");
    for d in 0..10 {
        let s = format!("{base}{d}");
        let sum: u32 = s
            .chars()
            .rev()
            .enumerate()
            .map(|(i, c)| {
                let n = c.to_digit(10).unwrap_or(0);
                if i % 2 == 1 {
                    if n * 2 > 9 { n * 2 - 9 } else { n * 2 }
                } else {
                    n
                }
            })
            .sum();
        if sum.is_multiple_of(10) {
            return s;
        }
    }
    unreachable!("one of ten check digits passes Luhn")
}

fn run(desk: &guichet::desk::Desk, kind: Kind, bytes: &[u8], options: &Options) -> Imported {
    import(
        desk,
        &actor(),
        kind,
        bytes,
        options,
        false,
        "import de test",
    )
    .expect("no store error")
}

#[test]
fn a_windows_1252_file_with_semicolons_and_accents_is_imported() {
    let (_dir, desk) = desk();
    run_all(&desk, WORLD);
    let text = format!(
        "SIRET;Raison sociale;Catégorie;Comptable public;Comptable nom;Comptable courriel;Code postal;Ville\r\n\
         {};Lycée Émile Zola;EPLEFPA;oui;Hélène Dupré;helene.dupre@lycee-zola.fr;69003;Lyon\r\n",
        siret(1_800_000_000_001)
    );
    let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(&text);
    let Imported::Done { commands, .. } = run(&desk, Kind::Structures, &bytes, &Options::default())
    else {
        panic!("refused")
    };
    assert_eq!(commands, 1);
    let view = desk
        .structure_view(&siret(1_800_000_000_001))
        .expect("imported");
    assert_eq!(view["name"], "Lycée Émile Zola");
    assert_eq!(view["comptable"]["name"], "Hélène Dupré");
}

#[test]
fn a_utf8_file_with_a_bom_commas_and_quoted_fields_is_imported() {
    let (_dir, desk) = desk();
    run_all(&desk, WORLD);
    let text = "\u{feff}academie,nom,courriel\r\n\"Aix-Marseille\",\"Durand, Paul\",paul.durand@ac-aix-marseille.fr\r\nLyon,\"Marie\r\nRoux\",marie.roux@ac-lyon.fr\r\n";
    let Imported::Done { commands, .. } =
        run(&desk, Kind::Referents, text.as_bytes(), &Options::default())
    else {
        panic!("refused")
    };
    assert_eq!(commands, 2);
    let referents = desk.store().referents_of("Aix-Marseille").expect("read");
    assert_eq!(referents[0].name, "Durand, Paul");
}

#[test]
fn a_file_whose_seventh_line_has_a_wrong_siret_writes_nothing_and_says_where() {
    let (_dir, desk) = desk();
    run_all(&desk, WORLD);
    let mut text = String::from("siret;raison_sociale;categorie;code_postal;ville\n");
    for i in 0..8u64 {
        let s = if i == 5 {
            "19920131700019".to_string()
        } else {
            siret(1_900_000_000_100 + i)
        };
        text.push_str(&format!("{s};Musée n° {i};EPN;69001;Lyon\n"));
    }
    let before = desk.store().dump_state().expect("dump");
    let Imported::Refused(bad) = run(
        &desk,
        Kind::Structures,
        text.as_bytes(),
        &Options::default(),
    ) else {
        panic!("a bad line must refuse the file")
    };
    assert_eq!(bad.len(), 1, "{bad:?}");
    assert_eq!(bad[0].line, 7);
    assert_eq!(bad[0].column.as_deref(), Some("siret"));
    assert!(bad[0].message.contains("Luhn"), "{}", bad[0].message);
    assert_eq!(
        before,
        desk.store().dump_state().expect("dump"),
        "nothing written"
    );
}

#[test]
fn every_bad_line_is_reported_at_once() {
    let (_dir, desk) = desk();
    run_all(&desk, WORLD);
    let text = format!(
        "siret;raison_sociale;categorie;code_postal;ville\n{};A;EPN;69001;Lyon\n{};B;MAIRIE;69001;Lyon\n{};C;EPN;69001;Lyon\n{};D;EPN;99999;Lyon\n",
        siret(1_900_000_000_201),
        siret(1_900_000_000_202),
        siret(1_900_000_000_201),
        siret(1_900_000_000_204),
    );
    let Imported::Refused(bad) = run(
        &desk,
        Kind::Structures,
        text.as_bytes(),
        &Options::default(),
    ) else {
        panic!("refused")
    };
    let found: Vec<(usize, Option<&str>)> =
        bad.iter().map(|b| (b.line, b.column.as_deref())).collect();
    assert_eq!(
        found,
        vec![
            (3, Some("categorie")),
            (4, Some("siret")),
            (5, Some("code_postal"))
        ],
        "an unknown category, the SIRET of line 2 repeated, a postal code of no department: {bad:?}"
    );
}

#[test]
fn a_referent_lot_becomes_one_habilitation_per_siret() {
    let (_dir, desk) = desk();
    run_all(&desk, WORLD);
    let text = format!(
        "siret;civilite;nom;prenom;courriel;role;fonction;adresse_active\n\
         {EPLE_92};MME;Lefèvre;Anne;anne.lefevre@ac-versailles.fr;gp;proviseure;oui\n\
         {EPLE_92};M;Haddad;Farid;farid.haddad@ac-versailles.fr;gs;adjoint-gestionnaire;non\n\
         {EPLE_78};M;Blanc;Hugo;hugo.blanc@ac-versailles.fr;gp;principal;oui\n"
    );
    let options = Options {
        reference: Some("LOT-2026-09".into()),
        received_on: Some("2026-11-20".into()),
    };
    let Imported::Done { commands, .. } = run(&desk, Kind::Lot, text.as_bytes(), &options) else {
        panic!("refused")
    };
    assert_eq!(commands, 2);
    let lycee = desk
        .dossier_view(&format!("LOT-2026-09/{EPLE_92}"))
        .expect("the lycée's dossier");
    assert_eq!(lycee["lot"], "LOT-2026-09");
    assert_eq!(
        lycee["direction"], "DDFIP78",
        "received at the académie's seat"
    );
    assert_eq!(lycee["requester"]["email"], "remi.laurent@ac-versailles.fr");
    assert_eq!(lycee["persons"].as_array().expect("persons").len(), 2);
    assert_eq!(
        lycee["status"], "en_attente",
        "an address not yet active (R13)"
    );
    assert_eq!(lycee["received_on"], "2026-11-20");
}

#[test]
fn the_annexed_list_of_a_contrat_de_service_joins_its_dossier() {
    let (_dir, desk) = desk();
    run_all(&desk, WORLD);
    ok(
        &desk,
        r#"{"cmd":"dossier.receive","ref":"INAS","kind":"habilitation","channel":"agent_comptable","siret":"18001002400024","direction":"DRFIP69","requester":{"name":"Bernard Roche","email":"bernard.roche@inas-lyon.fr"},"persons":[{"civilite":"M","nom":"Nguyen","prenom":"Thomas","email":"thomas.nguyen@inas-lyon.fr","role":"gp"}]}"#,
    );
    let text = "Civilité;Nom;Prénom;Courriel;Rôle\nMME;Girard;Sophie;sophie.girard@inas-lyon.fr;gs\nM;Petit;Luc;contact@inas-lyon.fr;gs\n";
    let options = Options {
        reference: Some("INAS".into()),
        received_on: None,
    };
    let Imported::Refused(bad) = run(&desk, Kind::Persons, text.as_bytes(), &options) else {
        panic!("R5")
    };
    assert_eq!(
        (bad[0].line, bad[0].column.as_deref()),
        (3, Some("courriel"))
    );
    assert!(bad[0].message.starts_with("R5"), "{}", bad[0].message);
    let fixed = text.replace("contact@", "luc.petit@");
    let Imported::Done { .. } = run(&desk, Kind::Persons, fixed.as_bytes(), &options) else {
        panic!("refused")
    };
    assert_eq!(
        desk.dossier_view("INAS").expect("dossier")["persons"]
            .as_array()
            .expect("persons")
            .len(),
        3
    );
}

#[test]
fn two_thousand_structures_import_in_one_transaction() {
    let (_dir, desk) = desk();
    run_all(&desk, WORLD);
    let (head, _) = desk.store().journal_head().expect("head");
    let mut text =
        String::from("siret;raison_sociale;categorie;comptable_public;code_postal;ville\n");
    for i in 0..2_000u64 {
        text.push_str(&format!(
            "{};Structure {i};GIP;non;69001;Lyon\n",
            siret(1_300_000_000_000 + i)
        ));
    }
    let Imported::Done {
        commands,
        first_seq,
        last_seq,
        ..
    } = run(
        &desk,
        Kind::Structures,
        text.as_bytes(),
        &Options::default(),
    )
    else {
        panic!("refused")
    };
    assert_eq!(commands, 2_000);
    assert_eq!(
        (first_seq, last_seq),
        (head + 1, head + 2_000),
        "one journal entry a line"
    );
    assert!(
        guichet::desk::audit::verify(desk.store())
            .expect("verify")
            .is_ok()
    );
}
