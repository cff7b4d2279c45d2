//! Files from the Dossiers espace: a spreadsheet imported after a preview — the whole file checked as a dry run,
//! its lines and their errors shown, nothing written until Ctrl-S is pressed again on the unchanged form — and a
//! sheet exported for ASPASIE, MADRHAS or the archives.

use super::forms::FormKind;
use super::{State, text};
use crate::files::export::{self, Filter, Format};
use crate::files::import::{Imported, Kind, Options, import};
use crate::tui::espaces::{Ctx, Flow};
use crate::tui::strings as s;
use crate::tui::widgets::form::Form;
use serde_json::Map;

/// What the last dry run of an import found, for the form as it was then.
#[derive(Debug, Clone)]
pub struct Preview {
    /// The form's values when previewed: the import runs only on the same values.
    pub values: String,
    pub ok: bool,
    pub lines: Vec<String>,
}

fn values(form: &mut Form) -> Option<Map<String, serde_json::Value>> {
    form.to_json(Map::new())
        .and_then(|v| v.as_object().cloned())
}

impl State {
    pub(super) fn submit_import(&mut self, ctx: &Ctx) -> Flow {
        let Some((FormKind::Import, form)) = &mut self.form else {
            return Flow::Nothing;
        };
        let Some(v) = values(form) else {
            return Flow::Failed(s::refused("le fichier à importer est à indiquer"));
        };
        let field = |name: &str| v.get(name).map(text).filter(|t| !t.is_empty() && t != "—");
        let kind = match field("kind").as_deref() {
            Some("referents") => Kind::Referents,
            Some("lot") => Kind::Lot,
            Some("persons") => Kind::Persons,
            _ => Kind::Structures,
        };
        let file = field("file").unwrap_or_default();
        let options = Options {
            reference: field("reference"),
            received_on: if kind == Kind::Lot {
                field("received_on")
            } else {
                None
            },
        };
        let fingerprint = serde_json::Value::Object(v.clone()).to_string();
        let bytes = match std::fs::read(&file) {
            Ok(b) => b,
            Err(e) => return Flow::Failed(s::refused(&format!("impossible de lire {file} : {e}"))),
        };
        let confirmed = self
            .preview
            .as_ref()
            .is_some_and(|p| p.ok && p.values == fingerprint);
        let what = format!("import {file} depuis le guichet");
        let outcome = match import(
            ctx.desk, ctx.actor, kind, &bytes, &options, !confirmed, &what,
        ) {
            Ok(outcome) => outcome,
            Err(e) => return Flow::Failed(s::refused(&e.to_string())),
        };
        match outcome {
            Imported::Done {
                lines,
                commands,
                first_seq,
                last_seq,
            } if confirmed => {
                self.form = None;
                self.preview = None;
                Flow::Done(format!(
                    "✓ {lines} ligne(s) importée(s) : {commands} opération(s) en une seule transaction (journal n° {first_seq} à {last_seq})"
                ))
            }
            Imported::Done {
                lines, commands, ..
            } => {
                self.preview = Some(Preview {
                    values: fingerprint,
                    ok: true,
                    lines: vec![format!(
                        "Aperçu : {lines} ligne(s) lue(s), {commands} opération(s) acceptée(s) par les règles ; rien n'est encore écrit. Ctrl-S pour importer."
                    )],
                });
                Flow::Changed
            }
            Imported::Refused(bad) => {
                let mut lines = vec![format!(
                    "Fichier refusé, rien n'est écrit : {} ligne(s) en erreur",
                    bad.len()
                )];
                lines.extend(bad.iter().map(|b| match &b.column {
                    Some(column) => format!("ligne {}, colonne {column} : {}", b.line, b.message),
                    None => format!("ligne {} : {}", b.line, b.message),
                }));
                self.preview = Some(Preview {
                    values: fingerprint,
                    ok: false,
                    lines,
                });
                Flow::Failed(s::refused(&format!(
                    "{} ligne(s) en erreur : rien n'est écrit",
                    bad.len()
                )))
            }
        }
    }

    pub(super) fn submit_export(&mut self, ctx: &Ctx) -> Flow {
        let Some((FormKind::Export, form)) = &mut self.form else {
            return Flow::Nothing;
        };
        let Some(v) = values(form) else {
            return Flow::Failed(s::refused("le fichier est à indiquer"));
        };
        let field = |name: &str| v.get(name).map(text).unwrap_or_default();
        let store = ctx.desk.store();
        let filter = Filter {
            direction: ctx.direction(),
            siret: None,
        };
        let sheet = match field("sheet").as_str() {
            "madrhas" => export::madrhas(store, &filter),
            "journal" => export::journal(store),
            _ => export::aspasie(store, &filter),
        };
        let sheet = match sheet {
            Ok(sheet) => sheet,
            Err(e) => return Flow::Failed(s::refused(&e.to_string())),
        };
        let format = if field("format") == "json" {
            Format::Json
        } else {
            Format::Csv
        };
        let file = field("file");
        match export::save(&sheet, format, std::path::Path::new(&file)) {
            Ok(()) => {
                self.form = None;
                Flow::Done(format!(
                    "✓ {} ligne(s) écrite(s) dans {file}",
                    sheet.rows.len()
                ))
            }
            Err(e) => Flow::Failed(s::refused(&format!(
                "écriture impossible dans {file} : {e}"
            ))),
        }
    }
}
