//! Render: the third stage. Draws the charts and fills the templates, and
//! hands each file to a [`Sink`] as soon as it is made: the write stage's
//! staging folder for a build, memory for `serve`. Nothing here touches the
//! disk itself, and nothing holds the whole site.

pub mod cache;
mod consistency;
mod data;
mod email;
mod feeds;
mod home;
mod keys;
mod metrics;
mod plan;
mod roadmap;
mod updates;
mod widgets;

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;
use serde::Serialize;

use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::model::Model;
use crate::output::Sink;
use crate::shortcode::Shortcode;
use crate::theme::Theme;
use cache::Ctx;
pub use cache::RenderCache;

/// What a render made.
#[derive(Debug, Default, Clone, Copy)]
pub struct Stats {
    /// HTML pages written.
    pub pages: usize,
    /// Charts drawn.
    pub charts: usize,
    /// Pieces taken from the cache (serve only).
    pub reused: usize,
    /// Pieces rendered anew (serve only).
    pub redone: usize,
    /// Reused pieces that differ from a fresh render (only counted by a
    /// verifying cache, in tests; any is a bug in a cache key).
    pub stale: usize,
}

/// A site kept in memory: what `serve` serves, and what tests read.
#[derive(Debug, Default)]
pub struct MemorySite {
    /// Output path (relative, `/`-separated) to contents, shared with the
    /// render cache where they came from it.
    pub files: Mutex<BTreeMap<String, bytes::Bytes>>,
}

impl MemorySite {
    /// The files, taken out.
    pub fn into_files(self) -> BTreeMap<String, bytes::Bytes> {
        self.files.into_inner().unwrap_or_else(|e| e.into_inner())
    }
}

impl Sink for MemorySite {
    fn put(&self, path: &str, bytes: &[u8]) -> std::io::Result<()> {
        self.put_shared(path, bytes::Bytes::copy_from_slice(bytes))
    }

    fn put_shared(&self, path: &str, bytes: bytes::Bytes) -> std::io::Result<()> {
        let mut files = self.files.lock().unwrap_or_else(|e| e.into_inner());
        files.insert(path.to_string(), bytes);
        Ok(())
    }
}

/// What a build produces besides pages.
#[derive(Debug, Clone, Copy)]
pub struct RenderOptions {
    /// The Atom feed and the sitemap (not in an encrypted build: they
    /// would list titles in the clear).
    pub feeds: bool,
    /// A build for the plan's author (`--drafts`, `serve`): the
    /// consistency page also shows each finding's file, line and help.
    pub author: bool,
    /// Each update's email (`email.html`, its images, `update.eml`); not
    /// in an encrypted build, where they would be sealed and useless.
    pub email: bool,
}

impl Default for RenderOptions {
    fn default() -> Self {
        RenderOptions {
            feeds: true,
            author: false,
            email: true,
        }
    }
}

/// Renders the whole site into `sink`. With an enabled `cache`, pieces
/// whose inputs did not change since the last render are reused.
pub fn render(
    model: &Model,
    theme: &Theme,
    cache: &RenderCache,
    sink: &dyn Sink,
    options: RenderOptions,
) -> Result<Stats, Diagnostics> {
    cache.start_build();
    let charts = widgets::Charts::new(model, &theme.strings);
    let r = Renderer {
        model,
        theme,
        charts: &charts,
        cache,
        sink,
        options,
        pages: AtomicUsize::new(0),
        top_pages: plan::top_level(model)
            .into_iter()
            .map(|p| {
                (
                    p.front.title.clone(),
                    plan::href(&p.slug),
                    p.slug.split('/').next().unwrap_or("").to_string(),
                )
            })
            .collect(),
        errors: Mutex::new(Vec::new()),
        keys: None,
    };
    let r = Renderer {
        keys: keys::Keys::new(&r),
        ..r
    };
    let jobs: Vec<Box<Job>> = vec![
        Box::new(plan::render_pages),
        Box::new(metrics::render),
        Box::new(updates::render),
        Box::new(feeds::render),
        Box::new(consistency::render),
    ];
    // What shows tasks summed over pages comes after the pages, whose
    // renders counted them (see `load::Tasks`).
    let after: Vec<Box<Job>> = vec![Box::new(plan::render_indexes), Box::new(home::render)];
    // `data/metrics.json` is written by one thread, in order (it is
    // streamed): started first, the other jobs share the cores around it;
    // left to rayon's order, it could run alone at the end.
    rayon::join(
        || data::render(&r),
        || {
            jobs.par_iter().for_each(|job| job(&r));
            r.model.count_tasks();
            after.par_iter().for_each(|job| job(&r));
        },
    );
    for (path, bytes) in &theme.statics {
        r.emit(path, bytes.clone());
    }
    let pages = r.pages.load(Ordering::Relaxed);
    let errors = r.errors.into_inner().unwrap_or_default();
    if !errors.is_empty() {
        let mut diags = Diagnostics::default();
        // The same template error repeats for every page that uses it.
        let mut seen = std::collections::HashSet::new();
        for d in errors {
            if seen.insert(d.to_string()) {
                diags.push(d);
            }
        }
        return Err(diags);
    }
    let (hits, misses) = cache.finish_build();
    Ok(Stats {
        pages,
        charts: charts.count(),
        reused: hits,
        redone: misses,
        stale: cache.stale(),
    })
}

