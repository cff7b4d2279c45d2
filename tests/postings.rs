//! The directory's trigram postings, packed in rows of 1,024 users (schema 5): a base of an older schema has its
//! one-key-per-posting tree packed when opened — a run cut short is taken up again — and a backup of an older
//! schema is restored packed; the filter finds the same users either way.

mod common;

use common::*;
use guichet::desk::Desk;
use guichet::store::T;
use guichet::store::postings::{self, RETIRED_TREE};
use sha2::{Digest, Sha256};
use std::path::Path;

/// More users than one row spans, so that a trigram's holders spread over two rows.
const USERS: usize = 1_100;

/// The accounts in transactions of 300: several users' changes to one row of postings in one transaction.
fn directory() -> (tempfile::TempDir, Desk) {
    chorus_directory(USERS, 100)
}

/// sled itself, on a closed base: what an older build left in it.
fn raw_db(path: &Path) -> sled::Db {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        match sled::open(path) {
            Ok(db) => return db,
            Err(_) if std::time::Instant::now() < deadline => {
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            Err(e) => panic!("sled: {e}"),
        }
    }
}

/// The base at `path`, opened, holds `rows` of postings, row for row, the filter finds `dupontel` for
/// « dupontel », every index equals a recount; closed again, nothing is left of the one-key-per-posting tree.
fn opens_packed(path: &Path, rows: &Rows, dupontel: &[String]) {
    let desk = reopen(path);
    assert_eq!(&packed_rows(&desk), rows, "packed, row for row");
    assert_eq!(found(&desk, "dupontel"), dupontel);
    common::checks::check_indexes(&desk).expect("the packed rows equal a recount");
    drop(desk);
    let db = raw_db(path);
    assert!(
        !db.tree_names().iter().any(|n| n == RETIRED_TREE.as_bytes()),
        "the retired tree is dropped"
    );
}

type Rows = Vec<(sled::IVec, sled::IVec)>;

fn packed_rows(desk: &Desk) -> Rows {
    desk.store()
        .tree(T::UsersByTrigram)
        .iter()
        .map(|r| r.expect("row"))
        .collect()
}

/// The keys schemas 2 to 4 wrote for these rows: `trigram‖user`, one per posting.
fn unpacked(rows: &Rows) -> Vec<Vec<u8>> {
    let mut keys = Vec::new();
    for (k, v) in rows {
        for id in postings::holders(k, v) {
            keys.push([&k[..3], &id.0.to_be_bytes()].concat());
        }
    }
    keys
}

/// The users the filter lists for `needle`, by e-mail.
fn found(desk: &Desk, needle: &str) -> Vec<String> {
    let store = desk.store();
    let found = store.directory_search(needle, 2048).expect("search");
    found
        .page(0, usize::MAX)
        .into_iter()
        .filter_map(|id| store.user(id).expect("user"))
        .map(|u| u.email.to_string())
        .collect()
}

#[test]
fn a_schema_4_base_has_its_postings_packed_when_opened_even_half_done() {
    let (dir, desk) = directory();
    let path = desk.store().path().to_path_buf();
    let rows = packed_rows(&desk);
    assert!(
        rows.iter().any(|(_, v)| v.len() == 128),
        "a trigram held by most users of a span: a bitmap"
    );
    assert!(
        rows.iter().any(|(k, _)| k[3..] == 1u64.to_be_bytes()),
        "a second span of users"
    );
    let dupontel = found(&desk, "dupontel");
    assert_eq!(dupontel.len(), USERS / 100);
    drop(desk);
    // What schema 4 left, after a migration to 5 cut short: the retired tree whole, part of the packed rows, and
    // one row that the packing had not finished.
    {
        let db = raw_db(&path);
        let retired = db.open_tree(RETIRED_TREE).expect("retired");
        for key in unpacked(&rows) {
            retired.insert(key, &[]).expect("posting");
        }
        let packed = db.open_tree(T::UsersByTrigram.name()).expect("packed");
        for (n, (k, _)) in rows.iter().enumerate() {
            if n % 3 == 0 {
                packed.remove(k).expect("remove");
            }
        }
        packed.insert(&rows[1].0, &[0, 1]).expect("half a row");
        db.open_tree("meta")
            .expect("meta")
            .insert("schema_version", &4u32.to_be_bytes())
            .expect("schema");
        db.flush().expect("flush");
    }
    opens_packed(&path, &rows, &dupontel);
    drop(dir);
}

