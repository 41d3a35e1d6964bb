//! SVG to PNG for mail clients, which do not show SVG: the charts palanca
//! draws are rasterised with resvg at twice their size, on white, with a
//! font bundled in the binary so the result is the same on every machine
//! (no fontconfig, no system fonts).

use std::sync::Arc;

use resvg::{tiny_skia, usvg};

/// DejaVu Sans (Bitstream Vera licence, `themes/default/fonts/`).
const FONT: &[u8] = include_bytes!("../../themes/default/fonts/DejaVuSans.ttf");

/// Pixel density of the images: 2x, sharp on high-density screens.
pub const DENSITY: f32 = 2.0;

/// The largest image drawn, in pixels on each side: a bound on memory
/// whatever the SVG says its size is.
const MAX_SIDE: u32 = 4096;

/// A PNG and its size in pixels.
#[derive(Debug, Clone)]
pub struct Png {
    /// The encoded image.
    pub bytes: Vec<u8>,
    /// Width in pixels (twice the CSS width it is shown at).
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
}

impl Png {
    /// A PNG from its bytes, its size read from the header (for images
    /// kept in the render cache as bytes). None when it is not a PNG.
    pub fn from_bytes(bytes: Vec<u8>) -> Option<Png> {
        let header = bytes.get(16..24)?;
        if bytes.get(12..16)? != b"IHDR" {
            return None;
        }
        let width = u32::from_be_bytes(header[..4].try_into().ok()?);
        let height = u32::from_be_bytes(header[4..].try_into().ok()?);
        Some(Png { bytes, width, height })
    }
}

/// Turns SVG into PNG; holds the font database, built once per letter.
pub struct Rasterizer {
    options: usvg::Options<'static>,
}

impl Default for Rasterizer {
    fn default() -> Self {
        Self::new()
    }
}

impl Rasterizer {
    /// A rasteriser whose only font is the bundled one, used for every
    /// generic family the charts name.
    pub fn new() -> Rasterizer {
        let mut db = usvg::fontdb::Database::new();
        db.load_font_data(FONT.to_vec());
        db.set_sans_serif_family("DejaVu Sans");
        db.set_serif_family("DejaVu Sans");
        db.set_monospace_family("DejaVu Sans");
        let options = usvg::Options {
            font_family: "DejaVu Sans".into(),
            fontdb: Arc::new(db),
            ..usvg::Options::default()
        };
        Rasterizer { options }
    }

    /// The same, with `css` applied to every SVG it draws: the theme's
    /// colours of the series, which the charts name by class.
    pub fn with_style(mut self, css: String) -> Rasterizer {
        self.options.style_sheet = Some(css);
        self
    }

    /// The CSS it applies (empty when none).
    pub fn style(&self) -> &str {
        self.options.style_sheet.as_deref().unwrap_or("")
    }

    /// `svg` drawn at [`DENSITY`] on a white background, or None when it
    /// does not parse (the caller leaves the image out; its figures are in
    /// the text).
    pub fn png(&self, svg: &str) -> Option<Png> {
        self.draw(svg, None)
    }

    /// `svg` drawn to be shown `css_width` pixels wide, at [`DENSITY`].
    pub fn png_at(&self, svg: &str, css_width: u32) -> Option<Png> {
        self.draw(svg, Some(css_width))
    }

    fn draw(&self, svg: &str, css_width: Option<u32>) -> Option<Png> {
        let tree = usvg::Tree::from_str(svg, &self.options).ok()?;
        let size = tree.size();
        let zoom = css_width.map_or(1.0, |w| w as f32 / size.width());
        // Whole CSS pixels, then the density: the image is exactly twice
        // the size the HTML gives it.
        let css = |side: f32| (side * zoom).round().max(1.0);
        let width = ((css(size.width()) * DENSITY) as u32).clamp(1, MAX_SIDE);
        let height = ((css(size.height()) * DENSITY) as u32).clamp(1, MAX_SIDE);
        let mut pixmap = tiny_skia::Pixmap::new(width, height)?;
        // White, so the chart reads the same when a client darkens the mail.
        pixmap.fill(tiny_skia::Color::WHITE);
        let scale_x = width as f32 / size.width();
        let scale_y = height as f32 / size.height();
        resvg::render(
            &tree,
            tiny_skia::Transform::from_scale(scale_x, scale_y),
            &mut pixmap.as_mut(),
        );
        let bytes = pixmap.encode_png().ok()?;
        Some(Png { bytes, width, height })
    }
}

#[cfg(test)]
mod tests;
