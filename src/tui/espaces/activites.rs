//! Espace Activités du gestionnaire, acted "en tant que" a GP or GS: three views — Mes actions en attente (the
//! rattachement requests of his structures, ticked and validated or refused in bulk), Gérer les structures
//! (designate or revoke a GS, transfer the GP profile, remove a user's rattachement) and the history of his
//! actions. Each keeps its own list; the user acted as is this espace's own, chosen with the shared picker.

mod history;
mod manage;
mod pending;
mod popups;

use super::mon_compte::acting::{self, Acting};
use super::mon_compte::choices;
use super::mon_compte::words as w;
use super::{Ctx, EspaceId, Flow, Screen, Target};
use crate::domain::user::UserId;
use crate::domain::{Refusal, Rule};
use crate::tui::keymap::{Binding, Key, Move};
use crate::tui::strings as s;
use crate::tui::widgets::Cursor;
use history::History;
use manage::{Pick, Structures};
use pending::Pending;
use popups::Popup;
use ratatui::Frame;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::widgets::Paragraph;
use std::collections::HashMap;
use tui_input::Input;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum View {
    Pending,
    Structures,
    History,
}

/// The views, in the order of `Action::Show`.
const VIEWS: [View; 3] = [View::Pending, View::Structures, View::History];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Choose,
    Show(u8),
    Tick,
    TickAll,
    Validate,
    Refuse,
    Manage(u8),
    OpenUser,
    Pick,
    Close,
    Save,
}

const PICKS: [Pick; 4] = [Pick::Designate, Pick::Revoke, Pick::Successor, Pick::Detach];

pub struct State {
    view: View,
    acting: Option<Acting>,
    pending: Pending,
    structures: Structures,
    history: History,
    popup: Option<Popup>,
    /// Why each action of Gérer les structures is not offered on the selected structure (None: offered).
    availability: HashMap<Pick, Option<String>>,
}

impl Default for State {
    fn default() -> Self {
        State {
            view: View::Pending,
            acting: None,
            pending: Pending::default(),
            structures: Structures::default(),
            history: History::default(),
            popup: None,
            availability: HashMap::new(),
        }
    }
}

impl State {
    fn reload(&mut self, ctx: &Ctx) {
        if let Some(a) = &self.acting {
            self.acting = Some(Acting::load(ctx, a.id));
        }
        let acting = self.acting.as_ref();
        self.pending.load(ctx, acting);
        self.structures.load(ctx, acting);
        // The history reads the journal: only when it is shown.
        if self.view == View::History {
            self.history.load(ctx, acting);
        }
        self.preview(ctx);
    }

    fn preview(&mut self, ctx: &Ctx) {
        self.availability.clear();
        for pick in PICKS {
            let why = match &self.acting {
                None => Some(w::NO_USER.to_string()),
                Some(a) => self.structures.forbidden(ctx, a, pick),
            };
            self.availability.insert(pick, why);
        }
    }

    fn act_as(&mut self, id: UserId, ctx: &Ctx) {
        self.acting = Some(Acting::load(ctx, id));
        self.pending = Pending::default();
        self.structures.cursor = Cursor::default();
        self.history.cursor = Cursor::default();
        self.reload(ctx);
    }

    /// Why the requests cannot be decided now: no user, a user who manages nothing (R11), no request.
    fn decide_forbidden(&self) -> Option<String> {
        if self.acting.is_none() {
            return Some(w::NO_USER.to_string());
        }
        self.manages_nothing().or_else(|| {
            self.pending
                .lines
                .is_empty()
                .then(|| w::NO_REQUEST.to_string())
        })
    }

    /// R11, when the user acted as is neither GP nor GS anywhere.
    fn manages_nothing(&self) -> Option<String> {
        let acting = self.acting.as_ref()?;
        acting.managed().next().is_none().then(|| {
            Refusal::rule(Rule::R11, Some("by"), w::manages_nothing(&acting.email())).message
        })
    }

    fn decide(&mut self, ctx: &Ctx, accept: bool, reason: Option<&str>) -> Flow {
        if let Some(why) = self.decide_forbidden() {
            return Flow::Failed(s::refused(&why));
        }
        let by = self.acting.as_ref().map(Acting::email).unwrap_or_default();
        let flow = self.pending.decide(ctx, &by, accept, reason);
        self.reload(ctx);
        flow
    }

