//! Issue 6, crash: `guichet batch -` is fed a stream of commands on its standard input and killed with SIGKILL at
//! random moments, 32 times, on the same database. After each kill, `common::crash::check_after_crash` proves that
//! every line acknowledged on stdout is in the database, that nothing is half-written, that the invariants hold and
//! that the journal verifies; this test also checks that the journal gained exactly the lines the process was
//! sent, in order: the answered ones, plus at most the one that was committed but not yet answered when the kill
//! landed.
//!
//! The kills share one database, so that the base grows and later kills hit a base with history (open dossiers of
//! earlier runs, a longer journal, a sled log that has itself been recovered after a kill), and every line
//! acknowledged by any earlier run is checked again after every later kill: a recovery that lost an old
//! acknowledged line would show. Most kills land a random 5–150 ms after the first answer, while the stream is
//! flowing (the writer is far ahead of the desk: each command is flushed to disk before it is answered); one in
//! four lands 5–150 ms after the spawn, which may be while sled opens and recovers the previous kill's log.
//!
//! The seed is printed; `CRASH_SEED=<seed>` replays the same streams and delays (the moments the kills land still
//! depend on the machine's timing).

mod common;

use common::crash::{Acked, accepted, normalised, survey};
use common::siret;
use guichet::store::journal::Outcome;
use serde_json::Value;
use std::io::{BufRead, BufReader, Write};
use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// How many times the batch is killed.
const KILLS: usize = 32;
/// Scenarios (a structure, its habilitation from reception to closure, a Chorus Pro user attached) a stream
/// holds: about 500 lines, far more than a debug build runs in the 150 ms before the latest kill.
const SCENARIOS: usize = 40;
/// How many scenarios are interleaved at a time in a stream.
const INTERLEAVED: usize = 3;
const NOW: &str = "2026-11-28T10:00:00Z";

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
    match std::env::var("CRASH_SEED") {
        Ok(s) => s.parse().expect("CRASH_SEED is a number"),
        Err(_) => {
            let nanos = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .expect("clock after 1970")
                .as_nanos() as u64;
            (nanos ^ u64::from(std::process::id()) << 32) | 1
        }
    }
}

/// A surname made of letters only, one per number (bijective base 26, four letters), so that every scenario has
/// its own PIGP identifier `paul.<nom>-xt` and no homonym numbering is involved.
fn surname(n: usize) -> String {
    let mut n = n;
    let mut letters = Vec::new();
    for _ in 0..4 {
        letters.push(b'a' + (n % 26) as u8);
        n /= 26;
    }
    letters.reverse();
    letters[0] = letters[0].to_ascii_uppercase();
    format!("D{}", String::from_utf8(letters).expect("ASCII"))
}

