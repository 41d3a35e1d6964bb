//! Diagnostics: what went wrong in the content, where, and how to fix it.
//!
//! Every stage reports problems as [`Diagnostic`]s instead of stopping at the
//! first one, so an author sees all of them in one run. A diagnostic carries a
//! stable [`Code`] and the ids of what it concerns ([`Subject`]s), so tools,
//! tests and the audience stage never have to read its message. It copies the
//! source line it points at when it is made; rendering it later needs no
//! access to the files.

mod codes;

use std::fmt;
use std::ops::Range;
use std::sync::Arc;

pub use codes::{Code, CodeKind};

/// How bad a finding is: errors fail the build, warnings never do (but
/// fail `check --deny-warnings`), notes only inform: what a check could not
/// do, a figure it could not trace.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The content cannot be built as written.
    Error,
    /// The content builds, but something in it is probably wrong.
    Warning,
    /// Nothing is wrong that palanca can see, but something was left
    /// unchecked, and the author may want to know.
    Note,
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
}

/// What a diagnostic is about, by id: tools and the audience stage use these
/// instead of reading messages.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(tag = "kind", content = "id", rename_all = "lowercase")]
pub enum Subject {
    /// A metric, by id.
    Metric(String),
    /// A metric file (group), by id.
    Group(String),
    /// A page, by slug (`plan/roadmap/mes-01`).
    Page(String),
    /// A monthly update, by month (`2024-03`).
    Update(String),
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

/// The most of a source line a snippet shows: a file with one enormous line
/// (minified, or not a text file at all) must not flood the terminal.
const SNIPPET_CHARS: usize = 120;

impl Location {
    /// The location of `span` (byte offsets) in `text`.
    pub fn at(text: &str, span: Range<usize>) -> Location {
        let offset = floor_char_boundary(text, span.start.min(text.len()));
        let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
        let line_end = text[offset..].find('\n').map_or(text.len(), |i| i + offset);
        let column = text[line_start..offset].chars().count() + 1;
        let end = floor_char_boundary(text, span.end.max(offset).min(line_end));
        let width = text[offset..end].chars().count().max(1);
        let mut loc = Location {
            line: text[..offset].matches('\n').count() + 1,
            column,
            width,
            line_text: text[line_start..line_end].trim_end_matches('\r').to_string(),
        };
        loc.clip();
        loc
    }

    /// Keeps at most [`SNIPPET_CHARS`] characters of the line, around the
    /// column, so the caret still points at the culprit.
    fn clip(&mut self) {
        let chars: Vec<char> = self.line_text.chars().collect();
        if chars.len() <= SNIPPET_CHARS {
            return;
        }
        let from = (self.column - 1).saturating_sub(SNIPPET_CHARS / 3);
        let to = (from + SNIPPET_CHARS).min(chars.len());
        let mut text: String = chars[from..to].iter().collect();
        let mut shift = from;
        if from > 0 {
            text.insert(0, '…');
            shift -= 1;
        }
        if to < chars.len() {
            text.push('…');
        }
        self.line_text = text;
        self.column -= shift;
        self.width = self.width.min(SNIPPET_CHARS);
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
    /// What kind of finding it is; stable across versions.
    pub code: Code,
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
    /// The metrics, pages and updates it concerns.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub subjects: Vec<Subject>,
    /// The finding told to a reader of the site: a sentence of the theme's
    /// strings and the figures it names, in the site's style and language.
    #[serde(skip)]
    pub reader: Option<ReaderText>,
}

/// A finding in the words of the site's readers: the key of a sentence in
/// the theme's UI strings (`finding_stated_mismatch`) and the figures that
/// fill its `{placeholders}`.
#[derive(Debug, Clone, PartialEq)]
pub struct ReaderText {
    /// The UI string's key.
    pub key: &'static str,
    /// Placeholder name and text.
    pub facts: Vec<(&'static str, String)>,
}

impl ReaderText {
    /// The sentence from `template` (the UI string), its placeholders
    /// filled.
    pub fn fill(&self, template: &str) -> String {
        self.facts.iter().fold(template.to_string(), |text, (name, value)| {
            text.replace(&format!("{{{name}}}"), value)
        })
    }
}

impl Diagnostic {
    /// An error about a whole file (no position).
    pub fn error(code: Code, file: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            severity: Severity::Error,
            file: file.into(),
            location: None,
            message: message.into(),
            label: None,
            help: None,
            subjects: Vec::new(),
            reader: None,
        }
    }

    /// A warning about a whole file (no position).
    pub fn warning(code: Code, file: impl Into<String>, message: impl Into<String>) -> Self {
        let mut d = Diagnostic::error(code, file, message);
        d.severity = Severity::Warning;
        d
    }

    /// A note pointing at `span` (byte offsets) in `source`.
    pub fn note_at(code: Code, source: &Source, span: Range<usize>, message: impl Into<String>) -> Self {
        let mut d = Diagnostic::error_at(code, source, span, message);
        d.severity = Severity::Note;
        d
    }

