//! The plan linter: where the plan's own numbers disagree with each other.
//!
//! Every finding is a warning that names the file and line and shows both
//! figures. The checks follow the identities investors test (see the
//! README's "Plan checks"): stated derived values, growth claims and
//! deadlines, totals against their parts, identities between metrics,
//! values out of range, targets moving the wrong way. Bad input in the
//! typed sections (a lever's field on a risk) is an error found when the
//! pages are loaded instead.

use std::collections::HashMap;
use std::ops::Range;

use super::metrics::{Group, Metric, Section};
use super::plan::Plan;
use crate::diagnostic::{Code, Diagnostic, Diagnostics, Subject as About};
use crate::formula;
use crate::load::{Claim, Page, TotalOf};
use crate::period::{Month, parse_period, plan_month};
use crate::units::{Direction, NumberStyle, Unit};

/// What the checks read.
pub struct Subject<'a> {
    /// All metrics.
    pub metrics: &'a [Metric],
    /// Metric index by id.
    pub index: &'a HashMap<String, usize>,
    /// Metric groups (their files and identity checks).
    pub groups: &'a [Group],
    /// Plan pages.
    pub pages: &'a [Page],
    /// The plan's aggregates.
    pub plan: &'a Plan,
    /// Month 1.
    pub start: Month,
    /// Number style for the figures in messages.
    pub style: &'a NumberStyle,
}

impl Subject<'_> {
    fn metric(&self, id: &str) -> Option<&Metric> {
        self.index.get(id).map(|&i| &self.metrics[i])
    }

    fn show(&self, m: &Metric, v: f64) -> String {
        self.style.format(v, m.unit)
    }

    fn money(&self, v: f64) -> String {
        self.style.format(v, Unit::Currency)
    }

    fn when(&self, month: Month) -> String {
        format!("M{} ({month})", plan_month(month, self.start))
    }
}

/// Runs every consistency check and returns the warnings.
pub fn lint(s: &Subject) -> Diagnostics {
    let mut diags = Diagnostics::default();
    check_claims(s, &mut diags);
    check_totals(s, &mut diags);
    check_identities(s, &mut diags);
    check_ranges(s, &mut diags);
    check_directions(s, &mut diags);
    diags
}

/// Compound monthly growth from `a` to `b` over `months` intervals.
pub fn cmgr(a: f64, b: f64, months: i32) -> Option<f64> {
    (a > 0.0 && b > 0.0 && months > 0).then(|| (b / a).powf(1.0 / f64::from(months)) - 1.0)
}

fn check_claims(s: &Subject, diags: &mut Diagnostics) {
    for p in s.pages {
        for claim in &p.front.claims {
            let Some(m) = s.metric(&claim.metric) else { continue };
            let at = ClaimAt { page: p, claim };
            if let Some(g) = claim.monthly_growth {
                check_growth_claim(s, &at, m, g, diags);
            }
            if let (Some(value), Some(by)) = (claim.reaches, claim.by.as_deref()) {
                check_deadline_claim(s, &at, m, value, by, diags);
            }
        }
    }
}

/// A claim and the page it is written on, for positions.
struct ClaimAt<'a> {
    page: &'a Page,
    claim: &'a Claim,
}

impl ClaimAt<'_> {
    /// Where `key` of the claim is written (its value, else the claim).
    fn span(&self, key: &str) -> Range<usize> {
        let path = format!("claims[{}]", self.claim.position);
        let spans = &self.page.spans;
        spans
            .value(&format!("{path}.{key}"))
            .or_else(|| spans.value(&format!("{path}.metric")))
            .unwrap_or(0..0)
    }

    fn warning(&self, code: Code, key: &str, m: &Metric, message: String) -> Diagnostic {
        Diagnostic::warning_at(code, &self.page.source, self.span(key), message)
            .metric(&m.id)
            .about(About::Page(self.page.slug.clone()))
    }
}

fn month_of(s: &Subject, text: Option<&str>) -> Option<Month> {
    text.and_then(|t| parse_period(t, s.start).ok())
}

