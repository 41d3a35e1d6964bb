//! The renderer every job shares: the model, the theme, the caches, and
//! the way each finished file goes to the sink (through the build's
//! finish), with the context every template gets and Markdown made HTML.

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde::Serialize;

use super::cache::{Ctx, RenderCache};
use super::keys::Keys;
use super::lines::Charts;
use super::sink::{FileKind, Finish, Sink, Writer};
use crate::diagnostic::{Code, Diagnostic};
use crate::load::Bodies;
use crate::model::Model;
use crate::theme::Theme;

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

/// How a render is made, beyond what its finish keeps.
#[derive(Debug, Clone, Copy, Default)]
pub struct RenderOptions {
    /// A build for the plan's author (`--drafts`, `serve`): the
    /// consistency page also shows each finding's file, line and help.
    pub author: bool,
}

/// One kind of output: the renderer of the files of one kind of page or
/// download, run once per build. A new output is a module with one of
/// these, listed in `render::JOBS`.
pub trait Job: Sync {
    /// What the files it makes are to a reader: a build whose finish keeps
    /// none of them does not run it.
    fn kinds(&self) -> &'static [FileKind];

    /// Whether it writes one long file in order (streamed): such a job is
    /// started first, so the others share the cores around it.
    fn long(&self) -> bool {
        false
    }

    /// Makes its files and hands each to the renderer.
    fn render(&self, r: &Renderer);
}

/// What every page renderer shares.
pub struct Renderer<'a> {
    /// Every figure.
    pub model: &'a Model,
    /// Templates and strings.
    pub theme: &'a Theme,
    /// The metrics' line charts, drawn once each.
    pub charts: &'a Charts,
    /// Results of earlier renders, for `serve`.
    pub cache: &'a RenderCache,
    /// Where finished files go.
    sink: &'a dyn Sink,
    /// What becomes of each file on its way (the encrypted build's seal).
    finish: &'a dyn Finish,
    /// Where the pages' prepared bodies are.
    bodies: &'a Bodies,
    /// What to produce.
    pub options: RenderOptions,
    /// HTML pages emitted.
    pages: AtomicUsize,
    /// Top-level pages for the navigation: title, href, first path segment.
    pub top_pages: Vec<(String, String, String)>,
    errors: Mutex<Vec<Diagnostic>>,
    /// Keys from inputs, when the cache is on (see [`super::keys`]).
    pub keys: Option<Keys>,
}

/// What a [`Renderer`] is made of.
pub struct Parts<'a> {
    /// Every figure.
    pub model: &'a Model,
    /// Templates and strings.
    pub theme: &'a Theme,
    /// The metrics' line charts.
    pub charts: &'a Charts,
    /// Results of earlier renders.
    pub cache: &'a RenderCache,
    /// Where finished files go.
    pub sink: &'a dyn Sink,
    /// What becomes of each file on its way.
    pub finish: &'a dyn Finish,
    /// Where the pages' prepared bodies are.
    pub bodies: &'a Bodies,
    /// What to produce.
    pub options: RenderOptions,
    /// Top-level pages for the navigation: title, href, first path segment.
    pub top_pages: Vec<(String, String, String)>,
    /// Keys from inputs, when the cache is on.
    pub keys: Option<Keys>,
}

/// Where a shortcode's HTML goes: a page of the site, or a letter, whose
/// mail client knows no stylesheet (its charts become PNG).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Medium {
    /// A page.
    Page,
    /// A letter.
    Letter,
}

impl<'a> Renderer<'a> {
    /// A renderer of `parts`, with nothing emitted yet.
    pub fn new(parts: Parts<'a>) -> Renderer<'a> {
        Renderer {
            model: parts.model,
            theme: parts.theme,
            charts: parts.charts,
            cache: parts.cache,
            sink: parts.sink,
            finish: parts.finish,
            bodies: parts.bodies,
            options: parts.options,
            pages: AtomicUsize::new(0),
            top_pages: parts.top_pages,
            errors: Mutex::new(Vec::new()),
            keys: parts.keys,
        }
    }

    /// The pages emitted, and every error recorded.
    pub fn finished(self) -> (usize, Vec<Diagnostic>) {
        (
            self.pages.load(Ordering::Relaxed),
            self.errors.into_inner().unwrap_or_default(),
        )
    }
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

    /// Hands a finished file of `kind` to the sink, through the build's
    /// finish (which may leave it out, or seal it); a write error fails
    /// the build. Bytes from the render cache are handed over shared.
    pub fn emit(&self, kind: FileKind, path: &str, bytes: impl Into<bytes::Bytes>) {
        if !self.finish.keeps(kind) {
            return;
        }
        self.count(path);
        let bytes = bytes.into();
        if !self.within_limit(path, &bytes) {
            return;
        }
        let result = if self.finish.passes_through() {
            self.sink.put_shared(path, bytes)
        } else {
            self.finish.put(self.sink, kind, path, &bytes)
        };
        self.written(path, result);
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
    pub fn emit_by(&self, kind: FileKind, path: &str, key: Option<u64>, make: impl FnOnce() -> bytes::Bytes) {
        let Some(key) = key.filter(|_| self.finish.passes_through() && self.finish.keeps(kind)) else {
            return self.emit(kind, path, make());
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
    pub fn emit_by_with(&self, kind: FileKind, path: &str, key: u64, write: &mut Writer) {
        if !self.finish.passes_through() || !self.finish.keeps(kind) {
            return self.emit_with(kind, path, write);
        }
        if self.sink.keep(path, key) {
            return self.cache.count_hit();
        }
        self.written(path, self.sink.put_keyed_with(path, key, write));
    }

    /// Like [`Renderer::emit`] for a large file, streamed to the sink (or
    /// collected whole, when the finish transforms it).
    pub fn emit_with(&self, kind: FileKind, path: &str, write: &mut Writer) {
        if !self.finish.keeps(kind) {
            return;
        }
        let result = if self.finish.passes_through() {
            self.sink.put_with(path, write)
        } else {
            let mut bytes = Vec::new();
            write(&mut bytes).and_then(|()| self.finish.put(self.sink, kind, path, &bytes))
        };
        self.written(path, result);
    }

    /// Where the pages' prepared bodies are read back from.
    pub fn bodies(&self) -> &Bodies {
        self.bodies
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
}
