//! The driver: runs the stages of a build in order, for `build`, `check`
//! and `serve` alike.
//!
//! ```text
//! load → audience → resolve → render → write
//! ```
//!
//! [`crate::load`] reads the site folder into typed documents;
//! [`crate::audience`] keeps what the build's readers may see;
//! [`crate::model`] computes every figure and check; [`crate::render`] draws
//! and fills templates, handing each file to a sink; [`crate::output`]
//! swaps the finished site into place. Only the first and the last touch
//! the disk. Each stage returns its result or every diagnostic it found;
//! warnings accumulate, and the first stage with errors ends the run.
//! The commands in [`crate::cli`] and [`crate::serve`] only call this.

use std::path::Path;
use std::time::Instant;

use crate::diagnostic::{Code, Diagnostic, Diagnostics};

use crate::encrypt::{Openers, Sealed, Shell, ShellStrings};
use crate::load::{self, Audience, Bodies, LoadCache, LoadOptions, Project};
use crate::model::{self, Model};
use crate::output::Output;
use crate::render::{self, Finish, MemorySite, Plain, RenderCache, RenderOptions, Sink, Stats};
use crate::theme::Theme;

/// What a run includes and how it reports.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Include drafts.
    pub drafts: bool,
    /// Who the site is for.
    pub audience: Audience,
    /// Print the time each stage took.
    pub verbose: bool,
    /// Keep the investor's rules of thumb among the warnings.
    pub advice: bool,
}

impl Default for Options {
    /// Everything but drafts: the site for investors.
    fn default() -> Self {
        Options {
            drafts: false,
            audience: Audience::Investors,
            verbose: false,
            advice: false,
        }
    }
}

/// The most bytes of rendered pieces (charts, Markdown, pages keyed by
/// their context) `serve` keeps between rebuilds.
const SERVE_PIECES: usize = 8 * 1024 * 1024;

/// What `serve` keeps between rebuilds: parsed files and rendered pieces.
#[derive(Default)]
pub struct Caches {
    /// Parsed files.
    pub load: LoadCache,
    /// The metrics, computed.
    pub model: model::ModelCache,
    /// Charts, Markdown and pages.
    pub render: RenderCache,
}

impl Caches {
    /// Caches that keep results.
    pub fn new() -> Caches {
        Caches {
            load: LoadCache::new(),
            model: model::ModelCache::new(),
            render: RenderCache::new(),
        }
    }

    /// Caches for `serve`, whose site is kept on disk by its sink: the
    /// render cache keeps pieces up to a budget, not finished files.
    pub fn for_serve() -> Caches {
        Caches {
            load: LoadCache::new(),
            model: model::ModelCache::new(),
            render: RenderCache::beside_disk(SERVE_PIECES),
        }
    }

    /// Caches that render every reused piece again and count those that
    /// differ (`Stats::stale`): for tests of the cache keys.
    pub fn verifying() -> Caches {
        Caches {
            load: LoadCache::new(),
            model: model::ModelCache::new(),
            render: RenderCache::verifying(),
        }
    }
}

/// A site computed and ready to render.
pub struct Resolved {
    /// Every figure.
    pub model: Model,
    /// Where the pages' bodies are, for the render to read them back.
    pub bodies: std::sync::Arc<Bodies>,
    /// The theme, with the site's overrides.
    pub theme: Theme,
    /// Warnings so far (audience, checks).
    pub warnings: Diagnostics,
}

/// Reads the site at `root`, with the snapshots of its sources attached:
/// the load stage as every command sees it.
pub fn load(root: &Path, drafts: bool, cache: &LoadCache) -> Result<(Project, Diagnostics), Diagnostics> {
    load::load_with(root, LoadOptions { drafts }, cache, &crate::sources::attach)
}

/// Loads, restricts to the audience and resolves the site at `root`.
pub fn resolve(root: &Path, options: Options, caches: &Caches) -> Result<Resolved, Diagnostics> {
    let mut clock = Stopwatch::new(options.verbose);
    let (project, mut warnings) = load(root, options.drafts, &caches.load)?;
    let bodies = std::sync::Arc::clone(&project.bodies);
    clock.lap("load");
    let (project, hidden) = crate::audience::restrict(project, options.audience);
    warnings.extend(hidden);
    clock.lap("audience");
    let theme = Theme::build(&project.theme, project.site.language.code()).map_err(Diagnostics)?;
    let model = model::resolve_with(project, &caches.model).map_err(|mut errors| {
        errors.extend(warnings.clone());
        errors
    })?;
    warnings.extend(model.findings.clone());
    if !options.advice {
        warnings
            .0
            .retain(|d| d.code.kind() != crate::diagnostic::CodeKind::Advice);
    }
    clock.lap("resolve");
    Ok(Resolved {
        model,
        bodies,
        theme,
        warnings,
    })
}

/// `palanca check`: every diagnostic, without rendering a page. Templates
/// are still compiled (in [`resolve`]), so a broken theme is reported.
pub fn check(root: &Path, options: Options) -> Result<Diagnostics, Diagnostics> {
    resolve(root, options, &Caches::default()).map(|r| r.warnings)
}

