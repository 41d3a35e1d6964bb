//! Monthly investor updates: one page per update, as of its month, and an
//! archive, newest first.

use rayon::prelude::*;
use serde::Serialize;

use super::renderer::{Job, Medium, Renderer};
use super::sink::FileKind;
use super::{prose, widgets};
use crate::load::Update;

#[derive(Serialize)]
struct UpdateLink {
    title: String,
    period: String,
    href: String,
    kpis: Vec<KpiBrief>,
}

#[derive(Serialize)]
struct KpiBrief {
    label: String,
    value: String,
}

/// The updates' pages, each as of its month, and their archive.
pub struct Updates;

impl Job for Updates {
    fn kinds(&self) -> &'static [FileKind] {
        &[FileKind::Page]
    }

    fn render(&self, r: &Renderer) {
        render(r);
    }
}

fn render(r: &Renderer) {
    let model = r.model;
    if model.updates.is_empty() {
        return;
    }
    model.updates.par_iter().with_max_len(1).for_each(|u| {
        let (path, bytes) = render_update(r, u);
        r.emit(FileKind::Page, &path, bytes);
    });
    let path = "updates/index.html";
    let mut ctx = r.base_context(path, "updates", &r.text("updates"), "updates");
    let links: Vec<UpdateLink> = model
        .updates
        .iter()
        .rev()
        .map(|u| UpdateLink {
            title: u.front.title.clone(),
            period: widgets::period_label(model, u.period),
            href: format!("{}/index.html", u.period),
            kpis: model
                .kpi_ids(u)
                .iter()
                .filter_map(|id| model.metric(id))
                .filter_map(|m| {
                    let rd = model.latest_actual(m, Some(u.period))?;
                    Some(KpiBrief {
                        label: m.label.clone(),
                        value: model.style.format(rd.value, m.unit),
                    })
                })
                .collect(),
        })
        .collect();
    ctx.insert("updates", &links);
    r.emit(FileKind::Page, path, r.page("updates_index.html", &ctx));
}

/// An update reads nothing after its month, so it renders the same bytes
/// after later months' data are added.
fn render_update(r: &Renderer, u: &Update) -> (String, bytes::Bytes) {
    let model = r.model;
    let path = format!("updates/{}/index.html", u.period);
    let root = Renderer::root_of(&path);
    let mut ctx = r.base_context(&path, "updates", &u.front.title, "update");
    let kpis: Vec<_> = model
        .kpi_ids(u)
        .iter()
        .filter_map(|id| model.metric(id))
        .map(|m| widgets::kpi(r, m, Some(u.period), &root))
        .collect();
    ctx.insert("kpis", &kpis);
    let charts: Vec<_> = model
        .kpi_ids(u)
        .iter()
        .filter_map(|id| model.metric(id))
        .map(|m| widgets::chart(r, m, &root, super::lines::View::Recent(Some(u.period))))
        .collect();
    ctx.insert("charts", &charts);
    let events: Vec<&str> = model
        .events
        .iter()
        .filter(|e| e.month == u.period)
        .map(|e| e.label.as_str())
        .collect();
    ctx.insert("events", &events);
    ctx.insert("period", &widgets::period_label(model, u.period));
    // The description a search result or a shared link shows: the
    // update's own, else its first highlight.
    let lines = |items: &[String]| -> Vec<(String, String)> {
        items.iter().map(|t| widgets::line(r, t, Some(u.period))).collect()
    };
    let (highlights, lowlights, asks) = (
        lines(&u.front.highlights),
        lines(&u.front.lowlights),
        lines(&u.front.asks),
    );
    ctx.insert(
        "description",
        &u.front
            .description
            .clone()
            .or_else(|| highlights.first().map(|(_, plain)| plain.clone())),
    );
    let html = |l: &[(String, String)]| l.iter().map(|(h, _)| h.clone()).collect::<Vec<_>>();
    ctx.insert("highlights", &html(&highlights));
    ctx.insert("lowlights", &html(&lowlights));
    ctx.insert("asks", &html(&asks));
    ctx.insert_text(
        "content",
        &prose::markdown(
            r,
            u.body(),
            &u.shortcodes,
            &format!("u{}", u.period),
            &path,
            Some(u.period),
            Medium::Page,
        ),
    );
    let bytes = r.page("update.html", &ctx);
    (path, bytes)
}
