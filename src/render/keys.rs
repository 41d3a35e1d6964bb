//! Cache keys taken from what a page is made of, before its context is
//! built.
//!
//! A key from the full template context ([`super::cache::Ctx`]) is right
//! by construction, but building ten thousand contexts to learn that one
//! changed is most of a `serve` rebuild. These keys hash the inputs
//! instead: the page's own text, what its neighbours in the tree show of
//! themselves, the series of the metrics a group page draws, and one key
//! for everything site-wide (settings, theme, navigation, options, dated
//! events). A page whose inputs reach further — shortcodes read any
//! metric, the roadmap and lever overviews read the whole plan — gets no
//! key here and takes the full path.
//!
//! A plan page's key is the hash of its [`PageInputs`], which its context
//! is built from; a metric's part of a key names every field of
//! [`Metric`] (a field added does not compile until it is hashed). Should
//! a dependency still be missed, the cache has a verifying mode
//! ([`super::cache::RenderCache::verifying`]) that renders every hit again
//! and counts the differences; the serve tests run with it.

use std::fmt::{Debug, Write as _};
use std::hash::{DefaultHasher, Hash, Hasher};

use crate::load::{Body, Page, Progress};
use crate::model::metrics::Series;
use crate::model::{Group, Metric, Model};

/// What a plan page shows beyond the site-wide settings (the settings,
/// theme, navigation and dated events of [`Keys`]): its key is the hash of
/// exactly this, and its context is built from it, so what the page shows
/// and what its key covers cannot drift apart.
pub struct PageInputs<'a> {
    /// The page.
    pub page: &'a Page,
    /// What a folder's index lists: the pages and folders directly in it.
    pub children: &'a [&'a Page],
    /// The indexes of the folders above, outermost first: its breadcrumbs.
    pub ancestors: Vec<&'a Page>,
    /// Its progress: its own tasks, or for a folder's index the folder's.
    pub progress: Progress,
    /// Whether it shows an overview of the plan (roadmap, levers, risks).
    pub overview: bool,
}

impl<'a> PageInputs<'a> {
    /// The inputs of `page` in `model`.
    pub fn of(model: &'a Model, page: &'a Page, children: &'a [&'a Page], overview: bool) -> PageInputs<'a> {
        let mut ancestors = Vec::new();
        let mut folder = if page.is_index() {
            parent(page.folder())
        } else {
            page.folder()
        };
        while !folder.is_empty() {
            if let Some(p) = model.page(&format!("{folder}/_index")) {
                ancestors.push(p);
            }
            folder = parent(folder);
        }
        ancestors.reverse();
        let progress = if page.is_index() {
            model.progress_under(page.folder())
        } else {
            page.tasks()
        };
        PageInputs {
            page,
            children,
            ancestors,
            progress,
            overview,
        }
    }
}

/// The folder that holds `folder` (`""` at the top).
fn parent(folder: &str) -> &str {
    folder.rfind('/').map_or("", |i| &folder[..i])
}

/// The site-wide part of every key of one render.
pub struct Keys {
    site: u64,
}

impl Keys {
    /// The keys of a render of `m` with a theme of `theme_fingerprint`,
    /// for its `author` or not, with the navigation's `top_pages`.
    pub fn new(m: &Model, theme_fingerprint: u64, author: bool, top_pages: &[(String, String, String)]) -> Keys {
        let mut h = Fingerprint::new("site");
        h.debug(&m.site);
        h.debug(&(m.start, &m.events, author, top_pages));
        (theme_fingerprint, m.updates.is_empty(), m.metrics.is_empty()).hash(&mut h.0);
        Keys { site: h.finish() }
    }

