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
//! temporary file beside it first, and only when every one was written are
//! they renamed into place, so a pull that fails writes nothing. (The
//! renames are one at a time: a machine that loses power between two of
//! them keeps some new snapshots beside some old ones, each one whole.)

use std::io::Write;
use std::ops::Range;
use std::path::Path;

use crate::diagnostic::{Code, Diagnostic, Source};
use crate::period::Month;
use crate::sources::{Decimal, Pulled};

/// The folder of the snapshots, in the site.
pub const FOLDER: &str = "content/snapshots";

/// The first line of every snapshot.
const HEADER: &str = "period,value";

/// The snapshot's path for metric `id`, relative to the site; None for an
/// id that is not a plain name (it is reported as a bad id elsewhere).
pub fn path_of(id: &str) -> Option<String> {
    let plain = !id.is_empty()
        && id.len() <= crate::limits::ID_CHARS
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    plain.then(|| format!("{FOLDER}/{id}.csv"))
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

/// Writes each `(path, text)` (relative to `root`), all or none: every file
/// is written beside its target under a temporary name, and only once all
/// were written are they renamed into place. On failure the temporary
/// files are removed and every snapshot is left as it was.
pub fn write_all(root: &Path, files: &[(String, String)]) -> std::io::Result<()> {
    let mut staged: Vec<(std::path::PathBuf, std::path::PathBuf)> = Vec::new();
    let result = (|| {
        std::fs::create_dir_all(root.join(FOLDER))?;
        for (rel, text) in files {
            let target = root.join(rel);
            // Renaming a file over a file in the same folder does not fail
            // for want of anything but the disk; over a folder it would, half
            // way through: refuse that before anything is renamed.
            if std::fs::symlink_metadata(&target).is_ok_and(|m| m.is_dir()) {
                return Err(std::io::Error::other(format!("{} is a folder", target.display())));
            }
            let name = target
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let temp = target.with_file_name(format!(".{name}.palanca-new-{}", std::process::id()));
            staged.push((temp.clone(), target));
            let mut file = std::fs::File::create(&temp)?;
            file.write_all(text.as_bytes())?;
            file.sync_all()?;
        }
        Ok(())
    })();
    if let Err(e) = result {
        for (temp, _) in &staged {
            let _ = std::fs::remove_file(temp);
        }
        return Err(e);
    }
    for (temp, target) in &staged {
        std::fs::rename(temp, target)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests;
