//! Units of measure, how values of each are written in YAML, and how they
//! are shown to a reader in the site's number style.

pub mod figures;
use serde::{Deserialize, Serialize};

/// What a metric's numbers measure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Unit {
    /// Money in the site's currency.
    Currency,
    /// A number of things (users, tickets).
    Count,
    /// A fraction shown as a percentage (0.8 is 80%).
    Percent,
    /// A ratio shown with an `x` (3.3x).
    Ratio,
    /// A length of time, kept in seconds.
    Duration,
    /// A score on its own scale (NPS).
    Score,
    /// A number of months (runway, CAC payback).
    Months,
}

/// Whether a higher value is better.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// Higher is better.
    #[default]
    Up,
    /// Lower is better.
    Down,
}

/// A value as written in a metric file, before its unit is applied.
#[derive(Debug, Clone, PartialEq, Deserialize, schemars::JsonSchema)]
#[serde(untagged)]
pub enum RawValue {
    /// A plain YAML number.
    Number(f64),
    /// A string such as `"80%"` or `"4h"` (boxed: a site holds millions).
    Text(Box<str>),
}

impl RawValue {
    /// The text as the author wrote it, to find it again in the file.
    pub fn as_written(&self) -> String {
        match self {
            RawValue::Number(n) => format_plain(*n),
            RawValue::Text(t) => t.to_string(),
        }
    }
}

/// A value that does not fit its unit: what is wrong, and how to write it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValueError {
    /// What is wrong.
    pub message: String,
    /// How to write it instead.
    pub help: String,
}

/// Turns a raw value into a number in the unit's base (fractions for
/// percent, seconds for duration), or says what is wrong with it.
pub fn parse_value(raw: &RawValue, unit: Unit) -> Result<f64, ValueError> {
    let beyond = || ValueError {
        message: "the number is not finite, or beyond 10^15 either way".into(),
        help: "write a plain number such as 1500000; palanca reads values up to a quadrillion".into(),
    };
    let text = match raw {
        RawValue::Number(n) if n.is_finite() && n.abs() <= crate::limits::MAGNITUDE => return Ok(*n),
        RawValue::Number(_) => return Err(beyond()),
        RawValue::Text(t) => t.trim(),
    };
    let parsed = match unit {
        Unit::Percent => text
            .strip_suffix('%')
            .and_then(|n| n.trim().parse::<f64>().ok())
            .map(|n| n / 100.0),
        Unit::Duration => parse_duration(text),
        _ => None,
    };
    let (what, help) = match unit {
        Unit::Percent => (
            "a percentage",
            "write a fraction such as 0.8 or a string such as \"80%\"",
        ),
        Unit::Duration => (
            "a duration",
            "write a number of seconds or a string such as \"500ms\", \"2s\", \"4h\" or \"7d\"",
        ),
        _ => (
            "a number",
            "write a plain number such as 1500000 (no digit separators or symbols)",
        ),
    };
    match parsed {
        Some(v) if !v.is_finite() || v.abs() > crate::limits::MAGNITUDE => Err(beyond()),
        Some(v) => Ok(v),
        None => Err(ValueError {
            message: format!("`{}` is not {what}", crate::diagnostic::quote(text)),
            help: help.into(),
        }),
    }
}

/// Parses `500ms`, `2s`, `15min`, `4h`, `7d`, `2w` into seconds.
fn parse_duration(text: &str) -> Option<f64> {
    let split = text.find(|c: char| !(c.is_ascii_digit() || c == '.'))?;
    let (number, suffix) = text.split_at(split);
    let n: f64 = number.parse().ok()?;
    let scale = match suffix.trim() {
        "ms" => 0.001,
        "s" => 1.0,
        "min" | "m" => 60.0,
        "h" => 3600.0,
        "d" => 86_400.0,
        "w" => 604_800.0,
        _ => return None,
    };
    Some(n * scale)
}