    /// A plan page's key: the hash of its [`PageInputs`], which is what
    /// its context is built from. None for a page with shortcodes or an
    /// overview (roadmap, levers, risks) among its parts: those read any
    /// metric or the whole plan, and take the full path.
    pub fn plan_page(&self, inputs: &PageInputs) -> Option<u64> {
        let PageInputs {
            page,
            children,
            ancestors,
            progress,
            overview,
        } = inputs;
        if *overview || !page.shortcodes.is_empty() {
            return None;
        }
        let mut h = Fingerprint::new("plan-page");
        self.site.hash(&mut h.0);
        page_text(&mut h, page);
        progress.hash(&mut h.0);
        for child in children.iter() {
            page_text(&mut h, child);
        }
        for a in ancestors {
            (&a.slug, &a.front.title).hash(&mut h.0);
        }
        Some(h.finish())
    }

    /// A metric group's page and CSV: the group and its metrics' series.
    pub fn group(&self, model: &Model, g: &Group, what: &str) -> u64 {
        let mut h = Fingerprint::new(what);
        self.site.hash(&mut h.0);
        (&g.id, &g.title, &g.description).hash(&mut h.0);
        h.debug(&g.cohorts);
        for &i in &g.metrics {
            metric(&mut h, &model.metrics[i]);
        }
        h.finish()
    }

    /// Every metric: what `data/metrics.json` is made of.
    pub fn all_metrics(&self, model: &Model) -> u64 {
        let mut h = Fingerprint::new("all-metrics");
        self.site.hash(&mut h.0);
        for g in model.groups.iter() {
            g.id.hash(&mut h.0);
        }
        for m in model.metrics.iter() {
            metric(&mut h, m);
        }
        h.finish()
    }
}

/// A page as written: its path and text, and the hash of a body made
/// HTML when loaded (its text holds only the front matter then).
fn page_text(h: &mut Fingerprint, page: &Page) {
    (&page.source.path, &*page.source.text).hash(&mut h.0);
    if let Body::Html { hash, .. } = &page.body_at {
        hash.hash(&mut h.0);
    }
}

/// Every field of a metric a page can show. The pattern names each field,
/// so a field added to [`Metric`] does not compile until it is placed here.
fn metric(h: &mut Fingerprint, m: &Metric) {
    let Metric {
        id,
        label,
        unit,
        direction,
        description,
        group,
        formula,
        target,
        actual,
        stated,
        stated_literals,
        written: _,
        position: _,
        total_of,
        balance,
        parts,
        per,
        range,
        role,
        kind,
        interpolation,
        tolerance,
        compare,
        check_direction,
        plan,
        scenarios,
        original,
        revisions,
    } = m;
    (id, label, description, group, formula, check_direction).hash(&mut h.0);
    h.debug(&(
        unit,
        direction,
        total_of,
        balance,
        parts,
        per,
        range,
        role,
        kind,
        interpolation,
        tolerance,
        compare,
    ));
    for series in [target, actual, stated, plan] {
        h.series(series);
    }
    stated_literals.hash(&mut h.0);
    for (name, series) in scenarios {
        name.hash(&mut h.0);
        h.series(series);
    }
    if let Some(series) = original {
        h.series(series);
    }
    revisions.hash(&mut h.0);
}

/// A hasher fed with text, numbers and `Debug` renderings.
struct Fingerprint(DefaultHasher);

impl Fingerprint {
    fn new(kind: &str) -> Fingerprint {
        let mut h = DefaultHasher::new();
        kind.hash(&mut h);
        Fingerprint(h)
    }

    /// Values without a `Hash` (floats inside settings), through their
    /// `Debug` text, streamed into the hasher without an allocation.
    fn debug<T: Debug + ?Sized>(&mut self, value: &T) {
        let _ = write!(self, "{value:?}");
    }

    fn series(&mut self, series: &Series) {
        series.len().hash(&mut self.0);
        for (month, v) in series {
            (month.0, v.to_bits()).hash(&mut self.0);
        }
    }

    fn finish(&self) -> u64 {
        self.0.finish()
    }
}

impl std::fmt::Write for Fingerprint {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.0.write(s.as_bytes());
        Ok(())
    }
}
