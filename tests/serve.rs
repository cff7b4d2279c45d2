//! `guichet serve` on the real binary: one process owns the database, the desks and command lines of the
//! operators are its clients. Each test is a situation — the examples run through the server give what a direct
//! run gives; bad frames, a silent client, a client that never reads cost only their sender; the operator is the
//! peer's OS login, `acting_as` is honoured for an administrator only; the socket and the directory are private
//! (or open to one group); SIGTERM stops cleanly with every acknowledged line on disk; a killed server is noticed
//! and a restarted one is found again; a second server is turned away and a stale socket is harmless. As root, a
//! client also runs as `nobody`, to show that the server knows a peer by its uid and nothing else.
//!
//! The last tests each show a bug found in `src/` while writing these, fixed since.
//!
//! Every process these tests start is bounded in time (`common::server`), every raw socket reads under a timeout,
//! and everything lives in temporary directories.

mod common;

use common::crash::{Acked, accepted, check_after_crash};
use common::server::{
    Server, ask, cli, cli_json, cli_with_input, client_desk, command, ending, framed, raw,
    raw_hello, run_bounded, send, send_bytes, signal, wait_for,
};
use common::{EPN_69, WORLD};
use guichet::desk::{Actor, Desk, DeskError, LinkState, Receipt};
use guichet::domain::{Refusal, Rule};
use guichet::net::wire::{self, Reply, Request};
use guichet::store::T;
use guichet::store::journal::{Entry, Outcome};
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Write};
use std::os::fd::AsRawFd;
use std::os::unix::fs::MetadataExt;
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

// ---------------------------------------------------------------------------------------------------------------
// Fixtures
// ---------------------------------------------------------------------------------------------------------------

/// The OS login of this test process: the operator the server recognises on the socket.
fn login() -> String {
    guichet::cli::os_login()
}

/// The actor of a client desk: its login is not sent (the server reads the peer's), only `acting_as` is.
fn me() -> Actor {
    Actor::new(login())
}

/// The dossier of the Rhône every test writes its notes on.
const SUIVI: &str = "SUIVI";

fn suivi_dossier() -> String {
    format!(
        r#"{{"cmd":"dossier.receive","ref":"{SUIVI}","kind":"habilitation","channel":"agent_comptable","siret":"{EPN_69}","direction":"DRFIP69","requester":{{"name":"Bernard Roche","email":"bernard.roche@inas-lyon.fr"}},"persons":[{{"civilite":"M","nom":"Petit","prenom":"Marc","email":"marc.petit@inas-lyon.fr","role":"gs"}}]}}"#
    )
}

fn note(text: &str) -> String {
    json!({"cmd": "dossier.note", "dossier": SUIVI, "text": text}).to_string()
}

fn chorus_account(i: usize) -> String {
    format!(
        r#"{{"cmd":"chorus.account","email":"agent{i}@inas-lyon.fr","civilite":"M","nom":"Martin","prenom":"Paul"}}"#
    )
}

/// The lines of a JSON Lines text, without blanks and comments.
fn lines_of(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_string)
        .collect()
}

/// Runs a line through a (client) desk; it must be done.
fn done(desk: &Desk, line: &str) -> Receipt {
    desk.execute_line(&me(), line)
        .unwrap_or_else(|e| panic!("refused through the server: {line}\n→ {e}"))
}

/// A temporary directory, the database path inside it, a server on it, and a client desk that has run the test
/// world (three directions, five structures) and the dossier SUIVI of the Rhône.
struct World {
    _dir: tempfile::TempDir,
    db: PathBuf,
    server: Server,
    desk: Desk,
    /// The lines the desk was told are done, with their journal numbers.
    acked: Vec<Acked>,
}

fn world() -> World {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("base");
    let server = Server::start(&db, &[]);
    let desk = client_desk(&db);
    let mut acked = Vec::new();
    for line in lines_of(WORLD).into_iter().chain([suivi_dossier()]) {
        let receipt = done(&desk, &line);
        acked.push(Acked {
            seq: receipt.seq,
            line,
        });
    }
    World {
        _dir: dir,
        db,
        server,
        desk,
        acked,
    }
}

/// A client desk is still served: it reads (the journal head, a tree's size, a record) and writes (a note).
fn still_served(desk: &Desk, after: &str) {
    let store = desk.store();
    let (head, _) = store
        .journal_head()
        .unwrap_or_else(|e| panic!("after {after}: a read fails: {e}"));
    let structures = store
        .len(T::Structures)
        .unwrap_or_else(|e| panic!("after {after}: a read fails: {e}"));
    assert!(structures >= 5, "after {after}: {structures} structures");
    assert!(
        store
            .find_dossier(SUIVI)
            .unwrap_or_else(|e| panic!("after {after}: a read fails: {e}"))
            .is_some(),
        "after {after}: the dossier SUIVI"
    );
    let receipt = desk
        .execute_line(&me(), &note(&format!("servi après {after}")))
        .unwrap_or_else(|e| panic!("after {after}: a write fails: {e}"));
    assert_eq!(
        receipt.seq,
        head + 1,
        "after {after}: the note is the next entry of the journal"
    );
}

/// The journal entry at `seq`, read through the desk (so through the server for a client desk).
fn entry(desk: &Desk, seq: u64) -> Entry {
    desk.store()
        .journal_entry(seq)
        .expect("read the journal")
        .unwrap_or_else(|| panic!("no journal entry {seq}"))
}

fn last_entry(desk: &Desk) -> Entry {
    let (seq, _) = desk.store().journal_head().expect("journal head");
    entry(desk, seq)
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).to_string()
}

/// The result lines of `guichet batch`, as JSON.
fn batch_results(out: &Output) -> Vec<Value> {
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not a result line ({e}): {l}")))
        .collect()
}

/// `guichet audit verify --json` through the server, which says it is its client.
fn journal_verifies_through_the_server(db: &Path) {
    let out = cli(db, &["-v", "audit", "verify", "--json"]);
    assert!(
        stderr(&out).contains("client du serveur"),
        "audit verify went to the server: {}",
        stderr(&out)
    );
    assert!(out.status.success(), "audit verify: {}", stderr(&out));
    let v: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(v["ok"], true, "{v}");
}

/// The highest resident memory of a process so far, in kB (`VmHWM`).
fn peak_memory_kb(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("/proc status");
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .expect("VmHWM")
}

/// Whether the other end of a socket has shut it down (without reading what is buffered).
fn hung_up(stream: &UnixStream) -> bool {
    let mut fd = libc::pollfd {
        fd: stream.as_raw_fd(),
        events: libc::POLLRDHUP,
        revents: 0,
    };
    // SAFETY: one valid pollfd, a zero timeout; poll only writes `revents`.
    let rc = unsafe { libc::poll(&mut fd, 1, 0) };
    rc > 0 && fd.revents & (libc::POLLRDHUP | libc::POLLHUP) != 0
}

