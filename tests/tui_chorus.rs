//! The Chorus Pro side of the desk, driven with keys through the real `App` on a `TestBackend`: espace Mon
//! compte (rattachements of the user acted as, requests, removals, self-service account) and espace Activités du
//! gestionnaire (ticking and validating requests in bulk, designating a GS, transferring the GP profile). Each
//! refusal shows its rule in the status line and leaves the store as it was.

mod common;

use common::screen::Screen;
use common::*;
use guichet::desk::Desk;
use ratatui::crossterm::event::KeyCode;

const ANNE: &str = "anne.lefevre@ac-versailles.fr";
const FARID: &str = "farid.haddad@ac-versailles.fr";
const DAVID: &str = "david.simon@ac-versailles.fr";
const EMMA: &str = "emma.roux@ac-versailles.fr";
const HUGO: &str = "hugo.blanc@ac-versailles.fr";

/// Anne GP and Farid GS (both with a PIGP identifier) of the Lycée Jean Moulin (92).
fn lycee() -> (tempfile::TempDir, Desk) {
    let (dir, desk) = desk();
    run_all(&desk, WORLD);
    let receive = format!(
        r#"{{"cmd":"dossier.receive","ref":"LYCEE","kind":"habilitation","channel":"referent","siret":"{EPLE_92}","direction":"DDFIP78","requester":{{"name":"Rémi Laurent","email":"remi.laurent@ac-versailles.fr"}},"received_on":"2026-11-02","persons":[{{"civilite":"MME","nom":"Lefèvre","prenom":"Anne","email":"{ANNE}","role":"gp"}},{{"civilite":"M","nom":"Haddad","prenom":"Farid","email":"{FARID}","role":"gs"}}]}}"#
    );
    habilitate(&desk, &receive, "LYCEE", &[ANNE, FARID]);
    (dir, desk)
}

