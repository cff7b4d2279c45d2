//! Espaces Utilisateurs and Structures, driven with keys through the real `App` on a `TestBackend`: the ASPASIE
//! directory filtered as you type, the fiche utilisateur and its actions (a GP's departure refused by R14, a reset
//! request registered and opened in Dossiers, a deletion confirmed, a modification within its dossier), the
//! structures with their GP, the orphans of R14 and the accès résiduels of R16 reached from the Accueil; and
//! snapshots of the four screens at 120×40 and 80×24, in text without colour.

mod common;

use common::screen::Screen;
use common::*;
use guichet::desk::Desk;
use guichet::domain::dossier::Corbeille;
use guichet::tui::app::Espace;
use ratatui::crossterm::event::KeyCode;

const ANNE: &str = "anne.lefevre@ac-versailles.fr";
const FARID: &str = "farid.haddad@ac-versailles.fr";
const HUGO: &str = "hugo.blanc@ac-versailles.fr";
const DAVID: &str = "david.simon@ac-versailles.fr";

/// The Lycée Jean Moulin with Anne (GP) and Farid (GS) and David's pending request; the Collège des Sablons
/// without GP, where Hugo, a GS, has left but is still attached (an accès résiduel).
fn world() -> (tempfile::TempDir, Desk) {
    let (dir, desk) = desk();
    run_all(&desk, WORLD);
    let lycee = format!(
        r#"{{"cmd":"dossier.receive","ref":"LYCEE","kind":"habilitation","channel":"referent","siret":"{EPLE_92}","direction":"DDFIP78","requester":{{"name":"Rémi Laurent","email":"remi.laurent@ac-versailles.fr"}},"received_on":"2026-11-02","persons":[{{"civilite":"MME","nom":"Lefèvre","prenom":"Anne","email":"{ANNE}","role":"gp","fonction":"adjointe-gestionnaire"}},{{"civilite":"M","nom":"Haddad","prenom":"Farid","email":"{FARID}","role":"gs"}}]}}"#
    );
    habilitate(&desk, &lycee, "LYCEE", &[ANNE, FARID]);
    let college = format!(
        r#"{{"cmd":"dossier.receive","ref":"COLLEGE","kind":"habilitation","channel":"referent","siret":"{EPLE_78}","direction":"DDFIP78","requester":{{"name":"Rémi Laurent","email":"remi.laurent@ac-versailles.fr"}},"received_on":"2026-11-10","persons":[{{"civilite":"M","nom":"Blanc","prenom":"Hugo","email":"{HUGO}","role":"gs"}}]}}"#
    );
    habilitate(&desk, &college, "COLLEGE", &[HUGO]);
    run_all(
        &desk,
        &format!(
            r#"
{{"cmd":"user.depart","email":"{HUGO}"}}
{{"cmd":"chorus.account","email":"{DAVID}","civilite":"M","nom":"Simon","prenom":"David"}}
{{"cmd":"attachment.request","by":"{DAVID}","siret":"{EPLE_92}"}}
"#
        ),
    );
    (dir, desk)
}

/// Espace Utilisateurs, filtered to `who`, his fiche opened.
fn fiche(s: &mut Screen, who: &str) {
    s.key('3').key('/').typed(who).press(KeyCode::Enter);
}

fn status_of(desk: &Desk, email: &str) -> String {
    desk.user_view(email).expect("user")["status"]
        .as_str()
        .unwrap_or("")
        .to_string()
}

/// From the Accueil, the alert `n` lines after the corbeilles (0: structures without GP, 2: accès résiduels).
fn accueil_alert(s: &mut Screen, n: usize) {
    s.key('1');
    s.key('g');
    let corbeilles = Corbeille::ALL.iter().filter(|c| c.is_open()).count();
    for _ in 0..corbeilles + n {
        s.key('j');
    }
    s.press(KeyCode::Enter);
}

#[test]
fn utilisateurs_lists_a_habilitated_user() {
    let (_dir, desk) = world();
    let mut s = Screen::new(&desk, 120, 40);
    s.key('3');
    assert_eq!(s.app.espace(), Espace::Utilisateurs);
    let screen = s.text();
    assert!(screen.contains("Lefèvre Anne"), "{screen}");
    assert!(screen.contains("anne.lefevre-xt"), "{screen}");
    assert!(
        screen.contains("compte Chorus Pro"),
        "David has no PIGP identifier:\n{screen}"
    );
}

