//! Unit tests of the parent module.

use super::*;

#[test]
fn location_counts_lines_and_characters() {
    let loc = Location::at("a: 1\nbé: xyz\n", 10..13);
    assert_eq!((loc.line, loc.column, loc.width), (2, 5, 3));
    assert_eq!(loc.line_text, "bé: xyz");
}

#[test]
fn renders_like_rustc_with_its_code() {
    let src = Source::new(
        "content/metrics/x.yaml",
        "metrics:\n  - id: arr\n    formula: arrr / 12\n",
    );
    let off = src.text.find("arrr").unwrap();
    let d = Diagnostic::error_at(Code::UnknownMetric, &src, off..off + 4, "unknown metric `arrr`")
        .label("not defined")
        .help("check the spelling")
        .metric("arr");
    let text = d.to_string();
    assert!(text.contains("error[unknown-metric]: unknown metric `arrr`"), "{text}");
    assert!(text.contains("--> content/metrics/x.yaml:3:14"), "{text}");
    assert!(text.contains("3 |     formula: arrr / 12"), "{text}");
    assert!(text.contains("  |              ^^^^ not defined"), "{text}");
    assert!(text.contains("= help: check the spelling"), "{text}");
    let json = serde_json::to_value(&d).unwrap();
    assert_eq!(json["code"], "unknown-metric");
    assert_eq!(json["subjects"][0], serde_json::json!({"kind": "metric", "id": "arr"}));
}

#[test]
fn a_snippet_shows_at_most_a_window_of_a_long_line() {
    let line = format!("{}BAD{}", "x".repeat(5_000), "y".repeat(5_000));
    let src = Source::new("site.yaml", line.clone());
    let d = Diagnostic::error_at(Code::InvalidYaml, &src, 5_000..5_003, "bad");
    let loc = d.location.as_ref().unwrap();
    assert!(loc.line_text.chars().count() <= 122, "{}", loc.line_text.len());
    let caret_at: String = loc.line_text.chars().skip(loc.column - 1).take(3).collect();
    assert_eq!(caret_at, "BAD", "the caret still points at the culprit");
}

#[test]
fn quoted_input_is_cut_to_a_few_words() {
    assert_eq!(quote("arr"), "arr");
    let long = quote(&"root:x:0:0:root:/root:/bin/bash\n".repeat(100));
    assert!(long.chars().count() <= 61 && long.ends_with('…'), "{long}");
}

#[test]
fn every_code_has_a_distinct_name() {
    let mut names: Vec<&str> = Code::ALL.iter().map(|c| c.name()).collect();
    names.sort();
    let before = names.len();
    names.dedup();
    assert_eq!(names.len(), before);
    assert!(names.iter().all(|n| {
        n.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    }));
}

#[test]
fn control_characters_from_the_input_never_reach_the_terminal_raw() {
    let source = Source::new("data/x.csv", "period,value\n2024-01,\u{1b}[2J\u{7}12\n");
    let d = Diagnostic::error_at(
        Code::BadValue,
        &source,
        21..29,
        "`\u{1b}[2J\u{7}12` is not a number\u{9b}",
    )
    .help("fix \u{202e}this");
    let shown = d.to_string();
    assert!(!shown.chars().any(|c| c.is_control() && c != '\n'), "{shown:?}");
    assert!(shown.contains("`␛[2J␇12` is not a number�"), "{shown}");
    assert!(shown.contains("2 | 2024-01,␛[2J␇12"), "{shown}");
    // The caret stays under the value: one visible character for each.
    assert!(shown.contains("  |         ^^^^^^^\n"), "{shown}");
    assert!(shown.contains("fix �this"));
    assert_eq!(printable("plain\ttext\n"), "plain\ttext\n");
}
