//! Unit tests of the parent module.

use super::*;

#[test]
fn dates_from_days() {
    assert_eq!(civil_from_days(0), (1970, 1, 1));
    assert_eq!(civil_from_days(19_813), (2024, 3, 31));
    assert_eq!(civil_from_days(11_016), (2000, 2, 29));
}

#[test]
fn a_recorded_month_is_known_by_address_in_any_case() {
    let dir = tempfile::tempdir().unwrap();
    let march = Month::new(2024, 3).unwrap();
    let ana: Mailbox = "Ana <Ana@Example.com>".parse().unwrap();
    let log = SentLog::open(dir.path()).unwrap();
    assert!(log.sent_on(march, &ana).is_none());
    log.record(march, &ana).unwrap();
    let log = SentLog::open(dir.path()).unwrap();
    let same: Mailbox = "ana@example.com".parse().unwrap();
    assert!(log.sent_on(march, &same).is_some());
    assert!(log.sent_on(Month::new(2024, 4).unwrap(), &same).is_none());
}

#[test]
fn a_log_past_the_file_limit_is_refused_not_read() {
    let dir = tempfile::tempdir().unwrap();
    let file = std::fs::File::create(dir.path().join(FILE)).unwrap();
    file.set_len(crate::limits::FILE_BYTES + 1).unwrap();
    let err = SentLog::open(dir.path()).err().expect("refused");
    assert!(err.message.contains("larger than 16 MiB"), "{err}");
}