/// How numbers are written: separators, where the currency symbol goes,
/// and the few words numbers carry (`%` spacing, "months").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NumberStyle {
    /// Decimal separator.
    pub decimal: char,
    /// Thousands separator.
    pub thousands: char,
    /// Currency symbol, e.g. `$`.
    pub symbol: String,
    /// Whether the symbol goes before the number (`$5`) or after (`5 €`).
    pub symbol_first: bool,
    /// What goes between a number and `%`: nothing in English, a
    /// non-breaking space in Spanish (`78 %`).
    pub percent_gap: &'static str,
    /// The word for months after a number (`14 months`, `14 meses`).
    pub months_word: &'static str,
}

/// The units a duration is written in, smallest first.
const DURATION_UNITS: [(f64, &str); 5] = [
    (0.001, "ms"),
    (1.0, "s"),
    (60.0, "min"),
    (3_600.0, "h"),
    (86_400.0, "d"),
];

impl NumberStyle {
    /// The style customary for a language (`en` or `es`) and currency code.
    pub fn for_language(language: &str, currency: &str) -> NumberStyle {
        let symbol = currency_symbol(currency);
        let euro_like = currency != "USD" && currency != "GBP";
        match language {
            "es" => NumberStyle {
                decimal: ',',
                thousands: '.',
                symbol_first: !euro_like,
                symbol,
                percent_gap: "\u{a0}",
                months_word: "meses",
            },
            _ => NumberStyle {
                decimal: '.',
                thousands: ',',
                symbol_first: true,
                symbol,
                percent_gap: "",
                months_word: "months",
            },
        }
    }

    /// A value in its unit, compact: `$1.5M`, `80%`, `41.7x`, `4 h`.
    ///
    /// One precision rule per unit: money and counts to three significant
    /// digits once they need a K/M/B, percentages to two decimals at most
    /// (`99.95%`), ratios to one decimal, durations in their natural unit to
    /// one decimal, months and scores to one decimal.
    pub fn format(&self, value: f64, unit: Unit) -> String {
        match unit {
            Unit::Currency => self.money(&self.compact(value)),
            // Counts of a hundred or more are whole (a plan of 447.2 users
            // reads 447); smaller ones keep a decimal when they have one.
            Unit::Count if value.abs() >= 100.0 => self.grouped(value, 0),
            Unit::Count => self.decimals_trimmed(value, 1),
            Unit::Percent => self.with_percent(&self.decimals_trimmed(value * 100.0, 2)),
            Unit::Ratio => format!("{}x", self.fixed(value, 1)),
            Unit::Duration => self.duration(value),
            Unit::Score => self.decimals_trimmed(value, 1),
            Unit::Months => format!("{}\u{a0}{}", self.decimals_trimmed(value, 1), self.months_word),
        }
    }

    fn with_percent(&self, number: &str) -> String {
        format!("{number}{}%", self.percent_gap)
    }

    /// A change between two values: relative for most units, in points for
    /// percentages (80% to 85% is +5 pp, not +6.25%). Relative changes of
    /// 10% or more are whole percents, smaller ones keep a decimal; a change
    /// that rounds to nothing is written without a sign.
    pub fn format_change(&self, change: Change) -> String {
        if let Change::Amount(v, unit) = change {
            let sign = match v {
                v if v > 0.0 => "+",
                v if v < 0.0 => "−",
                _ => "",
            };
            return format!("{sign}{}", self.format(v.abs(), unit));
        }
        let (magnitude, decimals, suffix) = match change {
            Change::Points(p) => (p.abs() * 100.0, 1, "\u{a0}pp".to_string()),
            Change::Relative(r) => {
                let pct = r.abs() * 100.0;
                (pct, if pct >= 10.0 { 0 } else { 1 }, format!("{}%", self.percent_gap))
            }
            Change::Absolute(a) | Change::Amount(a, _) => (a.abs(), 1, String::new()),
        };
        let number = self.decimals_trimmed(magnitude, decimals);
        let raw = match change {
            Change::Points(v) | Change::Relative(v) | Change::Absolute(v) | Change::Amount(v, _) => v,
        };
        let sign = if round_to(magnitude, decimals) == 0.0 {
            ""
        } else if raw > 0.0 {
            "+"
        } else {
            "−"
        };
        format!("{sign}{number}{suffix}")
    }

