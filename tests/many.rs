//! Several commands as one transaction: all written or none, every refused line reported, each line seeing what
//! the lines before it will write; a dry run writes and journals nothing.

mod common;

use common::*;
use guichet::desk::Command;
use guichet::desk::many::Many;
use guichet::domain::Rule;

fn commands(lines: &[String]) -> Vec<Command> {
    lines
        .iter()
        .map(|l| Command::parse_line(l).expect("a command"))
        .collect()
}

fn structure(siret: &str, name: &str) -> String {
    format!(
        r#"{{"cmd":"structure.add","siret":"{siret}","name":"{name}","category":"EPN","comptable":{{"name":"Bernard Roche","email":"bernard.roche@musees.fr"}},"postal_code":"69001","city":"Lyon"}}"#
    )
}

#[test]
fn a_file_with_a_bad_line_writes_nothing_and_names_every_bad_line() {
    let (_dir, desk) = desk();
    run_all(&desk, WORLD);
    let before = desk.store().dump_state().expect("dump");
    let (head, _) = desk.store().journal_head().expect("head");
    let lines = vec![
        structure("18945612300018", "Musée des Confluences"),
        structure("18945612300018", "Musée des Confluences, encore"),
        structure("19771234500010", "Collège déjà connu"),
    ];
    let outcome = desk
        .execute_all(&actor(), &commands(&lines), false, "import structures")
        .expect("runs");
    let Many::Refused(refused) = outcome else {
        panic!("{outcome:?}")
    };
    let found: Vec<(usize, Rule)> = refused.iter().map(|r| (r.index, r.refusal.rule)).collect();
    assert_eq!(
        found,
        vec![(1, Rule::State), (2, Rule::State)],
        "the second line repeats the first (seen through the staged writes), the third exists already"
    );
    assert_eq!(
        before,
        desk.store().dump_state().expect("dump"),
        "nothing written"
    );
    assert_eq!(
        desk.store().journal_head().expect("head").0,
        head + 1,
        "the refused import is journaled once"
    );
}

#[test]
fn a_good_file_is_written_in_one_transaction_with_an_entry_a_line() {
    let (_dir, desk) = desk();
    run_all(&desk, WORLD);
    let (head, _) = desk.store().journal_head().expect("head");
    let lines = vec![
        structure("18945612300018", "Musée des Confluences"),
        format!(
            r#"{{"cmd":"dossier.receive","ref":"A","kind":"habilitation","channel":"agent_comptable","siret":"18945612300018","direction":"DRFIP69","requester":{{"name":"Bernard Roche","email":"bernard.roche@musees.fr"}},"persons":[{{"civilite":"M","nom":"Petit","prenom":"Jean","email":"jean.petit@musees.fr","role":"gp"}}]}}"#
        ),
        format!(
            r#"{{"cmd":"dossier.receive","ref":"B","kind":"habilitation","channel":"agent_comptable","siret":"18945612300018","direction":"DRFIP69","requester":{{"name":"Bernard Roche","email":"bernard.roche@musees.fr"}},"persons":[{{"civilite":"M","nom":"Grand","prenom":"Paul","email":"paul.grand@musees.fr","role":"gp"}}]}}"#
        ),
    ];
    let Many::Done(receipts) = desk
        .execute_all(&actor(), &commands(&lines), false, "import")
        .expect("runs")
    else {
        panic!("refused")
    };
    assert_eq!(receipts.len(), 3);
    assert_eq!(receipts[1].result["dossier"], "2026-00001");
    assert_eq!(
        receipts[2].result["dossier"], "2026-00002",
        "numbers stay distinct within one transaction"
    );
    assert_eq!(
        receipts.iter().map(|r| r.seq).collect::<Vec<_>>(),
        vec![head + 1, head + 2, head + 3]
    );
    assert!(
        desk.store()
            .structure(guichet::domain::ids::Siret::parse("18945612300018").expect("siret"))
            .expect("read")
            .is_some()
    );
    assert_eq!(
        desk.store()
            .corbeille_count("DRFIP69", guichet::domain::dossier::Corbeille::AQualifier)
            .expect("count"),
        2
    );
    assert!(
        guichet::desk::audit::verify(desk.store())
            .expect("verify")
            .is_ok()
    );
}

#[test]
fn a_dry_run_checks_everything_and_writes_nothing() {
    let (_dir, desk) = desk();
    run_all(&desk, WORLD);
    let before = desk.store().dump_state().expect("dump");
    let head = desk.store().journal_head().expect("head");
    let lines = vec![
        structure("18945612300018", "Musée"),
        structure("18945612300018", "Musée bis"),
    ];
    let Many::Refused(refused) = desk
        .execute_all(&actor(), &commands(&lines), true, "essai")
        .expect("runs")
    else {
        panic!("the duplicate is found in a dry run too")
    };
    assert_eq!(refused.len(), 1);
    let Many::Done(_) = desk
        .execute_all(&actor(), &commands(&lines[..1]), true, "essai")
        .expect("runs")
    else {
        panic!("a good file passes")
    };
    assert_eq!(before, desk.store().dump_state().expect("dump"));
    assert_eq!(
        head,
        desk.store().journal_head().expect("head"),
        "a dry run is not journaled"
    );
}
