//! Pieces several pages share: charts, KPI cards, tables of metrics, and
//! the shortcodes that embed them in Markdown.

use std::collections::{BTreeMap, BTreeSet};

use rayon::prelude::*;
use serde::Serialize;

use super::{ChartMap, Renderer};
use crate::charts::{self, LineChart};
use crate::model::{Metric, Model, Reading, Series};
use crate::period::Month;
use crate::shortcode::{Shortcode, ShortcodeKind};
use crate::units::{Change, Direction};

/// Every metric's line chart, drawn once (in parallel) and reused by the
/// home page, the group pages and shortcodes.
pub(crate) struct Charts {
    lines: ChartMap,
}

impl Charts {
    /// Draws a line chart for every metric that has values.
    pub fn draw(model: &Model, strings: &BTreeMap<String, String>, cache: &super::RenderCache) -> Charts {
        let get = |k: &str| strings.get(k).cloned().unwrap_or_else(|| k.to_string());
        let (actual_label, target_label) = (get("actual"), get("target"));
        let lines = model
            .metrics
            .par_iter()
            .filter(|m| !m.actual.is_empty() || !m.target.is_empty())
            .map(|m| {
                let format = |v: f64| model.style.format(v, m.unit);
                let points = |s: &Series| s.iter().map(|(k, v)| (k.0, *v)).collect::<Vec<_>>();
                // Only a keeping cache needs the key; one-off builds skip building it.
                let key = cache.is_enabled().then(|| {
                    let inputs = (
                        &m.id,
                        &m.label,
                        m.unit,
                        points(&m.actual),
                        points(&m.target),
                        &actual_label,
                        &target_label,
                    );
                    cache.key("chart", &(inputs, format!("{:?}", model.style)))
                });
                let svg = cache.text(key.flatten(), || {
                    charts::line_chart(&LineChart {
                        title: &m.label,
                        actual: &m.actual,
                        target: &m.target,
                        actual_label: &actual_label,
                        target_label: &target_label,
                        format: &format,
                        dom_id: &format!("chart-{}", m.id),
                        allow_log: true,
                    })
                });
                (m.id.clone(), svg)
            })
            .collect();
        Charts { lines }
    }

    /// The chart of metric `id`.
    pub fn line(&self, id: &str) -> &str {
        self.lines.get(id).map_or("", String::as_str)
    }

    /// How many were drawn.
    pub fn count(&self) -> usize {
        self.lines.len()
    }
}

/// A KPI card.
#[derive(Serialize)]
pub(crate) struct KpiCtx {
    label: String,
    href: String,
    value: String,
    period: String,
    change: Option<String>,
    change_class: &'static str,
    attainment: Option<String>,
    attainment_class: &'static str,
    target: Option<String>,
    sparkline: String,
}

/// The card of `m` as of `as_of` (its latest actual when none): nothing
/// after that month is read, so an old update's cards never change.
pub(crate) fn kpi(r: &Renderer, m: &Metric, as_of: Option<Month>, root: &str) -> KpiCtx {
    let model = r.model;
    let limit = as_of.unwrap_or(Month(i32::MAX));
    let reading = model.latest_actual(m, as_of);
    let cut = |s: &Series| -> Series { s.range(..=limit).map(|(k, v)| (*k, *v)).collect() };
    let (actual, target) = (cut(&m.actual), cut(&m.target));
    let spark_id = format!("spark-{}-{}", m.id, as_of.map_or("now".into(), |a| a.to_string()));
    let sparkline = charts::sparkline(&actual, &target, &m.label, &spark_id);
    let fmt = |v: f64| model.style.format(v, m.unit);
    let target_now = reading.and_then(|rd| m.target.get(&rd.month).copied()).map(fmt);
    KpiCtx {
        label: m.label.clone(),
        href: format!("{root}{}", metric_href(model, m)),
        value: reading.map_or_else(|| "—".into(), |rd| fmt(rd.value)),
        period: reading.map_or_else(|| r.text("no_data"), |rd| period_label(model, rd.month)),
        change: reading.and_then(|rd| rd.change).map(|c| model.style.format_change(c)),
        change_class: reading.map_or("", |rd| change_class(rd, m.direction)),
        attainment: reading.and_then(|rd| rd.attainment).map(|a| model.style.percent(a)),
        attainment_class: reading
            .and_then(|rd| rd.attainment)
            .map_or("", |a| if a >= 1.0 { "good" } else { "bad" }),
        target: target_now,
        sparkline,
    }
}

