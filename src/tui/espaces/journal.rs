//! Espace Journal: every command tried, done or refused, newest first, with the operator, the Chorus Pro user
//! acted as and the outcome; filtered as you type; the state of the SHA-256 chain (verified on opening for a
//! journal of ordinary size, on demand with `v` beyond); ⏎ shows an entry whole, with its hashes.

use super::{Ctx, Flow, Screen};
use crate::desk::audit;
use crate::store::journal::{Entry, Outcome, hex};
use crate::tui::keymap::{Binding, Key, Move};
use crate::tui::strings as s;
use crate::tui::widgets::filter::{Filter, Typed};
use crate::tui::widgets::{self, Cursor};
use ratatui::Frame;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Row, Wrap};

/// Up to this many entries, the chain is verified each time the espace opens.
const VERIFY_ON_OPEN: u64 = 50_000;
/// A filter reads at most this many entries back.
const FILTER_SCAN: usize = 20_000;

#[derive(Default)]
pub struct State {
    entries: Vec<Entry>,
    total: u64,
    cursor: Cursor,
    filter: Filter,
    chain: Option<Result<String, String>>,
    detail: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Open,
    Back,
    Filter,
    Verify,
}

fn outcome(e: &Entry) -> String {
    match &e.draft.outcome {
        Outcome::Done { .. } => "fait".to_string(),
        Outcome::Refused { rule, .. } => format!("refusé {rule}"),
    }
}

fn summary(e: &Entry) -> &str {
    match &e.draft.outcome {
        Outcome::Done { summary } => summary,
        Outcome::Refused { message, .. } => message,
    }
}

fn command(e: &Entry) -> String {
    serde_json::from_str::<serde_json::Value>(&e.draft.command)
        .ok()
        .and_then(|v| v.get("cmd").and_then(|c| c.as_str()).map(str::to_string))
        .unwrap_or_else(|| "ligne illisible".to_string())
}

impl State {
    fn load(&mut self, ctx: &Ctx) {
        let filter = &self.filter;
        let keep = |e: &Entry| {
            filter.matches(&format!(
                "{} {} {} {} {}",
                e.draft.operator,
                e.draft.on_behalf_of.as_deref().unwrap_or(""),
                command(e),
                outcome(e),
                summary(e)
            ))
        };
        let height = ctx.rows.max(1);
        let first = self.cursor.offset;
        self.entries = ctx
            .desk
            .store()
            .journal_page(first, height + 1, FILTER_SCAN.max(first + height), &keep)
            .unwrap_or_default();
    }

    fn verify(&mut self, ctx: &Ctx) {
        self.chain = Some(match audit::verify(ctx.desk.store()) {
            Ok(Ok(state)) => Ok(format!(
                "chaîne intègre : {} entrées, tête {}",
                state.entries,
                &state.head[..16]
            )),
            Ok(Err(broken)) => Err(format!(
                "chaîne rompue à l'entrée {} : {}",
                broken.seq, broken.reason
            )),
            Err(e) => Err(e.to_string()),
        });
    }

    fn selected(&self) -> Option<&Entry> {
        self.entries
            .get(self.cursor.selected.saturating_sub(self.cursor.offset))
    }
}

impl Screen for State {
    type Action = Action;

    fn breadcrumb(&self) -> Vec<String> {
        let mut crumbs = vec!["Journal des opérations".to_string()];
        if self.detail
            && let Some(e) = self.selected()
        {
            crumbs.push(format!("Entrée {}", e.seq));
        }
        crumbs
    }

    fn bindings(&self, _ctx: &Ctx) -> Vec<Binding<Action>> {
        if self.detail {
            return vec![Binding::new(
                Key::Esc,
                s::HINT_BACK,
                s::HELP_BACK,
                Action::Back,
            )];
        }
        vec![
            Binding::new(
                Key::Enter,
                "détail",
                "Voir l'entrée entière : commande, résultat, empreintes",
                Action::Open,
            ),
            Binding::new(
                Key::Char('/'),
                s::HINT_FILTER,
                s::HELP_FILTER,
                Action::Filter,
            ),
            Binding::new(
                Key::Char('v'),
                "vérifier la chaîne",
                "Recalculer toute la chaîne d'empreintes SHA-256",
                Action::Verify,
            ),
        ]
    }

    fn act(&mut self, action: Action, ctx: &Ctx) -> Flow {
        match action {
            Action::Open => self.detail = self.selected().is_some(),
            Action::Back => self.detail = false,
            Action::Filter => self.filter.start(),
            Action::Verify => self.verify(ctx),
        }
        Flow::Changed
    }

