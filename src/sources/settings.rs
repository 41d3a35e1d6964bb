//! A metric's `source:` settings, merged with its file's defaults, with
//! where each is written: what every kind of source checks its own from.

use std::ops::Range;
use std::path::{Component, Path};

use crate::load::{MetricFile, RawFilter, RawMetric, RawSource};

/// The fields of a source: the metric's own, else its file's defaults.
#[derive(Debug, Default)]
pub struct Settings {
    /// `csv:`, a file in the site.
    pub csv: Option<String>,
    /// `sql:`, a query.
    pub sql: Option<String>,
    /// `period:`, a CSV column.
    pub period: Option<String>,
    /// `value:`, a CSV column.
    pub value: Option<String>,
    /// `filter:`, on a CSV column.
    pub filter: Option<RawFilter>,
    /// `format:`, how a CSV writes numbers.
    pub format: Option<String>,
    /// `delimiter:`, between CSV columns.
    pub delimiter: Option<String>,
    /// Where each field given is written in the file.
    pub places: Vec<(&'static str, Range<usize>)>,
}

impl Settings {
    /// The settings of `raw`'s source, merged with `file`'s defaults. A
    /// metric that names another file or query than the defaults' takes
    /// nothing from them: their columns, filter and format are another
    /// export's.
    pub fn of(file: &MetricFile, raw: &RawMetric, own: &RawSource) -> Settings {
        let own_path = raw.path("source");
        let defaults = file.doc.source.as_ref().filter(|d| {
            let elsewhere = |mine: &Option<String>, theirs: &Option<String>| mine.is_some() && mine != theirs;
            !(elsewhere(&own.csv, &d.csv) || elsewhere(&own.sql, &d.sql))
        });
        let mut m = Merged {
            file,
            own,
            defaults,
            own_path: own_path.clone(),
            places: Vec::new(),
        };
        if let Some(span) = file.spans.key(&own_path) {
            m.places.push(("source", span));
        }
        Settings {
            csv: m.pick("csv", |s: &RawSource| s.csv.clone()),
            sql: m.pick("sql", |s: &RawSource| s.sql.clone()),
            period: m.pick("period", |s: &RawSource| s.period.clone()),
            value: m.pick("value", |s: &RawSource| s.value.clone()),
            filter: m.pick("filter", |s: &RawSource| s.filter.clone()),
            format: m.pick("format", |s: &RawSource| s.format.clone()),
            delimiter: m.pick("delimiter", |s: &RawSource| s.delimiter.clone()),
            places: m.places,
        }
    }

    /// The fields given, by name, for a kind to refuse those not its own.
    pub fn given(&self) -> [(&'static str, bool); 7] {
        [
            ("csv", self.csv.is_some()),
            ("sql", self.sql.is_some()),
            ("period", self.period.is_some()),
            ("value", self.value.is_some()),
            ("filter", self.filter.is_some()),
            ("format", self.format.is_some()),
            ("delimiter", self.delimiter.is_some()),
        ]
    }
}

/// Picks each field from the metric's own source, else the file's.
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

/// The byte between a CSV file's columns: `delimiter:` as written, a comma
/// when it is absent. Anything but one character (and not a quote or a
/// line break) is refused with what to write instead.
pub fn delimiter(written: Option<&str>) -> Result<u8, (String, &'static str)> {
    match written {
        None => Ok(b','),
        Some(d) if d.len() == 1 && d != "\"" && d != "\n" => Ok(d.as_bytes()[0]),
        Some(d) => Err((
            format!("`delimiter: {}` is not one character", crate::diagnostic::quote(d)),
            "write the character between columns, e.g. `delimiter: \";\"` or `delimiter: \"\\t\"` for tabs",
        )),
    }
}

/// A source file's path stays inside the site: relative, without `..`.
pub fn check_path(path: &str) -> Result<(), &'static str> {
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
