//! Unit tests of the parent module: small exports whose every figure is
//! worked out by hand here, and a property test over generated ones.

use super::*;

fn day(text: &str) -> Day {
    Day::parse(text).unwrap()
}

fn line(customer: u32, start: &str, end: &str, amount: &str) -> Line {
    Line {
        customer,
        start: day(start),
        end: day(end),
        amount: Decimal::parse_plain(amount).unwrap(),
        subscription: true,
    }
}

fn month(text: &str) -> Month {
    Month::parse_iso(text).unwrap()
}

/// The figures of `lines` (customers counted from them).
fn of(lines: &[Line]) -> Figures {
    let customers = lines.iter().map(|l| l.customer as usize + 1).max().unwrap_or(0);
    figures(&Ledger::of(lines, customers, None).unwrap())
}

/// Series `id` as `(month, value)` text pairs.
fn series(f: &Figures, id: &str) -> Vec<(String, String)> {
    f.series
        .get(id)
        .map(|s| s.iter().map(|(m, v)| (m.to_string(), v.to_string())).collect())
        .unwrap_or_default()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter().map(|(m, v)| (m.to_string(), v.to_string())).collect()
}

#[test]
fn every_kind_of_movement_explains_the_month() {
    // A pays 100 a month throughout; B 50, then 80 (expansion), then 30
    // (contraction), then leaves; C pays in January, skips February and
    // comes back in March (reactivation), then leaves; D starts in February.
    let mut lines = Vec::new();
    for (m, n) in [
        ("2024-01-01", "2024-02-01"),
        ("2024-02-01", "2024-03-01"),
        ("2024-03-01", "2024-04-01"),
        ("2024-04-01", "2024-05-01"),
    ] {
        lines.push(line(0, m, n, "100"));
    }
    lines.push(line(1, "2024-01-01", "2024-02-01", "50"));
    lines.push(line(1, "2024-02-01", "2024-03-01", "80"));
    lines.push(line(1, "2024-03-01", "2024-04-01", "30"));
    lines.push(line(2, "2024-01-01", "2024-02-01", "100"));
    lines.push(line(2, "2024-03-01", "2024-04-01", "100"));
    for (m, n) in [
        ("2024-02-01", "2024-03-01"),
        ("2024-03-01", "2024-04-01"),
        ("2024-04-01", "2024-05-01"),
    ] {
        lines.push(line(3, m, n, "60"));
    }
    let f = of(&lines);
    let months = |values: [&str; 4]| {
        pairs(&[
            ("2024-01", values[0]),
            ("2024-02", values[1]),
            ("2024-03", values[2]),
            ("2024-04", values[3]),
        ])
    };
    // January: A 100 + B 50 + C 100; February: A 100 + B 80 + D 60;
    // March: A 100 + B 30 + C 100 + D 60; April: A 100 + D 60.
    assert_eq!(series(&f, "mrr"), months(["250", "240", "290", "160"]));
    assert_eq!(series(&f, "arr"), months(["3000", "2880", "3480", "1920"]));
    assert_eq!(series(&f, "customers"), months(["3", "3", "4", "2"]));
    assert_eq!(series(&f, "new_mrr"), months(["250", "60", "0", "0"]));
    assert_eq!(series(&f, "expansion_mrr"), months(["0", "30", "0", "0"]));
    assert_eq!(series(&f, "contraction_mrr"), months(["0", "0", "50", "0"]));
    assert_eq!(series(&f, "churned_mrr"), months(["0", "100", "0", "130"]));
    assert_eq!(series(&f, "reactivation_mrr"), months(["0", "0", "100", "0"]));
    // Lost / customers the month before: C of 3; none of 3; B and C of 4.
    assert_eq!(
        series(&f, "logo_churn"),
        pairs(&[("2024-02", "0.333333333333333"), ("2024-03", "0"), ("2024-04", "0.5")])
    );
    // (churned + contraction) / MRR the month before: 100/250, 50/240, 130/290.
    assert_eq!(
        series(&f, "revenue_churn"),
        pairs(&[
            ("2024-02", "0.4"),
            ("2024-03", "0.208333333333333"),
            ("2024-04", "0.448275862068966")
        ])
    );
    // MRR / customers: 250/3, 240/3, 290/4, 160/2.
    assert_eq!(series(&f, "arpa"), months(["83.333333333333333", "80", "72.5", "80"]));
    assert!(series(&f, "nrr").is_empty(), "no month has a year behind it");
    // Cohorts: January's (A, B, C) and February's (D).
    let cohort = |c: &str, age: u32, customers: u64, mrr: i128| CohortRow {
        cohort: month(c),
        age,
        customers,
        mrr: mrr * 100,
    };
    assert_eq!(
        f.cohorts,
        [
            cohort("2024-01", 0, 3, 250),
            cohort("2024-01", 1, 2, 180),
            cohort("2024-01", 2, 3, 230),
            cohort("2024-01", 3, 1, 100),
            cohort("2024-02", 0, 1, 60),
            cohort("2024-02", 1, 1, 60),
            cohort("2024-02", 2, 1, 60),
        ]
    );
}

