//! Sources: where a metric's actuals live — a CSV export in the site folder
//! or a query on a PostgreSQL database — and how `palanca pull` reads them.
//!
//! A metric's `source:` (with defaults from its file's `source:`) is
//! resolved here into a [`Spec`], checked by `check` and `build` too, so a
//! typo in a number format is found without pulling. Reading is streamed:
//! [`csv_file`] reads a file once for every metric that uses it, one row
//! at a time, and [`query`] reads a query's result in batches; [`group`]
//! adds rows up into months by the metric's kind, holding one slot per
//! month, and [`number`] reads numbers exactly. Only `pull` calls the
//! readers; the build reads snapshots ([`crate::snapshot`]).

pub mod csv_file;
pub mod group;
pub mod number;
pub mod query;

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Component, Path};

pub use number::{Decimal, NumberFormat};

use crate::diagnostic::{Code, Diagnostic, Diagnostics, Source};
use crate::load::{MetricFile, MetricKind, RawMetric, RawSource, SiteConfig};
use crate::period::Month;
use crate::units::Unit;

/// A month's value as pulled.
pub type Pulled = BTreeMap<Month, Decimal>;

/// Where one metric's actuals are read from, checked.
#[derive(Debug, Clone)]
pub struct Spec {
    /// The metric's id.
    pub metric: String,
    /// Its unit.
    pub unit: Unit,
    /// How its rows add up into a month.
    pub kind: MetricKind,
    /// The file or the query.
    pub origin: Origin,
    /// The metric file, for diagnostics.
    pub file: Source,
    /// Where each field of the source is written in the file.
    places: Vec<(&'static str, Range<usize>)>,
}

/// A CSV file or a SQL query.
#[derive(Debug, Clone)]
pub enum Origin {
    /// A CSV file in the site folder.
    Csv(CsvSource),
    /// A query on the database of `database_url_env`.
    Sql(String),
}

/// A CSV source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvSource {
    /// The file, relative to the site folder, with `/` separators.
    pub path: String,
    /// The column of the period.
    pub period: String,
    /// The column of the value.
    pub value: String,
    /// Keep only rows whose column (first) holds the text (second).
    pub filter: Option<(String, String)>,
    /// How numbers are written.
    pub format: NumberFormat,
    /// The byte between columns.
    pub delimiter: u8,
}

impl Spec {
    /// Where `field` of the source is written (`format`, `sql`), else the
    /// `source` key itself.
    pub fn place(&self, field: &str) -> Range<usize> {
        let find = |f: &str| self.places.iter().find(|(k, _)| *k == f).map(|(_, r)| r.clone());
        find(field).or_else(|| find("source")).unwrap_or(0..0)
    }

    /// An error about this metric's source, pointing at `field` in its file.
    pub fn error(&self, code: Code, field: &str, message: impl Into<String>) -> Diagnostic {
        Diagnostic::error_at(code, &self.file, self.place(field), message).metric(&self.metric)
    }

    /// The source in a few words: `data/stripe.csv`, `its SQL query`.
    pub fn describe(&self) -> String {
        match &self.origin {
            Origin::Csv(c) => c.path.clone(),
            Origin::Sql(_) => "SQL".into(),
        }
    }
}

/// The sources of every metric of `files` that has one, checked; errors
/// go to `diags`. Returns (file index, metric index, spec).
pub fn specs<F: std::borrow::Borrow<MetricFile>>(
    files: &[F],
    site: &SiteConfig,
    diags: &mut Diagnostics,
) -> Vec<(usize, usize, Spec)> {
    let mut out = Vec::new();
    for (fi, file) in files.iter().enumerate() {
        let file: &MetricFile = file.borrow();
        for (mi, raw) in file.doc.metrics.iter().enumerate() {
            if raw.source.is_none() {
                continue;
            }
            match resolve(file, raw, site) {
                Ok(spec) => out.push((fi, mi, spec)),
                Err(errors) => diags.extend(errors),
            }
        }
    }
    out
}

/// The fields of a source: the metric's own, else its file's defaults,
/// with where each is written.
struct Merged<'a> {
    file: &'a MetricFile,
    own: &'a RawSource,
    defaults: Option<&'a RawSource>,
    own_path: String,
    places: Vec<(&'static str, Range<usize>)>,
}

impl<'a> Merged<'a> {
    fn pick<T: Clone>(&mut self, field: &'static str, get: impl Fn(&'a RawSource) -> Option<T>) -> Option<T> {
        let (value, path) = match get(self.own) {
            Some(v) => (v, format!("{}.{field}", self.own_path)),
            None => (get(self.defaults?)?, format!("source.{field}")),
        };
        if let Some(span) = self.file.spans.value_or_key(&path) {
            self.places.push((field, span));
        }
        // A filter's parts, to point at the one that is wrong.
        if field == "filter" {
            for (part, name) in [("filter.column", "column"), ("filter.equals", "equals")] {
                if let Some(span) = self.file.spans.value(&format!("{path}.{name}")) {
                    self.places.push((part, span));
                }
            }
        }
        Some(value)
    }
}

