//! `guichet import structures|referents|lot|persons FICHIER`: a spreadsheet file imported all together or not at
//! all. Without `--dry-run` the lines are written in one transaction; with it, everything is checked and nothing
//! written. A refused file prints every bad line (number, column, message) and exits 1.

use crate::desk::{Actor, Desk, DeskError};
use crate::files::import::{Imported, Kind, Options, import};
use serde_json::json;
use std::process::ExitCode;

pub(super) fn run(
    desk: &Desk,
    actor: &Actor,
    kind: Kind,
    file: &str,
    options: &Options,
    dry_run: bool,
    as_json: bool,
) -> Result<ExitCode, DeskError> {
    let bytes = std::fs::read(file).map_err(|e| {
        crate::domain::Refusal::not_found("file", format!("impossible de lire {file} : {e}"))
    })?;
    let what = format!("import {} {file}", kind_name(kind));
    let outcome = import(desk, actor, kind, &bytes, options, dry_run, &what)?;
    match outcome {
        Imported::Done {
            lines,
            commands,
            first_seq,
            last_seq,
        } => {
            if as_json {
                println!(
                    "{}",
                    json!({"ok": true, "dry_run": dry_run, "lines": lines, "commands": commands, "journal": [first_seq, last_seq]})
                );
            } else if dry_run {
                println!(
                    "Essai : {lines} ligne(s) lue(s), {commands} opération(s) acceptée(s) ; rien n'est écrit."
                );
            } else {
                println!(
                    "{lines} ligne(s) importée(s) : {commands} opération(s) enregistrée(s) en une seule transaction (journal n° {first_seq} à {last_seq})."
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Imported::Refused(bad) => {
            if as_json {
                let lines: Vec<_> = bad
                    .iter()
                    .map(|b| json!({"line": b.line, "column": b.column, "message": b.message}))
                    .collect();
                println!("{}", json!({"ok": false, "errors": lines}));
            } else {
                println!(
                    "Fichier refusé, rien n'est écrit : {} ligne(s) en erreur.",
                    bad.len()
                );
                for b in &bad {
                    match &b.column {
                        Some(column) => {
                            println!("ligne {}, colonne {column} : {}", b.line, b.message)
                        }
                        None => println!("ligne {} : {}", b.line, b.message),
                    }
                }
            }
            Ok(ExitCode::from(1))
        }
    }
}

fn kind_name(kind: Kind) -> &'static str {
    match kind {
        Kind::Structures => "structures",
        Kind::Referents => "referents",
        Kind::Lot => "lot",
        Kind::Persons => "persons",
    }
}
