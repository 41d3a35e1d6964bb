//! The command line: parsing (clap) and running the commands.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::load::{self, Audience, LoadCache, LoadOptions};
use crate::model::{self, Model};
use crate::render::{self, RenderCache, Site};
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
    /// Preview the site at http://127.0.0.1:PORT/, rebuilding on every save.
    Serve(ServeArgs),
    /// Write JSON Schemas of the file formats, for editors.
    Schema(SchemaArgs),
    /// Print shell completions.
    Completions(CompletionsArgs),
    /// Start a new site (`palanca new DIR`) or the month's update
    /// (`palanca new update [YYYY-MM]`).
    New(NewArgs),
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
    /// Also print the time each stage of a rebuild took.
    #[arg(long, short)]
    pub verbose: bool,
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
    #[arg(long, value_enum, default_value_t = Audience::Investors)]
    pub audience: Audience,
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
        Command::New(args) => new(&args),
        Command::Serve(args) => serve(&args),
        Command::Schema(args) => schema(&args),
        Command::Completions(args) => {
            use clap::CommandFactory;
            clap_complete::generate(args.shell, &mut Cli::command(), "palanca", &mut std::io::stdout());
            ExitCode::SUCCESS
        }
    }
}

/// What a build includes.
#[derive(Debug, Clone, Copy)]
pub struct BuildOptions {
    /// Include drafts.
    pub drafts: bool,
    /// Who the site is for.
    pub audience: Audience,
    /// Print the time each stage took.
    pub verbose: bool,
}

impl Default for BuildOptions {
    /// Everything but drafts: the site for investors.
    fn default() -> Self {
        BuildOptions {
            drafts: false,
            audience: Audience::Investors,
            verbose: false,
        }
    }
}

/// What `serve` keeps between rebuilds: parsed files and rendered pieces.
#[derive(Default)]
pub struct Caches {
    /// Parsed files.
    pub load: LoadCache,
    /// Charts, Markdown and pages.
    pub render: RenderCache,
}

impl Caches {
    /// Caches that keep results.
    pub fn new() -> Caches {
        Caches {
            load: LoadCache::new(),
            render: RenderCache::new(),
        }
    }
}

/// Loads, resolves and renders the site at `root` in memory.
pub fn build_site(root: &Path, options: BuildOptions) -> Result<(Model, Site, Diagnostics), Diagnostics> {
    build_site_with(root, options, &Caches::default())
}

/// [`build_site`] reusing what `caches` kept from earlier builds.
pub fn build_site_with(
    root: &Path,
    options: BuildOptions,
    caches: &Caches,
) -> Result<(Model, Site, Diagnostics), Diagnostics> {
    let mut clock = Stopwatch::new(options.verbose);
    let (project, mut warnings) = load::load_with(root, LoadOptions { drafts: options.drafts }, &caches.load)?;
    clock.lap("load");
    let language = project.site.language.code();
    let theme = Theme::build(&project.theme, language).map_err(Diagnostics)?;
    let model = model::resolve(project).map_err(|mut d| {
        d.extend(warnings.clone());
        d
    })?;
    let model = model.for_audience(options.audience);
    warnings.extend(model.findings.clone());
    clock.lap("resolve");
    let site = render::render(&model, &theme, &caches.render)?;
    clock.lap("render");
    Ok((model, site, warnings))
}

/// Stage timings for `--verbose`.
struct Stopwatch {
    on: bool,
    last: Instant,
}

impl Stopwatch {
    fn new(on: bool) -> Stopwatch {
        Stopwatch {
            on,
            last: Instant::now(),
        }
    }

    fn lap(&mut self, stage: &str) {
        if self.on {
            eprintln!("  {stage}: {:.1} ms", self.last.elapsed().as_secs_f64() * 1000.0);
        }
        self.last = Instant::now();
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
    let spinner = Spinner::start(!args.quiet && std::io::stderr().is_terminal());
    let out = args.out.clone().unwrap_or_else(|| args.site.join("output"));
    let options = BuildOptions {
        drafts: args.drafts,
        audience: args.audience,
        verbose: args.verbose,
    };
    let result = build_site(&args.site, options);
    drop(spinner);
    let (_, site, warnings) = match result {
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
    let result = build_site(
        &args.site,
        BuildOptions {
            drafts: args.drafts,
            ..BuildOptions::default()
        },
    );
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

fn serve(args: &ServeArgs) -> ExitCode {
    let options = crate::serve::ServeOptions {
        site: args.site.clone(),
        port: args.port,
        open: args.open,
        drafts: args.drafts,
        verbose: args.verbose,
    };
    match crate::serve::serve(&options) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
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
                ExitCode::from(CONTENT_ERROR)
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
            eprintln!(
                "{}",
                Diagnostic::error(args.target.clone(), e.to_string()).help("choose a new folder name")
            );
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
            let code = if d.is_error() { "31" } else { "33" };
            eprintln!("\x1b[1;{code}m{head}\x1b[0m\n{rest}");
        } else {
            eprintln!("{text}");
        }
    }
}
