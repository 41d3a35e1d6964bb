//! CSV sources: a file read once, a row at a time, for every metric that
//! takes its actuals from it.
//!
//! One record buffer is reused for every row and each metric keeps one
//! slot per month ([`super::group`]), so memory stays flat whatever the
//! file's length; a row longer than [`limits::SOURCE_ROW_BYTES`] is refused
//! before it is held. A bad cell is reported with the file, line and
//! column, and the cell's text; the first bad cell of each metric stops
//! that metric only, so one run reports each metric's first problem.

use std::cell::Cell;
use std::io::Read;
use std::path::Path;
use std::rc::Rc;

use std::any::Any;
use std::collections::BTreeMap;
use std::sync::Arc;

use rayon::prelude::*;

use super::group::{GroupError, Grouper, read_period};
use super::kind::{Context, Reading, SourceKind, Spec};
use super::settings::{Settings, check_path};
use crate::decimal::NumberFormat;
use crate::diagnostic::{Code, Diagnostic, Diagnostics, Location};
use crate::limits;
use crate::load::SiteConfig;
use crate::snapshot::Pulled;
use crate::units::Unit;

/// One metric's months, or its problem.
type Months = Result<Pulled, Diagnostic>;

/// The CSV kind of source: `source: { csv: data/file.csv, … }`.
pub struct Csv;

/// A CSV source, checked.
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

impl SourceKind for Csv {
    fn key(&self) -> &'static str {
        "csv"
    }

    fn check(&self, spec: &Spec, s: &Settings, _site: &SiteConfig) -> Result<Arc<dyn Any + Send + Sync>, Diagnostics> {
        let mut errors = Diagnostics::default();
        let mut fail = |field: &str, message: String, help: &str| {
            errors.push(spec.error(Code::BadSource, field, message).help(help.to_string()));
        };
        let format = match s.format.as_deref().map(NumberFormat::parse) {
            None => NumberFormat::default(),
            Some(Ok(f)) => f,
            Some(Err(why)) => {
                fail(
                    "format",
                    format!(
                        "the number format `{}` {why}",
                        crate::diagnostic::quote(s.format.as_deref().unwrap_or_default())
                    ),
                    "write one number as the file writes it, with its decimal mark: `1,234.56`, `1.234,56`, `1 234,56`, `$1,234.56`, `1.234,56 €` or `12.5%`",
                );
                NumberFormat::default()
            }
        };
        if format.is_percent() && spec.unit != Unit::Percent {
            fail(
                "format",
                format!(
                    "the format `{format}` reads percentages, but `{}` is not measured in percent",
                    spec.metric
                ),
                "remove the `%` from the format, or give the metric `unit: percent`",
            );
        }
        if format.has_currency() && spec.unit != Unit::Currency {
            fail(
                "format",
                format!(
                    "the format `{format}` has a currency sign, but `{}` is not measured in currency",
                    spec.metric
                ),
                "remove the sign from the format, or give the metric `unit: currency`",
            );
        }
        let delimiter =
            crate::sources::settings::delimiter(s.delimiter.as_deref()).unwrap_or_else(|(message, help)| {
                fail("delimiter", message, help);
                b','
            });
        let path = s.csv.clone().unwrap_or_default();
        if let Err(why) = check_path(&path) {
            fail(
                "csv",
                format!("`csv: {}` {why}", crate::diagnostic::quote(&path)),
                "write the file's path relative to the site folder, e.g. `csv: data/stripe.csv`, and keep the file inside the site",
            );
        }
        if errors.has_errors() {
            return Err(errors);
        }
        Ok(Arc::new(CsvSource {
            path,
            period: s.period.clone().unwrap_or_else(|| "period".into()),
            value: s.value.clone().unwrap_or_else(|| "value".into()),
            filter: s.filter.clone().map(|f| (f.column, f.equals)),
            format,
            delimiter,
        }))
    }

    fn describe(&self, spec: &Spec) -> String {
        spec.settings::<CsvSource>()
            .map_or_else(String::new, |c| c.path.clone())
    }

    /// Each file once for all the metrics that read it, files in parallel.
    fn read(&self, context: &Context, specs: &[&Spec]) -> Result<Reading, Diagnostics> {
        let mut by_file: BTreeMap<(&str, u8), Vec<usize>> = BTreeMap::new();
        let csv: Vec<Option<&CsvSource>> = specs.iter().map(|s| s.settings::<CsvSource>()).collect();
        for (i, c) in csv.iter().enumerate() {
            if let Some(c) = c {
                by_file.entry((c.path.as_str(), c.delimiter)).or_default().push(i);
            }
        }
        let read: Vec<(&Vec<usize>, Vec<Months>)> = by_file
            .values()
            .collect::<Vec<_>>()
            .par_iter()
            .map(|&indexes| {
                let list: Vec<(&Spec, &CsvSource)> =
                    indexes.iter().filter_map(|&i| Some((specs[i], csv[i]?))).collect();
                (indexes, read(context.root, &list))
            })
            .collect();
        let mut out: Vec<Option<Months>> = vec![None; specs.len()];
        for (indexes, found) in read {
            for (&i, r) in indexes.iter().zip(found) {
                out[i] = Some(r);
            }
        }
        Ok(Reading {
            series: out.into_iter().flatten().collect(),
            tables: Vec::new(),
        })
    }
}

