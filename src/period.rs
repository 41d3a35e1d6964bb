//! Months, the only period palanca knows, and the two ways to write them.
//!
//! No date crate has a year-month type, and a plan's periods are plain
//! months, so a month is a number: `year * 12 + month - 1`. That makes
//! "three months earlier" a subtraction and keeps series ordered.

use std::fmt;

use crate::limits;

/// A calendar month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month(pub i32);

impl Month {
    /// The month of `year` numbered 1 to 12.
    pub fn new(year: i32, month: u32) -> Option<Month> {
        (1..=12).contains(&month).then(|| Month(year * 12 + month as i32 - 1))
    }

    /// The year, e.g. 2024.
    pub fn year(self) -> i32 {
        self.0.div_euclid(12)
    }

    /// The month number, 1 to 12.
    pub fn month(self) -> u32 {
        self.0.rem_euclid(12) as u32 + 1
    }

    /// The month `n` months later (earlier when negative). Periods are
    /// bounded when read, so this never comes near overflowing; it
    /// saturates all the same.
    pub fn offset(self, n: i32) -> Month {
        Month(self.0.saturating_add(n))
    }

    /// The number of its last day: 28 to 31.
    pub fn last_day(self) -> u32 {
        let year = self.year();
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
        match self.month() {
            2 if leap => 29,
            2 => 28,
            4 | 6 | 9 | 11 => 30,
            _ => 31,
        }
    }

    /// Noon (UTC) of its last day, in seconds since 1970: when an update
    /// about this month is dated, in the feed and in its email.
    pub fn closing_time(self) -> i64 {
        // Days from 1970-01-01 to the last day (Howard Hinnant's
        // days_from_civil, with March as the first month of the year).
        let (y, m, d) = (
            i64::from(self.year()),
            i64::from(self.month()),
            i64::from(self.last_day()),
        );
        let y = if m <= 2 { y - 1 } else { y };
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let doy = (153 * ((m + 9) % 12) + 2) / 5 + d - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        let days = era * 146_097 + doe - 719_468;
        days * 86_400 + 12 * 3_600
    }

    /// Months from `self` to `later`.
    pub fn months_until(self, later: Month) -> i32 {
        later.0 - self.0
    }

    /// Parses `YYYY-MM`.
    pub fn parse_iso(text: &str) -> Option<Month> {
        let (y, m) = text.split_once('-')?;
        if y.len() != 4 || m.len() != 2 || !y.bytes().chain(m.bytes()).all(|b| b.is_ascii_digit()) {
            return None;
        }
        Month::new(y.parse().ok()?, m.parse().ok()?)
    }

    /// The quarter, 1 to 4.
    pub fn quarter(self) -> u32 {
        (self.month() - 1) / 3 + 1
    }
}

/// A calendar day: what a service period starts and ends on. Days count
/// from 1970-01-01, so a period's length is a subtraction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Day(pub i32);

impl Day {
    /// The day `day` of `month`, None when the month has no such day.
    pub fn new(month: Month, day: u32) -> Option<Day> {
        (1..=month.last_day())
            .contains(&day)
            .then(|| Day(days_from_civil(month.year(), month.month(), day)))
    }

    /// Reads `YYYY-MM-DD`, alone or followed by a time (`2024-03-31
    /// 23:59:59`, `2024-03-31T23:59:59Z`): the day written, in no time zone.
    pub fn parse(text: &str) -> Option<Day> {
        let text = text.trim();
        let date = text.get(..10)?;
        let rest = &text[10..];
        if !(rest.is_empty() || rest.starts_with([' ', 'T'])) {
            return None;
        }
        let b = date.as_bytes();
        if b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        let num = |s: &str| {
            s.bytes()
                .all(|c| c.is_ascii_digit())
                .then(|| s.parse::<u32>().ok())
                .flatten()
        };
        let month = Month::new(num(&date[..4])? as i32, num(&date[5..7])?)?;
        Day::new(month, num(&date[8..10])?).filter(|d| in_years(d.month()))
    }

