//! The first run on an empty database: set up my direction and my account (a form: the direction, its codique,
//! the departments it covers, its BALF, my name), or load demonstration data. Either goes through the desk, so the
//! first entries of the journal say how the database began.

use super::keymap::Key;
use super::theme::Theme;
use super::widgets::form::{Field, Form, FormEvent};
use super::widgets::{self};
use crate::desk::{Actor, Command, Desk, DeskError};
use crate::domain::Refusal;
use ratatui::Frame;
use ratatui::Terminal;
use ratatui::backend::Backend;
use ratatui::crossterm::event::{self, Event, KeyEvent, KeyEventKind};
use ratatui::layout::{Constraint, Layout};
use ratatui::text::Line;
use ratatui::widgets::Paragraph;
use serde_json::json;

pub enum Choice {
    Ready,
    Quit,
}

const CHOICES: [&str; 2] = [
    "Configurer ma direction et mon compte d'opérateur",
    "Charger des données de démonstration (fictives) pour découvrir le guichet",
];

pub enum Step {
    Menu(usize),
    Setup(Form),
    Loading,
}

pub struct FirstRun<'a> {
    desk: &'a Desk,
    actor: &'a Actor,
    theme: Theme,
    pub step: Step,
    message: Option<String>,
}

/// What a key did.
pub enum Outcome {
    Redraw,
    Nothing,
    /// Load the demonstration data (the caller draws "loading" first).
    LoadDemo,
    Done,
    Quit,
}

