//! Charts drawn with plotters as SVG at build time.
//!
//! All plotting lives here, behind two functions, because plotters is the
//! dependency most likely to need replacing (it is barely maintained). The
//! SVG is post-processed so it scales by its viewBox, follows the page's
//! text colour (dark mode) and carries a title for screen readers.

use plotters::prelude::*;

use crate::model::Series;
use crate::period::Month;

/// What a chart shows.
pub struct LineChart<'a> {
    /// The title for screen readers (and tooltips).
    pub title: &'a str,
    /// Measured values, drawn solid.
    pub actual: &'a Series,
    /// Planned values, drawn dashed.
    pub target: &'a Series,
    /// Legend label of the actual line.
    pub actual_label: &'a str,
    /// Legend label of the target line.
    pub target_label: &'a str,
    /// Formats a value for the y axis, in the site's number style.
    pub format: &'a dyn Fn(f64) -> String,
    /// An id unique in the page, for `aria-labelledby`.
    pub dom_id: &'a str,
}

const WIDTH: u32 = 640;
const HEIGHT: u32 = 300;
const ACTUAL: RGBColor = RGBColor(37, 99, 235);
const TARGET: RGBColor = RGBColor(217, 119, 6);

/// Draws a metric's line chart: actual solid, target dashed, a legend.
/// Values spanning more than two orders of magnitude use a log axis, so the
/// early months of a fast-growing plan stay readable.
pub fn line_chart(chart: &LineChart) -> String {
    let mut svg = String::new();
    let all: Vec<(Month, f64)> = chart
        .actual
        .iter()
        .chain(chart.target.iter())
        .map(|(m, v)| (*m, *v))
        .collect();
    if all.is_empty() {
        return String::new();
    }
    let (first, last) = (
        all.iter().map(|p| p.0).min().unwrap_or(Month(0)),
        all.iter().map(|p| p.0).max().unwrap_or(Month(0)),
    );
    let (lo, hi) = all.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), (_, v)| {
        (lo.min(*v), hi.max(*v))
    });
    let log = lo > 0.0 && hi / lo > 100.0;
    let y = |v: f64| if log { v.log10() } else { v };
    let (y_lo, y_hi) = y_range(y(lo), y(hi), log);
    let x_span = (first.0 - 1)..(last.0 + 1);
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, HEIGHT)).into_drawing_area();
        let draw = || -> Result<(), Box<dyn std::error::Error + '_>> {
            let mut c = ChartBuilder::on(&root)
                .margin(10)
                .margin_right(28)
                .x_label_area_size(30)
                .y_label_area_size(64)
                .build_cartesian_2d(x_span.clone(), y_lo..y_hi)?;
            let y_fmt = |v: &f64| (chart.format)(if log { 10f64.powf(*v) } else { *v });
            let x_fmt = |m: &i32| {
                if *m < first.0 || *m > last.0 {
                    String::new()
                } else {
                    Month(*m).to_string()
                }
            };
            c.configure_mesh()
                .disable_x_mesh()
                .light_line_style(TRANSPARENT)
                .bold_line_style(RGBAColor(0, 0, 0, 0.15))
                .y_labels(6)
                .x_labels(7)
                .y_label_formatter(&y_fmt)
                .x_label_formatter(&x_fmt)
                .label_style(("sans-serif", 15))
                .axis_style(RGBAColor(0, 0, 0, 0.4))
                .draw()?;
            let target: Vec<(i32, f64)> = chart.target.iter().map(|(m, v)| (m.0, y(*v))).collect();
            let actual: Vec<(i32, f64)> = chart.actual.iter().map(|(m, v)| (m.0, y(*v))).collect();
            if !target.is_empty() {
                c.draw_series(DashedLineSeries::new(target.clone(), 6, 4, TARGET.stroke_width(2)))?
                    .label(chart.target_label)
                    .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], TARGET.stroke_width(2)));
                c.draw_series(target.iter().map(|p| Circle::new(*p, 3, TARGET.filled())))?;
            }
            if !actual.is_empty() {
                c.draw_series(LineSeries::new(actual.clone(), ACTUAL.stroke_width(3)))?
                    .label(chart.actual_label)
                    .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], ACTUAL.stroke_width(3)));
                c.draw_series(actual.iter().map(|p| Circle::new(*p, 4, ACTUAL.filled())))?;
            }
            c.configure_series_labels()
                .position(SeriesLabelPosition::UpperLeft)
                .background_style(RGBAColor(255, 255, 255, 0.0))
                .border_style(TRANSPARENT)
                .label_font(("sans-serif", 15))
                .draw()?;
            root.present()?;
            Ok(())
        };
        if draw().is_err() {
            return String::new();
        }
    }
    finish(svg, chart.title, chart.dom_id, "chart")
}

