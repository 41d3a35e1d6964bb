//! Aggregates of the plan's sections: task progress, investment by month,
//! phase and quarter, expected returns. Computed from the sections' front
//! matter, never typed in.

use std::collections::BTreeMap;

use serde::Serialize;

pub use crate::load::Progress;
use crate::load::{Page, PageKind, Priority, Roi};
use crate::period::Month;

/// An amount known only as a range, such as an investment of $25K–$50K.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Span {
    /// The least.
    pub min: f64,
    /// The most.
    pub max: f64,
}

impl Span {
    /// The sum of two ranges: minimums add, maximums add.
    pub fn plus(self, other: Span) -> Span {
        Span {
            min: self.min + other.min,
            max: self.max + other.max,
        }
    }

    /// The range scaled by `k`.
    pub fn times(self, k: f64) -> Span {
        Span {
            min: self.min * k,
            max: self.max * k,
        }
    }

    /// Whether `value` lies in the range, allowing `slack` either side.
    pub fn contains(self, value: f64, slack: f64) -> bool {
        value >= self.min - slack && value <= self.max + slack
    }
}

/// A milestone or lever: something with a window of months and a budget.
#[derive(Debug, Clone)]
pub struct Item {
    /// Index of its page in the model.
    pub page: usize,
    /// Milestone or lever.
    pub kind: PageKind,
    /// Title.
    pub title: String,
    /// Phase (milestones).
    pub phase: Option<String>,
    /// Priority (levers).
    pub priority: Option<Priority>,
    /// First and last plan month.
    pub months: (u32, u32),
    /// Investment range, if given.
    pub investment: Option<Span>,
    /// Expected return, if given.
    pub roi: Option<Roi>,
}

impl Item {
    /// What it is expected to return: ratio times the investment.
    pub fn expected_return(&self) -> Option<Span> {
        Some(self.investment?.times(self.roi?.ratio))
    }

    /// The investment of one of its months: spread evenly over its window.
    pub fn monthly_investment(&self) -> Option<Span> {
        let months = f64::from(self.months.1 - self.months.0 + 1);
        Some(self.investment?.times(1.0 / months))
    }
}

/// A roadmap phase: the months its milestones cover and what they cost.
#[derive(Debug, Clone, Serialize)]
pub struct Phase {
    /// Name.
    pub name: String,
    /// First and last plan month.
    pub months: (u32, u32),
    /// Sum of its milestones' investment.
    pub investment: Span,
    /// Its milestones' pages, by index: their tasks are its progress (see
    /// [`Phase::progress`]).
    pub pages: Vec<usize>,
}

impl Phase {
    /// Its milestones' tasks.
    pub fn progress(&self, pages: &[std::sync::Arc<Page>]) -> Progress {
        self.pages
            .iter()
            .filter_map(|&i| pages.get(i))
            .fold(Progress::default(), |sum, p| sum.plus(p.tasks()))
    }
}

/// A calendar quarter of the plan.
#[derive(Debug, Clone, Serialize)]
pub struct Quarter {
    /// `Q1 2024`.
    pub label: String,
    /// Its last month.
    #[serde(skip)]
    pub end: Month,
    /// First and last plan month (within the plan).
    pub months: (u32, u32),
    /// Milestone investment in its months.
    pub investment: Span,
}

/// The plan's aggregates.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    /// Milestones, by first month.
    pub milestones: Vec<Item>,
    /// Levers, by priority then first month.
    pub levers: Vec<Item>,
    /// Risk pages, by their index in the model.
    pub risks: Vec<usize>,
    /// Milestone investment per plan month.
    pub monthly: BTreeMap<u32, Span>,
    /// Phases in order of their first month.
    pub phases: Vec<Phase>,
    /// Quarters that have milestone months.
    pub quarters: Vec<Quarter>,
    /// All milestones' investment.
    pub total: Span,
    /// All levers' investment.
    pub levers_total: Span,
}

