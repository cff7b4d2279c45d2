//! `guichet export`, `guichet backup` and `guichet restore`: the command-line side of `files/`. It parses the
//! arguments, calls the export or the backup, writes the result where asked and says in French what was done.
//! Each prints its own errors and returns its exit status: 0 done; 1 a key not found, a bad backup file, a refused
//! restore or a restored journal that does not verify; 2 the command line, the database or the disk unusable.

use crate::desk::{Desk, DeskError};
use crate::domain::ids::Siret;
use crate::files::backup;
use crate::files::export::{self, Filter, Sheet};
use clap::{Args, ValueEnum};
use serde_json::json;
use std::io::BufWriter;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportKind {
    /// Les personnes à créer dans ASPASIE (corbeille « À créer dans ASPASIE »)
    Aspasie,
    /// Les identifiants PIGP et les SIRET à ouvrir dans MADRHAS, un SIRET par ligne
    Madrhas,
    /// Les utilisateurs d'une structure (--siret), comme l'export de Chorus Pro
    Users,
    /// Le journal complet avec ses empreintes, pour les archives
    Journal,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// CSV pour un tableur français : « ; », BOM UTF-8, fins de ligne CRLF
    Csv,
    /// Un tableau JSON d'objets, mêmes colonnes
    Json,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Ce qu'on exporte
    #[arg(value_enum, value_name = "FEUILLE")]
    pub kind: ExportKind,
    /// Format du fichier (csv par défaut, json avec --json)
    #[arg(long, value_enum)]
    pub format: Option<ExportFormat>,
    /// La structure (obligatoire pour users ; filtre les dossiers pour aspasie et madrhas)
    #[arg(long, value_name = "SIRET", required_if_eq("kind", "users"))]
    pub siret: Option<String>,
    /// Les dossiers d'une seule direction (aspasie, madrhas)
    #[arg(long, value_name = "CODE")]
    pub direction: Option<String>,
    /// Fichier à écrire (par défaut : la sortie standard)
    #[arg(long, short = 'o', value_name = "FICHIER")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct BackupArgs {
    /// Le fichier de sauvegarde à écrire
    #[arg(value_name = "FICHIER")]
    pub file: PathBuf,
}

#[derive(Debug, Args)]
pub struct RestoreArgs {
    /// Le fichier de sauvegarde à restaurer
    #[arg(value_name = "FICHIER")]
    pub file: PathBuf,
    /// Effacer d'abord une base qui n'est pas vide (tout ce qu'elle contient est perdu)
    #[arg(long)]
    pub force: bool,
}

fn fail(message: impl std::fmt::Display, status: u8) -> ExitCode {
    eprintln!("guichet : {message}");
    ExitCode::from(status)
}

fn desk_status(e: &DeskError) -> u8 {
    match e {
        DeskError::Refused(_) => 1,
        DeskError::Store(_) => 2,
    }
}

fn build(desk: &Desk, args: &ExportArgs) -> Result<Sheet, DeskError> {
    let store = desk.store();
    let siret = args
        .siret
        .as_deref()
        .map(|s| Siret::parse(s).map_err(|e| crate::domain::Refusal::validation("siret", e.0)))
        .transpose()?;
    let filter = Filter {
        direction: args.direction.clone(),
        siret,
    };
    match (args.kind, siret) {
        (ExportKind::Aspasie, _) => export::aspasie(store, &filter),
        (ExportKind::Madrhas, _) => export::madrhas(store, &filter),
        (ExportKind::Users, Some(siret)) => export::users(store, siret),
        (ExportKind::Users, None) => {
            Err(crate::domain::Refusal::validation("siret", "--siret est obligatoire").into())
        }
        (ExportKind::Journal, _) => export::journal(store),
    }
}

/// Writes `sheet` to `out` in the format asked.
impl From<ExportFormat> for export::Format {
    fn from(f: ExportFormat) -> export::Format {
        match f {
            ExportFormat::Csv => export::Format::Csv,
            ExportFormat::Json => export::Format::Json,
        }
    }
}

