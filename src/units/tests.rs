//! Unit tests of the parent module.

use super::*;

fn en() -> NumberStyle {
    NumberStyle::for_language("en", "USD")
}

#[test]
fn currency_is_compact() {
    let s = en();
    assert_eq!(s.format(10_000_000.0 / 12.0, Unit::Currency), "$833K");
    assert_eq!(s.format(1_500_000.0, Unit::Currency), "$1.5M");
    assert_eq!(s.format(2_400_000_000.0, Unit::Currency), "$2.4B");
    assert_eq!(s.format(41_666.67, Unit::Currency), "$41.7K");
    assert_eq!(s.format(100.0, Unit::Currency), "$100");
    assert_eq!(s.format(999_999.0, Unit::Currency), "$1M");
    assert_eq!(s.format(-5_000.0, Unit::Currency), "−$5K");
    assert_eq!(
        s.format(999.6, Unit::Currency),
        "$1K",
        "rounded before the suffix is chosen"
    );
    assert_eq!(s.format(1_000.0, Unit::Currency), "$1K");
    assert_eq!(s.format(999.4, Unit::Currency), "$999");
    assert_eq!(s.format(999_600.0, Unit::Currency), "$1M");
}

#[test]
fn attainment_is_whole_and_never_rounds_up_to_the_plan() {
    let s = en();
    assert_eq!(s.attainment(0.96), "96%");
    assert_eq!(s.attainment(0.952), "95%");
    assert_eq!(s.attainment(0.99999), "99%", "below plan never reads 100%");
    assert_eq!(s.attainment(1.0), "100%");
    assert_eq!(s.attainment(1.284), "128%");
}

#[test]
fn changes_have_one_precision_and_no_sign_when_nil() {
    let s = en();
    assert_eq!(s.format_change(Change::Relative(0.896)), "+90%");
    assert_eq!(s.format_change(Change::Relative(0.052)), "+5.2%");
    assert_eq!(s.format_change(Change::Relative(-0.0001)), "0%", "rounds to nothing");
    assert_eq!(s.format_change(Change::Points(0.0)), "0\u{a0}pp");
    assert_eq!(s.format_change(Change::Absolute(-6.0)), "−6");
}

#[test]
fn axes_share_one_duration_unit() {
    let s = en();
    let f = s.axis_format(Unit::Duration, 7.0 * 86_400.0);
    assert_eq!(f(0.0), "0\u{a0}d");
    assert_eq!(f(2.0 * 86_400.0), "2\u{a0}d");
    assert_eq!(f(3_600.0 * 36.0), "1.5\u{a0}d");
    assert_eq!(
        s.format(36.0 * 3_600.0, Unit::Duration),
        "36\u{a0}h",
        "values keep their natural unit"
    );
    assert_eq!(s.format(0.0, Unit::Duration), "0\u{a0}s");
}

#[test]
fn months_are_written_with_their_word() {
    assert_eq!(en().format(14.25, Unit::Months), "14.3\u{a0}months");
    assert_eq!(
        NumberStyle::for_language("es", "USD").format(9.0, Unit::Months),
        "9\u{a0}meses"
    );
}

#[test]
fn other_units() {
    let s = en();
    assert_eq!(s.format(0.995, Unit::Percent), "99.5%");
    assert_eq!(s.format(0.9995, Unit::Percent), "99.95%");
    assert_eq!(s.format(0.8, Unit::Percent), "80%");
    assert_eq!(s.format(2500.0 / 60.0, Unit::Ratio), "41.7x");
    assert_eq!(s.format(5.0, Unit::Ratio), "5.0x");
    assert_eq!(s.format(20_000.0, Unit::Count), "20,000");
    assert_eq!(s.format(1_000.0, Unit::Count), "1,000");
    assert_eq!(s.format(4.0 * 3600.0, Unit::Duration), "4\u{a0}h");
    assert_eq!(s.format(7.0 * 86_400.0, Unit::Duration), "7\u{a0}d");
    assert_eq!(s.format(0.5, Unit::Duration), "500\u{a0}ms");
    assert_eq!(s.format(75.0, Unit::Score), "75");
}

