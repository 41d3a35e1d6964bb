//! Where every key and value of a YAML document is written, from the YAML
//! parser itself.
//!
//! serde gives positions only for the errors it raises. A metric that parses
//! fine can still be wrong (a bad period key, an unknown id in a formula, a
//! stated figure that disagrees), and its diagnostic must point at the very
//! characters. So each document is also read by an event parser
//! (yaml-rust2), which reports the position of every scalar and collection;
//! they are kept by path (`metrics[3].target.M12`), and later stages look
//! them up instead of searching the text again. One pass, linear in the
//! document, and no path is ever spelled out while reading: each is kept
//! as the hash of its text, continued from its parent's.

use std::ops::Range;

use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

/// A key and its value's position in the whole file, in bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
struct Node {
    key_start: u32,
    key_end: u32,
    start: u32,
    end: u32,
}

/// The positions of a YAML document's nodes, by path.
///
/// Paths join mapping keys with `.` and sequence indexes with `[i]`:
/// `metrics[0].target.M1`. Kept compact (a [`PathHash`] and four offsets per node)
/// because every page keeps its front matter's positions until the checks
/// that need them have run.
#[derive(Debug, Clone, Default)]
pub struct Spans {
    /// Shared, so the model's copy of a metric file's positions costs
    /// nothing beside the loader's.
    nodes: std::sync::Arc<[(u64, Node)]>,
}

impl Spans {
    /// Reads the positions of `text[start..end]` (a whole file, or a page's
    /// front matter), as offsets into the whole text. A document the event
    /// parser cannot read yields no positions: diagnostics then point at
    /// the file instead.
    pub fn parse(text: &str, start: usize, end: usize) -> Spans {
        let yaml = &text[start..end];
        let mut reader = Reader {
            text: yaml,
            base: start,
            ascii: yaml.is_ascii(),
            cursor: (0, 0, 0),
            line: (0, 0),
            stack: Vec::new(),
            nodes: Vec::new(),
            done: false,
        };
        let mut parser = Parser::new_from_str(yaml);
        if parser.load(&mut reader, false).is_err() {
            return Spans::default();
        }
        let mut nodes = reader.nodes;
        nodes.sort_by_key(|(h, _)| *h);
        nodes.dedup_by_key(|(h, _)| *h);
        Spans { nodes: nodes.into() }
    }

    fn node(&self, path: &str) -> Option<Node> {
        let h = PathHash::ROOT.then(path.as_bytes()).0;
        self.nodes
            .binary_search_by_key(&h, |(k, _)| *k)
            .ok()
            .map(|i| self.nodes[i].1)
    }

    /// Where the value at `path` is written: a scalar's text with its
    /// quotes, or the start of a collection.
    pub fn value(&self, path: &str) -> Option<Range<usize>> {
        self.node(path).map(|n| n.start as usize..n.end as usize)
    }

    /// Where the key of the value at `path` is written (the `target` of
    /// `target: {...}`), or the value itself for a sequence item.
    pub fn key(&self, path: &str) -> Option<Range<usize>> {
        self.node(path).map(|n| n.key_start as usize..n.key_end as usize)
    }

    /// Where the key and the value at `path` are written, in one lookup
    /// (see [`Spans::key`] and [`Spans::value`]).
    pub fn key_and_value(&self, path: &str) -> Option<(Range<usize>, Range<usize>)> {
        self.node(path).map(|n| {
            (
                n.key_start as usize..n.key_end as usize,
                n.start as usize..n.end as usize,
            )
        })
    }

    /// The value's span, else the key's: the best place to point at.
    pub fn value_or_key(&self, path: &str) -> Option<Range<usize>> {
        self.node(path).map(|n| {
            if n.end > n.start {
                n.start as usize..n.end as usize
            } else {
                n.key_start as usize..n.key_end as usize
            }
        })
    }

    /// Where `value` is written in the list at `key` (`headline`), found by
    /// its text: lists of ids lose entries to the audience stage, so an
    /// entry's index may no longer be the one it was written at.
    pub fn find_in_list(&self, text: &str, key: &str, value: &str) -> Option<Range<usize>> {
        (0..).map_while(|i| self.value(&format!("{key}[{i}]"))).find(|span| {
            text.get(span.clone())
                .is_some_and(|t| t.trim_matches(['"', '\'']) == value)
        })
    }

    /// Whether the document has a value at `path`.
    pub fn contains(&self, path: &str) -> bool {
        self.node(path).is_some()
    }
}

