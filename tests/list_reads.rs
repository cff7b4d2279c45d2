//! A list screen costs what it shows, not what is stored (issue 7): the Utilisateurs espace reads the directory a
//! page at a time from its name index, and its filter reads the postings of one trigram as far as it shows them
//! (and a bounded budget beyond, to count), not every account. Counted with the store's read counter, so the test
//! does not depend on the machine's speed.

mod common;

use common::screen::Screen;
use common::*;
use guichet::desk::Desk;

const USERS: usize = 400;

/// 400 self-service Chorus Pro accounts, of which a handful named Dupontel.
fn directory() -> (tempfile::TempDir, Desk) {
    let (dir, desk) = desk();
    run_all(&desk, WORLD);
    for i in 0..USERS {
        let nom = if i % 100 == 7 {
            "Dupontel".to_string()
        } else {
            format!("Nom{i:03}")
        };
        ok(
            &desk,
            &format!(
                r#"{{"cmd":"chorus.account","email":"agent.{i}@etablissement-{i}.fr","civilite":"M","nom":"{nom}","prenom":"Paul"}}"#
            ),
        );
    }
    (dir, desk)
}

#[test]
fn the_directory_reads_the_page_it_shows_not_every_account() {
    let (_dir, desk) = directory();
    let store = desk.store();
    let all = store.users_count().expect("count");
    assert!(all >= USERS, "{all} users");
    let mut screen = Screen::new(&desk, 120, 40);
    let before = store.reads();
    screen.key('3');
    let read = store.reads() - before;
    // 34 lines of the table: one index entry and one record each, plus counters and the screen's frame.
    assert!(
        read < 120,
        "opening the directory read {read} records and index entries for {all} accounts"
    );
    assert!(screen.text().contains(&format!("{all} utilisateur(s)")));
    // The next page costs one page more.
    let before = store.reads();
    screen.press(ratatui::crossterm::event::KeyCode::PageDown);
    let read = store.reads() - before;
    assert!(read < 120, "a page down read {read}");
}

#[test]
fn the_filter_reads_one_trigram_s_postings_and_narrows_without_reading_again() {
    let (_dir, desk) = directory();
    let store = desk.store();
    let mut screen = Screen::new(&desk, 120, 40);
    screen.key('3').key('/');
    let mut reads = Vec::new();
    for c in "dupont".chars() {
        let before = store.reads();
        screen.typed(&c.to_string());
        reads.push(store.reads() - before);
    }
    let text = screen.text();
    assert!(
        text.contains("4 sur") && text.contains("Dupontel"),
        "the four Dupontel are found:\n{text}"
    );
    // "d", "du": names starting with the letters, their counter and a page.
    // "dup": the counter of its one trigram, its postings (the four Dupontel and no one else), their search texts
    // and the records of the page.
    // "dupo", "dupon", "dupont": the four found narrowed in memory; only the page drawn is read.
    for (i, n) in reads.iter().enumerate() {
        assert!(
            *n < 30,
            "keystroke {} of « dupont » read {n} (all reads: {reads:?})",
            i + 1
        );
    }
    assert!(
        reads[3..].iter().all(|n| *n <= reads[2]),
        "typing on narrows the list found without searching again: {reads:?}"
    );
}

/// The users, brute force: those whose search text holds `needle`, in name order.
fn expected(desk: &Desk, needle: &str) -> Vec<u64> {
    let mut users: Vec<guichet::domain::user::User> = desk
        .store()
        .scan(guichet::store::T::Users, b"")
        .expect("users")
        .into_iter()
        .map(|(_, u)| u)
        .collect();
    users.sort_by_cached_key(|u| (u.sort_name(), u.id.0));
    users
        .into_iter()
        .filter(|u| u.search_text().contains(needle))
        .map(|u| u.id.0)
        .collect()
}

#[test]
fn a_common_trigram_reads_the_lines_shown_and_a_budget_not_every_holder() {
    let (_dir, desk) = directory();
    let store = desk.store();
    let all = store.users_count().expect("count");
    // Every address holds « etablissement »: all 400 accounts hold « eta ».
    let before = store.reads();
    let mut found = store.directory_search("eta", 50).expect("search");
    assert_eq!(
        store.reads() - before,
        1,
        "three letters with more holders than the budget read the trigram's counter only"
    );
    assert!(found.exact());
    assert_eq!(found.total(), expected(&desk, "eta").len());
    let before = store.reads();
    store.directory_search_more(&mut found, 34).expect("more");
    let read = store.reads() - before;
    assert!(
        (35..=35 + all - USERS).contains(&(read as usize)),
        "a page of 34 lines reads 34 rows of the name index, the few that do not match, and one ahead (whether the walk is over): {read}"
    );
    // Four letters: the users holding both trigrams (a row of postings each: 400 users fit one) are more than the
    // budget, so the name index is read for the budget, the total estimated from it.
    let before = store.reads();
    let found = store.directory_search("etab", 50).expect("search");
    let read = store.reads() - before;
    assert!(
        read <= 55,
        "two counters, two rows of postings, 50 rows and one ahead, read {read}"
    );
    assert!(!found.exact());
    assert_eq!(
        found.total(),
        expected(&desk, "etab").len(),
        "every holder of the rarest trigram read matched: the estimate is the holders"
    );
    // Read on to its last match, which is the index's last row: the walk looks one row ahead, sees it is over,
    // and says the total exactly, not one more.
    let mut to_the_last = store.directory_search("etab", 50).expect("search");
    store
        .directory_search_more(&mut to_the_last, expected(&desk, "etab").len())
        .expect("more");
    assert_eq!(to_the_last.total(), expected(&desk, "etab").len());
    // A fifth letter narrows what was read and reads on for the budget.
    let before = store.reads();
    let mut found = store
        .directory_search_on(found, "etabl", 50)
        .expect("search on");
    let read = store.reads() - before;
    assert!(
        read <= 57,
        "three counters, three rows of postings, 50 rows more and one ahead, read {read}"
    );
    store
        .directory_search_more(&mut found, usize::MAX)
        .expect("to the end");
    assert!(found.exact());
    assert_eq!(found.total(), expected(&desk, "etabl").len());
}