#[test]
fn the_filter_ignores_case_and_accents() {
    let (_dir, desk) = world();
    let mut s = Screen::new(&desk, 120, 40);
    s.key('3');
    s.key('/');
    s.typed("lefevre");
    let screen = s.text();
    assert!(screen.contains("Lefèvre"), "{screen}");
    assert!(!screen.contains("Haddad"), "{screen}");
    assert!(screen.contains("1 sur 4 utilisateur(s)"), "{screen}");
}

#[test]
fn enter_opens_the_fiche_with_its_derived_fields() {
    let (_dir, desk) = world();
    let mut s = Screen::new(&desk, 120, 40);
    fiche(&mut s, "lefevre");
    let screen = s.text();
    assert!(
        screen.contains("Fiche utilisateur · Mme Anne Lefèvre"),
        "{screen}"
    );
    assert!(screen.contains("anne.lefevre-xt"), "{screen}");
    assert!(screen.contains("SSLSPL · codique 092000"), "{screen}");
    assert!(
        screen.contains("199 201 317 00013  Lycée Jean Moulin"),
        "{screen}"
    );
    assert!(
        screen.contains("gestionnaire principal · actif"),
        "{screen}"
    );
    s.key('y');
    assert_eq!(s.app.take_clipboard().as_deref(), Some("anne.lefevre-xt"));
    s.press(KeyCode::Esc);
    assert!(s.text().contains("Annuaire ASPASIE"));
}

#[test]
fn a_gp_cannot_leave_before_the_transfer() {
    let (_dir, desk) = world();
    let mut s = Screen::new(&desk, 120, 40);
    fiche(&mut s, "lefevre");
    let seq = desk.store().journal_head().expect("journal").0;
    s.key('d');
    let status = s.status();
    assert!(status.contains("R14"), "{status}");
    assert!(status.contains("transférer le profil"), "{status}");
    assert!(
        s.text().contains("✗ R14 gestionnaire principal"),
        "{}",
        s.text()
    );
    assert_eq!(status_of(&desk, ANNE), "actif");
    assert_eq!(
        desk.store().journal_head().expect("journal").0,
        seq,
        "a preview writes nothing"
    );
    s.key('?');
    assert!(s.text().contains("indisponible : R14"), "{}", s.text());
}

#[test]
fn a_reset_registered_from_the_fiche_lands_in_dossiers_and_locks_the_email() {
    let (_dir, desk) = world();
    let mut s = Screen::new(&desk, 120, 40);
    fiche(&mut s, "lefevre");
    s.key('r');
    assert!(
        s.text()
            .contains("Demande de réinitialisation du mot de passe"),
        "{}",
        s.text()
    );
    s.typed("MAIL-MDP-ANNE");
    s.ctrl('s');
    assert_eq!(s.app.espace(), Espace::Dossiers);
    let screen = s.text();
    assert!(screen.contains("Réinitialisation"), "{screen}");
    assert!(screen.contains("MAIL-MDP-ANNE"), "{screen}");
    let dossier = desk.dossier_view("MAIL-MDP-ANNE").expect("the dossier");
    assert_eq!(dossier["channel"], "utilisateur");
    assert_eq!(dossier["requester"]["email"], ANNE);
    let id = dossier["id"].as_str().expect("id").to_string();
    s.key('3');
    let screen = s.text();
    assert!(
        screen.contains(&format!("R18 : réinitialisation en cours (dossier {id})")),
        "{screen}"
    );
}

#[test]
fn a_leaver_is_deleted_after_confirmation() {
    let (_dir, desk) = world();
    let mut s = Screen::new(&desk, 120, 40);
    fiche(&mut s, "hugo");
    s.key('x');
    assert!(
        s.text()
            .contains("Supprimer hugo.blanc@ac-versailles.fr d'ASPASIE ?"),
        "{}",
        s.text()
    );
    s.key('n');
    assert_eq!(status_of(&desk, HUGO), "sorti");
    s.key('x');
    s.key('o');
    assert_eq!(status_of(&desk, HUGO), "supprime");
    let status = s.status();
    assert!(status.contains("supprimé d'ASPASIE"), "{status}");
    assert!(
        s.text().contains("Statut           supprimé"),
        "{}",
        s.text()
    );
}

