//! Plan pages: every Markdown page other than the home page and updates,
//! with folder indexes listing their children.

use rayon::prelude::*;
use serde::Serialize;

use super::cache::Ctx;
use super::keys::PageInputs;
use super::renderer::{Job, Renderer};
use super::sink::FileKind;
use super::widgets::progress_ctx;
use super::{prose, roadmap};
use crate::load::{Page, PageKind};
use crate::model::Model;
use crate::units::name_of;
use std::collections::HashMap;

/// The output path of a page, relative to the site root.
pub(crate) fn href(slug: &str) -> String {
    crate::load::pages_href(slug)
}

/// Pages shown in the main navigation: top-level folder indexes and pages.
pub(crate) fn top_level(model: &Model) -> Vec<&Page> {
    let mut pages: Vec<&Page> = model
        .pages
        .iter()
        .map(|p| &**p)
        .filter(|p| {
            let parts: Vec<&str> = p.slug.split('/').collect();
            matches!(parts.as_slice(), [_, "_index"]) || (parts.len() == 1 && p.slug != "_index")
        })
        .collect();
    sort(&mut pages);
    pages
}

fn sort(pages: &mut [&Page]) {
    pages.sort_by(|a, b| {
        (a.front.weight.unwrap_or(i64::MAX), &a.slug).cmp(&(b.front.weight.unwrap_or(i64::MAX), &b.slug))
    });
}

/// For each folder, the pages directly inside it and the indexes of its
/// sub-folders, sorted: what the folder's index lists.
fn children_by_folder(model: &Model) -> HashMap<&str, Vec<&Page>> {
    let mut map: HashMap<&str, Vec<&Page>> = HashMap::new();
    for p in model.pages.iter().filter(|p| p.slug != "_index") {
        let parent = if p.is_index() {
            parent_folder(p.folder())
        } else {
            p.folder()
        };
        map.entry(parent).or_default().push(p);
    }
    for list in map.values_mut() {
        sort(list);
    }
    map
}

fn parent_folder(folder: &str) -> &str {
    folder.rfind('/').map_or("", |i| &folder[..i])
}

#[derive(Serialize)]
struct Fact {
    label: String,
    value: String,
}

#[derive(Serialize)]
struct Child {
    title: String,
    href: String,
    kind: PageKind,
    kind_label: Option<String>,
    description: Option<String>,
    summary: Option<String>,
}

#[derive(Serialize)]
struct Crumb {
    title: String,
    href: String,
}

/// Every plan page but the home page; a folder's index lists the pages
/// under it, with their progress.
pub struct Pages;

impl Job for Pages {
    fn kinds(&self) -> &'static [FileKind] {
        &[FileKind::Page]
    }

    fn render(&self, r: &Renderer) {
        let children = children_by_folder(r.model);
        let kinds = kinds_by_folder(r.model);
        r.model
            .pages
            .par_iter()
            .with_max_len(crate::limits::PARALLEL_PIECE)
            .enumerate()
            .filter(|(_, p)| p.slug != "_index")
            .for_each(|(i, p)| {
                let kids = match p.is_index() {
                    true => children.get(p.folder()).map(Vec::as_slice).unwrap_or_default(),
                    false => &[],
                };
                render_page(r, i, kids, &kinds, &p.href());
            });
    }
}

fn render_page(r: &Renderer, index: usize, children: &[&Page], kinds: &FolderKinds, path: &str) {
    let page = &r.model.pages[index];
    let has = |kind: PageKind| page.is_index() && kinds.get(&(page.folder(), kind)) == Some(&true);
    let overview = [PageKind::Milestone, PageKind::Lever, PageKind::Risk]
        .into_iter()
        .any(has);
    let inputs = PageInputs::of(r.model, page, children, overview);
    let key = r.keys.as_ref().and_then(|k| k.plan_page(&inputs));
    r.emit_by(FileKind::Page, path, key, || {
        r.page_by(key, "page.html", || page_context(r, &inputs, &has, path))
    });
}

/// Everything `page.html` shows of a plan page: its inputs, and the
/// site-wide settings the renderer holds.
fn page_context(r: &Renderer, inputs: &PageInputs, has: &dyn Fn(PageKind) -> bool, path: &str) -> Ctx {
    let (page, children) = (inputs.page, inputs.children);
    let root = Renderer::root_of(path);
    let section = page.slug.split('/').next().unwrap_or("");
    let mut ctx = r.base_context(path, section, &page.front.title, "page");
    ctx.insert_text("content", &prose::page_html(r, page, path));
    ctx.insert("description", &page.front.description);
    ctx.insert("kind", &page.front.kind);
    ctx.insert("kind_label", &kind_label(r, page.front.kind));
    ctx.insert("facts", &facts(r, page));
    ctx.insert("progress", &progress_ctx(inputs.progress, &r.model.style));
    let children: Vec<Child> = children
        .iter()
        .map(|c| Child {
            title: c.front.title.clone(),
            href: format!("{root}{}", c.href()),
            kind: c.front.kind,
            kind_label: kind_label(r, c.front.kind),
            description: c.front.description.clone(),
            summary: summary(r, c),
        })
        .collect();
    ctx.insert("children", &children);
    ctx.insert(
        "roadmap",
        &has(PageKind::Milestone).then(|| roadmap::roadmap(r, &root)).flatten(),
    );
    if has(PageKind::Lever) {
        ctx.insert("levers", &roadmap::levers(r, &root));
        ctx.insert("levers_total", &roadmap::levers_total(r));
    }
    if has(PageKind::Risk) {
        ctx.insert("risks", &roadmap::risks(r, &root));
    }
    ctx.insert("breadcrumbs", &breadcrumbs(&inputs.ancestors, &root));
    ctx
}

