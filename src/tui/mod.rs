//! The full-screen desk: eight espaces in Chorus Pro's words, keyboard only, over the desk (no screen writes to
//! the store). `App` holds the state and handles keys (Elm-style: state, key → update, view); `run` owns the
//! terminal: raw mode and alternate screen, a loop that redraws only when something changed, and the terminal
//! restored on every exit, panics included.

pub mod app;
pub mod espaces;
pub mod first_run;
pub mod keymap;
pub mod run;
pub mod strings;
pub mod theme;
pub mod widgets;

pub use app::App;
pub use run::run;