    /// Its month.
    pub fn month(self) -> Month {
        let (y, m, _) = civil_from_days(self.0);
        Month(y * 12 + m as i32 - 1)
    }

    /// Its number within its month, 1 to 31.
    pub fn of_month(self) -> u32 {
        civil_from_days(self.0).2
    }

    /// The same day `k` months later, or the month's last day when it has
    /// none (January 31 and one month is the end of February).
    pub fn add_months(self, k: i32) -> Day {
        let month = self.month().offset(k);
        let day = self.of_month().min(month.last_day());
        Day(days_from_civil(month.year(), month.month(), day))
    }

    /// The last day of `month`.
    pub fn last_of(month: Month) -> Day {
        Day(days_from_civil(month.year(), month.month(), month.last_day()))
    }
}

impl fmt::Display for Day {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = civil_from_days(self.0);
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

/// Days from 1970-01-01 to a date (Howard Hinnant's `days_from_civil`).
fn days_from_civil(y: i32, m: u32, d: u32) -> i32 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy as i32;
    era * 146_097 + doe - 719_468
}

/// The date `days` after 1970-01-01 (Howard Hinnant's `civil_from_days`).
fn civil_from_days(days: i32) -> (i32, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i32::from(m <= 2), m, d)
}

impl fmt::Display for Month {
    /// `YYYY-MM`, the form used in files, URLs and CSV.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year(), self.month())
    }
}

/// Month names of the languages palanca writes in, short and long.
const MONTHS: [(&str, [&str; 12], [&str; 12]); 2] = [
    (
        "es",
        [
            "ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sept", "oct", "nov", "dic",
        ],
        [
            "enero",
            "febrero",
            "marzo",
            "abril",
            "mayo",
            "junio",
            "julio",
            "agosto",
            "septiembre",
            "octubre",
            "noviembre",
            "diciembre",
        ],
    ),
    (
        "en",
        [
            "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
        ],
        [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ],
    ),
];

/// Months in words, in a language (`es` or `en`; anything else reads as
/// English): how a reader sees dates, where files and URLs use `YYYY-MM`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Calendar {
    lang: usize,
}

impl Calendar {
    /// The calendar of a language code.
    pub fn new(language: &str) -> Calendar {
        Calendar {
            lang: MONTHS.iter().position(|(code, _, _)| *code == language).unwrap_or(1),
        }
    }

    /// `mar 2024` / `Mar 2024`.
    pub fn short(self, m: Month) -> String {
        format!("{} {}", self.abbr(m), m.year())
    }

    /// `mar` / `Mar`, for an axis where the year is written once.
    pub fn abbr(self, m: Month) -> &'static str {
        MONTHS[self.lang].1[m.month() as usize - 1]
    }

    /// The month (1–12) a word names in any language palanca writes in
    /// (`marzo`, `March`), case aside.
    pub fn month_named(word: &str) -> Option<u32> {
        MONTHS.iter().find_map(|(_, _, long)| {
            long.iter()
                .position(|name| name.eq_ignore_ascii_case(word))
                .map(|i| i as u32 + 1)
        })
    }

    /// `marzo de 2024` / `March 2024`.
    pub fn long(self, m: Month) -> String {
        let name = MONTHS[self.lang].2[m.month() as usize - 1];
        match MONTHS[self.lang].0 {
            "es" => format!("{name} de {}", m.year()),
            _ => format!("{name} {}", m.year()),
        }
    }

    /// A stretch of months in words: `ene – mar 2024`, `dic 2024 – ene
    /// 2025`, one month as `short` writes it.
    pub fn span(self, from: Month, to: Month) -> String {
        match (from == to, from.year() == to.year()) {
            (true, _) => self.short(from),
            (false, true) => format!("{}\u{a0}–\u{a0}{}", self.abbr(from), self.short(to)),
            (false, false) => format!("{}\u{a0}–\u{a0}{}", self.short(from), self.short(to)),
        }
    }

    /// `T1 2024` / `Q1 2024`: the calendar quarter a month falls in.
    pub fn quarter(self, m: Month) -> String {
        let letter = if MONTHS[self.lang].0 == "es" { 'T' } else { 'Q' };
        format!("{letter}{} {}", m.quarter(), m.year())
    }
}

