//! A team desk lives: the server tells each client of the others' commands, and the screen reloads what it shows
//! within a second, without a key press. A form being filled is never reloaded under the operator's fingers:
//! when someone else changes the record it is about, the status line says so and the save asks first. When the
//! server goes away, the desk says so and keeps what was typed; the next command reconnects.

use super::{App, Overlay, Pending};
use crate::desk::LinkState;
use crate::store::journal::Outcome;
use crate::tui::espaces::{Ctx, EspaceId, Screen};
use crate::tui::strings as s;
use ratatui::crossterm::event::KeyEvent;

/// What the desk knows of the server's news.
#[derive(Debug, Default)]
pub(super) struct Live {
    /// The last journal sequence the screen was refreshed for.
    seen: u64,
    state: Option<LinkState>,
    /// The journal sequence known when the open form was started.
    since: Option<u64>,
    /// Who changed the form's record since it was started.
    pub(super) stale: Option<String>,
    /// Ticks since the link was lost (a reconnection is tried every few).
    lost_ticks: u32,
}

impl App<'_> {
    /// Picks up the server's news; true when the screen must be redrawn. Called by the terminal loop between
    /// keys (at least every 250 ms); does nothing on a database this process owns.
    pub fn tick(&mut self) -> bool {
        let Some(remote) = self.desk.remote() else {
            return false;
        };
        let link = remote.link();
        let mut dirty = false;
        if self.live.state != Some(link.state) {
            let before = self.live.state.replace(link.state);
            match link.state {
                LinkState::Closing => self.status = Some((false, s::SERVER_CLOSING.to_string())),
                LinkState::Gone => self.status = Some((false, s::SERVER_GONE.to_string())),
                LinkState::Connected if before.is_some() => {
                    self.status = Some((true, s::SERVER_BACK.to_string()));
                }
                LinkState::Connected => {}
            }
            dirty = true;
        }
        if link.state == LinkState::Gone {
            // Every few seconds, a cheap read tries the socket again (a restarted server).
            self.live.lost_ticks += 1;
            if self.live.lost_ticks.is_multiple_of(8) {
                let _ = self.desk.store().journal_head();
            }
            return dirty;
        }
        self.live.lost_ticks = 0;
        if link.changed > self.live.seen {
            self.live.seen = link.changed;
            if self.editing() {
                dirty |= self.check_stale();
            } else {
                self.refresh();
                dirty = true;
            }
        }
        dirty
    }

    /// Notes when a form starts and ends, so that a change underneath it can be told apart from an older one.
    pub(super) fn track_editing(&mut self) {
        let Some(remote) = self.desk.remote() else {
            return;
        };
        if self.editing() {
            if self.live.since.is_none() {
                self.live.since = Some(remote.link().changed);
            }
        } else {
            self.live.since = None;
            self.live.stale = None;
        }
    }

    /// Whether someone changed the open form's record since it was started (a refusal changes nothing).
    fn check_stale(&mut self) -> bool {
        let (Some(since), Some(subject)) = (
            self.live.since,
            with_screen!(self, screen, _ctx, screen.watched()),
        ) else {
            return false;
        };
        let store = self.desk.store();
        let Ok(seqs) = store.about_since(subject, since) else {
            return false;
        };
        let by = seqs.into_iter().find_map(|seq| {
            let entry = store.journal_entry(seq).ok().flatten()?;
            matches!(entry.draft.outcome, Outcome::Done { .. }).then_some(entry.draft.operator)
        });
        match by {
            Some(by) => {
                self.status = Some((false, s::changed_underneath(&by)));
                self.live.stale = Some(by);
                true
            }
            None => false,
        }
    }

    /// A save of a form whose record changed underneath asks first; true when the key was taken for that.
    pub(super) fn hold_stale_save(&mut self, event: &KeyEvent) -> bool {
        let Some(by) = self.live.stale.clone() else {
            return false;
        };
        let save = matches!(
            crate::tui::keymap::Key::of(event),
            Some(crate::tui::keymap::Key::Ctrl('s'))
        );
        if !save || !self.editing() {
            return false;
        }
        self.overlay = Some(Overlay::Confirm(Pending::Save(*event, by)));
        true
    }

    /// The operator saves anyway: the form's record is taken as seen from now on.
    pub(super) fn save_anyway(&mut self, event: KeyEvent) -> bool {
        self.live.stale = None;
        self.live.since = self.desk.remote().map(|r| r.link().changed);
        self.status = None;
        match with_screen!(self, screen, ctx, screen.capture(&event, &ctx)) {
            Some(flow) => self.apply(flow),
            None => true,
        }
    }
}
