//! The pickers of Mon compte cost what they show, like the lists (`list_reads.rs`): « Changer d'utilisateur »
//! reads the directory's name index a page at a time and its filter searches as the directory's does (a name
//! beginning, the postings of a trigram, a bounded walk); « Demander un rattachement » reads the structures' name
//! index a page at a time, and its filter reads slices of that index (the rest from memory for a rare needle),
//! narrowed as one types on; both are read again, without duplicates, when a read fails.
//! Counted with the store's read counter, so the test does not depend on the machine's speed; the real `App` is
//! driven with keys and read back from its buffer.

mod common;

use common::screen::Screen;
use common::*;
use guichet::desk::{Command, Desk};
use guichet::store::SHORT_SLICE;
use ratatui::crossterm::event::KeyCode;

const USERS: usize = 3000;
const STRUCTURES: usize = 2000;
/// What a page of the popup costs at 120×40, with room to spare: about thirty lines, an index entry and a record
/// each, and a counter or two.
const PAGE: u64 = 120;

/// The SIRET of the `n`th structure loaded.
fn nth_siret(n: usize) -> String {
    siret(&format!("5{n:012}"))
}

/// 3,000 self-service accounts (three named Dupontel, one of whom has left) and 2,000 structures (four named
/// Lycée Marcel Pagnol, one of which is closed), loaded in bulk through the desk.
fn national_like() -> (tempfile::TempDir, Desk) {
    let (dir, desk) = desk();
    run_all(&desk, WORLD);
    let mut bulk = desk.bulk(&actor(), 2000).expect("bulk");
    let mut run = |line: String| {
        let command = Command::parse_line(&line).expect("command");
        bulk.execute(&command).expect("accepted");
    };
    for i in 0..USERS {
        let nom = if i % 1000 == 7 {
            "Dupontel".to_string()
        } else {
            format!("Nom{i:04}")
        };
        run(format!(
            r#"{{"cmd":"chorus.account","email":"agent.{i}@etablissement-{i}.fr","civilite":"M","nom":"{nom}","prenom":"Paul"}}"#
        ));
    }
    for i in 0..STRUCTURES {
        let name = if i % 500 == 3 {
            "Lycée Marcel Pagnol".to_string()
        } else {
            format!("Chambre {i:04}")
        };
        run(format!(
            r#"{{"cmd":"structure.add","siret":"{}","name":"{name}","category":"CCI","postal_code":"92000","city":"Nanterre"}}"#,
            nth_siret(i)
        ));
    }
    bulk.finish().expect("written");
    run_all(
        &desk,
        &format!(
            r#"
{{"cmd":"user.depart","email":"agent.7@etablissement-7.fr"}}
{{"cmd":"structure.update","siret":"{}","active":false}}
"#,
            nth_siret(3)
        ),
    );
    (dir, desk)
}

/// The reads of each key of `keys`, typed one at a time.
fn reads_of(screen: &mut Screen, desk: &Desk, keys: &str) -> Vec<u64> {
    keys.chars()
        .map(|c| {
            let before = desk.store().reads();
            screen.typed(&c.to_string());
            desk.store().reads() - before
        })
        .collect()
}

#[test]
fn changer_d_utilisateur_reads_the_page_it_shows_and_finds_by_part_of_the_name() {
    let (_dir, desk) = national_like();
    let all = desk.store().users_count().expect("count");
    assert!(all >= USERS, "{all} users");
    let mut screen = Screen::new(&desk, 120, 40);
    screen.key('5');
    let before = desk.store().reads();
    screen.key('c');
    let read = desk.store().reads() - before;
    let text = screen.text();
    assert!(
        read < PAGE,
        "opening the picker read {read} records and index entries for {all} accounts:\n{text}"
    );
    assert!(
        text.contains("Se connecter en tant que") && text.contains(&format!("{all} ligne(s)")),
        "{text}"
    );
    // "d", "du": the names starting with the letters (a counter and a page); "dup": the postings of its rarest
    // trigram (the three Dupontel); then the three found narrowed in memory, only the page drawn read.
    let reads = reads_of(&mut screen, &desk, "dupontel");
    assert!(
        reads.iter().all(|n| *n < PAGE),
        "each letter of « dupontel » reads a page and a bounded search: {reads:?}"
    );
    let text = screen.text();
    assert!(
        text.contains(&format!("3 sur {all} ligne(s)")),
        "the three Dupontel are found:\n{text}"
    );
    // The one who left is listed, dimmed, with why; the picker starts on the first one who can be chosen.
    assert!(text.contains("✗ sorti"), "{text}");
    screen.press(KeyCode::Enter);
    let text = screen.text();
    assert!(
        text.contains("Connecté en tant que : Paul Dupontel (sans identifiant PIGP)"),
        "{text}\n{}",
        screen.status()
    );
    assert!(!text.contains("il n'agit plus"), "{text}");
}

