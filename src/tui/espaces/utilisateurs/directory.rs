//! The ASPASIE directory of the Utilisateurs espace: every account, or only the accès résiduels of R16, sorted by
//! name, filtered as you type (ignoring case and accents), drawn a page at a time.

use crate::domain::ids::fold;
use crate::domain::user::{User, UserStatus};
use crate::store::T;
use crate::tui::espaces::Ctx;
use crate::tui::keymap::Move;
use crate::tui::strings as s;
use crate::tui::theme::Theme;
pub use crate::tui::widgets::filter::{Filter, Typed};
use crate::tui::widgets::{self, Cursor};
use ratatui::Frame;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Row};
use std::collections::HashMap;

/// Below this width the directory drops the population and codique columns.
const WIDE: u16 = 100;

/// One line of the directory.
#[derive(Debug, Clone)]
pub struct Entry {
    pub email: String,
    name: String,
    pigp: Option<String>,
    population: String,
    codique: String,
    status: UserStatus,
    /// What a leaver still holds (R16), in the residual view.
    residual: String,
    /// Everything the filter matches, folded.
    folded: String,
}

impl Entry {
    fn of(u: User, residual: String) -> Entry {
        let name = format!("{} {}", u.nom, u.prenom);
        let pigp = u.pigp_id.map(|p| p.to_string());
        let population = u
            .population
            .map(|p| p.label().to_string())
            .unwrap_or_default();
        let codique = u.codique.unwrap_or_default();
        let folded = fold(&format!(
            "{name} {} {} {population} {codique} {}",
            u.email,
            pigp.as_deref().unwrap_or("compte chorus pro"),
            u.status.label()
        ));
        Entry {
            email: u.email.to_string(),
            name,
            pigp,
            population,
            codique,
            status: u.status,
            residual,
            folded,
        }
    }

    pub fn identifier(&self) -> String {
        self.pigp.clone().unwrap_or_else(|| self.email.clone())
    }
}

#[derive(Debug, Default)]
pub struct Directory {
    entries: Vec<Entry>,
    /// The entries the filter keeps, by index.
    shown: Vec<usize>,
    cursor: Cursor,
    pub filter: Filter,
    /// Only the users with accès résiduels (R16).
    pub residual: bool,
}

impl Directory {
    /// Reads the directory. The whole users tree is read (1,000 accounts in a demonstration base are a few
    /// hundred kilobytes); a national base would need a sorted name index (`users_by_name`, `nom‖prénom‖id`)
    /// read a page at a time, and a search index for the filter.
    pub fn load(&mut self, ctx: &Ctx) {
        let store = ctx.desk.store();
        let mut residual: HashMap<String, String> = HashMap::new();
        if self.residual {
            for r in ctx.desk.residual_access().unwrap_or_default() {
                let n = |k: &str| r[k].as_array().map(Vec::len).unwrap_or(0);
                let plural =
                    |n: usize, word: &str| format!("{n} {word}{}", if n > 1 { "s" } else { "" });
                let what = format!(
                    "{} · {}",
                    plural(n("attachments"), "rattachement"),
                    plural(n("rights"), "droit")
                );
                residual.insert(r["email"].as_str().unwrap_or("").to_string(), what);
            }
        }
        let users = store.scan::<User>(T::Users, b"").unwrap_or_default();
        let mut entries: Vec<Entry> = users
            .into_iter()
            .map(|(_, u)| u)
            .filter_map(|u| match residual.remove(u.email.as_str()) {
                Some(what) => Some(Entry::of(u, what)),
                None if !self.residual => Some(Entry::of(u, String::new())),
                None => None,
            })
            .collect();
        entries.sort_by_cached_key(|e| (fold(&e.name), e.email.clone()));
        self.entries = entries;
        self.apply_filter();
    }

    fn apply_filter(&mut self) {
        let needle = self.filter.needle();
        self.shown = (0..self.entries.len())
            .filter(|&i| self.entries[i].folded.contains(&needle))
            .collect();
        self.cursor.settle(self.shown.len(), usize::MAX);
    }

    pub fn selected(&self) -> Option<&Entry> {
        self.shown
            .get(self.cursor.selected)
            .and_then(|&i| self.entries.get(i))
    }

    pub fn filtered(&self) -> bool {
        !self.filter.is_empty()
    }

    /// Échap: drops the filter, or when there is none, the residual view.
    pub fn widen(&mut self, ctx: &Ctx) {
        if !self.filtered() {
            self.residual = false;
        }
        self.filter.reset();
        self.cursor = Cursor::default();
        self.load(ctx);
    }

    /// Only the users with accès résiduels, unfiltered.
    pub fn show_residual(&mut self, ctx: &Ctx) {
        self.residual = true;
        self.filter.reset();
        self.cursor = Cursor::default();
        self.load(ctx);
    }