fn resolve(file: &MetricFile, raw: &RawMetric, site: &SiteConfig) -> Result<Spec, Diagnostics> {
    let own_path = raw.path("source");
    let mut m = Merged {
        file,
        own: raw.source.as_ref().ok_or_else(Diagnostics::default)?,
        defaults: file.doc.source.as_ref(),
        places: Vec::new(),
        own_path: own_path.clone(),
    };
    if let Some(span) = file.spans.key(&own_path) {
        m.places.push(("source", span));
    }
    let csv = m.pick("csv", |s: &RawSource| s.csv.clone());
    let sql = m.pick("sql", |s: &RawSource| s.sql.clone());
    let period = m.pick("period", |s: &RawSource| s.period.clone());
    let value = m.pick("value", |s: &RawSource| s.value.clone());
    let filter = m.pick("filter", |s: &RawSource| s.filter.clone());
    let format = m.pick("format", |s: &RawSource| s.format.clone());
    let delimiter = m.pick("delimiter", |s: &RawSource| s.delimiter.clone());
    let mut spec = Spec {
        metric: raw.id.clone(),
        unit: raw.unit,
        kind: crate::model::roles::kind_of(raw),
        origin: Origin::Sql(String::new()),
        file: file.source.clone(),
        places: m.places,
    };
    let mut errors = Diagnostics::default();
    let mut fail = |field: &str, message: String, help: &str| {
        errors.push(spec.error(Code::BadSource, field, message).help(help.to_string()));
    };
    if raw.formula.is_some() {
        fail(
            "source",
            format!("`{}` has both a formula and a source", raw.id),
            "a derived metric is computed from its inputs; remove `source:` or the formula",
        );
    }
    let origin = match (csv, sql) {
        (Some(path), None) => {
            let format = match format.as_deref().map(NumberFormat::parse) {
                None => NumberFormat::default(),
                Some(Ok(f)) => f,
                Some(Err(why)) => {
                    fail(
                        "format",
                        format!(
                            "the number format `{}` {why}",
                            crate::diagnostic::quote(format.as_deref().unwrap_or_default())
                        ),
                        "write one number as the file writes it, with its decimal mark: `1,234.56`, `1.234,56`, `1 234,56`, `$1,234.56`, `1.234,56 €` or `12.5%`",
                    );
                    NumberFormat::default()
                }
            };
            if format.is_percent() && raw.unit != Unit::Percent {
                fail(
                    "format",
                    format!(
                        "the format `{format}` reads percentages, but `{}` is not measured in percent",
                        raw.id
                    ),
                    "remove the `%` from the format, or give the metric `unit: percent`",
                );
            }
            if format.has_currency() && raw.unit != Unit::Currency {
                fail(
                    "format",
                    format!(
                        "the format `{format}` has a currency sign, but `{}` is not measured in currency",
                        raw.id
                    ),
                    "remove the sign from the format, or give the metric `unit: currency`",
                );
            }
            let delimiter = match delimiter.as_deref() {
                None => b',',
                Some(d) if d.len() == 1 && d != "\"" && d != "\n" => d.as_bytes()[0],
                Some(d) => {
                    fail(
                        "delimiter",
                        format!("`delimiter: {}` is not one character", crate::diagnostic::quote(d)),
                        "write the character between columns, e.g. `delimiter: \";\"` or `delimiter: \"\\t\"` for tabs",
                    );
                    b','
                }
            };
            if let Err(why) = check_path(&path) {
                fail(
                    "csv",
                    format!("`csv: {}` {why}", crate::diagnostic::quote(&path)),
                    "write the file's path relative to the site folder, e.g. `csv: data/stripe.csv`, and keep the file inside the site",
                );
            }
            Origin::Csv(CsvSource {
                path,
                period: period.unwrap_or_else(|| "period".into()),
                value: value.unwrap_or_else(|| "value".into()),
                filter: filter.map(|f| (f.column, f.equals)),
                format,
                delimiter,
            })
        }
        (None, Some(query)) => {
            for (field, given) in [
                ("period", period.is_some()),
                ("value", value.is_some()),
                ("filter", filter.is_some()),
                ("format", format.is_some()),
                ("delimiter", delimiter.is_some()),
            ] {
                if given {
                    fail(
                        field,
                        format!(
                            "`{field}` applies to CSV sources, but the source of `{}` is a SQL query",
                            raw.id
                        ),
                        "a query returns (period, value) rows: select, filter and convert in the SQL itself",
                    );
                }
            }
            if query.trim().is_empty() || query.chars().count() > crate::limits::QUERY_CHARS {
                fail(
                    "sql",
                    "the SQL query is empty or longer than 10,000 characters".into(),
                    "write a query returning (period, value) rows, or keep a long one as a view in the database",
                );
            }
            if site.database_url_env.is_none() {
                fail(
                    "sql",
                    format!("`{}` reads a SQL query, but site.yaml names no database", raw.id),
                    "add `database_url_env: PALANCA_DATABASE_URL` to site.yaml and put the database's URL in that environment variable",
                );
            }
            Origin::Sql(query)
        }
        (Some(_), Some(_)) => {
            fail(
                "sql",
                format!("the source of `{}` has both `csv` and `sql`", raw.id),
                "keep one of them; a metric has one source (a file's `source:` only gives defaults)",
            );
            Origin::Sql(String::new())
        }
        (None, None) => {
            fail(
                "source",
                format!("the source of `{}` names neither `csv` nor `sql`", raw.id),
                "add `csv: data/file.csv` (relative to the site folder) or `sql: \"select month, value from ...\"`",
            );
            Origin::Sql(String::new())
        }
    };
    if errors.has_errors() {
        return Err(errors);
    }
    spec.origin = origin;
    Ok(spec)
}

/// A source file's path stays inside the site: relative, without `..`.
fn check_path(path: &str) -> Result<(), &'static str> {
    let p = Path::new(path);
    if path.trim().is_empty() {
        return Err("is empty");
    }
    if p.is_absolute() || path.starts_with('~') {
        return Err("is not relative to the site folder");
    }
    if p.components()
        .any(|c| !matches!(c, Component::Normal(_) | Component::CurDir))
    {
        return Err("leads out of the site folder");
    }
    Ok(())
}

#[cfg(test)]
mod tests;
