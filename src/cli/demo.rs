//! `guichet demo [--scale demo|national] [--seed N] [--db CHEMIN]`: fills an empty database with fictional data,
//! every command going through the desk (`demo::generate`), so that the rules apply and the journal is real. A
//! progress line is redrawn on the error output while it runs; the summary follows, as a French table or `--json`.
//!
//! It runs as the OS login, who becomes the administrator of the empty base. Not for a database held by
//! `guichet serve`: a bulk load writes to the database itself. Exit statuses: 0 done; 1 the base refused (not
//! empty, not an administrator) or the generator met refusals it did not expect; 2 the database could not be used.

use super::{Cli, os_login};
use crate::demo::{self, Scale, Summary};
use crate::desk::{Actor, DeskError};
use serde_json::json;
use std::collections::VecDeque;
use std::io::{IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;
use std::time::{Duration, Instant};

#[derive(Debug, clap::Args)]
pub struct DemoArgs {
    /// Taille : demo (5 directions, 200 structures, 500 dossiers) ou national (101 directions, 15 000 structures,
    /// 60 000 utilisateurs, 200 000 dossiers sur dix ans)
    #[arg(long, default_value = "demo", value_parser = ["demo", "national"])]
    pub scale: String,
    /// Graine du générateur : la même graine et la même horloge (GUICHET_NOW) donnent la même base
    #[arg(long, default_value_t = 2026)]
    pub seed: u64,
}

/// The progress line is redrawn at most this often.
const REDRAW: Duration = Duration::from_millis(200);

/// The remaining time is estimated from the pace of the last minute: structures go faster than dossiers, and
/// the pace slows as the base grows.
const PACE: Duration = Duration::from_secs(60);

pub(super) fn run(cli: &Cli, path: &Path, args: &DemoArgs) -> ExitCode {
    let Some(scale) = Scale::named(&args.scale) else {
        eprintln!(
            "guichet : taille inconnue « {} » (demo ou national)",
            args.scale
        );
        return ExitCode::from(2);
    };
    let desk = match super::open_desk_at(path).and_then(super::with_clock) {
        Ok(desk) => desk,
        Err(message) => {
            eprintln!("guichet : {message}");
            return ExitCode::from(2);
        }
    };
    let actor = Actor::new(os_login());
    let started = Instant::now();
    let mut bar = Progress::new(started);
    let generated = demo::generate(&desk, &actor, &scale, args.seed, &mut |done, total| {
        bar.draw(done, total);
    });
    bar.end();
    // sled writes its snapshot of the page table only when it opens a database, after replaying its log since
    // the last one: left as it is, the next opening would replay the whole generation (6 s on a national base).
    // Opened once more here, the base is ready for a desk.
    // Failing (sled slow to let go of its lock), it costs the next opening that replay, nothing else.
    drop(desk);
    if generated.is_ok() {
        let _ = super::open_desk_at(path);
    }
    let elapsed = started.elapsed();
    let summary = match generated {
        Ok(summary) => summary,
        Err(e) => {
            eprintln!("guichet : {e}");
            return match e {
                DeskError::Refused(_) => ExitCode::from(1),
                DeskError::Store(_) => ExitCode::from(2),
            };
        }
    };
    if cli.json {
        println!(
            "{}",
            json!({
                "scale": args.scale, "seed": args.seed, "db": path, "seconds": elapsed.as_secs_f64(),
                "summary": summary,
            })
        );
    } else {
        print_summary(path, args, &summary, elapsed);
    }
    if summary.refused > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn print_summary(path: &Path, args: &DemoArgs, s: &Summary, elapsed: Duration) {
    println!(
        "Base de démonstration « {} » (graine {}) : {}",
        args.scale,
        args.seed,
        path.display()
    );
    println!(
        "{}",
        super::table::fields(&[
            ("Directions", thousands(s.directions as u64)),
            ("Structures", thousands(s.structures as u64)),
            ("Utilisateurs", thousands(s.users as u64)),
            ("Dossiers", thousands(s.dossiers as u64)),
            ("Rattachements", thousands(s.attachments as u64)),
            ("Entrées du journal", thousands(s.journal)),
            ("Commandes", thousands(s.commands as u64)),
            ("Refus voulus", thousands(s.deliberate_refusals as u64)),
            ("Refus inattendus", thousands(s.refused as u64)),
            ("Durée", duration(elapsed)),
        ])
    );
    if s.refused > 0 {
        eprintln!(
            "guichet : {} commande(s) refusée(s) alors que le générateur les attendait acceptées ; les premières :",
            s.refused
        );
        for line in &s.unexpected {
            eprintln!("  {line}");
        }
    }
}

/// The progress line on the error output: redrawn in place on a terminal, a line every tenth otherwise.
struct Progress {
    started: Instant,
    last: Option<Instant>,
    tenth: usize,
    terminal: bool,
    drawn: bool,
    /// Recent (instant, done) points, for the pace.
    recent: VecDeque<(Instant, usize)>,
}

impl Progress {
    fn new(started: Instant) -> Progress {
        Progress {
            started,
            last: None,
            tenth: 0,
            terminal: std::io::stderr().is_terminal(),
            drawn: false,
            recent: VecDeque::from([(started, 0)]),
        }
    }

    /// Seconds left at the pace of the last minute.
    fn remaining(&mut self, now: Instant, done: usize, total: usize) -> Option<f64> {
        self.recent.push_back((now, done));
        while self.recent.len() > 2 && self.recent[1].0 + PACE < now {
            self.recent.pop_front();
        }
        let &(then, before) = self.recent.front()?;
        let seconds = (now - then).as_secs_f64();
        (done > before && seconds > 0.0)
            .then(|| seconds * (total - done) as f64 / (done - before) as f64)
    }

    fn draw(&mut self, done: usize, total: usize) {
        let total = total.max(1);
        let done = done.min(total);
        let now = Instant::now();
        let remaining = self.remaining(now, done, total);
        let line = progress_line(done, total, now - self.started, remaining);
        let mut err = std::io::stderr().lock();
        if self.terminal {
            if done < total && self.last.is_some_and(|t| now - t < REDRAW) {
                return;
            }
            self.last = Some(now);
            self.drawn = true;
            // Errors writing a progress line are not worth stopping the load for.
            let _ = write!(err, "\r{line}\x1b[K");
            let _ = err.flush();
        } else {
            let tenth = done * 10 / total;
            if tenth > self.tenth || (done == total && !self.drawn) {
                self.tenth = tenth;
                self.drawn = true;
                let _ = writeln!(err, "{line}");
            }
        }
    }

    /// Leaves the last progress line on the screen, and the cursor under it.
    fn end(&mut self) {
        if self.terminal && self.drawn {
            eprintln!();
        }
    }
}

const WIDTH: usize = 24;

fn progress_line(done: usize, total: usize, elapsed: Duration, remaining: Option<f64>) -> String {
    let filled = done * WIDTH / total;
    let bar = format!("{}{}", "█".repeat(filled), "░".repeat(WIDTH - filled));
    let remaining = match remaining {
        _ if done == total => "terminé".to_string(),
        Some(rest) => format!("reste ≈ {}", duration(Duration::from_secs_f64(rest))),
        None => "reste —".to_string(),
    };
    format!(
        "{:>3} % {bar} {} / {} structures, dossiers et utilisateurs · {} · {remaining}",
        done * 100 / total,
        thousands(done as u64),
        thousands(total as u64),
        duration(elapsed),
    )
}

/// 1234567 → « 1 234 567 ».
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('\u{202f}');
        }
        out.push(c);
    }
    out
}

