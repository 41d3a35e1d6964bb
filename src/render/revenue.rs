//! Revenue computed from invoice lines, shown: the MRR bridge (a month's
//! waterfall, every month's movements in a table) and retention by cohort
//! (heat maps with the numbers in the cells), on the group's page, in
//! updates by shortcode, and as CSV.
//!
//! Pages show cohorts as HTML tables coloured by the theme (readable by
//! screen readers, light and dark); a letter, whose mail client drops the
//! theme, gets them drawn as a heat map that becomes a PNG.

use serde::Serialize;

use super::renderer::{Medium, Renderer};
use super::sink::FileKind;
use crate::charts::{self, HeatMap, Step, StepKind};
use crate::model::bridge::{self, Movement};
use crate::model::cohorts::{Cell, Cohorts};
use crate::model::{Group, Model};
use crate::period::Month;

/// Cohorts a letter draws at most (the latest), and ages.
const LETTER_COHORTS: usize = 12;
const LETTER_AGES: usize = 13;

/// A month's bridge and the table of every month's.
#[derive(Serialize)]
pub(crate) struct BridgeCtx {
    /// What the figure is: `MRR bridge, March 2024`.
    title: String,
    /// The waterfall of the month.
    svg: String,
    /// Every month up to it, latest first.
    rows: Vec<BridgeRow>,
    /// The CSV of every month, relative to the page.
    csv_href: String,
    /// Show the table open (the group page) or folded (an update).
    open: bool,
}

/// One month of the bridge as shown: money to the cent, movements signed.
#[derive(Serialize)]
struct BridgeRow {
    period: String,
    start: String,
    new: String,
    reactivation: String,
    expansion: String,
    contraction: String,
    churned: String,
    end: String,
}

/// The bridge of `g` as of `as_of` (its latest month when none), or none
/// when the group has no movements or none by then.
pub(crate) fn bridge(r: &Renderer, g: &Group, as_of: Option<Month>, root: &str, medium: Medium) -> Option<BridgeCtx> {
    let model = r.model;
    let months: Vec<Movement> = bridge::of(&model.metrics, g)?
        .into_iter()
        .filter(|m| as_of.is_none_or(|limit| m.month <= limit))
        .collect();
    let last = *months.last()?;
    let money = Money {
        style: &model.style,
        cents: months.iter().any(has_cents),
    };
    let title = format!("{}, {}", r.text("bridge"), model.calendar.long(last.month));
    let words = words(r);
    let steps = steps(&last, &words, &money);
    let read: Vec<&str> = steps.iter().map(|s| s.title.as_str()).collect();
    let axis = model
        .style
        .axis_format(crate::units::Unit::Currency, last.start.max(last.end));
    let dom_id = format!("bridge-{}-{}", g.id, last.month);
    let svg = charts::waterfall(&steps, &axis, &format!("{title}: {}", read.join("; ")), &dom_id);
    let rows = match medium {
        Medium::Letter => Vec::new(),
        Medium::Page => months.iter().rev().map(|m| row(model, m, &money)).collect(),
    };
    Some(BridgeCtx {
        title,
        svg,
        rows,
        csv_href: format!("{root}metrics/{}.bridge.csv", g.id),
        open: as_of.is_none(),
    })
}

/// Money as a bridge writes it: to the cent in every cell or in none,
/// movements with their sign.
struct Money<'a> {
    style: &'a crate::units::NumberStyle,
    cents: bool,
}

impl Money<'_> {
    fn plain(&self, v: f64) -> String {
        self.style.money_exact(v, self.cents)
    }

    /// `+$30`, `−$90`; a movement of nothing has no sign.
    fn signed(&self, sign: &str, v: f64) -> String {
        match v == 0.0 {
            true => self.plain(0.0),
            false => format!("{sign}{}", self.plain(v)),
        }
    }
}

/// The waterfall's bars of one month, each titled with its figure.
fn steps<'a>(m: &Movement, words: &'a [String; 7], money: &Money) -> Vec<Step<'a>> {
    let values = [
        m.start,
        m.new,
        m.reactivation,
        m.expansion,
        m.contraction,
        m.churned,
        m.end,
    ];
    words
        .iter()
        .zip(values)
        .zip(KINDS)
        .map(|((label, value), kind)| {
            let text = match kind {
                StepKind::Total => money.plain(value),
                StepKind::Rise => money.signed("+", value),
                StepKind::Fall => money.signed("−", value),
            };
            Step {
                label,
                value,
                kind,
                title: format!("{label}: {text}"),
            }
        })
        .collect()
}

/// One month of the bridge's table.
fn row(model: &Model, m: &Movement, money: &Money) -> BridgeRow {
    BridgeRow {
        period: model.calendar.short(m.month),
        start: money.plain(m.start),
        new: money.signed("+", m.new),
        reactivation: money.signed("+", m.reactivation),
        expansion: money.signed("+", m.expansion),
        contraction: money.signed("−", m.contraction),
        churned: money.signed("−", m.churned),
        end: money.plain(m.end),
    }
}