/// The email of the update for `month`, for `palanca send`: made as the
/// build makes it, without writing anything. None when there is no such
/// update; a template error comes back as the error it is.
pub fn letter(
    model: &Model,
    theme: &Theme,
    month: crate::period::Month,
) -> Result<Option<crate::email::Letter>, Diagnostics> {
    let Some(update) = model.updates.iter().find(|u| u.period == month) else {
        return Ok(None);
    };
    let cache = RenderCache::disabled();
    let sink = MemorySite::default();
    let charts = widgets::Charts::new(model, &theme.strings);
    let r = Renderer {
        model,
        theme,
        charts: &charts,
        cache: &cache,
        sink: &sink,
        options: RenderOptions::default(),
        pages: AtomicUsize::new(0),
        top_pages: Vec::new(),
        errors: Mutex::new(Vec::new()),
        keys: None,
    };
    let letter = email::letter(&r, update);
    let errors = r.errors.into_inner().unwrap_or_default();
    if errors.is_empty() {
        Ok(Some(letter))
    } else {
        Err(Diagnostics(errors))
    }
}

/// A renderer of one kind of page: it emits each file it makes.
type Job = dyn Fn(&Renderer) + Sync + Send;

/// What every page renderer shares.
pub(crate) struct Renderer<'a> {
    pub model: &'a Model,
    pub theme: &'a Theme,
    pub charts: &'a widgets::Charts,
    /// Results of earlier renders, for `serve`.
    pub cache: &'a RenderCache,
    /// Where finished files go.
    sink: &'a dyn Sink,
    /// What to produce.
    pub options: RenderOptions,
    /// HTML pages emitted.
    pages: AtomicUsize,
    /// Top-level pages for the navigation: title, href, first path segment.
    top_pages: Vec<(String, String, String)>,
    errors: Mutex<Vec<Diagnostic>>,
    /// Keys from inputs, when the cache is on (see [`keys`]).
    keys: Option<keys::Keys>,
}

/// A link in the navigation.
#[derive(Serialize)]
struct NavItem {
    title: String,
    href: String,
    active: bool,
}

/// The site settings templates see.
#[derive(Serialize)]
struct SiteCtx<'a> {
    title: &'a str,
    description: Option<&'a str>,
    lang: &'a str,
    notice: Option<&'a str>,
}

/// `../` repeated once per folder of `path`, so links stay relative.
pub fn root_of(path: &str) -> String {
    "../".repeat(path.matches('/').count())
}

