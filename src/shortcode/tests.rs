//! Unit tests of the parent module.

use super::*;

#[test]
fn finds_shortcodes_with_spans() {
    let body = "Text\n\n{{ chart(metric=\"arr\") }}\n\n{{ table(metrics=\"arr,mrr\", title=\"x\") }}\n";
    let found: Vec<_> = find(body).into_iter().map(Result::unwrap).collect();
    assert_eq!(found.len(), 2);
    assert_eq!(found[0].kind, ShortcodeKind::Chart);
    let (value, span) = found[0].arg("metric").unwrap();
    assert_eq!((value, &body[span]), ("arr", "arr"));
    assert_eq!(found[1].arg("metrics").unwrap().0, "arr,mrr");
    assert_eq!(found[1].arg("title").unwrap().0, "x");
}

#[test]
fn reports_bad_shortcodes() {
    let e = find("{{ graph(metric=\"arr\") }}").remove(0).unwrap_err();
    assert!(e.message.contains("unknown shortcode `graph`"));
    assert_eq!(e.span, 3..8);
    let e = find("{{ chart(metric=arr) }}").remove(0).unwrap_err();
    assert!(e.message.contains("double quotes"), "{}", e.message);
    assert!(find("`{{ chart(x=\"y\") }}`").is_empty(), "code is left alone");
}