/// A backup file as a build of schema 4 wrote it: the packed rows given back as one key per posting, under the
/// retired tree's name, and the schema said 4. The framing is the one documented in `files::backup`.
fn as_schema_4(file: &[u8]) -> Vec<u8> {
    let body = &file[..file.len() - 32];
    let eol = body.iter().position(|b| *b == b'\n').expect("header line");
    let mut header: serde_json::Value = serde_json::from_slice(&body[..eol]).expect("header");
    header["schema"] = 4.into();
    let mut out = serde_json::to_vec(&header).expect("header");
    out.push(b'\n');
    let mut at = eol + 1;
    let u32_at = |at: usize| u32::from_be_bytes(body[at..at + 4].try_into().expect("u32")) as usize;
    let mut total = 0u64;
    while body[at] == b'T' {
        let len = body[at + 1] as usize;
        let name = &body[at + 2..at + 2 + len];
        at += 2 + len;
        let mut pairs: Vec<(Vec<u8>, Vec<u8>)> = Vec::new();
        while body[at] == b'P' {
            let klen = u32_at(at + 1);
            let key = body[at + 5..at + 5 + klen].to_vec();
            let vlen = u32_at(at + 5 + klen);
            let value = body[at + 9 + klen..at + 9 + klen + vlen].to_vec();
            at += 9 + klen + vlen;
            pairs.push((key, value));
        }
        assert_eq!(body[at], b'E');
        at += 9;
        let name: &[u8] = if name == T::UsersByTrigram.name().as_bytes() {
            let rows: Rows = pairs
                .iter()
                .map(|(k, v)| (k[..].into(), v[..].into()))
                .collect();
            pairs = unpacked(&rows)
                .into_iter()
                .map(|k| (k, Vec::new()))
                .collect();
            RETIRED_TREE.as_bytes()
        } else {
            name
        };
        out.push(b'T');
        out.push(name.len() as u8);
        out.extend_from_slice(name);
        for (k, v) in &pairs {
            out.push(b'P');
            out.extend_from_slice(&(k.len() as u32).to_be_bytes());
            out.extend_from_slice(k);
            out.extend_from_slice(&(v.len() as u32).to_be_bytes());
            out.extend_from_slice(v);
        }
        out.push(b'E');
        out.extend_from_slice(&(pairs.len() as u64).to_be_bytes());
        total += pairs.len() as u64;
    }
    assert_eq!(body[at], b'Z');
    out.push(b'Z');
    out.extend_from_slice(&total.to_be_bytes());
    let hash = Sha256::digest(&out);
    out.extend_from_slice(&hash);
    out
}

#[test]
fn a_backup_of_schema_4_is_restored_with_its_postings_packed() {
    let (dir, desk) = directory();
    let rows = packed_rows(&desk);
    let dupontel = found(&desk, "dupontel");
    let now = chrono::DateTime::parse_from_rfc3339(NOW)
        .expect("date")
        .to_utc();
    let current = dir.path().join("courante.sauvegarde");
    guichet::files::backup::backup(desk.store(), &current, now).expect("backup");
    let old = dir.path().join("schema4.sauvegarde");
    std::fs::write(&old, as_schema_4(&std::fs::read(&current).expect("read"))).expect("write");
    let (header, pairs) = guichet::files::backup::check(&old).expect("a valid schema 4 file");
    assert_eq!(header.schema, 4);
    assert!(pairs as usize > rows.len() * 2, "one pair per posting");
    let target = dir.path().join("restauree");
    let summary = guichet::files::backup::restore(&old, &target, false).expect("restore");
    assert!(summary.chain.is_ok(), "the journal verifies");
    opens_packed(&target, &rows, &dupontel);
    drop(desk);
}
