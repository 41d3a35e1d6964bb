//! Metric files: `content/metrics/*.yaml`, one group of metrics each.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::spans::Spans;
use super::yaml;
use crate::diagnostic::{Code, Diagnostic, Diagnostics, Source};
use crate::roles::{Comparison, MetricKind};
use crate::roles::{FamilyMember, REVENUE_FAMILY};
use crate::units::{Direction, RawValue, Unit};

/// A series as written: period key to value, in file order. The keys
/// live in one string and each value says where its key is: a site of
/// 30,000 metrics holds two million values until the model has converted
/// them, and a string allocation per key (`M12`) cost more than the value.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RawSeries {
    /// Every key, one after the other.
    keys: Box<str>,
    /// Each value with its key's end in `keys` (the key starts where the
    /// one before it ends). Files are at most 16 MiB, so offsets fit.
    values: Vec<(u32, RawValue)>,
}

impl RawSeries {
    /// An empty series.
    pub fn new() -> RawSeries {
        RawSeries::default()
    }

    /// Whether it has no value.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// How many values it has.
    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// Keys and values, in file order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &RawValue)> {
        let mut start = 0;
        self.values.iter().map(move |(end, v)| {
            let end = *end as usize;
            let key = self.keys.get(start..end).unwrap_or("");
            start = end;
            (key, v)
        })
    }

    /// The series of `pairs`, read as a map reads them: a key written
    /// twice keeps its last value (in linear time: a file may hold a
    /// million keys).
    fn from_pairs(pairs: Vec<(String, RawValue)>) -> RawSeries {
        let kept: Vec<bool> = {
            let last: std::collections::HashMap<&str, usize> =
                pairs.iter().enumerate().map(|(i, (k, _))| (&**k, i)).collect();
            pairs
                .iter()
                .enumerate()
                .map(|(i, (k, _))| last.get(&**k) == Some(&i))
                .collect()
        };
        let mut keys = String::new();
        let mut values = Vec::with_capacity(kept.iter().filter(|k| **k).count());
        for ((key, value), _) in pairs.into_iter().zip(kept).filter(|(_, kept)| *kept) {
            keys.push_str(&key);
            values.push((u32::try_from(keys.len()).unwrap_or(u32::MAX), value));
        }
        RawSeries {
            keys: keys.into_boxed_str(),
            values,
        }
    }
}

impl<'de> Deserialize<'de> for RawSeries {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<RawSeries, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = RawSeries;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a map of periods to values")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<RawSeries, A::Error> {
                let mut pairs: Vec<(String, RawValue)> = Vec::with_capacity(map.size_hint().unwrap_or(0).min(64));
                while let Some(pair) = map.next_entry::<String, RawValue>()? {
                    pairs.push(pair);
                }
                Ok(RawSeries::from_pairs(pairs))
            }
        }
        d.deserialize_map(Visitor)
    }
}

impl schemars::JsonSchema for RawSeries {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        <BTreeMap<String, RawValue>>::schema_name()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        <BTreeMap<String, RawValue>>::json_schema(generator)
    }
}

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
    /// The tables its sources' last pull wrote (its cohorts), by name,
    /// attached by the loader.
    pub tables: BTreeMap<String, std::sync::Arc<crate::snapshot::Table>>,
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
    /// The metrics (a file with `revenue:` may leave them out).
    #[serde(default)]
    pub metrics: Vec<RawMetric>,
    /// Identities the plan's targets should satisfy, checked by the linter.
    #[serde(default)]
    pub checks: Vec<IdentityCheck>,
    /// Who may read the whole file.
    #[serde(default)]
    pub audience: super::pages::Audience,
    /// Dated events drawn on this file's charts (and listed in the update
    /// of their month).
    #[serde(default)]
    pub events: Vec<RawEvent>,
    /// Defaults for the `source:` of each metric of the file (the export
    /// they share, its period column, its number format).
    #[serde(default)]
    pub source: Option<RawSource>,
    /// MRR and its movements, computed from invoice lines by `palanca pull`.
    #[serde(default)]
    pub revenue: Option<super::revenue::RawRevenue>,
}

