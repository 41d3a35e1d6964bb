//! The plan linter: where the plan's own numbers disagree with each other.
//!
//! Every finding is a warning that names the file and line and shows both
//! figures, in two voices: a message for the author (with metric ids and
//! positions, printed by the CLI) and a sentence for a reader of the site
//! (labels and months in words, in the site's language, on the
//! consistency page). The checks follow the identities investors test
//! (`../shared/notes/metrics.md`), one module each:
//!
//! - [`stated`]: a figure the plan states against the one it computes;
//! - [`claims`]: growth claims (on average, or sustained month by month),
//!   deadlines, and claims against each other;
//! - [`totals`]: stated totals against the sum of their parts;
//! - [`flow_totals`]: a flow's total claimed over a year or a quarter
//!   against the sum of its months;
//! - [`identities`]: identities written in `checks:`, and the standard
//!   ones palanca knows from the metrics' roles (ARR = 12 × MRR, runway =
//!   cash / burn …);
//! - [`compositions`]: totals made of parts (net burn = spend − revenue,
//!   revenue = GMV × take rate, a funnel, a metric's `parts:`);
//! - [`balances`]: stocks rolled forward by their flows (cash, customers,
//!   any stock with a `balance:`);
//! - [`periods`]: rates of one quantity over different periods (a monthly
//!   churn against an annual renewal), compounded;
//! - [`ranges`]: values out of range, targets moving the wrong way, a
//!   runway shorter than the site's alert;
//! - [`prose`]: figures written by hand in the letters, traced to the
//!   data;
//! - [`advice`]: an investor's rules of thumb, shown with `check --advice`.

mod advice;
mod balances;
mod claims;
mod compositions;
mod flow_totals;
mod identities;
pub mod letters;
mod periods;
mod prose;
mod ranges;
pub mod stated;
mod subject;
mod totals;

pub use subject::{Subject, cmgr};

use crate::diagnostic::Diagnostics;

/// Runs every consistency check and returns the warnings (advice
/// included: the driver keeps it only when asked for).
pub fn lint(s: &Subject) -> Diagnostics {
    let mut diags = lint_metrics(s);
    diags.extend(lint_plan(s));
    diags
}

/// The checks that read the pages and the plan's aggregates: claims and
/// totals.
pub fn lint_plan(s: &Subject) -> Diagnostics {
    let mut diags = Diagnostics::default();
    claims::check(s, &mut diags);
    totals::check(s, &mut diags);
    diags
}

/// The figures written by hand in the updates, traced to the data.
pub fn lint_letters(s: &Subject, updates: &[crate::load::Update]) -> Diagnostics {
    let mut diags = Diagnostics::default();
    prose::check(s, updates, &mut diags);
    diags
}

/// The checks that read the metrics alone (`pages` and `plan` unused):
/// `serve` keeps their findings while no metric file changes.
pub fn lint_metrics(s: &Subject) -> Diagnostics {
    let mut diags = Diagnostics::default();
    stated::check(s, &mut diags);
    identities::check_written(s, &mut diags);
    identities::check_roles(s, &mut diags);
    compositions::check(s, &mut diags);
    balances::check(s, &mut diags);
    periods::check(s, &mut diags);
    ranges::check_ranges(s, &mut diags);
    ranges::check_directions(s, &mut diags);
    ranges::check_runway(s, &mut diags);
    advice::check(s, &mut diags);
    diags
}

#[cfg(test)]
#[path = "mod_tests.rs"]
mod tests;