/// One metric reading the file.
struct Reader<'a> {
    spec: &'a Spec,
    csv: &'a CsvSource,
    period: usize,
    value: usize,
    filter: Option<(usize, &'a str)>,
    group: Grouper,
    /// A few values of the filter's column, to show when none matched.
    seen: Vec<String>,
    failed: Option<Diagnostic>,
}

/// Reads the file of `specs` (all with the same path and delimiter) once,
/// and returns each metric's months, or its first problem.
pub fn read(root: &Path, specs: &[(&Spec, &CsvSource)]) -> Vec<Result<Pulled, Diagnostic>> {
    let Some(&(_, first)) = specs.first() else {
        return Vec::new();
    };
    match read_all(root, first, specs) {
        Ok(results) => results,
        Err(diag) => specs.iter().map(|(spec, _)| Err(diag(spec))).collect(),
    }
}

/// A problem with the whole file, told for each metric that reads it.
pub(super) type FileError = Box<dyn Fn(&Spec) -> Diagnostic>;

fn read_all(
    root: &Path,
    csv: &CsvSource,
    specs: &[(&Spec, &CsvSource)],
) -> Result<Vec<Result<Pulled, Diagnostic>>, FileError> {
    let file = open(root, &csv.path)?;
    let since_row = Rc::new(Cell::new(0u64));
    let limited = RowLimit {
        inner: file,
        since_row: Rc::clone(&since_row),
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(csv.delimiter)
        .flexible(true)
        .from_reader(limited);
    let headers: Vec<String> = match reader.byte_headers() {
        Ok(h) => h
            .iter()
            .map(|c| String::from_utf8_lossy(c).trim().to_string())
            .collect(),
        Err(e) => {
            return Err(whole_file(
                csv,
                format!("cannot read the header row of `{}`: {e}", csv.path),
            ));
        }
    };
    let mut readers: Vec<Reader> = specs
        .iter()
        .map(|&(spec, csv)| Reader::new(spec, csv, &headers))
        .collect();
    let mut record = csv::ByteRecord::new();
    let mut line = 1;
    loop {
        since_row.set(0);
        match reader.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let at = e.position().map_or(line + 1, csv::Position::line);
                let message = format!("`{}` cannot be read at line {at}: {}", csv.path, reason(&e));
                return Err(whole_file(csv, message));
            }
        }
        line = record.position().map_or(line + 1, csv::Position::line);
        let mut busy = false;
        for r in readers.iter_mut().filter(|r| r.failed.is_none()) {
            busy = true;
            if let Err(e) = r.take(&record, line) {
                r.failed = Some(e.diagnostic(root, r, &record));
            }
        }
        if !busy {
            break;
        }
    }
    Ok(readers.into_iter().map(|r| r.finish(&headers)).collect())
}

pub(super) fn reason(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::Io(io) => io.to_string(),
        _ => e.to_string(),
    }
}

fn whole_file(csv: &CsvSource, message: String) -> FileError {
    let path = csv.path.clone();
    Box::new(move |spec: &Spec| {
        spec.error(Code::SourceRead, "csv", message.clone())
            .help(format!("export `{path}` again; palanca reads rows of up to 1 MiB"))
    })
}

/// Opens the file, refusing a link that leads out of the site.
pub(super) fn open(root: &Path, rel: &str) -> Result<std::fs::File, FileError> {
    let path = root.join(rel);
    let rel = rel.to_string();
    let inside = match (path.canonicalize(), root.canonicalize()) {
        (Ok(target), Ok(site)) => target.starts_with(site),
        _ => true,
    };
    if !inside {
        return Err(Box::new(move |spec: &Spec| {
            spec.error(
                Code::LinkOutside,
                "csv",
                format!("`{rel}` is a link to a file outside the site folder"),
            )
            .help("palanca follows links only within the site folder; copy the export into the site instead")
        }));
    }
    crate::disk::open_regular(&path).map_err(|e| -> FileError {
        Box::new(move |spec: &Spec| {
            spec.error(Code::SourceRead, "csv", format!("cannot read `{rel}`: {e}"))
                .help("save the export at that path (relative to the site folder), or correct `csv:`")
        })
    })
}

