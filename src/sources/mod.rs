//! Sources: where a metric's actuals live — a CSV export in the site folder,
//! a query on a PostgreSQL database — and how `palanca pull` reads them.
//!
//! Each kind of source is a [`SourceKind`] in its own module, listed once
//! in [`KINDS`]. A metric's `source:` (with defaults from its file's
//! `source:`) is checked into a [`Spec`] by the kind its settings name,
//! by `check` and `build` too, so a typo in a number format is found
//! without pulling; [`attach`] gives each sourced metric its snapshot as
//! the site is loaded. Only `pull` reads the sources themselves
//! ([`read`]), each kind all of its sources at once: [`csv_file`] reads a
//! file once for every metric that uses it, a row at a time, [`query`]
//! runs every query on one connection, in batches; [`group`] adds rows up
//! into months by the metric's kind, holding one slot per month.

mod attach;
pub mod csv_file;
pub mod group;
pub mod invoices;
mod kind;
pub mod query;
mod registry;
mod settings;

pub use crate::decimal::{Decimal, NumberFormat};
pub use crate::snapshot::Pulled;
pub use attach::attach;
pub use kind::{Context, SourceKind, Spec};
pub use registry::{KINDS, read, specs};
pub use settings::Settings;

#[cfg(test)]
mod tests;
