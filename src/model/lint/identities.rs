//! Identities between metrics, checked on the plan's targets: the ones an
//! author writes in a metric file's `checks:`, and the standard ones
//! palanca knows from the metrics' roles, checked without anyone writing
//! them whenever the roles they need are all present.
//!
//! | identity | roles |
//! |---|---|
//! | ARR = 12 × MRR | arr, mrr |
//! | MRR = customers × ARPU | mrr, customers, arpu (or arpa) |
//! | runway = cash / net burn | runway, cash, net_burn |
//! | CAC payback = CAC / (ARPU × gross margin) | cac_payback, cac, arpu (gross_margin) |
//! | LTV = ARPU × gross margin / churn | ltv, arpu, churn or retention (gross_margin) |
//! | LTV/CAC = LTV / CAC | ltv_cac, ltv, cac |
//! | burn multiple = net burn / net new ARR | burn_multiple, net_burn, net_new_arr |
//! | NRR ≤ 1 + expansion | nrr, expansion |
//!
//! Stocks rolled forward by their flows are in `balances`.
//!
//! Each identity gives at most one warning: its first month that breaks,
//! and how many more do.

use std::collections::BTreeSet;
use std::ops::Range;

use super::subject::Subject;
use crate::diagnostic::{Code, Diagnostic, Diagnostics, Subject as About};
use crate::formula::{self, Expr};
use crate::model::metrics::{Group, Metric};
use crate::period::Month;
use crate::roles::Role;
use crate::units::Unit;

/// Relative difference allowed between the sides of a standard identity.
pub(super) const TOLERANCE: f64 = 0.05;

/// `checks: [{ expect: "mrr = customers * arpu" }]` in a metric file: both
/// sides are evaluated on the targets of every month where both have a value.
pub fn check_written(s: &Subject, diags: &mut Diagnostics) {
    for g in s.groups {
        for check in &g.checks {
            let at = g
                .spans
                .value(&format!("checks[{}].expect", check.position))
                .unwrap_or(0..0);
            if let Some(d) = written(s, g, &check.expect, check.tolerance, at) {
                diags.push(d);
            }
        }
    }
}

fn written(s: &Subject, g: &Group, expect: &str, tolerance: f64, at: Range<usize>) -> Option<Diagnostic> {
    let warning = |code: Code, message: String| {
        Diagnostic::warning_at(code, &g.source, at.clone(), message).about(About::Group(g.id.clone()))
    };
    let Some((left, right)) = expect.split_once('=') else {
        return Some(
            warning(Code::BadIdentity, "an identity needs `=` between two formulas".into())
                .help("write e.g. `expect: mrr = customers * arpu`"),
        );
    };
    let (Ok(l), Ok(r)) = (formula::parse(left), formula::parse(right)) else {
        return Some(
            warning(Code::BadIdentity, "a side of this identity is not a formula".into())
                .help("each side uses metric ids, numbers and + - * / ^"),
        );
    };
    let unknown: Vec<&str> = l
        .inputs()
        .into_iter()
        .chain(r.inputs())
        .filter(|id| !s.index.contains_key(*id))
        .collect();
    if !unknown.is_empty() {
        return Some(
            warning(
                Code::BadIdentity,
                format!("the identity names unknown metrics: {}", unknown.join(", ")),
            )
            .help("use ids defined in content/metrics/*.yaml"),
        );
    }
    let lookup = |id: &str, month: Month| s.metric(id).and_then(|m| m.target.get(&month).copied());
    let months: BTreeSet<Month> = l
        .inputs()
        .into_iter()
        .chain(r.inputs())
        .filter_map(|id| s.metric(id))
        .flat_map(|m| m.target.keys().copied())
        .collect();
    let side = |e: &Expr, month: Month| {
        let mut dz = false;
        e.eval(month, &lookup, &mut dz)
    };
    let misses: Vec<(Month, f64, f64)> = months
        .into_iter()
        .filter_map(|month| Some((month, side(&l, month)?, side(&r, month)?)))
        .filter(|(_, a, b)| apart(*a, *b, tolerance))
        .collect();
    let &(month, a, b) = misses.first()?;
    // Both sides are the same quantity: show them in the left side's unit.
    let unit = l
        .inputs()
        .into_iter()
        .next()
        .and_then(|id| s.metric(id))
        .map_or(Unit::Count, |m| m.unit);
    let more = more(misses.len());
    let mut d = warning(
        Code::IdentityMismatch,
        format!(
            "`{}` does not hold in the targets: at {} the left side is {}, the right side {}{more}",
            expect.trim(),
            s.when(month),
            s.style.format(a, unit),
            s.style.format(b, unit)
        ),
    )
    .reader(
        "finding_identity",
        vec![
            ("identity", with_labels(s, expect.trim())),
            ("month", s.month(month)),
            ("left", s.style.format(a, unit)),
            ("right", s.style.format(b, unit)),
        ],
    )
    .help(format!(
        "the sides differ by more than {}; correct the targets, or state the definition that makes them agree",
        s.style.percent(tolerance)
    ));
    for id in l.inputs().into_iter().chain(r.inputs()) {
        d = d.metric(id);
    }
    Some(d)
}

