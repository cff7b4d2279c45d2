//! Measures the import of a 10,000-line structures file (issue 5): a fresh database each run, the same file,
//! the whole file checked then written in one transaction with one flush. Prints the median and the spread over
//! the runs. Run it in release mode: `cargo run --release --example import_bench [runs]`.

use guichet::desk::{Actor, Desk};
use guichet::files::import::{Imported, Kind, Options, import};
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

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let runs: usize = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(5);
    let mut file =
        String::from("siret;raison_sociale;categorie;comptable_public;adresse;code_postal;ville\n");
    for i in 0..10_000u64 {
        file.push_str(&format!(
            "{};Établissement public n° {i};GIP;non;{i} rue de la République;69001;Lyon\n",
            siret(1_300_000_000_000 + i)
        ));
    }
    let actor = Actor::new("bench");
    let mut times = Vec::new();
    for _ in 0..runs {
        let dir = tempfile::tempdir()?;
        let desk = Desk::open(&dir.path().join("base"))?;
        desk.execute_line(&actor, SETUP)?;
        let start = Instant::now();
        let outcome = import(
            &desk,
            &actor,
            Kind::Structures,
            file.as_bytes(),
            &Options::default(),
            false,
            "bench",
        )?;
        let elapsed = start.elapsed();
        match outcome {
            Imported::Done {
                commands: 10_000, ..
            } => times.push(elapsed),
            other => return Err(format!("import inattendu : {other:?}").into()),
        }
    }
    times.sort();
    let median = times[times.len() / 2];
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "import de 10 000 structures ({} Kio) : médiane {:.0} ms sur {runs} essais (min {:.0} ms, max {:.0} ms), soit {:.0} µs par ligne",
        file.len() / 1024,
        ms(median),
        ms(times[0]),
        ms(times[times.len() - 1]),
        ms(median) * 1000.0 / 10_000.0
    );
    Ok(())
}
