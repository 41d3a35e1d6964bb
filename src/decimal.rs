//! Numbers as exports write them, read exactly.
//!
//! A pull adds up a million invoice amounts. Added as floats, `0.1 + 0.2`
//! drifts, and a snapshot would then show `20000.000000000004` and report a
//! restatement that never happened. So cells are read into decimals — an
//! integer and a number of decimals — and added exactly; only the month's
//! total becomes a float, when the build reads it.
//!
//! How a file writes its numbers is given by a sample ([`NumberFormat`]):
//! `1,234.56`, `1.234,56`, `1 234,56`, with a currency sign (`$1,234.56`,
//! `1.234,56 €`) or a percent sign (`12.5%`).

use std::fmt;

use crate::limits;

/// A decimal number: `units / 10^scale`, exact.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decimal {
    units: i128,
    scale: u32,
}

impl Decimal {
    /// Zero.
    pub const ZERO: Decimal = Decimal { units: 0, scale: 0 };

    /// `units / 10^scale`.
    pub fn new(units: i128, scale: u32) -> Decimal {
        Decimal { units, scale }
    }

    /// Its digits as an integer and how many of them are decimals.
    pub fn parts(self) -> (i128, u32) {
        (self.units, self.scale)
    }

    /// The product, or None when it would not fit.
    pub fn checked_mul(self, other: Decimal) -> Option<Decimal> {
        Some(Decimal {
            units: self.units.checked_mul(other.units)?,
            scale: self.scale.checked_add(other.scale).filter(|s| *s <= 36)?,
        })
    }

    /// The sum, or None when it would not fit (far beyond any real figure).
    pub fn checked_add(self, other: Decimal) -> Option<Decimal> {
        let scale = self.scale.max(other.scale);
        let a = self.rescaled(scale)?;
        let b = other.rescaled(scale)?;
        Some(Decimal {
            units: a.checked_add(b)?,
            scale,
        })
    }

    fn rescaled(self, scale: u32) -> Option<i128> {
        self.units.checked_mul(10i128.checked_pow(scale - self.scale)?)
    }

    /// The nearest float.
    pub fn to_f64(self) -> f64 {
        self.to_string().parse().unwrap_or(f64::NAN)
    }

    /// Reads a plain number as a database writes it: `-1234.5`, `0.25`,
    /// `1.5e-05`; no separators, no signs but `-`.
    pub fn parse_plain(text: &str) -> Option<Decimal> {
        let text = text.trim();
        let (mantissa, exponent) = match text.find(['e', 'E']) {
            Some(i) => (&text[..i], text[i + 1..].parse::<i32>().ok()?),
            None => (text, 0),
        };
        let (negative, digits) = match mantissa.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, mantissa),
        };
        let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
        let d = Decimal::from_parts(int, frac)?;
        let d = d.shifted(exponent)?;
        Some(if negative { d.negated() } else { d })
    }

    /// The number whose integer digits are `int` and decimals `frac`.
    fn from_parts(int: &str, frac: &str) -> Option<Decimal> {
        let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if (int.is_empty() && frac.is_empty()) || !all_digits(int) || !all_digits(frac) {
            return None;
        }
        let int = int.trim_start_matches('0');
        let frac = frac.trim_end_matches('0');
        // 36 digits fit an i128 with room for sums.
        if int.len() + frac.len() > 36 || frac.len() > limits::SOURCE_DECIMALS as usize {
            return None;
        }
        let units = int
            .bytes()
            .chain(frac.bytes())
            .fold(0i128, |n, b| n * 10 + i128::from(b - b'0'));
        Some(Decimal {
            units,
            scale: frac.len() as u32,
        })
    }

    /// Multiplied by `10^exponent`.
    fn shifted(self, exponent: i32) -> Option<Decimal> {
        if exponent >= 0 {
            let factor = 10i128.checked_pow(u32::try_from(exponent).ok()?)?;
            return Some(Decimal {
                units: self.units.checked_mul(factor)?,
                scale: self.scale,
            });
        }
        let scale = self.scale.checked_add(exponent.unsigned_abs())?;
        (scale <= limits::SOURCE_DECIMALS).then_some(Decimal {
            units: self.units,
            scale,
        })
    }

    fn negated(self) -> Decimal {
        Decimal {
            units: -self.units,
            scale: self.scale,
        }
    }

    /// Divided by 100: `12.5` read as a percentage is the fraction 0.125.
    fn percent(self) -> Option<Decimal> {
        self.shifted(-2)
    }
}

