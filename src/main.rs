//! The `palanca` binary: parse the command line, run, exit with its status.

#![forbid(unsafe_code)]

use std::process::ExitCode;

use clap::Parser;

/// mimalloc rather than glibc's allocator: a build parses files on one
/// thread and frees them on another, and glibc's per-thread arenas then
/// wait on each other's locks (13% of a 10,000-page build, a quarter at
/// 100,000). Built without transparent huge pages, which only raised the
/// peak memory. Stateless: the allocator is the process's, not palanca's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
