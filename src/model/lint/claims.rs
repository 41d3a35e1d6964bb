//! Claims a plan makes in prose, written down in a page's `claims:` so they
//! can be checked against the targets: a growth rate (on average, or
//! `sustained` month by month), a value reached by a deadline, and the two
//! against each other.

use std::ops::Range;

use super::subject::{Subject, cmgr};
use crate::diagnostic::{Code, Diagnostic, Diagnostics, Subject as About};
use crate::load::{Claim, Page};
use crate::model::metrics::Metric;
use crate::period::{Month, parse_period, plan_month};
use crate::units::Direction;

/// Checks every claim of every page.
pub fn check(s: &Subject, diags: &mut Diagnostics) {
    for p in s.pages {
        for claim in &p.front.claims {
            let Some(m) = s.metric(&claim.metric) else { continue };
            let at = ClaimAt { page: p, claim };
            match claim.monthly_growth {
                Some(g) if claim.sustained => check_sustained(s, &at, m, g, diags),
                Some(g) => check_growth(s, &at, m, g, diags),
                None => {}
            }
            if let (Some(value), Some(by)) = (claim.reaches, claim.by.as_deref()) {
                check_deadline(s, &at, m, value, by, diags);
            }
            if let (Some(value), Some(then)) = (claim.reaches, month_of(s, claim.at.as_deref())) {
                check_at(s, &at, m, value, then, diags);
            }
            let deadline = month_of(s, claim.by.as_deref()).or_else(|| month_of(s, claim.at.as_deref()));
            if let (Some(value), Some(deadline)) = (claim.reaches, deadline) {
                check_rate_to(s, &at, m, value, deadline, diags);
            }
            if let (Some(total), Some(over)) = (claim.total, claim.over.as_deref()) {
                super::flow_totals::check_claim(s, p, claim, m, total, over, diags);
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

    /// The claimed rate as written, for its precision.
    fn rate_literal(&self) -> &str {
        self.page
            .source
            .text
            .get(self.span("monthly_growth"))
            .unwrap_or("")
            .trim_matches(['"', '\''])
    }
}

fn month_of(s: &Subject, text: Option<&str>) -> Option<Month> {
    text.and_then(|t| parse_period(t, s.start).ok())
}

/// The claim's window: `from` (else the first target) to `to` (else `by`
/// or `at`, else the last target).
fn window(s: &Subject, claim: &Claim, m: &Metric) -> Option<(Month, Month)> {
    let first = month_of(s, claim.from.as_deref()).or_else(|| m.target.keys().next().copied())?;
    let last = month_of(s, claim.to.as_deref())
        .or_else(|| month_of(s, claim.by.as_deref()))
        .or_else(|| month_of(s, claim.at.as_deref()))
        .or_else(|| m.target.keys().next_back().copied())?;
    Some((first, last))
}

/// How far an implied rate may be from the claimed one: the precision the
/// claim was written with, but never looser than one point (`0.2` does not
/// excuse 24%) nor tighter than a twentieth of a point.
fn rate_tolerance(at: &ClaimAt) -> f64 {
    super::stated::tolerance(at.rate_literal(), 1.0).clamp(0.0005, 0.01)
}

/// A growth rate claimed on average: the compound monthly growth between
/// the window's targets must be the claimed one.
fn check_growth(s: &Subject, at: &ClaimAt, m: &Metric, g: f64, diags: &mut Diagnostics) {
    let Some((a, b)) = window(s, at.claim, m) else { return };
    let (Some(&va), Some(&vb)) = (m.target.get(&a), m.target.get(&b)) else {
        return unchecked(s, at, m, a, b, diags);
    };
    let Some(implied) = cmgr(va, vb, a.months_until(b)) else {
        return;
    };
    if (implied - g).abs() <= rate_tolerance(at) {
        return;
    }
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
        .reader(
            "finding_growth",
            vec![
                ("metric", m.label.clone()),
                ("claimed", pct(g)),
                ("implied", pct(implied)),
                ("from", s.month(a)),
                ("to", s.month(b)),
            ],
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

fn unchecked(s: &Subject, at: &ClaimAt, m: &Metric, a: Month, b: Month, diags: &mut Diagnostics) {
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
        .reader(
            "finding_growth_unchecked",
            vec![("metric", m.label.clone()), ("from", s.month(a)), ("to", s.month(b))],
        )
        .help("give `from` and `to` months that have targets"),
    );
}

/// The stretches a sustained claim is judged on: each pair of consecutive
/// targets, so a flat quarter (or month) inside a year of growth is seen.
fn stretches(m: &Metric, a: Month, b: Month) -> Vec<(Month, Month)> {
    let targets: Vec<Month> = m.target.range(a..=b).map(|(k, _)| *k).collect();
    targets.windows(2).map(|w| (w[0], w[1])).collect()
}

/// A growth rate claimed for every month ("20% a month, sustained"): the
/// growth of each stretch of the targets must be the claimed one, and the
/// finding says where they depart from it.
fn check_sustained(s: &Subject, at: &ClaimAt, m: &Metric, g: f64, diags: &mut Diagnostics) {
    let Some((a, b)) = window(s, at.claim, m) else { return };
    if !m.target.contains_key(&a) || !m.target.contains_key(&b) {
        return unchecked(s, at, m, a, b, diags);
    }
    let tolerance = rate_tolerance(at);
    let mut rates: Vec<(Month, Month, f64)> = stretches(m, a, b)
        .into_iter()
        .filter_map(|(x, y)| Some((x, y, cmgr(m.target[&x], m.target[&y], x.months_until(y))?)))
        .collect();
    if rates.iter().all(|(_, _, r)| (r - g).abs() <= tolerance) {
        return;
    }
    let pct = |v: f64| s.style.percent(v);
    // Only the stretches that depart: a two-year claim has eight quarters.
    rates.retain(|(_, _, r)| (r - g).abs() > tolerance);
    let author: Vec<String> = rates
        .iter()
        .map(|(x, y, r)| {
            format!(
                "{} a month from M{} to M{}",
                pct(*r),
                plan_month(*x, s.start),
                plan_month(*y, s.start)
            )
        })
        .collect();
    let author = join(&author, "and");
    // For readers, in any language: "52 % (ene 2024 → dic 2024), 14 % (…)".
    let reader: Vec<String> = rates
        .iter()
        .map(|(x, y, r)| format!("{} ({} → {})", pct(*r), s.calendar.short(*x), s.calendar.short(*y)))
        .collect();
    let reader = reader.join(", ");
    diags.push(
        at.warning(
            Code::SustainedGrowth,
            "monthly_growth",
            m,
            format!(
                "the plan claims {} monthly growth of `{}`, sustained, but its targets grow {author}",
                pct(g),
                m.id
            ),
        )
        .reader(
            "finding_sustained",
            vec![("metric", m.label.clone()), ("claimed", pct(g)), ("stretches", reader)],
        )
        .help(format!(
            "a sustained rate holds in every stretch; correct the claim (or drop `sustained`) or the targets of the stretches that depart from {}",
            pct(g)
        )),
    );
}

/// The monthly growth from the first target to `value` at `deadline`.
fn cmgr_from_first(m: &Metric, value: f64, deadline: Month) -> Option<f64> {
    let (&first, &v0) = m.target.iter().next()?;
    cmgr(v0, value, first.months_until(deadline))
}

/// A value claimed for a month exactly (`at:`, "$1M ARR in 24 months"):
/// the plan of that month must be it, within the precision the value is
/// written with.
fn check_at(s: &Subject, at: &ClaimAt, m: &Metric, value: f64, then: Month, diags: &mut Diagnostics) {
    let literal = at.page.source.text.get(at.span("reaches")).unwrap_or("");
    let tolerance = super::stated::tolerance(literal.trim_matches(['"', '\'']), value);
    let planned = m.plan.get(&then).copied();
    if planned.is_some_and(|p| (p - value).abs() <= tolerance) {
        return;
    }
    let found = match planned {
        Some(p) => format!("its plan there is {}", s.show(m, p)),
        None => "its plan says nothing about that month".to_string(),
    };
    diags.push(
        at.warning(
            Code::DeadlineClaim,
            "at",
            m,
            format!(
                "the plan claims `{}` is {} at {}, but {found}",
                m.id,
                s.show(m, value),
                s.when(then)
            ),
        )
        .reader(
            "finding_at",
            vec![
                ("metric", m.label.clone()),
                ("value", s.show(m, value)),
                ("month", s.month(then)),
                ("planned", planned.map_or_else(|| "—".to_string(), |p| s.show(m, p))),
            ],
        )
        .label(match reached_at(m, value) {
            Some(month) if month != then => format!("the targets reach it at {}", s.when(month)),
            _ => format!("planned: {}", planned.map_or_else(|| "—".to_string(), |p| s.show(m, p))),
        })
        .help("`at:` claims the value for that month exactly; write `by:` if it is a deadline that may be met earlier, or align the targets"),
    );
}

/// The first month whose target reaches `value` in the metric's direction.
fn reached_at(m: &Metric, value: f64) -> Option<Month> {
    m.target
        .iter()
        .find(|(_, v)| match m.direction {
            Direction::Up => **v >= value,
            Direction::Down => **v <= value,
        })
        .map(|(t, _)| *t)
}

/// `a, b and c`.
fn join(parts: &[String], and: &str) -> String {
    match parts {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} {and} {last}", init.join(", ")),
    }
}

/// A value claimed to be reached by a month: the targets must reach it
/// then or earlier ("by" is no later than); and when the claim also states
/// a growth rate, the rate must lead there.
fn check_deadline(s: &Subject, at: &ClaimAt, m: &Metric, value: f64, by: &str, diags: &mut Diagnostics) {
    let Some(deadline) = month_of(s, Some(by)) else { return };
    let reached = m.target.iter().find(|(_, v)| match m.direction {
        Direction::Up => **v >= value,
        Direction::Down => **v <= value,
    });
    let facts = |reached: Option<Month>| {
        let mut f = vec![
            ("metric", m.label.clone()),
            ("value", s.show(m, value)),
            ("by", s.month(deadline)),
        ];
        if let Some(r) = reached {
            f.push(("reached", s.month(r)));
        }
        f
    };
    match reached {
        // "By" is no later than: reaching it earlier keeps the promise.
        Some((&month, _)) if month <= deadline => {}
        Some((&month, &v)) => {
            let gap = deadline.months_until(month);
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
                .reader("finding_deadline", facts(Some(month)))
                .label(format!("{} months later ({} at {})", gap, s.show(m, v), s.when(month)))
                .help(match cmgr_from_first(m, value, deadline) {
                    Some(r) => format!(
                        "align the deadline with the targets, or the targets with the deadline: reaching it at {} takes {} a month",
                        s.when(deadline),
                        s.style.percent(r)
                    ),
                    None => "align the deadline with the targets, or the targets with the deadline".to_string(),
                }),
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
            .reader("finding_deadline_never", facts(None))
            .help("add a target that reaches the value, or correct the claim"),
        ),
    }
}

/// A value claimed for a deadline (`by` or `at`) together with a growth
/// rate: the rate from the first month must lead to the value then.
fn check_rate_to(s: &Subject, at: &ClaimAt, m: &Metric, value: f64, deadline: Month, diags: &mut Diagnostics) {
    let key = if at.claim.by.is_some() { "by" } else { "at" };
    let Some(g) = at.claim.monthly_growth else { return };
    let first = month_of(s, at.claim.from.as_deref()).or_else(|| m.target.keys().next().copied());
    let Some((a, &va)) = first.and_then(|a| Some((a, m.target.get(&a)?))) else {
        return;
    };
    let projected = va * (1.0 + g).powi(a.months_until(deadline));
    if (projected - value).abs() <= value * 0.05 {
        return;
    }
    diags.push(
        at.warning(
            Code::ClaimsDisagree,
            key,
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
        .reader(
            "finding_claims",
            vec![
                ("metric", m.label.clone()),
                ("rate", s.style.percent(g)),
                ("start", s.show(m, va)),
                ("projected", s.show(m, projected)),
                ("by", s.month(deadline)),
                ("value", s.show(m, value)),
            ],
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
