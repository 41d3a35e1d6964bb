//! Unit tests of the parent module.

use super::*;

fn parse(text: &str) -> Result<Vec<Recipient>, Diagnostics> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("to.txt");
    std::fs::write(&path, text).unwrap();
    read_recipients(&path)
}

#[test]
fn names_addresses_comments_and_blank_lines() {
    let r = parse("# investors\nAna Ruiz <ana@example.com>\n\n  bob@example.com  \n").unwrap();
    assert_eq!(r.len(), 2);
    assert_eq!(r[0].mailbox.name.as_deref(), Some("Ana Ruiz"));
    assert_eq!(r[0].line, 2);
    assert_eq!(r[1].mailbox.email.to_string(), "bob@example.com");
    assert_eq!(r[1].line, 4);
}

#[test]
fn every_bad_line_is_reported_with_its_line() {
    let err = parse("ana@example.com\nnot an address\nAna <ANA@example.com>\n").unwrap_err();
    let text: Vec<String> = err.0.iter().map(|d| d.to_string()).collect();
    assert_eq!(text.len(), 2, "{text:?}");
    assert!(
        text[0].contains("`not an address` is not an email address"),
        "{}",
        text[0]
    );
    assert!(text[0].contains(":2:1"), "{}", text[0]);
    assert!(
        text[1].contains("ANA@example.com is listed twice (first on line 1)"),
        "{}",
        text[1]
    );
    assert!(text[1].contains(":3:1"), "{}", text[1]);
}

#[test]
fn an_empty_file_is_an_error() {
    let err = parse("# nobody yet\n").unwrap_err();
    assert!(err.0[0].message.contains("lists no recipient"));
}
