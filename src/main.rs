//! The `guichet` binary: parses the command line and hands over to `cli::run`.

use clap::Parser;

/// jemalloc rather than the C library's allocator: a national bulk load spent a quarter to a third of its time in
/// glibc's malloc and free (measured: the same national generation took a third less CPU time under jemalloc).
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() -> std::process::ExitCode {
    guichet::cli::run(guichet::cli::Cli::parse())
}