fn check_growth_claim(s: &Subject, at: &ClaimAt, m: &Metric, g: f64, diags: &mut Diagnostics) {
    let claim = at.claim;
    let first = month_of(s, claim.from.as_deref()).or_else(|| m.target.keys().next().copied());
    let last = month_of(s, claim.to.as_deref())
        .or_else(|| month_of(s, claim.by.as_deref()))
        .or_else(|| m.target.keys().next_back().copied());
    let (Some(a), Some(b)) = (first, last) else { return };
    let (Some(&va), Some(&vb)) = (m.target.get(&a), m.target.get(&b)) else {
        diags.push(
            at.warning(
                Code::GrowthClaim,
                "metric",
                m,
                format!(
                    "the growth claim for `{}` cannot be checked: no target in {} or {}",
                    m.id,
                    s.when(a),
                    s.when(b)
                ),
            )
            .help("give `from` and `to` months that have targets"),
        );
        return;
    };
    let Some(implied) = cmgr(va, vb, a.months_until(b)) else {
        return;
    };
    let g_span = at.span("monthly_growth");
    let literal = at.page.source.text.get(g_span).unwrap_or("").trim_matches(['"', '\'']);
    // Within the precision written, but never looser than one point: "0.2"
    // should not excuse 24%.
    let tolerance = super::consistency::tolerance(literal).clamp(0.0005, 0.01);
    if (implied - g).abs() > tolerance {
        let pct = |v: f64| s.style.percent(v);
        diags.push(
            at.warning(
                Code::GrowthClaim,
                "monthly_growth",
                m,
                format!(
                    "the plan claims {} monthly growth of `{}`, but its targets imply {} a month",
                    pct(g),
                    m.id,
                    pct(implied)
                ),
            )
            .label(format!(
                "targets: {} at {} to {} at {}",
                s.show(m, va),
                s.when(a),
                s.show(m, vb),
                s.when(b)
            ))
            .help(format!(
                "at {} a month, {} at {} would become {} at {}; correct the claim or the targets",
                pct(g),
                s.show(m, va),
                s.when(a),
                s.show(m, va * (1.0 + g).powi(a.months_until(b))),
                s.when(b)
            )),
        );
    }
}

fn check_deadline_claim(s: &Subject, at: &ClaimAt, m: &Metric, value: f64, by: &str, diags: &mut Diagnostics) {
    let claim = at.claim;
    let Some(deadline) = month_of(s, Some(by)) else { return };
    let reached = m.target.iter().find(|(_, v)| match m.direction {
        Direction::Up => **v >= value,
        Direction::Down => **v <= value,
    });
    match reached {
        Some((&month, _)) if month == deadline => {}
        Some((&month, &v)) => {
            let gap = deadline.months_until(month);
            let (how, rate) = match (m.target.iter().next(), gap < 0) {
                (Some((&first, &v0)), true) => ("earlier", cmgr(v0, value, first.months_until(deadline))),
                _ => ("later", None),
            };
            let needed = rate.map_or_else(String::new, |r| {
                format!(
                    "; reaching it exactly at {} takes {} a month",
                    s.when(deadline),
                    s.style.percent(r)
                )
            });
            diags.push(
                at.warning(
                    Code::DeadlineClaim,
                    "by",
                    m,
                    format!(
                        "the plan claims `{}` reaches {} by {}, but its targets reach it at {}",
                        m.id,
                        s.show(m, value),
                        s.when(deadline),
                        s.when(month)
                    ),
                )
                .label(format!(
                    "{} months {how} ({} at {})",
                    gap.abs(),
                    s.show(m, v),
                    s.when(month)
                ))
                .help(format!(
                    "align the deadline with the targets, or the targets with the deadline{needed}"
                )),
            );
        }
        None => diags.push(
            at.warning(
                Code::DeadlineClaim,
                "by",
                m,
                format!(
                    "the plan claims `{}` reaches {} by {}, but no target reaches it",
                    m.id,
                    s.show(m, value),
                    s.when(deadline)
                ),
            )
            .help("add a target that reaches the value, or correct the claim"),
        ),
    }
    if let Some(g) = claim.monthly_growth {
        let first = month_of(s, claim.from.as_deref()).or_else(|| m.target.keys().next().copied());
        if let Some((a, &va)) = first.and_then(|a| Some((a, m.target.get(&a)?))) {
            let projected = va * (1.0 + g).powi(a.months_until(deadline));
            if (projected - value).abs() > value * 0.05 {
                diags.push(
                    at.warning(
                        Code::ClaimsDisagree,
                        "by",
                        m,
                        format!(
                            "the plan's two claims about `{}` disagree: {} a month from {} gives {} at {}, not {}",
                            m.id,
                            s.style.percent(g),
                            s.show(m, va),
                            s.show(m, projected),
                            s.when(deadline),
                            s.show(m, value)
                        ),
                    )
                    .help(format!(
                        "reaching {} at {} from {} needs {} a month",
                        s.show(m, value),
                        s.when(deadline),
                        s.show(m, va),
                        cmgr(va, value, a.months_until(deadline)).map_or("—".into(), |r| s.style.percent(r))
                    )),
                );
            }
        }
    }
}