/// The waterfall's bars, in order.
const KINDS: [StepKind; 7] = [
    StepKind::Total,
    StepKind::Rise,
    StepKind::Rise,
    StepKind::Rise,
    StepKind::Fall,
    StepKind::Fall,
    StepKind::Total,
];

/// The names of the bridge's bars, in the site's language.
fn words(r: &Renderer) -> [String; 7] {
    [
        "bridge_start",
        "bridge_new",
        "bridge_reactivation",
        "bridge_expansion",
        "bridge_contraction",
        "bridge_churned",
        "bridge_end",
    ]
    .map(|k| r.text(k))
}

fn has_cents(m: &Movement) -> bool {
    [
        m.start,
        m.new,
        m.reactivation,
        m.expansion,
        m.contraction,
        m.churned,
        m.end,
    ]
    .iter()
    .any(|v| ((v * 100.0).round() / 100.0).fract() != 0.0)
}

/// Retention by cohort: what a page or a letter shows.
#[derive(Serialize)]
pub(crate) struct CohortsCtx {
    /// Logo retention, then revenue retention.
    tables: Vec<HeatTable>,
    /// For a letter, the same drawn as heat maps.
    svgs: Vec<LetterHeat>,
    /// The CSV of every cohort, relative to the page.
    csv_href: String,
}

/// A heat map drawn for a letter, with its caption.
#[derive(Serialize)]
struct LetterHeat {
    caption: String,
    svg: String,
}

/// One heat map as an HTML table.
#[derive(Serialize)]
struct HeatTable {
    caption: String,
    /// What the size column counts (customers, or MRR at the start).
    size: String,
    ages: Vec<usize>,
    rows: Vec<HeatRow>,
}

#[derive(Serialize)]
struct HeatRow {
    cohort: String,
    size: String,
    cells: Vec<HeatCell>,
}

#[derive(Serialize)]
struct HeatCell {
    text: String,
    /// `heat-0` (kept little) to `heat-7` (kept all, or grown).
    class: String,
    /// The share, for a letter's heat map.
    #[serde(skip)]
    share: Option<f64>,
}

/// Which of the two retentions a heat map shows.
#[derive(Clone, Copy)]
enum Kept {
    Customers,
    Revenue,
}

impl Kept {
    /// The share of the cohort's start kept at `cell`; none when the
    /// cohort started with nothing of it.
    fn share(self, first: &Cell, cell: &Cell) -> Option<f64> {
        let (then, now) = match self {
            Kept::Customers => (first.customers as f64, cell.customers as f64),
            Kept::Revenue => (first.mrr, cell.mrr),
        };
        (then > 0.0).then(|| now / then)
    }
}

/// The cohorts of `g`, with nothing after `as_of` (an update's month):
/// none when the group has none.
pub(crate) fn cohorts(r: &Renderer, g: &Group, as_of: Option<Month>, root: &str, medium: Medium) -> Option<CohortsCtx> {
    let model = r.model;
    let cohorts = g.cohorts.as_deref()?;
    let seen = visible(cohorts, as_of);
    if seen.is_empty() {
        return None;
    }
    let unit = mrr_unit(model, g);
    let tables: Vec<HeatTable> = [Kept::Customers, Kept::Revenue]
        .into_iter()
        .map(|kept| heat_table(r, &seen, kept, unit))
        .collect();
    let svgs = match medium {
        Medium::Page => Vec::new(),
        Medium::Letter => tables
            .iter()
            .enumerate()
            .map(|(i, t)| LetterHeat {
                caption: t.caption.clone(),
                svg: letter_heat(t, &format!("cohorts-{}-{i}", g.id)),
            })
            .collect(),
    };
    Some(CohortsCtx {
        tables,
        svgs,
        csv_href: format!("{root}metrics/{}.cohorts.csv", g.id),
    })
}

/// Each cohort's cells up to `as_of`, first cohort first.
fn visible(cohorts: &Cohorts, as_of: Option<Month>) -> Vec<(Month, &[Cell])> {
    cohorts
        .cohorts
        .iter()
        .filter_map(|(&month, cells)| {
            let ages = match as_of {
                None => cells.len(),
                Some(limit) => usize::try_from(limit.0 - month.0 + 1).unwrap_or(0).min(cells.len()),
            };
            (ages > 0).then(|| (month, &cells[..ages]))
        })
        .collect()
}

fn mrr_unit(model: &Model, g: &Group) -> crate::units::Unit {
    g.metrics
        .iter()
        .map(|&i| &model.metrics[i])
        .find(|m| m.role == Some(crate::roles::Role::Mrr))
        .map_or(crate::units::Unit::Currency, |m| m.unit)
}

