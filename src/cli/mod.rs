//! The command line: `batch`, `show`, `report`, `audit`, and `export`, `backup`, `restore` (in `files.rs`). It
//! parses arguments, opens the desk, and prints what the desk returns — as JSON with `--json`, as French tables
//! without. It decides nothing itself.
//!
//! Exit statuses: 0 done; 1 a command refused, a key not found, or the journal chain broken; 2 the command line
//! itself or the database could not be used (locked by another process, unreadable).

mod batch;
mod demo;
mod files;
mod import;
mod serve;
mod table;
mod views;

pub use batch::run_batch;

use crate::desk::{Actor, Desk, DeskError};
use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, Parser)]
#[command(
    name = "guichet",
    version,
    about = "Le guichet des correspondants dématérialisation : habilitations Chorus Pro (note de service 2018-08-4031)"
)]
pub struct Cli {
    /// Dossier de la base (par défaut : le dossier de données de l'utilisateur)
    #[arg(long, global = true, env = "GUICHET_DB", value_name = "CHEMIN")]
    pub db: Option<PathBuf>,
    /// Agir en tant qu'un autre opérateur (administrateurs seulement ; journalisé)
    #[arg(long = "as", global = true, value_name = "LOGIN")]
    pub as_login: Option<String>,
    /// Sortie JSON stable au lieu des tableaux
    #[arg(long, global = true)]
    pub json: bool,
    /// Ouvrir le guichet sur une base de démonstration neuve (données fictives, effacée à la sortie)
    #[arg(long)]
    pub demo: bool,
    /// La socket de `guichet serve` (par défaut : guichet.sock dans le dossier de la base)
    #[arg(long, global = true, env = "GUICHET_SOCKET", value_name = "CHEMIN")]
    pub socket: Option<PathBuf>,
    /// Dire sur la sortie d'erreur comment la base est atteinte (serveur ou accès direct)
    #[arg(long, short, global = true)]
    pub verbose: bool,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Exécute des commandes JSON Lines, une par ligne (FICHIER, ou - pour l'entrée standard)
    Batch {
        #[arg(value_name = "FICHIER")]
        file: Option<String>,
    },
    /// Affiche un dossier, un utilisateur ou une structure
    Show {
        #[command(subcommand)]
        what: Show,
    },
    /// Rapports : corbeilles, ancienneté
    Report {
        #[command(subcommand)]
        what: Report,
    },
    /// Contrôle du journal
    Audit {
        #[command(subcommand)]
        what: Audit,
    },
    /// Exporte une feuille : aspasie, madrhas, users --siret S, journal (CSV pour tableur, ou JSON)
    Export(files::ExportArgs),
    /// Sauvegarde toute la base dans un seul fichier vérifiable
    Backup(files::BackupArgs),
    /// Restaure une sauvegarde dans une base vide (--force : l'efface d'abord), puis vérifie le journal
    Restore(files::RestoreArgs),
    /// Remplit une base vide de données fictives, par le guichet lui-même (--scale demo ou national)
    Demo(demo::DemoArgs),
    /// Tient la base pour une équipe : écoute sur une socket, chaque guichet et chaque commande en est client
    Serve {
        /// Groupe du système dont les membres peuvent joindre la socket (par défaut : le propriétaire seul)
        #[arg(long, value_name = "GROUPE")]
        group: Option<String>,
    },
    /// Importe un fichier de tableur (CSV ; , ou tabulation, UTF-8 ou Windows-1252) : tout ou rien
    Import {
        #[command(subcommand)]
        what: Import,
        /// Tout vérifier sans rien écrire
        #[arg(long, global = true)]
        dry_run: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum Import {
    /// Structures : siret, raison_sociale, categorie, comptable_public, comptable_nom, comptable_courriel, adresse, code_postal, ville, pays, uai, siege_departement
    Structures { file: String },
    /// Référents : academie, nom, courriel
    Referents { file: String },
    /// Liste consolidée d'un référent : un dossier d'habilitation par SIRET, dans le lot REF
    Lot {
        file: String,
        #[arg(long = "ref", value_name = "REF")]
        reference: String,
        /// Date du courriel du référent (AAAA-MM-JJ)
        #[arg(long, value_name = "DATE")]
        received_on: Option<String>,
    },
    /// Liste annexée au contrat de service : personnes ajoutées au dossier REF
    Persons {
        file: String,
        #[arg(long, value_name = "REF")]
        dossier: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum Show {
    /// Un dossier, par son numéro (AAAA-NNNNN) ou sa référence
    Dossier { key: String },
    /// Un utilisateur, par son adresse ou son identifiant PIGP
    User { key: String },
    /// Une structure, par son SIRET
    Structure { key: String },
}

#[derive(Debug, Subcommand)]
pub enum Report {
    /// Les corbeilles : nombre de dossiers, le plus ancien, ceux de plus de 15 jours
    Queues {
        #[arg(long, value_name = "CODE")]
        direction: Option<String>,
    },
    /// L'ancienneté des dossiers en cours, par tranche
    Aging {
        #[arg(long, value_name = "CODE")]
        direction: Option<String>,
    },
    /// Accès résiduels (R16) : sortants et supprimés encore rattachés ou titulaires de droits
    ResidualAccess,
    /// Structures sans gestionnaire principal, ou avec un gestionnaire principal intérimaire (R14)
    Orphans,
}

#[derive(Debug, Subcommand)]
pub enum Audit {
    /// Vérifie la chaîne d'empreintes du journal
    Verify,
}

/// The OS login of this process: the account name of its user id, else `$USER`.
pub fn os_login() -> String {
    // SAFETY: geteuid cannot fail; getpwuid returns null or a pointer to a static record that we copy at once,
    // before any other call could overwrite it (the CLI is single-threaded at this point).
    let from_passwd = unsafe {
        let pw = libc::getpwuid(libc::geteuid());
        if pw.is_null() || (*pw).pw_name.is_null() {
            None
        } else {
            std::ffi::CStr::from_ptr((*pw).pw_name)
                .to_str()
                .ok()
                .map(str::to_string)
        }
    };
    from_passwd
        .or_else(|| std::env::var("USER").ok())
        .or_else(|| std::env::var("LOGNAME").ok())
        .unwrap_or_else(|| "inconnu".to_string())
}

/// The default database: the user's data directory.
pub fn default_db() -> PathBuf {
    directories::ProjectDirs::from("fr", "dgfip", "guichet")
        .map(|d| d.data_dir().join("base"))
        .unwrap_or_else(|| PathBuf::from("guichet-base"))
}

/// Opens the desk: as a client of the `guichet serve` answering on the socket, else directly on the database;
/// with the fixed clock of `GUICHET_NOW` (RFC 3339) when set, for reproducible runs.
pub fn open_desk(cli: &Cli) -> Result<Desk, String> {
    let path = cli.db.clone().unwrap_or_else(default_db);
    let socket = cli
        .socket
        .clone()
        .unwrap_or_else(|| crate::net::default_socket(&path));
    if let Some(desk) = crate::net::connect(&path, &socket)? {
        if cli.verbose {
            let login = desk.remote().map(|r| r.link().login).unwrap_or_default();
            eprintln!(
                "guichet : client du serveur {} (opérateur {login})",
                socket.display()
            );
        }
        return with_clock(desk);
    }
    let desk = with_clock(open_desk_at(&path)?)?;
    if cli.verbose {
        eprintln!(
            "guichet : base ouverte directement ({}) ; aucun serveur sur {}",
            path.display(),
            socket.display()
        );
    }
    Ok(desk)
}

fn open_desk_at(path: &std::path::Path) -> Result<Desk, String> {
    Desk::open(path).map_err(|e| e.to_string())
}

fn with_clock(desk: Desk) -> Result<Desk, String> {
    match std::env::var("GUICHET_NOW") {
        Ok(now) => {
            let fixed = chrono::DateTime::parse_from_rfc3339(&now)
                .map_err(|e| format!("GUICHET_NOW invalide ({now}) : {e}"))?
                .with_timezone(&chrono::Utc);
            Ok(desk.with_clock(move || fixed))
        }
        Err(_) => Ok(desk),
    }
}

pub fn run(cli: Cli) -> ExitCode {
    let Some(command) = &cli.command else {
        return match desk_screen(&cli) {
            Ok(()) => ExitCode::SUCCESS,
            Err(message) => {
                eprintln!("guichet : {message}");
                ExitCode::from(2)
            }
        };
    };
    let path = cli.db.clone().unwrap_or_else(default_db);
    if let Command::Restore(args) = command {
        return files::restore(&path, args, cli.json);
    }
    if let Command::Serve { group } = command {
        return serve::run(&cli, &path, group.as_deref());
    }
    if let Command::Demo(args) = command {
        return demo::run(&cli, &path, args);
    }
    // A server is there: it answers, or refuses this user (which `open_desk` reports); a socket file left by a
    // server that is gone does not count.
    let serving = match std::os::unix::net::UnixStream::connect(
        cli.socket
            .clone()
            .unwrap_or_else(|| crate::net::default_socket(&path)),
    ) {
        Ok(_) => true,
        Err(e) => !matches!(
            e.kind(),
            std::io::ErrorKind::ConnectionRefused | std::io::ErrorKind::NotFound
        ),
    };
    if !matches!(command, Command::Batch { .. } | Command::Import { .. })
        && !serving
        && !path.join("db").exists()
    {
        eprintln!(
            "guichet : aucune base à {} ; créez-la avec `guichet batch` (ou `guichet --db …`)",
            path.display()
        );
        return ExitCode::from(2);
    }
    let desk = match open_desk(&cli) {
        Ok(desk) => desk,
        Err(message) => {
            eprintln!("guichet : {message}");
            return ExitCode::from(2);
        }
    };
    let actor = Actor::acting_as(os_login(), cli.as_login.clone());
    let result = match command {
        Command::Batch { file } => batch::run_file(&desk, &actor, file.as_deref()),
        Command::Show { what } => views::show(&desk, what, cli.json),
        Command::Report { what } => views::report(&desk, what, cli.json),
        Command::Audit {
            what: Audit::Verify,
        } => views::audit_verify(&desk, cli.json),
        Command::Export(args) => Ok(files::export(&desk, args, cli.json)),
        Command::Backup(args) => Ok(files::backup(&desk, args, cli.json)),
        Command::Import { what, dry_run } => {
            use crate::files::import::{Kind, Options};
            let (kind, file, options) = match what {
                Import::Structures { file } => (Kind::Structures, file, Options::default()),
                Import::Referents { file } => (Kind::Referents, file, Options::default()),
                Import::Lot {
                    file,
                    reference,
                    received_on,
                } => (
                    Kind::Lot,
                    file,
                    Options {
                        reference: Some(reference.clone()),
                        received_on: received_on.clone(),
                    },
                ),
                Import::Persons { file, dossier } => (
                    Kind::Persons,
                    file,
                    Options {
                        reference: Some(dossier.clone()),
                        received_on: None,
                    },
                ),
            };
            import::run(&desk, &actor, kind, file, &options, *dry_run, cli.json)
        }
        // Restored, served and generated above, before any database is opened.
        Command::Restore(_) | Command::Serve { .. } | Command::Demo(_) => Ok(ExitCode::from(2)),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("guichet : {e}");
            match e {
                DeskError::Refused(_) => ExitCode::from(1),
                DeskError::Store(_) => ExitCode::from(2),
            }
        }
    }
}

/// The operator the demonstration runs as: the correspondante its data creates.
const DEMO_OPERATOR: &str = "camille.c";

/// The full-screen desk: on the default database (or `--db`), or on a fresh demonstration database.
fn desk_screen(cli: &Cli) -> Result<(), String> {
    use std::io::IsTerminal;
    if !std::io::stdin().is_terminal() || !std::io::stdout().is_terminal() {
        return Err(
            "le guichet s'ouvre dans un terminal ; pour les scripts, utilisez `guichet batch`, `show` ou `report`".to_string(),
        );
    }
    if cli.demo {
        let dir = tempfile::Builder::new()
            .prefix("guichet-demo-")
            .tempdir()
            .map_err(|e| format!("dossier temporaire impossible : {e}"))?;
        let desk = with_clock(open_desk_at(&dir.path().join("base"))?)?;
        let admin = Actor::new(os_login());
        eprintln!(
            "Préparation de la base de démonstration (données fictives, par le guichet lui-même)…"
        );
        crate::demo::generate(
            &desk,
            &admin,
            &crate::demo::Scale::DEMO,
            2026,
            &mut |_, _| {},
        )
        .map_err(|e| e.to_string())?;
        let actor = Actor::acting_as(os_login(), Some(DEMO_OPERATOR.to_string()));
        return crate::tui::run(&desk, actor, "démonstration");
    }
    let desk = open_desk(cli)?;
    let actor = Actor::acting_as(os_login(), cli.as_login.clone());
    let mode = match desk.remote() {
        Some(remote) => format!(
            "{} {}",
            crate::tui::strings::SERVED_DB,
            remote.link().socket
        ),
        None => crate::tui::strings::LOCAL_DB.to_string(),
    };
    crate::tui::run(&desk, actor, &mode)
}