pub(super) fn export(desk: &Desk, args: &ExportArgs, json: bool) -> ExitCode {
    if args.kind == ExportKind::Journal && (args.siret.is_some() || args.direction.is_some()) {
        return fail(
            "l'export du journal est toujours complet : --siret et --direction ne s'y appliquent pas",
            2,
        );
    }
    if args.kind == ExportKind::Users && args.direction.is_some() {
        return fail(
            "--direction ne s'applique pas à l'export des utilisateurs d'une structure",
            2,
        );
    }
    let sheet = match build(desk, args) {
        Ok(sheet) => sheet,
        Err(e) => return fail(&e, desk_status(&e)),
    };
    let format = args.format.unwrap_or(if json {
        ExportFormat::Json
    } else {
        ExportFormat::Csv
    });
    let Some(path) = &args.output else {
        let stdout = std::io::stdout();
        let mut out = BufWriter::new(stdout.lock());
        return match export::write(&sheet, format.into(), &mut out) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => fail(format!("écriture de l'export : {e}"), 2),
        };
    };
    if let Err(e) = export::save(&sheet, format.into(), path) {
        return fail(format!("impossible d'écrire {} : {e}", path.display()), 2);
    }
    if json {
        println!(
            "{}",
            json!({"export": format!("{:?}", args.kind).to_lowercase(), "file": path, "rows": sheet.rows.len()})
        );
    } else {
        println!(
            "{} ligne(s) écrite(s) dans {}",
            sheet.rows.len(),
            path.display()
        );
    }
    ExitCode::SUCCESS
}

pub(super) fn backup(desk: &Desk, args: &BackupArgs, json: bool) -> ExitCode {
    let started = Instant::now();
    let summary = match backup::backup(desk.store(), &args.file, desk.now()) {
        Ok(summary) => summary,
        Err(e) => return fail(&e, e.exit_status()),
    };
    let seconds = started.elapsed().as_secs_f64();
    if json {
        println!(
            "{}",
            json!({"file": args.file, "bytes": summary.bytes, "pairs": summary.pairs, "seconds": seconds, "header": summary.header})
        );
    } else {
        println!(
            "Sauvegarde écrite dans {} : {} paires de {} arbres, {} octets, journal jusqu'à l'entrée {} ({:.2} s)",
            args.file.display(),
            summary.pairs,
            summary.header.trees,
            summary.bytes,
            summary.header.journal_seq,
            seconds
        );
    }
    ExitCode::SUCCESS
}

/// Run before any database is opened: a backup file that does not hold must leave nothing behind, not even an
/// empty database.
pub(super) fn restore(db: &Path, args: &RestoreArgs, json: bool) -> ExitCode {
    let summary = match backup::restore(&args.file, db, args.force) {
        Ok(summary) => summary,
        Err(e) => return fail(&e, e.exit_status()),
    };
    let h = &summary.header;
    if json {
        let chain = match &summary.chain {
            Ok(state) => json!({"ok": true, "entries": state.entries, "head": state.head}),
            Err(broken) => json!({"ok": false, "broken_at": broken.seq, "reason": broken.reason}),
        };
        println!(
            "{}",
            json!({"restored": true, "file": args.file, "db": db, "pairs": summary.pairs, "header": h, "journal": chain})
        );
    } else {
        println!(
            "Sauvegarde du {} (guichet {}, schéma {}) restaurée dans {} : {} paires de {} arbres",
            h.date,
            h.guichet,
            h.schema,
            db.display(),
            summary.pairs,
            h.trees
        );
        match &summary.chain {
            Ok(state) => println!(
                "Journal intègre : {} entrées, empreinte de tête {}",
                state.entries, state.head
            ),
            Err(broken) => println!(
                "Journal rompu à l'entrée {} : {}",
                broken.seq, broken.reason
            ),
        }
    }
    if summary.chain.is_ok() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}