fn mode(path: &Path) -> u32 {
    std::fs::symlink_metadata(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .mode()
        & 0o7777
}

fn gid(path: &Path) -> u32 {
    std::fs::symlink_metadata(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .gid()
}

/// Every file sled keeps in the database directory is 0600, every directory 0700 (the socket aside).
fn sled_files_private(db: &Path) {
    let mut stack = vec![db.to_path_buf()];
    let mut files = 0;
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("read_dir") {
            let entry = entry.expect("entry");
            let path = entry.path();
            if path == guichet::net::default_socket(db) {
                continue;
            }
            let kind = entry.file_type().expect("file type");
            if kind.is_dir() {
                assert_eq!(mode(&path), 0o700, "{}", path.display());
                stack.push(path);
            } else {
                assert_eq!(mode(&path), 0o600, "{}", path.display());
                files += 1;
            }
        }
    }
    assert!(files >= 2, "sled's files in {}", db.display());
}

/// The primary group of this process and its name.
fn primary_group() -> (u32, Option<String>) {
    // SAFETY: getegid cannot fail and touches no memory.
    let gid = unsafe { libc::getegid() };
    let mut buf = vec![0u8; 1 << 16];
    // SAFETY: `grp` and `buf` outlive the call, which writes the record's strings into `buf` only and sets
    // `result` to `&grp` or null; the name is copied out before both go away.
    let name = unsafe {
        let mut grp: libc::group = std::mem::zeroed();
        let mut result: *mut libc::group = std::ptr::null_mut();
        let rc = libc::getgrgid_r(
            gid,
            &mut grp,
            buf.as_mut_ptr().cast(),
            buf.len(),
            &mut result,
        );
        if rc != 0 || result.is_null() || grp.gr_name.is_null() {
            None
        } else {
            std::ffi::CStr::from_ptr(grp.gr_name)
                .to_str()
                .ok()
                .map(str::to_string)
        }
    };
    (gid, name)
}

// ---------------------------------------------------------------------------------------------------------------
// 1. Round trip and parity
// ---------------------------------------------------------------------------------------------------------------

fn example(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples/batch")
        .join(name)
}

/// The dossiers, users and structures an example names, for the views to compare.
fn named_in(lines: &[String]) -> (BTreeSet<String>, BTreeSet<String>, BTreeSet<String>) {
    let (mut dossiers, mut users, mut structures) =
        (BTreeSet::new(), BTreeSet::new(), BTreeSet::new());
    for line in lines {
        let v: Value = serde_json::from_str(line).expect("JSON line");
        let text = |key: &str| v[key].as_str().map(str::to_string);
        if v["cmd"] == "dossier.receive" {
            dossiers.extend(text("ref"));
        }
        for key in ["email", "by", "user", "to", "new_email"] {
            users.extend(text(key).filter(|t| t.contains('@')));
        }
        for person in v["persons"].as_array().into_iter().flatten() {
            users.extend(person["email"].as_str().map(str::to_string));
        }
        structures.extend(text("siret"));
    }
    (dossiers, users, structures)
}

/// A `--json` view: its exit status and what it printed (a key not found prints nothing and exits 1).
fn view(db: &Path, args: &[&str]) -> (Option<i32>, String) {
    let out = cli(db, &[args, &["--json"]].concat());
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).to_string(),
    )
}

/// A batch result without its line number (which depends on where the line stood in its input).
fn outcome(mut result: Value) -> Value {
    if let Some(map) = result.as_object_mut() {
        map.remove("line");
    }
    result
}

/// An example file run through a server — its first half by a client desk in this process, the rest by
/// `guichet batch -` as a client — gives, line for line, the results of the same lines run by `guichet batch` on a
/// database opened directly (same seq, same result objects), the same views (`show`, `report`, `audit verify`),
/// the same trees; and every receipt's seq is the journal entry holding that very command.
fn parity(name: &str) {
    let dir = tempfile::tempdir().expect("tempdir");
    let served = dir.path().join("servie");
    let direct = dir.path().join("directe");
    let lines = lines_of(&std::fs::read_to_string(example(name)).expect("example"));
    assert!(lines.len() > 10, "{name}: {} lines", lines.len());

    let mut server = Server::start(&served, &[]);
    let desk = client_desk(&served);
    let link = desk.remote().expect("a client desk").link();
    assert_eq!(
        link.login,
        login(),
        "the login the server read on the socket"
    );
    assert_eq!(link.state, LinkState::Connected);
    assert_eq!(link.socket, server.socket().display().to_string());

    let half = lines.len() / 2;
    let mut outcomes = Vec::new();
    let mut acked = Vec::new();
    for line in &lines[..half] {
        let receipt = done(&desk, line);
        outcomes.push(json!({"ok": true, "seq": receipt.seq, "result": receipt.result}));
        acked.push(Acked {
            seq: receipt.seq,
            line: line.clone(),
        });
    }
    let rest = lines[half..].join("\n") + "\n";
    let out = cli_with_input(&served, &["-v", "batch", "-"], &rest);
    let says = stderr(&out);
    assert!(
        says.contains(&format!(
            "client du serveur {} (opérateur {})",
            server.socket().display(),
            login()
        )),
        "{name}: --verbose says the batch is a client of the server: {says}"
    );
    assert!(out.status.success(), "{name}: {says}");
    let results = batch_results(&out);
    assert_eq!(
        results.len(),
        lines.len() - half,
        "{name}: one result a line"
    );
    for (line, result) in lines[half..].iter().zip(results) {
        let (_, seq) = accepted(&result.to_string())
            .expect("a result line")
            .unwrap_or_else(|| panic!("{name}: refused through the server: {line}\n→ {result}"));
        acked.push(Acked {
            seq,
            line: line.clone(),
        });
        outcomes.push(outcome(result));
    }

    let out = cli_with_input(&direct, &["-v", "batch", "-"], &(lines.join("\n") + "\n"));
    assert!(
        stderr(&out).contains("base ouverte directement"),
        "{name}: --verbose says the database is opened directly: {}",
        stderr(&out)
    );
    assert!(out.status.success(), "{name}: {}", stderr(&out));
    let direct_outcomes: Vec<Value> = batch_results(&out).into_iter().map(outcome).collect();
    assert_eq!(
        outcomes, direct_outcomes,
        "{name}: results through the server and on a direct database"
    );
    // The empty base's administrator is the first entry on both sides: the server's owner, the batch's login.
    let seqs: Vec<u64> = acked.iter().map(|a| a.seq).collect();
    assert_eq!(
        seqs,
        (2..lines.len() as u64 + 2).collect::<Vec<_>>(),
        "{name}: seqs"
    );

    let (dossiers, users, structures) = named_in(&lines);
    let mut views: Vec<Vec<&str>> = Vec::new();
    views.extend(dossiers.iter().map(|d| vec!["show", "dossier", d.as_str()]));
    views.extend(users.iter().map(|u| vec!["show", "user", u.as_str()]));
    views.extend(
        structures
            .iter()
            .map(|s| vec!["show", "structure", s.as_str()]),
    );
    for report in ["queues", "aging", "orphans", "residual-access"] {
        views.push(vec!["report", report]);
    }
    views.push(vec!["audit", "verify"]);
    let mut shown = 0;
    for args in &views {
        let through = view(&served, args);
        assert_eq!(
            through,
            view(&direct, args),
            "{name}: {args:?} through the server and on a direct database"
        );
        if through.0 == Some(0) {
            shown += 1;
        }
    }
    assert!(
        dossiers.len() + structures.len() + 5 <= shown,
        "{name}: {shown} views of {} shown",
        views.len()
    );
    let out = cli(&served, &["-v", "report", "queues", "--json"]);
    assert!(
        stderr(&out).contains("client du serveur"),
        "{name}: the views went to the server: {}",
        stderr(&out)
    );

    // Every tree, read through the server, is the direct database's, byte for byte.
    let through = desk.store().dump_state().expect("dump through the server");
    let directly = Desk::open(&direct)
        .expect("open the direct database")
        .store()
        .dump_state()
        .expect("dump");
    assert!(
        through == directly,
        "{name}: the trees through the server differ from the direct database's"
    );

    let status = server.terminate();
    assert!(status.success(), "{name}: {status:?}\n{}", server.stderr());
    check_after_crash(&served, &acked).unwrap_or_else(|e| panic!("{name}: {e}"));
}

#[test]
fn the_epn_example_through_the_server_is_the_direct_run() {
    parity("epn-agent-comptable.jsonl");
}

