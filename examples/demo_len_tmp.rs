//! Throwaway: time Store::len and flush on an existing database. Deleted after use.
use guichet::store::{Store, T};
fn main() {
    let path = std::env::args().nth(1).unwrap();
    let t = std::time::Instant::now();
    let store = Store::open(std::path::Path::new(&path)).unwrap();
    eprintln!("open {:.2}s", t.elapsed().as_secs_f64());
    for tr in [
        T::Directions,
        T::Structures,
        T::Users,
        T::Dossiers,
        T::Attachments,
    ] {
        let t = std::time::Instant::now();
        let n = store.len(tr).unwrap();
        eprintln!("len {tr:?} = {n} in {:.2}s", t.elapsed().as_secs_f64());
    }
    let t = std::time::Instant::now();
    let h = store.journal_head().unwrap().0;
    eprintln!("journal head {h} in {:.3}s", t.elapsed().as_secs_f64());
}
