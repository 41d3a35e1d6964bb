//! Charts drawn with plotters as SVG at build time.
//!
//! All plotting lives here, because plotters is the dependency most likely
//! to need replacing (it is barely maintained). The charts follow a few
//! rules a designer would ask for:
//!
//! - Each is drawn at a small design size with 12 px text, and the page
//!   shows it between that size and a third larger: text stays between 12
//!   and 16 px at any screen width, never 5 px on a phone nor 21 px on a
//!   wide screen. The roadmap's timeline keeps its size and scrolls.
//! - Time ticks fall on month, quarter or year boundaries, in the site's
//!   language (`mar 2024`, `T2 2024`, `2025`); value ticks are round
//!   numbers in the metric's display unit.
//! - Colours come from one colour-blind-safe palette (Okabe and Ito); the
//!   legends are HTML beside the chart, outside the plot, where they can
//!   never cover the data.
//! - Every point has its value as an SVG `<title>`, shown on hover or tap
//!   with no script; the whole chart has a title for screen readers, and
//!   its numbers are also in a table.

use crate::html::escape;
use plotters::coord::Shift;
use plotters::prelude::*;

use crate::model::Series;
use crate::period::{Calendar, Month};

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
const ACTUAL: RGBColor = PALETTE[0];
const PLAN: RGBColor = PALETTE[1];
const GREY: RGBColor = PALETTE[6];

/// A dashed line. plotters draws a dashed series as one element per dash
/// (some forty on a plan line, a third of a metric page's SVG), so a
/// dashed line is drawn solid in a colour of its own, one step from the
/// real one, and [`finish`] gives it back its colour and an SVG dash
/// pattern: one element per line, drawn the same.
struct Dash {
    /// The colour the line is drawn in.
    marker: RGBColor,
    /// That colour as plotters writes it (a test checks they agree).
    marker_hex: &'static str,
    /// Its real colour, `#RRGGBB`.
    colour: &'static str,
    /// Dash and gap lengths, in the chart's units.
    pattern: &'static str,
}

/// The plan on a line chart.
const PLAN_DASH: Dash = Dash {
    marker: RGBColor(213, 94, 1),
    marker_hex: "D55E01",
    colour: "#D55E00",
    pattern: "5 3",
};
/// The plan as first written, on a line chart.
const ORIGINAL_DASH: Dash = Dash {
    marker: RGBColor(120, 120, 121),
    marker_hex: "787879",
    colour: "#787878",
    pattern: "2 3",
};
/// The plan on a sparkline.
const SPARK_DASH: Dash = Dash {
    marker: RGBColor(213, 94, 2),
    marker_hex: "D55E02",
    colour: "#D55E00",
    pattern: "3 3",
};
const DASHES: [&Dash; 3] = [&PLAN_DASH, &ORIGINAL_DASH, &SPARK_DASH];

/// Line charts' design size: text is 12 px at this width.
const WIDTH: u32 = 360;
const HEIGHT: u32 = 220;
/// plotters divides font sizes by 1.24: this gives 12 px text.
const FONT: f64 = 14.9;

/// Words the charts write into point titles.
#[derive(Debug, Clone, Copy)]
pub struct Words<'a> {
    /// "Real" / "Actual".
    pub actual: &'a str,
    /// "Objetivo" / "Target".
    pub target: &'a str,
    /// "interpolado" / "interpolated".
    pub interpolated: &'a str,
}

/// What a metric's chart shows.
pub struct LineChart<'a> {
    /// The title for screen readers.
    pub title: &'a str,
    /// Measured values, drawn solid.
    pub actual: &'a Series,
    /// The plan of every month (targets and what lies between), dashed.
    pub plan: &'a Series,
    /// The months whose plan is a written target, marked with dots.
    pub targets: &'a Series,
    /// The lowest and highest scenario of each month, drawn as a band.
    pub band: Option<(&'a Series, &'a Series)>,
    /// The plan as first written, when it was revised, dotted.
    pub original: Option<&'a Series>,
    /// Numbered events: a marker line at each month.
    pub events: &'a [(Month, usize)],
    /// A value as tables write it (for point titles).
    pub format: &'a dyn Fn(f64) -> String,
    /// A tick of the value axis.
    pub axis: &'a dyn Fn(f64) -> String,
    /// Month names.
    pub calendar: Calendar,
    /// Words for point titles.
    pub words: Words<'a>,
    /// An id unique in the page, for `aria-labelledby`.
    pub dom_id: &'a str,
    /// Whether a log axis may be used.
    pub allow_log: bool,
}

