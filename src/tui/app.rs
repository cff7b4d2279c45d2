//! The application: which espace is shown, the overlays (help, palette, confirmation), the status line, and the
//! dispatch of every key — first to text entry, then to the screen's keymap, then to the global one — through the
//! same tables that draw the hint line and the help. The drawing is in `app/draw.rs`.

use super::espaces::{
    self, Ctx, EspaceId, Flow, Screen, Target, accueil, activites, dossiers, journal, mon_compte,
    referentiels, structures, utilisateurs,
};
use super::keymap::{self, Binding, Key, Move};
use super::strings as s;
use super::theme::Theme;
use crate::desk::{Actor, Desk};
use crate::domain::ids::fold;
use crate::domain::operator::Operator;
use ratatui::crossterm::event::KeyEvent;
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

/// The smallest terminal the desk draws in; below, a message asks for more room.
pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 16;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Global {
    Espace(EspaceId),
    Next,
    Previous,
    Help,
    Palette,
    Actions,
    Copy,
    Quit,
}

/// What waits for the operator's confirmation: typed data about to be dropped, or a save over a record someone
/// else changed meanwhile (the key that saves, and who changed it).
#[derive(Debug, Clone, PartialEq)]
enum Pending {
    Quit,
    Goto(EspaceId),
    Save(KeyEvent, String),
}

/// One line of the help: the key, what it does, and why it is not available now (if it is not).
type HelpLine = (String, String, Option<String>);

enum Overlay {
    Help(Vec<HelpLine>),
    Palette {
        input: Input,
        entries: Vec<(String, Key)>,
        selected: usize,
    },
    Confirm(Pending),
}

pub struct App<'a> {
    desk: &'a Desk,
    actor: Actor,
    operator: Operator,
    theme: Theme,
    espace: EspaceId,
    accueil: accueil::State,
    dossiers: dossiers::State,
    utilisateurs: utilisateurs::State,
    structures: structures::State,
    mon_compte: mon_compte::State,
    activites: activites::State,
    journal: journal::State,
    referentiels: referentiels::State,
    overlay: Option<Overlay>,
    status: Option<(bool, String)>,
    quit: bool,
    rows: usize,
    /// Text to copy with OSC 52, written by the terminal loop after the next draw.
    clipboard: Option<String>,
    /// "base locale", or the server's name in a team desk.
    mode: String,
    live: live::Live,
}

/// Runs `$body` with `$s` bound to the current espace's screen, and `$ctx` to the context.
macro_rules! with_screen {
    ($app:ident, $s:ident, $ctx:ident, $body:expr) => {{
        let $ctx = Ctx {
            desk: $app.desk,
            actor: &$app.actor,
            operator: &$app.operator,
            theme: $app.theme,
            today: $app.desk.today(),
            rows: $app.rows,
        };
        match $app.espace {
            EspaceId::Accueil => {
                let $s = &mut $app.accueil;
                $body
            }
            EspaceId::Dossiers => {
                let $s = &mut $app.dossiers;
                $body
            }
            EspaceId::Utilisateurs => {
                let $s = &mut $app.utilisateurs;
                $body
            }
            EspaceId::Structures => {
                let $s = &mut $app.structures;
                $body
            }
            EspaceId::MonCompte => {
                let $s = &mut $app.mon_compte;
                $body
            }
            EspaceId::Activites => {
                let $s = &mut $app.activites;
                $body
            }
            EspaceId::Journal => {
                let $s = &mut $app.journal;
                $body
            }
            EspaceId::Referentiels => {
                let $s = &mut $app.referentiels;
                $body
            }
        }
    }};
}

// After `with_screen!`, which they use: macros are visible from their definition on.
mod draw;
mod live;

fn global_bindings(can_leave: bool) -> Vec<Binding<Global>> {
    let keys: Vec<Key> = ('1'..='8').map(Key::Char).collect();
    let mut table = vec![
        Binding::new(
            Key::Char('1'),
            s::HINT_ESPACES,
            s::HELP_ESPACES,
            Global::Espace(EspaceId::Accueil),
        )
        .keys(&keys, "1–8")
        .help_only(),
        Binding::new(Key::Tab, s::HINT_NEXT, s::HELP_NEXT, Global::Next).help_only(),
        Binding::new(Key::BackTab, s::HINT_NEXT, s::HELP_NEXT, Global::Previous).help_only(),
        Binding::new(Key::Char('?'), s::HINT_HELP, s::HELP_HELP, Global::Help),
        Binding::new(
            Key::Char(':'),
            s::HINT_PALETTE,
            s::HELP_PALETTE,
            Global::Palette,
        )
        .keys(&[Key::Char(':'), Key::Ctrl('p')], ":"),
        Binding::new(
            Key::Char('a'),
            s::HINT_ACTIONS,
            s::HELP_ACTIONS,
            Global::Actions,
        )
        .help_only(),
        Binding::new(Key::Char('y'), s::HINT_COPY, s::HELP_COPY, Global::Copy).help_only(),
    ];
    if can_leave {
        table.push(Binding::new(
            Key::Char('q'),
            s::HINT_QUIT,
            s::HELP_QUIT,
            Global::Quit,
        ));
    }
    table
}

