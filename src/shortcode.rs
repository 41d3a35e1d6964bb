//! Shortcodes: how a page's Markdown embeds a metric's chart, KPI card or
//! table. The syntax is Zola's, `{{ chart(metric="arr") }}`, so authors who
//! know Zola need nothing new.
//!
//! | shortcode | shows |
//! |---|---|
//! | `{{ chart(metric="arr") }}` | the metric's line chart (actual and target) |
//! | `{{ kpi(metric="arr") }}` | a KPI card: latest actual, change, attainment |
//! | `{{ table(metrics="arr,mrr") }}` | a periods × metrics table |
//! | `{{ table(group="ingresos") }}` | the table of a whole metric file |
//! | `{{ objectives(metrics="arr,nps") }}` | targets at each quarter's end |
//! | `{{ projections(metric="arr") }}` | quarterly targets, growth, investment and their ratio |

use std::ops::Range;

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
}

impl Shortcode {
    /// The value of argument `name`.
    pub fn arg(&self, name: &str) -> Option<(&str, Range<usize>)> {
        self.args
            .iter()
            .find(|(n, _, _)| n == name)
            .map(|(_, v, s)| (v.as_str(), s.clone()))
    }
}

/// A shortcode that could not be read.
#[derive(Debug, Clone, PartialEq)]
pub struct ShortcodeError {
    /// What is wrong.
    pub message: String,
    /// Where, in bytes of the body.
    pub span: Range<usize>,
}

/// Finds every `{{ name(args) }}` in `body`. Text inside code (indented or
/// between backticks) is not checked; a shortcode is expected on its own.
pub fn find(body: &str) -> Vec<Result<Shortcode, ShortcodeError>> {
    let mut out = Vec::new();
    let mut pos = 0;
    while let Some(open) = body[pos..].find("{{").map(|i| i + pos) {
        let Some(close) = body[open..].find("}}").map(|i| i + open + 2) else {
            out.push(Err(ShortcodeError {
                message: "a shortcode opened with `{{` is never closed with `}}`".into(),
                span: open..open + 2,
            }));
            break;
        };
        if !in_code_span(body, open) {
            out.push(parse_one(body, open, close));
        }
        pos = close;
    }
    out
}

fn in_code_span(body: &str, at: usize) -> bool {
    let line_start = body[..at].rfind('\n').map_or(0, |i| i + 1);
    body[line_start..at].matches('`').count() % 2 == 1 || body[line_start..].starts_with("    ")
}

fn parse_one(body: &str, open: usize, close: usize) -> Result<Shortcode, ShortcodeError> {
    let inner_start = open + 2;
    let inner = &body[inner_start..close - 2];
    let err = |message: String, span: Range<usize>| ShortcodeError { message, span };
    let Some(paren) = inner.find('(') else {
        return Err(err("expected `name(arg=\"value\")` inside `{{ }}`".into(), open..close));
    };
    let name = inner[..paren].trim();
    let name_at = inner_start + inner.find(name).unwrap_or(0);
    let kind = match name {
        "chart" => ShortcodeKind::Chart,
        "kpi" => ShortcodeKind::Kpi,
        "table" => ShortcodeKind::Table,
        "objectives" => ShortcodeKind::Objectives,
        "projections" => ShortcodeKind::Projections,
        _ => {
            return Err(err(
                format!("unknown shortcode `{name}`; palanca knows chart, kpi, table, objectives and projections"),
                name_at..name_at + name.len().max(1),
            ));
        }
    };
    let Some(rparen) = inner.rfind(')') else {
        return Err(err("the shortcode's `(` is never closed".into(), open..close));
    };
    let args_start = inner_start + paren + 1;
    let args = parse_args(&body[args_start..inner_start + rparen], args_start).map_err(|(m, s)| err(m, s))?;
    Ok(Shortcode {
        kind,
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
                format!("expected `name=\"value\"`, found `{rest}`"),
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