/// Where a metric's actuals live, for `palanca pull` (see
/// [`crate::sources`]): a CSV file in the site folder or a SQL query. Every
/// field may also be given once for the whole file.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawSource {
    /// A CSV file, relative to the site folder (`data/stripe.csv`).
    #[serde(default)]
    pub csv: Option<String>,
    /// A query returning (period, value) rows, run on the PostgreSQL
    /// database named by `database_url_env` in site.yaml.
    #[serde(default)]
    pub sql: Option<String>,
    /// CSV: the column with the period, `YYYY-MM` or a date (default `period`).
    #[serde(default)]
    pub period: Option<String>,
    /// CSV: the column with the value (default `value`).
    #[serde(default)]
    pub value: Option<String>,
    /// CSV: keep only the rows whose `column` is `equals`.
    #[serde(default)]
    pub filter: Option<RawFilter>,
    /// CSV: how numbers are written, as a sample: `1,234.56` (default),
    /// `1.234,56`, `1 234,56`, `1234.56`, with a currency sign (`$1,234.56`,
    /// `1.234,56 €`) or a percent sign (`12.5%`).
    #[serde(default)]
    pub format: Option<String>,
    /// CSV: the character between columns (default `,`).
    #[serde(default)]
    pub delimiter: Option<String>,
}

/// A condition on a CSV row: `{ column: status, equals: paid }`.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawFilter {
    /// The column to look at.
    pub column: String,
    /// The text the cell must hold (spaces around it do not count).
    pub equals: String,
}

/// Something that happened, or will, in a month: a launch, a price change,
/// a round closed. Drawn as a marker on the charts it concerns.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawEvent {
    /// The month, `YYYY-MM` or `M<n>`.
    pub date: String,
    /// A few words: "lanzamiento de precios escalonados".
    pub label: String,
    /// The metrics whose charts show it (default: every metric of the file,
    /// or the headline metrics for an event in `site.yaml`).
    #[serde(default)]
    pub metrics: Option<Vec<String>>,
    /// Its index in the list, where its position is recorded.
    #[serde(skip)]
    pub position: usize,
}

/// A dated revision of a metric's targets: from `as_of` on, these targets
/// replace the original ones, which stay visible beside them.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawRevision {
    /// The month the plan was revised, `YYYY-MM`.
    pub as_of: String,
    /// Why, in a few words.
    #[serde(default)]
    pub note: Option<String>,
    /// The revised targets.
    pub target: RawSeries,
}

/// How the plan is read between two targets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Interpolation {
    /// A constant monthly growth rate between targets (for things that
    /// grow by rates: ARR, customers).
    Geometric,
    /// A straight line between targets.
    Linear,
    /// No plan between targets.
    None,
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

/// The flows a stock moves by: `balance: { in: [produced], out: [sold] }`
/// makes the linter roll the stock forward, as it does cash by its role.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawBalance {
    /// Flows that add to the stock.
    #[serde(default, rename = "in")]
    pub ins: Vec<String>,
    /// Flows that take from it.
    #[serde(default)]
    pub out: Vec<String>,
}

/// The stretch of time one target covers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Deserialize, serde::Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Per {
    /// A month (the default).
    #[default]
    Month,
    /// The calendar quarter that ends in the target's month.
    Quarter,
    /// The twelve months that end in the target's month.
    Year,
}

impl Per {
    /// How many months it holds.
    pub fn months(self) -> u32 {
        match self {
            Per::Month => 1,
            Per::Quarter => 3,
            Per::Year => 12,
        }
    }
}

