//! A metric as the model holds it: its series by month, where each value
//! was written, its group, and the two scenarios formulas run on.

use std::collections::BTreeMap;
use std::ops::Range;

use crate::diagnostic::Source;
use crate::load::{Interpolation, Spans};
use crate::period::Month;
use crate::roles::{Comparison, MetricKind, Role};
use crate::units::{Direction, Unit};

/// Values by month. Sparse: a month without a value has no entry.
pub type Series = BTreeMap<Month, f64>;

/// Which series of a metric a value was written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Section {
    /// `target:`
    Target,
    /// `actual:`
    Actual,
    /// `stated:`
    Stated,
    /// One of `scenarios:`.
    Scenario,
}

impl Section {
    /// The key as written in a metric file.
    pub fn key(self) -> &'static str {
        match self {
            Section::Target => "target",
            Section::Actual => "actual",
            Section::Stated => "stated",
            Section::Scenario => "scenarios",
        }
    }
}

/// Where each value of a metric is written in its file, by series and
/// month: a sorted vector of offsets, a third of the memory of a map (a
/// site of 30,000 metrics holds two million of them).
#[derive(Debug, Clone, Default)]
pub struct Places(Vec<(Section, Month, u32, u32)>);

impl Places {
    /// Records where the value of `month` in `section` is written.
    pub(super) fn insert(&mut self, section: Section, month: Month, at: Range<usize>) {
        let entry = (section, month, at.start as u32, at.end as u32);
        match self.0.binary_search_by_key(&(section, month), |e| (e.0, e.1)) {
            Ok(i) => self.0[i] = entry,
            Err(i) => self.0.insert(i, entry),
        }
    }

    /// Where the value of `month` in `section` is written, if it is.
    pub fn get(&self, section: Section, month: Month) -> Option<Range<usize>> {
        let i = self.0.binary_search_by_key(&(section, month), |e| (e.0, e.1)).ok()?;
        let (_, _, start, end) = self.0[i];
        Some(start as usize..end as usize)
    }
}

/// A metric with every value palanca knows for it.
#[derive(Debug, Clone)]
pub struct Metric {
    /// Unique id.
    pub id: String,
    /// Human label.
    pub label: String,
    /// Unit of its values.
    pub unit: Unit,
    /// Whether higher is better.
    pub direction: Direction,
    /// What it measures.
    pub description: Option<String>,
    /// Index of its group in [`super::Model::groups`].
    pub group: usize,
    /// The formula as written, for derived metrics.
    pub formula: Option<String>,
    /// Planned values (computed for derived metrics).
    pub target: Series,
    /// Measured values (computed for derived metrics).
    pub actual: Series,
    /// Values the plan states, for the consistency check.
    pub stated: Series,
    /// The stated values as written, to judge their precision.
    pub stated_literals: BTreeMap<Month, String>,
    /// Where each value is written in the file, by series and month.
    pub written: Places,
    /// Its index in the file, for looking up where its fields are written.
    pub position: usize,
    /// What its targets state the total of, for the linter.
    pub total_of: Option<crate::load::TotalOf>,
    /// The flows a stock moves by, if the author declared them.
    pub balance: Option<Balance>,
    /// The metrics it is the sum of, if the author declared them.
    pub parts: Vec<String>,
    /// The stretch each value covers (a rate per year, a flow's quarter
    /// totals spread over its months when read).
    pub per: crate::load::Per,
    /// The values that make sense, if the author said.
    pub range: Option<[f64; 2]>,
    /// The standard metric it is, if declared.
    pub role: Option<Role>,
    /// Stock, flow or rate.
    pub kind: MetricKind,
    /// How the plan reads between targets.
    pub interpolation: Interpolation,
    /// How far below plan still reads as on plan.
    pub tolerance: f64,
    /// How actual is compared with plan.
    pub compare: Comparison,
    /// Whether a target moving against the direction is worth a warning.
    pub check_direction: bool,
    /// The plan for every month from the first target to the last: the
    /// targets, and between them values read by [`Metric::interpolation`].
    pub plan: Series,
    /// Other cases of the plan (`upside`, `downside`), by name.
    pub scenarios: Vec<(String, Series)>,
    /// The plan as first written, when it was revised since.
    pub original: Option<Series>,
    /// When the plan was revised, and why.
    pub revisions: Vec<(Month, Option<String>)>,
}

impl Metric {
    /// Whether the plan of `month` is a target written in the plan (not one
    /// read between targets).
    pub fn is_stated_target(&self, month: Month) -> bool {
        self.target.contains_key(&month)
    }

