//! Resolve: the second stage. Turns loaded documents into the model the
//! site shows: metrics with computed series, derived values, the plan's
//! aggregates and the consistency findings. No disk access here.

mod audience;
pub mod consistency;
pub mod lint;
mod locate;
pub mod metrics;
pub mod plan;

use std::collections::HashMap;

pub use metrics::{Group, Metric, Scenario, Series};

use crate::diagnostic::{Diagnostic, Diagnostics, Source};
use crate::load::{Page, Project, SiteConfig, ThemeFiles, Update};
use crate::period::Month;
use crate::shortcode::{self, ShortcodeKind};
use crate::units::{Change, NumberStyle, change};

/// Everything the site shows, computed.
#[derive(Debug)]
pub struct Model {
    /// Site settings.
    pub site: SiteConfig,
    /// Month 1 of the plan.
    pub start: Month,
    /// How numbers are written.
    pub style: NumberStyle,
    /// Metric groups in display order.
    pub groups: Vec<Group>,
    /// All metrics.
    pub metrics: Vec<Metric>,
    /// Metric index by id.
    pub index: HashMap<String, usize>,
    /// Plan pages and the home page.
    pub pages: Vec<Page>,
    /// The plan's aggregates: investment, phases, quarters, levers, risks.
    pub plan: plan::Plan,
    /// Task progress of each page, parallel to `pages`.
    pub progress: Vec<plan::Progress>,
    /// Page index by slug (`plan/roadmap/_index`).
    pub page_index: HashMap<String, usize>,
    /// Monthly updates, oldest first.
    pub updates: Vec<Update>,
    /// Theme overrides.
    pub theme: ThemeFiles,
    /// Warnings found while resolving (the consistency findings).
    pub findings: Diagnostics,
}

/// Resolves a loaded project. Returns the model and its warnings, or every
/// error found.
pub fn resolve(project: Project) -> Result<Model, Diagnostics> {
    let mut diags = Diagnostics::default();
    let start = project.site.start_month();
    let style_language = project.site.number_style.unwrap_or(project.site.language);
    let style = NumberStyle::for_language(style_language.code(), &project.site.currency);
    let (mut groups, mut metrics) = metrics::collect(&project.metric_files, start, &mut diags);
    metrics::resolve_formulas(&mut metrics, &groups, &mut diags);
    let index: HashMap<String, usize> = metrics.iter().enumerate().map(|(i, m)| (m.id.clone(), i)).collect();
    check_headline(&project.site, &project.site_source, &index, &mut diags);
    for page in &project.pages {
        check_shortcodes(&page.source, page.body_offset, &index, &groups, start, &mut diags);
    }
    lint::check_sections(&project.pages, &mut diags);
    lint::check_claim_input(&project.pages, &index, start, &mut diags);
    for update in &project.updates {
        check_shortcodes(&update.source, update.body_offset, &index, &groups, start, &mut diags);
        check_update_kpis(update, &index, &mut diags);
    }
    if diags.has_errors() {
        return Err(diags);
    }
    consistency::check_stated(&metrics, &groups, &style, start, &mut diags);
    // Groups by weight, then file name (already the load order).
    let mut order: Vec<usize> = (0..groups.len()).collect();
    order.sort_by_key(|&g| (groups[g].weight.unwrap_or(0), g));
    let remap: HashMap<usize, usize> = order.iter().enumerate().map(|(new, &old)| (old, new)).collect();
    groups = order.iter().map(|&g| groups[g].clone()).collect();
    for m in &mut metrics {
        m.group = remap[&m.group];
    }
    let mut updates = project.updates;
    updates.sort_by_key(|u| u.period);
    let mut pages = project.pages;
    pages.extend(missing_folder_indexes(&pages));
    let progress = plan::page_progress(&pages);
    let plan = plan::Plan::from_pages(&pages, &progress, start);
    diags.extend(lint::lint(&lint::Subject {
        metrics: &metrics,
        index: &index,
        groups: &groups,
        pages: &pages,
        plan: &plan,
        start,
        style: &style,
    }));
    let page_index = pages.iter().enumerate().map(|(i, p)| (p.slug.clone(), i)).collect();
    Ok(Model {
        plan,
        progress,
        page_index,
        site: project.site,
        start,
        style,
        groups,
        metrics,
        index,
        pages,
        updates,
        theme: project.theme,
        findings: diags,
    })
}

/// A folder of pages without an `_index.md` still gets a page listing its
/// children, titled after the folder, so that no page is unreachable.
fn missing_folder_indexes(pages: &[Page]) -> Vec<Page> {
    let existing: std::collections::HashSet<&str> = pages.iter().map(|p| p.slug.as_str()).collect();
    let mut folders = std::collections::BTreeSet::new();
    for p in pages {
        let mut folder = p.folder();
        while !folder.is_empty() {
            folders.insert(folder.to_string());
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
                tasks: plan::Progress::default(),
                source,
            })
        })
        .collect()
}

fn check_headline(site: &SiteConfig, source: &Source, index: &HashMap<String, usize>, diags: &mut Diagnostics) {
    let from = source.find_key(0, "headline").unwrap_or(0);
    for id in &site.headline {
        if !index.contains_key(id) {
            let at = source.find_from(from, id).unwrap_or(from);
            diags.push(
                Diagnostic::error_at(
                    source,
                    at,
                    id.len(),
                    format!("the headline names `{id}`, which is not a metric"),
                )
                .help("list metric ids defined in content/metrics/*.yaml"),
            );
        }
    }
}

