//! Load: the first stage. Reads the site folder into typed documents that
//! remember where every piece came from, so later stages can point at it.
//!
//! Together with [`crate::output`] this is the only stage that touches the
//! disk. Problems are collected, not thrown: one run reports every bad file.

mod bodies;
mod cache;
mod document;
mod files;
mod frontmatter;
mod metrics;
mod pages;
mod revenue;
mod site;
mod spans;
mod tasks;
mod theme;
mod yaml;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use bodies::BodyBudget;
pub use bodies::{Bodies, Html};
pub use cache::LoadCache;
use document::{Document, ReadWith, parse_document};
pub use files::read_text;
pub use spans::Spans;
pub use yaml::parse as parse_yaml_range;

pub use metrics::{
    IdentityCheck, Interpolation, MetricFile, MetricFileDoc, Per, RawBalance, RawEvent, RawFilter, RawMetric,
    RawRevision, RawSeries, RawSource, TotalOf,
};
pub use pages::{
    Audience, Body, Claim, InvestmentRange, Level, Page, PageFront, PageKind, Priority, Roi, Status, Update,
    UpdateFront, href as pages_href, kind_name,
};
pub use revenue::{RawRevenue, RevenueColumns};
pub use site::{ConsistencyPage, EmailSettings, Language, Security, SiteConfig, load_site};
pub use tasks::Progress;
pub use theme::ThemeFiles;

use crate::diagnostic::{Code, Diagnostic, Diagnostics, Source};

/// Parses a whole YAML file into `T`, with a diagnostic on failure.
pub fn parse_yaml<T: serde::de::DeserializeOwned>(source: &Source, what: &str) -> Result<T, Diagnostic> {
    yaml::parse(source, 0, source.text.len(), what).map(|(value, _)| value)
}

/// Everything read from a site folder.
#[derive(Debug)]
pub struct Project {
    /// The site folder.
    pub root: PathBuf,
    /// `site.yaml`, parsed.
    pub site: SiteConfig,
    /// `site.yaml` as text, for positions.
    pub site_source: Source,
    /// Where each setting of `site.yaml` is written.
    pub site_spans: Spans,
    /// `content/metrics/*.yaml`, in file-name order.
    pub metric_files: Vec<std::sync::Arc<MetricFile>>,
    /// Markdown pages outside `content/updates/`, in path order.
    pub pages: Vec<std::sync::Arc<Page>>,
    /// `content/updates/*.md`, in path order.
    pub updates: Vec<Update>,
    /// The site's theme overrides, if it names a theme.
    pub theme: ThemeFiles,
    /// Where the pages' prepared bodies are, for the render.
    pub bodies: Arc<Bodies>,
}

/// Options that decide what is loaded.
#[derive(Debug, Clone, Copy, Default)]
pub struct LoadOptions {
    /// Keep pages marked `draft: true`.
    pub drafts: bool,
}

/// How many bytes of page bodies a build keeps in memory as HTML (see
/// [`bodies`]). Up to this, a body's HTML stays where it was made (a
/// founder's plan is well within it); beyond, it goes to the spill file.
pub const KEPT_BODIES_BYTES: usize = 32 * 1024 * 1024;

/// A site with more content files than this keeps no body in memory: its
/// memory, not its speed, is what counts (100,000 pages stay under 400
/// MiB only so).
pub const KEPT_BODIES_FILES: usize = 20_000;

/// A page's body made HTML, kept while the budget lasts, else spilled:
/// what keeps a large site's memory flat.
fn lighten(doc: Document, raw_html: bool, bodies: &Bodies, budget: &BodyBudget) -> Document {
    match doc {
        Document::Page(mut p) => {
            std::sync::Arc::make_mut(&mut p).prepare(raw_html, bodies, budget);
            Document::Page(p)
        }
        other => other,
    }
}

/// A step the driver adds to loading: it sees the metric files once they
/// are read, before the load decides whether it failed, so its errors are
/// reported with the loader's. The sources attach their snapshots so
/// (see `crate::sources`).
pub type Attach<'a> = &'a (dyn Fn(&Path, &SiteConfig, &mut [Arc<MetricFile>], &mut Diagnostics) + Sync);

