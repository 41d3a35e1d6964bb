//! Pieces several pages share: charts, KPI cards, tables of metrics, and
//! the shortcodes that embed them in Markdown.

use std::collections::BTreeSet;

use serde::Serialize;

use super::lines::{ChartData, ChartWords, View, cut, events_of};
use super::renderer::{Medium, Renderer};
use super::{revenue, roadmap};
use crate::charts;
use crate::load::Progress;
use crate::model::{Metric, Model, Reading, Series, Standing};
use crate::period::Month;
use crate::shortcode::{Shortcode, ShortcodeKind};
use crate::units::{Change, Direction};

/// A KPI card.
#[derive(Serialize)]
pub(crate) struct KpiCtx {
    pub(crate) label: String,
    pub(crate) href: String,
    pub(crate) value: String,
    pub(crate) period: String,
    pub(crate) change: Option<String>,
    pub(crate) change_class: &'static str,
    pub(crate) attainment: Option<String>,
    pub(crate) attainment_class: &'static str,
    pub(crate) target: Option<String>,
    pub(crate) target_interpolated: bool,
    /// The plan as first written, when it was revised since.
    pub(crate) original: Option<String>,
    pub(crate) sparkline: String,
}

/// The card of `m` as of `as_of` (its latest actual when none): nothing
/// after that month is read, so an old update's cards never change.
pub(crate) fn kpi(r: &Renderer, m: &Metric, as_of: Option<Month>, root: &str) -> KpiCtx {
    let model = r.model;
    let reading = model.latest_actual(m, as_of);
    let (actual, plan) = (cut(&m.actual, as_of), cut(&m.plan, as_of));
    let spark_id = format!("spark-{}-{}", m.id, as_of.map_or("now".into(), |a| a.to_string()));
    let sparkline = charts::sparkline(&actual, &plan, &m.label, &spark_id);
    let fmt = |v: f64| model.style.format(v, m.unit);
    KpiCtx {
        label: m.label.clone(),
        href: format!("{root}{}", metric_href(model, m)),
        value: reading.map_or_else(|| "—".into(), |rd| fmt(rd.value)),
        period: reading.map_or_else(|| r.text("no_data"), |rd| model.calendar.long(rd.month)),
        change: reading.and_then(|rd| rd.change).map(|c| model.style.format_change(c)),
        change_class: reading.map_or("", |rd| change_class(rd, m.direction)),
        attainment: reading.and_then(|rd| rd.attainment).map(|a| model.style.attainment(a)),
        attainment_class: reading
            .and_then(|rd| rd.attainment)
            .map_or("", |a| Standing::of(a, m.tolerance).class()),
        target: reading.and_then(|rd| rd.plan).map(fmt),
        target_interpolated: reading.is_some_and(|rd| rd.interpolated),
        original: reading.and_then(|rd| m.original_plan(rd.month)).map(fmt),
        sparkline,
    }
}

fn change_class(rd: Reading, direction: Direction) -> &'static str {
    let delta = match rd.change {
        Some(Change::Relative(v) | Change::Points(v) | Change::Absolute(v) | Change::Amount(v, _)) => v,
        None => return "",
    };
    match (delta > 0.0, delta < 0.0, direction) {
        (true, _, Direction::Up) | (_, true, Direction::Down) => "good",
        (_, true, Direction::Up) | (true, _, Direction::Down) => "bad",
        _ => "",
    }
}

/// A month as a reader names it: `marzo de 2024`.
pub(crate) fn period_label(model: &Model, month: Month) -> String {
    model.calendar.long(month)
}

/// Where a metric's section is, relative to the site root.
pub(crate) fn metric_href(model: &Model, m: &Metric) -> String {
    format!("metrics/{}/index.html#{}", model.groups[m.group].id, m.id)
}

