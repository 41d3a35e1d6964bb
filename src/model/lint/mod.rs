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
//! - [`identities`]: identities written in `checks:`, and the standard
//!   ones palanca knows from the metrics' roles (ARR = 12 × MRR, the cash
//!   roll-forward, runway = cash / burn …);
//! - [`ranges`]: values out of range, targets moving the wrong way, a
//!   runway shorter than the site's alert;
//! - [`advice`]: an investor's rules of thumb, shown with `check --advice`.

mod advice;
mod claims;
mod identities;
pub mod letters;
mod ranges;
pub mod stated;
mod totals;

use std::collections::HashMap;
use std::ops::Range;

use super::metrics::{Group, Metric};
use super::plan::Plan;
use super::roles::Role;
use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::load::Page;
use crate::period::{Calendar, Month, plan_month};
use crate::units::{NumberStyle, Unit};

/// What the checks read.
pub struct Subject<'a> {
    /// All metrics.
    pub metrics: &'a [Metric],
    /// Metric index by id.
    pub index: &'a HashMap<String, usize>,
    /// Metric groups (their files and identity checks).
    pub groups: &'a [Group],
    /// Plan pages.
    pub pages: &'a [std::sync::Arc<Page>],
    /// The plan's aggregates.
    pub plan: &'a Plan,
    /// Month 1.
    pub start: Month,
    /// Number style for the figures in messages.
    pub style: &'a NumberStyle,
    /// Month names for readers.
    pub calendar: Calendar,
    /// A runway shorter than this many months is a finding.
    pub runway_alert: f64,
}

impl Subject<'_> {
    fn metric(&self, id: &str) -> Option<&Metric> {
        self.index.get(id).map(|&i| &self.metrics[i])
    }

    /// The metric with a standard role, if the plan has one.
    fn role(&self, role: Role) -> Option<&Metric> {
        self.metrics.iter().find(|m| m.role == Some(role))
    }

    fn show(&self, m: &Metric, v: f64) -> String {
        self.style.format(v, m.unit)
    }

    fn money(&self, v: f64) -> String {
        self.style.format(v, Unit::Currency)
    }

    /// A month for the author: `M12 (2024-12)`.
    fn when(&self, month: Month) -> String {
        format!("M{} ({month})", plan_month(month, self.start))
    }

    /// A month for a reader: `diciembre de 2024`.
    fn month(&self, month: Month) -> String {
        self.calendar.long(month)
    }

    /// A warning about metric `m`, pointing at `span` of its file.
    fn warning(&self, code: Code, m: &Metric, span: Range<usize>, message: String) -> Diagnostic {
        Diagnostic::warning_at(code, &self.groups[m.group].source, span, message).metric(&m.id)
    }
}

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

/// The checks that read the metrics alone (`pages` and `plan` unused):
/// `serve` keeps their findings while no metric file changes.
pub fn lint_metrics(s: &Subject) -> Diagnostics {
    let mut diags = Diagnostics::default();
    stated::check(s, &mut diags);
    identities::check_written(s, &mut diags);
    identities::check_roles(s, &mut diags);
    ranges::check_ranges(s, &mut diags);
    ranges::check_directions(s, &mut diags);
    ranges::check_runway(s, &mut diags);
    advice::check(s, &mut diags);
    diags
}

/// Compound monthly growth from `a` to `b` over `months` intervals.
pub fn cmgr(a: f64, b: f64, months: i32) -> Option<f64> {
    (a > 0.0 && b > 0.0 && months > 0).then(|| (b / a).powf(1.0 / f64::from(months)) - 1.0)
}

#[cfg(test)]
#[path = "mod_tests.rs"]
mod tests;
