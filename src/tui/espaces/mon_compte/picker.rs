//! A picker: a popup listing choices (users, structures, successors…), filtered as you type over what each line
//! shows, ignoring case and accents; ↑↓ PgPréc PgSuiv Début Fin move, ⏎ chooses, Échap closes. A line a rule
//! forbids stays listed, dimmed, with the rule: choosing it says why instead of choosing.
//!
//! Its lines come from a `Lines`: a short list held in memory and filtered there (`Picker::new`: a structure's
//! members, the successors of a GP…), or a long one read a page at a time for the filter typed (`Picker::paged`:
//! the accounts to act as, the structures to ask a rattachement to, in `choices`), whose total may be an estimate,
//! shown « ≈ ». The picker keeps only the page it read, asks its lines for the window the cursor is in when it
//! moves out of that page, and draws and handles keys the same way whatever its lines.
//!
//! It does not run anything: the screen that opened it gets the value chosen and builds the command.

use super::words as w;
use crate::domain::chorus::AttachmentStatus;
use crate::domain::ids::{Siret, fold};
use crate::domain::user::User;
use crate::tui::espaces::Ctx;
use crate::tui::keymap::{Key, Move};
use crate::tui::widgets::{self, Cursor};
use ratatui::Frame;
use ratatui::crossterm::event::{Event, KeyEvent};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Row, Wrap};
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

/// One choice: what it shows, what the filter searches, why it cannot be chosen (if so), and its value.
#[derive(Debug, Clone)]
pub struct Item<T> {
    pub columns: Vec<String>,
    pub disabled: Option<String>,
    pub value: T,
    haystack: String,
}

impl<T> Item<T> {
    pub fn new(columns: Vec<String>, value: T) -> Item<T> {
        let haystack = fold(&columns.join(" "));
        Item {
            columns,
            disabled: None,
            value,
            haystack,
        }
    }

    pub fn disabled_by(mut self, reason: Option<String>) -> Item<T> {
        self.disabled = reason;
        self
    }

    fn matches(&self, needle: &str, compact: &str) -> bool {
        needle.is_empty()
            || self.haystack.contains(needle)
            || (!compact.is_empty() && self.haystack.replace(' ', "").contains(compact))
    }
}

/// What a key did to the picker.
#[derive(Debug, Clone, PartialEq)]
pub enum Picked<T> {
    /// Redraw.
    Changed,
    /// ⏎ on an enabled line.
    Chosen(T),
    /// ⏎ on a line a rule forbids: the reason.
    Forbidden(String),
    /// Échap.
    Closed,
}

/// Where a picker's lines come from, and how the filter narrows them.
pub trait Lines<T> {
    /// Keeps the lines whose text holds `needle` (folded and trimmed; "" keeps every line).
    fn filter(&mut self, ctx: &Ctx, needle: &str);
    /// The lines kept, and whether that number is exact (else an estimate, made exact as the list is read on).
    fn total(&self) -> (usize, bool);
    /// The lines before any filter.
    fn all(&self) -> usize;
    /// The lines kept at `[at, at + n)`: fewer at the end, or when an estimated total was too high.
    fn page(&mut self, ctx: &Ctx, at: usize, n: usize) -> Vec<Item<T>>;
    /// Whether some line may be one a rule forbids: the picker then keeps room for the reasons.
    fn forbids(&self) -> bool;
    /// What the filter keeps when it is not every line holding what was typed, said beside it.
    fn scope(&self) -> Option<String> {
        None
    }
}

/// A short list held in memory, filtered there over what each line shows.
struct Listed<T> {
    items: Vec<Item<T>>,
    matching: Vec<usize>,
}

impl<T: Clone> Lines<T> for Listed<T> {
    fn filter(&mut self, _ctx: &Ctx, needle: &str) {
        let compact = needle.replace(' ', "");
        self.matching = (0..self.items.len())
            .filter(|i| self.items[*i].matches(needle, &compact))
            .collect();
    }

    fn total(&self) -> (usize, bool) {
        (self.matching.len(), true)
    }

    fn all(&self) -> usize {
        self.items.len()
    }

    fn page(&mut self, _ctx: &Ctx, at: usize, n: usize) -> Vec<Item<T>> {
        self.matching
            .iter()
            .skip(at)
            .take(n)
            .map(|i| self.items[*i].clone())
            .collect()
    }

    fn forbids(&self) -> bool {
        self.items.iter().any(|i| i.disabled.is_some())
    }
}

pub struct Picker<T> {
    pub title: String,
    headers: Vec<&'static str>,
    widths: Vec<Constraint>,
    lines: Box<dyn Lines<T>>,
    /// What the list says when nothing can be chosen at all.
    empty: String,
    filter: Input,
    cursor: Cursor,
    /// The lines of the list at the last draw.
    height: usize,
    /// The lines read: those from line `page_at` of the list kept by the filter.
    page: Vec<Item<T>>,
    page_at: usize,
}

