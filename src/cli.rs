//! The command line: parsing (clap) and running the commands.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::load::Audience;
use crate::pipeline::{self, Options};

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
    /// Preview the site at http://127.0.0.1:PORT/, rebuilding on every save.
    Serve(ServeArgs),
    /// Read every metric's source (CSV files, PostgreSQL) into the snapshots
    /// in content/snapshots/, which build and check read.
    Pull(PullArgs),
    /// Write JSON Schemas of the file formats, for editors.
    Schema(SchemaArgs),
    /// Print shell completions.
    Completions(CompletionsArgs),
    /// Start a new site (`palanca new DIR`) or the month's update
    /// (`palanca new update [YYYY-MM]`).
    New(NewArgs),
    /// Mail the month's update to the recipients in a file, one message each.
    Send(SendArgs),
    /// Print each reader's personal link to the encrypted site (address,
    /// a tab, the link).
    Links(LinksArgs),
}

/// Options of `links`.
#[derive(Debug, Args)]
pub struct LinksArgs {
    /// The readers: the file given to `build --encrypt --readers`.
    #[arg(long, value_name = "FILE")]
    pub readers: PathBuf,
    /// The site folder.
    #[arg(long, default_value = ".")]
    pub site: PathBuf,
}

/// Options of `send`.
#[derive(Debug, Args)]
pub struct SendArgs {
    /// The update's month, YYYY-MM.
    pub month: String,
    /// The recipients: a file with one address per line (`Ana <ana@example.com>`).
    #[arg(long, value_name = "FILE")]
    pub to: PathBuf,
    /// The site folder.
    #[arg(long, default_value = ".")]
    pub site: PathBuf,
    /// Print who would get what, and send nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Send again to addresses that already got this month's update.
    #[arg(long)]
    pub resend: bool,
    /// Which version to send: `public` leaves out everything marked `audience: investors`.
    #[arg(long, value_enum, default_value_t = Readers::Investors)]
    pub audience: Readers,
}

/// Options of `serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The site folder.
    #[arg(long, default_value = ".")]
    pub site: PathBuf,
    /// The port to listen on (the next free one if taken).
    #[arg(long, default_value_t = 1111)]
    pub port: u16,
    /// Open the preview in a browser.
    #[arg(long)]
    pub open: bool,
    /// Include pages marked `draft: true`.
    #[arg(long)]
    pub drafts: bool,
    /// Who the preview is for: `public` leaves out everything marked `audience: investors`.
    #[arg(long, value_enum, default_value_t = Readers::Investors)]
    pub audience: Readers,
    /// Also print the time each stage of a rebuild took.
    #[arg(long, short)]
    pub verbose: bool,
}

/// Options of `pull`.
#[derive(Debug, Args)]
pub struct PullArgs {
    /// The site folder (holding site.yaml and content/).
    #[arg(long, default_value = ".")]
    pub site: PathBuf,
    /// Report what would change, without writing a snapshot.
    #[arg(long)]
    pub dry_run: bool,
}

/// Options of `schema`.
#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// Where to write the schemas.
    #[arg(long, default_value = "schemas")]
    pub out: PathBuf,
}

/// Options of `completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell.
    pub shell: clap_complete::Shell,
}

/// Options of `new`.
#[derive(Debug, Args)]
pub struct NewArgs {
    /// A folder for a new site, or `update` for the month's update.
    pub target: String,
    /// With `update`: the month, YYYY-MM [default: the month after the latest update].
    pub period: Option<String>,
    /// With `update`: the site folder.
    #[arg(long, default_value = ".")]
    pub site: PathBuf,
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
    /// Who the site is for: `public` leaves out everything marked `audience: investors`.
    #[arg(long, value_enum, default_value_t = Readers::Investors)]
    pub audience: Readers,
    /// Encrypt every page, chart and download with a passphrase (from
    /// PALANCA_PASSWORD or --password-file); readers unlock it in the browser.
    #[arg(long)]
    pub encrypt: bool,
    /// With --encrypt: read the passphrase from this file (its first line).
    #[arg(long, requires = "encrypt", value_name = "FILE")]
    pub password_file: Option<PathBuf>,
    /// With --encrypt: give each reader in FILE (one address per line, as
    /// for `send --to`) a personal link that opens the site; the
    /// passphrase becomes optional.
    #[arg(long, requires = "encrypt", value_name = "FILE")]
    pub readers: Option<PathBuf>,
    /// Print only errors.
    #[arg(long, short, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Also print the time each stage took.
    #[arg(long, short)]
    pub verbose: bool,
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
    /// Check the site as `public` or `investors` would get it.
    #[arg(long, value_enum, default_value_t = Readers::Investors)]
    pub audience: Readers,
    /// Also apply an investor's rules of thumb (LTV/CAC, CAC payback,
    /// churn, burn multiple).
    #[arg(long)]
    pub advice: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

/// Who a build is for, on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Readers {
    /// Everything, for the investors: the default.
    Investors,
    /// Anyone: leaves out everything marked `audience: investors`.
    Public,
}

