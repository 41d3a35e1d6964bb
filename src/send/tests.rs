//! Unit tests of the parent module.

use super::*;

#[test]
fn only_this_machine_counts_as_loopback() {
    assert!(is_loopback("localhost"));
    assert!(is_loopback("127.0.0.1"));
    assert!(is_loopback("[::1]"));
    assert!(!is_loopback("smtp.example.com"));
    assert!(!is_loopback("10.0.0.1"));
}
