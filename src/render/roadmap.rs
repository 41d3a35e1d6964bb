//! The plan in figures: the roadmap's timeline and investment, the levers
//! overview, the risk register, quarterly objectives and projections. All
//! read from the model's aggregates.

use serde::Serialize;

use super::renderer::Renderer;
use crate::charts::{self, Bar};
use crate::load::{Page, PageKind};
use crate::model::Model;
use crate::model::plan::{Item, Span};
use crate::period::Month;
use crate::units::Unit;

#[derive(Serialize)]
pub(crate) struct RoadmapCtx {
    timeline: String,
    timeline_legend: Vec<LegendItem>,
    /// What the marks before the bars' labels mean, and the line.
    timeline_marks: String,
    investment: String,
    cumulative: String,
    milestones: Vec<ItemRow>,
    phases: Vec<PhaseRow>,
    quarters: Vec<QuarterRow>,
    total: String,
}

/// A colour of a chart and what it stands for.
#[derive(Serialize)]
pub(crate) struct LegendItem {
    colour: String,
    label: String,
}

/// A palette colour as CSS writes it.
fn colour_hex(i: usize) -> String {
    let c = charts::PALETTE[i % charts::PALETTE.len()];
    format!("#{:02x}{:02x}{:02x}", c.0, c.1, c.2)
}

#[derive(Serialize)]
pub(crate) struct ItemRow {
    title: String,
    href: String,
    group: String,
    window: String,
    investment: String,
    roi: String,
    expected_return: String,
    progress: String,
}

#[derive(Serialize)]
struct PhaseRow {
    name: String,
    window: String,
    investment: String,
    progress: String,
}

#[derive(Serialize)]
struct QuarterRow {
    label: String,
    window: String,
    investment: String,
}

#[derive(Serialize)]
pub(crate) struct RiskRow {
    title: String,
    href: String,
    /// Likelihood × impact, in words.
    severity: String,
    /// `severity-high`, `-medium`, `-low` or empty: the colour cue.
    severity_class: &'static str,
    likelihood: String,
    impact: String,
    mitigation: String,
    contingency: String,
    monitoring: String,
}

fn money(model: &Model, v: f64) -> String {
    model.style.format(v, Unit::Currency)
}

fn span(model: &Model, s: Option<Span>) -> String {
    s.map_or_else(
        || "—".into(),
        |s| format!("{} – {}", money(model, s.min), money(model, s.max)),
    )
}

fn window((a, b): (u32, u32)) -> String {
    if a == b {
        format!("M{a}")
    } else {
        format!("M{a}–M{b}")
    }
}

/// Where a milestone or lever stands at the latest actuals: done when its
/// page says so or every task is; late when its last month is the latest
/// actuals' or before and tasks are open; under way once its first month
/// has come (or its page says so); planned before.
fn stage(model: &Model, item: &Item) -> charts::Stage {
    use crate::load::Status;
    let page = &model.pages[item.page];
    let tasks = page.tasks();
    let all_done = tasks.total > 0 && tasks.done == tasks.total;
    let now = today(model).unwrap_or(0);
    match page.front.status {
        Some(Status::Done) => charts::Stage::Done,
        _ if all_done => charts::Stage::Done,
        _ if now > 0 && item.months.1 <= now && tasks.done < tasks.total => charts::Stage::Late,
        Some(Status::InProgress) => charts::Stage::Underway,
        _ if now > 0 && item.months.0 <= now => charts::Stage::Underway,
        _ => charts::Stage::Planned,
    }
}

/// The UI string of a stage.
fn stage_word(stage: charts::Stage) -> &'static str {
    match stage {
        charts::Stage::Planned => "planned",
        charts::Stage::Underway => "in_progress",
        charts::Stage::Done => "done",
        charts::Stage::Late => "late",
    }
}

/// The plan month of the latest actual, when the plan has started.
fn today(model: &Model) -> Option<u32> {
    model
        .latest_actual_month()
        .map(|m| model.plan_month(m))
        .filter(|m| *m >= 1)
        .map(|m| m as u32)
}