/// Whether two sides differ by more than `tolerance` of the larger.
fn apart(a: f64, b: f64, tolerance: f64) -> bool {
    let scale = a.abs().max(b.abs());
    scale > 0.0 && (a - b).abs() / scale > tolerance
}

pub(super) fn more(misses: usize) -> String {
    match misses {
        0 | 1 => String::new(),
        2 => " (and 1 more month)".to_string(),
        n => format!(" (and {} more months)", n - 1),
    }
}

/// An identity with metric ids replaced by their labels, for readers:
/// `mrr = active_users * arpu` reads `MRR = Usuarios activos × ARPU`.
fn with_labels(s: &Subject, expression: &str) -> String {
    let mut out = String::new();
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        if !word.is_empty() {
            out.push_str(s.metric(word).map_or(word.as_str(), |m| m.label.as_str()));
            word.clear();
        }
    };
    for c in expression.chars() {
        if c.is_ascii_alphanumeric() || c == '_' {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
            out.push(if c == '*' { '×' } else { c });
        }
    }
    flush(&mut word, &mut out);
    out
}

/// How the two sides of an identity must compare.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Bound {
    /// Equal, within the tolerance.
    Equal,
    /// The left side no more than the right.
    AtMost,
    /// The left side no less than the right.
    AtLeast,
}

/// One standard identity, checked pointwise on the targets: `left` against
/// what `right` computes in the same month.
pub(super) struct Pointwise<'a> {
    /// How the author reads it: `arr = 12 * mrr`.
    pub name: String,
    /// How a reader does: `ARR = 12 × MRR`.
    pub reader: String,
    pub left: &'a Metric,
    pub inputs: Vec<&'a Metric>,
    pub right: Box<dyn Fn(Month) -> Option<f64> + 'a>,
    /// Equality, or only a bound.
    pub bound: Bound,
    /// What to do about it, when the general advice would not say.
    pub help: Option<&'static str>,
}

