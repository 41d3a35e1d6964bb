//! The metrics' line charts, drawn once each when a page first needs one
//! (with `serve`'s cache, once for every page that shows it), and what a
//! chart shows of a metric up to a month.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

use super::cache::RenderCache;
use crate::charts::{self, LineChart};
use crate::model::{Metric, Model, Series};
use crate::period::Month;

/// Every metric's line chart, drawn when a page first needs it: nothing
/// holds the charts of the whole site (with `serve`'s cache, each is drawn
/// once and reused by the home page, the group pages and shortcodes).
pub struct Charts {
    words: ChartWords,
    /// How many metrics have a chart.
    count: usize,
}

/// The words charts write into their point titles, from the theme.
pub struct ChartWords {
    actual: String,
    target: String,
    interpolated: String,
}

impl ChartWords {
    pub fn from(strings: &BTreeMap<String, String>) -> ChartWords {
        let get = |k: &str| strings.get(k).cloned().unwrap_or_else(|| k.to_string());
        ChartWords {
            actual: get("actual"),
            target: get("target"),
            interpolated: get("interpolated"),
        }
    }

    fn words(&self) -> charts::Words<'_> {
        charts::Words {
            actual: &self.actual,
            target: &self.target,
            interpolated: &self.interpolated,
        }
    }
}

/// What a metric's chart shows up to a month (all of it without one).
pub struct ChartData<'a> {
    pub actual: Cow<'a, Series>,
    pub plan: Cow<'a, Series>,
    pub targets: Cow<'a, Series>,
    pub band: Option<(Series, Series)>,
    pub original: Option<Series>,
    pub events: Vec<(Month, usize)>,
}

/// Which months a chart draws.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    /// Everything up to a month (all without one): the metric's pages.
    Whole(Option<Month>),
    /// What happened up to a month (the latest without one) and
    /// `plan_ahead` months of plan after its latest actual: the home page
    /// and the updates, where actuals should fill the plot.
    Recent(Option<Month>),
}