/// Whether values spanning this range are drawn on a log axis: positive,
/// and more than two orders of magnitude apart, so the early months of a
/// fast-growing plan stay readable.
pub fn wants_log(series: &[&Series]) -> bool {
    let (lo, hi) = bounds(series.iter().flat_map(|s| s.values().copied()));
    lo > 0.0 && hi / lo > 100.0
}

/// The smallest and largest of some values (infinite when none).
fn bounds(values: impl Iterator<Item = f64>) -> (f64, f64) {
    values
        .filter(|v| v.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| (lo.min(v), hi.max(v)))
}

/// The months where the time axis has a tick, and how each is labelled:
/// every month, quarter, half-year, year or more, whichever gives at most
/// `max` ticks, always on a boundary of that step.
pub fn time_ticks(first: Month, last: Month, max: usize, calendar: Calendar) -> Vec<(Month, String)> {
    let span = (last.0 - first.0).max(0) as usize + 1;
    let step: i32 = [1, 3, 6, 12, 24, 60, 120, 300]
        .into_iter()
        .find(|s| span.div_ceil(*s as usize) <= max)
        .unwrap_or(600);
    let begin = first.0 + (step - first.0.rem_euclid(step)) % step;
    (begin..=last.0)
        .step_by(step as usize)
        .enumerate()
        .map(|(i, m)| {
            let month = Month(m);
            let label = match step {
                1 if i == 0 || month.month() == 1 => calendar.short(month),
                1 => calendar.abbr(month).to_string(),
                3 | 6 => calendar.quarter(month),
                _ => month.year().to_string(),
            };
            (month, label)
        })
        .collect()
}