impl<T: Clone + 'static> Picker<T> {
    /// A picker of a few lines, all given.
    pub fn new(
        title: impl Into<String>,
        headers: Vec<&'static str>,
        widths: Vec<Constraint>,
        items: Vec<Item<T>>,
        empty: impl Into<String>,
    ) -> Picker<T> {
        let first = items.iter().position(|i| i.disabled.is_none()).unwrap_or(0);
        // Every line is the first page: nothing to read before the filter changes.
        let page = items.clone();
        let lines = Listed {
            matching: (0..items.len()).collect(),
            items,
        };
        let mut picker = Picker::with(title, headers, widths, Box::new(lines), empty);
        (picker.page, picker.page_at) = (page, 0);
        // Start on the first line that can be chosen.
        picker.cursor.selected = first;
        picker
    }

    /// A picker of a long list, read a page at a time: opening it reads the first page.
    pub fn paged(
        title: impl Into<String>,
        headers: Vec<&'static str>,
        widths: Vec<Constraint>,
        lines: Box<dyn Lines<T>>,
        empty: impl Into<String>,
        ctx: &Ctx,
    ) -> Picker<T> {
        let mut picker = Picker::with(title, headers, widths, lines, empty);
        // The popup's list is shorter than the espace's: the first page read is the one drawn.
        picker.height = ctx.rows.max(1);
        picker.refilter(ctx);
        picker
    }

    fn with(
        title: impl Into<String>,
        headers: Vec<&'static str>,
        widths: Vec<Constraint>,
        lines: Box<dyn Lines<T>>,
        empty: impl Into<String>,
    ) -> Picker<T> {
        Picker {
            title: title.into(),
            headers,
            widths,
            lines,
            empty: empty.into(),
            filter: Input::default(),
            cursor: Cursor::default(),
            height: 10,
            page: Vec::new(),
            page_at: usize::MAX,
        }
    }

    /// The filter changed: the list starts again from its first line that can be chosen on the first page.
    fn refilter(&mut self, ctx: &Ctx) {
        self.lines.filter(ctx, &fold(self.filter.value().trim()));
        self.cursor = Cursor::default();
        self.page.clear();
        self.page_at = usize::MAX;
        self.show(ctx);
        if let Some(first) = self
            .page
            .iter()
            .take(self.height)
            .position(|i| i.disabled.is_none())
        {
            self.cursor.selected = first;
        }
    }

    /// Reads the lines of the window the cursor is in, unless they are read already. A total that was an estimate
    /// may turn out smaller as the list is read on: the cursor then comes back within the lines found.
    fn show(&mut self, ctx: &Ctx) {
        for _ in 0..2 {
            let total = self.lines.total().0;
            self.cursor.settle(total, self.height);
            let at = self.cursor.offset;
            let end = (at + self.height).min(total);
            let read = self.page_at <= at && end <= self.page_at + self.page.len();
            if !read {
                self.page = self.lines.page(ctx, at, self.height);
                self.page_at = at;
            }
            if self.cursor.selected < self.lines.total().0 {
                break;
            }
        }
    }

    fn selected(&self) -> Option<&Item<T>> {
        self.page
            .get(self.cursor.selected.checked_sub(self.page_at)?)
    }

    /// Every key goes to the picker while it is open: letters and digits to the filter.
    pub fn handle(&mut self, event: &KeyEvent, ctx: &Ctx) -> Picked<T> {
        let key = Key::of(event);
        let movement = match key {
            Some(Key::Up) => Some(Move::Up),
            Some(Key::Down) => Some(Move::Down),
            Some(Key::PageUp) => Some(Move::PageUp),
            Some(Key::PageDown) => Some(Move::PageDown),
            Some(Key::Home) => Some(Move::First),
            Some(Key::End) => Some(Move::Last),
            _ => None,
        };
        if let Some(m) = movement {
            let total = self.lines.total().0;
            self.cursor.selected = m.apply(self.cursor.selected, total, self.height);
            self.show(ctx);
            return Picked::Changed;
        }
        match key {
            Some(Key::Esc) => Picked::Closed,
            Some(Key::Enter) => match self.selected() {
                Some(item) => match &item.disabled {
                    Some(why) => Picked::Forbidden(why.clone()),
                    None => Picked::Chosen(item.value.clone()),
                },
                None => Picked::Changed,
            },
            _ => {
                if self.filter.handle_event(&Event::Key(*event)).is_some() {
                    self.refilter(ctx);
                }
                Picked::Changed
            }
        }
    }

    /// Draws the popup over `area` (the espace's body), reading the lines it shows if they are not read yet.
    pub fn draw(&mut self, frame: &mut Frame, area: Rect, ctx: &Ctx) {
        let theme = &ctx.theme;
        let lines = u16::try_from(self.lines.total().0).unwrap_or(u16::MAX);
        let height = lines.saturating_add(8).clamp(10, area.height);
        let popup = widgets::centered(area, area.width.saturating_sub(4).min(110), height);
        let inner = widgets::popup(frame, popup, &self.title, theme);
        let [filter, list, foot] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Min(1),
            Constraint::Length(2),
        ])
        .areas(inner);
        self.height = list.height.saturating_sub(1).max(1) as usize;
        self.show(ctx);
        let (shown, exact) = self.lines.total();
        // An estimate counts one line more while the search is not over: never more than every line, though.
        let all = self.lines.all();
        let prompt = w::PICKER_PROMPT;
        let [typed, count] =
            Layout::horizontal([Constraint::Min(10), Constraint::Length(30)]).areas(filter);
        let mut spans = vec![
            Span::styled(prompt, theme.muted()),
            Span::raw(self.filter.value().to_string()),
        ];
        if let Some(scope) = self.lines.scope() {
            spans.push(Span::styled(format!("  ({scope})"), theme.muted()));
        }
        frame.render_widget(Paragraph::new(Line::from(spans)), typed);
        frame.render_widget(
            Paragraph::new(Line::styled(
                w::picker_count(shown.min(all), all, exact),
                theme.muted(),
            ))
            .alignment(ratatui::layout::Alignment::Right),
            count,
        );
        let x = typed.x + (prompt.chars().count() + self.filter.visual_cursor()) as u16;
        frame.set_cursor_position((x.min(typed.right().saturating_sub(1)), typed.y));
        // The column of reasons when some line may be forbidden; on a narrow terminal a mark before the first
        // column instead (the full reason of the selected line is below the list either way).
        let any_disabled = self.lines.forbids();
        let column = any_disabled && list.width >= 100;
        let rows: Vec<Row> = self
            .page
            .iter()
            .skip(self.cursor.offset.saturating_sub(self.page_at))
            .take(self.height)
            .map(|item| {
                let mut cells = item.columns.clone();
                if any_disabled
                    && !column
                    && let Some(first) = cells.first_mut()
                {
                    let mark = if item.disabled.is_some() {
                        "✗ "
                    } else {
                        "  "
                    };
                    first.insert_str(0, mark);
                }
                if column {
                    cells.push(
                        item.disabled
                            .as_deref()
                            .map(|why| format!("✗ {}", short(why)))
                            .unwrap_or_default(),
                    );
                }
                match &item.disabled {
                    Some(_) => Row::new(cells).style(theme.disabled()),
                    None => Row::new(cells),
                }
            })
            .collect();
        let mut widths = self.widths.clone();
        let mut headers = self.headers.clone();
        if column {
            widths.push(Constraint::Length(24));
            headers.push(w::PICKER_UNAVAILABLE);
        }
        widgets::table(
            frame,
            list,
            Block::default(),
            Row::new(headers),
            rows,
            &widths,
            Some(self.cursor.selected.saturating_sub(self.cursor.offset)),
            theme,
        );
        if shown == 0 {
            let text = if all == 0 {
                self.empty.as_str()
            } else {
                w::PICKER_NO_MATCH
            };
            let [_, below] =
                Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(list);
            frame.render_widget(
                Paragraph::new(Line::styled(format!(" {text}"), theme.muted())),
                below,
            );
        }
        let foot_line = match self.selected().and_then(|i| i.disabled.as_ref()) {
            Some(why) => Line::styled(format!("✗ {why}"), theme.warn()),
            None => Line::styled(w::PICKER_FOOT, theme.muted()),
        };
        frame.render_widget(Paragraph::new(foot_line).wrap(Wrap { trim: true }), foot);
    }
}

