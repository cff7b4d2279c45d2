//! The desk driven by keys on the real `App`, read back from the drawn buffer: a two-person habilitation from
//! À qualifier to Traitée, a refused action that shows its rule, the help and the palette, typed data that Échap
//! does not drop silently, a terminal too small; and snapshots of the espaces at 120×40 and 80×24.

mod common;

use common::screen::Screen;
use common::*;
use guichet::desk::Desk;
use ratatui::crossterm::event::KeyCode;

const TWO_PERSONS: &str = r#"{"cmd":"dossier.receive","ref":"LOT-SEPT/0920131T","kind":"habilitation","channel":"referent","siret":"19920131700013","direction":"DDFIP78","lot":"LOT-SEPT","requester":{"name":"Rémi Laurent","email":"remi.laurent@ac-versailles.fr"},"received_on":"2026-11-02","persons":[{"civilite":"MME","nom":"Lefèvre","prenom":"Anne","email":"anne.lefevre@ac-versailles.fr","role":"gp","fonction":"proviseure"},{"civilite":"M","nom":"Haddad","prenom":"Farid","email":"farid.haddad@ac-versailles.fr","role":"gs","fonction":"adjoint-gestionnaire"}]}"#;

fn world() -> (tempfile::TempDir, Desk) {
    let (dir, desk) = desk();
    run_all(&desk, WORLD);
    ok(&desk, TWO_PERSONS);
    (dir, desk)
}

#[test]
fn a_two_person_habilitation_goes_from_a_qualifier_to_traitee_by_keys() {
    let (_dir, desk) = world();
    let mut s = Screen::new(&desk, 120, 40);
    s.key('2');
    assert!(
        s.text().contains("À qualifier · 1 dossier(s)"),
        "{}",
        s.text()
    );
    s.press(KeyCode::Enter);
    assert!(s.text().contains("Dossier 2026-00001"), "{}", s.text());
    s.key('v');
    assert!(s.status().contains("qualifié"), "{}", s.status());
    s.key('p').ctrl('s');
    s.key('p').ctrl('s');
    s.key('c').key('o');
    s.key('j').key('c').key('o');
    s.key('x');
    assert!(s.status().contains("traité"), "{}", s.status());
    let view = desk.dossier_view("2026-00001").expect("view");
    assert_eq!(view["status"], "traitee");
    assert_eq!(view["persons"][1]["pigp_id"], "farid.haddad-xt");
    eprintln!(
        "keys for a two-person habilitation from À qualifier to Traitée: {}",
        s.keys
    );
    assert!(s.keys <= 30, "{} keys", s.keys);
}

#[test]
fn a_forbidden_action_is_shown_disabled_with_its_rule_and_refused_with_it() {
    let (_dir, desk) = world();
    let mut s = Screen::new(&desk, 120, 40);
    s.key('2').press(KeyCode::Enter);
    // Not yet qualified, creation in ASPASIE does not apply: it is not offered at all.
    assert!(!s.text().contains("créer dans ASPASIE"), "{}", s.text());
    s.key('v');
    let before = desk.store().dump_state().expect("dump");
    s.key('c');
    let status = s.status();
    assert!(
        status.contains("R4"),
        "creation before the pieces shows R4: {status}"
    );
    assert_eq!(
        before,
        desk.store().dump_state().expect("dump"),
        "nothing written"
    );
    assert!(
        s.text().contains("· créer dans ASPASIE : R4"),
        "{}",
        s.text()
    );
}

#[test]
fn a_qualification_by_the_wrong_direction_shows_r1_with_the_competent_balf() {
    let (_dir, desk) = desk();
    run_all(&desk, WORLD);
    ok(
        &desk,
        &eple_dossier("WRONG", "DDFIP92", EPLE_92, "anne.lefevre@ac-versailles.fr"),
    );
    ok(
        &desk,
        r#"{"cmd":"operator.update","login":"admin.test","direction":"DDFIP92"}"#,
    );
    let mut s = Screen::new(&desk, 120, 40);
    s.key('2').press(KeyCode::Enter).key('v');
    let status = s.status();
    assert!(
        status.contains("R1") && status.contains("ddfip78.demat@dgfip.finances.gouv.fr"),
        "{status}"
    );
    assert!(
        s.text().contains("✗ R1"),
        "the control shows it too:\n{}",
        s.text()
    );
}

#[test]
fn escape_does_not_drop_typed_data_without_asking() {
    let (_dir, desk) = world();
    let mut s = Screen::new(&desk, 120, 40);
    s.key('2').key('n');
    s.typed("MAIL-42");
    s.press(KeyCode::Esc);
    assert!(s.text().contains("Abandonner la saisie"), "{}", s.text());
    s.key('n');
    assert!(
        s.text().contains("MAIL-42"),
        "the typed reference is still there"
    );
    // q from a form with typed data does not quit either.
    s.key('3');
    assert!(!s.app.should_quit());
    s.press(KeyCode::Esc).key('o');
    assert!(!s.text().contains("MAIL-42"));
}

