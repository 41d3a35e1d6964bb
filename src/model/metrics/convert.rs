//! Metric files read into metrics: ids checked, series converted to
//! months and units (pulled actuals added), revisions applied.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use super::metric::{Group, Metric, Places, Section, Series};
use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::load::{Interpolation, MetricFile, RawMetric, RawSeries};
use crate::model::cohorts::Cohorts;
use crate::period::{Month, parse_period};
use crate::roles::{Comparison, MetricKind, Role};
use crate::units::{Direction, Unit, parse_value};

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
        .with_max_len(crate::limits::PARALLEL_PIECE)
        .map(|(file, todo)| {
            let mut local = Diagnostics::default();
            let mut metrics: Vec<Metric> = todo
                .iter()
                .map(|&(mi, gi)| convert(&file.doc.metrics[mi], file, gi, start, &mut local))
                .collect();
            if file.doc.revenue.is_some() {
                plan_arr_and_mrr_together(&mut metrics);
            }
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

/// ARR is 12 × MRR by definition in a file whose revenue comes from
/// invoice lines: a plan that gives targets for one of them gives them
/// for the other.
fn plan_arr_and_mrr_together(metrics: &mut [Metric]) {
    let find = |metrics: &[Metric], role| metrics.iter().position(|m| m.role == Some(role));
    let (Some(arr), Some(mrr)) = (find(metrics, Role::Arr), find(metrics, Role::Mrr)) else {
        return;
    };
    let (from, to, factor) = match (metrics[arr].target.is_empty(), metrics[mrr].target.is_empty()) {
        (false, true) => (arr, mrr, 1.0 / 12.0),
        (true, false) => (mrr, arr, 12.0),
        _ => return,
    };
    let target: Series = metrics[from].target.iter().map(|(m, v)| (*m, v * factor)).collect();
    metrics[to].interpolation = metrics[from].interpolation;
    metrics[to].target = target;
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
            cohorts: match Cohorts::of(file) {
                Ok(c) => c.map(Arc::new),
                Err(d) => {
                    diags.push(d);
                    None
                }
            },
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
    let kind = raw.kind();
    diags.extend(per_and_balance(raw, file, kind));
    let mut spread = |series: Series| match super::periods::spread(series, kind, raw.per) {
        Ok(monthly) => monthly,
        Err(month) => {
            let at = written.get(Section::Target, month).unwrap_or_else(|| place("target"));
            diags.push(
                Diagnostic::error_at(
                    Code::BadValue,
                    src,
                    at,
                    format!(
                        "this target of `{}` is the total of a {}, and that {} overlaps the one of an earlier target",
                        raw.id,
                        crate::units::name_of(&raw.per),
                        crate::units::name_of(&raw.per)
                    ),
                )
                .metric(&raw.id)
                .help("with `per: quarter` write one target per quarter, in its last month (M3, M6 …); with `per: year`, one per year"),
            );
            Series::new()
        }
    };
    let target = spread(target);
    let original = original.map(&mut spread);
    let scenarios: Vec<(String, Series)> = scenarios.into_iter().map(|(n, v)| (n, spread(v))).collect();
    let direction = match traits {
        Some(t) if !written_here("direction") => t.direction,
        _ => raw.direction,
    };
    let range = raw.range.or_else(|| {
        traits
            .map(|t| [t.range.0, t.range.1])
            .filter(|r| r[0].is_finite() || r[1].is_finite())
    });
    // Money raised comes in rounds, not a little every month: nothing is
    // read between two of them.
    let interpolation = raw.interpolate.unwrap_or(match (kind, raw.unit, direction) {
        _ if raw.role == Some(Role::Financing) => Interpolation::None,
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
        balance: raw.balance.as_ref().map(|b| super::metric::Balance {
            ins: b.ins.clone(),
            outs: b.out.clone(),
        }),
        parts: raw.parts.clone(),
        per: raw.per,
        range,
        role: raw.role,
        kind,
        interpolation,
        tolerance,
        compare: raw.compare.or(traits.map(|t| t.compare)).unwrap_or(Comparison::Ratio),
        // Only where it is known which way is better: by the role (which
        // also knows stocks that fall by design), else by a `direction:`
        // the author wrote. A metric with neither is never warned about.
        check_direction: match traits {
            Some(t) => t.check_direction,
            None => written_here("direction"),
        },
        plan: Series::new(),
        scenarios,
        original,
        revisions,
    }
}

/// What `per:` and `balance:` ask of the metric's kind: a stock has no
/// `per`, and only a stock has a balance.
fn per_and_balance(raw: &RawMetric, file: &MetricFile, kind: MetricKind) -> Diagnostics {
    let mut diags = Diagnostics::default();
    let place = |field: &str| file.spans.value_or_key(&raw.path(field)).unwrap_or(0..0);
    if let Some(d) = super::periods::check_per(&raw.id, kind, raw.per, &file.source, place("per")) {
        diags.push(d);
    }
    if raw.balance.is_some() && kind != MetricKind::Stock {
        diags.push(
            Diagnostic::error_at(
                Code::BadValue,
                &file.source,
                place("balance"),
                format!("`{}` has a `balance`, but only a stock moves by flows", raw.id),
            )
            .metric(&raw.id)
            .help("put the balance on the stock the flows move (inventory, deferred revenue, headcount), or give this metric `kind: stock`"),
        );
    }
    diags
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
