//! The MRR bridge: how each month's MRR came from the month before's —
//! new, reactivated, expanded, contracted and churned revenue — read from
//! a group's metrics of those roles (a metric file with `revenue:` has
//! them all, computed from invoice lines).

use super::metrics::{Group, Metric};
use crate::period::Month;
use crate::roles::Role;

/// One month of the bridge, in the currency's units. Movements are sizes
/// (never negative); `end = start + new + reactivation + expansion −
/// contraction − churned`, exact in cents where the figures came from
/// invoice lines.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Movement {
    /// The month.
    pub month: Month,
    /// MRR at the end of the month before.
    pub start: f64,
    /// From customers who never paid before.
    pub new: f64,
    /// From customers who paid before, then stopped.
    pub reactivation: f64,
    /// Customers paying more.
    pub expansion: f64,
    /// Customers paying less, but still paying.
    pub contraction: f64,
    /// Customers who stopped paying.
    pub churned: f64,
    /// MRR at the end of the month.
    pub end: f64,
}

/// The roles a bridge reads, MRR first.
impl Movement {
    /// What the month's movements add up to.
    pub fn net(&self) -> f64 {
        self.new + self.reactivation + self.expansion - self.contraction - self.churned
    }
}

const ROLES: [Role; 6] = [
    Role::Mrr,
    Role::NewMrr,
    Role::ReactivationMrr,
    Role::ExpansionMrr,
    Role::ContractionMrr,
    Role::ChurnedMrr,
];

/// The bridge of `g` (whose metrics are indexes into `metrics`), every
/// month its MRR has an actual; none unless the group has a metric of
/// each of the roles it needs.
pub fn of(metrics: &[Metric], g: &Group) -> Option<Vec<Movement>> {
    let find = |role: Role| -> Option<&Metric> {
        g.metrics
            .iter()
            .filter_map(|&i| metrics.get(i))
            .find(|m| m.role == Some(role))
    };
    let [mrr, new, reactivation, expansion, contraction, churned] = ROLES.map(find);
    let (mrr, new, reactivation, expansion, contraction, churned) =
        (mrr?, new?, reactivation?, expansion?, contraction?, churned?);
    let of = |m: &Metric, month: &Month| m.actual.get(month).copied().unwrap_or(0.0);
    Some(
        mrr.actual
            .iter()
            .map(|(month, &end)| {
                let mut row = Movement {
                    month: *month,
                    start: 0.0,
                    new: of(new, month),
                    reactivation: of(reactivation, month),
                    expansion: of(expansion, month),
                    contraction: of(contraction, month),
                    churned: of(churned, month),
                    end,
                };
                // Before the first month (or after a gap), the start is
                // what the movements leave: zero for invoice lines.
                row.start = match mrr.actual.get(&month.offset(-1)) {
                    Some(&before) => before,
                    None => end - row.net(),
                };
                row
            })
            .collect(),
    )
}
