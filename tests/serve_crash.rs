//! Issue 6, crash, against the team server: `guichet serve` is killed with SIGKILL while three `guichet batch -`
//! clients (which reach it through `<db>/guichet.sock`, as every command does when a server answers there) are
//! writing through it, at random moments, `KILLS` times, on the same database. After each kill:
//!
//! - each client exits by itself, soon, with a non-zero status and a French message on its standard error (no
//!   client hangs on a dead server, none falls back to writing the base behind it);
//! - `common::crash::check_after_crash`'s survey proves that every line any client was told is done (`{"ok":true,
//!   "seq":S}`) — in this run or any earlier one — is in the journal at `S` with its effect, that nothing is
//!   half-written, that the indexes, counters and invariants agree and that the journal verifies;
//! - the journal gained exactly the lines the clients sent, each client's in its own order: the answered ones, plus
//!   at most one per client committed by the server but not yet answered when the kill landed.
//!
//! Three clients each have at most one command in flight, so a kill can leave up to three committed but
//! unanswered lines, interleaved in any order: the check attributes every new journal entry to the client whose
//! stream it continues.
//!
//! The number of kills: each one costs a server start (sled recovering the previous kill's log), three client
//! starts, a few hundred milliseconds of writing and a full re-check of a base that grows with every run (the
//! checker re-reads every record and re-proves every acknowledged line, so the later kills cost the most). 20 kills
//! of a server under three clients interrupt 60 client streams, more than the 32 streams of the single batch in
//! `tests/crash.rs`, and take about 25 s in a debug build on two cores (the checks grow from 0.2 s to 2 s a kill),
//! well within the minute this test may take, with room for the other test binaries `cargo test` runs beside it.
//!
//! The seed is printed; `SERVE_CRASH_SEED=<seed>` replays the same streams and delays (the moments the kills land
//! still depend on the machine's timing).

mod common;

use common::crash::{Acked, accepted, normalised, survey};
use common::siret;
use guichet::store::journal::Outcome;
use serde_json::Value;
use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::net::UnixStream;
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// How many times the server is killed (see the module's comment for why this many).
const KILLS: usize = 20;
/// How many batch clients write through the server at once.
const CLIENTS: usize = 3;
/// Scenarios a client's stream holds: about 1,300 lines, far more than three debug clients get through a server
/// in the 250 ms before the latest kill.
const SCENARIOS: usize = 100;
/// How many scenarios are interleaved at a time in a stream.
const INTERLEAVED: usize = 3;
const NOW: &str = "2026-11-28T10:00:00Z";
/// How long a client may take to notice its server is dead and exit.
const EXIT_BOUND: Duration = Duration::from_secs(20);

/// The DRFiP every structure of the streams depends on (they are all in Lyon).
const SETUP: &[&str] = &[
    r#"{"cmd":"direction.add","code":"DRFIP69","name":"DRFiP du Rhône","codique":"069000","departements":["69"],"balf":"drfip69.demat@dgfip.finances.gouv.fr"}"#,
    r#"{"cmd":"referent.add","academie":"Lyon","name":"Rémi Laurent","email":"remi.laurent@ac-lyon.fr"}"#,
];

/// xorshift64*: small, seeded, enough to pick streams and delays.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Uniform enough in `lo..=hi`.
    fn between(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next() % (hi - lo + 1)
    }
}

fn seed() -> u64 {
    match std::env::var("SERVE_CRASH_SEED") {
        Ok(s) => s.parse().expect("SERVE_CRASH_SEED is a number"),
        Err(_) => {
            let nanos = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .expect("clock after 1970")
                .as_nanos() as u64;
            (nanos ^ u64::from(std::process::id()) << 32) | 1
        }
    }
}

/// A surname of letters only, one per number below 26⁴, so that every scenario has its own PIGP identifier.
fn surname(n: usize) -> String {
    assert!(n < 26usize.pow(4), "{n} scenarios: surnames would repeat");
    let mut n = n;
    let mut letters = Vec::new();
    for _ in 0..4 {
        letters.push(b'a' + (n % 26) as u8);
        n /= 26;
    }
    letters.reverse();
    letters[0] = letters[0].to_ascii_uppercase();
    format!("S{}", String::from_utf8(letters).expect("ASCII"))
}

