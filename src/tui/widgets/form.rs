//! A form: labelled fields, each bound to a path of the batch vocabulary (`siret`, `requester.email`,
//! `persons[1].email`), so that the JSON it builds is a command and a refusal naming a field is shown at that field.
//! Tab and Shift-Tab (or ↑↓) move between fields, Ctrl-S submits, Échap asks before dropping typed data.

use crate::domain::Refusal;
use crate::tui::keymap::Key;
use crate::tui::theme::Theme;
use ratatui::Frame;
use ratatui::crossterm::event::{Event, KeyEvent};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use serde_json::{Map, Value};
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

#[derive(Debug, Clone)]
pub enum FieldKind {
    Text(Input),
    /// (wire value, label) pairs; ←→ or espace to change.
    Choice {
        options: Vec<(String, String)>,
        index: usize,
    },
    Flag(bool),
    /// Shown, never edited (derived values: population, codique…).
    Fixed(String),
}

#[derive(Debug, Clone)]
pub struct Field {
    pub path: String,
    pub label: String,
    pub kind: FieldKind,
    pub required: bool,
    pub error: Option<String>,
    /// Why the field cannot be changed (e.g. "R18 : réinitialisation en cours").
    pub locked: Option<String>,
}

impl Field {
    pub fn text(path: &str, label: &str, value: &str) -> Field {
        Field {
            path: path.to_string(),
            label: label.to_string(),
            kind: FieldKind::Text(Input::new(value.to_string())),
            required: false,
            error: None,
            locked: None,
        }
    }

    pub fn choice(path: &str, label: &str, options: &[(&str, &str)], index: usize) -> Field {
        Field {
            kind: FieldKind::Choice {
                options: options
                    .iter()
                    .map(|(w, l)| (w.to_string(), l.to_string()))
                    .collect(),
                index,
            },
            ..Field::text(path, label, "")
        }
    }

    pub fn flag(path: &str, label: &str, value: bool) -> Field {
        Field {
            kind: FieldKind::Flag(value),
            ..Field::text(path, label, "")
        }
    }

    pub fn fixed(label: &str, value: &str) -> Field {
        Field {
            kind: FieldKind::Fixed(value.to_string()),
            ..Field::text("", label, "")
        }
    }

    pub fn required(mut self) -> Field {
        self.required = true;
        self
    }

    pub fn locked(mut self, why: Option<String>) -> Field {
        self.locked = why;
        self
    }

    pub fn value(&self) -> String {
        match &self.kind {
            FieldKind::Text(input) => input.value().trim().to_string(),
            FieldKind::Choice { options, index } => {
                options.get(*index).map(|o| o.0.clone()).unwrap_or_default()
            }
            FieldKind::Flag(v) => v.to_string(),
            FieldKind::Fixed(v) => v.clone(),
        }
    }

    fn editable(&self) -> bool {
        !matches!(self.kind, FieldKind::Fixed(_)) && self.locked.is_none()
    }
}

/// What a key did to the form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormEvent {
    /// The key was used; redraw.
    Changed,
    /// The key means nothing here.
    Ignored,
    Submit,
    /// Échap: the caller asks before dropping typed data (`dirty`).
    Cancel,
}

#[derive(Debug, Clone)]
pub struct Form {
    pub title: String,
    pub fields: Vec<Field>,
    pub focus: usize,
    pub dirty: bool,
    /// A refusal that names no field of the form.
    pub error: Option<String>,
}

impl Form {
    pub fn new(title: impl Into<String>, fields: Vec<Field>) -> Form {
        let mut form = Form {
            title: title.into(),
            fields,
            focus: 0,
            dirty: false,
            error: None,
        };
        if !form.fields.first().is_some_and(Field::editable) {
            form.step(1);
        }
        form
    }

    fn step(&mut self, delta: isize) {
        let n = self.fields.len();
        if n == 0 {
            return;
        }
        for _ in 0..n {
            self.focus = (self.focus as isize + delta).rem_euclid(n as isize) as usize;
            if self.fields[self.focus].editable() {
                return;
            }
        }
    }