#[test]
fn the_eple_example_through_the_server_is_the_direct_run() {
    parity("eple-referent.jsonl");
}

#[test]
fn the_intra_academic_move_through_the_server_is_the_direct_run() {
    parity("mouvement-intra-academique.jsonl");
}

#[test]
fn the_interim_gp_example_through_the_server_is_the_direct_run() {
    parity("depart-gp-interim.jsonl");
}

// ---------------------------------------------------------------------------------------------------------------
// 2. Faults on the socket
// ---------------------------------------------------------------------------------------------------------------

/// A bad frame costs its sender the connection — the server says why (`Failed`) and closes — and nothing else.
fn dropped_with_failure(stream: &mut UnixStream, what: &str) -> String {
    let end = ending(stream);
    assert!(
        end.closed,
        "{what}: the server closes the connection: {end:?}"
    );
    assert!(end.others.is_empty(), "{what}: {end:?}");
    assert_eq!(end.failed.len(), 1, "{what}: one Failed answer: {end:?}");
    end.failed[0].clone()
}

/// The body of a well-formed frame of `request`, without its length.
fn body(request: &Request) -> Vec<u8> {
    wire::encode(request).expect("encode")[4..].to_vec()
}

#[test]
fn bad_frames_cost_their_sender_the_connection_and_nothing_else() {
    let w = world();
    let socket = w.server.socket().to_path_buf();
    let peak_before = peak_memory_kb(w.server.pid());

    // (b) A frame that stops after 10 of its 100 bytes: the server waits for the rest (its stall timeout, 10 s)
    // without holding anyone else back. Its end is checked last.
    let mut truncated = raw(&socket);
    truncated
        .set_read_timeout(Some(Duration::from_secs(25)))
        .expect("timeout");
    let truncated_at = Instant::now();
    let mut bytes = 100u32.to_be_bytes().to_vec();
    bytes.extend_from_slice(&[7u8; 10]);
    send_bytes(&mut truncated, &bytes).expect("send");
    still_served(&w.desk, "a truncated frame, still hanging");

    // (a) Someone speaks HTTP to the socket.
    let mut http = raw(&socket);
    send_bytes(&mut http, b"GET / HTTP/1.1\r\nHost: guichet\r\n\r\n").expect("send");
    let why = dropped_with_failure(&mut http, "HTTP");
    assert!(why.contains("requête rejetée"), "{why}");
    still_served(&w.desk, "an HTTP request");

    // (a) The same garbage in the middle of a session that had said hello.
    let (mut greeted, _, _) = raw_hello(&socket);
    send_bytes(&mut greeted, b"\x00\x00\x00\x03abc").expect("send");
    dropped_with_failure(&mut greeted, "garbage after hello");
    still_served(&w.desk, "garbage after a hello");

    // (c) A frame claiming 4 GiB: refused at its length, nothing allocated.
    let mut huge = raw(&socket);
    send_bytes(&mut huge, &[0xFF, 0xFF, 0xFF, 0xFF, 1, 2, 3]).expect("send");
    let why = dropped_with_failure(&mut huge, "4 GiB frame");
    assert!(why.contains("4294967295"), "{why}");
    // One byte over the limit is refused too, a frame at the limit is not announced as too long.
    let mut over = raw(&socket);
    send_bytes(&mut over, &(wire::MAX_FRAME + 1).to_be_bytes()).expect("send");
    dropped_with_failure(&mut over, "MAX_FRAME + 1");
    still_served(&w.desk, "a frame claiming 4 GiB");

    // (e) A request before the greeting is refused, the connection kept; after the greeting it is served.
    let mut early = raw(&socket);
    let (head, _) = w.desk.store().journal_head().expect("head");
    for request in [
        Request::Len {
            tree: T::Structures,
        },
        Request::Execute {
            acting_as: None,
            line: note("avant bonjour"),
        },
    ] {
        match ask(&mut early, &request) {
            Reply::Failed(why) => assert!(why.contains("bonjour"), "{why}"),
            other => panic!("{request:?} before hello: {other:?}"),
        }
    }
    assert_eq!(
        w.desk.store().journal_head().expect("head").0,
        head,
        "nothing journaled before hello"
    );
    match ask(
        &mut early,
        &Request::Hello {
            protocol: wire::PROTOCOL,
        },
    ) {
        Reply::Welcome { login: who, .. } => assert_eq!(who, login()),
        other => panic!("hello: {other:?}"),
    }
    match ask(
        &mut early,
        &Request::Len {
            tree: T::Structures,
        },
    ) {
        Reply::Count(n) => assert_eq!(n, 5),
        other => panic!("len: {other:?}"),
    }
    // A second hello, and another protocol version, are refused without closing.
    match ask(
        &mut early,
        &Request::Hello {
            protocol: wire::PROTOCOL,
        },
    ) {
        Reply::Failed(why) => assert!(why.contains("déjà identifié"), "{why}"),
        other => panic!("second hello: {other:?}"),
    }
    let mut old = raw(&socket);
    match ask(&mut old, &Request::Hello { protocol: 999 }) {
        Reply::Failed(why) => assert!(why.contains("999"), "{why}"),
        other => panic!("hello 999: {other:?}"),
    }
    still_served(&w.desk, "requests before hello");

    // (f) Well-framed bodies that are no request: an unknown tree, an unknown request, a key claiming 2^62
    // bytes, a request followed by stray bytes, an empty body.
    let len = body(&Request::Len { tree: T::Journal });
    assert_eq!(
        len,
        vec![3, T::Journal as u8],
        "the encoding the forged frames below start from"
    );
    let forged: Vec<(&str, Vec<u8>)> = vec![
        ("unknown tree 99", vec![3, 99]),
        ("unknown request 200", vec![200, 0]),
        (
            "a key of 2^62 bytes",
            vec![1, 0, 253, 0, 0, 0, 0, 0, 0, 0, 0x40],
        ),
        (
            "stray bytes after a request",
            [len.clone(), vec![0]].concat(),
        ),
        ("an empty body", Vec::new()),
    ];
    for (what, forged_body) in forged {
        let (mut stream, _, _) = raw_hello(&socket);
        send_bytes(&mut stream, &framed(&forged_body)).expect("send");
        dropped_with_failure(&mut stream, what);
        still_served(&w.desk, what);
    }
    // The same before hello.
    let mut stream = raw(&socket);
    send_bytes(&mut stream, &framed(&[3, 99])).expect("send");
    dropped_with_failure(&mut stream, "unknown tree before hello");

    // (b) The truncated frame: dropped once the server's stall timeout passed, not before.
    let end = ending(&mut truncated);
    let waited = truncated_at.elapsed();
    assert!(end.closed, "the truncated frame is dropped: {end:?}");
    assert!(end.others.is_empty(), "{end:?}");
    assert!(
        waited >= Duration::from_secs(9) && waited < Duration::from_secs(20),
        "dropped after {waited:?}"
    );
    still_served(&w.desk, "the truncated frame was dropped");

    let peak_after = peak_memory_kb(w.server.pid());
    assert!(
        peak_after < peak_before + 64 * 1024,
        "the server's peak memory went from {peak_before} kB to {peak_after} kB"
    );
    journal_verifies_through_the_server(&w.db);
    assert!(
        w.server.stderr().lines().count() <= 1,
        "the server printed: {}",
        w.server.stderr()
    );
}