#[test]
fn a_needle_whose_trigrams_are_each_common_but_held_together_by_few_is_found_exactly() {
    let (_dir, desk) = directory();
    let store = desk.store();
    // « nom », « om1 », « m12 », « 123 »: each held by ten accounts or more, all four by Nom123's alone.
    let expected = expected(&desk, "nom123");
    assert_eq!(expected.len(), 1);
    let before = store.reads();
    let found = store.directory_search("nom123", 5).expect("search");
    let read = store.reads() - before;
    assert!(
        found.exact(),
        "the users holding every trigram: one, within the budget"
    );
    let ids: Vec<u64> = found.page(0, usize::MAX).iter().map(|id| id.0).collect();
    assert_eq!(ids, expected);
    assert!(
        read <= 10,
        "four counters, a row of postings per trigram and one search text, read {read}"
    );
}

#[test]
fn the_filter_finds_the_same_users_in_name_order_as_a_scan_of_every_account() {
    let (_dir, desk) = directory();
    let store = desk.store();
    for needle in [
        "dupontel",
        "paul",
        "nom01",
        "agent.3",
        "etablissement-1",
        "compte chorus",
        "actif",
        "tel paul",
        "zzz",
    ] {
        for budget in [0, 7, 4096] {
            let mut found = store.directory_search(needle, budget).expect("search");
            store
                .directory_search_more(&mut found, usize::MAX)
                .expect("to the end");
            let ids: Vec<u64> = found.page(0, usize::MAX).iter().map(|id| id.0).collect();
            assert_eq!(
                ids,
                expected(&desk, needle),
                "« {needle} », budget {budget}"
            );
            assert!(found.exact());
        }
        // Typing on from its first three letters narrows to the same list.
        let mut found = store.directory_search(&needle[..3], 4096).expect("search");
        store
            .directory_search_more(&mut found, usize::MAX)
            .expect("to the end");
        let narrowed = found.narrowed(needle).expect("read to its end, it narrows");
        let ids: Vec<u64> = narrowed.page(0, usize::MAX).iter().map(|id| id.0).collect();
        assert_eq!(ids, expected(&desk, needle), "« {needle} » narrowed");
    }
}

#[test]
fn a_schema_1_database_gets_its_directory_and_alert_indexes_when_opened() {
    use guichet::store::T;
    let (dir, desk) = directory();
    // Back to schema 1: no name or trigram index, no R14/R16 index, none of their counters.
    for t in [
        T::UsersByName,
        T::UsersByTrigram,
        T::StructuresByGp,
        T::UsersResidual,
        T::StructuresByName,
        T::UsersSearch,
    ] {
        desk.store().tree(t).clear().expect("clear");
    }
    let counters = desk.store().tree(T::Counters);
    for item in counters.iter() {
        let (k, _) = item.expect("counter");
        if k.first() == Some(&0xff) {
            counters.remove(k).expect("remove");
        }
    }
    desk.store()
        .tree(T::Meta)
        .remove("derived_indexes_v2")
        .expect("flag");
    let desk = reopened_from_schema(desk, 1);
    common::checks::check_indexes(&desk).expect("the migration built the indexes the desk keeps");
    assert!(desk.store().users_count().expect("count") >= USERS);
    drop(dir);
}

#[test]
fn a_schema_2_database_gets_its_search_texts_and_name_counters_when_opened() {
    use guichet::store::{T, keys};
    let (dir, desk) = directory();
    // Back to schema 2: no search texts by id, no counter of name beginnings.
    let store = desk.store();
    store.tree(T::UsersSearch).clear().expect("clear");
    let counters = store.tree(T::Counters);
    for item in counters.scan_prefix(keys::name_prefix_counter(b"")) {
        counters.remove(item.expect("counter").0).expect("remove");
    }
    let desk = reopened_from_schema(desk, 2);
    common::checks::check_indexes(&desk).expect("the migration built the texts and counters");
    let mut screen = Screen::new(&desk, 120, 40);
    screen.key('3').key('/').typed("dupont");
    assert!(screen.text().contains("4 sur"), "{}", screen.text());
    drop(dir);
}
