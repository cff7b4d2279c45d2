//! The scale harness (issue 7): on a large database (`guichet demo --scale national --db PATH`), measures what an
//! operator feels, on the real `App` drawn into an off-screen terminal of 120×40, and prints one table of medians
//! and 99th percentiles over repeated runs:
//! - opening the database and drawing the Accueil (first frame), beside the same on a database holding only its
//!   administrator and one direction;
//! - reading the filters' trees into memory once the first frame is drawn, as the terminal loop does;
//! - switching espace, switching to the largest corbeille, paging it, opening a dossier;
//! - each keystroke of six-letter `/` filters over the users (a name, the commonest surname, first name and
//!   e-mail domain, a status, a population), per letter and for the worst query;
//! - one command committed with its flush on a dossier the operator has open, beside a raw sled insert + flush of
//!   the same number of bytes, and the same command on a dossier no screen has read (ten times the passes, at
//!   least 100: fsync varies);
//! - the peak resident memory (VmHWM) of a desk that opens the base itself (a child process doing the above);
//! - the first frame, the keys and the memory again on a desk that is the client of a `guichet serve` holding
//!   the base (child processes of this harness, each side's memory its own), and the server's memory.
//!
//! It writes to the database it measures (an operator `mesure.<direction>` and the notes of the timed commands):
//! run it on a copy, or on a database generated for it.
//! `cargo run --release --example scale -- PATH [runs]`

use clap::Parser;
use guichet::desk::{Actor, Command, Desk};
use guichet::domain::dossier::Corbeille;
use guichet::store::T;
use guichet::tui::App;
use guichet::tui::theme::Theme;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::path::Path;
use std::time::{Duration, Instant};

type Outcome = Result<(), Box<dyn std::error::Error>>;

/// The allocator of the `guichet` binary, so that the desk measured here is the one an operator runs.
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

struct Row {
    what: String,
    times: Vec<Duration>,
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn quantiles(times: &[Duration]) -> (f64, f64) {
    let mut sorted = times.to_vec();
    sorted.sort();
    let at = |q: usize| sorted[(sorted.len() * q / 100).min(sorted.len() - 1)];
    (ms(at(50)), ms(at(99)))
}

/// The desk on `terminal`, as the terminal loop runs it: a key, then a frame.
struct Desk2<'a> {
    app: App<'a>,
    terminal: Terminal<TestBackend>,
}