    pub fn handle(&mut self, event: &KeyEvent) -> FormEvent {
        match Key::of(event) {
            Some(Key::Tab | Key::Down) => {
                self.step(1);
                return FormEvent::Changed;
            }
            Some(Key::BackTab | Key::Up) => {
                self.step(-1);
                return FormEvent::Changed;
            }
            Some(Key::Ctrl('s')) => return FormEvent::Submit,
            Some(Key::Esc) => return FormEvent::Cancel,
            _ => {}
        }
        let Some(field) = self.fields.get_mut(self.focus) else {
            return FormEvent::Ignored;
        };
        if !field.editable() {
            return FormEvent::Ignored;
        }
        let changed = match &mut field.kind {
            FieldKind::Text(input) => input.handle_event(&Event::Key(*event)).is_some(),
            FieldKind::Choice { options, index } => match event.code {
                ratatui::crossterm::event::KeyCode::Left => {
                    *index = (*index + options.len() - 1) % options.len().max(1);
                    true
                }
                ratatui::crossterm::event::KeyCode::Right
                | ratatui::crossterm::event::KeyCode::Char(' ') => {
                    *index = (*index + 1) % options.len().max(1);
                    true
                }
                _ => false,
            },
            FieldKind::Flag(v) => match event.code {
                ratatui::crossterm::event::KeyCode::Char(' ' | 'o' | 'n')
                | ratatui::crossterm::event::KeyCode::Left
                | ratatui::crossterm::event::KeyCode::Right => {
                    *v = !*v;
                    true
                }
                _ => false,
            },
            FieldKind::Fixed(_) => false,
        };
        if changed {
            self.dirty = true;
            field.error = None;
            FormEvent::Changed
        } else {
            FormEvent::Ignored
        }
    }

    /// The field with this path.
    pub fn get(&self, path: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.path == path)
    }

    pub fn value(&self, path: &str) -> String {
        self.get(path).map(Field::value).unwrap_or_default()
    }

    /// The command object: every field with a path and a value, nested by its path; empty optional texts left out.
    /// A required field left empty is marked and the object not built.
    pub fn to_json(&mut self, base: Map<String, Value>) -> Option<Value> {
        let mut root = Value::Object(base);
        let mut missing = false;
        for field in &mut self.fields {
            if field.path.is_empty() {
                continue;
            }
            let value = match &field.kind {
                FieldKind::Text(_) => {
                    let v = field.value();
                    if v.is_empty() {
                        if field.required {
                            field.error = Some("obligatoire".to_string());
                            missing = true;
                        }
                        continue;
                    }
                    Value::String(v)
                }
                FieldKind::Choice { .. } => Value::String(field.value()),
                FieldKind::Flag(v) => Value::Bool(*v),
                FieldKind::Fixed(_) => continue,
            };
            set_path(&mut root, &field.path, value);
        }
        if missing { None } else { Some(root) }
    }

    /// Shows a refusal at the field it names, or above the form.
    pub fn show_refusal(&mut self, refusal: &Refusal) {
        let named = refusal.field.as_deref().and_then(|path| {
            self.fields.iter().position(|f| {
                f.path == path
                    || (!f.path.is_empty()
                        && (path.starts_with(&format!("{}.", f.path))
                            || path.starts_with(&format!("{}[", f.path))))
            })
        });
        match named {
            Some(i) => {
                self.fields[i].error = Some(refusal.message.clone());
                self.focus = i;
                self.error = None;
            }
            None => self.error = Some(refusal.message.clone()),
        }
    }

    pub fn draw(&self, frame: &mut Frame, area: Rect, theme: &Theme) {
        let label_width = self
            .fields
            .iter()
            .map(|f| f.label.chars().count())
            .max()
            .unwrap_or(0)
            + 2;
        let mut lines = Vec::new();
        let mut cursor = None;
        if let Some(e) = &self.error {
            lines.push(Line::styled(format!("✗ {e}"), theme.error()));
        }
        for (i, f) in self.fields.iter().enumerate() {
            let focused = i == self.focus;
            let mark = if focused { "▶ " } else { "  " };
            let star = if f.required { "*" } else { " " };
            let label = format!("{mark}{:<label_width$}{star} ", f.label);
            let label_style = if focused {
                theme.focused()
            } else {
                theme.base()
            };
            let shown = match &f.kind {
                FieldKind::Text(input) => input.value().to_string(),
                FieldKind::Choice { options, index } => {
                    format!(
                        "◀ {} ▶",
                        options.get(*index).map(|o| o.1.as_str()).unwrap_or("")
                    )
                }
                FieldKind::Flag(v) => if *v { "[x] oui" } else { "[ ] non" }.to_string(),
                FieldKind::Fixed(v) => v.clone(),
            };
            let mut spans = vec![Span::styled(label.clone(), label_style), Span::raw(shown)];
            if let Some(why) = &f.locked {
                spans.push(Span::styled(format!("  ⊘ {why}"), theme.warn()));
            }
            if matches!(f.kind, FieldKind::Fixed(_)) {
                spans.push(Span::styled("  (déduit)", theme.muted()));
            }
            if focused && let FieldKind::Text(input) = &f.kind {
                let y = area.y + lines.len() as u16;
                let x = area.x + label.chars().count() as u16 + input.visual_cursor() as u16;
                if y < area.bottom() && x < area.right() {
                    cursor = Some((x, y));
                }
            }
            lines.push(Line::from(spans));
            if let Some(e) = &f.error {
                lines.push(Line::styled(
                    format!("{}  ✗ {e}", " ".repeat(label_width + 3)),
                    theme.error(),
                ));
            }
        }
        // Keep the focused field in view on a short screen.
        let focus_line = lines.len().min(
            self.fields
                .iter()
                .take(self.focus)
                .map(|f| 1 + usize::from(f.error.is_some()))
                .sum::<usize>()
                + usize::from(self.error.is_some()),
        );
        let height = area.height as usize;
        let scroll = focus_line.saturating_sub(height.saturating_sub(2)) as u16;
        frame.render_widget(Paragraph::new(lines).scroll((scroll, 0)), area);
        if let Some((x, y)) = cursor
            && y >= area.y + scroll
        {
            frame.set_cursor_position((x, y - scroll));
        }
    }
}

