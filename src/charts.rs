//! Charts drawn with plotters as SVG at build time.
//!
//! All plotting lives here, because plotters is the dependency most likely
//! to need replacing (it is barely maintained). The charts follow a few
//! rules a designer would ask for:
//!
//! - Each is drawn at a small design size with 12 px text, and the page
//!   shows it between that size and a third larger: text stays between 12
//!   and 16 px at any screen width, never 5 px on a phone nor 21 px on a
//!   wide screen. The roadmap's timeline keeps its size and scrolls.
//! - Time ticks fall on month, quarter or year boundaries, in the site's
//!   language (`mar 2024`, `T2 2024`, `2025`); value ticks are round
//!   numbers in the metric's display unit.
//! - Colours come from one colour-blind-safe palette (Okabe and Ito); the
//!   legends are HTML beside the chart, outside the plot, where they can
//!   never cover the data.
//! - Every point has its value as an SVG `<title>`, shown on hover or tap
//!   with no script; the whole chart has a title for screen readers, and
//!   its numbers are also in a table.
//!
//! `svg.rs` holds what every chart shares; each other file is a kind of
//! chart.

mod heat;
mod line;
mod plan;
mod svg;
mod waterfall;

pub use heat::{HeatMap, bucket as heat_bucket, heat_map};
pub use line::{LineChart, Words, line_chart, sparkline, time_ticks, wants_log};
pub use plan::{Bar, Stage, investment, range_band, timeline};
pub use svg::PALETTE;
pub use waterfall::{Step, StepKind, waterfall};

#[cfg(test)]
mod tests;
