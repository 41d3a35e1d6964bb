//! Markdown to HTML with pulldown-cmark: tables, task lists, footnotes,
//! smart punctuation, heading anchors and palanca's shortcodes.
//!
//! Every step is linear in the text: shortcodes (found when the page was
//! loaded) are swapped for placeholders in one pass and their HTML put back
//! in another, so a page with a hundred thousand of them costs a hundred
//! thousand times one, not its square.

use std::collections::{HashMap, HashSet};

use pulldown_cmark::{CowStr, Event, Parser, Tag, TagEnd, html};

use crate::shortcode::{Shortcode, markdown_options};

/// How a body is rendered.
#[derive(Debug, Clone, Copy)]
pub struct Options<'a> {
    /// Prefix of footnote ids, so that several sections can share a page.
    pub prefix: &'a str,
    /// Whether raw HTML in the Markdown reaches the page (else it is shown
    /// as text).
    pub raw_html: bool,
    /// What a screen reader says for a ticked and an open task.
    pub task_labels: [&'a str; 2],
}

/// Where a line of `text` first opens more than
/// [`crate::limits::MARKDOWN_NESTING`] block quotes and list items at once
/// (`>>>>…`, `- - - …`, `1. 1. …`), found in one pass over the text. The
/// parser's work and the page's size grow with that depth (16 MB of `>`
/// made a page of 432 MB), so it is refused before the parser runs.
/// Nesting built over many lines costs the author quadratic input and
/// is bounded by the file's size.
pub fn too_nested(text: &str) -> Option<usize> {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        if markers(line.as_bytes()) > crate::limits::MARKDOWN_NESTING {
            return Some(offset);
        }
        offset += line.len();
    }
    None
}

/// How many container markers open a line: `>`, `-`, `+`, `*` or `1.`
/// each followed by a blank, with up to three spaces before each. A line
/// of one marker repeated (`- - -`) is a thematic break, which opens none.
fn markers(line: &[u8]) -> usize {
    let body = line.trim_ascii();
    if body.len() >= 3
        && let Some(&first) = body.first()
        && matches!(first, b'-' | b'*' | b'_')
        && body.iter().all(|&c| c == first || c == b' ' || c == b'\t')
    {
        return 0;
    }
    let blank = |i: usize| line.get(i).is_none_or(|c| matches!(c, b' ' | b'\t' | b'\n' | b'\r'));
    let (mut i, mut depth) = (0, 0);
    loop {
        let spaces = line[i..].iter().take_while(|&&c| c == b' ').count();
        if spaces > 3 {
            return depth;
        }
        i += spaces;
        match line.get(i) {
            Some(b'>') => i += 1,
            Some(b'-' | b'+' | b'*') if blank(i + 1) => i += 1,
            Some(c) if c.is_ascii_digit() => {
                let digits = line[i..].iter().take_while(|c| c.is_ascii_digit()).count();
                if digits > 9 || !matches!(line.get(i + digits), Some(b'.' | b')')) || !blank(i + digits + 1) {
                    return depth;
                }
                i += digits + 1;
            }
            _ => return depth,
        }
        depth += 1;
        if line.get(i).is_some_and(|c| matches!(c, b' ' | b'\t')) {
            i += 1;
        }
    }
}

/// The placeholder of shortcode `i`: a word Markdown leaves alone, wrapped
/// in characters from Unicode's private use area that no author types.
fn placeholder(i: usize) -> String {
    format!("\u{E000}{i}\u{E001}")
}

/// The mark a done task's box stands as in prepared HTML.
const DONE: char = '\u{E002}';

/// The mark an open task's box stands as in prepared HTML.
const OPEN: char = '\u{E003}';

/// Renders `body` to HTML; `shortcodes` (found in `body` when it was
/// loaded) are rendered by `shortcode`.
pub fn render(
    body: &str,
    shortcodes: &[Shortcode],
    options: &Options,
    shortcode: &dyn Fn(&Shortcode) -> String,
) -> String {
    render_counting(body, shortcodes, options, shortcode).0
}

/// [`render`], with the body's tasks (done, total) counted in the same
/// parse.
pub fn render_counting(
    body: &str,
    shortcodes: &[Shortcode],
    options: &Options,
    shortcode: &dyn Fn(&Shortcode) -> String,
) -> (String, (usize, usize)) {
    let prepared = prepare(body, shortcodes, options.raw_html, options.prefix);
    let html = finish(&prepared.html, shortcodes, options.task_labels, shortcode);
    (html, prepared.tasks)
}

