//! Figures written by hand in a letter, traced to the data. A figure with a
//! unit (`$455K`, `91 %`, `+2 pp`, `12,4 meses`) in a sentence that names a
//! metric (by label or id) is compared with what that metric's data says
//! up to the update's month: its actuals, its plan, its changes since any
//! earlier month (relative, or in points for a percentage), and its
//! attainment — within the precision the figure is written with. Words of
//! change (doubled, tripled, halved; se duplicó, se triplicó) are read as
//! the ratio they claim, since the month the sentence names (else the
//! month before).
//!
//! A figure that matches something is traced. One in the metric's own unit
//! that is near its actual but not it (within 30 %) contradicts the data: a
//! warning. Any other is an `untraced-figure` note: palanca cannot tell
//! where it comes from, and says so.

use std::collections::HashMap;
use std::ops::Range;

use crate::units::figures::{self, Figure, Kind};

use super::subject::Subject;
use crate::diagnostic::{Code, Diagnostic, Diagnostics, Source, Subject as About};
use crate::load::Update;
use crate::model::metrics::Metric;
use crate::period::{Calendar, Month};
use crate::units::Unit;

/// How near its actual a figure in the metric's unit must be to read as a
/// slip (a contradiction) rather than some other figure (a note).
const NEAR: f64 = 0.3;

/// How far a word of change (tripled) may be from the ratio in the data.
const RATIO_SLACK: f64 = 0.15;

/// Words that claim a ratio, in English and Spanish.
const RATIOS: [(&str, f64); 10] = [
    ("doubled", 2.0),
    ("tripled", 3.0),
    ("quadrupled", 4.0),
    ("halved", 0.5),
    ("duplicó", 2.0),
    ("triplicó", 3.0),
    ("cuadruplicó", 4.0),
    ("duplicaron", 2.0),
    ("triplicaron", 3.0),
    ("mitad", 0.5),
];

/// The longest label, in words, looked for.
const LABEL_WORDS: usize = 6;

/// Traces the figures of every update and plan page.
pub fn check(s: &Subject, updates: &[Update], diags: &mut Diagnostics) {
    let labels = Labels::new(s.metrics);
    if labels.map.is_empty() {
        return;
    }
    check_pages(s, &labels, diags);
    for u in updates {
        let letter = Letter {
            source: &u.source,
            month: u.period,
            about: About::Update(u.period.to_string()),
            traced_sentences: std::cell::Cell::new(0),
        };
        letter.trace(s, &labels, u.body(), u.body_offset, diags);
        for (key, lines) in [
            ("highlights", &u.front.highlights),
            ("lowlights", &u.front.lowlights),
            ("asks", &u.front.asks),
        ] {
            for (i, line) in lines.iter().enumerate() {
                let Some(at) = u.spans.value(&format!("{key}[{i}]")) else {
                    continue;
                };
                let written = u.source.text.get(at.clone()).unwrap_or("");
                // A quoted line's text starts after its quote; escapes are
                // rare in a sentence, and only shift where a finding points.
                let offset = at.start + usize::from(written.starts_with(['"', '\'']));
                letter.trace(s, &labels, line, offset, diags);
            }
        }
    }
}

/// Metrics by their label's and id's words, lowercased.
struct Labels {
    map: HashMap<String, Vec<usize>>,
    /// The most words of a label beginning with each word: most words of
    /// a sentence begin none, and cost one lookup.
    first: HashMap<String, usize>,
}

impl Labels {
    fn new(metrics: &[Metric]) -> Labels {
        let mut map: HashMap<String, Vec<usize>> = HashMap::new();
        let mut first: HashMap<String, usize> = HashMap::new();
        for (i, m) in metrics.iter().enumerate() {
            for name in [&m.label, &m.id] {
                let words: Vec<String> = figures::words(name).into_iter().map(|(_, w)| w).collect();
                if words.is_empty() || words.len() > LABEL_WORDS {
                    continue;
                }
                let longest = first.entry(words[0].clone()).or_insert(0);
                *longest = (*longest).max(words.len());
                let entry = map.entry(words.join(" ")).or_default();
                if !entry.contains(&i) {
                    entry.push(i);
                }
            }
        }
        Labels { map, first }
    }

