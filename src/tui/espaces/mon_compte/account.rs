//! The self-service creation of a Chorus Pro account (`chorus.account`): civilité, nom, prénom, courriel. The
//! account is a simple user without PIGP identifier (introduction of the note); Échap asks before dropping typed
//! data. It does not choose the new user as the one acted as: the screen does, from the outcome.

use super::words as w;
use crate::tui::espaces::{Ctx, Flow};
use crate::tui::strings as s;
use crate::tui::theme::Theme;
use crate::tui::widgets::form::{Field, Form, FormEvent};
use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};
use serde_json::{Map, json};

/// What a key did to the form.
pub enum Outcome {
    /// The form stays open.
    Open(Flow),
    /// The form is closed (cancelled).
    Closed,
    /// The account was created: its e-mail, and the flow to report it.
    Created(String, Flow),
}

pub struct NewAccount {
    pub form: Form,
    confirm_discard: bool,
}

impl NewAccount {
    pub fn new() -> NewAccount {
        let form = Form::new(
            w::CRUMB_NEW_ACCOUNT,
            vec![
                Field::choice("civilite", "Civilité", &[("MME", "Mme"), ("M", "M.")], 0),
                Field::text("nom", "Nom", "").required(),
                Field::text("prenom", "Prénom", "").required(),
                Field::text("email", "Courriel professionnel", "").required(),
            ],
        );
        NewAccount {
            form,
            confirm_discard: false,
        }
    }

    pub fn dirty(&self) -> bool {
        self.form.dirty
    }

    fn submit(&mut self, ctx: &Ctx) -> Outcome {
        let mut base = Map::new();
        base.insert("cmd".to_string(), json!("chorus.account"));
        let Some(command) = self.form.to_json(base) else {
            return Outcome::Open(Flow::Failed(s::refused(w::REQUIRED)));
        };
        match ctx.execute(command) {
            Ok(receipt) => {
                let email = receipt.result["email"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string();
                Outcome::Created(email, Flow::Done(s::done(&receipt.summary, receipt.seq)))
            }
            Err(refusal) => {
                self.form.show_refusal(&refusal);
                Outcome::Open(Flow::Failed(s::refused(&refusal.message)))
            }
        }
    }

    pub fn handle(&mut self, key: &KeyEvent, ctx: &Ctx) -> Outcome {
        if self.confirm_discard {
            return match key.code {
                KeyCode::Char('o' | 'O') | KeyCode::Enter => Outcome::Closed,
                KeyCode::Char('n' | 'N') | KeyCode::Esc => {
                    self.confirm_discard = false;
                    Outcome::Open(Flow::Changed)
                }
                _ => Outcome::Open(Flow::Nothing),
            };
        }
        match self.form.handle(key) {
            FormEvent::Changed => Outcome::Open(Flow::Changed),
            FormEvent::Ignored => Outcome::Open(Flow::Nothing),
            FormEvent::Submit => self.submit(ctx),
            FormEvent::Cancel if self.form.dirty => {
                self.confirm_discard = true;
                Outcome::Open(Flow::Changed)
            }
            FormEvent::Cancel => Outcome::Closed,
        }
    }

    /// The form in `body`, its keys (or the confirmation) in `foot`.
    pub fn draw(&self, frame: &mut Frame, body: Rect, foot: Rect, theme: &Theme) {
        let block = Block::bordered().title(Span::styled(
            format!(" {} ", w::CRUMB_NEW_ACCOUNT),
            theme.title(),
        ));
        let inner = block.inner(body);
        frame.render_widget(block, body);
        self.form.draw(frame, inner, theme);
        let (text, style) = if self.confirm_discard {
            (s::CONFIRM_DISCARD, theme.warn())
        } else {
            (w::FORM_FOOT, theme.muted())
        };
        frame.render_widget(Paragraph::new(Line::styled(text, style)), foot);
    }
}
