//! Resolve: the second stage. Turns loaded documents into the model the
//! site shows: metrics with computed series, derived values, the plan's
//! aggregates and the consistency findings. No disk access here.

pub mod consistency;
pub mod lint;
pub mod metrics;
pub mod plan;

use std::collections::HashMap;

pub use metrics::{Group, Metric, Scenario, Section, Series};

use crate::diagnostic::{Code, Diagnostic, Diagnostics, Source, Subject};
use crate::load::{Page, Project, SiteConfig, Spans, ThemeFiles, Update};
use crate::period::Month;
use crate::shortcode::{ArgKind, Shortcode};
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
    /// Page index by slug (`plan/roadmap/_index`).
    pub page_index: HashMap<String, usize>,
    /// Task progress of every folder, by folder (`plan/roadmap`; `""` is
    /// the whole site), summed once.
    pub folder_progress: HashMap<String, plan::Progress>,
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
    let known = Known {
        index: &index,
        groups: &groups,
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
        if let Some(kpis) = &update.front.kpis {
            check_ids(kpis, "kpis", (&update.source, &update.spans), &known, &mut diags);
        }
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
    let plan = plan::Plan::from_pages(&pages, start);
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
    let folder_progress = plan::folder_progress(&pages);
    Ok(Model {
        plan,
        page_index,
        folder_progress,
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
                tasks: plan::Progress::default(),
                shortcodes: Vec::new(),
                spans: Spans::default(),
                source,
            })
        })
        .collect()
}

/// What references are checked against: the metrics and files that exist.
struct Known<'a> {
    index: &'a HashMap<String, usize>,
    groups: &'a [Group],
    start: Month,
}

/// Ids listed in `key` (the headline, an update's KPIs) must be metrics.
fn check_ids(ids: &[String], key: &str, (source, spans): (&Source, &Spans), known: &Known, diags: &mut Diagnostics) {
    for id in ids.iter().filter(|id| !known.index.contains_key(*id)) {
        let span = spans
            .find_in_list(&source.text, key, id)
            .or_else(|| spans.value_or_key(key))
            .unwrap_or(0..0);
        diags.push(
            Diagnostic::error_at(
                Code::UnknownMetric,
                source,
                span,
                format!(
                    "`{key}` names `{}`, which is not a metric",
                    crate::diagnostic::quote(id)
                ),
            )
            .help("list metric ids defined in content/metrics/*.yaml"),
        );
    }
}

impl Known<'_> {
    /// Every shortcode's arguments against [`crate::shortcode::SPECS`]: the
    /// ones it needs are there, it takes no others, and each names a
    /// metric, file or month that exists.
    fn check_shortcodes(
        &self,
        source: &Source,
        body: usize,
        shortcodes: &[Shortcode],
        subject: &Subject,
        diags: &mut Diagnostics,
    ) {
        for sc in shortcodes {
            let spec = sc.kind.spec();
            let whole = body + sc.span.start..body + sc.span.end;
            let mut error = |code: Code, span: std::ops::Range<usize>, message: String, help: String| {
                diags.push(
                    Diagnostic::error_at(code, source, span, message)
                        .about(subject.clone())
                        .help(help),
                );
            };
            if !spec.needs_one_of.iter().any(|a| sc.arg(a).is_some()) {
                let wanted: Vec<String> = spec.needs_one_of.iter().map(|a| format!("`{a}=\"…\"`")).collect();
                error(
                    Code::ShortcodeArgument,
                    whole.clone(),
                    format!("`{}` needs {}", spec.name, wanted.join(" or ")),
                    format!("write e.g. {}", spec.example),
                );
            }
            for (name, _, span) in &sc.args {
                if !spec.args.iter().any(|a| a.name == name) {
                    let names: Vec<&str> = spec.args.iter().map(|a| a.name).collect();
                    error(
                        Code::ShortcodeArgument,
                        body + span.start..body + span.end,
                        format!("`{}` takes no argument `{name}`", spec.name),
                        format!("its arguments are: {}", names.join(", ")),
                    );
                }
            }
            for (kind, id, span) in sc.references() {
                let span = body + span.start..body + span.end.max(span.start + 1);
                match kind {
                    ArgKind::Metric | ArgKind::Metrics if !self.index.contains_key(id) => error(
                        Code::UnknownMetric,
                        span,
                        format!("the shortcode names `{id}`, which is not a metric"),
                        "use an id defined in content/metrics/*.yaml".into(),
                    ),
                    ArgKind::Group if !self.groups.iter().any(|g| g.id == id) => error(
                        Code::UnknownGroup,
                        span,
                        format!("no metric file is named `{id}`"),
                        format!(
                            "groups are the file names in content/metrics/: {}",
                            self.groups.iter().map(|g| g.id.as_str()).collect::<Vec<_>>().join(", ")
                        ),
                    ),
                    ArgKind::Month if crate::period::parse_period(id, self.start).is_err() => error(
                        Code::BadPeriod,
                        span,
                        format!("`{id}` is not a month"),
                        "write YYYY-MM or a plan month such as M12".into(),
                    ),
                    _ => {}
                }
            }
        }
    }

    /// A claim must be about a metric that exists.
    fn check_claims(&self, page: &Page, diags: &mut Diagnostics) {
        for claim in page.front.claims.iter().filter(|c| !self.index.contains_key(&c.metric)) {
            let span = page
                .spans
                .value(&format!("claims[{}].metric", claim.position))
                .unwrap_or(0..0);
            diags.push(
                Diagnostic::error_at(
                    Code::UnknownMetric,
                    &page.source,
                    span,
                    format!("the claim is about `{}`, which is not a metric", claim.metric),
                )
                .about(Subject::Page(page.slug.clone()))
                .help("name a metric id defined in content/metrics/*.yaml"),
            );
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
