//! Shortcodes: how a page's Markdown embeds a metric's chart, KPI card or
//! table. The syntax is Zola's, `{{ chart(metric="arr") }}`, so authors who
//! know Zola need nothing new.
//!
//! Every shortcode palanca knows is described once, in [`SPECS`]: its name,
//! its arguments and what each names (a metric, a list of metrics, a metric
//! file, a month). Loading, checking, the audience stage and rendering all
//! read that one table, so a new shortcode is one entry here and one
//! renderer.
//!
//! Shortcodes are found in one pass over the text, outside code: a
//! shortcode written in a code block or between backticks (to document it)
//! is shown as written, never run.

use std::ops::Range;

use pulldown_cmark::{Event, Parser, Tag, TagEnd};

/// The shortcodes palanca knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShortcodeKind {
    /// A line chart.
    Chart,
    /// A KPI card.
    Kpi,
    /// A table of periods by metrics.
    Table,
    /// Targets at each quarter's end: `objectives(metrics="arr,nps")`.
    Objectives,
    /// Quarterly projections of one metric with investment: `projections(metric="arr")`.
    Projections,
    /// One figure inside a sentence: `value(metric="arr", at="2024-03")`.
    Value,
    /// A month's MRR bridge, as a waterfall: `bridge(group="revenue")`.
    Bridge,
    /// Retention by cohort, as heat maps: `cohorts(group="revenue")`.
    Cohorts,
}

/// What an argument's value names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArgKind {
    /// One metric id.
    Metric,
    /// Metric ids separated by commas.
    Metrics,
    /// A metric file (group) id.
    Group,
    /// A month, `YYYY-MM` or `M<n>`.
    Month,
    /// One of a few words.
    Choice(&'static [&'static str]),
}

/// One argument a shortcode takes.
#[derive(Debug, Clone, Copy)]
pub struct ArgSpec {
    /// Its name.
    pub name: &'static str,
    /// What it names.
    pub kind: ArgKind,
}

/// How a shortcode is written and what it needs.
#[derive(Debug)]
pub struct Spec {
    /// Which shortcode.
    pub kind: ShortcodeKind,
    /// Its name in `{{ name(...) }}`.
    pub name: &'static str,
    /// The arguments it accepts.
    pub args: &'static [ArgSpec],
    /// It needs one of these arguments (none: no requirement).
    pub needs_one_of: &'static [&'static str],
    /// What it shows, for the documentation.
    pub shows: &'static str,
    /// An example, for help texts.
    pub example: &'static str,
}

const METRIC: ArgSpec = ArgSpec {
    name: "metric",
    kind: ArgKind::Metric,
};
const METRICS: ArgSpec = ArgSpec {
    name: "metrics",
    kind: ArgKind::Metrics,
};
const GROUP: ArgSpec = ArgSpec {
    name: "group",
    kind: ArgKind::Group,
};
const UNTIL: ArgSpec = ArgSpec {
    name: "until",
    kind: ArgKind::Month,
};
const AT: ArgSpec = ArgSpec {
    name: "at",
    kind: ArgKind::Month,
};
/// What of a metric's month `value` quotes.
pub const VALUE_FIELDS: &[&str] = &["actual", "target", "change", "attainment"];
const FIELD: ArgSpec = ArgSpec {
    name: "field",
    kind: ArgKind::Choice(VALUE_FIELDS),
};