#[test]
fn a_client_that_never_reads_is_dropped_and_never_slows_the_writers() {
    let w = world();
    let socket = w.server.socket().to_path_buf();
    // Says hello, then never reads a byte: not even the welcome.
    let mut sleeper = raw(&socket);
    send(
        &mut sleeper,
        &Request::Hello {
            protocol: wire::PROTOCOL,
        },
    )
    .expect("hello");
    // A reader that keeps up, on a raw socket, to compare.
    let (mut keeper, _, _) = raw_hello(&socket);
    let (tx, notices) = mpsc::channel();
    let keeper_thread = std::thread::spawn(move || {
        while let Ok(frame) = common::server::recv(&mut keeper) {
            if let wire::Frame::Notice(wire::Notice::Changed { seq, .. }) = frame
                && tx.send(seq).is_err()
            {
                break;
            }
        }
        keeper
    });

    let started = Instant::now();
    let mut slowest = Duration::ZERO;
    let mut dropped_after = None;
    let mut last = 0;
    for i in 0..5000 {
        let t = Instant::now();
        last = done(&w.desk, &chorus_account(i)).seq;
        slowest = slowest.max(t.elapsed());
        if hung_up(&sleeper) {
            dropped_after = Some(i + 1);
            break;
        }
    }
    let took = started.elapsed();
    let writes = dropped_after.unwrap_or_else(|| {
        panic!("the client that never reads is still connected after 5000 writes ({took:?})")
    });
    eprintln!(
        "the silent client was dropped after {writes} writes, in {took:?}; slowest write {slowest:?}"
    );
    assert!(writes >= 100, "dropped after {writes} writes only");
    assert!(
        slowest < Duration::from_secs(5),
        "a write waited {slowest:?} (the server's stall timeout is 10 s)"
    );
    // What was buffered for it, then the end of the stream.
    let end = ending(&mut sleeper);
    assert!(
        end.closed,
        "the silent client's connection is closed: {end:?}"
    );

    // The reader that keeps up saw every change, and is still connected.
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut seen = 0;
    while seen < last && Instant::now() < deadline {
        if let Ok(seq) = notices.recv_timeout(Duration::from_millis(100)) {
            seen = seen.max(seq);
        }
    }
    assert_eq!(seen, last, "the reading client heard of the last change");
    let link = w.desk.remote().expect("client desk").link();
    assert_eq!(link.state, LinkState::Connected);
    assert_eq!(
        link.changed, last,
        "the client desk heard of the last change"
    );
    assert_eq!(link.changed_by.as_deref(), Some(login().as_str()));
    still_served(&w.desk, "the silent client was dropped");
    journal_verifies_through_the_server(&w.db);
    drop(notices);
    drop(w);
    let _ = keeper_thread.join();
}

// ---------------------------------------------------------------------------------------------------------------
// 3. Identity
// ---------------------------------------------------------------------------------------------------------------

fn done_reply(reply: Reply, what: &str) -> u64 {
    match reply {
        Reply::Done(receipt) => receipt.seq,
        other => panic!("{what}: {other:?}"),
    }
}

fn refused_reply(reply: Reply, what: &str) -> Refusal {
    match reply {
        Reply::Refused(refusal) => refusal,
        other => panic!("{what}: {other:?}"),
    }
}

fn execute(acting_as: Option<&str>, line: &str) -> Request {
    Request::Execute {
        acting_as: acting_as.map(str::to_string),
        line: line.to_string(),
    }
}

/// Adds the administrator `chef`, who then makes the test's login a correspondant of the Hauts-de-Seine.
fn demote(stream: &mut UnixStream, desk: &Desk) {
    done_reply(
        ask(
            stream,
            &execute(
                None,
                r#"{"cmd":"operator.add","login":"chef","name":"Chef de service","direction":"DDFIP92","role":"admin"}"#,
            ),
        ),
        "operator.add chef",
    );
    let update = json!({"cmd": "operator.update", "login": login(), "role": "correspondant", "direction": "DDFIP92"})
        .to_string();
    let seq = done_reply(
        ask(stream, &execute(Some("chef"), &update)),
        "chef demotes the test login",
    );
    let journaled = entry(desk, seq);
    assert_eq!(journaled.draft.operator, "chef");
    assert_eq!(
        journaled.draft.via,
        Some(login()),
        "the real login journaled beside"
    );
}

/// A refusal for `permission` that changes no tree and is journaled once, under `operator` via `via`.
fn refused_and_journaled(
    desk: &Desk,
    run: impl FnOnce() -> Refusal,
    operator: &str,
    via: Option<&str>,
    names: &[&str],
) {
    let before = desk.store().dump_state().expect("dump");
    let (head, _) = desk.store().journal_head().expect("head");
    let refusal = run();
    assert_eq!(refusal.rule, Rule::Permission, "{}", refusal.message);
    for name in names {
        assert!(
            refusal.message.contains(name),
            "the refusal names {name}: {}",
            refusal.message
        );
    }
    assert!(
        before == desk.store().dump_state().expect("dump"),
        "a refusal changed a tree"
    );
    assert_eq!(
        desk.store().journal_head().expect("head").0,
        head + 1,
        "one journal entry"
    );
    let journaled = last_entry(desk);
    assert_eq!(journaled.draft.operator, operator);
    assert_eq!(journaled.draft.via.as_deref(), via);
    match journaled.draft.outcome {
        Outcome::Refused { rule, message, .. } => {
            assert_eq!(rule, "permission");
            assert_eq!(message, refusal.message);
        }
        other => panic!("journaled as {other:?}"),
    }
}

