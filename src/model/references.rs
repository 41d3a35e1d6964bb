//! References checked: every id a page, an update or a shortcode names —
//! a metric, a metric file, a month — must exist, and a shortcode that
//! draws a file's revenue must name one that has it.

use std::collections::HashMap;

use super::bridge;
use super::metrics::{Group, Metric};
use crate::diagnostic::{Code, Diagnostic, Diagnostics, Source, Subject};
use crate::load::{Page, Spans};
use crate::period::Month;
use crate::shortcode::{ArgKind, Shortcode, ShortcodeKind};

/// What references are checked against: the metrics and files that exist.
pub(super) struct Known<'a> {
    pub(super) index: &'a HashMap<String, usize>,
    pub(super) metrics: &'a [Metric],
    pub(super) groups: &'a [Group],
    pub(super) start: Month,
}

/// Ids listed in `key` (the headline, an update's KPIs) must be metrics.
pub(super) fn check_ids(
    ids: &[String],
    key: &str,
    (source, spans): (&Source, &Spans),
    known: &Known,
    diags: &mut Diagnostics,
) {
    for id in ids.iter().filter(|id| !known.index.contains_key(*id)) {
        let span = spans
            .find_in_list(&source.text, key, id)
            .or_else(|| spans.value_or_key(key))
            .unwrap_or(0..0);
        diags.push(
            Diagnostic::error_at(
                Code::UnknownMetric,
                source,
                span,
                format!(
                    "`{key}` names `{}`, which is not a metric",
                    crate::diagnostic::quote(id)
                ),
            )
            .help("list metric ids defined in content/metrics/*.yaml"),
        );
    }
}

