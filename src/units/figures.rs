//! Figures written by hand in prose: a number with a unit (`$455K`,
//! `455.000 €`, `91 %`, `+2 pp`, `12,4 meses`), its value, how precisely
//! it is written, and where. Sentences, and the words in them, for finding
//! which metrics a sentence talks about.

use std::ops::Range;

/// What a figure measures, from the unit written with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A currency symbol or code before or after it.
    Money,
    /// `%`: a share, or a relative change.
    Percent,
    /// `pp`, `points`, `puntos`: a change of a percentage.
    Points,
    /// `months`, `meses`.
    Months,
}

/// A figure found in a text.
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    /// Its value (a percentage as a fraction: `91 %` is 0.91).
    pub value: f64,
    pub kind: Kind,
    /// Half a unit of the last digit written, in the value's scale.
    pub precision: f64,
    /// Where it is written, in bytes of the text scanned.
    pub span: Range<usize>,
}

/// Scales written after a number, longest first.
const SCALES: [(&str, f64); 11] = [
    ("millones", 1e6),
    ("millions", 1e6),
    ("million", 1e6),
    ("millón", 1e6),
    ("mil", 1e3),
    ("MM", 1e6),
    ("bn", 1e9),
    ("K", 1e3),
    ("k", 1e3),
    ("M", 1e6),
    ("B", 1e9),
];

const MONEY_AFTER: [&str; 4] = ["€", "$", "USD", "EUR"];
const POINTS: [&str; 4] = ["pp", "p.p.", "puntos", "points"];
const MONTHS: [&str; 4] = ["months", "meses", "month", "mes"];

/// The longest a number may run: a figure is words, not data.
const MAX_DIGITS: usize = 24;

/// Every figure with a unit in `text`, numbers read with `decimal` as the
/// decimal separator and `thousands` between groups of three.
pub fn scan(text: &str, decimal: char, thousands: char) -> Vec<Figure> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let starts = bytes[i].is_ascii_digit()
            && !text[..i]
                .chars()
                .next_back()
                .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '.' || c == ',');
        if !starts {
            i += 1;
            continue;
        }
        let (end, figure) = read(text, i, decimal, thousands);
        found.extend(figure);
        i = end.max(i + 1);
    }
    found
}

/// Reads the number at `start` and what is written around it.
fn read(text: &str, start: usize, decimal: char, thousands: char) -> (usize, Option<Figure>) {
    let (end, value, precision) = number(text, start, decimal, thousands);
    let before = text[..start].trim_end_matches([' ', '\u{a0}', '+', '-', '−']);
    let money_before = before.ends_with('$') || before.ends_with('€');
    let (mut at, mut value, mut precision) = (end, value, precision);
    let rest = |at: usize| text[at..].trim_start_matches([' ', '\u{a0}']);
    let gap = |at: usize| text.len() - rest(at).len();
    // Most numbers in prose and tables have no unit: one look at the next
    // character settles them.
    let unit_may_follow = rest(end).chars().next().is_some_and(|c| {
        matches!(
            c,
            'm' | 'M' | 'K' | 'k' | 'b' | 'B' | '€' | '$' | 'U' | 'E' | '%' | 'p' | 'P'
        )
    });
    if !money_before && !unit_may_follow {
        return (end, None);
    }
    if let Some((word, scale)) = SCALES.iter().find(|(w, _)| word_at(rest(at), w)) {
        at = gap(at) + word.len();
        value *= scale;
        precision *= scale;
    }
    let kind = if money_before {
        Some(Kind::Money)
    } else if let Some(sym) = MONEY_AFTER.iter().find(|w| word_at(rest(at), w)) {
        at = gap(at) + sym.len();
        Some(Kind::Money)
    } else if rest(at).starts_with('%') {
        at = gap(at) + 1;
        value /= 100.0;
        precision /= 100.0;
        Some(Kind::Percent)
    } else if let Some(w) = POINTS.iter().find(|w| word_at(rest(at), w)) {
        at = gap(at) + w.len();
        value /= 100.0;
        precision /= 100.0;
        Some(Kind::Points)
    } else if let Some(w) = MONTHS.iter().find(|w| word_at(rest(at), w)) {
        at = gap(at) + w.len();
        Some(Kind::Months)
    } else {
        None
    };
    let span_start = match before.chars().next_back() {
        Some(c @ ('$' | '€')) if money_before => before.len() - c.len_utf8(),
        _ => start,
    };
    let figure = kind.map(|kind| Figure {
        value,
        kind,
        precision,
        span: span_start..at,
    });
    (at, figure)
}

/// Whether `text` starts with `word`, not followed by a letter.
fn word_at(text: &str, word: &str) -> bool {
    text.starts_with(word) && !text[word.len()..].chars().next().is_some_and(|c| c.is_alphanumeric())
}

/// The number at `start`: where it ends, its value, and half a unit of its
/// last digit, as a stated figure is read (`455.000` and `455000` are
/// rounded to thousands, ±500; `12,4` is ±0.05).
fn number(text: &str, start: usize, decimal: char, thousands: char) -> (usize, f64, f64) {
    let mut digits = String::new();
    let mut decimals: Option<usize> = None;
    let mut end = start;
    let mut chars = text[start..].char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let next_is_digit = chars.peek().is_some_and(|(_, n)| n.is_ascii_digit());
        if c.is_ascii_digit() && digits.len() < MAX_DIGITS {
            digits.push(c);
            if let Some(d) = decimals.as_mut() {
                *d += 1;
            }
        } else if c == decimal && next_is_digit && decimals.is_none() {
            decimals = Some(0);
            digits.push('.');
        } else if c == thousands && next_is_digit && decimals.is_none() {
        } else {
            break;
        }
        end = start + i + c.len_utf8();
    }
    let value: f64 = digits.parse().unwrap_or(0.0);
    let precision = match decimals {
        Some(d) => 0.5 * 10f64.powi(-(d as i32)),
        None => {
            let zeros = digits.len() - digits.trim_end_matches('0').len();
            0.5 * 10f64.powi(zeros.min(digits.len().saturating_sub(1)) as i32)
        }
    };
    (end, value, precision)
}

