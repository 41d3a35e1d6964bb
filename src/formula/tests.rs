//! Unit tests of the parent module.

use super::*;
use std::collections::HashMap;

fn eval_at(text: &str, data: &[(&str, i32, f64)], month: i32) -> Option<f64> {
    let map: HashMap<(String, i32), f64> = data.iter().map(|(id, m, v)| ((id.to_string(), *m), *v)).collect();
    let lookup = |id: &str, m: Month| map.get(&(id.to_string(), m.0)).copied();
    let mut dz = false;
    parse(text).unwrap().eval(Month(month), &lookup, &mut dz)
}

#[test]
fn precedence_and_associativity() {
    assert_eq!(eval_at("1 + 2 * 3", &[], 0), Some(7.0));
    assert_eq!(eval_at("(1 + 2) * 3", &[], 0), Some(9.0));
    assert_eq!(eval_at("2 ^ 3 ^ 2", &[], 0), Some(512.0));
    assert_eq!(eval_at("-2 ^ 2", &[], 0), Some(-4.0));
    assert_eq!(eval_at("10 - 4 - 3", &[], 0), Some(3.0));
    assert_eq!(eval_at("1_000 / 8", &[], 0), Some(125.0));
}

#[test]
fn metrics_and_missing_values() {
    let data = [("arr", 5, 120.0), ("arr", 4, 60.0), ("arr", 2, 30.0)];
    assert_eq!(eval_at("arr / 12", &data, 5), Some(10.0));
    assert_eq!(eval_at("arr / 12", &data, 6), None, "missing stays missing");
    assert_eq!(eval_at("growth(arr)", &data, 5), Some(1.0));
    assert_eq!(eval_at("arr / prev(arr, 3) - 1", &data, 5), Some(3.0));
    assert_eq!(eval_at("cmgr(arr, 3)", &data, 5), Some(4f64.powf(1.0 / 3.0) - 1.0));
    assert_eq!(eval_at("sum(arr, 1, 2)", &data, 5), Some(123.0));
    assert_eq!(eval_at("max(arr, prev(arr))", &data, 5), Some(120.0));
    assert_eq!(eval_at("min(arr, prev(arr))", &data, 5), Some(60.0));
}

#[test]
fn division_by_zero_is_missing_and_flagged() {
    let lookup = |_: &str, _: Month| Some(0.0);
    let mut dz = false;
    assert_eq!(parse("ltv / cac").unwrap().eval(Month(0), &lookup, &mut dz), None);
    assert!(dz);
}

#[test]
fn references_carry_spans() {
    let e = parse("ltv / cac").unwrap();
    assert_eq!(e.references(), vec![("ltv", 0..3), ("cac", 6..9)]);
    assert_eq!(parse("arr / prev(arr, 3)").unwrap().lookback(), 3);
}

#[test]
fn errors_point_at_the_culprit() {
    let err = parse("arr / lag(arr)").unwrap_err();
    assert_eq!(
        (err.message.as_str(), err.span.clone()),
        ("unknown function `lag`", 6..9)
    );
    let err = parse("arr / (12").unwrap_err();
    assert_eq!(err.span, 9..9);
    assert!(err.message.contains("expected `)`"));
    let err = parse("arr 12").unwrap_err();
    assert_eq!(err.span, 4..6);
    let err = parse("arr $ 12").unwrap_err();
    assert_eq!(err.span, 4..5);
    let err = parse("prev(arr, x)").unwrap_err();
    assert_eq!(err.span, 10..11);
    let err = parse("growth()").unwrap_err();
    assert!(err.message.contains("takes one argument"), "{}", err.message);
    let err = parse("arr *").unwrap_err();
    assert!(err.message.contains("end of the formula"));
}