impl Known<'_> {
    /// Every shortcode's arguments against [`crate::shortcode::SPECS`]: the
    /// ones it needs are there, it takes no others, and each names a
    /// metric, file or month that exists.
    pub(super) fn check_shortcodes(
        &self,
        source: &Source,
        body: usize,
        shortcodes: &[Shortcode],
        subject: &Subject,
        diags: &mut Diagnostics,
    ) {
        for sc in shortcodes {
            let spec = sc.kind.spec();
            let whole = body + sc.span.start..body + sc.span.end;
            let mut error = |code: Code, span: std::ops::Range<usize>, message: String, help: String| {
                diags.push(
                    Diagnostic::error_at(code, source, span, message)
                        .about(subject.clone())
                        .help(help),
                );
            };
            if !spec.needs_one_of.iter().any(|a| sc.arg(a).is_some()) {
                let wanted: Vec<String> = spec.needs_one_of.iter().map(|a| format!("`{a}=\"…\"`")).collect();
                error(
                    Code::ShortcodeArgument,
                    whole.clone(),
                    format!("`{}` needs {}", spec.name, wanted.join(" or ")),
                    format!("write e.g. {}", spec.example),
                );
            }
            for (name, _, span) in &sc.args {
                if !spec.args.iter().any(|a| a.name == name) {
                    let names: Vec<&str> = spec.args.iter().map(|a| a.name).collect();
                    error(
                        Code::ShortcodeArgument,
                        body + span.start..body + span.end,
                        format!("`{}` takes no argument `{name}`", spec.name),
                        format!("its arguments are: {}", names.join(", ")),
                    );
                }
            }
            for (kind, id, span) in sc.references() {
                let span = body + span.start..body + span.end.max(span.start + 1);
                match kind {
                    ArgKind::Metric | ArgKind::Metrics if !self.index.contains_key(id) => error(
                        Code::UnknownMetric,
                        span,
                        format!("the shortcode names `{id}`, which is not a metric"),
                        "use an id defined in content/metrics/*.yaml".into(),
                    ),
                    ArgKind::Group if self.groups.iter().any(|g| g.id == id) => {
                        if let Some((message, help)) = self.lacks(sc.kind, id) {
                            error(Code::ShortcodeArgument, span, message, help);
                        }
                    }
                    ArgKind::Group => error(
                        Code::UnknownGroup,
                        span,
                        format!("no metric file is named `{id}`"),
                        format!(
                            "groups are the file names in content/metrics/: {}",
                            self.groups.iter().map(|g| g.id.as_str()).collect::<Vec<_>>().join(", ")
                        ),
                    ),
                    ArgKind::Month if crate::period::parse_period(id, self.start).is_err() => error(
                        Code::BadPeriod,
                        span,
                        format!("`{id}` is not a month"),
                        "write YYYY-MM or a plan month such as M12".into(),
                    ),
                    ArgKind::Choice(words) if !words.contains(&id) => error(
                        Code::ShortcodeArgument,
                        span,
                        format!("`{}` is not one of {}", crate::diagnostic::quote(id), words.join(", ")),
                        format!("write one of: {}", words.join(", ")),
                    ),
                    _ => {}
                }
            }
        }
    }

    /// What a group named by a `bridge` or `cohorts` shortcode lacks for
    /// it, if anything: the message and the help.
    fn lacks(&self, kind: ShortcodeKind, id: &str) -> Option<(String, String)> {
        let g = self.groups.iter().find(|g| g.id == id)?;
        let from_invoices = "give the metric file a `revenue:` source (invoice lines), or name one that has it";
        match kind {
            ShortcodeKind::Bridge if bridge::of(self.metrics, g).is_none() => Some((
                format!("`{id}` has no MRR movements for `bridge` to draw"),
                format!(
                    "{from_invoices}; a file of its own needs metrics with the roles mrr, new_mrr, reactivation_mrr, expansion_mrr, contraction_mrr and churned_mrr"
                ),
            )),
            ShortcodeKind::Cohorts if g.cohorts.is_none() => Some((
                format!("`{id}` has no cohorts for `cohorts` to draw"),
                format!("{from_invoices}, and run `palanca pull` to compute its cohorts"),
            )),
            _ => None,
        }
    }

    /// The `value()` shortcodes of an update's highlights, lowlights and
    /// asks, checked like a body's; any other shortcode there is an error
    /// (a chart or a table has no place in one line).
    pub(super) fn check_lines(&self, update: &crate::load::Update, subject: &Subject, diags: &mut Diagnostics) {
        let front = &update.front;
        for (key, lines) in [
            ("highlights", &front.highlights),
            ("lowlights", &front.lowlights),
            ("asks", &front.asks),
        ] {
            for (i, line) in lines.iter().enumerate() {
                let found = crate::shortcode::scan(line).shortcodes;
                if found.is_empty() {
                    continue;
                }
                // Where the line's text starts in the file: inside its quote.
                let span = update.spans.value(&format!("{key}[{i}]")).unwrap_or(0..0);
                let quoted = matches!(update.source.text.as_bytes().get(span.start), Some(b'"' | b'\''));
                let start = span.start + usize::from(quoted);
                self.check_shortcodes(&update.source, start, &found, subject, diags);
                for sc in found.iter().filter(|sc| sc.kind != ShortcodeKind::Value) {
                    diags.push(
                        Diagnostic::error_at(
                            Code::ShortcodeArgument,
                            &update.source,
                            start + sc.span.start..start + sc.span.end,
                            format!("`{}` draws a block, and a line of `{key}` holds only text", sc.kind.spec().name),
                        )
                        .about(subject.clone())
                        .help("quote a figure with `{{ value(metric=\"arr\") }}`, and put charts and tables in the letter's text"),
                    );
                }
            }
        }
    }

    /// A claim must be about a metric that exists.
    pub(super) fn check_claims(&self, page: &Page, diags: &mut Diagnostics) {
        for claim in page.front.claims.iter().filter(|c| !self.index.contains_key(&c.metric)) {
            let span = page
                .spans
                .value(&format!("claims[{}].metric", claim.position))
                .unwrap_or(0..0);
            diags.push(
                Diagnostic::error_at(
                    Code::UnknownMetric,
                    &page.source,
                    span,
                    format!("the claim is about `{}`, which is not a metric", claim.metric),
                )
                .about(Subject::Page(page.slug.clone()))
                .help("name a metric id defined in content/metrics/*.yaml"),
            );
        }
    }
}
