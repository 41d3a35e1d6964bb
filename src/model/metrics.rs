//! Metrics resolved: series converted to months and units, formulas parsed,
//! checked for unknown inputs and cycles, and evaluated.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::ops::Range;
use std::sync::Arc;

use super::roles::Role;
use crate::diagnostic::{Code, Diagnostic, Diagnostics, Source};
use crate::formula::{self, Expr};
use crate::load::{Comparison, Interpolation, MetricFile, MetricKind, RawMetric, RawSeries, Spans};
use crate::period::{Month, parse_period};
use crate::units::{Direction, Unit, parse_value};

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
    fn insert(&mut self, section: Section, month: Month, at: Range<usize>) {
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
}

/// Turns metric files into groups and metrics with their own series
/// converted, reporting bad ids, keys and values.
///
/// Ids are checked in file order first; then each file's metrics are
/// converted in parallel, and each metric's values as written are dropped
/// as soon as converted, by the thread that converts them. So a site of
/// 30,000 metrics never holds both forms at once, and the memory the
/// parsed values leave is taken again by the converted ones (the system's
/// allocator keeps freed memory for the thread that frees it).
pub fn collect(files: &mut [Arc<MetricFile>], start: Month, diags: &mut Diagnostics) -> (Vec<Group>, Vec<Metric>) {
    let (groups, todo) = check_ids(files, diags);
    use rayon::prelude::*;
    let converted: Vec<(Vec<Metric>, Diagnostics)> = files
        .par_iter_mut()
        .zip(todo.par_iter())
        .with_max_len(crate::pipeline::PARALLEL_PIECE)
        .map(|(file, todo)| {
            let mut local = Diagnostics::default();
            let metrics = todo
                .iter()
                .map(|&(mi, gi)| convert(&file.doc.metrics[mi], file, gi, start, &mut local))
                .collect();
            // Shared with `serve`'s load cache, the values stay.
            if let Some(file) = Arc::get_mut(file) {
                todo.iter().for_each(|&(mi, _)| file.doc.metrics[mi].forget_values());
            }
            (metrics, local)
        })
        .collect();
    let mut metrics = Vec::with_capacity(converted.iter().map(|(m, _)| m.len()).sum());
    for (converted, local) in converted {
        metrics.extend(converted);
        diags.extend(local);
    }
    (groups, metrics)
}

/// The groups, with the indexes their metrics will have, and for each
/// file the metrics to convert (index in the file, group): those with a
/// valid id seen nowhere before.
fn check_ids(files: &[Arc<MetricFile>], diags: &mut Diagnostics) -> (Vec<Group>, Vec<Vec<(usize, usize)>>) {
    let mut groups = Vec::new();
    let mut todo = Vec::with_capacity(files.len());
    let mut count = 0;
    // Where each id was first defined: its file and offset (the line is
    // counted only if a second definition needs it).
    let mut seen: HashMap<&str, (usize, usize)> = HashMap::new();
    for (file_index, file) in files.iter().enumerate() {
        let gi = groups.len();
        let mut group = Group {
            id: file.id.clone(),
            title: file.doc.title.clone(),
            description: file.doc.description.clone(),
            weight: file.doc.weight,
            metrics: Vec::new(),
            source: file.source.clone(),
            spans: file.spans.clone(),
            checks: file.doc.checks.clone(),
        };
        let mut own = Vec::new();
        for (mi, raw) in file.doc.metrics.iter().enumerate() {
            let src = &file.source;
            let id_span = file.spans.value(&raw.path("id")).unwrap_or(0..0);
            if !valid_id(&raw.id) {
                diags.push(
                    Diagnostic::error_at(
                        Code::BadMetricId,
                        src,
                        id_span,
                        format!("`{}` is not a valid metric id", crate::diagnostic::quote(&raw.id)),
                    )
                    .help("use up to 64 lowercase letters, digits and `_`, starting with a letter, e.g. `ltv_cac`"),
                );
                continue;
            }
            if let Some(&(first_file, first_offset)) = seen.get(raw.id.as_str()) {
                let first = &files[first_file].source;
                let first_line = first.text[..first_offset.min(first.text.len())].matches('\n').count() + 1;
                let first_file = &first.path;
                diags.push(
                    Diagnostic::error_at(
                        Code::DuplicateMetric,
                        src,
                        id_span,
                        format!("the metric id `{}` is defined twice", raw.id),
                    )
                    .metric(&raw.id)
                    .label("second definition")
                    .help(format!(
                        "ids are unique across the site; the first is in {first_file}:{first_line}; rename one"
                    )),
                );
                continue;
            }
            seen.insert(&raw.id, (file_index, id_span.start));
            group.metrics.push(count);
            count += 1;
            own.push((mi, gi));
        }
        groups.push(group);
        todo.push(own);
    }
    (groups, todo)
}