/// The lines of scenario `j` of kill `k`: an EPN of Lyon and its agent comptable, a habilitation received from
/// him, noted, qualified, its pieces, the GP created in ASPASIE and habilitated in MADRHAS, the dossier closed,
/// then a self-service Chorus Pro account asking to be attached and validated by the GP. A few lines are
/// refused on purpose: a second qualification (`state`), a GS designated before his request is validated (R11).
fn scenario(k: usize, j: usize) -> Vec<String> {
    let siret = siret(&format!("18{:011}", k * 100_000 + j));
    let nom = surname(k * SCENARIOS + j);
    let low = nom.to_lowercase();
    let domain = format!("etab{k}-{j}.fr");
    let comptable = format!("claire.roche@{domain}");
    let gp = format!("paul.{low}@{domain}");
    let lea = format!("lea.{low}@{domain}");
    let reference = format!("CRASH-{k}-{j}");
    let mut lines = vec![
        format!(
            r#"{{"cmd":"structure.add","siret":"{siret}","name":"Établissement {k}-{j}","category":"EPN","comptable":{{"name":"Claire Roche","email":"{comptable}"}},"postal_code":"69007","city":"Lyon"}}"#
        ),
        format!(
            r#"{{"cmd":"dossier.receive","ref":"{reference}","kind":"habilitation","channel":"agent_comptable","siret":"{siret}","direction":"DRFIP69","requester":{{"name":"Claire Roche","email":"{comptable}"}},"received_on":"2026-11-02","persons":[{{"civilite":"M","nom":"{nom}","prenom":"Paul","email":"{gp}","role":"gp"}}]}}"#
        ),
        format!(
            r#"{{"cmd":"dossier.note","dossier":"{reference}","text":"courriel de l'agent comptable, scénario {k}-{j}"}}"#
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

/// The stream of kill `k`: its scenarios interleaved a few at a time, each in its own order.
fn stream(k: usize, rng: &mut Rng) -> Vec<String> {
    let mut pending = (0..SCENARIOS).map(|j| scenario(k, j).into_iter());
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

impl Start {
    fn label(self) -> &'static str {
        match self {
            Start::FirstAnswer => "after the first answer",
            Start::Spawn => "after the spawn",
        }
    }
}

fn spawn(db: &Path) -> Child {
    Command::new(env!("CARGO_BIN_EXE_guichet"))
        .arg("--db")
        .arg(db)
        .args(["batch", "-"])
        .env("GUICHET_NOW", NOW)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("spawn guichet batch -")
}

/// When the kill's delay starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Start {
    /// The first answer: the stream is flowing.
    FirstAnswer,
    /// The spawn: the kill may land while the database opens.
    Spawn,
}

/// What a killed run left on its standard output.
struct Killed {
    /// The complete result lines, in order.
    results: Vec<String>,
    /// A last line cut by the kill, if any (not an acknowledgement).
    cut: Option<String>,
    /// Time from the spawn to the kill.
    after: Duration,
}

/// Feeds `lines` to a new `guichet batch -`, kills it with SIGKILL `delay` after `from`, and waits for it.
fn feed_and_kill(db: &Path, lines: &[String], from: Start, delay: Duration) -> Killed {
    let spawned = Instant::now();
    let mut child = spawn(db);
    let mut stdin = child.stdin.take().expect("stdin");
    let stdout = child.stdout.take().expect("stdout");
    let input: Vec<u8> = lines
        .iter()
        .flat_map(|l| l.bytes().chain(std::iter::once(b'\n')))
        .collect();
    // The writer pushes the whole stream at once: the pipe fills far ahead of the desk, which flushes every line
    // to disk before answering it. It stops at the broken pipe of the kill.
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(&input);
    });
    let (first_tx, first_rx) = mpsc::channel();
    let reader = std::thread::spawn(move || {
        let mut out = BufReader::new(stdout);
        let mut results = Vec::new();
        let mut cut = None;
        loop {
            let mut line = String::new();
            match out.read_line(&mut line) {
                Ok(0) => break,
                Ok(_) if line.ends_with('\n') => {
                    results.push(line.trim_end().to_string());
                    let _ = first_tx.send(());
                }
                Ok(_) => {
                    cut = Some(line);
                    break;
                }
                Err(e) => panic!("reading the batch's stdout: {e}"),
            }
        }
        (results, cut)
    });
    if let Start::FirstAnswer = from {
        first_rx
            .recv_timeout(Duration::from_secs(30))
            .expect("the batch answered its first line within 30 s");
    }
    std::thread::sleep(delay);
    let after = spawned.elapsed();
    child.kill().expect("SIGKILL");
    let status = child.wait().expect("wait for the killed batch");
    assert_eq!(
        status.signal(),
        Some(libc::SIGKILL),
        "the batch must die of the kill, with lines still in flight; it ended {status:?}: send a longer stream"
    );
    let (results, cut) = reader.join().expect("reader thread");
    writer.join().expect("writer thread");
    Killed {
        results,
        cut,
        after,
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

#[test]
fn every_acknowledged_line_survives_sigkill_and_nothing_is_half_written() {
    let started = Instant::now();
    let seed = seed();
    eprintln!(
        "crash: seed {seed} (CRASH_SEED={seed} cargo test --test crash replays the streams and delays)"
    );
    let mut rng = Rng(seed);
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("base");

    // The set-up runs to its end: the OS login becomes the administrator, the DRFiP is created.
    let mut child = spawn(&db);
    let setup: Vec<String> = SETUP.iter().map(|s| s.to_string()).collect();
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(setup.join("\n").as_bytes())
        .expect("write the set-up");
    let out = child.wait_with_output().expect("set-up");
    assert!(out.status.success(), "the set-up is accepted");
    let results: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_string)
        .collect();
    let mut all_acked = acknowledged(&results, &setup);
    assert_eq!(all_acked.len(), SETUP.len());
    let mut head = survey(&db, &all_acked)
        .unwrap_or_else(|e| panic!("after the set-up: {e}"))
        .entries
        .len();

    let mut answered_per_kill = Vec::new();
    let mut unanswered_commits = 0;
    let mut cut_lines = 0;
    for k in 0..KILLS {
        let lines = stream(k, &mut rng);
        // Every fourth kill counts from the spawn; the others from the first answer, so that at least 24 of the
        // 32 land with lines acknowledged.
        let from = if k % 4 == 3 {
            Start::Spawn
        } else {
            Start::FirstAnswer
        };
        let delay = Duration::from_millis(rng.between(5, 150));
        let killed = feed_and_kill(&db, &lines, from, delay);
        let acked = acknowledged(&killed.results, &lines);
        let answered = killed.results.len();
        assert!(
            answered < lines.len(),
            "kill {k} landed after the last line: nothing was in flight"
        );
        cut_lines += usize::from(killed.cut.is_some());
        all_acked.extend(acked.iter().cloned());

        let checked = Instant::now();
        let survey = survey(&db, &all_acked)
            .unwrap_or_else(|e| panic!("seed {seed}, after kill {k} ({from:?} +{delay:?}): {e}"));
        let check_time = checked.elapsed();

        // The journal gained the lines sent, in order: each answered one (done or refused as answered), and at
        // most one more, committed when the kill landed before its answer was written.
        let tail = &survey.entries[head..];
        assert!(
            tail.len() == answered || tail.len() == answered + 1,
            "seed {seed}, kill {k}: {answered} lines answered but {} journaled",
            tail.len()
        );
        for (i, entry) in tail.iter().enumerate() {
            let journaled: Value =
                serde_json::from_str(&entry.draft.command).expect("journaled command");
            assert_eq!(
                journaled,
                normalised(&lines[i]).expect("a line of the stream"),
                "seed {seed}, kill {k}: journal entry {} is not line {} of the stream",
                entry.seq,
                i + 1
            );
            if let Some(result) = killed.results.get(i) {
                let done = matches!(entry.draft.outcome, Outcome::Done { .. });
                let ok = accepted(result).expect("result").is_some();
                assert_eq!(
                    done,
                    ok,
                    "seed {seed}, kill {k}: line {} answered {result} but journaled {:?}",
                    i + 1,
                    entry.draft.outcome
                );
            }
        }
        let unanswered = tail.len() - answered;
        unanswered_commits += unanswered;
        eprintln!(
            "crash: kill {k:2} {:3} ms {:22} (at {:4} ms): {answered:3} answered, {:3} acknowledged, \
             {unanswered} committed unanswered, {} cut line; {} of {} lines in flight; journal {} entries, \
             {} acknowledged lines and {} effects checked in {} ms",
            delay.as_millis(),
            from.label(),
            killed.after.as_millis(),
            acked.len(),
            usize::from(killed.cut.is_some()),
            lines.len() - answered,
            lines.len(),
            survey.entries.len(),
            all_acked.len(),
            survey.effects_checked,
            check_time.as_millis(),
        );
        answered_per_kill.push(answered);
        head = survey.entries.len();
    }

    let mut sorted = answered_per_kill.clone();
    sorted.sort_unstable();
    eprintln!(
        "crash: {KILLS} kills in {:.1} s; answered lines per kill: min {}, median {}, max {}; {} kills before any \
         answer; {unanswered_commits} lines committed but unanswered; {cut_lines} cut lines; {} lines acknowledged \
         in all, every one checked after every later kill",
        started.elapsed().as_secs_f64(),
        sorted[0],
        sorted[sorted.len() / 2],
        sorted[sorted.len() - 1],
        sorted.iter().filter(|&&n| n == 0).count(),
        all_acked.len()
    );
    // Most kills must land mid-stream with work done, or the test proves little.
    assert!(
        answered_per_kill.iter().filter(|&&n| n > 0).count() * 2 > KILLS,
        "most kills must land after some lines were acknowledged: {answered_per_kill:?}"
    );
}

/// A base where the set-up and one scenario ran to their end (no kill), and the lines it acknowledged.
fn finished_base() -> (tempfile::TempDir, std::path::PathBuf, Vec<Acked>) {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("base");
    let lines: Vec<String> = SETUP
        .iter()
        .map(|s| s.to_string())
        .chain(scenario(0, 0))
        .collect();
    let mut child = spawn(&db);
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(lines.join("\n").as_bytes())
        .expect("write");
    let out = child.wait_with_output().expect("batch");
    assert!(out.status.success(), "every line of scenario 0 is accepted");
    let results: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_string)
        .collect();
    let acked = acknowledged(&results, &lines);
    assert_eq!(acked.len(), lines.len());
    (dir, db, acked)
}

