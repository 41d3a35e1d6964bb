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
    assert_eq!(s.format(4.0 * 3600.0, Unit::Duration), "4 h");
    assert_eq!(s.format(7.0 * 86_400.0, Unit::Duration), "7 d");
    assert_eq!(s.format(0.5, Unit::Duration), "500 ms");
    assert_eq!(s.format(75.0, Unit::Score), "75");
}

#[test]
fn spanish_style_swaps_separators() {
    let s = NumberStyle::for_language("es", "EUR");
    assert_eq!(s.format(1_500_000.0, Unit::Currency), "1,5M €");
    assert_eq!(s.format(20_000.0, Unit::Count), "20.000");
    assert_eq!(s.format(1_000.0, Unit::Count), "1000");
    assert_eq!(s.format(0.995, Unit::Percent), "99,5%");
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
    assert_eq!(s.format_change(change(0.8, 0.85, Unit::Percent).unwrap()), "+5 pp");
    assert_eq!(s.format_change(change(100.0, 150.0, Unit::Currency).unwrap()), "+50%");
    assert_eq!(s.format_change(change(200.0, 150.0, Unit::Currency).unwrap()), "−25%");
    assert_eq!(change(0.0, 5.0, Unit::Count), None);
}
