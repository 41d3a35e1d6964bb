//! Unit tests of the parent module.

use super::line::*;
use super::svg::*;
use crate::model::Series;
use crate::period::{Calendar, Month};
use plotters::prelude::RGBColor;

fn series(points: &[(i32, f64)]) -> Series {
    points.iter().map(|(m, v)| (Month(*m), *v)).collect()
}

fn chart(actual: &Series, plan: &Series, targets: &Series, events: &[(Month, usize)]) -> String {
    let fmt = |v: f64| format!("${v:.0}");
    line_chart(&LineChart {
        title: "ARR <plan>",
        actual,
        plan,
        targets,
        band: None,
        original: None,
        events,
        format: &fmt,
        axis: &fmt,
        calendar: Calendar::new("es"),
        words: Words {
            actual: "Real",
            target: "Objetivo",
            interpolated: "interpolado",
        },
        dom_id: "c1",
        allow_log: true,
    })
}

#[test]
fn line_chart_is_responsive_titled_and_every_point_has_its_value() {
    let actual = series(&[(24288, 96_000.0), (24289, 240_000.0)]);
    let targets = series(&[(24288, 100_000.0), (24290, 500_000.0)]);
    let plan = series(&[(24288, 100_000.0), (24289, 223_607.0), (24290, 500_000.0)]);
    let svg = chart(&actual, &plan, &targets, &[]);
    assert!(
        svg.starts_with("<svg class=\"chart line-chart\" viewBox=\"0 0 360 220\""),
        "{}",
        &svg[..120]
    );
    assert!(!svg[..200].contains("width=\""), "fixed size removed");
    assert!(svg.contains("<title id=\"c1-title\">ARR &lt;plan&gt;</title>"));
    assert!(svg.contains("<polyline") || svg.contains("<path"), "lines drawn");
    // Two written targets and two actuals: four points, four titles.
    assert_eq!(svg.matches("</circle>").count(), 4, "{svg}");
    assert!(
        svg.contains("<title>feb 2024: real $240000 (objetivo $223607, interpolado)</title>"),
        "{svg}"
    );
    assert!(svg.contains("<title>mar 2024: objetivo $500000</title>"), "{svg}");
    assert!(
        !svg.contains("legend") && !svg.contains(">Real<"),
        "the legend is HTML, outside the plot"
    );
}

#[test]
fn time_ticks_fall_on_boundaries_in_the_site_language() {
    let es = Calendar::new("es");
    let jan24 = Month::new(2024, 1).unwrap();
    let labels = |first: Month, last: Month| -> Vec<String> {
        time_ticks(first, last, 5, es).into_iter().map(|(_, l)| l).collect()
    };
    assert_eq!(
        labels(jan24, jan24.offset(3)),
        ["ene 2024", "feb", "mar", "abr"],
        "monthly"
    );
    assert_eq!(
        labels(jan24, jan24.offset(11)),
        ["T1 2024", "T2 2024", "T3 2024", "T4 2024"],
        "quarters"
    );
    assert_eq!(labels(jan24, jan24.offset(35)), ["2024", "2025", "2026"], "years");
    // A span that starts mid-quarter ticks at the next quarter's start.
    let ticks = time_ticks(jan24.offset(1), jan24.offset(12), 5, es);
    assert!(ticks.iter().all(|(m, _)| (m.month() - 1) % 3 == 0), "{ticks:?}");
    assert!(
        ticks.iter().map(|(m, _)| m.year()).filter(|y| *y == 2024).count() <= 4,
        "one label a quarter"
    );
}

#[test]
fn events_are_numbered_markers() {
    let actual = series(&[(24288, 1.0), (24290, 3.0)]);
    let svg = chart(&actual, &Series::new(), &Series::new(), &[(Month(24289), 1)]);
    assert!(svg.contains(">\n1\n</text>") || svg.contains(">1</text>"), "{svg}");
}

#[test]
fn absurd_ranges_still_draw_and_never_hang() {
    let actual = series(&[(24288, 1e15), (24289, -1e15), (24290, 0.0)]);
    assert!(!chart(&actual, &Series::new(), &Series::new(), &[]).is_empty());
    let one = series(&[(24288, 5.0)]);
    assert!(!chart(&one, &one, &one, &[]).is_empty());
}

#[test]
fn empty_series_draw_nothing() {
    let empty = Series::new();
    assert_eq!(sparkline(&empty, &empty, "x", "s"), "");
}

#[test]
fn month_axes_label_every_nth_whole_month_from_the_first() {
    let labelled: Vec<u32> = (0..=40)
        .filter_map(|i| every_nth_month(f64::from(i) / 2.0, 3, 4))
        .collect();
    assert_eq!(labelled, [3, 7, 11, 15, 19]);
    assert_eq!(every_nth_month(2.0, 3, 1), None, "before the first month");
    assert_eq!(every_nth_month(5.0, 1, 0), Some(5), "`every` of zero is read as one");
}

#[test]
fn dashed_lines_are_one_element_in_their_colour_with_a_dash_pattern() {
    for d in DASHES {
        let RGBColor(r, g, b) = d.marker;
        assert_eq!(
            format!("{r:02X}{g:02X}{b:02X}"),
            d.marker_hex,
            "the marker as plotters writes it"
        );
        assert!(!PALETTE.contains(&d.marker), "a marker is no colour a chart uses");
    }
    let plan = series(&(24288..24324).map(|m| (m, f64::from(m - 24000))).collect::<Vec<_>>());
    let actual = series(&[(24288, 300.0), (24289, 320.0)]);
    let svg = chart(&actual, &plan, &Series::new(), &[]);
    let plan_lines: Vec<&str> = svg
        .split("<polyline")
        .filter(|e| e.contains("stroke=\"#D55E00\""))
        .collect();
    assert_eq!(plan_lines.len(), 1, "the plan is one line: {svg}");
    assert!(
        plan_lines[0].contains("stroke-dasharray=\"20 12\""),
        "drawn at four times: {}",
        plan_lines[0]
    );
    assert!(!svg.contains("D55E01"), "no marker colour is left");
    assert!(svg.contains("stroke=\"currentColor\""), "axes take the text colour");
    let spark = sparkline(&actual, &plan, "ARR", "s1");
    assert!(
        spark.contains("stroke=\"#D55E00\" stroke-dasharray=\"12 12\""),
        "{spark}"
    );
}