    /// A fraction as a percentage with up to one decimal.
    pub fn percent(&self, value: f64) -> String {
        self.with_percent(&self.decimals_trimmed(value * 100.0, 1))
    }

    /// A fraction as a whole percentage (`86%`), for cells read at a glance.
    pub fn whole_percent(&self, value: f64) -> String {
        self.with_percent(&self.grouped((value * 100.0).round(), 0))
    }

    /// Money grouped, to the cent when `cents` (`$37,916.67`) or whole
    /// (`$37,917`): for tables that must add up, such as an MRR bridge,
    /// where a column either has cents in every row or in none.
    pub fn money_exact(&self, value: f64, cents: bool) -> String {
        self.money(&self.grouped(value, if cents { 2 } else { 0 }))
    }

    /// Attainment against plan as a whole percentage. Below the plan it is
    /// rounded down, so "100%" always means the plan was met.
    pub fn attainment(&self, value: f64) -> String {
        let pct = value * 100.0;
        let shown = if value < 1.0 { pct.floor() } else { pct.round() };
        self.with_percent(&self.grouped(shown, 0))
    }

    fn money(&self, number: &str) -> String {
        let (minus, digits) = match number.strip_prefix('−') {
            Some(d) => ("−", d),
            None => ("", number),
        };
        if self.symbol_first {
            format!("{minus}{}{digits}", self.symbol)
        } else {
            format!("{minus}{digits}\u{a0}{}", self.symbol)
        }
    }

    /// Three significant digits with K, M, B suffixes. The value is rounded
    /// first and the suffix chosen after, so 999.6 is `1K` like 1,000.
    fn compact(&self, value: f64) -> String {
        let rounded = round_significant(value, 3);
        let (scaled, suffix) = match rounded.abs() {
            a if a >= 1e9 => (rounded / 1e9, "B"),
            a if a >= 1e6 => (rounded / 1e6, "M"),
            a if a >= 1e3 => (rounded / 1e3, "K"),
            _ => (rounded, ""),
        };
        let decimals = match scaled.abs() {
            a if a >= 100.0 => 0,
            a if a >= 10.0 => 1,
            _ => 2,
        };
        format!("{}{suffix}", self.decimals_trimmed(scaled, decimals))
    }

    /// A duration in its natural unit: the largest in which it is at least
    /// one (`4 h`, `7 d`, `500 ms`); days only when whole, so 36 hours stays
    /// `36 h`.
    fn duration(&self, seconds: f64) -> String {
        let unit = natural_duration(seconds);
        self.duration_in(seconds, unit)
    }

    /// A duration in a given unit (`"h"`), for an axis whose ticks share one.
    pub fn duration_in(&self, seconds: f64, unit: &str) -> String {
        let scale = DURATION_UNITS
            .iter()
            .find(|(_, name)| *name == unit)
            .map_or(1.0, |(s, _)| *s);
        format!("{}\u{a0}{unit}", self.decimals_trimmed(seconds / scale, 1))
    }

    /// How the ticks of a chart axis are written: like the values, except
    /// durations, which share the unit of the axis's largest value, so an
    /// axis reads `0 d, 2 d, 4 d`, never `166.7 h … 0 ms`.
    pub fn axis_format(&self, unit: Unit, largest: f64) -> impl Fn(f64) -> String + '_ {
        let duration_unit = natural_duration(largest);
        move |v| match unit {
            Unit::Duration => self.duration_in(v, duration_unit),
            _ => self.format(v, unit),
        }
    }

    /// `value` with `decimals` places, trailing zeros dropped.
    pub fn decimals_trimmed(&self, value: f64, decimals: usize) -> String {
        let s = self.fixed(value, decimals);
        if s.contains(self.decimal) {
            let trimmed = s.trim_end_matches('0');
            trimmed.trim_end_matches(self.decimal).to_string()
        } else {
            s
        }
    }

    /// `value` with exactly `decimals` places and thousands grouped.
    pub fn fixed(&self, value: f64, decimals: usize) -> String {
        self.grouped(value, decimals)
    }

    fn grouped(&self, value: f64, decimals: usize) -> String {
        let (negative, text) = fixed_digits(value, decimals);
        let (int, frac) = text.split_once('.').unwrap_or((&text, ""));
        let mut out = String::with_capacity(text.len() + 8);
        if negative {
            out.push('−');
        }
        let group = int.len() > 3;
        for (i, c) in int.chars().enumerate() {
            if group && i > 0 && (int.len() - i) % 3 == 0 {
                out.push(self.thousands);
            }
            out.push(c);
        }
        if !frac.is_empty() {
            out.push(self.decimal);
            out.push_str(frac);
        }
        out
    }
}

