//! The letter's HTML made fit for mail clients: classes and ids removed,
//! the few styles it needs written into each tag, task boxes as
//! characters. Mail clients drop `<style>` blocks and external stylesheets
//! (Gmail keeps some, Outlook almost none), so inline styles are the only
//! ones every client honours.
//!
//! The input is palanca's own HTML (pulldown-cmark's output and its
//! tables): tags are well formed and attribute values are double-quoted,
//! and text never holds a raw `<`. That is what lets one pass over the
//! tags do the job without an HTML parser.

/// The style each tag gets; tags not listed keep no style.
const STYLES: &[(&str, &str)] = &[
    ("p", "margin:0 0 14px;font-size:15px;line-height:1.5"),
    ("h1", "margin:20px 0 8px;font-size:20px;line-height:1.3"),
    ("h2", "margin:20px 0 8px;font-size:17px;line-height:1.3"),
    ("h3", "margin:16px 0 6px;font-size:15px;line-height:1.3"),
    ("h4", "margin:14px 0 6px;font-size:15px;line-height:1.3"),
    ("ul", "margin:0 0 14px;padding-left:22px;font-size:15px;line-height:1.5"),
    ("ol", "margin:0 0 14px;padding-left:22px;font-size:15px;line-height:1.5"),
    ("li", "margin:0 0 4px"),
    ("a", "color:#1a56c4;text-decoration:underline"),
    (
        "blockquote",
        "margin:0 0 14px;padding-left:12px;border-left:3px solid #c9ced6;color:#4a5361",
    ),
    ("code", "font-family:Menlo,Consolas,monospace;font-size:13px"),
    ("pre", "margin:0 0 14px;white-space:pre-wrap;font-size:13px"),
    ("table", "border-collapse:collapse;margin:0 0 14px;font-size:13px"),
    ("th", "padding:4px 8px;border-bottom:1px solid #c9ced6;text-align:left"),
    ("td", "padding:4px 8px;border-bottom:1px solid #e3e6eb;text-align:right"),
    ("caption", "text-align:left;font-weight:bold;padding:4px 0"),
    ("hr", "border:0;border-top:1px solid #c9ced6;margin:18px 0"),
    ("img", "display:block;max-width:100%;height:auto;border:0"),
];

/// Attributes a mail client has no use for, or that would tie the HTML to
/// a stylesheet it does not have.
const DROPPED: &[&str] = &[
    "class",
    "id",
    "tabindex",
    "role",
    "aria-label",
    "aria-labelledby",
    "title",
];

/// `html` with inline styles and without classes.
pub fn inline(html: &str) -> String {
    let mut out = String::with_capacity(html.len() * 2);
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        out.push_str(&rest[..open]);
        let Some(close) = rest[open..].find('>').map(|c| open + c) else {
            out.push_str(&rest[open..]);
            return out;
        };
        out.push_str(&tag(&rest[open + 1..close]));
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    out
}

/// One tag, rewritten (the text between `<` and `>`).
fn tag(inside: &str) -> String {
    if inside.starts_with('/') || inside.starts_with('!') {
        return format!("<{inside}>");
    }
    let name_end = inside
        .find(|c: char| c.is_whitespace() || c == '/')
        .unwrap_or(inside.len());
    let name = inside[..name_end].to_ascii_lowercase();
    let attrs = attributes(&inside[name_end..]);
    // A task box (palanca writes an empty span with a class, a raw
    // checkbox may come from the author's HTML): a character every client
    // shows, since the class it relied on is gone.
    let class = attrs
        .iter()
        .find(|(k, _)| k == "class")
        .and_then(|(_, v)| v.as_deref())
        .unwrap_or("");
    if name == "span" && class.split_whitespace().any(|c| c == "task") {
        let done = class.split_whitespace().any(|c| c == "done");
        return if done { "<span>☑ " } else { "<span>☐ " }.to_string();
    }
    if name == "input" {
        let checked = attrs.iter().any(|(k, _)| k == "checked");
        return if checked { "☑ " } else { "☐ " }.to_string();
    }
    let mut out = format!("<{name}");
    for (key, value) in attrs
        .iter()
        .filter(|(k, _)| !DROPPED.contains(&k.as_str()) && k != "style")
    {
        match value {
            Some(v) => out.push_str(&format!(" {key}=\"{v}\"")),
            None => out.push_str(&format!(" {key}")),
        }
    }
    if let Some((_, style)) = STYLES.iter().find(|(n, _)| *n == name) {
        out.push_str(&format!(" style=\"{style}\""));
    }
    if inside.trim_end().ends_with('/') {
        out.push_str(" /");
    }
    out.push('>');
    out
}

/// The attributes of a tag: `key="value"` or a bare `key`.
fn attributes(mut text: &str) -> Vec<(String, Option<String>)> {
    let mut attrs = Vec::new();
    loop {
        text = text.trim_start_matches(|c: char| c.is_whitespace() || c == '/');
        if text.is_empty() {
            return attrs;
        }
        let key_end = text
            .find(|c: char| c.is_whitespace() || c == '=' || c == '/')
            .unwrap_or(text.len());
        let key = text[..key_end].to_ascii_lowercase();
        text = &text[key_end..];
        if let Some(after) = text.strip_prefix("=\"") {
            let end = after.find('"').unwrap_or(after.len());
            attrs.push((key, Some(after[..end].to_string())));
            text = after.get(end + 1..).unwrap_or("");
        } else {
            attrs.push((key, None));
        }
    }
}

#[cfg(test)]
mod tests;