fn item_row(r: &Renderer, item: &Item, root: &str) -> ItemRow {
    let model = r.model;
    let page = &model.pages[item.page];
    let progress = page.tasks();
    ItemRow {
        title: item.title.clone(),
        href: format!("{root}{}", page.href()),
        group: match item.kind {
            PageKind::Lever => item
                .priority
                .map_or_else(String::new, |p| r.text(&crate::units::name_of(&p))),
            _ => item.phase.clone().unwrap_or_default(),
        },
        window: window(item.months),
        investment: span(model, item.investment),
        roi: item.roi.map_or_else(
            || "—".into(),
            |roi| {
                format!(
                    "{} {} {} {}",
                    model.style.format(roi.ratio, Unit::Ratio),
                    r.text("roi_within"),
                    roi.within_months,
                    r.text("months_unit")
                )
            },
        ),
        expected_return: span(model, item.expected_return()),
        progress: if progress.total > 0 {
            format!("{}/{}", progress.done, progress.total)
        } else {
            "—".into()
        },
    }
}

/// The roadmap's figures: timeline, investment charts and tables.
pub(crate) fn roadmap(r: &Renderer, root: &str) -> Option<RoadmapCtx> {
    let model = r.model;
    let plan = &model.plan;
    if plan.milestones.is_empty() {
        return None;
    }
    let phase_names: Vec<&str> = plan.phases.iter().map(|p| p.name.as_str()).collect();
    let calendar = model.calendar;
    let month_of = |m: u32| model.start.offset(m as i32 - 1);
    let months_words = |(a, b): (u32, u32)| {
        if a == b {
            calendar.short(month_of(a))
        } else {
            format!("{} – {}", calendar.short(month_of(a)), calendar.short(month_of(b)))
        }
    };
    let bar_title = |item: &Item| {
        format!(
            "{}: {}{} ({})",
            item.title,
            months_words(item.months),
            item.investment
                .map_or_else(String::new, |i| format!(", {}", span(model, Some(i)))),
            r.text(stage_word(stage(model, item)))
        )
    };
    // Colours: one per phase for milestones, then one per priority for
    // levers, each explained in the legend under the timeline.
    let phase_colour = |p: &str| phase_names.iter().position(|n| *n == p).unwrap_or(0) % 4;
    let mut bars: Vec<Bar> = plan
        .milestones
        .iter()
        .map(|m| Bar {
            stage: stage(model, m),
            label: &m.title,
            months: m.months,
            colour: m.phase.as_deref().map_or(6, phase_colour),
            title: bar_title(m),
        })
        .collect();
    let lever_colour = |p: Option<crate::load::Priority>| 4 + p.map_or(2, |p| p as usize).min(2);
    bars.extend(plan.levers.iter().map(|l| Bar {
        stage: stage(model, l),
        label: &l.title,
        months: l.months,
        colour: lever_colour(l.priority),
        title: bar_title(l),
    }));
    let mut legend: Vec<LegendItem> = plan
        .phases
        .iter()
        .map(|p| LegendItem {
            colour: colour_hex(phase_colour(&p.name)),
            label: format!("{}: {}", r.text("phase"), p.name),
        })
        .collect();
    let mut priorities: Vec<crate::load::Priority> = plan.levers.iter().filter_map(|l| l.priority).collect();
    priorities.sort();
    priorities.dedup();
    legend.extend(priorities.into_iter().map(|p| LegendItem {
        colour: colour_hex(lever_colour(Some(p))),
        label: format!("{}: {}", r.text("lever_priority"), r.text(&crate::units::name_of(&p))),
    }));
    let marks: Vec<String> = [charts::Stage::Done, charts::Stage::Underway, charts::Stage::Late]
        .into_iter()
        .map(|st| format!("{}{}", st.mark(), r.text(stage_word(st))))
        .collect();
    let axis = |v: f64| money(model, v);
    let month_label = |m: u32| calendar.abbr(month_of(m)).to_string();
    let monthly: Vec<(u32, f64, f64)> = plan.monthly.iter().map(|(&m, s)| (m, s.min, s.max)).collect();
    let cumulative = plan.cumulative();
    let low: Vec<(u32, f64)> = cumulative.iter().map(|(m, s)| (*m, s.min)).collect();
    let high: Vec<(u32, f64)> = cumulative.iter().map(|(m, s)| (*m, s.max)).collect();
    Some(RoadmapCtx {
        timeline: charts::timeline(&bars, today(model), &month_label, &r.text("timeline"), "timeline"),
        timeline_legend: legend,
        timeline_marks: format!("{} · {}", marks.join(" · "), r.text("timeline_pale")),
        investment: charts::investment(
            &monthly,
            &axis,
            &month_label,
            &r.text("investment_by_month"),
            "investment",
        ),
        cumulative: charts::range_band(
            &low,
            &high,
            &axis,
            &month_label,
            &r.text("cumulative_investment"),
            "cumulative",
        ),
        milestones: plan.milestones.iter().map(|m| item_row(r, m, root)).collect(),
        phases: plan
            .phases
            .iter()
            .map(|p| PhaseRow {
                name: p.name.clone(),
                window: window(p.months),
                investment: span(model, Some(p.investment)),
                progress: {
                    let progress = p.progress(&model.pages);
                    format!("{}/{}", progress.done, progress.total)
                },
            })
            .collect(),
        quarters: plan
            .quarters
            .iter()
            .map(|q| QuarterRow {
                label: model.calendar.quarter(q.end),
                window: window(q.months),
                investment: span(model, Some(q.investment)),
            })
            .collect(),
        total: span(model, Some(plan.total)),
    })
}

