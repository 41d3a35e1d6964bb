//! Unit tests of the parent module.

use super::*;

#[test]
fn tolerance_follows_written_precision() {
    assert!((tolerance("42000") - 500.0).abs() < 1e-6);
    assert!((tolerance("41.7") - 0.05).abs() < 1e-6);
    assert!((tolerance("5.0") - 0.05).abs() < 1e-6);
    assert!((tolerance("8") - 0.5).abs() < 1e-6);
    assert!((tolerance("80%") - 0.005).abs() < 1e-6);
    // 41,667 rounds to 42,000 at the thousands; 41.67 rounds to 41.7.
    assert!((41_666.67f64 - 42_000.0).abs() <= tolerance("42000"));
    assert!((2500.0f64 / 60.0 - 41.7).abs() <= tolerance("41.7"));
    assert!((2500.0f64 / 60.0 - 41.5).abs() > tolerance("41.5"));
}