/// Reads through `inner`, failing once more than a row's worth of bytes
/// went by since the last row was taken: the record buffer never grows
/// past that.
pub(super) struct RowLimit<R> {
    pub(super) inner: R,
    pub(super) since_row: Rc<Cell<u64>>,
}

impl<R: Read> Read for RowLimit<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let total = self.since_row.get() + n as u64;
        self.since_row.set(total);
        // The reader buffers ahead; leave room for that beyond the row.
        if total > limits::SOURCE_ROW_BYTES + 64 * 1024 {
            return Err(std::io::Error::other("a row is longer than 1 MiB"));
        }
        Ok(n)
    }
}

/// A cell that cannot be read.
enum CellError {
    Period(usize),
    Value(usize),
    Missing(usize),
    Group(GroupError),
}

impl<'a> Reader<'a> {
    fn new(spec: &'a Spec, csv: &'a CsvSource, headers: &[String]) -> Reader<'a> {
        let find = |name: &str| headers.iter().position(|h| h == name.trim());
        let mut missing = Vec::new();
        let mut column = |field: &'static str, name: &str| {
            find(name).unwrap_or_else(|| {
                missing.push((field, name.to_string()));
                0
            })
        };
        let period = column("period", &csv.period);
        let value = column("value", &csv.value);
        let filter = csv.filter.as_ref().map(|(c, v)| (column("filter.column", c), v.trim()));
        let failed = missing
            .first()
            .map(|(field, name)| missing_column(spec, csv, headers, field, name));
        Reader {
            spec,
            csv,
            period,
            value,
            filter,
            group: Grouper::new(spec.kind),
            seen: Vec::new(),
            failed,
        }
    }

    /// Adds one row, if it passes the filter.
    fn take(&mut self, record: &csv::ByteRecord, line: u64) -> Result<(), CellError> {
        let cell = |i: usize| record.get(i).map(|b| std::str::from_utf8(b).unwrap_or("\u{fffd}"));
        if let Some((column, wanted)) = self.filter {
            let text = cell(column).unwrap_or("").trim();
            if text != wanted {
                if self.seen.len() < 5 && !self.seen.iter().any(|s| s == text) {
                    self.seen.push(crate::diagnostic::quote(text));
                }
                return Ok(());
            }
        }
        let (Some(period), Some(value)) = (cell(self.period), cell(self.value)) else {
            let short = if record.get(self.period).is_none() {
                self.period
            } else {
                self.value
            };
            // A row with nothing in it is a blank line, not an error.
            return if record.iter().all(|c| c.iter().all(u8::is_ascii_whitespace)) {
                Ok(())
            } else {
                Err(CellError::Missing(short))
            };
        };
        if period.trim().is_empty() && value.trim().is_empty() {
            return Ok(());
        }
        let (month, date) = read_period(period).ok_or(CellError::Period(self.period))?;
        let number = self.csv.format.read(value).ok_or(CellError::Value(self.value))?;
        self.group.add(month, date, number, line).map_err(CellError::Group)
    }

    fn finish(self, headers: &[String]) -> Result<Pulled, Diagnostic> {
        if let Some(d) = self.failed {
            return Err(d);
        }
        if self.group.rows() == 0 {
            return Err(self.no_rows(headers));
        }
        let spec = self.spec;
        self.group.finish().map_err(|e| group_error(spec, &self.csv.path, &e))
    }

    fn no_rows(&self, headers: &[String]) -> Diagnostic {
        let spec = self.spec;
        match (&self.csv.filter, self.filter) {
            (Some((column, wanted)), Some(_)) => {
                let seen = if self.seen.is_empty() {
                    "the file has no rows".to_string()
                } else {
                    format!(
                        "values seen there: {}",
                        self.seen
                            .iter()
                            .map(|s| format!("`{s}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                };
                spec.error(
                    Code::SourceRows,
                    "filter.equals",
                    format!(
                        "no row of `{}` has `{column}` equal to `{wanted}`; {seen}",
                        self.csv.path
                    ),
                )
                .help("the filter compares the whole cell, letter case included; correct `equals:`")
            }
            _ => spec
                .error(
                    Code::SourceRows,
                    "csv",
                    format!(
                        "`{}` has no rows under its header ({})",
                        self.csv.path,
                        headers.join(", ")
                    ),
                )
                .help("export the file again; a pull that would empty a snapshot is refused"),
        }
    }
}

fn missing_column(spec: &Spec, csv: &CsvSource, headers: &[String], field: &str, name: &str) -> Diagnostic {
    let listed = headers.iter().map(|h| format!("`{h}`")).collect::<Vec<_>>().join(", ");
    let near = headers.iter().find(|h| h.eq_ignore_ascii_case(name.trim()));
    let help = match near {
        Some(h) => format!("did you mean `{h}`? Column names are compared exactly"),
        None if headers.len() == 1 && csv.delimiter == b',' && headers[0].contains([';', '\t']) => {
            "the file seems to separate columns with another character: add `delimiter: \";\"` (or \"\\t\")".into()
        }
        None => format!(
            "name one of the file's columns in `{}:`",
            field.trim_start_matches("filter.")
        ),
    };
    spec.error(
        Code::SourceColumn,
        field,
        format!(
            "`{}` has no column `{name}` (read for `{}`); its columns are {listed}",
            csv.path, spec.metric
        ),
    )
    .help(help)
}

fn group_error(spec: &Spec, path: &str, e: &GroupError) -> Diagnostic {
    match e {
        GroupError::Overflow(m) => spec
            .error(Code::SourceRows, "value", format!("the values of {m} in `{path}` add up beyond what palanca reads"))
            .help("check the value column; palanca reads figures up to 10^15"),
        GroupError::TooManyMonths => spec
            .error(Code::TooLarge, "period", format!("`{path}` spans more than 1,200 months"))
            .help("a series holds at most a century of months; filter the rows"),
        GroupError::SeveralRates { month, line } => spec
            .error(
                Code::SourceRows,
                "csv",
                format!("`{}` is a rate, and `{path}` has several rows on the latest date of {month} (line {line})", spec.metric),
            )
            .help("a rate cannot be added up: filter the rows so that one remains per date, or give the metric `kind: stock` or `flow`"),
    }
}

impl CellError {
    fn diagnostic(&self, root: &Path, r: &Reader, record: &csv::ByteRecord) -> Diagnostic {
        let (csv, spec) = (r.csv, r.spec);
        let line = record.position().map_or(0, csv::Position::line);
        let (column, message, help) = match self {
            CellError::Period(i) => (
                *i,
                format!("`{}` is not a month or a date", cell_text(record, *i)),
                "write periods as YYYY-MM or YYYY-MM-DD (a time may follow the date); in a spreadsheet, format the column as a date `yyyy-mm-dd`".to_string(),
            ),
            CellError::Value(i) => (
                *i,
                format!("`{}` is not a number in the format `{}`", cell_text(record, *i), csv.format),
                format!("the source's `format: {}` says how numbers are written; correct it, or the cell", csv.format),
            ),
            CellError::Missing(i) => (
                *i,
                format!("the row has {} cells, so no `{}` column", record.len(), if *i == r.period { &csv.period } else { &csv.value }),
                "every row needs the period and value columns".to_string(),
            ),
            CellError::Group(e) => return group_error(spec, &csv.path, e),
        };
        let column_name = if column == r.period { &csv.period } else { &csv.value };
        let mut d = Diagnostic::error(
            Code::SourceCell,
            csv.path.clone(),
            format!("{message} (column `{column_name}`, read for `{}`)", spec.metric),
        )
        .help(help)
        .metric(&spec.metric);
        d.location = record
            .position()
            .and_then(|p| locate(&root.join(&csv.path), p, column, csv.delimiter))
            .map(|mut loc| {
                loc.line = line as usize;
                loc
            });
        d
    }
}

fn cell_text(record: &csv::ByteRecord, i: usize) -> String {
    crate::diagnostic::quote(String::from_utf8_lossy(record.get(i).unwrap_or_default()).trim())
}

/// Where cell `column` of the row at `position` is written: the row is read
/// again from the file (only on this error path) to find its column.
pub(super) fn locate(path: &Path, position: &csv::Position, column: usize, delimiter: u8) -> Option<Location> {
    use std::io::{BufRead, Seek, SeekFrom};
    let mut file = std::io::BufReader::new(std::fs::File::open(path).ok()?);
    file.seek(SeekFrom::Start(position.byte())).ok()?;
    let mut raw = Vec::new();
    file.take(limits::SOURCE_ROW_BYTES).read_until(b'\n', &mut raw).ok()?;
    let text = String::from_utf8_lossy(&raw);
    let text = text.trim_end_matches(['\n', '\r']);
    let (mut index, mut quoted, mut start) = (0, false, 0);
    let mut end = text.len();
    for (i, b) in text.bytes().enumerate() {
        match b {
            b'"' => quoted = !quoted,
            d if d == delimiter && !quoted => {
                if index == column {
                    end = i;
                    break;
                }
                index += 1;
                if index == column {
                    start = i + 1;
                }
            }
            _ => {}
        }
    }
    let start = if index >= column { start } else { text.len() };
    Some(Location::at(text, start..end.max(start)))
}
