//! The popups of Activités du gestionnaire: the user picker, the pickers of a structure's members (designate or
//! revoke a GS, the successor of the GP, a rattachement to remove), the transfer form with its interim flag, and
//! the reason of a refusal. What each choice runs, and how each popup is drawn over the espace.

use super::State;
use super::manage::Pick;
use crate::domain::ids::Siret;
use crate::domain::user::UserId;
use crate::tui::espaces::mon_compte::acting::Acting;
use crate::tui::espaces::mon_compte::picker::{self, Picked, Picker};
use crate::tui::espaces::mon_compte::words as w;
use crate::tui::espaces::{Ctx, Flow};
use crate::tui::keymap::Key;
use crate::tui::strings as s;
use crate::tui::widgets::{
    self,
    form::{Field, Form, FormEvent},
};
use ratatui::Frame;
use ratatui::crossterm::event::{Event, KeyEvent};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use serde_json::{Map, json};
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

pub enum Popup {
    User(Picker<UserId>),
    Member {
        pick: Pick,
        siret: Siret,
        picker: Picker<String>,
    },
    /// The successor is chosen: the form holds the interim flag; `summary` says who hands what to whom.
    Transfer {
        siret: Siret,
        to: String,
        summary: String,
        form: Form,
    },
    Refuse(Input),
}

impl Popup {
    /// The last crumb of the breadcrumb while the popup is open.
    pub fn crumb(&self) -> &'static str {
        match self {
            Popup::User(_) => w::CRUMB_CHOOSE,
            Popup::Member {
                pick: Pick::Designate,
                ..
            } => w::CRUMB_DESIGNATE,
            Popup::Member {
                pick: Pick::Revoke, ..
            } => w::CRUMB_REVOKE,
            Popup::Member {
                pick: Pick::Successor,
                ..
            }
            | Popup::Transfer { .. } => w::CRUMB_TRANSFER,
            Popup::Member {
                pick: Pick::Detach, ..
            } => w::CRUMB_DETACH,
            Popup::Refuse(_) => w::CRUMB_REFUSE,
        }
    }
}

impl State {
    pub(super) fn open_pick(&mut self, pick: Pick, ctx: &Ctx) -> Flow {
        let Some(acting) = &self.acting else {
            return Flow::Nothing;
        };
        if let Some((siret, picker)) = self.structures.picker(ctx, acting, pick) {
            self.popup = Some(Popup::Member {
                pick,
                siret,
                picker,
            });
        }
        Flow::Changed
    }

    /// A member chosen in a picker: the successor goes on to the transfer form, the others are acted at once.
    fn on_member(&mut self, pick: Pick, siret: Siret, email: String, ctx: &Ctx) -> Flow {
        let me = self.acting.as_ref().map(Acting::email).unwrap_or_default();
        let siret_text = siret.to_string();
        let command = match pick {
            Pick::Successor => {
                let structure = self
                    .structures
                    .selected()
                    .map(|m| m.name.clone())
                    .unwrap_or_default();
                let successor = ctx
                    .desk
                    .find_user(&email)
                    .map(|u| format!("{} {} ({})", u.prenom, u.nom, picker::pigp(&u)))
                    .unwrap_or_else(|_| email.clone());
                let form = Form::new(
                    w::TRANSFER_TITLE,
                    vec![Field::flag("interim", w::TRANSFER_INTERIM, false)],
                );
                self.popup = Some(Popup::Transfer {
                    siret,
                    to: email,
                    summary: w::transfer_summary(&structure, &successor),
                    form,
                });
                return Flow::Changed;
            }
            Pick::Designate => {
                json!({"cmd": "manager.designate_gs", "by": me, "user": email, "siret": siret_text})
            }
            Pick::Revoke => {
                json!({"cmd": "manager.revoke_gs", "by": me, "user": email, "siret": siret_text})
            }
            Pick::Detach => {
                json!({"cmd": "attachment.remove", "by": me, "user": email, "siret": siret_text})
            }
        };
        self.popup = None;
        let flow = Ctx::outcome(ctx.execute(command));
        self.reload(ctx);
        flow
    }

    fn submit_transfer(&mut self, ctx: &Ctx) -> Flow {
        let me = self.acting.as_ref().map(Acting::email).unwrap_or_default();
        let Some(Popup::Transfer {
            siret, to, form, ..
        }) = &mut self.popup
        else {
            return Flow::Nothing;
        };
        let mut base = Map::new();
        base.insert("cmd".to_string(), json!("manager.transfer_gp"));
        base.insert("by".to_string(), json!(me));
        base.insert("to".to_string(), json!(to));
        base.insert("siret".to_string(), json!(siret.to_string()));
        let Some(command) = form.to_json(base) else {
            return Flow::Nothing;
        };
        match ctx.execute(command) {
            Ok(receipt) => {
                self.popup = None;
                self.reload(ctx);
                Flow::Done(s::done(&receipt.summary, receipt.seq))
            }
            Err(refusal) => {
                form.show_refusal(&refusal);
                Flow::Failed(s::refused(&refusal.message))
            }
        }
    }