/// One metric as written.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawMetric {
    /// Unique id across the site, used in formulas and links.
    pub id: String,
    /// Human label (a metric of a file's `revenue:` has one by default).
    #[serde(default)]
    pub label: String,
    /// The unit (a metric of a file's `revenue:` has its own).
    #[serde(default = "unit_not_written")]
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
    /// The flows this stock moves by, for the linter's roll-forward.
    #[serde(default)]
    pub balance: Option<RawBalance>,
    /// The metrics this one is the sum of (spend: payroll, rent,
    /// marketing), for the linter.
    #[serde(default)]
    pub parts: Vec<String>,
    /// The stretch each value covers: a rate per month (the default),
    /// quarter or year (an annual churn, a yearly NRR); a flow's targets as
    /// the total of the quarter or the year that ends in their month.
    #[serde(default)]
    pub per: Per,
    /// The values that make sense, `[min, max]`; percentages default to
    /// 0–100%, counts and durations to non-negative.
    #[serde(default)]
    pub range: Option<[f64; 2]>,
    /// Who may read this metric.
    #[serde(default)]
    pub audience: super::pages::Audience,
    /// The standard metric it is (`arr`, `cash`, `churn`…): gives its kind,
    /// range and direction, and the identities palanca checks with it.
    #[serde(default)]
    pub role: Option<crate::roles::Role>,
    /// Stock, flow or rate (default: from the role, else by unit).
    #[serde(default)]
    pub kind: Option<MetricKind>,
    /// How the plan reads between targets (default: geometric for stocks
    /// and flows in money or counts that grow, linear otherwise).
    #[serde(default)]
    pub interpolate: Option<Interpolation>,
    /// How far below plan still reads as on plan, not as a miss (0.05: 95%
    /// of target is on plan). Default 5%.
    #[serde(default)]
    pub tolerance: Option<f64>,
    /// How actual is compared with plan (default: ratio; budget for uptime).
    #[serde(default)]
    pub compare: Option<Comparison>,
    /// Other cases of the plan beside the base one: `upside`, `downside`.
    #[serde(default)]
    pub scenarios: BTreeMap<String, RawSeries>,
    /// Dated revisions of the targets, oldest first.
    #[serde(default)]
    pub revisions: Vec<RawRevision>,
    /// Where its actuals are pulled from by `palanca pull`; the build reads
    /// them from its snapshot in `content/snapshots/`.
    #[serde(default)]
    pub source: Option<RawSource>,
    /// The actuals of its last pull, attached by the loader.
    #[serde(skip)]
    pub pulled: Option<std::sync::Arc<crate::snapshot::Snapshot>>,
    /// One of the metrics of its file's `revenue:` (see
    /// [`crate::roles::REVENUE_FAMILY`]).
    #[serde(skip)]
    pub from_revenue: bool,
    /// Its index in the file's `metrics`: positions are recorded by it,
    /// and it stays right when the audience stage removes metrics.
    #[serde(skip)]
    pub position: usize,
}

impl RawMetric {
    /// Its kind as written, else its role's, else its unit's default.
    pub fn kind(&self) -> MetricKind {
        self.kind
            .or(self.role.map(|r| r.traits().kind))
            .unwrap_or_else(|| crate::roles::default_kind(self.unit))
    }

    /// Drops the values as written, once the model has converted them.
    pub fn forget_values(&mut self) {
        self.target = RawSeries::new();
        self.actual = RawSeries::new();
        self.stated = RawSeries::new();
        self.scenarios = BTreeMap::new();
        self.revisions = Vec::new();
    }

    /// The path of one of its fields in the file's [`Spans`]: `metrics[3].target`.
    pub fn path(&self, field: &str) -> String {
        if field.is_empty() {
            format!("metrics[{}]", self.position)
        } else {
            format!("metrics[{}].{field}", self.position)
        }
    }
}

/// Parses one metric file; `language` (`es`, `en`) names the revenue
/// family its metrics when the file does not.
pub fn parse_metric_file(source: Source, language: &str, diags: &mut Diagnostics) -> Option<MetricFile> {
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
            doc.events.iter_mut().enumerate().for_each(|(i, e)| e.position = i);
            let file = MetricFile {
                source,
                id,
                doc,
                spans,
                tables: BTreeMap::new(),
            };
            complete(file, language, diags)
        }
        Err(d) => {
            diags.push(d);
            None
        }
    }
}

/// Placeholder of a unit not written, until [`complete`] sees it.
fn unit_not_written() -> Unit {
    Unit::Count
}

