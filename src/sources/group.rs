//! Rows into months: the period cell read, and each month's value added up
//! the way the metric's kind adds up.
//!
//! - a flow (revenue, new customers) is the sum of the month's rows;
//! - a stock (MRR, customers, cash) is read at the month's latest date:
//!   the rows of that date added up (one row: its value; one row per plan
//!   or region: their total);
//! - a rate (churn, margin) is read at the month's latest date too, but
//!   cannot be added up: two rows on that date are an error.
//!
//! Only one slot per month is kept, so memory does not grow with the rows.

use std::collections::BTreeMap;

use crate::decimal::Decimal;
use crate::period::Month;
use crate::roles::MetricKind;

/// Reads a period cell: `2024-03`, `2024-03-31`, or a date and time
/// (`2024-03-31 23:59:59`, `2024-03-31T23:59:59Z`). Returns its month and
/// the rest of the text after the month (`-31 23:59:59`), which orders the
/// rows of one month by date as written. None when it is not one of these.
pub fn read_period(cell: &str) -> Option<(Month, &str)> {
    let cell = cell.trim();
    let b = cell.as_bytes();
    let digits = |r: std::ops::Range<usize>| b.get(r.clone()).is_some_and(|s| s.iter().all(u8::is_ascii_digit));
    if !digits(0..4) || b.get(4) != Some(&b'-') || !digits(5..7) {
        return None;
    }
    let month = Month::parse_iso(&cell[..7]).filter(|m| crate::period::in_years(*m))?;
    let rest = &cell[7..];
    if rest.is_empty() {
        return Some((month, rest));
    }
    let rb = rest.as_bytes();
    if rb[0] != b'-' || !digits(8..10) || !matches!(rb.get(3), None | Some(b'T' | b't' | b' ')) {
        return None;
    }
    let day: u32 = rest[1..3].parse().ok()?;
    (1..=days_in(month)).contains(&day).then_some((month, rest))
}

fn days_in(m: Month) -> u32 {
    let y = m.year();
    match m.month() {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// One month being added up.
#[derive(Debug)]
struct Slot {
    /// The latest date seen, as written after the month (stocks and rates).
    date: String,
    /// The sum so far (of the month, or of its latest date).
    sum: Decimal,
    /// Rows that went into `sum`.
    rows: u32,
    /// The line of the second row on the latest date, for a rate's error.
    second: u64,
}

/// Why rows could not be added up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GroupError {
    /// A sum beyond what can be held exactly.
    Overflow(Month),
    /// More months than a series holds.
    TooManyMonths,
    /// A rate with several rows on its month's latest date.
    SeveralRates {
        /// The month.
        month: Month,
        /// The line of the second row.
        line: u64,
    },
}

/// The months of one source being added up.
#[derive(Debug)]
pub struct Grouper {
    kind: MetricKind,
    months: BTreeMap<Month, Slot>,
    rows: u64,
}

impl Grouper {
    /// An empty grouping for a metric of `kind`.
    pub fn new(kind: MetricKind) -> Grouper {
        Grouper {
            kind,
            months: BTreeMap::new(),
            rows: 0,
        }
    }

    /// Rows added so far.
    pub fn rows(&self) -> u64 {
        self.rows
    }

    /// Adds a row of `month`, dated `date` within it, read at `line`.
    pub fn add(&mut self, month: Month, date: &str, value: Decimal, line: u64) -> Result<(), GroupError> {
        if !self.months.contains_key(&month) && self.months.len() >= crate::limits::SERIES_VALUES {
            return Err(GroupError::TooManyMonths);
        }
        self.rows += 1;
        let slot = self.months.entry(month).or_insert_with(|| Slot {
            date: date.to_string(),
            sum: Decimal::ZERO,
            rows: 0,
            second: 0,
        });
        if self.kind != MetricKind::Flow {
            match date.cmp(slot.date.as_str()) {
                std::cmp::Ordering::Less => return Ok(()),
                std::cmp::Ordering::Greater => {
                    slot.date.clear();
                    slot.date.push_str(date);
                    slot.sum = Decimal::ZERO;
                    slot.rows = 0;
                }
                std::cmp::Ordering::Equal => {}
            }
        }
        slot.sum = slot.sum.checked_add(value).ok_or(GroupError::Overflow(month))?;
        slot.rows += 1;
        if slot.rows == 2 {
            slot.second = line;
        }
        Ok(())
    }

    /// Each month's value.
    pub fn finish(self) -> Result<BTreeMap<Month, Decimal>, GroupError> {
        if self.kind == MetricKind::Rate
            && let Some((&month, slot)) = self.months.iter().find(|(_, s)| s.rows > 1)
        {
            return Err(GroupError::SeveralRates {
                month,
                line: slot.second,
            });
        }
        Ok(self.months.into_iter().map(|(m, s)| (m, s.sum)).collect())
    }
}
