//! The real binary in a real pseudo-terminal (portable-pty), read back with a terminal emulator (vt100): the
//! demonstration desk opens, every espace answers to its number, a dossier opens, the help shows, a resize to
//! 20×6 asks for room and the desk comes back, `q` exits 0 with the alternate screen left and the cursor shown;
//! and a panic restores the terminal and leaves its report.

use portable_pty::{CommandBuilder, PtySize, native_pty_system};
use std::io::{Read, Write};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

struct Term {
    parser: vt100::Parser,
    output: Receiver<Vec<u8>>,
    writer: Box<dyn Write + Send>,
    master: Box<dyn portable_pty::MasterPty + Send>,
    child: Box<dyn portable_pty::Child + Send + Sync>,
    _home: tempfile::TempDir,
}

fn nz(n: u16) -> std::num::NonZeroU16 {
    std::num::NonZeroU16::new(n).expect("a terminal has at least one row and one column")
}

const ROWS: u16 = 40;
const COLS: u16 = 120;

impl Term {
    fn start(args: &[&str], env: &[(&str, &str)]) -> Term {
        let home = tempfile::tempdir().expect("home");
        let pair = native_pty_system()
            .openpty(PtySize {
                rows: ROWS,
                cols: COLS,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("pty");
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_guichet"));
        cmd.args(args);
        cmd.env("TERM", "xterm-256color");
        cmd.env("HOME", home.path());
        cmd.env("XDG_DATA_HOME", home.path().join("data"));
        cmd.env("XDG_STATE_HOME", home.path().join("state"));
        cmd.env("GUICHET_NOW", "2026-11-28T10:00:00Z");
        for (k, v) in env {
            cmd.env(k, v);
        }
        let child = pair.slave.spawn_command(cmd).expect("spawn guichet");
        drop(pair.slave);
        let mut reader = pair.master.try_clone_reader().expect("reader");
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 || tx.send(buf[..n].to_vec()).is_err() {
                    break;
                }
            }
        });
        let writer = pair.master.take_writer().expect("writer");
        Term {
            parser: vt100::Parser::new(nz(ROWS), nz(COLS), 0),
            output: rx,
            writer,
            master: pair.master,
            child,
            _home: home,
        }
    }

    fn pump(&mut self, wait: Duration) {
        while let Ok(bytes) = self.output.recv_timeout(wait) {
            self.parser.process(&bytes);
        }
    }

    fn screen(&self) -> String {
        self.parser.screen().contents()
    }

    /// Waits until the screen shows `text` (and two successive reads agree), or fails with the screen.
    fn wait_for(&mut self, text: &str, timeout: Duration) {
        let start = Instant::now();
        loop {
            self.pump(Duration::from_millis(100));
            if self.screen().contains(text) {
                return;
            }
            assert!(
                start.elapsed() < timeout,
                "waited {timeout:?} for « {text} »; screen:\n{}",
                self.screen()
            );
        }
    }

    fn send(&mut self, bytes: &[u8]) {
        self.writer.write_all(bytes).expect("write");
        self.writer.flush().expect("flush");
    }

    fn resize(&mut self, rows: u16, cols: u16) {
        self.master
            .resize(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("resize");
        self.parser.set_size(nz(rows), nz(cols));
    }

    fn exit_code(&mut self, timeout: Duration) -> u32 {
        let start = Instant::now();
        loop {
            self.pump(Duration::from_millis(50));
            if let Some(status) = self.child.try_wait().expect("wait") {
                self.pump(Duration::from_millis(200));
                return status.exit_code();
            }
            assert!(
                start.elapsed() < timeout,
                "guichet did not exit; screen:\n{}",
                self.screen()
            );
        }
    }
}

impl Drop for Term {
    fn drop(&mut self) {
        let _ = self.child.kill();
    }
}

const STARTUP: Duration = Duration::from_secs(120);
const STEP: Duration = Duration::from_secs(20);

#[test]
fn the_demonstration_desk_in_a_real_terminal() {
    let mut t = Term::start(&["--demo"], &[]);
    t.wait_for("Corbeilles", STARTUP);
    t.wait_for("camille.c", STEP);
    for (key, crumb) in [
        ("2", "Espace Dossiers"),
        ("3", "Espace Utilisateurs"),
        ("4", "Espace Structures"),
        ("5", "Espace Mon compte"),
        ("6", "Espace Activités du gestionnaire"),
        ("7", "Espace Journal"),
        ("8", "Espace Référentiels"),
        ("1", "Espace Accueil"),
    ] {
        t.send(key.as_bytes());
        t.wait_for(crumb, STEP);
    }
    // A dossier of the first corbeille.
    t.send(b"2");
    t.wait_for("Espace Dossiers", STEP);
    t.send(b"\r");
    t.wait_for("Contrôles", STEP);
    t.send(b"?");
    t.wait_for("Aide", STEP);
    t.send(b"\x1b");
    t.pump(Duration::from_millis(300));
    // Too small, then back.
    t.resize(6, 20);
    t.wait_for("trop petite", STEP);
    t.resize(ROWS, COLS);
    t.wait_for("Contrôles", STEP);
    assert!(
        t.parser.screen().alternate_screen(),
        "the desk draws on the alternate screen"
    );
    t.send(b"\x1b");
    t.wait_for("Corbeilles", STEP);
    t.send(b"q");
    assert_eq!(t.exit_code(STEP), 0);
    assert!(
        !t.parser.screen().alternate_screen(),
        "the alternate screen is left"
    );
    assert!(!t.parser.screen().hide_cursor(), "the cursor is shown");
}

#[test]
fn a_panic_restores_the_terminal_and_writes_its_report() {
    let mut t = Term::start(&["--demo"], &[("GUICHET_PANIC_KEY", "Z")]);
    t.wait_for("Corbeilles", STARTUP);
    t.send(b"Z");
    let code = t.exit_code(STEP);
    assert_ne!(code, 0);
    assert!(
        !t.parser.screen().alternate_screen(),
        "the alternate screen is left"
    );
    assert!(!t.parser.screen().hide_cursor(), "the cursor is shown");
    let screen = t.screen();
    assert!(screen.contains("Rapport écrit dans"), "{screen}");
    let reports: Vec<_> = std::fs::read_dir(t._home.path().join("state").join("guichet"))
        .expect("state directory")
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with("panic-"))
        .collect();
    assert_eq!(reports.len(), 1);
    let report = std::fs::read_to_string(reports[0].path()).expect("report");
    assert!(report.contains("GUICHET_PANIC_KEY"), "{report}");
}
