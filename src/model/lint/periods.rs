//! Rates over different periods. A rate says what happens over a month
//! unless its metric says `per: quarter` or `per: year`; rates of the same
//! quantity compound from one period to another, never multiply:
//! a monthly churn of 2 % keeps (1 − 0.02)^12 = 78.5 % of customers over a
//! year, not 76 %. This module converts a rate to its monthly equal for
//! the identities, and compares every two rates of the same quantity —
//! churn against retention or renewal, a monthly NRR against an annual
//! one — at the months both have targets.
//!
//! | quantity | roles |
//! |---|---|
//! | customers kept | churn, logo_churn (lost), retention (kept) |
//! | revenue kept, gross | revenue_churn (lost), grr (kept) |
//! | revenue kept, net | nrr (kept) |
//! | expansion | expansion (grown) |

use super::subject::Subject;
use crate::diagnostic::{Code, Diagnostics};
use crate::load::Per;
use crate::model::metrics::{Metric, Section};
use crate::roles::Role;

/// How a rate's value compounds over periods.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Sense {
    /// A share lost each period (churn): what is kept compounds.
    Lost,
    /// A share kept each period (retention, NRR).
    Kept,
    /// A growth each period (expansion).
    Grown,
}

/// The quantities compared across periods.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Quantity {
    CustomersKept,
    RevenueKeptGross,
    RevenueKeptNet,
    Expansion,
}

fn quantity(role: Role) -> Option<(Quantity, Sense)> {
    use Quantity::*;
    Some(match role {
        Role::Churn | Role::LogoChurn => (CustomersKept, Sense::Lost),
        Role::Retention => (CustomersKept, Sense::Kept),
        Role::RevenueChurn => (RevenueKeptGross, Sense::Lost),
        Role::Grr => (RevenueKeptGross, Sense::Kept),
        Role::Nrr => (RevenueKeptNet, Sense::Kept),
        Role::Expansion => (Expansion, Sense::Grown),
        _ => return None,
    })
}

/// The factor a rate multiplies by over its period: kept, or 1 + growth.
fn factor(sense: Sense, v: f64) -> f64 {
    match sense {
        Sense::Lost => 1.0 - v,
        Sense::Kept => v,
        Sense::Grown => 1.0 + v,
    }
}

fn from_factor(sense: Sense, f: f64) -> f64 {
    match sense {
        Sense::Lost => 1.0 - f,
        Sense::Kept => f,
        Sense::Grown => f - 1.0,
    }
}

/// A rate's value over `months` months instead of its own period: its
/// factor compounded (churn, retention, NRR, expansion) or, for a rate of
/// money per customer (ARPU), in proportion.
pub fn over(m: &Metric, v: f64, months: u32) -> f64 {
    let own = f64::from(m.per.months());
    let to = f64::from(months);
    match m.role {
        Some(Role::Arpu | Role::Arpa) => v * to / own,
        Some(role) => match quantity(role) {
            Some((_, sense)) => {
                let f = factor(sense, v);
                if f <= 0.0 {
                    return from_factor(sense, 0.0);
                }
                from_factor(sense, f.powf(to / own))
            }
            None => v,
        },
        None => v,
    }
}

/// A rate's monthly equal, for the identities that read monthly rates.
pub fn monthly(m: &Metric, v: f64) -> f64 {
    if m.per == Per::Month { v } else { over(m, v, 1) }
}

/// Two rates of one quantity whose values, carried to the longer of their
/// periods, differ by more than a twentieth of the change they describe
/// (and a quarter of a point): the first month where they do is a finding.
pub fn check(s: &Subject, diags: &mut Diagnostics) {
    let rates: Vec<(&Metric, Quantity)> = s
        .metrics
        .iter()
        .filter_map(|m| Some((m, quantity(m.role?)?.0)))
        .collect();
    for (i, &(a, qa)) in rates.iter().enumerate() {
        for &(b, qb) in &rates[i + 1..] {
            if qa == qb {
                compare(s, a, b, diags);
            }
        }
    }
}

fn compare(s: &Subject, a: &Metric, b: &Metric, diags: &mut Diagnostics) {
    let months = a.per.months().max(b.per.months());
    let Some(sense) = a.role.and_then(quantity).map(|q| q.1) else {
        return;
    };
    let Some(sense_b) = b.role.and_then(quantity).map(|q| q.1) else {
        return;
    };
    // Both carried to the longer period, as the change they describe.
    let change = |m: &Metric, sense: Sense, v: f64| factor(sense, over(m, v, months)) - 1.0;
    let found = a.target.iter().find_map(|(&t, &va)| {
        let vb = *b.target.get(&t).or_else(|| b.plan.get(&t))?;
        let (ca, cb) = (change(a, sense, va), change(b, sense_b, vb));
        let slack = (0.05 * ca.abs().max(cb.abs())).max(0.0025);
        ((ca - cb).abs() > slack).then_some((t, va, vb, ca, cb))
    });
    let Some((t, va, vb, ca, cb)) = found else { return };
    let period = |m: &Metric| period_word(m.per);
    let longer = period_word(if a.per.months() >= b.per.months() { a.per } else { b.per });
    let pct = |v: f64| s.style.percent(v);
    let at = a.value_place(s.groups, Section::Target, t);
    let mut d = s
        .warning(
            Code::RatePeriods,
            a,
            at,
            format!(
                "`{}` ({} a {}) and `{}` ({} a {}) at {} cannot both hold: over a {longer} they compound to {} and {}",
                a.id,
                pct(va),
                period(a),
                b.id,
                pct(vb),
                period(b),
                s.when(t),
                signed(s, ca),
                signed(s, cb),
            ),
        )
        .reader(
            "finding_rate_periods",
            vec![
                ("metric", a.label.clone()),
                ("value", pct(va)),
                ("other", b.label.clone()),
                ("other_value", pct(vb)),
                ("month", s.month(t)),
            ],
        )
        .help(format!(
            "rates compound: {} a {} keeps ({})^n, not n × the rate; correct one of them, or say the period each is written for with `per: month | quarter | year`",
            pct(va),
            period(a),
            pct(factor(sense, va)),
        ));
    d = d.metric(&b.id);
    diags.push(d);
}

fn period_word(per: Per) -> &'static str {
    match per {
        Per::Month => "month",
        Per::Quarter => "quarter",
        Per::Year => "year",
    }
}

/// A change as a signed percentage: `−21.5 %`, `+19.6 %`.
fn signed(s: &Subject, v: f64) -> String {
    let sign = if v < 0.0 { "−" } else { "+" };
    format!("{sign}{}", s.style.percent(v.abs()))
}
