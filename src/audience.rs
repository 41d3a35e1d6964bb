//! Audience: the stage between loading and resolving that keeps only what
//! a build's readers may see.
//!
//! A public build must reveal nothing marked `audience: investors`. The
//! only way to be sure is to take hidden things out of the *inputs*: the
//! model is then computed from public documents alone, so no total,
//! finding, chart, table, CSV, JSON, feed or sitemap can carry a hidden
//! value — there is none to carry. Nothing downstream has to remember to
//! filter.
//!
//! What is hidden:
//! - a page or update marked for investors, and every page under a folder
//!   whose `_index.md` is (`content/_index.md` covers the whole site);
//! - a metric file marked for investors, and every metric in it;
//! - a metric marked for investors.
//!
//! A public item that reads a hidden one cannot be shown without revealing
//! it, so it is left out too, with a warning that names the public item
//! only: a formula reading a hidden metric (and so on down the chain), an
//! identity check, a claim, a shortcode, a headline KPI or an update's KPI.

use std::collections::{HashMap, HashSet};

use crate::diagnostic::{Code, Diagnostic, Diagnostics, Source, Subject};
use crate::load::{Audience, Page, Project, RawEvent, Spans};
use crate::shortcode::{ArgKind, Shortcode};

/// Keeps what `audience` may read of `project`. For investors, that is
/// everything. Returns the warnings about public items left out.
pub fn restrict(mut project: Project, audience: Audience) -> (Project, Diagnostics) {
    let mut warnings = Diagnostics::default();
    if audience == Audience::Investors {
        return (project, warnings);
    }
    if project.site.consistency_page == crate::load::ConsistencyPage::Investors {
        project.site.consistency_page = crate::load::ConsistencyPage::Nobody;
    }
    let hidden_folders = hidden_folders(&project.pages);
    let covered = |slug: &str| folders_of(slug).any(|f| hidden_folders.contains(f));
    project
        .pages
        .retain(|p| p.front.audience == Audience::Public && !covered(&p.slug));
    let whole_site = hidden_folders.contains("");
    project
        .updates
        .retain(|u| u.front.audience == Audience::Public && !whole_site);
    let (hidden_metrics, hidden_groups) = hide_metrics(&mut project, whole_site, &mut warnings);
    let hidden = Hidden {
        metrics: &hidden_metrics,
        groups: &hidden_groups,
    };
    drop_checks(&mut project, &hidden, &mut warnings);
    drop_balances(&mut project, &hidden, &mut warnings);
    for page in &mut project.pages {
        // Unshared in a one-off build; `serve` copies what it restricts.
        let page = std::sync::Arc::make_mut(page);
        let subject = Subject::Page(page.slug.clone());
        drop_claims(page, &hidden, &mut warnings);
        blank_shortcodes(
            &mut page.source,
            page.body_offset,
            &mut page.shortcodes,
            &hidden,
            &subject,
            &mut warnings,
        );
    }
    for update in &mut project.updates {
        let subject = Subject::Update(update.period.to_string());
        blank_shortcodes(
            &mut update.source,
            update.body_offset,
            &mut update.shortcodes,
            &hidden,
            &subject,
            &mut warnings,
        );
        drop_lines(update, &hidden, &mut warnings);
        if let Some(kpis) = &mut update.front.kpis {
            drop_ids(
                kpis,
                "kpis",
                &update.source,
                &update.spans,
                &hidden,
                &subject,
                &mut warnings,
            );
        }
    }
    for file in &mut project.metric_files {
        let file = std::sync::Arc::make_mut(file);
        let subject = Subject::Group(file.id.clone());
        drop_event_ids(
            &mut file.doc.events,
            &file.source,
            &file.spans,
            &hidden,
            &subject,
            &mut warnings,
        );
    }
    let site_subject = Subject::Page("_index".into());
    drop_event_ids(
        &mut project.site.events,
        &project.site_source,
        &project.site_spans,
        &hidden,
        &site_subject,
        &mut warnings,
    );
    drop_ids(
        &mut project.site.headline,
        "headline",
        &project.site_source,
        &project.site_spans,
        &hidden,
        &site_subject,
        &mut warnings,
    );
    (project, warnings)
}

/// What a public build leaves out, by id.
struct Hidden<'a> {
    metrics: &'a HashSet<String>,
    groups: &'a HashSet<String>,
}

