//! Revenue from invoice lines, as ChartMogul and Lago define it, exact to
//! the cent.
//!
//! - A line's service period is `[start, end)`. Its length is `k` months
//!   when `end` is `start` plus `k` calendar months, else its days over
//!   365.25 / 12; its monthly value is its amount over that length.
//!   One-time lines never count; a negative line (a credit note) subtracts.
//! - A customer's MRR at a month is the sum of the monthly values of their
//!   subscription lines whose period holds the month's last day, rounded
//!   to the cent, half away from zero. MRR is the sum over customers;
//!   customers are those above zero.
//! - Each month's change is split by customer: from nothing to something
//!   is new MRR, or reactivation if the customer paid before; from
//!   something to nothing is churn; more is expansion, less (still paying)
//!   contraction. What a customer owes below zero (a credit larger than
//!   their subscriptions) moves as expansion or contraction. So
//!   `MRR(m) = MRR(m−1) + new + reactivation + expansion − contraction −
//!   churn` holds exactly, every month.
//!
//! Monthly values are fractions, summed exactly per customer and month
//! (in 128-bit integers; should a customer's lines of one month need more,
//! they are summed to 10^-12 of a cent), and only their sum is rounded.

use std::collections::BTreeMap;

use crate::decimal::Decimal;
use crate::period::{Day, Month};
use crate::snapshot::Pulled;

/// One invoice line, read and checked.
#[derive(Debug, Clone, Copy)]
pub struct Line {
    /// The customer, as an index into the export's customers.
    pub customer: u32,
    /// The first day of the service period.
    pub start: Day,
    /// The day after its last.
    pub end: Day,
    /// The amount, in the site's currency.
    pub amount: Decimal,
    /// Whether it is part of a subscription (else a one-time charge).
    pub subscription: bool,
}

/// A monthly value in cents: `n / d`, or (past 128 bits) a fixed-point
/// number of 10^-12 cents.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Cents {
    Exact { n: i128, d: i128 },
    Fixed(i128),
}

const FIXED: i128 = 1_000_000_000_000;

fn gcd(a: i128, b: i128) -> i128 {
    let (mut a, mut b) = (a.unsigned_abs(), b.unsigned_abs());
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a as i128
}

impl Cents {
    const ZERO: Cents = Cents::Exact { n: 0, d: 1 };

    fn new(n: i128, d: i128) -> Cents {
        let g = gcd(n, d).max(1);
        Cents::Exact { n: n / g, d: d / g }
    }

    fn fixed(self) -> i128 {
        match self {
            Cents::Fixed(v) => v,
            Cents::Exact { n, d } => n.checked_mul(FIXED).map_or_else(|| n / d * FIXED, |x| x / d),
        }
    }

    fn add(self, other: Cents) -> Cents {
        if let (Cents::Exact { n: a, d: b }, Cents::Exact { n: c, d: e }) = (self, other) {
            let g = gcd(b, e);
            let exact = (|| {
                let lcm = (b / g).checked_mul(e)?;
                let n = a.checked_mul(lcm / b)?.checked_add(c.checked_mul(lcm / e)?)?;
                Some(Cents::new(n, lcm))
            })();
            if let Some(sum) = exact {
                return sum;
            }
        }
        Cents::Fixed(self.fixed() + other.fixed())
    }

    /// Rounded to a whole cent, half away from zero.
    fn round(self) -> i64 {
        let (n, d) = match self {
            Cents::Exact { n, d } => (n, d),
            Cents::Fixed(v) => (v, FIXED),
        };
        let (q, r) = (n / d, n % d);
        let away = 2 * r.unsigned_abs() >= d.unsigned_abs();
        let q = if away { q + n.signum() } else { q };
        i64::try_from(q).unwrap_or(if q > 0 { i64::MAX } else { i64::MIN })
    }
}

/// The length of `[start, end)` in whole months, when it is one.
fn whole_months(start: Day, end: Day) -> Option<i32> {
    let guess = start.month().months_until(end.month());
    (guess - 1..=guess + 1)
        .filter(|k| *k >= 1)
        .find(|&k| start.add_months(k) == end)
}

