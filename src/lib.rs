//! guichet: the desk of the DGFiP correspondants dématérialisation for Chorus Pro habilitations, following the
//! note de service 2018-08-4031. Layers only call downwards: `cli` → `desk` → `domain` and `store`.

pub mod cli;
pub mod demo;
pub mod desk;
pub mod domain;
pub mod files;
pub mod net;
pub mod store;
pub mod tui;
