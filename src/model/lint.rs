//! The plan linter: where the plan's own numbers disagree with each other.
//!
//! Every finding is a warning that names the file and line and shows both
//! figures. The checks follow the identities investors test (see the
//! README's "Plan checks"): stated derived values, growth claims and
//! deadlines, totals against their parts, identities between metrics,
//! values out of range, targets moving the wrong way. Bad input in the
//! typed sections (a lever's field on a risk) is an error instead.

use std::collections::HashMap;

use super::metrics::{Group, Metric};
use super::plan::Plan;
use crate::diagnostic::{Diagnostic, Diagnostics, Source};
use crate::formula;
use crate::load::{Claim, Page, PageKind, TotalOf};
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

/// Fields each kind of section may carry, beyond the common ones.
fn allowed(kind: PageKind) -> &'static [&'static str] {
    match kind {
        PageKind::Milestone => &["phase", "months", "investment", "roi", "status", "owner"],
        PageKind::Lever => &["priority", "months", "investment", "roi", "status", "owner"],
        PageKind::Risk => &[
            "mitigation",
            "contingency",
            "monitoring",
            "likelihood",
            "impact",
            "owner",
            "status",
        ],
        PageKind::Page => &[],
    }
}

/// Errors in typed sections: a field of another kind, months or ranges
/// the wrong way round.
pub fn check_sections(pages: &[Page], diags: &mut Diagnostics) {
    for p in pages {
        let f = &p.front;
        let src = &p.source;
        let fm_end = p.body_offset;
        let present = [
            ("phase", f.phase.is_some()),
            ("months", f.months.is_some()),
            ("investment", f.investment.is_some()),
            ("roi", f.roi.is_some()),
            ("priority", f.priority.is_some()),
            ("status", f.status.is_some()),
            ("mitigation", f.mitigation.is_some()),
            ("contingency", f.contingency.is_some()),
            ("monitoring", f.monitoring.is_some()),
            ("likelihood", f.likelihood.is_some()),
            ("impact", f.impact.is_some()),
        ];
        for (field, is_set) in present {
            if is_set && !allowed(f.kind).contains(&field) {
                let at = src.find_key(0, field).filter(|&a| a < fm_end).unwrap_or(0);
                let kinds: Vec<&str> = [PageKind::Milestone, PageKind::Lever, PageKind::Risk]
                    .into_iter()
                    .filter(|k| allowed(*k).contains(&field))
                    .map(kind_name)
                    .collect();
                diags.push(
                    Diagnostic::error_at(
                        src,
                        at,
                        field.len(),
                        format!("`{field}` does not apply to a {}", kind_name(f.kind)),
                    )
                    .help(format!(
                        "`{field}` belongs to: {}; set `kind:` accordingly or remove the field",
                        kinds.join(", ")
                    )),
                );
            }
        }
        if let Some([a, b]) = f.months {
            if a == 0 || b < a {
                let at = src.find_value(0, "months").unwrap_or(0);
                diags.push(
                    Diagnostic::error_at(
                        src,
                        at,
                        1,
                        format!("`months: [{a}, {b}]` is not a window of plan months"),
                    )
                    .help("write [from, to] with 1 <= from <= to, e.g. `months: [2, 6]`"),
                );
            }
        }
        if let Some(i) = f.investment.filter(|i| i.min > i.max || i.min < 0.0) {
            let at = src.find_value(0, "investment").unwrap_or(0);
            diags.push(
                Diagnostic::error_at(
                    src,
                    at,
                    1,
                    format!(
                        "the investment range {}–{} is the wrong way round or negative",
                        i.min, i.max
                    ),
                )
                .help("write `investment: { min: LOW, max: HIGH }` with 0 <= LOW <= HIGH"),
            );
        }
        if let Some(r) = f.roi.filter(|r| r.ratio <= 0.0 || r.within_months == 0) {
            let at = src.find_value(0, "roi").unwrap_or(0);
            diags.push(
                Diagnostic::error_at(
                    src,
                    at,
                    1,
                    format!(
                        "an ROI of {}x within {} months cannot be right",
                        r.ratio, r.within_months
                    ),
                )
                .help("write `roi: { ratio: 3, within_months: 9 }` for a 3:1 return in nine months"),
            );
        }
    }
}

fn kind_name(kind: PageKind) -> &'static str {
    match kind {
        PageKind::Milestone => "milestone",
        PageKind::Lever => "lever",
        PageKind::Risk => "risk",
        PageKind::Page => "page",
    }
}

