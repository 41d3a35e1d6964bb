//! The plan's charts: the roadmap's timeline and investment over time.

use plotters::prelude::*;

use super::svg::{
    FONT, HEIGHT, PALETTE, WIDTH, draw_svg, every_nth_month, finish, shorten, title_rects, y_label_width,
};

/// The outline of a late bar: the pages' red for bad news.
const LATE: RGBColor = RGBColor(179, 38, 30);

/// Where a bar of the roadmap stands at the latest actuals.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Not begun: drawn pale.
    Planned,
    /// Under way: drawn full.
    Underway,
    /// Finished: drawn full, its label marked ✓.
    Done,
    /// Its months are over and its tasks are not: outlined, marked !.
    Late,
}

impl Stage {
    /// The mark before the bar's label (the legend says what each means).
    pub fn mark(self) -> &'static str {
        match self {
            Stage::Planned => "",
            Stage::Underway => "▸ ",
            Stage::Done => "✓ ",
            Stage::Late => "! ",
        }
    }
}

/// A bar of the roadmap timeline.
pub struct Bar<'a> {
    /// Where it stands.
    pub stage: Stage,
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
            bars.get(i as usize)
                .map_or_else(String::new, |b| format!("{}{}", b.stage.mark(), shorten(b.label, 32)))
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
        let corners = |i: usize, b: &Bar| {
            let y = f64::from(rows - 1 - i as u32);
            [
                (f64::from(b.months.0) - 0.45, y + 0.2),
                (f64::from(b.months.1) + 0.45, y + 0.8),
            ]
        };
        c.draw_series(bars.iter().enumerate().map(|(i, b)| {
            let colour = PALETTE[b.colour % PALETTE.len()];
            let fill = match b.stage {
                Stage::Planned => colour.mix(0.4).filled(),
                _ => colour.filled(),
            };
            Rectangle::new(corners(i, b), fill)
        }))?;
        // A late bar is outlined in the colour of bad news, over its fill.
        c.draw_series(
            bars.iter()
                .enumerate()
                .filter(|(_, b)| b.stage == Stage::Late)
                .map(|(i, b)| Rectangle::new(corners(i, b), LATE.stroke_width(2))),
        )?;
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
