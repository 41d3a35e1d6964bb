//! Metrics resolved: series converted to months and units, formulas parsed,
//! checked for unknown inputs and cycles, and evaluated.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::locate;
use crate::diagnostic::{Diagnostic, Diagnostics, Source};
use crate::formula::{self, Expr};
use crate::load::{MetricFile, RawMetric, RawSeries};
use crate::period::{Month, PeriodError, parse_period};
use crate::units::{Direction, Unit, parse_value};

/// Values by month. Sparse: a month without a value has no entry.
pub type Series = BTreeMap<Month, f64>;

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
    pub stated_literals: BTreeMap<Month, (String, usize)>,
    /// Where the metric's `id:` is written.
    pub id_offset: usize,
    /// What its targets state the total of, for the linter.
    pub total_of: Option<crate::load::TotalOf>,
    /// The values that make sense, if the author said.
    pub range: Option<[f64; 2]>,
    /// Who may read it (its own, or its file's when stricter).
    pub audience: crate::load::Audience,
}

impl Metric {
    /// True when the metric is computed by a formula.
    pub fn is_derived(&self) -> bool {
        self.formula.is_some()
    }
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
    /// Identities its targets should satisfy.
    pub checks: Vec<crate::load::IdentityCheck>,
    /// Who may read the whole group.
    pub audience: crate::load::Audience,
}

/// Turns metric files into groups and metrics with their own series
/// converted, reporting bad ids, keys and values.
pub fn collect(files: &[MetricFile], start: Month, diags: &mut Diagnostics) -> (Vec<Group>, Vec<Metric>) {
    let mut groups = Vec::new();
    let mut metrics: Vec<Metric> = Vec::new();
    let mut seen: HashMap<String, (String, usize)> = HashMap::new();
    for file in files {
        let gi = groups.len();
        let mut group = Group {
            id: file.id.clone(),
            title: file.doc.title.clone(),
            description: file.doc.description.clone(),
            weight: file.doc.weight,
            metrics: Vec::new(),
            source: file.source.clone(),
            checks: file.doc.checks.clone(),
            audience: file.doc.audience,
        };
        for raw in &file.doc.metrics {
            let src = &file.source;
            let id_offset = locate::metric_id(src, &raw.id);
            if !valid_id(&raw.id) {
                diags.push(
                    Diagnostic::error_at(
                        src,
                        id_offset,
                        raw.id.len(),
                        format!("`{}` is not a valid metric id", raw.id),
                    )
                    .help("use lowercase letters, digits and `_`, starting with a letter, e.g. `ltv_cac`"),
                );
                continue;
            }
            if let Some((first_file, first_line)) = seen.get(&raw.id) {
                diags.push(
                    Diagnostic::error_at(
                        src,
                        id_offset,
                        raw.id.len(),
                        format!("the metric id `{}` is defined twice", raw.id),
                    )
                    .label("second definition")
                    .help(format!(
                        "ids are unique across the site; the first is in {first_file}:{first_line}; rename one"
                    )),
                );
                continue;
            }
            let line = src.text[..id_offset].matches('\n').count() + 1;
            seen.insert(raw.id.clone(), (src.path.clone(), line));
            let metric = convert(raw, src, id_offset, gi, start, diags);
            group.metrics.push(metrics.len());
            metrics.push(metric);
        }
        groups.push(group);
    }
    (groups, metrics)
}