impl Hidden<'_> {
    /// Whether a shortcode names anything hidden.
    fn shortcode(&self, sc: &Shortcode) -> bool {
        sc.references().iter().any(|(kind, id, _)| match kind {
            ArgKind::Metric | ArgKind::Metrics => self.metrics.contains(*id),
            ArgKind::Group => self.groups.contains(*id),
            ArgKind::Month | ArgKind::Choice(_) => false,
        })
    }
}

/// Lines of an update's highlights, lowlights and asks whose `value()`
/// quotes a hidden metric: left out, with a warning (a line half quoted
/// would say something else).
fn drop_lines(update: &mut crate::load::Update, hidden: &Hidden, warnings: &mut Diagnostics) {
    let (source, spans) = (&update.source, &update.spans);
    let subject = Subject::Update(update.period.to_string());
    let front = &mut update.front;
    for (key, lines) in [
        ("highlights", &mut front.highlights),
        ("lowlights", &mut front.lowlights),
        ("asks", &mut front.asks),
    ] {
        let mut i = 0;
        lines.retain(|line| {
            let at = i;
            i += 1;
            let quotes_hidden = crate::shortcode::scan(line).shortcodes.iter().any(|sc| hidden.shortcode(sc));
            if quotes_hidden {
                warnings.push(
                    Diagnostic::warning_at(
                        Code::HiddenDependency,
                        source,
                        spans.value(&format!("{key}[{at}]")).unwrap_or(0..0),
                        format!("this line of `{key}` quotes a metric that is only for investors, so the public build leaves it out"),
                    )
                    .about(subject.clone())
                    .help("mark the update `audience: investors`, or quote public metrics only"),
                );
            }
            !quotes_hidden
        });
    }
}

/// The folders whose `_index.md` is for investors (`""` for the root).
fn hidden_folders(pages: &[std::sync::Arc<Page>]) -> HashSet<String> {
    pages
        .iter()
        .filter(|p| p.is_index() && p.front.audience == Audience::Investors)
        .map(|p| p.folder().to_string())
        .collect()
}

/// Every folder a page lives under, innermost first, ending with the root
/// (`""`). A folder's own `_index` lives under the folder itself.
fn folders_of(slug: &str) -> impl Iterator<Item = &str> {
    let mut next = Some(slug.rfind('/').map_or("", |i| &slug[..i]));
    std::iter::from_fn(move || {
        let current = next?;
        next = (!current.is_empty()).then(|| current.rfind('/').map_or("", |i| &current[..i]));
        Some(current)
    })
}

/// Removes hidden metric files and metrics, then every public metric whose
/// formula reads a removed one (through any chain), warning about those.
/// Returns the ids of the metrics and files removed.
fn hide_metrics(
    project: &mut Project,
    whole_site: bool,
    warnings: &mut Diagnostics,
) -> (HashSet<String>, HashSet<String>) {
    let mut hidden_groups = HashSet::new();
    let mut hidden = HashSet::new();
    for file in &project.metric_files {
        let file_hidden = whole_site || file.doc.audience == Audience::Investors;
        if file_hidden {
            hidden_groups.insert(file.id.clone());
        }
        for m in &file.doc.metrics {
            if file_hidden || m.audience == Audience::Investors {
                hidden.insert(m.id.clone());
            }
        }
    }
    // Readers of each metric, so that hiding spreads down the formulas in
    // one pass over the graph.
    let mut readers: HashMap<String, Vec<(usize, usize)>> = HashMap::new();
    for (f, file) in project.metric_files.iter().enumerate() {
        for (i, m) in file.doc.metrics.iter().enumerate() {
            let Some(expr) = m.formula.as_deref().and_then(|t| crate::formula::parse(t).ok()) else {
                continue;
            };
            for input in expr.inputs() {
                readers.entry(input.to_string()).or_default().push((f, i));
            }
        }
    }
    let mut queue: Vec<String> = hidden.iter().cloned().collect();
    let mut dependents = Vec::new();
    while let Some(id) = queue.pop() {
        for &(f, i) in readers.get(&id).map(Vec::as_slice).unwrap_or_default() {
            let reader = &project.metric_files[f].doc.metrics[i].id;
            if hidden.insert(reader.clone()) {
                dependents.push((f, i));
                queue.push(reader.clone());
            }
        }
    }
    for (f, i) in dependents {
        let file = &project.metric_files[f];
        let m = &file.doc.metrics[i];
        let span = file
            .spans
            .value(&m.path("formula"))
            .or_else(|| file.spans.value(&m.path("id")))
            .unwrap_or(0..0);
        warnings.push(
            Diagnostic::warning_at(
                Code::HiddenDependency,
                &file.source,
                span,
                format!(
                    "`{}` is computed from a metric that is only for investors, so the public build leaves it out",
                    m.id
                ),
            )
            .metric(&m.id)
            .help("mark this metric `audience: investors` too, or compute it from public metrics only"),
        );
    }
    for file in &mut project.metric_files {
        let file = std::sync::Arc::make_mut(file);
        file.doc.metrics.retain(|m| !hidden.contains(&m.id));
        // Cohorts are customers and their MRR by first month: they go
        // with either.
        if ["mrr", "customers"].iter().any(|id| hidden.contains(*id)) && file.doc.revenue.is_some() {
            file.tables.clear();
        }
        // A file left with nothing public is hidden as a whole: what names
        // it (a table of the group) goes with it.
        if file.doc.metrics.is_empty() {
            hidden_groups.insert(file.id.clone());
        }
    }
    project.metric_files.retain(|f| !hidden_groups.contains(&f.id));
    (hidden, hidden_groups)
}