    /// The metrics a sentence names, each with where it is named.
    fn named_in(&self, sentence: &str) -> Vec<(usize, usize)> {
        let words = figures::words(sentence);
        let mut named = Vec::new();
        for i in 0..words.len() {
            let Some(&longest) = self.first.get(&words[i].1) else {
                continue;
            };
            for n in (1..=longest.min(words.len() - i)).rev() {
                let key: Vec<&str> = words[i..i + n].iter().map(|(_, w)| w.as_str()).collect();
                if let Some(found) = self.map.get(&key.join(" ")) {
                    named.extend(found.iter().map(|&m| (m, words[i].0)));
                    break;
                }
            }
        }
        named
    }
}

/// The letter being traced.
struct Letter<'a> {
    source: &'a Source,
    month: Month,
    about: About,
    /// Sentences with figures traced so far, text and lines together.
    traced_sentences: std::cell::Cell<usize>,
}

impl Letter<'_> {
    /// Traces the figures of `text`, written at `offset` of the source.
    fn trace(&self, s: &Subject, labels: &Labels, text: &str, offset: usize, diags: &mut Diagnostics) {
        for range in figures::sentences(text) {
            let sentence = &text[range.clone()];
            // The same bounds as a plan page's kept sentences: a letter of
            // absurd length is traced in part, never for ever.
            if sentence.len() > crate::limits::FIGURE_SENTENCE_BYTES {
                continue;
            }
            let found = figures::scan(sentence, s.style.decimal, s.style.thousands);
            let ratio = ratio_word(sentence);
            if found.is_empty() && ratio.is_none() {
                continue;
            }
            if self.traced_sentences.get() >= crate::limits::FIGURE_SENTENCES {
                return;
            }
            self.traced_sentences.set(self.traced_sentences.get() + 1);
            let named = labels.named_in(sentence);
            if named.is_empty() {
                continue;
            }
            let at = |r: Range<usize>| offset + range.start + r.start..offset + range.start + r.end;
            for figure in &found {
                let Some((fits, m)) = about(s, &named, figure) else {
                    continue;
                };
                if fits.iter().any(|m| self.traced(m, figure)) {
                    continue;
                }
                diags.push(self.untraced(s, m, figure, &sentence[figure.span.clone()], at(figure.span.clone())));
            }
            if let Some((word, claimed, span)) = ratio {
                // The metric named last before the word of change.
                let m = named
                    .iter()
                    .rfind(|(m, pos)| *pos < span.start && s.metrics[*m].unit != Unit::Percent)
                    .map(|&(m, _)| &s.metrics[m]);
                if let Some(m) = m {
                    let since = named_month(sentence.get(span.end..).unwrap_or(""), self.month)
                        .unwrap_or(self.month.offset(-1));
                    if let Some(d) = self.check_ratio(s, m, (word, claimed), since, at(span)) {
                        diags.push(d);
                    }
                }
            }
        }
    }

    /// Whether the data holds `figure` for `m` up to the letter's month.
    fn traced(&self, m: &Metric, figure: &Figure) -> bool {
        let near = |v: f64| (v.abs() - figure.value).abs() <= figure.precision + 1e-9 * figure.value.abs();
        let actuals = m.actual.range(..=self.month);
        let values = || {
            actuals
                .clone()
                .map(|(_, v)| *v)
                .chain(m.plan.values().copied())
                .chain(m.target.values().copied())
                .chain(m.stated.values().copied())
        };
        let now = m.actual.get(&self.month).copied();
        // A flow's quarter or year, ending in any month up to the letter's.
        let totals = || {
            let flow = m.kind == crate::roles::MetricKind::Flow;
            actuals.clone().filter(move |_| flow).flat_map(|(&end, _)| {
                [3, 12].into_iter().filter_map(move |n| {
                    (0..n)
                        .map(|k| m.actual.get(&end.offset(-k)).copied())
                        .sum::<Option<f64>>()
                })
            })
        };
        match figure.kind {
            Kind::Money | Kind::Months => values().any(near) || totals().any(near),
            Kind::Percent => {
                let own = m.unit == Unit::Percent && values().any(near);
                let attainment = now
                    .zip(m.plan.get(&self.month).copied())
                    .is_some_and(|(a, p)| p != 0.0 && (near(a / p) || near(p / a)));
                let change = now.is_some_and(|v| actuals.clone().any(|(_, b)| *b != 0.0 && near(v / b - 1.0)));
                own || attainment || change
            }
            Kind::Points => now.is_some_and(|v| actuals.clone().any(|(_, b)| near(v - b))),
        }
    }

    /// The finding for a figure nothing in the data holds.
    fn untraced(&self, s: &Subject, m: &Metric, figure: &Figure, written: &str, at: Range<usize>) -> Diagnostic {
        let own_unit = matches!(
            (figure.kind, m.unit),
            (Kind::Money, Unit::Currency) | (Kind::Percent, Unit::Percent) | (Kind::Months, Unit::Months)
        );
        let actual = m.actual.get(&self.month).copied();
        let slip = actual.filter(|a| own_unit && *a != 0.0 && (figure.value - a.abs()).abs() <= NEAR * a.abs());
        let month = self.month;
        match slip {
            Some(a) => Diagnostic::warning_at(
                Code::ContradictedFigure,
                self.source,
                at,
                format!(
                    "the letter for {month} says {written} for `{}`, but its actual in {month} is {}",
                    m.id,
                    s.show(m, a)
                ),
            )
            .reader(
                "finding_figure",
                vec![
                    ("month", s.month(month)),
                    ("written", written.to_string()),
                    ("metric", m.label.clone()),
                    ("actual", s.show(m, a)),
                ],
            )
            .label(format!("the data: {}", s.show(m, a)))
            .help("quote the figure with `{{ value(metric=\"…\") }}` so it cannot drift from the data, or correct it"),
            None => Diagnostic::note_at(
                Code::UntracedFigure,
                self.source,
                at,
                format!(
                    "the letter for {month} says {written} next to `{}`, and nothing in its data up to {month} is that figure",
                    m.id
                ),
            )
            .help("a figure palanca can trace is a value, a plan, a change or an attainment of the metric the sentence names; quote it with `value()`, or leave it if it comes from elsewhere"),
        }
        .metric(&m.id)
        .about(self.about.clone())
    }

    /// A word of change against the ratio of the metric's actuals.
    fn check_ratio(
        &self,
        s: &Subject,
        m: &Metric,
        (word, claimed): (&str, f64),
        since: Month,
        at: Range<usize>,
    ) -> Option<Diagnostic> {
        let now = *m.actual.get(&self.month)?;
        let before = *m.actual.get(&since)?;
        if before == 0.0 {
            return None;
        }
        let ratio = now / before;
        if (ratio - claimed).abs() <= RATIO_SLACK * claimed {
            return None;
        }
        Some(
            Diagnostic::warning_at(
                Code::ContradictedFigure,
                self.source,
                at,
                format!(
                    "the letter for {} says `{}` {word} since {since}, but it went from {} to {} (×{:.1})",
                    self.month,
                    m.id,
                    s.show(m, before),
                    s.show(m, now),
                    ratio
                ),
            )
            .reader(
                "finding_ratio",
                vec![
                    ("month", s.month(self.month)),
                    ("metric", m.label.clone()),
                    ("word", word.to_string()),
                    ("since", s.month(since)),
                    ("before", s.show(m, before)),
                    ("now", s.show(m, now)),
                ],
            )
            .metric(&m.id)
            .about(self.about.clone())
            .help("a word of change claims a ratio: doubled is ×2, tripled ×3, halved ×0.5; correct the word or name the month it is measured from"),
        )
    }
}