/// A line's monthly value, in cents.
fn monthly(line: &Line) -> Cents {
    let (units, scale) = line.amount.parts();
    let unit = 10i128.pow(scale.min(30));
    match whole_months(line.start, line.end) {
        Some(k) => Cents::new(units * 100, unit * i128::from(k)),
        // days / (365.25 / 12) months: the value is amount × 1461 / (48 × days).
        None => Cents::new(units * 100 * 1461, unit * 48 * i128::from(line.end.0 - line.start.0)),
    }
}

/// The months the figures cover, and each customer's MRR in cents at each
/// month's end, customer by customer.
#[derive(Debug)]
pub struct Ledger {
    /// The first month.
    pub first: Month,
    /// How many months.
    pub months: usize,
    /// `customers × months` cents, a row per customer.
    pub mrr: Vec<i64>,
}

impl Ledger {
    /// Each customer's MRR at every month's end from the first line's month
    /// to the last month a line covers (or `until`). None without lines.
    pub fn of(lines: &[Line], customers: usize, until: Option<Month>) -> Option<Ledger> {
        let first = lines.iter().map(|l| l.start.month()).min()?;
        let covered = lines.iter().map(|l| Day(l.end.0 - 1).month()).max()?;
        let last = until.map_or(covered, |u| u.min(covered.max(first)));
        let months = usize::try_from(first.months_until(last) + 1).ok()?.max(1);
        // Lines by customer, in one vector (counting sort).
        let mut starts = vec![0u32; customers + 1];
        for l in lines {
            starts[l.customer as usize + 1] += 1;
        }
        for i in 1..starts.len() {
            starts[i] += starts[i - 1];
        }
        let mut order = vec![0u32; lines.len()];
        let mut next = starts.clone();
        for (i, l) in lines.iter().enumerate() {
            order[next[l.customer as usize] as usize] = i as u32;
            next[l.customer as usize] += 1;
        }
        let mut mrr = vec![0i64; customers * months];
        let mut acc = vec![Cents::ZERO; months];
        for c in 0..customers {
            acc.iter_mut().for_each(|a| *a = Cents::ZERO);
            let mine = &order[starts[c] as usize..starts[c + 1] as usize];
            for line in mine.iter().map(|&i| &lines[i as usize]).filter(|l| l.subscription) {
                let value = monthly(line);
                let mut month = line.start.month().max(first);
                while month <= last && Day::last_of(month) < line.end {
                    if Day::last_of(month) >= line.start {
                        let i = first.months_until(month) as usize;
                        acc[i] = acc[i].add(value);
                    }
                    month = month.offset(1);
                }
            }
            for (slot, a) in mrr[c * months..(c + 1) * months].iter_mut().zip(&acc) {
                *slot = a.round();
            }
        }
        Some(Ledger { first, months, mrr })
    }
}

/// One row of the cohort table: the customers who first paid in `cohort`,
/// `age` months later.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CohortRow {
    /// The month they first paid.
    pub cohort: Month,
    /// Months since.
    pub age: u32,
    /// How many of them pay then.
    pub customers: u64,
    /// Their MRR then, in cents.
    pub mrr: i128,
}

/// Every figure of a file's revenue: a series per metric of
/// [`crate::roles::REVENUE_FAMILY`], by id, and the cohort table.
#[derive(Debug, Default)]
pub struct Figures {
    /// Each metric's months.
    pub series: BTreeMap<&'static str, Pulled>,
    /// Cohorts by their first month, then age.
    pub cohorts: Vec<CohortRow>,
}

/// Month totals, summed customer by customer.
#[derive(Debug, Clone, Default)]
struct Totals {
    mrr: i128,
    customers: u64,
    new: i128,
    reactivation: i128,
    expansion: i128,
    contraction: i128,
    churned: i128,
    lost: u64,
    /// MRR twelve months earlier of those who paid then, their MRR now,
    /// and now capped at then.
    base: i128,
    now: i128,
    kept: i128,
}

