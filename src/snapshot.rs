//! Snapshots: a metric's actuals as the last `palanca pull` read them from
//! its source, kept in the site as `content/snapshots/<metric>.csv`.
//!
//! The build reads these files and never a source, so it stays offline,
//! fast and reproducible, and a published update reads the same next year.
//! They are committed with the site: one line per month, in order, values
//! written exactly, so a diff of a pull is a diff of figures.
//!
//! ```text
//! period,value
//! 2024-01,96000
//! 2024-02,240000
//! ```
//!
//! [`write_all`] replaces several snapshots together: each is written to a
//! new temporary file beside it first (never through a link), and only when every one was written are
//! they renamed into place, so a pull that fails writes nothing. (The
//! renames are one at a time: a machine that loses power between two of
//! them keeps some new snapshots beside some old ones, each one whole.)

use std::io::Write;
use std::ops::Range;
use std::path::Path;

use crate::decimal::Decimal;
use crate::diagnostic::{Code, Diagnostic, Source};
use crate::disk::Folder;
use crate::period::Month;

/// A month's value as pulled.
pub type Pulled = std::collections::BTreeMap<Month, Decimal>;

/// The folder of the snapshots, in the site.
pub const FOLDER: &str = "content/snapshots";

/// The first line of every snapshot.
const HEADER: &str = "period,value";

/// The snapshot's path for metric `id`, relative to the site; None for an
/// id that is not a plain name (it is reported as a bad id elsewhere).
pub fn path_of(id: &str) -> Option<String> {
    file_name(id).map(|name| format!("{FOLDER}/{name}"))
}

/// The snapshot's file name for metric `id` (see [`path_of`]).
pub fn file_name(id: &str) -> Option<String> {
    let plain = !id.is_empty()
        && id.len() <= crate::limits::ID_CHARS
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    plain.then(|| format!("{id}.csv"))
}

/// A snapshot read back.
#[derive(Debug, Clone)]
pub struct Snapshot {
    /// The file.
    pub source: Source,
    /// Its months, in order.
    pub rows: Vec<Row>,
}

/// One month of a snapshot.
#[derive(Debug, Clone)]
pub struct Row {
    /// The month.
    pub month: Month,
    /// The value, exactly as written.
    pub exact: Decimal,
    /// Where the line is written in the file.
    pub span: Range<usize>,
}

impl Snapshot {
    /// The months and values.
    pub fn values(&self) -> Pulled {
        self.rows.iter().map(|r| (r.month, r.exact)).collect()
    }
}

/// Reads a snapshot, strictly: the header, then `YYYY-MM,number` lines in
/// increasing months.
pub fn parse(source: Source) -> Result<Snapshot, Diagnostic> {
    let text = std::sync::Arc::clone(&source.text);
    let mut rows: Vec<Row> = Vec::new();
    let mut offset = 0;
    for (i, raw) in text.split_inclusive('\n').enumerate() {
        let line = raw.trim_end_matches(['\n', '\r']);
        let span = offset..offset + line.len();
        offset += raw.len();
        if i == 0 {
            if line.trim() != HEADER {
                return Err(bad(&source, span, "does not start with `period,value`"));
            }
            continue;
        }
        if line.trim().is_empty() {
            continue;
        }
        if rows.len() == crate::limits::SERIES_VALUES {
            return Err(bad(&source, span, "holds more than 1,200 months"));
        }
        let row = read_row(line, span.clone())
            .ok_or_else(|| bad(&source, span.clone(), "has a line that is not `YYYY-MM,number`"))?;
        if rows.last().is_some_and(|last| last.month >= row.month) {
            return Err(bad(&source, span, "has its months out of order, or one twice"));
        }
        rows.push(row);
    }
    if text.is_empty() {
        return Err(bad(&source, 0..0, "is empty"));
    }
    Ok(Snapshot { source, rows })
}

/// A table a pull writes beside the snapshots (a metric file's cohorts):
/// a header line, then rows of plain cells, no cell quoted or holding a
/// comma.
#[derive(Debug, Clone)]
pub struct Table {
    /// The file.
    pub source: Source,
    /// The column names.
    pub header: Vec<String>,
    /// Each row's cells and where the row is written.
    pub rows: Vec<(Vec<String>, Range<usize>)>,
}

