//! Espace Référentiels: the directions with the departments they cover, their codique and BALF; the référents
//! facturation électronique of the académies; the 30 académies with their seat; the departments with their
//! académie and the direction that covers them. ←→ change the table, `/` filters as you type.

use super::{Ctx, Flow, Screen};
use crate::domain::reference;
use crate::domain::rules::direction_covering;
use crate::tui::keymap::{Binding, Key, Move};
use crate::tui::strings as s;
use crate::tui::widgets::filter::{Filter, Typed};
use crate::tui::widgets::{self, Cursor};
use ratatui::Frame;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Row};

const TABLES: [&str; 4] = ["Directions", "Référents", "Académies", "Départements"];

#[derive(Default)]
pub struct State {
    table: usize,
    rows: Vec<Vec<String>>,
    cursor: Cursor,
    filter: Filter,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Next,
    Previous,
    Filter,
}

impl State {
    fn headers(&self) -> (&'static [&'static str], Vec<Constraint>) {
        match self.table {
            0 => (
                &["Code", "Direction", "Codique", "Départements", "BALF"],
                vec![
                    Constraint::Length(10),
                    Constraint::Min(24),
                    Constraint::Length(9),
                    Constraint::Length(18),
                    Constraint::Min(24),
                ],
            ),
            1 => (
                &["Académie", "Référent", "Courriel"],
                vec![
                    Constraint::Length(18),
                    Constraint::Min(20),
                    Constraint::Min(30),
                ],
            ),
            2 => (
                &["Académie", "Siège", "Départements"],
                vec![
                    Constraint::Length(18),
                    Constraint::Length(24),
                    Constraint::Min(30),
                ],
            ),
            _ => (
                &["Code", "Département", "Académie", "Direction"],
                vec![
                    Constraint::Length(5),
                    Constraint::Min(24),
                    Constraint::Length(18),
                    Constraint::Length(12),
                ],
            ),
        }
    }

    fn load(&mut self, ctx: &Ctx) {
        let store = ctx.desk.store();
        let directions = store.directions().unwrap_or_default();
        let rows: Vec<Vec<String>> = match self.table {
            0 => directions
                .iter()
                .map(|d| {
                    vec![
                        d.code.clone(),
                        d.name.clone(),
                        d.codique.clone(),
                        d.departements.join(", "),
                        d.balf.to_string(),
                    ]
                })
                .collect(),
            1 => store
                .referents()
                .unwrap_or_default()
                .into_iter()
                .map(|r| vec![r.academie, r.name, r.email.to_string()])
                .collect(),
            2 => reference::academies()
                .iter()
                .map(|a| {
                    let seat = reference::departement(a.seat)
                        .map(|d| format!("{} {}", d.code, d.name))
                        .unwrap_or_default();
                    let members: Vec<&str> = reference::departements()
                        .iter()
                        .filter(|d| d.academie == a.name)
                        .map(|d| d.code)
                        .collect();
                    vec![a.name.to_string(), seat, members.join(", ")]
                })
                .collect(),
            _ => reference::departements()
                .iter()
                .map(|d| {
                    let direction = direction_covering(d.code, &directions)
                        .map(|x| x.code.clone())
                        .unwrap_or_else(|| "—".into());
                    vec![
                        d.code.to_string(),
                        d.name.to_string(),
                        d.academie.to_string(),
                        direction,
                    ]
                })
                .collect(),
        };
        self.rows = rows
            .into_iter()
            .filter(|r| self.filter.matches(&r.join(" ")))
            .collect();
        self.cursor.settle(self.rows.len(), ctx.rows);
    }
}

impl Screen for State {
    type Action = Action;

    fn breadcrumb(&self) -> Vec<String> {
        vec![TABLES[self.table].to_string()]
    }

    fn bindings(&self, _ctx: &Ctx) -> Vec<Binding<Action>> {
        vec![
            Binding::new(
                Key::Char('l'),
                "table suivante",
                "Table suivante (→ ou l)",
                Action::Next,
            ),
            Binding::new(
                Key::Char('h'),
                "table précédente",
                "Table précédente (← ou h)",
                Action::Previous,
            )
            .help_only(),
            Binding::new(
                Key::Char('/'),
                s::HINT_FILTER,
                s::HELP_FILTER,
                Action::Filter,
            ),
        ]
    }

    fn act(&mut self, action: Action, ctx: &Ctx) -> Flow {
        match action {
            Action::Next => self.table = (self.table + 1) % TABLES.len(),
            Action::Previous => self.table = (self.table + TABLES.len() - 1) % TABLES.len(),
            Action::Filter => {
                self.filter.start();
                return Flow::Changed;
            }
        }
        self.cursor = Cursor::default();
        self.load(ctx);
        Flow::Changed
    }

    fn capture(&mut self, key: &KeyEvent, ctx: &Ctx) -> Option<Flow> {
        use ratatui::crossterm::event::KeyCode;
        if !self.filter.typing() {
            return match key.code {
                KeyCode::Right => Some(self.act(Action::Next, ctx)),
                KeyCode::Left => Some(self.act(Action::Previous, ctx)),
                _ => None,
            };
        }
        match self.filter.type_key(key) {
            Typed::Pass => return None,
            Typed::Open => {}
            Typed::Changed => {
                self.cursor = Cursor::default();
                self.load(ctx);
            }
        }
        Some(Flow::Changed)
    }

    fn typing(&self) -> bool {
        self.filter.typing()
    }

    fn on_move(&mut self, movement: Move, ctx: &Ctx) -> Flow {
        self.cursor.selected = movement.apply(self.cursor.selected, self.rows.len(), ctx.rows);
        Flow::Changed
    }

    fn refresh(&mut self, ctx: &Ctx) {
        self.load(ctx);
    }

    fn draw(&mut self, frame: &mut Frame, area: Rect, ctx: &Ctx) {
        let theme = &ctx.theme;
        let [tabs, list] =
            Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(area);
        let mut spans = vec![Span::raw(" ")];
        for (i, t) in TABLES.iter().enumerate() {
            let style = if i == self.table {
                theme.tab_active()
            } else {
                theme.muted()
            };
            spans.push(Span::styled(format!(" {t} "), style));
            spans.push(Span::raw(" "));
        }
        if let Some(prompt) = self.filter.prompt() {
            spans.push(Span::raw(format!("  {prompt}")));
        }
        frame.render_widget(Paragraph::new(Line::from(spans)), tabs);
        let height = list.height.saturating_sub(3) as usize;
        self.cursor.settle(self.rows.len(), height);
        let (headers, widths) = self.headers();
        let rows: Vec<Row> = self
            .rows
            .iter()
            .skip(self.cursor.offset)
            .take(height.max(1))
            .map(|r| Row::new(r.clone()))
            .collect();
        let title = format!(" {} · {} ", TABLES[self.table], self.rows.len());
        widgets::table(
            frame,
            list,
            Block::bordered().title(Span::styled(title, theme.title())),
            Row::new(headers.to_vec()),
            rows,
            &widths,
            Some(self.cursor.selected - self.cursor.offset),
            theme,
        );
    }

    fn copy(&self) -> Option<String> {
        self.rows
            .get(self.cursor.selected)
            .and_then(|r| r.first().cloned())
    }
}