    fn view_bindings(&self) -> Vec<Binding<Action>> {
        let views = [
            (
                View::Pending,
                Key::Char('a'),
                w::HINT_PENDING,
                w::HELP_PENDING,
                0,
            ),
            (
                View::Structures,
                Key::Char('s'),
                w::HINT_MANAGE,
                w::HELP_MANAGE,
                1,
            ),
            (
                View::History,
                Key::Char('h'),
                w::HINT_HISTORY,
                w::HELP_HISTORY,
                2,
            ),
        ];
        let mut table: Vec<Binding<Action>> = views
            .into_iter()
            .map(|(view, key, hint, help, n)| {
                let b = Binding::new(key, hint, help, Action::Show(n));
                if view == self.view { b.help_only() } else { b }
            })
            .collect();
        table.push(Binding::new(
            Key::Char('c'),
            w::HINT_CHOOSE_USER,
            w::HELP_CHOOSE_USER,
            Action::Choose,
        ));
        table
    }
}

impl Screen for State {
    type Action = Action;

    fn breadcrumb(&self) -> Vec<String> {
        let mut crumbs: Vec<String> = match self.view {
            View::Pending => w::CRUMB_PENDING.iter().map(|c| c.to_string()).collect(),
            View::Structures => vec![w::CRUMB_MANAGE.to_string()],
            View::History => vec![w::CRUMB_HISTORY.to_string()],
        };
        if let Some(structure) = self
            .structures
            .selected()
            .filter(|_| self.view == View::Structures)
        {
            crumbs.push(structure.name.clone());
        }
        if let Some(popup) = &self.popup {
            crumbs.push(popup.crumb().to_string());
        }
        crumbs
    }

    fn bindings(&self, _ctx: &Ctx) -> Vec<Binding<Action>> {
        match &self.popup {
            Some(Popup::User(_) | Popup::Member { .. }) => {
                return vec![
                    Binding::new(Key::Enter, w::HINT_PICK, w::HELP_PICK, Action::Pick),
                    Binding::new(Key::Esc, w::HINT_CLOSE, w::HELP_CLOSE, Action::Close),
                ];
            }
            Some(Popup::Transfer { .. } | Popup::Refuse(_)) => {
                return vec![
                    Binding::new(Key::Enter, w::HINT_SAVE, w::HELP_SAVE, Action::Save),
                    Binding::new(Key::Esc, w::HINT_CANCEL, w::HELP_CLOSE, Action::Close),
                ];
            }
            None => {}
        }
        let mut table = match self.view {
            View::Pending => {
                let n = self.pending.targets().len();
                let mut t = Vec::new();
                if let Some(why) = self.manages_nothing() {
                    // A user who manages nothing: validating and refusing stay listed, with R11.
                    for (key, hint, help, action) in [
                        ('v', w::hint_validate(0), w::HELP_VALIDATE, Action::Validate),
                        ('r', w::hint_refuse(0), w::HELP_REFUSE, Action::Refuse),
                    ] {
                        t.push(
                            Binding::new(Key::Char(key), hint, help, action)
                                .disabled_by(Some(why.clone())),
                        );
                    }
                } else if !self.pending.lines.is_empty() {
                    let all = if self.pending.all_ticked() {
                        w::HINT_UNTICK_ALL
                    } else {
                        w::HINT_TICK_ALL
                    };
                    t.extend([
                        Binding::new(Key::Space, w::HINT_TICK, w::HELP_TICK, Action::Tick),
                        Binding::new(Key::Char('*'), all, w::HELP_TICK_ALL, Action::TickAll),
                        Binding::new(
                            Key::Char('v'),
                            w::hint_validate(n),
                            w::HELP_VALIDATE,
                            Action::Validate,
                        ),
                        Binding::new(
                            Key::Char('r'),
                            w::hint_refuse(n),
                            w::HELP_REFUSE,
                            Action::Refuse,
                        ),
                        Binding::new(
                            Key::Enter,
                            w::HINT_OPEN_USER,
                            w::HELP_OPEN_USER,
                            Action::OpenUser,
                        )
                        .help_only(),
                    ]);
                }
                t
            }
            View::Structures if self.structures.selected().is_none() => Vec::new(),
            View::Structures => {
                let entry = |key, hint, help, pick: Pick, n| {
                    Binding::new(key, hint, help, Action::Manage(n))
                        .disabled_by(self.availability.get(&pick).cloned().flatten())
                };
                vec![
                    entry(
                        Key::Char('g'),
                        w::HINT_DESIGNATE,
                        w::HELP_DESIGNATE,
                        Pick::Designate,
                        0,
                    ),
                    entry(
                        Key::Char('G'),
                        w::HINT_REVOKE,
                        w::HELP_REVOKE,
                        Pick::Revoke,
                        1,
                    ),
                    entry(
                        Key::Char('t'),
                        w::HINT_TRANSFER,
                        w::HELP_TRANSFER,
                        Pick::Successor,
                        2,
                    ),
                    entry(
                        Key::Char('x'),
                        w::HINT_DETACH,
                        w::HELP_DETACH,
                        Pick::Detach,
                        3,
                    ),
                ]
            }
            View::History => Vec::new(),
        };
        table.extend(self.view_bindings());
        table
    }