fn change_class(rd: Reading, direction: Direction) -> &'static str {
    let delta = match rd.change {
        Some(Change::Relative(v) | Change::Points(v) | Change::Absolute(v)) => v,
        None => return "",
    };
    match (delta > 0.0, delta < 0.0, direction) {
        (true, _, Direction::Up) | (_, true, Direction::Down) => "good",
        (_, true, Direction::Up) | (true, _, Direction::Down) => "bad",
        _ => "",
    }
}

/// `2024-03 · M3`.
pub(crate) fn period_label(model: &Model, month: Month) -> String {
    format!("{month} · M{}", model.plan_month(month))
}

/// Where a metric's section is, relative to the site root.
pub(crate) fn metric_href(model: &Model, m: &Metric) -> String {
    format!("metrics/{}/index.html#{}", model.groups[m.group].id, m.id)
}

/// A chart with its data table.
#[derive(Serialize)]
pub(crate) struct ChartCtx {
    id: String,
    label: String,
    href: String,
    svg: String,
    rows: Vec<ChartRow>,
}

#[derive(Serialize)]
struct ChartRow {
    period: String,
    target: String,
    actual: String,
}

/// The values of `s` up to `as_of` (all of them without one).
fn cut(s: &Series, as_of: Option<Month>) -> std::borrow::Cow<'_, Series> {
    match as_of {
        Some(limit) if s.keys().next_back().is_some_and(|last| *last > limit) => {
            std::borrow::Cow::Owned(s.range(..=limit).map(|(k, v)| (*k, *v)).collect())
        }
        _ => std::borrow::Cow::Borrowed(s),
    }
}

/// The chart of `m` with its numbers, as of a month when given (an
/// update's charts never show what came after it).
pub(crate) fn chart(r: &Renderer, m: &Metric, root: &str, as_of: Option<Month>) -> ChartCtx {
    let model = r.model;
    let (actual, target) = (cut(&m.actual, as_of), cut(&m.target, as_of));
    let fmt = |s: &Series, month: &Month| {
        s.get(month)
            .map_or_else(|| "—".into(), |v| model.style.format(*v, m.unit))
    };
    let months: BTreeSet<Month> = actual.keys().chain(target.keys()).copied().collect();
    let svg = match as_of {
        None => r.charts.line(&m.id).to_string(),
        Some(limit) => {
            let format = |v: f64| model.style.format(v, m.unit);
            charts::line_chart(&LineChart {
                title: &m.label,
                actual: &actual,
                target: &target,
                actual_label: &r.text("actual"),
                target_label: &r.text("target"),
                format: &format,
                dom_id: &format!("chart-{}-{limit}", m.id),
                allow_log: true,
            })
        }
    };
    let (m_actual, m_target) = (&*actual, &*target);
    ChartCtx {
        id: m.id.clone(),
        label: m.label.clone(),
        href: format!("{root}{}", metric_href(model, m)),
        svg,
        rows: months
            .iter()
            .map(|month| ChartRow {
                period: period_label(model, *month),
                target: fmt(m_target, month),
                actual: fmt(m_actual, month),
            })
            .collect(),
    }
}

/// A periods × metrics table.
#[derive(Serialize)]
pub(crate) struct TableCtx {
    columns: Vec<Column>,
    rows: Vec<Row>,
    has_derived: bool,
}

#[derive(Serialize)]
struct Column {
    label: String,
    href: String,
    derived: bool,
    formula: Option<String>,
}

#[derive(Serialize)]
struct Row {
    period: String,
    plan_month: String,
    cells: Vec<Cell>,
}

#[derive(Serialize)]
struct Cell {
    actual: Option<String>,
    target: Option<String>,
    class: &'static str,
}

