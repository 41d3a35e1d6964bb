//! Diagnostics: what went wrong in the content, where, and how to fix it.
//!
//! Every stage reports problems as [`Diagnostic`]s instead of stopping at the
//! first one, so an author sees all of them in one run. A diagnostic copies
//! the source line it points at when it is made; rendering it later needs no
//! access to the files.

use std::fmt;
use std::sync::Arc;

/// How bad a finding is: errors fail the build, warnings never do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The content cannot be built as written.
    Error,
    /// The content builds, but something in it is probably wrong.
    Warning,
}

/// A loaded text file: its path as the author knows it and its contents.
#[derive(Debug, Clone)]
pub struct Source {
    /// Path relative to the site folder, with `/` separators.
    pub path: String,
    /// The whole file, already checked to be UTF-8.
    pub text: Arc<str>,
}

impl Source {
    /// A source from a path and its text.
    pub fn new(path: impl Into<String>, text: impl Into<Arc<str>>) -> Self {
        Source {
            path: path.into(),
            text: text.into(),
        }
    }

    /// The offset of the first YAML key `key:` at or after `from`: at the
    /// start of a line (after indentation and an optional `- `) or inside a
    /// flow mapping (after `{` or `,`), and not inside a quoted string, so
    /// that the same words in a description are not mistaken for it.
    pub fn find_key(&self, from: usize, key: &str) -> Option<usize> {
        let needle = format!("{key}:");
        let mut at = from.min(self.text.len());
        while let Some(found) = self.find_from(at, &needle) {
            if self.starts_key(found) {
                return Some(found);
            }
            at = found + needle.len();
        }
        None
    }

    /// Whether a key may start at `at`: what precedes it on its line is
    /// indentation, a list dash, or a flow mapping's `{` or `,`, outside quotes.
    fn starts_key(&self, at: usize) -> bool {
        let line_start = self.text[..at].rfind('\n').map_or(0, |i| i + 1);
        let before = &self.text[line_start..at];
        if before.matches('"').count() % 2 == 1 || before.matches('\'').count() % 2 == 1 {
            return false;
        }
        match before.trim_end_matches([' ', '\t']).chars().next_back() {
            None | Some('{' | ',') => true,
            Some('-') => before.trim_end_matches([' ', '\t', '-']).trim().is_empty(),
            Some(_) => false,
        }
    }

    /// The offset of the value of the key found by [`Source::find_key`]
    /// (the key itself when the value is on the next lines).
    pub fn find_value(&self, from: usize, key: &str) -> Option<usize> {
        let at = self.find_key(from, key)?;
        let rest = &self.text[at + key.len() + 1..];
        let value = rest.trim_start_matches([' ', '\t']);
        if value.starts_with(['\n', '\r', '#']) || value.is_empty() {
            Some(at)
        } else {
            Some(self.text.len() - value.len())
        }
    }

    /// The length of the scalar written at `at`: a quoted string with its
    /// quotes, or plain text up to a separator or comment.
    pub fn scalar_len(&self, at: usize) -> usize {
        let rest = &self.text[at.min(self.text.len())..];
        match rest.chars().next() {
            Some(q @ ('"' | '\'')) => rest[1..].find(q).map_or(1, |end| end + 2),
            _ => rest
                .find([',', '}', ']', '\n', '#'])
                .map_or(rest.len(), |end| rest[..end].trim_end().len())
                .max(1),
        }
    }

    /// The byte offset of the first `needle` at or after `from`, if any.
    pub fn find_from(&self, from: usize, needle: &str) -> Option<usize> {
        let from = from.min(self.text.len());
        self.text[from..].find(needle).map(|i| i + from)
    }
}

/// A place in a file: 1-based line and column, and the line's text.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Location {
    /// 1-based line number.
    pub line: usize,
    /// 1-based column, counted in characters.
    pub column: usize,
    /// Width of the marked text in characters (at least 1).
    pub width: usize,
    /// The text of the line, for the snippet.
    #[serde(skip)]
    pub line_text: String,
}