/// A body made HTML before the page it goes on is known: its shortcodes
/// stand as placeholders and its task boxes as marks (the boxes' names
/// are the theme's words), and its tasks are counted. What the render
/// adds later takes one pass ([`finish`]); the Markdown is parsed once.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// The HTML, with placeholders and marks.
    pub html: String,
    /// Done and total tasks.
    pub tasks: (usize, usize),
}

/// Parses `body` into [`Prepared`] HTML: raw HTML kept or shown as text as
/// `raw_html` says, footnote ids prefixed with `prefix`.
pub fn prepare(body: &str, shortcodes: &[Shortcode], raw_html: bool, prefix: &str) -> Prepared {
    let text = with_placeholders(body, shortcodes);
    let mut tasks = (0, 0);
    // Streamed from the parser to the HTML: only a heading's own events
    // are held, until its id is known.
    let events = Parser::new_ext(&text, markdown_options())
        .inspect(|e| {
            if let Event::TaskListMarker(done) = e {
                tasks.0 += usize::from(*done);
                tasks.1 += 1;
            }
        })
        .map(|e| task_mark(safe(e, raw_html)))
        .map(|e| prefix_footnote(e, prefix));
    let mut html = String::with_capacity(text.len() * 2);
    html::push_html(&mut html, HeadingIds::new(events));
    Prepared { html, tasks }
}

/// The body with each shortcode replaced by its placeholder, in one pass;
/// the body itself when it has neither shortcodes nor placeholder marks.
fn with_placeholders<'a>(body: &'a str, shortcodes: &[Shortcode]) -> std::borrow::Cow<'a, str> {
    // Private-use characters written by the author would be mistaken for
    // placeholders and marks: they are dropped (they show nothing anyway).
    let marks = ['\u{E000}', '\u{E001}', DONE, OPEN];
    // Every mark starts with the byte 0xEE (U+E000 to U+EFFF): one fast search.
    if shortcodes.is_empty() && memchr::memchr(0xEE, body.as_bytes()).is_none() {
        return std::borrow::Cow::Borrowed(body);
    }
    let clean = |s: &str| s.replace(marks, "");
    let mut out = String::with_capacity(body.len());
    let mut pos = 0;
    for (i, sc) in shortcodes.iter().enumerate() {
        if sc.span.start < pos || sc.span.end > body.len() {
            continue;
        }
        out.push_str(&clean(&body[pos..sc.span.start]));
        out.push_str(&placeholder(i));
        pos = sc.span.end;
    }
    out.push_str(&clean(&body[pos..]));
    std::borrow::Cow::Owned(out)
}

/// Finishes [`Prepared`] HTML in one pass: each task mark becomes its box,
/// named with `labels` (done, open), and each placeholder its shortcode's
/// HTML. A shortcode alone on its line became a paragraph of its own: the
/// paragraph goes, so block HTML is not nested in `<p>`.
pub fn finish(
    html: &str,
    shortcodes: &[Shortcode],
    [done, open]: [&str; 2],
    shortcode: &dyn Fn(&Shortcode) -> String,
) -> String {
    let boxes = [task_box("task done", done), task_box("task", open)];
    let mut out = String::with_capacity(html.len() + html.len() / 8);
    let mut rest = html;
    // Every mark and placeholder starts with the byte 0xEE (U+E000 to U+EFFF).
    while let Some(at) = memchr::memchr(0xEE, rest.as_bytes()) {
        // Past the largest page palanca writes, drawing more is wasted:
        // the page is refused when it is written (see `limits::PAGE_BYTES`).
        if out.len() > crate::limits::PAGE_BYTES {
            break;
        }
        let mark = rest[at..].chars().next().unwrap_or(' ');
        let after = &rest[at + mark.len_utf8()..];
        match mark {
            DONE | OPEN => {
                out.push_str(&rest[..at]);
                out.push_str(&boxes[usize::from(mark == OPEN)]);
                rest = after;
            }
            '\u{E000}' => rest = put_back_one(&mut out, &rest[..at], after, shortcodes, shortcode),
            _ => {
                out.push_str(&rest[..at + mark.len_utf8()]);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Writes what comes `before` a placeholder and its shortcode's HTML (in
/// place of its paragraph, when it is alone in one); returns the rest.
fn put_back_one<'a>(
    out: &mut String,
    before: &str,
    after: &'a str,
    shortcodes: &[Shortcode],
    shortcode: &dyn Fn(&Shortcode) -> String,
) -> &'a str {
    let found = after.find('\u{E001}').and_then(|close| {
        let sc = after[..close].parse::<usize>().ok().and_then(|i| shortcodes.get(i))?;
        Some((sc, &after[close + '\u{E001}'.len_utf8()..]))
    });
    let Some((sc, tail)) = found else {
        out.push_str(before);
        out.push('\u{E000}');
        return after;
    };
    if before.ends_with("<p>") && tail.starts_with("</p>") {
        out.push_str(&before[..before.len() - 3]);
        out.push_str(&shortcode(sc));
        &tail[4..]
    } else {
        out.push_str(before);
        out.push_str(&shortcode(sc));
        tail
    }
}

/// URL schemes a link or image may use; anything else (`javascript:`,
/// `vbscript:`, `data:` HTML) is replaced by `#`.
fn safe_url(url: &str) -> bool {
    let lower: String = url
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .take(16)
        .collect::<String>()
        .to_ascii_lowercase();
    match lower.split_once(':') {
        // No scheme before the first `/`, `?` or `#`: a relative link.
        Some((scheme, _)) if !scheme.contains(['/', '?', '#']) => {
            matches!(scheme, "http" | "https" | "mailto" | "tel") || lower.starts_with("data:image/")
        }
        _ => true,
    }
}

/// Neutralises what must never reach a page: raw HTML when the site turned
/// it off (it becomes text), and links or images with unsafe URLs.
fn safe(event: Event, raw_html: bool) -> Event {
    match event {
        Event::Html(h) | Event::InlineHtml(h) if !raw_html => Event::Text(h),
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) if !safe_url(&dest_url) => Event::Start(Tag::Link {
            link_type,
            dest_url: "#".into(),
            title,
            id,
        }),
        Event::Start(Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        }) if !safe_url(&dest_url) => Event::Start(Tag::Image {
            link_type,
            dest_url: "#".into(),
            title,
            id,
        }),
        other => other,
    }
}

