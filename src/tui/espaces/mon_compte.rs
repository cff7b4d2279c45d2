//! Espace Mon compte, acted "en tant que" a chosen Chorus Pro user: Mes rattachements aux structures, with
//! Demander un rattachement (a structure picker) and Supprimer rattachement (previewed: the GP's own shows R14
//! until he has transferred his profile), and the self-service creation of a Chorus Pro account (a simple user
//! without PIGP identifier, who then becomes the user acted as).
//!
//! The user picker, the "Connecté en tant que" line and the texts are shared with Activités du gestionnaire.

mod account;
pub mod acting;
pub mod choices;
pub mod picker;
mod view;
pub mod words;

pub use view::local_date;

use super::{Ctx, EspaceId, Flow, Screen, Target};
use crate::domain::ids::Siret;
use crate::domain::user::UserId;
use crate::tui::keymap::{Binding, Key, Move};
use crate::tui::strings as s;
use crate::tui::widgets::Cursor;
use account::{NewAccount, Outcome};
use acting::{Acting, Held};
use picker::{Picked, Picker};
use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::widgets::Paragraph;
use serde_json::{Value, json};
use words as w;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Choose,
    Request,
    Remove,
    NewAccount,
    OpenStructure,
    Pick,
    Close,
    Save,
    Yes,
    No,
}

enum Popup {
    User(Picker<UserId>),
    Structure(Picker<Siret>),
}

#[derive(Default)]
pub struct State {
    acting: Option<Acting>,
    cursor: Cursor,
    /// Lines of the list shown at the last draw, for paging.
    height: usize,
    popup: Option<Popup>,
    account: Option<NewAccount>,
    /// The rattachement whose removal waits for "o".
    removing: Option<usize>,
    /// Why the selected rattachement cannot be removed now (None: it can).
    remove_forbidden: Option<String>,
}

impl State {
    fn selected(&self) -> Option<&Held> {
        self.acting.as_ref()?.held.get(self.cursor.selected)
    }

    fn remove_command(&self, held: &Held) -> Option<Value> {
        let email = self.acting.as_ref()?.email();
        Some(json!({
            "cmd": "attachment.remove",
            "by": email,
            "user": email,
            "siret": held.attachment.siret.to_string(),
        }))
    }

    /// Reloads the user and previews the removal of the selected line.
    fn reload(&mut self, ctx: &Ctx) {
        if let Some(a) = &self.acting {
            self.acting = Some(Acting::load(ctx, a.id));
        }
        let len = self.acting.as_ref().map_or(0, |a| a.held.len());
        self.cursor.settle(len, self.height.max(1));
        self.remove_forbidden = match (&self.acting, self.selected()) {
            (None, _) => Some(w::NO_USER.to_string()),
            (Some(_), None) => Some(w::NOTHING_SELECTED.to_string()),
            (Some(_), Some(held)) => self.remove_command(held).and_then(|c| ctx.forbidden(c)),
        };
    }

    fn act_as(&mut self, acting: Acting, ctx: &Ctx) {
        self.acting = Some(acting);
        self.cursor = Cursor::default();
        self.reload(ctx);
    }

    fn on_popup(&mut self, key: &KeyEvent, ctx: &Ctx) -> Flow {
        match &mut self.popup {
            None => Flow::Nothing,
            Some(Popup::User(p)) => match p.handle(key, ctx) {
                Picked::Chosen(id) => {
                    self.popup = None;
                    self.act_as(Acting::load(ctx, id), ctx);
                    Flow::Changed
                }
                other => self.on_picked(other),
            },
            Some(Popup::Structure(p)) => match p.handle(key, ctx) {
                Picked::Chosen(siret) => {
                    self.popup = None;
                    let by = self.acting.as_ref().map(Acting::email).unwrap_or_default();
                    let request =
                        json!({"cmd": "attachment.request", "by": by, "siret": siret.to_string()});
                    let flow = Ctx::outcome(ctx.execute(request));
                    self.reload(ctx);
                    flow
                }
                other => self.on_picked(other),
            },
        }
    }

    /// A picker that chose nothing: closed, a forbidden line, or a move.
    fn on_picked<T>(&mut self, picked: Picked<T>) -> Flow {
        match picked {
            Picked::Forbidden(why) => Flow::Failed(s::refused(&why)),
            Picked::Closed => {
                self.popup = None;
                Flow::Changed
            }
            Picked::Changed | Picked::Chosen(_) => Flow::Changed,
        }
    }

