//! YAML parsing with diagnostics that point into the file.

use serde::de::DeserializeOwned;

use crate::diagnostic::{Diagnostic, Source};

/// Parses `source.text[start..end]` as YAML into `T`. A syntax or type error
/// becomes a diagnostic at the right line of the whole file, even when the
/// YAML is only the front matter of a Markdown page.
pub fn parse<T: DeserializeOwned>(
    source: &Source,
    start: usize,
    end: usize,
    what: &str,
) -> Result<T, Diagnostic> {
    let text = &source.text[start..end];
    serde_yaml::from_str(text).map_err(|e| {
        let full = e.to_string();
        // The message already ends in " at line L column C"; we show the
        // position ourselves, relative to the whole file.
        let message = match full.rfind(" at line ") {
            Some(i) => full[..i].to_string(),
            None => full.clone(),
        };
        let offset = e.location().map_or(start, |l| start + l.index());
        let mut d = Diagnostic::error_at(source, offset, 1, format!("invalid {what}: {message}"));
        if let Some(help) = help_for(&message) {
            d = d.help(help);
        }
        // serde reports some errors (missing or duplicate fields) at the start
        // of the mapping; say so rather than pretend to know the line.
        if e.location().is_none() {
            d.location = None;
        }
        d
    })
}

fn help_for(message: &str) -> Option<String> {
    if message.contains("unknown field") {
        Some("check the spelling; the expected fields are listed above".into())
    } else if message.contains("missing field") {
        Some("add the field; it is required".into())
    } else if message.contains("invalid type") {
        Some("write the value in the type shown after `expected`".into())
    } else if message.contains("unknown variant") {
        Some("use one of the values listed after `expected`".into())
    } else if message.contains("duplicate") {
        Some("remove or rename one of the two entries".into())
    } else if message.contains("mapping values are not allowed")
        || message.contains("did not find expected")
    {
        Some("check the indentation and quote strings that contain `: `".into())
    } else {
        None
    }
}