impl<'a> Desk2<'a> {
    fn open(desk: &'a Desk, actor: Actor) -> Result<Desk2<'a>, Box<dyn std::error::Error>> {
        let operator = desk
            .store()
            .operator(actor.effective())?
            .ok_or("opérateur absent")?;
        let mut d = Desk2 {
            app: App::new(desk, actor, operator).with_theme(Theme { color: false }),
            terminal: Terminal::new(TestBackend::new(120, 40))?,
        };
        d.draw()?;
        Ok(d)
    }

    fn draw(&mut self) -> Result<(), Box<dyn std::error::Error>> {
        let app = &mut self.app;
        self.terminal.draw(|f| app.draw(f))?;
        Ok(())
    }

    /// One key and the frame after it, timed.
    fn key(&mut self, code: KeyCode) -> Result<Duration, Box<dyn std::error::Error>> {
        let start = Instant::now();
        self.app.on_key(KeyEvent::new(code, KeyModifiers::NONE));
        self.draw()?;
        Ok(start.elapsed())
    }

    fn text(&self) -> String {
        let buffer = self.terminal.backend().buffer();
        buffer.content().iter().map(|c| c.symbol()).collect()
    }
}

fn first_frame(path: &Path, actor: &Actor) -> Result<Duration, Box<dyn std::error::Error>> {
    let start = Instant::now();
    let desk = Desk::open(path)?;
    let d = Desk2::open(&desk, actor.clone())?;
    let elapsed = start.elapsed();
    drop(d);
    Ok(elapsed)
}

/// The six-letter queries of the filter's measure, each with what it stands for, read from the base.
fn filter_queries(
    store: &guichet::store::Store,
) -> Result<Vec<(String, String)>, Box<dyn std::error::Error>> {
    use guichet::domain::ids::fold;
    use std::collections::HashMap;
    let six = |s: &str| -> String { fold(s).chars().take(6).collect() };
    let users = store.len(T::Users)?;
    let sample = store
        .keys(T::Users, b"", users / 2, 1)?
        .first()
        .and_then(|k| guichet::store::keys::user_from(k))
        .and_then(|id| store.user(id).ok().flatten())
        .ok_or("aucun utilisateur")?;
    let (mut noms, mut prenoms, mut domains) = (HashMap::new(), HashMap::new(), HashMap::new());
    for (_, u) in store.scan::<guichet::domain::user::User>(T::Users, b"")? {
        *noms.entry(six(&u.nom)).or_insert(0usize) += 1;
        *prenoms.entry(six(&u.prenom)).or_insert(0usize) += 1;
        *domains.entry(six(u.email.domain())).or_insert(0usize) += 1;
    }
    let commonest = |counts: HashMap<String, usize>| {
        counts
            .into_iter()
            .filter(|(k, _)| k.chars().count() == 6)
            .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))
            .map(|(k, _)| k)
            .unwrap_or_default()
    };
    let letters: String = fold(&sample.nom)
        .chars()
        .filter(|c| c.is_alphabetic())
        .take(6)
        .collect();
    Ok(vec![
        (letters, "un nom au milieu de l'annuaire".into()),
        (commonest(noms), "le nom le plus fréquent".into()),
        (commonest(prenoms), "le prénom le plus fréquent".into()),
        (
            commonest(domains),
            "le domaine de courriel le plus fréquent".into(),
        ),
        ("suppri".into(), "un statut (supprimé)".into()),
        ("sslspl".into(), "une population".into()),
    ]
    .into_iter()
    .filter(|(needle, _)| needle.chars().count() == 6)
    .collect())
}

/// What an operator feels on an open desk, each key a frame: switching espace (1 → 2 → 3 → 4 → 1), the
/// corbeille at `position` (from the first, `l` until it is shown), three pages down it, opening a dossier, and
/// each letter of each query of the `/` filter over the users.
struct Felt {
    /// Reading the filters' trees into memory after the first frame, as the terminal loop does (`Store::warm`).
    warm: Vec<Duration>,
    switch: Vec<Duration>,
    to_corbeille: Vec<Duration>,
    paging: Vec<Duration>,
    opening: Vec<Duration>,
    /// Per query, per letter.
    by_query: Vec<Vec<Vec<Duration>>>,
}

impl Felt {
    fn filter(&self) -> Vec<Duration> {
        self.by_query.iter().flatten().flatten().copied().collect()
    }

    /// Each letter's times but its first typing: the passes after the first, which find the trees the first read
    /// in the cache (a server or a desk that has been working a while).
    fn filter_after_first(&self) -> Vec<Duration> {
        self.by_query
            .iter()
            .flatten()
            .flat_map(|passes| passes.iter().skip(1))
            .copied()
            .collect()
    }

    /// The query with the worst p99.
    fn worst(&self) -> usize {
        (0..self.by_query.len())
            .max_by(|a, b| {
                let p99 = |q: usize| quantiles(&self.by_query[q].concat()).1;
                p99(*a).total_cmp(&p99(*b))
            })
            .unwrap_or(0)
    }

    /// One line per measure, `name micros micros…`, for a child to tell its parent.
    fn lines(&self) -> String {
        let line = |name: &str, times: &[Duration]| {
            let micros: Vec<String> = times.iter().map(|t| t.as_micros().to_string()).collect();
            format!("{name} {}\n", micros.join(" "))
        };
        let mut out = line("warm", &self.warm)
            + &line("switch", &self.switch)
            + &line("corbeille", &self.to_corbeille)
            + &line("paging", &self.paging)
            + &line("opening", &self.opening);
        for (q, letters) in self.by_query.iter().enumerate() {
            for (i, times) in letters.iter().enumerate() {
                out += &line(&format!("filter-{q}-{i}"), times);
            }
        }
        out
    }