fn heat_table(r: &Renderer, seen: &[(Month, &[Cell])], kept: Kept, unit: crate::units::Unit) -> HeatTable {
    let model = r.model;
    let oldest = seen.iter().map(|(_, c)| c.len()).max().unwrap_or(0);
    let (caption, size) = match kept {
        Kept::Customers => (r.text("cohorts_customers"), r.text("cohort_customers")),
        Kept::Revenue => (r.text("cohorts_revenue"), r.text("cohort_mrr")),
    };
    HeatTable {
        caption,
        size,
        ages: (0..oldest).collect(),
        rows: seen
            .iter()
            .map(|(month, cells)| {
                let first = &cells[0];
                HeatRow {
                    cohort: model.calendar.short(*month),
                    size: match kept {
                        Kept::Customers => model.style.format(first.customers as f64, crate::units::Unit::Count),
                        Kept::Revenue => model.style.format(first.mrr, unit),
                    },
                    cells: cells
                        .iter()
                        .map(|c| match kept.share(first, c) {
                            Some(share) => HeatCell {
                                text: model.style.whole_percent(share),
                                class: format!("heat-{}", charts::heat_bucket(share)),
                                share: Some(share),
                            },
                            None => HeatCell {
                                text: "—".into(),
                                class: String::new(),
                                share: None,
                            },
                        })
                        .collect(),
                }
            })
            .collect(),
    }
}

/// A table drawn as a heat map for a letter: its latest cohorts and
/// first ages, so the image stays the width of a letter.
fn letter_heat(t: &HeatTable, dom_id: &str) -> String {
    let from = t.rows.len().saturating_sub(LETTER_COHORTS);
    let rows = &t.rows[from..];
    let labels: Vec<String> = rows.iter().map(|r| r.cohort.clone()).collect();
    let ages = t.ages.len().min(LETTER_AGES);
    let columns: Vec<String> = t.ages[..ages].iter().map(usize::to_string).collect();
    let cells: Vec<Vec<Option<(f64, String)>>> = rows
        .iter()
        .map(|r| {
            r.cells
                .iter()
                .take(ages)
                .map(|c| c.share.map(|s| (s, c.text.clone())))
                .collect()
        })
        .collect();
    // The picture's title is its text for those who cannot see it: every
    // row's numbers.
    let rows_read: Vec<String> = rows
        .iter()
        .map(|r| {
            let cells: Vec<&str> = r.cells.iter().take(ages).map(|c| c.text.as_str()).collect();
            format!("{}: {}", r.cohort, cells.join(", "))
        })
        .collect();
    let title = format!("{}. {}", t.caption, rows_read.join("; "));
    charts::heat_map(&HeatMap {
        rows: &labels,
        columns: &columns,
        cells: &cells,
        title: &title,
        dom_id,
    })
}

/// The group's bridge and cohorts as CSV files beside its page's CSV.
pub(crate) fn downloads(r: &Renderer, g: &Group) {
    let model = r.model;
    if let Some(months) = bridge::of(&model.metrics, g) {
        let key = r.keys.as_ref().map(|k| k.group(model, g, "bridge-csv"));
        let path = format!("metrics/{}.bridge.csv", g.id);
        r.emit_by(FileKind::Download, &path, key, || {
            r.cached(key, true, || csv_file(r, &path, bridge_csv(&months)))
        });
    }
    if let Some(cohorts) = g.cohorts.as_deref() {
        let key = r.keys.as_ref().map(|k| k.group(model, g, "cohorts-csv"));
        let path = format!("metrics/{}.cohorts.csv", g.id);
        r.emit_by(FileKind::Download, &path, key, || {
            r.cached(key, true, || csv_file(r, &path, cohorts_csv(cohorts)))
        });
    }
}

fn csv_file(r: &Renderer, path: &str, made: Result<Vec<u8>, csv::Error>) -> Option<bytes::Bytes> {
    made.map(bytes::Bytes::from)
        .map_err(|e| {
            r.fail(crate::diagnostic::Diagnostic::error(
                crate::diagnostic::Code::Output,
                path.to_string(),
                format!("cannot write `{path}`: {e}"),
            ))
        })
        .ok()
}

/// Every month's bridge: money to the cent, movements as sizes.
fn bridge_csv(months: &[Movement]) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "period",
        "start",
        "new",
        "reactivation",
        "expansion",
        "contraction",
        "churned",
        "end",
    ])?;
    for m in months {
        let money = [
            m.start,
            m.new,
            m.reactivation,
            m.expansion,
            m.contraction,
            m.churned,
            m.end,
        ];
        let mut row = vec![m.month.to_string()];
        row.extend(money.iter().map(|v| format!("{v:.2}")));
        w.write_record(&row)?;
    }
    w.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}

/// Every cohort at every age: who pays, what they pay, and the shares of
/// the cohort's first month that is.
fn cohorts_csv(cohorts: &Cohorts) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "cohort",
        "age",
        "period",
        "customers",
        "mrr",
        "customers_kept",
        "revenue_kept",
    ])?;
    for (month, cells) in &cohorts.cohorts {
        let Some(first) = cells.first() else { continue };
        for (age, cell) in cells.iter().enumerate() {
            let share = |kept: Kept| kept.share(first, cell).map_or_else(String::new, |s| format!("{s:.4}"));
            w.write_record([
                month.to_string(),
                age.to_string(),
                month.offset(age as i32).to_string(),
                cell.customers.to_string(),
                format!("{:.2}", cell.mrr),
                share(Kept::Customers),
                share(Kept::Revenue),
            ])?;
        }
    }
    w.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}

#[cfg(test)]
mod tests;
