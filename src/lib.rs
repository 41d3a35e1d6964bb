//! palanca turns a growth plan and its metrics, kept as plain text, into a
//! static report site.
//!
//! A build is a pipeline of plain stages, one module each:
//! [`load`] reads files into typed documents with source positions,
//! [`model`] resolves formulas, derived values and checks,
//! [`render`] draws charts and fills templates into an in-memory site,
//! and [`output`] swaps that site into place on disk.

pub mod diagnostic;
pub mod formula;
pub mod period;
pub mod units;