#[test]
fn a_needle_every_account_holds_reads_a_budget_and_says_its_total_is_an_estimate() {
    let (_dir, desk) = national_like();
    let all = desk.store().users_count().expect("count");
    let mut screen = Screen::new(&desk, 120, 40);
    screen.key('5').key('c');
    // Every account is a Paul: « pau » is counted by its trigram's counter, « paul » reads the name index for a
    // bounded budget (2,048 rows) beyond the page, and estimates.
    let reads = reads_of(&mut screen, &desk, "paul");
    assert!(
        reads.iter().all(|n| *n < 2048 + PAGE),
        "a bounded search, not every account: {reads:?}"
    );
    let text = screen.text();
    assert!(
        text.contains(&format!("≈ {USERS} sur {all} ligne(s)")),
        "{text}"
    );
    // Moving to the end reads on as far as the last account.
    screen.press(KeyCode::End);
    let text = screen.text();
    assert!(text.contains("▶ Nom2999 Paul"), "{text}");
}

#[test]
fn demander_un_rattachement_reads_the_page_it_shows_and_a_slice_of_the_name_index() {
    let (_dir, desk) = national_like();
    let all = desk.store().structures_count().expect("count");
    assert!(all >= STRUCTURES, "{all} structures");
    // What the terminal loop does after its first frame: the name index read into memory (counted here, once).
    let before = desk.store().reads();
    desk.store().warm().expect("read into memory");
    assert!(desk.store().reads() - before >= all as u64);
    let mut screen = Screen::new(&desk, 120, 40);
    screen
        .key('5')
        .key('c')
        .typed("dupontel")
        .press(KeyCode::Enter);
    let before = desk.store().reads();
    screen.key('d');
    let read = desk.store().reads() - before;
    let text = screen.text();
    assert!(
        read < PAGE,
        "opening the picker read {read} records and index entries for {all} structures:\n{text}"
    );
    assert!(text.contains(&format!("{all} ligne(s)")), "{text}");
    // The first letter, held by every structure (« chambre »): a slice of the name index (a key and a short text
    // per structure, no record) and the page, the total estimated.
    let reads = reads_of(&mut screen, &desk, "m");
    assert!(
        reads[0] < SHORT_SLICE as u64 + PAGE,
        "the first letter reads a slice of the index, not all of it: {reads:?}"
    );
    let text = screen.text();
    assert!(
        text.contains("≈ ") && text.contains(&format!(" sur {all} ligne(s)")),
        "{text}"
    );
    // « ma » is held by none of the slice read: another slice, then the rest of the index for the rows holding it,
    // from memory, and the list is exact; each letter after it narrows what was found, and reads the page only.
    let reads = reads_of(&mut screen, &desk, "arcel");
    assert!(
        reads[0] < SHORT_SLICE as u64 + PAGE,
        "the second letter reads a slice, the rest from memory: {reads:?}"
    );
    assert!(
        reads[1..].iter().all(|n| *n < PAGE),
        "typing on narrows without reading the index again: {reads:?}"
    );
    let text = screen.text();
    assert!(text.contains(&format!("4 sur {all} ligne(s)")), "{text}");
    // The closed one is listed, dimmed, with why; ⏎ asks the first open one.
    assert!(text.contains("✗ fermée"), "{text}");
    screen.press(KeyCode::Enter);
    assert!(
        screen
            .status()
            .contains("demande son rattachement à Lycée Marcel Pagnol"),
        "{}",
        screen.status()
    );
    // A SIRET typed with its spaces finds its structure.
    screen.key('d');
    let spaced = nth_siret(1234);
    let spaced = format!(
        "{} {} {} {}",
        &spaced[..3],
        &spaced[3..6],
        &spaced[6..9],
        &spaced[9..]
    );
    screen.typed(&spaced);
    let text = screen.text();
    assert!(
        text.contains(&format!("1 sur {all} ligne(s)")) && text.contains("Chambre 1234"),
        "{text}"
    );
}

