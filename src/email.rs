//! The monthly update as an email. `palanca build` writes it beside the
//! update's page (`email.html` and `update.eml`); `palanca send` mails it.
//!
//! A [`Letter`] is made once per update by the render stage and holds
//! everything a message needs: the HTML (table layout, inline styles, for
//! mail clients rather than browsers), the plain text alternative, the
//! charts as PNG. The greeting and the images' addresses are left as
//! slots, filled per use: `Hola, Ana:` for one recipient, `cid:` addresses
//! inside a MIME message, file names inside the site.

pub mod inline;
pub mod mime;
pub mod raster;

use crate::html::escape;
use crate::period::Month;

/// The slot where the greeting goes, in both the HTML and the text.
pub const GREETING_SLOT: &str = "\u{E010}greeting\u{E011}";

/// The slot where image `name`'s address goes in the HTML.
pub fn image_slot(name: &str) -> String {
    format!("\u{E010}img:{name}\u{E011}")
}

/// A chart or sparkline of the letter, as a PNG.
#[derive(Debug, Clone)]
pub struct Image {
    /// Its file name: `arr-chart.png`. Also its `cid:` in a message.
    pub name: String,
    /// The picture.
    pub png: raster::Png,
}

/// An update made into an email.
#[derive(Debug, Clone)]
pub struct Letter {
    /// The update's month.
    pub period: Month,
    /// The subject: the update's title.
    pub subject: String,
    /// The HTML, with slots for the greeting and the images.
    pub html: String,
    /// The plain text alternative, with a slot for the greeting.
    pub text: String,
    /// The images the HTML shows.
    pub images: Vec<Image>,
    /// The greeting for everyone: `Hola a todos:`.
    pub greeting_all: String,
    /// The greeting for one person, `{name}` standing for the name.
    pub greeting_named: String,
    /// The update's page on the published site, when `base_url` is absolute.
    pub web_url: Option<String>,
}

impl Letter {
    /// The greeting for `name`, or for everyone.
    pub fn greeting(&self, name: Option<&str>) -> String {
        match name.map(str::trim).filter(|n| !n.is_empty()) {
            Some(n) => self.greeting_named.replace("{name}", n),
            None => self.greeting_all.clone(),
        }
    }

    /// The HTML for `name`, each image at the address `src` gives it.
    pub fn html_for(&self, name: Option<&str>, src: impl Fn(&Image) -> String) -> String {
        let mut html = self.html.replace(GREETING_SLOT, &escape(&self.greeting(name)));
        for image in &self.images {
            html = html.replace(&image_slot(&image.name), &escape(&src(image)));
        }
        html
    }

    /// The plain text for `name`.
    pub fn text_for(&self, name: Option<&str>) -> String {
        self.text.replace(GREETING_SLOT, &self.greeting(name))
    }

    /// The letter with its link to the web version made `link` (a
    /// reader's personal link to the encrypted site), in the HTML and the
    /// text; none when the letter has no such link.
    pub fn with_link(&self, link: &str) -> Option<Letter> {
        let url = self.web_url.as_deref()?;
        let mut letter = self.clone();
        letter.html = self.html.replace(
            &format!("href=\"{}\"", escape(url)),
            &format!("href=\"{}\"", escape(link)),
        );
        letter.text = replace_url(&self.text, url, link);
        letter.web_url = Some(link.to_string());
        Some(letter)
    }
}

/// `text` with each whole occurrence of `url` (not the start of a longer
/// address: punctuation after it ends a sentence) replaced by `with`.
fn replace_url(text: &str, url: &str, with: &str) -> String {
    let in_url = |c: char| c.is_ascii_alphanumeric() || "-_~/?#%&=+".contains(c);
    let mut out = String::with_capacity(text.len() + with.len());
    let mut rest = text;
    while let Some(at) = rest.find(url) {
        let after = &rest[at + url.len()..];
        out.push_str(&rest[..at]);
        match after.chars().next() {
            Some(c) if in_url(c) => out.push_str(url),
            _ => out.push_str(with),
        }
        rest = after;
    }
    out.push_str(rest);
    out
}

/// Rows of text aligned in columns: each row's cells padded to
/// the widest cell of their column (counted in characters, so `ó` and
/// `€` take one place), separated by two spaces; the first column is
/// left-aligned, the others right-aligned, as figures are.
pub fn columns(rows: &[Vec<String>]) -> String {
    let width = |s: &str| s.chars().count();
    let cols = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..cols)
        .map(|c| {
            rows.iter()
                .filter_map(|r| r.get(c))
                .map(|s| width(s))
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for row in rows {
        let mut line = String::new();
        for (c, cell) in row.iter().enumerate() {
            let pad = " ".repeat(widths[c].saturating_sub(width(cell)));
            if c == 0 {
                line.push_str(cell);
                line.push_str(&pad);
            } else {
                line.push_str("  ");
                line.push_str(&pad);
                line.push_str(cell);
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests;
