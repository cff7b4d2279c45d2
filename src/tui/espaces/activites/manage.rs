//! Gérer les structures: the structures where the user acted as is an active GP or GS, with their gestionnaire
//! principal, gestionnaires secondaires and attached users; and the pickers of its actions — designate a GS (a user
//! without PIGP identifier shown with R9), revoke a GS, transfer the GP profile (only the attached users with a PIGP
//! identifier are offered as successors), remove a user's rattachement (the GP's shown with R14). Every line of
//! a picker is previewed by the desk, so it shows the rule before anything is tried.

use crate::domain::chorus::{Attachment, AttachmentStatus, Role};
use crate::domain::ids::{Siret, fold};
use crate::domain::user::User;
use crate::tui::espaces::Ctx;
use crate::tui::espaces::mon_compte::acting::{Acting, role_label};
use crate::tui::espaces::mon_compte::picker::{self, Item, Picker};
use crate::tui::espaces::mon_compte::words as w;
use crate::tui::theme::Theme;
use crate::tui::widgets::{self, Cursor};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Row};
use serde_json::{Value, json};

/// A structure he manages, with its members.
#[derive(Debug, Clone)]
pub struct Managed {
    pub siret: Siret,
    pub name: String,
    /// His own rattachement (GP or GS).
    pub mine: Attachment,
    /// The active rattachements and their users, GP first, then GS, then users, by name.
    pub members: Vec<(Attachment, User)>,
    pub pending: usize,
}

impl Managed {
    fn gp(&self) -> Option<&(Attachment, User)> {
        self.members.iter().find(|(a, _)| a.role == Role::Gp)
    }

    fn count(&self, role: Role) -> usize {
        self.members.iter().filter(|(a, _)| a.role == role).count()
    }
}

/// The picker actions of the structures view.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Pick {
    Designate,
    Revoke,
    Successor,
    Detach,
}

#[derive(Debug, Default)]
pub struct Structures {
    pub list: Vec<Managed>,
    pub cursor: Cursor,
    pub height: usize,
}

fn role_rank(r: Role) -> u8 {
    match r {
        Role::Gp => 0,
        Role::Gs => 1,
        Role::User => 2,
    }
}

impl Structures {
    pub fn load(&mut self, ctx: &Ctx, acting: Option<&Acting>) {
        let store = ctx.desk.store();
        let mut list = Vec::new();
        for held in acting.into_iter().flat_map(Acting::managed) {
            let siret = held.attachment.siret;
            let attachments = store.attachments_of_structure(siret).unwrap_or_default();
            let pending = attachments
                .iter()
                .filter(|a| a.status == AttachmentStatus::Demande)
                .count();
            let mut members: Vec<(Attachment, User)> = attachments
                .into_iter()
                .filter(|a| a.status == AttachmentStatus::Actif)
                .filter_map(|a| store.user(a.user).ok().flatten().map(|u| (a, u)))
                .collect();
            members.sort_by_cached_key(|(a, u)| (role_rank(a.role), fold(&u.nom), fold(&u.prenom)));
            list.push(Managed {
                siret,
                name: held.structure.clone(),
                mine: held.attachment.clone(),
                members,
                pending,
            });
        }
        self.list = list;
        self.cursor.settle(self.list.len(), self.height.max(1));
    }

    pub fn selected(&self) -> Option<&Managed> {
        self.list.get(self.cursor.selected)
    }

    /// Why he cannot do `pick` on the selected structure at all (not its GP, for instance), from the desk's own
    /// check of the acting user: the command is previewed on himself, and only a refusal about `by` counts.
    pub fn forbidden(&self, ctx: &Ctx, acting: &Acting, pick: Pick) -> Option<String> {
        let Some(m) = self.selected() else {
            return Some(w::NO_STRUCTURE.to_string());
        };
        let me = acting.email();
        let command = match pick {
            Pick::Designate => {
                json!({"cmd": "manager.designate_gs", "by": me, "user": me, "siret": m.siret.to_string()})
            }
            Pick::Revoke => {
                json!({"cmd": "manager.revoke_gs", "by": me, "user": me, "siret": m.siret.to_string()})
            }
            Pick::Successor => {
                json!({"cmd": "manager.transfer_gp", "by": me, "to": me, "siret": m.siret.to_string()})
            }
            // Any GP or GS removes a user's rattachement: only his own standing as a user is checked here.
            Pick::Detach => {
                json!({"cmd": "attachment.remove", "by": me, "user": me, "siret": m.siret.to_string()})
            }
        };
        by_refusal(ctx, command)
    }