#[test]
fn the_structures_filter_finds_what_a_scan_of_the_name_index_finds_however_it_is_typed() {
    let (_dir, desk) = national_like();
    let store = desk.store();
    let every = common::structure_names(store);
    let scan = |needle: &str| -> Vec<_> {
        every
            .iter()
            .filter(|(_, text)| text.contains(needle))
            .map(|(siret, _)| *siret)
            .collect()
    };
    // Searched at once, then read on to the end.
    for needle in ["c", "ch", "ma", "zq", "92", "0042", "lycee marcel", "cci"] {
        let mut found = store.structures_search(needle, 30).expect("search");
        let expected = scan(needle);
        assert!(
            found.known() >= expected.len().min(30),
            "« {needle} »: the lines asked for"
        );
        store
            .structures_search_more(&mut found, usize::MAX)
            .expect("more");
        assert!(found.exact(), "« {needle} »");
        assert_eq!(found.total(every.len()), expected.len(), "« {needle} »");
        assert_eq!(found.page(0, usize::MAX), expected, "« {needle} »");
    }
    // Typed a letter at a time, each letter narrowing what the last one read, and moved down the list.
    for word in ["chambre 1", "nanterre", "lycee"] {
        let mut found = store.structures_search(&word[..1], 30).expect("search");
        for end in 2..=word.len() {
            found = store
                .structures_search_on(found, &word[..end], 30)
                .expect("search on");
        }
        store
            .structures_search_more(&mut found, usize::MAX)
            .expect("more");
        assert_eq!(found.page(0, usize::MAX), scan(word), "« {word} »");
    }
    // A short needle not read to its end says so, and estimates from what it read.
    let found = store.structures_search("e", 30).expect("search");
    assert!(!found.exact());
    let estimate = found.total(every.len());
    assert!(
        estimate > found.known() && estimate <= every.len(),
        "{estimate} for {} known",
        found.known()
    );
}

#[test]
fn the_structures_espace_estimates_a_short_filter_and_reads_on_to_its_end() {
    let (_dir, desk) = national_like();
    let all = desk.store().structures_count().expect("count");
    let mut screen = Screen::new(&desk, 120, 40);
    screen.key('4').key('/');
    let before = desk.store().reads();
    screen.typed("c");
    let read = desk.store().reads() - before;
    assert!(
        read < SHORT_SLICE as u64 + 2 * PAGE,
        "one letter reads a slice: {read}"
    );
    let text = screen.text();
    assert!(
        text.contains(&format!(" sur {all} ")) && text.contains("· ≈ "),
        "{text}"
    );
    // Down to the end of the list, a page at a time: the index is read on, and the count becomes exact.
    for _ in 0..all / 20 {
        screen.press(KeyCode::PageDown);
    }
    let text = screen.text();
    let holding_c = desk
        .store()
        .rows(guichet::store::T::StructuresByName, b"", false)
        .expect("rows")
        .filter(|row| row.as_ref().is_ok_and(|(_, v)| v.contains(&b'c')))
        .count();
    assert!(
        text.contains(&format!("· {holding_c} sur {all} ")),
        "{holding_c} structures hold « c »:\n{text}"
    );
    assert!(!text.contains("· ≈ "), "{text}");
}

#[test]
fn a_structure_added_or_renamed_after_a_search_is_found_by_the_next_one() {
    let (_dir, desk) = national_like();
    let store = desk.store();
    // Slices of one row: the rest of the index is read for the rows holding the needle (kept in memory).
    let search = |needle: &str| {
        let found = structures_found_whole(store, needle, 1, 1);
        assert!(found.exact());
        found.known()
    };
    assert_eq!(search("quimperle"), 0);
    assert_eq!(search("marcel pagnol"), 4);
    let siret = siret("7000000000001");
    ok(
        &desk,
        &format!(
            r#"{{"cmd":"structure.add","siret":"{siret}","name":"Lycée de Quimperlé","category":"EPLE","postal_code":"29300","city":"Quimperlé","uai":"0290000T"}}"#
        ),
    );
    assert_eq!(search("quimperle"), 1, "the structure added");
    ok(
        &desk,
        &format!(
            r#"{{"cmd":"structure.update","siret":"{}","name":"Lycée Kerneuzec"}}"#,
            nth_siret(3)
        ),
    );
    assert_eq!(search("marcel pagnol"), 3, "the structure renamed");
    assert_eq!(search("kerneuzec"), 1, "the structure renamed");
}

/// The reads of a base this process owns, as a server would give them, failing once when told to (a server
/// gone a moment).
struct Flaky {
    desk: Desk,
    /// Pages and scans to answer before failing one; `usize::MAX`: never.
    fail_after: std::sync::atomic::AtomicUsize,
}

impl Flaky {
    fn maybe_fail(&self) -> Result<(), guichet::store::StoreError> {
        use std::sync::atomic::Ordering;
        match self.fail_after.load(Ordering::SeqCst) {
            usize::MAX => Ok(()),
            0 => {
                self.fail_after.store(usize::MAX, Ordering::SeqCst);
                Err(guichet::store::StoreError::Server(
                    "le serveur ne répond plus".into(),
                ))
            }
            n => {
                self.fail_after.store(n - 1, Ordering::SeqCst);
                Ok(())
            }
        }
    }

