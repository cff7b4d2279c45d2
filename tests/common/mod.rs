//! Shared fixtures of the integration tests: a desk on a temporary database with a fixed clock, and a small world
//! of directions, référents and structures to run dossiers against.
#![allow(dead_code)]

pub mod checks;
pub mod crash;
pub mod screen;
pub mod server;

use guichet::desk::{Actor, Desk, DeskError};
use guichet::domain::Refusal;
use serde_json::Value;
use tempfile::TempDir;

/// The fixed "now" of the tests: Saturday 28 November 2026, 10:00 UTC.
pub const NOW: &str = "2026-11-28T10:00:00Z";

pub fn actor() -> Actor {
    Actor::new("admin.test")
}

/// A temporary directory for a fixture the tests of one binary share through a `static`: Rust never drops a
/// static, so the directory is removed by an `atexit` hook when the test process ends.
pub fn process_tempdir() -> TempDir {
    static DIRS: std::sync::Mutex<Vec<std::path::PathBuf>> = std::sync::Mutex::new(Vec::new());
    static HOOK: std::sync::Once = std::sync::Once::new();
    extern "C" fn remove_all() {
        let dirs = DIRS.lock().unwrap_or_else(|p| p.into_inner());
        for dir in dirs.iter() {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
    HOOK.call_once(|| {
        // SAFETY: `remove_all` is an `extern "C" fn()` that neither unwinds nor calls `exit`.
        unsafe {
            libc::atexit(remove_all);
        }
    });
    let dir = tempfile::tempdir().expect("temporary directory");
    DIRS.lock()
        .unwrap_or_else(|p| p.into_inner())
        .push(dir.path().to_path_buf());
    dir
}

pub fn desk() -> (TempDir, Desk) {
    let dir = tempfile::tempdir().expect("temporary directory");
    let now = chrono::DateTime::parse_from_rfc3339(NOW)
        .expect("fixed date")
        .to_utc();
    let desk = Desk::open(&dir.path().join("base"))
        .expect("open desk")
        .with_clock(move || now);
    (dir, desk)
}

/// Opens the database at `path` again once sled has let go of it (its flusher thread lets go of a database a
/// moment after the last handle is dropped), migrating it if its schema is older.
pub fn reopen(path: &std::path::Path) -> Desk {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        match Desk::open(path) {
            Err(guichet::store::StoreError::Locked(_)) if std::time::Instant::now() < deadline => {
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            other => break other.expect("reopen migrates"),
        }
    }
}

/// Stamps the database of `desk` with an older schema `version` (what a test has just undone of the newer ones),
/// closes it, and opens it again: the migrations since `version` run.
pub fn reopened_from_schema(desk: Desk, version: u32) -> Desk {
    let path = desk.store().path().to_path_buf();
    desk.store()
        .tree(guichet::store::T::Meta)
        .insert("schema_version", &version.to_be_bytes())
        .expect("schema");
    desk.flush().expect("flush");
    drop(desk);
    reopen(&path)
}

/// A SIRET of 13 digits completed by the check digit the desk's own parsing accepts (start it elsewhere than La
/// Poste's SIREN 356000000, whose SIRETs follow another rule).
pub fn siret(thirteen: &str) -> String {
    assert_eq!(thirteen.len(), 13);
    (0..10u32)
        .map(|check| format!("{thirteen}{check}"))
        .find(|candidate| guichet::domain::ids::Siret::parse(candidate).is_ok())
        .expect("one check digit of ten is right")
}

/// Runs a JSON line that must succeed; returns its result object.
pub fn ok(desk: &Desk, line: &str) -> Value {
    match desk.execute_line(&actor(), line) {
        Ok(receipt) => receipt.result,
        Err(e) => panic!("refused: {line}\n→ {e}"),
    }
}

/// Runs a JSON line that must be refused; returns the refusal.
pub fn refused(desk: &Desk, line: &str) -> Refusal {
    match desk.execute_line(&actor(), line) {
        Ok(receipt) => panic!(
            "accepted but should be refused: {line}\n→ {:?}",
            receipt.result
        ),
        Err(DeskError::Refused(r)) => r,
        Err(e) => panic!("store error: {e}"),
    }
}

pub fn run_all(desk: &Desk, lines: &str) {
    for line in lines
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
    {
        ok(desk, line);
    }
}

// Valid identifiers of the fictional world.
pub const EPLE_92: &str = "19920131700013"; // Lycée Jean Moulin, Nanterre (92), académie de Versailles
pub const EPLE_78: &str = "19771234500010"; // Collège des Sablons, Versailles (78), académie de Versailles
pub const EPN_69: &str = "18001002400024"; // EPN located in Lyon (69), agent comptable
pub const CCI_92: &str = "13002345600010"; // CCI in Nanterre (92), no comptable public
pub const EPN_33: &str = "20005412300019"; // EPN located in Bordeaux (33), seat in Lyon (69)

/// Three directions (78, 92, 69), the référent of Versailles, five structures.
pub const WORLD: &str = r#"
{"cmd":"direction.add","code":"DDFIP78","name":"DDFiP des Yvelines","codique":"078000","departements":["78"],"balf":"ddfip78.demat@dgfip.finances.gouv.fr"}
{"cmd":"direction.add","code":"DDFIP92","name":"DDFiP des Hauts-de-Seine","codique":"092000","departements":["92"],"balf":"ddfip92.demat@dgfip.finances.gouv.fr"}
{"cmd":"direction.add","code":"DRFIP69","name":"DRFiP du Rhône","codique":"069000","departements":["69"],"balf":"drfip69.demat@dgfip.finances.gouv.fr"}
{"cmd":"referent.add","academie":"Versailles","name":"Rémi Laurent","email":"remi.laurent@ac-versailles.fr"}
{"cmd":"structure.add","siret":"19920131700013","name":"Lycée Jean Moulin","category":"EPLE","uai":"0920131T","postal_code":"92000","city":"Nanterre"}
{"cmd":"structure.add","siret":"19771234500010","name":"Collège des Sablons","category":"EPLE","uai":"0780001C","postal_code":"78000","city":"Versailles"}
{"cmd":"structure.add","siret":"18001002400024","name":"Institut national des arts du spectacle","category":"EPN","comptable":{"name":"Bernard Roche","email":"bernard.roche@inas-lyon.fr"},"postal_code":"69007","city":"Lyon"}
{"cmd":"structure.add","siret":"13002345600010","name":"CCI des Hauts-de-Seine","category":"CCI","postal_code":"92000","city":"Nanterre"}
{"cmd":"structure.add","siret":"20005412300019","name":"Observatoire de Bordeaux","category":"EPN","comptable":{"name":"Lise Marin","email":"lise.marin@obs-bordeaux.fr"},"postal_code":"33000","city":"Bordeaux","siege_departement":"69"}
"#;

/// A habilitation of the Lycée Jean Moulin sent by the référent to the DDFiP of the académie's seat.
pub fn eple_dossier(reference: &str, direction: &str, siret: &str, email: &str) -> String {
    format!(
        r#"{{"cmd":"dossier.receive","ref":"{reference}","kind":"habilitation","channel":"referent","siret":"{siret}","direction":"{direction}","requester":{{"name":"Rémi Laurent","email":"remi.laurent@ac-versailles.fr"}},"received_on":"2026-11-02","persons":[{{"civilite":"MME","nom":"Lefèvre","prenom":"Anne","email":"{email}","role":"gp"}}]}}"#
    )
}

/// Runs a dossier of the world from reception to closure.
pub fn habilitate(desk: &Desk, receive: &str, reference: &str, emails: &[&str]) {
    ok(desk, receive);
    ok(
        desk,
        &format!(r#"{{"cmd":"dossier.qualify","dossier":"{reference}"}}"#),
    );
    for doc in ["contrat_service", "liste_utilisateurs"] {
        ok(
            desk,
            &format!(r#"{{"cmd":"dossier.document","dossier":"{reference}","document":"{doc}"}}"#),
        );
    }
    for email in emails {
        ok(
            desk,
            &format!(r#"{{"cmd":"aspasie.create","dossier":"{reference}","email":"{email}"}}"#),
        );
        ok(
            desk,
            &format!(r#"{{"cmd":"madrhas.open","dossier":"{reference}","email":"{email}"}}"#),
        );
    }
    ok(
        desk,
        &format!(r#"{{"cmd":"dossier.close","dossier":"{reference}"}}"#),
    );
}

/// Every row of the structures' name index, in its order: the SIRET and the search text (what a scan would find,
/// to compare a filter with).
pub fn structure_names(
    store: &guichet::store::Store,
) -> Vec<(guichet::domain::ids::Siret, String)> {
    store
        .rows(guichet::store::T::StructuresByName, b"", false)
        .expect("rows")
        .map(|row| {
            let (k, v) = row.expect("row");
            let siret = guichet::store::keys::siret_from(&k[k.len() - 8..]).expect("siret");
            (siret, String::from_utf8_lossy(&v).into_owned())
        })
        .collect()
}

/// The world and `users` Chorus Pro accounts, created in transactions of 300 (the bulk path of `guichet demo`):
/// `agent.{i}@etablissement-{i}.fr`, all « Paul », one in `dupontel_every` named Dupontel (the 8th, then every
/// `dupontel_every`), the others `Nom{i:04}`.
pub fn chorus_directory(users: usize, dupontel_every: usize) -> (TempDir, Desk) {
    let (dir, desk) = desk();
    run_all(&desk, WORLD);
    let mut bulk = desk.bulk(&actor(), 300).expect("bulk");
    for i in 0..users {
        let nom = if i % dupontel_every == 7 {
            "Dupontel".to_string()
        } else {
            format!("Nom{i:04}")
        };
        let line = format!(
            r#"{{"cmd":"chorus.account","email":"agent.{i}@etablissement-{i}.fr","civilite":"M","nom":"{nom}","prenom":"Paul"}}"#
        );
        let command = guichet::desk::Command::parse_line(&line).expect("command");
        bulk.execute(&command).expect("account");
    }
    bulk.finish().expect("committed");
    (dir, desk)
}

/// The structures' filter for `needle` in slices of `slice` rows, asked for `want` lines, then read on to its end.
pub fn structures_found_whole(
    store: &guichet::store::Store,
    needle: &str,
    want: usize,
    slice: usize,
) -> guichet::store::Matches {
    let mut found = store
        .structures_search_in_slices(needle, want, slice)
        .expect("search");
    store
        .structures_search_more(&mut found, usize::MAX)
        .expect("read on");
    found
}
