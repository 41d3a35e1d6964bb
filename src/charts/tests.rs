//! Unit tests of the parent module.

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
        allow_log: true,
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