/// Draws a metric's line chart.
pub fn line_chart(chart: &LineChart) -> String {
    let mut everything: Vec<&Series> = vec![chart.actual, chart.plan];
    if let Some((lo, hi)) = chart.band {
        everything.extend([lo, hi]);
    }
    if let Some(original) = chart.original {
        everything.push(original);
    }
    let months = everything.iter().flat_map(|s| s.keys().copied());
    let (Some(first), Some(last)) = (months.clone().min(), months.max()) else {
        return String::new();
    };
    let log = chart.allow_log && wants_log(&everything);
    let y = |v: f64| if log { v.log10() } else { v };
    let (lo, hi) = bounds(everything.iter().flat_map(|s| s.values().map(|v| y(*v))));
    let (y_lo, y_hi) = y_range(lo, hi, log);
    let ticks = time_ticks(first, last, 5, chart.calendar);
    let key_points: Vec<i32> = ticks.iter().map(|(m, _)| m.0).collect();
    let label_of = |m: &i32| {
        ticks
            .iter()
            .find(|(t, _)| t.0 == *m)
            .map_or_else(String::new, |(_, l)| l.clone())
    };
    let y_label = |v: &f64| match log {
        true if (v - v.round()).abs() > 1e-6 => String::new(),
        true => (chart.axis)(10f64.powf(v.round())),
        false => (chart.axis)(*v),
    };
    let y_area = y_label_width(&[y_label(&y_lo), y_label(&y_hi), y_label(&((y_lo + y_hi) / 2.0))]);
    let mut titles: Vec<String> = Vec::new();
    let Some(svg) = draw_svg((WIDTH, HEIGHT), |root| {
        let x_range = ((first.0 - 1)..(last.0 + 1)).with_key_points(key_points.clone());
        let mut c = ChartBuilder::on(root)
            .margin(6)
            .margin_right(14)
            .x_label_area_size(22)
            .y_label_area_size(y_area)
            .build_cartesian_2d(x_range, y_lo..y_hi)?;
        c.configure_mesh()
            .disable_x_mesh()
            .light_line_style(TRANSPARENT)
            .bold_line_style(RGBAColor(0, 0, 0, 0.12))
            .y_labels(5)
            .x_labels(key_points.len().max(1))
            .y_label_formatter(&y_label)
            .x_label_formatter(&label_of)
            .label_style(("sans-serif", FONT))
            .axis_style(RGBAColor(0, 0, 0, 0.45))
            .draw()?;
        let line = |s: &Series| s.iter().map(|(m, v)| (m.0, y(*v))).collect::<Vec<_>>();
        if let Some((low, high)) = chart.band {
            let upper = line(high);
            let mut lower = line(low);
            lower.reverse();
            let outline: Vec<(i32, f64)> = upper.into_iter().chain(lower).collect();
            c.draw_series(std::iter::once(Polygon::new(outline, PLAN.mix(0.14).filled())))?;
        }
        for (month, number) in chart.events {
            c.draw_series(std::iter::once(PathElement::new(
                vec![(month.0, y_lo), (month.0, y_hi)],
                GREY.stroke_width(1),
            )))?;
            c.draw_series(std::iter::once(Text::new(
                format!("{number}"),
                (month.0, y_hi),
                ("sans-serif", FONT * 0.9).into_font().color(&GREY),
            )))?;
        }
        if let Some(original) = chart.original {
            c.draw_series(LineSeries::new(line(original), ORIGINAL_DASH.marker.stroke_width(2)))?;
        }
        if !chart.plan.is_empty() {
            c.draw_series(LineSeries::new(line(chart.plan), PLAN_DASH.marker.stroke_width(2)))?;
        }
        if !chart.actual.is_empty() {
            c.draw_series(LineSeries::new(line(chart.actual), ACTUAL.stroke_width(3)))?;
        }
        // Dots last, so they sit on top; each gets a title, in this order.
        let (target_word, actual_word) = (chart.words.target.to_lowercase(), chart.words.actual.to_lowercase());
        titles.reserve(chart.targets.len() + chart.actual.len());
        for (month, value) in chart.targets {
            titles.push(format!(
                "{}: {target_word} {}",
                chart.calendar.short(*month),
                (chart.format)(*value)
            ));
        }
        c.draw_series(
            chart
                .targets
                .iter()
                .map(|(m, v)| Circle::new((m.0, y(*v)), 3, PLAN.filled())),
        )?;
        for (month, value) in chart.actual {
            let plan = chart.plan.get(month).map_or_else(String::new, |p| {
                let note = if chart.targets.contains_key(month) {
                    String::new()
                } else {
                    format!(", {}", chart.words.interpolated)
                };
                format!(" ({target_word} {}{note})", (chart.format)(*p))
            });
            titles.push(format!(
                "{}: {actual_word} {}{plan}",
                chart.calendar.short(*month),
                (chart.format)(*value)
            ));
        }
        c.draw_series(
            chart
                .actual
                .iter()
                .map(|(m, v)| Circle::new((m.0, y(*v)), 4, ACTUAL.filled())),
        )?;
        Ok(())
    }) else {
        return String::new();
    };
    finish(
        &with_point_titles(&svg, &titles),
        chart.title,
        chart.dom_id,
        "chart line-chart",
    )
}

/// Room for the value axis's labels: their length at 12 px.
fn y_label_width(labels: &[String]) -> u32 {
    let longest = labels.iter().map(|l| l.chars().count()).max().unwrap_or(3) as u32;
    (longest * 7 + 12).clamp(30, 90)
}

/// The plan month an axis position labels: whole positions from `first`
/// on, one in every `every`, so a long axis keeps its labels apart.
fn every_nth_month(x: f64, first: u32, every: usize) -> Option<u32> {
    let m = x.round();
    if (x - m).abs() > 1e-6 || m < f64::from(first) {
        return None;
    }
    let m = m as u32;
    ((m - first) as usize).is_multiple_of(every.max(1)).then_some(m)
}

