//! Mes actions en attente > Les demandes de rattachements à une structure: the pending requests of every structure
//! where the user acted as is an active GP or GS, each with a tick box; validated or refused in bulk, one command
//! a request, each checked by the desk (a request decided meanwhile elsewhere is reported, not forced).

use crate::domain::chorus::AttachmentStatus;
use crate::domain::ids::{Siret, fold};
use crate::domain::user::UserId;
use crate::tui::espaces::mon_compte::acting::Acting;
use crate::tui::espaces::mon_compte::local_date;
use crate::tui::espaces::mon_compte::words as w;
use crate::tui::espaces::{Ctx, Flow};
use crate::tui::strings as s;
use crate::tui::theme::Theme;
use crate::tui::widgets::{self, Cursor};
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Row};
use serde_json::json;
use std::collections::HashSet;

/// One pending request.
#[derive(Debug, Clone)]
pub struct Request {
    pub user: UserId,
    pub email: String,
    pub name: String,
    pub siret: Siret,
    pub structure: String,
    pub requested_at: chrono::DateTime<chrono::Utc>,
}

impl Request {
    fn key(&self) -> (Siret, UserId) {
        (self.siret, self.user)
    }
}

#[derive(Debug, Default)]
pub struct Pending {
    pub lines: Vec<Request>,
    ticked: HashSet<(Siret, UserId)>,
    pub cursor: Cursor,
    pub height: usize,
}

impl Pending {
    /// Reads the pending requests of the structures he manages; ticks of requests still pending are kept.
    pub fn load(&mut self, ctx: &Ctx, acting: Option<&Acting>) {
        let store = ctx.desk.store();
        let mut lines = Vec::new();
        for held in acting.into_iter().flat_map(Acting::managed) {
            for a in store
                .attachments_of_structure(held.attachment.siret)
                .unwrap_or_default()
            {
                if a.status != AttachmentStatus::Demande {
                    continue;
                }
                let Ok(Some(u)) = store.user(a.user) else {
                    continue;
                };
                lines.push(Request {
                    user: u.id,
                    email: u.email.to_string(),
                    name: format!("{} {}", u.prenom, u.nom),
                    siret: a.siret,
                    structure: held.structure.clone(),
                    requested_at: a.requested_at,
                });
            }
        }
        lines.sort_by_cached_key(|r| (r.requested_at, fold(&r.structure), fold(&r.name)));
        let keys: HashSet<_> = lines.iter().map(Request::key).collect();
        self.ticked.retain(|k| keys.contains(k));
        self.lines = lines;
        self.cursor.settle(self.lines.len(), self.height.max(1));
    }

    pub fn all_ticked(&self) -> bool {
        !self.lines.is_empty() && self.ticked.len() == self.lines.len()
    }

    pub fn tick(&mut self) {
        if let Some(key) = self.lines.get(self.cursor.selected).map(Request::key)
            && !self.ticked.remove(&key)
        {
            self.ticked.insert(key);
        }
        // On to the next line, so that a run of requests is ticked with a run of spaces.
        self.cursor.selected = (self.cursor.selected + 1).min(self.lines.len().saturating_sub(1));
    }

    pub fn tick_all(&mut self) {
        if self.all_ticked() {
            self.ticked.clear();
        } else {
            self.ticked = self.lines.iter().map(Request::key).collect();
        }
    }

    /// The requests a decision applies to: the ticked ones, or else the selected one.
    pub fn targets(&self) -> Vec<&Request> {
        if self.ticked.is_empty() {
            self.lines.get(self.cursor.selected).into_iter().collect()
        } else {
            self.lines
                .iter()
                .filter(|r| self.ticked.contains(&r.key()))
                .collect()
        }
    }

    /// Validates (`accept`) or refuses every target, one command each; says how many were done and the first
    /// refusal. The list is reloaded by the caller.
    pub fn decide(&mut self, ctx: &Ctx, by: &str, accept: bool, reason: Option<&str>) -> Flow {
        let targets: Vec<Request> = self.targets().into_iter().cloned().collect();
        if targets.is_empty() {
            return Flow::Failed(s::refused(w::NO_REQUEST));
        }
        let (mut done, mut seqs, mut refusals) = (0, Vec::new(), Vec::new());
        for r in &targets {
            let mut command = json!({
                "cmd": if accept { "attachment.validate" } else { "attachment.refuse" },
                "by": by,
                "user": r.email,
                "siret": r.siret.to_string(),
            });
            if let Some(reason) = reason.filter(|t| !t.trim().is_empty()) {
                command["reason"] = json!(reason.trim());
            }
            match ctx.execute(command) {
                Ok(receipt) => {
                    done += 1;
                    seqs.push(receipt.seq);
                    self.ticked.remove(&r.key());
                }
                Err(refusal) => refusals.push(refusal),
            }
        }
        let mut message = w::bulk_done(done, accept);
        if let (Some(first), Some(last)) = (seqs.first(), seqs.last()) {
            message.push_str(&format!(" ({})", w::journal_range(*first, *last)));
        }
        match refusals.first() {
            None => Flow::Done(format!("✓ {message}")),
            Some(first) => Flow::Failed(format!(
                "{message} · {}{}",
                w::bulk_refused(refusals.len()),
                s::refused(&first.message)
            )),
        }
    }

    pub fn draw(&mut self, frame: &mut Frame, area: Rect, theme: &Theme) {
        let block = Block::bordered().title(Span::styled(
            w::pending_title(self.lines.len(), self.ticked.len()),
            theme.title(),
        ));
        if self.lines.is_empty() {
            frame.render_widget(
                Paragraph::new(Line::styled(
                    format!(" {}", w::NO_REQUEST_LONG),
                    theme.muted(),
                ))
                .block(block),
                area,
            );
            return;
        }
        self.height = area.height.saturating_sub(3).max(1) as usize;
        self.cursor.settle(self.lines.len(), self.height);
        let wide = area.width >= 110;
        let rows: Vec<Row> = self
            .lines
            .iter()
            .skip(self.cursor.offset)
            .take(self.height)
            .map(|r| {
                let mark = if self.ticked.contains(&r.key()) {
                    "[x]"
                } else {
                    "[ ]"
                };
                let mut cells = vec![
                    mark.to_string(),
                    r.name.clone(),
                    r.email.clone(),
                    r.structure.clone(),
                ];
                if wide {
                    cells.push(r.siret.spaced());
                }
                cells.push(local_date(&r.requested_at));
                Row::new(cells)
            })
            .collect();
        let (header, widths) = if wide {
            (
                vec![
                    "",
                    w::COL_REQUESTER,
                    w::COL_EMAIL,
                    w::COL_STRUCTURE,
                    w::COL_SIRET,
                    w::COL_REQUESTED_F,
                ],
                vec![
                    Constraint::Length(3),
                    Constraint::Length(20),
                    Constraint::Min(26),
                    Constraint::Length(24),
                    Constraint::Length(17),
                    Constraint::Length(11),
                ],
            )
        } else {
            (
                vec![
                    "",
                    w::COL_REQUESTER,
                    w::COL_EMAIL,
                    w::COL_STRUCTURE,
                    w::COL_REQUESTED_F,
                ],
                vec![
                    Constraint::Length(3),
                    Constraint::Length(13),
                    Constraint::Fill(1),
                    Constraint::Length(14),
                    Constraint::Length(11),
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
            Some(self.cursor.selected.saturating_sub(self.cursor.offset)),
            theme,
        );
    }
}
