//! Charts drawn with plotters as SVG at build time.
//!
//! All plotting lives here, behind two functions, because plotters is the
//! dependency most likely to need replacing (it is barely maintained). The
//! SVG is post-processed so it scales by its viewBox, follows the page's
//! text colour (dark mode) and carries a title for screen readers.

use plotters::coord::Shift;
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
    /// Whether a log axis may be used for values spanning orders of magnitude.
    pub allow_log: bool,
}

const WIDTH: u32 = 640;
const HEIGHT: u32 = 300;
const ACTUAL: RGBColor = RGBColor(37, 99, 235);
const TARGET: RGBColor = RGBColor(217, 119, 6);

/// Draws a metric's line chart: actual solid, target dashed, a legend.
/// Values spanning more than two orders of magnitude use a log axis, so the
/// early months of a fast-growing plan stay readable.
pub fn line_chart(chart: &LineChart) -> String {
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
    let log = chart.allow_log && lo > 0.0 && hi / lo > 100.0;
    let y = |v: f64| if log { v.log10() } else { v };
    let (y_lo, y_hi) = y_range(y(lo), y(hi), log);
    let x_span = (first.0 - 1)..(last.0 + 1);
    let Some(svg) = draw_svg((WIDTH, HEIGHT), |root| {
        let mut c = ChartBuilder::on(root)
            .margin(10)
            .margin_right(28)
            .x_label_area_size(30)
            .y_label_area_size(64)
            .build_cartesian_2d(x_span.clone(), y_lo..y_hi)?;
        // On a log axis only powers of ten are labelled ($10K, $100K, $1M).
        let y_fmt = |v: &f64| match log {
            true if (v - v.round()).abs() > 1e-6 => String::new(),
            true => (chart.format)(10f64.powf(v.round())),
            false => (chart.format)(*v),
        };
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
        draw_legend(&mut c)?;
        Ok(())
    }) else {
        return String::new();
    };
    finish(svg, chart.title, chart.dom_id, "chart")
}

/// A sparkline for a KPI card: the actual line over the target, no axes.
pub fn sparkline(actual: &Series, target: &Series, title: &str, dom_id: &str) -> String {
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
    let Some(svg) = draw_svg((160, 40), |root| {
        let mut c = ChartBuilder::on(root)
            .margin(4)
            .build_cartesian_2d(first.0..last.0.max(first.0 + 1), y_lo..y_hi)?;
        let line = |s: &Series| s.iter().map(|(m, v)| (m.0, *v)).collect::<Vec<_>>();
        c.draw_series(DashedLineSeries::new(line(target), 3, 3, TARGET.stroke_width(1)))?;
        c.draw_series(LineSeries::new(line(actual), ACTUAL.stroke_width(2)))?;
        if let Some((m, v)) = actual.iter().next_back() {
            c.draw_series(std::iter::once(Circle::new((m.0, *v), 3, ACTUAL.filled())))?;
        }
        Ok(())
    }) else {
        return String::new();
    };
    finish(svg, title, dom_id, "sparkline")
}

/// `M3` on whole plan months, nothing between them.
fn plan_month_label(x: &f64) -> String {
    if x.fract() == 0.0 {
        format!("M{x:.0}")
    } else {
        String::new()
    }
}

