//! Unit tests of the parent module.

use super::*;

#[test]
fn dates_from_days() {
    let day = |n| crate::period::Day(n).to_string();
    assert_eq!(day(0), "1970-01-01");
    assert_eq!(day(19_813), "2024-03-31");
    assert_eq!(day(11_016), "2000-02-29");
}

#[test]
fn a_recorded_month_is_known_by_address_in_any_case() {
    let dir = tempfile::tempdir().unwrap();
    let march = Month::new(2024, 3).unwrap();
    let ana: Mailbox = "Ana <Ana@Example.com>".parse().unwrap();
    let log = SentLog::take(dir.path()).unwrap();
    assert!(log.sent_on(march, &ana).is_none());
    log.record(march, &ana).unwrap();
    drop(log);
    let log = SentLog::read(dir.path()).unwrap();
    let same: Mailbox = "ana@example.com".parse().unwrap();
    assert!(log.sent_on(march, &same).is_some());
    assert!(log.sent_on(Month::new(2024, 4).unwrap(), &same).is_none());
}

#[test]
fn a_log_past_the_file_limit_is_refused_not_read() {
    let dir = tempfile::tempdir().unwrap();
    let file = std::fs::File::create(dir.path().join(FILE)).unwrap();
    file.set_len(crate::limits::FILE_BYTES + 1).unwrap();
    let err = SentLog::read(dir.path()).err().expect("refused");
    assert!(err.message.contains("larger than 16 MiB"), "{err}");
}

#[test]
fn a_second_run_cannot_take_the_log_while_the_first_holds_it() {
    let dir = tempfile::tempdir().unwrap();
    let first = SentLog::take(dir.path()).unwrap();
    let second = SentLog::take(dir.path()).err().expect("refused");
    assert!(second.message.contains("another `palanca send`"), "{second}");
    assert!(SentLog::read(dir.path()).is_ok(), "a dry run still reads it");
    drop(first);
    assert!(SentLog::take(dir.path()).is_ok(), "free again");
}

#[test]
fn a_log_that_is_a_link_or_not_a_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let victim = dir.path().join("victim");
    std::fs::write(&victim, "keep me").unwrap();
    let site = dir.path().join("site");
    std::fs::create_dir(&site).unwrap();
    std::os::unix::fs::symlink(&victim, site.join(FILE)).unwrap();
    let err = SentLog::take(&site).err().expect("refused");
    assert!(err.message.contains("symbolic link"), "{err}");
    assert!(SentLog::read(&site).is_err());
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep me");
    std::fs::remove_file(site.join(FILE)).unwrap();
    assert!(
        std::process::Command::new("mkfifo")
            .arg(site.join(FILE))
            .status()
            .unwrap()
            .success()
    );
    assert!(SentLog::take(&site).is_err(), "a FIFO is refused, without waiting");
}