/// The table of `metrics`: one row per month any of them has a value in,
/// up to `as_of` when given.
pub(crate) fn table(model: &Model, metrics: &[&Metric], root: &str, as_of: Option<Month>) -> TableCtx {
    let limit = as_of.unwrap_or(Month(i32::MAX));
    let months: BTreeSet<Month> = metrics
        .iter()
        .flat_map(|m| m.actual.keys().chain(m.target.keys()))
        .copied()
        .filter(|m| *m <= limit)
        .collect();
    TableCtx {
        columns: metrics
            .iter()
            .map(|m| Column {
                label: m.label.clone(),
                href: format!("{root}{}", metric_href(model, m)),
                derived: m.is_derived(),
                formula: m.formula.clone(),
            })
            .collect(),
        rows: months
            .iter()
            .map(|month| Row {
                period: month.to_string(),
                plan_month: format!("M{}", model.plan_month(*month)),
                cells: metrics
                    .iter()
                    .map(|m| {
                        let actual = m.actual.get(month).copied();
                        let target = m.target.get(month).copied();
                        let class = match (actual, target) {
                            (Some(a), Some(t)) => match crate::model::attainment(a, t, m.direction) {
                                Some(x) if x >= 1.0 => "good",
                                Some(_) => "bad",
                                None => "",
                            },
                            _ => "",
                        };
                        Cell {
                            actual: actual.map(|v| model.style.format(v, m.unit)),
                            target: target.map(|v| model.style.format(v, m.unit)),
                            class,
                        }
                    })
                    .collect(),
            })
            .collect(),
        has_derived: metrics.iter().any(|m| m.is_derived()),
    }
}

/// Renders a shortcode found in a page's Markdown; ids were checked by the
/// model stage, so a missing one here only yields an empty string. In an
/// update, `as_of` is its month: nothing after it is shown.
pub(crate) fn shortcode(r: &Renderer, sc: &Shortcode, root: &str, as_of: Option<Month>) -> String {
    let model = r.model;
    let mut ctx = tera::Context::new();
    ctx.insert("root", root);
    let metric = |key: &str| sc.arg(key).and_then(|(id, _)| model.metric(id));
    let until = sc
        .arg("until")
        .and_then(|(m, _)| crate::period::parse_period(m, model.start).ok());
    let until = match (until, as_of) {
        (Some(u), Some(a)) => Some(u.min(a)),
        (u, a) => u.or(a),
    };
    let (template, html_wrap) = match sc.kind {
        ShortcodeKind::Chart => {
            let Some(m) = metric("metric") else {
                return String::new();
            };
            ctx.insert("chart", &chart(r, m, root, as_of));
            ("partials/chart.html", None)
        }
        ShortcodeKind::Kpi => {
            let Some(m) = metric("metric") else {
                return String::new();
            };
            ctx.insert("k", &kpi(r, m, as_of, root));
            ("partials/kpi.html", Some("kpis"))
        }
        ShortcodeKind::Objectives => {
            let list = sc.arg("metrics").map_or("", |(l, _)| l);
            let ids: Vec<&str> = list.split(',').map(str::trim).collect();
            ctx.insert("table", &super::roadmap::objectives(r, &ids, until));
            ("partials/quarters.html", None)
        }
        ShortcodeKind::Projections => {
            let id = sc.arg("metric").map_or("", |(id, _)| id);
            ctx.insert("table", &super::roadmap::projections(r, id, until));
            ("partials/quarters.html", None)
        }
        ShortcodeKind::Table => {
            let metrics: Vec<&Metric> = match (sc.arg("metrics"), sc.arg("group")) {
                (Some((list, _)), _) => list.split(',').filter_map(|id| model.metric(id.trim())).collect(),
                (None, Some((g, _))) => model
                    .groups
                    .iter()
                    .find(|gr| gr.id == g)
                    .map(|gr| gr.metrics.iter().map(|&i| &model.metrics[i]).collect())
                    .unwrap_or_default(),
                _ => Vec::new(),
            };
            ctx.insert("table", &table(model, &metrics, root, as_of));
            ("partials/table.html", None)
        }
    };
    match r.theme.render(template, &ctx) {
        Ok(html) => match html_wrap {
            Some(class) => format!("<div class=\"{class}\">{html}</div>"),
            None => html,
        },
        Err(d) => {
            r.fail(d);
            String::new()
        }
    }
}
