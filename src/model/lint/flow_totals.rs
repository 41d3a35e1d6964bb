//! A flow's total claimed over a stretch ("20,000 units next year", "a
//! burn of $400K a quarter"): `claims: [{ metric: units, total: 20000,
//! over: 2026 }]`. The months of the stretch, as the plan has them
//! (targets, and between them the values read between), must add up to
//! the total, within the precision it is written with.

use super::subject::Subject;
use crate::diagnostic::{Code, Diagnostic, Diagnostics, Subject as About};
use crate::load::{Claim, Page};
use crate::model::metrics::Metric;
use crate::period::parse_stretch;
use crate::roles::MetricKind;

/// Checks one claim of a total.
pub fn check_claim(
    s: &Subject,
    page: &Page,
    claim: &Claim,
    m: &Metric,
    total: f64,
    over: &str,
    diags: &mut Diagnostics,
) {
    let Ok((first, last)) = parse_stretch(over, s.start) else {
        return;
    };
    let key = |k: &str| format!("claims[{}].{k}", claim.position);
    let span = |k: &str| page.spans.value(&key(k)).unwrap_or(0..0);
    let finding = |code: Code, message: String| {
        Diagnostic::warning_at(code, &page.source, span("total"), message)
            .metric(&m.id)
            .about(About::Page(page.slug.clone()))
    };
    if m.kind != MetricKind::Flow {
        diags.push(
            finding(
                Code::TotalMismatch,
                format!(
                    "the claim gives `{}` a total over {over}, but it is a {}: only a flow adds up over months",
                    m.id,
                    crate::units::name_of(&m.kind)
                ),
            )
            .reader(
                "finding_total_not_flow",
                vec![("metric", m.label.clone()), ("over", over.to_string())],
            )
            .help("claim a total of a flow (revenue, burn, units sold), or claim the level a stock reaches with `reaches:` and `at:`"),
        );
        return;
    }
    let months: Vec<_> = (0..=first.months_until(last)).map(|k| first.offset(k)).collect();
    let missing: Vec<_> = months.iter().filter(|t| !m.plan.contains_key(t)).collect();
    if let Some(&&gap) = missing.first() {
        let mut note = finding(
            Code::TotalUnchecked,
            format!(
                "the total claimed for `{}` over {over} cannot be checked: its plan says nothing about {} ({} months of {} have no plan)",
                m.id,
                s.when(gap),
                missing.len(),
                months.len()
            ),
        )
        .help("give the flow targets that cover the stretch, or write its total as a target with `per: quarter` or `per: year`");
        note.severity = crate::diagnostic::Severity::Note;
        diags.push(note);
        return;
    }
    let planned: f64 = months.iter().filter_map(|t| m.plan.get(t)).sum();
    let literal = page.source.text.get(span("total")).unwrap_or("");
    let tolerance = super::stated::tolerance(literal.trim_matches(['"', '\'']), total);
    if (planned - total).abs() <= tolerance {
        return;
    }
    diags.push(
        finding(
            Code::TotalMismatch,
            format!(
                "the plan claims `{}` adds up to {} over {over}, but its monthly plan adds up to {}",
                m.id,
                s.show(m, total),
                s.show(m, planned)
            ),
        )
        .reader(
            "finding_flow_total",
            vec![
                ("metric", m.label.clone()),
                ("total", s.show(m, total)),
                ("from", s.month(first)),
                ("to", s.month(last)),
                ("planned", s.show(m, planned)),
            ],
        )
        .label(format!("the months add up to {}", s.show(m, planned)))
        .help("a flow's total is the sum of its months; correct the total, or the monthly targets (a quarter's total typed into one month's target is a common cause)"),
    );
}