/// A task's box as a mark, which [`finish`] makes the box: an image with
/// a name, rather than a disabled checkbox (a form control that no label
/// names).
fn task_mark(event: Event<'_>) -> Event<'_> {
    match event {
        Event::TaskListMarker(ticked) => Event::InlineHtml(CowStr::from(if ticked { DONE } else { OPEN }.to_string())),
        other => other,
    }
}

/// A task's box, named with `label`.
fn task_box(class: &str, label: &str) -> String {
    format!(
        "<span class=\"{class}\" role=\"img\" aria-label=\"{}\"></span>",
        label.replace('"', "&quot;")
    )
}

/// A footnote's label with the page's prefix, so that sections sharing a
/// page keep their notes apart.
fn prefix_footnote<'a>(mut event: Event<'a>, prefix: &str) -> Event<'a> {
    if let Event::FootnoteReference(label) | Event::Start(Tag::FootnoteDefinition(label)) = &mut event {
        *label = CowStr::from(format!("{prefix}-fn-{label}"));
    }
    event
}

/// Gives every heading without an explicit `{#id}` a slug of its text,
/// made unique within the page, as the events go by: a heading's events
/// are held until its end, the rest pass straight through.
struct HeadingIds<'a, I> {
    events: I,
    ids: Ids,
    held: std::collections::VecDeque<Event<'a>>,
}

impl<'a, I: Iterator<Item = Event<'a>>> HeadingIds<'a, I> {
    fn new(events: I) -> Self {
        HeadingIds {
            events,
            ids: Ids::default(),
            held: std::collections::VecDeque::new(),
        }
    }
}

impl<'a, I: Iterator<Item = Event<'a>>> Iterator for HeadingIds<'a, I> {
    type Item = Event<'a>;

    fn next(&mut self) -> Option<Event<'a>> {
        if let Some(held) = self.held.pop_front() {
            return Some(held);
        }
        let mut event = self.events.next()?;
        let Event::Start(Tag::Heading { id, .. }) = &mut event else {
            return Some(event);
        };
        if let Some(given) = id {
            self.ids.used.insert(given.to_string());
            return Some(event);
        }
        let mut text = String::new();
        for e in self.events.by_ref() {
            if let Event::Text(t) | Event::Code(t) = &e {
                text.push_str(t);
            }
            let end = matches!(e, Event::End(TagEnd::Heading(_)));
            self.held.push_back(e);
            if end {
                break;
            }
        }
        *id = Some(CowStr::from(self.ids.unique(slugify(&text))));
        Some(event)
    }
}

/// Heading ids given so far, and the next number to try for each slug, so
/// a page of many equal headings stays linear.
#[derive(Default)]
struct Ids {
    used: HashSet<String>,
    next: HashMap<String, usize>,
}

impl Ids {
    fn unique(&mut self, base: String) -> String {
        let base = if base.is_empty() { "section".to_string() } else { base };
        if self.used.insert(base.clone()) {
            return base;
        }
        let n = self.next.entry(base.clone()).or_insert(1);
        loop {
            let candidate = format!("{base}-{n}");
            *n += 1;
            if self.used.insert(candidate.clone()) {
                return candidate;
            }
        }
    }
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
