//! Stocks rolled forward by their flows: between each pair of a stock's
//! targets, the later must equal the earlier plus what flowed in and less
//! what flowed out.
//!
//! | stock | flows |
//! |---|---|
//! | cash (role) | − net burn, + financing |
//! | customers (role) | + new customers, − churned customers (or churn × customers) |
//! | any stock with `balance: { in: [...], out: [...] }` | + each `in`, − each `out` |
//!
//! A flow counts in a month with its target, else with the plan read
//! between its targets; a flow read as nothing between targets
//! (`interpolate: none`, financing) counts as zero where it has none.
//! Where a flow has neither, the stretch cannot be checked, and a note
//! says which flows are missing where: a silent skip would read as "holds".

use super::identities::{TOLERANCE, more};
use super::subject::Subject;
use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::load::Interpolation;
use crate::model::metrics::{Metric, Section};
use crate::period::Month;
use crate::roles::Role;

/// One stock and the flows that move it.
struct RollForward<'a> {
    /// How the author reads it: `cash(t) = cash(t-1) - burn(t)`.
    name: String,
    /// How a reader does.
    reader: String,
    stock: &'a Metric,
    /// Flows into the stock (financing, new customers, units produced).
    ins: Vec<&'a Metric>,
    /// Flows out of it (net burn, churned customers, units sold).
    outs: Vec<&'a Metric>,
    /// A flow out as a rate of the stock (churn): taken from the stock's
    /// plan of the month before.
    rate_out: Option<&'a Metric>,
}

/// Checks every stock palanca can roll forward.
pub fn check(s: &Subject, diags: &mut Diagnostics) {
    let mut checks: Vec<RollForward> = s.metrics.iter().filter_map(|m| declared(s, m)).collect();
    let declared_stocks: Vec<&str> = checks.iter().map(|c| c.stock.id.as_str()).collect();
    checks.extend(
        by_role(s)
            .into_iter()
            .filter(|c| !declared_stocks.contains(&c.stock.id.as_str())),
    );
    for check in &checks {
        roll_forward(s, check, diags);
    }
}

/// The roll-forward a stock's `balance:` declares.
fn declared<'a>(s: &'a Subject, stock: &'a Metric) -> Option<RollForward<'a>> {
    let balance = stock.balance.as_ref()?;
    let ins: Vec<&Metric> = balance.ins.iter().filter_map(|id| s.metric(id)).collect();
    let outs: Vec<&Metric> = balance.outs.iter().filter_map(|id| s.metric(id)).collect();
    if ins.is_empty() && outs.is_empty() {
        return None;
    }
    let terms = |label: fn(&Metric) -> &str, plus: &str, minus: &str, t: &str| {
        let mut text = String::new();
        for m in &ins {
            text.push_str(&format!(" {plus} {}{t}", label(m)));
        }
        for m in &outs {
            text.push_str(&format!(" {minus} {}{t}", label(m)));
        }
        text
    };
    Some(RollForward {
        name: format!(
            "{}(t) = {}(t-1){}",
            stock.id,
            stock.id,
            terms(|m| m.id.as_str(), "+", "-", "(t)")
        ),
        reader: format!(
            "{} = {}{}",
            stock.label,
            stock.label,
            terms(|m| m.label.as_str(), "+", "−", "")
        ),
        stock,
        ins,
        outs,
        rate_out: None,
    })
}

/// The roll-forwards the standard roles give: cash and customers.
fn by_role<'a>(s: &'a Subject) -> Vec<RollForward<'a>> {
    let role = |r: Role| s.role(r);
    let mut checks = Vec::new();
    if let (Some(cash), Some(burn)) = (role(Role::Cash), role(Role::NetBurn)) {
        let financing = role(Role::Financing);
        checks.push(RollForward {
            name: format!(
                "{}(t) = {}(t-1) - {}(t){}",
                cash.id,
                cash.id,
                burn.id,
                financing.map_or_else(String::new, |f| format!(" + {}(t)", f.id))
            ),
            reader: format!(
                "{} = {} − {}{}",
                cash.label,
                cash.label,
                burn.label,
                financing.map_or_else(String::new, |f| format!(" + {}", f.label))
            ),
            stock: cash,
            ins: financing.into_iter().collect(),
            outs: vec![burn],
            rate_out: None,
        });
    }
    if let (Some(customers), Some(new)) = (role(Role::Customers), role(Role::NewCustomers)) {
        let churned = role(Role::ChurnedCustomers);
        let churn = role(Role::Churn).filter(|_| churned.is_none());
        let lost = churned.or(churn);
        checks.push(RollForward {
            name: format!(
                "{}(t) = {}(t-1) + {}(t){}",
                customers.id,
                customers.id,
                new.id,
                lost.map_or_else(String::new, |l| format!(" - {}(t)", l.id))
            ),
            reader: format!(
                "{} = {} + {}{}",
                customers.label,
                customers.label,
                new.label,
                lost.map_or_else(String::new, |l| format!(" − {}", l.label))
            ),
            stock: customers,
            ins: vec![new],
            outs: churned.into_iter().collect(),
            rate_out: churn,
        });
    }
    checks
}