fn check_update_kpis(update: &Update, index: &HashMap<String, usize>, diags: &mut Diagnostics) {
    let Some(kpis) = &update.front.kpis else {
        return;
    };
    let from = update.source.find_key(0, "kpis").unwrap_or(0);
    for id in kpis {
        if !index.contains_key(id) {
            let at = update.source.find_from(from, id).unwrap_or(from);
            diags.push(
                Diagnostic::error_at(
                    &update.source,
                    at,
                    id.len(),
                    format!("the update lists the KPI `{id}`, which is not a metric"),
                )
                .help("list metric ids defined in content/metrics/*.yaml"),
            );
        }
    }
}

fn check_shortcodes(
    source: &Source,
    body_offset: usize,
    index: &HashMap<String, usize>,
    groups: &[Group],
    start: Month,
    diags: &mut Diagnostics,
) {
    for found in shortcode::find(&source.text[body_offset..]) {
        let sc = match found {
            Ok(sc) => sc,
            Err(e) => {
                diags.push(
                    Diagnostic::error_at(source, body_offset + e.span.start, e.span.len(), e.message)
                        .help("write e.g. {{ chart(metric=\"arr\") }}, {{ kpi(metric=\"arr\") }} or {{ table(metrics=\"arr,mrr\") }}"),
                );
                continue;
            }
        };
        let mut ids: Vec<(&str, std::ops::Range<usize>)> = Vec::new();
        match sc.kind {
            ShortcodeKind::Chart | ShortcodeKind::Kpi | ShortcodeKind::Projections => match sc.arg("metric") {
                Some((id, span)) => ids.push((id, span)),
                None => diags.push(
                    Diagnostic::error_at(
                        source,
                        body_offset + sc.span.start,
                        sc.span.len(),
                        "this shortcode needs `metric=\"<id>\"`",
                    )
                    .help("name the metric to show, e.g. {{ chart(metric=\"arr\") }}"),
                ),
            },
            ShortcodeKind::Table | ShortcodeKind::Objectives => {
                if let Some((list, span)) = sc.arg("metrics") {
                    let mut at = span.start;
                    for part in list.split(',') {
                        let lead = part.len() - part.trim_start().len();
                        ids.push((part.trim(), at + lead..at + lead + part.trim().len()));
                        at += part.len() + 1;
                    }
                } else if let Some((g, span)) = sc.arg("group") {
                    if !groups.iter().any(|gr| gr.id == g) {
                        diags.push(
                            Diagnostic::error_at(
                                source,
                                body_offset + span.start,
                                span.len(),
                                format!("no metric file is named `{g}`"),
                            )
                            .help(format!(
                                "groups are the file names in content/metrics/: {}",
                                groups.iter().map(|g| g.id.as_str()).collect::<Vec<_>>().join(", ")
                            )),
                        );
                    }
                } else {
                    let (message, help) = match sc.kind {
                        ShortcodeKind::Objectives => (
                            "objectives needs `metrics=\"a,b\"`: the metrics whose quarter-end targets to show",
                            "e.g. {{ objectives(metrics=\"arr,nps\", until=\"M12\") }}",
                        ),
                        _ => (
                            "a table needs `metrics=\"a,b\"` or `group=\"file\"`",
                            "e.g. {{ table(metrics=\"arr,mrr\") }}",
                        ),
                    };
                    diags.push(
                        Diagnostic::error_at(source, body_offset + sc.span.start, sc.span.len(), message).help(help),
                    );
                }
            }
        }
        if let Some((until, span)) = sc.arg("until") {
            if crate::period::parse_period(until, start).is_err() {
                diags.push(
                    Diagnostic::error_at(
                        source,
                        body_offset + span.start,
                        span.len().max(1),
                        format!("`until=\"{until}\"` is not a month"),
                    )
                    .help("write YYYY-MM or a plan month such as M12"),
                );
            }
        }
        for (id, span) in ids {
            if !index.contains_key(id) {
                diags.push(
                    Diagnostic::error_at(
                        source,
                        body_offset + span.start,
                        span.len().max(1),
                        format!("the shortcode names `{id}`, which is not a metric"),
                    )
                    .help("use an id defined in content/metrics/*.yaml"),
                );
            }
        }
    }
}

/// A metric's value in one month with its comparisons.
#[derive(Debug, Clone, Copy)]
pub struct Reading {
    /// The month.
    pub month: Month,
    /// The value.
    pub value: f64,
    /// Change versus the previous value of the same series.
    pub change: Option<Change>,
    /// Actual versus target in that month (for "down" metrics, target / actual).
    pub attainment: Option<f64>,
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
            .range(..month)
            .next_back()
            .and_then(|(_, &before)| change(before, value, m.unit));
        let attainment = match scenario {
            Scenario::Actual => m.target.get(&month).and_then(|&t| attainment(value, t, m.direction)),
            Scenario::Target => None,
        };
        Reading {
            month,
            value,
            change,
            attainment,
        }
    }

    /// The page with `slug`.
    pub fn page(&self, slug: &str) -> Option<&Page> {
        self.page_index.get(slug).map(|&i| &self.pages[i])
    }

    /// Task progress of everything under `folder` (the whole site when empty).
    pub fn progress_under(&self, folder: &str) -> plan::Progress {
        plan::progress_under(&self.pages, &self.progress, folder)
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

/// Actual against target; for a lower-is-better metric the ratio is turned
/// round so that above 100% always means better than plan.
pub fn attainment(actual: f64, target: f64, direction: crate::units::Direction) -> Option<f64> {
    use crate::units::Direction;
    match direction {
        Direction::Up if target != 0.0 => Some(actual / target),
        Direction::Down if actual != 0.0 => Some(target / actual),
        _ => None,
    }
}
