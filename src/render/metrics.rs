//! Metric pages: an index of groups, and per group a periods × metrics
//! table, one chart per metric with its detail table, and a CSV file.

use std::collections::BTreeSet;

use rayon::prelude::*;
use serde::Serialize;

use super::cache::Ctx;
use super::renderer::{Job, Medium, Renderer};
use super::sink::FileKind;
use super::{data, revenue, widgets};
use crate::model::{Group, Metric, Model, Scenario};
use crate::period::Month;
use crate::units::format_plain;

#[derive(Serialize)]
struct GroupLink {
    title: String,
    href: String,
    description: Option<String>,
    count: usize,
}

#[derive(Serialize)]
struct MetricCtx {
    id: String,
    label: String,
    description: Option<String>,
    formula: Option<String>,
    derived: bool,
    svg: String,
    legend: widgets::Legend,
    has_stated: bool,
    has_original: bool,
    /// The detail table's body, written here rather than by a loop in the
    /// template (see [`rows_html`]).
    rows_html: String,
}

/// One month of a metric's detail table, as shown.
#[cfg_attr(test, derive(Serialize))]
struct DetailRow {
    period: String,
    plan_month: String,
    target: String,
    target_interpolated: bool,
    actual: String,
    change: String,
    change_class: &'static str,
    attainment: String,
    attainment_class: &'static str,
    stated: String,
    stated_class: &'static str,
    original: String,
}

/// The metric pages: one per group, with its CSV, and their index.
pub struct Groups;

impl Job for Groups {
    fn kinds(&self) -> &'static [FileKind] {
        &[FileKind::Page, FileKind::Download]
    }

    fn render(&self, r: &Renderer) {
        render(r);
    }
}

fn render(r: &Renderer) {
    let model = r.model;
    if model.metrics.is_empty() {
        return;
    }
    // A group is a page, a CSV and a chart per metric: one at a time.
    model.groups.par_iter().with_max_len(1).for_each(|g| {
        let path = format!("metrics/{}/index.html", g.id);
        let key = r.keys.as_ref().map(|k| k.group(model, g, "group-page"));
        r.emit_by(FileKind::Page, &path, key, || {
            r.page_by(key, "metric_group.html", || group_context(r, g, &path))
        });
        let key = r.keys.as_ref().map(|k| k.group(model, g, "group-csv"));
        let csv_path = format!("metrics/{}.csv", g.id);
        r.emit_by(FileKind::Download, &csv_path, key, || {
            r.cached(key, true, || {
                csv(model, g)
                    .map(bytes::Bytes::from)
                    .map_err(|e| {
                        r.fail(crate::diagnostic::Diagnostic::error(
                            crate::diagnostic::Code::Output,
                            csv_path.clone(),
                            format!("cannot write the CSV of `{}`: {e}", g.id),
                        ))
                    })
                    .ok()
            })
        });
        revenue::downloads(r, g);
    });
    let path = "metrics/index.html";
    let mut ctx = r.base_context(path, "metrics", &r.text("metrics"), "metrics");
    let groups: Vec<GroupLink> = model
        .groups
        .iter()
        .map(|g| GroupLink {
            title: g.title.clone(),
            href: format!("{}/index.html", g.id),
            description: g.description.clone(),
            count: g.metrics.len(),
        })
        .collect();
    ctx.insert("groups", &groups);
    r.emit(FileKind::Page, path, r.page("metrics_index.html", &ctx));
}

/// Everything `metric_group.html` shows of a group.
fn group_context(r: &Renderer, g: &Group, path: &str) -> Ctx {
    let model = r.model;
    let root = Renderer::root_of(path);
    let metrics: Vec<&Metric> = g.metrics.iter().map(|&i| &model.metrics[i]).collect();
    let mut ctx = r.base_context(path, "metrics", &g.title, "metric-group");
    ctx.insert("description", &g.description);
    ctx.insert("csv_href", &format!("../{}.csv", g.id));
    ctx.insert("table", &widgets::table(model, &metrics, &root, None));
    ctx.insert("bridge", &revenue::bridge(r, g, None, &root, Medium::Page));
    ctx.insert("cohorts", &revenue::cohorts(r, g, None, &root, Medium::Page));
    let details: Vec<MetricCtx> = metrics.iter().map(|m| metric_ctx(r, m)).collect();
    ctx.insert("metrics", &details);
    ctx
}

fn metric_ctx(r: &Renderer, m: &Metric) -> MetricCtx {
    let model = r.model;
    let fmt = |v: f64| model.style.format(v, m.unit);
    let dash = || "—".to_string();
    let rows: Vec<DetailRow> = months_of(m)
        .into_iter()
        .map(|month| {
            let actual = m
                .actual
                .get(&month)
                .map(|&v| model.reading(m, Scenario::Actual, month, v));
            let stated = m.stated.get(&month).copied();
            let target = m.target.get(&month).copied();
            let stated_ok = match (stated, target, m.stated_literals.get(&month)) {
                (Some(s), Some(t), Some(lit)) => Some((s - t).abs() <= crate::model::lint::stated::tolerance(lit, s)),
                _ => None,
            };
            // Where there is an actual but no written target, the plan read
            // between targets is shown, marked as such.
            let interpolated = target.is_none() && actual.is_some_and(|a| a.plan.is_some());
            let target = target.or_else(|| actual.and_then(|a| a.plan));
            DetailRow {
                period: model.calendar.short(month),
                plan_month: format!("M{}", model.plan_month(month)),
                target: target.map_or_else(dash, fmt),
                target_interpolated: interpolated,
                actual: actual.map_or_else(dash, |a| fmt(a.value)),
                change: actual
                    .and_then(|a| a.change)
                    .map_or_else(dash, |c| model.style.format_change(c)),
                change_class: "",
                attainment: actual
                    .and_then(|a| a.attainment)
                    .map_or_else(dash, |a| model.style.attainment(a)),
                attainment_class: actual
                    .and_then(|a| a.attainment)
                    .map_or("", |a| crate::model::Standing::of(a, m.tolerance).class()),
                stated: stated.map_or_else(dash, fmt),
                original: m.original_plan(month).map_or_else(dash, fmt),
                stated_class: match stated_ok {
                    Some(false) => "bad",
                    _ => "",
                },
            }
        })
        .collect();
    let (has_stated, has_original) = (!m.stated.is_empty(), m.original.is_some());
    MetricCtx {
        rows_html: rows_html(&rows, has_stated, has_original, &r.text("interpolated")),
        id: m.id.clone(),
        label: m.label.clone(),
        description: m.description.clone(),
        formula: m.formula.clone(),
        derived: m.is_derived(),
        svg: r.charts.line(r.model, m, r.cache),
        legend: widgets::legend(model, m),
        has_stated,
        has_original,
    }
}

