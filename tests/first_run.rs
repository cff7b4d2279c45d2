//! The first run on an empty database: the two choices, the set-up form that creates the direction and attaches
//! the first operator (the administrator) to it — with a refusal shown at its field — and the demonstration data.

mod common;

use common::*;
use guichet::tui::first_run::{FirstRun, Outcome};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

fn text(terminal: &Terminal<TestBackend>) -> String {
    let buffer = terminal.backend().buffer();
    buffer
        .content()
        .chunks(buffer.area.width as usize)
        .map(|row| row.iter().map(|c| c.symbol()).collect::<String>())
        .collect::<Vec<_>>()
        .join("\n")
}

fn key(screen: &mut FirstRun, code: KeyCode) -> Outcome {
    screen.on_key(&KeyEvent::new(code, KeyModifiers::NONE))
}

fn typed(screen: &mut FirstRun, text: &str) {
    for c in text.chars() {
        key(screen, KeyCode::Char(c));
    }
}

#[test]
fn the_first_run_sets_up_my_direction_and_makes_me_its_administrator() {
    let (_dir, desk) = desk();
    let me = actor();
    let mut screen = FirstRun::new(&desk, &me);
    let mut terminal = Terminal::new(TestBackend::new(100, 30)).expect("terminal");
    terminal.draw(|f| screen.draw(f)).expect("draw");
    let shown = text(&terminal);
    assert!(shown.contains("Configurer ma direction"), "{shown}");
    assert!(
        shown.contains("Charger des données de démonstration"),
        "{shown}"
    );

    key(&mut screen, KeyCode::Char('1'));
    typed(&mut screen, "DDFIP78");
    key(&mut screen, KeyCode::Tab);
    typed(&mut screen, "DDFiP des Yvelines");
    key(&mut screen, KeyCode::Tab);
    typed(&mut screen, "12");
    key(&mut screen, KeyCode::Tab);
    typed(&mut screen, "78, 92");
    key(&mut screen, KeyCode::Tab);
    typed(&mut screen, "ddfip78.demat@dgfip.finances.gouv.fr");
    key(&mut screen, KeyCode::Tab);
    typed(&mut screen, "Camille Chevalier");
    let save = screen.on_key(&KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL));
    assert!(
        matches!(save, Outcome::Redraw),
        "a codique of 2 digits is refused"
    );
    terminal.draw(|f| screen.draw(f)).expect("draw");
    assert!(
        text(&terminal).contains("3 à 9 chiffres"),
        "{}",
        text(&terminal)
    );

    // The codique is corrected in place: the form kept everything typed.
    key(&mut screen, KeyCode::Backspace);
    key(&mut screen, KeyCode::Backspace);
    typed(&mut screen, "078000");
    let save = screen.on_key(&KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL));
    assert!(matches!(save, Outcome::Done));
    let operator = desk
        .store()
        .operator("admin.test")
        .expect("read")
        .expect("the first operator");
    assert_eq!(
        operator.role,
        guichet::domain::operator::OperatorRole::Admin
    );
    assert_eq!(operator.direction.as_deref(), Some("DDFIP78"));
    assert_eq!(operator.name, "Camille Chevalier");
    let direction = desk
        .store()
        .direction("DDFIP78")
        .expect("read")
        .expect("the direction");
    assert_eq!(direction.departements, vec!["78", "92"]);
}

#[test]
fn the_first_run_loads_the_demonstration_data() {
    let (_dir, desk) = desk();
    let me = actor();
    let mut screen = FirstRun::new(&desk, &me);
    assert!(matches!(
        key(&mut screen, KeyCode::Char('2')),
        Outcome::LoadDemo
    ));
    assert!(matches!(screen.load_demo(), Outcome::Done));
    assert!(desk.store().directions().expect("read").len() >= 5);
    assert!(desk.store().operator("camille.c").expect("read").is_some());
}
