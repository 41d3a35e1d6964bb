//! Metrics resolved: series converted to months and units, formulas parsed,
//! checked for unknown inputs and cycles, and evaluated.
mod balances;
mod convert;
mod formulas;
mod metric;
mod periods;
mod plans;

pub use balances::check_balances;
pub use convert::collect;
pub use formulas::resolve_formulas;
pub use metric::{Balance, Group, Metric, Places, Scenario, Section, Series, interpolate};
pub use plans::fill_plans;
