//! `data/metrics.json`: every metric with every computed value, for tools.
//!
//! Every figure says what it is: values are in the metric's `unit` (money
//! in `currency`, percentages as fractions, durations in seconds, months
//! as months); a change says whether it is `relative` (0.1 is +10%), in
//! `points` (0.05 is five percentage points) or `absolute`; attainment is
//! a `ratio` to plan (1 is on plan). Values are rounded to the precision
//! they carry, so tools read `1.4`, not `1.4000000000000001`.

use std::collections::BTreeMap;

use serde::Serialize;

use super::renderer::{Job, Renderer};
use super::sink::FileKind;
use crate::model::{Metric, Model, Scenario};
use crate::roles::MetricKind;
use crate::roles::Role;
use crate::units::{Change, Direction, Unit};

#[derive(Serialize)]
struct Document<'a> {
    site: &'a str,
    start: String,
    currency: &'a str,
    /// How to read the figures below.
    conventions: Conventions,
    metrics: Metrics<'a>,
}

/// The metrics, each made into JSON as it is written: the document is
/// streamed, never held whole.
struct Metrics<'a>(&'a Model);

impl Serialize for Metrics<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.metrics.iter().map(|m| metric(self.0, m)))
    }
}

#[derive(Serialize)]
struct Conventions {
    percent: &'static str,
    duration: &'static str,
    change: &'static str,
    attainment: &'static str,
    plan: &'static str,
    scenarios: &'static str,
}

const CONVENTIONS: Conventions = Conventions {
    percent: "fractions: 0.8 is 80%",
    duration: "seconds",
    change: "versus the previous month: relative (0.1 is +10%), points (0.05 is +5 percentage points) or absolute",
    attainment: "actual over plan, turned round for metrics where lower is better, so above 1 is better than plan",
    plan: "the month's plan: a written target, or read between two of them (interpolated: true)",
    scenarios: "other cases of the plan by name, period to target; attainment is against the base plan",
};

#[derive(Serialize)]
struct MetricJson<'a> {
    id: &'a str,
    label: &'a str,
    unit: Unit,
    kind: MetricKind,
    role: Option<Role>,
    direction: Direction,
    group: &'a str,
    formula: Option<&'a str>,
    derived: bool,
    periods: Vec<PeriodJson>,
    /// Other cases of the plan, by name: period to target.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    scenarios: BTreeMap<&'a str, BTreeMap<String, f64>>,
    /// The targets as first written, when the plan was revised since.
    #[serde(skip_serializing_if = "Option::is_none")]
    original_target: Option<BTreeMap<String, f64>>,
    /// When the plan was revised, and why.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    revisions: Vec<RevisionJson<'a>>,
}

#[derive(Serialize)]
struct RevisionJson<'a> {
    as_of: String,
    note: Option<&'a str>,
}

#[derive(Serialize)]
struct PeriodJson {
    period: String,
    plan_month: i32,
    /// The target written in the plan (or computed from written ones).
    target: Option<f64>,
    /// The plan of the month, written or interpolated.
    plan: Option<f64>,
    interpolated: bool,
    actual: Option<f64>,
    stated: Option<f64>,
    change: Option<Figure>,
    attainment: Option<Figure>,
}

/// A derived figure with what it is.
#[derive(Serialize)]
struct Figure {
    value: f64,
    unit: &'static str,
}

/// `data/metrics.json`: every metric, for other tools.
pub struct MetricsData;

impl Job for MetricsData {
    fn kinds(&self) -> &'static [FileKind] {
        &[FileKind::Download]
    }

    fn long(&self) -> bool {
        true
    }

    fn render(&self, r: &Renderer) {
        render(r);
    }
}

