//! The plan checked against itself: a value the plan states must agree with
//! what its formula (or its target) gives, within the precision the stated
//! figure was written with — but never looser than two significant digits,
//! because a plan that writes "$100M" means roughly $100M, not anything
//! from $50M to $150M.

use super::subject::Subject;
use crate::diagnostic::{Code, Diagnostics};
use crate::model::metrics::{Metric, Section};
use crate::period::Month;
use crate::roles::Role;

/// How far a stated figure may be from the computed one: half a unit of
/// the last digit written (`41.7` is ±0.05, `80%` ±0.5 points), and at
/// most half a unit of the figure's second significant digit (`100000000`
/// is ±5,000,000, not ±50,000,000; `8000` is ±50).
pub fn tolerance(literal: &str, stated: f64) -> f64 {
    written(literal).min(two_digits(stated))
}

/// Half a unit of the last digit written: `42000` was rounded to thousands
/// (±500), `41.7` to tenths (±0.05), `80%` to whole percent (±0.005).
fn written(literal: &str) -> f64 {
    let percent = literal.ends_with('%');
    let number = literal.trim_end_matches('%').trim();
    let step = match number.split_once('.') {
        Some((_, decimals)) => 10f64.powi(-(decimals.len() as i32)),
        // A whole percentage is read as exact to the percent (80% is not "80 ± 5%").
        None if percent => 1.0,
        None => {
            let digits = number.trim_start_matches('-');
            let zeros = digits.len() - digits.trim_end_matches('0').len();
            10f64.powi(zeros.min(digits.len().saturating_sub(1)) as i32)
        }
    };
    let step = if percent { step / 100.0 } else { step };
    step / 2.0 + 1e-9
}

/// Half a unit of the second significant digit of `value`.
fn two_digits(value: f64) -> f64 {
    if value == 0.0 || !value.is_finite() {
        return f64::INFINITY;
    }
    let magnitude = value.abs().log10().floor() as i32;
    10f64.powi(magnitude - 1) / 2.0 + 1e-9
}

/// Compares every stated value with the computed target of its month.
pub fn check(s: &Subject, diags: &mut Diagnostics) {
    for m in s.metrics {
        for (&month, &stated) in &m.stated {
            let literal = m
                .stated_literals
                .get(&month)
                .cloned()
                .unwrap_or_else(|| crate::units::format_plain(stated));
            let span = m.value_place(s.groups, Section::Stated, month);
            let plan_month = crate::period::plan_month(month, s.start);
            let shown = |v: f64| s.style.format(v, m.unit);
            let what = if m.is_derived() { "computed value" } else { "target" };
            match covered(m, month) {
                None => diags.push(
                    s.warning(
                        Code::StatedMismatch,
                        m,
                        span,
                        format!(
                            "`{}` states {} for M{plan_month} ({month}), but there is no {what} to compare it with",
                            m.id,
                            shown(stated)
                        ),
                    )
                    .reader(
                        "finding_stated_missing",
                        vec![("metric", m.label.clone()), ("stated", shown(stated)), ("month", s.month(month))],
                    )
                    .help(if m.is_derived() {
                        "the formula lacks an input in that month; add the missing target (for prev(), the earlier month)"
                    } else {
                        "add a target for that month"
                    }),
                ),
                Some(computed) if (computed - stated).abs() > tolerance(&literal, stated) => diags.push(
                    s.warning(
                        Code::StatedMismatch,
                        m,
                        span,
                        format!(
                            "`{}` states {} for M{plan_month} ({month}) but its {what} is {}",
                            m.id,
                            shown(stated),
                            shown(computed)
                        ),
                    )
                    .reader(
                        "finding_stated_mismatch",
                        vec![
                            ("metric", m.label.clone()),
                            ("stated", shown(stated)),
                            ("computed", shown(computed)),
                            ("month", s.month(month)),
                        ],
                    )
                    .label(format!("differs by {}", shown((stated - computed).abs())))
                    .help(match &m.formula {
                        Some(f) => format!(
                            "`{f}` gives {computed:.4}; correct the stated figure or the inputs (a stated figure agrees within the precision it is written with, never looser than two significant digits)"
                        ),
                        None => target_help(s, m, month),
                    }),
                ),
                Some(_) => {}
            }
        }
    }
}

/// The target a stated figure of `month` is compared with: for a flow
/// written per quarter or year, the total of the stretch ending in that
/// month, as its targets were written.
fn covered(m: &Metric, month: Month) -> Option<f64> {
    let n = m.per.months();
    if m.kind != crate::roles::MetricKind::Flow || n == 1 {
        return m.target.get(&month).copied();
    }
    (0..n).map(|k| m.target.get(&month.offset(-(k as i32))).copied()).sum()
}

/// What to correct when a stated figure disagrees with a target: the
/// target itself, or — where the file's revenue comes from invoice lines
/// and MRR's targets are ARR's ÷ 12 (or the other way round) — the one it
/// was read from.
fn target_help(s: &Subject, m: &Metric, month: Month) -> String {
    let written = m.written.get(Section::Target, month).is_some();
    let other = match m.role {
        Some(Role::Mrr) => s.role(Role::Arr).map(|a| (a, "÷ 12")),
        Some(Role::Arr) => s.role(Role::Mrr).map(|a| (a, "× 12")),
        _ => None,
    };
    match other {
        Some((from, how)) if !written => format!(
            "the target of `{}` is not written but read from `{}`'s ({how}); correct the stated figure or `{}`'s target",
            m.id, from.id, from.id
        ),
        _ => "correct the stated figure or the target".into(),
    }
}

#[cfg(test)]
#[path = "stated_tests.rs"]
mod tests;
