//! Resolve: the second stage. Turns loaded documents into the model the
//! site shows: metrics with computed series, derived values, the plan's
//! aggregates and the consistency findings. No disk access here.

pub mod bridge;
pub mod cohorts;
pub mod lint;
pub mod metrics;
pub mod plan;
mod references;

use references::{Known, check_ids};

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

pub use metrics::{Group, Metric, Scenario, Section, Series};

use crate::diagnostic::{Code, Diagnostic, Diagnostics, Source, Subject};
use crate::load::{Page, Project, SiteConfig, Spans, ThemeFiles, Update};
use crate::period::Month;
use crate::roles::Comparison;
use crate::units::{Change, Direction, NumberStyle, change};

/// Everything the site shows, computed.
#[derive(Debug)]
pub struct Model {
    /// Site settings.
    pub site: SiteConfig,
    /// Month 1 of the plan.
    pub start: Month,
    /// How numbers are written.
    pub style: NumberStyle,
    /// How months are named, in the site's language.
    pub calendar: crate::period::Calendar,
    /// Metric groups in display order (shared with `serve`'s cache).
    pub groups: Arc<Vec<Group>>,
    /// All metrics.
    pub metrics: Arc<Vec<Metric>>,
    /// Metric index by id.
    pub index: Arc<HashMap<String, usize>>,
    /// Plan pages and the home page.
    pub pages: Vec<Arc<Page>>,
    /// The plan's aggregates: investment, phases, quarters, levers, risks.
    pub plan: plan::Plan,
    /// Indexes of [`Model::pages`] sorted by slug, for [`Model::page`]:
    /// no copy of 100,000 slugs.
    pub page_index: Vec<u32>,
    /// Task progress of every folder, by folder (`plan/roadmap`; `""` is
    /// the whole site).
    pub folder_progress: HashMap<String, plan::Progress>,
    /// Monthly updates, oldest first.
    pub updates: Vec<Update>,
    /// Theme overrides.
    pub theme: ThemeFiles,
    /// Warnings found while resolving (the consistency findings).
    pub findings: Diagnostics,
    /// Dated events, by month.
    pub events: Arc<Vec<Event>>,
}

/// Something that happened in a month, drawn on the charts of the
/// metrics it concerns and listed in that month's update.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Event {
    /// The month.
    #[serde(skip)]
    pub month: Month,
    /// What happened.
    pub label: String,
    /// The metrics whose charts show it.
    pub metrics: Vec<String>,
}

/// Resolves a loaded project. Returns the model and its warnings, or every
/// error found.
pub fn resolve(project: Project) -> Result<Model, Diagnostics> {
    resolve_with(project, &ModelCache::default())
}

/// What the model computes from the metric files and `site.yaml` alone:
/// the metrics with every value, their groups, the dated events, and what
/// reading and linting them found. Most of resolving; `serve` keeps it
/// while no metric file changes ([`ModelCache`]).
#[derive(Debug, Clone)]
struct MetricPart {
    /// The headline: `site.yaml`'s, else the money (see [`money_first`]).
    headline: Arc<Vec<String>>,
    groups: Arc<Vec<Group>>,
    metrics: Arc<Vec<Metric>>,
    index: Arc<HashMap<String, usize>>,
    events: Arc<Vec<Event>>,
    /// Found while reading the metrics (errors stop the build).
    read: Diagnostics,
    /// The linter's findings on the metrics alone.
    lint: Diagnostics,
}

/// The metric part of the last resolve, kept by `serve` between rebuilds.
/// Disabled (and free) for one-off builds.
#[derive(Default)]
pub struct ModelCache {
    enabled: bool,
    last: Mutex<Option<(u64, MetricPart)>>,
}

impl ModelCache {
    /// A cache that keeps the metric part.
    pub fn new() -> ModelCache {
        ModelCache {
            enabled: true,
            ..ModelCache::default()
        }
    }

