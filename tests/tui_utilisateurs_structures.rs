//! Espaces Utilisateurs and Structures, driven with keys through the real `App` on a `TestBackend`: the ASPASIE
//! directory filtered as you type, the fiche utilisateur and its actions (a GP's departure refused by R14, a reset
//! request registered and opened in Dossiers, a deletion confirmed, a modification within its dossier), the
//! structures with their GP, the orphans of R14 and the accès résiduels of R16 reached from the Accueil; and
//! snapshots of the four screens at 120×40 and 80×24, in text without colour.

mod common;

use common::*;
use guichet::desk::{Actor, Desk};
use guichet::domain::dossier::Corbeille;
use guichet::tui::App;
use guichet::tui::app::Espace;
use guichet::tui::theme::Theme;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

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

struct Session<'a> {
    app: App<'a>,
    terminal: Terminal<TestBackend>,
}

fn open(desk: &Desk, width: u16, height: u16) -> Session<'_> {
    let operator = desk
        .store()
        .operator("admin.test")
        .expect("read")
        .expect("the bootstrap administrator");
    let app = App::new(desk, Actor::new("admin.test"), operator).with_theme(Theme { color: false });
    let mut s = Session {
        app,
        terminal: Terminal::new(TestBackend::new(width, height)).expect("terminal"),
    };
    s.draw();
    s
}

impl Session<'_> {
    fn draw(&mut self) {
        let app = &mut self.app;
        self.terminal.draw(|f| app.draw(f)).expect("draw");
    }

    fn key(&mut self, code: KeyCode, modifiers: KeyModifiers) {
        self.app.on_key(KeyEvent::new(code, modifiers));
        self.draw();
    }

    fn press(&mut self, code: KeyCode) {
        self.key(code, KeyModifiers::NONE);
    }

    fn typing(&mut self, text: &str) {
        for c in text.chars() {
            self.press(KeyCode::Char(c));
        }
    }

    /// Espace Utilisateurs, filtered to `who`, his fiche opened.
    fn fiche(&mut self, who: &str) {
        self.press(KeyCode::Char('3'));
        self.press(KeyCode::Char('/'));
        self.typing(who);
        self.press(KeyCode::Enter);
    }

    /// The buffer as text, a line per row; the cell after a double-width symbol (🔒) is skipped.
    fn screen(&self) -> String {
        let buffer = self.terminal.backend().buffer();
        let width = buffer.area.width as usize;
        buffer
            .content
            .chunks(width)
            .map(|row| {
                let mut line = String::new();
                let mut skip = false;
                for cell in row {
                    if std::mem::take(&mut skip) {
                        continue;
                    }
                    line.push_str(cell.symbol());
                    skip = cell.symbol().chars().any(|c| c as u32 >= 0x1F000);
                }
                line.trim_end().to_string()
            })
            .collect::<Vec<_>>()
            .join("\n")
    }
}

fn status_of(desk: &Desk, email: &str) -> String {
    desk.user_view(email).expect("user")["status"]
        .as_str()
        .unwrap_or("")
        .to_string()
}

/// From the Accueil, the alert `n` lines after the corbeilles (0: structures without GP, 2: accès résiduels).
fn accueil_alert(s: &mut Session, n: usize) {
    s.press(KeyCode::Char('1'));
    s.press(KeyCode::Char('g'));
    let corbeilles = Corbeille::ALL.iter().filter(|c| c.is_open()).count();
    for _ in 0..corbeilles + n {
        s.press(KeyCode::Char('j'));
    }
    s.press(KeyCode::Enter);
}

#[test]
fn utilisateurs_lists_a_habilitated_user() {
    let (_dir, desk) = world();
    let mut s = open(&desk, 120, 40);
    s.press(KeyCode::Char('3'));
    assert_eq!(s.app.espace(), Espace::Utilisateurs);
    let screen = s.screen();
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
    let mut s = open(&desk, 120, 40);
    s.press(KeyCode::Char('3'));
    s.press(KeyCode::Char('/'));
    s.typing("lefevre");
    let screen = s.screen();
    assert!(screen.contains("Lefèvre"), "{screen}");
    assert!(!screen.contains("Haddad"), "{screen}");
    assert!(screen.contains("1 sur 4 utilisateur(s)"), "{screen}");
}

#[test]
fn enter_opens_the_fiche_with_its_derived_fields() {
    let (_dir, desk) = world();
    let mut s = open(&desk, 120, 40);
    s.fiche("lefevre");
    let screen = s.screen();
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
    s.press(KeyCode::Char('y'));
    assert_eq!(s.app.take_clipboard().as_deref(), Some("anne.lefevre-xt"));
    s.press(KeyCode::Esc);
    assert!(s.screen().contains("Annuaire ASPASIE"));
}