/// Every shortcode, once.
pub const SPECS: &[Spec] = &[
    Spec {
        kind: ShortcodeKind::Chart,
        name: "chart",
        args: &[METRIC],
        needs_one_of: &["metric"],
        shows: "the metric's line chart (actual solid, target dashed) with its numbers",
        example: "{{ chart(metric=\"arr\") }}",
    },
    Spec {
        kind: ShortcodeKind::Kpi,
        name: "kpi",
        args: &[METRIC],
        needs_one_of: &["metric"],
        shows: "a KPI card: latest actual, change, attainment, sparkline",
        example: "{{ kpi(metric=\"arr\") }}",
    },
    Spec {
        kind: ShortcodeKind::Table,
        name: "table",
        args: &[METRICS, GROUP],
        needs_one_of: &["metrics", "group"],
        shows: "a periods × metrics table of some metrics or of a whole metric file",
        example: "{{ table(metrics=\"arr,mrr\") }}",
    },
    Spec {
        kind: ShortcodeKind::Objectives,
        name: "objectives",
        args: &[METRICS, UNTIL],
        needs_one_of: &["metrics"],
        shows: "each metric's target at every quarter's end",
        example: "{{ objectives(metrics=\"arr,nps\", until=\"M12\") }}",
    },
    Spec {
        kind: ShortcodeKind::Projections,
        name: "projections",
        args: &[METRIC, UNTIL],
        needs_one_of: &["metric"],
        shows: "per quarter: target, growth, stated and milestone investment, target / investment",
        example: "{{ projections(metric=\"arr\", until=\"M12\") }}",
    },
    Spec {
        kind: ShortcodeKind::Value,
        name: "value",
        args: &[METRIC, AT, FIELD],
        needs_one_of: &["metric"],
        shows: "one figure in a sentence, in the site's style: the actual (or target, change, attainment) of a month; in an update, its month by default",
        example: "{{ value(metric=\"arr\", at=\"2024-03\") }}",
    },
    Spec {
        kind: ShortcodeKind::Bridge,
        name: "bridge",
        args: &[GROUP, AT],
        needs_one_of: &["group"],
        shows: "a month's MRR bridge (start, new, reactivation, expansion, contraction, churn, end) as a waterfall, with every month's in a table; in an update, its month by default",
        example: "{{ bridge(group=\"revenue\", at=\"2024-03\") }}",
    },
    Spec {
        kind: ShortcodeKind::Cohorts,
        name: "cohorts",
        args: &[GROUP, AT],
        needs_one_of: &["group"],
        shows: "customers and revenue kept by cohort (first month paid) and months since, as heat maps with the numbers; in an update, up to its month",
        example: "{{ cohorts(group=\"revenue\") }}",
    },
];

impl ShortcodeKind {
    /// Its description in [`SPECS`].
    pub fn spec(self) -> &'static Spec {
        SPECS.iter().find(|s| s.kind == self).unwrap_or(&SPECS[0])
    }
}

/// A shortcode found in a Markdown body.
#[derive(Debug, Clone, PartialEq)]
pub struct Shortcode {
    /// What to draw.
    pub kind: ShortcodeKind,
    /// The byte span of the whole `{{ ... }}` in the body.
    pub span: Range<usize>,
    /// Each argument: name, value, and the value's span in the body.
    pub args: Vec<(String, String, Range<usize>)>,
}

impl Shortcode {
    /// The value of argument `name`.
    pub fn arg(&self, name: &str) -> Option<(&str, Range<usize>)> {
        self.args
            .iter()
            .find(|(n, _, _)| n == name)
            .map(|(_, v, s)| (v.as_str(), s.clone()))
    }

    /// Every id the shortcode names, with what it names and where each one
    /// is written (a list of metrics gives one entry per id).
    pub fn references(&self) -> Vec<(ArgKind, &str, Range<usize>)> {
        let mut out = Vec::new();
        for (name, value, span) in &self.args {
            let Some(arg) = self.kind.spec().args.iter().find(|a| a.name == name) else {
                continue;
            };
            match arg.kind {
                ArgKind::Metrics => {
                    let mut at = span.start;
                    for part in value.split(',') {
                        let lead = part.len() - part.trim_start().len();
                        let id = part.trim();
                        out.push((ArgKind::Metric, id, at + lead..at + lead + id.len()));
                        at += part.len() + 1;
                    }
                }
                kind => out.push((kind, value.as_str(), span.clone())),
            }
        }
        out
    }
}

/// A shortcode that could not be read.
#[derive(Debug, Clone, PartialEq)]
pub struct ShortcodeError {
    /// What is wrong.
    pub message: String,
    /// Where, in bytes of the body.
    pub span: Range<usize>,
    /// How to fix it.
    pub help: String,
}