/// The rows of a metric's detail table as HTML, exactly as the theme's
/// loop over them wrote it. Written in Rust because that loop was the
/// costliest part of a site's templates: a group of three metrics over
/// four years is some 150 rows of ten cells, each cell a lookup and an
/// escape in the template engine, and a map of twelve values per row to
/// hand it. `interpolated` is the UI string for a target read between two.
fn rows_html(rows: &[DetailRow], has_stated: bool, has_original: bool, interpolated: &str) -> String {
    use crate::html::escape_as_templates_into as esc;
    let mut out = String::with_capacity(rows.len() * 220);
    fn cell(out: &mut String, class: Option<&str>, text: &str) {
        match class {
            Some(c) => {
                out.push_str("<td class=\"");
                esc(c, out);
                out.push_str("\">");
            }
            None => out.push_str("<td>"),
        }
        esc(text, out);
        out.push_str("</td>");
    }
    for r in rows {
        out.push_str("<tr><th scope=\"row\">");
        esc(&r.period, &mut out);
        out.push_str(" <span class=\"muted\">");
        esc(&r.plan_month, &mut out);
        out.push_str("</span></th><td>");
        if r.target_interpolated {
            out.push_str("<span class=\"interp\" title=\"");
            esc(interpolated, &mut out);
            out.push_str("\">≈</span>");
        }
        esc(&r.target, &mut out);
        out.push_str("</td>");
        cell(&mut out, None, &r.actual);
        cell(&mut out, Some(r.change_class), &r.change);
        cell(&mut out, Some(r.attainment_class), &r.attainment);
        if has_stated {
            cell(&mut out, Some(r.stated_class), &r.stated);
        }
        if has_original {
            cell(&mut out, None, &r.original);
        }
        out.push_str("</tr>");
    }
    out
}

fn months_of(m: &Metric) -> BTreeSet<Month> {
    m.actual
        .keys()
        .chain(m.target.keys())
        .chain(m.stated.keys())
        .copied()
        .collect()
}

/// The group's data as tidy CSV: one row per metric and month, written
/// with the `csv` crate (quoting by construction) and with text cells
/// neutralised against spreadsheet formula injection.
fn csv(model: &Model, g: &Group) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "period",
        "plan_month",
        "metric",
        "label",
        "unit",
        "target",
        "plan",
        "plan_interpolated",
        "actual",
        "stated",
        "change",
        "change_unit",
        "attainment",
        "derived",
    ])?;
    let number = |v: f64| format_plain(data::tidy(v));
    for &i in &g.metrics {
        let m = &model.metrics[i];
        // What every row of the metric repeats, made once.
        let unit = crate::units::name_of(&m.unit);
        let label = spreadsheet_safe(&m.label);
        let derived = if m.is_derived() { "true" } else { "false" };
        for month in months_of(m) {
            let v = |s: &crate::model::Series| s.get(&month).map(|v| number(*v)).unwrap_or_default();
            let reading = m
                .actual
                .get(&month)
                .map(|&a| model.reading(m, Scenario::Actual, month, a));
            let change = reading.and_then(|rd| rd.change).map(data::change_figure);
            let interpolated = m.plan.contains_key(&month) && !m.is_stated_target(month);
            w.write_field(month.to_string())?;
            w.write_field(model.plan_month(month).to_string())?;
            w.write_field(&m.id)?;
            w.write_field(&label)?;
            w.write_field(&unit)?;
            w.write_field(v(&m.target))?;
            w.write_field(v(&m.plan))?;
            w.write_field(if interpolated { "true" } else { "false" })?;
            w.write_field(v(&m.actual))?;
            w.write_field(v(&m.stated))?;
            w.write_field(change.map(|(c, _)| number(c)).unwrap_or_default())?;
            w.write_field(change.map(|(_, u)| u.to_string()).unwrap_or_default())?;
            w.write_field(reading.and_then(|rd| rd.attainment).map(number).unwrap_or_default())?;
            w.write_field(derived)?;
            w.write_record(None::<&[u8]>)?;
        }
    }
    w.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}

/// OWASP's rule for CSV injection: a text cell that a spreadsheet would
/// read as a formula (it starts with `=`, `+`, `-`, `@`, a tab or a
/// carriage return) is prefixed with a single quote, so it shows as text.
pub(crate) fn spreadsheet_safe(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_string()
    }
}

#[cfg(test)]
mod tests;
