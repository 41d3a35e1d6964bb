//! A metric's line chart and a KPI card's sparkline.

use plotters::prelude::*;

use super::svg::{
    ACTUAL, FONT, GREY, HEIGHT, ORIGINAL_DASH, PLAN, PLAN_DASH, SCALE, SPARK_DASH, WIDTH, bounds, draw_svg,
    finish_scaled, with_point_titles, y_label_width, y_range,
};
use crate::model::Series;

/// The scale line charts are drawn at (see [`SCALE`]).
const S: u32 = SCALE;
use crate::period::{Calendar, Month};

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
    // Room for the widest label the axis may write: its ends and middle,
    // and on a log axis every power of ten between them.
    let mut labels = vec![y_label(&y_lo), y_label(&y_hi), y_label(&((y_lo + y_hi) / 2.0))];
    if log {
        labels.extend((y_lo.ceil() as i32..=y_hi.floor() as i32).map(|p| y_label(&f64::from(p))));
    }
    let y_area = y_label_width(&labels);
    let mut titles: Vec<String> = Vec::new();
    // Drawn at SCALE times the design size and shown at it, so that lines
    // pass through their points to a quarter of a pixel.
    let Some(svg) = draw_svg((WIDTH * S, HEIGHT * S), |root| {
        let x_range = ((first.0 - 1)..(last.0 + 1)).with_key_points(key_points.clone());
        let mut c = ChartBuilder::on(root)
            .margin(6 * S)
            .margin_right(14 * S)
            .x_label_area_size(22 * S)
            .y_label_area_size(y_area * S)
            .build_cartesian_2d(x_range, y_lo..y_hi)?;
        c.configure_mesh()
            .disable_x_mesh()
            .light_line_style(TRANSPARENT)
            .bold_line_style(RGBAColor(0, 0, 0, 0.12).stroke_width(S))
            .set_all_tick_mark_size(5 * S)
            .y_labels(5)
            .x_labels(key_points.len().max(1))
            .y_label_formatter(&y_label)
            .x_label_formatter(&label_of)
            .label_style(("sans-serif", FONT * f64::from(S)))
            .axis_style(RGBAColor(0, 0, 0, 0.45).stroke_width(S))
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
                GREY.stroke_width(S),
            )))?;
            c.draw_series(std::iter::once(Text::new(
                format!("{number}"),
                (month.0, y_hi),
                ("sans-serif", FONT * 0.9 * f64::from(S)).into_font().color(&GREY),
            )))?;
        }
        if let Some(original) = chart.original {
            c.draw_series(LineSeries::new(
                line(original),
                ORIGINAL_DASH.marker.stroke_width(2 * S),
            ))?;
        }
        if !chart.plan.is_empty() {
            c.draw_series(LineSeries::new(line(chart.plan), PLAN_DASH.marker.stroke_width(2 * S)))?;
        }
        if !chart.actual.is_empty() {
            c.draw_series(LineSeries::new(line(chart.actual), ACTUAL.stroke_width(3 * S)))?;
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
                .map(|(m, v)| Circle::new((m.0, y(*v)), 3 * S, PLAN.filled())),
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
                .map(|(m, v)| Circle::new((m.0, y(*v)), 4 * S, ACTUAL.filled())),
        )?;
        Ok(())
    }) else {
        return String::new();
    };
    finish_scaled(
        &with_point_titles(&svg, &titles),
        (chart.title, chart.dom_id),
        "chart line-chart",
        S,
    )
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
    let Some(svg) = draw_svg((160 * S, 40 * S), |root| {
        let mut c = ChartBuilder::on(root)
            .margin(4 * S)
            .build_cartesian_2d(first.0..last.0.max(first.0 + 1), y_lo..y_hi)?;
        let line = |s: &Series| s.iter().map(|(m, v)| (m.0, *v)).collect::<Vec<_>>();
        c.draw_series(LineSeries::new(line(plan), SPARK_DASH.marker.stroke_width(S)))?;
        c.draw_series(LineSeries::new(line(actual), ACTUAL.stroke_width(2 * S)))?;
        if let Some((m, v)) = actual.iter().next_back() {
            c.draw_series(std::iter::once(Circle::new((m.0, *v), 3 * S, ACTUAL.filled())))?;
        }
        Ok(())
    }) else {
        return String::new();
    };
    finish_scaled(&svg, (title, dom_id), "sparkline", S)
}
