//! Small drawing helpers shared by the espaces: a windowed selectable list, centred popups, a text field.

pub mod filter;
pub mod form;

use super::theme::Theme;
use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Row, Table, TableState};

/// A selection in a list, and the first line shown.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Cursor {
    pub selected: usize,
    pub offset: usize,
}

impl Cursor {
    /// Keeps the selection within `len` lines and visible in a window of `height` lines.
    pub fn settle(&mut self, len: usize, height: usize) {
        if len == 0 {
            *self = Cursor::default();
            return;
        }
        self.selected = self.selected.min(len - 1);
        let height = height.max(1);
        if self.selected < self.offset {
            self.offset = self.selected;
        } else if self.selected >= self.offset + height {
            self.offset = self.selected + 1 - height;
        }
        self.offset = self.offset.min(len.saturating_sub(1));
    }
}

/// A table whose rows are already the visible window; `selected` is relative to that window.
// The arguments are the parts of one table; a struct would only name them again at each of the many call sites.
#[allow(clippy::too_many_arguments)]
pub fn table<'a>(
    frame: &mut Frame,
    area: Rect,
    block: Block<'a>,
    header: Row<'a>,
    rows: Vec<Row<'a>>,
    widths: &[Constraint],
    selected: Option<usize>,
    theme: &Theme,
) {
    let empty = rows.is_empty();
    let t = Table::new(rows, widths.to_vec())
        .header(header.style(theme.title()))
        .block(block)
        .row_highlight_style(theme.selected())
        .highlight_symbol("▶ ");
    let mut state = TableState::default().with_selected(if empty { None } else { selected });
    frame.render_stateful_widget(t, area, &mut state);
}

/// A rectangle of `width` × `height` centred in `area` (shrunk to fit).
pub fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let [v] = Layout::vertical([Constraint::Length(height.min(area.height))])
        .flex(Flex::Center)
        .areas(area);
    let [h] = Layout::horizontal([Constraint::Length(width.min(area.width))])
        .flex(Flex::Center)
        .areas(v);
    h
}

/// Clears a popup's area and draws its frame; returns the inside.
pub fn popup(frame: &mut Frame, area: Rect, title: &str, theme: &Theme) -> Rect {
    frame.render_widget(Clear, area);
    let block = Block::bordered().title(Span::styled(format!(" {title} "), theme.title()));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    inner
}

/// A one-line labelled value.
pub fn field<'a>(label: &'a str, value: String, theme: &Theme) -> Line<'a> {
    Line::from(vec![
        Span::styled(format!("{label:<12} "), theme.muted()),
        Span::raw(value),
    ])
}

/// A paragraph of lines in a bordered block.
pub fn boxed<'a>(
    frame: &mut Frame,
    area: Rect,
    title: &'a str,
    lines: Vec<Line<'a>>,
    theme: &Theme,
) {
    let block = Block::bordered().title(Span::styled(format!(" {title} "), theme.title()));
    frame.render_widget(Paragraph::new(lines).block(block), area);
}

/// Cuts a string to `width` characters, with an ellipsis.
pub fn cut(s: &str, width: usize) -> String {
    if s.chars().count() <= width {
        s.to_string()
    } else {
        let mut out: String = s.chars().take(width.saturating_sub(1)).collect();
        out.push('…');
        out
    }
}
