//! Unit tests of the parent module.

use super::*;

#[test]
fn draws_at_twice_the_size_with_text() {
    let svg = r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 40"><text x="5" y="25" font-family="sans-serif" font-size="20" fill="#000">$1,5M</text></svg>"##;
    let png = Rasterizer::new().png(svg).expect("a png");
    assert_eq!((png.width, png.height), (200, 80));
    let pixmap = tiny_skia::Pixmap::decode_png(&png.bytes).unwrap();
    let dark = pixmap.pixels().iter().filter(|p| p.red() < 128).count();
    assert!(
        dark > 100,
        "the text was drawn with the bundled font: {dark} dark pixels"
    );
}

#[test]
fn draws_at_a_width_given_in_css_pixels() {
    let svg = r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 360 220"><rect width="360" height="220" fill="red"/></svg>"#;
    let png = Rasterizer::new().png_at(svg, 400).expect("a png");
    assert_eq!((png.width, png.height), (800, 488));
    let read = Png::from_bytes(png.bytes.clone()).expect("its header");
    assert_eq!((read.width, read.height), (800, 488));
    assert!(Png::from_bytes(b"GIF89a".to_vec()).is_none());
}

#[test]
fn refuses_what_is_not_svg() {
    assert!(Rasterizer::new().png("<p>not svg</p>").is_none());
}