impl<'a> App<'a> {
    pub fn new(desk: &'a Desk, actor: Actor, operator: Operator) -> App<'a> {
        let mut app = App {
            desk,
            actor,
            operator,
            theme: Theme::from_env(),
            espace: EspaceId::Accueil,
            accueil: accueil::State::default(),
            dossiers: dossiers::State::default(),
            utilisateurs: utilisateurs::State::default(),
            structures: structures::State::default(),
            mon_compte: mon_compte::State::default(),
            activites: activites::State::default(),
            journal: journal::State::default(),
            referentiels: referentiels::State::default(),
            overlay: None,
            status: None,
            quit: false,
            rows: 20,
            clipboard: None,
            mode: s::LOCAL_DB.to_string(),
            live: live::Live::default(),
        };
        app.refresh();
        app
    }

    pub fn with_theme(mut self, theme: Theme) -> Self {
        self.theme = theme;
        self
    }

    pub fn with_mode(mut self, mode: impl Into<String>) -> Self {
        self.mode = mode.into();
        self
    }

    pub fn should_quit(&self) -> bool {
        self.quit
    }

    pub fn espace(&self) -> EspaceId {
        self.espace
    }

    /// The text `y` asked to copy, taken once by the terminal loop.
    pub fn take_clipboard(&mut self) -> Option<String> {
        self.clipboard.take()
    }

    pub fn status(&self) -> Option<&str> {
        self.status.as_ref().map(|(_, m)| m.as_str())
    }

    fn refresh(&mut self) {
        with_screen!(self, screen, ctx, screen.refresh(&ctx));
    }

    fn goto(&mut self, espace: EspaceId, target: Option<Target>) {
        self.espace = espace;
        self.refresh();
        if let Some(target) = target {
            with_screen!(self, screen, ctx, screen.open(&target, &ctx));
        }
    }

    fn editing(&mut self) -> bool {
        with_screen!(self, screen, _ctx, screen.editing())
    }

    fn apply(&mut self, flow: Flow) -> bool {
        match flow {
            Flow::Nothing => false,
            Flow::Changed => true,
            Flow::Done(message) => {
                self.status = Some((true, message));
                self.refresh();
                true
            }
            Flow::Failed(message) => {
                self.status = Some((false, message));
                true
            }
            Flow::Goto(espace, target) => {
                self.goto(espace, target);
                true
            }
        }
    }

    /// Handles one key; true when the screen must be redrawn.
    pub fn on_key(&mut self, event: KeyEvent) -> bool {
        let dirty = self.on_key_inner(event);
        self.track_editing();
        dirty
    }

    fn on_key_inner(&mut self, event: KeyEvent) -> bool {
        let Some(key) = Key::of(&event) else {
            return false;
        };
        if key == Key::Ctrl('c') {
            self.quit = true;
            return true;
        }
        if self.overlay.is_some() {
            return self.on_overlay_key(key, &event);
        }
        if self.hold_stale_save(&event) {
            return true;
        }
        if let Some(flow) = with_screen!(self, screen, ctx, screen.capture(&event, &ctx)) {
            return self.apply(flow);
        }
        // The screen's keymap first, then the global one.
        let local = with_screen!(self, screen, ctx, {
            let table = screen.bindings(&ctx);
            keymap::find(&table, key).map(|b| match &b.disabled {
                Some(why) => Flow::Failed(s::refused(why)),
                None => screen.act(b.action, &ctx),
            })
        });
        if let Some(flow) = local {
            self.status = None;
            return self.apply(flow);
        }
        let editing = self.editing();
        if let Some(binding) = keymap::find(&global_bindings(true), key) {
            return self.on_global(binding.action, key, editing);
        }
        if let Some(movement) = Move::of(key) {
            let flow = with_screen!(self, screen, ctx, screen.on_move(movement, &ctx));
            return self.apply(flow);
        }
        false
    }

    fn on_global(&mut self, action: Global, key: Key, editing: bool) -> bool {
        let target = match action {
            Global::Espace(_) => match key {
                Key::Char(c) => c.to_digit(10).and_then(EspaceId::by_number),
                _ => None,
            },
            Global::Next => Some(self.espace.offset(1)),
            Global::Previous => Some(self.espace.offset(-1)),
            _ => None,
        };
        match action {
            Global::Espace(_) | Global::Next | Global::Previous => {
                let Some(target) = target else { return false };
                if editing {
                    self.overlay = Some(Overlay::Confirm(Pending::Goto(target)));
                } else {
                    self.status = None;
                    self.goto(target, None);
                }
            }
            Global::Help => self.overlay = Some(Overlay::Help(self.help_lines())),
            Global::Palette | Global::Actions => {
                let entries = self.palette_entries(action == Global::Palette);
                self.overlay = Some(Overlay::Palette {
                    input: Input::default(),
                    entries,
                    selected: 0,
                });
            }
            Global::Copy => {
                let copied = with_screen!(self, screen, _ctx, screen.copy());
                self.status = Some(match &copied {
                    Some(text) => (true, format!("« {text} » {}", s::COPIED)),
                    None => (false, s::NOTHING_TO_COPY.to_string()),
                });
                self.clipboard = copied;
            }
            Global::Quit => {
                if editing {
                    self.overlay = Some(Overlay::Confirm(Pending::Quit));
                } else {
                    self.quit = true;
                }
            }
        }
        true
    }

    fn on_overlay_key(&mut self, key: Key, event: &KeyEvent) -> bool {
        let Some(overlay) = self.overlay.take() else {
            return false;
        };
        match overlay {
            Overlay::Help(lines) => {
                if !matches!(key, Key::Esc | Key::Char('?') | Key::Char('q') | Key::Enter) {
                    self.overlay = Some(Overlay::Help(lines));
                }
                true
            }
            Overlay::Confirm(pending) => {
                match key {
                    Key::Char('o') | Key::Char('O') | Key::Enter => match pending {
                        Pending::Save(event, _) => return self.save_anyway(event),
                        Pending::Quit => {
                            with_screen!(self, screen, _ctx, screen.discard());
                            self.quit = true;
                        }
                        Pending::Goto(espace) => {
                            with_screen!(self, screen, _ctx, screen.discard());
                            self.goto(espace, None);
                        }
                    },
                    Key::Esc if matches!(pending, Pending::Save(..)) => {
                        // As the question says: the form is closed and the record shown as it is now.
                        with_screen!(self, screen, _ctx, screen.discard());
                        self.live.stale = None;
                        self.status = None;
                        self.refresh();
                    }
                    Key::Char('n') | Key::Char('N') | Key::Esc => {}
                    _ => self.overlay = Some(Overlay::Confirm(pending)),
                }
                true
            }
            Overlay::Palette {
                mut input,
                entries,
                mut selected,
            } => {
                let matching: Vec<&(String, Key)> = {
                    let needle = fold(input.value());
                    entries
                        .iter()
                        .filter(|(label, _)| fold(label).contains(&needle))
                        .collect()
                };
                match key {
                    Key::Esc => return true,
                    Key::Enter => {
                        let chosen = matching.get(selected).map(|(_, k)| *k);
                        if let Some(k) = chosen {
                            return self.replay(k);
                        }
                        return true;
                    }
                    Key::Up => selected = selected.saturating_sub(1),
                    Key::Down => selected = (selected + 1).min(matching.len().saturating_sub(1)),
                    _ => {
                        input.handle_event(&ratatui::crossterm::event::Event::Key(*event));
                        selected = 0;
                    }
                }
                self.overlay = Some(Overlay::Palette {
                    input,
                    entries,
                    selected,
                });
                true
            }
        }
    }

    /// Runs a key chosen in the palette as if it were pressed.
    fn replay(&mut self, key: Key) -> bool {
        use ratatui::crossterm::event::{KeyCode, KeyModifiers};
        let event = match key {
            Key::Char(c) => KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE),
            Key::Ctrl(c) => KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL),
            Key::Enter => KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE),
            Key::Space => KeyEvent::new(KeyCode::Char(' '), KeyModifiers::NONE),
            _ => return true,
        };
        self.on_key(event)
    }

    fn help_lines(&mut self) -> Vec<HelpLine> {
        let (mut lines, taken): (Vec<HelpLine>, Vec<Key>) = with_screen!(self, screen, ctx, {
            let table = screen.bindings(&ctx);
            (
                table
                    .iter()
                    .map(|b| (b.label(), b.help.to_string(), b.disabled.clone()))
                    .collect(),
                table.iter().flat_map(|b| b.keys.clone()).collect(),
            )
        });
        lines.push(("↑↓ j k".to_string(), s::HELP_MOVE.to_string(), None));
        let editing = self.editing();
        // A global key the screen uses for itself means the screen's action here: not listed twice.
        for b in global_bindings(!editing)
            .iter()
            .filter(|b| !b.keys.iter().any(|k| taken.contains(k)))
        {
            lines.push((b.label(), b.help.to_string(), None));
        }
        lines
    }

    /// The palette's lines: the screen's offered actions, and with `espaces` the way to each espace.
    fn palette_entries(&mut self, espaces: bool) -> Vec<(String, Key)> {
        let mut entries: Vec<(String, Key)> = with_screen!(self, screen, ctx, {
            screen
                .bindings(&ctx)
                .iter()
                .filter(|b| b.disabled.is_none())
                .filter_map(|b| {
                    b.keys
                        .first()
                        .map(|k| (format!("{} ({})", b.help, b.label()), *k))
                })
                .collect()
        });
        for (i, espace) in EspaceId::ALL.iter().enumerate().filter(|_| espaces) {
            entries.push((
                format!("Aller à l'espace {} ({})", espace.label(), i + 1),
                Key::Char((b'1' + i as u8) as char),
            ));
        }
        entries
    }
}

pub use espaces::EspaceId as Espace;
