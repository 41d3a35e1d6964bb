//! Splitting a Markdown file into its YAML front matter and its body.

use crate::diagnostic::{Code, Diagnostic, Source};

/// Byte ranges of the front matter's YAML and of the body.
#[derive(Debug, Clone, Copy)]
pub struct Split {
    /// Start and end of the YAML between the `---` lines.
    pub yaml: (usize, usize),
    /// Where the Markdown body starts.
    pub body: usize,
}

/// Finds the front matter, which must open the file with a `---` line and
/// close with another.
pub fn split(source: &Source) -> Result<Split, Diagnostic> {
    let text = &*source.text;
    let first_line_end = text.find('\n').unwrap_or(text.len());
    if text[..first_line_end].trim_end() != "---" {
        return Err(Diagnostic::error_at(
            Code::FrontMatterMissing,
            source,
            0..first_line_end,
            "the page has no front matter",
        )
        .label("expected `---` here")
        .help("start the file with a `---` line, then `title: ...`, then another `---` line"));
    }
    let yaml_start = (first_line_end + 1).min(text.len());
    let mut pos = yaml_start;
    while pos < text.len() {
        let end = text[pos..].find('\n').map_or(text.len(), |i| pos + i);
        if text[pos..end].trim_end() == "---" {
            return Ok(Split {
                yaml: (yaml_start, pos),
                body: (end + 1).min(text.len()),
            });
        }
        pos = end + 1;
    }
    Err(Diagnostic::error_at(
        Code::FrontMatterUnclosed,
        source,
        0..3,
        "the front matter is never closed",
    )
    .label("opened here")
    .help("add a line with only `---` after the front matter's last field"))
}

#[cfg(test)]
mod tests;