/// The levers overview.
pub(crate) fn levers(r: &Renderer, root: &str) -> Vec<ItemRow> {
    r.model.plan.levers.iter().map(|l| item_row(r, l, root)).collect()
}

/// The levers' total investment.
pub(crate) fn levers_total(r: &Renderer) -> String {
    span(r.model, Some(r.model.plan.levers_total))
}

/// The risk register, the most severe first: likelihood × impact (each
/// low 1, medium 2, high 3), the plan's order among equals.
pub(crate) fn risks(r: &Renderer, root: &str) -> Vec<RiskRow> {
    let level = |l: Option<crate::load::Level>| l.map_or_else(|| "—".into(), |l| r.text(&crate::units::name_of(&l)));
    let mut rows: Vec<(u32, RiskRow)> = r
        .model
        .plan
        .risks
        .iter()
        .map(|&i| {
            let p: &Page = &r.model.pages[i];
            let f = &p.front;
            let score = severity(f.likelihood, f.impact);
            let (severity, severity_class) = match score {
                Some(6..) => (r.text("severity_high"), "severity-high"),
                Some(3..=5) => (r.text("severity_medium"), "severity-medium"),
                Some(_) => (r.text("severity_low"), "severity-low"),
                None => ("—".into(), ""),
            };
            let row = RiskRow {
                title: f.title.clone(),
                href: format!("{root}{}", p.href()),
                severity,
                severity_class,
                likelihood: level(f.likelihood),
                impact: f.impact.map_or_else(
                    || "—".into(),
                    |l| r.text(&format!("impact_{}", crate::units::name_of(&l))),
                ),
                mitigation: f.mitigation.clone().unwrap_or_default(),
                contingency: f.contingency.clone().unwrap_or_default(),
                monitoring: f.monitoring.clone().unwrap_or_default(),
            };
            (score.unwrap_or(0), row)
        })
        .collect();
    rows.sort_by_key(|(score, _)| std::cmp::Reverse(*score));
    rows.into_iter().map(|(_, row)| row).collect()
}

/// Likelihood × impact, 1 to 9; none unless both are given.
fn severity(likelihood: Option<crate::load::Level>, impact: Option<crate::load::Level>) -> Option<u32> {
    use crate::load::Level;
    let weight = |l: Level| match l {
        Level::Low => 1,
        Level::Medium => 2,
        Level::High => 3,
    };
    Some(weight(likelihood?) * weight(impact?))
}

