//! Unit tests of the parent module.

use super::*;

#[test]
fn escapes_the_four_characters_in_one_pass() {
    assert_eq!(escape("a < b & \"c\" > d"), "a &lt; b &amp; &quot;c&quot; &gt; d");
    assert_eq!(escape("&amp;"), "&amp;amp;", "an entity is text, escaped again");
    assert_eq!(escape("ñandú €"), "ñandú €");
    let mut out = String::from("x");
    escape_into("<", &mut out);
    assert_eq!(out, "x&lt;");
}

#[test]
fn escaping_as_templates_do_also_escapes_the_apostrophe() {
    let mut out = String::new();
    escape_as_templates_into("Q1's <b> & \"x\"", &mut out);
    assert_eq!(out, "Q1&#39;s &lt;b&gt; &amp; &quot;x&quot;");
    assert_eq!(escape("Q1's"), "Q1's", "plain escaping leaves it");
}