impl Location {
    /// The location of byte `offset` (and `len` bytes after it) in `text`.
    pub fn at(text: &str, offset: usize, len: usize) -> Location {
        let offset = floor_char_boundary(text, offset.min(text.len()));
        let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
        let line_end = text[offset..].find('\n').map_or(text.len(), |i| i + offset);
        let line_text = text[line_start..line_end].trim_end_matches('\r').to_string();
        let column = text[line_start..offset].chars().count() + 1;
        let end = floor_char_boundary(text, (offset + len).min(line_end));
        let width = text[offset..end].chars().count().max(1);
        Location {
            line: text[..offset].matches('\n').count() + 1,
            column,
            width,
            line_text,
        }
    }
}

fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// One finding in the content.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// The file, relative to the site folder; empty when no file is to blame.
    pub file: String,
    /// Where in the file, when known.
    pub location: Option<Location>,
    /// What is wrong, in one sentence.
    pub message: String,
    /// A short label under the marked text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// How to fix it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
}

impl Diagnostic {
    /// An error about a whole file (no position).
    pub fn error(file: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            file: file.into(),
            location: None,
            message: message.into(),
            label: None,
            help: None,
        }
    }

    /// An error pointing at `len` bytes from `offset` in `source`.
    pub fn error_at(source: &Source, offset: usize, len: usize, message: impl Into<String>) -> Self {
        Diagnostic::error(source.path.clone(), message).located(source, offset, len)
    }

    /// A warning pointing at `len` bytes from `offset` in `source`.
    pub fn warning_at(source: &Source, offset: usize, len: usize, message: impl Into<String>) -> Self {
        let mut d = Diagnostic::error_at(source, offset, len, message);
        d.severity = Severity::Warning;
        d
    }

    /// Points the diagnostic at a span of `source`.
    pub fn located(mut self, source: &Source, offset: usize, len: usize) -> Self {
        self.location = Some(Location::at(&source.text, offset, len));
        self
    }

    /// Adds the short label shown under the marked text.
    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    /// Adds the advice on how to fix it.
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// True for errors.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    /// Renders in the style of rustc: header, arrow with file:line:col,
    /// the source line with a caret under the culprit, then the help.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        writeln!(f, "{kind}: {}", self.message)?;
        let Some(loc) = &self.location else {
            if !self.file.is_empty() {
                writeln!(f, "  --> {}", self.file)?;
            }
            return write_help(f, self.help.as_deref(), 2);
        };
        let gutter = loc.line.to_string().len();
        let pad = " ".repeat(gutter);
        writeln!(f, "{pad}--> {}:{}:{}", self.file, loc.line, loc.column)?;
        writeln!(f, "{pad} |")?;
        writeln!(f, "{} | {}", loc.line, loc.line_text)?;
        let lead: String = loc
            .line_text
            .chars()
            .take(loc.column - 1)
            .map(|c| if c == '\t' { '\t' } else { ' ' })
            .collect();
        let label = self.label.as_deref().map(|l| format!(" {l}")).unwrap_or_default();
        writeln!(f, "{pad} | {lead}{}{label}", "^".repeat(loc.width))?;
        write_help(f, self.help.as_deref(), gutter)
    }
}

fn write_help(f: &mut fmt::Formatter<'_>, help: Option<&str>, gutter: usize) -> fmt::Result {
    match help {
        Some(help) => writeln!(f, "{} = help: {help}", " ".repeat(gutter)),
        None => Ok(()),
    }
}

/// A list of findings gathered across a stage.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    /// Adds a finding.
    pub fn push(&mut self, d: Diagnostic) {
        self.0.push(d);
    }

    /// True when any finding is an error.
    pub fn has_errors(&self) -> bool {
        self.0.iter().any(Diagnostic::is_error)
    }

    /// Number of errors.
    pub fn error_count(&self) -> usize {
        self.0.iter().filter(|d| d.is_error()).count()
    }

    /// Number of warnings.
    pub fn warning_count(&self) -> usize {
        self.0.len() - self.error_count()
    }

    /// Moves all findings of `other` into this list.
    pub fn extend(&mut self, other: Diagnostics) {
        self.0.extend(other.0);
    }

    /// Errors first, then by file and line, so output is stable.
    pub fn sort(&mut self) {
        self.0.sort_by(|a, b| {
            let key = |d: &Diagnostic| {
                (
                    d.severity,
                    d.file.clone(),
                    d.location.as_ref().map(|l| (l.line, l.column)),
                )
            };
            key(a).cmp(&key(b))
        });
    }
}

#[cfg(test)]
mod tests;