fn valid_id(id: &str) -> bool {
    id.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

fn convert(
    raw: &RawMetric,
    src: &Source,
    id_offset: usize,
    group: usize,
    start: Month,
    diags: &mut Diagnostics,
) -> Metric {
    if raw.formula.is_some() && (!raw.target.is_empty() || !raw.actual.is_empty()) {
        let at = locate::field(src, id_offset, if raw.target.is_empty() { "actual" } else { "target" });
        diags.push(
            Diagnostic::error_at(src, at, 1, format!("the derived metric `{}` also has its own values", raw.id))
                .help("a metric with a `formula` takes its targets and actuals from its inputs; remove `target`/`actual` or the formula (use `stated` to record what the plan claims)"),
        );
    }
    let mut stated_literals = BTreeMap::new();
    let mut series =
        |section: &str, raw_series: &RawSeries, literals: Option<&mut BTreeMap<Month, (String, usize)>>| {
            convert_series(
                src,
                (&raw.id, id_offset),
                section,
                raw_series,
                raw.unit,
                start,
                diags,
                literals,
            )
        };
    let target = series("target", &raw.target, None);
    let actual = series("actual", &raw.actual, None);
    let stated = series("stated", &raw.stated, Some(&mut stated_literals));
    Metric {
        id: raw.id.clone(),
        label: raw.label.clone(),
        unit: raw.unit,
        direction: raw.direction,
        description: raw.description.clone(),
        group,
        formula: raw.formula.clone(),
        target,
        actual,
        stated,
        stated_literals,
        id_offset,
        total_of: raw.total_of,
        range: raw.range,
        audience: raw.audience,
    }
}

#[allow(
    clippy::too_many_arguments,
    reason = "one call site; the arguments are the metric's context"
)]
fn convert_series(
    src: &Source,
    (metric, id_offset): (&str, usize),
    section: &str,
    raw: &RawSeries,
    unit: Unit,
    start: Month,
    diags: &mut Diagnostics,
    mut literals: Option<&mut BTreeMap<Month, (String, usize)>>,
) -> Series {
    let mut out = Series::new();
    for (key, value) in raw {
        let key_at = locate::series_key(src, id_offset, section, key);
        let month = match parse_period(key, start) {
            Ok(m) => m,
            Err(e) => {
                let why = match e {
                    PeriodError::Malformed => "is not a period",
                    PeriodError::ZeroPlanMonth => "is before the plan's first month",
                };
                diags.push(
                    Diagnostic::error_at(src, key_at, key.len(), format!("`{key}` {why}"))
                        .help("write a month as YYYY-MM (2024-03) or as a plan month M1, M2, … counted from `start` in site.yaml"),
                );
                continue;
            }
        };
        if out.contains_key(&month) {
            diags.push(
                Diagnostic::error_at(
                    src,
                    key_at,
                    key.len(),
                    format!("`{key}` names {month}, which already has a {section} value"),
                )
                .help("`M3` and `2024-03` may name the same month; keep one of them"),
            );
            continue;
        }
        match parse_value(value, unit) {
            Ok(v) => {
                out.insert(month, v);
                if let (Some(lits), Some((at, text))) = (literals.as_deref_mut(), locate::literal_after(src, key_at)) {
                    lits.insert(month, (text.trim_matches(['"', '\'']).to_string(), at));
                }
            }
            Err(e) => {
                let at = locate::literal_after(src, key_at).map_or(key_at, |(at, _)| at);
                diags.push(
                    Diagnostic::error_at(
                        src,
                        at,
                        value.as_written().len(),
                        format!("wrong {section} value of `{metric}` for {key}: {}", e.message),
                    )
                    .help(e.help),
                );
            }
        }
    }
    out
}

/// Parses every formula, checks its inputs exist and that formulas do not
/// depend on themselves, then computes targets and actuals in dependency
/// order. Returns the formulas by metric index.
pub fn resolve_formulas(metrics: &mut [Metric], groups: &[Group], diags: &mut Diagnostics) {
    let index: HashMap<String, usize> = metrics.iter().enumerate().map(|(i, m)| (m.id.clone(), i)).collect();
    let mut exprs: BTreeMap<usize, Expr> = BTreeMap::new();
    for (i, m) in metrics.iter().enumerate() {
        let Some(text) = &m.formula else { continue };
        let src = &groups[m.group].source;
        let at = src
            .find_from(m.id_offset, text)
            .unwrap_or_else(|| locate::field(src, m.id_offset, "formula"));
        match formula::parse(text) {
            Ok(expr) => {
                let mut ok = true;
                for (id, span) in expr.references() {
                    if !index.contains_key(id) {
                        ok = false;
                        let known: Vec<&str> = metrics.iter().map(|m| m.id.as_str()).collect();
                        diags.push(
                            Diagnostic::error_at(
                                src,
                                at + span.start,
                                span.len(),
                                format!("unknown metric `{id}` in the formula of `{}`", m.id),
                            )
                            .label("no metric has this id")
                            .help(suggest(id, &known)),
                        );
                    }
                }
                if ok {
                    exprs.insert(i, expr);
                }
            }
            Err(e) => diags.push(
                Diagnostic::error_at(
                    src,
                    at + e.span.start,
                    e.span.len().max(1),
                    format!("cannot read the formula of `{}`: {}", m.id, e.message),
                )
                .help(e.help),
            ),
        }
    }
    let Some(order) = topological_order(metrics, &exprs, &index, groups, diags) else {
        return;
    };
    for i in order {
        let Some(expr) = exprs.get(&i) else { continue };
        for scenario in [Scenario::Target, Scenario::Actual] {
            let mut divided_by_zero = None;
            let values = evaluate(expr, metrics, &index, scenario, &mut divided_by_zero);
            if let Some(month) = divided_by_zero {
                let m = &metrics[i];
                let (src, at, len) = formula_span(m, groups);
                diags.push(
                    Diagnostic::warning_at(
                        src,
                        at,
                        len,
                        format!(
                            "the formula of `{}` divides by zero in {month} ({})",
                            m.id,
                            scenario.name()
                        ),
                    )
                    .help("that period shows no value; check the inputs for a zero"),
                );
            }
            *scenario.series_mut(&mut metrics[i]) = values;
        }
    }
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
    fn name(self) -> &'static str {
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

    fn series_mut(self, m: &mut Metric) -> &mut Series {
        match self {
            Scenario::Target => &mut m.target,
            Scenario::Actual => &mut m.actual,
        }
    }
}