/// « 42 s », « 3 min 05 s », « 1 h 02 min ».
fn duration(d: Duration) -> String {
    let s = d.as_secs();
    match s {
        0..60 => format!("{s} s"),
        60..3600 => format!("{} min {:02} s", s / 60, s % 60),
        _ => format!("{} h {:02} min", s / 3600, s % 3600 / 60),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_durations_read_in_french() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_000), "1\u{202f}000");
        assert_eq!(thousands(1_234_567), "1\u{202f}234\u{202f}567");
        assert_eq!(duration(Duration::from_secs(42)), "42 s");
        assert_eq!(duration(Duration::from_secs(185)), "3 min 05 s");
        assert_eq!(duration(Duration::from_secs(3720)), "1 h 02 min");
    }

    #[test]
    fn the_progress_line_says_how_far_and_how_long() {
        let line = progress_line(50, 200, Duration::from_secs(30), Some(90.0));
        assert!(line.starts_with(" 25 % ██████░"), "{line}");
        assert!(line.contains("50 / 200"), "{line}");
        assert!(line.contains("30 s · reste ≈ 1 min 30 s"), "{line}");
        assert!(progress_line(0, 200, Duration::ZERO, None).ends_with("reste —"));
        assert!(progress_line(200, 200, Duration::from_secs(1), Some(0.0)).ends_with("terminé"));
    }

    #[test]
    fn the_remaining_time_follows_the_recent_pace() {
        let start = Instant::now();
        let mut p = Progress::new(start);
        // Fast at first (100 in 10 s), then slow (10 in 60 s): the last minute's pace counts.
        assert!(
            p.remaining(start + Duration::from_secs(10), 100, 1000)
                .is_some()
        );
        let rest = p
            .remaining(start + Duration::from_secs(80), 110, 1000)
            .expect("a pace");
        assert!(rest > 2000.0, "{rest}");
    }
}