impl fmt::Display for Decimal {
    /// The shortest exact form: `1234.5`, `-0.25`, `20000`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let digits = self.units.unsigned_abs().to_string();
        let scale = self.scale as usize;
        let sign = if self.units < 0 { "-" } else { "" };
        if scale == 0 {
            return write!(f, "{sign}{digits}");
        }
        let padded = format!("{digits:0>width$}", width = scale + 1);
        let (int, frac) = padded.split_at(padded.len() - scale);
        let frac = frac.trim_end_matches('0');
        if frac.is_empty() {
            write!(f, "{sign}{int}")
        } else {
            write!(f, "{sign}{int}.{frac}")
        }
    }
}

/// How a source file writes its numbers, read from a sample such as
/// `1.234,56 €`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NumberFormat {
    /// The digit-group separator, if the sample has one.
    group: Option<char>,
    /// The decimal mark.
    decimal: char,
    /// A currency sign before or after the number, as written.
    sign: Option<String>,
    /// Whether values are percentages (`12.5` is 12.5%, the fraction 0.125).
    percent: bool,
    /// The sample as written.
    written: String,
}

impl Default for NumberFormat {
    /// `1,234.56`: commas between thousands (optional), a dot for decimals.
    fn default() -> Self {
        NumberFormat {
            group: Some(','),
            decimal: '.',
            sign: None,
            percent: false,
            written: "1,234.56".into(),
        }
    }
}

/// Spaces a file may put around or inside a number: the plain space, the
/// no-break space and the narrow no-break space spreadsheets use.
fn is_space(c: char) -> bool {
    c.is_whitespace() || c == '\u{a0}' || c == '\u{202f}'
}

const SEPARATORS: [char; 6] = [',', '.', ' ', '\u{a0}', '\u{202f}', '\''];

impl NumberFormat {
    /// Numbers as a database writes them: `1234.56`, `-0.5`.
    pub fn plain() -> NumberFormat {
        NumberFormat::parse("1234.56").unwrap_or_default()
    }

    /// Reads a sample. The last separator in it is the decimal mark, another
    /// one before it separates groups of digits; a sign before or after the
    /// digits is a currency sign, a trailing `%` makes values percentages.
    pub fn parse(sample: &str) -> Result<NumberFormat, String> {
        let text = sample.trim_matches(is_space);
        let (text, percent) = match text.strip_suffix('%') {
            Some(rest) => (rest.trim_end_matches(is_space), true),
            None => (text, false),
        };
        let (Some(first), Some(last)) = (
            text.find(|c: char| c.is_ascii_digit()),
            text.rfind(|c: char| c.is_ascii_digit()),
        ) else {
            return Err("has no digits".into());
        };
        let (before, core, after) = (
            text[..first].trim_matches(is_space),
            &text[first..=last],
            text[last + 1..].trim_matches(is_space),
        );
        let sign = match (before.is_empty(), after.is_empty()) {
            (true, true) => None,
            (false, true) => Some(before),
            (true, false) => Some(after),
            (false, false) => return Err("has signs on both sides of the number".into()),
        };
        if let Some(sign) = sign
            && (sign.chars().count() > 4 || sign.chars().any(|c| c.is_ascii_digit() || c == '-' || is_space(c)))
        {
            return Err(format!("has `{sign}` where a currency sign may be"));
        }
        if percent && sign.is_some() {
            return Err("has both a currency sign and a percent sign".into());
        }
        let (group, decimal) = separators(core)?;
        Ok(NumberFormat {
            group,
            decimal,
            sign: sign.map(str::to_string),
            percent,
            written: sample.trim().to_string(),
        })
    }

