//! Escaping text for HTML, shared by every module that writes HTML or SVG
//! by hand (charts, the encrypted shell, serve's pages, the email).

/// `text` safe inside an element or a double-quoted attribute.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    escape_into(text, &mut out);
    out
}

/// [`escape`], appended to `out` in one pass.
pub fn escape_into(text: &str, out: &mut String) {
    escape_chars_into(text, &['&', '<', '>', '"'], out);
}

/// Escaping as the theme's templates do it (tera's autoescape, which also
/// turns `'` into `&#39;`), for HTML made in Rust and placed in a template
/// where the template itself used to write it: the page comes out the same.
pub fn escape_as_templates_into(text: &str, out: &mut String) {
    escape_chars_into(text, &['&', '<', '>', '"', '\''], out);
}

fn escape_chars_into(text: &str, special: &[char], out: &mut String) {
    let mut rest = text;
    while let Some(i) = rest.find(special) {
        out.push_str(&rest[..i]);
        out.push_str(match rest.as_bytes()[i] {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            _ => "&#39;",
        });
        rest = &rest[i + 1..];
    }
    out.push_str(rest);
}

#[cfg(test)]
mod tests;