/// A metric whose targets state a total (`total_of: investment`) is
/// compared, at each target, with the milestones' investment over the
/// months since its previous target: the stated total must lie between the
/// sum of the minimums and the sum of the maximums.
fn check_totals(s: &Subject, diags: &mut Diagnostics) {
    for m in s.metrics.iter().filter(|m| m.total_of == Some(TotalOf::Investment)) {
        let src = &s.groups[m.group].source;
        let mut previous: Option<Month> = None;
        let mut stated_sum = 0.0;
        for (&month, &stated) in &m.target {
            let from = previous.map_or(1, |p| plan_month(p, s.start) + 1).max(1) as u32;
            let to = plan_month(month, s.start).max(0) as u32;
            previous = Some(month);
            stated_sum += stated;
            let parts = s.plan.investment_between(from, to);
            let span = m.value_place(s.groups, Section::Target, month);
            let literal = src.text.get(span.clone()).unwrap_or("");
            if !parts.contains(stated, super::consistency::tolerance(literal)) {
                diags.push(
                    Diagnostic::warning_at(Code::TotalMismatch, src, span, format!("`{}` states {} for M{from}–M{to}, but the milestones of those months add up to {} – {}", m.id, s.money(stated), s.money(parts.min), s.money(parts.max)))
                        .metric(&m.id)
                        .label(if parts.max == 0.0 { "no milestone covers these months".to_string() } else { format!("outside {} – {}", s.money(parts.min), s.money(parts.max)) })
                        .help("a total must lie between the sum of its parts' minimums and maximums; correct the total or the milestones' `investment`"),
                );
            }
        }
        // The stated quarters together against the whole roadmap and the levers.
        let wholes = [
            (
                s.plan.total,
                "all milestones together cost",
                "the plan's total investment should lie within the roadmap's range",
            ),
            (
                s.plan.levers_total,
                "the levers' investment adds up to",
                "the levers and the stated investment describe the same money; make them agree",
            ),
        ];
        for (whole, what, help) in wholes {
            if !m.target.is_empty() && whole.max > 0.0 && !whole.contains(stated_sum, 0.5) {
                let span = m.place(s.groups, "target");
                let message = format!(
                    "the targets of `{}` add up to {}, but {what} {} – {}",
                    m.id,
                    s.money(stated_sum),
                    s.money(whole.min),
                    s.money(whole.max)
                );
                diags.push(
                    Diagnostic::warning_at(Code::TotalMismatch, src, span, message)
                        .metric(&m.id)
                        .help(help),
                );
            }
        }
    }
}

/// `checks: [{ expect: "mrr = customers * arpu" }]` in a metric file: both
/// sides are evaluated on the targets of every month where both have a value.
fn check_identities(s: &Subject, diags: &mut Diagnostics) {
    for g in s.groups {
        for check in &g.checks {
            let at = g
                .spans
                .value(&format!("checks[{}].expect", check.position))
                .unwrap_or(0..0);
            let warning = |code: Code, message: String| {
                Diagnostic::warning_at(code, &g.source, at.clone(), message).about(About::Group(g.id.clone()))
            };
            let Some((left, right)) = check.expect.split_once('=') else {
                diags.push(
                    warning(Code::BadIdentity, "an identity needs `=` between two formulas".into())
                        .help("write e.g. `expect: mrr = customers * arpu`"),
                );
                continue;
            };
            let (Ok(l), Ok(r)) = (formula::parse(left), formula::parse(right)) else {
                diags.push(
                    warning(Code::BadIdentity, "a side of this identity is not a formula".into())
                        .help("each side uses metric ids, numbers and + - * / ^"),
                );
                continue;
            };
            let unknown: Vec<&str> = l
                .inputs()
                .into_iter()
                .chain(r.inputs())
                .filter(|id| !s.index.contains_key(*id))
                .collect();
            if !unknown.is_empty() {
                diags.push(
                    warning(
                        Code::BadIdentity,
                        format!("the identity names unknown metrics: {}", unknown.join(", ")),
                    )
                    .help("use ids defined in content/metrics/*.yaml"),
                );
                continue;
            }
            let lookup = |id: &str, month: Month| s.metric(id).and_then(|m| m.target.get(&month).copied());
            let months: std::collections::BTreeSet<Month> = l
                .inputs()
                .into_iter()
                .chain(r.inputs())
                .filter_map(|id| s.metric(id))
                .flat_map(|m| m.target.keys().copied())
                .collect();
            let mut misses = Vec::new();
            for month in months {
                let mut dz = false;
                let (Some(a), Some(b)) = (l.eval(month, &lookup, &mut dz), r.eval(month, &lookup, &mut dz)) else {
                    continue;
                };
                let scale = a.abs().max(b.abs());
                if scale > 0.0 && (a - b).abs() / scale > check.tolerance {
                    misses.push((month, a, b));
                }
            }
            if let Some(&(month, a, b)) = misses.first() {
                // Both sides are the same quantity: show them in the left side's unit.
                let unit = l
                    .inputs()
                    .into_iter()
                    .next()
                    .and_then(|id| s.metric(id))
                    .map_or(Unit::Count, |m| m.unit);
                let (lu, ru) = (unit, unit);
                let more = if misses.len() > 1 {
                    format!(" (and {} more months)", misses.len() - 1)
                } else {
                    String::new()
                };
                let mut d = warning(Code::IdentityMismatch, format!("`{}` does not hold in the targets: at {} the left side is {}, the right side {}{more}", check.expect.trim(), s.when(month), s.style.format(a, lu), s.style.format(b, ru)))
                    .help(format!("the sides differ by more than {}; correct the targets, or state the definition that makes them agree", s.style.percent(check.tolerance)));
                for id in l.inputs().into_iter().chain(r.inputs()) {
                    d = d.metric(id);
                }
                diags.push(d);
            }
        }
    }
}

