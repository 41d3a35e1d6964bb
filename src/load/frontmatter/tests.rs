//! Unit tests of the parent module.

use super::*;

#[test]
fn splits_yaml_and_body() {
    let s = Source::new("a.md", "---\ntitle: A\n---\n# Body\n");
    let sp = split(&s).unwrap();
    assert_eq!(&s.text[sp.yaml.0..sp.yaml.1], "title: A\n");
    assert_eq!(&s.text[sp.body..], "# Body\n");
}

#[test]
fn unclosed_and_missing_are_errors() {
    let e = split(&Source::new("a.md", "---\ntitle: A\n# Body\n")).unwrap_err();
    assert!(e.message.contains("never closed"));
    let e = split(&Source::new("a.md", "# Body\n")).unwrap_err();
    assert!(e.message.contains("no front matter"));
}