/// The lines of scenario `j` of client `c` in kill `k` (SIRET, reference, names and addresses are its own): an EPN
/// of Lyon and its agent comptable, a habilitation received from him, noted, qualified, its pieces, the GP
/// created in ASPASIE and habilitated in MADRHAS, the dossier closed, then a self-service Chorus Pro account
/// asking to be attached and validated by the GP. A few lines are refused on purpose: a second qualification
/// (`state`), a GS designated before his request is validated (R11).
fn scenario(k: usize, c: usize, j: usize) -> Vec<String> {
    assert!(c < 10 && j < 10_000);
    let siret = siret(&format!("18{:011}", k * 100_000 + c * 10_000 + j));
    let nom = surname((k * CLIENTS + c) * SCENARIOS + j);
    let low = nom.to_lowercase();
    let domain = format!("etab{k}-{c}-{j}.fr");
    let comptable = format!("claire.roche@{domain}");
    let gp = format!("paul.{low}@{domain}");
    let lea = format!("lea.{low}@{domain}");
    let reference = format!("SERVE-{k}-{c}-{j}");
    let mut lines = vec![
        format!(
            r#"{{"cmd":"structure.add","siret":"{siret}","name":"Établissement {k}-{c}-{j}","category":"EPN","comptable":{{"name":"Claire Roche","email":"{comptable}"}},"postal_code":"69007","city":"Lyon"}}"#
        ),
        format!(
            r#"{{"cmd":"dossier.receive","ref":"{reference}","kind":"habilitation","channel":"agent_comptable","siret":"{siret}","direction":"DRFIP69","requester":{{"name":"Claire Roche","email":"{comptable}"}},"received_on":"2026-11-02","persons":[{{"civilite":"M","nom":"{nom}","prenom":"Paul","email":"{gp}","role":"gp"}}]}}"#
        ),
        format!(
            r#"{{"cmd":"dossier.note","dossier":"{reference}","text":"client {c}, scénario {k}-{j}"}}"#
        ),
        format!(r#"{{"cmd":"dossier.qualify","dossier":"{reference}"}}"#),
    ];
    if j % 6 == 2 {
        lines.push(format!(
            r#"{{"cmd":"dossier.qualify","dossier":"{reference}"}}"#
        ));
    }
    for doc in ["contrat_service", "liste_utilisateurs"] {
        lines.push(format!(
            r#"{{"cmd":"dossier.document","dossier":"{reference}","document":"{doc}"}}"#
        ));
    }
    lines.extend([
        format!(r#"{{"cmd":"aspasie.create","dossier":"{reference}","email":"{gp}"}}"#),
        format!(r#"{{"cmd":"madrhas.open","dossier":"{reference}","email":"{gp}"}}"#),
        format!(r#"{{"cmd":"dossier.close","dossier":"{reference}"}}"#),
        format!(
            r#"{{"cmd":"chorus.account","email":"{lea}","civilite":"MME","nom":"{nom}","prenom":"Léa"}}"#
        ),
        format!(r#"{{"cmd":"attachment.request","by":"{lea}","siret":"{siret}"}}"#),
    ]);
    if j % 4 == 1 {
        lines.push(format!(
            r#"{{"cmd":"manager.designate_gs","by":"{gp}","user":"{lea}","siret":"{siret}"}}"#
        ));
    }
    lines.push(format!(
        r#"{{"cmd":"attachment.validate","by":"{gp}","user":"{lea}","siret":"{siret}"}}"#
    ));
    lines
}

/// The stream of client `c` in kill `k`: its scenarios interleaved a few at a time, each in its own order.
fn stream(k: usize, c: usize, rng: &mut Rng) -> Vec<String> {
    let mut pending = (0..SCENARIOS).map(|j| scenario(k, c, j).into_iter());
    let mut open: Vec<std::vec::IntoIter<String>> = Vec::new();
    let mut lines = Vec::new();
    loop {
        while open.len() < INTERLEAVED {
            match pending.next() {
                Some(s) => open.push(s),
                None => break,
            }
        }
        if open.is_empty() {
            return lines;
        }
        let i = rng.next() as usize % open.len();
        match open[i].next() {
            Some(line) => lines.push(line),
            None => {
                open.swap_remove(i);
            }
        }
    }
}

fn guichet(db: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_guichet"));
    command
        .arg("--db")
        .arg(db)
        .env("GUICHET_NOW", NOW)
        .env_remove("GUICHET_SOCKET");
    command
}

/// Starts `guichet serve` on `db` and waits until its socket accepts a connection.
fn start_server(db: &Path) -> Child {
    let mut server = guichet(db)
        .arg("serve")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn guichet serve");
    let socket = guichet::net::default_socket(db);
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if UnixStream::connect(&socket).is_ok() {
            return server;
        }
        if let Some(status) = server.try_wait().expect("try_wait") {
            panic!("guichet serve ended before listening: {status:?}");
        }
        assert!(
            Instant::now() < deadline,
            "guichet serve did not listen on {} within 30 s",
            socket.display()
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// A batch client fed its whole stream at once, its answers and its standard error collected.
struct Client {
    child: Child,
    writer: JoinHandle<()>,
    reader: JoinHandle<(Vec<String>, Option<String>)>,
    errors: JoinHandle<String>,
}

/// What a client left once it exited.
struct Ended {
    status: ExitStatus,
    /// Its complete result lines, in order.
    results: Vec<String>,
    /// A last line it did not finish, if any (not an acknowledgement).
    cut: Option<String>,
    stderr: String,
    /// From the kill to its exit.
    exited_after: Duration,
}

fn start_client(db: &Path, lines: &[String], first: mpsc::Sender<()>) -> Client {
    let mut child = guichet(db)
        .args(["batch", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn guichet batch -");
    let mut stdin = child.stdin.take().expect("stdin");
    let stdout = child.stdout.take().expect("stdout");
    let mut stderr = child.stderr.take().expect("stderr");
    let input: Vec<u8> = lines
        .iter()
        .flat_map(|l| l.bytes().chain(std::iter::once(b'\n')))
        .collect();
    // The whole stream at once: the pipe stays full far ahead of the server. The write stops at the broken pipe
    // of the client's exit.
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(&input);
    });
    let reader = std::thread::spawn(move || {
        let mut out = BufReader::new(stdout);
        let mut results = Vec::new();
        loop {
            let mut line = String::new();
            match out.read_line(&mut line) {
                Ok(0) => return (results, None),
                Ok(_) if line.ends_with('\n') => {
                    results.push(line.trim_end().to_string());
                    let _ = first.send(());
                }
                Ok(_) => return (results, Some(line)),
                Err(e) => panic!("reading a client's stdout: {e}"),
            }
        }
    });
    let errors = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text);
        text
    });
    Client {
        child,
        writer,
        reader,
        errors,
    }
}

/// Waits, at most `EXIT_BOUND`, for a client to exit by itself; a client still running then has hung on its dead
/// server: it is killed and the test fails.
fn wait_for_exit(mut client: Client, killed_at: Instant, who: &str) -> Ended {
    let deadline = killed_at + EXIT_BOUND;
    let status = loop {
        if let Some(status) = client.child.try_wait().expect("try_wait") {
            break status;
        }
        if Instant::now() > deadline {
            let _ = client.child.kill();
            let _ = client.child.wait();
            panic!("{who} still runs {EXIT_BOUND:?} after its server was killed: it hangs");
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let exited_after = killed_at.elapsed();
    let (results, cut) = client.reader.join().expect("reader thread");
    client.writer.join().expect("writer thread");
    let stderr = client.errors.join().expect("stderr thread");
    Ended {
        status,
        results,
        cut,
        stderr,
        exited_after,
    }
}

/// The lines acknowledged among the results of `lines`; checks that the results answer lines 1, 2, 3… in order.
fn acknowledged(results: &[String], lines: &[String]) -> Vec<Acked> {
    let mut acked = Vec::new();
    for (i, result) in results.iter().enumerate() {
        let parsed = accepted(result).unwrap_or_else(|e| panic!("{e}"));
        let v: Value = serde_json::from_str(result).expect("result JSON");
        assert_eq!(
            v["line"].as_u64(),
            Some(i as u64 + 1),
            "results answer the lines in order: {result}"
        );
        if let Some((n, seq)) = parsed {
            acked.push(Acked {
                seq,
                line: lines[n - 1].clone(),
            });
        }
    }
    acked
}

/// The set-up, run directly on the base (no server yet): the OS login becomes the administrator.
fn set_up(db: &Path) -> Vec<Acked> {
    let mut child = guichet(db)
        .args(["batch", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("spawn the set-up");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(SETUP.join("\n").as_bytes())
        .expect("write the set-up");
    let out = child.wait_with_output().expect("set-up");
    assert!(out.status.success(), "the set-up is accepted");
    let results: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_string)
        .collect();
    let setup: Vec<String> = SETUP.iter().map(|s| s.to_string()).collect();
    let acked = acknowledged(&results, &setup);
    assert_eq!(acked.len(), SETUP.len());
    acked
}

/// One kill's run: what each client answered and left.
struct Run {
    streams: Vec<Vec<String>>,
    ended: Vec<Ended>,
    /// From the server's readiness to the kill.
    after: Duration,
}

/// Starts the server and the clients, kills the server `delay` after every client answered its first line, reaps
/// it, and waits for each client to exit by itself.
fn kill_under_clients(db: &Path, streams: Vec<Vec<String>>, delay: Duration) -> Run {
    let mut server = start_server(db);
    let ready = Instant::now();
    let (first_tx, first_rx) = mpsc::channel();
    let clients: Vec<Client> = streams
        .iter()
        .map(|lines| {
            let (tx, rx) = mpsc::channel();
            let first = first_tx.clone();
            // Each client's first answer is told once on the shared channel.
            std::thread::spawn(move || {
                if rx.recv().is_ok() {
                    let _ = first.send(());
                }
            });
            start_client(db, lines, tx)
        })
        .collect();
    drop(first_tx);
    for n in 0..CLIENTS {
        if first_rx.recv_timeout(Duration::from_secs(30)).is_err() {
            let _ = server.kill();
            panic!("only {n} of {CLIENTS} clients answered a first line within 30 s");
        }
    }
    std::thread::sleep(delay);
    let after = ready.elapsed();
    let killed_at = Instant::now();
    server.kill().expect("SIGKILL the server");
    let status = server.wait().expect("reap the killed server");
    assert_eq!(
        status.signal(),
        Some(libc::SIGKILL),
        "the server must die of the kill; it ended {status:?}"
    );
    let ended = clients
        .into_iter()
        .enumerate()
        .map(|(c, client)| wait_for_exit(client, killed_at, &format!("client {c}")))
        .collect();
    Run {
        streams,
        ended,
        after,
    }
}

/// A client of a killed server exits non-zero with a French message naming the server.
fn check_exit(k: usize, c: usize, ended: &Ended, lines: usize) {
    assert!(
        ended.results.len() < lines,
        "kill {k}: client {c} answered its whole stream: nothing was in flight; send a longer stream"
    );
    assert!(
        !ended.status.success() && ended.status.signal().is_none(),
        "kill {k}: client {c} must exit by itself with a failure status, it ended {:?}; stderr: {}",
        ended.status,
        ended.stderr
    );
    assert_eq!(
        ended.status.code(),
        Some(2),
        "kill {k}: client {c} exits 2 (the base could not be used); stderr: {}",
        ended.stderr
    );
    let message = ended.stderr.trim();
    assert!(
        message.starts_with("guichet : ") && message.contains("serveur guichet"),
        "kill {k}: client {c} says in French that its server is gone; stderr: {message:?}"
    );
}

#[test]
fn a_served_base_keeps_every_acknowledged_line_of_three_clients_across_server_kills() {
    let started = Instant::now();
    let seed = seed();
    eprintln!(
        "serve_crash: seed {seed} (SERVE_CRASH_SEED={seed} cargo test --test serve_crash replays the streams and \
         delays)"
    );
    let mut rng = Rng(seed);
    let dir = tempfile::tempdir().expect("tempdir");
    let db: PathBuf = dir.path().join("base");

    let mut all_acked = set_up(&db);
    let mut head = survey(&db, &all_acked)
        .unwrap_or_else(|e| panic!("after the set-up: {e}"))
        .entries
        .len();

    let mut acked_per_kill = Vec::new();
    let mut unanswered_commits = 0;
    let mut messages = std::collections::BTreeSet::new();
    for k in 0..KILLS {
        let streams: Vec<Vec<String>> = (0..CLIENTS).map(|c| stream(k, c, &mut rng)).collect();
        let delay = Duration::from_millis(rng.between(20, 250));
        let run = kill_under_clients(&db, streams, delay);

        let mut acked_now = Vec::new();
        for (c, (ended, lines)) in run.ended.iter().zip(&run.streams).enumerate() {
            check_exit(k, c, ended, lines.len());
            messages.insert(ended.stderr.trim().to_string());
            let acked = acknowledged(&ended.results, lines);
            acked_now.push(acked.len());
            all_acked.extend(acked);
        }

        let checked = Instant::now();
        let survey = survey(&db, &all_acked).unwrap_or_else(|e| {
            panic!("seed {seed}, after kill {k} (+{delay:?} after the first answers): {e}")
        });
        let check_time = checked.elapsed();

        // Every new journal entry continues the stream of exactly one client: each client's lines are journaled in
        // its order, the answered ones as answered, then at most one more, committed when the kill landed before
        // its answer was written.
        let mut next = [0usize; CLIENTS];
        for entry in &survey.entries[head..] {
            let journaled: Value =
                serde_json::from_str(&entry.draft.command).expect("journaled command");
            let c = (0..CLIENTS)
                .find(|&c| {
                    run.streams[c]
                        .get(next[c])
                        .is_some_and(|line| normalised(line).expect("a line") == journaled)
                })
                .unwrap_or_else(|| {
                    panic!(
                        "seed {seed}, kill {k}: journal entry {} is the next line of no client: {journaled}",
                        entry.seq
                    )
                });
            if let Some(result) = run.ended[c].results.get(next[c]) {
                let done = matches!(entry.draft.outcome, Outcome::Done { .. });
                let ok = accepted(result).expect("result").is_some();
                assert_eq!(
                    done,
                    ok,
                    "seed {seed}, kill {k}: client {c} line {} answered {result} but journaled {:?}",
                    next[c] + 1,
                    entry.draft.outcome
                );
            }
            next[c] += 1;
        }
        let mut unanswered = 0;
        for (c, ended) in run.ended.iter().enumerate() {
            let answered = ended.results.len();
            assert!(
                next[c] == answered || next[c] == answered + 1,
                "seed {seed}, kill {k}: client {c} had {answered} lines answered but {} journaled",
                next[c]
            );
            unanswered += next[c] - answered;
        }
        unanswered_commits += unanswered;

        let answered: Vec<usize> = run.ended.iter().map(|e| e.results.len()).collect();
        let exits: Vec<u128> = run
            .ended
            .iter()
            .map(|e| e.exited_after.as_millis())
            .collect();
        let cut = run.ended.iter().filter(|e| e.cut.is_some()).count();
        eprintln!(
            "serve_crash: kill {k:2} {:3} ms after the first answers ({:4} ms after the server listened): answered \
             {answered:?}, acknowledged {acked_now:?}, {unanswered} committed unanswered, {cut} cut line(s); \
             clients exited {exits:?} ms after the kill; journal {} entries, {} acknowledged lines and {} effects \
             checked in {} ms",
            delay.as_millis(),
            run.after.as_millis(),
            survey.entries.len(),
            all_acked.len(),
            survey.effects_checked,
            check_time.as_millis(),
        );
        acked_per_kill.push(acked_now);
        head = survey.entries.len();
    }

    let totals: Vec<usize> = acked_per_kill.iter().map(|a| a.iter().sum()).collect();
    let mut sorted = totals.clone();
    sorted.sort_unstable();
    eprintln!(
        "serve_crash: {KILLS} kills of the server under {CLIENTS} clients in {:.1} s; acknowledged lines per kill \
         (all clients): min {}, median {}, max {}; {unanswered_commits} lines committed but unanswered; {} lines \
         acknowledged in all, every one checked after every later kill; the clients said: {messages:?}",
        started.elapsed().as_secs_f64(),
        sorted[0],
        sorted[sorted.len() / 2],
        sorted[sorted.len() - 1],
        all_acked.len()
    );
    // Every kill must land with every client's stream flowing, or the test proves little.
    assert!(
        acked_per_kill.iter().all(|a| a.iter().all(|&n| n > 0)),
        "every client had lines acknowledged before every kill: {acked_per_kill:?}"
    );
}
