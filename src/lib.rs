//! palanca turns a growth plan and its metrics, kept as plain text, into a
//! static report site.
//!
//! A build is a pipeline of plain stages, one module each, run by
//! [`pipeline`]: [`load`] reads files into typed documents with source
//! positions, [`audience`] keeps what the build's readers may see,
//! [`model`] resolves formulas, derived values and checks, [`render`]
//! draws charts and fills templates, and [`output`] swaps the finished
//! site into place on disk ([`encrypt`] seals it on the way, when asked).
//! `ARCHITECTURE.md` is the map: the layers, what each module holds, and
//! the rules between them.

// A diagnostic carries its source line and help text; it is built only on
// the error path, so its size costs nothing where speed matters.
#![allow(clippy::result_large_err, reason = "diagnostics are cold-path values")]
// No `unsafe` anywhere: what needs the system (links, locks, renames at a
// folder) goes through rustix's safe calls.
#![forbid(unsafe_code)]

pub mod audience;
pub mod charts;
pub mod cli;
pub mod decimal;
pub mod diagnostic;
pub mod disk;
pub mod email;
pub mod encrypt;
pub mod formula;
pub mod html;
pub mod interrupt;
pub mod limits;
pub mod load;
pub mod markdown;
pub mod model;
pub mod newupdate;
pub mod output;
pub mod period;
pub mod pipeline;
pub mod pull;
pub mod readers;
pub mod render;
pub mod roles;
pub mod scaffold;
pub mod schema;
pub mod send;
pub mod serve;
pub mod shortcode;
pub mod snapshot;
pub mod sources;
pub mod theme;
pub mod units;
