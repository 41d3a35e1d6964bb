//! Unit tests of the parent module and its readers' pure parts.

use super::group::{GroupError, Grouper, read_period};
use super::settings::check_path;
use crate::decimal::{Decimal, NumberFormat};
use crate::roles::MetricKind;

fn fmt(sample: &str) -> NumberFormat {
    NumberFormat::parse(sample).unwrap_or_else(|e| panic!("{sample}: {e}"))
}

fn read(sample: &str, cell: &str) -> Option<String> {
    fmt(sample).read(cell).map(|d| d.to_string())
}

#[test]
fn each_number_format_reads_its_own_cells() {
    assert_eq!(read("1,234.56", "1,234,567.89").as_deref(), Some("1234567.89"));
    assert_eq!(read("1,234.56", "1234567.89").as_deref(), Some("1234567.89"));
    assert_eq!(read("1.234,56", "1.234.567,89").as_deref(), Some("1234567.89"));
    assert_eq!(read("1 234,56", "1 234 567,89").as_deref(), Some("1234567.89"));
    assert_eq!(
        read("1 234,56", "1\u{a0}234\u{202f}567,89").as_deref(),
        Some("1234567.89")
    );
    assert_eq!(read("1'234.56", "1'234.5").as_deref(), Some("1234.5"));
    assert_eq!(read("1234.56", "1234.5").as_deref(), Some("1234.5"));
    assert_eq!(read("$1,234.56", "$1,234.56").as_deref(), Some("1234.56"));
    assert_eq!(
        read("$1,234.56", "1,234.56").as_deref(),
        Some("1234.56"),
        "the sign may be left out"
    );
    assert_eq!(read("$1,234.56", "-$12").as_deref(), Some("-12"));
    assert_eq!(read("$1,234.56", "$-12").as_deref(), Some("-12"));
    assert_eq!(read("$1,234.56", "($1,200.00)").as_deref(), Some("-1200"));
    assert_eq!(read("1.234,56 €", "1.234,56 €").as_deref(), Some("1234.56"));
    assert_eq!(read("12.5%", "12.5%").as_deref(), Some("0.125"));
    assert_eq!(
        read("12.5%", "12.5").as_deref(),
        Some("0.125"),
        "the column is percentages"
    );
    assert_eq!(read("12,5 %", "99,95 %").as_deref(), Some("0.9995"));
}

#[test]
fn cells_in_another_format_are_refused_not_misread() {
    assert_eq!(read("1,234.56", "1.234,56"), None);
    assert_eq!(read("1.234,56", "1,234.56"), None);
    assert_eq!(read("1,234.56", "12,34"), None, "groups are three digits");
    assert_eq!(
        read("1,234.56", "1234,567.0"),
        None,
        "the first group is at most three digits"
    );
    assert_eq!(read("1234.56", "1,234"), None, "no groups in a format without them");
    assert_eq!(read("$1,234.56", "€12"), None, "another currency's sign");
    assert_eq!(read("1,234.56", "12%"), None);
    assert_eq!(read("1,234.56", ""), None);
    assert_eq!(read("1,234.56", "1e5"), None);
    assert_eq!(read("1,234.56", &"9".repeat(40)), None);
}

#[test]
fn format_samples_that_say_nothing_clear_are_refused() {
    for bad in [
        "",
        "abc",
        "1234",
        "1,234",
        "0.125",
        "1.234.56",
        "$1,234.56 €",
        "$12.5%",
        "1;234.56",
        "12 34",
    ] {
        assert!(NumberFormat::parse(bad).is_err(), "{bad:?} accepted");
    }
}