    pub(super) fn on_popup(&mut self, key: &KeyEvent, ctx: &Ctx) -> Flow {
        let Some(popup) = &mut self.popup else {
            return Flow::Nothing;
        };
        match popup {
            Popup::User(p) => match p.handle(key, ctx) {
                Picked::Chosen(id) => {
                    self.popup = None;
                    self.act_as(id, ctx);
                    Flow::Changed
                }
                Picked::Forbidden(why) => Flow::Failed(s::refused(&why)),
                Picked::Closed => {
                    self.popup = None;
                    Flow::Changed
                }
                Picked::Changed => Flow::Changed,
            },
            Popup::Member {
                pick,
                siret,
                picker,
            } => {
                let (pick, siret) = (*pick, *siret);
                match picker.handle(key, ctx) {
                    Picked::Chosen(email) => self.on_member(pick, siret, email, ctx),
                    Picked::Forbidden(why) => Flow::Failed(s::refused(&why)),
                    Picked::Closed => {
                        self.popup = None;
                        Flow::Changed
                    }
                    Picked::Changed => Flow::Changed,
                }
            }
            Popup::Transfer { form, .. } => {
                if Key::of(key) == Some(Key::Enter) {
                    return self.submit_transfer(ctx);
                }
                match form.handle(key) {
                    FormEvent::Changed => Flow::Changed,
                    FormEvent::Ignored => Flow::Nothing,
                    FormEvent::Submit => self.submit_transfer(ctx),
                    // One flag at most is lost: no confirmation.
                    FormEvent::Cancel => {
                        self.popup = None;
                        Flow::Changed
                    }
                }
            }
            Popup::Refuse(input) => match Key::of(key) {
                Some(Key::Enter | Key::Ctrl('s')) => {
                    let reason = input.value().to_string();
                    self.popup = None;
                    self.decide(ctx, false, Some(&reason))
                }
                Some(Key::Esc) => {
                    self.popup = None;
                    Flow::Changed
                }
                _ => {
                    input.handle_event(&Event::Key(*key));
                    Flow::Changed
                }
            },
        }
    }

    pub(super) fn draw_popup(&mut self, frame: &mut Frame, area: Rect, ctx: &Ctx) {
        let theme = &ctx.theme;
        match &mut self.popup {
            None => {}
            Some(Popup::User(p)) => p.draw(frame, area, ctx),
            Some(Popup::Member { picker, .. }) => picker.draw(frame, area, ctx),
            Some(Popup::Transfer { summary, form, .. }) => {
                let popup = widgets::centered(area, area.width.saturating_sub(4).min(100), 12);
                let inner = widgets::popup(frame, popup, w::TRANSFER_TITLE, theme);
                let [note, fields, foot] = Layout::vertical([
                    Constraint::Length(6),
                    Constraint::Min(1),
                    Constraint::Length(2),
                ])
                .areas(inner);
                let text = vec![
                    Line::styled(summary.clone(), theme.title()),
                    Line::styled(w::TRANSFER_NOTE, theme.muted()),
                ];
                frame.render_widget(
                    Paragraph::new(text).wrap(ratatui::widgets::Wrap { trim: true }),
                    note,
                );
                form.draw(frame, fields, theme);
                let [_, foot] =
                    Layout::vertical([Constraint::Length(1), Constraint::Length(1)]).areas(foot);
                frame.render_widget(
                    Paragraph::new(Line::styled(w::TRANSFER_FOOT, theme.muted())),
                    foot,
                );
            }
            Some(Popup::Refuse(input)) => {
                let n = self.pending.targets().len();
                let popup = widgets::centered(area, area.width.saturating_sub(4).min(90), 4);
                let inner = widgets::popup(frame, popup, w::REFUSE_TITLE, theme);
                let [line, foot] =
                    Layout::vertical([Constraint::Length(1), Constraint::Length(1)]).areas(inner);
                frame.render_widget(
                    Paragraph::new(Line::from(vec![
                        Span::styled(w::REFUSE_PROMPT, theme.muted()),
                        Span::raw(input.value().to_string()),
                    ])),
                    line,
                );
                let x = line.x + (w::REFUSE_PROMPT.chars().count() + input.visual_cursor()) as u16;
                frame.set_cursor_position((x.min(line.right().saturating_sub(1)), line.y));
                frame.render_widget(
                    Paragraph::new(Line::styled(w::refuse_foot(n), theme.muted())),
                    foot,
                );
            }
        }
    }
}