/// Puts a `<title>` inside each `<circle>` of plotters' SVG, in drawing
/// order, so every point shows its value on hover or tap.
fn with_point_titles(svg: &str, titles: &[String]) -> String {
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

/// A sparkline for a KPI card: the actual line over the plan, no axes.
pub fn sparkline(actual: &Series, plan: &Series, title: &str, dom_id: &str) -> String {
    // The card is about the recent trend: the plan is drawn only over the
    // months that have actuals (all of it when there are none yet).
    let window: Series = match (actual.keys().next(), actual.keys().next_back()) {
        (Some(a), Some(b)) => plan.range(*a..=*b).map(|(m, v)| (*m, *v)).collect(),
        _ => plan.clone(),
    };
    let plan = &window;
    let points: Vec<(Month, f64)> = actual.iter().chain(plan.iter()).map(|(m, v)| (*m, *v)).collect();
    let (Some(first), Some(last)) = (points.iter().map(|p| p.0).min(), points.iter().map(|p| p.0).max()) else {
        return String::new();
    };
    let (lo, hi) = bounds(points.iter().map(|p| p.1));
    let (y_lo, y_hi) = y_range(lo, hi, false);
    let Some(svg) = draw_svg((160, 40), |root| {
        let mut c = ChartBuilder::on(root)
            .margin(4)
            .build_cartesian_2d(first.0..last.0.max(first.0 + 1), y_lo..y_hi)?;
        let line = |s: &Series| s.iter().map(|(m, v)| (m.0, *v)).collect::<Vec<_>>();
        c.draw_series(LineSeries::new(line(plan), SPARK_DASH.marker.stroke_width(1)))?;
        c.draw_series(LineSeries::new(line(actual), ACTUAL.stroke_width(2)))?;
        if let Some((m, v)) = actual.iter().next_back() {
            c.draw_series(std::iter::once(Circle::new((m.0, *v), 3, ACTUAL.filled())))?;
        }
        Ok(())
    }) else {
        return String::new();
    };
    finish(&svg, title, dom_id, "sparkline")
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

/// A y range with some air above and, for linear axes, starting at zero
/// when the data are positive, so bars and lines are not exaggerated. A
/// range that is no range (one value, or nothing finite) gets one around it.
fn y_range(lo: f64, hi: f64, log: bool) -> (f64, f64) {
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

/// Makes plotters' SVG responsive and accessible: a viewBox and no fixed
/// size, no white background, the page's text colour, a `<title>`.
fn finish(svg: &str, title: &str, dom_id: &str, class: &str) -> String {
    let Some(tag_end) = svg.find('>') else {
        return svg.to_string();
    };
    let view_box = svg[..tag_end]
        .split("viewBox=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap_or("0 0 360 220")
        .to_string();
    let mut body = &svg[tag_end + 1..];
    if let Some(rect_end) = body.find("/>").filter(|_| body.trim_start().starts_with("<rect")) {
        body = &body[rect_end + 2..];
    }
    let title_id = format!("{dom_id}-title");
    let mut out = format!(
        "<svg class=\"{class}\" viewBox=\"{view_box}\" xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-labelledby=\"{title_id}\" preserveAspectRatio=\"xMidYMid meet\"><title id=\"{title_id}\">{}</title>",
        escape(title)
    );
    out.reserve(body.len());
    recolour(body, &mut out);
    out
}

/// Copies plotters' SVG, in one pass (the charts are most of a metric
/// page): black fills and strokes take the page's text colour, and the
/// lines drawn in a [`Dash`] marker colour get their colour and dashes.
fn recolour(body: &str, out: &mut String) {
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
                out.push_str(d.pattern);
                out.push('"');
            }
            None => {
                out.push_str(&at[..OPEN.len() + 7]);
            }
        }
        rest = &at[OPEN.len() + 7..];
    }
    out.push_str(rest);
}

/// A bar of the roadmap timeline.
pub struct Bar<'a> {
    /// Row label.
    pub label: &'a str,
    /// First and last plan month.
    pub months: (u32, u32),
    /// Fill colour: an index into [`PALETTE`].
    pub colour: usize,
    /// Its title (what, when, how much), shown on hover.
    pub title: String,
}