    /// The metric part of `project`, computed only when its inputs changed.
    fn metric_part(&self, project: &mut Project) -> MetricPart {
        if !self.enabled {
            return metric_part(project);
        }
        let key = metric_key(project);
        if let Some((_, part)) = self.last.lock().ok().and_then(|l| l.clone()).filter(|(k, _)| *k == key) {
            return part;
        }
        let part = metric_part(project);
        if let Ok(mut last) = self.last.lock() {
            *last = Some((key, part.clone()));
        }
        part
    }
}

/// A hash of everything [`metric_part`] reads: the settings, and each
/// metric file's text with what the audience stage left of it.
fn metric_key(project: &Project) -> u64 {
    use std::hash::{DefaultHasher, Hash, Hasher};
    let mut h = DefaultHasher::new();
    format!("{:?}", project.site).hash(&mut h);
    for file in &project.metric_files {
        (&file.source.path, &*file.source.text).hash(&mut h);
        for m in &file.doc.metrics {
            m.id.hash(&mut h);
            format!("{:?}", m.pulled).hash(&mut h);
        }
        for (name, table) in &file.tables {
            (name, &*table.source.text).hash(&mut h);
        }
        for check in &file.doc.checks {
            check.position.hash(&mut h);
        }
    }
    h.finish()
}

/// Reads the metric files into metrics, computes formulas and plans,
/// orders the groups, and lints what the metrics say of themselves.
fn metric_part(project: &mut Project) -> MetricPart {
    let mut read = Diagnostics::default();
    let start = project.site.start_month();
    let (mut groups, mut metrics) = metrics::collect(&mut project.metric_files, start, &mut read);
    let calendar = crate::period::Calendar::new(project.site.language.code());
    let derivations = metrics::resolve_formulas(&mut metrics, &groups, calendar, &mut read);
    metrics::fill_plans(&mut metrics, &derivations);
    metrics::check_declared(&metrics, &groups, &mut read);
    let index: HashMap<String, usize> = metrics.iter().enumerate().map(|(i, m)| (m.id.clone(), i)).collect();
    let headline = match project.site.headline.is_empty() {
        true => money_first(&metrics),
        false => project.site.headline.clone(),
    };
    let events = collect_events(
        &project.metric_files,
        (&project.site, &headline),
        &project.site_source,
        &project.site_spans,
        &index,
        start,
        &mut read,
    );
    // Groups by weight, then file name (already the load order).
    let mut order: Vec<usize> = (0..groups.len()).collect();
    order.sort_by_key(|&g| (groups[g].weight.unwrap_or(0), g));
    let remap: HashMap<usize, usize> = order.iter().enumerate().map(|(new, &old)| (old, new)).collect();
    groups = order.iter().map(|&g| groups[g].clone()).collect();
    for m in &mut metrics {
        m.group = remap[&m.group];
    }
    let lint = if read.has_errors() {
        Diagnostics::default()
    } else {
        lint::lint_metrics(&lint::Subject {
            metrics: &metrics,
            index: &index,
            groups: &groups,
            pages: &[],
            plan: &plan::Plan::default(),
            start,
            style: &style_of(&project.site),
            calendar,
            runway_alert: project.site.runway_alert,
        })
    };
    MetricPart {
        headline: Arc::new(headline),
        groups: Arc::new(groups),
        metrics: Arc::new(metrics),
        index: Arc::new(index),
        events: Arc::new(events),
        read,
        lint,
    }
}

/// How the site writes numbers.
fn style_of(site: &SiteConfig) -> NumberStyle {
    let language = site.number_style.unwrap_or(site.language);
    NumberStyle::for_language(language.code(), &site.currency)
}

