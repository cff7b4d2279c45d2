//! The directory's filter checks the users' search texts from memory once the store has read them whole — when
//! the desk has drawn its first frame (`Store::warm`), or when one search checks hundreds at once. What it finds
//! stays what the index holds while accounts are created and leave, when a command is refused, and when one
//! transaction writes a user twice; a command changes the texts in memory rather than have them read again.

mod common;

use common::*;
use guichet::desk::many::Many;
use guichet::desk::{Command, Desk};
use guichet::store::{PageQuery, T, keys};

/// More users than one search reads one by one before it reads them all.
const USERS: usize = 600;

/// Needles of every kind: a rare name, a first name every account has, a status (« sorti », after a departure), an
/// e-mail domain; and two of three letters held by more users than are checked one by one, found by walking the
/// directory in name order.
const NEEDLES: [&str; 6] = ["dupontel", "paul", "sorti", "etablissement", "pau", "nom"];

fn directory() -> (tempfile::TempDir, Desk) {
    chorus_directory(USERS, 50)
}

/// The users whose search text holds `needle`, by a scan of the tree itself, in the directory's order.
fn scanned(desk: &Desk, needle: &str) -> Vec<u64> {
    let mut rows: Vec<(Vec<u8>, u64)> = desk
        .store()
        .rows(T::UsersSearch, b"", false)
        .expect("rows")
        .filter_map(|row| {
            let (k, v) = row.expect("row");
            let (sort_name, text) = keys::user_search_parts(&v)?;
            String::from_utf8_lossy(text)
                .contains(needle)
                .then(|| (sort_name.to_vec(), keys::user_from(&k).expect("user key").0))
        })
        .collect();
    rows.sort();
    rows.into_iter().map(|(_, id)| id).collect()
}

/// What the filter finds for `needle`, every match.
fn found(desk: &Desk, needle: &str) -> Vec<u64> {
    let mut found = desk.store().directory_search(needle, 2048).expect("search");
    desk.store()
        .directory_search_more(&mut found, usize::MAX)
        .expect("read on");
    assert!(found.exact(), "« {needle} »: every match is known");
    found
        .page(0, found.total())
        .into_iter()
        .map(|id| id.0)
        .collect()
}

fn finds_what_the_index_holds(desk: &Desk, when: &str) {
    for needle in NEEDLES {
        assert_eq!(
            found(desk, needle),
            scanned(desk, needle),
            "« {needle} » {when}"
        );
    }
}

fn user_id(desk: &Desk, email: &str) -> u64 {
    let found = found(desk, email);
    assert_eq!(found.len(), 1, "{email}");
    found[0]
}

#[test]
fn a_directory_read_into_memory_finds_what_the_index_holds_as_accounts_come_and_go() {
    let (_dir, desk) = directory();
    desk.store().warm().expect("read into memory");
    finds_what_the_index_holds(&desk, "once read into memory");
    assert_eq!(found(&desk, "dupontel").len(), USERS / 50);
    assert_eq!(found(&desk, "paul").len(), USERS);

    ok(
        &desk,
        r#"{"cmd":"chorus.account","email":"zoe.dupontel@etablissement-neuf.fr","civilite":"MME","nom":"Dupontel","prenom":"Zoé"}"#,
    );
    let zoe = user_id(&desk, "zoe.dupontel@etablissement-neuf.fr");
    assert!(found(&desk, "dupontel").contains(&zoe), "a new account");
    finds_what_the_index_holds(&desk, "after an account was created");

    assert!(found(&desk, "sorti").is_empty());
    ok(
        &desk,
        r#"{"cmd":"user.depart","email":"agent.7@etablissement-7.fr"}"#,
    );
    let gone = user_id(&desk, "agent.7@etablissement-7.fr");
    assert_eq!(found(&desk, "sorti"), vec![gone], "a departure");
    finds_what_the_index_holds(&desk, "after a departure");

    refused(
        &desk,
        r#"{"cmd":"chorus.account","email":"agent.8@etablissement-8.fr","civilite":"M","nom":"Doublon","prenom":"Paul"}"#,
    );
    assert!(found(&desk, "doublon").is_empty(), "a refused account");
    finds_what_the_index_holds(&desk, "after a refusal");
}

#[test]
fn a_search_checking_hundreds_of_texts_reads_them_whole_and_stays_true_afterwards() {
    let (_dir, desk) = directory();
    // Not read into memory: the first search of a needle every account holds checks 600 texts.
    assert_eq!(found(&desk, "paul"), scanned(&desk, "paul"));
    ok(
        &desk,
        r#"{"cmd":"chorus.account","email":"paul.nouveau@etablissement-neuf.fr","civilite":"M","nom":"Nouveau","prenom":"Paul"}"#,
    );
    let paul = user_id(&desk, "paul.nouveau@etablissement-neuf.fr");
    let pauls = found(&desk, "paul");
    assert_eq!(pauls.len(), USERS + 1);
    assert!(pauls.contains(&paul));
    finds_what_the_index_holds(
        &desk,
        "after a search read the texts whole, then an account",
    );
}

/// The store's reads for one search of `needle`, every match.
fn reads_to_find(desk: &Desk, needle: &str) -> u64 {
    let before = desk.store().reads();
    found(desk, needle);
    desk.store().reads() - before
}

