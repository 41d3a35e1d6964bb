//! The claims a page's front matter makes, checked as written: months that
//! are months, numbers that are numbers, a total with its stretch.

use serde::{Deserialize, Serialize};

use crate::diagnostic::{Code, Diagnostic, Diagnostics, Source, Subject, quote};
use crate::limits;
use crate::load::spans::Spans;
use crate::period::{Month, parse_period};

/// A claim a plan makes in prose, written down so it can be checked: a
/// growth rate, a value reached by a deadline or at a date, or a flow's
/// total over a year or a quarter.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Claim {
    /// The metric the claim is about.
    pub metric: String,
    /// A compound monthly growth rate (0.2 for 20% a month).
    #[serde(default)]
    pub monthly_growth: Option<f64>,
    /// First month of the growth claim (default: the first target).
    #[serde(default)]
    pub from: Option<String>,
    /// Last month of the growth claim (default: the last target).
    #[serde(default)]
    pub to: Option<String>,
    /// A value the metric reaches...
    #[serde(default)]
    pub reaches: Option<f64>,
    /// ...by this month (no later than it).
    #[serde(default)]
    pub by: Option<String>,
    /// ...at this month exactly ("$1M ARR in 24 months").
    #[serde(default)]
    pub at: Option<String>,
    /// A flow's total over a stretch (`total: 12000, over: 2026`)...
    #[serde(default)]
    pub total: Option<f64>,
    /// ...the stretch: a year (`2026`), a quarter (`2026-Q1`) or a year of
    /// the plan (`Y2`).
    #[serde(default)]
    pub over: Option<String>,
    /// The growth is claimed for every month, not just on average: it is
    /// checked between each pair of targets.
    #[serde(default)]
    pub sustained: bool,
    /// Its index in the page's `claims`, where its position is recorded.
    #[serde(skip)]
    pub position: usize,
}

/// Errors in the claims themselves: a bad month, a rate that is not a
/// number, a claim that says nothing. Unknown metrics are found when
/// metrics are resolved.
pub(super) fn check_claims(
    claims: &[Claim],
    (source, spans, slug): (&Source, &Spans, &str),
    start: Month,
    diags: &mut Diagnostics,
) {
    for claim in claims {
        let path = format!("claims[{}]", claim.position);
        let error = |key: &str, message: String| {
            let span = spans.value_or_key(&format!("{path}.{key}")).unwrap_or(0..0);
            Diagnostic::error_at(Code::BadClaim, source, span, message).about(Subject::Page(slug.to_string()))
        };
        for (key, value) in [
            ("from", &claim.from),
            ("to", &claim.to),
            ("by", &claim.by),
            ("at", &claim.at),
        ] {
            if let Some(text) = value.as_deref().filter(|t| parse_period(t, start).is_err()) {
                diags.push(
                    error(key, format!("`{key}: {}` is not a month", quote(text)))
                        .help("write YYYY-MM or a plan month such as M12"),
                );
            }
        }
        let bad_number = |v: Option<f64>| v.is_some_and(|v| !v.is_finite() || v.abs() > limits::MAGNITUDE);
        if bad_number(claim.monthly_growth) || claim.monthly_growth.is_some_and(|g| g <= -1.0) {
            diags.push(
                error("monthly_growth", "the claimed growth is not a rate".into())
                    .help("write the monthly rate as a fraction, e.g. `monthly_growth: 0.2` for 20% a month"),
            );
        }
        if bad_number(claim.reaches) {
            diags.push(error("reaches", "the claimed value is beyond 10^15".into()).help("write the value reached"));
        }
        if bad_number(claim.total) {
            diags.push(error("total", "the claimed total is beyond 10^15".into()).help("write the total reached"));
        }
        match (&claim.total, &claim.over) {
            (Some(_), Some(text)) if crate::period::parse_stretch(text, start).is_err() => diags.push(
                error("over", format!("`over: {}` is not a year or a quarter", quote(text)))
                    .help("write a calendar year (2026), a quarter (2026-Q1) or a year of the plan (Y2)"),
            ),
            (Some(_), None) => diags.push(
                error(
                    "total",
                    "a claimed `total` needs `over:`, the stretch it adds up over".into(),
                )
                .help("write e.g. `total: 20000, over: 2026`"),
            ),
            (None, Some(_)) => diags.push(
                error("over", "`over:` names a stretch, but the claim has no `total`".into())
                    .help("write the total the flow reaches over it, e.g. `total: 20000, over: 2026`"),
            ),
            _ => {}
        }
        if claim.monthly_growth.is_none() && claim.reaches.is_none() && claim.total.is_none() {
            diags.push(
                error("metric", "this claim states nothing to check".into())
                    .help("give `monthly_growth: 0.2` (with optional from/to), `reaches: 10000000` with `by: M24` or `at: M24`, or `total: 20000` with `over: 2026`"),
            );
        }
    }
}
