//! What every chart shares: the palette, the design size, plotters' SVG
//! drawn into a string and made responsive, accessible and recoloured.

use plotters::coord::Shift;
use plotters::prelude::*;

use crate::html::escape;

/// Okabe and Ito's palette, distinguishable with any colour vision.
pub const PALETTE: [RGBColor; 7] = [
    RGBColor(0, 114, 178),   // blue
    RGBColor(213, 94, 0),    // vermillion
    RGBColor(0, 158, 115),   // bluish green
    RGBColor(204, 121, 167), // reddish purple
    RGBColor(230, 159, 0),   // orange
    RGBColor(86, 180, 233),  // sky blue
    RGBColor(120, 120, 120), // grey
];

pub(super) const ACTUAL: RGBColor = PALETTE[0];

pub(super) const PLAN: RGBColor = PALETTE[1];

pub(super) const GREY: RGBColor = PALETTE[6];

/// A dashed line. plotters draws a dashed series as one element per dash
/// (some forty on a plan line, a third of a metric page's SVG), so a
/// dashed line is drawn solid in a colour of its own, one step from the
/// real one, and [`finish`] gives it back its colour and an SVG dash
/// pattern: one element per line, drawn the same.
pub(super) struct Dash {
    /// The colour the line is drawn in.
    pub(super) marker: RGBColor,
    /// That colour as plotters writes it (a test checks they agree).
    pub(super) marker_hex: &'static str,
    /// Its real colour, `#RRGGBB`.
    pub(super) colour: &'static str,
    /// Dash and gap lengths, in the chart's units.
    pub(super) pattern: &'static str,
    /// The class the theme's CSS colours it by.
    pub(super) class: &'static str,
}

/// The plan on a line chart.
pub(super) const PLAN_DASH: Dash = Dash {
    marker: RGBColor(213, 94, 1),
    marker_hex: "D55E01",
    colour: "#D55E00",
    pattern: "5 3",
    class: "s-plan",
};

/// The plan as first written, on a line chart.
pub(super) const ORIGINAL_DASH: Dash = Dash {
    marker: RGBColor(120, 120, 121),
    marker_hex: "787879",
    colour: "#787878",
    pattern: "2 3",
    class: "s-original",
};

/// The plan on a sparkline.
pub(super) const SPARK_DASH: Dash = Dash {
    marker: RGBColor(213, 94, 2),
    marker_hex: "D55E02",
    colour: "#D55E00",
    pattern: "3 3",
    class: "s-plan",
};

pub(super) const DASHES: [&Dash; 3] = [&PLAN_DASH, &ORIGINAL_DASH, &SPARK_DASH];

/// Line charts' design size: text is 12 px at this width.
pub(super) const WIDTH: u32 = 360;

pub(super) const HEIGHT: u32 = 220;

/// plotters divides font sizes by 1.24: this gives 12 px text.
pub(super) const FONT: f64 = 14.9;

/// The smallest and largest of some values (infinite when none).
pub(super) fn bounds(values: impl Iterator<Item = f64>) -> (f64, f64) {
    values
        .filter(|v| v.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| (lo.min(v), hi.max(v)))
}

/// Room for the value axis's labels: their length at 12 px.
pub(super) fn y_label_width(labels: &[String]) -> u32 {
    let longest = labels.iter().map(|l| l.chars().count()).max().unwrap_or(3) as u32;
    (longest * 7 + 12).clamp(30, 90)
}

/// The plan month an axis position labels: whole positions from `first`
/// on, one in every `every`, so a long axis keeps its labels apart.
pub(super) fn every_nth_month(x: f64, first: u32, every: usize) -> Option<u32> {
    let m = x.round();
    if (x - m).abs() > 1e-6 || m < f64::from(first) {
        return None;
    }
    let m = m as u32;
    ((m - first) as usize).is_multiple_of(every.max(1)).then_some(m)
}