/// The roadmap as a timeline: one bar per milestone or lever over plan
/// months, and a line at `today` (the latest month with actuals). It is
/// drawn at the size it is read at (12 px text) and scrolls on phones.
pub fn timeline(bars: &[Bar], today: Option<u32>, label: &dyn Fn(u32) -> String, title: &str, dom_id: &str) -> String {
    let Some(last) = bars.iter().map(|b| b.months.1).max() else {
        return String::new();
    };
    let last = last.max(today.unwrap_or(0));
    let rows = bars.len() as u32;
    let height = 36 + rows * 24;
    let width = 640;
    let label_every = (last as usize).div_ceil(12).max(1);
    let Some(svg) = draw_svg((width, height), |root| {
        let mut c = ChartBuilder::on(root)
            .margin(6)
            .margin_right(16)
            .x_label_area_size(22)
            .y_label_area_size(236)
            .build_cartesian_2d(0.5f64..(f64::from(last) + 0.5), 0f64..f64::from(rows))?;
        let label_of = |y: &f64| -> String {
            let i = rows as i64 - 1 - y.floor() as i64;
            if (y.fract() - 0.5).abs() > 0.01 || i < 0 {
                return String::new();
            }
            shorten(bars.get(i as usize).map_or("", |b| b.label), 34)
        };
        let x_label = |x: &f64| every_nth_month(*x, 1, label_every).map_or_else(String::new, label);
        c.configure_mesh()
            .disable_y_mesh()
            .light_line_style(TRANSPARENT)
            .bold_line_style(RGBAColor(0, 0, 0, 0.12))
            .x_labels(last as usize)
            .x_label_formatter(&x_label)
            .y_labels(rows as usize * 2 + 1)
            .y_label_formatter(&label_of)
            .label_style(("sans-serif", FONT))
            .axis_style(RGBAColor(0, 0, 0, 0.45))
            .draw()?;
        c.draw_series(bars.iter().enumerate().map(|(i, b)| {
            let y = f64::from(rows - 1 - i as u32);
            Rectangle::new(
                [
                    (f64::from(b.months.0) - 0.45, y + 0.2),
                    (f64::from(b.months.1) + 0.45, y + 0.8),
                ],
                PALETTE[b.colour % PALETTE.len()].filled(),
            )
        }))?;
        if let Some(t) = today {
            let x = f64::from(t) + 0.45;
            c.draw_series(std::iter::once(PathElement::new(
                vec![(x, 0.0), (x, f64::from(rows))],
                BLACK.stroke_width(2),
            )))?;
        }
        Ok(())
    }) else {
        return String::new();
    };
    // Bars are rectangles drawn in order after the mesh: give each a title.
    let titled = title_rects(&svg, bars.iter().map(|b| b.title.as_str()));
    finish(&titled, title, dom_id, "chart timeline")
}

