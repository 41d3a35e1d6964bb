//! A waterfall: a total, the movements that changed it, the new total.
//! Drawn lying down, one bar per row with its label on the left, so the
//! movements' names stay readable on a phone.

use plotters::prelude::*;

use super::svg::{FONT, PALETTE, WIDTH, draw_svg, finish, shorten, title_rects, y_label_width};

/// What a step of a waterfall is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepKind {
    /// A total, drawn from zero.
    Total,
    /// A movement that adds.
    Rise,
    /// A movement that takes away (its value is positive).
    Fall,
}

/// One bar of a waterfall.
pub struct Step<'a> {
    /// Its name on the axis.
    pub label: &'a str,
    /// The total, or the size of the movement (never negative).
    pub value: f64,
    /// Total, rise or fall.
    pub kind: StepKind,
    /// What its bar's title says (name and value), shown on hover.
    pub title: String,
}

/// Totals in the line charts' blue; rises green, falls vermillion.
fn colour(kind: StepKind) -> RGBColor {
    match kind {
        StepKind::Total => PALETTE[0],
        StepKind::Rise => PALETTE[2],
        StepKind::Fall => PALETTE[1],
    }
}

/// Where each bar starts and ends: totals from zero, movements from the
/// running total.
fn spans(steps: &[Step]) -> Vec<(f64, f64)> {
    let mut running = 0.0;
    steps
        .iter()
        .map(|s| match s.kind {
            StepKind::Total => {
                running = s.value;
                (0.0, s.value)
            }
            StepKind::Rise => {
                running += s.value;
                (running - s.value, running)
            }
            StepKind::Fall => {
                running -= s.value;
                (running, running + s.value)
            }
        })
        .collect()
}

/// Draws the waterfall of `steps`, top to bottom; `axis` writes a tick of
/// the value axis.
pub fn waterfall(steps: &[Step], axis: &dyn Fn(f64) -> String, title: &str, dom_id: &str) -> String {
    if steps.is_empty() || steps.iter().any(|s| !s.value.is_finite()) {
        return String::new();
    }
    let spans = spans(steps);
    let top = spans.iter().map(|s| s.1).fold(0.0, f64::max);
    let bottom = spans.iter().map(|s| s.0).fold(0.0, f64::min);
    let (lo, hi) = (bottom * 1.05, (top * 1.08).max(1.0));
    let rows = steps.len() as u32;
    let label_area = y_label_width(&steps.iter().map(|s| shorten(s.label, 16)).collect::<Vec<_>>()).max(60);
    let Some(svg) = draw_svg((WIDTH, 34 + rows * 26), |root| {
        let mut c = ChartBuilder::on(root)
            .margin(6)
            .margin_right(16)
            .x_label_area_size(22)
            .y_label_area_size(label_area)
            .build_cartesian_2d(lo..hi, 0f64..f64::from(rows))?;
        let label_of = |y: &f64| -> String {
            let i = i64::from(rows) - 1 - y.floor() as i64;
            if (y.fract() - 0.5).abs() > 0.01 || i < 0 {
                return String::new();
            }
            steps.get(i as usize).map_or_else(String::new, |s| shorten(s.label, 16))
        };
        c.configure_mesh()
            .disable_y_mesh()
            .light_line_style(TRANSPARENT)
            .bold_line_style(RGBAColor(0, 0, 0, 0.12))
            .x_labels(4)
            .x_label_formatter(&|v| axis(*v))
            .y_labels(rows as usize * 2 + 1)
            .y_label_formatter(&label_of)
            .label_style(("sans-serif", FONT))
            .axis_style(RGBAColor(0, 0, 0, 0.45))
            .draw()?;
        c.draw_series(steps.iter().zip(&spans).enumerate().map(|(i, (s, &(from, to)))| {
            let y = f64::from(rows - 1 - i as u32);
            Rectangle::new([(from, y + 0.18), (to, y + 0.82)], colour(s.kind).filled())
        }))?;
        Ok(())
    }) else {
        return String::new();
    };
    let titled = title_rects(&svg, steps.iter().map(|s| s.title.as_str()));
    finish(&titled, title, dom_id, "chart waterfall")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn step(label: &'static str, value: f64, kind: StepKind) -> Step<'static> {
        Step {
            label,
            value,
            kind,
            title: format!("{label}: {value}"),
        }
    }

    #[test]
    fn movements_start_where_the_running_total_stands() {
        let steps = [
            step("start", 100.0, StepKind::Total),
            step("new", 30.0, StepKind::Rise),
            step("churn", 20.0, StepKind::Fall),
            step("end", 110.0, StepKind::Total),
        ];
        assert_eq!(
            spans(&steps),
            [(0.0, 100.0), (100.0, 130.0), (110.0, 130.0), (0.0, 110.0)]
        );
        let svg = waterfall(&steps, &|v| format!("{v}"), "Bridge", "b1");
        assert!(svg.starts_with("<svg class=\"chart waterfall\""), "{svg}");
        for s in &steps {
            assert!(
                svg.contains(&format!("<title>{}</title>", s.title)),
                "{} has its title",
                s.label
            );
        }
        assert!(svg.contains("\nchurn\n"), "labels are on the axis");
    }

    #[test]
    fn nothing_to_draw_draws_nothing() {
        assert_eq!(waterfall(&[], &|v| format!("{v}"), "x", "x"), "");
        let bad = [step("start", f64::NAN, StepKind::Total)];
        assert_eq!(waterfall(&bad, &|v| format!("{v}"), "x", "x"), "");
    }
}
