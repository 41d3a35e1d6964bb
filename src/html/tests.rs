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