    fn capture(&mut self, key: &KeyEvent, ctx: &Ctx) -> Option<Flow> {
        if !self.filter.typing() {
            return None;
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
        if self.detail {
            return Flow::Nothing;
        }
        // Unfiltered, the journal's length is known; filtered, the page loaded says whether more follows.
        let len = if self.filter.is_empty() {
            self.total as usize
        } else {
            self.cursor.offset + self.entries.len()
        };
        self.cursor.selected = movement.apply(self.cursor.selected, len, ctx.rows);
        self.cursor.settle(len, ctx.rows);
        self.load(ctx);
        Flow::Changed
    }

    fn refresh(&mut self, ctx: &Ctx) {
        self.total = ctx
            .desk
            .store()
            .journal_head()
            .map(|(seq, _)| seq)
            .unwrap_or(0);
        if self.chain.is_none() && self.total <= VERIFY_ON_OPEN {
            self.verify(ctx);
        }
        self.load(ctx);
    }

    fn draw(&mut self, frame: &mut Frame, area: Rect, ctx: &Ctx) {
        let theme = &ctx.theme;
        let [head, list] =
            Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(area);
        let chain = match &self.chain {
            Some(Ok(t)) => Span::styled(format!(" ✓ {t}"), theme.ok()),
            Some(Err(t)) => Span::styled(format!(" ✗ {t}"), theme.error()),
            None => Span::styled(" chaîne non vérifiée : v pour la vérifier", theme.warn()),
        };
        let filter = Span::raw(
            self.filter
                .prompt()
                .map(|p| format!("   {p}"))
                .unwrap_or_default(),
        );
        frame.render_widget(Paragraph::new(Line::from(vec![chain, filter])), head);
        if self.detail
            && let Some(e) = self.selected()
        {
            let d = &e.draft;
            let lines = vec![
                widgets::field("N°", e.seq.to_string(), theme),
                widgets::field(
                    "Date",
                    d.at.with_timezone(&chrono::Local)
                        .format("%d/%m/%Y %H:%M:%S")
                        .to_string(),
                    theme,
                ),
                widgets::field(
                    "Opérateur",
                    format!(
                        "{}{}",
                        d.operator,
                        d.via
                            .as_ref()
                            .map(|v| format!(" (par {v})"))
                            .unwrap_or_default()
                    ),
                    theme,
                ),
                widgets::field(
                    "En tant que",
                    d.on_behalf_of.clone().unwrap_or_else(|| "—".into()),
                    theme,
                ),
                widgets::field(
                    "Résultat",
                    format!("{} — {}", outcome(e), summary(e)),
                    theme,
                ),
                widgets::field("Commande", d.command.clone(), theme),
                widgets::field("Empreinte", hex(&e.hash), theme),
                widgets::field("Précédente", hex(&e.prev_hash), theme),
            ];
            let block =
                Block::bordered().title(Span::styled(format!(" Entrée {} ", e.seq), theme.title()));
            frame.render_widget(
                Paragraph::new(lines)
                    .wrap(Wrap { trim: false })
                    .block(block),
                list,
            );
            return;
        }
        let rows: Vec<Row> = self
            .entries
            .iter()
            .take(ctx.rows.max(1))
            .map(|e| {
                let refused = matches!(e.draft.outcome, Outcome::Refused { .. });
                let style = if refused { theme.warn() } else { theme.base() };
                Row::new(vec![
                    e.seq.to_string(),
                    e.draft
                        .at
                        .with_timezone(&chrono::Local)
                        .format("%d/%m/%Y %H:%M")
                        .to_string(),
                    e.draft.operator.clone(),
                    e.draft.on_behalf_of.clone().unwrap_or_default(),
                    command(e),
                    outcome(e),
                    summary(e).to_string(),
                ])
                .style(style)
            })
            .collect();
        let title = format!(" Journal · {} entrées ", self.total);
        widgets::table(
            frame,
            list,
            Block::bordered().title(Span::styled(title, theme.title())),
            Row::new(vec![
                "N°",
                "Date",
                "Opérateur",
                "En tant que",
                "Commande",
                "Résultat",
                "Détail",
            ]),
            rows,
            &[
                Constraint::Length(7),
                Constraint::Length(16),
                Constraint::Length(12),
                Constraint::Length(18),
                Constraint::Length(20),
                Constraint::Length(11),
                Constraint::Min(20),
            ],
            Some(self.cursor.selected.saturating_sub(self.cursor.offset)),
            theme,
        );
    }

    fn copy(&self) -> Option<String> {
        self.selected().map(|e| hex(&e.hash))
    }
}
