//! Throwaway: SHA-256 of the demo database (seed 2026, fixed clock). Deleted after use.
use guichet::demo::{self, Scale};
use guichet::desk::{Actor, Desk};
use sha2::{Digest, Sha256};

fn main() {
    for seed in [2026u64, 42] {
        run(seed);
    }
}

fn run(seed: u64) {
    let dir = tempfile::tempdir().unwrap();
    let now = chrono::DateTime::parse_from_rfc3339("2026-11-28T10:00:00Z")
        .unwrap()
        .to_utc();
    let desk = Desk::open(&dir.path().join("base"))
        .unwrap()
        .with_clock(move || now);
    let t = std::time::Instant::now();
    let summary = demo::generate(
        &desk,
        &Actor::new("admin".to_string()),
        &Scale::DEMO,
        seed,
        &mut |_, _| {},
    )
    .unwrap();
    let el = t.elapsed();
    let dump = desk.store().dump_state().unwrap();
    let mut h = Sha256::new();
    for (name, rows) in &dump {
        h.update(name.as_bytes());
        for (k, v) in rows {
            h.update((k.len() as u64).to_le_bytes());
            h.update(k);
            h.update((v.len() as u64).to_le_bytes());
            h.update(v);
        }
    }
    let (seq, head) = desk.store().journal_head().unwrap();
    h.update(seq.to_le_bytes());
    h.update(head);
    let d = h.finalize();
    println!("seed {seed}: {summary:?}");
    println!(
        "journal {seq} head {}",
        head.iter().map(|b| format!("{b:02x}")).collect::<String>()
    );
    println!(
        "hash {}",
        d.iter().map(|b| format!("{b:02x}")).collect::<String>()
    );
    eprintln!("{:.2}s", el.as_secs_f64());
}
