//! Finding things again in a YAML file after serde has parsed it.
//!
//! serde gives positions only for errors. To point a diagnostic at a metric
//! that parsed fine but is wrong (a bad period key, an unknown id in a
//! formula) we search the text from the metric's `id:` line onwards, which
//! is exact for the files people write.

use crate::diagnostic::Source;

/// The offset of the value of the `id: <id>` line that starts a metric.
pub fn metric_id(source: &Source, id: &str) -> usize {
    let mut offset = 0;
    for line in source.text.split_inclusive('\n') {
        let content = line.trim_start().trim_start_matches('-').trim_start();
        if let Some(value) = content.strip_prefix("id:") {
            let value = value.trim().trim_matches(|c| c == '"' || c == '\'');
            if value == id {
                return offset + line.find(id).unwrap_or(0);
            }
        }
        offset += line.len();
    }
    0
}

/// The offset of `key:` inside the `section:` (target, actual, stated) of the
/// metric whose id is at `from`; falls back to the section, then to `from`.
pub fn series_key(source: &Source, from: usize, section: &str, key: &str) -> usize {
    let Some(sec) = source.find_key(from, section) else {
        return from;
    };
    let mut at = sec;
    while let Some(found) = source.find_from(at, key) {
        let before = source.text[..found].chars().next_back().unwrap_or(' ');
        let after = &source.text[found + key.len()..];
        let boundary = !(before.is_alphanumeric() || before == '_');
        if boundary && after.trim_start_matches(['"', '\'']).trim_start().starts_with(':') {
            return found;
        }
        at = found + key.len();
    }
    sec
}

/// The literal written after `key:` at `key_at`, e.g. `41.7` or `"80%"`.
pub fn literal_after(source: &Source, key_at: usize) -> Option<(usize, &str)> {
    let rest = &source.text[key_at..];
    let colon = rest.find(':')?;
    let value = &rest[colon + 1..];
    let lead = value.len() - value.trim_start_matches([' ', '\t']).len();
    let value = &value[lead..];
    let end = value.find([',', '}', '\n', '#']).unwrap_or(value.len());
    Some((key_at + colon + 1 + lead, value[..end].trim_end()))
}

/// The offset of `field:` for the metric at `from`, or `from`.
pub fn field(source: &Source, from: usize, field: &str) -> usize {
    source.find_from(from, &format!("{field}:")).map_or(from, |at| {
        at + field.len() + 1 + count_spaces(&source.text[at + field.len() + 1..])
    })
}

fn count_spaces(text: &str) -> usize {
    text.len() - text.trim_start_matches(' ').len()
}

#[cfg(test)]
mod tests;