/// The hash of a path's text, FNV-1a: it can be continued piece by piece
/// (a parent's hash, then `.key`), so no path is built while reading, and
/// it costs little on the short keys of front matter and metric files. A
/// collision would only make a diagnostic point at another value of the
/// same file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct PathHash(u64);

impl PathHash {
    /// The hash of the empty path (the document itself).
    const ROOT: PathHash = PathHash(0xcbf2_9ce4_8422_2325);

    /// This hash continued with `bytes`.
    fn then(self, bytes: &[u8]) -> PathHash {
        PathHash(
            bytes
                .iter()
                .fold(self.0, |h, b| (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)),
        )
    }

    /// The path of `key` in the mapping at this path: `path.key`, or
    /// `key` at the top.
    fn key(self, key: &str) -> PathHash {
        let dotted = if self == PathHash::ROOT { self } else { self.then(b".") };
        dotted.then(key.as_bytes())
    }

    /// The path of item `index` in the sequence at this path: `path[index]`.
    fn item(self, index: usize) -> PathHash {
        let mut digits = [0u8; 20];
        let mut at = digits.len();
        let mut n = index;
        loop {
            at -= 1;
            digits[at] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        self.then(b"[").then(&digits[at..]).then(b"]")
    }
}

/// An open collection while the events are read.
enum Frame {
    Map {
        path: PathHash,
        /// The key read and waiting for its value, with its span.
        key: Option<(String, Range<usize>)>,
        /// Written in flow style (`{ a: 1 }`), where `,` ends a plain scalar.
        flow: bool,
    },
    Seq {
        path: PathHash,
        next: usize,
        flow: bool,
    },
}

struct Reader<'a> {
    text: &'a str,
    base: usize,
    /// Whether every character is one byte, so positions need no counting.
    ascii: bool,
    /// The last position converted: its line, and characters and bytes
    /// from that line's start.
    cursor: (usize, usize, usize),
    /// The last line start found: (line, byte offset).
    line: (usize, usize),
    stack: Vec<Frame>,
    nodes: Vec<(u64, Node)>,
    done: bool,
}

impl Reader<'_> {
    /// The byte offset (in `text`) of a marker. Text in ASCII needs no
    /// conversion. Otherwise the marker's line and column are used, not its
    /// index: yaml-rust2 0.13 counts a block scalar's (`>-`, `|`) line in
    /// bytes and every other character as one, so after a block scalar
    /// holding an accent the index runs ahead, while lines and columns start
    /// afresh at each line. Events come in the document's order, so a
    /// cursor moving forward along a line converts them all in one pass
    /// (counting each from its line's start was quadratic in a long flow
    /// line such as `target: { M1: …, M36: … }`).
    fn offset(&mut self, m: &Marker) -> usize {
        if self.ascii {
            return m.index().min(self.text.len());
        }
        self.byte_at(m.line().max(1) - 1, m.col())
    }

    /// The byte offset of character `col` (from 0) of line `line` (from 0).
    fn byte_at(&mut self, line: usize, col: usize) -> usize {
        let (at_line, mut chars, mut bytes) = self.cursor;
        if at_line != line || chars > col {
            chars = 0;
            bytes = self.line_start(line);
        }
        for c in self.text[bytes..].chars() {
            if chars == col || c == '\n' {
                break;
            }
            chars += 1;
            bytes += c.len_utf8();
        }
        self.cursor = (line, chars, bytes);
        bytes
    }

    /// The byte offset where line `line` (from 0) starts, found from the
    /// last line asked for, which is this one or an earlier one.
    fn line_start(&mut self, line: usize) -> usize {
        let (mut at_line, mut start) = self.line;
        if line < at_line {
            (at_line, start) = (0, 0);
        }
        while at_line < line {
            match self.text[start..].find('\n') {
                Some(i) => start += i + 1,
                None => return self.text.len(),
            }
            at_line += 1;
        }
        self.line = (at_line, start);
        start
    }

    /// The end of the scalar written at `start`: its closing quote, or the
    /// end of a plain scalar (before a comment, a flow separator or the line end).
    fn scalar_end(&self, start: usize, style: TScalarStyle) -> usize {
        let rest = &self.text[start.min(self.text.len())..];
        let len = match style {
            TScalarStyle::SingleQuoted => closing(rest, '\'', false),
            TScalarStyle::DoubleQuoted => closing(rest, '"', true),
            _ => {
                let line = rest.split('\n').next().unwrap_or("");
                let in_flow = matches!(
                    self.stack.last(),
                    Some(Frame::Map { flow: true, .. } | Frame::Seq { flow: true, .. })
                );
                let mut end = line.len();
                for (i, c) in line.char_indices() {
                    let comment = c == '#' && line[..i].ends_with([' ', '\t']);
                    // `: ` ends a plain scalar (it is a key's indicator).
                    let next = line[i + c.len_utf8()..].chars().next();
                    let indicator = c == ':'
                        && (next.is_none_or(|n| n == ' ' || n == '\t')
                            || (in_flow && matches!(next, Some(',' | ']' | '}'))));
                    if comment || indicator || (in_flow && matches!(c, ',' | ']' | '}')) {
                        end = i;
                        break;
                    }
                }
                line[..end].trim_end().len()
            }
        };
        start + len.max(1).min(rest.len().max(1))
    }

    /// The path of the value that comes next in the innermost collection,
    /// and the span of its key.
    fn next_path(&mut self) -> Option<(PathHash, Range<usize>)> {
        match self.stack.last_mut() {
            None => Some((PathHash::ROOT, 0..0)),
            Some(Frame::Map { path, key, .. }) => {
                let (k, span) = key.take()?;
                Some((path.key(&k), span))
            }
            Some(Frame::Seq { path, next, .. }) => {
                let full = path.item(*next);
                *next += 1;
                Some((full, 0..0))
            }
        }
    }

    /// Whether the innermost collection is a mapping waiting for a key.
    fn expects_key(&self) -> bool {
        matches!(self.stack.last(), Some(Frame::Map { key: None, .. }))
    }

    fn record(&mut self, path: PathHash, key: Range<usize>, value: Range<usize>) {
        let key = if key.is_empty() { value.clone() } else { key };
        let b = self.base;
        let n = Node {
            key_start: (key.start + b) as u32,
            key_end: (key.end + b) as u32,
            start: (value.start + b) as u32,
            end: (value.end + b) as u32,
        };
        self.nodes.push((path.0, n));
    }
}

