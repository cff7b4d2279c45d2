//! A list screen costs what it shows, not what is stored (issue 7): the Utilisateurs espace reads the directory a
//! page at a time from its name index, and its filter reads the postings of one trigram, not every account.
//! Counted with the store's read counter, so the test does not depend on the machine's speed.

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
    // "d", "du": names starting with the letters, a count of their index keys and a page.
    // "dup": the postings of the rarest of one trigram (the four Dupontel and no one else), checked one by one.
    // "dupo", "dupon", "dupont": the four found narrowed in memory; only the page drawn is read.
    for (i, n) in reads.iter().enumerate() {
        assert!(
            *n < 60,
            "keystroke {} of « dupont » read {n} (all reads: {reads:?})",
            i + 1
        );
    }
    assert!(
        reads[3..].iter().all(|n| *n <= reads[2]),
        "typing on narrows the list found without searching again: {reads:?}"
    );
}

#[test]
fn a_schema_1_database_gets_its_directory_and_alert_indexes_when_opened() {
    use guichet::store::T;
    let (dir, desk) = directory();
    let path = desk.store().path().to_path_buf();
    // Back to schema 1: no name or trigram index, no R14/R16 index, none of their counters.
    for t in [
        T::UsersByName,
        T::UsersByTrigram,
        T::StructuresByGp,
        T::UsersResidual,
        T::StructuresByName,
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
        .insert("schema_version", &1u32.to_be_bytes())
        .expect("schema");
    desk.store()
        .tree(T::Meta)
        .remove("derived_indexes_v2")
        .expect("flag");
    desk.flush().expect("flush");
    drop(desk);
    // sled's flusher thread lets go of the database a moment after the last handle is dropped.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let desk = loop {
        match Desk::open(&path) {
            Err(guichet::store::StoreError::Locked(_)) if std::time::Instant::now() < deadline => {
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            other => break other.expect("reopen migrates"),
        }
    };
    common::checks::check_indexes(&desk).expect("the migration built the indexes the desk keeps");
    assert!(desk.store().users_count().expect("count") >= USERS);
    drop(dir);
}
