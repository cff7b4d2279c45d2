//! The eight espaces of the desk, one module each, and what they share: the context they read the desk through,
//! the `Screen` contract the app drives them by, and the navigation between them.

pub mod accueil;
pub mod activites;
pub mod dossiers;
pub mod journal;
pub mod mon_compte;
pub mod referentiels;
pub mod structures;
pub mod utilisateurs;

use super::keymap::{Binding, Move};
use super::theme::Theme;
use crate::desk::{Actor, Command, Desk, DeskError, Receipt};
use crate::domain::Refusal;
use crate::domain::dossier::Corbeille;
use crate::domain::operator::Operator;
use chrono::NaiveDate;
use ratatui::Frame;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::Rect;
use serde_json::Value;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EspaceId {
    Accueil,
    Dossiers,
    Utilisateurs,
    Structures,
    MonCompte,
    Activites,
    Journal,
    Referentiels,
}

impl EspaceId {
    pub const ALL: [EspaceId; 8] = [
        EspaceId::Accueil,
        EspaceId::Dossiers,
        EspaceId::Utilisateurs,
        EspaceId::Structures,
        EspaceId::MonCompte,
        EspaceId::Activites,
        EspaceId::Journal,
        EspaceId::Referentiels,
    ];

    pub fn index(self) -> usize {
        EspaceId::ALL.iter().position(|e| *e == self).unwrap_or(0)
    }

    pub fn label(self) -> &'static str {
        super::strings::ESPACES[self.index()]
    }

    pub fn by_number(n: u32) -> Option<EspaceId> {
        EspaceId::ALL.get((n as usize).checked_sub(1)?).copied()
    }

    pub fn offset(self, delta: isize) -> EspaceId {
        let n = EspaceId::ALL.len() as isize;
        EspaceId::ALL[(self.index() as isize + delta).rem_euclid(n) as usize]
    }
}

/// Where a navigation leads inside an espace.
#[derive(Debug, Clone, PartialEq)]
pub enum Target {
    Corbeille(Corbeille),
    /// The new-dossier form.
    NewDossier,
    /// The structures without GP or with an interim GP (R14).
    Orphans,
    /// The users with accès résiduels (R16).
    Residual,
    Dossier(String),
    User(String),
    Structure(String),
}

/// What handling a key asks of the app.
#[derive(Debug, Clone, PartialEq)]
pub enum Flow {
    /// Nothing to redraw.
    Nothing,
    /// The screen changed: redraw.
    Changed,
    /// A command was done: say it, refresh what shows the store.
    Done(String),
    /// Something was refused or impossible: say why.
    Failed(String),
    Goto(EspaceId, Option<Target>),
}

/// What the espaces read the desk through.
pub struct Ctx<'a> {
    pub desk: &'a Desk,
    pub actor: &'a Actor,
    pub operator: &'a Operator,
    pub theme: Theme,
    pub today: NaiveDate,
    /// The lines a list may show (the body's height), for paging.
    pub rows: usize,
}

impl Ctx<'_> {
    /// Executes a command built by a screen; the result as a message for the status line.
    pub fn execute(&self, command: Value) -> Result<Receipt, Refusal> {
        let command = Command::from_value(command)?;
        match self.desk.execute(self.actor, &command) {
            Ok(receipt) => Ok(receipt),
            Err(DeskError::Refused(r)) => Err(r),
            Err(DeskError::Store(e)) => Err(Refusal::state(None, e.to_string())),
        }
    }

    /// Why a command would be refused now (the rule and its sentence), or `None` when it would pass.
    pub fn forbidden(&self, command: Value) -> Option<String> {
        self.refusal(command).map(|r| r.message)
    }

    /// The refusal a command would meet now, or `None` when it would pass.
    pub fn refusal(&self, command: Value) -> Option<Refusal> {
        let command = match Command::from_value(command) {
            Ok(c) => c,
            Err(r) => return Some(r),
        };
        match self.desk.preview(self.actor, &command) {
            Ok(()) => None,
            Err(DeskError::Refused(r)) => Some(r),
            Err(DeskError::Store(e)) => Some(Refusal::state(None, e.to_string())),
        }
    }

    /// How an action shows in a keymap: `Some(None)` offered, `Some(Some(rule))` disabled by a rule of the note,
    /// `None` not applicable now (a wrong state, another direction, an unknown key): not shown at all.
    pub fn availability(&self, command: Value) -> Option<Option<String>> {
        match self.refusal(command) {
            None => Some(None),
            Some(r) if r.rule.paragraph().is_some() => Some(Some(r.message)),
            Some(_) => None,
        }
    }

    /// The flow of a command's outcome.
    pub fn outcome(result: Result<Receipt, Refusal>) -> Flow {
        match result {
            Ok(r) => Flow::Done(super::strings::done(&r.summary, r.seq)),
            Err(r) => Flow::Failed(super::strings::refused(&r.message)),
        }
    }

    /// The operator's direction, for the queues: his own, or the first for an administrator without one.
    pub fn direction(&self) -> Option<String> {
        self.operator.direction.clone().or_else(|| {
            self.desk
                .store()
                .directions()
                .ok()?
                .first()
                .map(|d| d.code.clone())
        })
    }
}

/// What every espace offers the app.
pub trait Screen {
    type Action: Copy + PartialEq + std::fmt::Debug;

    /// The breadcrumb after "Espace …", in Chorus Pro's words.
    fn breadcrumb(&self) -> Vec<String>;
    /// The keymap of the current view.
    fn bindings(&self, ctx: &Ctx) -> Vec<Binding<Self::Action>>;
    fn act(&mut self, action: Self::Action, ctx: &Ctx) -> Flow;
    /// A list movement (↑↓ j/k PgUp/PgDn g/G).
    fn on_move(&mut self, _movement: Move, _ctx: &Ctx) -> Flow {
        Flow::Nothing
    }
    /// Text entry (a form, a filter being typed) takes keys before the keymaps; `None` when not capturing.
    fn capture(&mut self, _key: &KeyEvent, _ctx: &Ctx) -> Option<Flow> {
        None
    }
    /// Typed data that leaving would drop.
    fn editing(&self) -> bool {
        false
    }
    /// Text entry is under way (a form, a filter being typed): letters go to it, not to the keymaps, so the hint
    /// line does not offer the global letter keys.
    fn typing(&self) -> bool {
        false
    }
    /// The record an open form is about: when someone else changes it while the form is open (a team desk), the
    /// save asks first.
    fn watched(&self) -> Option<crate::store::journal::Subject> {
        None
    }
    /// Drops typed data (after the operator confirmed).
    fn discard(&mut self) {}
    /// Reloads what it shows from the store.
    fn refresh(&mut self, ctx: &Ctx);
    fn draw(&mut self, frame: &mut Frame, area: Rect, ctx: &Ctx);
    /// The identifier `y` copies.
    fn copy(&self) -> Option<String> {
        None
    }
    fn open(&mut self, _target: &Target, _ctx: &Ctx) {}
}
