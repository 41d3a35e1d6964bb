//! The plan checked against itself: a value the plan states for a derived
//! metric must agree with what its formula gives, within the precision the
//! stated figure was written with.

use super::metrics::{Group, Metric, Section};
use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::units::NumberStyle;

/// Half a unit of the last digit written: `42000` was rounded to thousands
/// (±500), `41.7` to tenths (±0.05), `80%` to whole percent (±0.005).
pub fn tolerance(literal: &str) -> f64 {
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

/// Compares every stated value with the computed target of its month.
pub fn check_stated(
    metrics: &[Metric],
    groups: &[Group],
    style: &NumberStyle,
    start: crate::period::Month,
    diags: &mut Diagnostics,
) {
    for m in metrics {
        let src = &groups[m.group].source;
        for (&month, &stated) in &m.stated {
            let literal = m
                .stated_literals
                .get(&month)
                .cloned()
                .unwrap_or_else(|| crate::units::format_plain(stated));
            let span = m.value_place(groups, Section::Stated, month);
            let plan_month = crate::period::plan_month(month, start);
            let shown = |v: f64| style.format(v, m.unit);
            let what = if m.is_derived() { "computed" } else { "target" };
            match m.target.get(&month) {
                None => diags.push(
                    Diagnostic::warning_at(Code::StatedMismatch, src, span, format!("`{}` states {} for M{plan_month} ({month}), but there is no {what} value to compare it with", m.id, shown(stated)))
                        .metric(&m.id)
                        .help(if m.is_derived() { "the formula lacks an input in that month; add the missing target (for prev(), the earlier month)" } else { "add a target for that month" }),
                ),
                Some(&computed) if (computed - stated).abs() > tolerance(&literal) => diags.push(
                    Diagnostic::warning_at(Code::StatedMismatch, src, span, format!("`{}` states {} for M{plan_month} ({month}) but its {what} value is {}", m.id, shown(stated), shown(computed)))
                        .metric(&m.id)
                        .label(format!("differs by {}", shown((stated - computed).abs())))
                        .help(match &m.formula {
                            Some(f) => format!("`{f}` gives {computed:.4}; correct the stated figure or the inputs"),
                            None => "correct the stated figure or the target".into(),
                        }),
                ),
                Some(_) => {}
            }
        }
    }
}

#[cfg(test)]
mod tests;