/// The keys of an open form, the question before dropping typed data included — the one place that keeps Échap
/// from losing a saisie: on a form with typed data Échap asks (`asking`), then `o` or ⏎ drops it, `n` or Échap
/// keeps it; on a clean form Échap closes it. Ctrl-S comes back as `Submit` for the caller; `Cancel` never does.
/// Does nothing (`Ignored`) when no form is open and no question asked.
pub fn on_key<K>(slot: &mut Option<(K, Form)>, asking: &mut bool, key: &KeyEvent) -> FormEvent {
    use ratatui::crossterm::event::KeyCode;
    if *asking {
        match key.code {
            KeyCode::Char('o' | 'O') | KeyCode::Enter => {
                *slot = None;
                *asking = false;
            }
            KeyCode::Char('n' | 'N') | KeyCode::Esc => *asking = false,
            _ => return FormEvent::Ignored,
        }
        return FormEvent::Changed;
    }
    let Some((_, form)) = slot else {
        return FormEvent::Ignored;
    };
    match form.handle(key) {
        FormEvent::Cancel => {
            if form.dirty {
                *asking = true;
            } else {
                *slot = None;
            }
            FormEvent::Changed
        }
        other => other,
    }
}

/// Sets `value` at a path like `requester.email` or `persons[1].sirets[0]`, creating objects and arrays on the way.
pub fn set_path(root: &mut Value, path: &str, value: Value) {
    let mut current = root;
    let parts: Vec<&str> = path.split('.').collect();
    for (n, part) in parts.iter().enumerate() {
        let last = n + 1 == parts.len();
        let (name, index) = match part.split_once('[') {
            Some((name, rest)) => (name, rest.trim_end_matches(']').parse::<usize>().ok()),
            None => (*part, None),
        };
        if !current.is_object() {
            *current = Value::Object(Map::new());
        }
        let Value::Object(map) = current else { return };
        let slot = map.entry(name.to_string()).or_insert(Value::Null);
        current = match index {
            Some(i) => {
                if !slot.is_array() {
                    *slot = Value::Array(Vec::new());
                }
                let Value::Array(items) = slot else { return };
                while items.len() <= i {
                    items.push(Value::Null);
                }
                &mut items[i]
            }
            None => slot,
        };
        if last {
            *current = value;
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_build_nested_commands() {
        let mut root = serde_json::json!({"cmd": "dossier.receive"});
        set_path(&mut root, "requester.email", "a.b@x.fr".into());
        set_path(&mut root, "persons[1].email", "c.d@x.fr".into());
        set_path(&mut root, "persons[0].sirets[0]", "123".into());
        assert_eq!(root["requester"]["email"], "a.b@x.fr");
        assert_eq!(root["persons"][1]["email"], "c.d@x.fr");
        assert_eq!(root["persons"][0]["sirets"][0], "123");
    }
}