    fn fail_after(&self, n: usize) {
        self.fail_after
            .store(n, std::sync::atomic::Ordering::SeqCst);
    }
}

impl guichet::store::RemoteReads for Flaky {
    fn get(
        &self,
        t: guichet::store::T,
        key: &[u8],
    ) -> Result<Option<Vec<u8>>, guichet::store::StoreError> {
        Ok(self.desk.store().get_raw(t, key)?.map(|v| v.to_vec()))
    }

    fn get_many(
        &self,
        t: guichet::store::T,
        keys: &[Vec<u8>],
    ) -> Result<Vec<Option<Vec<u8>>>, guichet::store::StoreError> {
        Ok(self
            .desk
            .store()
            .get_many_raw(t, keys)?
            .into_iter()
            .map(|v| v.map(|v| v.to_vec()))
            .collect())
    }

    fn page(
        &self,
        query: &guichet::store::PageQuery,
    ) -> Result<guichet::store::RawRows, guichet::store::StoreError> {
        self.maybe_fail()?;
        self.desk.store().page(query)
    }

    fn scan(
        &self,
        query: &guichet::store::PageQuery,
    ) -> Result<guichet::store::Scanned, guichet::store::StoreError> {
        self.maybe_fail()?;
        self.desk.store().scan_page(query)
    }

    fn len(&self, t: guichet::store::T) -> Result<u64, guichet::store::StoreError> {
        Ok(self.desk.store().len(t)? as u64)
    }
}

#[test]
fn a_search_cut_short_by_a_failed_read_is_read_again_without_duplicates() {
    use guichet::tui::espaces::structures::search::StructureSearch;
    use guichet::tui::espaces::utilisateurs::search::UserSearch;
    let (dir, desk) = national_like();
    let expected_structures: Vec<_> = {
        let mut found = desk
            .store()
            .structures_search("chambre", 30)
            .expect("search");
        desk.store()
            .structures_search_more(&mut found, usize::MAX)
            .expect("more");
        found.page(0, usize::MAX)
    };
    let expected_users: Vec<_> = {
        let mut search = UserSearch::default();
        search.load(desk.store());
        search.apply(desk.store(), "paul");
        search
            .page(desk.store(), 0, 30)
            .into_iter()
            .map(|u| u.id)
            .collect()
    };
    assert_eq!(expected_users.len(), 30);
    let flaky = std::sync::Arc::new(Flaky {
        desk,
        fail_after: std::sync::atomic::AtomicUsize::new(usize::MAX),
    });
    let store = guichet::store::Store::served(dir.path(), flaky.clone());

    // Structures: a slice of ten rows is enough for five lines; then another slice, and the rest for « chambre »
    // in pages, the second of which fails.
    let mut found = store
        .structures_search_in_slices("chambre", 5, 10)
        .expect("the slice");
    assert!(!found.exact());
    flaky.fail_after(2);
    assert!(store.structures_search_more(&mut found, 1000).is_err());
    store
        .structures_search_more(&mut found, usize::MAX)
        .expect("read again");
    assert!(found.exact());
    let again = found.page(0, usize::MAX);
    assert!(
        again == expected_structures,
        "{} structures read again for {} holding « chambre »",
        again.len(),
        expected_structures.len()
    );
    // The same typed in the Structures list: a failed search is read again when the list asks for its page.
    let mut search = StructureSearch::default();
    search.load(&store, None);
    flaky.fail_after(0);
    search.apply(&store, "chambre 00");
    let page: Vec<String> = search
        .page(&store, 0, 200)
        .into_iter()
        .map(|s| s.name)
        .collect();
    assert_eq!(
        page.len(),
        99,
        "Chambre 0000 to 0099 but 0003, a lycée: {page:?}"
    );
    assert!(page.iter().all(|name| name.starts_with("Chambre 00")));

    // Users: the search fails, the list is asked for its page, the search is made again.
    let mut search = UserSearch::default();
    search.load(&store);
    flaky.fail_after(0);
    search.apply(&store, "paul");
    assert!(!search.exact());
    let ids: Vec<_> = search
        .page(&store, 0, 30)
        .into_iter()
        .map(|u| u.id)
        .collect();
    assert_eq!(ids, expected_users);
    // A failed search is not narrowed into « nothing »: the next letter searches anew.
    flaky.fail_after(0);
    search.apply(&store, "paul");
    search.apply(&store, "paul ");
    let ids = search.page(&store, 0, 30);
    assert!(!ids.is_empty(), "every account is a Paul");
}
