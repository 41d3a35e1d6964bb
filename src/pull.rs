//! `palanca pull`: reads every metric's source (CSV files, SQL queries)
//! and writes what it found as snapshots in `content/snapshots/`, which is
//! all that `build` and `check` read.
//!
//! Every source is read before anything is written; if any fails, no
//! snapshot changes. Then each snapshot is compared with the one it
//! replaces, and the pull reports what changed: months added, the last
//! pull's latest month updated (it was likely partial), and history
//! restated — an earlier month whose value changed or vanished — which is
//! flagged, because restated numbers are what investors ask about.

use std::fmt;
use std::path::Path;

use crate::diagnostic::{Code, Diagnostic, Diagnostics, Location, Source};
use crate::load;
use crate::period::Month;
use crate::snapshot::{self, Snapshot};
use crate::sources::{self, Decimal, Pulled, Spec};
use crate::units::NumberStyle;

/// How to pull.
#[derive(Debug, Clone, Copy, Default)]
pub struct PullOptions {
    /// Report what would change, write nothing.
    pub dry_run: bool,
}

/// What a pull did.
#[derive(Debug, Default)]
pub struct PullReport {
    /// One entry per metric with a source, in file order.
    pub metrics: Vec<MetricReport>,
    /// Snapshots written (or that would be, with `--dry-run`).
    pub written: usize,
    /// Restated history, as warnings pointing at the snapshots.
    pub warnings: Diagnostics,
    /// Nothing was written.
    pub dry_run: bool,
    /// Each table written beside the snapshots (a file's cohorts), and
    /// whether it changed.
    pub tables: Vec<(String, bool)>,
}

/// What changed in one metric's snapshot.
#[derive(Debug)]
pub struct MetricReport {
    /// The metric.
    pub metric: String,
    /// Its source, in a few words.
    pub from: String,
    /// Months pulled.
    pub months: usize,
    /// Whether there was no snapshot before.
    pub first: bool,
    /// Each change, as a line: `2024-04 added (1,234)`.
    pub changes: Vec<String>,
}

