//! Each metric's monthly plan, read between its targets.

use super::metric::{Metric, interpolate};
use crate::roles::Role;

/// Fills each metric's monthly plan from its targets (once formulas have
/// given derived metrics theirs).
///
/// In parallel, like [`collect`]: the plans then take the memory the
/// parsed values left in the worker threads.
pub fn fill_plans(metrics: &mut [Metric], derivations: &super::formulas::Derivations) {
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
    derive_plans(metrics, derivations);
}

/// A derived metric's plan is its formula over its inputs' plans, in
/// dependency order: between targets, LTV/CAC is the plan of LTV over the
/// plan of CAC, so a row of a table adds up (reading the derived targets
/// straight between them would not). Where the inputs' plans give
/// nothing, the plan read between the derived targets stays.
fn derive_plans(metrics: &mut [Metric], derivations: &super::formulas::Derivations) {
    let index: std::collections::HashMap<String, usize> =
        metrics.iter().enumerate().map(|(i, m)| (m.id.clone(), i)).collect();
    for (i, expr) in derivations {
        let mut divided = None;
        let derived = super::formulas::evaluate(expr, metrics, &index, &|m| &m.plan, &mut divided);
        let m = &mut metrics[*i];
        for (month, value) in derived {
            m.plan.insert(month, value);
        }
    }
}