/// Errors in the claims themselves: an unknown metric, a bad month, a claim
/// that says nothing.
pub fn check_claim_input(pages: &[Page], index: &HashMap<String, usize>, start: Month, diags: &mut Diagnostics) {
    for p in pages {
        let mut from = 0;
        for claim in &p.front.claims {
            let at = p.source.find_value(from, "metric").unwrap_or(0);
            from = at + 1;
            if !index.contains_key(&claim.metric) {
                diags.push(
                    Diagnostic::error_at(
                        &p.source,
                        at,
                        claim.metric.len(),
                        format!("the claim is about `{}`, which is not a metric", claim.metric),
                    )
                    .help("name a metric id defined in content/metrics/*.yaml"),
                );
            }
            for (key, value) in [("from", &claim.from), ("to", &claim.to), ("by", &claim.by)] {
                if let Some(text) = value.as_deref().filter(|t| parse_period(t, start).is_err()) {
                    let at = p.source.find_value(at, key).unwrap_or(at);
                    diags.push(
                        Diagnostic::error_at(
                            &p.source,
                            at,
                            p.source.scalar_len(at),
                            format!("`{key}: {text}` is not a month"),
                        )
                        .help("write YYYY-MM or a plan month such as M12"),
                    );
                }
            }
            if claim.monthly_growth.is_none() && claim.reaches.is_none() {
                diags.push(
                    Diagnostic::error_at(&p.source, at, claim.metric.len(), "this claim states nothing to check").help(
                        "give `monthly_growth: 0.2` (with optional from/to) or `reaches: 10000000` with `by: M24`",
                    ),
                );
            }
        }
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
        let mut from = 0;
        for claim in &p.front.claims {
            let at = p.source.find_key(from, "metric").unwrap_or(0);
            from = at + 1;
            let Some(m) = s.metric(&claim.metric) else { continue };
            if let Some(g) = claim.monthly_growth {
                check_growth_claim(s, &p.source, at, m, claim, g, diags);
            }
            if let (Some(value), Some(by)) = (claim.reaches, claim.by.as_deref()) {
                check_deadline_claim(s, &p.source, at, m, claim, value, by, diags);
            }
        }
    }
}

fn month_of(s: &Subject, text: Option<&str>) -> Option<Month> {
    text.and_then(|t| parse_period(t, s.start).ok())
}