#[test]
fn a_new_dossier_with_a_refused_field_shows_the_refusal_at_that_field() {
    let (_dir, desk) = world();
    let mut s = Screen::new(&desk, 120, 40);
    s.key('2').key('n');
    s.typed("MAIL-NEW");
    for _ in 0..3 {
        s.press(KeyCode::Tab);
    }
    s.typed("19920131700013");
    for _ in 0..3 {
        s.press(KeyCode::Tab);
    }
    s.typed("Rémi Laurent");
    s.press(KeyCode::Tab).typed("remi.laurent@ac-versailles.fr");
    for _ in 0..4 {
        s.press(KeyCode::Tab);
    }
    s.typed("Petit");
    s.press(KeyCode::Tab).typed("Claire");
    s.press(KeyCode::Tab).typed("contact@ac-versailles.fr");
    s.ctrl('s');
    let text = s.text();
    assert!(text.contains("R5 adresse nominative"), "{text}");
    assert!(
        desk.store()
            .dossier_by_ref("MAIL-NEW")
            .expect("read")
            .is_none()
    );
    // Corrected, it is received and opened.
    for _ in 0..3 {
        s.press(KeyCode::Backspace);
    }
    for _ in 0.."contact@ac-versailles.fr".len() {
        s.press(KeyCode::Backspace);
    }
    s.typed("claire.petit@ac-versailles.fr");
    s.ctrl('s');
    assert!(s.text().contains("Dossier 2026-00002"), "{}", s.text());
}

#[test]
fn help_and_palette_come_from_the_same_keymap() {
    let (_dir, desk) = world();
    let mut s = Screen::new(&desk, 120, 40);
    s.key('2').press(KeyCode::Enter).key('v').key('?');
    let help = s.text();
    assert!(
        help.contains("Créer la personne sélectionnée dans ASPASIE"),
        "{help}"
    );
    assert!(
        help.contains("indisponible"),
        "a forbidden action is listed with its reason: {help}"
    );
    s.press(KeyCode::Esc).key(':');
    s.typed("note");
    assert!(
        s.text().contains("Ajouter une note au dossier"),
        "{}",
        s.text()
    );
    s.press(KeyCode::Enter);
    assert!(
        s.text().contains("Ajouter une note"),
        "the palette ran the action"
    );
}

#[test]
fn every_espace_draws_at_any_size_without_panicking() {
    let (_dir, desk) = world();
    for (w, h) in [(20, 6), (59, 15), (60, 16), (80, 24), (200, 60)] {
        let mut s = Screen::new(&desk, w, h);
        for n in '1'..='8' {
            s.key(n);
        }
        if w < 60 || h < 16 {
            assert!(s.text().contains("trop petite"), "{w}×{h}:\n{}", s.text());
        }
    }
}

fn snapshot(desk: &Desk, name: &str, keys: &[KeyCode]) {
    for (w, h) in [(120, 40), (80, 24)] {
        let mut s = Screen::new(desk, w, h);
        for k in keys {
            s.press(*k);
        }
        insta::assert_snapshot!(format!("{name}_{w}x{h}"), s.text());
    }
}

#[test]
fn snapshots_of_the_espaces() {
    let (_dir, desk) = world();
    ok(
        &desk,
        r#"{"cmd":"dossier.assign","dossier":"2026-00001","operator":"admin.test"}"#,
    );
    snapshot(&desk, "accueil", &[]);
    snapshot(&desk, "dossiers", &[KeyCode::Char('2')]);
    snapshot(&desk, "dossier", &[KeyCode::Char('2'), KeyCode::Enter]);
    snapshot(
        &desk,
        "nouveau_dossier",
        &[KeyCode::Char('2'), KeyCode::Char('n')],
    );
    snapshot(&desk, "journal", &[KeyCode::Char('7')]);
    snapshot(&desk, "referentiels", &[KeyCode::Char('8')]);
}

#[test]
fn the_dossiers_list_filters_as_you_type_and_a_lists_the_actions() {
    let (_dir, desk) = world();
    ok(
        &desk,
        &eple_dossier(
            "MAIL-AUTRE",
            "DDFIP78",
            EPLE_78,
            "hugo.blanc@ac-versailles.fr",
        ),
    );
    let mut s = Screen::new(&desk, 120, 40);
    s.key('2');
    assert!(
        s.text().contains("À qualifier · 2 dossier(s)"),
        "{}",
        s.text()
    );
    s.key('/').typed("sablons");
    assert!(
        s.text().contains("À qualifier · 1 dossier(s)"),
        "{}",
        s.text()
    );
    assert!(s.text().contains("Collège des Sablons"), "{}", s.text());
    assert!(!s.text().contains("Lycée Jean Moulin"));
    s.press(KeyCode::Enter);
    assert!(
        s.text().contains("Dossier 2026-00002"),
        "⏎ opens the one found:\n{}",
        s.text()
    );
    // `a`: the actions of the selection, without the espaces.
    s.key('a');
    let actions = s.text();
    assert!(actions.contains("Qualifier le dossier"), "{actions}");
    assert!(!actions.contains("Aller à l'espace"), "{actions}");
}