/// A flow's amount in month `t`: its target, else its plan read between
/// targets; zero for a flow that has nothing between targets (rounds of
/// financing). None when the plan says nothing about the month.
fn flow(m: &Metric, t: Month) -> Option<f64> {
    m.target.get(&t).or_else(|| m.plan.get(&t)).copied().or_else(|| {
        let events = m.interpolation == Interpolation::None;
        events.then_some(0.0)
    })
}

/// A month of a stretch: what it expects, what moved, or the flows that
/// have no plan in it.
enum Step {
    Moved { into: f64, out: f64 },
    Missing(Vec<String>),
}

fn step(check: &RollForward, t: Month, expected: f64) -> Step {
    let mut missing = Vec::new();
    let mut sum = |flows: &[&Metric]| -> f64 {
        flows
            .iter()
            .map(|m| {
                flow(m, t).unwrap_or_else(|| {
                    missing.push(m.id.clone());
                    0.0
                })
            })
            .sum()
    };
    let into = sum(&check.ins);
    let mut out = sum(&check.outs);
    if let Some(rate) = check.rate_out {
        let before = check.stock.plan.get(&t.offset(-1)).copied().unwrap_or(expected);
        match rate.target.get(&t).or_else(|| rate.plan.get(&t)) {
            Some(&r) => out += super::periods::monthly(rate, r) * before,
            None => missing.push(rate.id.clone()),
        }
    }
    if missing.is_empty() {
        Step::Moved { into, out }
    } else {
        Step::Missing(missing)
    }
}

/// A stretch that could not be checked: its ends and the flows missing.
struct Unchecked {
    from: Month,
    to: Month,
    missing: Vec<String>,
}

fn roll_forward(s: &Subject, check: &RollForward, diags: &mut Diagnostics) {
    let stock = check.stock;
    let mut misses: Vec<(Month, f64, f64)> = Vec::new();
    let mut unchecked: Vec<Unchecked> = Vec::new();
    'stretch: for ((&a, &va), (&b, &vb)) in stock.target.iter().zip(stock.target.iter().skip(1)) {
        let mut expected = va;
        let mut moved = 0.0f64;
        for t in (1..=a.months_until(b)).map(|k| a.offset(k)) {
            match step(check, t, expected) {
                Step::Moved { into, out } => {
                    expected += into - out;
                    moved += into.abs() + out.abs();
                }
                Step::Missing(mut missing) => {
                    missing.dedup();
                    unchecked.push(Unchecked {
                        from: a,
                        to: b,
                        missing,
                    });
                    continue 'stretch;
                }
            }
        }
        // The slack is a share of what moved in the stretch, not of the
        // stock: a month's error must not hide in a large balance.
        if (vb - expected).abs() > TOLERANCE * moved.max(1.0) {
            misses.push((b, vb, expected));
        }
    }
    if let Some(first) = unchecked.first() {
        diags.push(note_unchecked(s, check, first, unchecked.len()));
    }
    let Some(&(month, actual, expected)) = misses.first() else {
        return;
    };
    let mut d = s
        .warning(
            Code::IdentityMismatch,
            stock,
            stock.value_place(s.groups, Section::Target, month),
            format!(
                "`{}` does not hold in the targets: at {} `{}` is {}, but its earlier target and the flows give {}{}",
                check.name,
                s.when(month),
                stock.id,
                s.show(stock, actual),
                s.show(stock, expected),
                more(misses.len())
            ),
        )
        .reader(
            "finding_roll_forward",
            vec![
                ("identity", check.reader.clone()),
                ("metric", stock.label.clone()),
                ("month", s.month(month)),
                ("left", s.show(stock, actual)),
                ("right", s.show(stock, expected)),
            ],
        )
        .help("a stock moves only by its flows: check for a flow written for a quarter where a month's belongs (or say `per: quarter`), or a missing inflow or outflow");
    for m in check.ins.iter().chain(&check.outs).chain(check.rate_out.as_ref()) {
        d = d.metric(&m.id);
    }
    diags.push(d);
}

/// The note for stretches the roll-forward could not check.
fn note_unchecked(s: &Subject, check: &RollForward, first: &Unchecked, stretches: usize) -> Diagnostic {
    let stock = check.stock;
    let ids: Vec<String> = first.missing.iter().map(|id| format!("`{id}`")).collect();
    let others = match stretches {
        1 => String::new(),
        2 => " (and 1 more stretch)".to_string(),
        n => format!(" (and {} more stretches)", n - 1),
    };
    let src = &s.groups[stock.group].source;
    Diagnostic::note_at(
        Code::BalanceUnchecked,
        src,
        stock.value_place(s.groups, Section::Target, first.to),
        format!(
            "`{}` cannot be checked from {} to {}: {} {} no plan in some month between{others}",
            check.name,
            s.when(first.from),
            s.when(first.to),
            ids.join(", "),
            if ids.len() == 1 { "has" } else { "have" },
        ),
    )
    .metric(&stock.id)
    .help("give those flows targets in the months between (or at both ends, so palanca reads the months between)")
}