fn check_growth_claim(
    s: &Subject,
    src: &Source,
    at: usize,
    m: &Metric,
    claim: &Claim,
    g: f64,
    diags: &mut Diagnostics,
) {
    let first = month_of(s, claim.from.as_deref()).or_else(|| m.target.keys().next().copied());
    let last = month_of(s, claim.to.as_deref())
        .or_else(|| month_of(s, claim.by.as_deref()))
        .or_else(|| m.target.keys().next_back().copied());
    let (Some(a), Some(b)) = (first, last) else { return };
    let (Some(&va), Some(&vb)) = (m.target.get(&a), m.target.get(&b)) else {
        diags.push(
            Diagnostic::warning_at(
                src,
                at,
                claim.metric.len(),
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
    let g_at = src.find_value(at, "monthly_growth").unwrap_or(at);
    let literal = src.text[g_at..]
        .split(['\n', ',', '}', '#'])
        .next()
        .unwrap_or("")
        .trim();
    // Within the precision written, but never looser than one point: "0.2"
    // should not excuse 24%.
    let tolerance = super::consistency::tolerance(literal).clamp(0.0005, 0.01);
    if (implied - g).abs() > tolerance {
        let pct = |v: f64| s.style.percent(v);
        diags.push(
            Diagnostic::warning_at(
                src,
                g_at,
                literal.len().max(1),
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

#[allow(clippy::too_many_arguments, reason = "the claim's context, passed once")]
fn check_deadline_claim(
    s: &Subject,
    src: &Source,
    at: usize,
    m: &Metric,
    claim: &Claim,
    value: f64,
    by: &str,
    diags: &mut Diagnostics,
) {
    let Some(deadline) = month_of(s, Some(by)) else { return };
    let reached = m.target.iter().find(|(_, v)| match m.direction {
        Direction::Up => **v >= value,
        Direction::Down => **v <= value,
    });
    let by_at = src.find_value(at, "by").unwrap_or(at);
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
                Diagnostic::warning_at(
                    src,
                    by_at,
                    by.len(),
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
            Diagnostic::warning_at(
                src,
                by_at,
                by.len(),
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
                    Diagnostic::warning_at(
                        src,
                        by_at,
                        by.len(),
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
            let key_at =
                super::locate::series_key(src, m.id_offset, "target", &format!("M{}", plan_month(month, s.start)));
            let literal = super::locate::literal_after(src, key_at).map_or("", |(_, l)| l);
            if !parts.contains(stated, super::consistency::tolerance(literal)) {
                let at = super::locate::literal_after(src, key_at).map_or(key_at, |(a, _)| a);
                diags.push(
                    Diagnostic::warning_at(src, at, literal.len().max(1), format!("`{}` states {} for M{from}–M{to}, but the milestones of those months add up to {} – {}", m.id, s.money(stated), s.money(parts.min), s.money(parts.max)))
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
                let at = super::locate::field(src, m.id_offset, "target");
                let message = format!(
                    "the targets of `{}` add up to {}, but {what} {} – {}",
                    m.id,
                    s.money(stated_sum),
                    s.money(whole.min),
                    s.money(whole.max)
                );
                diags.push(Diagnostic::warning_at(src, at, 1, message).help(help));
            }
        }
    }
}

/// `checks: [{ expect: "mrr = customers * arpu" }]` in a metric file: both
/// sides are evaluated on the targets of every month where both have a value.
fn check_identities(s: &Subject, diags: &mut Diagnostics) {
    for g in s.groups {
        let mut from = 0;
        for check in &g.checks {
            let at = g.source.find_value(from, "expect").unwrap_or(0);
            from = at + 1;
            let Some((left, right)) = check.expect.split_once('=') else {
                diags.push(
                    Diagnostic::warning_at(
                        &g.source,
                        at,
                        check.expect.len(),
                        "an identity needs `=` between two formulas",
                    )
                    .help("write e.g. `expect: mrr = customers * arpu`"),
                );
                continue;
            };
            let (Ok(l), Ok(r)) = (formula::parse(left), formula::parse(right)) else {
                diags.push(
                    Diagnostic::warning_at(
                        &g.source,
                        at,
                        check.expect.len(),
                        "a side of this identity is not a formula",
                    )
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
                    Diagnostic::warning_at(
                        &g.source,
                        at,
                        check.expect.len(),
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
                diags.push(
                    Diagnostic::warning_at(&g.source, at, check.expect.len(), format!("`{}` does not hold in the targets: at {} the left side is {}, the right side {}{more}", check.expect.trim(), s.when(month), s.style.format(a, lu), s.style.format(b, ru)))
                        .help(format!("the sides differ by more than {}; correct the targets, or state the definition that makes them agree", s.style.percent(check.tolerance))),
                );
            }
        }
    }
}

/// Where the value of `month` in a metric's `section` is written: under its
/// plan-month key or its `YYYY-MM` key, whichever the file uses.
fn value_at(s: &Subject, m: &Metric, section: &str, month: Month) -> usize {
    let src = &s.groups[m.group].source;
    let section_at = super::locate::field(src, m.id_offset, section);
    let section_key = src.find_key(m.id_offset, section).unwrap_or(m.id_offset);
    [format!("M{}", plan_month(month, s.start)), month.to_string()]
        .iter()
        .map(|key| super::locate::series_key(src, m.id_offset, section, key))
        .find(|&at| at != section_key && at >= m.id_offset)
        .and_then(|at| super::locate::literal_after(src, at).map(|(v, _)| v))
        .unwrap_or(section_at)
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
        for (section, series) in [("target", &m.target), ("actual", &m.actual)] {
            if let Some((&month, &v)) = series.iter().find(|(_, v)| **v < lo || **v > hi) {
                let src = &s.groups[m.group].source;
                let at = if m.is_derived() {
                    super::locate::field(src, m.id_offset, "formula")
                } else {
                    value_at(s, m, section, month)
                };
                let bounds = if hi.is_finite() {
                    format!("{} – {}", s.show(m, lo), s.show(m, hi))
                } else {
                    format!("at least {}", s.show(m, lo))
                };
                diags.push(
                    Diagnostic::warning_at(src, at, 1, format!("the {section} of `{}` is {} at {}, outside {bounds}", m.id, s.show(m, v), s.when(month)))
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
            let at = value_at(s, m, "target", mb);
            let dir = match m.direction {
                Direction::Up => "higher is better (`direction: up`)",
                Direction::Down => "lower is better (`direction: down`)",
            };
            diags.push(
                Diagnostic::warning_at(
                    src,
                    at,
                    1,
                    format!(
                        "the target of `{}` goes from {} at {} to {} at {}, but {dir}",
                        m.id,
                        s.show(m, a),
                        s.when(ma),
                        s.show(m, b),
                        s.when(mb)
                    ),
                )
                .help("check the direction and the targets; a plan rarely aims to get worse"),
            );
        }
    }
}

#[cfg(test)]
mod tests;