/// [`resolve`], reusing the metric part `cache` kept when its inputs are
/// the same.
pub fn resolve_with(mut project: Project, cache: &ModelCache) -> Result<Model, Diagnostics> {
    let start = project.site.start_month();
    let style = style_of(&project.site);
    let calendar = crate::period::Calendar::new(project.site.language.code());
    let part = cache.metric_part(&mut project);
    let mut diags = part.read.clone();
    let known = Known {
        index: &part.index,
        metrics: &part.metrics,
        groups: &part.groups,
        start,
    };
    check_ids(
        &project.site.headline,
        "headline",
        (&project.site_source, &project.site_spans),
        &known,
        &mut diags,
    );
    for page in &project.pages {
        let subject = Subject::Page(page.slug.clone());
        known.check_shortcodes(&page.source, page.body_offset, &page.shortcodes, &subject, &mut diags);
        known.check_claims(page, &mut diags);
    }
    for update in &project.updates {
        let subject = Subject::Update(update.period.to_string());
        known.check_shortcodes(
            &update.source,
            update.body_offset,
            &update.shortcodes,
            &subject,
            &mut diags,
        );
        known.check_lines(update, &subject, &mut diags);
        if let Some(kpis) = &update.front.kpis {
            check_ids(kpis, "kpis", (&update.source, &update.spans), &known, &mut diags);
        }
        lint::letters::unfinished(update, &mut diags);
    }
    if diags.has_errors() {
        return Err(diags);
    }
    let mut updates = project.updates;
    updates.sort_by_key(|u| u.period);
    let mut pages = project.pages;
    pages.extend(missing_folder_indexes(&pages));
    let plan = plan::Plan::from_pages(&pages, start);
    diags.extend(part.lint.clone());
    let subject = lint::Subject {
        metrics: &part.metrics,
        index: &part.index,
        groups: &part.groups,
        pages: &pages,
        plan: &plan,
        start,
        style: &style,
        calendar,
        runway_alert: project.site.runway_alert,
    };
    diags.extend(lint::lint_plan(&subject));
    diags.extend(lint::lint_letters(&subject, &updates));
    // From here on the headline is the one shown: the site's, or the money.
    project.site.headline = part.headline.to_vec();
    let mut page_index: Vec<u32> = (0..pages.len() as u32).collect();
    page_index.sort_unstable_by(|&a, &b| pages[a as usize].slug.cmp(&pages[b as usize].slug));
    Ok(Model {
        plan,
        page_index,
        folder_progress: plan::folder_progress(&pages),
        calendar,
        site: project.site,
        start,
        style,
        groups: part.groups,
        metrics: part.metrics,
        index: part.index,
        pages,
        updates,
        theme: project.theme,
        findings: diags,
        events: part.events,
    })
}

/// The headline when `site.yaml` gives none: the money first, as an
/// investor reads it — cash, net burn, runway, then MRR (or ARR) — of the
/// metrics that have those roles.
fn money_first(metrics: &[Metric]) -> Vec<String> {
    use crate::roles::Role;
    let with = |role: Role| metrics.iter().find(|m| m.role == Some(role)).map(|m| m.id.clone());
    let revenue = with(Role::Mrr).or_else(|| with(Role::Arr));
    [with(Role::Cash), with(Role::NetBurn), with(Role::Runway), revenue]
        .into_iter()
        .flatten()
        .collect()
}

/// The events of the metric files and of `site.yaml`, with their months
/// read and their metrics checked: an event in a metric file concerns that
/// file's metrics unless it names others, one in `site.yaml` the headline.
fn collect_events(
    files: &[Arc<crate::load::MetricFile>],
    (site, headline): (&SiteConfig, &[String]),
    site_source: &Source,
    site_spans: &Spans,
    index: &HashMap<String, usize>,
    start: Month,
    diags: &mut Diagnostics,
) -> Vec<Event> {
    let mut events = Vec::new();
    let mut read = |raw: &crate::load::RawEvent, source: &Source, spans: &Spans, default: Vec<String>| {
        let path = format!("events[{}]", raw.position);
        let Ok(month) = crate::period::parse_period(&raw.date, start) else {
            diags.push(
                Diagnostic::error_at(
                    Code::BadPeriod,
                    source,
                    spans.value(&format!("{path}.date")).unwrap_or(0..0),
                    format!("`date: {}` is not a month", crate::diagnostic::quote(&raw.date)),
                )
                .help("write the event's month as YYYY-MM or a plan month such as M2"),
            );
            return;
        };
        let metrics = raw.metrics.clone().unwrap_or(default);
        for id in metrics.iter().filter(|id| !index.contains_key(*id)) {
            diags.push(
                Diagnostic::error_at(
                    Code::UnknownMetric,
                    source,
                    spans
                        .find_in_list(&source.text, &format!("{path}.metrics"), id)
                        .unwrap_or(0..0),
                    format!(
                        "the event names `{}`, which is not a metric",
                        crate::diagnostic::quote(id)
                    ),
                )
                .help("list metric ids defined in content/metrics/*.yaml"),
            );
        }
        events.push(Event {
            month,
            label: raw.label.clone(),
            metrics,
        });
    };
    for file in files {
        let own: Vec<String> = file.doc.metrics.iter().map(|m| m.id.clone()).collect();
        for raw in &file.doc.events {
            read(raw, &file.source, &file.spans, own.clone());
        }
    }
    for raw in &site.events {
        read(raw, site_source, site_spans, headline.to_vec());
    }
    events.sort_by_key(|e| e.month);
    events
}