/// Why a period key could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PeriodError {
    /// Neither `YYYY-MM` nor `M<n>`.
    Malformed,
    /// `M0` or a negative plan month.
    ZeroPlanMonth,
    /// A plan month after `M600`, or a year outside 1900–2200.
    OutOfRange,
}

impl PeriodError {
    /// Why the key could not be read, for a message: "`M0` is …".
    pub fn reason(&self) -> &'static str {
        match self {
            PeriodError::Malformed => "is not a period",
            PeriodError::ZeroPlanMonth => "is before the plan's first month",
            PeriodError::OutOfRange => "is beyond the months palanca reads (M1 to M600, years 1900 to 2200)",
        }
    }
}

/// Whether `month` falls in the years palanca reads ([`limits::YEARS`]).
pub fn in_years(month: Month) -> bool {
    (limits::YEARS.0..=limits::YEARS.1).contains(&month.year())
}

/// Reads a period key: `2024-03`, or `M3` for the third month of the plan
/// that starts at `start`.
pub fn parse_period(text: &str, start: Month) -> Result<Month, PeriodError> {
    let text = text.trim();
    if let Some(n) = text.strip_prefix('M').or_else(|| text.strip_prefix('m')) {
        if n.is_empty() || !n.trim_start_matches('-').bytes().all(|b| b.is_ascii_digit()) {
            return Err(PeriodError::Malformed);
        }
        // Parsed wide, so that `M99999999999` is out of range, not malformed.
        let n: i64 = n.parse().map_err(|_| PeriodError::OutOfRange)?;
        if n < 1 {
            return Err(PeriodError::ZeroPlanMonth);
        }
        if n > i64::from(limits::PLAN_MONTHS) {
            return Err(PeriodError::OutOfRange);
        }
        let month = start.offset(n as i32 - 1);
        return if in_years(month) {
            Ok(month)
        } else {
            Err(PeriodError::OutOfRange)
        };
    }
    let month = Month::parse_iso(text).ok_or(PeriodError::Malformed)?;
    if in_years(month) {
        Ok(month)
    } else {
        Err(PeriodError::OutOfRange)
    }
}

/// A stretch of months a total is claimed over: a calendar year (`2026`),
/// a calendar quarter (`2026-Q1`), or a year of the plan (`Y2`: months
/// M13–M24). Returns its first and last month.
pub fn parse_stretch(text: &str, start: Month) -> Result<(Month, Month), PeriodError> {
    let text = text.trim();
    let number = |digits: &str| -> Result<i32, PeriodError> {
        if digits.is_empty() || digits.len() > 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(PeriodError::Malformed);
        }
        digits.parse().map_err(|_| PeriodError::Malformed)
    };
    let (first, months) = if let Some(n) = text.strip_prefix(['Y', 'y']) {
        let n = number(n)?;
        if n < 1 || n * 12 > limits::PLAN_MONTHS as i32 {
            return Err(PeriodError::OutOfRange);
        }
        (start.offset(12 * (n - 1)), 12)
    } else if let Some((year, quarter)) = text.split_once("-Q").or_else(|| text.split_once("-q")) {
        let q = number(quarter)?;
        if !(1..=4).contains(&q) {
            return Err(PeriodError::Malformed);
        }
        let month = Month::new(number(year)?, (3 * q - 2) as u32).ok_or(PeriodError::OutOfRange)?;
        (month, 3)
    } else {
        (Month::new(number(text)?, 1).ok_or(PeriodError::OutOfRange)?, 12)
    };
    let last = first.offset(months - 1);
    if in_years(first) && in_years(last) {
        Ok((first, last))
    } else {
        Err(PeriodError::OutOfRange)
    }
}

/// The plan month number of `month` (1 for `start`).
pub fn plan_month(month: Month, start: Month) -> i32 {
    start.months_until(month) + 1
}

#[cfg(test)]
mod tests;