/// A chart with its legend and its data table.
#[derive(Serialize)]
pub(crate) struct ChartCtx {
    id: String,
    pub(crate) label: String,
    href: String,
    pub(crate) svg: String,
    legend: Legend,
    rows: Vec<ChartRow>,
}

/// What a chart's HTML legend explains.
#[derive(Serialize, Default)]
pub(crate) struct Legend {
    /// The value axis is logarithmic.
    log: bool,
    /// There are actuals.
    actual: bool,
    /// There is a plan.
    plan: bool,
    /// Some of the plan lies between targets.
    interpolated: bool,
    /// A band of scenarios, with their names.
    scenarios: Option<String>,
    /// The plan was revised: when.
    revised: Option<String>,
    /// Numbered events.
    events: Vec<EventRow>,
}

/// An event as a chart's legend lists it.
#[derive(Serialize)]
struct EventRow {
    number: usize,
    month: String,
    label: String,
}

impl Legend {
    fn of(model: &Model, m: &Metric, data: &ChartData) -> Legend {
        Legend {
            log: data.log(),
            actual: !data.actual.is_empty(),
            plan: !data.plan.is_empty(),
            interpolated: data.plan.len() > data.targets.len(),
            scenarios: data.band.as_ref().map(|_| {
                m.scenarios
                    .iter()
                    .map(|(name, _)| name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            }),
            revised: data
                .original
                .as_ref()
                .and_then(|_| m.revisions.last())
                .map(|(month, _)| model.calendar.short(*month)),
            events: data
                .events
                .iter()
                .filter_map(|(month, n)| {
                    events_of(model, m, None)
                        .into_iter()
                        .find(|(k, _)| k == n)
                        .map(|(_, e)| EventRow {
                            number: *n,
                            month: model.calendar.short(*month),
                            label: e.label.clone(),
                        })
                })
                .collect(),
        }
    }
}

#[derive(Serialize)]
struct ChartRow {
    period: String,
    target: String,
    target_interpolated: bool,
    actual: String,
}

/// The chart of `m` with its numbers, in `view` (an update's charts
/// never show what came after it).
pub(crate) fn chart(r: &Renderer, m: &Metric, root: &str, view: View) -> ChartCtx {
    let model = r.model;
    let data = ChartData::view(model, m, view);
    let fmt = |s: &Series, month: &Month| {
        s.get(month)
            .map_or_else(|| "—".into(), |v| model.style.format(*v, m.unit))
    };
    let months: BTreeSet<Month> = data.actual.keys().chain(data.targets.keys()).copied().collect();
    let svg = match view {
        View::Whole(None) => r.charts.line(model, m, r.cache),
        View::Whole(Some(limit)) | View::Recent(Some(limit)) => data.draw(
            model,
            m,
            &ChartWords::from(&r.theme.strings),
            &format!("chart-{}-{limit}", m.id),
        ),
        View::Recent(None) => data.draw(
            model,
            m,
            &ChartWords::from(&r.theme.strings),
            &format!("chart-{}-recent", m.id),
        ),
    };
    ChartCtx {
        id: m.id.clone(),
        label: m.label.clone(),
        href: format!("{root}{}", metric_href(model, m)),
        svg,
        legend: Legend::of(model, m, &data),
        rows: months
            .iter()
            .map(|month| ChartRow {
                period: model.calendar.short(*month),
                target: fmt(&data.plan, month),
                target_interpolated: !data.targets.contains_key(month) && data.plan.contains_key(month),
                actual: fmt(&data.actual, month),
            })
            .collect(),
    }
}

impl ChartCtx {
    /// The keys of the chart's numbered event markers, as a letter writes
    /// them under its picture: `1. ene 2024: Arranca el plan`.
    pub(crate) fn event_keys(&self) -> Vec<String> {
        self.legend
            .events
            .iter()
            .map(|e| format!("{}. {}: {}", e.number, e.month, e.label))
            .collect()
    }
}

/// The legend of `m`'s full chart, for pages that draw it themselves.
pub(crate) fn legend(model: &Model, m: &Metric) -> Legend {
    Legend::of(model, m, &ChartData::of(model, m, None))
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
    /// The target shown is read between two written ones.
    interpolated: bool,
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
                period: model.calendar.short(*month),
                plan_month: format!("M{}", model.plan_month(*month)),
                cells: metrics.iter().map(|m| cell(model, m, *month)).collect(),
            })
            .collect(),
        has_derived: metrics.iter().any(|m| m.is_derived()),
    }
}