fn evaluate(
    expr: &Expr,
    metrics: &[Metric],
    index: &HashMap<String, usize>,
    scenario: Scenario,
    dz: &mut Option<Month>,
) -> Series {
    // A value can exist only in a month where some input has one, or a few
    // months after one when the formula looks back with prev().
    let lookback = expr.lookback();
    let mut months = BTreeSet::new();
    for id in expr.inputs() {
        for &m in scenario.series(&metrics[index[id]]).keys() {
            for back in 0..=lookback {
                months.insert(m.offset(back));
            }
        }
    }
    let lookup = |id: &str, m: Month| {
        index
            .get(id)
            .and_then(|&i| scenario.series(&metrics[i]).get(&m).copied())
    };
    let mut out = Series::new();
    for month in months {
        let mut divided = false;
        if let Some(v) = expr.eval(month, &lookup, &mut divided) {
            out.insert(month, v);
        }
        if divided && dz.is_none() {
            *dz = Some(month);
        }
    }
    out
}

/// Orders derived metrics so each comes after its inputs; a cycle is an
/// error naming every metric on it.
fn topological_order(
    metrics: &[Metric],
    exprs: &BTreeMap<usize, Expr>,
    index: &HashMap<String, usize>,
    groups: &[Group],
    diags: &mut Diagnostics,
) -> Option<Vec<usize>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        Active,
        Done,
    }
    fn visit(
        i: usize,
        exprs: &BTreeMap<usize, Expr>,
        index: &HashMap<String, usize>,
        marks: &mut [Mark],
        stack: &mut Vec<usize>,
        order: &mut Vec<usize>,
    ) -> Result<(), Vec<usize>> {
        match marks[i] {
            Mark::Done => return Ok(()),
            Mark::Active => {
                let from = stack.iter().position(|&s| s == i).unwrap_or(0);
                let mut cycle = stack[from..].to_vec();
                cycle.push(i);
                return Err(cycle);
            }
            Mark::New => {}
        }
        marks[i] = Mark::Active;
        stack.push(i);
        if let Some(expr) = exprs.get(&i) {
            for id in expr.inputs() {
                if let Some(&j) = index.get(id) {
                    visit(j, exprs, index, marks, stack, order)?;
                }
            }
        }
        stack.pop();
        marks[i] = Mark::Done;
        order.push(i);
        Ok(())
    }
    let mut marks = vec![Mark::New; metrics.len()];
    let mut order = Vec::new();
    for &i in exprs.keys() {
        let mut stack = Vec::new();
        if let Err(cycle) = visit(i, exprs, index, &mut marks, &mut stack, &mut order) {
            let names: Vec<&str> = cycle.iter().map(|&c| metrics[c].id.as_str()).collect();
            let (src, at, len) = formula_span(&metrics[cycle[0]], groups);
            diags.push(
                Diagnostic::error_at(
                    src,
                    at,
                    len,
                    format!("formulas depend on each other in a cycle: {}", names.join(" → ")),
                )
                .help("one metric of the cycle must have its own targets and actuals instead of a formula"),
            );
            return None;
        }
    }
    Some(order)
}

/// Where a metric's formula is written: its file, offset and length.
fn formula_span<'a>(m: &Metric, groups: &'a [Group]) -> (&'a Source, usize, usize) {
    let src = &groups[m.group].source;
    (
        src,
        locate::field(src, m.id_offset, "formula"),
        m.formula.as_deref().map_or(1, str::len),
    )
}

/// "did you mean" for an unknown id.
fn suggest(id: &str, known: &[&str]) -> String {
    let close = known
        .iter()
        .filter(|k| edit_distance(id, k) <= 2)
        .min_by_key(|k| edit_distance(id, k));
    match close {
        Some(k) => format!("did you mean `{k}`?"),
        None => format!(
            "define a metric with `id: {id}` in content/metrics/, or use one of: {}",
            known.join(", ")
        ),
    }
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur.push((prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}