impl<'a> ChartData<'a> {
    /// What `m`'s chart draws in `view`.
    pub fn view(model: &Model, m: &'a Metric, view: View) -> ChartData<'a> {
        match view {
            View::Whole(as_of) => ChartData::of(model, m, as_of),
            View::Recent(as_of) => {
                // The plan as a whole, the actuals and events up to `as_of`.
                let mut data = ChartData::of(model, m, None);
                let (from, to) = recent_months(model, m, as_of);
                let keep = |s: &Series| -> Series { s.range(from..=to).map(|(k, v)| (*k, *v)).collect() };
                data.actual = Cow::Owned(keep(&cut(&m.actual, as_of)));
                data.plan = Cow::Owned(keep(&m.plan));
                data.targets = Cow::Owned(keep(&m.target));
                data.band = data.band.map(|(lo, hi)| (keep(&lo), keep(&hi)));
                data.original = data.original.map(|o| keep(&o));
                let limit = as_of.unwrap_or(to);
                data.events.retain(|(month, _)| (from..=to.min(limit)).contains(month));
                data
            }
        }
    }

    pub fn of(model: &Model, m: &'a Metric, as_of: Option<Month>) -> ChartData<'a> {
        let band = scenario_band(m).map(|(lo, hi)| (cut(&lo, as_of).into_owned(), cut(&hi, as_of).into_owned()));
        ChartData {
            actual: cut(&m.actual, as_of),
            plan: cut(&m.plan, as_of),
            targets: cut(&m.target, as_of),
            band,
            original: m
                .original
                .as_ref()
                .map(|o| cut(&crate::model::metrics::interpolate(o, m.interpolation), as_of).into_owned()),
            events: events_of(model, m, as_of)
                .into_iter()
                .map(|(n, e)| (e.month, n))
                .collect(),
        }
    }

    pub fn draw(&self, model: &Model, m: &Metric, words: &ChartWords, dom_id: &str) -> String {
        let format = |v: f64| model.style.format(v, m.unit);
        let largest = self
            .plan
            .values()
            .chain(self.actual.values())
            .fold(0.0f64, |a, v| a.max(v.abs()));
        let axis = model.style.axis_format(m.unit, largest);
        charts::line_chart(&LineChart {
            title: &m.label,
            actual: &self.actual,
            plan: &self.plan,
            targets: &self.targets,
            band: self.band.as_ref().map(|(lo, hi)| (lo, hi)),
            original: self.original.as_ref(),
            events: &self.events,
            format: &format,
            axis: &axis,
            calendar: model.calendar,
            words: words.words(),
            dom_id,
            allow_log: true,
        })
    }

    pub fn log(&self) -> bool {
        let mut all: Vec<&Series> = vec![&self.actual, &self.plan];
        if let Some((lo, hi)) = &self.band {
            all.extend([lo, hi]);
        }
        charts::wants_log(&all)
    }
}

/// The months a recent view draws: from the first actual (the plan's
/// start when there is none) to `plan_ahead` months after the latest actual
/// up to `as_of` (after `as_of`, or the start, when there is none).
fn recent_months(model: &Model, m: &Metric, as_of: Option<Month>) -> (Month, Month) {
    let limit = as_of.unwrap_or(Month(i32::MAX));
    let seen = m.actual.range(..=limit);
    let first = seen.clone().next().map(|(k, _)| *k);
    let last = seen.last().map(|(k, _)| *k);
    let from = first.unwrap_or(model.start);
    let anchor = last.or(as_of).unwrap_or(model.start);
    (from, anchor.offset(model.site.plan_ahead as i32))
}

/// The lowest and highest of a metric's scenarios (and its base plan) in
/// every month they all cover, each read between its targets like the plan.
fn scenario_band(m: &Metric) -> Option<(Series, Series)> {
    if m.scenarios.is_empty() {
        return None;
    }
    let cases: Vec<Series> = m
        .scenarios
        .iter()
        .map(|(_, s)| crate::model::metrics::interpolate(s, m.interpolation))
        .chain(std::iter::once(m.plan.clone()))
        .collect();
    let months: BTreeSet<Month> = cases.iter().flat_map(|c| c.keys().copied()).collect();
    let (mut lo, mut hi) = (Series::new(), Series::new());
    for month in months {
        let values: Vec<f64> = cases.iter().filter_map(|c| c.get(&month).copied()).collect();
        if values.len() == cases.len() {
            lo.insert(month, values.iter().copied().fold(f64::INFINITY, f64::min));
            hi.insert(month, values.iter().copied().fold(f64::NEG_INFINITY, f64::max));
        }
    }
    (!lo.is_empty()).then_some((lo, hi))
}

/// The events shown on `m`'s charts up to `as_of`, numbered from 1.
pub fn events_of<'a>(model: &'a Model, m: &Metric, as_of: Option<Month>) -> Vec<(usize, &'a crate::model::Event)> {
    let limit = as_of.unwrap_or(Month(i32::MAX));
    model
        .events
        .iter()
        .filter(|e| e.month <= limit && e.metrics.contains(&m.id))
        .enumerate()
        .map(|(i, e)| (i + 1, e))
        .collect()
}

impl Charts {
    /// Ready to draw the charts of `model`'s metrics.
    pub fn new(model: &Model, strings: &BTreeMap<String, String>) -> Charts {
        Charts {
            words: ChartWords::from(strings),
            count: model
                .metrics
                .iter()
                .filter(|m| !m.actual.is_empty() || !m.target.is_empty())
                .count(),
        }
    }

    /// The chart of `m` (empty when it has no values), from the cache when
    /// it was drawn before with the same inputs.
    pub fn line(&self, model: &Model, m: &Metric, cache: &RenderCache) -> String {
        if m.actual.is_empty() && m.target.is_empty() {
            return String::new();
        }
        let data = ChartData::of(model, m, None);
        let words = &self.words;
        // Only a keeping cache needs the key; one-off builds skip building it.
        let key = cache.is_enabled().then(|| {
            let points = |s: &Series| s.iter().map(|(k, v)| (k.0, *v)).collect::<Vec<_>>();
            let inputs = (
                (&m.id, &m.label, m.unit),
                (points(&data.actual), points(&data.plan), points(&data.targets)),
                (
                    data.band.as_ref().map(|(l, h)| (points(l), points(h))),
                    data.original.as_ref().map(points),
                ),
                data.events.iter().map(|(mo, n)| (mo.0, *n)).collect::<Vec<_>>(),
                (&words.actual, &words.target, &words.interpolated),
            );
            cache.key("chart", &(inputs, format!("{:?}{:?}", model.style, model.calendar)))
        });
        cache.text(key.flatten(), || data.draw(model, m, words, &format!("chart-{}", m.id)))
    }

    /// How many metrics have a chart.
    pub fn count(&self) -> usize {
        self.count
    }
}

/// The values of `s` up to `as_of` (all of them without one).
pub fn cut(s: &Series, as_of: Option<Month>) -> Cow<'_, Series> {
    match as_of {
        Some(limit) if s.keys().next_back().is_some_and(|last| *last > limit) => {
            Cow::Owned(s.range(..=limit).map(|(k, v)| (*k, *v)).collect())
        }
        _ => Cow::Borrowed(s),
    }
}