/// One metric's cell in a month: the actual, and the plan — written, or
/// read between targets when there is an actual to compare with it.
fn cell(model: &Model, m: &Metric, month: Month) -> Cell {
    let actual = m.actual.get(&month).copied();
    let written = m.target.get(&month).copied();
    let plan = written.or_else(|| actual.and(m.plan.get(&month).copied()));
    let class = match (actual, plan) {
        (Some(a), Some(t)) => {
            crate::model::attainment(a, t, m.direction, m.compare).map_or("", |x| Standing::of(x, m.tolerance).class())
        }
        _ => "",
    };
    Cell {
        actual: actual.map(|v| model.style.format(v, m.unit)),
        target: plan.map(|v| model.style.format(v, m.unit)),
        interpolated: written.is_none() && plan.is_some(),
        class,
    }
}

/// One figure for a sentence: a metric's actual (or target, change,
/// attainment) in a month — the one named, else the update's, else the
/// latest with an actual — written in the site's style. A figure with no
/// value shows a dash, never a zero.
fn value(r: &Renderer, sc: &Shortcode, as_of: Option<Month>) -> String {
    crate::html::escape(&value_text(r, sc, as_of))
}

/// [`value`] as plain text.
fn value_text(r: &Renderer, sc: &Shortcode, as_of: Option<Month>) -> String {
    let model = r.model;
    let Some(m) = sc.arg("metric").and_then(|(id, _)| model.metric(id)) else {
        return String::new();
    };
    let month = month_arg(model, sc, "at", as_of).or_else(|| m.actual.keys().next_back().copied());
    let reading = month.and_then(|mo| {
        m.actual
            .get(&mo)
            .map(|&v| model.reading(m, crate::model::Scenario::Actual, mo, v))
    });
    let text = match sc.arg("field").map_or("actual", |(f, _)| f) {
        "target" => month
            .and_then(|mo| m.plan.get(&mo))
            .map(|v| model.style.format(*v, m.unit)),
        "change" => reading.and_then(|rd| rd.change).map(|c| model.style.format_change(c)),
        "attainment" => reading.and_then(|rd| rd.attainment).map(|a| model.style.attainment(a)),
        _ => reading.map(|rd| model.style.format(rd.value, m.unit)),
    };
    text.unwrap_or_else(|| "—".into())
}

/// A line of an update (a highlight, a lowlight, an ask) with the figures
/// its `value()` shortcodes quote, as of the update's month: as HTML, and
/// as plain text for the letter's text part and a page's description.
pub(crate) fn line(r: &Renderer, text: &str, as_of: Option<Month>) -> (String, String) {
    let found = crate::shortcode::scan(text).shortcodes;
    let (mut html, mut plain) = (String::new(), String::new());
    let mut at = 0;
    for sc in found.iter().filter(|sc| sc.kind == ShortcodeKind::Value) {
        let before = &text[at..sc.span.start];
        html.push_str(&crate::html::escape(before));
        plain.push_str(before);
        let figure = value_text(r, sc, as_of);
        html.push_str(&crate::html::escape(&figure));
        plain.push_str(&figure);
        at = sc.span.end;
    }
    html.push_str(&crate::html::escape(&text[at..]));
    plain.push_str(&text[at..]);
    (html, plain)
}

