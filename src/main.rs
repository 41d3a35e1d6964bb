//! The `palanca` binary: parse the command line, run, exit with its status.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    palanca::cli::run(palanca::cli::Cli::parse())
}
