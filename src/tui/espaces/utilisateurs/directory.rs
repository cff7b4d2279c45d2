//! The ASPASIE directory of the Utilisateurs espace: every account, or only the accès résiduels of R16, sorted by
//! name, filtered as you type (ignoring case and accents), drawn a page at a time.

use crate::domain::ids::{Email, fold};
use crate::domain::user::{User, UserStatus};
use crate::store::Found;
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

/// What a keystroke of the filter reads, a few milliseconds on a national directory: the holders of the needle's
/// rarest trigram when there are at most this many (the list is then exact), else this many rows of the name index
/// beyond the lines shown, the total then estimated (« ≈ ») and made exact as one types on (each letter reads on
/// where the last stopped) or moves down the list. A status or a population stays an estimate.
const SEARCH_BUDGET: usize = 2048;

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

/// What the directory lists.
#[derive(Debug, Default)]
enum Source {
    /// Every user, in name order (the name index, a page at a time).
    #[default]
    All,
    /// The users whose name starts with the one or two letters typed.
    Prefix(String),
    /// The users whose search text contains what was typed (three letters or more): the holders of its rarest
    /// trigram, or the name index as far as the list is shown and a budget beyond (see `Found`); typing on narrows
    /// what was read, and a list read to its end narrows without reading the store again.
    Found(Found),
    /// The accès résiduels of R16: the leavers only, a short list read whole.
    Residual(Vec<Entry>),
}

#[derive(Debug, Default)]
pub struct Directory {
    source: Source,
    /// The lines of the source.
    total: usize,
    /// Every user in the directory (for "n sur N").
    all: usize,
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
        self.all = store.users_count().unwrap_or(0);
        if self.residual {
            let mut entries = Vec::new();
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
                    entries.push(Entry::of(u, what));
                }
            }
            entries.sort_by_cached_key(|e| (fold(&e.name), e.email.clone()));
            self.source = Source::Residual(entries);
        } else {
            self.source = Source::All;
        }
        self.apply_filter(ctx);
    }

    fn apply_filter(&mut self, ctx: &Ctx) {
        let store = ctx.desk.store();
        let needle = self.filter.needle();
        self.source = match std::mem::take(&mut self.source) {
            Source::Residual(entries) => Source::Residual(entries),
            _ if needle.is_empty() => Source::All,
            _ if needle.len() < 3 => Source::Prefix(needle.clone()),
            Source::Found(found) => Source::Found(
                store
                    .directory_search_on(found, &needle, SEARCH_BUDGET)
                    .unwrap_or_default(),
            ),
            _ => Source::Found(
                store
                    .directory_search(&needle, SEARCH_BUDGET)
                    .unwrap_or_default(),
            ),
        };
        self.total = match &self.source {
            Source::All => self.all,
            Source::Prefix(p) => store.directory_count(p).unwrap_or(0),
            Source::Found(found) => found.total(),
            Source::Residual(entries) => entries
                .iter()
                .filter(|e| e.folded.contains(&needle))
                .count(),
        };
        self.page.clear();
        self.page_at = usize::MAX;
        self.cursor.settle(self.total, usize::MAX);
    }

    /// Reads the lines `[at, at + height)` of the source, unless they are the ones drawn already.
    fn fetch(&mut self, ctx: &Ctx, at: usize, height: usize) {
        if self.page_at == at && self.page.len() >= height.min(self.total.saturating_sub(at)) {
            return;
        }
        let store = ctx.desk.store();
        let needle = self.filter.needle();
        self.page = match &mut self.source {
            Source::All => store.directory_page("", at, height).unwrap_or_default(),
            Source::Prefix(p) => store.directory_page(p, at, height).unwrap_or_default(),
            Source::Found(found) => {
                if found.known() < at + height {
                    // A search left unfinished reads on as far as these lines; its total may become exact.
                    let _ = store.directory_search_more(found, at + height);
                    self.total = found.total();
                }
                found
                    .page(at, height)
                    .into_iter()
                    .filter_map(|id| store.user(id).ok().flatten())
                    .collect()
            }
            Source::Residual(entries) => {
                self.page = entries
                    .iter()
                    .filter(|e| e.folded.contains(&needle))
                    .skip(at)
                    .take(height)
                    .cloned()
                    .collect();
                self.page_at = at;
                return;
            }
        }
        .into_iter()
        .map(|u| Entry::of(u, String::new()))
        .collect();
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

    /// What the list's title says of the filter.
    fn scope(&self) -> String {
        match &self.source {
            Source::Prefix(p) => format!(" · noms commençant par « {p} »"),
            Source::Found(found) => format!(" · contenant « {} »", found.needle()),
            _ => String::new(),
        }
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
        let count = match &self.source {
            Source::All => format!("{} utilisateur(s)", self.all),
            Source::Residual(entries) if self.total == entries.len() => {
                format!("{} utilisateur(s)", self.total)
            }
            Source::Residual(entries) => {
                format!("{} sur {} utilisateur(s)", self.total, entries.len())
            }
            Source::Found(found) if !found.exact() => format!(
                "≈ {} sur {} utilisateur(s){}",
                self.total,
                self.all,
                self.scope()
            ),
            _ => format!(
                "{} sur {} utilisateur(s){}",
                self.total,
                self.all,
                self.scope()
            ),
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