/// A self-service Chorus Pro account (no PIGP identifier) that asks to be attached to `siret`.
fn requester(desk: &Desk, email: &str, prenom: &str, nom: &str, siret: &str) {
    ok(
        desk,
        &format!(
            r#"{{"cmd":"chorus.account","email":"{email}","civilite":"M","nom":"{nom}","prenom":"{prenom}"}}"#
        ),
    );
    ok(
        desk,
        &format!(r#"{{"cmd":"attachment.request","by":"{email}","siret":"{siret}"}}"#),
    );
}

/// The lycée with David, Emma and Hugo waiting for their rattachement.
fn three_requests() -> (tempfile::TempDir, Desk) {
    let (dir, desk) = lycee();
    requester(&desk, DAVID, "David", "Simon", EPLE_92);
    requester(&desk, EMMA, "Emma", "Roux", EPLE_92);
    requester(&desk, HUGO, "Hugo", "Blanc", EPLE_92);
    (dir, desk)
}

/// Opens an espace and acts as the user found by `filter` in the picker; the keys are counted from there.
fn act_as(d: &mut Screen, espace: char, filter: &str) {
    d.key(espace).key('c').typed(filter).press(KeyCode::Enter);
    d.keys = 0;
}

fn attachment(desk: &Desk, email: &str, siret: &str) -> Option<(String, String)> {
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

fn status_of(desk: &Desk, email: &str, siret: &str) -> String {
    attachment(desk, email, siret)
        .map(|(_, s)| s)
        .unwrap_or_default()
}

#[test]
fn ticking_and_validating_three_pending_rattachements_at_once() {
    let (_dir, desk) = three_requests();
    let mut d = Screen::new(&desk, 120, 40);
    act_as(&mut d, '6', "anne.lef");
    let screen = d.text();
    assert!(screen.contains("Connecté en tant que : Anne Lefèvre (anne.lefevre-xt) · gestionnaire principal de Lycée Jean Moulin"), "{screen}");
    assert!(
        screen.contains("Mes actions en attente > Les demandes de rattachements à une structure"),
        "{screen}"
    );
    for email in [DAVID, EMMA, HUGO] {
        assert!(
            screen.contains("[ ] ") && screen.contains(email),
            "{screen}"
        );
    }
    d.key(' ');
    d.key(' ');
    d.key(' ');
    let screen = d.text();
    assert_eq!(screen.matches("[x]").count(), 3, "{screen}");
    assert!(screen.contains("v valider (3)"), "{screen}");
    d.key('v');
    assert!(
        d.status()
            .contains("3 demande(s) de rattachement validée(s)"),
        "{}",
        d.status()
    );
    for email in [DAVID, EMMA, HUGO] {
        assert_eq!(
            attachment(&desk, email, EPLE_92),
            Some(("user".into(), "actif".into())),
            "{email}"
        );
    }
    // The list refreshed: nothing waits any more.
    assert!(
        d.text()
            .contains("Aucune demande de rattachement en attente"),
        "{}",
        d.text()
    );
}

#[test]
fn ten_pending_rattachements_are_validated_in_two_keys() {
    let (_dir, desk) = lycee();
    let emails: Vec<String> = (1..=10)
        .map(|i| format!("agent.numero{i:02}@ac-versailles.fr"))
        .collect();
    for (i, email) in emails.iter().enumerate() {
        requester(
            &desk,
            email,
            "Agent",
            &format!("Numero{:02}", i + 1),
            EPLE_92,
        );
    }
    let mut d = Screen::new(&desk, 120, 40);
    act_as(&mut d, '6', "anne.lef");
    d.key('*');
    d.key('v');
    eprintln!(
        "keys pressed to validate ten pending rattachements: {}",
        d.keys
    );
    assert!(d.keys <= 5, "{} keys", d.keys);
    assert!(
        d.status()
            .contains("10 demande(s) de rattachement validée(s)"),
        "{}",
        d.status()
    );
    for email in &emails {
        assert_eq!(status_of(&desk, email, EPLE_92), "actif", "{email}");
    }
}

#[test]
fn a_request_decided_meanwhile_is_reported_with_its_rule_and_the_others_done() {
    let (_dir, desk) = three_requests();
    let mut d = Screen::new(&desk, 120, 40);
    act_as(&mut d, '6', "anne.lef");
    // Emma withdraws her request while the list is on screen.
    ok(
        &desk,
        &format!(
            r#"{{"cmd":"attachment.remove","by":"{EMMA}","user":"{EMMA}","siret":"{EPLE_92}"}}"#
        ),
    );
    d.key('*');
    d.key('v');
    let status = d.status();
    assert!(
        status.contains("2 demande(s) de rattachement validée(s)"),
        "{status}"
    );
    assert!(
        status.contains("1 non traitée(s), la première : ✗ R11 rattachement"),
        "{status}"
    );
    assert_eq!(status_of(&desk, DAVID, EPLE_92), "actif");
    assert_eq!(status_of(&desk, EMMA, EPLE_92), "supprime");
    assert_eq!(status_of(&desk, HUGO, EPLE_92), "actif");
}

#[test]
fn refusing_the_selected_request_with_a_reason() {
    let (_dir, desk) = three_requests();
    let mut d = Screen::new(&desk, 120, 40);
    act_as(&mut d, '6', "anne.lef");
    d.press(KeyCode::Down);
    d.key('r');
    d.typed("hors de l'établissement");
    d.press(KeyCode::Enter);
    assert!(
        d.status()
            .contains("1 demande(s) de rattachement refusée(s)"),
        "{}",
        d.status()
    );
    assert_eq!(status_of(&desk, DAVID, EPLE_92), "demande");
    assert_eq!(status_of(&desk, EMMA, EPLE_92), "refuse");
    assert_eq!(status_of(&desk, HUGO, EPLE_92), "demande");
}

/// The GP hands his profile to Farid, a GS with a PIGP identifier; David, attached without one, is not offered.
fn transfer(interim: bool) {
    let (_dir, desk) = three_requests();
    ok(
        &desk,
        &format!(
            r#"{{"cmd":"attachment.validate","by":"{ANNE}","user":"{DAVID}","siret":"{EPLE_92}"}}"#
        ),
    );
    let mut d = Screen::new(&desk, 120, 40);
    act_as(&mut d, '6', "anne.lef");
    d.key('s');
    assert!(
        d.text()
            .contains("Gérer les structures > Lycée Jean Moulin"),
        "{}",
        d.text()
    );
    d.key('t');
    let screen = d.text();
    assert!(
        screen.contains("le successeur (identifiant PIGP)") && screen.contains("1 ligne(s)"),
        "{screen}"
    );
    assert!(screen.contains("farid.haddad-xt"), "{screen}");
    d.press(KeyCode::Enter);
    assert!(
        d.text()
            .contains("le profil de gestionnaire principal passe à Farid Haddad (farid.haddad-xt)"),
        "{}",
        d.text()
    );
    if interim {
        d.key(' ');
        assert!(d.text().contains("[x] oui"), "{}", d.text());
    }
    d.press(KeyCode::Enter);
    assert!(
        d.status().contains("profil de gestionnaire principal"),
        "{}",
        d.status()
    );
    let view = desk.structure_view(EPLE_92).expect("structure");
    assert_eq!(view["gp"]["email"], FARID);
    assert_eq!(view["gp_interim"], interim);
    assert_eq!(
        attachment(&desk, ANNE, EPLE_92),
        Some(("user".into(), "actif".into()))
    );
    // Anne is a simple user of the lycée now: she manages nothing any more.
    assert!(
        d.text().contains("n'est gestionnaire d'aucune structure"),
        "{}",
        d.text()
    );
}

#[test]
fn a_gp_transfer_through_the_successor_picker() {
    transfer(false);
}

#[test]
fn a_gp_transfer_to_an_interim() {
    transfer(true);
}

#[test]
fn a_user_without_pigp_identifier_cannot_be_designated_gs() {
    let (_dir, desk) = three_requests();
    ok(
        &desk,
        &format!(
            r#"{{"cmd":"attachment.validate","by":"{ANNE}","user":"{DAVID}","siret":"{EPLE_92}"}}"#
        ),
    );
    let mut d = Screen::new(&desk, 120, 40);
    act_as(&mut d, '6', "anne.lef");
    d.key('s');
    d.key('g');
    assert!(d.text().contains("✗ R9 identifiant PIGP"), "{}", d.text());
    let before = desk.store().dump_state().expect("dump");
    d.press(KeyCode::Enter);
    assert!(d.status().contains("R9 identifiant PIGP"), "{}", d.status());
    assert_eq!(before, desk.store().dump_state().expect("dump"));
}

#[test]
fn removing_the_gps_own_rattachement_shows_r14_and_changes_nothing() {
    let (_dir, desk) = three_requests();
    let mut d = Screen::new(&desk, 120, 40);
    act_as(&mut d, '5', "anne.lef");
    assert!(
        d.text()
            .contains("✗ supprimer rattachement : R14 gestionnaire principal"),
        "{}",
        d.text()
    );
    let before = (
        desk.store().dump_state().expect("dump"),
        desk.store().journal_head().expect("head"),
    );
    d.key('s');
    assert!(
        d.status().contains("✗ R14 gestionnaire principal"),
        "{}",
        d.status()
    );
    assert_eq!(
        before,
        (
            desk.store().dump_state().expect("dump"),
            desk.store().journal_head().expect("head")
        )
    );
}

#[test]
fn a_simple_user_cannot_validate_r11() {
    let (_dir, desk) = three_requests();
    let mut d = Screen::new(&desk, 120, 40);
    act_as(&mut d, '6', "david");
    let before = (
        desk.store().dump_state().expect("dump"),
        desk.store().journal_head().expect("head"),
    );
    d.key('v');
    assert!(d.status().contains("✗ R11 rattachement"), "{}", d.status());
    assert_eq!(
        before,
        (
            desk.store().dump_state().expect("dump"),
            desk.store().journal_head().expect("head")
        )
    );
}

#[test]
fn a_user_asks_a_rattachement_then_removes_his_own_request() {
    let (_dir, desk) = three_requests();
    let mut d = Screen::new(&desk, 120, 40);
    act_as(&mut d, '5', "david");
    d.key('d');
    // The structure he already asked for says why (R11); another is found by its UAI.
    assert!(d.text().contains("✗ R11 rattachement"), "{}", d.text());
    d.typed("0780001c");
    d.press(KeyCode::Enter);
    assert!(
        d.status()
            .contains("demande son rattachement à Collège des Sablons"),
        "{}",
        d.status()
    );
    assert_eq!(status_of(&desk, DAVID, EPLE_78), "demande");
    d.key('s');
    assert!(
        d.text().contains("Supprimer le rattachement à"),
        "{}",
        d.text()
    );
    d.key('o');
    let removed = [EPLE_78, EPLE_92]
        .iter()
        .filter(|s| status_of(&desk, DAVID, s) == "supprime")
        .count();
    assert_eq!(removed, 1);
}

#[test]
fn a_self_service_account_becomes_the_user_acted_as() {
    let (_dir, desk) = lycee();
    let mut d = Screen::new(&desk, 120, 40);
    d.key('5').key('n');
    d.press(KeyCode::Tab);
    d.typed("Petit");
    d.press(KeyCode::Tab);
    d.typed("Léa");
    d.press(KeyCode::Tab);
    d.typed("lea.petit@ac-versailles.fr");
    d.ctrl('s');
    assert!(
        d.status().contains("compte Chorus Pro créé"),
        "{}",
        d.status()
    );
    assert!(
        d.text().contains(
            "Connecté en tant que : Léa Petit (sans identifiant PIGP) · rattaché à aucune structure"
        ),
        "{}",
        d.text()
    );
}

/// Anne, GP of the lycée, who also asked to be attached to the collège; three requests wait at the lycée.
fn snapshot_world() -> (tempfile::TempDir, Desk) {
    let (dir, desk) = three_requests();
    ok(
        &desk,
        &format!(r#"{{"cmd":"attachment.request","by":"{ANNE}","siret":"{EPLE_78}"}}"#),
    );
    (dir, desk)
}

#[test]
fn snapshots_of_mon_compte() {
    let (_dir, desk) = snapshot_world();
    for (width, height) in [(120, 40), (80, 24)] {
        let mut d = Screen::new(&desk, width, height);
        act_as(&mut d, '5', "anne.lef");
        insta::assert_snapshot!(format!("mon_compte_{width}x{height}"), d.text());
    }
}

#[test]
fn snapshots_of_the_pending_requests_with_ticks() {
    let (_dir, desk) = snapshot_world();
    for (width, height) in [(120, 40), (80, 24)] {
        let mut d = Screen::new(&desk, width, height);
        act_as(&mut d, '6', "anne.lef");
        d.key(' ');
        d.key(' ');
        insta::assert_snapshot!(format!("activites_demandes_{width}x{height}"), d.text());
    }
}

#[test]
fn only_the_gp_transfers_the_profile_r14() {
    let (_dir, desk) = three_requests();
    let mut d = Screen::new(&desk, 120, 40);
    act_as(&mut d, '6', "farid");
    // A GS validates requests, but neither transfers the GP profile nor designates GS: the help says why.
    d.key('s');
    assert!(d.text().contains("· désigner un GS : R11"), "{}", d.text());
    d.key('?');
    let help = d.text();
    assert!(
        help.contains("indisponible : R14 gestionnaire principal"),
        "{help}"
    );
    d.press(KeyCode::Esc);
    let before = (
        desk.store().dump_state().expect("dump"),
        desk.store().journal_head().expect("head"),
    );
    d.key('t');
    assert!(
        d.status().contains("✗ R14 gestionnaire principal"),
        "{}",
        d.status()
    );
    assert!(
        d.status().contains("seul lui transfère le profil"),
        "{}",
        d.status()
    );
    assert_eq!(
        before,
        (
            desk.store().dump_state().expect("dump"),
            desk.store().journal_head().expect("head")
        )
    );
    d.key('a');
    d.key('v');
    assert!(
        d.status()
            .contains("1 demande(s) de rattachement validée(s)"),
        "{}",
        d.status()
    );
    assert_eq!(status_of(&desk, DAVID, EPLE_92), "actif");
}