    fn act(&mut self, action: Action, ctx: &Ctx) -> Flow {
        match action {
            Action::Choose => self.popup = Some(Popup::User(choices::acting_users(ctx))),
            Action::Show(n) => {
                self.view = VIEWS[n as usize % 3];
                if self.view == View::History {
                    self.history.load(ctx, self.acting.as_ref());
                }
            }
            Action::Tick => self.pending.tick(),
            Action::TickAll => self.pending.tick_all(),
            Action::Validate => return self.decide(ctx, true, None),
            Action::Refuse => self.popup = Some(Popup::Refuse(Input::default())),
            Action::Manage(n) => return self.open_pick(PICKS[n as usize % 4], ctx),
            Action::OpenUser => {
                return match self.pending.lines.get(self.pending.cursor.selected) {
                    Some(r) => {
                        Flow::Goto(EspaceId::Utilisateurs, Some(Target::User(r.email.clone())))
                    }
                    None => Flow::Nothing,
                };
            }
            // Reached through `capture`; listed for the hint line and the help.
            Action::Pick | Action::Close | Action::Save => return Flow::Nothing,
        }
        Flow::Changed
    }

    fn typing(&self) -> bool {
        self.popup.is_some()
    }

    fn capture(&mut self, key: &KeyEvent, ctx: &Ctx) -> Option<Flow> {
        if self.popup.is_some() {
            return Some(self.on_popup(key, ctx));
        }
        None
    }

    fn on_move(&mut self, movement: Move, ctx: &Ctx) -> Flow {
        let (cursor, len, height) = match self.view {
            View::Pending => (
                &mut self.pending.cursor,
                self.pending.lines.len(),
                self.pending.height,
            ),
            View::Structures => (
                &mut self.structures.cursor,
                self.structures.list.len(),
                self.structures.height,
            ),
            View::History => (
                &mut self.history.cursor,
                self.history.lines.len(),
                self.history.height,
            ),
        };
        cursor.selected = movement.apply(cursor.selected, len, height);
        cursor.settle(len, height.max(1));
        if self.view == View::Structures {
            self.preview(ctx);
        }
        Flow::Changed
    }

    fn refresh(&mut self, ctx: &Ctx) {
        self.reload(ctx);
    }

    fn open(&mut self, target: &Target, ctx: &Ctx) {
        if let Target::User(key) = target
            && let Ok(u) = ctx.desk.find_user(key)
        {
            self.act_as(u.id, ctx);
        }
    }

    fn copy(&self) -> Option<String> {
        match self.view {
            View::Pending => self
                .pending
                .lines
                .get(self.pending.cursor.selected)
                .map(|r| r.email.clone()),
            View::Structures => self.structures.selected().map(|m| m.siret.to_string()),
            View::History => self
                .history
                .lines
                .get(self.history.cursor.selected)
                .map(|a| a.seq.to_string()),
        }
    }

    fn draw(&mut self, frame: &mut Frame, area: Rect, ctx: &Ctx) {
        let theme = ctx.theme;
        let [head, body] =
            Layout::vertical([Constraint::Length(1), Constraint::Min(3)]).areas(area);
        frame.render_widget(
            Paragraph::new(acting::header(self.acting.as_ref(), &theme, head.width)),
            head,
        );
        match self.view {
            View::Pending => self.pending.draw(frame, body, &theme),
            View::Structures => self.structures.draw(frame, body, &theme),
            View::History => self.history.draw(frame, body, &theme),
        }
        self.draw_popup(frame, area, ctx);
    }
}
