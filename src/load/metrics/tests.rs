//! Unit tests of the parent module.

use super::*;

#[test]
fn a_series_keeps_file_order_and_a_repeated_key_its_last_value() {
    let series: RawSeries = serde_yaml::from_str("2024-03: 3\n2024-01: 1\nM2: \"2%\"\n").unwrap();
    let keys: Vec<&str> = series.iter().map(|(k, _)| k).collect();
    assert_eq!(keys, ["2024-03", "2024-01", "M2"]);
    assert_eq!(series.iter().nth(2).unwrap().1, &RawValue::Text("2%".into()));
    // A key twice: the series reads as a map would, the last value wins.
    let twice: RawSeries = serde_yaml::from_str("2024-01: 1\n2024-02: 2\n2024-01: 9\n").unwrap();
    let pairs: Vec<(&str, &RawValue)> = twice.iter().collect();
    assert_eq!(
        pairs,
        [("2024-02", &RawValue::Number(2.0)), ("2024-01", &RawValue::Number(9.0))]
    );
    assert!(
        serde_yaml::from_str::<RawSeries>("[1, 2]").is_err(),
        "a list is not a series"
    );
}
