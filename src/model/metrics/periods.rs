//! The stretch a metric's values cover (`per:`). A flow written as the
//! total of a quarter or a year is read as that total spread evenly over
//! its months, so every page and check sees monthly values that add up to
//! what was written; a rate per quarter or year keeps its values, and the
//! linter compounds it to compare it with monthly ones (see the linter's
//! `periods`).

use super::metric::Series;
use crate::diagnostic::{Code, Diagnostic, Source};
use crate::load::Per;
use crate::roles::MetricKind;

/// Checks that `per` fits the metric's kind: a stock is a level at a
/// month's end, and covers no stretch.
pub(super) fn check_per(
    id: &str,
    kind: MetricKind,
    per: Per,
    src: &Source,
    at: std::ops::Range<usize>,
) -> Option<Diagnostic> {
    (kind == MetricKind::Stock && per != Per::Month).then(|| {
        Diagnostic::error_at(
            Code::BadValue,
            src,
            at,
            format!("`{id}` is a stock, read at a month's end, so it has no `per`"),
        )
        .metric(id)
        .help("`per: quarter` or `per: year` is for flows (a quarter's total) and rates (an annual churn); remove it, or give the metric `kind: flow`")
    })
}

/// A flow's targets written as totals of `per`: each spread evenly over the
/// months of its stretch (the one that ends in the target's month). Two
/// targets whose stretches overlap are an error: the month would be
/// counted twice. Rates and monthly values come back as they were.
pub(super) fn spread(series: Series, kind: MetricKind, per: Per) -> Result<Series, crate::period::Month> {
    let n = per.months();
    if kind != MetricKind::Flow || n == 1 {
        return Ok(series);
    }
    let mut out = Series::new();
    for (&end, &total) in &series {
        for k in 0..n {
            let month = end.offset(-(k as i32));
            if out.insert(month, total / f64::from(n)).is_some() {
                return Err(end);
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::period::Month;

    fn month(text: &str) -> Month {
        crate::period::parse_period(text, Month::new(2025, 1).unwrap()).unwrap()
    }

    #[test]
    fn a_quarter_total_is_spread_over_its_three_months() {
        let series: Series = [(month("2025-03"), 300.0), (month("2025-06"), 600.0)].into();
        let monthly = spread(series, MetricKind::Flow, Per::Quarter).unwrap();
        let values: Vec<f64> = monthly.values().copied().collect();
        assert_eq!(values, [100.0, 100.0, 100.0, 200.0, 200.0, 200.0]);
        assert_eq!(monthly.keys().next(), Some(&month("2025-01")));
    }

    #[test]
    fn overlapping_totals_are_refused_and_rates_kept() {
        let series: Series = [(month("2025-03"), 300.0), (month("2025-04"), 300.0)].into();
        assert_eq!(
            spread(series.clone(), MetricKind::Flow, Per::Quarter),
            Err(month("2025-04"))
        );
        assert_eq!(spread(series.clone(), MetricKind::Rate, Per::Year), Ok(series));
    }
}