/// Checks that every metric has its label and unit, and adds the metrics
/// of the file's `revenue:`: one listed under `metrics:` takes its role,
/// unit and (unless written) label from the revenue block, and may not say
/// where its actuals come from; one not listed is added.
fn complete(mut file: MetricFile, language: &str, diags: &mut Diagnostics) -> Option<MetricFile> {
    let before = diags.error_count();
    let revenue = file.doc.revenue.is_some();
    let family = |id: &str| REVENUE_FAMILY.iter().find(|f| f.id == id).filter(|_| revenue);
    let spans = &file.spans;
    if !revenue && !spans.contains("metrics") {
        diags.push(
            Diagnostic::error_at(
                Code::InvalidYaml,
                &file.source,
                0..0,
                "invalid metric file: missing field `metrics`",
            )
            .help("add the field; it is required (unless the file's revenue comes from invoice lines, `revenue:`)"),
        );
    }
    for m in &mut file.doc.metrics {
        let path = |field: &str| m.path(field);
        let given: Vec<&str> = ["label", "unit", "role", "formula", "source", "actual"]
            .into_iter()
            .filter(|f| spans.contains(&path(f)))
            .collect();
        let written = |field: &str| given.contains(&field);
        let at = spans.value_or_key(&path("id")).unwrap_or(0..0);
        let Some(entry) = family(&m.id) else {
            for (field, given) in [("label", written("label")), ("unit", written("unit"))] {
                if !given {
                    diags.push(
                        Diagnostic::error_at(
                            Code::InvalidYaml,
                            &file.source,
                            at.clone(),
                            format!("invalid metric file: `{}` has no `{field}`", m.id),
                        )
                        .help("add the field; it is required"),
                    );
                }
            }
            continue;
        };
        join_family(m, entry, language, &written, (&file.source, spans, at), diags);
    }
    if revenue {
        for member in REVENUE_FAMILY {
            if file.doc.metrics.iter().any(|m| m.id == member.id) {
                continue;
            }
            let Ok(mut m) = serde_yaml::from_str::<RawMetric>(&format!("id: {}", member.id)) else {
                continue;
            };
            m.position = file.doc.metrics.len();
            join_family(&mut m, member, language, &|_| false, (&file.source, spans, 0..0), diags);
            file.doc.metrics.push(m);
        }
    }
    (diags.error_count() == before).then_some(file)
}

/// Makes `m` the family's `member`: its role, unit, label and description
/// unless written (`written` says which fields are), and an error for each
/// field a metric computed from invoice lines cannot have.
fn join_family(
    m: &mut RawMetric,
    member: &FamilyMember,
    language: &str,
    written: &dyn Fn(&str) -> bool,
    (source, spans, at): (&Source, &Spans, std::ops::Range<usize>),
    diags: &mut Diagnostics,
) {
    let role = member.role;
    let id = m.id.clone();
    let mut error = |code: Code, span: Option<std::ops::Range<usize>>, message: String, help: &str| {
        diags.push(
            Diagnostic::error_at(code, source, span.unwrap_or(at.clone()), message)
                .metric(&id)
                .help(help),
        );
    };
    if written("role") && m.role != Some(role) {
        error(
            Code::BadValue,
            spans.value(&m.path("role")),
            format!(
                "`{}` is computed from invoice lines with the role `{}`, not another",
                m.id,
                crate::units::name_of(&role)
            ),
            "remove `role:`; a metric of `revenue:` has the role of its id",
        );
    }
    for field in ["formula", "source", "actual"].into_iter().filter(|f| written(f)) {
        error(
            Code::BadSource,
            spans.key(&m.path(field)),
            format!(
                "`{}` takes its actuals from the file's `revenue:`, so it cannot have `{field}`",
                m.id
            ),
            "remove the field; palanca computes it from the invoice lines (`palanca pull`)",
        );
    }
    if written("unit") && m.unit != role.unit() {
        error(
            Code::BadValue,
            spans.value(&m.path("unit")),
            format!(
                "`{}` is computed from invoice lines in {}, not in another unit",
                m.id,
                crate::units::name_of(&role.unit())
            ),
            "remove `unit:`; a metric of `revenue:` has its own",
        );
    }
    m.from_revenue = true;
    m.role = Some(role);
    m.unit = role.unit();
    if !written("label") {
        m.label = member.label_in(language).to_string();
    }
    if m.description.is_none() {
        m.description = Some(member.about_in(language).to_string());
    }
}

#[cfg(test)]
mod tests;
