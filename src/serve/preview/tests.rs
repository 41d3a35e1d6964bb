//! Unit tests of the parent module.

use super::*;

#[test]
fn overlay_and_script_go_before_the_body_ends() {
    let html = with_preview_script(
        "index.html",
        b"<html><body><p>x</p></body></html>".to_vec(),
        Some("error: <bad>"),
    );
    let html = String::from_utf8(html).unwrap();
    assert!(html.contains("id=\"palanca-errors\""));
    assert!(html.contains("error: &lt;bad&gt;"), "escaped");
    assert!(html.ends_with("</script></body></html>"));
    assert_eq!(with_preview_script("a.css", b"body{}".to_vec(), Some("e")), b"body{}");
}

#[test]
fn paths_decode() {
    assert_eq!(percent_decode("plan/mes%2001/index.html"), "plan/mes 01/index.html");
    assert_eq!(percent_decode("100%"), "100%");
}

#[test]
fn base_paths_come_from_base_url() {
    assert_eq!(base_path("https://example.com/palanca/"), "palanca");
    assert_eq!(base_path("https://example.com/"), "");
    assert_eq!(base_path("/"), "");
}
