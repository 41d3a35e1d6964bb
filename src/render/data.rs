//! `data/metrics.json`: every metric with every computed value, for tools.

use serde::Serialize;

use super::Renderer;
use crate::model::{Metric, Model, Scenario};
use crate::units::{Change, Direction, Unit};

#[derive(Serialize)]
struct Document<'a> {
    site: &'a str,
    start: String,
    currency: &'a str,
    metrics: Vec<MetricJson<'a>>,
}

#[derive(Serialize)]
struct MetricJson<'a> {
    id: &'a str,
    label: &'a str,
    unit: Unit,
    direction: Direction,
    group: &'a str,
    formula: Option<&'a str>,
    derived: bool,
    periods: Vec<PeriodJson>,
}

#[derive(Serialize)]
struct PeriodJson {
    period: String,
    plan_month: i32,
    target: Option<f64>,
    actual: Option<f64>,
    stated: Option<f64>,
    /// Change of the actual versus its previous value (relative, or in
    /// fraction points for percentages).
    change: Option<f64>,
    attainment: Option<f64>,
}

pub(crate) fn render(r: &Renderer) {
    let model = r.model;
    let doc = Document {
        site: &model.site.title,
        start: model.start.to_string(),
        currency: &model.site.currency,
        metrics: model.metrics.iter().map(|m| metric(model, m)).collect(),
    };
    match serde_json::to_vec_pretty(&doc) {
        Ok(bytes) => r.emit("data/metrics.json", &bytes),
        Err(e) => r.fail(crate::diagnostic::Diagnostic::error(
            crate::diagnostic::Code::Output,
            "data/metrics.json",
            format!("cannot write metrics.json: {e}"),
        )),
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
                    target: m.target.get(&month).copied(),
                    actual: m.actual.get(&month).copied(),
                    stated: m.stated.get(&month).copied(),
                    change: reading.and_then(|rd| rd.change).map(|c| match c {
                        Change::Relative(v) | Change::Points(v) | Change::Absolute(v) => v,
                    }),
                    attainment: reading.and_then(|rd| rd.attainment),
                }
            })
            .collect(),
    }
}