impl From<Readers> for Audience {
    fn from(readers: Readers) -> Audience {
        match readers {
            Readers::Investors => Audience::Investors,
            Readers::Public => Audience::Public,
        }
    }
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
/// The exit status of a mistake in the command line itself (as clap's).
const USAGE_ERROR: u8 = 2;

/// Runs the parsed command line.
pub fn run(cli: Cli) -> ExitCode {
    match cli.command {
        Command::Build(args) => build(&args),
        Command::Check(args) => check(&args),
        Command::New(args) => new(&args),
        Command::Send(args) => send(&args),
        Command::Links(args) => links(&args),
        Command::Serve(args) => serve(&args),
        Command::Pull(args) => pull(&args),
        Command::Schema(args) => schema(&args),
        Command::Completions(args) => {
            use clap::CommandFactory;
            clap_complete::generate(args.shell, &mut Cli::command(), "palanca", &mut std::io::stdout());
            ExitCode::SUCCESS
        }
    }
}

/// A spinner on stderr for builds that take over a second, on a terminal
/// only; it clears its line when dropped.
struct Spinner {
    done: std::sync::Arc<std::sync::atomic::AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Spinner {
    fn start(enabled: bool) -> Spinner {
        use std::sync::atomic::Ordering;
        let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let thread = enabled.then(|| {
            let done = std::sync::Arc::clone(&done);
            std::thread::spawn(move || {
                let started = Instant::now();
                let frames = ['|', '/', '-', '\\'];
                let mut shown = false;
                let mut i = 0;
                while !done.load(Ordering::Relaxed) {
                    std::thread::sleep(std::time::Duration::from_millis(100));
                    if started.elapsed().as_millis() >= 1000 && !done.load(Ordering::Relaxed) {
                        eprint!("\r{} building… {:.1} s", frames[i % 4], started.elapsed().as_secs_f64());
                        shown = true;
                        i += 1;
                    }
                }
                if shown {
                    eprint!("\r\x1b[K");
                }
            })
        });
        Spinner { done, thread }
    }
}

impl Drop for Spinner {
    fn drop(&mut self) {
        self.done.store(true, std::sync::atomic::Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn build(args: &BuildArgs) -> ExitCode {
    let started = Instant::now();
    let out = args.out.clone().unwrap_or_else(|| args.site.join("output"));
    if args.out.is_none()
        && let Err(d) = default_output_is_real(&out)
    {
        return fail(Diagnostics(vec![d]));
    }
    let options = Options {
        drafts: args.drafts,
        audience: args.audience.into(),
        verbose: args.verbose,
        advice: false,
    };
    let (protection, readers) = match protection(args) {
        Ok(p) => p,
        Err(diags) => return fail(diags),
    };
    let spinner = Spinner::start(!args.quiet && std::io::stderr().is_terminal());
    let result = pipeline::build(&args.site, &out, options, &protection);
    drop(spinner);
    let report = match result {
        Ok(report) => report,
        Err(diags) => return fail(diags),
    };
    if !args.quiet {
        // Notes are for `check`: a build says what may be wrong, not what
        // went unchecked.
        let mut warnings = report.warnings;
        warnings.0.retain(|d| d.severity != crate::diagnostic::Severity::Note);
        print_all(&warnings);
        let n = warnings.0.len();
        eprintln!(
            "built {} pages and {} charts{} into {} in {} ms ({n} warning{})",
            report.stats.pages,
            report.stats.charts,
            encrypted_for(args, readers.as_ref()),
            out.display(),
            started.elapsed().as_millis(),
            if n == 1 { "" } else { "s" }
        );
    }
    ExitCode::SUCCESS
}

/// What protects the build: nothing, or a passphrase and the personal
/// keys of the readers of `--readers` (made for new readers, dropped for
/// those no longer listed).
fn protection(args: &BuildArgs) -> Result<(pipeline::Protection, Option<crate::readers::ForBuild>), Diagnostics> {
    if !args.encrypt {
        return Ok((pipeline::Protection::Plain, None));
    }
    let one = |d: Box<Diagnostic>| Diagnostics(vec![*d]);
    let file = args.password_file.as_deref();
    let Some(list) = &args.readers else {
        let passphrase = crate::encrypt::Passphrase::from_environment(file).map_err(one)?;
        let openers = crate::encrypt::Openers {
            passphrase: Some(passphrase),
            readers: Vec::new(),
        };
        return Ok((pipeline::Protection::Encrypted(openers), None));
    };
    let passphrase = crate::encrypt::Passphrase::optional_from_environment(file).map_err(one)?;
    let readers = crate::readers::for_build(&args.site, list)?;
    let openers = crate::encrypt::Openers {
        passphrase,
        readers: readers.keys.clone(),
    };
    Ok((pipeline::Protection::Encrypted(openers), Some(readers)))
}

/// How the build summary says what protects it.
fn encrypted_for(args: &BuildArgs, readers: Option<&crate::readers::ForBuild>) -> String {
    match (args.encrypt, readers) {
        (false, _) => String::new(),
        (true, None) => ", encrypted,".into(),
        (true, Some(r)) => {
            let n = r.keys.len();
            let mut changes = Vec::new();
            if r.made > 0 {
                changes.push(format!("{} new", r.made));
            }
            if r.revoked > 0 {
                changes.push(format!("{} revoked", r.revoked));
            }
            let changes = if changes.is_empty() {
                String::new()
            } else {
                format!(" ({})", changes.join(", "))
            };
            format!(", encrypted for {n} reader{}{changes},", if n == 1 { "" } else { "s" })
        }
    }
}

/// `palanca links`: each reader's personal link, one per line.
fn links(args: &LinksArgs) -> ExitCode {
    match crate::readers::links(&args.site, &args.readers) {
        Ok(lines) => {
            for (address, link) in lines {
                println!("{address}\t{link}");
            }
            ExitCode::SUCCESS
        }
        Err(mut diags) => {
            diags.sort();
            print_all(&diags);
            ExitCode::from(CONTENT_ERROR)
        }
    }
}

/// The default output, `output/` in the site folder, must be a folder of
/// the site: a symbolic link there came with the site, not from the user,
/// and would send the build somewhere else. (`--out` given on the command
/// line may be a link: that is the user's own choice.)
fn default_output_is_real(out: &Path) -> Result<(), Diagnostic> {
    match std::fs::symlink_metadata(out) {
        Ok(meta) if meta.file_type().is_symlink() => Err(Diagnostic::error(
            Code::LinkOutside,
            "output",
            format!("`{}` is a symbolic link, and palanca never writes through a link it did not make", out.display()),
        )
        .help("remove the link (the site is written into a real `output/` folder), or pass --out with the folder you mean")),
        _ => Ok(()),
    }
}

fn check(args: &CheckArgs) -> ExitCode {
    let options = Options {
        drafts: args.drafts,
        audience: args.audience.into(),
        verbose: false,
        advice: args.advice,
    };
    let (mut diags, failed) = match pipeline::check(&args.site, options) {
        Ok(warnings) => {
            let failed = args.deny_warnings && warnings.warning_count() > 0;
            (warnings, failed)
        }
        Err(diags) => (diags, true),
    };
    diags.sort();
    match args.format {
        Format::Json => {
            let doc = serde_json::json!({
                "errors": diags.error_count(),
                "warnings": diags.warning_count(),
                "notes": diags.note_count(),
                "diagnostics": diags.0,
            });
            println!("{}", serde_json::to_string_pretty(&doc).unwrap_or_default());
        }
        Format::Text => {
            print_all(&diags);
            let notes = match diags.note_count() {
                0 => String::new(),
                n => format!(", {n} note(s)"),
            };
            eprintln!(
                "{} error(s), {} warning(s){notes}",
                diags.error_count(),
                diags.warning_count()
            );
        }
    }
    if failed {
        ExitCode::from(CONTENT_ERROR)
    } else {
        ExitCode::SUCCESS
    }
}

fn serve(args: &ServeArgs) -> ExitCode {
    let options = crate::serve::ServeOptions {
        site: args.site.clone(),
        port: args.port,
        open: args.open,
        build: Options {
            drafts: args.drafts,
            audience: args.audience.into(),
            verbose: args.verbose,
            advice: false,
        },
    };
    match crate::serve::serve(&options) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(CONTENT_ERROR)
        }
    }
}

fn pull(args: &PullArgs) -> ExitCode {
    let options = crate::pull::PullOptions { dry_run: args.dry_run };
    match crate::pull::pull(&args.site, options, &|name| std::env::var(name).ok()) {
        Ok(report) => {
            print_all(&report.warnings);
            print!("{}", crate::diagnostic::printable(&report.to_string()));
            ExitCode::SUCCESS
        }
        Err(mut diags) => {
            diags.sort();
            print_all(&diags);
            eprintln!(
                "error: the pull failed with {} error(s); no snapshot was changed",
                diags.error_count()
            );
            ExitCode::from(CONTENT_ERROR)
        }
    }
}

fn schema(args: &SchemaArgs) -> ExitCode {
    match crate::schema::write_all(&args.out) {
        Ok(paths) => {
            for p in paths {
                eprintln!("wrote {}", p.display());
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: cannot write the schemas into {}: {e}", args.out.display());
            ExitCode::from(CONTENT_ERROR)
        }
    }
}

fn new(args: &NewArgs) -> ExitCode {
    if args.target == "update" {
        return match crate::newupdate::new_update(&args.site, args.period.as_deref()) {
            Ok(path) => {
                eprintln!(
                    "wrote {}; fill it in, then remove `draft: true` to publish it",
                    path.display()
                );
                ExitCode::SUCCESS
            }
            Err(diags) => {
                print_all(&diags);
                // A month that is not one, or one that already has its
                // update, is a mistake in the command, not in the site.
                let usage = diags
                    .0
                    .iter()
                    .all(|d| d.code == Code::Usage || (d.code == Code::BadPeriod && d.file.is_empty()));
                ExitCode::from(if usage { USAGE_ERROR } else { CONTENT_ERROR })
            }
        };
    }
    if let Some(extra) = &args.period {
        eprintln!(
            "error: `palanca new {}` takes one folder, not `{extra}` too",
            args.target
        );
        return ExitCode::from(2);
    }
    match crate::scaffold::new_site(Path::new(&args.target)) {
        Ok(n) => {
            eprintln!(
                "wrote a new site with {n} files into {}; build it with `palanca build --site {}`",
                args.target, args.target
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            let usage = matches!(e, crate::scaffold::NewSiteError::NotEmpty(_));
            eprintln!(
                "{}",
                Diagnostic::error(Code::Usage, args.target.clone(), e.to_string()).help("choose a new folder name")
            );
            ExitCode::from(if usage { USAGE_ERROR } else { CONTENT_ERROR })
        }
    }
}

fn send(args: &SendArgs) -> ExitCode {
    let options = crate::send::SendOptions {
        month: args.month.clone(),
        to: args.to.clone(),
        dry_run: args.dry_run,
        resend: args.resend,
        audience: args.audience.into(),
    };
    match crate::send::send(&args.site, &options, &mut std::io::stderr()) {
        Ok(_) => ExitCode::SUCCESS,
        Err(mut diags) => {
            diags.sort();
            print_all(&diags);
            ExitCode::from(CONTENT_ERROR)
        }
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
            let code = match d.severity {
                crate::diagnostic::Severity::Error => "31",
                crate::diagnostic::Severity::Warning => "33",
                crate::diagnostic::Severity::Note => "36",
            };
            eprintln!("\x1b[1;{code}m{head}\x1b[0m\n{rest}");
        } else {
            eprintln!("{text}");
        }
    }
}
