//! Unit tests of the parent module.

use super::*;

#[test]
fn location_counts_lines_and_characters() {
    let loc = Location::at("a: 1\nbé: xyz\n", 10, 3);
    assert_eq!((loc.line, loc.column, loc.width), (2, 5, 3));
    assert_eq!(loc.line_text, "bé: xyz");
}

#[test]
fn keys_are_found_at_line_starts_only() {
    let src = Source::new(
        "s.yaml",
        "title: \"A fresh start: 2024\"\nstart: January\nitems:\n  - id: x\n",
    );
    let at = src.find_value(0, "start").unwrap();
    assert_eq!(&src.text[at..at + 7], "January");
    assert_eq!(src.find_key(0, "id").map(|i| &src.text[i..i + 3]), Some("id:"));
    assert_eq!(src.find_value(0, "items").map(|i| &src.text[i..i + 6]), Some("items:"));
    assert_eq!(src.find_key(0, "missing"), None);
    let flow = Source::new("p.md", "claims: [{ metric: arr, by: \"M0\" }]\ndesc: \"a, by: x\"\n");
    let by = flow.find_value(0, "by").unwrap();
    assert_eq!(&flow.text[by..by + flow.scalar_len(by)], "\"M0\"");
    assert_eq!(flow.find_key(by, "by"), None, "not inside the quoted description");
    let metric = flow.find_value(0, "metric").unwrap();
    assert_eq!(flow.scalar_len(metric), 3);
}

#[test]
fn renders_like_rustc() {
    let src = Source::new(
        "content/metrics/x.yaml",
        "metrics:\n  - id: arr\n    formula: arrr / 12\n",
    );
    let off = src.find_from(0, "arrr").unwrap();
    let d = Diagnostic::error_at(&src, off, 4, "unknown metric `arrr`")
        .label("not defined")
        .help("check the spelling");
    let text = d.to_string();
    assert!(text.contains("error: unknown metric `arrr`"), "{text}");
    assert!(text.contains("--> content/metrics/x.yaml:3:14"), "{text}");
    assert!(text.contains("3 |     formula: arrr / 12"), "{text}");
    assert!(text.contains("  |              ^^^^ not defined"), "{text}");
    assert!(text.contains("= help: check the spelling"), "{text}");
}