#[test]
fn annual_and_quarterly_plans_spread_over_their_months() {
    // 1,200 a year from January 15: 100 at the end of January to December
    // (the last day of January 2025 is past the period's end).
    let f = of(&[line(0, "2024-01-15", "2025-01-15", "1200")]);
    let mrr = series(&f, "mrr");
    assert_eq!(mrr.len(), 13, "January 2024 to January 2025");
    assert!(mrr[..12].iter().all(|(_, v)| v == "100"), "{mrr:?}");
    assert_eq!(mrr[12], ("2025-01".to_string(), "0".to_string()));
    assert_eq!(series(&f, "churned_mrr")[12].1, "100");
    // 300 a quarter from February: 100 at the end of February, March, April.
    let f = of(&[line(0, "2024-02-01", "2024-05-01", "300")]);
    assert_eq!(
        series(&f, "mrr"),
        pairs(&[("2024-02", "100"), ("2024-03", "100"), ("2024-04", "100")])
    );
}

#[test]
fn a_period_starting_mid_month_counts_at_the_month_ends_it_holds() {
    // March 10 to April 10 holds March 31, not April 30.
    let f = of(&[line(0, "2024-03-10", "2024-04-10", "50")]);
    assert_eq!(series(&f, "mrr"), pairs(&[("2024-03", "50"), ("2024-04", "0")]));
    // January 31 and a month is February 29 in 2024: one whole month.
    let f = of(&[line(0, "2024-01-31", "2024-02-29", "90")]);
    assert_eq!(series(&f, "mrr"), pairs(&[("2024-01", "90"), ("2024-02", "0")]));
}

#[test]
fn a_period_that_is_not_whole_months_is_counted_in_days() {
    // 21 days are 21 / (365.25 / 12) months: 100 over them is
    // 100 × 1461 / (48 × 21) = 144.940476… a month, 144.94 to the cent.
    let f = of(&[line(0, "2024-01-20", "2024-02-10", "100")]);
    assert_eq!(series(&f, "mrr"), pairs(&[("2024-01", "144.94"), ("2024-02", "0")]));
}

#[test]
fn a_customers_lines_are_summed_before_the_cent_is_rounded() {
    // Three lines of 10 a quarter: 3.333… each, 10.00 together (9.99 if
    // each were rounded first).
    let lines: Vec<Line> = (0..3).map(|_| line(0, "2024-01-01", "2024-04-01", "10")).collect();
    assert_eq!(series(&of(&lines), "mrr")[0].1, "10");
    // Half a cent rounds away from zero: 0.05 over 2 months is 0.025.
    assert_eq!(
        series(&of(&[line(0, "2024-01-01", "2024-03-01", "0.05")]), "mrr")[0].1,
        "0.03"
    );
    assert_eq!(
        series(&of(&[line(0, "2024-01-01", "2024-03-01", "-0.05")]), "mrr")[0].1,
        "-0.03"
    );
}