/// Reads the site at `root`, reusing the files `cache` parsed before when
/// their text is the same. Returns the project and any warnings, or every
/// error found.
pub fn load_with(
    root: &Path,
    options: LoadOptions,
    cache: &LoadCache,
    attach: Attach,
) -> Result<(Project, Diagnostics), Diagnostics> {
    let mut diags = Diagnostics::default();
    let site_loaded = site::load_site(root, &mut diags);
    let content = root.join("content");
    if !content.is_dir() {
        diags.push(
            Diagnostic::error(
                Code::ContentMissing,
                "content/",
                format!("there is no `content` folder in {}", root.display()),
            )
            .help(
                "create content/ with metrics/*.yaml and Markdown pages, or run `palanca new DIR` for a starting point",
            ),
        );
    }
    let (site, site_source, site_spans) = match site_loaded {
        Some(s) => s,
        None => return Err(diags),
    };
    let with = ReadWith {
        start: site.start_month(),
        raw_html: site.raw_html,
        language: site.language,
    };
    // The watcher may have said which files changed; otherwise every
    // file's metadata tells (see [`cache`]).
    let (files, changed) = match cache.plan(with) {
        cache::Plan::Walk => (files::walk_content(root, &mut diags), None),
        cache::Plan::Reuse { files, changed } => (files, Some(changed)),
    };
    // Reading and parsing are independent per file: do them in parallel,
    // then keep the walk's order so output and diagnostics are stable.
    let small = !cache.enabled && files.len() <= KEPT_BODIES_FILES;
    let budget = BodyBudget(std::sync::atomic::AtomicUsize::new(match small {
        true => KEPT_BODIES_BYTES,
        false => 0,
    }));
    let parsed: Vec<(Option<Document>, Diagnostics)> = files
        .par_iter()
        .with_max_len(crate::limits::PARALLEL_PIECE)
        .map(|rel| {
            let kept = match &changed {
                Some(changed) => cache.kept(rel).filter(|_| !changed.contains(rel)),
                None if cache.enabled => cache.unchanged(rel, cache::Stamp::of(&root.join(rel), with)),
                None => None,
            };
            match kept {
                Some(doc) => (Some(doc), Diagnostics::default()),
                None => read_document(root, rel, with, cache, &budget),
            }
        })
        .collect();
    cache.loaded(files, with);
    let mut metric_files = Vec::new();
    // Sized once: a site of 100,000 pages would otherwise double it, and
    // hold the old copy while moving, several times over.
    let mut pages_out = Vec::with_capacity(parsed.len());
    let mut updates = Vec::new();
    for (doc, local) in parsed {
        diags.extend(local);
        match doc {
            Some(Document::Metrics(file)) => metric_files.push(file),
            Some(Document::Update(u)) if options.drafts || !u.front.draft => updates.push(*u),
            Some(Document::Page(p)) if options.drafts || !p.front.draft => pages_out.push(p),
            _ => {}
        }
    }
    check_metric_count(&metric_files, &mut diags);
    attach(root, &site, &mut metric_files, &mut diags);
    check_addresses(&pages_out, &mut diags);
    let theme = theme::load_theme(root, site.theme.as_deref(), &mut diags);
    if diags.has_errors() {
        return Err(diags);
    }
    let project = Project {
        root: root.to_path_buf(),
        site,
        site_source,
        site_spans,
        metric_files,
        pages: pages_out,
        updates,
        theme,
        bodies: std::sync::Arc::clone(&cache.bodies),
    };
    Ok((project, diags))
}

/// Reads and parses `rel`, or takes its document from `cache` when its
/// text is the one parsed before. A file with problems is dropped from the
/// cache, so that a later load never reuses an older version of it.
fn read_document(
    root: &Path,
    rel: &str,
    with: ReadWith,
    cache: &LoadCache,
    budget: &BodyBudget,
) -> (Option<Document>, Diagnostics) {
    let mut local = Diagnostics::default();
    // Taken before reading: a write after it is seen by the next load.
    let stamp = cache.enabled.then(|| cache::Stamp::of(&root.join(rel), with)).flatten();
    let source = match files::read_walked_text(root, rel) {
        Ok(source) => source,
        Err(d) => {
            cache.forget(rel);
            local.push(d);
            return (None, local);
        }
    };
    let parse = |source, local: &mut Diagnostics| {
        parse_document(rel, source, with, local).map(|d| lighten(d, with.raw_html, &cache.bodies, budget))
    };
    if !cache.enabled {
        let doc = parse(source, &mut local);
        return (doc, local);
    }
    let hash = cache::text_hash(&source.text, with);
    if let Some(doc) = cache.same_text(rel, hash, stamp) {
        return (Some(doc), local);
    }
    let doc = parse(source, &mut local);
    match (&doc, local.0.is_empty()) {
        (Some(d), true) => cache.put(rel, hash, stamp, d),
        _ => cache.forget(rel),
    }
    (doc, local)
}

