//! What the two long pickers of Mon compte cost on a large base (issue 7's scale), on the real `App` drawn into an
//! off-screen terminal of 120×40: opening « Changer d'utilisateur » (`c`) and each letter of six six-letter
//! queries typed in it, then, acting as the first account it offers, opening « Demander un rattachement » (`d`)
//! and each letter of six queries typed in it. Nothing is chosen: the pickers are closed with Échap. Medians, 90th
//! percentiles and maxima over the passes.
//!
//! Opened directly it adds the OS login as an administrator of the base if it is not one (so that a later run
//! through a server may act): run it on a copy. Given a socket, the desk is the client of the `guichet serve`
//! holding the base, acting as its administrator.
//! `cargo run --release --example pickers -- PATH [passes] [SOCKET]`

use guichet::desk::{Actor, Desk};
use guichet::domain::operator::OperatorRole;
use guichet::tui::App;
use guichet::tui::theme::Theme;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::path::Path;
use std::time::{Duration, Instant};

/// The allocator of the `guichet` binary, so that the desk measured here is the one an operator runs.
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

type Outcome = Result<(), Box<dyn std::error::Error>>;

const USERS: [&str; 6] = ["martin", "lefevr", "marie.", "ac-ver", "dupont", "xt 2"];
const STRUCTURES: [&str; 6] = ["lycee ", "colleg", "mairie", "192000", "ecole ", "saint-"];

/// "median 0.74 ms, p90 1.05 ms, max 3.40 ms (n=60)".
fn summary(times: &[Duration]) -> String {
    let mut sorted = times.to_vec();
    sorted.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let at = |q: usize| ms(sorted[(sorted.len() * q / 100).min(sorted.len() - 1)]);
    format!(
        "median {:.2} ms, p90 {:.2} ms, max {:.2} ms (n={})",
        at(50),
        at(90),
        sorted.last().copied().map(ms).unwrap_or_default(),
        sorted.len()
    )
}

/// The app on its terminal, as the terminal loop runs it: a key, then a frame.
struct Felt<'a> {
    app: App<'a>,
    terminal: Terminal<TestBackend>,
}

impl Felt<'_> {
    /// One key and the frame after it, timed.
    fn key(&mut self, c: KeyCode) -> Result<Duration, Box<dyn std::error::Error>> {
        let start = Instant::now();
        self.app.on_key(KeyEvent::new(c, KeyModifiers::NONE));
        let app = &mut self.app;
        self.terminal.draw(|f| app.draw(f))?;
        Ok(start.elapsed())
    }

    /// Opens a picker with `open`, types each query a letter at a time and closes it, `passes` times; prints the
    /// opening, each letter's rank (the first, the second…) and all of them.
    fn picker(&mut self, what: &str, open: char, queries: &[&str], passes: usize) -> Outcome {
        let mut opening = Vec::new();
        let mut by_letter: Vec<Vec<Duration>> = Vec::new();
        for _ in 0..passes {
            for query in queries {
                opening.push(self.key(KeyCode::Char(open))?);
                for (i, c) in query.chars().enumerate() {
                    let time = self.key(KeyCode::Char(c))?;
                    if by_letter.len() <= i {
                        by_letter.push(Vec::new());
                    }
                    by_letter[i].push(time);
                }
                self.key(KeyCode::Esc)?;
            }
        }
        println!("{what}: opening {}", summary(&opening));
        for (i, times) in by_letter.iter().enumerate() {
            println!("{what}: letter {} {}", i + 1, summary(times));
        }
        println!(
            "{what}: each letter after the first {}",
            summary(&by_letter[1..].concat())
        );
        println!("{what}: each letter {}", summary(&by_letter.concat()));
        Ok(())
    }
}

fn main() -> Outcome {
    let mut args = std::env::args().skip(1);
    let path = args
        .next()
        .ok_or("usage : pickers CHEMIN_DE_LA_BASE [passes] [SOCKET]")?;
    let passes: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(5);
    let socket = args.next();
    let own = guichet::cli::os_login();
    let desk = match &socket {
        Some(socket) => {
            let socket = Path::new(socket);
            guichet::net::connect(socket.parent().unwrap_or(socket), socket)?
                .ok_or("aucun serveur sur la socket")?
        }
        None => Desk::open(Path::new(&path))?,
    };
    // An administrator other than this login if there is one (a client acts as him), else this login.
    let admins: Vec<_> = desk
        .store()
        .operators()?
        .into_iter()
        .filter(|o| o.role == OperatorRole::Admin)
        .collect();
    let admin = admins
        .iter()
        .find(|o| o.login != own)
        .or(admins.first())
        .cloned()
        .ok_or("aucun administrateur dans la base")?;
    let actor = match &socket {
        Some(_) => Actor::acting_as(&own, Some(admin.login.clone())),
        None => {
            if desk.store().operator(&own)?.is_none() {
                desk.execute_line(
                    &Actor::new(&admin.login),
                    &format!(
                        r#"{{"cmd":"operator.add","login":"{own}","name":"Mesure","role":"admin"}}"#
                    ),
                )?;
            }
            Actor::new(&admin.login)
        }
    };
    println!(
        "{} utilisateurs, {} structures",
        desk.store().users_count()?,
        desk.store().structures_count()?
    );
    let mut felt = Felt {
        app: App::new(&desk, actor, admin).with_theme(Theme { color: false }),
        terminal: Terminal::new(TestBackend::new(120, 40))?,
    };
    felt.key(KeyCode::Char('5'))?;
    felt.picker("Changer d'utilisateur", 'c', &USERS, passes)?;
    // Acting as the first account offered (choosing writes nothing), then the structures.
    felt.key(KeyCode::Char('c'))?;
    felt.key(KeyCode::Enter)?;
    felt.picker("Demander un rattachement", 'd', &STRUCTURES, passes)
}
