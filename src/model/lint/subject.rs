//! What the checks read, and the small helpers they share.

use std::collections::HashMap;
use std::ops::Range;

use crate::diagnostic::{Code, Diagnostic};
use crate::load::Page;
use crate::model::metrics::{Group, Metric};
use crate::model::plan::Plan;
use crate::period::{Calendar, Month, plan_month};
use crate::roles::Role;
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
    pub(super) fn metric(&self, id: &str) -> Option<&Metric> {
        self.index.get(id).map(|&i| &self.metrics[i])
    }

    /// The metric with a standard role, if the plan has one.
    pub(super) fn role(&self, role: Role) -> Option<&Metric> {
        self.metrics.iter().find(|m| m.role == Some(role))
    }

    pub(super) fn show(&self, m: &Metric, v: f64) -> String {
        self.style.format(v, m.unit)
    }

    pub(super) fn money(&self, v: f64) -> String {
        self.style.format(v, Unit::Currency)
    }

    /// A month for the author: `M12 (2024-12)`.
    pub(super) fn when(&self, month: Month) -> String {
        format!("M{} ({month})", plan_month(month, self.start))
    }

    /// A month for a reader: `diciembre de 2024`.
    pub(super) fn month(&self, month: Month) -> String {
        self.calendar.long(month)
    }

    /// A warning about metric `m`, pointing at `span` of its file.
    pub(super) fn warning(&self, code: Code, m: &Metric, span: Range<usize>, message: String) -> Diagnostic {
        Diagnostic::warning_at(code, &self.groups[m.group].source, span, message).metric(&m.id)
    }
}

/// Compound monthly growth from `a` to `b` over `months` intervals.
pub fn cmgr(a: f64, b: f64, months: i32) -> Option<f64> {
    (a > 0.0 && b > 0.0 && months > 0).then(|| (b / a).powf(1.0 / f64::from(months)) - 1.0)
}