fn valid_id(id: &str) -> bool {
    id.len() <= crate::limits::ID_CHARS
        && id.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

fn convert(raw: &RawMetric, file: &MetricFile, group: usize, start: Month, diags: &mut Diagnostics) -> Metric {
    let src = &file.source;
    let place = |field: &str| file.spans.value_or_key(&raw.path(field)).unwrap_or(0..0);
    if raw.formula.is_some() && (!raw.target.is_empty() || !raw.actual.is_empty()) {
        let field = if raw.target.is_empty() { "actual" } else { "target" };
        diags.push(
            Diagnostic::error_at(
                Code::DerivedWithValues,
                src,
                place(field),
                format!("the derived metric `{}` also has its own values", raw.id),
            )
            .metric(&raw.id)
            .help("a metric with a `formula` takes its targets and actuals from its inputs; remove `target`/`actual` or the formula (use `stated` to record what the plan claims)"),
        );
    }
    if raw.label.chars().count() > crate::limits::TITLE_CHARS {
        diags.push(
            Diagnostic::error_at(
                Code::TooLarge,
                src,
                place("label"),
                "the label is longer than 500 characters",
            )
            .metric(&raw.id)
            .help("keep labels short; explain the metric in its `description`"),
        );
    }
    if let Some(range) = raw.range
        && (!range.iter().all(|v| v.is_finite()) || range[0] > range[1])
    {
        diags.push(
            Diagnostic::error_at(
                Code::BadValue,
                src,
                place("range"),
                "`range` is not `[min, max]` of two finite numbers",
            )
            .metric(&raw.id)
            .help("write e.g. `range: [0, 2]` for a percentage that may reach 200%"),
        );
    }
    let mut reader = SeriesReader {
        file,
        raw,
        start,
        written: Places::default(),
        literals: BTreeMap::new(),
    };
    let mut target = reader.read(Section::Target, "target", &raw.target, diags);
    let actual = reader.read(Section::Actual, "actual", &raw.actual, diags);
    let actual = with_pulled(raw, file, actual, &reader.written, diags);
    let stated = reader.read(Section::Stated, "stated", &raw.stated, diags);
    let scenarios: Vec<(String, Series)> = raw
        .scenarios
        .iter()
        .map(|(name, values)| {
            let field = format!("scenarios.{name}");
            (name.clone(), reader.read(Section::Scenario, &field, values, diags))
        })
        .collect();
    let (original, revisions) = revise(&mut reader, &mut target, diags);
    let SeriesReader {
        written,
        literals: stated_literals,
        ..
    } = reader;
    let traits = raw.role.map(Role::traits);
    let written_here = |field: &str| file.spans.contains(&raw.path(field));
    if let Some(role) = raw.role.filter(|r| r.unit() != raw.unit) {
        diags.push(
            Diagnostic::error_at(
                Code::BadValue,
                src,
                place("role"),
                format!(
                    "`{}` has the role `{}`, which is measured in {}, but its unit is {}",
                    raw.id,
                    role.name(),
                    crate::units::name_of(&role.unit()),
                    crate::units::name_of(&raw.unit)
                ),
            )
            .metric(&raw.id)
            .help("give the metric the role's unit, or another role (or none)"),
        );
    }
    let kind = super::roles::kind_of(raw);
    let direction = match traits {
        Some(t) if !written_here("direction") => t.direction,
        _ => raw.direction,
    };
    let range = raw.range.or_else(|| {
        traits
            .map(|t| [t.range.0, t.range.1])
            .filter(|r| r[0].is_finite() || r[1].is_finite())
    });
    let interpolation = raw.interpolate.unwrap_or(match (kind, raw.unit, direction) {
        (MetricKind::Stock | MetricKind::Flow, Unit::Currency | Unit::Count, Direction::Up) => Interpolation::Geometric,
        _ => Interpolation::Linear,
    });
    if raw.tolerance.is_some_and(|t| !(0.0..=1.0).contains(&t)) {
        diags.push(
            Diagnostic::error_at(
                Code::BadValue,
                src,
                place("tolerance"),
                "`tolerance` is a fraction from 0 to 1",
            )
            .metric(&raw.id)
            .help("write e.g. `tolerance: 0.05`: 95% of the target still reads as on plan"),
        );
    }
    let tolerance = raw.tolerance.filter(|t| (0.0..=1.0).contains(t)).unwrap_or(0.05);
    Metric {
        id: raw.id.clone(),
        label: raw.label.clone(),
        unit: raw.unit,
        direction,
        description: raw.description.clone(),
        group,
        formula: raw.formula.clone(),
        target,
        actual,
        stated,
        stated_literals,
        written,
        position: raw.position,
        total_of: raw.total_of,
        range,
        role: raw.role,
        kind,
        interpolation,
        tolerance,
        compare: raw.compare.or(traits.map(|t| t.compare)).unwrap_or(Comparison::Ratio),
        check_direction: traits.is_none_or(|t| t.check_direction),
        plan: Series::new(),
        scenarios,
        original,
        revisions,
    }
}

/// Adds the actuals of the metric's last pull (its snapshot) to those
/// written in `actual:`. A month in both is an error: which of two figures
/// an investor sees must never depend on a rule nobody remembers.
fn with_pulled(
    raw: &RawMetric,
    file: &MetricFile,
    mut actual: Series,
    written: &Places,
    diags: &mut Diagnostics,
) -> Series {
    let Some(snapshot) = &raw.pulled else {
        return actual;
    };
    let src = &snapshot.source;
    for row in &snapshot.rows {
        if let Some(span) = written.get(Section::Actual, row.month) {
            let line = crate::diagnostic::Location::at(&src.text, row.span.clone()).line;
            diags.push(
                Diagnostic::error_at(
                    Code::ActualTwice,
                    &file.source,
                    span.clone(),
                    format!(
                        "the actual of `{}` for {} is written here and also pulled from its source ({}:{line})",
                        raw.id, row.month, src.path
                    ),
                )
                .metric(&raw.id)
                .help("keep one: remove the month from `actual:`, or leave it out of the source and pull again"),
            );
            continue;
        }
        match crate::snapshot::value_of(row.exact, raw.unit) {
            Ok(v) => {
                actual.insert(row.month, v);
            }
            Err(e) => diags.push(
                Diagnostic::error_at(
                    Code::BadValue,
                    src,
                    row.span.clone(),
                    format!("wrong actual of `{}` for {}: {}", raw.id, row.month, e.message),
                )
                .metric(&raw.id)
                .help(e.help),
            ),
        }
    }
    actual
}

/// Applies a metric's revisions to its targets, oldest first: from each
/// revision's month on, its targets replace the earlier ones. Returns the
/// original targets (when revised) and the revisions' months and notes.
fn revise(
    reader: &mut SeriesReader,
    target: &mut Series,
    diags: &mut Diagnostics,
) -> (Option<Series>, Vec<(Month, Option<String>)>) {
    let (raw, file, start) = (reader.raw, reader.file, reader.start);
    if raw.revisions.is_empty() {
        return (None, Vec::new());
    }
    let original = target.clone();
    let mut revisions = Vec::new();
    for (i, revision) in raw.revisions.iter().enumerate() {
        let Ok(as_of) = parse_period(&revision.as_of, start) else {
            let span = file
                .spans
                .value(&raw.path(&format!("revisions[{i}].as_of")))
                .unwrap_or(0..0);
            diags.push(
                Diagnostic::error_at(
                    Code::BadPeriod,
                    &file.source,
                    span,
                    format!("`as_of: {}` is not a month", crate::diagnostic::quote(&revision.as_of)),
                )
                .metric(&raw.id)
                .help("write the month the plan was revised as YYYY-MM"),
            );
            continue;
        };
        let values = reader.read(
            Section::Scenario,
            &format!("revisions[{i}].target"),
            &revision.target,
            diags,
        );
        target.retain(|m, _| *m < as_of);
        target.extend(values.into_iter().filter(|(m, _)| *m >= as_of));
        revisions.push((as_of, revision.note.clone()));
    }
    (Some(original), revisions)
}

/// Fills each metric's monthly plan from its targets (once formulas have
/// given derived metrics theirs).
///
/// In parallel, like [`collect`]: the plans then take the memory the
/// parsed values left in the worker threads.
pub fn fill_plans(metrics: &mut [Metric]) {
    use rayon::prelude::*;
    metrics
        .par_iter_mut()
        .with_max_len(crate::pipeline::PARALLEL_PIECE)
        .for_each(|m| {
            // A runway exists only while cash is being burned: a company that
            // makes more than it spends has no runway figure, not a negative one.
            if m.role == Some(Role::Runway) {
                m.target.retain(|_, v| *v > 0.0);
                m.actual.retain(|_, v| *v > 0.0);
            }
            m.plan = interpolate(&m.target, m.interpolation);
        });
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

/// Reads the series of one metric (targets, actuals, stated values,
/// scenarios, revisions), remembering where each value is written.
struct SeriesReader<'a> {
    file: &'a MetricFile,
    raw: &'a RawMetric,
    start: Month,
    /// Where each target, actual and stated value is written.
    written: Places,
    /// The stated values as written, to judge their precision.
    literals: BTreeMap<Month, String>,
}

impl SeriesReader<'_> {
    /// Converts the series at `field` (`target`, `scenarios.upside`,
    /// `revisions[0].target`) of the metric, reporting bad keys and values.
    fn read(&mut self, section: Section, field: &str, series: &RawSeries, diags: &mut Diagnostics) -> Series {
        let (file, raw) = (self.file, self.raw);
        let src = &file.source;
        let mut out = Series::new();
        let name = section.key();
        if series.len() > crate::limits::SERIES_VALUES {
            diags.push(
                Diagnostic::error_at(
                    Code::TooLarge,
                    src,
                    file.spans.key(&raw.path(field)).unwrap_or(0..0),
                    format!("`{field}` of `{}` has more than 1,200 values", raw.id),
                )
                .metric(&raw.id)
                .help("a series holds at most a century of months; split the metric"),
            );
            return out;
        }
        let series_path = raw.path(field);
        for (key, value) in series.iter() {
            let (key_span, value_span) = file
                .spans
                .key_and_value(&format!("{series_path}.{key}"))
                .unwrap_or((0..0, 0..0));
            let month = match parse_period(key, self.start) {
                Ok(m) => m,
                Err(e) => {
                    diags.push(
                        Diagnostic::error_at(
                            Code::BadPeriod,
                            src,
                            key_span,
                            format!("`{}` {}", crate::diagnostic::quote(key), e.reason()),
                        )
                        .metric(&raw.id)
                        .help("write a month as YYYY-MM (2024-03) or as a plan month M1, M2, … counted from `start` in site.yaml"),
                    );
                    continue;
                }
            };
            if out.contains_key(&month) {
                diags.push(
                    Diagnostic::error_at(
                        Code::DuplicatePeriod,
                        src,
                        key_span,
                        format!("`{key}` names {month}, which already has a {name} value"),
                    )
                    .metric(&raw.id)
                    .help("`M3` and `2024-03` may name the same month; keep one of them"),
                );
                continue;
            }
            match parse_value(value, raw.unit) {
                Ok(v) => {
                    out.insert(month, v);
                    if section == Section::Stated {
                        let text = src.text.get(value_span.clone()).unwrap_or_default();
                        self.literals.insert(month, text.trim_matches(['"', '\'']).to_string());
                    }
                    if section != Section::Scenario {
                        self.written.insert(section, month, value_span);
                    }
                }
                Err(e) => diags.push(
                    Diagnostic::error_at(
                        Code::BadValue,
                        src,
                        value_span,
                        format!("wrong {name} value of `{}` for {key}: {}", raw.id, e.message),
                    )
                    .metric(&raw.id)
                    .help(e.help),
                ),
            }
        }
        out
    }
}