fn render(r: &Renderer) {
    let model = r.model;
    let doc = Document {
        site: &model.site.title,
        start: model.start.to_string(),
        currency: &model.site.currency,
        conventions: CONVENTIONS,
        metrics: Metrics(model),
    };
    let path = "data/metrics.json";
    // `serve` keeps the document, redone when any metric changes; a build
    // streams it to disk, never holding it whole.
    let key = r.keys.as_ref().map(|k| k.all_metrics(model));
    if let Some(key) = key.filter(|_| !r.cache.keeps_files()) {
        // `serve`'s site on disk: streamed too.
        return r.emit_by_with(FileKind::Download, path, key, &mut |out| {
            serde_json::to_writer_pretty(out, &doc).map_err(std::io::Error::other)
        });
    }
    if let Some(key) = key {
        return r.emit_by(FileKind::Download, path, Some(key), || {
            r.cache
                .file(Some(key), || serde_json::to_vec_pretty(&doc).unwrap_or_default().into())
        });
    }
    r.emit_with(FileKind::Download, path, &mut |out| {
        serde_json::to_writer_pretty(out, &doc).map_err(std::io::Error::other)
    });
}

/// `v` to 12 significant digits: what a figure computed in floating point
/// can claim, without the binary noise in its last digits.
pub(crate) fn tidy(v: f64) -> f64 {
    if v == 0.0 || !v.is_finite() {
        return v;
    }
    let magnitude = v.abs().log10().floor() as i32;
    let factor = 10f64.powi(11 - magnitude);
    // Written out (JSON, CSV) as the shortest text that reads back as the
    // same float: `1.4`, not `1.4000000000000001`.
    (v * factor).round() / factor
}

/// A change as a figure that names its kind.
pub(crate) fn change_figure(c: Change) -> (f64, &'static str) {
    match c {
        Change::Relative(v) => (v, "relative"),
        Change::Points(v) => (v, "points"),
        Change::Absolute(v) | Change::Amount(v, _) => (v, "absolute"),
    }
}

fn metric<'a>(model: &'a Model, m: &'a Metric) -> MetricJson<'a> {
    let months: std::collections::BTreeSet<_> = m
        .actual
        .keys()
        .chain(m.target.keys())
        .chain(m.stated.keys())
        .copied()
        .collect();
    MetricJson {
        id: &m.id,
        label: &m.label,
        unit: m.unit,
        kind: m.kind,
        role: m.role,
        direction: m.direction,
        group: &model.groups[m.group].id,
        formula: m.formula.as_deref(),
        derived: m.is_derived(),
        periods: months
            .into_iter()
            .map(|month| {
                let reading = m
                    .actual
                    .get(&month)
                    .map(|&v| model.reading(m, Scenario::Actual, month, v));
                PeriodJson {
                    period: month.to_string(),
                    plan_month: model.plan_month(month),
                    target: m.target.get(&month).copied().map(tidy),
                    plan: m.plan.get(&month).copied().map(tidy),
                    interpolated: m.plan.contains_key(&month) && !m.is_stated_target(month),
                    actual: m.actual.get(&month).copied().map(tidy),
                    stated: m.stated.get(&month).copied().map(tidy),
                    change: reading.and_then(|rd| rd.change).map(|c| {
                        let (value, unit) = change_figure(c);
                        Figure {
                            value: tidy(value),
                            unit,
                        }
                    }),
                    attainment: reading.and_then(|rd| rd.attainment).map(|a| Figure {
                        value: tidy(a),
                        unit: "ratio",
                    }),
                }
            })
            .collect(),
        scenarios: m
            .scenarios
            .iter()
            .map(|(name, series)| (name.as_str(), by_period(series)))
            .collect(),
        original_target: m.original.as_ref().map(by_period),
        revisions: m
            .revisions
            .iter()
            .map(|(month, note)| RevisionJson {
                as_of: month.to_string(),
                note: note.as_deref(),
            })
            .collect(),
    }
}

/// A series keyed by `YYYY-MM`, values tidied.
fn by_period(series: &crate::model::metrics::Series) -> BTreeMap<String, f64> {
    series.iter().map(|(m, v)| (m.to_string(), tidy(*v))).collect()
}

#[cfg(test)]
mod tests;