/// Quarter ends (months 3, 6, 9, 12) where any of `ids` has a target.
fn quarter_ends(model: &Model, ids: &[&str]) -> Vec<Month> {
    let mut ends: Vec<Month> = ids
        .iter()
        .filter_map(|id| model.metric(id))
        .flat_map(|m| m.target.keys().copied())
        .filter(|m| m.month() % 3 == 0)
        .collect();
    ends.sort();
    ends.dedup();
    ends
}

fn quarter_label(model: &Model, m: Month) -> String {
    model.calendar.quarter(m)
}

#[derive(Serialize)]
pub(crate) struct QuarterTable {
    columns: Vec<String>,
    rows: Vec<QuarterTableRow>,
}

#[derive(Serialize)]
struct QuarterTableRow {
    quarter: String,
    month: String,
    cells: Vec<String>,
}

/// Objectives per quarter: each metric's target at the quarter's last
/// month, read from the same targets as the monthly tables.
pub(crate) fn objectives(r: &Renderer, ids: &[&str], until: Option<Month>) -> QuarterTable {
    let model = r.model;
    let metrics: Vec<_> = ids.iter().filter_map(|id| model.metric(id)).collect();
    QuarterTable {
        columns: metrics.iter().map(|m| m.label.clone()).collect(),
        rows: quarter_ends(model, ids)
            .into_iter()
            .filter(|end| until.is_none_or(|u| *end <= u))
            .map(|end| QuarterTableRow {
                quarter: quarter_label(model, end),
                month: format!("M{}", model.plan_month(end)),
                cells: metrics
                    .iter()
                    .map(|m| {
                        m.quarter_plan(end)
                            .map_or_else(|| "—".into(), |v| model.style.format(v, m.unit))
                    })
                    .collect(),
            })
            .collect(),
    }
}

/// Quarterly projections of `metric`: its target at each quarter end, the
/// growth over the previous quarter end, the investment stated for the
/// quarter (a metric with `total_of: investment`), the milestones' own
/// investment in it, and target / stated investment.
pub(crate) fn projections(r: &Renderer, id: &str, until: Option<Month>) -> QuarterTable {
    let model = r.model;
    let Some(m) = model.metric(id) else {
        return QuarterTable {
            columns: Vec::new(),
            rows: Vec::new(),
        };
    };
    let stated = model.metrics.iter().find(|x| x.total_of.is_some());
    let columns = vec![
        m.label.clone(),
        r.text("growth_vs_previous_quarter"),
        r.text("stated_investment"),
        r.text("milestones_investment"),
        r.text("arr_per_investment"),
    ];
    let dash = || "—".to_string();
    let rows = quarter_ends(model, &[id])
        .into_iter()
        .filter(|end| until.is_none_or(|u| *end <= u))
        .map(|end| {
            let value = m.quarter_plan(end);
            let before = m.quarter_plan(end.offset(-3));
            let growth = value.zip(before).filter(|(_, b)| *b != 0.0).map(|(v, b)| v / b - 1.0);
            let invest = stated.and_then(|s| s.target.get(&end).copied());
            let pm = model.plan_month(end);
            let parts = (pm >= 3)
                .then(|| model.plan.investment_between((pm - 2) as u32, pm as u32))
                .filter(|s| s.max > 0.0);
            QuarterTableRow {
                quarter: quarter_label(model, end),
                month: format!("M{pm}"),
                cells: vec![
                    value.map_or_else(dash, |v| model.style.format(v, m.unit)),
                    growth.map_or_else(dash, |g| model.style.percent(g)),
                    invest.map_or_else(dash, |v| money(model, v)),
                    span(model, parts),
                    value
                        .zip(invest)
                        .filter(|(_, i)| *i != 0.0)
                        .map_or_else(dash, |(v, i)| model.style.format(v / i, Unit::Ratio)),
                ],
            }
        })
        .collect();
    QuarterTable { columns, rows }
}