/// The Markdown extensions palanca renders with. Finding code must use the
/// same ones as rendering, or the two would disagree on what is code.
pub fn markdown_options() -> pulldown_cmark::Options {
    use pulldown_cmark::Options;
    Options::ENABLE_TABLES
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// What one pass over a Markdown body finds.
#[derive(Debug, Default)]
pub struct Scan {
    /// Task list items: done and total.
    pub tasks: (usize, usize),
    /// The shortcodes, outside code, in order.
    pub shortcodes: Vec<Shortcode>,
    /// The ones that could not be read.
    pub errors: Vec<ShortcodeError>,
}

/// Reads a Markdown body once: counts its tasks, finds the code in it, and
/// finds every shortcode outside that code. A body with neither `{{` nor
/// anything like a task box (`[ ]`, `[x]`) has neither, and is not parsed:
/// most pages, and a Markdown parse saved per page.
pub fn scan(body: &str) -> Scan {
    if !body.contains("{{") && !may_have_tasks(body) {
        return Scan::default();
    }
    full_scan(body)
}

/// Whether `body` holds a `[`, one of space, tab, `x` or `X`, and `]`: what
/// every task list marker is written as (and more). Without one, a body
/// has no task.
pub fn may_have_tasks(body: &str) -> bool {
    body.as_bytes()
        .windows(3)
        .any(|w| w[0] == b'[' && w[2] == b']' && matches!(w[1], b' ' | b'\t' | b'x' | b'X'))
}

/// [`scan`] without the shortcut.
fn full_scan(body: &str) -> Scan {
    let mut out = Scan::default();
    let mut code: Vec<Range<usize>> = Vec::new();
    let mut block_start = None;
    for (event, range) in Parser::new_ext(body, markdown_options()).into_offset_iter() {
        match event {
            Event::TaskListMarker(done) => {
                out.tasks.1 += 1;
                out.tasks.0 += usize::from(done);
            }
            Event::Code(_) => code.push(range),
            Event::Start(Tag::CodeBlock(_)) => block_start = Some(range.start),
            Event::End(TagEnd::CodeBlock) => {
                code.push(block_start.take().unwrap_or(range.start)..range.end);
            }
            _ => {}
        }
    }
    let mut code = code.into_iter().peekable();
    let mut pos = 0;
    while let Some(open) = body[pos..].find("{{").map(|i| i + pos) {
        while code.peek().is_some_and(|c| c.end <= open) {
            code.next();
        }
        if let Some(c) = code.peek().filter(|c| c.start <= open) {
            pos = c.end.max(open + 2);
            continue;
        }
        let Some(close) = body[open..].find("}}").map(|i| i + open + 2) else {
            out.errors.push(ShortcodeError {
                message: "a shortcode opened with `{{` is never closed with `}}`".into(),
                span: open..open + 2,
                help: "close it with `}}`, or put text that is not a shortcode in backticks".into(),
            });
            break;
        };
        match parse_one(body, open, close) {
            Ok(sc) => out.shortcodes.push(sc),
            Err(e) => out.errors.push(e),
        }
        pos = close;
    }
    out
}

fn parse_one(body: &str, open: usize, close: usize) -> Result<Shortcode, ShortcodeError> {
    let inner_start = open + 2;
    let inner = &body[inner_start..close - 2];
    let names: Vec<&str> = SPECS.iter().map(|s| s.name).collect();
    let err = |message: String, span: Range<usize>| ShortcodeError {
        message,
        span,
        help: format!("write e.g. {}; palanca knows {}", SPECS[0].example, names.join(", ")),
    };
    let Some(paren) = inner.find('(') else {
        return Err(err("expected `name(arg=\"value\")` inside `{{ }}`".into(), open..close));
    };
    let name = inner[..paren].trim();
    let name_at = inner_start + inner.find(name).unwrap_or(0);
    let Some(spec) = SPECS.iter().find(|s| s.name == name) else {
        return Err(err(
            format!("unknown shortcode `{}`", crate::diagnostic::quote(name)),
            name_at..name_at + name.len().max(1),
        ));
    };
    let Some(rparen) = inner.rfind(')') else {
        return Err(err("the shortcode's `(` is never closed".into(), open..close));
    };
    let args_start = inner_start + paren + 1;
    let args = parse_args(&body[args_start..inner_start + rparen], args_start).map_err(|(m, s)| err(m, s))?;
    Ok(Shortcode {
        kind: spec.kind,
        span: open..close,
        args,
    })
}

type Args = Vec<(String, String, Range<usize>)>;

fn parse_args(text: &str, base: usize) -> Result<Args, (String, Range<usize>)> {
    let mut args = Vec::new();
    let mut rest = text;
    let mut offset = base;
    loop {
        let trimmed = rest.trim_start();
        offset += rest.len() - trimmed.len();
        rest = trimmed;
        if rest.is_empty() {
            return Ok(args);
        }
        let Some(eq) = rest.find('=') else {
            return Err((
                format!("expected `name=\"value\"`, found `{}`", crate::diagnostic::quote(rest)),
                offset..offset + rest.len(),
            ));
        };
        let name = rest[..eq].trim().to_string();
        let after = rest[eq + 1..].trim_start();
        let value_at = offset + rest.len() - after.len();
        let Some(body) = after.strip_prefix('"') else {
            return Err((
                format!("the value of `{name}` must be in double quotes"),
                value_at..value_at + 1,
            ));
        };
        let Some(end) = body.find('"') else {
            return Err((
                format!("the value of `{name}` is never closed with `\"`"),
                value_at..value_at + 1,
            ));
        };
        args.push((name, body[..end].to_string(), value_at + 1..value_at + 1 + end));
        let consumed = rest.len() - body.len() + end + 1;
        rest = rest[consumed..].trim_start();
        offset = base + text.len() - rest.len();
        if let Some(r) = rest.strip_prefix(',') {
            rest = r;
            offset += 1;
        }
    }
}

#[cfg(test)]
mod tests;