#[test]
fn the_operator_is_the_peer_login_and_acting_as_is_honoured_for_an_admin_only() {
    let w = world();
    let (mut stream, who, head) = raw_hello(w.server.socket());
    assert_eq!(who, login(), "the server names the peer's OS login");
    assert_eq!(head, w.acked.last().expect("world").seq);

    // Nothing in the frame names the operator: the command is journaled under the peer's login.
    let seq = done_reply(
        ask(&mut stream, &execute(None, &note("par la socket"))),
        "a note",
    );
    let journaled = entry(&w.desk, seq);
    assert_eq!(journaled.draft.operator, login());
    assert_eq!(journaled.draft.via, None);
    assert!(matches!(journaled.draft.outcome, Outcome::Done { .. }));

    // As an administrator, the peer may act as another operator: `chef` demotes the peer.
    demote(&mut stream, &w.desk);

    // Now a correspondant, the peer may no longer act as `chef`: refused, journaled — under his own login, not
    // in chef's name — and nothing changed.
    let line = note("en tant que chef");
    refused_and_journaled(
        &w.desk,
        || refused_reply(ask(&mut stream, &execute(Some("chef"), &line)), "as chef"),
        &login(),
        None,
        &[&login(), "administrateur"],
    );
    // The same through the command line, `--as chef`: the identity comes from the socket.
    let out = cli_with_input(&w.db, &["-v", "--as", "chef", "batch", "-"], &line);
    assert!(
        stderr(&out).contains("client du serveur"),
        "{}",
        stderr(&out)
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(batch_results(&out)[0]["error"]["rule"], "permission");
    // A preview as `chef` is refused too.
    let refusal = refused_reply(
        ask(
            &mut stream,
            &Request::Preview {
                acting_as: Some("chef".to_string()),
                line: line.clone(),
            },
        ),
        "preview as chef",
    );
    assert_eq!(refusal.rule, Rule::Permission);
    // And so is a whole import as `chef`.
    match ask(
        &mut stream,
        &Request::ExecuteAll {
            acting_as: Some("chef".to_string()),
            lines: vec![line.clone()],
            dry_run: false,
            what: "import".to_string(),
        },
    ) {
        Reply::Refused(r) => assert_eq!(r.rule, Rule::Permission, "{}", r.message),
        Reply::ManyRefused(lines) => assert!(
            lines.iter().all(|(_, r)| r.rule == Rule::Permission),
            "{lines:?}"
        ),
        other => panic!("import as chef: {other:?}"),
    }
    journal_verifies_through_the_server(&w.db);
}

#[test]
fn a_lecteur_writes_nothing_through_the_server() {
    let w = world();
    done(
        &w.desk,
        r#"{"cmd":"operator.add","login":"lea.l","name":"Léa Lemoine","direction":"DRFIP69","role":"lecteur"}"#,
    );
    // `--as lea.l` on the command line, a client of the server.
    let line = note("par une lectrice");
    refused_and_journaled(
        &w.desk,
        || {
            let out = cli_with_input(&w.db, &["-v", "--as", "lea.l", "batch", "-"], &line);
            assert!(
                stderr(&out).contains("client du serveur"),
                "{}",
                stderr(&out)
            );
            assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
            let error = &batch_results(&out)[0]["error"];
            Refusal::permission(error["message"].as_str().expect("message"))
        },
        "lea.l",
        Some(&login()),
        &["lea.l", "lecteur"],
    );
    // `acting_as` on a raw frame.
    let (mut stream, _, _) = raw_hello(w.server.socket());
    let update = format!(r#"{{"cmd":"structure.update","siret":"{EPN_69}","name":"INAS"}}"#);
    refused_and_journaled(
        &w.desk,
        || {
            refused_reply(
                ask(&mut stream, &execute(Some("lea.l"), &update)),
                "lecteur",
            )
        },
        "lea.l",
        Some(&login()),
        &["lea.l", "lecteur"],
    );
    // She reads.
    let out = cli(
        &w.db,
        &["--as", "lea.l", "show", "dossier", SUIVI, "--json"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn a_correspondant_of_ddfip92_cannot_touch_a_drfip69_dossier_through_the_server() {
    let w = world();
    let (mut stream, _, _) = raw_hello(w.server.socket());
    demote(&mut stream, &w.desk);
    // The client desk in this process.
    refused_and_journaled(
        &w.desk,
        || match w.desk.execute_line(&me(), &note("hors de ma direction")) {
            Err(DeskError::Refused(r)) => r,
            other => panic!("a note on a dossier of the Rhône: {other:?}"),
        },
        &login(),
        None,
        &[&login(), "DRFIP69", "DDFIP92"],
    );
    // The command line.
    let qualify = format!(r#"{{"cmd":"dossier.qualify","dossier":"{SUIVI}"}}"#);
    refused_and_journaled(
        &w.desk,
        || {
            let out = cli_with_input(&w.db, &["batch", "-"], &qualify);
            assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
            let error = &batch_results(&out)[0]["error"];
            assert_eq!(error["rule"], "permission", "{error}");
            Refusal::permission(error["message"].as_str().expect("message"))
        },
        &login(),
        None,
        &[&login()],
    );
    // A raw frame.
    let update = format!(r#"{{"cmd":"structure.update","siret":"{EPN_69}","name":"INAS"}}"#);
    refused_and_journaled(
        &w.desk,
        || {
            refused_reply(
                ask(&mut stream, &execute(None, &update)),
                "structure.update",
            )
        },
        &login(),
        None,
        &[&login(), "DRFIP69"],
    );
    // Reading stays open to him.
    let dossier = cli_json(&w.db, &["show", "dossier", SUIVI]);
    assert_eq!(dossier["direction"], "DRFIP69");
}

// ---------------------------------------------------------------------------------------------------------------
// 4. Permissions of the socket and the directory
// ---------------------------------------------------------------------------------------------------------------

#[test]
fn without_a_group_the_socket_is_0600_and_the_database_directory_0700() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("base");
    let mut server = Server::start(&db, &[]);
    assert_eq!(mode(server.socket()), 0o600, "the socket");
    assert_eq!(mode(&db), 0o700, "the database directory");
    sled_files_private(&db);
    assert!(
        server.stderr().contains("le propriétaire seul"),
        "{}",
        server.stderr()
    );
    assert!(server.terminate().success());
}

#[test]
fn with_a_group_the_socket_is_0660_and_the_directory_0710_both_given_to_it() {
    let (primary, name) = primary_group();
    let mut groups = vec![name.clone().unwrap_or_else(|| primary.to_string())];
    // As root, a group that is not this process's own shows the change of group too.
    // SAFETY: geteuid cannot fail and touches no memory.
    if unsafe { libc::geteuid() } == 0 {
        groups.push(if primary == 54_321 { 54_322 } else { 54_321 }.to_string());
    }
    for group in groups {
        let expected = group.parse::<u32>().unwrap_or(primary);
        let dir = tempfile::tempdir().expect("tempdir");
        let db = dir.path().join("base");
        let mut server = Server::start(&db, &["--group", &group]);
        assert_eq!(mode(server.socket()), 0o660, "--group {group}: the socket");
        assert_eq!(
            gid(server.socket()),
            expected,
            "--group {group}: the socket's group"
        );
        assert_eq!(mode(&db), 0o710, "--group {group}: the database directory");
        assert_eq!(gid(&db), expected, "--group {group}: the directory's group");
        sled_files_private(&db);
        assert!(
            server
                .stderr()
                .contains(&format!("le groupe {group} ({expected})")),
            "{}",
            server.stderr()
        );
        // Served as usual.
        let desk = client_desk(&db);
        done(&desk, &lines_of(WORLD)[0]);
        assert!(server.terminate().success());
        assert!(!server.socket().exists());
        sled_files_private(&db);
    }
}

#[test]
fn an_unknown_group_is_refused_with_status_2_and_its_name() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("base");
    let mut cmd = command(&db);
    cmd.args(["serve", "--group", "groupe-inexistant-42"]);
    let out = run_bounded(cmd, None, Duration::from_secs(20));
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("aucun groupe « groupe-inexistant-42 »"),
        "{}",
        stderr(&out)
    );
    assert!(!db.exists(), "no database was created");
}

// ---------------------------------------------------------------------------------------------------------------
// 5. A clean stop
// ---------------------------------------------------------------------------------------------------------------

/// The n-th line (1-based) fed to the streaming batch: Chorus Pro accounts, a note every fourth line.
fn streamed(n: usize) -> String {
    if n.is_multiple_of(4) {
        note(&format!("note {n}"))
    } else {
        chorus_account(n)
    }
}

#[test]
fn sigterm_while_a_batch_streams_stops_cleanly_with_every_acknowledged_line_on_disk() {
    let mut w = world();
    let mut batch = command(&w.db)
        .args(["-v", "batch", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn batch");
    let mut input = batch.stdin.take().expect("stdin");
    // Feeds lines for as long as the batch reads them (up to 100 000).
    let feeder = std::thread::spawn(move || {
        for n in 1..=100_000 {
            if writeln!(input, "{}", streamed(n)).is_err() {
                break;
            }
        }
    });
    let (tx, results) = mpsc::channel::<String>();
    let stdout = batch.stdout.take().expect("stdout");
    let reader = std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            match line {
                Ok(line) => {
                    if tx.send(line).is_err() {
                        break;
                    }
                }
                Err(_) => break,
            }
        }
    });
    let (errors, _) = {
        let stderr = batch.stderr.take().expect("stderr");
        let (tx, rx) = mpsc::channel::<String>();
        let handle = std::thread::spawn(move || {
            let mut text = String::new();
            let _ = std::io::Read::read_to_string(&mut BufReader::new(stderr), &mut text);
            let _ = tx.send(text);
        });
        (rx, handle)
    };

    // Let the stream flow: 30 answers.
    let mut answers = Vec::new();
    while answers.len() < 30 {
        match results.recv_timeout(Duration::from_secs(10)) {
            Ok(line) => answers.push(line),
            Err(e) => panic!(
                "the batch stopped answering after {} lines: {e}",
                answers.len()
            ),
        }
    }
    // SIGTERM while it flows.
    let pid = w.server.pid();
    let signalled = Instant::now();
    signal(pid, libc::SIGTERM);
    let link = w.desk.remote().expect("client desk");
    while link.link().state == LinkState::Connected && signalled.elapsed() < Duration::from_secs(1)
    {
        std::thread::sleep(Duration::from_millis(5));
    }
    let state = link.link().state;
    assert!(
        matches!(state, LinkState::Closing | LinkState::Gone),
        "the client desk still sees {state:?} a second after SIGTERM"
    );
    let status = w
        .server
        .wait_exit(Duration::from_secs(5))
        .unwrap_or_else(|| {
            panic!(
                "the server still runs 5 s after SIGTERM:\n{}",
                w.server.stderr()
            )
        });
    let took = signalled.elapsed();
    assert!(status.success(), "{status:?}\n{}", w.server.stderr());
    assert!(!w.server.socket().exists(), "the socket file is removed");
    assert!(
        w.server.stderr().contains("arrêté"),
        "{}",
        w.server.stderr()
    );

    // The batch client ends by itself, with a French message and a failure status.
    let batch_status = wait_for(&mut batch, Duration::from_secs(10)).unwrap_or_else(|| {
        let _ = batch.kill();
        panic!("the batch client still runs 10 s after the server stopped")
    });
    let _ = reader.join();
    let _ = feeder.join();
    answers.extend(results.try_iter());
    let said = errors
        .recv_timeout(Duration::from_secs(5))
        .expect("the batch's standard error");
    eprintln!(
        "server stopped in {took:?}; the batch acknowledged {} lines, then said: {said}",
        answers.len()
    );
    assert!(
        !batch_status.success(),
        "the batch client: {batch_status:?}"
    );
    assert!(
        said.contains("ne répond plus") || said.contains("s'arrête"),
        "the batch client says the server is gone: {said}"
    );

    // Every acknowledged line is in the database, nothing half-written, the journal verifies.
    let mut acked = w.acked.clone();
    for answer in &answers {
        if let Some((n, seq)) = accepted(answer).unwrap_or_else(|e| panic!("{e}")) {
            acked.push(Acked {
                seq,
                line: streamed(n),
            });
        }
    }
    assert!(acked.len() >= w.acked.len() + 30);
    check_after_crash(&w.db, &acked).unwrap_or_else(|e| panic!("{e}"));
}

// ---------------------------------------------------------------------------------------------------------------
// 6. A server that vanishes, and comes back
// ---------------------------------------------------------------------------------------------------------------

#[test]
fn a_killed_server_gives_its_client_an_error_and_a_restarted_one_serves_it_again() {
    let mut w = world();
    let status = w.server.kill();
    assert!(!status.success());
    assert!(
        w.server.socket().exists(),
        "a killed server leaves its socket"
    );

    match w.desk.execute_line(&me(), &note("serveur tué")) {
        Err(DeskError::Store(e)) => assert!(
            e.to_string().contains("ne répond plus"),
            "the error says the server does not answer: {e}"
        ),
        other => panic!("a command to a killed server: {other:?}"),
    }
    match w.desk.store().journal_head() {
        Err(e) => assert!(e.to_string().contains("ne répond plus"), "{e}"),
        Ok(head) => panic!("a read from a killed server: {head:?}"),
    }
    assert_eq!(
        w.desk.remote().expect("client desk").link().state,
        LinkState::Gone
    );

    let _server = Server::start(&w.db, &[]);
    // The same desk reconnects by itself.
    let receipt = done(&w.desk, &note("serveur relancé"));
    assert_eq!(
        receipt.seq,
        w.acked.last().expect("world").seq + 1,
        "the refused attempt left nothing"
    );
    assert_eq!(
        w.desk.remote().expect("client desk").link().state,
        LinkState::Connected
    );
    still_served(&w.desk, "a restart");
}

// ---------------------------------------------------------------------------------------------------------------
// 7. A second server, a stale socket
// ---------------------------------------------------------------------------------------------------------------

#[test]
fn a_second_server_on_the_same_database_exits_2_and_the_first_keeps_serving() {
    let w = world();
    let mut cmd = command(&w.db);
    cmd.arg("serve");
    let out = run_bounded(cmd, None, Duration::from_secs(20));
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(&w.db.display().to_string()),
        "the message names the database: {}",
        stderr(&out)
    );
    assert!(
        w.server.socket().exists(),
        "the first server's socket stays"
    );
    still_served(&w.desk, "a second server was turned away");
    let out = cli(&w.db, &["-v", "show", "dossier", SUIVI]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("client du serveur"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_stale_socket_stops_neither_a_direct_command_nor_a_new_server() {
    let mut w = world();
    w.server.kill();
    assert!(
        w.server.socket().exists(),
        "the killed server's socket is left"
    );

    // No server: the command line opens the database directly, and says so.
    let out = cli_with_input(&w.db, &["-v", "batch", "-"], &note("sans serveur"));
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("base ouverte directement"),
        "{}",
        stderr(&out)
    );
    let out = cli(&w.db, &["-v", "show", "dossier", SUIVI, "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("base ouverte directement"),
        "{}",
        stderr(&out)
    );
    let shown: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(shown["ref"], SUIVI);

    // A new server takes the place.
    let mut server = Server::start(&w.db, &[]);
    let out = cli(&w.db, &["-v", "show", "dossier", SUIVI, "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("client du serveur"),
        "{}",
        stderr(&out)
    );
    still_served(&w.desk, "a new server on a stale socket");
    assert!(server.terminate().success());
}

// ---------------------------------------------------------------------------------------------------------------
// Another user on the same machine (root only: the client runs as `nobody`)
// ---------------------------------------------------------------------------------------------------------------

#[test]
fn another_user_is_known_by_his_uid_and_reaches_the_socket_only_through_the_group() {
    use std::os::unix::fs::PermissionsExt;
    use std::os::unix::process::CommandExt;
    // SAFETY: geteuid cannot fail and touches no memory.
    if unsafe { libc::geteuid() } != 0 {
        eprintln!("skipped: running a client as another user needs root");
        return;
    }
    const UID: u32 = 65_534;
    const GID: u32 = 54_321;
    let Some(other) = guichet::net::peer::login_of(UID) else {
        eprintln!("skipped: no account for the uid {UID}");
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("base");
    // The socket in a directory anyone may cross, the database in one only root may.
    let shared = tempfile::tempdir().expect("tempdir");
    std::fs::set_permissions(shared.path(), std::fs::Permissions::from_mode(0o711)).expect("chmod");
    let socket = shared.path().join("guichet.sock");
    let socket_arg = socket.to_str().expect("UTF-8 path");
    let as_other = |args: &[&str], input: Option<&str>| -> Output {
        let mut cmd = command(&db);
        cmd.arg("--socket")
            .arg(&socket)
            .args(args)
            .uid(UID)
            .gid(GID);
        run_bounded(cmd, input.map(str::as_bytes), common::server::CLI_LIMIT)
    };

    // Without a group, the socket is its owner's alone.
    let mut server = Server::start(&db, &["--socket", socket_arg]);
    let out = as_other(&["-v", "report", "queues"], None);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("injoignable"), "{}", stderr(&out));
    assert!(server.terminate().success());

    // With his group, he reaches it; the server knows him by his uid's login, an operator of nothing yet.
    let mut server = Server::start(&db, &["--socket", socket_arg, "--group", &GID.to_string()]);
    let desk = common::server::client_desk_at(&db, &socket);
    for line in lines_of(WORLD).into_iter().chain([suivi_dossier()]) {
        done(&desk, &line);
    }
    let line = note(&format!("par {other}"));
    refused_and_journaled(
        &desk,
        || {
            let out = as_other(&["-v", "batch", "-"], Some(&line));
            assert!(
                stderr(&out).contains(&format!("(opérateur {other})")),
                "{}",
                stderr(&out)
            );
            assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
            let error = &batch_results(&out)[0]["error"];
            Refusal::permission(error["message"].as_str().expect("message"))
        },
        &other,
        None,
        &[&other, "n'est pas un opérateur"],
    );
    let out = as_other(&["show", "dossier", SUIVI], None);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(&format!("{other} n'est pas un opérateur")),
        "reads are for operators: {}",
        stderr(&out)
    );
    // Naming the administrator changes nothing: the kernel says who he is, and the refusal is his.
    refused_and_journaled(
        &desk,
        || {
            let out = as_other(&["--as", &login(), "batch", "-"], Some(&line));
            assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
            let error = &batch_results(&out)[0]["error"];
            Refusal::permission(error["message"].as_str().expect("message"))
        },
        &other,
        None,
        &[&other, "administrateur"],
    );

    // Once a lecteur, he reads, and still writes nothing.
    done(
        &desk,
        &json!({"cmd": "operator.add", "login": other, "name": "Autre agent", "direction": "DRFIP69", "role": "lecteur"})
            .to_string(),
    );
    let out = as_other(&["show", "dossier", SUIVI, "--json"], None);
    assert!(out.status.success(), "{}", stderr(&out));
    refused_and_journaled(
        &desk,
        || {
            let out = as_other(&["batch", "-"], Some(&line));
            assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
            let error = &batch_results(&out)[0]["error"];
            Refusal::permission(error["message"].as_str().expect("message"))
        },
        &other,
        None,
        &[&other, "lecteur"],
    );
    assert!(server.terminate().success());
}

// ---------------------------------------------------------------------------------------------------------------
// Bugs found while writing these tests, fixed since
// ---------------------------------------------------------------------------------------------------------------

/// The one refusal a client states itself — a line it could not read — is journaled under the peer's login,
/// never in the name of the operator a non-administrator says he acts as.
#[test]
fn a_refused_line_sent_by_a_non_admin_is_not_journaled_as_another_operators() {
    let w = world();
    let (mut stream, _, _) = raw_hello(w.server.socket());
    demote(&mut stream, &w.desk);
    let (head, _) = w.desk.store().journal_head().expect("head");
    let reply = ask(
        &mut stream,
        &Request::RefuseLine {
            acting_as: Some("chef".to_string()),
            line: "{ pas du JSON".to_string(),
            refusal: Refusal::syntax("ligne illisible"),
        },
    );
    assert!(
        matches!(reply, Reply::Refused(_) | Reply::Failed(_)),
        "a refused line as chef: {reply:?}"
    );
    let (after, _) = w.desk.store().journal_head().expect("head");
    assert!(after <= head + 1, "at most one entry");
    if after > head {
        let journaled = last_entry(&w.desk);
        assert!(
            matches!(journaled.draft.outcome, Outcome::Refused { .. }),
            "{journaled:?}"
        );
        assert_eq!(
            journaled.draft.operator,
            login(),
            "a correspondant's refused line is journaled under his login: {:?}",
            journaled.draft
        );
    }
}

/// A client cannot have the server journal a refusal of its choosing — a rule of the note it made up, for a
/// line the server never checked: only an unreadable line (`syntax`) is refused on the client's word.
#[test]
fn a_client_cannot_journal_a_refusal_of_its_own_choosing() {
    let w = world();
    let (mut stream, _, _) = raw_hello(w.server.socket());
    let (head, _) = w.desk.store().journal_head().expect("head");
    let made_up = Refusal {
        rule: Rule::R18,
        field: Some("email".to_string()),
        message: "R18 anti-fraude : usurpation suspectée (inventé par le client)".to_string(),
    };
    let reply = ask(
        &mut stream,
        &Request::RefuseLine {
            acting_as: None,
            line: note("une note que le serveur n'a jamais vue"),
            refusal: made_up,
        },
    );
    let (after, _) = w.desk.store().journal_head().expect("head");
    let journaled = (after > head).then(|| last_entry(&w.desk));
    assert!(
        !journaled.as_ref().is_some_and(|e| matches!(
            &e.draft.outcome,
            Outcome::Refused { rule, .. } if rule == "R18"
        )),
        "the server journaled the client's made-up R18 ({reply:?}): {journaled:?}"
    );
}

#[test]
fn an_import_acting_as_another_operator_by_a_non_admin_is_refused_and_journaled() {
    let w = world();
    let (mut stream, _, _) = raw_hello(w.server.socket());
    demote(&mut stream, &w.desk);
    let line = note("import en tant que chef");
    refused_and_journaled(
        &w.desk,
        || {
            refused_reply(
                ask(
                    &mut stream,
                    &Request::ExecuteAll {
                        acting_as: Some("chef".to_string()),
                        lines: vec![line.clone()],
                        dry_run: false,
                        what: "import".to_string(),
                    },
                ),
                "an import as chef",
            )
        },
        &login(),
        None,
        &[&login(), "administrateur"],
    );
}

#[test]
fn a_socket_path_naming_a_regular_file_does_not_cost_the_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("base");
    let file = dir.path().join("notes.txt");
    std::fs::write(&file, "précieux\n").expect("write");
    let file_arg = file.to_str().expect("UTF-8 path");
    match Server::try_start(&db, &["--socket", file_arg]) {
        Ok(mut server) => {
            server.terminate();
        }
        Err((status, said)) => {
            assert_eq!(status.and_then(|s| s.code()), Some(2), "{said}");
        }
    }
    assert_eq!(
        std::fs::read_to_string(&file).ok().as_deref(),
        Some("précieux\n"),
        "guichet serve --socket <a regular file> removed the file"
    );
}

#[test]
fn a_view_on_a_missing_database_beside_a_stale_socket_creates_nothing() {
    let mut w = world();
    w.server.kill();
    let stale = w.server.socket().to_str().expect("UTF-8 path").to_string();
    let missing = w.db.with_file_name("nulle-part");
    let out = cli(&missing, &["--socket", &stale, "report", "queues"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        !missing.exists(),
        "a view created a database at {}",
        missing.display()
    );
}

#[test]
fn a_flood_of_connections_costs_connections_not_the_server() {
    use std::os::unix::process::CommandExt;
    // SAFETY: geteuid cannot fail and touches no memory.
    if unsafe { libc::geteuid() } != 0 {
        eprintln!("skipped: running the server as another user with a thread limit needs root");
        return;
    }
    const UID: u32 = 65_534;
    // The server runs as `nobody`, allowed 64 threads: a few dozen connections reach the limit.
    let dir = tempfile::tempdir().expect("tempdir");
    std::os::unix::fs::chown(dir.path(), Some(UID), Some(UID)).expect("chown");
    let db = dir.path().join("base");
    let started = Server::try_start_with(&db, &[], |cmd| {
        cmd.uid(UID).gid(UID);
        // SAFETY: setrlimit is async-signal-safe and only lowers this child's own limit.
        unsafe {
            cmd.pre_exec(|| {
                let limit = libc::rlimit {
                    rlim_cur: 64,
                    rlim_max: 64,
                };
                if libc::setrlimit(libc::RLIMIT_NPROC, &limit) != 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
    });
    let mut server = match started {
        Ok(server) => server,
        Err((status, said)) => panic!("the server as nobody did not start ({status:?}): {said}"),
    };
    let mut flood = Vec::new();
    for _ in 0..100 {
        match UnixStream::connect(server.socket()) {
            Ok(stream) => flood.push(stream),
            Err(_) => break,
        }
    }
    // The server takes the connections in turn; give it the time to take them all, then to see them go.
    std::thread::sleep(Duration::from_millis(1000));
    let connected = flood.len();
    drop(flood);
    std::thread::sleep(Duration::from_millis(500));
    assert!(
        server.running(),
        "{connected} connections crashed the server:\n{}",
        server.stderr()
    );
    let (_stream, who, _) = raw_hello(server.socket());
    assert_eq!(who, login(), "served again once the flood is gone");
}

#[test]
fn a_frame_stalled_inside_its_length_is_dropped_like_one_stalled_in_its_body() {
    let w = world();
    let mut stalled = raw(w.server.socket());
    stalled
        .set_read_timeout(Some(Duration::from_secs(15)))
        .expect("timeout");
    // Two bytes of the four of a length, then nothing.
    send_bytes(&mut stalled, &[0, 0]).expect("send");
    let since = Instant::now();
    still_served(&w.desk, "half a length");
    let end = ending(&mut stalled);
    assert!(
        end.closed,
        "after {:?} the server still waits for the rest of a length: {end:?}",
        since.elapsed()
    );
}

#[test]
fn many_keys_in_one_round_trip_read_as_one_at_a_time_and_too_many_are_refused() {
    use guichet::store::T;
    let w = world();
    let store = w.desk.store();
    let mut keys: Vec<Vec<u8>> = store
        .keys(T::Structures, b"", 0, usize::MAX)
        .expect("structures")
        .into_iter()
        .map(|k| k.to_vec())
        .collect();
    assert!(!keys.is_empty(), "the world has structures");
    keys.push(b"absent".to_vec());
    // More than one request's worth: the client splits them.
    let many: Vec<Vec<u8>> = keys
        .iter()
        .cycle()
        .take(wire::MAX_KEYS + 3)
        .cloned()
        .collect();
    let values = store.get_many_raw(T::Structures, &many).expect("get many");
    assert_eq!(values.len(), many.len());
    for (key, value) in many.iter().zip(&values) {
        assert_eq!(
            value,
            &store.get_raw(T::Structures, key).expect("get"),
            "{key:?}"
        );
    }
    let absent = many
        .iter()
        .position(|k| k == b"absent")
        .expect("absent asked");
    assert_eq!(
        values[absent], None,
        "an absent key reads as absent, in its place"
    );
    // A client that asks more than a request may hold is answered a refusal, and served on.
    let (mut stream, _, _) = raw_hello(w.server.socket());
    let reply = ask(
        &mut stream,
        &Request::GetMany {
            tree: T::Structures,
            keys: vec![b"k".to_vec(); wire::MAX_KEYS + 1],
        },
    );
    match reply {
        Reply::Failed(why) => assert!(why.contains("trop de clés"), "{why}"),
        other => panic!("too many keys answered {other:?}"),
    }
    still_served(&w.desk, "a GetMany too large");
}

#[test]
fn the_directory_filter_through_the_server_finds_what_a_scan_of_every_account_finds() {
    use guichet::domain::user::User;
    use guichet::store::T;
    let w = world();
    // More accounts than the first pages of a long iteration hold (512, then 1,024…): the name index is read
    // across pages of growing length.
    for i in 0..1_600 {
        let nom = if i % 10 == 3 { "Dupontel" } else { "Martin" };
        done(
            &w.desk,
            &format!(
                r#"{{"cmd":"chorus.account","email":"agent{i}@inas-lyon.fr","civilite":"M","nom":"{nom}","prenom":"Paul{i:04}"}}"#
            ),
        );
    }
    let store = w.desk.store();
    let mut users: Vec<User> = store
        .scan::<User>(T::Users, b"")
        .expect("users")
        .into_iter()
        .map(|(_, u)| u)
        .collect();
    users.sort_by_cached_key(|u| (u.sort_name(), u.id.0));
    let names: Vec<u64> = store
        .rows(T::UsersByName, b"", false)
        .expect("rows")
        .map(|row| {
            let (k, _) = row.expect("row");
            guichet::store::keys::user_of_name(&k).expect("user").0
        })
        .collect();
    assert_eq!(
        names,
        users.iter().map(|u| u.id.0).collect::<Vec<_>>(),
        "every row of the name index, once, in order"
    );
    // The packed postings travel with their values: the rows of a trigram, then the holders' texts.
    for needle in ["dupontel", "paul0", "martin paul1", "inas-lyon", "zzz"] {
        for budget in [0, 3, 2048] {
            let mut found = store.directory_search(needle, budget).expect("search");
            store
                .directory_search_more(&mut found, usize::MAX)
                .expect("to the end");
            let ids: Vec<u64> = found.page(0, usize::MAX).iter().map(|id| id.0).collect();
            let expected: Vec<u64> = users
                .iter()
                .filter(|u| u.search_text().contains(needle))
                .map(|u| u.id.0)
                .collect();
            assert_eq!(ids, expected, "« {needle} », budget {budget}");
        }
    }
    // A walk of the name index through the server receives the rows holding the needle's rarest trigram (160
    // Dupontel), not each row the server examines (every account).
    let before = store.reads();
    let mut found = store.directory_search("dupontel", 0).expect("search");
    store
        .directory_search_more(&mut found, usize::MAX)
        .expect("to the end");
    let read = store.reads() - before;
    assert_eq!(found.known(), 160);
    assert!(
        read < 400,
        "{read} rows received for 160 matches among {} accounts",
        users.len()
    );
}

#[test]
fn a_filter_over_the_structures_through_the_server_sends_only_the_matches_and_finds_them_all() {
    let w = world();
    // Twenty more structures, so that a slice of a row is a small part of the index.
    for i in 0..20 {
        done(
            &w.desk,
            &format!(
                r#"{{"cmd":"structure.add","siret":"{}","name":"Chambre {i:02}","category":"CCI","postal_code":"92000","city":"Nanterre"}}"#,
                common::siret(&format!("5{i:012}"))
            ),
        );
    }
    let store = w.desk.store();
    let every = common::structure_names(store);
    assert!(every.len() >= 25, "the world's structures and twenty");
    // Read in slices of one row (and one looked ahead), then, past them, the rest for the rows holding the needle:
    // only the matches cross the socket; the list is exact.
    for needle in ["lycee", "nanterre", "1992013", "eple", "zzz", "e"] {
        let before = store.reads();
        let found = common::structures_found_whole(store, needle, 2, 1);
        let expected: Vec<_> = every
            .iter()
            .filter(|(_, text)| text.contains(needle))
            .map(|(siret, _)| *siret)
            .collect();
        assert!(found.exact(), "« {needle} »");
        assert_eq!(found.page(0, usize::MAX), expected, "« {needle} »");
        let read = store.reads() - before;
        assert!(
            read <= 2 + expected.len() as u64,
            "« {needle} »: {read} rows for {} matches: only the matches reach the client past the slices",
            expected.len()
        );
    }
    // A slice longer than the index reads it all, and is exact.
    let found = store.structures_search("e", 30).expect("search");
    assert!(found.exact());
    // The server answers the rest from its memory: a structure added since is in it.
    let quimperle = || common::structures_found_whole(store, "quimperle", 1, 1).known();
    assert_eq!(quimperle(), 0);
    done(
        &w.desk,
        &format!(
            r#"{{"cmd":"structure.add","siret":"{}","name":"Office HLM de Quimperlé","category":"OPH","has_comptable":true,"postal_code":"29300","city":"Quimperlé"}}"#,
            common::siret("7000000000001")
        ),
    );
    assert_eq!(quimperle(), 1, "the structure added is found");
}
