//! The command line: parsing (clap) and running the commands.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::load::{self, LoadOptions};
use crate::model::{self, Model};
use crate::render::{self, Site};
use crate::theme::Theme;

/// Turns a growth plan and its metrics into a static report site.
#[derive(Debug, Parser)]
#[command(name = "palanca", version, about)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the site into the output folder.
    Build(BuildArgs),
    /// Report every problem and inconsistency without writing anything.
    Check(CheckArgs),
}

/// Options of `build`.
#[derive(Debug, Args)]
pub struct BuildArgs {
    /// The site folder (holding site.yaml and content/).
    #[arg(long, default_value = ".")]
    pub site: PathBuf,
    /// Where to write the site [default: SITE/output].
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Include pages marked `draft: true`.
    #[arg(long)]
    pub drafts: bool,
    /// Print only errors.
    #[arg(long, short)]
    pub quiet: bool,
}

/// Options of `check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The site folder (holding site.yaml and content/).
    #[arg(long, default_value = ".")]
    pub site: PathBuf,
    /// Fail (exit 1) when there are warnings too.
    #[arg(long)]
    pub deny_warnings: bool,
    /// Include pages marked `draft: true`.
    #[arg(long)]
    pub drafts: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

/// How `check` prints its findings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Human-readable, like rustc.
    Text,
    /// One JSON document, for tools.
    Json,
}

/// Exit status for content errors (usage errors exit 2, from clap).
const CONTENT_ERROR: u8 = 1;

/// Runs the parsed command line.
pub fn run(cli: Cli) -> ExitCode {
    match cli.command {
        Command::Build(args) => build(&args),
        Command::Check(args) => check(&args),
    }
}

/// Loads, resolves and renders the site at `root` in memory.
pub fn build_site(root: &Path, options: LoadOptions) -> Result<(Model, Site, Diagnostics), Diagnostics> {
    let (project, mut warnings) = load::load(root, options)?;
    let language = project.site.language.code();
    let theme = Theme::build(&project.theme, language).map_err(Diagnostics)?;
    let model = model::resolve(project).map_err(|mut d| {
        d.extend(warnings.clone());
        d
    })?;
    warnings.extend(model.findings.clone());
    let site = render::render(&model, &theme)?;
    Ok((model, site, warnings))
}

fn build(args: &BuildArgs) -> ExitCode {
    let started = Instant::now();
    let out = args.out.clone().unwrap_or_else(|| args.site.join("output"));
    let (_, site, warnings) = match build_site(&args.site, LoadOptions { drafts: args.drafts }) {
        Ok(built) => built,
        Err(diags) => return fail(diags),
    };
    if !args.quiet {
        print_all(&warnings);
    }
    if let Err(e) = crate::output::write(&site, &out) {
        eprintln!(
            "{}",
            Diagnostic::error(out.display().to_string(), e.to_string())
                .help("pass --out DIR to write elsewhere, or move the folder away")
        );
        return ExitCode::from(CONTENT_ERROR);
    }
    if !args.quiet {
        eprintln!(
            "built {} pages and {} charts into {} in {} ms ({} warning{})",
            site.pages,
            site.charts,
            out.display(),
            started.elapsed().as_millis(),
            warnings.0.len(),
            if warnings.0.len() == 1 { "" } else { "s" }
        );
    }
    ExitCode::SUCCESS
}

fn check(args: &CheckArgs) -> ExitCode {
    let result = build_site(&args.site, LoadOptions { drafts: args.drafts });
    let (diags, failed) = match result {
        Ok((_, _, warnings)) => {
            let failed = args.deny_warnings && !warnings.0.is_empty();
            (warnings, failed)
        }
        Err(diags) => (diags, true),
    };
    let mut diags = diags;
    diags.sort();
    match args.format {
        Format::Json => {
            let doc = serde_json::json!({
                "errors": diags.error_count(),
                "warnings": diags.warning_count(),
                "diagnostics": diags.0,
            });
            println!("{}", serde_json::to_string_pretty(&doc).unwrap_or_default());
        }
        Format::Text => {
            print_all(&diags);
            eprintln!("{} error(s), {} warning(s)", diags.error_count(), diags.warning_count());
        }
    }
    if failed {
        ExitCode::from(CONTENT_ERROR)
    } else {
        ExitCode::SUCCESS
    }
}

fn fail(mut diags: Diagnostics) -> ExitCode {
    diags.sort();
    print_all(&diags);
    eprintln!(
        "error: the build failed with {} error(s); the previous output was left as it was",
        diags.error_count()
    );
    ExitCode::from(CONTENT_ERROR)
}

fn print_all(diags: &Diagnostics) {
    let colour = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    for d in &diags.0 {
        let text = d.to_string();
        if colour {
            let (head, rest) = text.split_once('\n').unwrap_or((&text, ""));
            let code = if d.is_error() { "31" } else { "33" };
            eprintln!("\x1b[1;{code}m{head}\x1b[0m\n{rest}");
        } else {
            eprintln!("{text}");
        }
    }
}