    /// The plan of the calendar quarter that ends in `end`, as its kind
    /// adds up: the sum of a flow's three months; for a stock or a rate,
    /// the level planned for the quarter's last month, since a target such
    /// as "retention 80 % in Q1" is a level to reach, not an average to
    /// keep. None unless every month it needs has a plan.
    pub fn quarter_plan(&self, end: Month) -> Option<f64> {
        match self.kind {
            MetricKind::Stock | MetricKind::Rate => self.plan.get(&end).copied(),
            MetricKind::Flow => [end.offset(-2), end.offset(-1), end]
                .iter()
                .map(|m| self.plan.get(m).copied())
                .sum(),
        }
    }

    /// The plan as first written, read between its targets, in `month`
    /// (when the plan was revised and differs there).
    pub fn original_plan(&self, month: Month) -> Option<f64> {
        let original = interpolate(self.original.as_ref()?, self.interpolation);
        let before = original.get(&month).copied()?;
        let now = self.plan.get(&month).copied();
        (now.is_none_or(|v| (v - before).abs() > f64::EPSILON * v.abs().max(1.0))).then_some(before)
    }

    /// True when the metric is computed by a formula.
    pub fn is_derived(&self) -> bool {
        self.formula.is_some()
    }

    /// Where `field` of this metric (`formula`, `target`) is written in its
    /// file: the value, else the key, else the metric's id.
    pub fn place(&self, groups: &[Group], field: &str) -> Range<usize> {
        let spans = &groups[self.group].spans;
        let path = |f: &str| format!("metrics[{}].{f}", self.position);
        spans
            .value_or_key(&path(field))
            .or_else(|| spans.value(&path("id")))
            .unwrap_or(0..0)
    }

    /// Where the value of `month` in `section` is written; the section's
    /// key when the value is computed, not written.
    pub fn value_place(&self, groups: &[Group], section: Section, month: Month) -> Range<usize> {
        self.written
            .get(section, month)
            .unwrap_or_else(|| self.place(groups, section.key()))
    }

    /// Where the formula's own text starts (inside its quotes, if quoted),
    /// so a formula error can point at a character of it.
    pub fn formula_start(&self, groups: &[Group]) -> usize {
        let group = &groups[self.group];
        let at = self.place(groups, "formula").start;
        match group.source.text.as_bytes().get(at) {
            Some(b'"' | b'\'') => at + 1,
            _ => at,
        }
    }
}

/// The flows a stock moves by: `balance: { in: [...], out: [...] }`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Balance {
    /// Ids of the flows that add to it.
    pub ins: Vec<String>,
    /// Ids of the flows that take from it.
    pub outs: Vec<String>,
}

/// A metric file resolved: a group of metrics shown together.
#[derive(Debug, Clone)]
pub struct Group {
    /// File name without extension; the page's address.
    pub id: String,
    /// Heading.
    pub title: String,
    /// Introduction.
    pub description: Option<String>,
    /// Sort weight.
    pub weight: Option<i64>,
    /// Its metrics, as indexes into [`super::Model::metrics`], in file order.
    pub metrics: Vec<usize>,
    /// The file.
    pub source: Source,
    /// Where each value of the file is written.
    pub spans: Spans,
    /// Identities its targets should satisfy.
    pub checks: Vec<crate::load::IdentityCheck>,
    /// Its customers by cohort, when its metrics come from invoice lines.
    pub cohorts: Option<std::sync::Arc<crate::model::cohorts::Cohorts>>,
}

/// Targets or actuals: formulas are evaluated on each separately.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scenario {
    /// The plan.
    Target,
    /// What happened.
    Actual,
}

impl Scenario {
    pub(super) fn name(self) -> &'static str {
        match self {
            Scenario::Target => "target",
            Scenario::Actual => "actual",
        }
    }

    /// The series of this scenario.
    pub fn series(self, m: &Metric) -> &Series {
        match self {
            Scenario::Target => &m.target,
            Scenario::Actual => &m.actual,
        }
    }

    pub(super) fn series_mut(self, m: &mut Metric) -> &mut Series {
        match self {
            Scenario::Target => &mut m.target,
            Scenario::Actual => &mut m.actual,
        }
    }
}

/// The plan of every month between the first target and the last: the
/// targets themselves, and between two of them a constant growth rate
/// (geometric, when both are positive) or a straight line.
pub fn interpolate(targets: &Series, how: Interpolation) -> Series {
    let mut plan = targets.clone();
    if how == Interpolation::None {
        return plan;
    }
    for ((&a, &va), (&b, &vb)) in targets.iter().zip(targets.iter().skip(1)) {
        let steps = a.months_until(b);
        for k in 1..steps {
            let t = f64::from(k) / f64::from(steps);
            let v = if how == Interpolation::Geometric && va > 0.0 && vb > 0.0 {
                va * (vb / va).powf(t)
            } else {
                va + (vb - va) * t
            };
            plan.insert(a.offset(k), v);
        }
    }
    plan
}