#[test]
fn a_credit_note_subtracts_and_a_setup_fee_never_counts() {
    let mut lines = vec![
        line(0, "2024-01-01", "2024-02-01", "100"),
        line(0, "2024-02-01", "2024-03-01", "100"),
        // A credit of 30 on February.
        line(0, "2024-02-01", "2024-03-01", "-30"),
    ];
    let mut fee = line(0, "2024-01-01", "2024-01-02", "500");
    fee.subscription = false;
    lines.push(fee);
    let f = of(&lines);
    assert_eq!(series(&f, "mrr"), pairs(&[("2024-01", "100"), ("2024-02", "70")]));
    assert_eq!(series(&f, "contraction_mrr")[1].1, "30");
}

#[test]
fn net_and_gross_retention_compare_the_same_customers_a_year_apart() {
    // X pays 100 for a year, then 150; Y pays 100 for a year, then leaves;
    // Z starts in the thirteenth month and is not among them.
    let mut lines = Vec::new();
    for i in 0..13 {
        let start = Month::new(2024, 1).unwrap().offset(i);
        let (a, b) = (Day::new(start, 1).unwrap(), Day::new(start.offset(1), 1).unwrap());
        let one = |c: u32, amount: &str| Line {
            customer: c,
            start: a,
            end: b,
            amount: Decimal::parse_plain(amount).unwrap(),
            subscription: true,
        };
        lines.push(one(0, if i == 12 { "150" } else { "100" }));
        if i < 12 {
            lines.push(one(1, "100"));
        } else {
            lines.push(one(2, "500"));
        }
    }
    let f = of(&lines);
    // January 2025 against January 2024: (150 + 0) / 200 and
    // (min(150, 100) + min(0, 100)) / 200.
    assert_eq!(series(&f, "nrr"), pairs(&[("2025-01", "0.75")]));
    assert_eq!(series(&f, "grr"), pairs(&[("2025-01", "0.5")]));
}

#[test]
fn the_bridge_holds_to_the_cent_and_mrr_is_the_sum_of_customers_on_any_export() {
    use proptest::prelude::*;
    let amount = prop_oneof![
        (1i128..100_000, 0u32..3).prop_map(|(u, s)| Decimal::new(u, s)),
        (1i128..5_000).prop_map(|u| Decimal::new(-u, 2)),
    ];
    let one = (0u32..8, 0i32..700, 1i32..400, amount, any::<bool>(), 0i32..14).prop_map(
        |(customer, start, days, amount, one_time, months)| {
            let start = Day(19_700 + start);
            // Whole months now and then, as billing systems write them.
            let end = if months > 0 {
                start.add_months(months)
            } else {
                Day(start.0 + days)
            };
            Line {
                customer,
                start,
                end,
                amount,
                subscription: !one_time || months > 6,
            }
        },
    );
    let mut runner = proptest::test_runner::TestRunner::default();
    runner
        .run(&proptest::collection::vec(one, 1..40), |lines| {
            let ledger = Ledger::of(&lines, 8, None).unwrap();
            let f = figures(&ledger);
            let get = |id: &str, m: Month| -> i128 {
                let d = f.series[id][&m];
                let (u, s) = d.parts();
                u * 10i128.pow(2 - s.min(2)) / 10i128.pow(s.saturating_sub(2))
            };
            for i in 0..ledger.months {
                let m = ledger.first.offset(i as i32);
                let sum: i128 = (0..8).map(|c| i128::from(ledger.mrr[c * ledger.months + i])).sum();
                prop_assert_eq!(get("mrr", m), sum, "MRR is the sum of customers in {}", m);
                let before = if i == 0 { 0 } else { get("mrr", m.offset(-1)) };
                let moved = get("new_mrr", m) + get("reactivation_mrr", m) + get("expansion_mrr", m)
                    - get("contraction_mrr", m)
                    - get("churned_mrr", m);
                prop_assert_eq!(before + moved, get("mrr", m), "the bridge of {}", m);
            }
            Ok(())
        })
        .unwrap();
}