/// Puts a `<title>` inside each `<circle>` of plotters' SVG, in drawing
/// order, so every point shows its value on hover or tap.
pub(super) fn with_point_titles(svg: &str, titles: &[String]) -> String {
    let mut out = String::with_capacity(svg.len() + titles.len() * 48);
    let mut rest = svg;
    let mut titles = titles.iter();
    while let Some(at) = rest.find("<circle") {
        let Some(end) = rest[at..].find("/>").map(|e| at + e) else {
            break;
        };
        out.push_str(&rest[..end]);
        match titles.next() {
            Some(t) => {
                out.push_str("><title>");
                crate::html::escape_into(t, &mut out);
                out.push_str("</title></circle>");
            }
            None => out.push_str("/>"),
        }
        rest = &rest[end + 2..];
    }
    out.push_str(rest);
    out
}

/// Draws into an SVG string of `size`; none when plotters fails.
pub(super) fn draw_svg(
    size: (u32, u32),
    draw: impl FnOnce(&DrawingArea<SVGBackend, Shift>) -> Result<(), Box<dyn std::error::Error>>,
) -> Option<String> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, size).into_drawing_area();
        draw(&root).ok()?;
        root.present().ok()?;
    }
    Some(svg)
}

/// A y range with some air above and, for linear axes, starting at zero
/// when the data are positive, so bars and lines are not exaggerated. A
/// range that is no range (one value, or nothing finite) gets one around it.
pub(super) fn y_range(lo: f64, hi: f64, log: bool) -> (f64, f64) {
    if !lo.is_finite() || !hi.is_finite() {
        return (0.0, 1.0);
    }
    if log {
        return (lo.floor(), hi + ((hi - lo) * 0.05).max(0.05));
    }
    let lo = if lo >= 0.0 { 0.0 } else { lo * 1.1 };
    let hi = if hi <= 0.0 { 0.0 } else { hi * 1.1 };
    if (hi - lo).abs() < f64::EPSILON * hi.abs().max(1.0) {
        (lo - 1.0, hi + 1.0)
    } else {
        (lo, hi)
    }
}

/// How many times the design size line charts are drawn at: plotters
/// places everything on whole pixels, so a line drawn at the design size
/// bends at every point rounded to one; at four times it is drawn to a
/// quarter of a pixel, then shown at the design size.
pub(super) const SCALE: u32 = 4;

/// Makes plotters' SVG responsive and accessible: a viewBox and no fixed
/// size, no white background, the page's text colour, a `<title>`.
pub(super) fn finish(svg: &str, title: &str, dom_id: &str, class: &str) -> String {
    finish_scaled(svg, (title, dom_id), class, 1)
}

