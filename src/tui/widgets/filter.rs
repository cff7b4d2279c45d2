//! The filter typed as you go over a list: `/` starts it, letters refine it (case and accents ignored), ⏎ stops
//! typing and keeps it, Échap clears it, ↑↓ and the page keys still move in the list meanwhile.

use crate::domain::ids::fold;
use crate::tui::keymap::Key;
use crate::tui::strings as s;
use crate::tui::theme::Theme;
use ratatui::crossterm::event::{Event, KeyEvent};
use ratatui::text::{Line, Span};
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

/// What a key typed in the filter did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Typed {
    /// A movement key: the list handles it.
    Pass,
    /// ⏎: typing stopped; the caller may open the selection.
    Open,
    /// The filter changed (or was cleared): reload the list from its first line.
    Changed,
}

#[derive(Debug, Default, Clone)]
pub struct Filter {
    input: Input,
    typing: bool,
}

impl Filter {
    pub fn start(&mut self) {
        self.typing = true;
    }

    /// Stops typing, keeping what was typed.
    pub fn stop(&mut self) {
        self.typing = false;
    }

    pub fn typing(&self) -> bool {
        self.typing
    }

    pub fn value(&self) -> &str {
        self.input.value()
    }

    pub fn is_empty(&self) -> bool {
        self.input.value().trim().is_empty()
    }

    /// Clears the filter and stops typing.
    pub fn reset(&mut self) {
        self.input.reset();
        self.typing = false;
    }

    /// The folded text searched for.
    pub fn needle(&self) -> String {
        fold(self.input.value().trim())
    }

    /// True when `text` (folded here) contains what was typed; everything matches an empty filter.
    pub fn matches(&self, text: &str) -> bool {
        let needle = self.needle();
        needle.is_empty() || fold(text).contains(&needle)
    }

    pub fn type_key(&mut self, key: &KeyEvent) -> Typed {
        match Key::of(key) {
            Some(Key::Up | Key::Down | Key::PageUp | Key::PageDown) => Typed::Pass,
            Some(Key::Enter) => {
                self.typing = false;
                Typed::Open
            }
            Some(Key::Esc) => {
                self.reset();
                Typed::Changed
            }
            _ => {
                self.input.handle_event(&Event::Key(*key));
                Typed::Changed
            }
        }
    }

    /// "Filtre : …" while typing or when a filter is kept, for the line above the list.
    pub fn prompt(&self) -> Option<String> {
        (self.typing || !self.input.value().is_empty())
            .then(|| format!("{}{}", s::FILTER_PROMPT, self.input.value()))
    }
}

impl Filter {
    /// The line above a filtered list: what restricts it (`scope`, e.g. the R16 view), then the filter being typed
    /// with its cursor, or, with neither, how to filter (`hint`).
    pub fn head(&self, scope: Option<&str>, hint: &str, theme: &Theme) -> Line<'static> {
        let mut spans = Vec::new();
        if let Some(scope) = scope {
            spans.push(Span::styled(format!(" {scope}"), theme.warn()));
        }
        if let Some(prompt) = self.prompt() {
            spans.push(Span::raw(format!("  {prompt}")));
            if self.typing {
                spans.push(Span::styled("▏", theme.key()));
            }
        } else if scope.is_none() {
            spans.push(Span::styled(format!(" {hint}"), theme.muted()));
        }
        Line::from(spans)
    }
}
