//! The terminal: raw mode and the alternate screen, a synchronous loop that redraws only when a key, a resize or
//! a change made by another operator (a team desk) changed something (over SSH every frame costs), the clipboard by OSC 52, and the terminal restored on every exit
//! — a panic included, which also leaves a report file in the state directory and says where.

use super::app::App;
use super::first_run::{self, Choice};
use crate::desk::{Actor, Desk};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use ratatui::crossterm::event::{self, Event, KeyEventKind};
use ratatui::crossterm::{cursor, execute, terminal};
use std::io::{self, Stdout, Write};
use std::path::PathBuf;
use std::time::Duration;

type Term = Terminal<CrosstermBackend<Stdout>>;

/// Puts the terminal back as it was: cooked mode, main screen, cursor shown. Safe to call twice.
pub fn restore_terminal() {
    let _ = terminal::disable_raw_mode();
    let _ = execute!(io::stdout(), terminal::LeaveAlternateScreen, cursor::Show);
}

/// Where panic reports go: the state directory (`~/.local/state/guichet`), else the data directory, else /tmp.
fn report_dir() -> PathBuf {
    directories::ProjectDirs::from("fr", "dgfip", "guichet")
        .map(|d| d.state_dir().unwrap_or(d.data_dir()).to_path_buf())
        .unwrap_or_else(std::env::temp_dir)
}

fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        restore_terminal();
        let dir = report_dir();
        let path = dir.join(format!(
            "panic-{}.txt",
            chrono::Local::now().format("%Y%m%d-%H%M%S")
        ));
        let report = format!(
            "guichet {} — arrêt sur erreur interne\n{info}\n\n{}\n",
            env!("CARGO_PKG_VERSION"),
            std::backtrace::Backtrace::force_capture()
        );
        let written = std::fs::create_dir_all(&dir).and_then(|_| std::fs::write(&path, report));
        eprintln!("guichet s'est arrêté sur une erreur interne : {info}");
        match written {
            Ok(()) => eprintln!("Rapport écrit dans {}", path.display()),
            Err(e) => eprintln!("Rapport impossible à écrire dans {} : {e}", path.display()),
        }
        eprintln!("Vos données sont intactes : chaque opération confirmée était déjà enregistrée.");
    }));
}

fn enter() -> io::Result<Term> {
    install_panic_hook();
    terminal::enable_raw_mode()?;
    execute!(io::stdout(), terminal::EnterAlternateScreen)?;
    Terminal::new(CrosstermBackend::new(io::stdout()))
}

/// OSC 52: the terminal (and an SSH client's) clipboard receives the text.
fn copy_osc52(text: &str) -> io::Result<()> {
    let mut out = io::stdout();
    write!(out, "\x1b]52;c;{}\x07", base64(text.as_bytes()))?;
    out.flush()
}

fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, b)| acc | (u32::from(*b) << (16 - 8 * i)));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// The test seam of the panic path: `GUICHET_PANIC_KEY=F` makes the key F panic, so that a test in a real terminal
/// can check that the terminal is restored and the report written.
fn panic_key() -> Option<char> {
    std::env::var("GUICHET_PANIC_KEY")
        .ok()
        .and_then(|v| v.chars().next())
}

/// Runs the desk until the operator quits; `first_frame` is called once the first frame is on the screen.
fn event_loop(terminal: &mut Term, app: &mut App, first_frame: &mut dyn FnMut()) -> io::Result<()> {
    let panic_on = panic_key();
    let mut dirty = true;
    let mut drawn = false;
    loop {
        if dirty {
            terminal.draw(|frame| app.draw(frame))?;
            if !drawn {
                first_frame();
                drawn = true;
            }
            if let Some(text) = app.take_clipboard() {
                copy_osc52(&text)?;
            }
            dirty = false;
        }
        if app.should_quit() {
            return Ok(());
        }
        // A team desk hears of the others' changes between keys, and redraws within a second.
        dirty |= app.tick();
        if !event::poll(Duration::from_millis(250))? {
            continue;
        }
        match event::read()? {
            Event::Key(key) if key.kind == KeyEventKind::Press => {
                if let (Some(c), event::KeyCode::Char(k)) = (panic_on, key.code)
                    && c == k
                {
                    panic!("panique demandée par GUICHET_PANIC_KEY");
                }
                dirty |= app.on_key(key);
            }
            Event::Resize(..) => dirty = true,
            _ => {}
        }
    }
}

/// Opens the desk in the terminal until the operator quits. On an empty database, the first run offers to set up
/// the operator's direction or to load demonstration data.
pub fn run(desk: &Desk, actor: Actor, mode: &str) -> Result<(), String> {
    let mut terminal = enter().map_err(|e| format!("terminal inutilisable : {e}"))?;
    let result = (|| {
        if !desk.store().has_operators() {
            match first_run::run(&mut terminal, desk, &actor).map_err(|e| e.to_string())? {
                Choice::Quit => return Ok(()),
                Choice::Ready => {}
            }
        }
        let operator = match desk.store().operator(actor.effective()) {
            Ok(Some(op)) => op,
            Ok(None) => {
                return Err(format!(
                    "{} {}",
                    actor.effective(),
                    super::strings::NO_OPERATOR
                ));
            }
            Err(e) => return Err(e.to_string()),
        };
        let mut app = App::new(desk, actor.clone(), operator).with_mode(mode);
        // Once the first frame is drawn, a thread reads the filters' trees into memory (`Store::warm`) while the
        // keys are answered; quitting waits for it (a fraction of a second on a national base). A failure is
        // left to the reads that need those trees: they report it.
        std::thread::scope(|scope| {
            let mut warm = Some(move || {
                scope.spawn(move || {
                    let _ = desk.store().warm();
                });
            });
            event_loop(&mut terminal, &mut app, &mut || {
                if let Some(warm) = warm.take() {
                    warm();
                }
            })
        })
        .map_err(|e| e.to_string())
    })();
    restore_terminal();
    let _ = terminal.show_cursor();
    result
}

#[cfg(test)]
mod tests {
    #[test]
    fn base64_as_osc52_wants_it() {
        assert_eq!(super::base64(b"2026-00412"), "MjAyNi0wMDQxMg==");
        assert_eq!(super::base64(b"ab"), "YWI=");
        assert_eq!(super::base64(b"abc"), "YWJj");
        assert_eq!(super::base64(b""), "");
    }
}
