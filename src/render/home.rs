//! The home page: headline KPI cards, plan progress, headline charts and
//! the latest update.

use serde::Serialize;

use super::prose;
use super::renderer::{Job, Renderer};
use super::sink::FileKind;
use super::widgets::{self, progress_ctx};
use crate::model::plan::Progress;

/// The home page, and the page a host shows for a missing address.
pub struct Home;

impl Job for Home {
    fn kinds(&self) -> &'static [FileKind] {
        &[FileKind::Page]
    }

    fn render(&self, r: &Renderer) {
        render(r);
        let ctx = r.base_context("404.html", "", &r.text("not_found_title"), "not-found");
        r.emit(FileKind::Page, "404.html", r.page("404.html", &ctx));
    }
}

#[derive(Serialize)]
struct PhaseCtx {
    name: String,
    progress: Progress,
}

#[derive(Serialize)]
struct LatestUpdate {
    title: String,
    period: String,
    href: String,
}

fn render(r: &Renderer) {
    let model = r.model;
    let path = "index.html";
    let home = model.pages.iter().find(|p| p.slug == "_index");
    let title = home.map_or(model.site.title.as_str(), |p| p.front.title.as_str());
    let mut ctx = r.base_context(path, "home", title, "home");
    ctx.insert("intro", &home.map(|p| prose::page_html(r, p, path)).unwrap_or_default());
    ctx.insert(
        "description",
        &home
            .and_then(|p| p.front.description.clone())
            .or_else(|| model.site.description.clone()),
    );
    let headline: Vec<_> = model.site.headline.iter().filter_map(|id| model.metric(id)).collect();
    ctx.insert(
        "kpis",
        &headline
            .iter()
            .map(|m| widgets::kpi(r, m, None, ""))
            .collect::<Vec<_>>(),
    );
    ctx.insert(
        "charts",
        &headline
            .iter()
            .map(|m| widgets::chart(r, m, "", super::lines::View::Recent(None)))
            .collect::<Vec<_>>(),
    );
    ctx.insert("progress", &progress_ctx(model.progress_under(""), &model.style));
    ctx.insert("phases", &phases(r));
    ctx.insert("plan_links", &plan_links(r));
    ctx.insert(
        "latest_update",
        &model.updates.last().map(|u| LatestUpdate {
            title: u.front.title.clone(),
            period: widgets::period_label(model, u.period),
            href: format!("updates/{}/index.html", u.period),
        }),
    );
    r.emit(FileKind::Page, path, r.page("home.html", &ctx));
}

#[derive(Serialize)]
struct Link {
    title: String,
    href: String,
}

/// The plan's sections that hold figures (folders and typed pages' indexes),
/// so that every part of the plan is one click from the home page.
fn plan_links(r: &Renderer) -> Vec<Link> {
    let model = r.model;
    let mut links: Vec<(i64, Link)> = model
        .pages
        .iter()
        // Direct children of the top folders: `plan/objetivos`, `plan/roadmap/_index`.
        .filter(|p| p.slug.matches('/').count().checked_sub(usize::from(p.is_index())) == Some(1))
        .map(|p| {
            (
                p.front.weight.unwrap_or(i64::MAX),
                Link {
                    title: p.front.title.clone(),
                    href: p.href(),
                },
            )
        })
        .collect();
    links.sort_by_key(|(w, l)| (*w, l.href.clone()));
    let mut out: Vec<Link> = links.into_iter().map(|(_, l)| l).collect();
    if model.site.consistency_page != crate::load::ConsistencyPage::Nobody {
        out.push(Link {
            title: format!("{} ({})", r.text("consistency"), model.findings.findings().count()),
            href: "consistency/index.html".into(),
        });
    }
    out
}

/// Progress per roadmap phase, in the order the phases first appear.
fn phases(r: &Renderer) -> Vec<PhaseCtx> {
    let mut out: Vec<PhaseCtx> = Vec::new();
    let mut milestones: Vec<_> = r.model.pages.iter().filter(|p| p.front.phase.is_some()).collect();
    milestones.sort_by_key(|p| (p.front.months.map_or(0, |m| m[0]), p.slug.clone()));
    for p in milestones {
        let name = p.front.phase.clone().unwrap_or_default();
        let progress = p.tasks();
        match out.iter_mut().find(|ph| ph.name == name) {
            Some(ph) => ph.progress = ph.progress.plus(progress),
            None => out.push(PhaseCtx { name, progress }),
        }
    }
    out
}
