//! The worksheets that leave the desk: the persons to create in ASPASIE, the rights to open in MADRHAS, a
//! structure's users the way Chorus Pro exports them, and the journal with its hashes for the archives.
//!
//! Each export is a pure function from the store to a `Sheet` (a header and rows of text); `write_csv` and
//! `write_json` write any sheet. The CSV is what a French spreadsheet opens right with a double click: a UTF-8 BOM,
//! `;` between fields, CRLF line ends, a field quoted (its quotes doubled) when it holds `;`, `"`, CR or LF. The JSON
//! is an array of objects with the same columns. Exports only read, from the corbeille indexes and the records;
//! they never write nor journal anything.

use crate::desk::DeskError;
use crate::domain::Refusal;
use crate::domain::chorus::{AttachmentStatus, Role};
use crate::domain::dossier::{Corbeille, Dossier};
use crate::domain::ids::Siret;
use crate::domain::rules;
use crate::domain::structure::Structure;
use crate::domain::user::UserStatus;
use crate::store::journal::{Entry, Outcome, hex};
use crate::store::{Store, T};
use std::io::{self, Write};

/// A worksheet: snake_case column names and rows of text, one cell a column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sheet {
    pub header: Vec<&'static str>,
    pub rows: Vec<Vec<String>>,
}

/// Which dossiers the corbeille exports take: one direction's, one structure's, or all.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    pub direction: Option<String>,
    pub siret: Option<Siret>,
}

/// The dossiers of a corbeille across the directions the filter keeps, direction by direction, oldest first,
/// read from the corbeille index (never a scan of every dossier).
fn corbeille_dossiers(
    store: &Store,
    corbeille: Corbeille,
    filter: &Filter,
) -> Result<Vec<Dossier>, DeskError> {
    let mut codes: Vec<String> = store.directions()?.iter().map(|d| d.code.clone()).collect();
    if let Some(only) = &filter.direction {
        let only = only.trim().to_uppercase();
        if !codes.contains(&only) {
            return Err(Refusal::not_found("direction", format!("aucune direction {only}")).into());
        }
        codes = vec![only];
    }
    let mut out = Vec::new();
    for code in codes {
        for entry in store.corbeille_page(&code, corbeille, 0, usize::MAX)? {
            let Some(d) = store.dossier(entry.id)? else {
                continue;
            };
            if filter.siret.is_none() || d.siret == filter.siret {
                out.push(d);
            }
        }
    }
    Ok(out)
}

fn structure_of(store: &Store, d: &Dossier) -> Result<Option<Structure>, DeskError> {
    Ok(match d.siret {
        Some(s) => store.structure(s)?,
        None => None,
    })
}

/// The persons ready for creation in ASPASIE: those not yet created of the qualified habilitations whose pieces
/// are complete (R4), i.e. the corbeille « À créer dans ASPASIE ». Population (R6) and codique (R7) are derived
/// from the dossier's structure as `aspasie.create` will derive them; when the codique cannot be, the cell stays
/// empty and `note` says why.
pub fn aspasie(store: &Store, filter: &Filter) -> Result<Sheet, DeskError> {
    let header = vec![
        "dossier",
        "civilite",
        "nom",
        "prenom",
        "population",
        "codique",
        "adresse",
        "code_postal",
        "ville",
        "pays",
        "courriel",
        "note",
    ];
    let directions = store.directions()?;
    let mut rows = Vec::new();
    for d in corbeille_dossiers(store, Corbeille::ACreerAspasie, filter)? {
        let structure = structure_of(store, &d)?;
        for p in d.persons.iter().filter(|p| p.user.is_none()) {
            let mut notes = Vec::new();
            let (population, codique) = match &structure {
                Some(s) => {
                    let codique = rules::codique(s, &directions).unwrap_or_else(|refusal| {
                        notes.push(refusal.message);
                        String::new()
                    });
                    (rules::population(s.category).wire().to_string(), codique)
                }
                None => {
                    notes.push("structure du dossier introuvable".to_string());
                    (String::new(), String::new())
                }
            };
            if let Some(u) = store.user_by_email(&p.email)?
                && u.status == UserStatus::Actif
                && let Some(pigp) = &u.pigp_id
            {
                notes.push(format!(
                    "déjà dans ASPASIE ({pigp}) : pas de nouvelle création, droits MADRHAS à ouvrir"
                ));
            }
            let address =
                |f: fn(&Structure) -> String| structure.as_ref().map(f).unwrap_or_default();
            rows.push(vec![
                d.id.to_string(),
                p.civilite.label().to_string(),
                p.nom.clone(),
                p.prenom.clone(),
                population,
                codique,
                address(|s| s.address.clone().unwrap_or_default()),
                address(|s| s.postal_code.clone()),
                address(|s| s.city.clone()),
                address(|s| s.country.clone()),
                p.email.to_string(),
                notes.join(" ; "),
            ]);
        }
    }
    Ok(Sheet { header, rows })
}