#[test]
fn a_gp_cannot_leave_before_the_transfer() {
    let (_dir, desk) = world();
    let mut s = open(&desk, 120, 40);
    s.fiche("lefevre");
    let seq = desk.store().journal_head().expect("journal").0;
    s.press(KeyCode::Char('d'));
    let status = s.app.status().unwrap_or_default().to_string();
    assert!(status.contains("R14"), "{status}");
    assert!(status.contains("transférer le profil"), "{status}");
    assert!(
        s.screen().contains("✗ R14 gestionnaire principal"),
        "{}",
        s.screen()
    );
    assert_eq!(status_of(&desk, ANNE), "actif");
    assert_eq!(
        desk.store().journal_head().expect("journal").0,
        seq,
        "a preview writes nothing"
    );
    s.press(KeyCode::Char('?'));
    assert!(s.screen().contains("indisponible : R14"), "{}", s.screen());
}

#[test]
fn a_reset_registered_from_the_fiche_lands_in_dossiers_and_locks_the_email() {
    let (_dir, desk) = world();
    let mut s = open(&desk, 120, 40);
    s.fiche("lefevre");
    s.press(KeyCode::Char('r'));
    assert!(
        s.screen()
            .contains("Demande de réinitialisation du mot de passe"),
        "{}",
        s.screen()
    );
    s.typing("MAIL-MDP-ANNE");
    s.key(KeyCode::Char('s'), KeyModifiers::CONTROL);
    assert_eq!(s.app.espace(), Espace::Dossiers);
    let screen = s.screen();
    assert!(screen.contains("Réinitialisation"), "{screen}");
    assert!(screen.contains("MAIL-MDP-ANNE"), "{screen}");
    let dossier = desk.dossier_view("MAIL-MDP-ANNE").expect("the dossier");
    assert_eq!(dossier["channel"], "utilisateur");
    assert_eq!(dossier["requester"]["email"], ANNE);
    let id = dossier["id"].as_str().expect("id").to_string();
    s.press(KeyCode::Char('3'));
    let screen = s.screen();
    assert!(
        screen.contains(&format!("R18 : réinitialisation en cours (dossier {id})")),
        "{screen}"
    );
}

#[test]
fn a_leaver_is_deleted_after_confirmation() {
    let (_dir, desk) = world();
    let mut s = open(&desk, 120, 40);
    s.fiche("hugo");
    s.press(KeyCode::Char('x'));
    assert!(
        s.screen()
            .contains("Supprimer hugo.blanc@ac-versailles.fr d'ASPASIE ?"),
        "{}",
        s.screen()
    );
    s.press(KeyCode::Char('n'));
    assert_eq!(status_of(&desk, HUGO), "sorti");
    s.press(KeyCode::Char('x'));
    s.press(KeyCode::Char('o'));
    assert_eq!(status_of(&desk, HUGO), "supprime");
    let status = s.app.status().unwrap_or_default().to_string();
    assert!(status.contains("supprimé d'ASPASIE"), "{status}");
    assert!(
        s.screen().contains("Statut           supprimé"),
        "{}",
        s.screen()
    );
}

