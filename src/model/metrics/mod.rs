//! Metrics resolved: series converted to months and units, formulas parsed,
//! checked for unknown inputs and cycles, and evaluated.
mod convert;
mod declared;
mod formulas;
mod metric;
mod periods;
mod plans;

pub use convert::collect;
pub use declared::check_declared;
pub use formulas::resolve_formulas;
pub use metric::{Balance, Group, Metric, Places, Scenario, Section, Series, interpolate};
pub use plans::fill_plans;
