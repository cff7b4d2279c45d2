//! Historique de mes actions: the journal entries where the user acted as is the actor (`user_view`'s
//! `actions`), newest first: validations, refusals, removals, designations and transfers, done or refused.

use crate::tui::espaces::Ctx;
use crate::tui::espaces::mon_compte::acting::Acting;
use crate::tui::espaces::mon_compte::words as w;
use crate::tui::theme::Theme;
use crate::tui::widgets::{self, Cursor};
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Row};
use serde_json::Value;

#[derive(Debug, Clone)]
pub struct Action {
    pub seq: u64,
    pub at: String,
    pub command: String,
    pub outcome: String,
    pub refused: bool,
    pub text: String,
}

#[derive(Debug, Default)]
pub struct History {
    pub lines: Vec<Action>,
    pub cursor: Cursor,
    pub height: usize,
}

fn text(v: &Value) -> String {
    v.as_str().unwrap_or_default().to_string()
}

impl History {
    pub fn load(&mut self, ctx: &Ctx, acting: Option<&Acting>) {
        let view = acting.and_then(|a| ctx.desk.user_view(&a.email()).ok());
        let actions = view
            .as_ref()
            .and_then(|v| v["actions"].as_array())
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        self.lines = actions
            .iter()
            .rev()
            .map(|h| {
                let at = h["at"]
                    .as_str()
                    .and_then(|x| chrono::DateTime::parse_from_rfc3339(x).ok())
                    .map(|t| {
                        t.with_timezone(&chrono::Local)
                            .format("%d/%m/%Y %H:%M")
                            .to_string()
                    })
                    .unwrap_or_default();
                let outcome = text(&h["outcome"]);
                Action {
                    seq: h["seq"].as_u64().unwrap_or(0),
                    at,
                    command: w::command_label(&text(&h["command"])).to_string(),
                    refused: outcome.starts_with("refusé"),
                    outcome,
                    text: text(&h["text"]),
                }
            })
            .collect();
        self.cursor.settle(self.lines.len(), self.height.max(1));
    }

    pub fn draw(&mut self, frame: &mut Frame, area: Rect, theme: &Theme) {
        let block = Block::bordered().title(Span::styled(
            w::history_title(self.lines.len()),
            theme.title(),
        ));
        if self.lines.is_empty() {
            frame.render_widget(
                Paragraph::new(Line::styled(format!(" {}", w::NO_ACTION), theme.muted()))
                    .block(block),
                area,
            );
            return;
        }
        self.height = area.height.saturating_sub(3).max(1) as usize;
        self.cursor.settle(self.lines.len(), self.height);
        // On a narrow terminal the summary alone says what was done.
        let wide = area.width >= 110;
        let (header, widths) = if wide {
            (
                vec![w::COL_DATE, w::COL_ACTION, w::COL_OUTCOME, w::COL_DETAIL],
                vec![
                    Constraint::Length(16),
                    Constraint::Length(26),
                    Constraint::Length(11),
                    Constraint::Fill(1),
                ],
            )
        } else {
            (
                vec![w::COL_DATE, w::COL_OUTCOME, w::COL_DETAIL],
                vec![
                    Constraint::Length(16),
                    Constraint::Length(11),
                    Constraint::Fill(1),
                ],
            )
        };
        let rows: Vec<Row> = self
            .lines
            .iter()
            .skip(self.cursor.offset)
            .take(self.height)
            .map(|a| {
                let mut cells = vec![a.at.clone()];
                if wide {
                    cells.push(a.command.clone());
                }
                cells.extend([a.outcome.clone(), a.text.clone()]);
                Row::new(cells).style(if a.refused {
                    theme.warn()
                } else {
                    theme.base()
                })
            })
            .collect();
        widgets::table(
            frame,
            area,
            block,
            Row::new(header),
            rows,
            &widths,
            Some(self.cursor.selected.saturating_sub(self.cursor.offset)),
            theme,
        );
    }
}