/// A folder of pages without an `_index.md` still gets a page listing its
/// children, titled after the folder, so that no page is unreachable.
fn missing_folder_indexes(pages: &[Arc<Page>]) -> Vec<Arc<Page>> {
    let existing: std::collections::HashSet<&str> = pages.iter().map(|p| p.slug.as_str()).collect();
    let mut folders = std::collections::BTreeSet::new();
    for p in pages {
        let mut folder = p.folder();
        while !folder.is_empty() {
            if !folders.insert(folder.to_string()) {
                break;
            }
            folder = folder.rfind('/').map_or("", |i| &folder[..i]);
        }
    }
    folders
        .into_iter()
        .filter(|f| !existing.contains(format!("{f}/_index").as_str()))
        .filter_map(|folder| {
            let name = folder.rsplit('/').next().unwrap_or(&folder).replace(['-', '_'], " ");
            let mut title: String = name.chars().take(1).flat_map(char::to_uppercase).collect();
            title.push_str(&name.chars().skip(1).collect::<String>());
            let text = format!("---\ntitle: {}\n---\n", serde_json::to_string(&title).ok()?);
            let source = Source::new(format!("content/{folder}/_index.md"), text);
            let front = serde_yaml::from_str(&source.text[4..source.text.len() - 4]).ok()?;
            let body_offset = source.text.len();
            Some(Page {
                slug: format!("{folder}/_index"),
                front,
                body_offset,
                body_at: crate::load::Body::Markdown,
                figures: Vec::new(),
                tasks: plan::Progress::default(),
                shortcodes: Vec::new(),
                spans: Spans::default(),
                source,
            })
        })
        .map(Arc::new)
        .collect()
}

/// A metric's value in one month with its comparisons.
#[derive(Debug, Clone, Copy)]
pub struct Reading {
    /// The month.
    pub month: Month,
    /// The value.
    pub value: f64,
    /// Change versus the previous month of the same series (none when
    /// that month has no value): the same definition as `growth()`.
    pub change: Option<Change>,
    /// Actual versus the plan of that month, above 1 when better than plan
    /// (see [`attainment`]).
    pub attainment: Option<f64>,
    /// The plan of that month, when there is one.
    pub plan: Option<f64>,
    /// Whether that plan was read between two targets rather than written.
    pub interpolated: bool,
}

/// How an attainment reads, with a neutral band around the plan so that
/// 96% is not an alarm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Standing {
    /// At or better than plan.
    Ahead,
    /// Within the metric's tolerance below plan.
    Close,
    /// Further below plan.
    Behind,
}

impl Standing {
    /// The standing of an attainment for a metric with `tolerance`.
    pub fn of(attainment: f64, tolerance: f64) -> Standing {
        if attainment >= 1.0 - 1e-9 {
            Standing::Ahead
        } else if attainment >= 1.0 - tolerance - 1e-9 {
            Standing::Close
        } else {
            Standing::Behind
        }
    }