/// Identity checks of public metric files that name a hidden metric.
fn drop_checks(project: &mut Project, hidden: &Hidden, warnings: &mut Diagnostics) {
    for file in &mut project.metric_files {
        let file = std::sync::Arc::make_mut(file);
        let source = &file.source;
        let spans = &file.spans;
        file.doc.checks.retain(|check| {
            let i = check.position;
            let names_hidden = check
                .expect
                .split('=')
                .filter_map(|side| crate::formula::parse(side).ok())
                .any(|e| e.inputs().iter().any(|id| hidden.metrics.contains(*id)));
            if names_hidden {
                let span = spans.value(&format!("checks[{i}].expect")).unwrap_or(0..0);
                warnings.push(
                    Diagnostic::warning_at(
                        Code::HiddenDependency,
                        source,
                        span,
                        "this identity check names a metric that is only for investors, so the public build skips it",
                    )
                    .about(Subject::Group(file.id.clone()))
                    .help("move the check into an investor-only metric file, or check public metrics only"),
                );
            }
            !names_hidden
        });
    }
}

/// Balances and sums of parts of public metrics that name a hidden one:
/// without it the stock cannot be rolled forward, nor the total added up,
/// so the public build does not try.
fn drop_balances(project: &mut Project, hidden: &Hidden, warnings: &mut Diagnostics) {
    for file in &mut project.metric_files {
        let file = std::sync::Arc::make_mut(file);
        for m in &mut file.doc.metrics {
            let hidden_id = |id: &String| hidden.metrics.contains(id);
            let parts = m.parts.iter().any(hidden_id);
            let balance = m
                .balance
                .as_ref()
                .is_some_and(|b| b.ins.iter().chain(&b.out).any(hidden_id));
            let dropped = [
                (parts, "parts", "name", "add them up", "its parts"),
                (balance, "balance", "names", "roll it forward", "its flows"),
            ];
            for (_, key, verb, skipped, inputs) in dropped.into_iter().filter(|d| d.0) {
                let span = file.spans.value_or_key(&m.path(key)).unwrap_or(0..0);
                let message = format!(
                    "the {key} of `{}` {verb} a metric that is only for investors, so the public build does not {skipped}",
                    m.id
                );
                warnings.push(
                    Diagnostic::warning_at(Code::HiddenDependency, &file.source, span, message)
                        .metric(&m.id)
                        .help(format!(
                            "mark this metric `audience: investors` too, or make {inputs} public"
                        )),
                );
            }
            if parts {
                m.parts.clear();
            }
            if balance {
                m.balance = None;
            }
        }
    }
}