/// The standard identities whose roles the plan has.
pub fn check_roles(s: &Subject, diags: &mut Diagnostics) {
    let role = |r: Role| s.role(r);
    // Revenue from invoice lines names it ARPA: the same figure.
    let arpu = || role(Role::Arpu).or_else(|| role(Role::Arpa));
    let target = |m: &Metric, t: Month| m.target.get(&t).copied();
    let mut checks: Vec<Pointwise> = Vec::new();
    if let (Some(arr), Some(mrr)) = (role(Role::Arr), role(Role::Mrr)) {
        checks.push(Pointwise {
            name: format!("{} = 12 * {}", arr.id, mrr.id),
            reader: format!("{} = 12 × {}", arr.label, mrr.label),
            left: arr,
            inputs: vec![mrr],
            right: Box::new(move |t| Some(12.0 * target(mrr, t)?)),
            bound: Bound::Equal,
            help: None,
        });
    }
    if let (Some(mrr), Some(customers), Some(arpu)) = (role(Role::Mrr), role(Role::Customers), arpu()) {
        checks.push(Pointwise {
            name: format!("{} = {} * {}", mrr.id, customers.id, arpu.id),
            reader: format!("{} = {} × {}", mrr.label, customers.label, arpu.label),
            left: mrr,
            inputs: vec![customers, arpu],
            right: Box::new(move |t| Some(target(customers, t)? * target(arpu, t)?)),
            bound: Bound::Equal,
            help: None,
        });
    }
    if let (Some(runway), Some(cash), Some(burn)) = (role(Role::Runway), role(Role::Cash), role(Role::NetBurn)) {
        checks.push(Pointwise {
            name: format!("{} = {} / {}", runway.id, cash.id, burn.id),
            reader: format!("{} = {} / {}", runway.label, cash.label, burn.label),
            left: runway,
            inputs: vec![cash, burn],
            right: Box::new(move |t| {
                let b = target(burn, t)?;
                (b > 0.0).then(|| target(cash, t).map(|c| c / b)).flatten()
            }),
            bound: Bound::Equal,
            help: None,
        });
    }
    if let (Some(payback), Some(cac), Some(arpu)) = (role(Role::CacPayback), role(Role::Cac), arpu()) {
        let margin = role(Role::GrossMargin);
        let mut inputs = vec![cac, arpu];
        inputs.extend(margin);
        checks.push(Pointwise {
            name: match margin {
                Some(gm) => format!("{} = {} / ({} * {})", payback.id, cac.id, arpu.id, gm.id),
                None => format!("{} = {} / {}", payback.id, cac.id, arpu.id),
            },
            reader: match margin {
                Some(gm) => format!("{} = {} / ({} × {})", payback.label, cac.label, arpu.label, gm.label),
                None => format!("{} = {} / {}", payback.label, cac.label, arpu.label),
            },
            left: payback,
            inputs,
            right: Box::new(move |t| {
                let earned = target(arpu, t)? * margin.map_or(Some(1.0), |gm| target(gm, t))?;
                (earned > 0.0).then(|| target(cac, t).map(|c| c / earned)).flatten()
            }),
            bound: Bound::Equal,
            help: None,
        });
    }
    if let (Some(ltv), Some(arpu)) = (role(Role::Ltv), arpu()) {
        let churn = role(Role::Churn);
        let retention = role(Role::Retention);
        let margin = role(Role::GrossMargin);
        if churn.is_some() || retention.is_some() {
            // LTV reads a monthly churn: an annual one is compounded down.
            let churn_of = move |t: Month| match (churn, retention) {
                (Some(c), _) => target(c, t).map(|v| super::periods::monthly(c, v)),
                (None, Some(r)) => target(r, t).map(|v| 1.0 - super::periods::monthly(r, v)),
                _ => None,
            };
            let churn_name = churn.map_or_else(
                || retention.map_or_else(String::new, |r| format!("(1 - {})", r.id)),
                |c| c.id.clone(),
            );
            let churn_label = churn.map_or_else(
                || retention.map_or_else(String::new, |r| format!("(1 − {})", r.label)),
                |c| c.label.clone(),
            );
            let mut inputs: Vec<&Metric> = vec![arpu];
            inputs.extend(churn.or(retention));
            inputs.extend(margin);
            checks.push(Pointwise {
                name: match margin {
                    Some(gm) => format!("{} = {} * {} / {churn_name}", ltv.id, arpu.id, gm.id),
                    None => format!("{} = {} / {churn_name}", ltv.id, arpu.id),
                },
                reader: match margin {
                    Some(gm) => format!("{} = {} × {} / {churn_label}", ltv.label, arpu.label, gm.label),
                    None => format!("{} = {} / {churn_label}", ltv.label, arpu.label),
                },
                left: ltv,
                inputs,
                right: Box::new(move |t| {
                    let c = churn_of(t)?;
                    let kept = target(arpu, t)? * margin.map_or(Some(1.0), |gm| target(gm, t))?;
                    (c > 0.0).then_some(kept / c)
                }),
                bound: Bound::Equal,
                help: None,
            });
        }
    }
    if let (Some(ratio), Some(ltv), Some(cac)) = (role(Role::LtvCac), role(Role::Ltv), role(Role::Cac)) {
        checks.push(Pointwise {
            name: format!("{} = {} / {}", ratio.id, ltv.id, cac.id),
            reader: format!("{} = {} / {}", ratio.label, ltv.label, cac.label),
            left: ratio,
            inputs: vec![ltv, cac],
            right: Box::new(move |t| {
                let c = target(cac, t)?;
                (c > 0.0).then(|| target(ltv, t).map(|l| l / c)).flatten()
            }),
            bound: Bound::Equal,
            help: None,
        });
    }
    if let (Some(multiple), Some(burn), Some(new_arr)) =
        (role(Role::BurnMultiple), role(Role::NetBurn), role(Role::NetNewArr))
    {
        checks.push(Pointwise {
            name: format!("{} = {} / {}", multiple.id, burn.id, new_arr.id),
            reader: format!("{} = {} / {}", multiple.label, burn.label, new_arr.label),
            left: multiple,
            inputs: vec![burn, new_arr],
            right: Box::new(move |t| {
                let n = target(new_arr, t)?;
                (n > 0.0).then(|| target(burn, t).map(|b| b / n)).flatten()
            }),
            bound: Bound::Equal,
            help: None,
        });
    }
    if let (Some(nrr), Some(expansion)) = (role(Role::Nrr), role(Role::Expansion)) {
        checks.push(Pointwise {
            name: format!("{} <= 1 + {}", nrr.id, expansion.id),
            reader: format!("{} ≤ 1 + {}", nrr.label, expansion.label),
            left: nrr,
            inputs: vec![expansion],
            // Both read over the NRR's own period.
            right: Box::new(move |t| {
                Some(1.0 + super::periods::over(expansion, target(expansion, t)?, nrr.per.months()))
            }),
            bound: Bound::AtMost,
            help: None,
        });
    }
    for check in &checks {
        pointwise(s, check, diags);
    }
}