#[test]
fn decimals_add_exactly() {
    let d = |t: &str| Decimal::parse_plain(t).unwrap();
    let mut sum = Decimal::ZERO;
    for _ in 0..10 {
        sum = sum.checked_add(d("0.1")).unwrap();
    }
    assert_eq!(sum.to_string(), "1");
    assert_eq!(d("20000.00").checked_add(d("0.5")).unwrap().to_string(), "20000.5");
    assert_eq!(d("-0.25").to_string(), "-0.25");
    assert_eq!(d("1.5e-05").to_string(), "0.000015");
    assert_eq!(d("2e3").to_string(), "2000");
    assert_eq!(d("1234.5600").to_f64(), 1234.56);
    assert!(Decimal::parse_plain("1,5").is_none());
    let big = d(&"9".repeat(36));
    assert!(big.checked_add(big).unwrap().checked_add(big).is_some());
    assert!(
        Decimal::parse_plain(&format!("1{}", "0".repeat(37))).is_none(),
        "37 digits"
    );
}

#[test]
fn periods_are_months_or_dates() {
    let month = |t: &str| read_period(t).map(|(m, rest)| (m.to_string(), rest.to_string()));
    assert_eq!(month("2024-03"), Some(("2024-03".into(), "".into())));
    assert_eq!(month(" 2024-03-31 "), Some(("2024-03".into(), "-31".into())));
    assert_eq!(
        month("2024-03-31 23:59:59"),
        Some(("2024-03".into(), "-31 23:59:59".into()))
    );
    assert_eq!(
        month("2024-03-31T23:59:59Z"),
        Some(("2024-03".into(), "-31T23:59:59Z".into()))
    );
    assert_eq!(month("2024-02-29").map(|p| p.0), Some("2024-02".into()));
    for bad in [
        "2023-02-29",
        "2024-04-31",
        "2024-13",
        "03/31/2024",
        "2024-3",
        "M3",
        "",
        "2024-03-1",
        "1800-01",
    ] {
        assert_eq!(month(bad), None, "{bad:?}");
    }
}

fn months(kind: MetricKind, rows: &[(&str, &str)]) -> Result<Vec<(String, String)>, GroupError> {
    let mut g = Grouper::new(kind);
    for (i, (period, value)) in rows.iter().enumerate() {
        let (m, date) = read_period(period).unwrap();
        g.add(m, date, Decimal::parse_plain(value).unwrap(), i as u64 + 2)?;
    }
    Ok(g.finish()?
        .into_iter()
        .map(|(m, v)| (m.to_string(), v.to_string()))
        .collect())
}

#[test]
fn flows_add_up_stocks_read_the_latest_date_rates_refuse_to_add() {
    let rows = [
        ("2024-01-05", "10"),
        ("2024-01-31", "5"),
        ("2024-01-31", "7"),
        ("2024-01-20", "100"),
        ("2024-02-01", "1"),
    ];
    let flow = months(MetricKind::Flow, &rows).unwrap();
    assert_eq!(flow, [("2024-01".into(), "122".into()), ("2024-02".into(), "1".into())]);
    let stock = months(MetricKind::Stock, &rows).unwrap();
    assert_eq!(
        stock[0],
        ("2024-01".into(), "12".into()),
        "the rows of the latest date, added"
    );
    assert_eq!(
        months(MetricKind::Rate, &rows),
        Err(GroupError::SeveralRates {
            month: crate::period::Month::parse_iso("2024-01").unwrap(),
            line: 4
        })
    );
    let rate = months(MetricKind::Rate, &[("2024-01-05", "0.1"), ("2024-01-31", "0.2")]).unwrap();
    assert_eq!(rate, [("2024-01".into(), "0.2".into())]);
}

#[test]
fn a_source_spans_at_most_a_century_of_months() {
    let mut g = Grouper::new(MetricKind::Flow);
    let mut result = Ok(());
    for i in 0..=crate::limits::SERIES_VALUES as i32 {
        result = g.add(crate::period::Month(1950 * 12 + i), "", Decimal::ZERO, 1);
    }
    assert_eq!(result, Err(GroupError::TooManyMonths));
}

#[test]
fn source_paths_stay_in_the_site() {
    assert!(check_path("data/stripe.csv").is_ok());
    assert!(check_path("./data/x.csv").is_ok());
    assert!(check_path("../x.csv").is_err());
    assert!(check_path("data/../../x.csv").is_err());
    assert!(check_path("/etc/passwd").is_err());
    assert!(check_path("~/x.csv").is_err());
    assert!(check_path(" ").is_err());
}
