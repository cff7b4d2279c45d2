//! A picker: a popup listing choices (users, structures, successors…), filtered as you type over what each line
//! shows, ignoring case and accents; ↑↓ PgPréc PgSuiv Début Fin move, ⏎ chooses, Échap closes. A line a rule
//! forbids stays listed, dimmed, with the rule: choosing it says why instead of choosing.
//!
//! It does not run anything: the screen that opened it gets the value chosen and builds the command.

use super::words as w;
use crate::domain::chorus::AttachmentStatus;
use crate::domain::ids::{Siret, fold};
use crate::domain::structure::Structure;
use crate::domain::user::{User, UserId, UserStatus};
use crate::store::T;
use crate::tui::espaces::Ctx;
use crate::tui::keymap::{Key, Move};
use crate::tui::theme::Theme;
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

    /// Also found by these words (a SIRET without spaces, a UAI…).
    pub fn also(mut self, words: &str) -> Item<T> {
        self.haystack.push(' ');
        self.haystack.push_str(&fold(words));
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

#[derive(Debug, Clone)]
pub struct Picker<T> {
    pub title: String,
    headers: Vec<&'static str>,
    widths: Vec<Constraint>,
    items: Vec<Item<T>>,
    /// What the list says when nothing can be chosen at all.
    empty: String,
    filter: Input,
    matching: Vec<usize>,
    cursor: Cursor,
    height: usize,
}

impl<T: Clone> Picker<T> {
    pub fn new(
        title: impl Into<String>,
        headers: Vec<&'static str>,
        widths: Vec<Constraint>,
        items: Vec<Item<T>>,
        empty: impl Into<String>,
    ) -> Picker<T> {
        let mut picker = Picker {
            title: title.into(),
            headers,
            widths,
            items,
            empty: empty.into(),
            filter: Input::default(),
            matching: Vec::new(),
            cursor: Cursor::default(),
            height: 10,
        };
        picker.apply_filter();
        // Start on the first line that can be chosen.
        if let Some(first) = picker
            .matching
            .iter()
            .position(|i| picker.items[*i].disabled.is_none())
        {
            picker.cursor.selected = first;
        }
        picker
    }

    fn apply_filter(&mut self) {
        let needle = fold(self.filter.value().trim());
        let compact = needle.replace(' ', "");
        self.matching = (0..self.items.len())
            .filter(|i| self.items[*i].matches(&needle, &compact))
            .collect();
        self.cursor = Cursor::default();
    }

    fn selected(&self) -> Option<&Item<T>> {
        self.matching
            .get(self.cursor.selected)
            .map(|i| &self.items[*i])
    }

    /// The lines that match the filter, and the lines in all.
    pub fn counts(&self) -> (usize, usize) {
        (self.matching.len(), self.items.len())
    }

    /// Every key goes to the picker while it is open: letters and digits to the filter.
    pub fn handle(&mut self, event: &KeyEvent) -> Picked<T> {
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
            self.cursor.selected = m.apply(self.cursor.selected, self.matching.len(), self.height);
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
                    self.apply_filter();
                }
                Picked::Changed
            }
        }
    }

    /// Draws the popup over `area` (the espace's body).
    pub fn draw(&mut self, frame: &mut Frame, area: Rect, theme: &Theme) {
        let height = (self.items.len() as u16 + 8).clamp(10, area.height);
        let popup = widgets::centered(area, area.width.saturating_sub(4).min(110), height);
        let inner = widgets::popup(frame, popup, &self.title, theme);
        let [filter, list, foot] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Min(1),
            Constraint::Length(2),
        ])
        .areas(inner);
        let prompt = w::PICKER_PROMPT;
        let (shown, total) = self.counts();
        let [typed, count] =
            Layout::horizontal([Constraint::Min(10), Constraint::Length(24)]).areas(filter);
        frame.render_widget(
            Paragraph::new(Line::from(vec![
                Span::styled(prompt, theme.muted()),
                Span::raw(self.filter.value().to_string()),
            ])),
            typed,
        );
        frame.render_widget(
            Paragraph::new(Line::styled(w::picker_count(shown, total), theme.muted()))
                .alignment(ratatui::layout::Alignment::Right),
            count,
        );
        let x = typed.x + (prompt.chars().count() + self.filter.visual_cursor()) as u16;
        frame.set_cursor_position((x.min(typed.right().saturating_sub(1)), typed.y));
        self.height = list.height.saturating_sub(1).max(1) as usize;
        self.cursor.settle(self.matching.len(), self.height);
        // The column of reasons when some line is forbidden; on a narrow terminal a mark before the first
        // column instead (the full reason of the selected line is below the list either way).
        let any_disabled = self.items.iter().any(|i| i.disabled.is_some());
        let column = any_disabled && list.width >= 100;
        let rows: Vec<Row> = self
            .matching
            .iter()
            .skip(self.cursor.offset)
            .take(self.height)
            .map(|i| {
                let item = &self.items[*i];
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
        if self.matching.is_empty() {
            let text = if self.items.is_empty() {
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

/// "Prénom Nom".
pub fn name(u: &User) -> String {
    format!("{} {}", u.prenom, u.nom)
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

/// Every active user, to act as: the shared picker of Mon compte and Activités du gestionnaire.
pub fn acting_users(ctx: &Ctx) -> Picker<UserId> {
    let mut users = ctx
        .desk
        .store()
        .users_with_status(UserStatus::Actif)
        .unwrap_or_default();
    users.sort_by_cached_key(|u| (fold(&u.nom), fold(&u.prenom), u.email.to_string()));
    let items = users.iter().map(|u| user_item(u, u.id)).collect();
    let (headers, widths) = user_columns();
    Picker::new(
        w::PICK_USER_TITLE,
        headers,
        widths,
        items,
        w::PICK_USER_EMPTY,
    )
}

/// Every active structure, to ask a rattachement to; `refused` says why one cannot be asked (already attached).
pub fn structures(ctx: &Ctx, refused: impl Fn(&Structure) -> Option<String>) -> Picker<Siret> {
    let mut all: Vec<Structure> = ctx
        .desk
        .store()
        .scan::<Structure>(T::Structures, b"")
        .unwrap_or_default()
        .into_iter()
        .map(|(_, s)| s)
        .filter(|s| s.active)
        .collect();
    all.sort_by_cached_key(|s| fold(&s.name));
    let items = all
        .iter()
        .map(|s| {
            let uai = s.uai.as_ref().map(|u| u.to_string()).unwrap_or_default();
            Item::new(
                vec![
                    s.name.clone(),
                    s.siret.spaced(),
                    s.category.wire().to_string(),
                    uai,
                    format!("{} ({})", s.city, s.departement),
                ],
                s.siret,
            )
            .also(&s.siret.to_string())
            .disabled_by(refused(s))
        })
        .collect();
    Picker::new(
        w::PICK_STRUCTURE_TITLE,
        vec!["Structure", "SIRET", "Catégorie", "UAI", "Commune"],
        vec![
            Constraint::Fill(1),
            Constraint::Length(17),
            Constraint::Length(8),
            Constraint::Length(9),
            Constraint::Length(22),
        ],
        items,
        w::PICK_STRUCTURE_EMPTY,
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