    fn open_structures(&mut self, ctx: &Ctx) {
        let Some(acting) = &self.acting else { return };
        let by = acting.email();
        // One rattachement per structure (R11): the structures he is attached to or waiting for say why.
        let taken: Vec<Siret> = acting
            .held
            .iter()
            .filter(|h| h.live())
            .map(|h| h.attachment.siret)
            .collect();
        let refused: choices::Refused = Box::new(move |ctx, st| {
            taken.contains(&st.siret).then(|| {
                ctx.forbidden(
                    json!({"cmd": "attachment.request", "by": by, "siret": st.siret.to_string()}),
                )
                .unwrap_or_else(|| w::ALREADY.to_string())
            })
        });
        let picker = choices::structures(ctx, refused);
        self.popup = Some(Popup::Structure(picker));
    }

    fn on_account(&mut self, key: &KeyEvent, ctx: &Ctx) -> Flow {
        let Some(account) = &mut self.account else {
            return Flow::Nothing;
        };
        match account.handle(key, ctx) {
            Outcome::Open(flow) => flow,
            Outcome::Closed => {
                self.account = None;
                Flow::Changed
            }
            Outcome::Created(email, flow) => {
                self.account = None;
                if let Some(acting) = Acting::find(ctx, &email) {
                    self.act_as(acting, ctx);
                }
                flow
            }
        }
    }

    fn confirm_removal(&mut self, ctx: &Ctx) -> Flow {
        let Some(index) = self.removing.take() else {
            return Flow::Nothing;
        };
        let command = self
            .acting
            .as_ref()
            .and_then(|a| a.held.get(index))
            .and_then(|h| self.remove_command(h));
        let flow = match command {
            Some(c) => Ctx::outcome(ctx.execute(c)),
            None => Flow::Nothing,
        };
        self.reload(ctx);
        flow
    }
}

impl Screen for State {
    type Action = Action;

    fn breadcrumb(&self) -> Vec<String> {
        let mut crumbs = vec![w::CRUMB_ATTACHMENTS.to_string()];
        match (&self.popup, &self.account) {
            (Some(Popup::Structure(_)), _) => crumbs.push(w::CRUMB_REQUEST.to_string()),
            (Some(Popup::User(_)), _) => crumbs.push(w::CRUMB_CHOOSE.to_string()),
            (None, Some(_)) => crumbs.push(w::CRUMB_NEW_ACCOUNT.to_string()),
            (None, None) => {}
        }
        crumbs
    }

    fn bindings(&self, _ctx: &Ctx) -> Vec<Binding<Action>> {
        if self.popup.is_some() {
            return vec![
                Binding::new(Key::Enter, w::HINT_PICK, w::HELP_PICK, Action::Pick),
                Binding::new(Key::Esc, w::HINT_CLOSE, w::HELP_CLOSE, Action::Close),
            ];
        }
        if self.account.is_some() {
            return vec![
                Binding::new(Key::Ctrl('s'), w::HINT_SAVE, w::HELP_SAVE, Action::Save),
                Binding::new(Key::Esc, w::HINT_CANCEL, w::HELP_CANCEL, Action::Close),
            ];
        }
        if self.removing.is_some() {
            return vec![
                Binding::new(Key::Char('o'), w::HINT_YES, w::HELP_YES, Action::Yes),
                Binding::new(Key::Char('n'), w::HINT_NO, w::HELP_NO, Action::No),
            ];
        }
        let mut table = Vec::new();
        // Without a user acted as, only choosing one or creating an account make sense.
        if self.acting.is_some() {
            table.push(Binding::new(
                Key::Char('d'),
                w::HINT_REQUEST,
                w::HELP_REQUEST,
                Action::Request,
            ));
            if self.selected().is_some_and(Held::live) {
                table.push(
                    Binding::new(
                        Key::Char('s'),
                        w::HINT_REMOVE,
                        w::HELP_REMOVE,
                        Action::Remove,
                    )
                    .disabled_by(self.remove_forbidden.clone()),
                );
            }
        }
        table.push(Binding::new(
            Key::Char('c'),
            w::HINT_CHOOSE_USER,
            w::HELP_CHOOSE_USER,
            Action::Choose,
        ));
        table.push(Binding::new(
            Key::Char('n'),
            w::HINT_NEW_ACCOUNT,
            w::HELP_NEW_ACCOUNT,
            Action::NewAccount,
        ));
        if self.selected().is_some() {
            table.push(
                Binding::new(
                    Key::Enter,
                    w::HINT_STRUCTURE,
                    w::HELP_STRUCTURE,
                    Action::OpenStructure,
                )
                .help_only(),
            );
        }
        table
    }

