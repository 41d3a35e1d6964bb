//! Stated totals against the sum of their parts: a metric whose targets
//! state the milestones' investment (`total_of: investment`) must lie, at
//! each target, between the sum of the minimums and the sum of the maximums
//! of the milestones of the months since its previous target; and all its
//! targets together within the whole roadmap's range and the levers'.

use super::subject::Subject;
use crate::diagnostic::{Code, Diagnostics};
use crate::load::TotalOf;
use crate::model::metrics::Section;
use crate::period::{Month, plan_month};

/// Checks every metric with `total_of`.
pub fn check(s: &Subject, diags: &mut Diagnostics) {
    for m in s.metrics.iter().filter(|m| m.total_of == Some(TotalOf::Investment)) {
        let src = &s.groups[m.group].source;
        let mut previous: Option<Month> = None;
        let mut stated_sum = 0.0;
        for (&month, &stated) in &m.target {
            let from = previous.map_or(1, |p| plan_month(p, s.start) + 1).max(1) as u32;
            let to = plan_month(month, s.start).max(0) as u32;
            let since = previous.map_or(s.start, |p| p.offset(1));
            previous = Some(month);
            stated_sum += stated;
            let parts = s.plan.investment_between(from, to);
            let span = m.value_place(s.groups, Section::Target, month);
            let literal = src.text.get(span.clone()).unwrap_or("");
            if parts.contains(stated, super::stated::tolerance(literal, stated)) {
                continue;
            }
            let none = parts.max == 0.0;
            let found = if none {
                "no milestone falls in those months".to_string()
            } else {
                format!(
                    "the milestones of those months add up to {} – {}",
                    s.money(parts.min),
                    s.money(parts.max)
                )
            };
            diags.push(
                s.warning(
                    Code::TotalMismatch,
                    m,
                    span,
                    format!("`{}` states {} for M{from}–M{to}, but {found}", m.id, s.money(stated)),
                )
                .reader(
                    if none { "finding_total_none" } else { "finding_total" },
                    vec![
                        ("metric", m.label.clone()),
                        ("stated", s.money(stated)),
                        ("from", s.month(since)),
                        ("to", s.month(month)),
                        ("low", s.money(parts.min)),
                        ("high", s.money(parts.max)),
                    ],
                )
                .label(if none {
                    "no milestone covers these months".to_string()
                } else {
                    format!("outside {} – {}", s.money(parts.min), s.money(parts.max))
                })
                .help("a total must lie between the sum of its parts' minimums and maximums; correct the total or the milestones' `investment`"),
            );
        }
        // The stated totals together against the whole roadmap and the levers.
        let wholes = [
            (
                s.plan.total,
                "all milestones together cost",
                "finding_total_milestones",
                "the plan's total investment should lie within the roadmap's range",
            ),
            (
                s.plan.levers_total,
                "the levers' investment adds up to",
                "finding_total_levers",
                "the levers and the stated investment describe the same money; make them agree",
            ),
        ];
        for (whole, what, key, help) in wholes {
            if m.target.is_empty() || whole.max <= 0.0 || whole.contains(stated_sum, 0.5) {
                continue;
            }
            diags.push(
                s.warning(
                    Code::TotalMismatch,
                    m,
                    m.place(s.groups, "target"),
                    format!(
                        "the targets of `{}` add up to {}, but {what} {} – {}",
                        m.id,
                        s.money(stated_sum),
                        s.money(whole.min),
                        s.money(whole.max)
                    ),
                )
                .reader(
                    key,
                    vec![
                        ("metric", m.label.clone()),
                        ("stated", s.money(stated_sum)),
                        ("low", s.money(whole.min)),
                        ("high", s.money(whole.max)),
                    ],
                )
                .help(help),
            );
        }
    }
}