impl Renderer<'_> {
    /// `../` repeated once per folder of `path`, so links stay relative.
    pub fn root_of(path: &str) -> String {
        root_of(path)
    }

    /// The context every template gets: site, strings, navigation, root.
    pub fn base_context(&self, path: &str, section: &str, title: &str, kind: &str) -> Ctx {
        let root = if path == "404.html" {
            self.site_path()
        } else {
            Self::root_of(path)
        };
        let m = self.model;
        let mut ctx = Ctx::new(self.cache);
        ctx.insert(
            "site",
            &SiteCtx {
                title: &m.site.title,
                description: m.site.description.as_deref(),
                lang: m.site.language.code(),
                notice: m.site.notice.as_deref(),
            },
        );
        ctx.insert("root", &root);
        ctx.insert("page_title", title);
        ctx.insert("template_kind", kind);
        ctx.insert("has_updates", &!m.updates.is_empty());
        ctx.insert("nav", &self.nav(&root, section));
        ctx
    }

    fn nav(&self, root: &str, section: &str) -> Vec<NavItem> {
        let t = |k: &str| self.text(k);
        let mut items = vec![NavItem {
            title: t("home"),
            href: format!("{root}index.html"),
            active: section == "home",
        }];
        for (title, href, top) in &self.top_pages {
            items.push(NavItem {
                title: title.clone(),
                href: format!("{root}{href}"),
                active: section == top,
            });
        }
        if !self.model.metrics.is_empty() {
            items.push(NavItem {
                title: t("metrics"),
                href: format!("{root}metrics/index.html"),
                active: section == "metrics",
            });
        }
        if !self.model.updates.is_empty() {
            items.push(NavItem {
                title: t("updates"),
                href: format!("{root}updates/index.html"),
                active: section == "updates",
            });
        }
        items
    }

    /// The path part of `base_url` (`/plan/` of `https://example.com/plan/`).
    /// Only the 404 page uses it: a host serves that page at whatever
    /// address was missing, where relative links would point nowhere.
    fn site_path(&self) -> String {
        let url = &self.model.site.base_url;
        let after_scheme = url.split_once("://").map_or(url.as_str(), |(_, rest)| rest);
        let path = if url.contains("://") {
            after_scheme.find('/').map_or("/", |i| &after_scheme[i..])
        } else {
            url.as_str()
        };
        if path.ends_with('/') {
            path.to_string()
        } else {
            format!("{path}/")
        }
    }

    /// A UI string, or its key when the theme lacks it.
    pub fn text(&self, key: &str) -> String {
        self.theme.strings.get(key).cloned().unwrap_or_else(|| key.to_string())
    }

    /// Renders a template, recording an error instead of failing at once,
    /// so one broken template yields one diagnostic, not a cascade.
    pub fn page(&self, template: &str, ctx: &Ctx) -> bytes::Bytes {
        let key = ctx.key(template, self.theme.fingerprint);
        self.cached(key, false, || self.render_template(template, ctx))
    }

    /// Renders a template with the context `build` makes, built only when
    /// the page is not cached under `key`, a key from the page's inputs
    /// (see [`keys`]); without one, the key comes from the context.
    pub fn page_by(&self, key: Option<u64>, template: &str, build: impl FnOnce() -> Ctx) -> bytes::Bytes {
        if key.is_none() {
            return self.page(template, &build());
        }
        self.cached(key, true, || self.render_template(template, &build()))
    }

    fn render_template(&self, template: &str, ctx: &Ctx) -> Option<bytes::Bytes> {
        self.theme
            .render(template, ctx.tera())
            .map(bytes::Bytes::from)
            .map_err(|d| self.fail(d))
            .ok()
    }

    /// What `make` makes, through the cache under `key` (as a finished
    /// `file`, which a sink on disk keeps instead, or as a piece). A
    /// failure (`None`, already recorded) comes out empty and is never kept.
    pub fn cached(&self, key: Option<u64>, file: bool, make: impl FnOnce() -> Option<bytes::Bytes>) -> bytes::Bytes {
        let mut failed = false;
        let make = || {
            make().unwrap_or_else(|| {
                failed = true;
                bytes::Bytes::new()
            })
        };
        let bytes = if file {
            self.cache.file(key, make)
        } else {
            self.cache.shared(key, make)
        };
        if failed {
            self.cache.forget(key);
        }
        bytes
    }

    /// Hands a finished file to the sink; a write error fails the build.
    /// Bytes from the render cache are handed over shared, not copied.
    pub fn emit(&self, path: &str, bytes: impl Into<bytes::Bytes>) {
        self.count(path);
        let bytes = bytes.into();
        if self.within_limit(path, &bytes) {
            self.written(path, self.sink.put_shared(path, bytes));
        }
    }

    /// Refuses a page larger than [`crate::limits::PAGE_BYTES`]: what made
    /// it so large (a body repeating a chart thousands of times) is a
    /// mistake no reader's browser would survive.
    fn within_limit(&self, path: &str, bytes: &[u8]) -> bool {
        let limit = crate::limits::PAGE_BYTES;
        if !path.ends_with(".html") || bytes.len() <= limit {
            return true;
        }
        self.fail(
            Diagnostic::error(
                Code::TooLarge,
                path,
                format!("the page `{path}` would be larger than {} MiB", limit / (1024 * 1024)),
            )
            .help("its content makes it too large to read: split it, or show fewer charts and tables on it"),
        );
        false
    }

    /// Like [`Renderer::emit`] for a file with a key from its inputs: a
    /// sink that still holds the file made from that key keeps it, and
    /// `make` is not called.
    pub fn emit_by(&self, path: &str, key: Option<u64>, make: impl FnOnce() -> bytes::Bytes) {
        let Some(key) = key else {
            return self.emit(path, make());
        };
        self.count(path);
        if self.sink.keep(path, key) {
            return self.cache.count_hit();
        }
        let bytes = make();
        if self.within_limit(path, &bytes) {
            self.written(path, self.sink.put_keyed(path, key, bytes));
        }
    }

    /// Like [`Renderer::emit_by`] for a large file, streamed to a sink on
    /// disk, never held whole.
    pub fn emit_by_with(&self, path: &str, key: u64, write: &mut crate::output::Writer) {
        if self.sink.keep(path, key) {
            return self.cache.count_hit();
        }
        self.written(path, self.sink.put_keyed_with(path, key, write));
    }

    /// Like [`Renderer::emit`] for a large file, streamed to the sink.
    pub fn emit_with(&self, path: &str, write: &mut crate::output::Writer) {
        self.written(path, self.sink.put_with(path, write));
    }

    /// Counts an HTML page among those emitted.
    fn count(&self, path: &str) {
        if path.ends_with(".html") {
            self.pages.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// A write error fails the build.
    fn written(&self, path: &str, result: std::io::Result<()>) {
        if let Err(e) = result {
            self.fail(Diagnostic::error(
                Code::Output,
                path,
                format!("cannot write `{path}`: {e}"),
            ));
        }
    }

    /// Records an error.
    pub fn fail(&self, d: Diagnostic) {
        if let Ok(mut errors) = self.errors.lock() {
            errors.push(d);
        }
    }

    /// A plan page's body as HTML, its body read again from its file if it
    /// was left there; a file changed since loading fails the build.
    pub fn page_markdown(&self, page: &crate::load::Page, prefix: &str, path: &str) -> String {
        let rendered = match &page.body_at {
            // Keyed by the hash taken when it was loaded: `serve` reuses
            // its HTML without reading the file again.
            crate::load::Body::OnDisk { hash, .. } => {
                let key = self.markdown_key("markdown-file", &[&page.source.path, &hash.to_string(), prefix]);
                let mut failed = None;
                let html = self.cache.text(key, || {
                    page.body()
                        .map(|body| self.markdown_html(&body, &page.shortcodes, prefix, path, None, Some(&page.tasks)))
                        .unwrap_or_else(|d| {
                            failed = Some(d);
                            String::new()
                        })
                });
                match failed {
                    Some(d) => {
                        self.cache.forget(key);
                        Err(d)
                    }
                    None => Ok(html),
                }
            }
            crate::load::Body::Kept => page
                .body()
                .map(|body| self.markdown(&body, &page.shortcodes, prefix, path, None, Some(&page.tasks))),
        };
        rendered.unwrap_or_else(|d| {
            self.fail(d);
            String::new()
        })
    }

    /// Renders Markdown with its shortcodes for a page at `path`; an
    /// update's shortcodes read nothing after its month (`as_of`).
    pub fn markdown(
        &self,
        body: &str,
        shortcodes: &[Shortcode],
        prefix: &str,
        path: &str,
        as_of: Option<crate::period::Month>,
        tasks: Option<&crate::load::Tasks>,
    ) -> String {
        // Shortcodes read metrics, so only plain Markdown is cached.
        if !shortcodes.is_empty() {
            return self.markdown_html(body, shortcodes, prefix, path, as_of, tasks);
        }
        self.cache.text(self.markdown_key("markdown", &[body, prefix]), || {
            self.markdown_html(body, shortcodes, prefix, path, as_of, tasks)
        })
    }

    /// The cache key of rendered Markdown: `parts` and every setting the
    /// HTML depends on. None, without any work, when the cache is off.
    fn markdown_key(&self, kind: &str, parts: &[&str]) -> Option<u64> {
        if !self.cache.is_enabled() {
            return None;
        }
        let (done, open) = (self.text("task_done"), self.text("task_open"));
        let raw = if self.model.site.raw_html { "html" } else { "text" };
        let mut all = parts.to_vec();
        all.extend([raw, done.as_str(), open.as_str()]);
        self.cache.key_text(kind, &all)
    }

    /// Markdown to HTML, uncached.
    fn markdown_html(
        &self,
        body: &str,
        shortcodes: &[Shortcode],
        prefix: &str,
        path: &str,
        as_of: Option<crate::period::Month>,
        tasks: Option<&crate::load::Tasks>,
    ) -> String {
        let root = Self::root_of(path);
        let (done, open) = (self.text("task_done"), self.text("task_open"));
        let options = crate::markdown::Options {
            prefix,
            raw_html: self.model.site.raw_html,
            task_labels: [&done, &open],
        };
        let (html, (done, total)) = crate::markdown::render_counting(body, shortcodes, &options, &|sc| {
            widgets::shortcode(self, sc, &root, as_of)
        });
        // The page's tasks, from this parse: no other is made of it.
        if let Some(tasks) = tasks {
            tasks.note(crate::load::Progress { done, total });
        }
        html
    }
}
