//! Escaping text for HTML, shared by every module that writes HTML or SVG
//! by hand (charts, the encrypted shell, serve's pages, the email).

/// `text` safe inside an element or a double-quoted attribute.
pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
