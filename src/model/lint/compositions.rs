//! Totals made of parts, checked like the other identities by role: each
//! holds in every month where all its terms have targets, so writing the
//! parts with their roles is enough.
//!
//! | identity | roles |
//! |---|---|
//! | net burn = spend − revenue | net_burn, spend, revenue |
//! | spend ≥ payroll + cost of revenue | spend, payroll and/or cost_of_revenue |
//! | gross margin = 1 − cost of revenue / revenue | gross_margin, cost_of_revenue, revenue |
//! | revenue = GMV × take rate | revenue, gmv, take_rate |
//! | new customers = visitors × each conversion | new_customers, visitors, conversion (one per step) |
//! | revenue ≤ 1.5 × MRR | revenue, mrr |
//! | a metric = the sum of its `parts:` | any |

use super::identities::{Bound, Pointwise, pointwise};
use super::subject::Subject;
use crate::diagnostic::Diagnostics;
use crate::model::metrics::Metric;
use crate::period::Month;
use crate::roles::Role;

/// How far a month's recognised revenue may pass its MRR before it reads
/// as a prepaid contract booked at once: one-time fees and services make
/// some excess normal.
const REVENUE_OVER_MRR: f64 = 1.5;

fn target(m: &Metric, t: Month) -> Option<f64> {
    m.target.get(&t).copied()
}

/// `a`, `a + b`, `a + b + c`: ids or labels joined.
fn joined(parts: &[&Metric], sep: &str, label: bool) -> String {
    parts
        .iter()
        .map(|m| if label { m.label.as_str() } else { m.id.as_str() })
        .collect::<Vec<_>>()
        .join(sep)
}

/// Checks every composition the plan's roles (or `parts:`) give.
pub(super) fn check(s: &Subject, diags: &mut Diagnostics) {
    for composition in &identities(s) {
        pointwise(s, composition, diags);
    }
}

/// The compositions whose roles (or `parts:`) the plan has.
fn identities<'a>(s: &'a Subject) -> Vec<Pointwise<'a>> {
    let role = |r: Role| s.role(r);
    let mut checks = Vec::new();
    if let (Some(burn), Some(spend), Some(revenue)) = (role(Role::NetBurn), role(Role::Spend), role(Role::Revenue)) {
        checks.push(Pointwise {
            name: format!("{} = {} - {}", burn.id, spend.id, revenue.id),
            reader: format!("{} = {} − {}", burn.label, spend.label, revenue.label),
            left: burn,
            inputs: vec![spend, revenue],
            right: Box::new(move |t| Some(target(spend, t)? - target(revenue, t)?)),
            bound: Bound::Equal,
            help: None,
        });
    }
    if let Some(spend) = role(Role::Spend) {
        let lines: Vec<&Metric> = [Role::Payroll, Role::CostOfRevenue]
            .into_iter()
            .filter_map(role)
            .collect();
        if !lines.is_empty() {
            let (ids, labels) = (joined(&lines, " + ", false), joined(&lines, " + ", true));
            let summed = lines.clone();
            checks.push(Pointwise {
                name: format!("{} >= {ids}", spend.id),
                reader: format!("{} ≥ {labels}", spend.label),
                left: spend,
                inputs: lines,
                right: Box::new(move |t| summed.iter().map(|m| target(m, t)).sum()),
                bound: Bound::AtLeast,
                help: Some("spend is everything paid out in the month: it cannot be less than its own lines; correct the spend or the lines"),
            });
        }
    }
    if let (Some(margin), Some(cost), Some(revenue)) =
        (role(Role::GrossMargin), role(Role::CostOfRevenue), role(Role::Revenue))
    {
        checks.push(Pointwise {
            name: format!("{} = 1 - {} / {}", margin.id, cost.id, revenue.id),
            reader: format!("{} = 1 − {} / {}", margin.label, cost.label, revenue.label),
            left: margin,
            inputs: vec![cost, revenue],
            right: Box::new(move |t| {
                let r = target(revenue, t)?;
                (r > 0.0).then(|| target(cost, t).map(|c| 1.0 - c / r)).flatten()
            }),
            bound: Bound::Equal,
            help: None,
        });
    }
    if let (Some(revenue), Some(gmv), Some(take)) = (role(Role::Revenue), role(Role::Gmv), role(Role::TakeRate)) {
        checks.push(Pointwise {
            name: format!("{} = {} * {}", revenue.id, gmv.id, take.id),
            reader: format!("{} = {} × {}", revenue.label, gmv.label, take.label),
            left: revenue,
            inputs: vec![gmv, take],
            right: Box::new(move |t| Some(target(gmv, t)? * target(take, t)?)),
            bound: Bound::Equal,
            help: None,
        });
    }
    checks.extend(funnel(s));
    if let (Some(revenue), Some(mrr)) = (role(Role::Revenue), role(Role::Mrr)) {
        checks.push(Pointwise {
            name: format!("{} <= {REVENUE_OVER_MRR} * {}", revenue.id, mrr.id),
            reader: format!("{} ≤ {REVENUE_OVER_MRR} × {}", revenue.label, mrr.label),
            left: revenue,
            inputs: vec![mrr],
            right: Box::new(move |t| Some(REVENUE_OVER_MRR * target(mrr, t)?)),
            bound: Bound::AtMost,
            help: Some("a month's revenue far above its MRR is usually a prepaid contract booked at once; recognise it over the months it pays for, or explain the one-time revenue"),
        });
    }
    checks.extend(s.metrics.iter().filter_map(|m| parts(s, m)));
    checks
}

/// New customers as the funnel's top times each step's conversion.
fn funnel<'a>(s: &'a Subject) -> Option<Pointwise<'a>> {
    let (new, visitors) = (s.role(Role::NewCustomers)?, s.role(Role::Visitors)?);
    let steps: Vec<&Metric> = s.metrics.iter().filter(|m| m.role == Some(Role::Conversion)).collect();
    if steps.is_empty() {
        return None;
    }
    let mut inputs = vec![visitors];
    inputs.extend(steps.iter().copied());
    let rates = steps.clone();
    Some(Pointwise {
        name: format!("{} = {} * {}", new.id, visitors.id, joined(&steps, " * ", false)),
        reader: format!("{} = {} × {}", new.label, visitors.label, joined(&steps, " × ", true)),
        left: new,
        inputs,
        right: Box::new(move |t| {
            let top = target(visitors, t)?;
            rates.iter().try_fold(top, |v, r| Some(v * target(r, t)?))
        }),
        bound: Bound::Equal,
        help: Some(
            "each step of a funnel keeps a share of the one before; correct the visitors, a conversion rate or the new customers",
        ),
    })
}

/// A metric that declares its `parts:` against their sum.
fn parts<'a>(s: &'a Subject, m: &'a Metric) -> Option<Pointwise<'a>> {
    let lines: Vec<&Metric> = m.parts.iter().filter_map(|id| s.metric(id)).collect();
    if lines.is_empty() || lines.len() != m.parts.len() {
        return None;
    }
    let summed = lines.clone();
    Some(Pointwise {
        name: format!("{} = {}", m.id, joined(&lines, " + ", false)),
        reader: format!("{} = {}", m.label, joined(&lines, " + ", true)),
        left: m,
        inputs: lines,
        right: Box::new(move |t| summed.iter().map(|p| target(p, t)).sum()),
        bound: Bound::Equal,
        help: Some("a total is the sum of its parts; correct the total or a part (or list every part in `parts:`)"),
    })
}