/// Parses every formula, checks its inputs exist and that formulas do not
/// depend on themselves, then computes targets and actuals in dependency
/// order.
pub fn resolve_formulas(
    metrics: &mut [Metric],
    groups: &[Group],
    calendar: crate::period::Calendar,
    diags: &mut Diagnostics,
) {
    let index: HashMap<String, usize> = metrics.iter().enumerate().map(|(i, m)| (m.id.clone(), i)).collect();
    let mut exprs: BTreeMap<usize, Expr> = BTreeMap::new();
    let mut known: Option<Vec<&str>> = None;
    for (i, m) in metrics.iter().enumerate() {
        let Some(text) = &m.formula else { continue };
        let src = &groups[m.group].source;
        let at = m.formula_start(groups);
        match formula::parse(text) {
            Ok(expr) => {
                let mut ok = true;
                for (id, span) in expr.references() {
                    if !index.contains_key(id) {
                        ok = false;
                        let known = known.get_or_insert_with(|| metrics.iter().map(|m| m.id.as_str()).collect());
                        diags.push(
                            Diagnostic::error_at(
                                Code::UnknownMetric,
                                src,
                                at + span.start..at + span.end,
                                format!("unknown metric `{id}` in the formula of `{}`", m.id),
                            )
                            .metric(&m.id)
                            .label("no metric has this id")
                            .help(suggest(id, known)),
                        );
                    }
                }
                if ok {
                    exprs.insert(i, expr);
                }
            }
            Err(e) => diags.push(
                Diagnostic::error_at(
                    if e.limit { Code::TooLarge } else { Code::FormulaSyntax },
                    src,
                    at + e.span.start..at + e.span.end.max(e.span.start + 1),
                    format!("cannot read the formula of `{}`: {}", m.id, e.message),
                )
                .metric(&m.id)
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
                diags.push(
                    Diagnostic::warning_at(
                        Code::DivisionByZero,
                        &groups[m.group].source,
                        m.place(groups, "formula"),
                        format!(
                            "the formula of `{}` divides by zero in {month} ({})",
                            m.id,
                            scenario.name()
                        ),
                    )
                    .metric(&m.id)
                    .reader(
                        "finding_division",
                        vec![("metric", m.label.clone()), ("month", calendar.long(month))],
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
        // A figure beyond the limit is a runaway formula, not a value.
        if let Some(v) = expr
            .eval(month, &lookup, &mut divided)
            .filter(|v| v.abs() <= crate::limits::MAGNITUDE)
        {
            out.insert(month, v);
        }
        if divided && dz.is_none() {
            *dz = Some(month);
        }
    }
    out
}

/// Orders derived metrics so each comes after its inputs; a cycle is an
/// error naming every metric on it. Iterative, so a chain of any length
/// cannot overflow the stack.
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
    let inputs: HashMap<usize, Vec<usize>> = exprs
        .iter()
        .map(|(&i, e)| {
            (
                i,
                e.inputs().into_iter().filter_map(|id| index.get(id).copied()).collect(),
            )
        })
        .collect();
    let mut marks = vec![Mark::New; metrics.len()];
    let mut order = Vec::new();
    for &root in exprs.keys() {
        if marks[root] != Mark::New {
            continue;
        }
        // Each frame: a metric and how many of its inputs were visited.
        let mut stack: Vec<(usize, usize)> = vec![(root, 0)];
        marks[root] = Mark::Active;
        while let Some(top) = stack.last_mut() {
            let node = top.0;
            let deps = inputs.get(&node).map(Vec::as_slice).unwrap_or_default();
            if let Some(&dep) = deps.get(top.1) {
                top.1 += 1;
                match marks[dep] {
                    Mark::Done => {}
                    Mark::New => {
                        marks[dep] = Mark::Active;
                        stack.push((dep, 0));
                    }
                    Mark::Active => {
                        let from = stack.iter().position(|(s, _)| *s == dep).unwrap_or(0);
                        let mut cycle: Vec<usize> = stack[from..].iter().map(|(s, _)| *s).collect();
                        cycle.push(dep);
                        report_cycle(metrics, groups, &cycle, diags);
                        return None;
                    }
                }
            } else {
                marks[node] = Mark::Done;
                order.push(node);
                stack.pop();
            }
        }
    }
    Some(order)
}

fn report_cycle(metrics: &[Metric], groups: &[Group], cycle: &[usize], diags: &mut Diagnostics) {
    let names: Vec<&str> = cycle.iter().map(|&c| metrics[c].id.as_str()).collect();
    let first = &metrics[cycle[0]];
    let mut d = Diagnostic::error_at(
        Code::FormulaCycle,
        &groups[first.group].source,
        first.place(groups, "formula"),
        format!("formulas depend on each other in a cycle: {}", names.join(" → ")),
    )
    .help("one metric of the cycle must have its own targets and actuals instead of a formula");
    for id in &names {
        d = d.metric(id);
    }
    diags.push(d);
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