/// Claims of a public page about a hidden metric.
fn drop_claims(page: &mut Page, hidden: &Hidden, warnings: &mut Diagnostics) {
    let (source, spans, slug) = (&page.source, &page.spans, &page.slug);
    page.front.claims.retain(|claim| {
        let i = claim.position;
        let is_hidden = hidden.metrics.contains(&claim.metric);
        if is_hidden {
            let span = spans.value(&format!("claims[{i}]")).unwrap_or(0..0);
            warnings.push(
                Diagnostic::warning_at(
                    Code::HiddenDependency,
                    source,
                    span,
                    "this claim is about a metric that is only for investors, so the public build skips it",
                )
                .about(Subject::Page(slug.clone()))
                .help("mark the page `audience: investors`, or make claims about public metrics only"),
            );
        }
        !is_hidden
    });
}

/// Shortcodes that name a hidden metric or metric file are blanked out of
/// the text (with spaces, so every position stays where it was) and
/// forgotten.
fn blank_shortcodes(
    source: &mut Source,
    body: usize,
    shortcodes: &mut Vec<Shortcode>,
    hidden: &Hidden,
    subject: &Subject,
    warnings: &mut Diagnostics,
) {
    let (keep, drop): (Vec<Shortcode>, Vec<Shortcode>) = std::mem::take(shortcodes)
        .into_iter()
        .partition(|sc| !hidden.shortcode(sc));
    *shortcodes = keep;
    if drop.is_empty() {
        return;
    }
    let mut text = source.text.to_string();
    for sc in &drop {
        let span = body + sc.span.start..body + sc.span.end;
        warnings.push(
            Diagnostic::warning_at(
                Code::HiddenDependency,
                source,
                span.clone(),
                format!(
                    "this `{}` shortcode shows something only for investors, so the public build leaves it out",
                    sc.kind.spec().name
                ),
            )
            .about(subject.clone())
            .help("mark the page `audience: investors`, or show public metrics only"),
        );
        let blank: String = text[span.clone()]
            .chars()
            .map(|c| if c == '\n' { '\n' } else { ' ' })
            .collect();
        // Multi-byte characters become one space each: pad to the same length.
        let pad = span.len() - blank.len();
        text.replace_range(span, &format!("{blank}{}", " ".repeat(pad)));
    }
    source.text = text.into();
}

/// Hidden metrics named by public events: left out of each event's list,
/// and an event that named only hidden metrics is left out whole (its
/// label is about them).
fn drop_event_ids(
    events: &mut Vec<RawEvent>,
    source: &Source,
    spans: &Spans,
    hidden: &Hidden,
    subject: &Subject,
    warnings: &mut Diagnostics,
) {
    events.retain_mut(|event| {
        let Some(ids) = &mut event.metrics else { return true };
        let key = format!("events[{}].metrics", event.position);
        let named = ids.len();
        let mut spans_hidden = Vec::new();
        ids.retain(|id| {
            let is_hidden = hidden.metrics.contains(id);
            if is_hidden {
                spans_hidden.push(spans.find_in_list(&source.text, &key, id).unwrap_or(0..0));
            }
            !is_hidden
        });
        let whole = named > 0 && ids.is_empty();
        for span in spans_hidden {
            let what = if whole {
                "the event out"
            } else {
                "that metric out of the event"
            };
            warnings.push(
                Diagnostic::warning_at(
                    Code::HiddenDependency,
                    source,
                    span,
                    format!("this event names a metric only for investors, so the public build leaves {what}"),
                )
                .about(subject.clone())
                .help("name public metrics in the event, or accept that the public build shows less of it"),
            );
        }
        !whole
    });
}

/// Ids in a public list (the headline, an update's KPIs) that are hidden.
fn drop_ids(
    ids: &mut Vec<String>,
    key: &str,
    source: &Source,
    spans: &Spans,
    hidden: &Hidden,
    subject: &Subject,
    warnings: &mut Diagnostics,
) {
    ids.retain(|id| {
        let is_hidden = hidden.metrics.contains(id);
        if is_hidden {
            let span = spans.find_in_list(&source.text, key, id).unwrap_or(0..0);
            warnings.push(
                Diagnostic::warning_at(
                    Code::HiddenDependency,
                    source,
                    span,
                    format!("an entry of `{key}` is a metric only for investors, so the public build leaves it out"),
                )
                .about(subject.clone())
                .help(format!(
                    "list public metrics in `{key}`, or accept that the public build shows fewer"
                )),
            );
        }
        !is_hidden
    });
}

#[cfg(test)]
mod tests;
