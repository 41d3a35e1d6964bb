//! A heat map with its numbers in the cells: cohorts by age, for letters
//! (pages show the same numbers as an HTML table, coloured by the theme).

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::svg::{FONT, draw_svg, finish};

/// A light-to-dark blue ramp, light cells with dark text and dark cells
/// with white text, each pair above 4.5:1.
const RAMP: [(RGBColor, bool); 8] = [
    (RGBColor(240, 246, 252), false),
    (RGBColor(214, 230, 245), false),
    (RGBColor(179, 209, 236), false),
    (RGBColor(139, 185, 224), false),
    (RGBColor(95, 155, 208), false),
    (RGBColor(47, 111, 176), true),
    (RGBColor(31, 90, 154), true),
    (RGBColor(15, 70, 131), true),
];
/// Dark text: not black, which [`finish`] gives the page's text colour.
const INK: RGBColor = RGBColor(28, 36, 48);

/// Which of eight shades a share gets: under 40 %, then a step every ten
/// points up to 100 % and more (revenue kept and grown) the darkest, since
/// what is kept is mostly between half and all and is read there.
pub fn bucket(share: f64) -> usize {
    const STEPS: [f64; 7] = [0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0];
    // A share that rounds to a step is shown as that step (99.96 % reads 100 %).
    let share = (share * 1000.0).round() / 1000.0;
    STEPS.iter().take_while(|&&step| share >= step).count()
}

/// What a heat map shows.
pub struct HeatMap<'a> {
    /// Row labels (a cohort's first month).
    pub rows: &'a [String],
    /// Column labels (months since start).
    pub columns: &'a [String],
    /// Each row's cells by column: the share (its shade) and the text
    /// written in it; none where there is no value yet.
    pub cells: &'a [Vec<Option<(f64, String)>>],
    /// The title for screen readers.
    pub title: &'a str,
    /// An id unique in the page.
    pub dom_id: &'a str,
}

const CELL: (u32, u32) = (44, 22);
const LABEL: u32 = 72;

/// Draws the heat map.
pub fn heat_map(map: &HeatMap) -> String {
    if map.rows.is_empty() || map.columns.is_empty() {
        return String::new();
    }
    let (cols, rows) = (map.columns.len() as u32, map.rows.len() as u32);
    let size = (LABEL + cols * CELL.0 + 4, (rows + 1) * CELL.1 + 4);
    let font = |colour: &RGBColor, h: HPos| {
        ("sans-serif", FONT * 0.92)
            .into_font()
            .color(colour)
            .pos(Pos::new(h, VPos::Center))
    };
    let Some(svg) = draw_svg(size, |root| {
        let mid = |i: u32, span: u32, from: u32| (from + i * span + span / 2) as i32;
        for (c, label) in map.columns.iter().enumerate() {
            let x = mid(c as u32, CELL.0, LABEL);
            root.draw(&Text::new(
                label.clone(),
                (x, (CELL.1 / 2) as i32),
                font(&BLACK, HPos::Center),
            ))?;
        }
        for (r, (label, cells)) in map.rows.iter().zip(map.cells).enumerate() {
            let y0 = (r as u32 + 1) * CELL.1;
            root.draw(&Text::new(
                label.clone(),
                (0, mid(0, CELL.1, y0)),
                font(&BLACK, HPos::Left),
            ))?;
            for (c, cell) in cells.iter().enumerate().take(cols as usize) {
                let Some((share, text)) = cell else { continue };
                let (fill, light) = RAMP[bucket(*share)];
                let x0 = LABEL + c as u32 * CELL.0;
                let corner = |dx: u32, dy: u32| ((x0 + dx) as i32, (y0 + dy) as i32);
                root.draw(&Rectangle::new(
                    [corner(1, 1), corner(CELL.0 - 1, CELL.1 - 1)],
                    fill.filled(),
                ))?;
                let ink = if light { WHITE } else { INK };
                let at = (mid(0, CELL.0, x0), mid(0, CELL.1, y0));
                root.draw(&Text::new(text.clone(), at, font(&ink, HPos::Center)))?;
            }
        }
        Ok(())
    }) else {
        return String::new();
    };
    finish(&svg, map.title, map.dom_id, "chart heat-map")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_fall_in_steps_of_ten_points_and_growth_is_the_darkest() {
        assert_eq!(bucket(0.0), 0);
        assert_eq!(bucket(f64::NAN), 0);
        assert_eq!(bucket(-0.5), 0);
        assert_eq!(bucket(0.399), 0);
        assert_eq!(bucket(0.4), 1);
        assert_eq!(bucket(0.85), 5);
        assert_eq!(bucket(0.99), 6);
        assert_eq!(bucket(0.9999), 7, "shown as 100 %");
        assert_eq!(bucket(1.4), 7);
    }

    #[test]
    fn every_cell_has_its_number_and_missing_ones_are_blank() {
        let rows = ["ene 2024".to_string(), "feb 2024".to_string()];
        let columns = ["0".to_string(), "1".to_string()];
        let cell = |s: f64| Some((s, format!("{:.0}%", s * 100.0)));
        let cells = vec![vec![cell(1.0), cell(0.5)], vec![cell(1.0), None]];
        let svg = heat_map(&HeatMap {
            rows: &rows,
            columns: &columns,
            cells: &cells,
            title: "Cohorts",
            dom_id: "h",
        });
        assert_eq!(svg.matches("\n100%\n").count(), 2, "{svg}");
        assert_eq!(svg.matches("\n50%\n").count(), 1);
        assert_eq!(svg.matches("<rect").count(), 3, "no cell where there is no value");
        assert!(svg.contains("\nfeb 2024\n"));
    }
}
