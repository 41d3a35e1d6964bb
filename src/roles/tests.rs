//! Unit tests of the parent module.

use super::*;

#[test]
fn roles_read_as_written_and_carry_their_traits() {
    let r: Role = serde_yaml::from_str("net_burn").unwrap();
    assert_eq!(r, Role::NetBurn);
    assert_eq!(r.name(), "net_burn");
    assert_eq!(r.traits().kind, MetricKind::Flow);
    assert!(!r.traits().check_direction, "burn rises while a company hires");
    assert!(!Role::Cash.traits().check_direction, "cash falls while it spends");
    assert_eq!(Role::Nrr.traits().range.1, 3.0, "NRR may pass 100%");
    assert_eq!(Role::Uptime.traits().compare, Comparison::Budget);
    assert_eq!(Role::Runway.unit(), Unit::Months);
    assert_eq!(default_kind(Unit::Percent), MetricKind::Rate);
}