#[test]
fn modifying_needs_a_qualified_modification_dossier() {
    let (_dir, desk) = world();
    let mut s = Screen::new(&desk, 120, 40);
    fiche(&mut s, "haddad");
    s.key('e');
    let status = s.status();
    assert!(
        status.contains("aucun dossier de modification qualifié"),
        "{status}"
    );
    run_all(
        &desk,
        &format!(
            r#"
{{"cmd":"dossier.receive","ref":"MODIF-FARID","kind":"modification","channel":"referent","user":"{FARID}","direction":"DDFIP78","requester":{{"name":"Rémi Laurent","email":"remi.laurent@ac-versailles.fr"}}}}
{{"cmd":"dossier.qualify","dossier":"MODIF-FARID"}}
"#
        ),
    );
    s.key('3');
    s.key('e');
    assert!(s.text().contains("Modifier l'utilisateur"), "{}", s.text());
    for _ in 0..5 {
        s.press(KeyCode::Tab);
    }
    s.typed("gestionnaire matériel");
    s.ctrl('s');
    let status = s.status();
    assert!(status.contains("modifié (fonction)"), "{status}");
    assert_eq!(
        desk.user_view(FARID).expect("user")["fonction"],
        "gestionnaire matériel"
    );
    assert!(
        s.text().contains("Farid Haddad · gestionnaire matériel"),
        "{}",
        s.text()
    );
}

#[test]
fn the_email_stays_locked_in_the_modification_form_while_a_reset_is_open() {
    let (_dir, desk) = world();
    run_all(
        &desk,
        &format!(
            r#"
{{"cmd":"dossier.receive","ref":"MDP-ANNE","kind":"reinitialisation","channel":"utilisateur","user":"{ANNE}","direction":"DDFIP78","requester":{{"name":"Anne Lefèvre","email":"{ANNE}"}}}}
{{"cmd":"dossier.receive","ref":"MODIF-ANNE","kind":"modification","channel":"referent","user":"{ANNE}","direction":"DDFIP78","requester":{{"name":"Rémi Laurent","email":"remi.laurent@ac-versailles.fr"}}}}
{{"cmd":"dossier.qualify","dossier":"MODIF-ANNE"}}
"#
        ),
    );
    let mut s = Screen::new(&desk, 120, 40);
    fiche(&mut s, "lefevre");
    s.key('e');
    let screen = s.text();
    let email = screen
        .lines()
        .find(|l| l.contains("Courriel"))
        .expect("the e-mail field")
        .to_string();
    assert!(
        email.contains("R18 : réinitialisation en cours (dossier 2026-00003)"),
        "{email}"
    );
    // Tab skips the locked address: after civilité, nom and prénom comes the fonction.
    for _ in 0..4 {
        s.press(KeyCode::Tab);
    }
    s.typed(" principale");
    s.ctrl('s');
    let user = desk.user_view(ANNE).expect("user");
    assert_eq!(user["fonction"], "adjointe-gestionnaire principale");
    assert_eq!(user["email"], ANNE);
}

#[test]
fn escape_asks_before_dropping_a_typed_form() {
    let (_dir, desk) = world();
    let mut s = Screen::new(&desk, 120, 40);
    fiche(&mut s, "lefevre");
    s.key('r');
    s.typed("MAIL");
    s.press(KeyCode::Esc);
    assert!(
        s.text().contains("Abandonner la saisie en cours ?"),
        "{}",
        s.text()
    );
    s.key('n');
    assert!(s.text().contains("MAIL"), "{}", s.text());
    s.press(KeyCode::Esc);
    s.key('o');
    assert!(s.text().contains("Fiche utilisateur"), "{}", s.text());
}