#[test]
fn a_command_keeps_the_texts_in_memory_instead_of_reading_them_again() {
    let (_dir, desk) = directory();
    let before = desk.store().reads();
    desk.store().warm().expect("read into memory");
    assert!(
        desk.store().reads() - before >= USERS as u64,
        "reading them is counted"
    );
    let first = reads_to_find(&desk, "paul");
    ok(
        &desk,
        r#"{"cmd":"chorus.account","email":"paul.dernier@etablissement-neuf.fr","civilite":"M","nom":"Dernier","prenom":"Paul"}"#,
    );
    let after = reads_to_find(&desk, "paul");
    // One account more to check; dropped and read again, the texts would cost every row once more.
    assert!(
        after <= first + 10,
        "{first} reads before the command, {after} after it"
    );
    assert_eq!(found(&desk, "paul"), scanned(&desk, "paul"));
}

fn command(line: &str) -> Command {
    Command::parse_line(line).expect("command")
}

#[test]
fn one_transaction_writing_a_user_twice_leaves_in_memory_what_it_leaves_in_the_tree() {
    let (_dir, desk) = directory();
    desk.store().warm().expect("read into memory");
    // A chunk of the bulk path: an account created then departed, another departed, in one transaction.
    let mut bulk = desk.bulk(&actor(), 1000).expect("bulk");
    for line in [
        r#"{"cmd":"chorus.account","email":"jean.bis@etablissement-neuf.fr","civilite":"M","nom":"Bis","prenom":"Jean"}"#,
        r#"{"cmd":"user.depart","email":"jean.bis@etablissement-neuf.fr"}"#,
        r#"{"cmd":"user.depart","email":"agent.3@etablissement-3.fr"}"#,
    ] {
        bulk.execute(&command(line)).expect("passes");
    }
    bulk.finish().expect("committed");
    finds_what_the_index_holds(&desk, "after a bulk chunk");
    assert_eq!(found(&desk, "sorti").len(), 2);
    // A file of commands checked together and written in one transaction: the same.
    let many = desk
        .execute_all(
            &actor(),
            &[
                command(
                    r#"{"cmd":"chorus.account","email":"luc.ter@etablissement-neuf.fr","civilite":"M","nom":"Ter","prenom":"Luc"}"#,
                ),
                command(r#"{"cmd":"user.depart","email":"luc.ter@etablissement-neuf.fr"}"#),
            ],
            false,
            "deux commandes",
        )
        .expect("written");
    assert!(matches!(many, Many::Done(_)), "{many:?}");
    finds_what_the_index_holds(&desk, "after commands written together");
    let sortis = found(&desk, "sorti");
    assert_eq!(sortis.len(), 3);
    assert!(sortis.contains(&user_id(&desk, "luc.ter@etablissement-neuf.fr")));
}

#[test]
fn a_bounded_scan_of_the_name_index_answers_the_same_from_memory_as_from_sled() {
    let (_dir, desk) = directory();
    // A second account with the same sort name as another: the user ids then order them.
    ok(
        &desk,
        r#"{"cmd":"chorus.account","email":"autre.nom0299@etablissement-neuf.fr","civilite":"M","nom":"Nom0299","prenom":"Paul"}"#,
    );
    let store = desk.store();
    let keys: Vec<Vec<u8>> = store
        .rows(T::UsersByName, b"", false)
        .expect("rows")
        .map(|row| row.expect("row").0.to_vec())
        .collect();
    let mut afters: Vec<Option<Vec<u8>>> = vec![None, Some(Vec::new()), Some(vec![0xff])];
    for key in [
        &keys[0],
        &keys[7],
        &keys[keys.len() / 2],
        &keys[keys.len() - 1],
    ] {
        afters.push(Some(key.clone()));
        afters.push(Some(key[..key.len() - 9].to_vec()));
        afters.push(Some([key.as_slice(), &[0]].concat()));
    }
    let mut queries = Vec::new();
    for prefix in [
        &b""[..],
        b"a",
        b"n",
        b"nom01",
        b"dupontel",
        b"zzz",
        &keys[3][..keys[3].len() - 9],
    ] {
        for after in &afters {
            for limit in [0, 1, 3, 17, 400, 16_384] {
                for holding in [None, Some(&b"pau"[..]), Some(b"nom02"), Some(b"sorti")] {
                    let mut query = PageQuery::new(T::UsersByName, prefix);
                    query.after = after.clone();
                    query.limit = limit;
                    query.holding = holding.map(<[u8]>::to_vec);
                    queries.push(query);
                }
            }
        }
    }
    let scan_all = |queries: &[PageQuery]| -> Vec<_> {
        queries
            .iter()
            .map(|q| {
                let before = store.reads();
                let scanned = store.scan_page(q).expect("scan");
                (scanned, store.reads() - before)
            })
            .collect()
    };
    let from_sled = scan_all(&queries);
    store.warm().expect("read into memory");
    let from_memory = scan_all(&queries);
    for ((q, sled), memory) in queries.iter().zip(&from_sled).zip(&from_memory) {
        assert_eq!(sled, memory, "{q:?}");
    }
}