/// The metrics a figure may be about (those the sentence names, in a unit
/// the figure can measure), and the one a finding names: the one named
/// last before the figure, else the first.
fn about<'a>(s: &'a Subject, named: &[(usize, usize)], figure: &Figure) -> Option<(Vec<&'a Metric>, &'a Metric)> {
    let fits: Vec<&Metric> = named
        .iter()
        .map(|&(m, _)| &s.metrics[m])
        .filter(|m| fits(m, figure.kind))
        .collect();
    let first = *fits.first()?;
    let m = named
        .iter()
        .filter(|(m, _)| fits.iter().any(|f| f.id == s.metrics[*m].id))
        .rfind(|(_, pos)| *pos < figure.span.start)
        .map_or(first, |&(m, _)| &s.metrics[m]);
    Some((fits, m))
}

/// Traces the figures of the plan pages against the plan: any target,
/// value read between targets or stated figure, and (a percentage) the
/// growth between two consecutive targets, monthly or over the stretch.
/// A page has no month, so nothing it says can contradict one: what
/// matches nothing is a note.
fn check_pages(s: &Subject, labels: &Labels, diags: &mut Diagnostics) {
    for page in s.pages {
        for sentence in &page.figures {
            let text = &*sentence.text;
            let named = labels.named_in(text);
            if named.is_empty() {
                continue;
            }
            for figure in figures::scan(text, s.style.decimal, s.style.thousands) {
                let Some((fits, m)) = about(s, &named, &figure) else {
                    continue;
                };
                if fits.iter().any(|m| in_plan(m, &figure)) {
                    continue;
                }
                let written = &text[figure.span.clone()];
                let mut d = Diagnostic::warning(
                    Code::UntracedFigure,
                    page.source.path.clone(),
                    format!("the page says {written} next to `{}`, and nothing in its plan is that figure", m.id),
                )
                .metric(&m.id)
                .about(About::Page(page.slug.clone()))
                .help("a figure palanca can trace on a plan page is a target of the metric the sentence names, a value read between targets, or the growth between two targets; write the claim in `claims:` to have it checked");
                d.severity = crate::diagnostic::Severity::Note;
                d.location = Some(sentence_location(sentence, figure.span));
                diags.push(d);
            }
        }
    }
}

