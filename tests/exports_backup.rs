//! Issue 5, items 2 and 3: the worksheets that leave the desk and the backup of the whole database.
//!
//! - `export aspasie` lists exactly the persons of the corbeille « À créer dans ASPASIE », with the population and
//!   the codique `aspasie.create` will give them (SSLSPL and the codique of where the lycée stands for an EPLE; an
//!   empty codique and the R7 sentence when no direction covers the department); `export madrhas` one line per
//!   SIRET to open; the CSV opens right in a French spreadsheet (BOM, `;`, CRLF, quoted fields, accents).
//! - A backup of the demonstration base restored into a NEW database gives the same `show` and `report` JSON and a
//!   journal that verifies; a backup with one byte flipped, or truncated, is refused and writes nothing; a restore
//!   into a database that is not empty is refused without `--force`.
//!
//! `cargo test --test exports_backup -- --nocapture` prints the size and the times of the demo base's backup.

mod common;

use common::*;
use guichet::demo::{self, Scale};
use guichet::desk::Desk;
use guichet::domain::dossier::{Corbeille, Dossier};
use guichet::domain::ids::Siret;
use guichet::domain::structure::Structure;
use guichet::domain::user::User;
use guichet::files::export::{self, Filter};
use guichet::store::T;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;
use std::time::Instant;
use tempfile::TempDir;

fn guichet(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_guichet"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env("GUICHET_NOW", NOW)
        .output()
        .expect("run guichet")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).to_string()
}

/// A JSON view through the binary, which must succeed.
fn json(db: &Path, args: &[&str]) -> Value {
    let out = guichet(db, &[args, &["--json"]].concat());
    assert!(out.status.success(), "{args:?}: {}", stderr(&out));
    serde_json::from_slice(&out.stdout).expect("JSON view")
}

fn path_str(p: &Path) -> &str {
    p.to_str().expect("UTF-8 path")
}

// ---------------------------------------------------------------------------------------------------------------
// The exports, on a small world where every corbeille the exports read holds something.

const LYCEE_ADDRESS: &str = "Bâtiment B; 4 rue Émile Zola";

fn receive(
    reference: &str,
    channel: &str,
    siret: &str,
    direction: &str,
    requester: (&str, &str),
    persons: &str,
) -> String {
    format!(
        r#"{{"cmd":"dossier.receive","ref":"{reference}","kind":"habilitation","channel":"{channel}","siret":"{siret}","direction":"{direction}","requester":{{"name":"{}","email":"{}"}},"received_on":"2026-11-02","persons":[{persons}]}}"#,
        requester.0, requester.1
    )
}

const REFERENT: (&str, &str) = ("Rémi Laurent", "remi.laurent@ac-versailles.fr");
const INAS_COMPTABLE: (&str, &str) = ("Bernard Roche", "bernard.roche@inas-lyon.fr");
const OBS_COMPTABLE: (&str, &str) = ("Lise Marin", "lise.marin@obs-bordeaux.fr");