/// Values outside what their unit allows: a percentage above 100%, a
/// negative count or duration, or outside the metric's own `range`.
fn check_ranges(s: &Subject, diags: &mut Diagnostics) {
    for m in s.metrics {
        let (lo, hi) = match (m.range, m.unit) {
            (Some([lo, hi]), _) => (lo, hi),
            // A derived percentage is often a growth rate, which may pass 100%.
            (None, _) if m.is_derived() => continue,
            (None, Unit::Percent) => (0.0, 1.0),
            (None, Unit::Count | Unit::Duration) => (0.0, f64::INFINITY),
            (None, _) => continue,
        };
        for (section, series) in [(Section::Target, &m.target), (Section::Actual, &m.actual)] {
            if let Some((&month, &v)) = series.iter().find(|(_, v)| **v < lo || **v > hi) {
                let src = &s.groups[m.group].source;
                let at = if m.is_derived() {
                    m.place(s.groups, "formula")
                } else {
                    m.value_place(s.groups, section, month)
                };
                let section = section.key();
                let bounds = if hi.is_finite() {
                    format!("{} – {}", s.show(m, lo), s.show(m, hi))
                } else {
                    format!("at least {}", s.show(m, lo))
                };
                diags.push(
                    Diagnostic::warning_at(Code::OutOfRange, src, at, format!("the {section} of `{}` is {} at {}, outside {bounds}", m.id, s.show(m, v), s.when(month)))
                        .metric(&m.id)
                        .help("percentages are fractions (0.8 is 80%); if the value is right (net revenue retention may pass 100%), set `range: [min, max]` on the metric"),
                );
            }
        }
    }
}

/// A target that moves against the metric's direction: a lower-is-better
/// metric whose target rises, or a higher-is-better one whose target falls.
fn check_directions(s: &Subject, diags: &mut Diagnostics) {
    for m in s.metrics.iter().filter(|m| !m.is_derived() && m.total_of.is_none()) {
        let pairs = m.target.iter().zip(m.target.iter().skip(1));
        let wrong = pairs.into_iter().find(|((_, a), (_, b))| match m.direction {
            Direction::Up => b < a,
            Direction::Down => b > a,
        });
        if let Some(((&ma, &a), (&mb, &b))) = wrong {
            let src = &s.groups[m.group].source;
            let at = m.value_place(s.groups, Section::Target, mb);
            let dir = match m.direction {
                Direction::Up => "higher is better (`direction: up`)",
                Direction::Down => "lower is better (`direction: down`)",
            };
            diags.push(
                Diagnostic::warning_at(
                    Code::WrongDirection,
                    src,
                    at,
                    format!(
                        "the target of `{}` goes from {} at {} to {} at {}, but {dir}",
                        m.id,
                        s.show(m, a),
                        s.when(ma),
                        s.show(m, b),
                        s.when(mb)
                    ),
                )
                .metric(&m.id)
                .help("check the direction and the targets; a plan rarely aims to get worse"),
            );
        }
    }
}

#[cfg(test)]
mod tests;
