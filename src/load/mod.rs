//! Load: the first stage. Reads the site folder into typed documents that
//! remember where every piece came from, so later stages can point at it.
//!
//! Together with [`crate::output`] this is the only stage that touches the
//! disk. Problems are collected, not thrown: one run reports every bad file.

mod files;
mod frontmatter;
mod metrics;
mod pages;
mod site;
mod snapshots;
mod spans;
mod tasks;
mod theme;
mod yaml;

use std::path::{Path, PathBuf};

use rayon::prelude::*;

pub use files::read_text;
pub use spans::Spans;
pub use yaml::parse as parse_yaml_range;

/// Parses a whole YAML file into `T`, with a diagnostic on failure.
pub fn parse_yaml<T: serde::de::DeserializeOwned>(source: &Source, what: &str) -> Result<T, Diagnostic> {
    yaml::parse(source, 0, source.text.len(), what).map(|(value, _)| value)
}
pub use metrics::{
    Comparison, IdentityCheck, Interpolation, MetricFile, MetricFileDoc, MetricKind, RawEvent, RawFilter, RawMetric,
    RawRevision, RawSeries, RawSource, TotalOf,
};
pub use pages::{
    Audience, Body, Claim, InvestmentRange, Level, Page, PageFront, PageKind, Priority, Roi, Status, Update,
    UpdateFront, href as pages_href, kind_name,
};
pub use site::{EmailSettings, Security, SiteConfig};
pub use tasks::Progress;
pub use theme::ThemeFiles;

use crate::diagnostic::{Code, Diagnostic, Diagnostics, Source};

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
    pub metric_files: Vec<MetricFile>,
    /// Markdown pages outside `content/updates/`, in path order.
    pub pages: Vec<Page>,
    /// `content/updates/*.md`, in path order.
    pub updates: Vec<Update>,
    /// The site's theme overrides, if it names a theme.
    pub theme: ThemeFiles,
}

/// Options that decide what is loaded.
#[derive(Debug, Clone, Copy, Default)]
pub struct LoadOptions {
    /// Keep pages marked `draft: true`.
    pub drafts: bool,
}

/// One parsed file of `content/`.
#[derive(Clone)]
enum Document {
    Metrics(MetricFile),
    Page(Box<Page>),
    Update(Update),
}

/// Parses a file by where it lives: metric files, updates, other pages.
fn parse_document(rel: &str, source: Source, start: crate::period::Month, diags: &mut Diagnostics) -> Option<Document> {
    if rel.starts_with("content/metrics/") && (rel.ends_with(".yaml") || rel.ends_with(".yml")) {
        metrics::parse_metric_file(source, diags).map(Document::Metrics)
    } else if rel.starts_with("content/updates/") && rel.ends_with(".md") {
        pages::parse_update(source, start, diags).map(Document::Update)
    } else if rel.ends_with(".md") {
        pages::parse_page(source, start, diags).map(|p| Document::Page(Box::new(p)))
    } else {
        None
    }
}

/// Parsed files kept between builds by `serve`: a file whose text did not
/// change is not parsed again. Disabled (and free) for one-off builds.
#[derive(Default)]
pub struct LoadCache {
    enabled: bool,
    docs: std::sync::Mutex<std::collections::HashMap<String, (u64, Document)>>,
}

impl LoadCache {
    /// A cache that keeps parsed files.
    pub fn new() -> LoadCache {
        LoadCache {
            enabled: true,
            ..LoadCache::default()
        }
    }

    fn get(&self, rel: &str, hash: u64) -> Option<Document> {
        let docs = self.docs.lock().ok()?;
        docs.get(rel).filter(|(h, _)| *h == hash).map(|(_, d)| d.clone())
    }

    fn put(&self, rel: &str, hash: u64, doc: &Document) {
        if let Ok(mut docs) = self.docs.lock() {
            docs.insert(rel.to_string(), (hash, doc.clone()));
        }
    }
}

/// Reads the site at `root`. Returns the project and any warnings, or every
/// error found.
pub fn load(root: &Path, options: LoadOptions) -> Result<(Project, Diagnostics), Diagnostics> {
    load_with(root, options, &LoadCache::default())
}

/// A page's body left in its file once read (see [`Body`]): what keeps
/// a large site's memory flat.
fn lighten(doc: Document, root: &Path) -> Document {
    match doc {
        Document::Page(mut p) => {
            p.leave_body_on_disk(root);
            Document::Page(p)
        }
        other => other,
    }
}

/// [`load`], reusing the files `cache` parsed before when their text is the same.
pub fn load_with(root: &Path, options: LoadOptions, cache: &LoadCache) -> Result<(Project, Diagnostics), Diagnostics> {
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
    let start = site.start_month();
    // Reading and parsing are independent per file: do them in parallel,
    // then keep the walk's order so output and diagnostics are stable.
    let parsed: Vec<(Option<Document>, Diagnostics)> = files::walk_content(root, &mut diags)
        .par_iter()
        .map(|rel| {
            let mut local = Diagnostics::default();
            let source = match files::read_text(root, rel) {
                Ok(source) => source,
                Err(d) => {
                    local.push(d);
                    return (None, local);
                }
            };
            if !cache.enabled {
                return (
                    parse_document(rel, source, start, &mut local).map(|d| lighten(d, root)),
                    local,
                );
            }
            // The plan's start month changes how M<n> keys read: part of the key.
            let hash = {
                use std::hash::{DefaultHasher, Hash, Hasher};
                let mut h = DefaultHasher::new();
                (&*source.text, start).hash(&mut h);
                h.finish()
            };
            if let Some(doc) = cache.get(rel, hash) {
                return (Some(doc), local);
            }
            let doc = parse_document(rel, source, start, &mut local).map(|d| lighten(d, root));
            if let (Some(d), true) = (&doc, local.0.is_empty()) {
                cache.put(rel, hash, d);
            }
            (doc, local)
        })
        .collect();
    let mut metric_files = Vec::new();
    // Sized once: a site of 100,000 pages would otherwise double it, and
    // hold the old copy while moving, several times over.
    let mut pages_out = Vec::with_capacity(parsed.len());
    let mut updates = Vec::new();
    for (doc, local) in parsed {
        diags.extend(local);
        match doc {
            Some(Document::Metrics(file)) => metric_files.push(file),
            Some(Document::Update(u)) if options.drafts || !u.front.draft => updates.push(u),
            Some(Document::Page(p)) if options.drafts || !p.front.draft => pages_out.push(*p),
            _ => {}
        }
    }
    snapshots::attach(root, &site, &mut metric_files, &mut diags);
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
    };
    Ok((project, diags))
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
            Ok(source) => out.extend(metrics::parse_metric_file(source, &mut diags)),
            Err(d) => diags.push(d),
        }
    }
    if diags.has_errors() {
        return Err(diags);
    }
    Ok((site, site_source, site_spans, out))
}

/// The top-level folders of the output that palanca writes itself.
const RESERVED: &[&str] = &["metrics", "updates", "consistency", "data", "assets"];

/// Two pages written to one address (`plan/goals.md` beside
/// `plan/goals/_index.md`), or a page where palanca writes its own files,
/// would silently lose one of them: both are errors.
fn check_addresses(pages: &[Page], diags: &mut Diagnostics) {
    let mut seen: std::collections::HashMap<String, &str> = std::collections::HashMap::new();
    for p in pages {
        let href = p.href();
        let top = p.slug.split('/').next().unwrap_or("");
        if RESERVED.contains(&top) {
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
