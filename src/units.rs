//! Units of measure, how values of each are written in YAML, and how they
//! are shown to a reader in the site's number style.

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
    /// A string such as `"80%"` or `"4h"`.
    Text(String),
}

impl RawValue {
    /// The text as the author wrote it, to find it again in the file.
    pub fn as_written(&self) -> String {
        match self {
            RawValue::Number(n) => format_plain(*n),
            RawValue::Text(t) => t.clone(),
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

/// How numbers are written: separators and where the currency symbol goes.
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
}

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
            },
            _ => NumberStyle {
                decimal: '.',
                thousands: ',',
                symbol_first: true,
                symbol,
            },
        }
    }

    /// A value in its unit, compact: `$1.5M`, `80%`, `41.7x`, `4 h`.
    pub fn format(&self, value: f64, unit: Unit) -> String {
        match unit {
            Unit::Currency => self.money(&self.compact(value)),
            Unit::Count => self.grouped(value, if value.fract() == 0.0 { 0 } else { 1 }),
            Unit::Percent => format!("{}%", self.decimals_trimmed(value * 100.0, 2)),
            Unit::Ratio => format!("{}x", self.fixed(value, 1)),
            Unit::Duration => self.duration(value),
            Unit::Score => self.decimals_trimmed(value, 1),
        }
    }

    /// A change between two values: relative for most units, in points for
    /// percentages (80% to 85% is +5 pp, not +6.25%).
    pub fn format_change(&self, change: Change) -> String {
        let sign = |v: f64| {
            if v > 0.0 {
                "+"
            } else if v < 0.0 {
                "−"
            } else {
                "±"
            }
        };
        match change {
            Change::Points(p) => format!("{}{} pp", sign(p), self.decimals_trimmed(p.abs() * 100.0, 1)),
            Change::Relative(r) => {
                format!("{}{}%", sign(r), self.decimals_trimmed(r.abs() * 100.0, 1))
            }
            Change::Absolute(a) => format!("{}{}", sign(a), self.decimals_trimmed(a.abs(), 1)),
        }
    }

    /// A fraction as a percentage with up to one decimal, for attainment.
    pub fn percent(&self, value: f64) -> String {
        format!("{}%", self.decimals_trimmed(value * 100.0, 1))
    }

    fn money(&self, number: &str) -> String {
        let (minus, digits) = match number.strip_prefix('−') {
            Some(d) => ("−", d),
            None => ("", number),
        };
        if self.symbol_first {
            format!("{minus}{}{digits}", self.symbol)
        } else {
            format!("{minus}{digits} {}", self.symbol)
        }
    }

    /// Three significant digits with K, M, B suffixes.
    fn compact(&self, value: f64) -> String {
        let abs = value.abs();
        let (scaled, suffix) = match abs {
            a if a >= 1e9 => (value / 1e9, "B"),
            a if a >= 1e6 => (value / 1e6, "M"),
            a if a >= 1e3 => (value / 1e3, "K"),
            _ => (value, ""),
        };
        let decimals = match scaled.abs() {
            a if a >= 100.0 => 0,
            a if a >= 10.0 => 1,
            _ => 2,
        };
        // Rounding may carry into the next suffix (999.6K is $1M).
        let rounded = round_to(scaled, decimals);
        if rounded.abs() >= 1000.0 && !suffix.is_empty() && suffix != "B" {
            return self.compact(rounded.signum() * 1000.0 * scale_of(suffix));
        }
        format!("{}{suffix}", self.decimals_trimmed(scaled, decimals))
    }

    fn duration(&self, seconds: f64) -> String {
        let (value, unit) = match seconds.abs() {
            s if s >= 86_400.0 && is_whole(s / 86_400.0) => (seconds / 86_400.0, "d"),
            s if s >= 3_600.0 => (seconds / 3_600.0, "h"),
            s if s >= 60.0 => (seconds / 60.0, "min"),
            s if s >= 1.0 => (seconds, "s"),
            _ => (seconds * 1000.0, "ms"),
        };
        format!("{} {unit}", self.decimals_trimmed(value, 1))
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
        let text = format!("{:.*}", decimals, round_to(value, decimals).abs());
        let (int, frac) = text.split_once('.').unwrap_or((&text, ""));
        let mut out = String::new();
        if round_to(value, decimals) < 0.0 {
            out.push('−');
        }
        // Spanish style leaves four-digit numbers ungrouped (1000, 10.000).
        let group = int.len() > 4 || (int.len() == 4 && self.thousands == ',');
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

/// A change versus an earlier value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Change {
    /// Relative change, 0.1 for +10%.
    Relative(f64),
    /// Difference of two fractions, 0.05 for +5 percentage points.
    Points(f64),
    /// Difference on a score's own scale (NPS 50 to 60 is +10).
    Absolute(f64),
}

/// The change from `before` to `now` in the way that suits `unit`; none when
/// a relative change would divide by zero.
pub fn change(before: f64, now: f64, unit: Unit) -> Option<Change> {
    match unit {
        Unit::Percent => Some(Change::Points(now - before)),
        Unit::Score => Some(Change::Absolute(now - before)),
        _ if before == 0.0 => None,
        _ => Some(Change::Relative(now / before - 1.0)),
    }
}

/// The multiplier a compact suffix stands for.
fn scale_of(suffix: &str) -> f64 {
    match suffix {
        "K" => 1e3,
        "M" => 1e6,
        _ => 1.0,
    }
}

fn is_whole(v: f64) -> bool {
    (v - v.round()).abs() < 1e-9
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
