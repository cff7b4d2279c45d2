//! The command line on the real binary: the example files run to `traitee`, the JSON views say what the note
//! requires, bad lines are refused without stopping the batch, a second process is turned away with a clear
//! message, and the database files are private.

use serde_json::Value;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

fn guichet(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_guichet"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env("GUICHET_NOW", "2026-11-28T10:00:00Z")
        .output()
        .expect("run guichet")
}

fn json(db: &Path, args: &[&str]) -> Value {
    let out = guichet(db, &[args, &["--json"]].concat());
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON view")
}

fn example(name: &str) -> String {
    format!("{}/examples/batch/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn batch_lines(out: &Output) -> Vec<Value> {
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON result a line"))
        .collect()
}

#[test]
fn the_epn_example_runs_to_traitee_with_a_gp_and_a_gs() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("base");
    let out = guichet(&db, &["batch", &example("epn-agent-comptable.jsonl")]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(batch_lines(&out).iter().all(|l| l["ok"] == true));

    let dossier = json(&db, &["show", "dossier", "MAIL-INAS-2026-11-02"]);
    assert_eq!(dossier["status"], "traitee");
    let user = json(&db, &["show", "user", "sophie.girard@inas-lyon.fr"]);
    assert!(user["pigp_id"].as_str().expect("pigp").ends_with("-xt"));
    assert_eq!(user["population"], "SSLEPN");
    assert_eq!(user["codique"], "069000");
    assert_eq!(user["rights"][0]["siret"], "18001002400024");
    // The same user found by his PIGP identifier.
    let by_pigp = json(&db, &["show", "user", "sophie.girard-xt"]);
    assert_eq!(by_pigp["email"], "sophie.girard@inas-lyon.fr");

    let structure = json(&db, &["show", "structure", "18001002400024"]);
    assert_eq!(structure["gp"]["email"], "sophie.girard@inas-lyon.fr");
    assert_eq!(structure["gs"][0]["email"], "thomas.nguyen@inas-lyon.fr");
    assert_eq!(structure["gp_interim"], false);
}

#[test]
fn the_eple_example_gets_sslspl_and_the_codique_of_where_the_lycee_stands() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("base");
    let out = guichet(&db, &["batch", &example("eple-referent.jsonl")]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );

    let dossier = json(&db, &["show", "dossier", "2026-00001"]);
    assert_eq!(dossier["status"], "traitee");
    assert_eq!(
        dossier["direction"], "DDFIP78",
        "received by the seat of the académie"
    );
    let user = json(&db, &["show", "user", "anne.lefevre@ac-versailles.fr"]);
    assert!(user["pigp_id"].as_str().expect("pigp").ends_with("-xt"));
    assert_eq!(user["population"], "SSLSPL");
    assert_eq!(
        user["codique"], "092000",
        "Hauts-de-Seine, where the lycée stands, not the Yvelines seat"
    );
    assert_eq!(user["rights"][0]["siret"], "19920131700013");
    let structure = json(&db, &["show", "structure", "19920131700013"]);
    assert_eq!(structure["gp"]["pigp_id"], "anne.lefevre-xt");

    // Without --json: a French reading of the same view.
    let text = guichet(&db, &["show", "structure", "19920131700013"]);
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(
        text.contains("Gestionnaire principal") && text.contains("Anne Lefèvre"),
        "{text}"
    );
    assert!(
        text.contains("199 201 317 00013"),
        "SIRET spaced as Chorus Pro prints it: {text}"
    );
}