/// A finished build.
#[derive(Debug)]
pub struct Report {
    /// What was rendered.
    pub stats: Stats,
    /// Every warning.
    pub warnings: Diagnostics,
}

/// Whether a build is readable by anyone who has it, or only with a
/// passphrase.
#[derive(Debug)]
pub enum Protection {
    /// Plain files.
    Plain,
    /// Every page and download encrypted, for a passphrase, readers'
    /// personal keys, or both (see [`crate::encrypt`]).
    Encrypted(Openers),
}

/// `palanca build`: the site at `root`, written into `out` only if every
/// stage succeeded.
pub fn build(root: &Path, out: &Path, options: Options, protection: &Protection) -> Result<Report, Diagnostics> {
    let resolved = resolve(root, options, &Caches::default())?;
    let mut clock = Stopwatch::new(options.verbose);
    let sealed;
    let finish: &dyn Finish = match protection {
        Protection::Plain => &Plain,
        Protection::Encrypted(openers) => {
            let one = |d: Box<Diagnostic>| Diagnostics(vec![*d]);
            let site = &resolved.model.site;
            let words: Vec<&str> = site.title.split_whitespace().collect();
            if let Some(passphrase) = &openers.passphrase {
                passphrase.check_strength(&words).map_err(one)?;
            }
            let text = |k: &str| resolved.theme.strings.get(k).cloned().unwrap_or_else(|| k.to_string());
            let shell = Shell {
                title: site.title.clone(),
                lang: site.language.code().to_string(),
                strings: ShellStrings::from_theme(text),
            };
            sealed = Sealed::new(openers, shell).map_err(one)?;
            clock.lap("key");
            &sealed
        }
    };
    let output = Output::begin(out).map_err(|e| output_error(out, &e))?;
    let stats = render::render(render::Input {
        model: &resolved.model,
        theme: &resolved.theme,
        bodies: &resolved.bodies,
        cache: &RenderCache::disabled(),
        sink: &output,
        finish,
        options: RenderOptions { author: options.drafts },
    })
    .map_err(|mut errors| {
        errors.extend(resolved.warnings.clone());
        errors
    })?;
    clock.lap("render");
    let committed = output.commit().map_err(|e| output_error(out, &e))?;
    clock.lap("write");
    let mut warnings = resolved.warnings;
    if let Some(leftover) = committed.leftover {
        warnings.push(
            Diagnostic::warning(Code::Output, out.display().to_string(), leftover)
                .help("remove that folder by hand; the next build tries again"),
        );
    }
    Ok(Report { stats, warnings })
}

fn output_error(out: &Path, e: &crate::output::WriteError) -> Diagnostics {
    Diagnostics(vec![
        Diagnostic::error(Code::Output, out.display().to_string(), e.to_string())
            .help("pass --out DIR to write elsewhere, or move the folder away"),
    ])
}

/// A site rendered into a sink by [`render_into`].
pub struct Rendered {
    /// Every figure.
    pub model: Model,
    /// What was rendered.
    pub stats: Stats,
    /// Every warning.
    pub warnings: Diagnostics,
}

/// Renders the site at `root` into `sink` as the author sees it (drafts
/// as asked, the consistency page with positions), reusing what `caches`
/// kept: `serve`'s rebuilds.
pub fn render_into(root: &Path, options: Options, caches: &Caches, sink: &dyn Sink) -> Result<Rendered, Diagnostics> {
    let resolved = resolve(root, options, caches)?;
    let mut clock = Stopwatch::new(options.verbose);
    let stats = render::render(render::Input {
        model: &resolved.model,
        theme: &resolved.theme,
        bodies: &resolved.bodies,
        cache: &caches.render,
        sink,
        finish: &Plain,
        options: RenderOptions { author: true },
    })?;
    clock.lap("render");
    Ok(Rendered {
        model: resolved.model,
        stats,
        warnings: resolved.warnings,
    })
}

/// A site built in memory, for tests.
pub struct Preview {
    /// Every figure.
    pub model: Model,
    /// The files, by path, shared with the render cache.
    pub files: std::collections::BTreeMap<String, bytes::Bytes>,
    /// What was rendered.
    pub stats: Stats,
    /// Every warning.
    pub warnings: Diagnostics,
}

/// Builds the site at `root` in memory, reusing what `caches` kept.
pub fn preview(root: &Path, options: Options, caches: &Caches) -> Result<Preview, Diagnostics> {
    let site = MemorySite::default();
    let rendered = render_into(root, options, caches, &site)?;
    Ok(Preview {
        model: rendered.model,
        files: site.into_files(),
        stats: rendered.stats,
        warnings: rendered.warnings,
    })
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
            let ms = self.last.elapsed().as_secs_f64() * 1000.0;
            match resident_mb() {
                Some((now, peak)) => eprintln!("  {stage}: {ms:.1} ms (memory {now:.0} MB, peak {peak:.0} MB)"),
                None => eprintln!("  {stage}: {ms:.1} ms"),
            }
        }
        self.last = Instant::now();
    }
}

/// The process's resident memory and its peak so far, in MB, where the
/// system says (Linux).
fn resident_mb() -> Option<(f64, f64)> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
            .map(|kb| kb / 1024.0)
    };
    Some((field("VmRSS:")?, field("VmHWM:")?))
}