impl<'a> FirstRun<'a> {
    pub fn new(desk: &'a Desk, actor: &'a Actor) -> FirstRun<'a> {
        FirstRun {
            desk,
            actor,
            theme: Theme::from_env(),
            step: Step::Menu(0),
            message: None,
        }
    }

    fn setup_form(&self) -> Form {
        Form::new(
            "Configurer ma direction",
            vec![
                Field::text("code", "Code de la direction (ex. DDFIP78)", "").required(),
                Field::text("name", "Nom (ex. DDFiP des Yvelines)", "").required(),
                Field::text("codique", "Codique (3 à 9 chiffres)", "").required(),
                Field::text("departements", "Départements couverts (ex. 78, 92)", "").required(),
                Field::text("balf", "BALF de la direction", "").required(),
                Field::text("operator_name", "Votre nom", "").required(),
            ],
        )
    }

    fn execute(&self, command: serde_json::Value) -> Result<(), Refusal> {
        let command = Command::from_value(command)?;
        match self.desk.execute(self.actor, &command) {
            Ok(_) => Ok(()),
            Err(DeskError::Refused(r)) => Err(r),
            Err(DeskError::Store(e)) => Err(Refusal::state(None, e.to_string())),
        }
    }

    fn submit(&mut self) -> Outcome {
        let Step::Setup(form) = &mut self.step else {
            return Outcome::Nothing;
        };
        let Some(values) = form.to_json(serde_json::Map::new()) else {
            return Outcome::Redraw;
        };
        let departements: Vec<String> = values["departements"]
            .as_str()
            .unwrap_or("")
            .split([',', ' ', ';'])
            .filter(|d| !d.is_empty())
            .map(str::to_string)
            .collect();
        let direction = json!({
            "cmd": "direction.add", "code": values["code"], "name": values["name"],
            "codique": values["codique"], "departements": departements, "balf": values["balf"],
        });
        let code = values["code"].as_str().unwrap_or("").to_uppercase();
        let operator = json!({
            "cmd": "operator.update", "login": self.actor.effective(),
            "name": values["operator_name"], "direction": code,
        });
        let result = self
            .execute(direction)
            .and_then(|()| self.execute(operator));
        match result {
            Ok(()) => Outcome::Done,
            Err(refusal) => {
                if let Step::Setup(form) = &mut self.step {
                    form.show_refusal(&refusal);
                }
                Outcome::Redraw
            }
        }
    }

    pub fn on_key(&mut self, event: &KeyEvent) -> Outcome {
        let key = Key::of(event);
        if key == Some(Key::Ctrl('c')) {
            return Outcome::Quit;
        }
        match &mut self.step {
            Step::Menu(selected) => match key {
                Some(Key::Up | Key::Char('k')) => {
                    *selected = 0;
                    Outcome::Redraw
                }
                Some(Key::Down | Key::Char('j')) => {
                    *selected = 1;
                    Outcome::Redraw
                }
                Some(Key::Char('1')) => self.choose(0),
                Some(Key::Char('2')) => self.choose(1),
                Some(Key::Enter) => {
                    let n = *selected;
                    self.choose(n)
                }
                Some(Key::Char('q') | Key::Esc) => Outcome::Quit,
                _ => Outcome::Nothing,
            },
            Step::Setup(form) => match form.handle(event) {
                FormEvent::Changed => Outcome::Redraw,
                FormEvent::Ignored => Outcome::Nothing,
                FormEvent::Submit => self.submit(),
                FormEvent::Cancel => {
                    self.step = Step::Menu(0);
                    Outcome::Redraw
                }
            },
            Step::Loading => Outcome::Nothing,
        }
    }

    fn choose(&mut self, n: usize) -> Outcome {
        if n == 0 {
            self.step = Step::Setup(self.setup_form());
            Outcome::Redraw
        } else {
            self.step = Step::Loading;
            Outcome::LoadDemo
        }
    }

    /// Loads the demonstration data through the desk.
    pub fn load_demo(&mut self) -> Outcome {
        match crate::demo::generate(
            self.desk,
            self.actor,
            &crate::demo::Scale::DEMO,
            2026,
            &mut |_, _| {},
        ) {
            Ok(_) => Outcome::Done,
            Err(e) => {
                self.message = Some(format!("Chargement impossible : {e}"));
                self.step = Step::Menu(1);
                Outcome::Redraw
            }
        }
    }

    pub fn draw(&self, frame: &mut Frame) {
        let theme = &self.theme;
        let area = frame.area();
        let popup = widgets::centered(
            area,
            area.width.saturating_sub(4).min(90),
            area.height.saturating_sub(2).min(20),
        );
        let inner = widgets::popup(frame, popup, "Bienvenue dans guichet", theme);
        let [intro, body, foot] = Layout::vertical([
            Constraint::Length(3),
            Constraint::Min(3),
            Constraint::Length(1),
        ])
        .areas(inner);
        frame.render_widget(
            Paragraph::new(vec![
                Line::raw("Cette base est vide. Le premier opérateur qui l'ouvre en devient l'administrateur"),
                Line::raw(format!("({}).", self.actor.login)),
            ]),
            intro,
        );
        match &self.step {
            Step::Menu(selected) => {
                let mut lines: Vec<Line> = CHOICES
                    .iter()
                    .enumerate()
                    .map(|(i, c)| {
                        let style = if i == *selected {
                            theme.selected()
                        } else {
                            theme.base()
                        };
                        Line::styled(format!(" {}  {c}", i + 1), style)
                    })
                    .collect();
                if let Some(m) = &self.message {
                    lines.push(Line::styled(m.clone(), theme.error()));
                }
                frame.render_widget(Paragraph::new(lines), body);
                frame.render_widget(
                    Paragraph::new(Line::styled("1/2 ou ↑↓ puis ⏎ · q quitter", theme.muted())),
                    foot,
                );
            }
            Step::Setup(form) => {
                form.draw(frame, body, theme);
                frame.render_widget(
                    Paragraph::new(Line::styled(
                        "Tab champ suivant · Ctrl-S enregistrer · Échap retour",
                        theme.muted(),
                    )),
                    foot,
                );
            }
            Step::Loading => {
                frame.render_widget(
                    Paragraph::new("Chargement des données de démonstration, par le guichet lui-même (chaque opération est journalisée)…"),
                    body,
                );
            }
        }
    }
}

/// Runs the first-run screen on the terminal until the database is ready or the operator quits.
pub fn run<B: Backend>(
    terminal: &mut Terminal<B>,
    desk: &Desk,
    actor: &Actor,
) -> std::io::Result<Choice>
where
    B::Error: Into<std::io::Error>,
{
    let mut screen = FirstRun::new(desk, actor);
    let mut dirty = true;
    loop {
        if dirty {
            terminal.draw(|f| screen.draw(f)).map_err(Into::into)?;
            dirty = false;
        }
        let Event::Key(key) = event::read()? else {
            dirty = true;
            continue;
        };
        if key.kind != KeyEventKind::Press {
            continue;
        }
        match screen.on_key(&key) {
            Outcome::Redraw => dirty = true,
            Outcome::Nothing => {}
            Outcome::Quit => return Ok(Choice::Quit),
            Outcome::Done => return Ok(Choice::Ready),
            Outcome::LoadDemo => {
                terminal.draw(|f| screen.draw(f)).map_err(Into::into)?;
                match screen.load_demo() {
                    Outcome::Done => return Ok(Choice::Ready),
                    _ => dirty = true,
                }
            }
        }
    }
}