/// The month a shortcode's argument `key` names, never later than an
/// update's own month (`as_of`): an update reads nothing after it. Without
/// the argument, the update's month (none outside updates).
fn month_arg(model: &Model, sc: &Shortcode, key: &str, as_of: Option<Month>) -> Option<Month> {
    let named = sc
        .arg(key)
        .and_then(|(text, _)| crate::period::parse_period(text, model.start).ok());
    match (named, as_of) {
        (Some(m), Some(limit)) => Some(m.min(limit)),
        (m, limit) => m.or(limit),
    }
}

/// Renders a shortcode found in a page's Markdown; ids were checked by the
/// model stage, so a missing one here only yields an empty string. In an
/// update, `as_of` is its month: nothing after it is shown.
pub(crate) fn shortcode(r: &Renderer, sc: &Shortcode, root: &str, as_of: Option<Month>, medium: Medium) -> String {
    let model = r.model;
    let mut ctx = tera::Context::new();
    ctx.insert("root", root);
    ctx.insert("letter", &(medium == Medium::Letter));
    let metric = |key: &str| sc.arg(key).and_then(|(id, _)| model.metric(id));
    let group = || {
        sc.arg("group")
            .and_then(|(id, _)| model.groups.iter().find(|g| g.id == id))
    };
    let at = month_arg(model, sc, "at", as_of);
    let until = month_arg(model, sc, "until", as_of);
    let (template, html_wrap) = match sc.kind {
        ShortcodeKind::Value => return value(r, sc, as_of),
        ShortcodeKind::Chart => {
            let Some(m) = metric("metric") else {
                return String::new();
            };
            // In an update, what happened up to its month and the plan
            // just ahead; elsewhere, the whole plan.
            let view = match as_of {
                Some(_) => View::Recent(as_of),
                None => View::Whole(None),
            };
            ctx.insert("chart", &chart(r, m, root, view));
            ("partials/chart.html", None)
        }
        ShortcodeKind::Kpi => {
            let Some(m) = metric("metric") else {
                return String::new();
            };
            ctx.insert("k", &kpi(r, m, as_of, root));
            // Inside a text the card's title is no heading: it would break
            // the page's outline wherever the text places it.
            ctx.insert("in_text", &true);
            ("partials/kpi.html", Some("kpis"))
        }
        ShortcodeKind::Objectives => {
            let list = sc.arg("metrics").map_or("", |(l, _)| l);
            let ids: Vec<&str> = list.split(',').map(str::trim).collect();
            ctx.insert("table", &roadmap::objectives(r, &ids, until));
            ("partials/quarters.html", None)
        }
        ShortcodeKind::Projections => {
            let id = sc.arg("metric").map_or("", |(id, _)| id);
            ctx.insert("table", &roadmap::projections(r, id, until));
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
        ShortcodeKind::Bridge => {
            let Some(b) = group().and_then(|g| revenue::bridge(r, g, at, root, medium)) else {
                return String::new();
            };
            ctx.insert("bridge", &b);
            ("partials/bridge.html", None)
        }
        ShortcodeKind::Cohorts => {
            let Some(c) = group().and_then(|g| revenue::cohorts(r, g, at, root, medium)) else {
                return String::new();
            };
            ctx.insert("cohorts", &c);
            ("partials/cohorts.html", None)
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

#[derive(Serialize)]
struct ProgressCtx {
    done: usize,
    total: usize,
    percent: u32,
    /// The share done as the site writes a percentage (`17 %`).
    percent_text: String,
}

impl ProgressCtx {
    fn of(p: Progress, style: &crate::units::NumberStyle) -> Option<ProgressCtx> {
        p.ratio().map(|r| ProgressCtx {
            done: p.done,
            total: p.total,
            percent: (r * 100.0).round() as u32,
            percent_text: style.whole_percent(r),
        })
    }
}

/// Progress for templates: none when there are no tasks.
pub fn progress_ctx(p: Progress, style: &crate::units::NumberStyle) -> Option<impl Serialize> {
    ProgressCtx::of(p, style)
}