    pub fn on_move(&mut self, movement: Move, page: usize) {
        self.cursor.selected = movement.apply(self.cursor.selected, self.shown.len(), page);
    }

    /// A key while the filter is typed: ⏎ ends the typing and asks to open the selection, Échap clears the
    /// filter, ↑↓ PgPréc/PgSuiv still move (`Pass`), any other key edits the filter.
    pub fn type_key(&mut self, key: &KeyEvent) -> Typed {
        let typed = self.filter.type_key(key);
        if typed == Typed::Changed {
            self.cursor = Cursor::default();
            self.apply_filter();
        }
        typed
    }

    /// The filter line and the visible page of the list.
    pub fn draw(&mut self, frame: &mut Frame, area: Rect, theme: &Theme) {
        let theme = *theme;
        let [head, list] =
            Layout::vertical([Constraint::Length(1), Constraint::Min(3)]).areas(area);
        let scope = self.residual.then_some(
            "R16 : sortis ou supprimés encore rattachés dans Chorus Pro ou titulaires de droits MADRHAS",
        );
        let line = self.filter.head(
            scope,
            "/ pour filtrer (nom, courriel, identifiant, codique…)",
            &theme,
        );
        frame.render_widget(Paragraph::new(line), head);
        let height = list.height.saturating_sub(3) as usize;
        self.cursor.settle(self.shown.len(), height);
        let wide = list.width >= WIDE;
        let rows: Vec<Row> = self
            .shown
            .iter()
            .skip(self.cursor.offset)
            .take(height.max(1))
            .filter_map(|&i| self.entries.get(i))
            .map(|e| {
                let pigp = e
                    .pigp
                    .clone()
                    .unwrap_or_else(|| "compte Chorus Pro".to_string());
                let mut cells = vec![e.name.clone(), e.email.clone()];
                if !self.residual || wide {
                    cells.push(pigp);
                }
                if self.residual {
                    cells.push(e.status.label().to_string());
                    cells.push(e.residual.clone());
                } else {
                    if wide {
                        cells.push(e.population.clone());
                        cells.push(e.codique.clone());
                    }
                    cells.push(e.status.label().to_string());
                }
                let style = if e.status == UserStatus::Actif {
                    theme.base()
                } else {
                    theme.warn()
                };
                Row::new(cells).style(style)
            })
            .collect();
        let (header, widths): (Vec<&str>, Vec<Constraint>) = match (self.residual, wide) {
            (false, true) => (
                vec![
                    "Nom",
                    "Courriel",
                    "Identifiant PIGP",
                    "Pop.",
                    "Codique",
                    "Statut",
                ],
                vec![
                    Constraint::Min(20),
                    Constraint::Min(28),
                    Constraint::Length(22),
                    Constraint::Length(6),
                    Constraint::Length(9),
                    Constraint::Length(8),
                ],
            ),
            (false, false) => (
                vec!["Nom", "Courriel", "Identifiant PIGP", "Statut"],
                vec![
                    Constraint::Min(14),
                    Constraint::Min(22),
                    Constraint::Length(18),
                    Constraint::Length(8),
                ],
            ),
            (true, true) => (
                vec![
                    "Nom",
                    "Courriel",
                    "Identifiant PIGP",
                    "Statut",
                    "Accès résiduels (MADRHAS, Chorus Pro)",
                ],
                vec![
                    Constraint::Min(18),
                    Constraint::Min(24),
                    Constraint::Length(20),
                    Constraint::Length(8),
                    Constraint::Length(37),
                ],
            ),
            (true, false) => (
                vec!["Nom", "Courriel", "Statut", "Accès résiduels"],
                vec![
                    Constraint::Min(12),
                    Constraint::Min(16),
                    Constraint::Length(8),
                    Constraint::Length(24),
                ],
            ),
        };
        let what = if self.residual {
            "Accès résiduels (R16)"
        } else {
            "Annuaire ASPASIE"
        };
        let count = if self.shown.len() == self.entries.len() {
            format!("{} utilisateur(s)", self.entries.len())
        } else {
            format!(
                "{} sur {} utilisateur(s)",
                self.shown.len(),
                self.entries.len()
            )
        };
        let title = Span::styled(format!(" {what} · {count} "), theme.title());
        let selected = self.cursor.selected.saturating_sub(self.cursor.offset);
        widgets::table(
            frame,
            list,
            Block::bordered().title(title),
            Row::new(header),
            rows,
            &widths,
            Some(selected),
            &theme,
        );
        if self.shown.is_empty() && list.height > 3 && list.width > 4 {
            let inner = Rect {
                y: list.y + 2,
                height: 1,
                x: list.x + 2,
                width: list.width.saturating_sub(4),
            };
            frame.render_widget(Paragraph::new(Line::styled(s::EMPTY, theme.muted())), inner);
        }
    }
}
