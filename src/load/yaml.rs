//! YAML parsing with diagnostics that point into the file.

use serde::de::DeserializeOwned;

use crate::diagnostic::{Diagnostic, Source};

/// Parses `source.text[start..end]` as YAML into `T`. A syntax or type error
/// becomes a diagnostic at the right line of the whole file, even when the
/// YAML is only the front matter of a Markdown page.
pub fn parse<T: DeserializeOwned>(source: &Source, start: usize, end: usize, what: &str) -> Result<T, Diagnostic> {
    let text = &source.text[start..end];
    serde_yaml::from_str(text).map_err(|typed| {
        // serde reads fields as it goes, so a syntax error further down can
        // surface first as a "missing field". On failure, look for a syntax
        // error first: it is the one to fix.
        let e = match serde_yaml::from_str::<serde_yaml::Value>(text) {
            Err(syntax) => syntax,
            Ok(_) => typed,
        };
        to_diagnostic(source, start, &e, what)
    })
}

fn to_diagnostic(source: &Source, start: usize, e: &serde_yaml::Error, what: &str) -> Diagnostic {
    let full = e.to_string();
    // The message ends in " at line L column C" (sometimes twice, for
    // libyaml's context); the position is shown by the arrow instead.
    let message = match full.find(" at line ") {
        Some(i) => full[..i].to_string(),
        None => full.clone(),
    };
    let Some(loc) = e.location() else {
        let mut d = Diagnostic::error(source.path.clone(), format!("invalid {what}: {message}"));
        if let Some(help) = help_for(&message) {
            d = d.help(help);
        }
        return d;
    };
    let offset = start + loc.index();
    let word = source.text[offset.min(source.text.len())..]
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '-')
        .map(char::len_utf8)
        .sum::<usize>()
        .max(1);
    let mut d = Diagnostic::error_at(source, offset, word, format!("invalid {what}: {message}"));
    if let Some(help) = help_for(&message) {
        d = d.help(help);
    }
    d
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
    } else if message.contains("mapping values are not allowed") || message.contains("did not find expected") {
        Some("check the indentation and quote strings that contain `: `".into())
    } else {
        None
    }
}