    fn parse(text: &str, queries: usize) -> Felt {
        let mut felt = Felt {
            warm: Vec::new(),
            switch: Vec::new(),
            to_corbeille: Vec::new(),
            paging: Vec::new(),
            opening: Vec::new(),
            by_query: vec![vec![Vec::new(); 6]; queries],
        };
        for line in text.lines() {
            let mut fields = line.split_whitespace();
            let name = fields.next().unwrap_or_default();
            let times = fields
                .filter_map(|f| f.parse().ok())
                .map(Duration::from_micros);
            let slot = match name {
                "warm" => &mut felt.warm,
                "switch" => &mut felt.switch,
                "corbeille" => &mut felt.to_corbeille,
                "paging" => &mut felt.paging,
                "opening" => &mut felt.opening,
                other => {
                    let mut at = other.strip_prefix("filter-").unwrap_or("").split('-');
                    let q: usize = at.next().and_then(|n| n.parse().ok()).unwrap_or(usize::MAX);
                    let i: usize = at.next().and_then(|n| n.parse().ok()).unwrap_or(usize::MAX);
                    match felt.by_query.get_mut(q).and_then(|l| l.get_mut(i)) {
                        Some(slot) => slot,
                        None => continue,
                    }
                }
            };
            slot.extend(times);
        }
        felt
    }
}

fn feel(
    d: &mut Desk2,
    position: usize,
    queries: &[(String, String)],
    runs: usize,
) -> Result<Felt, Box<dyn std::error::Error>> {
    let mut felt = Felt::parse("", queries.len());
    for _ in 0..runs {
        for c in ['2', '3', '4', '1'] {
            felt.switch.push(d.key(KeyCode::Char(c))?);
        }
    }
    for _ in 0..runs {
        d.key(KeyCode::Char('1'))?;
        d.key(KeyCode::Char('2'))?;
        let start = Instant::now();
        for _ in 0..position {
            d.app
                .on_key(KeyEvent::new(KeyCode::Char('l'), KeyModifiers::NONE));
        }
        d.draw()?;
        felt.to_corbeille.push(start.elapsed());
        for _ in 0..3 {
            felt.paging.push(d.key(KeyCode::PageDown)?);
        }
        felt.opening.push(d.key(KeyCode::Enter)?);
        d.key(KeyCode::Esc)?;
    }
    for _ in 0..runs {
        for (q, (needle, _)) in queries.iter().enumerate() {
            d.key(KeyCode::Char('3'))?;
            d.key(KeyCode::Char('/'))?;
            for (i, c) in needle.chars().enumerate() {
                felt.by_query[q][i].push(d.key(KeyCode::Char(c))?);
            }
            d.key(KeyCode::Esc)?;
            d.key(KeyCode::Esc)?;
        }
    }
    Ok(felt)
}

/// The peak resident memory of this process, in KiB.
fn peak_rss_kib() -> u64 {
    peak_kib_of("self")
}

