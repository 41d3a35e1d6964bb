//! Metric files: `content/metrics/*.yaml`, one group of metrics each.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::spans::Spans;
use super::yaml;
use crate::diagnostic::{Diagnostics, Source};
use crate::units::{Direction, RawValue, Unit};

/// A series as written: period key to value, in file order.
pub type RawSeries = BTreeMap<String, RawValue>;

/// A metric file as written.
#[derive(Debug, Clone)]
pub struct MetricFile {
    /// The file.
    pub source: Source,
    /// The group's id: the file name without extension.
    pub id: String,
    /// What is in the file.
    pub doc: MetricFileDoc,
    /// Where each of its values is written.
    pub spans: Spans,
}

/// The YAML document of a metric file.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MetricFileDoc {
    /// The group's title (a page heading).
    pub title: String,
    /// An introduction shown above the table.
    #[serde(default)]
    pub description: Option<String>,
    /// Sort order among groups (lower first), then file name.
    #[serde(default)]
    pub weight: Option<i64>,
    /// The metrics.
    pub metrics: Vec<RawMetric>,
    /// Identities the plan's targets should satisfy, checked by the linter.
    #[serde(default)]
    pub checks: Vec<IdentityCheck>,
    /// Who may read the whole file.
    #[serde(default)]
    pub audience: super::pages::Audience,
}

/// An identity between metrics, such as `mrr = customers * arpu`.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct IdentityCheck {
    /// `left = right`, both sides formulas.
    pub expect: String,
    /// Relative difference allowed (0.05 is 5%).
    #[serde(default = "default_tolerance")]
    pub tolerance: f64,
    /// Its index in the file's `checks`, where its position is recorded.
    #[serde(skip)]
    pub position: usize,
}

fn default_tolerance() -> f64 {
    0.05
}

/// What a metric's targets state the total of, for the linter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum TotalOf {
    /// The milestones' investment over the months since the previous target.
    Investment,
}

/// One metric as written.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawMetric {
    /// Unique id across the site, used in formulas and links.
    pub id: String,
    /// Human label.
    pub label: String,
    /// The unit.
    pub unit: Unit,
    /// Whether higher is better.
    #[serde(default)]
    pub direction: Direction,
    /// What it measures and which definition is used.
    #[serde(default)]
    pub description: Option<String>,
    /// A formula that derives it from other metrics.
    #[serde(default)]
    pub formula: Option<String>,
    /// Planned values.
    #[serde(default)]
    pub target: RawSeries,
    /// Measured values.
    #[serde(default)]
    pub actual: RawSeries,
    /// Values the plan document states for a derived metric.
    #[serde(default)]
    pub stated: RawSeries,
    /// The targets state the total of something palanca also adds up.
    #[serde(default)]
    pub total_of: Option<TotalOf>,
    /// The values that make sense, `[min, max]`; percentages default to
    /// 0–100%, counts and durations to non-negative.
    #[serde(default)]
    pub range: Option<[f64; 2]>,
    /// Who may read this metric.
    #[serde(default)]
    pub audience: super::pages::Audience,
    /// Its index in the file's `metrics`: positions are recorded by it,
    /// and it stays right when the audience stage removes metrics.
    #[serde(skip)]
    pub position: usize,
}

impl RawMetric {
    /// The path of one of its fields in the file's [`Spans`]: `metrics[3].target`.
    pub fn path(&self, field: &str) -> String {
        if field.is_empty() {
            format!("metrics[{}]", self.position)
        } else {
            format!("metrics[{}].{field}", self.position)
        }
    }
}

/// Parses one metric file.
pub fn parse_metric_file(source: Source, diags: &mut Diagnostics) -> Option<MetricFile> {
    let id = source
        .path
        .rsplit('/')
        .next()
        .and_then(|f| f.split('.').next())
        .unwrap_or_default()
        .to_string();
    match yaml::parse::<MetricFileDoc>(&source, 0, source.text.len(), "metric file") {
        Ok((mut doc, spans)) => {
            doc.metrics.iter_mut().enumerate().for_each(|(i, m)| m.position = i);
            doc.checks.iter_mut().enumerate().for_each(|(i, c)| c.position = i);
            Some(MetricFile { source, id, doc, spans })
        }
        Err(d) => {
            diags.push(d);
            None
        }
    }
}
