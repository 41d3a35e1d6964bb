//! The `palanca` binary: parse the command line, run, exit with its status.

use std::process::ExitCode;

use clap::Parser;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    // Bad input is reported as diagnostics, never by panicking. Should a bug
    // panic anyway, say so plainly; the output folder is untouched because
    // nothing is written before the whole site is rendered.
    std::panic::set_hook(Box::new(|info| {
        eprintln!("error: palanca hit an internal error, which is a bug: {info}");
        eprintln!("  = help: the previous output was left as it was; please report this with the input that caused it");
    }));
    palanca::cli::run(palanca::cli::Cli::parse())
}