#[test]
fn structures_show_the_lycee_with_its_gp() {
    let (_dir, desk) = world();
    let mut s = Screen::new(&desk, 120, 40);
    s.key('4');
    assert_eq!(s.app.espace(), Espace::Structures);
    let screen = s.text();
    let lycee = screen
        .lines()
        .find(|l| l.contains("Lycée Jean Moulin"))
        .expect("the lycée")
        .to_string();
    assert!(lycee.contains("199 201 317 00013"), "{lycee}");
    assert!(lycee.contains("Anne Lefèvre"), "{lycee}");
    let college = screen
        .lines()
        .find(|l| l.contains("Collège des Sablons"))
        .expect("the collège")
        .to_string();
    assert!(college.contains("sans GP"), "{college}");
}

#[test]
fn the_structure_screen_opens_its_users() {
    let (_dir, desk) = world();
    let mut s = Screen::new(&desk, 120, 40);
    s.key('4');
    s.key('/');
    s.typed("moulin");
    s.press(KeyCode::Enter);
    let screen = s.text();
    assert!(screen.contains("Structure · Lycée Jean Moulin"), "{screen}");
    assert!(
        screen.contains("Demandes de rattachement en attente (1)"),
        "{screen}"
    );
    assert!(screen.contains(DAVID), "{screen}");
    s.key('y');
    assert_eq!(s.app.take_clipboard().as_deref(), Some(EPLE_92));
    s.press(KeyCode::Enter);
    assert_eq!(s.app.espace(), Espace::Utilisateurs);
    assert!(
        s.text().contains("Fiche utilisateur · Mme Anne Lefèvre"),
        "{}",
        s.text()
    );
}

#[test]
fn the_orphans_view_lists_the_college_without_gp() {
    let (_dir, desk) = world();
    let mut s = Screen::new(&desk, 120, 40);
    accueil_alert(&mut s, 0);
    assert_eq!(s.app.espace(), Espace::Structures);
    let screen = s.text();
    assert!(
        screen.contains("Structures sans GP ou à GP intérimaire (R14)"),
        "{screen}"
    );
    assert!(screen.contains("Collège des Sablons"), "{screen}");
    assert!(!screen.contains("Lycée Jean Moulin"), "{screen}");
    s.press(KeyCode::Esc);
    assert!(s.text().contains("Lycée Jean Moulin"), "{}", s.text());
}

#[test]
fn the_residual_view_lists_the_leaver_still_attached() {
    let (_dir, desk) = world();
    let mut s = Screen::new(&desk, 120, 40);
    accueil_alert(&mut s, 2);
    assert_eq!(s.app.espace(), Espace::Utilisateurs);
    let screen = s.text();
    assert!(
        screen.contains("Accès résiduels (R16) · 1 utilisateur(s)"),
        "{screen}"
    );
    assert!(screen.contains("Blanc Hugo"), "{screen}");
    assert!(screen.contains("1 rattachement · 1 droit"), "{screen}");
    assert!(!screen.contains("Lefèvre"), "{screen}");
}

#[test]
fn any_size_draws_without_panic() {
    let (_dir, desk) = world();
    for (w, h) in [(60, 16), (61, 17), (200, 60), (20, 5)] {
        let mut s = Screen::new(&desk, w, h);
        fiche(&mut s, "lefevre");
        s.key('r');
        s.press(KeyCode::Esc);
        for _ in 0..30 {
            s.key('j');
        }
        s.press(KeyCode::PageDown);
        s.key('G');
        s.key('4');
        s.press(KeyCode::Enter);
        s.press(KeyCode::PageDown);
        s.key('g');
    }
}

fn snapshots(width: u16, height: u16) {
    let (_dir, desk) = world();
    let mut s = Screen::new(&desk, width, height);
    let size = format!("{width}x{height}");
    s.key('3');
    insta::assert_snapshot!(format!("utilisateurs_{size}"), s.text());
    fiche(&mut s, "lefevre");
    insta::assert_snapshot!(format!("fiche_utilisateur_{size}"), s.text());
    s.key('4');
    insta::assert_snapshot!(format!("structures_{size}"), s.text());
    s.key('/');
    s.typed("moulin");
    s.press(KeyCode::Enter);
    insta::assert_snapshot!(format!("structure_{size}"), s.text());
}

#[test]
fn snapshots_120x40() {
    snapshots(120, 40);
}

#[test]
fn snapshots_80x24() {
    snapshots(80, 24);
}