fn qualify_with_pieces(desk: &Desk, reference: &str, pieces: &[&str]) {
    ok(
        desk,
        &format!(r#"{{"cmd":"dossier.qualify","dossier":"{reference}"}}"#),
    );
    for doc in pieces {
        ok(
            desk,
            &format!(r#"{{"cmd":"dossier.document","dossier":"{reference}","document":"{doc}"}}"#),
        );
    }
}

fn create(desk: &Desk, reference: &str, email: &str) {
    ok(
        desk,
        &format!(r#"{{"cmd":"aspasie.create","dossier":"{reference}","email":"{email}"}}"#),
    );
}

const PIECES: [&str; 2] = ["contrat_service", "liste_utilisateurs"];

/// The world of tests/common, and seven dossiers:
/// - LOT-92-A (lycée of Nanterre, received by the DDFiP 78): Anne created, Émile not → both exports;
/// - MAIL-INAS (EPN of Lyon): two persons to create;
/// - MAIL-OBS (EPN of Bordeaux, seat in Lyon): one person, no direction covers the Gironde → no codique (R7);
/// - LOT-78-B (collège of Versailles): Farid created on two SIRETs, rights not opened → two MADRHAS lines;
/// - MAIL-INAS-2 (pieces missing), MAIL-INAS-3 (to qualify), LOT-DONE (closed): in neither export.
fn exports_world() -> (TempDir, Desk) {
    let (dir, desk) = desk();
    run_all(&desk, WORLD);
    ok(
        &desk,
        &format!(r#"{{"cmd":"structure.update","siret":"{EPLE_92}","address":"{LYCEE_ADDRESS}"}}"#),
    );
    habilitate(
        &desk,
        &receive(
            "LOT-DONE",
            "referent",
            EPLE_92,
            "DDFIP78",
            REFERENT,
            r#"{"civilite":"MME","nom":"Martin","prenom":"Claire","email":"claire.martin@ac-versailles.fr","role":"gp"}"#,
        ),
        "LOT-DONE",
        &["claire.martin@ac-versailles.fr"],
    );
    ok(
        &desk,
        &receive(
            "LOT-92-A",
            "referent",
            EPLE_92,
            "DDFIP78",
            REFERENT,
            r#"{"civilite":"MME","nom":"Lefèvre","prenom":"Anne","email":"anne.lefevre@ac-versailles.fr","role":"gs"},{"civilite":"M","nom":"Dupré","prenom":"Émile","email":"emile.dupre@ac-versailles.fr","role":"gs"}"#,
        ),
    );
    qualify_with_pieces(&desk, "LOT-92-A", &PIECES);
    create(&desk, "LOT-92-A", "anne.lefevre@ac-versailles.fr");
    ok(
        &desk,
        &receive(
            "MAIL-INAS",
            "agent_comptable",
            EPN_69,
            "DRFIP69",
            INAS_COMPTABLE,
            r#"{"civilite":"MME","nom":"Girard","prenom":"Sophie","email":"sophie.girard@inas-lyon.fr","role":"gp"},{"civilite":"M","nom":"Nguyen","prenom":"Thomas","email":"thomas.nguyen@inas-lyon.fr","role":"gs"}"#,
        ),
    );
    qualify_with_pieces(&desk, "MAIL-INAS", &PIECES);
    ok(
        &desk,
        &receive(
            "MAIL-OBS",
            "agent_comptable",
            EPN_33,
            "DRFIP69",
            OBS_COMPTABLE,
            r#"{"civilite":"M","nom":"Petit","prenom":"Marc","email":"marc.petit@obs-bordeaux.fr","role":"gp"}"#,
        ),
    );
    qualify_with_pieces(&desk, "MAIL-OBS", &PIECES);
    ok(
        &desk,
        &receive(
            "LOT-78-B",
            "referent",
            EPLE_78,
            "DDFIP78",
            REFERENT,
            &format!(
                r#"{{"civilite":"M","nom":"Haddad","prenom":"Farid","email":"farid.haddad@ac-versailles.fr","role":"gs","sirets":["{EPLE_78}","{EPLE_92}"]}}"#
            ),
        ),
    );
    qualify_with_pieces(&desk, "LOT-78-B", &PIECES);
    create(&desk, "LOT-78-B", "farid.haddad@ac-versailles.fr");
    ok(
        &desk,
        &receive(
            "MAIL-INAS-2",
            "agent_comptable",
            EPN_69,
            "DRFIP69",
            INAS_COMPTABLE,
            r#"{"civilite":"M","nom":"Blanc","prenom":"Hugo","email":"hugo.blanc@inas-lyon.fr","role":"gs"}"#,
        ),
    );
    qualify_with_pieces(&desk, "MAIL-INAS-2", &["contrat_service"]);
    ok(
        &desk,
        &receive(
            "MAIL-INAS-3",
            "agent_comptable",
            EPN_69,
            "DRFIP69",
            INAS_COMPTABLE,
            r#"{"civilite":"M","nom":"Roux","prenom":"Léa","email":"lea.roux@inas-lyon.fr","role":"gs"}"#,
        ),
    );
    (dir, desk)
}

fn all_dossiers(desk: &Desk) -> Vec<Dossier> {
    desk.store()
        .scan::<Dossier>(T::Dossiers, b"")
        .expect("scan dossiers")
        .into_iter()
        .map(|(_, d)| d)
        .collect()
}

/// A row of a sheet as a map from column to cell.
fn row<'a>(sheet: &'a export::Sheet, i: usize) -> impl Fn(&str) -> &'a str {
    move |column: &str| {
        let at = sheet
            .header
            .iter()
            .position(|h| *h == column)
            .expect("column");
        sheet.rows[i][at].as_str()
    }
}

#[test]
fn export_aspasie_lists_exactly_the_corbeille_a_creer_with_population_and_codique() {
    let (_dir, desk) = exports_world();
    let sheet = export::aspasie(desk.store(), &Filter::default()).expect("export");
    let listed: BTreeSet<(String, String)> = (0..sheet.rows.len())
        .map(|i| {
            let r = row(&sheet, i);
            (r("dossier").to_string(), r("courriel").to_string())
        })
        .collect();
    assert_eq!(listed.len(), sheet.rows.len(), "no person twice");
    // Recounted from every dossier, not from the index the export reads.
    let expected: BTreeSet<(String, String)> = all_dossiers(&desk)
        .iter()
        .filter(|d| d.corbeille() == Corbeille::ACreerAspasie)
        .flat_map(|d| {
            d.persons
                .iter()
                .filter(|p| p.user.is_none())
                .map(|p| (d.id.to_string(), p.email.to_string()))
        })
        .collect();
    assert_eq!(listed, expected);
    let emails: BTreeSet<&str> = listed.iter().map(|(_, e)| e.as_str()).collect();
    assert_eq!(
        emails,
        BTreeSet::from([
            "emile.dupre@ac-versailles.fr",
            "marc.petit@obs-bordeaux.fr",
            "sophie.girard@inas-lyon.fr",
            "thomas.nguyen@inas-lyon.fr",
        ]),
        "created persons, pieces missing, to qualify and closed are not listed"
    );

    for i in 0..sheet.rows.len() {
        let r = row(&sheet, i);
        match r("courriel") {
            "emile.dupre@ac-versailles.fr" => {
                assert_eq!(r("civilite"), "M.");
                assert_eq!((r("nom"), r("prenom")), ("Dupré", "Émile"));
                assert_eq!(r("population"), "SSLSPL", "an EPLE (R6)");
                assert_eq!(
                    r("codique"),
                    "092000",
                    "the Hauts-de-Seine, where the lycée stands, not the DDFiP 78 that received it (R7)"
                );
                assert_eq!(r("adresse"), LYCEE_ADDRESS);
                assert_eq!(
                    (r("code_postal"), r("ville"), r("pays")),
                    ("92000", "Nanterre", "France")
                );
                assert_eq!(r("note"), "");
            }
            "sophie.girard@inas-lyon.fr" | "thomas.nguyen@inas-lyon.fr" => {
                assert_eq!((r("population"), r("codique")), ("SSLEPN", "069000"));
            }
            "marc.petit@obs-bordeaux.fr" => {
                assert_eq!(r("population"), "SSLEPN");
                assert_eq!(r("codique"), "", "no direction covers the Gironde");
                assert!(r("note").contains("33"), "the R7 sentence: {}", r("note"));
            }
            other => panic!("unexpected person {other}"),
        }
    }
    // What the export announces is what aspasie.create then gives.
    let created = ok(
        &desk,
        r#"{"cmd":"aspasie.create","dossier":"LOT-92-A","email":"emile.dupre@ac-versailles.fr"}"#,
    );
    assert_eq!(
        (created["population"].as_str(), created["codique"].as_str()),
        (Some("SSLSPL"), Some("092000"))
    );
    let again = export::aspasie(desk.store(), &Filter::default()).expect("export");
    assert_eq!(again.rows.len(), 3, "Émile is no longer to create");

    // Filters: one direction, one structure.
    let ddfip78 = Filter {
        direction: Some("ddfip78".to_string()),
        siret: None,
    };
    assert_eq!(
        export::aspasie(desk.store(), &ddfip78)
            .expect("export")
            .rows
            .len(),
        0
    );
    let inas = Filter {
        direction: None,
        siret: Some(Siret::parse(EPN_69).expect("siret")),
    };
    assert_eq!(
        export::aspasie(desk.store(), &inas)
            .expect("export")
            .rows
            .len(),
        2
    );
}

#[test]
fn export_madrhas_gives_one_line_per_siret_of_the_created_persons_not_yet_habilitated() {
    let (_dir, desk) = exports_world();
    let sheet = export::madrhas(desk.store(), &Filter::default()).expect("export");
    let lines: BTreeSet<(String, String, String)> = (0..sheet.rows.len())
        .map(|i| {
            let r = row(&sheet, i);
            (
                r("identifiant_pigp").to_string(),
                r("siret").to_string(),
                r("dossier").to_string(),
            )
        })
        .collect();
    let farid = desk
        .store()
        .find_dossier("LOT-78-B")
        .expect("read")
        .expect("dossier")
        .id
        .to_string();
    let anne = desk
        .store()
        .find_dossier("LOT-92-A")
        .expect("read")
        .expect("dossier")
        .id
        .to_string();
    assert_eq!(
        lines,
        BTreeSet::from([
            ("anne.lefevre-xt".to_string(), EPLE_92.to_string(), anne),
            (
                "farid.haddad-xt".to_string(),
                EPLE_78.to_string(),
                farid.clone()
            ),
            ("farid.haddad-xt".to_string(), EPLE_92.to_string(), farid),
        ]),
        "Anne's dossier still waits for Émile's creation, Farid's two SIRETs are two lines, Claire is habilitated"
    );
    ok(
        &desk,
        r#"{"cmd":"madrhas.open","dossier":"LOT-78-B","email":"farid.haddad@ac-versailles.fr"}"#,
    );
    assert_eq!(
        export::madrhas(desk.store(), &Filter::default())
            .expect("export")
            .rows
            .len(),
        1
    );
}

#[test]
fn export_users_lists_a_structure_gp_first_and_refuses_an_unknown_one() {
    let (_dir, desk) = exports_world();
    let sheet = export::users(desk.store(), Siret::parse(EPLE_92).expect("siret")).expect("export");
    let r = row(&sheet, 0);
    assert_eq!(
        (
            r("courriel"),
            r("role"),
            r("statut_rattachement"),
            r("statut_utilisateur"),
            r("interim")
        ),
        (
            "claire.martin@ac-versailles.fr",
            "gp",
            "actif",
            "actif",
            "non"
        )
    );
    assert_eq!(r("identifiant_pigp"), "claire.martin-xt");
    assert!(
        export::users(desk.store(), Siret::parse(CCI_92).expect("siret"))
            .expect("export")
            .rows
            .is_empty()
    );
    assert!(export::users(desk.store(), Siret::parse("35600000000048").expect("siret")).is_err());
}

#[test]
fn export_journal_keeps_every_entry_and_its_chain() {
    let (_dir, desk) = exports_world();
    let sheet = export::journal(desk.store()).expect("export");
    let state = guichet::desk::audit::verify(desk.store())
        .expect("read")
        .expect("chain holds");
    assert_eq!(sheet.rows.len() as u64, state.entries);
    let mut previous = "0".repeat(64);
    for i in 0..sheet.rows.len() {
        let r = row(&sheet, i);
        assert_eq!(r("seq"), (i + 1).to_string());
        assert_eq!(r("hash_precedent"), previous, "entry {}", i + 1);
        assert!(chrono::DateTime::parse_from_rfc3339(r("date")).is_ok());
        assert!(
            serde_json::from_str::<Value>(r("commande")).is_ok(),
            "canonical JSON"
        );
        assert!(r("resultat") == "fait" || r("resultat").starts_with("refusé "));
        previous = r("hash").to_string();
    }
    assert_eq!(previous, state.head);
}

#[test]
fn the_csv_of_the_binary_opens_right_in_a_french_spreadsheet() {
    let (dir, desk) = exports_world();
    drop(desk);
    let db = dir.path().join("base");
    let out = guichet(&db, &["export", "aspasie", "--format", "csv"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let bytes = out.stdout;
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "a UTF-8 BOM first");
    let text = String::from_utf8(bytes[3..].to_vec()).expect("UTF-8");
    assert!(text.starts_with(
        "dossier;civilite;nom;prenom;population;codique;adresse;code_postal;ville;pays;courriel;note\r\n"
    ));
    assert!(text.ends_with("\r\n"));
    assert_eq!(
        text.matches('\n').count(),
        text.matches("\r\n").count(),
        "every line ends with CRLF"
    );
    assert_eq!(text.matches("\r\n").count(), 5, "a header and four persons");
    assert!(
        text.contains(";M.;Dupré;Émile;SSLSPL;092000;\"Bâtiment B; 4 rue Émile Zola\";92000;Nanterre;France;emile.dupre@ac-versailles.fr;\r\n"),
        "the address holding a ';' is quoted, the accents survive: {text}"
    );

    // The same columns in JSON, to a file written whole.
    let file = dir.path().join("aspasie.json");
    let out = guichet(
        &db,
        &[
            "export",
            "aspasie",
            "--format",
            "json",
            "--output",
            path_str(&file),
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let rows: Value =
        serde_json::from_slice(&std::fs::read(&file).expect("read export")).expect("JSON");
    let rows = rows.as_array().expect("an array");
    assert_eq!(rows.len(), 4);
    let emile = rows
        .iter()
        .find(|r| r["courriel"] == "emile.dupre@ac-versailles.fr")
        .expect("Émile");
    assert_eq!(emile["adresse"], LYCEE_ADDRESS);
    assert_eq!(emile["codique"], "092000");

    // MADRHAS and a structure's users through the binary; an unknown structure is not found (1), a missing SIRET
    // is a command-line error (2).
    let out = guichet(&db, &["export", "madrhas"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).matches("\r\n").count(),
        4
    );
    let out = guichet(
        &db,
        &["export", "users", "--siret", EPLE_92, "--format", "json"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let users: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(users[0]["role"], "gp");
    assert_eq!(
        guichet(&db, &["export", "users", "--siret", "35600000000048"])
            .status
            .code(),
        Some(1)
    );
    assert_eq!(guichet(&db, &["export", "users"]).status.code(), Some(2));
    let out = guichet(&db, &["export", "journal", "--format", "json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let journal: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let verified = json(&db, &["audit", "verify"]);
    assert_eq!(
        journal.as_array().expect("array").len() as u64,
        verified["entries"].as_u64().expect("entries")
    );
    assert_eq!(
        journal.as_array().and_then(|a| a.last()).expect("last")["hash"],
        verified["head"]
    );
}

// ---------------------------------------------------------------------------------------------------------------
// Backup and restore, on the demonstration base.

struct Demo {
    dir: TempDir,
    source: PathBuf,
    backup: PathBuf,
    dossiers: Vec<String>,
    users: Vec<String>,
    structures: Vec<String>,
    /// `audit verify` and `report queues` of the source, read once: only the round-trip test opens the source
    /// again (one process at a time on a database).
    source_audit: Value,
    source_queues: Value,
}

/// The demonstration base (seed 42), closed, and its backup taken by the binary.
fn demo_base() -> &'static Demo {
    static DEMO: OnceLock<Demo> = OnceLock::new();
    DEMO.get_or_init(|| {
        let dir = process_tempdir();
        let source = dir.path().join("source");
        let now = chrono::DateTime::parse_from_rfc3339(NOW)
            .expect("date")
            .to_utc();
        let desk = Desk::open(&source).expect("open").with_clock(move || now);
        let started = Instant::now();
        demo::generate(&desk, &actor(), &Scale::DEMO, 42, &mut |_, _| {}).expect("demo");
        eprintln!(
            "demo base generated in {:.2} s",
            started.elapsed().as_secs_f64()
        );
        let store = desk.store();
        let dossiers = store
            .scan::<Dossier>(T::Dossiers, b"")
            .expect("dossiers")
            .into_iter()
            .map(|(_, d)| d.id.to_string())
            .collect();
        let users = store
            .scan::<User>(T::Users, b"")
            .expect("users")
            .into_iter()
            .map(|(_, u)| u.email.to_string())
            .collect();
        let structures = store
            .scan::<Structure>(T::Structures, b"")
            .expect("structures")
            .into_iter()
            .map(|(_, s)| s.siret.to_string())
            .collect();
        drop(desk);
        let backup = dir.path().join("demo.guichet");
        let started = Instant::now();
        let out = guichet(&source, &["backup", path_str(&backup)]);
        assert!(out.status.success(), "backup: {}", stderr(&out));
        let size = std::fs::metadata(&backup).expect("backup file").len();
        eprintln!(
            "backup of the demo base: {size} bytes in {:.2} s (binary run included): {}",
            started.elapsed().as_secs_f64(),
            String::from_utf8_lossy(&out.stdout).trim()
        );
        let source_audit = json(&source, &["audit", "verify"]);
        let source_queues = json(&source, &["report", "queues"]);
        Demo {
            source_audit,
            source_queues,
            dir,
            source,
            backup,
            dossiers,
            users,
            structures,
        }
    })
}

/// A fresh path for a database or a file in the demo's directory.
fn fresh(name: &str) -> PathBuf {
    let demo = demo_base();
    let dir = tempfile::tempdir_in(demo.dir.path()).expect("temporary directory");
    dir.keep().join(name)
}

/// One in every `n`, and the last.
fn sample(keys: &[String], n: usize) -> Vec<&str> {
    let mut out: Vec<&str> = keys.iter().step_by(n).map(String::as_str).collect();
    if let Some(last) = keys.last() {
        out.push(last);
    }
    out
}

const REPORTS: [&[&str]; 5] = [
    &["report", "queues"],
    &["report", "aging"],
    &["report", "residual-access"],
    &["report", "orphans"],
    &["audit", "verify"],
];

#[test]
fn backup_then_restore_into_a_new_database_gives_the_same_views_and_a_journal_that_verifies() {
    let demo = demo_base();
    let header: Value = {
        let bytes = std::fs::read(&demo.backup).expect("backup");
        let end = bytes.iter().position(|b| *b == b'\n').expect("header line");
        serde_json::from_slice(&bytes[..end]).expect("JSON header")
    };
    assert_eq!(header["format"], "guichet-sauvegarde");
    assert_eq!(header["trees"], 28);
    assert_eq!(header["date"], "2026-11-28T10:00:00+00:00");
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&demo.backup)
            .expect("metadata")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "the backup holds personal data");
    }

    let restored = fresh("restored");
    let started = Instant::now();
    let out = guichet(&restored, &["restore", path_str(&demo.backup)]);
    eprintln!(
        "restore of the demo base: {:.2} s (binary run included)",
        started.elapsed().as_secs_f64()
    );
    assert!(out.status.success(), "restore: {}", stderr(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("Journal intègre"));

    // Through the binary: every report, and a sample of every kind of show.
    for args in REPORTS {
        assert_eq!(json(&restored, args), json(&demo.source, args), "{args:?}");
    }
    let verified = json(&restored, &["audit", "verify"]);
    assert_eq!(verified["ok"], true);
    assert_eq!(verified["entries"], header["journal_seq"]);
    assert_eq!(verified["head"], header["journal_hash"]);
    for (what, keys) in [
        ("dossier", &demo.dossiers),
        ("user", &demo.users),
        ("structure", &demo.structures),
    ] {
        for key in sample(keys, 60) {
            assert_eq!(
                json(&restored, &["show", what, key]),
                json(&demo.source, &["show", what, key]),
                "show {what} {key}"
            );
        }
    }

    // In the process: every view of every dossier, user and structure, and every stored byte.
    let now = chrono::DateTime::parse_from_rfc3339(NOW)
        .expect("date")
        .to_utc();
    let a = Desk::open(&demo.source)
        .expect("open source")
        .with_clock(move || now);
    let b = Desk::open(&restored)
        .expect("open restored")
        .with_clock(move || now);
    for key in &demo.dossiers {
        assert_eq!(
            a.dossier_view(key).expect("view"),
            b.dossier_view(key).expect("view"),
            "{key}"
        );
    }
    for key in &demo.users {
        assert_eq!(
            a.user_view(key).expect("view"),
            b.user_view(key).expect("view"),
            "{key}"
        );
    }
    for key in &demo.structures {
        assert_eq!(
            a.structure_view(key).expect("view"),
            b.structure_view(key).expect("view"),
            "{key}"
        );
    }
    assert_eq!(
        a.store().dump_state().expect("dump"),
        b.store().dump_state().expect("dump")
    );
    for t in [T::Journal, T::JournalBySubject] {
        let rows = |d: &Desk| -> Vec<(Vec<u8>, Vec<u8>)> {
            d.store()
                .tree(t)
                .iter()
                .map(|i| i.expect("row"))
                .map(|(k, v)| (k.to_vec(), v.to_vec()))
                .collect()
        };
        assert_eq!(rows(&a), rows(&b), "{t:?}");
    }
    assert_eq!(
        a.store().journal_head().expect("head"),
        b.store().journal_head().expect("head")
    );
    assert_eq!(
        a.store().operators().expect("operators"),
        b.store().operators().expect("operators"),
        "the restore bootstrapped no operator"
    );
}

fn restore_refused(backup: &Path, what: &str) {
    let target = fresh("never");
    let out = guichet(&target, &["restore", path_str(backup)]);
    assert_eq!(out.status.code(), Some(1), "{what}: {}", stderr(&out));
    assert!(
        stderr(&out).contains("rien n'a été restauré"),
        "{what}: a French message saying nothing was written: {}",
        stderr(&out)
    );
    assert!(!target.exists(), "{what}: no database created");
}

#[test]
fn a_corrupted_or_truncated_backup_is_refused_and_writes_nothing() {
    let demo = demo_base();
    let bytes = std::fs::read(&demo.backup).expect("backup");
    let header_end = bytes.iter().position(|b| *b == b'\n').expect("header line");
    let damaged = |name: &str, content: Vec<u8>| {
        let path = fresh(name);
        std::fs::write(&path, content).expect("write");
        path
    };
    for (what, at) in [
        ("a byte flipped in the middle", bytes.len() / 2),
        ("a byte flipped in the header", header_end / 2),
        ("a byte flipped in a length", header_end + 3),
        ("a byte flipped in the SHA-256", bytes.len() - 1),
    ] {
        let mut flipped = bytes.clone();
        flipped[at] ^= 0x01;
        restore_refused(&damaged("flipped", flipped), what);
    }
    for (what, len) in [
        ("truncated by one byte", bytes.len() - 1),
        ("truncated in the middle", bytes.len() / 2),
        ("the header alone", header_end + 1),
        ("empty", 0),
    ] {
        restore_refused(&damaged("truncated", bytes[..len].to_vec()), what);
    }
    let out = guichet(&fresh("never"), &["restore", path_str(&fresh("missing"))]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "a missing file: {}",
        stderr(&out)
    );
    // `backup::check` says the intact file holds.
    let (header, pairs) = guichet::files::backup::check(&demo.backup).expect("intact");
    assert_eq!(header.trees, 28);
    assert!(pairs > 1000);
}

#[test]
fn a_restore_into_a_database_that_is_not_empty_is_refused_without_force() {
    let demo = demo_base();
    let target = fresh("busy");
    let desk = Desk::open(&target).expect("open");
    run_all(&desk, WORLD);
    drop(desk);
    let before = json(&target, &["audit", "verify"]);
    let structure = json(&target, &["show", "structure", EPLE_92]);

    let out = guichet(&target, &["restore", path_str(&demo.backup)]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("--force"), "{}", stderr(&out));
    assert_eq!(
        json(&target, &["audit", "verify"]),
        before,
        "nothing written, nothing journaled"
    );
    assert_eq!(json(&target, &["show", "structure", EPLE_92]), structure);

    let out = guichet(&target, &["restore", path_str(&demo.backup), "--force"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let after = json(&target, &["audit", "verify"]);
    assert_eq!(after, demo.source_audit, "the backup's journal, whole");
    assert_eq!(json(&target, &["report", "queues"]), demo.source_queues);
    let out = guichet(&target, &["show", "structure", EPLE_92]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "the cleared base's structures are gone"
    );
}
