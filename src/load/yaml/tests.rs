//! Unit tests of the parent module.

use super::*;

fn nested(open: char, close: char, depth: usize) -> String {
    format!(
        "key: {}x{}\n",
        open.to_string().repeat(depth),
        close.to_string().repeat(depth)
    )
}

#[test]
fn flow_nesting_is_refused_past_the_limit_only() {
    let limit = limits::YAML_FLOW_DEPTH;
    assert_eq!(too_deep(&nested('[', ']', limit)), None);
    assert_eq!(too_deep(&nested('[', ']', limit + 1)), Some(5 + limit));
    assert_eq!(too_deep(&nested('{', '}', limit + 1)), Some(5 + limit));
    let mixed = format!("a:\n  - {}\n", "[{".repeat(limit));
    assert!(too_deep(&mixed).is_some());
    // Depth that closes and opens again never adds up.
    let siblings = format!("a: [{}]\n", "[1], ".repeat(10_000));
    assert_eq!(too_deep(&siblings), None);
}

#[test]
fn brackets_that_open_nothing_are_not_counted() {
    let many = "[".repeat(100);
    for text in [
        format!("title: a {many} b\n"),
        format!("title: \"{many}\"\n"),
        format!("title: '{many} it''s'\n"),
        format!("title: x # {many}\n"),
        format!("# {many}\ntitle: x\n"),
        format!("description: |\n  {many}\n  {many}\n\ntitle: x\n"),
        format!("description: >-\n    {many}\nlabel: y\n"),
        format!("label: it's {many}\n"),
        format!("target: {{ M1: 1 }}\nnote: \"a \\\" {many}\"\n"),
    ] {
        assert_eq!(too_deep(&text), None, "{text}");
    }
    // After a block scalar, brackets count again.
    let after = format!("description: |\n  text\nx: {}\n", "[".repeat(100));
    assert!(too_deep(&after).is_some());
}

#[test]
fn no_file_of_the_repository_comes_near_the_limit() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut seen = 0;
    for entry in walkdir::WalkDir::new(root.join("content"))
        .into_iter()
        .chain(walkdir::WalkDir::new(root.join("tests/fixtures")))
        .chain(walkdir::WalkDir::new(root.join("themes")))
        .chain(walkdir::WalkDir::new(root.join("src/scaffold")))
        .filter_map(Result::ok)
    {
        let path = entry.path();
        let yaml = matches!(path.extension().and_then(|e| e.to_str()), Some("yaml" | "yml" | "md"));
        if !entry.file_type().is_file() || !yaml {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        // A page's YAML is its front matter.
        let text = match text.strip_prefix("---\n").and_then(|rest| rest.split_once("\n---")) {
            Some((front, _)) => front.to_string(),
            None if path.extension().is_some_and(|e| e == "md") => continue,
            None => text,
        };
        if serde_yaml::from_str::<serde_yaml::Value>(&text).is_err() {
            continue;
        }
        assert_eq!(too_deep(&text), None, "{}", path.display());
        seen += 1;
    }
    assert!(seen > 100, "{seen}");
}
