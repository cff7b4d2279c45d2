//! The ASPASIE directory of the Utilisateurs espace: every account, or only the accès résiduels of R16, sorted by
//! name, filtered as you type (ignoring case and accents), drawn a page at a time.

use super::search::UserSearch;
use crate::domain::ids::{Email, fold};
use crate::domain::user::{User, UserStatus};
use crate::tui::espaces::Ctx;
use crate::tui::keymap::Move;
use crate::tui::strings as s;
pub use crate::tui::widgets::filter::{Filter, Typed};
use crate::tui::widgets::{self, Cursor};
use ratatui::Frame;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Row};

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
        let folded = u.search_text();
        let name = format!("{} {}", u.nom, u.prenom);
        let pigp = u.pigp_id.map(|p| p.to_string());
        let population = u
            .population
            .map(|p| p.label().to_string())
            .unwrap_or_default();
        let codique = u.codique.unwrap_or_default();
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
    /// The accounts the filter keeps, a page at a time (outside the residual view).
    users: UserSearch,
    /// The accès résiduels of R16, in the residual view: the leavers only, a short list read whole.
    leavers: Vec<Entry>,
    /// The lines of the list.
    total: usize,
    /// The lines drawn: the page that starts at line `page_at`.
    page: Vec<Entry>,
    page_at: usize,
    cursor: Cursor,
    pub filter: Filter,
    /// Only the users with accès résiduels (R16).
    pub residual: bool,
}

impl Directory {
    /// Reads what the list shows: counts and, for a filter, the users found; the lines themselves are read a page
    /// at a time when drawn (a national directory holds tens of thousands of accounts).
    pub fn load(&mut self, ctx: &Ctx) {
        let store = ctx.desk.store();
        self.users.load(store);
        self.leavers.clear();
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
                let user = r["email"]
                    .as_str()
                    .and_then(|e| Email::parse(e).ok())
                    .and_then(|e| store.user_by_email(&e).ok().flatten());
                if let Some(u) = user {
                    self.leavers.push(Entry::of(u, what));
                }
            }
            self.leavers
                .sort_by_cached_key(|e| (fold(&e.name), e.email.clone()));
        }
        self.apply_filter(ctx);
    }

    fn apply_filter(&mut self, ctx: &Ctx) {
        let needle = self.filter.needle();
        self.total = if self.residual {
            self.leavers
                .iter()
                .filter(|e| e.folded.contains(&needle))
                .count()
        } else {
            self.users.apply(ctx.desk.store(), &needle);
            self.users.total()
        };
        self.page.clear();
        self.page_at = usize::MAX;
        self.cursor.settle(self.total, usize::MAX);
    }

    /// Reads the lines `[at, at + height)` of the list, unless they are the ones drawn already.
    fn fetch(&mut self, ctx: &Ctx, at: usize, height: usize) {
        if self.page_at == at && self.page.len() >= height.min(self.total.saturating_sub(at)) {
            return;
        }
        self.page = if self.residual {
            let needle = self.filter.needle();
            self.leavers
                .iter()
                .filter(|e| e.folded.contains(&needle))
                .skip(at)
                .take(height)
                .cloned()
                .collect()
        } else {
            let users = self.users.page(ctx.desk.store(), at, height);
            self.total = self.users.total();
            users
                .into_iter()
                .map(|u| Entry::of(u, String::new()))
                .collect()
        };
        self.page_at = at;
    }

    pub fn selected(&self) -> Option<&Entry> {
        self.page
            .get(self.cursor.selected.checked_sub(self.page_at)?)
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
        self.cursor.selected = movement.apply(self.cursor.selected, self.total, page);
    }

    /// A key while the filter is typed: ⏎ ends the typing and asks to open the selection, Échap clears the
    /// filter, ↑↓ PgPréc/PgSuiv still move (`Pass`), any other key edits the filter.
    pub fn type_key(&mut self, key: &KeyEvent, ctx: &Ctx) -> Typed {
        let typed = self.filter.type_key(key);
        if typed == Typed::Changed {
            self.cursor = Cursor::default();
            self.apply_filter(ctx);
        }
        typed
    }

    /// The filter line and the visible page of the list.
    pub fn draw(&mut self, frame: &mut Frame, area: Rect, ctx: &Ctx) {
        let theme = ctx.theme;
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
        self.cursor.settle(self.total, height);
        self.fetch(ctx, self.cursor.offset, height.max(1));
        // A search read to its end may have found fewer lines than it estimated: the cursor comes back within them.
        if self.cursor.selected >= self.total {
            self.cursor.settle(self.total, height);
            self.fetch(ctx, self.cursor.offset, height.max(1));
        }
        let wide = list.width >= WIDE;
        let rows: Vec<Row> = self
            .page
            .iter()
            .take(height.max(1))
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
        let all = self.users.all();
        let scope = self
            .users
            .scope()
            .map(|scope| format!(" · {scope}"))
            .unwrap_or_default();
        let count = if self.residual {
            if self.total == self.leavers.len() {
                format!("{} utilisateur(s)", self.total)
            } else {
                format!("{} sur {} utilisateur(s)", self.total, self.leavers.len())
            }
        } else if !self.filtered() {
            format!("{all} utilisateur(s)")
        } else if !self.users.exact() {
            format!("≈ {} sur {all} utilisateur(s){scope}", self.total)
        } else {
            format!("{} sur {all} utilisateur(s){scope}", self.total)
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
        if self.total == 0 && list.height > 3 && list.width > 4 {
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