/// The peak resident memory (VmHWM) of process `pid` ("self" for this one), in KiB; 0 if unreadable.
fn peak_kib_of(pid: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

/// The desk as a team uses a national base: `guichet serve` holds it open, each desk is its client. Two child
/// processes of this harness play the parts, so that each one's memory is its own: `--serve DB SOCKET` runs
/// `guichet serve` (the library's own command line), `--client SOCKET` opens a desk on it, draws the Accueil and
/// prints the time from its start to that frame and its peak resident memory.
fn child(mode: &str, mut args: impl Iterator<Item = String>) -> Outcome {
    let start = Instant::now();
    match mode {
        "--serve" => {
            let db = args.next().ok_or("--serve BASE SOCKET")?;
            let socket = args.next().ok_or("--serve BASE SOCKET")?;
            let cli = guichet::cli::Cli::parse_from([
                "guichet", "--db", &db, "--socket", &socket, "serve",
            ]);
            std::process::exit(
                if guichet::cli::run(cli) == std::process::ExitCode::SUCCESS {
                    0
                } else {
                    1
                },
            );
        }
        "--direct" => {
            let args: Vec<String> = args.collect();
            let [base, login, operator, position, runs, needles @ ..] = args.as_slice() else {
                return Err("--direct BASE LOGIN OPÉRATEUR POSITION PASSES REQUÊTES…".into());
            };
            let desk = Desk::open(Path::new(base))?;
            let mut d = Desk2::open(&desk, Actor::acting_as(login, Some(operator.clone())))?;
            // What the terminal loop has a thread do once the first frame is drawn (before any key here).
            let start = Instant::now();
            desk.store().warm()?;
            let warm = start.elapsed();
            let queries: Vec<(String, String)> =
                needles.iter().map(|n| (n.clone(), String::new())).collect();
            let mut felt = feel(&mut d, position.parse()?, &queries, runs.parse()?)?;
            felt.warm.push(warm);
            if !d.text().contains("Dossier") {
                eprintln!("(le dernier écran ne montrait pas de dossier : vérifiez la navigation)");
            }
            drop(d);
            drop(desk);
            print!("{}", felt.lines());
            println!("peak {}", peak_rss_kib());
            Ok(())
        }
        "--feel" => {
            let args: Vec<String> = args.collect();
            let (socket, args) = args
                .split_last()
                .ok_or("--feel OPÉRATEUR POSITION PASSES REQUÊTES… SOCKET")?;
            let [operator, position, runs, needles @ ..] = args else {
                return Err("--feel OPÉRATEUR POSITION PASSES REQUÊTES… SOCKET".into());
            };
            let socket = Path::new(socket);
            let desk = guichet::net::connect(socket.parent().unwrap_or(socket), socket)?
                .ok_or("aucun serveur sur la socket")?;
            let actor = Actor::acting_as(guichet::cli::os_login(), Some(operator.clone()));
            let mut d = Desk2::open(&desk, actor)?;
            let queries: Vec<(String, String)> =
                needles.iter().map(|n| (n.clone(), String::new())).collect();
            let felt = feel(&mut d, position.parse()?, &queries, runs.parse()?)?;
            print!("{}", felt.lines());
            Ok(())
        }
        _ => {
            let socket = args.next().ok_or("--client SOCKET")?;
            let socket = Path::new(&socket);
            let desk = guichet::net::connect(socket.parent().unwrap_or(socket), socket)?
                .ok_or("aucun serveur sur la socket")?;
            let d = Desk2::open(&desk, Actor::new(guichet::cli::os_login()))?;
            let elapsed = start.elapsed();
            drop(d);
            println!("{} {}", elapsed.as_micros(), peak_rss_kib());
            Ok(())
        }
    }
}

/// A `guichet serve` child holding `path` on a socket in its own temporary directory, once it answers.
struct Served {
    child: std::process::Child,
    socket: std::path::PathBuf,
    _dir: tempfile::TempDir,
}

impl Served {
    fn start(path: &Path) -> Result<Served, Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let socket = dir.path().join("guichet.sock");
        let mut child = std::process::Command::new(std::env::current_exe()?)
            .arg("--serve")
            .arg(path)
            .arg(&socket)
            .stdout(std::process::Stdio::null())
            .spawn()?;
        let deadline = Instant::now() + Duration::from_secs(300);
        while std::os::unix::net::UnixStream::connect(&socket).is_err() {
            if Instant::now() > deadline || child.try_wait()?.is_some() {
                let _ = child.kill();
                return Err("le serveur n'a pas répondu".into());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        Ok(Served {
            child,
            socket,
            _dir: dir,
        })
    }

    /// A client child of this harness on the server; its standard output.
    fn client(&mut self, args: &[String]) -> Result<String, Box<dyn std::error::Error>> {
        let out = std::process::Command::new(std::env::current_exe()?)
            .args(args)
            .arg(&self.socket)
            .output()?;
        if !out.status.success() {
            let _ = self.child.kill();
            return Err(format!("client : {}", String::from_utf8_lossy(&out.stderr)).into());
        }
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    }

    /// Stops the server (SIGTERM, as an operator would); its peak resident memory in KiB.
    fn stop(mut self) -> Result<u64, Box<dyn std::error::Error>> {
        let kib = peak_kib_of(&self.child.id().to_string());
        std::process::Command::new("kill")
            .arg("-TERM")
            .arg(self.child.id().to_string())
            .status()?;
        self.child.wait()?;
        Ok(kib)
    }
}

/// Served: the first frames of `runs` desks on a server holding `path`, the desks' largest peak memory and the
/// server's, in KiB.
fn served(
    path: &Path,
    runs: usize,
) -> Result<(Vec<Duration>, u64, u64), Box<dyn std::error::Error>> {
    let mut server = Served::start(path)?;
    let mut times = Vec::new();
    let mut client_kib = 0;
    for _ in 0..runs {
        let out = server.client(&["--client".to_string()])?;
        let mut fields = out.split_whitespace().map(|f| f.parse::<u64>());
        match (fields.next(), fields.next()) {
            (Some(Ok(micros)), Some(Ok(kib))) => {
                times.push(Duration::from_micros(micros));
                client_kib = client_kib.max(kib);
            }
            _ => return Err(format!("client : réponse illisible « {out} »").into()),
        }
    }
    Ok((times, client_kib, server.stop()?))
}

/// What an operator feels on a desk that opens `path` itself, in a child process; its peak memory in KiB.
fn direct_feel(
    path: &Path,
    login: &str,
    operator: &str,
    position: usize,
    queries: &[(String, String)],
    runs: usize,
) -> Result<(Felt, u64), Box<dyn std::error::Error>> {
    let out = std::process::Command::new(std::env::current_exe()?)
        .arg("--direct")
        .arg(path)
        .args([login, operator, &position.to_string(), &runs.to_string()])
        .args(queries.iter().map(|(needle, _)| needle))
        .stderr(std::process::Stdio::inherit())
        .output()?;
    if !out.status.success() {
        return Err("le guichet ouvrant la base n'a pas abouti".into());
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let kib = text
        .lines()
        .find_map(|l| l.strip_prefix("peak ")?.parse().ok())
        .unwrap_or(0);
    Ok((Felt::parse(&text, queries.len()), kib))
}

/// Served: what an operator feels on a desk that is the server's client, acting as `operator`.
fn served_feel(
    path: &Path,
    operator: &str,
    position: usize,
    queries: &[(String, String)],
    runs: usize,
) -> Result<Felt, Box<dyn std::error::Error>> {
    let mut server = Served::start(path)?;
    let mut args = vec![
        "--feel".to_string(),
        operator.to_string(),
        position.to_string(),
        runs.to_string(),
    ];
    args.extend(queries.iter().map(|(needle, _)| needle.clone()));
    let out = server.client(&args)?;
    server.stop()?;
    Ok(Felt::parse(&out, queries.len()))
}

fn main() -> Outcome {
    let mut args = std::env::args().skip(1);
    let path = args
        .next()
        .ok_or("usage : scale CHEMIN_DE_LA_BASE [passes]")?;
    if ["--serve", "--client", "--feel", "--direct"].contains(&path.as_str()) {
        return child(&path, args);
    }
    let runs: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(20);
    let path = Path::new(&path);
    // The base's administrator (the generator's login, or this one on a base it made).
    let login = {
        let desk = Desk::open(path)?;
        let admins: Vec<String> = desk
            .store()
            .operators()?
            .into_iter()
            .filter(|o| o.role == guichet::domain::operator::OperatorRole::Admin)
            .map(|o| o.login)
            .collect();
        let own = guichet::cli::os_login();
        if admins.contains(&own) {
            own
        } else {
            admins
                .into_iter()
                .next()
                .ok_or("aucun administrateur dans la base")?
        }
    };
    let admin = Actor::new(&login);
    let mut rows = Vec::new();

    // The reference: a database with its administrator and one direction.
    let empty_dir = tempfile::tempdir()?;
    let empty = empty_dir.path().join("base");
    {
        let desk = Desk::open(&empty)?;
        desk.execute_line(
            &admin,
            r#"{"cmd":"direction.add","code":"DRFIP69","name":"DRFiP du Rhône","codique":"069000","departements":["69"],"balf":"drfip69.demat@dgfip.finances.gouv.fr"}"#,
        )?;
    }
    // The desks served below are clients under this OS login: it must be an operator of both bases.
    for base in [empty.as_path(), path] {
        let desk = Desk::open(base)?;
        let own = guichet::cli::os_login();
        if desk.store().operator(&own)?.is_none() {
            desk.execute_line(
                &admin,
                &format!(
                    r#"{{"cmd":"operator.add","login":"{own}","name":"Mesure (guichet client)","role":"admin"}}"#
                ),
            )?;
        }
    }
    let mut empty_times = Vec::new();
    let mut national_times = Vec::new();
    for _ in 0..runs.min(10) {
        empty_times.push(first_frame(&empty, &admin)?);
        national_times.push(first_frame(path, &admin)?);
    }

    let (empty_served, empty_client_kib, empty_server_kib) = served(&empty, runs.min(10))?;
    let (national_served, client_kib, server_kib) = served(path, runs.min(10))?;

    let desk = Desk::open(path)?;
    let store = desk.store();
    let counts = format!(
        "{} directions, {} structures, {} utilisateurs, {} dossiers, {} rattachements, {} entrées de journal",
        store.len(T::Directions)?,
        store.len(T::Structures)?,
        store.len(T::Users)?,
        store.len(T::Dossiers)?,
        store.len(T::Attachments)?,
        store.journal_head()?.0
    );
    // The largest corbeille (the Traitées of ten years, on a national base), and a correspondant of its direction
    // to look at it.
    let (direction, corbeille, size) = desk
        .queues(None)?
        .into_iter()
        .max_by_key(|q| q.count)
        .map(|q| (q.direction, q.corbeille, q.count))
        .ok_or("aucune corbeille")?;
    let operator = format!("mesure.{}", direction.to_lowercase());
    if store.operator(&operator)?.is_none() {
        desk.execute_line(
            &admin,
            &format!(
                r#"{{"cmd":"operator.add","login":"{operator}","name":"Mesure","direction":"{direction}","role":"correspondant"}}"#
            ),
        )?;
    }
    let actor = Actor::acting_as(&login, Some(operator.clone()));

    let position = Corbeille::ALL
        .iter()
        .position(|c| *c == corbeille)
        .unwrap_or(0);
    // The filter's queries: six letters of several realistic ones, chosen from the base itself: a name in the
    // middle of the directory, the most frequent surname and first name, the most frequent e-mail domain, and two
    // fields many accounts share (a status, a population), whose trigrams are the commonest of the index.
    let users = store.len(T::Users)?;
    let queries = filter_queries(store)?;
    let dossier = store
        .corbeille_page(&direction, corbeille, 0, 1)?
        .first()
        .map(|e| e.id)
        .ok_or("corbeille vide")?;
    drop(desk);
    // The keys on a desk that opens the base itself, in a child process: its memory is the desk's alone (this
    // process has just read every user to choose the queries).
    let (felt, direct_kib) = direct_feel(path, &login, &operator, position, &queries, runs)?;

    // One command with its flush, beside a raw insert + flush of as many bytes. Each note goes to another dossier
    // of the largest corbeille, from a point that moves with the journal: a dossier keeps its notes in its record,
    // and one dossier taking every run's notes (hundreds, 31 KB) measured that dossier, not a command.
    let desk = Desk::open(path)?;
    let store = desk.store();
    let commands = runs.max(10) * 10;
    let span = usize::try_from(size)
        .unwrap_or(0)
        .saturating_sub(commands)
        .max(1);
    let start = usize::try_from(store.journal_head()?.0).unwrap_or(0) % span;
    // Two dossiers a command: one the operator has open (read as its screen reads it, untimed), as a note is
    // written from the dossier's screen; one no screen has read, whose pages a national base has not in its
    // cache (the command then reads them from disk).
    let noted = store.corbeille_page(&direction, corbeille, start, 2 * commands)?;
    let nth = |i: usize| noted.get(i % noted.len().max(1)).map_or(dossier, |e| e.id);
    let note = |dossier: guichet::domain::ids::DossierId, i: usize| {
        Command::parse_line(&format!(
            r#"{{"cmd":"dossier.note","dossier":"{dossier}","text":"Mesure {i} : relance par courriel."}}"#
        ))
    };
    let mut command = Vec::new();
    let mut command_cold = Vec::new();
    let mut raw = Vec::new();
    for i in 0..commands {
        let (open, cold) = (nth(2 * i), nth(2 * i + 1));
        desk.dossier_view(&open.to_string())?;
        let parsed = note(open, i)?;
        let start = Instant::now();
        let receipt = desk.execute(&actor, &parsed)?;
        command.push(start.elapsed());
        let bytes = store
            .get_raw(T::Journal, &guichet::store::keys::seq(receipt.seq))?
            .map(|v| v.len())
            .unwrap_or(0)
            + store
                .get_raw(T::Dossiers, &open.key())?
                .map(|v| v.len())
                .unwrap_or(0);
        let tree = store.local_tree(T::Meta)?;
        let start = Instant::now();
        tree.insert(format!("mesure-{i}"), vec![0u8; bytes])?;
        store.flush()?;
        raw.push(start.elapsed());
        tree.remove(format!("mesure-{i}"))?;
        // Flushed here, untimed: left in sled's buffer, the removal was written by the next command's
        // transaction (sled seals the buffer before a transaction's manifest), and timed as part of it.
        store.flush()?;
        let parsed = note(cold, i)?;
        let start = Instant::now();
        desk.execute(&actor, &parsed)?;
        command_cold.push(start.elapsed());
    }
    store.flush()?;
    drop(desk);
    // The same keys on a desk that is the client of a server holding the base.
    let served_felt = served_feel(path, &operator, position, &queries, runs)?;
    // The ratios of medians the issue asks for, each pair measured in this run.
    let ratio = |a: &[Duration], b: &[Duration]| quantiles(a).0 / quantiles(b).0;
    let first_ratio = ratio(&national_times, &empty_times);
    let served_ratio = ratio(&national_served, &empty_served);
    let command_ratio = ratio(&command, &raw);
    let cold_ratio = ratio(&command_cold, &raw);

    rows.push(Row {
        what: "premier écran (ouverture + Accueil), base vide".into(),
        times: empty_times,
    });
    rows.push(Row {
        what: "premier écran (ouverture + Accueil), cette base".into(),
        times: national_times,
    });
    rows.push(Row {
        what: "premier écran d'un guichet client de guichet serve, base vide".into(),
        times: empty_served,
    });
    rows.push(Row {
        what: "premier écran d'un guichet client de guichet serve, cette base".into(),
        times: national_served,
    });
    rows.push(Row {
        what: "mise en mémoire des filtres, après le premier écran (une fois)".into(),
        times: felt.warm.clone(),
    });
    rows.push(Row {
        what: "changer d'espace (une touche, un écran)".into(),
        times: felt.switch.clone(),
    });
    rows.push(Row {
        what: format!("aller à la plus grande corbeille ({size} dossiers)"),
        times: felt.to_corbeille.clone(),
    });
    rows.push(Row {
        what: "page suivante de cette corbeille".into(),
        times: felt.paging.clone(),
    });
    rows.push(Row {
        what: "ouvrir un dossier".into(),
        times: felt.opening.clone(),
    });
    rows.push(Row {
        what: format!(
            "filtre / sur {users} utilisateurs, par lettre, {} requêtes",
            queries.len()
        ),
        times: felt.filter(),
    });
    rows.push(Row {
        what: format!(
            "filtre /, la pire requête (« {} »)",
            queries[felt.worst()].0
        ),
        times: felt.by_query[felt.worst()].concat(),
    });
    rows.push(Row {
        what: "une commande écrite et flushée (dossier.note, dossier ouvert)".into(),
        times: command,
    });
    rows.push(Row {
        what: "insertion sled brute + flush, même taille".into(),
        times: raw,
    });
    rows.push(Row {
        what: "la même commande, sur un dossier qu'aucun écran n'a lu".into(),
        times: command_cold,
    });
    let worst = served_felt.worst();
    for (what, times) in [
        ("changer d'espace".to_string(), served_felt.switch.clone()),
        (
            "aller à la plus grande corbeille".to_string(),
            served_felt.to_corbeille.clone(),
        ),
        (
            "page suivante de cette corbeille".to_string(),
            served_felt.paging.clone(),
        ),
        ("ouvrir un dossier".to_string(), served_felt.opening.clone()),
        ("filtre /, par lettre".to_string(), served_felt.filter()),
        (
            format!("filtre /, la pire requête (« {} »)", queries[worst].0),
            served_felt.by_query[worst].concat(),
        ),
    ] {
        rows.push(Row {
            what: format!("client de guichet serve : {what}"),
            times,
        });
    }
    // The filter again without each letter's first typing (the cold reads of a process just started).
    rows.push(Row {
        what: "filtre /, par lettre, sans le premier passage".into(),
        times: felt.filter_after_first(),
    });
    rows.push(Row {
        what: "client de guichet serve : filtre /, sans le premier passage".into(),
        times: served_felt.filter_after_first(),
    });

    println!("base : {} — {counts}", path.display());
    println!(
        "{:<64} {:>7} {:>11} {:>9}",
        "mesure", "n", "médiane ms", "p99 ms"
    );
    for row in &rows {
        let (median, p99) = quantiles(&row.times);
        println!(
            "{:<64} {:>7} {:>11.2} {:>9.2}",
            row.what,
            row.times.len(),
            median,
            p99
        );
    }
    println!(
        "premier écran : ×{first_ratio:.2} la base vide ; commande : ×{command_ratio:.2} l'insertion brute (×{cold_ratio:.2} sur un dossier non lu) ; mémoire maximale d'un guichet ouvrant la base lui-même : {:.1} Mio",
        direct_kib as f64 / 1024.0
    );
    println!(
        "servie : premier écran ×{served_ratio:.2} la base vide servie ; mémoire maximale d'un guichet client {:.1} Mio (base vide {:.1}), du serveur {:.1} Mio (base vide {:.1})",
        client_kib as f64 / 1024.0,
        empty_client_kib as f64 / 1024.0,
        server_kib as f64 / 1024.0,
        empty_server_kib as f64 / 1024.0
    );
    println!("filtre /, médiane / p99 ms à chaque lettre :");
    for ((needle, what), letters) in queries.iter().zip(&felt.by_query) {
        let cells: Vec<String> = letters
            .iter()
            .enumerate()
            .map(|(i, times)| {
                let (median, p99) = quantiles(times);
                let typed: String = needle.chars().take(i + 1).collect();
                format!("{typed:>6} {median:5.2}/{p99:5.2}")
            })
            .collect();
        println!("  {what:<40} {}", cells.join("  "));
    }
    Ok(())
}
