//! The imports of issue 5: a spreadsheet file becomes batch commands — structures, référents, a référent's
//! consolidated lot (one habilitation per SIRET), the annexed list of a contrat de service — checked and written
//! all together by `Desk::execute_all`, or not at all. Every refused line comes back with its line number in the
//! file, the column at fault and the desk's French message.

use super::csv::{self, Columns, Row, Table};
use crate::desk::Command;
use crate::desk::many::Many;
use crate::desk::{Actor, Desk, DeskError};
use crate::domain::Refusal;
use crate::domain::ids::Siret;
use crate::domain::rules;
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;

/// The kinds of files guichet imports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Structures,
    Referents,
    Lot,
    Persons,
}

/// What the lot and persons imports need beyond the file.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The lot's reference (`lot`), or the dossier the persons join (`persons`).
    pub reference: Option<String>,
    /// The date of the référent's e-mail (`lot`), AAAA-MM-JJ; today by default.
    pub received_on: Option<String>,
}

/// A bad line: where, which column, why.
#[derive(Debug, Clone, PartialEq)]
pub struct BadLine {
    pub line: usize,
    pub column: Option<String>,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Imported {
    /// Every line passed; `done` commands written (none in a dry run), with their journal numbers.
    Done {
        lines: usize,
        commands: usize,
        first_seq: u64,
        last_seq: u64,
    },
    /// Nothing was written.
    Refused(Vec<BadLine>),
}

const STRUCTURES: &[(&str, bool)] = &[
    ("siret", true),
    ("raison_sociale", true),
    ("categorie", true),
    ("comptable_public", false),
    ("comptable_nom", false),
    ("comptable_courriel", false),
    ("adresse", false),
    ("code_postal", true),
    ("ville", true),
    ("pays", false),
    ("uai", false),
    ("siege_departement", false),
];
const REFERENTS: &[(&str, bool)] = &[("academie", true), ("nom", true), ("courriel", true)];
const PERSONS: &[(&str, bool)] = &[
    ("civilite", true),
    ("nom", true),
    ("prenom", true),
    ("courriel", true),
    ("role", true),
    ("fonction", false),
    ("adresse_active", false),
];

/// The column of a command's field, for the messages.
fn column_of(kind: Kind, field: &str) -> String {
    let field = match field.split_once("].") {
        Some((_, rest)) => rest,
        None => field,
    };
    let column = match (kind, field) {
        (Kind::Structures, "name") => "raison_sociale",
        (Kind::Structures, "category") => "categorie",
        (Kind::Structures, "has_comptable") => "comptable_public",
        (Kind::Structures, "comptable" | "comptable.name") => "comptable_nom",
        (Kind::Structures, "comptable.email") => "comptable_courriel",
        (Kind::Structures, "address") => "adresse",
        (Kind::Structures, "postal_code" | "departement") => "code_postal",
        (Kind::Structures, "city") => "ville",
        (Kind::Structures, "country") => "pays",
        (Kind::Referents, "name") => "nom",
        (Kind::Referents, "email") => "courriel",
        (_, "email") => "courriel",
        (_, "email_active") => "adresse_active",
        (_, other) => other,
    };
    column.to_string()
}

/// "oui"/"non" (and their usual spellings) as a boolean; `None` when empty.
fn yes_no(cell: Option<&str>, column: &str, line: usize) -> Result<Option<bool>, BadLine> {
    match cell.map(|c| crate::domain::ids::fold(c.trim())) {
        None => Ok(None),
        Some(v) if v.is_empty() => Ok(None),
        Some(v) if matches!(v.as_str(), "oui" | "o" | "vrai" | "1" | "x" | "yes") => Ok(Some(true)),
        Some(v) if matches!(v.as_str(), "non" | "n" | "faux" | "0" | "no") => Ok(Some(false)),
        Some(v) => Err(BadLine {
            line,
            column: Some(column.to_string()),
            message: format!("« {v} » : attendu oui ou non"),
        }),
    }
}

fn insert(map: &mut Map<String, Value>, key: &str, value: Option<&str>) {
    if let Some(v) = value {
        map.insert(key.to_string(), json!(v));
    }
}

fn person(cols: &Columns, row: &Row) -> Result<Value, BadLine> {
    let mut p = Map::new();
    insert(&mut p, "civilite", cols.get(row, "civilite"));
    insert(&mut p, "nom", cols.get(row, "nom"));
    insert(&mut p, "prenom", cols.get(row, "prenom"));
    insert(&mut p, "email", cols.get(row, "courriel"));
    insert(&mut p, "role", cols.get(row, "role"));
    insert(&mut p, "fonction", cols.get(row, "fonction"));
    if let Some(active) = yes_no(cols.get(row, "adresse_active"), "adresse_active", row.line)? {
        p.insert("email_active".to_string(), json!(active));
    }
    Ok(Value::Object(p))
}

/// One command built from the file, and the file lines it comes from (one per person for a dossier).
struct Planned {
    command: Value,
    lines: Vec<usize>,
}

fn plan(
    desk: &Desk,
    kind: Kind,
    table: &Table,
    options: &Options,
) -> Result<Vec<Planned>, Vec<BadLine>> {
    let expected = match kind {
        Kind::Structures => STRUCTURES,
        Kind::Referents => REFERENTS,
        Kind::Persons => PERSONS,
        Kind::Lot => &[
            ("siret", true),
            ("civilite", true),
            ("nom", true),
            ("prenom", true),
            ("courriel", true),
            ("role", true),
            ("fonction", false),
            ("adresse_active", false),
        ],
    };
    let cols = csv::columns(table, expected).map_err(|e| {
        vec![BadLine {
            line: e.line.unwrap_or(1),
            column: None,
            message: e.message,
        }]
    })?;
    let mut planned = Vec::new();
    let mut bad = Vec::new();
    match kind {
        Kind::Structures => {
            for row in &table.rows {
                let mut s = Map::new();
                s.insert("cmd".into(), json!("structure.add"));
                insert(&mut s, "siret", cols.get(row, "siret"));
                insert(&mut s, "name", cols.get(row, "raison_sociale"));
                insert(&mut s, "category", cols.get(row, "categorie"));
                match yes_no(
                    cols.get(row, "comptable_public"),
                    "comptable_public",
                    row.line,
                ) {
                    Ok(Some(v)) => {
                        s.insert("has_comptable".into(), json!(v));
                    }
                    Ok(None) => {}
                    Err(e) => bad.push(e),
                }
                match (
                    cols.get(row, "comptable_nom"),
                    cols.get(row, "comptable_courriel"),
                ) {
                    (Some(name), Some(email)) => {
                        s.insert("comptable".into(), json!({"name": name, "email": email}));
                    }
                    (None, None) => {}
                    (Some(_), None) => bad.push(BadLine {
                        line: row.line,
                        column: Some("comptable_courriel".into()),
                        message: "le courriel de l'agent comptable manque (son nom est donné)"
                            .into(),
                    }),
                    (None, Some(_)) => bad.push(BadLine {
                        line: row.line,
                        column: Some("comptable_nom".into()),
                        message: "le nom de l'agent comptable manque (son courriel est donné)"
                            .into(),
                    }),
                }
                insert(&mut s, "address", cols.get(row, "adresse"));
                insert(&mut s, "postal_code", cols.get(row, "code_postal"));
                insert(&mut s, "city", cols.get(row, "ville"));
                insert(&mut s, "country", cols.get(row, "pays"));
                insert(&mut s, "uai", cols.get(row, "uai"));
                insert(
                    &mut s,
                    "siege_departement",
                    cols.get(row, "siege_departement"),
                );
                planned.push(Planned {
                    command: Value::Object(s),
                    lines: vec![row.line],
                });
            }
        }
        Kind::Referents => {
            for row in &table.rows {
                let mut r = Map::new();
                r.insert("cmd".into(), json!("referent.add"));
                insert(&mut r, "academie", cols.get(row, "academie"));
                insert(&mut r, "name", cols.get(row, "nom"));
                insert(&mut r, "email", cols.get(row, "courriel"));
                planned.push(Planned {
                    command: Value::Object(r),
                    lines: vec![row.line],
                });
            }
        }
        Kind::Persons => {
            let Some(dossier) = options.reference.clone() else {
                return Err(vec![BadLine {
                    line: 1,
                    column: None,
                    message: "--dossier : le dossier où ajouter les personnes".into(),
                }]);
            };
            let mut persons = Vec::new();
            let mut lines = Vec::new();
            for row in &table.rows {
                match person(&cols, row) {
                    Ok(p) => {
                        persons.push(p);
                        lines.push(row.line);
                    }
                    Err(e) => bad.push(e),
                }
            }
            planned.push(Planned { command: json!({"cmd": "dossier.add_persons", "dossier": dossier, "persons": persons}), lines });
        }
        Kind::Lot => plan_lot(desk, &cols, table, options, &mut planned, &mut bad),
    }
    if bad.is_empty() {
        Ok(planned)
    } else {
        Err(bad)
    }
}

/// A référent's consolidated list: one habilitation per SIRET, in the lot, requested by the référent of the
/// académie (one académie per file), received by the direction of the académie's seat.
fn plan_lot(
    desk: &Desk,
    cols: &Columns,
    table: &Table,
    options: &Options,
    planned: &mut Vec<Planned>,
    bad: &mut Vec<BadLine>,
) {
    let Some(lot) = options.reference.clone() else {
        bad.push(BadLine {
            line: 1,
            column: None,
            message: "--ref : la référence du lot".into(),
        });
        return;
    };
    let store = desk.store();
    let directions = store.directions().unwrap_or_default();
    let mut by_siret: BTreeMap<String, (Vec<Value>, Vec<usize>)> = BTreeMap::new();
    let mut academie: Option<String> = None;
    for row in &table.rows {
        let cell = cols.get(row, "siret").unwrap_or("");
        let siret = match Siret::parse(cell) {
            Ok(s) => s,
            Err(e) => {
                bad.push(BadLine {
                    line: row.line,
                    column: Some("siret".into()),
                    message: e.0,
                });
                continue;
            }
        };
        let Some(structure) = store.structure(siret).ok().flatten() else {
            bad.push(BadLine {
                line: row.line,
                column: Some("siret".into()),
                message: format!("aucune structure n'a le SIRET {}", siret.spaced()),
            });
            continue;
        };
        let this = structure.academie.clone().unwrap_or_default();
        match &academie {
            None => academie = Some(this),
            Some(a) if *a != this => {
                bad.push(BadLine {
                    line: row.line,
                    column: Some("siret".into()),
                    message: format!("{} est de l'académie {this}, le lot de l'académie {a} : un fichier par académie", structure.name),
                });
                continue;
            }
            Some(_) => {}
        }
        match person(cols, row) {
            Ok(p) => {
                let entry = by_siret.entry(siret.to_string()).or_default();
                entry.0.push(p);
                entry.1.push(row.line);
            }
            Err(e) => bad.push(e),
        }
    }
    let Some(academie) = academie else { return };
    let Some(referent) = store
        .referents_of(&academie)
        .ok()
        .and_then(|r| r.into_iter().next())
    else {
        bad.push(BadLine {
            line: 2,
            column: None,
            message: format!(
                "aucun référent enregistré pour l'académie {academie} (import referents)"
            ),
        });
        return;
    };
    let seat = crate::domain::reference::academie(&academie)
        .map(|a| a.seat)
        .unwrap_or("");
    let direction = rules::direction_covering(seat, &directions).map(|d| d.code.clone());
    for (siret, (persons, lines)) in by_siret {
        let mut d = Map::new();
        d.insert("cmd".into(), json!("dossier.receive"));
        d.insert("ref".into(), json!(format!("{lot}/{siret}")));
        d.insert("kind".into(), json!("habilitation"));
        d.insert("channel".into(), json!("referent"));
        d.insert("siret".into(), json!(siret));
        d.insert("lot".into(), json!(lot));
        d.insert(
            "requester".into(),
            json!({"name": referent.name, "email": referent.email}),
        );
        if let Some(code) = &direction {
            d.insert("direction".into(), json!(code));
        }
        if let Some(date) = &options.received_on {
            d.insert("received_on".into(), json!(date));
        }
        d.insert("persons".into(), Value::Array(persons));
        planned.push(Planned {
            command: Value::Object(d),
            lines,
        });
    }
}

/// The file line and column a refusal of a planned command points at.
fn locate(kind: Kind, planned: &Planned, refusal: &Refusal) -> BadLine {
    let field = refusal.field.clone().unwrap_or_default();
    let person = field
        .strip_prefix("persons[")
        .and_then(|rest| rest.split(']').next())
        .and_then(|n| n.parse::<usize>().ok());
    let line = person
        .and_then(|i| planned.lines.get(i))
        .or(planned.lines.first())
        .copied()
        .unwrap_or(1);
    let column = refusal.field.as_ref().map(|f| column_of(kind, f));
    BadLine {
        line,
        column,
        message: refusal.message.clone(),
    }
}

/// Reads the file and imports it all, or nothing; with `dry_run`, checks everything and writes nothing.
pub fn import(
    desk: &Desk,
    actor: &Actor,
    kind: Kind,
    bytes: &[u8],
    options: &Options,
    dry_run: bool,
    what: &str,
) -> Result<Imported, DeskError> {
    let table = match csv::read(bytes) {
        Ok(t) => t,
        Err(e) => {
            return Ok(Imported::Refused(vec![BadLine {
                line: e.line.unwrap_or(1),
                column: None,
                message: e.message,
            }]));
        }
    };
    let planned = match plan(desk, kind, &table, options) {
        Ok(p) => p,
        Err(bad) => return Ok(Imported::Refused(bad)),
    };
    // Every line is checked before anything is written, so that every bad line is reported at once.
    let mut commands = Vec::new();
    let mut origin = Vec::new();
    let mut bad = Vec::new();
    for (i, p) in planned.iter().enumerate() {
        match Command::from_value(p.command.clone()) {
            Ok(c) => {
                commands.push(c);
                origin.push(i);
            }
            Err(refusal) => bad.push(locate(kind, p, &refusal)),
        }
    }
    if let Many::Refused(refused) = desk.execute_all(actor, &commands, true, what)? {
        bad.extend(
            refused
                .iter()
                .map(|r| locate(kind, &planned[origin[r.index]], &r.refusal)),
        );
    }
    if !bad.is_empty() {
        bad.sort_by_key(|b| b.line);
        if !dry_run {
            let first = &bad[0];
            let summary = Refusal::validation(
                first.column.as_deref().unwrap_or("fichier"),
                format!(
                    "{what} : {} ligne(s) refusée(s), rien n'est écrit ; ligne {} : {}",
                    bad.len(),
                    first.line,
                    first.message
                ),
            );
            // The refused import is journaled; refuse_line answers with the refusal itself, a store error aside.
            if let Err(DeskError::Store(e)) = desk.refuse_line(actor, what, summary) {
                return Err(DeskError::Store(e));
            }
        }
        return Ok(Imported::Refused(bad));
    }
    let lines = table.rows.len();
    if dry_run {
        return Ok(Imported::Done {
            lines,
            commands: commands.len(),
            first_seq: 0,
            last_seq: 0,
        });
    }
    match desk.execute_all(actor, &commands, false, what)? {
        Many::Done(receipts) => Ok(Imported::Done {
            lines,
            commands: receipts.len(),
            first_seq: receipts.first().map(|r| r.seq).unwrap_or(0),
            last_seq: receipts.last().map(|r| r.seq).unwrap_or(0),
        }),
        Many::Refused(refused) => Ok(Imported::Refused(
            refused
                .iter()
                .map(|r| locate(kind, &planned[origin[r.index]], &r.refusal))
                .collect(),
        )),
    }
}
