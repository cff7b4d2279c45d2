//! One keymap table per screen. The same table drives three things so they cannot drift apart: which action a
//! key triggers, the hint line at the bottom of the screen, and the `?` help. A binding the rules forbid stays in
//! the table, disabled with the reason (the rule and its sentence): the hint line and the help show it, the key
//! then explains instead of acting.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// A key as the tables name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    Char(char),
    Ctrl(char),
    Enter,
    Esc,
    Tab,
    BackTab,
    Up,
    Down,
    PageUp,
    PageDown,
    Home,
    End,
    Space,
    Backspace,
}

impl Key {
    /// The key of a terminal event, if the tables can name it.
    pub fn of(event: &KeyEvent) -> Option<Key> {
        let ctrl = event.modifiers.contains(KeyModifiers::CONTROL);
        Some(match event.code {
            KeyCode::Char(c) if ctrl => Key::Ctrl(c.to_ascii_lowercase()),
            KeyCode::Char(' ') => Key::Space,
            KeyCode::Char(c) => Key::Char(c),
            KeyCode::Enter => Key::Enter,
            KeyCode::Esc => Key::Esc,
            KeyCode::Tab if event.modifiers.contains(KeyModifiers::SHIFT) => Key::BackTab,
            KeyCode::Tab => Key::Tab,
            KeyCode::BackTab => Key::BackTab,
            KeyCode::Up => Key::Up,
            KeyCode::Down => Key::Down,
            KeyCode::PageUp => Key::PageUp,
            KeyCode::PageDown => Key::PageDown,
            KeyCode::Home => Key::Home,
            KeyCode::End => Key::End,
            KeyCode::Backspace => Key::Backspace,
            _ => return None,
        })
    }

    /// How the hint line and the help write it.
    pub fn label(self) -> String {
        match self {
            Key::Char(c) => c.to_string(),
            Key::Ctrl(c) => format!("Ctrl-{}", c.to_ascii_uppercase()),
            Key::Enter => "⏎".to_string(),
            Key::Esc => "Échap".to_string(),
            Key::Tab => "Tab".to_string(),
            Key::BackTab => "Maj-Tab".to_string(),
            Key::Up => "↑".to_string(),
            Key::Down => "↓".to_string(),
            Key::PageUp => "PgPréc".to_string(),
            Key::PageDown => "PgSuiv".to_string(),
            Key::Home => "Début".to_string(),
            Key::End => "Fin".to_string(),
            Key::Space => "espace".to_string(),
            Key::Backspace => "⌫".to_string(),
        }
    }
}

/// One line of a screen's keymap.
#[derive(Debug, Clone, PartialEq)]
pub struct Binding<A> {
    pub keys: Vec<Key>,
    /// The label when several keys share the line ("↑↓", "1–8"); otherwise the first key's.
    pub key_label: Option<&'static str>,
    /// A few words for the hint line.
    pub hint: String,
    /// The sentence of the `?` help.
    pub help: &'static str,
    pub action: A,
    /// Why the action is not offered now (the rule that forbids it), if it is not.
    pub disabled: Option<String>,
    /// Shown in the hint line (navigation keys are only in the help).
    pub in_hints: bool,
}

impl<A> Binding<A> {
    pub fn new(key: Key, hint: impl Into<String>, help: &'static str, action: A) -> Binding<A> {
        Binding {
            keys: vec![key],
            key_label: None,
            hint: hint.into(),
            help,
            action,
            disabled: None,
            in_hints: true,
        }
    }

    pub fn keys(mut self, keys: &[Key], label: &'static str) -> Self {
        self.keys = keys.to_vec();
        self.key_label = Some(label);
        self
    }

    /// Disabled, with the reason shown in the hint line and the help.
    pub fn disabled_by(mut self, reason: Option<String>) -> Self {
        self.disabled = reason;
        self
    }

    /// Listed in the help only.
    pub fn help_only(mut self) -> Self {
        self.in_hints = false;
        self
    }

    pub fn label(&self) -> String {
        self.key_label
            .map(str::to_string)
            .unwrap_or_else(|| self.keys.first().map(|k| k.label()).unwrap_or_default())
    }

    pub fn matches(&self, key: Key) -> bool {
        self.keys.contains(&key)
    }
}

/// A binding as the hint line shows it, whatever the screen's action type.
#[derive(Debug, Clone, PartialEq)]
pub struct Hint {
    pub label: String,
    pub hint: String,
    pub disabled: Option<String>,
    pub in_hints: bool,
}

impl<A> From<&Binding<A>> for Hint {
    fn from(b: &Binding<A>) -> Hint {
        Hint {
            label: b.label(),
            hint: b.hint.clone(),
            disabled: b.disabled.clone(),
            in_hints: b.in_hints,
        }
    }
}

/// The binding of a key in a table, if any.
pub fn find<A>(table: &[Binding<A>], key: Key) -> Option<&Binding<A>> {
    table.iter().find(|b| b.matches(key))
}

/// Navigation keys shared by every list: ↑↓ j/k, PgUp/PgDn, g/G.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Move {
    Up,
    Down,
    PageUp,
    PageDown,
    First,
    Last,
}

impl Move {
    pub fn of(key: Key) -> Option<Move> {
        Some(match key {
            Key::Up | Key::Char('k') => Move::Up,
            Key::Down | Key::Char('j') => Move::Down,
            Key::PageUp => Move::PageUp,
            Key::PageDown => Move::PageDown,
            Key::Home | Key::Char('g') => Move::First,
            Key::End | Key::Char('G') => Move::Last,
            _ => return None,
        })
    }

    /// The new position in a list of `len` lines showing `page` at a time.
    pub fn apply(self, selected: usize, len: usize, page: usize) -> usize {
        if len == 0 {
            return 0;
        }
        let last = len - 1;
        let page = page.max(1);
        match self {
            Move::Up => selected.saturating_sub(1),
            Move::Down => (selected + 1).min(last),
            Move::PageUp => selected.saturating_sub(page),
            Move::PageDown => (selected + page).min(last),
            Move::First => 0,
            Move::Last => last,
        }
    }
}
