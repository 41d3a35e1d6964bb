//! YAML parsing with diagnostics that point into the file, and the
//! positions of every value for the checks that come later.

use serde::de::DeserializeOwned;

use super::spans::Spans;
use crate::diagnostic::{Code, Diagnostic, Source};

/// Parses `source.text[start..end]` as YAML into `T`, with the positions of
/// its values. A syntax or type error becomes a diagnostic at the right line
/// of the whole file, even when the YAML is only the front matter of a
/// Markdown page.
pub fn parse<T: DeserializeOwned>(
    source: &Source,
    start: usize,
    end: usize,
    what: &str,
) -> Result<(T, Spans), Diagnostic> {
    let text = &source.text[start..end];
    match serde_yaml::from_str(text) {
        Ok(value) => Ok((value, Spans::parse(&source.text, start, end))),
        Err(typed) => {
            // serde reads fields as it goes, so a syntax error further down
            // can surface first as a "missing field". On failure, look for a
            // syntax error first: it is the one to fix.
            let e = match serde_yaml::from_str::<serde_yaml::Value>(text) {
                Err(syntax) => syntax,
                Ok(_) => typed,
            };
            Err(to_diagnostic(source, start, &e, what))
        }
    }
}

fn to_diagnostic(source: &Source, start: usize, e: &serde_yaml::Error, what: &str) -> Diagnostic {
    let full = e.to_string();
    // The message ends in " at line L column C" (sometimes twice, for
    // libyaml's context); the position is shown by the arrow instead.
    let message = match full.find(" at line ") {
        Some(i) => full[..i].to_string(),
        None => full.clone(),
    };
    let message = shorten_quoted(&message);
    let help = help_for(&message);
    let d = match e.location() {
        None => Diagnostic::error(
            Code::InvalidYaml,
            source.path.clone(),
            format!("invalid {what}: {message}"),
        ),
        Some(loc) => {
            let offset = (start + loc.index()).min(source.text.len());
            let word = source.text[offset..]
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '-')
                .map(char::len_utf8)
                .sum::<usize>()
                .max(1);
            Diagnostic::error_at(
                Code::InvalidYaml,
                source,
                offset..offset + word,
                format!("invalid {what}: {message}"),
            )
        }
    };
    match help {
        Some(help) => d.help(help),
        None => d,
    }
}

/// serde quotes the offending value whole (`invalid type: string "..."`);
/// when a file is not YAML at all that value is the whole file. Keep a few
/// words of each quoted value.
fn shorten_quoted(message: &str) -> String {
    let mut out = String::new();
    let mut parts = message.split('"');
    if let Some(first) = parts.next() {
        out.push_str(first);
    }
    for (i, part) in parts.enumerate() {
        out.push('"');
        if i % 2 == 0 {
            out.push_str(&crate::diagnostic::quote(part));
        } else {
            out.push_str(part);
        }
    }
    out
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
    } else if message.contains("recursion limit") || message.contains("repetition limit") {
        Some("palanca reads YAML nested up to 128 levels, without alias expansions that multiply the document".into())
    } else {
        None
    }
}
