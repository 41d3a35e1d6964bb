//! YAML parsing with diagnostics that point into the file, and the
//! positions of every value for the checks that come later.

use serde::de::DeserializeOwned;

use super::spans::Spans;
use crate::diagnostic::{Code, Diagnostic, Source};
use crate::limits;

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
    if let Some(at) = too_deep(text) {
        return Err(Diagnostic::error_at(
            Code::TooLarge,
            source,
            start + at..start + at + 1,
            format!(
                "invalid {what}: `[…]` and `{{…}}` are nested more than {} levels deep here",
                limits::YAML_FLOW_DEPTH
            ),
        )
        .help("write the value in block style, one level per line, or nest less; no plan needs this depth"));
    }
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

/// Where flow collections (`[…]`, `{…}`) first nest deeper than
/// [`limits::YAML_FLOW_DEPTH`], found in one linear pass before any YAML
/// parser runs: both parsers take time that grows faster than the depth
/// (a 200 KB file of brackets took 46 s), and refuse only after it.
///
/// The pass follows just enough of YAML to count real brackets: quoted
/// scalars and comments are skipped, a block scalar (`|`, `>`) is skipped
/// to the end of its indented lines, and outside any flow collection a
/// bracket opens one only where a value starts (`key: [`, `- {`), not in
/// the middle of plain text (`title: a [draft]`). It may count a bracket
/// too few on an input no parser would accept, never one too many on a
/// file that reads.
pub(crate) fn too_deep(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    // Whether the next non-blank byte starts a value (line start, after
    // `: `, `- `, `? `, or inside a flow collection after `[`, `{`, `,`).
    let mut value_start = true;
    let mut line_indent = 0usize;
    let mut at_line_start = true;
    while i < bytes.len() {
        let b = bytes[i];
        if at_line_start {
            let indent = bytes[i..].iter().take_while(|&&c| c == b' ').count();
            line_indent = indent;
            i += indent;
            at_line_start = false;
            value_start = true;
            continue;
        }
        match b {
            b'\n' => {
                at_line_start = true;
                i += 1;
                continue;
            }
            b' ' | b'\t' | b'\r' => {
                i += 1;
                continue;
            }
            b'#' if i == 0 || matches!(bytes[i - 1], b' ' | b'\t' | b'\n') => {
                i = bytes[i..]
                    .iter()
                    .position(|&c| c == b'\n')
                    .map_or(bytes.len(), |n| i + n);
                continue;
            }
            b'"' | b'\'' if value_start => {
                i = skip_quoted(bytes, i);
                value_start = false;
                continue;
            }
            b'|' | b'>' if value_start && depth == 0 => {
                i = skip_block_scalar(bytes, i, line_indent);
                at_line_start = true;
                continue;
            }
            b'[' | b'{' if value_start || depth > 0 => {
                depth += 1;
                if depth > limits::YAML_FLOW_DEPTH {
                    return Some(i);
                }
                value_start = true;
            }
            b']' | b'}' if depth > 0 => {
                depth -= 1;
                value_start = false;
            }
            b',' if depth > 0 => value_start = true,
            b':' | b'-' | b'?'
                if bytes
                    .get(i + 1)
                    .is_none_or(|c| matches!(c, b' ' | b'\t' | b'\n' | b'\r')) =>
            {
                value_start = true;
            }
            _ => value_start = false,
        }
        i += 1;
    }
    None
}

/// The end of the quoted scalar opening at `start` (a `''` or `\"` inside
/// it does not close it).
fn skip_quoted(bytes: &[u8], start: usize) -> usize {
    let quote = bytes[start];
    let mut i = start + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if quote == b'"' => i += 2,
            c if c == quote => {
                if quote == b'\'' && bytes.get(i + 1) == Some(&b'\'') {
                    i += 2;
                } else {
                    return i + 1;
                }
            }
            _ => i += 1,
        }
    }
    bytes.len()
}

/// The start of the first line after the block scalar whose indicator is
/// at `start`, on a line indented by `indent`: its lines are those blank
/// or indented further.
fn skip_block_scalar(bytes: &[u8], start: usize, indent: usize) -> usize {
    let mut i = bytes[start..]
        .iter()
        .position(|&c| c == b'\n')
        .map_or(bytes.len(), |n| start + n + 1);
    while i < bytes.len() {
        let line_end = bytes[i..]
            .iter()
            .position(|&c| c == b'\n')
            .map_or(bytes.len(), |n| i + n);
        let line = &bytes[i..line_end];
        let spaces = line.iter().take_while(|&&c| c == b' ').count();
        let blank = line[spaces..].iter().all(|c| matches!(c, b' ' | b'\t' | b'\r'));
        if !blank && spaces <= indent {
            return i;
        }
        i = line_end + 1;
    }
    bytes.len()
}

#[cfg(test)]
mod tests;
