//! The pure domain of guichet: identifiers, reference data, the records of the note de service 2018-08-4031
//! (structures, users, dossiers, MADRHAS rights, Chorus Pro attachments) and the rules R1–R18.
//!
//! Nothing here does IO, touches sled or draws a widget: every function takes values and returns values, so the
//! rules can be tested with tables of situations.

pub mod chorus;
pub mod dossier;
pub mod ids;
pub mod movements;
pub mod operator;
pub mod reference;
pub mod refusal;
pub mod rules;
pub mod structure;
pub mod user;
#[macro_use]
pub mod words;

pub use refusal::{Refusal, Rule};