/// Checks one pointwise identity over the months the left side has targets.
pub(super) fn pointwise(s: &Subject, check: &Pointwise, diags: &mut Diagnostics) {
    // A left side computed by a formula from the same inputs holds by
    // construction; checking it would only repeat the formula.
    let misses: Vec<(Month, f64, f64)> = check
        .left
        .target
        .iter()
        .filter_map(|(&t, &l)| Some((t, l, (check.right)(t)?)))
        .filter(|&(_, l, r)| match check.bound {
            Bound::AtMost => l > r + TOLERANCE * r.abs(),
            Bound::AtLeast => l < r - TOLERANCE * r.abs(),
            Bound::Equal => apart(l, r, TOLERANCE),
        })
        .collect();
    let Some(&(month, l, r)) = misses.first() else { return };
    let m = check.left;
    let (shown_l, shown_r) = (s.show(m, l), s.show(m, r));
    let relation = match check.bound {
        Bound::AtMost => "exceeds",
        Bound::AtLeast => "falls short of",
        Bound::Equal => "is not",
    };
    let mut d = s
        .warning(
            Code::IdentityMismatch,
            m,
            m.value_place(s.groups, crate::model::metrics::Section::Target, month),
            format!(
                "`{}` does not hold in the targets: at {} `{}` is {shown_l}, which {relation} {shown_r}{}",
                check.name,
                s.when(month),
                m.id,
                more(misses.len())
            ),
        )
        .reader(
            "finding_identity",
            vec![
                ("identity", check.reader.clone()),
                ("month", s.month(month)),
                ("left", shown_l),
                ("right", shown_r),
            ],
        )
        .help(check.help.map_or_else(
            || {
                format!(
                    "palanca checks this identity because the metrics have the roles it needs; correct the targets of `{}` or of {}",
                    m.id,
                    check.inputs.iter().map(|i| format!("`{}`", i.id)).collect::<Vec<_>>().join(", ")
                )
            },
            str::to_string,
        ));
    for input in &check.inputs {
        d = d.metric(&input.id);
    }
    diags.push(d);
}