#[test]
fn a_batch_goes_on_after_bad_lines_and_exits_1() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("base");
    let input = [
        r#"{"cmd":"direction.add","code":"DDFIP92","name":"DDFiP 92","codique":"092000","departements":["92"],"balf":"ddfip92.demat@dgfip.finances.gouv.fr"}"#,
        "# a comment, skipped",
        "",
        r#"{"cmd":"structure.add","siret":"12345678901234","name":"X","category":"EPN","postal_code":"92000","city":"Nanterre"}"#,
        r#"{"cmd":"structure.add","siret":"18945612300018","name":"X","category":"EPN","uai":"0920131A","postal_code":"92000","city":"Nanterre"}"#,
        r#"{"cmd":"referent.add","academie":"Versailles","name":"R","email":"pas-une-adresse"}"#,
        r#"{"cmd":"structure.add","siret":"18945612300018","name":"X","category":"PREFECTURE","postal_code":"92000","city":"Nanterre"}"#,
        "{not json",
        r#"{"cmd":"dossier.teleport"}"#,
        r#"{"cmd":"structure.add","siret":"18945612300018","name":"Musée","category":"EPN","postal_code":"92000","city":"Nanterre"}"#,
    ]
    .join("\n");
    let mut child = Command::new(env!("CARGO_BIN_EXE_guichet"))
        .args(["--db", db.to_str().expect("utf-8 path"), "batch", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.as_bytes())
        .expect("write");
    let out = child.wait_with_output().expect("wait");
    assert_eq!(
        out.status.code(),
        Some(1),
        "a refused line makes the exit status 1"
    );
    let lines = batch_lines(&out);
    let by_line = |n: u64| {
        lines
            .iter()
            .find(|l| l["line"] == n)
            .expect("result of that line")
    };
    assert_eq!(by_line(1)["ok"], true);
    assert_eq!(by_line(4)["error"]["rule"], "validation");
    assert_eq!(by_line(4)["error"]["field"], "siret");
    assert_eq!(by_line(5)["error"]["field"], "uai");
    assert_eq!(by_line(6)["error"]["field"], "email");
    assert_eq!(by_line(7)["error"]["field"], "category");
    assert_eq!(by_line(8)["error"]["rule"], "syntax");
    assert_eq!(by_line(9)["error"]["rule"], "syntax");
    assert_eq!(
        by_line(10)["ok"],
        true,
        "the lines after the refusals still run"
    );
    assert_eq!(lines.len(), 8, "blank and comment lines give no result");
}

#[test]
fn a_second_process_is_turned_away_with_the_path_and_guichet_serve() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("base");
    // The first process holds the database while it waits on its standard input.
    let mut first = Command::new(env!("CARGO_BIN_EXE_guichet"))
        .args(["--db", db.to_str().expect("utf-8 path"), "batch", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn");
    let stdin = first.stdin.as_mut().expect("stdin");
    stdin
        .write_all(b"{\"cmd\":\"dossier.note\",\"dossier\":\"X\",\"text\":\"t\"}\n")
        .expect("write");
    stdin.flush().expect("flush");
    // Wait until the first process has answered: it holds the lock from then on.
    let mut stdout = first.stdout.take().expect("stdout");
    let mut byte = [0u8; 1];
    std::io::Read::read_exact(&mut stdout, &mut byte).expect("first answer");

    let second = guichet(&db, &["report", "queues"]);
    assert_eq!(second.status.code(), Some(2));
    let message = String::from_utf8_lossy(&second.stderr);
    assert!(message.contains(db.to_str().expect("path")), "{message}");
    assert!(message.contains("guichet serve"), "{message}");
    assert!(!message.contains("panicked"), "{message}");

    drop(first.stdin.take());
    first.wait().expect("first exits");
}

#[test]
fn the_database_directory_is_private() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("base");
    let out = guichet(&db, &["batch", &example("epn-agent-comptable.jsonl")]);
    assert!(out.status.success());
    let mode = |p: &Path| std::fs::metadata(p).expect("metadata").permissions().mode() & 0o777;
    assert_eq!(mode(&db), 0o700);
    let mut stack = vec![db.clone()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("read dir") {
            let p = e.expect("entry").path();
            if p.is_dir() {
                assert_eq!(mode(&p), 0o700, "{}", p.display());
                stack.push(p);
            } else {
                assert_eq!(mode(&p), 0o600, "{}", p.display());
            }
        }
    }
}