impl Plan {
    /// Aggregates the typed sections of `pages`.
    pub fn from_pages(pages: &[std::sync::Arc<Page>], start: Month) -> Plan {
        let mut plan = Plan::default();
        for (i, p) in pages.iter().enumerate() {
            let f = &p.front;
            let item = || Item {
                page: i,
                kind: f.kind,
                title: f.title.clone(),
                phase: f.phase.clone(),
                priority: f.priority,
                months: f.months.map_or((1, 1), |[a, b]| (a.max(1), b.max(a.max(1)))),
                investment: f.investment.map(|r| Span { min: r.min, max: r.max }),
                roi: f.roi,
            };
            match f.kind {
                PageKind::Milestone => plan.milestones.push(item()),
                PageKind::Lever => plan.levers.push(item()),
                PageKind::Risk => plan.risks.push(i),
                PageKind::Page => {}
            }
        }
        plan.milestones.sort_by_key(|m| (m.months, m.page));
        plan.levers
            .sort_by_key(|l| (l.priority.unwrap_or(Priority::Low), l.months, l.page));
        let milestones = std::mem::take(&mut plan.milestones);
        for m in &milestones {
            if let Some(per_month) = m.monthly_investment() {
                for month in m.months.0..=m.months.1 {
                    let slot = plan.monthly.entry(month).or_default();
                    *slot = slot.plus(per_month);
                }
            }
            plan.total = plan.total.plus(m.investment.unwrap_or_default());
            plan.add_to_phase(m);
        }
        plan.milestones = milestones;
        plan.levers_total = plan
            .levers
            .iter()
            .filter_map(|l| l.investment)
            .fold(Span::default(), Span::plus);
        plan.quarters = quarters(&plan.monthly, start);
        plan
    }

    fn add_to_phase(&mut self, m: &Item) {
        let Some(name) = &m.phase else { return };
        let investment = m.investment.unwrap_or_default();
        match self.phases.iter_mut().find(|p| &p.name == name) {
            Some(p) => {
                p.months = (p.months.0.min(m.months.0), p.months.1.max(m.months.1));
                p.investment = p.investment.plus(investment);
                p.pages.push(m.page);
            }
            None => self.phases.push(Phase {
                name: name.clone(),
                months: m.months,
                investment,
                pages: vec![m.page],
            }),
        }
    }

    /// Milestone investment over plan months `from..=to`.
    pub fn investment_between(&self, from: u32, to: u32) -> Span {
        self.monthly
            .range(from..=to)
            .map(|(_, s)| *s)
            .fold(Span::default(), Span::plus)
    }

    /// Cumulative milestone investment at the end of each month.
    pub fn cumulative(&self) -> Vec<(u32, Span)> {
        let mut total = Span::default();
        self.monthly
            .iter()
            .map(|(&m, &s)| {
                total = total.plus(s);
                (m, total)
            })
            .collect()
    }
}

/// Groups monthly investment by calendar quarter.
fn quarters(monthly: &BTreeMap<u32, Span>, start: Month) -> Vec<Quarter> {
    let mut out: Vec<Quarter> = Vec::new();
    for (&plan_month, &span) in monthly {
        let month = start.offset(plan_month as i32 - 1);
        let label = format!("Q{} {}", month.quarter(), month.year());
        match out.last_mut() {
            Some(q) if q.label == label => {
                q.months.1 = plan_month;
                q.investment = q.investment.plus(span);
            }
            _ => {
                let end = Month::new(month.year(), month.quarter() * 3).unwrap_or(month);
                out.push(Quarter {
                    label,
                    end,
                    months: (plan_month, plan_month),
                    investment: span,
                });
            }
        }
    }
    out
}

/// The task progress of every folder (and of the whole site, `""`): each
/// page's tasks are added to each folder it lives under, once, so a site of
/// any size costs one pass.
pub fn folder_progress(pages: &[std::sync::Arc<Page>]) -> std::collections::HashMap<String, Progress> {
    let mut out: std::collections::HashMap<String, Progress> = std::collections::HashMap::new();
    for p in pages {
        let mut folder = p.folder();
        loop {
            let slot = out.entry(folder.to_string()).or_default();
            *slot = slot.plus(p.tasks());
            if folder.is_empty() {
                break;
            }
            folder = folder.rfind('/').map_or("", |i| &folder[..i]);
        }
    }
    out
}

#[cfg(test)]
mod tests;