#[test]
fn spanish_style_swaps_separators() {
    let s = NumberStyle::for_language("es", "EUR");
    assert_eq!(s.format(1_500_000.0, Unit::Currency), "1,5M\u{a0}€");
    assert_eq!(s.format(20_000.0, Unit::Count), "20.000");
    assert_eq!(
        s.format(1_000.0, Unit::Count),
        "1.000",
        "as Spanish business letters write it"
    );
    assert_eq!(
        s.format(0.995, Unit::Percent),
        "99,5\u{a0}%",
        "a non-breaking space before %"
    );
}

#[test]
fn values_parse_by_unit() {
    let t = |s: &str| RawValue::Text(s.into());
    assert_eq!(parse_value(&t("80%"), Unit::Percent), Ok(0.8));
    assert_eq!(parse_value(&t("500ms"), Unit::Duration), Ok(0.5));
    assert_eq!(parse_value(&t("4h"), Unit::Duration), Ok(14_400.0));
    assert_eq!(parse_value(&t("7d"), Unit::Duration), Ok(604_800.0));
    assert_eq!(parse_value(&RawValue::Number(3.0), Unit::Duration), Ok(3.0));
    assert_eq!(
        parse_value(&t("lots"), Unit::Count).unwrap_err().message,
        "`lots` is not a number"
    );
    assert!(
        parse_value(&t("4 parsecs"), Unit::Duration)
            .unwrap_err()
            .message
            .contains("not a duration")
    );
    let e = parse_value(&t("80"), Unit::Percent).unwrap_err();
    assert!(e.message.contains("not a percentage") && e.help.contains("\"80%\""));
}

#[test]
fn changes_use_points_for_percentages() {
    let s = en();
    assert_eq!(s.format_change(change(0.8, 0.85, Unit::Percent).unwrap()), "+5\u{a0}pp");
    assert_eq!(s.format_change(change(100.0, 150.0, Unit::Currency).unwrap()), "+50%");
    assert_eq!(s.format_change(change(200.0, 150.0, Unit::Currency).unwrap()), "−25%");
    assert_eq!(change(0.0, 0.0, Unit::Count), None, "nothing to nothing is no change");
}

#[test]
fn a_change_from_zero_or_across_it_is_an_amount() {
    let s = en();
    assert_eq!(s.format_change(change(0.0, 5.0, Unit::Count).unwrap()), "+5");
    // A burn of $50K that became a $20K profit (a negative net burn).
    assert_eq!(
        s.format_change(change(50_000.0, -20_000.0, Unit::Currency).unwrap()),
        "−$70K",
        "not −140%"
    );
    assert_eq!(
        s.format_change(change(-10_000.0, 5_000.0, Unit::Currency).unwrap()),
        "+$15K"
    );
    assert_eq!(
        s.format_change(change(-10_000.0, -5_000.0, Unit::Currency).unwrap()),
        "−50%"
    );
}

/// The digits as `format!` writes them: what [`fixed_digits`] must equal.
fn formatted(value: f64, decimals: usize) -> (bool, String) {
    let rounded = round_to(value, decimals);
    (rounded < 0.0, format!("{:.*}", decimals, rounded.abs()))
}

#[test]
fn whole_number_digits_match_the_formatter() {
    use proptest::prelude::*;
    let mut runner = proptest::test_runner::TestRunner::default();
    let values = prop_oneof![
        -1.0e13..1.0e13f64,
        -1000.0..1000.0f64,
        (-100_000i64..100_000).prop_map(|n| n as f64 / 1000.0),
        (-100_000i64..100_000).prop_map(|n| n as f64 / 200.0),
    ];
    runner
        .run(&(values, 0usize..=6), |(v, d)| {
            prop_assert_eq!(fixed_digits(v, d), formatted(v, d), "{} to {} places", v, d);
            Ok(())
        })
        .unwrap();
    for (v, d) in [
        (0.005, 2),
        (-0.004, 2),
        (2.5, 0),
        (-2.5, 0),
        (1e12, 2),
        (f64::NAN, 1),
        (f64::INFINITY, 0),
    ] {
        assert_eq!(fixed_digits(v, d), formatted(v, d), "{v} to {d} places");
    }
}
