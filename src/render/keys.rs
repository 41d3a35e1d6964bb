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
//! A dependency forgotten here would serve a stale page, so the cache has
//! a verifying mode ([`super::RenderCache::verifying`]) that renders every
//! hit again and counts the differences; the serve tests run with it.

use std::fmt::{Debug, Write as _};
use std::hash::{DefaultHasher, Hash, Hasher};

use super::Renderer;
use crate::load::{Body, Page};
use crate::model::metrics::Series;
use crate::model::{Group, Metric};

/// The site-wide part of every key of one render.
pub(crate) struct Keys {
    site: u64,
}

impl Keys {
    /// The keys of a render, or none when its cache is off.
    pub fn new(r: &Renderer) -> Option<Keys> {
        if !r.cache.is_enabled() {
            return None;
        }
        let m = r.model;
        let mut h = Fingerprint::new("site");
        h.debug(&m.site);
        h.debug(&(m.start, &m.events, &r.options, &r.top_pages));
        (r.theme.fingerprint, m.updates.is_empty(), m.metrics.is_empty()).hash(&mut h.0);
        Some(Keys { site: h.finish() })
    }

    /// A plan page's key: its text, its children and ancestors, and for a
    /// folder's index its folder's progress. None for a page with
    /// shortcodes or an overview (roadmap, levers, risks) among its parts.
    pub fn plan_page(&self, r: &Renderer, page: &Page, children: &[&Page], overview: bool) -> Option<u64> {
        if overview || !page.shortcodes.is_empty() {
            return None;
        }
        let mut h = Fingerprint::new("plan-page");
        self.site.hash(&mut h.0);
        page_text(&mut h, page);
        // An index shows its folder's progress; any other page its own,
        // read from its text.
        if page.is_index() {
            r.model.progress_under(page.folder()).hash(&mut h.0);
        }
        for child in children {
            page_text(&mut h, child);
        }
        // The breadcrumbs: the titles of the folders above (a superset).
        let mut folder = page.folder();
        loop {
            let slug = if folder.is_empty() {
                "_index".to_string()
            } else {
                format!("{folder}/_index")
            };
            if let Some(p) = r.model.page(&slug) {
                (&p.slug, &p.front.title).hash(&mut h.0);
            }
            let Some(i) = folder.rfind('/') else { break };
            folder = &folder[..i];
        }
        Some(h.finish())
    }

    /// A metric group's page and CSV: the group and its metrics' series.
    pub fn group(&self, r: &Renderer, g: &Group, what: &str) -> u64 {
        let mut h = Fingerprint::new(what);
        self.site.hash(&mut h.0);
        (&g.id, &g.title, &g.description).hash(&mut h.0);
        for &i in &g.metrics {
            metric(&mut h, &r.model.metrics[i]);
        }
        h.finish()
    }

    /// Every metric: what `data/metrics.json` is made of.
    pub fn all_metrics(&self, r: &Renderer) -> u64 {
        let mut h = Fingerprint::new("all-metrics");
        self.site.hash(&mut h.0);
        for g in r.model.groups.iter() {
            g.id.hash(&mut h.0);
        }
        for m in r.model.metrics.iter() {
            metric(&mut h, m);
        }
        h.finish()
    }
}

/// A page as written: its path and text, and the hash of a body left on
/// disk (its text holds only the front matter then).
fn page_text(h: &mut Fingerprint, page: &Page) {
    // Its tasks are read from that text: not hashed, so taking a key
    // does not count them before the page is rendered.
    (&page.source.path, &*page.source.text).hash(&mut h.0);
    if let Body::OnDisk { hash, .. } = &page.body_at {
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
