//! The harness of the TUI tests: the real `App` on a `TestBackend`, driven with keys and read back from the drawn
//! buffer as text, without colour.

use guichet::desk::{Actor, Desk};
use guichet::tui::App;
use guichet::tui::theme::Theme;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::CellWidth;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// The app and its terminal, with the number of keys pressed: typed text is not counted, the issue counts the keys
/// of the desk, names typed aside.
pub struct Screen<'a> {
    pub app: App<'a>,
    terminal: Terminal<TestBackend>,
    pub keys: usize,
}

impl<'a> Screen<'a> {
    /// The desk of the test administrator (`common::actor()`), drawn at `width`×`height`.
    pub fn new(desk: &'a Desk, width: u16, height: u16) -> Screen<'a> {
        Screen::as_operator(desk, &super::actor().login, width, height)
    }

    /// The desk of the operator `login`, with the text theme, drawn at `width`×`height`.
    pub fn as_operator(desk: &'a Desk, login: &str, width: u16, height: u16) -> Screen<'a> {
        let operator = desk
            .store()
            .operator(login)
            .expect("read")
            .unwrap_or_else(|| panic!("the operator {login}"));
        let app = App::new(desk, Actor::new(login), operator).with_theme(Theme { color: false });
        let mut screen = Screen {
            app,
            terminal: Terminal::new(TestBackend::new(width, height)).expect("terminal"),
            keys: 0,
        };
        screen.draw();
        screen
    }

    pub fn draw(&mut self) {
        let app = &mut self.app;
        self.terminal.draw(|f| app.draw(f)).expect("draw");
    }

    /// One key, counted, then the screen redrawn as the terminal loop does.
    fn send(&mut self, code: KeyCode, modifiers: KeyModifiers) -> &mut Self {
        self.keys += 1;
        self.app.on_key(KeyEvent::new(code, modifiers));
        self.draw();
        self
    }

    pub fn press(&mut self, code: KeyCode) -> &mut Self {
        self.send(code, KeyModifiers::NONE)
    }

    pub fn key(&mut self, c: char) -> &mut Self {
        self.send(KeyCode::Char(c), KeyModifiers::NONE)
    }

    pub fn ctrl(&mut self, c: char) -> &mut Self {
        self.send(KeyCode::Char(c), KeyModifiers::CONTROL)
    }

    /// Types `text` a character at a time, not counted as keys.
    pub fn typed(&mut self, text: &str) -> &mut Self {
        for c in text.chars() {
            self.app
                .on_key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
            self.draw();
        }
        self
    }

    /// The buffer as text, a line per row without trailing blanks; the cells hidden by a double-width symbol (🔒)
    /// are skipped, as a terminal shows them.
    pub fn text(&self) -> String {
        let buffer = self.terminal.backend().buffer();
        buffer
            .content()
            .chunks(usize::from(buffer.area.width))
            .map(|row| {
                let mut line = String::new();
                let mut hidden = 0;
                for cell in row {
                    if hidden > 0 {
                        hidden -= 1;
                        continue;
                    }
                    line.push_str(cell.symbol());
                    hidden = cell.cell_width().saturating_sub(1);
                }
                line.trim_end().to_string()
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// The status line, empty when there is none.
    pub fn status(&self) -> String {
        self.app.status().unwrap_or_default().to_string()
    }
}