/// Puts a `<title>` into each filled bar of the timeline, in order. The
/// mesh draws no filled rectangles, so the bars are the `<rect>`s with a
/// `fill` other than `none`.
fn title_rects<'a>(svg: &str, titles: impl Iterator<Item = &'a str>) -> String {
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

/// Investment per plan month as ranges: a bar from zero to the minimum,
/// and a lighter one on top up to the maximum.
pub fn investment(
    monthly: &[(u32, f64, f64)],
    axis: &dyn Fn(f64) -> String,
    month_label: &dyn Fn(u32) -> String,
    title: &str,
    dom_id: &str,
) -> String {
    let Some(&(last, _, _)) = monthly.last() else {
        return String::new();
    };
    let top = monthly.iter().map(|m| m.2).fold(0.0, f64::max) * 1.15;
    let label_every = (last as usize).div_ceil(6).max(1);
    let y_area = y_label_width(&[axis(top), axis(top / 2.0)]);
    let Some(svg) = draw_svg((WIDTH, HEIGHT), |root| {
        let mut c = ChartBuilder::on(root)
            .margin(6)
            .margin_right(14)
            .x_label_area_size(22)
            .y_label_area_size(y_area)
            .build_cartesian_2d(0.5f64..(f64::from(last) + 0.5), 0f64..top.max(1.0))?;
        let x_label = |x: &f64| every_nth_month(*x, 1, label_every).map_or_else(String::new, month_label);
        c.configure_mesh()
            .disable_x_mesh()
            .light_line_style(TRANSPARENT)
            .bold_line_style(RGBAColor(0, 0, 0, 0.12))
            .x_labels(last as usize)
            .x_label_formatter(&x_label)
            .y_labels(5)
            .y_label_formatter(&|v| axis(*v))
            .label_style(("sans-serif", FONT))
            .axis_style(RGBAColor(0, 0, 0, 0.45))
            .draw()?;
        let colour = PALETTE[2];
        c.draw_series(monthly.iter().map(|&(m, lo, _)| {
            Rectangle::new([(f64::from(m) - 0.35, 0.0), (f64::from(m) + 0.35, lo)], colour.filled())
        }))?;
        c.draw_series(monthly.iter().map(|&(m, lo, hi)| {
            Rectangle::new(
                [(f64::from(m) - 0.35, lo), (f64::from(m) + 0.35, hi)],
                colour.mix(0.3).filled(),
            )
        }))?;
        Ok(())
    }) else {
        return String::new();
    };
    finish(&svg, title, dom_id, "chart")
}

/// A running total known as a range (the cumulative investment): the band
/// between the least and the most it can be.
pub fn range_band(
    low: &[(u32, f64)],
    high: &[(u32, f64)],
    axis: &dyn Fn(f64) -> String,
    month_label: &dyn Fn(u32) -> String,
    title: &str,
    dom_id: &str,
) -> String {
    let Some(&(last, _)) = high.last() else {
        return String::new();
    };
    let first = high.first().map_or(1, |p| p.0);
    let top = high.iter().map(|p| p.1).fold(0.0, f64::max) * 1.1;
    let label_every = ((last - first + 1) as usize).div_ceil(6).max(1);
    let y_area = y_label_width(&[axis(top), axis(top / 2.0)]);
    let Some(svg) = draw_svg((WIDTH, HEIGHT), |root| {
        let mut c = ChartBuilder::on(root)
            .margin(6)
            .margin_right(14)
            .x_label_area_size(22)
            .y_label_area_size(y_area)
            .build_cartesian_2d(f64::from(first) - 0.5..(f64::from(last) + 0.5), 0f64..top.max(1.0))?;
        let x_label = |x: &f64| every_nth_month(*x, first, label_every).map_or_else(String::new, month_label);
        c.configure_mesh()
            .disable_x_mesh()
            .light_line_style(TRANSPARENT)
            .bold_line_style(RGBAColor(0, 0, 0, 0.12))
            .x_labels((last - first + 1) as usize)
            .x_label_formatter(&x_label)
            .y_labels(5)
            .y_label_formatter(&|v| axis(*v))
            .label_style(("sans-serif", FONT))
            .axis_style(RGBAColor(0, 0, 0, 0.45))
            .draw()?;
        let colour = PALETTE[2];
        let points = |s: &[(u32, f64)]| s.iter().map(|(m, v)| (f64::from(*m), *v)).collect::<Vec<_>>();
        let mut outline = points(high);
        let mut under = points(low);
        under.reverse();
        outline.extend(under);
        c.draw_series(std::iter::once(Polygon::new(outline, colour.mix(0.25).filled())))?;
        c.draw_series(LineSeries::new(points(low), colour.stroke_width(2)))?;
        c.draw_series(LineSeries::new(points(high), colour.stroke_width(2)))?;
        Ok(())
    }) else {
        return String::new();
    };
    finish(&svg, title, dom_id, "chart")
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