/// What `palanca pull` needs of a site: `site.yaml` (and where its
/// settings are written) and the metric files, without their snapshots and
/// without the pages, whose problems are not the pull's.
pub fn metric_files(root: &Path) -> Result<(SiteConfig, Source, Spans, Vec<MetricFile>), Diagnostics> {
    let mut diags = Diagnostics::default();
    let Some((site, site_source, site_spans)) = site::load_site(root, &mut diags) else {
        return Err(diags);
    };
    let mut out = Vec::new();
    for rel in files::walk_content(root, &mut diags) {
        if !(rel.starts_with("content/metrics/") && (rel.ends_with(".yaml") || rel.ends_with(".yml"))) {
            continue;
        }
        match files::read_text(root, &rel) {
            Ok(source) => out.extend(metrics::parse_metric_file(source, site.language.code(), &mut diags)),
            Err(d) => diags.push(d),
        }
    }
    check_metric_count(&out, &mut diags);
    if diags.has_errors() {
        return Err(diags);
    }
    Ok((site, site_source, site_spans, out))
}

/// Refuses a site with more metrics than [`crate::limits::METRICS`].
fn check_metric_count<F: std::borrow::Borrow<MetricFile>>(files: &[F], diags: &mut Diagnostics) {
    let count: usize = files.iter().map(|f| f.borrow().doc.metrics.len()).sum();
    if count > crate::limits::METRICS {
        diags.push(
            Diagnostic::error(
                Code::TooLarge,
                "content/metrics/",
                format!("the site defines {count} metrics, more than {}", crate::limits::METRICS),
            )
            .help("palanca builds sites of up to 100,000 metrics; split the site, or keep fewer series"),
        );
    }
}

/// The top-level folders of the output that palanca writes itself.
const RESERVED: &[&str] = &["metrics", "updates", "consistency", "data", "assets"];

/// The top-level files palanca writes itself: a page named after one
/// (`content/sitemap.xml.md`) would need a folder of that name.
const RESERVED_FILES: &[&str] = &["index.html", "404.html", "sitemap.xml", "atom.xml"];

/// Two pages written to one address (`plan/goals.md` beside
/// `plan/goals/_index.md`), or a page where palanca writes its own files,
/// would silently lose one of them: both are errors.
fn check_addresses(pages: &[std::sync::Arc<Page>], diags: &mut Diagnostics) {
    let mut seen: std::collections::HashMap<String, &str> = std::collections::HashMap::new();
    for p in pages {
        let href = p.href();
        let top = p.slug.split('/').next().unwrap_or("");
        if RESERVED_FILES.contains(&top) || p.slug.split('/').any(|part| part == "index.html") {
            diags.push(
                Diagnostic::error(
                    Code::PathCollision,
                    p.source.path.clone(),
                    format!(
                        "`{}` would be written to {href}, a folder where palanca writes a file of that name",
                        p.source.path
                    ),
                )
                .help(format!(
                    "rename the page; palanca writes {} at the top of the site, and each page as `index.html` in its folder",
                    RESERVED_FILES.join(", ")
                )),
            );
        } else if RESERVED.contains(&top) {
            diags.push(
                Diagnostic::error(
                    Code::PathCollision,
                    p.source.path.clone(),
                    format!(
                        "`{}` would be written to {href}, where palanca writes its own pages",
                        p.source.path
                    ),
                )
                .help(format!(
                    "move the page out of content/{top}/; the folders {} are palanca's",
                    RESERVED.join(", ")
                )),
            );
        } else if let Some(first) = seen.insert(href.clone(), &p.source.path) {
            diags.push(
                Diagnostic::error(
                    Code::PathCollision,
                    p.source.path.clone(),
                    format!("`{}` and `{first}` would both be written to {href}", p.source.path),
                )
                .help("rename one of them; a folder's own page is its `_index.md`"),
            );
        }
    }
}

#[cfg(test)]
mod tests;
