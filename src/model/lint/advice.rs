//! An investor's rules of thumb (`palanca check --advice`): not
//! contradictions, but figures a careful investor asks about. Each follows
//! a convention stated in the README ("Advice").
//!
//! | rule | convention |
//! |---|---|
//! | LTV/CAC above 10 | 3x is the usual bar; far above it, CAC is probably understated |
//! | CAC payback above 18 months | 12 months or less is considered good |
//! | monthly logo churn above 5% | about half the customers gone within a year |
//! | burn multiple above 2 | more than $2 burned per $1 of net new ARR |

use super::subject::Subject;
use crate::diagnostic::{Code, Diagnostics};
use crate::model::metrics::{Metric, Section, Series};
use crate::roles::Role;

/// A rule: its code, the metric it reads (by role), and when it trips.
struct Rule {
    code: Code,
    role: Role,
    limit: f64,
    what: &'static str,
    key: &'static str,
}

const RULES: [Rule; 4] = [
    Rule {
        code: Code::AdviceLtvCac,
        role: Role::LtvCac,
        limit: 10.0,
        what: "above 10x, investors ask whether CAC is understated",
        key: "advice_ltv_cac",
    },
    Rule {
        code: Code::AdviceCacPayback,
        role: Role::CacPayback,
        limit: 18.0,
        what: "over 18 months to earn back a customer's cost",
        key: "advice_cac_payback",
    },
    Rule {
        code: Code::AdviceChurn,
        role: Role::Churn,
        limit: 0.05,
        what: "above 5% a month, about half the customers leave within a year",
        key: "advice_churn",
    },
    Rule {
        code: Code::AdviceBurnMultiple,
        role: Role::BurnMultiple,
        limit: 2.0,
        what: "above 2, more than $2 is burned for each $1 of net new ARR",
        key: "advice_burn_multiple",
    },
];

/// The first month of targets, then of actuals, where each rule trips.
pub fn check(s: &Subject, diags: &mut Diagnostics) {
    for rule in &RULES {
        let Some(m) = s.role(rule.role) else { continue };
        for (section, series) in [(Section::Target, &m.target), (Section::Actual, &m.actual)] {
            if let Some((&month, &v)) = first_over(series, rule.limit) {
                push(s, rule, m, section, month, v, diags);
            }
        }
    }
}

fn first_over(series: &Series, limit: f64) -> Option<(&crate::period::Month, &f64)> {
    series.iter().find(|(_, v)| **v > limit)
}

fn push(
    s: &Subject,
    rule: &Rule,
    m: &Metric,
    section: Section,
    month: crate::period::Month,
    value: f64,
    diags: &mut Diagnostics,
) {
    let which = if section == Section::Target { "target" } else { "actual" };
    diags.push(
        s.warning(
            rule.code,
            m,
            m.value_place(s.groups, section, month),
            format!(
                "the {which} of `{}` is {} at {}: {}",
                m.id,
                s.show(m, value),
                s.when(month),
                rule.what
            ),
        )
        .reader(
            rule.key,
            vec![
                ("metric", m.label.clone()),
                ("value", s.show(m, value)),
                ("month", s.month(month)),
            ],
        )
        .help("advice, not an error: be ready to explain the figure, or revisit it"),
    );
}
