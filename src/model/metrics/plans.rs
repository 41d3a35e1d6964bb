//! Each metric's monthly plan, read between its targets.

use super::metric::{Metric, interpolate};
use crate::roles::Role;

/// Fills each metric's monthly plan from its targets (once formulas have
/// given derived metrics theirs).
///
/// In parallel, like [`collect`]: the plans then take the memory the
/// parsed values left in the worker threads.
pub fn fill_plans(metrics: &mut [Metric]) {
    use rayon::prelude::*;
    metrics
        .par_iter_mut()
        .with_max_len(crate::limits::PARALLEL_PIECE)
        .for_each(|m| {
            // A runway exists only while cash is being burned: a company that
            // makes more than it spends has no runway figure, not a negative one.
            if m.role == Some(Role::Runway) {
                m.target.retain(|_, v| *v > 0.0);
                m.actual.retain(|_, v| *v > 0.0);
            }
            m.plan = interpolate(&m.target, m.interpolation);
        });
}
