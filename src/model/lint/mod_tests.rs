//! Unit tests of the parent module.

use super::*;

#[test]
fn compound_monthly_growth_counts_intervals() {
    // M1 to M12 is eleven intervals: $100K to $10M needs 52% a month.
    let g = cmgr(100_000.0, 10_000_000.0, 11).unwrap();
    assert!((g - 0.5199).abs() < 1e-3, "{g}");
    // Doubling in one month is 100%.
    assert_eq!(cmgr(1.0, 2.0, 1), Some(1.0));
    // Undefined from or to zero, or over no time.
    assert_eq!(cmgr(0.0, 5.0, 3), None);
    assert_eq!(cmgr(5.0, 0.0, 3), None);
    assert_eq!(cmgr(5.0, 6.0, 0), None);
}