/// Changes the base behind the desk's back, as a crash that cut a transaction in half would have left it.
fn forge(db: &Path, change: impl FnOnce(&guichet::desk::Desk)) {
    let desk = guichet::desk::Desk::open(db).expect("open");
    change(&desk);
    desk.flush().expect("flush");
}

/// The checker is not vacuous: a lost acknowledged line, an index or a record written without the rest of its
/// transaction, a record without its journal entry, and an acknowledgement with the wrong seq are each seen.
#[test]
fn the_checker_sees_lost_lines_and_half_written_commands() {
    use common::crash::check_after_crash;
    use guichet::domain::dossier::Dossier;
    use guichet::domain::structure::Structure;
    use guichet::store::journal::Entry;
    use guichet::store::{T, codec, keys};

    let (_dir, db, acked) = finished_base();
    check_after_crash(&db, &acked).expect("a base that was not killed is sound");
    let expect = |db: &Path, acked: &[Acked], what: &str| {
        let e = check_after_crash(db, acked).expect_err(what);
        eprintln!("{what}: {e}");
        e
    };

    // The last acknowledged line lost: its entry removed, the head moved back to the one before.
    let (_dir, db, acked) = finished_base();
    forge(&db, |desk| {
        let journal = desk.store().tree(T::Journal);
        let (last, _) = journal.pop_max().expect("pop").expect("an entry");
        let (_, previous) = journal.last().expect("read").expect("an entry");
        let previous: Entry = codec::decode(&previous).expect("entry");
        let mut head = previous.seq.to_be_bytes().to_vec();
        head.extend_from_slice(&previous.hash);
        desk.store()
            .tree(T::Meta)
            .insert(b"journal_head", head)
            .expect("head");
        let seq = keys::seq_from(&last).expect("seq");
        // The lost entry leaves the subject index too: the last sequence number of its subjects' heads.
        let index = desk.store().tree(T::JournalBySubject);
        for row in index.iter() {
            let (k, v) = row.expect("row");
            if v.ends_with(&keys::seq(seq)) {
                let kept = &v[..v.len() - 8];
                if kept.is_empty() {
                    // The head it started: the block it froze, if any, is the head again.
                    let prefix = &k[..k.len() - 8];
                    match index.get_lt(&k).expect("previous") {
                        Some((block, value)) if block.starts_with(prefix) => {
                            index.remove(&block).expect("remove");
                            index.insert(&k, value).expect("head");
                        }
                        _ => {
                            index.remove(&k).expect("remove");
                        }
                    }
                } else {
                    index.insert(k, kept).expect("rewrite");
                }
            }
        }
    });
    let e = expect(&db, &acked, "a lost line");
    assert!(e.contains("acknowledged line lost"), "{e}");

    // An acknowledgement read with the wrong seq.
    let (_dir, db, mut acked) = finished_base();
    let n = acked.len();
    acked[n - 2].seq += 1;
    let e = expect(&db, &acked, "a wrong seq");
    assert!(
        e.contains("share the seq") || e.contains("another command"),
        "{e}"
    );

    // A user's e-mail index entry missing.
    let (_dir, db, acked) = finished_base();
    forge(&db, |desk| {
        let users = desk.store().tree(T::UsersByEmail);
        let (k, _) = users.first().expect("read").expect("a user");
        users.remove(k).expect("remove");
    });
    let e = expect(&db, &acked, "an index entry missing");
    assert!(e.contains("users_by_email"), "{e}");

    // A piece of the dossier lost, though its `dossier.document` is done.
    let (_dir, db, acked) = finished_base();
    forge(&db, |desk| {
        let dossiers = desk.store().tree(T::Dossiers);
        let (k, v) = dossiers.first().expect("read").expect("a dossier");
        let mut d: Dossier = codec::decode(&v).expect("dossier");
        d.documents.liste_utilisateurs = None;
        dossiers
            .insert(k, codec::encode(&d).expect("encode"))
            .expect("insert");
    });
    let e = expect(&db, &acked, "an effect lost");
    assert!(e.contains("no full effect"), "{e}");

    // A structure written without its journal entry.
    let (_dir, db, acked) = finished_base();
    forge(&db, |desk| {
        let structures = desk.store().tree(T::Structures);
        let (_, v) = structures.first().expect("read").expect("a structure");
        let mut s: Structure = codec::decode(&v).expect("structure");
        s.siret = guichet::domain::ids::Siret::parse(&siret("1899999999999")).expect("SIRET");
        structures
            .insert(keys::siret(s.siret), codec::encode(&s).expect("encode"))
            .expect("insert");
    });
    let e = expect(&db, &acked, "a record without its entry");
    // Written behind the desk, it also lacks the index entries every new structure gets (name, R14).
    assert!(
        e.contains("named by no journal entry")
            || e.contains("structures_by_gp")
            || e.contains("structures_by_name"),
        "{e}"
    );
}