/// The largest duration unit in which `seconds` is at least one, counting
/// days only when whole; seconds for zero.
fn natural_duration(seconds: f64) -> &'static str {
    let s = seconds.abs();
    if s == 0.0 || !s.is_finite() {
        return "s";
    }
    DURATION_UNITS
        .iter()
        .rev()
        .find(|(scale, name)| s >= *scale && (*name != "d" || is_whole(s / scale)))
        .map_or("ms", |(_, name)| name)
}

/// `value` rounded to `digits` significant digits.
fn round_significant(value: f64, digits: i32) -> f64 {
    if value == 0.0 || !value.is_finite() {
        return value;
    }
    let magnitude = value.abs().log10().floor() as i32;
    let factor = 10f64.powi(digits - 1 - magnitude);
    (value * factor).round() / factor
}

/// A change versus an earlier value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Change {
    /// Relative change, 0.1 for +10%.
    Relative(f64),
    /// Difference of two fractions, 0.05 for +5 percentage points.
    Points(f64),
    /// Difference on a score's own scale (NPS 50 to 60 is +10).
    Absolute(f64),
    /// Difference in the metric's unit, where a ratio would mislead: from
    /// zero, or across zero (a net burn of $50K turned into a $20K profit
    /// is −$70K, not −140 %).
    Amount(f64, Unit),
}

/// The change from `before` to `now` in the way that suits `unit`; none when
/// a relative change would divide by zero.
pub fn change(before: f64, now: f64, unit: Unit) -> Option<Change> {
    let crosses = before == 0.0 || (now != 0.0 && before.signum() != now.signum());
    match unit {
        Unit::Percent => Some(Change::Points(now - before)),
        Unit::Score => Some(Change::Absolute(now - before)),
        _ if crosses && now == before => None,
        _ if crosses => Some(Change::Amount(now - before, unit)),
        _ => Some(Change::Relative(now / before - 1.0)),
    }
}

fn is_whole(v: f64) -> bool {
    (v - v.round()).abs() < 1e-9
}

/// `|value|` rounded to `decimals` places as `123.45`, and whether the
/// rounded value is below zero. Whole-number arithmetic where the scaled
/// value is an exact integer (the common case, and several times faster
/// than `format!("{:.2}")`); the formatter beyond that.
fn fixed_digits(value: f64, decimals: usize) -> (bool, String) {
    let rounded = round_to(value, decimals);
    let scaled = (value * 10f64.powi(decimals as i32)).round().abs();
    if decimals <= 6 && scaled < 1.0e12 {
        let n = scaled as u64;
        let p = 10u64.pow(decimals as u32);
        let mut s = (n / p).to_string();
        if decimals > 0 {
            use std::fmt::Write as _;
            let _ = write!(s, ".{:0width$}", n % p, width = decimals);
        }
        return (rounded < 0.0, s);
    }
    (rounded < 0.0, format!("{:.*}", decimals, rounded.abs()))
}

fn round_to(value: f64, decimals: usize) -> f64 {
    let p = 10f64.powi(decimals as i32);
    (value * p).round() / p
}

/// The shortest plain form of a number (`42000`, `41.7`), as YAML shows it.
pub fn format_plain(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

fn currency_symbol(code: &str) -> String {
    match code {
        "USD" => "$",
        "EUR" => "€",
        "GBP" => "£",
        "MXN" => "MX$",
        other => other,
    }
    .to_string()
}

#[cfg(test)]
mod tests;

/// The name an enum value is written with in the files (`in_progress`,
/// `net_burn`, `currency`): also the key of its UI string.
pub fn name_of<T: Serialize>(value: &T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(String::from))
        .unwrap_or_default()
}