/// The rights to open in MADRHAS: every person created in ASPASIE whose rights are not yet opened, whether his
/// dossier already stands in « À habiliter dans MADRHAS » or still waits in « À créer dans ASPASIE » for another of
/// its persons.
///
/// One line per SIRET rather than the SIRETs joined in one cell: in MADRHAS the operator adds the structures of a
/// user one at a time, so each line is exactly one thing to do — one identifier and one SIRET to paste, no cell to
/// split — and the sheet can be sorted, filtered and ticked off line by line.
pub fn madrhas(store: &Store, filter: &Filter) -> Result<Sheet, DeskError> {
    let header = vec![
        "dossier",
        "identifiant_pigp",
        "courriel",
        "nom",
        "prenom",
        "role",
        "siret",
        "structure",
    ];
    let mut rows = Vec::new();
    let mut dossiers = Vec::new();
    for corbeille in [Corbeille::ACreerAspasie, Corbeille::AHabiliterMadrhas] {
        dossiers.extend(corbeille_dossiers(store, corbeille, filter)?);
    }
    dossiers.sort_by_key(|d| (d.direction.clone(), d.received_on, d.id));
    for d in dossiers {
        for p in d.persons.iter().filter(|p| !p.madrhas_opened) {
            let Some(user) = p.user.map(|id| store.user(id)).transpose()?.flatten() else {
                continue;
            };
            for siret in d.sirets_of(p) {
                let name = store.structure(siret)?.map(|s| s.name).unwrap_or_default();
                rows.push(vec![
                    d.id.to_string(),
                    user.pigp_id
                        .as_ref()
                        .map(ToString::to_string)
                        .unwrap_or_default(),
                    user.email.to_string(),
                    user.nom.clone(),
                    user.prenom.clone(),
                    p.role.wire().to_string(),
                    siret.to_string(),
                    name,
                ]);
            }
        }
    }
    Ok(Sheet { header, rows })
}

/// A structure's users as Chorus Pro exports them: every rattachement, the gestionnaire principal first, then the
/// secondaires, then the simple users, each group by name.
pub fn users(store: &Store, siret: Siret) -> Result<Sheet, DeskError> {
    let header = vec![
        "nom",
        "prenom",
        "courriel",
        "identifiant_pigp",
        "role",
        "statut_rattachement",
        "statut_utilisateur",
        "interim",
    ];
    if store.structure(siret)?.is_none() {
        return Err(Refusal::not_found(
            "siret",
            format!("aucune structure n'a le SIRET {}", siret.spaced()),
        )
        .into());
    }
    let mut lines = Vec::new();
    for a in store.attachments_of_structure(siret)? {
        let Some(u) = store.user(a.user)? else {
            continue;
        };
        let rank = match (a.status, a.role) {
            (AttachmentStatus::Actif, Role::Gp) => 0,
            (AttachmentStatus::Actif, Role::Gs) => 1,
            (AttachmentStatus::Actif, Role::User) => 2,
            _ => 3,
        };
        let row = vec![
            u.nom.clone(),
            u.prenom.clone(),
            u.email.to_string(),
            u.pigp_id
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default(),
            a.role.wire().to_string(),
            a.status.wire().to_string(),
            u.status.wire().to_string(),
            if a.interim { "oui" } else { "non" }.to_string(),
        ];
        lines.push(((rank, u.nom.to_lowercase(), u.prenom.to_lowercase()), row));
    }
    lines.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(Sheet {
        header,
        rows: lines.into_iter().map(|(_, row)| row).collect(),
    })
}

/// Every journal entry in order, with the two hashes of its link in the chain: what the archives keep, and what
/// anyone can recompute (SHA-256 over the previous hash and the entry's canonical bytes).
pub fn journal(store: &Store) -> Result<Sheet, DeskError> {
    let header = vec![
        "seq",
        "date",
        "operateur",
        "via",
        "en_tant_que",
        "commande",
        "resultat",
        "message",
        "hash_precedent",
        "hash",
    ];
    let rows = store
        .scan::<Entry>(T::Journal, b"")?
        .into_iter()
        .map(|(_, e)| {
            let (result, message) = match e.draft.outcome {
                Outcome::Done { summary } => ("fait".to_string(), summary),
                Outcome::Refused { rule, message, .. } => (format!("refusé {rule}"), message),
            };
            vec![
                e.seq.to_string(),
                e.draft.at.to_rfc3339(),
                e.draft.operator,
                e.draft.via.unwrap_or_default(),
                e.draft.on_behalf_of.unwrap_or_default(),
                e.draft.command,
                result,
                message,
                hex(&e.prev_hash),
                hex(&e.hash),
            ]
        })
        .collect();
    Ok(Sheet { header, rows })
}