    fn act(&mut self, action: Action, ctx: &Ctx) -> Flow {
        match action {
            Action::Choose => self.popup = Some(Popup::User(choices::acting_users(ctx))),
            Action::Request => self.open_structures(ctx),
            Action::Remove => {
                self.removing = Some(self.cursor.selected).filter(|_| self.selected().is_some())
            }
            Action::NewAccount => self.account = Some(NewAccount::new()),
            Action::OpenStructure => {
                return match self.selected() {
                    Some(h) => Flow::Goto(
                        EspaceId::Structures,
                        Some(Target::Structure(h.attachment.siret.to_string())),
                    ),
                    None => Flow::Nothing,
                };
            }
            Action::Yes => return self.confirm_removal(ctx),
            Action::No => self.removing = None,
            // Pick, Close and Save are reached through `capture`; listed for the hint line and the help.
            Action::Pick | Action::Close | Action::Save => return Flow::Nothing,
        }
        Flow::Changed
    }

    fn capture(&mut self, key: &KeyEvent, ctx: &Ctx) -> Option<Flow> {
        if self.popup.is_some() {
            return Some(self.on_popup(key, ctx));
        }
        if self.account.is_some() {
            return Some(self.on_account(key, ctx));
        }
        if self.removing.is_some() {
            return Some(match key.code {
                KeyCode::Char('o' | 'O') | KeyCode::Enter => self.confirm_removal(ctx),
                KeyCode::Char('n' | 'N') | KeyCode::Esc => {
                    self.removing = None;
                    Flow::Changed
                }
                _ => Flow::Nothing,
            });
        }
        None
    }

    fn editing(&self) -> bool {
        self.account.as_ref().is_some_and(NewAccount::dirty)
    }

    fn typing(&self) -> bool {
        self.popup.is_some() || self.account.is_some()
    }

    fn discard(&mut self) {
        self.account = None;
    }

    fn on_move(&mut self, movement: Move, ctx: &Ctx) -> Flow {
        let len = self.acting.as_ref().map_or(0, |a| a.held.len());
        self.cursor.selected = movement.apply(self.cursor.selected, len, self.height);
        self.reload(ctx);
        Flow::Changed
    }

    fn refresh(&mut self, ctx: &Ctx) {
        self.reload(ctx);
    }

    fn open(&mut self, target: &Target, ctx: &Ctx) {
        if let Target::User(key) = target
            && let Some(acting) = Acting::find(ctx, key)
        {
            self.act_as(acting, ctx);
        }
    }

    fn copy(&self) -> Option<String> {
        self.selected().map(|h| h.attachment.siret.to_string())
    }

    fn draw(&mut self, frame: &mut Frame, area: Rect, ctx: &Ctx) {
        let theme = ctx.theme;
        // The foot details the selected line and says why it cannot be removed: more room on a tall terminal.
        let foot_height = if area.height >= 30 { 4 } else { 3 };
        let [head, body, foot] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Min(3),
            Constraint::Length(foot_height),
        ])
        .areas(area);
        frame.render_widget(
            Paragraph::new(acting::header(self.acting.as_ref(), &theme, head.width)),
            head,
        );
        if let Some(account) = &self.account {
            let [line, _] =
                Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(foot);
            account.draw(frame, body, line, &theme);
            return;
        }
        let lines = self.acting.as_ref().map_or(0, |a| a.held.len());
        let list = view::split(frame, body, lines, &theme);
        self.height = view::list(frame, list, self.acting.as_ref(), &mut self.cursor, &theme);
        let removing = self
            .removing
            .and_then(|i| self.acting.as_ref()?.held.get(i));
        view::foot(
            frame,
            foot,
            removing,
            self.selected(),
            self.remove_forbidden.as_deref(),
            &theme,
        );
        match &mut self.popup {
            Some(Popup::User(p)) => p.draw(frame, area, ctx),
            Some(Popup::Structure(p)) => p.draw(frame, area, ctx),
            None => {}
        }
    }
}