/// Pulls every source of the site at `root`. `env` reads environment
/// variables (the database URL), so tests can give their own.
pub fn pull(
    root: &Path,
    options: PullOptions,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<PullReport, Diagnostics> {
    let (site, site_source, site_spans, files) = load::metric_files(root)?;
    let mut diags = Diagnostics::default();
    let specs: Vec<Spec> = sources::specs(&files, &site, &mut diags)
        .into_iter()
        .map(|(_, _, spec)| spec)
        .collect();
    if diags.has_errors() {
        return Err(diags);
    }
    let context = sources::Context {
        root,
        site: &site,
        site_yaml: (&site_source, &site_spans),
        env,
    };
    let (pulled, tables) = sources::read(&context, &specs)?;
    let style = NumberStyle::for_language(site.number_style.unwrap_or(site.language).code(), &site.currency);
    let mut report = PullReport {
        dry_run: options.dry_run,
        ..PullReport::default()
    };
    if specs.is_empty() {
        return Ok(report);
    }
    let folder = if options.dry_run {
        snapshot::Snapshots::peek(root)
    } else {
        snapshot::Snapshots::take(root).map(Some)
    }
    .map_err(|e| Diagnostics(vec![cannot_write(snapshot::FOLDER, &e)]))?;
    let mut changed = Vec::new();
    let mut unwritable = Diagnostics::default();
    for (spec, values) in specs.iter().zip(&pulled) {
        let (Some(rel), Some(name)) = (snapshot::path_of(&spec.metric), snapshot::file_name(&spec.metric)) else {
            continue;
        };
        let text = snapshot::render(values);
        if let Err(d) = readable(spec, &rel, &text) {
            unwritable.push(d);
            continue;
        }
        let before = match folder.as_ref().map(|f| f.current(&spec.metric)).transpose() {
            Ok(before) => before.flatten(),
            Err(e) => {
                unwritable.push(cannot_write(&rel, &e));
                continue;
            }
        };
        if before.as_deref() != Some(text.as_str()) {
            changed.push((name, text.clone()));
        }
        let old = before.and_then(|t| snapshot::parse(Source::new(rel.clone(), t)).ok());
        let new = Source::new(rel, text);
        report
            .metrics
            .push(compare(spec, old.as_ref(), values, &new, &style, &mut report.warnings));
    }
    let snapshots_changed = changed.len();
    for (name, text) in tables {
        let file = format!("{name}.csv");
        let before = match folder.as_ref().map(|f| f.current_file(&file)).transpose() {
            Ok(before) => before.flatten(),
            Err(e) => {
                unwritable.push(cannot_write(&format!("{}/{file}", snapshot::FOLDER), &e));
                continue;
            }
        };
        let fresh = before.as_deref() != Some(text.as_str());
        report.tables.push((name, fresh));
        if fresh {
            changed.push((file, text));
        }
    }
    if unwritable.has_errors() {
        return Err(unwritable);
    }
    report.written = snapshots_changed;
    if let Some(folder) = folder.filter(|_| !options.dry_run && !changed.is_empty()) {
        folder
            .write_all(&changed)
            .map_err(|e| Diagnostics(vec![cannot_write(snapshot::FOLDER, &e)]))?;
    }
    Ok(report)
}

/// Refuses a snapshot the build would refuse: it is read back as the build
/// reads it, and each value taken as the build takes it, so a pull never
/// exits 0 with figures the next build rejects.
fn readable(spec: &Spec, rel: &str, text: &str) -> Result<(), Diagnostic> {
    let back = snapshot::parse(Source::new(rel, text)).map_err(|d| {
        spec.error(
            Code::BadSource,
            "source",
            format!("what `{}` pulled cannot be kept: {}", spec.metric, d.message),
        )
        .help("correct the source (or the query) and pull again")
    })?;
    for row in &back.rows {
        if let Err(e) = snapshot::value_of(row.exact, spec.unit) {
            return Err(spec
                .error(
                    Code::BadValue,
                    "source",
                    format!(
                        "`{}` pulled {} for {}: {}",
                        spec.metric,
                        crate::diagnostic::quote(&row.exact.to_string()),
                        row.month,
                        e.message
                    ),
                )
                .help(format!("{}; correct the source (or the query) and pull again", e.help)));
        }
    }
    Ok(())
}

/// A snapshot, or the folder of snapshots, that cannot be written.
fn cannot_write(path: &str, e: &std::io::Error) -> Diagnostic {
    Diagnostic::error(Code::Output, path, format!("cannot write the snapshots: {e}")).help(
        "no snapshot was changed; make content/snapshots/ a plain, writable folder of plain files (no symbolic link) and pull again",
    )
}

/// What changed from `old` to `values` for one metric; restated months go
/// to `warnings`, pointing at their line in the new snapshot `new`.
fn compare(
    spec: &Spec,
    old: Option<&Snapshot>,
    values: &Pulled,
    new: &Source,
    style: &NumberStyle,
    warnings: &mut Diagnostics,
) -> MetricReport {
    let mut report = MetricReport {
        metric: spec.metric.clone(),
        from: spec.describe(),
        months: values.len(),
        first: old.is_none(),
        changes: Vec::new(),
    };
    let show = |d: Decimal| style.format(d.to_f64(), spec.unit);
    let Some(old) = old else {
        report
            .changes
            .push(match (values.keys().next(), values.keys().next_back()) {
                (Some(a), Some(b)) => format!("first pull, {a} to {b}"),
                // NRR, say, needs a year of lines before its first month.
                _ => "first pull, no month has a value yet".to_string(),
            });
        return report;
    };
    let before = old.values();
    let latest_before = before.keys().next_back().copied();
    for (&month, &value) in values {
        match before.get(&month) {
            None => report.changes.push(format!("{month} added ({})", show(value))),
            Some(&was) if was.to_string() == value.to_string() => {}
            Some(&was) => {
                let (from, to) = pair(show(was), show(value), was, value);
                if Some(month) == latest_before {
                    report.changes.push(format!(
                        "{month} updated from {from} to {to} (the latest month of the last pull)"
                    ));
                } else {
                    report.changes.push(format!("{month} restated from {from} to {to}"));
                    warnings.push(restated(spec, new, month, &format!("changed from {from} to {to}")));
                }
            }
        }
    }
    for (&month, &was) in before.iter().filter(|(m, _)| !values.contains_key(m)) {
        report
            .changes
            .push(format!("{month} no longer in the source (was {})", show(was)));
        warnings.push(restated(
            spec,
            new,
            month,
            &format!("({}) is no longer in its source", show(was)),
        ));
    }
    report
}

/// Two values as shown to readers, with their exact figures when the
/// rounding shows no difference (`$20.4K (20400)`).
fn pair(from: String, to: String, was: Decimal, now: Decimal) -> (String, String) {
    if from == to {
        (format!("{from} ({was})"), format!("{to} ({now})"))
    } else {
        (from, to)
    }
}

fn restated(spec: &Spec, new: &Source, month: Month, what: &str) -> Diagnostic {
    let message = format!("{month} of `{}` {what} since the last pull", spec.metric);
    let mut d = Diagnostic::warning(Code::RestatedHistory, new.path.clone(), message)
        .metric(&spec.metric)
        .help("restated history is what investors ask about: say why in the month's update (a late refund, a corrected export), or correct the source and pull again");
    let line = new.text.match_indices('\n').map(|(i, _)| i + 1);
    let at = std::iter::once(0)
        .chain(line)
        .find(|&i| new.text[i..].starts_with(&month.to_string()));
    if let Some(start) = at {
        let end = new.text[start..].find('\n').map_or(new.text.len(), |n| start + n);
        d.location = Some(Location::at(&new.text, start..end));
    }
    d
}

impl fmt::Display for PullReport {
    /// One line per metric and change, then a summary.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.metrics.is_empty() {
            return writeln!(
                f,
                "no metric has a `source:`, so there is nothing to pull (see \"Actuals from CSV and PostgreSQL\" in the README)"
            );
        }
        for m in &self.metrics {
            let months = format!("{} month{}", m.months, if m.months == 1 { "" } else { "s" });
            if m.changes.is_empty() && m.months == 0 {
                writeln!(f, "{} ← {}: no month has a value yet, unchanged", m.metric, m.from)?;
            } else if m.changes.is_empty() {
                writeln!(f, "{} ← {}: {months}, unchanged", m.metric, m.from)?;
            }
            for change in &m.changes {
                writeln!(f, "{} ← {}: {change}", m.metric, m.from)?;
            }
        }
        for (name, fresh) in &self.tables {
            let what = if *fresh { "updated" } else { "unchanged" };
            writeln!(f, "{name}: table {what}")?;
        }
        let restated = self.warnings.0.len();
        let verb = if self.dry_run { "would write" } else { "wrote" };
        writeln!(
            f,
            "pulled {} metric{}: {verb} {} snapshot{} into {}/, {} unchanged{}",
            self.metrics.len(),
            if self.metrics.len() == 1 { "" } else { "s" },
            self.written,
            if self.written == 1 { "" } else { "s" },
            snapshot::FOLDER,
            self.metrics.len() - self.written.min(self.metrics.len()),
            match restated {
                0 => String::new(),
                1 => ", 1 month of history restated".into(),
                n => format!(", {n} months of history restated"),
            }
        )
    }
}