/// Reads a table, strictly: every row as wide as the header, at most
/// [`crate::limits::TABLE_ROWS`] rows.
pub fn parse_table(source: Source) -> Result<Table, Diagnostic> {
    let text = std::sync::Arc::clone(&source.text);
    let mut lines = text.split_inclusive('\n');
    let header: Vec<String> = lines
        .next()
        .map(|l| l.trim_end().split(',').map(str::to_string).collect())
        .unwrap_or_default();
    if header.len() < 2 {
        return Err(bad(&source, 0..0, "has no header of columns"));
    }
    let mut rows = Vec::new();
    let mut offset = text.find('\n').map_or(text.len(), |i| i + 1);
    for raw in lines {
        let line = raw.trim_end_matches(['\n', '\r']);
        let span = offset..offset + line.len();
        offset += raw.len();
        if line.trim().is_empty() {
            continue;
        }
        if rows.len() == crate::limits::TABLE_ROWS {
            return Err(bad(&source, span, "holds more rows than palanca reads"));
        }
        let cells: Vec<String> = line.split(',').map(str::to_string).collect();
        if cells.len() != header.len() {
            return Err(bad(&source, span, "has a row of another width than its header"));
        }
        rows.push((cells, span));
    }
    Ok(Table { source, header, rows })
}

/// The value a build takes from a snapshot's row for a metric in `unit`,
/// or why it refuses it: `pull` asks the same before it writes, so it
/// never writes a snapshot the build would refuse.
pub fn value_of(exact: Decimal, unit: crate::units::Unit) -> Result<f64, crate::units::ValueError> {
    crate::units::parse_value(&crate::units::RawValue::Number(exact.to_f64()), unit)
}

fn read_row(line: &str, span: Range<usize>) -> Option<Row> {
    let (period, value) = line.split_once(',')?;
    let month = Month::parse_iso(period.trim()).filter(|m| crate::period::in_years(*m))?;
    let exact = Decimal::parse_plain(value)?;
    Some(Row { month, exact, span })
}

fn bad(source: &Source, span: Range<usize>, what: &str) -> Diagnostic {
    Diagnostic::error_at(
        Code::BadSnapshot,
        source,
        span,
        format!("the snapshot `{}` {what}", source.path),
    )
    .help("snapshots are written by `palanca pull`; run it again rather than editing the file")
}

/// The text of a snapshot of `values`.
pub fn render(values: &Pulled) -> String {
    let mut out = String::with_capacity(16 + values.len() * 24);
    out.push_str(HEADER);
    out.push('\n');
    for (month, value) in values {
        out.push_str(&format!("{month},{value}\n"));
    }
    out
}

/// The snapshots folder of a site, reached without following a link (see
/// [`crate::disk`]). Opened to write, it is locked: a second `pull` of the
/// same site waits until this one has compared and written its snapshots.
pub struct Snapshots {
    folder: Folder,
}

impl Snapshots {
    /// Opens the folder of the site at `root` to write into it (creating
    /// it if missing), waiting for any other pull of the site to finish.
    pub fn take(root: &Path) -> std::io::Result<Snapshots> {
        let folder = Folder::open(root, FOLDER, true)?;
        folder.lock()?;
        Ok(Snapshots { folder })
    }

    /// Opens the folder only to read it (a dry run): None when it does not
    /// exist yet.
    pub fn peek(root: &Path) -> std::io::Result<Option<Snapshots>> {
        match Folder::open(root, FOLDER, false) {
            Ok(folder) => Ok(Some(Snapshots { folder })),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// The snapshot of metric `id` as it is now, None when there is none
    /// yet; a link or anything but a file in its place is an error.
    pub fn current(&self, id: &str) -> std::io::Result<Option<String>> {
        let Some(name) = file_name(id) else { return Ok(None) };
        self.folder.read_text(&name, crate::limits::FILE_BYTES)
    }

    /// The file `name` of the folder as it is now (a table: `ingresos.cohorts.csv`).
    pub fn current_file(&self, name: &str) -> std::io::Result<Option<String>> {
        self.folder.read_text(name, crate::limits::FILE_BYTES)
    }

    /// Writes each `(name, text)`, all or none: every file is written
    /// beside its target under a new random name, and only once all were
    /// written are they renamed into place. A target that is a link, a
    /// folder or anything but a file is refused before anything is
    /// written. On failure the temporary files are removed and every
    /// snapshot is left as it was.
    pub fn write_all(&self, files: &[(String, String)]) -> std::io::Result<()> {
        let folder = &self.folder;
        let mut staged: Vec<(String, &str)> = Vec::new();
        let result = (|| {
            for (name, text) in files {
                // Renaming a file over a file does not fail for want of
                // anything but the disk; over a folder or a link it must
                // not happen at all: refuse before anything is renamed.
                folder.replaceable(name)?;
                let (temp, mut file) = folder.create_temp(&format!(".{name}.palanca-new-"))?;
                staged.push((temp, name));
                file.write_all(text.as_bytes())?;
                file.sync_all()?;
            }
            Ok(())
        })();
        if let Err(e) = result {
            for (temp, _) in &staged {
                let _ = folder.remove(temp);
            }
            return Err(e);
        }
        for (temp, name) in &staged {
            folder.rename(temp, name)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