    /// Whether the sample carries a currency sign.
    pub fn has_currency(&self) -> bool {
        self.sign.is_some()
    }

    /// Whether values are percentages.
    pub fn is_percent(&self) -> bool {
        self.percent
    }

    /// Reads a cell: `1,234.56`, `$1,234.56`, `-$12`, `$-12`, `(12.00)`,
    /// `12.5 %`. The sign and the percent sign may be left out.
    pub fn read(&self, cell: &str) -> Option<Decimal> {
        let mut s = cell.trim_matches(is_space);
        let mut negative = false;
        if let Some(inner) = s.strip_prefix('(').and_then(|r| r.strip_suffix(')')) {
            negative = true;
            s = inner.trim_matches(is_space);
        }
        let mut minus = |s: &mut &str| {
            if !negative && let Some(rest) = s.strip_prefix(['-', '−']) {
                negative = true;
                *s = rest.trim_start_matches(is_space);
            }
        };
        minus(&mut s);
        if self.percent {
            s = s.strip_suffix('%').map_or(s, |r| r.trim_end_matches(is_space));
        }
        if let Some(sign) = &self.sign {
            s = s
                .strip_prefix(sign.as_str())
                .map_or(s, |r| r.trim_start_matches(is_space));
            s = s
                .strip_suffix(sign.as_str())
                .map_or(s, |r| r.trim_end_matches(is_space));
        }
        minus(&mut s);
        let mut d = self.digits(s)?;
        if self.percent {
            d = d.percent()?;
        }
        Some(if negative { d.negated() } else { d })
    }

    /// The number in `s`, with this format's separators.
    fn digits(&self, s: &str) -> Option<Decimal> {
        let (int, frac) = match s.rfind(self.decimal) {
            Some(i) => (&s[..i], &s[i + self.decimal.len_utf8()..]),
            None => (s, ""),
        };
        let Some(group) = self.group else {
            return Decimal::from_parts(int, frac);
        };
        let spaced = is_space(group);
        let mut groups = int.split(|c: char| c == group || (spaced && is_space(c)));
        let first = groups.next().unwrap_or("");
        let mut plain = String::with_capacity(int.len());
        plain.push_str(first);
        let mut grouped = false;
        for g in groups {
            if g.len() != 3 {
                return None;
            }
            grouped = true;
            plain.push_str(g);
        }
        if grouped && !(1..=3).contains(&first.len()) {
            return None;
        }
        Decimal::from_parts(&plain, frac)
    }
}

impl fmt::Display for NumberFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.written)
    }
}

/// The group separator and the decimal mark of a sample's digits.
fn separators(core: &str) -> Result<(Option<char>, char), String> {
    let seps: Vec<char> = core.chars().filter(|c| !c.is_ascii_digit()).collect();
    if let Some(bad) = seps.iter().find(|c| !SEPARATORS.contains(c)) {
        return Err(format!("has `{bad}` between its digits"));
    }
    let Some(&decimal) = seps.last() else {
        return Err("shows no decimal mark".into());
    };
    if decimal == '\'' || is_space(decimal) {
        return Err(format!("ends in `{decimal}`, which cannot be a decimal mark"));
    }
    if seps.iter().filter(|&&c| c == decimal).count() > 1 {
        return Err(format!("has `{decimal}` twice, so it cannot be the decimal mark"));
    }
    let decimals = core.rsplit(decimal).next().map_or(0, str::len);
    if seps.len() == 1 && decimals == 3 {
        return Err(format!(
            "is ambiguous: `{decimal}` before three digits may separate thousands; show the decimals with two digits, e.g. `1,234.56`"
        ));
    }
    let groups: Vec<char> = seps[..seps.len() - 1].to_vec();
    match groups.first() {
        None => Ok((None, decimal)),
        Some(&g) if groups.iter().all(|&c| c == g) => Ok((Some(g), decimal)),
        Some(_) => Err("mixes group separators".into()),
    }
}