/// A sparkline for a KPI card: the actual line over the target, no axes.
pub fn sparkline(actual: &Series, target: &Series, title: &str, dom_id: &str) -> String {
    let mut svg = String::new();
    // The card is about the recent trend: the target is drawn only over the
    // months that have actuals (all of it when there are none yet).
    let window: Series = match (actual.keys().next(), actual.keys().next_back()) {
        (Some(a), Some(b)) => target.range(*a..=*b).map(|(m, v)| (*m, *v)).collect(),
        _ => target.clone(),
    };
    let target = &window;
    let points: Vec<(Month, f64)> = actual.iter().chain(target.iter()).map(|(m, v)| (*m, *v)).collect();
    let (Some(first), Some(last)) = (points.iter().map(|p| p.0).min(), points.iter().map(|p| p.0).max()) else {
        return String::new();
    };
    let (lo, hi) = points
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), (_, v)| {
            (lo.min(*v), hi.max(*v))
        });
    let (y_lo, y_hi) = y_range(lo, hi, false);
    {
        let root = SVGBackend::with_string(&mut svg, (160, 40)).into_drawing_area();
        let draw = || -> Result<(), Box<dyn std::error::Error + '_>> {
            let mut c = ChartBuilder::on(&root)
                .margin(4)
                .build_cartesian_2d(first.0..last.0.max(first.0 + 1), y_lo..y_hi)?;
            let line = |s: &Series| s.iter().map(|(m, v)| (m.0, *v)).collect::<Vec<_>>();
            c.draw_series(DashedLineSeries::new(line(target), 3, 3, TARGET.stroke_width(1)))?;
            c.draw_series(LineSeries::new(line(actual), ACTUAL.stroke_width(2)))?;
            if let Some((m, v)) = actual.iter().next_back() {
                c.draw_series(std::iter::once(Circle::new((m.0, *v), 3, ACTUAL.filled())))?;
            }
            root.present()?;
            Ok(())
        };
        if draw().is_err() {
            return String::new();
        }
    }
    finish(svg, title, dom_id, "sparkline")
}

/// A y range with some air above and, for linear axes, starting at zero
/// when the data are positive, so bars and lines are not exaggerated.
fn y_range(lo: f64, hi: f64, log: bool) -> (f64, f64) {
    if log {
        return (lo.floor(), hi + (hi - lo) * 0.05);
    }
    let lo = if lo >= 0.0 { 0.0 } else { lo * 1.1 };
    let hi = if hi <= 0.0 { 0.0 } else { hi * 1.1 };
    if (hi - lo).abs() < f64::EPSILON {
        (lo - 1.0, hi + 1.0)
    } else {
        (lo, hi)
    }
}

/// Makes plotters' SVG responsive and accessible: drops the fixed size and
/// the white background, uses the page's text colour, adds a `<title>`.
fn finish(svg: String, title: &str, dom_id: &str, class: &str) -> String {
    let Some(tag_end) = svg.find('>') else {
        return svg;
    };
    let view_box = svg[..tag_end]
        .split("viewBox=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap_or("0 0 640 300")
        .to_string();
    let mut body = svg[tag_end + 1..].to_string();
    if let Some(rect_end) = body.find("/>").filter(|_| body.trim_start().starts_with("<rect")) {
        body.replace_range(..rect_end + 2, "");
    }
    let body = body
        .replace("fill=\"#000000\"", "fill=\"currentColor\"")
        .replace("stroke=\"#000000\"", "stroke=\"currentColor\"");
    let title_id = format!("{dom_id}-title");
    format!(
        "<svg class=\"{class}\" viewBox=\"{view_box}\" xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-labelledby=\"{title_id}\" preserveAspectRatio=\"xMidYMid meet\"><title id=\"{title_id}\">{}</title>{body}",
        escape(title)
    )
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn series(points: &[(i32, f64)]) -> Series {
        points.iter().map(|(m, v)| (Month(*m), *v)).collect()
    }

    #[test]
    fn line_chart_is_responsive_and_titled() {
        let actual = series(&[(24288, 96_000.0), (24289, 240_000.0)]);
        let target = series(&[(24288, 100_000.0), (24290, 500_000.0)]);
        let fmt = |v: f64| format!("${v:.0}");
        let svg = line_chart(&LineChart {
            title: "ARR <plan>",
            actual: &actual,
            target: &target,
            actual_label: "Actual",
            target_label: "Target",
            format: &fmt,
            dom_id: "c1",
        });
        assert!(
            svg.starts_with("<svg class=\"chart\" viewBox=\"0 0 640 300\""),
            "{}",
            &svg[..120]
        );
        assert!(!svg[..200].contains("width=\""), "fixed size removed");
        assert!(svg.contains("<title id=\"c1-title\">ARR &lt;plan&gt;</title>"));
        assert!(svg.contains("2024-01"), "x labels are months");
        assert!(svg.contains("Target") && svg.contains("Actual"), "legend");
        assert!(svg.contains("<polyline") || svg.contains("<path"), "lines drawn");
    }

    #[test]
    fn empty_series_draw_nothing() {
        let empty = Series::new();
        assert_eq!(sparkline(&empty, &empty, "x", "s"), "");
    }
}