/// The figures of `ledger`.
pub fn figures(ledger: &Ledger) -> Figures {
    let m = ledger.months;
    let mut totals = vec![Totals::default(); m];
    let mut cohorts: BTreeMap<(usize, usize), (u64, i128)> = BTreeMap::new();
    for row in ledger.mrr.chunks(m.max(1)) {
        let mut paid_before = false;
        let mut first = None;
        let mut prev = 0i64;
        for (i, (&now, t)) in row.iter().zip(totals.iter_mut()).enumerate() {
            t.mrr += i128::from(now);
            t.customers += u64::from(now > 0);
            let (p, n) = (i128::from(prev.max(0)), i128::from(now.max(0)));
            match (p, n) {
                (0, n) if n > 0 && paid_before => t.reactivation += n,
                (0, n) if n > 0 => t.new += n,
                (p, 0) if p > 0 => {
                    t.churned += p;
                    t.lost += 1;
                }
                (p, n) if n > p => t.expansion += n - p,
                (p, n) => t.contraction += p - n,
            }
            // What is owed below zero moves as expansion or contraction.
            let owed = i128::from(now.min(0)) - i128::from(prev.min(0));
            if owed > 0 {
                t.expansion += owed;
            } else {
                t.contraction -= owed;
            }
            if i >= 12 && row[i - 12] > 0 {
                let then = i128::from(row[i - 12]);
                t.base += then;
                t.now += i128::from(now);
                t.kept += i128::from(now).min(then);
            }
            if now > 0 {
                paid_before = true;
                first.get_or_insert(i);
            }
            prev = now;
        }
        if let Some(f) = first {
            for (age, &v) in row[f..].iter().enumerate() {
                let slot = cohorts.entry((f, age)).or_default();
                slot.0 += u64::from(v > 0);
                slot.1 += i128::from(v);
            }
        }
    }
    let mut out = Figures::default();
    let month = |i: usize| ledger.first.offset(i as i32);
    let cents = |c: i128| Decimal::new(c, 2);
    for (i, t) in totals.iter().enumerate() {
        let mut put = |id: &'static str, v: Decimal| {
            out.series.entry(id).or_default().insert(month(i), v);
        };
        put("mrr", cents(t.mrr));
        put("arr", cents(t.mrr * 12));
        put("customers", Decimal::new(i128::from(t.customers), 0));
        put("new_mrr", cents(t.new));
        put("expansion_mrr", cents(t.expansion));
        put("contraction_mrr", cents(t.contraction));
        put("churned_mrr", cents(t.churned));
        put("reactivation_mrr", cents(t.reactivation));
        if let Some(before) = i.checked_sub(1).map(|j| &totals[j]) {
            if let Some(v) = ratio(i128::from(t.lost), i128::from(before.customers)) {
                put("logo_churn", v);
            }
            if let Some(v) = ratio(t.churned + t.contraction, before.mrr) {
                put("revenue_churn", v);
            }
        }
        if let Some(v) = ratio(t.now, t.base) {
            put("nrr", v);
        }
        if let Some(v) = ratio(t.kept, t.base) {
            put("grr", v);
        }
        if let Some(v) = ratio(t.mrr, i128::from(t.customers) * 100) {
            put("arpa", v);
        }
    }
    out.cohorts = cohorts
        .into_iter()
        .map(|((f, age), (customers, mrr))| CohortRow {
            cohort: month(f),
            age: age as u32,
            customers,
            mrr,
        })
        .collect();
    out
}

/// Decimals a ratio is written with: fifteen, so that the twelve
/// significant digits of `data/metrics.json` are all exact.
const RATIO_DECIMALS: u32 = 15;

/// `n / d` to [`RATIO_DECIMALS`] decimals, half away from zero; None when
/// `d` is not positive.
fn ratio(n: i128, d: i128) -> Option<Decimal> {
    if d <= 0 {
        return None;
    }
    let scaled = n.checked_mul(10i128.pow(RATIO_DECIMALS))?;
    let (q, r) = (scaled / d, scaled % d);
    let q = if 2 * r.unsigned_abs() >= d.unsigned_abs() {
        q + scaled.signum()
    } else {
        q
    };
    Some(Decimal::new(q, RATIO_DECIMALS))
}

#[cfg(test)]
mod tests;