/// Draws into an SVG string of `size`; none when plotters fails.
fn draw_svg(
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

/// The legend every chart uses: top left, no box, page-sized text.
fn draw_legend<'a, DB: DrawingBackend + 'a, CT: plotters::coord::CoordTranslate>(
    c: &mut ChartContext<'a, DB, CT>,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    c.configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .background_style(RGBAColor(255, 255, 255, 0.0))
        .border_style(TRANSPARENT)
        .label_font(("sans-serif", 15))
        .draw()
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

/// A bar of the roadmap timeline.
pub struct Bar<'a> {
    /// Row label.
    pub label: &'a str,
    /// First and last plan month.
    pub months: (u32, u32),
    /// Fill colour index (phase or priority).
    pub colour: usize,
}

const PALETTE: [RGBColor; 6] = [
    RGBColor(37, 99, 235),
    RGBColor(5, 150, 105),
    RGBColor(217, 119, 6),
    RGBColor(124, 58, 237),
    RGBColor(219, 39, 119),
    RGBColor(100, 116, 139),
];

/// The roadmap as a timeline: one bar per milestone or lever over plan
/// months, and a line at `today` (the latest month with actuals).
pub fn timeline(bars: &[Bar], today: Option<u32>, title: &str, dom_id: &str) -> String {
    let Some(last) = bars.iter().map(|b| b.months.1).max() else {
        return String::new();
    };
    let last = last.max(today.unwrap_or(0));
    let rows = bars.len() as u32;
    let height = 40 + rows * 26;
    let Some(svg) = draw_svg((WIDTH, height), |root| {
        let mut c = ChartBuilder::on(root)
            .margin(8)
            .margin_right(20)
            .x_label_area_size(26)
            .y_label_area_size(210)
            .build_cartesian_2d(0.5f64..(f64::from(last) + 0.5), 0f64..f64::from(rows))?;
        let label_of = |y: &f64| -> String {
            let i = rows as i64 - 1 - y.floor() as i64;
            if (y.fract() - 0.5).abs() > 0.01 || i < 0 {
                return String::new();
            }
            let text = bars.get(i as usize).map_or("", |b| b.label);
            shorten(text, 30)
        };
        c.configure_mesh()
            .disable_y_mesh()
            .light_line_style(TRANSPARENT)
            .bold_line_style(RGBAColor(0, 0, 0, 0.12))
            .x_labels(last as usize)
            .x_label_formatter(&plan_month_label)
            .y_labels(rows as usize * 2 + 1)
            .y_label_formatter(&label_of)
            .label_style(("sans-serif", 15))
            .axis_style(RGBAColor(0, 0, 0, 0.4))
            .draw()?;
        c.draw_series(bars.iter().enumerate().map(|(i, b)| {
            let y = f64::from(rows - 1 - i as u32);
            let colour = PALETTE[b.colour % PALETTE.len()];
            Rectangle::new(
                [
                    (f64::from(b.months.0) - 0.45, y + 0.2),
                    (f64::from(b.months.1) + 0.45, y + 0.8),
                ],
                colour.filled(),
            )
        }))?;
        if let Some(t) = today {
            let x = f64::from(t) + 0.45;
            c.draw_series(std::iter::once(PathElement::new(
                vec![(x, 0.0), (x, f64::from(rows))],
                RGBColor(220, 38, 38).stroke_width(2),
            )))?;
        }
        Ok(())
    }) else {
        return String::new();
    };
    finish(svg, title, dom_id, "chart timeline")
}

/// Investment per month as ranges (the minimum solid, up to the maximum
/// light) and, on its own axis below, the cumulative range.
pub fn investment(
    monthly: &[(u32, f64, f64)],
    format: &dyn Fn(f64) -> String,
    labels: (&str, &str),
    title: &str,
    dom_id: &str,
) -> String {
    let Some(&(last, _, _)) = monthly.last() else {
        return String::new();
    };
    let top = monthly.iter().map(|m| m.2).fold(0.0, f64::max) * 1.15;
    let Some(svg) = draw_svg((WIDTH, HEIGHT), |root| {
        let mut c = ChartBuilder::on(root)
            .margin(10)
            .margin_right(28)
            .x_label_area_size(30)
            .y_label_area_size(64)
            .build_cartesian_2d(0.5f64..(f64::from(last) + 0.5), 0f64..top.max(1.0))?;
        c.configure_mesh()
            .disable_x_mesh()
            .light_line_style(TRANSPARENT)
            .bold_line_style(RGBAColor(0, 0, 0, 0.12))
            .x_labels(last as usize)
            .x_label_formatter(&plan_month_label)
            .y_labels(6)
            .y_label_formatter(&|v| format(*v))
            .label_style(("sans-serif", 15))
            .axis_style(RGBAColor(0, 0, 0, 0.4))
            .draw()?;
        c.draw_series(monthly.iter().map(|&(m, lo, _)| {
            Rectangle::new([(f64::from(m) - 0.35, 0.0), (f64::from(m) + 0.35, lo)], ACTUAL.filled())
        }))?
        .label(labels.0)
        .legend(|(x, y)| Rectangle::new([(x, y - 5), (x + 14, y + 5)], ACTUAL.filled()));
        c.draw_series(monthly.iter().map(|&(m, lo, hi)| {
            Rectangle::new(
                [(f64::from(m) - 0.35, lo), (f64::from(m) + 0.35, hi)],
                ACTUAL.mix(0.3).filled(),
            )
        }))?
        .label(labels.1)
        .legend(|(x, y)| Rectangle::new([(x, y - 5), (x + 14, y + 5)], ACTUAL.mix(0.3).filled()));
        draw_legend(&mut c)?;
        Ok(())
    }) else {
        return String::new();
    };
    finish(svg, title, dom_id, "chart")
}

fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let cut: String = text.chars().take(max - 1).collect();
    format!("{}…", cut.trim_end())
}

#[cfg(test)]
mod tests;
