//! The drawing of Mon compte: the list of the user's rattachements (full columns from 110 columns, short ones
//! below), the procedure of the note under a short list, and the foot that details the selected line and says
//! why it cannot be removed. Plain functions over the state; nothing here reads the store.

use super::acting::{Acting, Held};
use super::words as w;
use crate::tui::strings as s;
use crate::tui::theme::Theme;
use crate::tui::widgets::{self, Cursor};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Padding, Paragraph, Row, Wrap};

/// A timestamp as a local date, jj/mm/aaaa.
pub fn local_date(at: &chrono::DateTime<chrono::Utc>) -> String {
    s::date(at.with_timezone(&chrono::Local).date_naive())
}

/// "Lycée Jean Moulin · SIRET 199 201 317 00013 · demandé le 20/11/2026 · actif le 21/11/2026 par …".
pub fn detail(h: &Held) -> String {
    let a = &h.attachment;
    let mut text = format!(
        "{} · SIRET {} · demandé le {}",
        h.structure,
        a.siret.spaced(),
        local_date(&a.requested_at)
    );
    if let Some(at) = &a.decided_at {
        text.push_str(&format!(" · {} le {}", w::status(a.status), local_date(at)));
        if let Some(by) = &a.decided_by {
            text.push_str(&format!(" par {by}"));
        }
    }
    text
}

/// Splits the body: the list, and under a short one the procedure of the note (§2.1, §2.2) when there is room.
pub fn split(frame: &mut Frame, body: Rect, lines: usize, theme: &Theme) -> Rect {
    let needed = (lines.max(1) as u16 + 3).max(5);
    if body.height < needed + 8 {
        return body;
    }
    let [list, guide] =
        Layout::vertical([Constraint::Length(needed), Constraint::Min(8)]).areas(body);
    let text: Vec<Line> = w::GUIDE.iter().map(|l| Line::raw(*l)).collect();
    let block = Block::bordered()
        .padding(Padding::horizontal(1))
        .title(Span::styled(format!(" {} ", w::GUIDE_TITLE), theme.title()));
    frame.render_widget(
        Paragraph::new(text).wrap(Wrap { trim: false }).block(block),
        guide,
    );
    list
}

/// The rattachements; returns the number of lines the list shows, for paging.
pub fn list(
    frame: &mut Frame,
    area: Rect,
    acting: Option<&Acting>,
    cursor: &mut Cursor,
    theme: &Theme,
) -> usize {
    let Some(acting) = acting else {
        let block = Block::bordered().title(Span::styled(
            format!(" {} ", w::CRUMB_ATTACHMENTS),
            theme.title(),
        ));
        let text = Line::styled(format!(" {}", w::CHOOSE_FIRST), theme.muted());
        frame.render_widget(Paragraph::new(text).block(block), area);
        return 1;
    };
    let title = format!(" {} ({}) ", w::CRUMB_ATTACHMENTS, acting.held.len());
    let block = Block::bordered().title(Span::styled(title, theme.title()));
    if acting.held.is_empty() {
        let text = Line::styled(format!(" {}", w::NO_ATTACHMENT), theme.muted());
        frame.render_widget(Paragraph::new(text).block(block), area);
        return 1;
    }
    let height = area.height.saturating_sub(3).max(1) as usize;
    cursor.settle(acting.held.len(), height);
    let wide = area.width >= 110;
    let rows: Vec<Row> = acting
        .held
        .iter()
        .skip(cursor.offset)
        .take(height)
        .map(|h| {
            let a = &h.attachment;
            let mut cells = vec![h.structure.clone(), a.siret.spaced()];
            if wide {
                cells.push(a.role.label().to_string());
                cells.push(w::status(a.status).to_string());
                cells.push(if a.interim {
                    w::YES.to_string()
                } else {
                    String::new()
                });
                cells.push(local_date(&a.requested_at));
                cells.push(a.decided_at.as_ref().map(local_date).unwrap_or_default());
            } else {
                cells.push(w::role_short(a).to_string());
                cells.push(w::status(a.status).to_string());
            }
            // Refused and removed rattachements stay listed, dimmed.
            Row::new(cells).style(if h.live() {
                theme.base()
            } else {
                theme.muted()
            })
        })
        .collect();
    let (header, widths) = if wide {
        (
            vec![
                w::COL_STRUCTURE,
                w::COL_SIRET,
                w::COL_ROLE,
                w::COL_STATUS,
                w::COL_INTERIM,
                w::COL_REQUESTED,
                w::COL_DECIDED,
            ],
            vec![
                Constraint::Min(20),
                Constraint::Length(17),
                Constraint::Length(23),
                Constraint::Length(10),
                Constraint::Length(7),
                Constraint::Length(10),
                Constraint::Length(10),
            ],
        )
    } else {
        (
            vec![w::COL_STRUCTURE, w::COL_SIRET, w::COL_ROLE, w::COL_STATUS],
            vec![
                Constraint::Min(16),
                Constraint::Length(17),
                Constraint::Length(11),
                Constraint::Length(10),
            ],
        )
    };
    widgets::table(
        frame,
        area,
        block,
        Row::new(header),
        rows,
        &widths,
        Some(cursor.selected.saturating_sub(cursor.offset)),
        theme,
    );
    height
}

/// The foot: the confirmation of a removal, or the selected line's details and why it cannot be removed.
pub fn foot(
    frame: &mut Frame,
    area: Rect,
    removing: Option<&Held>,
    selected: Option<&Held>,
    forbidden: Option<&str>,
    theme: &Theme,
) {
    let [first, rest] = Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(area);
    let line = match (removing, selected) {
        (Some(h), _) => Line::styled(w::confirm_remove(&h.structure), theme.warn()),
        (None, Some(h)) => {
            let text = widgets::cut(&detail(h), area.width.saturating_sub(2) as usize);
            Line::styled(format!(" {text}"), theme.muted())
        }
        (None, None) => Line::raw(""),
    };
    frame.render_widget(Paragraph::new(line), first);
    // Why the selected rattachement cannot be removed (R14 for the GP's own), in full.
    if removing.is_none()
        && let (Some(h), Some(why)) = (selected, forbidden)
        && h.live()
    {
        let why = Line::styled(format!("✗ {} : {why}", w::HINT_REMOVE), theme.warn());
        let block = Block::default().padding(Padding::horizontal(1));
        frame.render_widget(
            Paragraph::new(why).wrap(Wrap { trim: true }).block(block),
            rest,
        );
    }
}
