//! Unit tests of the parent module.

use super::passphrase::famous;
use super::*;

#[test]
fn weak_passphrases_are_refused_with_a_reason() {
    let short = Passphrase("tr0ub4dor".into()).check_strength(&[]).unwrap_err();
    assert!(short.message.contains("shorter than 12"), "{}", short.message);
    let common = Passphrase("password1234".into()).check_strength(&[]).unwrap_err();
    assert!(common.message.contains("too weak"), "{}", common.message);
    let site = Passphrase("Plan de crecimiento 2024".into()).check_strength(&["Plan", "de", "crecimiento", "2024"]);
    assert!(site.is_err(), "the site's own title is known to an attacker");
    Passphrase("maple orbit quietly seventeen lanterns".into())
        .check_strength(&[])
        .unwrap();
}

#[test]
fn the_key_is_pbkdf2_sha256() {
    // RFC 7914 §11 test vector for PBKDF2-HMAC-SHA256 ("passwd", "salt", 1 round).
    let key = derive("passwd", b"salt", 1);
    assert_eq!(&key[..8], &[0x55, 0xac, 0x04, 0x6e, 0x56, 0xe3, 0x08, 0x9f]);
}

#[test]
fn a_passphrase_is_never_shown() {
    assert_eq!(format!("{:?}", Passphrase("secret words here".into())), "Passphrase(…)");
}

#[test]
fn famous_example_passphrases_are_refused_however_written() {
    for famous in [
        "correcthorsebatterystaple",
        "Correct Horse Battery Staple",
        "correct-horse-battery-staple!",
        "c0rrect h0rse b4ttery st4ple",
        "The quick brown fox jumps over the lazy dog",
        "Tr0ub4dor&3 2024",
    ] {
        let e = Passphrase(famous.into()).check_strength(&[]).unwrap_err();
        assert!(e.message.contains("printed as an example"), "{famous}: {}", e.message);
    }
    // A famous phrase inside a long passphrase of its own is not refused for it.
    assert!(famous("correct horse battery staple, then seven lanterns over the quarry").is_none());
}

#[test]
fn blanks_around_a_passphrase_in_its_file_do_not_count() {
    let dir = tempfile::tempdir().unwrap();
    for (written, why) in [
        ("maple orbit quietly seventeen\r\n", "a Windows line end"),
        ("maple orbit quietly seventeen   \n", "trailing blanks"),
        (
            "\tmaple orbit quietly seventeen\nsecond line\n",
            "a leading tab and a second line",
        ),
        ("maple orbit quietly seventeen\r", "a lone carriage return"),
    ] {
        let path = dir.path().join("pass");
        std::fs::write(&path, written).unwrap();
        let p = Passphrase::from_environment(Some(&path)).unwrap();
        assert_eq!(p.0, "maple orbit quietly seventeen", "{why}");
    }
}