    /// An error pointing at `span` (byte offsets) in `source`.
    pub fn error_at(code: Code, source: &Source, span: Range<usize>, message: impl Into<String>) -> Self {
        Diagnostic::error(code, source.path.clone(), message).located(source, span)
    }

    /// A warning pointing at `span` (byte offsets) in `source`.
    pub fn warning_at(code: Code, source: &Source, span: Range<usize>, message: impl Into<String>) -> Self {
        Diagnostic::warning(code, source.path.clone(), message).located(source, span)
    }

    /// Points the diagnostic at a span of `source`.
    pub fn located(mut self, source: &Source, span: Range<usize>) -> Self {
        self.location = Some(Location::at(&source.text, span));
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

    /// Records what the finding is about.
    pub fn about(mut self, subject: Subject) -> Self {
        if !self.subjects.contains(&subject) {
            self.subjects.push(subject);
        }
        self
    }

    /// Adds the finding as told to a reader of the site.
    pub fn reader(mut self, key: &'static str, facts: Vec<(&'static str, String)>) -> Self {
        self.reader = Some(ReaderText { key, facts });
        self
    }

    /// Records that the finding is about metric `id`.
    pub fn metric(self, id: &str) -> Self {
        self.about(Subject::Metric(id.to_string()))
    }

    /// True for errors.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// Whether the finding concerns metric `id`.
    pub fn concerns_metric(&self, id: &str) -> bool {
        self.subjects.iter().any(|s| matches!(s, Subject::Metric(m) if m == id))
    }
}

impl fmt::Display for Diagnostic {
    /// Renders in the style of rustc: header with the code, arrow with
    /// file:line:col, the source line with a caret under the culprit, then
    /// the help. What came from the input (a CSV cell, a server's message)
    /// is shown with its control characters made visible (see
    /// [`printable`]), so a diagnostic can never drive the terminal.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut text = String::new();
        self.write_plain(&mut text)?;
        f.write_str(&printable(&text))
    }
}

/// `text` with every character that a terminal would act on instead of
/// showing replaced by a visible one, one for one, so columns stay where
/// they were: C0 controls but newline and tab become their Unicode
/// pictures (`␛` for ESC), DEL `␡`, C1 controls and the bidirectional
/// overrides (which reorder what is shown) `�`.
pub fn printable(text: &str) -> std::borrow::Cow<'_, str> {
    let acts = |c: char| {
        (c.is_control() && c != '\n' && c != '\t') || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    };
    if !text.chars().any(acts) {
        return std::borrow::Cow::Borrowed(text);
    }
    text.chars()
        .map(|c| match c {
            c if !acts(c) => c,
            '\u{7f}' => '\u{2421}',
            c if (c as u32) < 0x20 => char::from_u32(0x2400 + c as u32).unwrap_or('\u{fffd}'),
            _ => '\u{fffd}',
        })
        .collect::<String>()
        .into()
}

impl Diagnostic {
    /// The rendering of [`fmt::Display`], before control characters are
    /// made visible.
    fn write_plain(&self, f: &mut String) -> fmt::Result {
        use fmt::Write as _;
        let kind = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "note",
        };
        writeln!(f, "{kind}[{}]: {}", self.code.name(), self.message)?;
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

fn write_help(f: &mut String, help: Option<&str>, gutter: usize) -> fmt::Result {
    use fmt::Write as _;
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
        self.0.iter().filter(|d| d.severity == Severity::Warning).count()
    }

    /// Number of notes.
    pub fn note_count(&self) -> usize {
        self.0.iter().filter(|d| d.severity == Severity::Note).count()
    }

    /// Moves all findings of `other` into this list.
    pub fn extend(&mut self, other: Diagnostics) {
        self.0.extend(other.0);
    }

    /// The plan checks' findings: what the consistency page shows. Notes
    /// are for the author and stay out of it.
    pub fn findings(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0
            .iter()
            .filter(|d| d.code.kind() == CodeKind::Lint && d.severity != Severity::Note)
    }

    /// Errors first, then by file and line, so output is stable.
    pub fn sort(&mut self) {
        self.0.sort_by(|a, b| {
            let key = |d: &Diagnostic| {
                (
                    d.severity,
                    d.file.clone(),
                    d.location.as_ref().map(|l| (l.line, l.column)),
                    d.code,
                )
            };
            key(a).cmp(&key(b))
        });
    }
}

/// Shortens text quoted from the input for a message: a value the author
/// wrote may be a whole file (a `site.yaml` that is not YAML at all), and a
/// message quotes at most a few words of it.
pub fn quote(text: &str) -> String {
    const MAX: usize = 60;
    let first_line = text.lines().next().unwrap_or("");
    if first_line.chars().count() <= MAX && first_line.len() == text.len() {
        return text.to_string();
    }
    let cut: String = first_line.chars().take(MAX).collect();
    format!("{}…", cut.trim_end())
}

#[cfg(test)]
mod tests;