    /// The picker of `pick` on the selected structure: its lines, each previewed.
    pub fn picker(
        &self,
        ctx: &Ctx,
        acting: &Acting,
        pick: Pick,
    ) -> Option<(Siret, Picker<String>)> {
        let m = self.selected()?;
        let me = acting.email();
        let siret = m.siret.to_string();
        let others = m.members.iter().filter(|(_, u)| u.id != acting.id);
        let (title, empty, chosen): (String, &str, Vec<&(Attachment, User)>) = match pick {
            Pick::Designate => (
                w::pick_designate(&m.name),
                w::NO_CANDIDATE,
                others.filter(|(a, _)| a.role == Role::User).collect(),
            ),
            Pick::Revoke => (
                w::pick_revoke(&m.name),
                w::NO_GS,
                others.filter(|(a, _)| a.role == Role::Gs).collect(),
            ),
            // Only a user with a PIGP identifier may become GP (§2.2): the others are not offered.
            Pick::Successor => (
                w::pick_successor(&m.name),
                w::NO_SUCCESSOR,
                others.filter(|(_, u)| u.pigp_id.is_some()).collect(),
            ),
            Pick::Detach => (w::pick_detach(&m.name), w::NO_MEMBER, others.collect()),
        };
        let items = chosen
            .into_iter()
            .map(|(a, u)| {
                let email = u.email.to_string();
                let command = match pick {
                    Pick::Designate => json!({"cmd": "manager.designate_gs", "by": me, "user": email, "siret": siret}),
                    Pick::Revoke => json!({"cmd": "manager.revoke_gs", "by": me, "user": email, "siret": siret}),
                    Pick::Successor => json!({"cmd": "manager.transfer_gp", "by": me, "to": email, "siret": siret}),
                    Pick::Detach => json!({"cmd": "attachment.remove", "by": me, "user": email, "siret": siret}),
                };
                let mut columns = picker::user_item(u, ()).columns;
                columns.push(w::role_short(a).to_string());
                Item::new(columns, email).disabled_by(ctx.forbidden(command))
            })
            .collect();
        let (mut headers, mut widths) = picker::user_columns();
        headers.push(w::COL_ROLE);
        widths.push(Constraint::Length(11));
        Some((m.siret, Picker::new(title, headers, widths, items, empty)))
    }

    pub fn draw(&mut self, frame: &mut Frame, area: Rect, theme: &Theme) {
        if self.list.is_empty() {
            let block = Block::bordered().title(Span::styled(
                format!(" {} ", w::MY_STRUCTURES),
                theme.title(),
            ));
            frame.render_widget(
                Paragraph::new(Line::styled(
                    format!(" {}", w::MANAGES_NOTHING_LONG),
                    theme.muted(),
                ))
                .block(block),
                area,
            );
            return;
        }
        let top_height = (self.list.len() as u16 + 3).min(area.height / 2).max(4);
        let [top, bottom] =
            Layout::vertical([Constraint::Length(top_height), Constraint::Min(3)]).areas(area);
        self.height = top.height.saturating_sub(3).max(1) as usize;
        self.cursor.settle(self.list.len(), self.height);
        let wide = area.width >= 110;
        let rows: Vec<Row> = self
            .list
            .iter()
            .skip(self.cursor.offset)
            .take(self.height)
            .map(|m| {
                let gp = match m.gp() {
                    Some((a, u)) => format!(
                        "{} {}{}",
                        u.prenom,
                        u.nom,
                        if a.interim { " (intérim)" } else { "" }
                    ),
                    None => w::NO_GP.to_string(),
                };
                let mut cells = vec![m.name.clone()];
                if wide {
                    cells.push(m.siret.spaced());
                }
                cells.extend([
                    w::role_short(&m.mine).to_string(),
                    gp,
                    m.count(Role::Gs).to_string(),
                    m.members.len().to_string(),
                    m.pending.to_string(),
                ]);
                Row::new(cells)
            })
            .collect();
        let mut header = vec![w::COL_STRUCTURE];
        let mut widths = vec![Constraint::Min(18)];
        if wide {
            header.push(w::COL_SIRET);
            widths.push(Constraint::Length(17));
        }
        header.extend([
            w::COL_MY_ROLE,
            if wide { w::COL_GP } else { w::COL_GP_SHORT },
            w::COL_GS,
            w::COL_USERS,
            w::COL_PENDING,
        ]);
        widths.extend([
            Constraint::Length(10),
            Constraint::Length(if wide { 28 } else { 20 }),
            Constraint::Length(3),
            Constraint::Length(9),
            Constraint::Length(8),
        ]);
        widgets::table(
            frame,
            top,
            Block::bordered().title(Span::styled(
                format!(" {} ({}) ", w::MY_STRUCTURES, self.list.len()),
                theme.title(),
            )),
            Row::new(header),
            rows,
            &widths,
            Some(self.cursor.selected.saturating_sub(self.cursor.offset)),
            theme,
        );
        let Some(m) = self.selected() else { return };
        let members: Vec<Row> = m
            .members
            .iter()
            .take(bottom.height.saturating_sub(3) as usize)
            .map(|(a, u)| {
                Row::new(vec![
                    format!("{} {}", u.prenom, u.nom),
                    u.email.to_string(),
                    picker::pigp(u),
                    if wide {
                        role_label(a)
                    } else {
                        w::role_short(a).to_string()
                    },
                ])
            })
            .collect();
        widgets::table(
            frame,
            bottom,
            Block::bordered().title(Span::styled(
                w::members_title(&m.name, m.members.len()),
                theme.title(),
            )),
            Row::new(vec![w::COL_NAME, w::COL_EMAIL, w::COL_PIGP, w::COL_ROLE]),
            members,
            &[
                Constraint::Fill(2),
                Constraint::Fill(3),
                Constraint::Length(20),
                Constraint::Length(if wide { 34 } else { 11 }),
            ],
            None,
            theme,
        );
    }
}

/// The desk's refusal of a command when it is about the user acted as (`by`); `None` when it would pass, or when
/// it is refused for another field.
fn by_refusal(ctx: &Ctx, command: Value) -> Option<String> {
    let command = crate::desk::Command::from_value(command).ok()?;
    match ctx.desk.preview(ctx.actor, &command) {
        Err(crate::desk::DeskError::Refused(r)) if r.field.as_deref() == Some("by") => {
            Some(r.message)
        }
        _ => None,
    }
}