/// For each folder and kind: whether every page of that kind under the
/// folder (at any depth) sits directly in it. The roadmap's index shows
/// the timeline, the levers' index the overview; the top of the plan holds
/// every kind deeper down, so the figures appear once, where the pages are.
type FolderKinds<'a> = HashMap<(&'a str, PageKind), bool>;

fn kinds_by_folder(model: &Model) -> FolderKinds<'_> {
    let mut out: FolderKinds = HashMap::new();
    for p in model.pages.iter().filter(|p| p.front.kind != PageKind::Page) {
        let own = p.folder();
        let mut folder = own;
        loop {
            let direct = folder == own;
            let slot = out.entry((folder, p.front.kind)).or_insert(true);
            *slot &= direct;
            if folder.is_empty() {
                break;
            }
            folder = parent_folder(folder);
        }
    }
    out
}

fn kind_label(r: &Renderer, kind: PageKind) -> Option<String> {
    match kind {
        PageKind::Page => None,
        PageKind::Milestone => Some(r.text("milestone")),
        PageKind::Lever => Some(r.text("lever")),
        PageKind::Risk => Some(r.text("risk")),
    }
}

/// The links to the folders above a page, outermost first.
fn breadcrumbs(ancestors: &[&Page], root: &str) -> Vec<Crumb> {
    ancestors
        .iter()
        .map(|p| Crumb {
            title: p.front.title.clone(),
            href: format!("{root}{}", p.href()),
        })
        .collect()
}

/// A page's structured fields as label/value pairs, in the site's style.
fn facts(r: &Renderer, page: &Page) -> Vec<Fact> {
    let f = &page.front;
    let style = &r.model.style;
    let money = |v: f64| style.format(v, crate::units::Unit::Currency);
    let mut out = Vec::new();
    let mut push = |key: &str, value: Option<String>| {
        if let Some(value) = value {
            out.push(Fact {
                label: r.text(key),
                value,
            });
        }
    };
    push("phase", f.phase.clone());
    push("months", f.months.map(|[a, b]| months_label(r.model, a, b)));
    push(
        "investment",
        f.investment.map(|i| format!("{} – {}", money(i.min), money(i.max))),
    );
    push(
        "roi",
        f.roi.map(|roi| {
            format!(
                "{} {} {} {}",
                style.format(roi.ratio, crate::units::Unit::Ratio),
                r.text("roi_within"),
                roi.within_months,
                r.text("months_unit")
            )
        }),
    );
    push("priority", f.priority.map(|p| r.text(&name_of(&p))));
    push("status", f.status.map(|s| r.text(&name_of(&s))));
    push("owner", f.owner.clone());
    push("date", f.date.clone());
    push("tags", (!f.tags.is_empty()).then(|| f.tags.join(", ")));
    push("likelihood", f.likelihood.map(|l| r.text(&name_of(&l))));
    push("impact", f.impact.map(|l| r.text(&format!("impact_{}", name_of(&l)))));
    push("mitigation", f.mitigation.clone());
    push("contingency", f.contingency.clone());
    push("monitoring", f.monitoring.clone());
    out
}

/// Plan months in words, with their plan numbers: `ene – mar 2024 (M1–M3)`.
fn months_label(model: &Model, from: u32, to: u32) -> String {
    let month = |n: u32| model.start.offset(n as i32 - 1);
    let words = model.calendar.span(month(from), month(to));
    if from == to {
        format!("{words} (M{from})")
    } else {
        format!("{words} (M{from}–M{to})")
    }
}

/// A one-line summary for lists: months and investment.
fn summary(r: &Renderer, page: &Page) -> Option<String> {
    let f = &page.front;
    let style = &r.model.style;
    let mut parts = Vec::new();
    if let Some(p) = f.priority {
        parts.push(format!("{}: {}", r.text("priority"), r.text(&name_of(&p))));
    }
    if let Some([a, b]) = f.months {
        parts.push(months_label(r.model, a, b));
    }
    if let Some(i) = f.investment {
        parts.push(format!(
            "{} – {}",
            style.format(i.min, crate::units::Unit::Currency),
            style.format(i.max, crate::units::Unit::Currency)
        ));
    }
    if let Some(l) = f.impact {
        parts.push(format!(
            "{}: {}",
            r.text("impact"),
            r.text(&format!("impact_{}", name_of(&l)))
        ));
    }
    (!parts.is_empty()).then(|| parts.join(" · "))
}
