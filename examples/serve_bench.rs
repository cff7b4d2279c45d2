//! Measures a team desk (issue 6): the round trip of one command through `guichet serve` (sent, checked, written,
//! flushed, answered) beside the same command on a database opened directly, a read's round trip, and the
//! throughput of three clients writing at once beside one. The server runs in this process, on a real Unix
//! socket, on a fresh database in a temporary directory.
//! Run it in release mode: `cargo run --release --example serve_bench [commands-per-client]`.

use guichet::desk::{Actor, Desk};
use guichet::net::{self, Access, Server};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// A valid SIRET from 13 digits: the Luhn check digit appended.
fn siret(prefix13: u64) -> String {
    let base = format!("{prefix13:013}");
    (0..10)
        .map(|d| format!("{base}{d}"))
        .find(|s| {
            let sum: u32 = s
                .chars()
                .rev()
                .enumerate()
                .map(|(i, c)| {
                    let n = c.to_digit(10).unwrap_or(0);
                    if i % 2 == 1 {
                        if n * 2 > 9 { n * 2 - 9 } else { n * 2 }
                    } else {
                        n
                    }
                })
                .sum();
            sum.is_multiple_of(10)
        })
        .unwrap_or(base)
}

const SETUP: &str = r#"{"cmd":"direction.add","code":"DRFIP69","name":"DRFiP du Rhône","codique":"069000","departements":["69"],"balf":"drfip69.demat@dgfip.finances.gouv.fr"}"#;

fn structure(n: u64) -> String {
    format!(
        r#"{{"cmd":"structure.add","siret":"{}","name":"Établissement public n° {n}","category":"GIP","has_comptable":false,"address":"{n} rue de la République","postal_code":"69001","city":"Lyon"}}"#,
        siret(1_300_000_000_000 + n)
    )
}

fn stats(mut times: Vec<Duration>) -> (f64, f64) {
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let median = ms(times[times.len() / 2]);
    let p99 = ms(times[(times.len() * 99 / 100).min(times.len() - 1)]);
    (median, p99)
}

fn timed(desk: &Desk, actor: &Actor, lines: impl Iterator<Item = String>) -> Vec<Duration> {
    lines
        .map(|line| {
            let start = Instant::now();
            desk.execute_line(actor, &line).expect("commande refusée");
            start.elapsed()
        })
        .collect()
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let n: u64 = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(300);
    let login = guichet::cli::os_login();
    let actor = Actor::new(&login);

    // A database opened directly: the reference.
    let direct_dir = tempfile::tempdir()?;
    let direct = Desk::open(&direct_dir.path().join("base"))?;
    direct.execute_line(&actor, SETUP)?;
    let local = stats(timed(&direct, &actor, (0..n).map(structure)));
    drop(direct);

    // The same through a server on a Unix socket.
    let dir = tempfile::tempdir()?;
    let db = dir.path().join("base");
    let served = Desk::open(&db)?;
    served.execute_line(&actor, SETUP)?;
    let socket = net::default_socket(&db);
    let server = Server::bind(served, &socket, Access::OwnerOnly)?;
    let stop = Arc::new(AtomicBool::new(false));
    let running = {
        let stop = stop.clone();
        std::thread::spawn(move || server.run(&stop))
    };
    let client = connect(&db, &socket)?;
    let remote = stats(timed(&client, &actor, (n..2 * n).map(structure)));
    let probe = guichet::domain::ids::Siret::parse(&siret(1_300_000_000_000 + n))?;
    let reads: Vec<Duration> = (0..n)
        .map(|_| {
            let start = Instant::now();
            client.store().structure(probe).expect("lecture");
            start.elapsed()
        })
        .collect();
    let read = stats(reads);

    // One client writing alone, then three at once: commands per second.
    let start = Instant::now();
    timed(&client, &actor, (2 * n..3 * n).map(structure));
    let one = n as f64 / start.elapsed().as_secs_f64();
    let start = Instant::now();
    let writers: Vec<_> = (0..3u64)
        .map(|k| {
            let db = db.clone();
            let socket = socket.clone();
            let actor = actor.clone();
            std::thread::spawn(move || {
                let desk = connect(&db, &socket).expect("client");
                let from = (3 + k) * n;
                timed(&desk, &actor, (from..from + n).map(structure)).len()
            })
        })
        .collect();
    let total: usize = writers.into_iter().map(|w| w.join().unwrap_or(0)).sum();
    let three = total as f64 / start.elapsed().as_secs_f64();
    drop(client);
    stop.store(true, Ordering::SeqCst);
    running.join().map_err(|_| "serveur")??;

    println!(
        "guichet serve — {n} commandes par mesure (structure.add, écrite et flushée avant la réponse)"
    );
    println!("{:<48} {:>12} {:>10}", "mesure", "médiane ms", "p99 ms");
    println!(
        "{:<48} {:>12.3} {:>10.3}",
        "commande, base ouverte directement", local.0, local.1
    );
    println!(
        "{:<48} {:>12.3} {:>10.3}",
        "commande par le serveur (aller-retour)", remote.0, remote.1
    );
    println!(
        "{:<48} {:>12.3} {:>10.3}",
        "lecture d'une structure par le serveur", read.0, read.1
    );
    println!(
        "surcoût du serveur sur une commande : ×{:.2} (médianes)",
        remote.0 / local.0
    );
    println!(
        "débit, 1 client : {one:.0} commandes/s ; 3 clients ensemble : {three:.0} commandes/s (×{:.2})",
        three / one
    );
    Ok(())
}

fn connect(db: &Path, socket: &Path) -> Result<Desk, String> {
    net::connect(db, socket)?.ok_or_else(|| "aucun serveur".to_string())
}