#[test]
fn a_file_is_imported_after_its_preview_and_a_sheet_exported_from_the_dossiers_espace() {
    let (dir, desk) = world();
    let bad = dir.path().join("mauvais.csv");
    std::fs::write(
        &bad,
        "siret;raison_sociale;categorie;code_postal;ville\n18945612300019;Musée;EPN;69002;Lyon\n",
    )
    .expect("write");
    let good = dir.path().join("structures.csv");
    std::fs::write(&good, "siret;raison_sociale;categorie;code_postal;ville\n18945612300018;Musée des Confluences;EPN;69002;Lyon\n")
        .expect("write");
    let siret = guichet::domain::ids::Siret::parse("18945612300018").expect("siret");
    let mut s = Screen::new(&desk, 120, 40);

    s.key('2')
        .key('i')
        .press(KeyCode::Tab)
        .typed(bad.to_str().expect("path"));
    s.ctrl('s');
    assert!(
        s.text().contains("ligne 2, colonne siret"),
        "the preview lists the bad line:\n{}",
        s.text()
    );
    s.press(KeyCode::Esc).key('o');

    s.key('i')
        .press(KeyCode::Tab)
        .typed(good.to_str().expect("path"));
    s.ctrl('s');
    assert!(
        s.text().contains("Aperçu : 1 ligne(s) lue(s)"),
        "{}",
        s.text()
    );
    assert!(
        desk.store().structure(siret).expect("read").is_none(),
        "a preview writes nothing"
    );
    s.ctrl('s');
    assert!(
        s.status().contains("1 ligne(s) importée(s)"),
        "{}",
        s.status()
    );
    assert!(desk.store().structure(siret).expect("read").is_some());

    let out = dir.path().join("journal.csv");
    s.key('e')
        .key(' ')
        .key(' ')
        .press(KeyCode::Tab)
        .press(KeyCode::Tab);
    for _ in 0.."guichet-2026-11-28.csv".len() {
        s.press(KeyCode::Backspace);
    }
    s.typed(out.to_str().expect("path"));
    s.ctrl('s');
    assert!(s.status().contains("écrite(s) dans"), "{}", s.status());
    let written = std::fs::read(&out).expect("the export");
    assert!(
        written.starts_with(b"\xef\xbb\xbf"),
        "a BOM for the spreadsheet"
    );
    assert!(
        String::from_utf8_lossy(&written).contains("structure.add"),
        "the journal holds the import"
    );
}

#[test]
fn a_structures_users_are_exported_from_its_page() {
    let (dir, desk) = desk();
    run_all(&desk, WORLD);
    habilitate(
        &desk,
        &eple_dossier("LYC", "DDFIP78", EPLE_92, "anne.lefevre@ac-versailles.fr"),
        "LYC",
        &["anne.lefevre@ac-versailles.fr"],
    );
    let out = dir.path().join("utilisateurs.csv");
    let mut s = Screen::new(&desk, 120, 40);
    s.key('4').key('/').typed("moulin");
    s.press(KeyCode::Enter);
    assert!(
        s.text().contains("Structure · Lycée Jean Moulin"),
        "{}",
        s.text()
    );
    s.key('e').press(KeyCode::Tab);
    for _ in 0.."utilisateurs-19920131700013-2026-11-28.csv".len() {
        s.press(KeyCode::Backspace);
    }
    s.typed(out.to_str().expect("path"));
    s.ctrl('s');
    assert!(
        s.status().contains("1 utilisateur(s) écrit(s)"),
        "{}",
        s.status()
    );
    let written = String::from_utf8(std::fs::read(&out).expect("the export")).expect("utf-8");
    assert!(written.starts_with('\u{feff}'), "a BOM for the spreadsheet");
    assert!(
        written.contains("anne.lefevre@ac-versailles.fr") && written.contains(";gp;"),
        "{written}"
    );
}

#[test]
fn a_dossier_number_or_reference_typed_in_the_filter_opens_it_whatever_its_corbeille() {
    let (_dir, desk) = world();
    // The dossier is rejected: it is not in À qualifier, where the Dossiers espace opens.
    ok(
        &desk,
        r#"{"cmd":"dossier.reject","dossier":"LOT-SEPT/0920131T","reason":"doublon"}"#,
    );
    let mut s = Screen::new(&desk, 120, 40);
    s.key('2').key('/').typed("2026-00001");
    assert!(s.text().contains("0 dossier"), "{}", s.text());
    s.press(KeyCode::Enter);
    assert!(s.text().contains("Dossier 2026-00001"), "{}", s.text());
    // By its reference too, from the list again.
    s.press(KeyCode::Esc).key('/').typed("LOT-SEPT/0920131T");
    s.press(KeyCode::Enter);
    assert!(s.text().contains("Dossier 2026-00001"), "{}", s.text());
}