/// As [`finish`], for an SVG drawn at `scale` times its design size: its
/// viewBox is the design size and its drawing is scaled down to it.
pub(super) fn finish_scaled(svg: &str, (title, dom_id): (&str, &str), class: &str, scale: u32) -> String {
    let Some(tag_end) = svg.find('>') else {
        return svg.to_string();
    };
    let drawn = svg[..tag_end]
        .split("viewBox=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap_or("0 0 360 220");
    let sides: Vec<f64> = drawn.split_whitespace().filter_map(|n| n.parse().ok()).collect();
    let view_box = match sides.as_slice() {
        [x, y, w, h] if scale > 1 => format!("{x} {y} {} {}", w / f64::from(scale), h / f64::from(scale)),
        _ => drawn.to_string(),
    };
    let mut body = &svg[tag_end + 1..];
    if let Some(rect_end) = body.find("/>").filter(|_| body.trim_start().starts_with("<rect")) {
        body = &body[rect_end + 2..];
    }
    let title_id = format!("{dom_id}-title");
    let mut out = format!(
        "<svg class=\"{class}\" viewBox=\"{view_box}\" xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-labelledby=\"{title_id}\" preserveAspectRatio=\"xMidYMid meet\"><title id=\"{title_id}\">{}</title>",
        escape(title)
    );
    out.reserve(body.len() + 48);
    if scale > 1 {
        out.push_str(&format!("<g transform=\"scale({})\">", 1.0 / f64::from(scale)));
    }
    recolour(body.trim_end().trim_end_matches("</svg>"), &mut out, scale);
    if scale > 1 {
        out.push_str("</g>");
    }
    out.push_str("</svg>");
    out
}

/// Copies plotters' SVG, in one pass (the charts are most of a metric
/// page): black fills and strokes take the page's text colour, and the
/// lines drawn in a [`Dash`] marker colour get their colour and dashes.
pub(super) fn recolour(body: &str, out: &mut String, scale: u32) {
    const OPEN: &str = "=\"#";
    let mut rest = body;
    while let Some(i) = rest.find(OPEN) {
        let (before, at) = rest.split_at(i);
        out.push_str(before);
        let Some(hex) = at
            .get(OPEN.len()..OPEN.len() + 6)
            .filter(|_| at[OPEN.len() + 6..].starts_with('"'))
        else {
            out.push_str(OPEN);
            rest = &at[OPEN.len()..];
            continue;
        };
        let painted = before.ends_with("fill") || before.ends_with("stroke");
        let dash = DASHES
            .iter()
            .find(|d| before.ends_with("stroke") && hex == d.marker_hex);
        match dash {
            _ if painted && hex == "000000" => out.push_str("=\"currentColor\""),
            Some(d) => {
                out.push_str("=\"");
                out.push_str(d.colour);
                out.push_str("\" stroke-dasharray=\"");
                let dashes: Vec<String> = d
                    .pattern
                    .split_whitespace()
                    .filter_map(|n| n.parse::<u32>().ok())
                    .map(|n| (n * scale).to_string())
                    .collect();
                out.push_str(&dashes.join(" "));
                out.push_str("\" class=\"");
                out.push_str(d.class);
                out.push('"');
            }
            None => {
                out.push_str(&at[..OPEN.len() + 7]);
                if let Some(class) = series_class(before, hex) {
                    out.push_str(" class=\"");
                    out.push_str(class);
                    out.push('"');
                }
            }
        }
        rest = &at[OPEN.len() + 7..];
    }
    out.push_str(rest);
}

/// The class by which the theme's CSS colours a series drawn in `hex`
/// (`before` ends with the attribute, `fill` or `stroke`): the actual's
/// blue and the plan's vermillion, whose shades differ in light and dark,
/// so that a line and its legend's key always agree. The colour written
/// stays, for what has no stylesheet (a picture in a letter).
fn series_class(before: &str, hex: &str) -> Option<&'static str> {
    let stroke = before.ends_with("stroke");
    let fill = before.ends_with("fill");
    match hex {
        "0072B2" if stroke => Some("s-actual"),
        "0072B2" if fill => Some("f-actual"),
        "D55E00" if stroke => Some("s-plan"),
        "D55E00" if fill => Some("f-plan"),
        _ => None,
    }
}

/// Puts a `<title>` into each filled bar of the timeline, in order. The
/// mesh draws no filled rectangles, so the bars are the `<rect>`s with a
/// `fill` other than `none`.
pub(super) fn title_rects<'a>(svg: &str, titles: impl Iterator<Item = &'a str>) -> String {
    let mut out = String::with_capacity(svg.len());
    let mut rest = svg;
    let mut titles = titles.peekable();
    while let Some(at) = rest.find("<rect") {
        let Some(end) = rest[at..].find("/>").map(|e| at + e) else {
            break;
        };
        let tag = &rest[at..end];
        out.push_str(&rest[..end]);
        if !tag.contains("fill=\"none\"") && !tag.contains("opacity=\"0\"") && titles.peek().is_some() {
            out.push_str("><title>");
            out.push_str(&escape(titles.next().unwrap_or_default()));
            out.push_str("</title></rect>");
        } else {
            out.push_str("/>");
        }
        rest = &rest[end + 2..];
    }
    out.push_str(rest);
    out
}

pub(super) fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let cut: String = text.chars().take(max - 1).collect();
    format!("{}…", cut.trim_end())
}