/// Where a figure of a kept sentence is: its line and column in the file,
/// and the sentence as the snippet (the rest of its line is not kept; a
/// leading `…` says so, as a clipped snippet does).
fn sentence_location(sentence: &figures::FigureSentence, span: Range<usize>) -> crate::diagnostic::Location {
    let text = &*sentence.text;
    let before = text[..span.start].chars().count();
    let clipped = sentence.column > 1;
    let lead = if clipped { "…" } else { "" };
    crate::diagnostic::Location {
        line: sentence.line as usize,
        column: before + 1 + usize::from(clipped),
        width: text[span].chars().count().max(1),
        line_text: format!("{lead}{}", text.trim_end()),
    }
}

/// Whether the plan of `m` holds `figure`.
fn in_plan(m: &Metric, figure: &Figure) -> bool {
    let near = |v: f64| (v.abs() - figure.value).abs() <= figure.precision + 1e-9 * figure.value.abs();
    let mut values = m
        .plan
        .values()
        .chain(m.target.values())
        .chain(m.stated.values())
        .copied();
    let steps = || m.target.iter().zip(m.target.iter().skip(1));
    match figure.kind {
        Kind::Money | Kind::Months => values.any(near),
        Kind::Percent => {
            (m.unit == Unit::Percent && values.any(near))
                || steps().any(|((a, va), (b, vb))| {
                    super::subject::cmgr(*va, *vb, a.months_until(*b)).is_some_and(near)
                        || (*va != 0.0 && near(vb / va - 1.0))
                })
        }
        Kind::Points => steps().any(|((_, va), (_, vb))| near(vb - va)),
    }
}

/// Whether a figure of `kind` can be about metric `m`.
fn fits(m: &Metric, kind: Kind) -> bool {
    match kind {
        Kind::Money => m.unit == Unit::Currency,
        Kind::Months => m.unit == Unit::Months,
        Kind::Percent => true,
        Kind::Points => m.unit == Unit::Percent,
    }
}

/// A word claiming a ratio, what it claims and where it is written.
fn ratio_word(sentence: &str) -> Option<(&'static str, f64, Range<usize>)> {
    figures::words(sentence).into_iter().find_map(|(at, w)| {
        RATIOS
            .iter()
            .find(|(word, _)| *word == w)
            .map(|&(word, r)| (word, r, at..at + w.len()))
    })
}

/// The first month named in `text` (what follows a word of change:
/// `since March`, `desde marzo`), as the latest such month before
/// `month`.
fn named_month(sentence: &str, month: Month) -> Option<Month> {
    figures::words(sentence).into_iter().find_map(|(_, w)| {
        let named = Calendar::month_named(&w)?;
        (1..=12).map(|k| month.offset(-k)).find(|m| m.month() == named)
    })
}
