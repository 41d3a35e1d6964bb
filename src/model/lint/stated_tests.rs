//! Unit tests of the parent module.

use super::*;

#[test]
fn tolerance_follows_written_precision() {
    assert!((tolerance("42000", 42_000.0) - 500.0).abs() < 1e-6);
    assert!((tolerance("41.7", 41.7) - 0.05).abs() < 1e-6);
    assert!((tolerance("5.0", 5.0) - 0.05).abs() < 1e-6);
    assert!((tolerance("80%", 0.8) - 0.005).abs() < 1e-6);
    // 41,667 rounds to 42,000 at the thousands; 41.67 rounds to 41.7.
    assert!((41_666.67f64 - 42_000.0).abs() <= tolerance("42000", 42_000.0));
    assert!((2500.0f64 / 60.0 - 41.7).abs() <= tolerance("41.7", 41.7));
    assert!((2500.0f64 / 60.0 - 41.5).abs() > tolerance("41.5", 41.5));
}

#[test]
fn round_figures_are_read_to_two_significant_digits() {
    // "$100M" is not "anything from $50M to $150M".
    assert!((tolerance("100000000", 1e8) - 5e6).abs() < 1.0);
    assert!((60e6f64 - 1e8).abs() > tolerance("100000000", 1e8));
    assert!((104e6f64 - 1e8).abs() <= tolerance("100000000", 1e8));
    // "$10M", "$500M", "$2.4B" to two digits.
    assert!((tolerance("500000000", 5e8) - 5e6).abs() < 1.0);
    assert!((tolerance("2400000000", 2.4e9) - 5e7).abs() < 1.0);
    // A single digit is read as two: "8000" for 8,333 is a difference.
    assert!((8_333.0f64 - 8_000.0).abs() > tolerance("8000", 8_000.0));
}
