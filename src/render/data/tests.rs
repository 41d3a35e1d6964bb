//! Unit tests of the parent module.

use super::*;

#[test]
fn figures_carry_no_binary_noise() {
    assert_eq!(tidy(1.4000000000000001), 1.4);
    assert_eq!(tidy(0.1 + 0.2), 0.3);
    assert_eq!(tidy(2500.0 / 60.0), 41.6666666667);
    assert_eq!(tidy(10_000_000.0 / 12.0), 833333.333333);
    assert_eq!(tidy(0.0), 0.0);
    assert_eq!(tidy(-5.25), -5.25);
}

#[test]
fn changes_name_their_kind() {
    assert_eq!(change_figure(Change::Points(0.05)), (0.05, "points"));
    assert_eq!(change_figure(Change::Relative(0.1)), (0.1, "relative"));
}
