//! The `guichet` binary: parses the command line and hands over to `cli::run`.

use clap::Parser;

fn main() -> std::process::ExitCode {
    guichet::cli::run(guichet::cli::Cli::parse())
}
