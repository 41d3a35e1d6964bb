//! Cohorts: the customers who first paid in the same month, followed
//! month by month — how many still pay and what they pay — as `palanca
//! pull` computed them from invoice lines (a metric file's `revenue:`).

use std::collections::BTreeMap;

use crate::diagnostic::{Code, Diagnostic};
use crate::load::MetricFile;
use crate::period::Month;

/// One cohort at one age.
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    /// Customers of the cohort who pay at that age.
    pub customers: u64,
    /// What they pay then (MRR).
    pub mrr: f64,
}

/// A file's cohorts, by first month, each its cells by age (0: its
/// first month).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Cohorts {
    /// Cohorts in order of their first month.
    pub cohorts: BTreeMap<Month, Vec<Cell>>,
}

impl Cohorts {
    /// The cohorts of `file`'s revenue, when its pull wrote them.
    pub fn of(file: &MetricFile) -> Result<Option<Cohorts>, Diagnostic> {
        let Some(table) = file.tables.get(&format!("{}.cohorts", file.id)) else {
            return Ok(None);
        };
        let bad = |span: std::ops::Range<usize>| {
            Diagnostic::error_at(
                Code::BadSnapshot,
                &table.source,
                span,
                format!(
                    "the cohort table `{}` has a row that is not `YYYY-MM,age,customers,mrr`",
                    table.source.path
                ),
            )
            .help("the table is written by `palanca pull`; run it again rather than editing the file")
        };
        if table.header != ["cohort", "age", "customers", "mrr"] {
            return Err(bad(0..0));
        }
        let mut out = Cohorts::default();
        for (cells, span) in &table.rows {
            let read = || -> Option<(Month, usize, Cell)> {
                let month = Month::parse_iso(&cells[0]).filter(|m| crate::period::in_years(*m))?;
                let age: usize = cells[1].parse().ok().filter(|a| *a <= crate::limits::SERIES_VALUES)?;
                let customers = cells[2].parse().ok()?;
                let mrr = crate::decimal::Decimal::parse_plain(&cells[3])?.to_f64();
                Some((month, age, Cell { customers, mrr }))
            };
            let (month, age, cell) = read().ok_or_else(|| bad(span.clone()))?;
            let row = out.cohorts.entry(month).or_default();
            if age != row.len() {
                return Err(bad(span.clone()));
            }
            row.push(cell);
        }
        Ok(Some(out))
    }
}