    /// The CSS class templates use.
    pub fn class(self) -> &'static str {
        match self {
            Standing::Ahead => "good",
            Standing::Close => "close",
            Standing::Behind => "bad",
        }
    }
}

impl Model {
    /// The metric with `id`.
    pub fn metric(&self, id: &str) -> Option<&Metric> {
        self.index.get(id).map(|&i| &self.metrics[i])
    }

    /// The latest actual of `m` up to and including `as_of` (all time when
    /// none), with change and attainment.
    pub fn latest_actual(&self, m: &Metric, as_of: Option<Month>) -> Option<Reading> {
        let limit = as_of.unwrap_or(Month(i32::MAX));
        let (&month, &value) = m.actual.range(..=limit).next_back()?;
        Some(self.reading(m, Scenario::Actual, month, value))
    }

    /// A reading of `m` in `month` of a scenario.
    pub fn reading(&self, m: &Metric, scenario: Scenario, month: Month, value: f64) -> Reading {
        let series = scenario.series(m);
        let change = series
            .get(&month.offset(-1))
            .and_then(|&before| change(before, value, m.unit));
        let plan = m.plan.get(&month).copied();
        let attainment = match scenario {
            Scenario::Actual => plan.and_then(|t| attainment(value, t, m.direction, m.compare)),
            Scenario::Target => None,
        };
        Reading {
            month,
            value,
            change,
            attainment,
            plan,
            interpolated: plan.is_some() && !m.is_stated_target(month),
        }
    }

    /// The KPIs an update shows: its own list, else the site's headline.
    pub fn kpi_ids<'a>(&'a self, u: &'a Update) -> &'a [String] {
        u.front.kpis.as_deref().unwrap_or(&self.site.headline)
    }

    /// The page with `slug`.
    pub fn page(&self, slug: &str) -> Option<&Page> {
        let at = self
            .page_index
            .binary_search_by(|&i| self.pages[i as usize].slug.as_str().cmp(slug))
            .ok()?;
        Some(&*self.pages[self.page_index[at] as usize])
    }

    /// Task progress of everything under `folder` (the whole site when
    /// empty).
    pub fn progress_under(&self, folder: &str) -> plan::Progress {
        self.folder_progress.get(folder).copied().unwrap_or_default()
    }

    /// Plan month number of `month` (M1 = start).
    pub fn plan_month(&self, month: Month) -> i32 {
        crate::period::plan_month(month, self.start)
    }

    /// The latest month with any actual value: "today" as far as the data go.
    pub fn latest_actual_month(&self) -> Option<Month> {
        self.metrics
            .iter()
            .filter_map(|m| m.actual.keys().next_back())
            .max()
            .copied()
    }
}

/// Actual against plan, above 1 when better than plan whichever way the
/// metric should move.
///
/// - Positive plans compare by ratio: actual / target, or target / actual
///   when lower is better.
/// - A plan below zero (EBITDA, net burn turned profit) or an actual on the
///   other side of zero compares by distance: 1 plus how far actual is
///   past the target, as a share of the target's size.
/// - A bounded metric such as uptime compares its error budget: the
///   shortfall the plan allows (1 − target) over the one it had (1 − actual).
pub fn attainment(actual: f64, target: f64, direction: Direction, compare: Comparison) -> Option<f64> {
    if compare == Comparison::Budget {
        let (allowed, used) = (1.0 - target, 1.0 - actual);
        return (allowed > 0.0)
            .then(|| if used <= 0.0 { f64::INFINITY } else { allowed / used })
            .map(|a| a.min(10.0));
    }
    if target == 0.0 {
        return None;
    }
    let ratio = match direction {
        Direction::Up if target > 0.0 && actual >= 0.0 => Some(actual / target),
        Direction::Down if target > 0.0 && actual > 0.0 => Some(target / actual),
        _ => None,
    };
    Some(ratio.unwrap_or_else(|| {
        let better = match direction {
            Direction::Up => actual - target,
            Direction::Down => target - actual,
        };
        1.0 + better / target.abs()
    }))
}