#[test]
fn audit_verify_passes_then_names_the_altered_entry() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("base");
    assert!(
        guichet(&db, &["batch", &example("eple-referent.jsonl")])
            .status
            .success()
    );
    let verdict = json(&db, &["audit", "verify"]);
    assert_eq!(verdict["ok"], true);
    let entries = verdict["entries"].as_u64().expect("count");
    assert!(entries > 10);

    // Someone edits entry 5 in the database: the operator's name is changed.
    {
        use guichet::store::{Store, T, codec, keys};
        let store = Store::open(&db).expect("open");
        let tree = store.tree(T::Journal);
        let bytes = tree.get(keys::seq(5)).expect("read").expect("entry 5");
        let mut entry: guichet::store::journal::Entry = codec::decode(&bytes).expect("decode");
        entry.draft.operator = "quelqu.un.d.autre".to_string();
        tree.insert(keys::seq(5), codec::encode(&entry).expect("encode"))
            .expect("write");
        store.flush().expect("flush");
    }
    let out = guichet(&db, &["audit", "verify"]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("entrée 5"), "{text}");
}

#[test]
fn a_directory_that_is_not_a_database_is_refused_and_left_untouched() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("tempdir");
    let script = dir.path().join("bin").join("script.sh");
    std::fs::create_dir_all(script.parent().expect("parent")).expect("mkdir");
    std::fs::write(&script, "#!/bin/sh\n").expect("write");
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let out = guichet(
        dir.path(),
        &["batch", &example("epn-agent-comptable.jsonl")],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("n'est pas une base guichet"));
    let mode = std::fs::metadata(&script)
        .expect("metadata")
        .permissions()
        .mode()
        & 0o777;
    assert_eq!(mode, 0o755, "nothing outside a database is chmodded");
    // A view on a path with no database says so instead of creating one.
    let missing = dir.path().join("nulle-part");
    let out = guichet(&missing, &["report", "queues"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(!missing.exists());
}

#[test]
fn the_move_and_the_interim_examples_run() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("mouvement");
    let out = guichet(
        &db,
        &["batch", &example("mouvement-intra-academique.jsonl")],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let farid = json(&db, &["show", "user", "farid.haddad@ac-versailles.fr"]);
    let attachment = |siret: &str| {
        farid["attachments"]
            .as_array()
            .expect("attachments")
            .iter()
            .find(|a| a["siret"] == siret)
            .map(|a| (a["role"].clone(), a["status"].clone()))
    };
    assert_eq!(
        attachment("19771234500010"),
        Some(("gs".into(), "actif".into())),
        "arrival"
    );
    assert_eq!(
        attachment("19920131700013"),
        Some(("gs".into(), "supprime".into())),
        "departure"
    );
    assert_eq!(
        farid["pigp_id"], "farid.haddad-xt",
        "no new creation in ASPASIE"
    );

    let db = dir.path().join("interim");
    let out = guichet(&db, &["batch", &example("depart-gp-interim.jsonl")]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let lycee = json(&db, &["show", "structure", "19920131700013"]);
    assert_eq!(lycee["gp"]["email"], "claire.moreau@ac-versailles.fr");
    assert_eq!(lycee["gp_interim"], false);
    assert_eq!(
        lycee["gs"][0]["email"], "farid.haddad@ac-versailles.fr",
        "the interim is GS again"
    );
    let anne = json(&db, &["show", "user", "anne.lefevre-xt"]);
    assert_eq!(anne["status"], "supprime");
    assert_eq!(
        json(&db, &["report", "residual-access"])["residual_access"],
        serde_json::json!([])
    );
    let farid = json(&db, &["show", "user", "farid.haddad-xt"]);
    assert_eq!(
        farid["actions"][0]["command"], "manager.transfer_gp",
        "his actions as gestionnaire"
    );
}