/// The sentences of `text`: split at a line break, and at `.`, `!`, `?`
/// or `;` followed by a space or the end (so `1.5` and `455.000` stay
/// whole). Byte ranges.
pub fn sentences(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut from = 0;
    let bytes = text.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        let ends = match b {
            b'\n' => true,
            b'.' | b'!' | b'?' | b';' => bytes.get(i + 1).is_none_or(|n| n.is_ascii_whitespace()),
            _ => false,
        };
        if ends {
            out.push(from..i + 1);
            from = i + 1;
        }
    }
    if from < text.len() {
        out.push(from..text.len());
    }
    out
}

/// A sentence of prose that holds a figure, kept for the linter: where it
/// is (line, and column of its first character, both from 1) and its text.
#[derive(Debug, Clone, PartialEq)]
pub struct FigureSentence {
    /// Its line in the file.
    pub line: u32,
    /// The column, in characters, where it starts.
    pub column: u32,
    /// Its text.
    pub text: Box<str>,
}

/// The sentences of `text` that hold a figure with a unit, in either way
/// of writing numbers (`1,234.5` or `1.234,5`): what a page keeps of its
/// prose for the linter, which reads them again in the site's style once
/// the metrics are known. Only the sentences are kept, not their lines:
/// a page of long paragraphs costs little, and at most
/// [`crate::limits::FIGURE_SENTENCES`] of them, none longer than
/// [`crate::limits::FIGURE_SENTENCE_BYTES`]. `first_line` is the number of
/// the text's first line in its file.
pub fn figure_sentences(text: &str, first_line: usize) -> Vec<FigureSentence> {
    let mut out = Vec::new();
    for (i, line) in text.split('\n').enumerate() {
        if !line.bytes().any(|b| b.is_ascii_digit()) {
            continue;
        }
        for r in sentences(line) {
            let t = &line[r.clone()];
            if t.len() > crate::limits::FIGURE_SENTENCE_BYTES || out.len() >= crate::limits::FIGURE_SENTENCES {
                continue;
            }
            // Whether a number has a unit does not depend on which
            // separator is the decimal one: one reading decides.
            if scan(t, '.', ',').is_empty() {
                continue;
            }
            out.push(FigureSentence {
                line: (first_line + i) as u32,
                column: line[..r.start].chars().count() as u32 + 1,
                text: t.into(),
            });
        }
    }
    out
}

/// The words of `text`, lowercased, with where each starts.
pub fn words(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices().chain(std::iter::once((text.len(), ' '))) {
        let part = c.is_alphanumeric() || c == '_';
        match (part, start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                out.push((s, text[s..i].to_lowercase()));
                start = None;
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(text: &str, decimal: char, thousands: char) -> (f64, Kind, f64) {
        let found = scan(text, decimal, thousands);
        assert_eq!(found.len(), 1, "{text}: {found:?}");
        (found[0].value, found[0].kind, found[0].precision)
    }

    #[test]
    fn money_percentages_points_and_months_are_read_in_the_sites_style() {
        assert_eq!(
            one("ARR de $455.000 al cierre", ',', '.'),
            (455000.0, Kind::Money, 500.0)
        );
        assert_eq!(one("ARR de $455K", ',', '.'), (455000.0, Kind::Money, 500.0));
        assert_eq!(one("caja de 1,6M €", ',', '.').0, 1_600_000.0);
        assert_eq!(one("up 40% in a month", '.', ',').1, Kind::Percent);
        assert!((one("up 40% in a month", '.', ',').0 - 0.4).abs() < 1e-12);
        assert_eq!(one("+2 pp", ',', '.').1, Kind::Points);
        assert_eq!(one("12,4 meses", ',', '.'), (12.4, Kind::Months, 0.05));
        assert_eq!(one("$1.2 million", '.', ','), (1_200_000.0, Kind::Money, 50_000.0));
        let text = "finish 2027 at €4M of ARR";
        let found = scan(text, '.', ',');
        assert_eq!(&text[found[0].span.clone()], "€4M", "a symbol of three bytes");
    }

    #[test]
    fn numbers_without_a_unit_and_inside_words_are_not_figures() {
        assert!(scan("In 2024 we hired 12 people at M12 and Q3", '.', ',').is_empty());
        assert_eq!(scan("4 d, desde 6 en enero", ',', '.'), []);
    }

    proptest::proptest! {
        /// Any text, however odd its characters, scans without a panic,
        /// and every figure's span is a piece of it.
        #[test]
        fn any_text_scans(text in "[0-9$€%., \u{a0}KMkmpeslíñ\n·—x]{0,40}") {
            for (decimal, thousands) in [('.', ','), (',', '.')] {
                for f in scan(&text, decimal, thousands) {
                    proptest::prop_assert!(text.get(f.span.clone()).is_some());
                }
            }
            for sentence in figure_sentences(&text, 1) {
                proptest::prop_assert!(text.contains(&*sentence.text));
            }
        }
    }

    #[test]
    fn sentences_end_at_stops_but_not_inside_numbers() {
        let text = "ARR de $455.000. MRR 1.5M; fin";
        let parts: Vec<&str> = sentences(text).into_iter().map(|r| &text[r]).collect();
        assert_eq!(parts, ["ARR de $455.000.", " MRR 1.5M;", " fin"]);
    }
}
