//! `guichet demo` on the real binary: the demonstration scale fills an empty base through the desk, says what it
//! made (a French table, or `--json`), leaves a journal whose chain holds, and refuses, in French, a base that
//! already holds data. The national scale is too long for a test: `guichet demo --scale national` is measured by
//! hand and its base by the scale harness (README, Performance).

mod common;

use common::server::cli as guichet;
use serde_json::Value;

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).to_string()
}

#[test]
fn the_demonstration_fills_an_empty_base_once_and_says_what_it_made() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let db = dir.path().join("base");

    // The default seed (2026, the demonstration's): the generator meets no refusal it did not expect there.
    let out = guichet(&db, &["demo", "--json"]);
    assert!(
        out.status.success(),
        "demo: {}\n{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&out.stdout).expect("one JSON object");
    assert_eq!(report["scale"], "demo");
    assert_eq!(report["seed"], 2026);
    let summary = &report["summary"];
    assert_eq!(summary["directions"], 5, "{summary}");
    assert_eq!(summary["structures"], 200, "{summary}");
    assert_eq!(summary["refused"], 0, "{summary}");
    for field in ["users", "dossiers", "attachments", "commands"] {
        assert!(
            summary[field].as_u64().is_some_and(|n| n > 0),
            "{field}: {summary}"
        );
    }
    // Every command is journaled, and the bootstrap of the empty base too.
    assert_eq!(
        summary["journal"].as_u64(),
        summary["commands"].as_u64().map(|n| n + 1),
        "{summary}"
    );
    // The progress line goes to the error output, a line every tenth when it is not a terminal.
    let progress = text(&out.stderr);
    assert!(progress.contains("100 %"), "{progress}");
    assert!(progress.contains("terminé"), "{progress}");

    let verify = guichet(&db, &["audit", "verify"]);
    assert!(
        verify.status.success(),
        "audit verify: {}{}",
        text(&verify.stdout),
        text(&verify.stderr)
    );

    let again = guichet(&db, &["demo"]);
    assert_eq!(again.status.code(), Some(1), "{}", text(&again.stderr));
    let message = text(&again.stderr);
    assert!(
        message.contains("la base n'est pas vide")
            && message.contains("les données de démonstration se chargent dans une base neuve"),
        "{message}"
    );
    assert!(again.stdout.is_empty(), "{}", text(&again.stdout));
}

#[test]
fn the_table_names_every_count_in_french() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let db = dir.path().join("base");
    let out = guichet(&db, &["demo", "--seed", "42"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let table = text(&out.stdout);
    assert!(
        table.starts_with("Base de démonstration « demo » (graine 42) : "),
        "{table}"
    );
    for label in [
        "Directions",
        "Structures",
        "Utilisateurs",
        "Dossiers",
        "Rattachements",
        "Entrées du journal",
        "Refus inattendus",
        "Durée",
    ] {
        assert!(table.contains(label), "{label}: {table}");
    }
}