/// The UTF-8 byte order mark: without it, a French spreadsheet reads the file as Windows-1252.
pub const BOM: &str = "\u{feff}";

/// One CSV field. Quoted when it holds the separator, a quote or a line break. A cell a spreadsheet would take for
/// a formula (`=`, `+`, `-`, `@`, tab or CR first) gets a leading apostrophe: names and messages come from requests
/// received by e-mail, and a worksheet must not run what they hold.
fn csv_field(value: &str) -> String {
    let value = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_string()
    };
    if value.contains([';', '"', '\r', '\n']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value
    }
}

/// Writes a sheet as CSV for a French spreadsheet: BOM, `;`, CRLF, quoted fields.
pub fn write_csv(sheet: &Sheet, out: &mut impl Write) -> io::Result<()> {
    out.write_all(BOM.as_bytes())?;
    let line = |cells: Vec<String>| cells.join(";") + "\r\n";
    out.write_all(line(sheet.header.iter().map(|h| csv_field(h)).collect()).as_bytes())?;
    for row in &sheet.rows {
        out.write_all(line(row.iter().map(|c| csv_field(c)).collect()).as_bytes())?;
    }
    Ok(())
}

/// Writes a sheet as a JSON array of objects, one key a column, in the header's order.
pub fn write_json(sheet: &Sheet, out: &mut impl Write) -> io::Result<()> {
    let objects: Vec<serde_json::Map<String, serde_json::Value>> = sheet
        .rows
        .iter()
        .map(|row| {
            sheet
                .header
                .iter()
                .zip(row)
                .map(|(k, v)| (k.to_string(), serde_json::Value::String(v.clone())))
                .collect()
        })
        .collect();
    serde_json::to_writer_pretty(&mut *out, &objects)?;
    out.write_all(b"\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn csv(rows: Vec<Vec<&str>>) -> String {
        let sheet = Sheet {
            header: vec!["a", "b"],
            rows: rows
                .into_iter()
                .map(|r| r.into_iter().map(str::to_string).collect())
                .collect(),
        };
        let mut out = Vec::new();
        write_csv(&sheet, &mut out).expect("write");
        String::from_utf8(out).expect("utf-8")
    }

    #[test]
    fn a_plain_row_is_bom_semicolons_and_crlf() {
        assert_eq!(
            csv(vec![vec!["Lycée Émile Zola", "x"]]),
            "\u{feff}a;b\r\nLycée Émile Zola;x\r\n"
        );
    }

    #[test]
    fn separators_quotes_and_line_breaks_are_quoted() {
        assert_eq!(
            csv(vec![
                vec!["a;b", "dit \"non\""],
                vec!["deux\nlignes", "cr\rlf"]
            ]),
            "\u{feff}a;b\r\n\"a;b\";\"dit \"\"non\"\"\"\r\n\"deux\nlignes\";\"cr\rlf\"\r\n"
        );
    }

    #[test]
    fn a_formula_is_never_run_by_the_spreadsheet() {
        assert_eq!(
            csv(vec![vec!["=HYPERLINK(\"x\")", "@SUM(A1)"]]),
            "\u{feff}a;b\r\n\"'=HYPERLINK(\"\"x\"\")\";'@SUM(A1)\r\n"
        );
        assert_eq!(csv(vec![vec!["-1", "+33"]]), "\u{feff}a;b\r\n'-1;'+33\r\n");
    }

    #[test]
    fn json_has_the_same_columns() {
        let sheet = Sheet {
            header: vec!["nom", "ville"],
            rows: vec![vec!["Zola".to_string(), "Créteil".to_string()]],
        };
        let mut out = Vec::new();
        write_json(&sheet, &mut out).expect("write");
        let v: serde_json::Value = serde_json::from_slice(&out).expect("json");
        assert_eq!(v, serde_json::json!([{"nom": "Zola", "ville": "Créteil"}]));
    }
}

/// The two formats of an export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// CSV for a French spreadsheet: `;`, a UTF-8 BOM, CRLF.
    Csv,
    Json,
}

/// Writes a sheet in a format.
pub fn write(sheet: &Sheet, format: Format, out: &mut impl Write) -> io::Result<()> {
    match format {
        Format::Csv => write_csv(sheet, out)?,
        Format::Json => write_json(sheet, out)?,
    }
    out.flush()
}

/// Saves a sheet to a file whole or not at all: a temporary file beside it (0600), synced, renamed once complete.
pub fn save(sheet: &Sheet, format: Format, path: &std::path::Path) -> io::Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => std::path::Path::new("."),
    };
    let mut temp = tempfile::Builder::new()
        .prefix(".guichet-export-")
        .tempfile_in(dir)?;
    {
        let mut out = io::BufWriter::new(temp.as_file_mut());
        write(sheet, format, &mut out)?;
    }
    temp.as_file().sync_all()?;
    temp.persist(path).map_err(|e| e.error)?;
    Ok(())
}
