//! Unit tests of the parent module.

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
