//! Markdown to HTML with pulldown-cmark: tables, task lists, footnotes,
//! smart punctuation, heading anchors and palanca's shortcodes.

use std::collections::HashSet;

use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd, html};

use crate::shortcode::{self, Shortcode};

/// Renders `body` to HTML. Footnote ids are prefixed with `prefix` so that
/// several sections can share a page; `shortcode` renders each shortcode.
pub fn render(body: &str, prefix: &str, shortcode: &dyn Fn(&Shortcode) -> String) -> String {
    let (text, codes) = replace_shortcodes(body);
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_HEADING_ATTRIBUTES;
    let events: Vec<Event> = Parser::new_ext(&text, options).collect();
    let events = prefix_footnotes(events, prefix);
    let events = add_heading_ids(events);
    let mut out = String::with_capacity(text.len() * 2);
    html::push_html(&mut out, events.into_iter());
    for (i, code) in codes.iter().enumerate() {
        let marker = placeholder(i);
        let html = shortcode(code);
        // A shortcode alone on its line became a paragraph of its own.
        let para = format!("<p>{marker}</p>");
        out = if out.contains(&para) {
            out.replace(&para, &html)
        } else {
            out.replace(&marker, &html)
        };
    }
    out
}

fn placeholder(i: usize) -> String {
    format!("PALANCASHORTCODE{i}X")
}

/// Swaps each valid shortcode for a placeholder word that Markdown leaves
/// alone. Invalid ones were reported by the model stage already.
fn replace_shortcodes(body: &str) -> (String, Vec<Shortcode>) {
    let mut codes = Vec::new();
    let mut out = String::with_capacity(body.len());
    let mut pos = 0;
    for sc in shortcode::find(body).into_iter().flatten() {
        out.push_str(&body[pos..sc.span.start]);
        out.push_str(&placeholder(codes.len()));
        pos = sc.span.end;
        codes.push(sc);
    }
    out.push_str(&body[pos..]);
    (out, codes)
}

fn prefix_footnotes<'a>(events: Vec<Event<'a>>, prefix: &str) -> Vec<Event<'a>> {
    let p = |label: &CowStr| CowStr::from(format!("{prefix}-fn-{label}"));
    events
        .into_iter()
        .map(|e| match e {
            Event::FootnoteReference(label) => Event::FootnoteReference(p(&label)),
            Event::Start(Tag::FootnoteDefinition(label)) => Event::Start(Tag::FootnoteDefinition(p(&label))),
            other => other,
        })
        .collect()
}

/// Gives every heading without an explicit `{#id}` a slug of its text,
/// made unique within the page.
fn add_heading_ids(mut events: Vec<Event>) -> Vec<Event> {
    let mut used = HashSet::new();
    for i in 0..events.len() {
        let Event::Start(Tag::Heading { id, .. }) = &events[i] else {
            continue;
        };
        if let Some(id) = id {
            used.insert(id.to_string());
            continue;
        }
        let mut text = String::new();
        for e in &events[i + 1..] {
            match e {
                Event::End(TagEnd::Heading(_)) => break,
                Event::Text(t) | Event::Code(t) => text.push_str(t),
                _ => {}
            }
        }
        let slug = unique(slugify(&text), &mut used);
        if let Event::Start(Tag::Heading { id, .. }) = &mut events[i] {
            *id = Some(CowStr::from(slug));
        }
    }
    events
}

fn unique(base: String, used: &mut HashSet<String>) -> String {
    let base = if base.is_empty() { "section".to_string() } else { base };
    let mut candidate = base.clone();
    let mut n = 1;
    while !used.insert(candidate.clone()) {
        candidate = format!("{base}-{n}");
        n += 1;
    }
    candidate
}

/// A URL-safe id: lowercase ASCII letters and digits joined by `-`, accents
/// folded (`Preparación` → `preparacion`).
pub fn slugify(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars().flat_map(char::to_lowercase) {
        let c = fold_accent(c);
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

fn fold_accent(c: char) -> char {
    match c {
        'á' | 'à' | 'ä' | 'â' => 'a',
        'é' | 'è' | 'ë' | 'ê' => 'e',
        'í' | 'ì' | 'ï' | 'î' => 'i',
        'ó' | 'ò' | 'ö' | 'ô' => 'o',
        'ú' | 'ù' | 'ü' | 'û' => 'u',
        'ñ' => 'n',
        'ç' => 'c',
        other => other,
    }
}

#[cfg(test)]
mod tests;