/// The length of a quoted scalar at the start of `rest`, quotes included.
fn closing(rest: &str, quote: char, escapes: bool) -> usize {
    let mut chars = rest.char_indices().skip(1);
    while let Some((i, c)) = chars.next() {
        if escapes && c == '\\' {
            chars.next();
        } else if c == quote {
            if !escapes && rest[i + 1..].starts_with(quote) {
                chars.next();
                continue;
            }
            return i + 1;
        }
    }
    rest.len()
}

impl MarkedEventReceiver for Reader<'_> {
    fn on_event(&mut self, event: Event, mark: Marker) {
        if self.done {
            return;
        }
        let at = self.offset(&mark);
        match event {
            Event::DocumentEnd => self.done = !self.stack.is_empty() || !self.nodes.is_empty(),
            Event::Scalar(value, style, ..) => {
                let span = at..self.scalar_end(at, style);
                if self.expects_key() {
                    if let Some(Frame::Map { key, .. }) = self.stack.last_mut() {
                        *key = Some((value, span));
                    }
                } else if let Some((path, key)) = self.next_path() {
                    self.record(path, key, span);
                }
            }
            Event::Alias(_) => {
                if let Some((path, key)) = self.next_path() {
                    self.record(path, key, at..at + 1);
                }
            }
            Event::MappingStart(..) | Event::SequenceStart(..) => {
                // A collection used as a mapping key is not something the
                // formats use: give it a placeholder name.
                if self.expects_key()
                    && let Some(Frame::Map { key, .. }) = self.stack.last_mut()
                {
                    *key = Some(("?".into(), at..at + 1));
                }
                let (path, key) = self.next_path().unwrap_or((PathHash::ROOT, 0..0));
                // A flow collection's marker is its bracket; a block one's
                // sits somewhere inside it, so its key is the place to point at.
                let flow = self.text[at..].starts_with(['{', '[']);
                let value = if flow { at..at + 1 } else { key.start..key.start };
                self.record(path, key, value);
                let frame = if matches!(event, Event::MappingStart(..)) {
                    Frame::Map { path, key: None, flow }
                } else {
                    Frame::Seq { path, next: 0, flow }
                };
                self.stack.push(frame);
            }
            Event::MappingEnd | Event::SequenceEnd => {
                self.stack.pop();
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests;