#[test]
fn modifying_needs_a_qualified_modification_dossier() {
    let (_dir, desk) = world();
    let mut s = open(&desk, 120, 40);
    s.fiche("haddad");
    s.press(KeyCode::Char('e'));
    let status = s.app.status().unwrap_or_default().to_string();
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
    s.press(KeyCode::Char('3'));
    s.press(KeyCode::Char('e'));
    assert!(
        s.screen().contains("Modifier l'utilisateur"),
        "{}",
        s.screen()
    );
    for _ in 0..5 {
        s.press(KeyCode::Tab);
    }
    s.typing("gestionnaire matériel");
    s.key(KeyCode::Char('s'), KeyModifiers::CONTROL);
    let status = s.app.status().unwrap_or_default().to_string();
    assert!(status.contains("modifié (fonction)"), "{status}");
    assert_eq!(
        desk.user_view(FARID).expect("user")["fonction"],
        "gestionnaire matériel"
    );
    assert!(
        s.screen().contains("Farid Haddad · gestionnaire matériel"),
        "{}",
        s.screen()
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
    let mut s = open(&desk, 120, 40);
    s.fiche("lefevre");
    s.press(KeyCode::Char('e'));
    let screen = s.screen();
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
    s.typing(" principale");
    s.key(KeyCode::Char('s'), KeyModifiers::CONTROL);
    let user = desk.user_view(ANNE).expect("user");
    assert_eq!(user["fonction"], "adjointe-gestionnaire principale");
    assert_eq!(user["email"], ANNE);
}

#[test]
fn escape_asks_before_dropping_a_typed_form() {
    let (_dir, desk) = world();
    let mut s = open(&desk, 120, 40);
    s.fiche("lefevre");
    s.press(KeyCode::Char('r'));
    s.typing("MAIL");
    s.press(KeyCode::Esc);
    assert!(
        s.screen().contains("Abandonner la saisie en cours ?"),
        "{}",
        s.screen()
    );
    s.press(KeyCode::Char('n'));
    assert!(s.screen().contains("MAIL"), "{}", s.screen());
    s.press(KeyCode::Esc);
    s.press(KeyCode::Char('o'));
    assert!(s.screen().contains("Fiche utilisateur"), "{}", s.screen());
}

#[test]
fn structures_show_the_lycee_with_its_gp() {
    let (_dir, desk) = world();
    let mut s = open(&desk, 120, 40);
    s.press(KeyCode::Char('4'));
    assert_eq!(s.app.espace(), Espace::Structures);
    let screen = s.screen();
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
    let mut s = open(&desk, 120, 40);
    s.press(KeyCode::Char('4'));
    s.press(KeyCode::Char('/'));
    s.typing("moulin");
    s.press(KeyCode::Enter);
    let screen = s.screen();
    assert!(screen.contains("Structure · Lycée Jean Moulin"), "{screen}");
    assert!(
        screen.contains("Demandes de rattachement en attente (1)"),
        "{screen}"
    );
    assert!(screen.contains(DAVID), "{screen}");
    s.press(KeyCode::Char('y'));
    assert_eq!(s.app.take_clipboard().as_deref(), Some(EPLE_92));
    s.press(KeyCode::Enter);
    assert_eq!(s.app.espace(), Espace::Utilisateurs);
    assert!(
        s.screen().contains("Fiche utilisateur · Mme Anne Lefèvre"),
        "{}",
        s.screen()
    );
}

#[test]
fn the_orphans_view_lists_the_college_without_gp() {
    let (_dir, desk) = world();
    let mut s = open(&desk, 120, 40);
    accueil_alert(&mut s, 0);
    assert_eq!(s.app.espace(), Espace::Structures);
    let screen = s.screen();
    assert!(
        screen.contains("Structures sans GP ou à GP intérimaire (R14)"),
        "{screen}"
    );
    assert!(screen.contains("Collège des Sablons"), "{screen}");
    assert!(!screen.contains("Lycée Jean Moulin"), "{screen}");
    s.press(KeyCode::Esc);
    assert!(s.screen().contains("Lycée Jean Moulin"), "{}", s.screen());
}

#[test]
fn the_residual_view_lists_the_leaver_still_attached() {
    let (_dir, desk) = world();
    let mut s = open(&desk, 120, 40);
    accueil_alert(&mut s, 2);
    assert_eq!(s.app.espace(), Espace::Utilisateurs);
    let screen = s.screen();
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
        let mut s = open(&desk, w, h);
        s.fiche("lefevre");
        s.press(KeyCode::Char('r'));
        s.press(KeyCode::Esc);
        for _ in 0..30 {
            s.press(KeyCode::Char('j'));
        }
        s.press(KeyCode::PageDown);
        s.press(KeyCode::Char('G'));
        s.press(KeyCode::Char('4'));
        s.press(KeyCode::Enter);
        s.press(KeyCode::PageDown);
        s.press(KeyCode::Char('g'));
    }
}

fn snapshots(width: u16, height: u16) {
    let (_dir, desk) = world();
    let mut s = open(&desk, width, height);
    let size = format!("{width}x{height}");
    s.press(KeyCode::Char('3'));
    insta::assert_snapshot!(format!("utilisateurs_{size}"), s.screen());
    s.fiche("lefevre");
    insta::assert_snapshot!(format!("fiche_utilisateur_{size}"), s.screen());
    s.press(KeyCode::Char('4'));
    insta::assert_snapshot!(format!("structures_{size}"), s.screen());
    s.press(KeyCode::Char('/'));
    s.typing("moulin");
    s.press(KeyCode::Enter);
    insta::assert_snapshot!(format!("structure_{size}"), s.screen());
}

#[test]
fn snapshots_120x40() {
    snapshots(120, 40);
}

#[test]
fn snapshots_80x24() {
    snapshots(80, 24);
}