/// The rule at the head of a reason ("R9 identifiant PIGP"), for a column.
pub fn short(reason: &str) -> String {
    reason.split(" : ").next().unwrap_or(reason).to_string()
}

/// "Nom Prénom": the order the lists of users are sorted in, and the order the directory's filter searches.
pub fn name(u: &User) -> String {
    format!("{} {}", u.nom, u.prenom)
}

/// The PIGP identifier, or a dash for a self-service account.
pub fn pigp(u: &User) -> String {
    u.pigp_id
        .as_ref()
        .map(|p| p.to_string())
        .unwrap_or_else(|| "—".to_string())
}

/// The columns of a user line: name, e-mail, PIGP identifier.
pub fn user_item<T>(u: &User, value: T) -> Item<T> {
    Item::new(vec![name(u), u.email.to_string(), pigp(u)], value)
}

pub fn user_columns() -> (Vec<&'static str>, Vec<Constraint>) {
    (
        vec!["Nom", "Courriel", "Identifiant PIGP"],
        vec![
            Constraint::Fill(2),
            Constraint::Fill(3),
            Constraint::Length(18),
        ],
    )
}

/// The users actively attached to a structure, with their attachment, read from the structure's rattachements.
pub fn attached_users(ctx: &Ctx, siret: Siret) -> Vec<(crate::domain::chorus::Attachment, User)> {
    let store = ctx.desk.store();
    let mut out: Vec<_> = store
        .attachments_of_structure(siret)
        .unwrap_or_default()
        .into_iter()
        .filter(|a| a.status == AttachmentStatus::Actif)
        .filter_map(|a| store.user(a.user).ok().flatten().map(|u| (a, u)))
        .collect();
    out.sort_by_cached_key(|(_, u)| (fold(&u.nom), fold(&u.prenom)));
    out
}
