//! Markdown pages: plan sections, the home page and monthly updates.

use serde::{Deserialize, Serialize};

use super::spans::Spans;
use super::{frontmatter, yaml};
use crate::diagnostic::{Code, Diagnostic, Diagnostics, Source, Subject, quote};
use crate::limits;
use crate::period::{Month, parse_period};
use crate::shortcode::{self, Shortcode};

mod claims;
pub use claims::Claim;
use claims::check_claims;

/// What a plan section is; the kind decides which fields it carries and how
/// palanca aggregates it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum PageKind {
    /// A dated piece of the roadmap.
    Milestone,
    /// A growth lever.
    Lever,
    /// An entry of the risk register.
    Risk,
    /// Plain prose.
    #[default]
    Page,
}

/// Who may read a page, an update or a metric.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Audience {
    /// Anyone: the default.
    #[default]
    Public,
    /// Investors only: left out of `palanca build --audience public`.
    Investors,
}

/// A lever's priority.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Priority {
    /// Do first.
    High,
    /// Do next.
    Medium,
    /// Do when there is room.
    Low,
}

/// Low / medium / high, for a risk's likelihood and impact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Low.
    Low,
    /// Medium.
    Medium,
    /// High.
    High,
}

/// Where a milestone or lever stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Not started.
    Planned,
    /// Under way.
    InProgress,
    /// Finished.
    Done,
}

/// An investment range in the site's currency.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct InvestmentRange {
    /// The least it will cost.
    pub min: f64,
    /// The most it will cost.
    pub max: f64,
}

/// An expected return: `ratio` times the investment within some months.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Roi {
    /// Return divided by investment (2 for "2:1").
    pub ratio: f64,
    /// The horizon in months.
    pub within_months: u32,
}

/// The front matter of a plan section or page.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PageFront {
    /// The title.
    pub title: String,
    /// What the section is.
    #[serde(default)]
    pub kind: PageKind,
    /// Order among siblings, lower first; then file name.
    #[serde(default)]
    pub weight: Option<i64>,
    /// One sentence for lists and meta tags.
    #[serde(default)]
    pub description: Option<String>,
    /// Left out of the build unless `--drafts`.
    #[serde(default)]
    pub draft: bool,
    /// When the page was written, `YYYY-MM-DD`, as in Zola and Hugo.
    #[serde(default)]
    pub date: Option<String>,
    /// Free-form tags.
    #[serde(default)]
    pub tags: Vec<String>,
    /// The roadmap phase (milestones).
    #[serde(default)]
    pub phase: Option<String>,
    /// First and last plan month (milestones, levers).
    #[serde(default)]
    pub months: Option<[u32; 2]>,
    /// Investment range (milestones, levers).
    #[serde(default)]
    pub investment: Option<InvestmentRange>,
    /// Expected return (milestones, levers).
    #[serde(default)]
    pub roi: Option<Roi>,
    /// Priority (levers).
    #[serde(default)]
    pub priority: Option<Priority>,
    /// Status (milestones, levers).
    #[serde(default)]
    pub status: Option<Status>,
    /// Who is responsible.
    #[serde(default)]
    pub owner: Option<String>,
    /// How the risk is reduced (risks).
    #[serde(default)]
    pub mitigation: Option<String>,
    /// What happens if it occurs (risks).
    #[serde(default)]
    pub contingency: Option<String>,
    /// How it is watched (risks).
    #[serde(default)]
    pub monitoring: Option<String>,
    /// How likely (risks).
    #[serde(default)]
    pub likelihood: Option<Level>,
    /// How bad (risks).
    #[serde(default)]
    pub impact: Option<Level>,
    /// Numeric claims the text makes, checked against the metric targets.
    #[serde(default)]
    pub claims: Vec<Claim>,
    /// Who may read it.
    #[serde(default)]
    pub audience: Audience,
}

/// A Markdown page with its front matter.
#[derive(Debug, Clone)]
pub struct Page {
    /// The file.
    pub source: Source,
    /// Path under `content/` without extension, e.g. `plan/roadmap/mes-01`.
    pub slug: String,
    /// Parsed front matter.
    pub front: PageFront,
    /// Where the Markdown body starts in the file.
    pub body_offset: usize,
    /// Its task list items, done and total, counted when it was loaded.
    pub tasks: super::tasks::Progress,
    /// The shortcodes of its body, with spans relative to the body.
    pub shortcodes: Vec<Shortcode>,
    /// Where each front matter value is written.
    pub spans: Spans,
    /// Its body: the Markdown, or the HTML it was made when loaded.
    pub body_at: Body,
    /// The sentences of its body that hold a figure with a unit: kept for
    /// the linter, which traces them to the plan, since the body itself
    /// may not be kept.
    pub figures: Vec<crate::units::figures::FigureSentence>,
}

/// A page's body. A page with shortcodes keeps its Markdown: the model
/// checks the shortcodes, the audience stage may blank some out, and the
/// render parses it once the figures are known. Any other page was made
/// HTML when it was loaded, and its Markdown is not kept (see
/// [`super::bodies`]).
#[derive(Debug, Clone)]
pub enum Body {
    /// In [`Page::source`], from [`Page::body_offset`].
    Markdown,
    /// Made HTML when loaded ([`crate::markdown::prepare`]): task boxes
    /// and nothing else left to fill in.
    Html {
        /// The HTML, in memory or spilled.
        html: super::bodies::Html,
        /// The hash of the Markdown it was made from, for cache keys.
        hash: u64,
    },
}

impl Page {
    /// Its tasks, done and total.
    pub fn tasks(&self) -> super::tasks::Progress {
        self.tasks
    }

    /// Its Markdown body, when it is kept (see [`Body`]).
    pub fn markdown(&self) -> Option<&str> {
        match self.body_at {
            Body::Markdown => Some(&self.source.text[self.body_offset..]),
            Body::Html { .. } => None,
        }
    }

    /// The prefix of its footnotes' ids, so that notes of several pages
    /// shown together stay apart: the home page's are `home`, any other
    /// page's its address.
    pub fn footnote_prefix(&self) -> String {
        if self.slug == "_index" {
            "home".into()
        } else {
            crate::markdown::slugify(&self.slug)
        }
    }

    /// Makes the body HTML now, when it has no shortcodes, keeping the
    /// front matter only; the HTML goes where `bodies` and `budget` say.
    pub(crate) fn prepare(
        &mut self,
        raw_html: bool,
        bodies: &super::bodies::Bodies,
        budget: &super::bodies::BodyBudget,
    ) {
        if !self.shortcodes.is_empty() || !matches!(self.body_at, Body::Markdown) {
            return;
        }
        let body = &self.source.text[self.body_offset..];
        let prepared = crate::markdown::prepare(body, &[], raw_html, &self.footnote_prefix());
        let (done, total) = prepared.tasks;
        self.tasks = super::tasks::Progress { done, total };
        let hash = body_hash(body);
        self.source.text = self.source.text[..self.body_offset].into();
        self.body_at = Body::Html {
            html: bodies.keep(prepared.html, budget),
            hash,
        };
    }

    /// Where the page is written, relative to the site root: a folder's
    /// `_index.md` is its `index.html`, any other page gets a folder of its
    /// own (`plan/goals.md` is `plan/goals/index.html`).
    pub fn href(&self) -> String {
        href(&self.slug)
    }

    /// True for a folder's `_index.md`.
    pub fn is_index(&self) -> bool {
        self.slug == "_index" || self.slug.ends_with("/_index")
    }

    /// The folder a page lives in (`plan/roadmap`), or the folder an index
    /// introduces.
    pub fn folder(&self) -> &str {
        match self.slug.rfind('/') {
            Some(i) => &self.slug[..i],
            None => "",
        }
    }
}

/// The front matter of a monthly update.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateFront {
    /// The month reported, `YYYY-MM`.
    pub period: String,
    /// The update's title.
    pub title: String,
    /// One sentence for the archive and the feed.
    #[serde(default)]
    pub description: Option<String>,
    /// What went well.
    #[serde(default)]
    pub highlights: Vec<String>,
    /// What did not.
    #[serde(default)]
    pub lowlights: Vec<String>,
    /// What investors can help with.
    #[serde(default)]
    pub asks: Vec<String>,
    /// Metric ids to show; default: the site's headline.
    #[serde(default)]
    pub kpis: Option<Vec<String>>,
    /// Left out unless `--drafts`.
    #[serde(default)]
    pub draft: bool,
    /// Who may read it.
    #[serde(default)]
    pub audience: Audience,
}

/// A monthly investor update.
#[derive(Debug, Clone)]
pub struct Update {
    /// The file.
    pub source: Source,
    /// The month it reports on.
    pub period: Month,
    /// Parsed front matter.
    pub front: UpdateFront,
    /// Where the Markdown body starts in the file.
    pub body_offset: usize,
    /// The shortcodes of its body, with spans relative to the body.
    pub shortcodes: Vec<Shortcode>,
    /// Where each front matter value is written.
    pub spans: Spans,
}

impl Update {
    /// The Markdown body (the letter).
    pub fn body(&self) -> &str {
        &self.source.text[self.body_offset..]
    }
}

fn body_hash(body: &str) -> u64 {
    use std::hash::{DefaultHasher, Hash, Hasher};
    let mut h = DefaultHasher::new();
    body.hash(&mut h);
    h.finish()
}

/// The output path of the page with `slug`, relative to the site root.
pub fn href(slug: &str) -> String {
    match slug.strip_suffix("_index") {
        Some("") => "index.html".into(),
        Some(folder) => format!("{folder}index.html"),
        None => format!("{slug}/index.html"),
    }
}

/// Parses a plan section or page, and checks the fields of its kind.
pub fn parse_page(source: Source, start: Month, diags: &mut Diagnostics) -> Option<Page> {
    let split = frontmatter::split(&source).map_err(|d| diags.push(d)).ok()?;
    let (mut front, spans): (PageFront, Spans) = yaml::parse(&source, split.yaml.0, split.yaml.1, "front matter")
        .map_err(|d| diags.push(d))
        .ok()?;
    front.claims.iter_mut().enumerate().for_each(|(i, c)| c.position = i);
    let slug = source
        .path
        .trim_start_matches("content/")
        .trim_end_matches(".md")
        .to_string();
    let before = diags.error_count();
    let (tasks, shortcodes) = scan_body(&source, split.body, diags);
    let first_line = source.text[..split.body].matches('\n').count() + 1;
    let figures = crate::units::figures::figure_sentences(&source.text[split.body..], first_line);
    let page = Page {
        slug,
        front,
        body_offset: split.body,
        tasks,
        shortcodes,
        spans,
        source,
        body_at: Body::Markdown,
        figures,
    };
    check_fields(&page, diags);
    check_claims(
        &page.front.claims,
        (&page.source, &page.spans, &page.slug),
        start,
        diags,
    );
    check_title(&page.source, &page.spans, &page.front.title, diags);
    (diags.error_count() == before).then_some(page)
}

/// Fields each kind of section may carry, beyond the common ones.
fn allowed(kind: PageKind) -> &'static [&'static str] {
    match kind {
        PageKind::Milestone => &["phase", "months", "investment", "roi", "status", "owner"],
        PageKind::Lever => &["priority", "months", "investment", "roi", "status", "owner"],
        PageKind::Risk => &[
            "mitigation",
            "contingency",
            "monitoring",
            "likelihood",
            "impact",
            "owner",
            "status",
        ],
        PageKind::Page => &[],
    }
}

/// The name of a kind, as written in front matter.
pub fn kind_name(kind: PageKind) -> &'static str {
    match kind {
        PageKind::Milestone => "milestone",
        PageKind::Lever => "lever",
        PageKind::Risk => "risk",
        PageKind::Page => "page",
    }
}

/// Errors in a typed section: a field of another kind, months, ranges and
/// returns that cannot be right or lie beyond the limits.
fn check_fields(page: &Page, diags: &mut Diagnostics) {
    let f = &page.front;
    let src = &page.source;
    let at = |key: &str| page.spans.value_or_key(key).unwrap_or(0..0);
    let error = |code: Code, key: &str, message: String| {
        Diagnostic::error_at(code, src, at(key), message).about(Subject::Page(page.slug.clone()))
    };
    let present = [
        ("phase", f.phase.is_some()),
        ("months", f.months.is_some()),
        ("investment", f.investment.is_some()),
        ("roi", f.roi.is_some()),
        ("priority", f.priority.is_some()),
        ("status", f.status.is_some()),
        ("mitigation", f.mitigation.is_some()),
        ("contingency", f.contingency.is_some()),
        ("monitoring", f.monitoring.is_some()),
        ("likelihood", f.likelihood.is_some()),
        ("impact", f.impact.is_some()),
    ];
    for (field, is_set) in present {
        if is_set && !allowed(f.kind).contains(&field) {
            let kinds: Vec<&str> = [PageKind::Milestone, PageKind::Lever, PageKind::Risk]
                .into_iter()
                .filter(|k| allowed(*k).contains(&field))
                .map(kind_name)
                .collect();
            let span = page.spans.key(field).unwrap_or(0..0);
            diags.push(
                Diagnostic::error_at(
                    Code::FieldOfOtherKind,
                    src,
                    span,
                    format!("`{field}` does not apply to a {}", kind_name(f.kind)),
                )
                .about(Subject::Page(page.slug.clone()))
                .help(format!(
                    "`{field}` belongs to: {}; set `kind:` accordingly or remove the field",
                    kinds.join(", ")
                )),
            );
        }
    }
    if let Some([a, b]) = f.months
        && (a == 0 || b < a || b > limits::PLAN_MONTHS)
    {
        diags.push(
            error(
                Code::BadMonths,
                "months",
                format!("`months: [{a}, {b}]` is not a window of plan months"),
            )
            .help("write [from, to] with 1 <= from <= to <= 600, e.g. `months: [2, 6]`"),
        );
    }
    if let Some(i) = f.investment {
        let finite = [i.min, i.max]
            .iter()
            .all(|v| v.is_finite() && v.abs() <= limits::MAGNITUDE);
        if !finite || i.min > i.max || i.min < 0.0 {
            diags.push(
                error(
                    Code::BadInvestment,
                    "investment",
                    format!(
                        "the investment range {}–{} is the wrong way round, negative or beyond 10^15",
                        i.min, i.max
                    ),
                )
                .help("write `investment: { min: LOW, max: HIGH }` with 0 <= LOW <= HIGH"),
            );
        }
    }
    if let Some(r) = f.roi
        && (!r.ratio.is_finite()
            || r.ratio <= 0.0
            || r.ratio > 1e6
            || r.within_months == 0
            || r.within_months > limits::PLAN_MONTHS)
    {
        diags.push(
            error(
                Code::BadRoi,
                "roi",
                format!(
                    "an ROI of {}x within {} months cannot be right",
                    r.ratio, r.within_months
                ),
            )
            .help("write `roi: { ratio: 3, within_months: 9 }` for a 3:1 return in nine months"),
        );
    }
}

/// A title longer than [`limits::TITLE_CHARS`] is refused.
fn check_title(source: &Source, spans: &Spans, title: &str, diags: &mut Diagnostics) {
    if title.chars().count() > limits::TITLE_CHARS {
        diags.push(
            Diagnostic::error_at(
                Code::TooLarge,
                source,
                spans.value("title").unwrap_or(0..0),
                "the title is longer than 500 characters",
            )
            .help("keep the title to a line; put the rest in the text"),
        );
    }
}

/// Parses a monthly update; its period must be a month and match the file name.
pub fn parse_update(source: Source, start: Month, diags: &mut Diagnostics) -> Option<Update> {
    let split = frontmatter::split(&source).map_err(|d| diags.push(d)).ok()?;
    let (front, spans): (UpdateFront, Spans) = yaml::parse(&source, split.yaml.0, split.yaml.1, "update front matter")
        .map_err(|d| diags.push(d))
        .ok()?;
    let at = spans.value("period").unwrap_or(0..0);
    let Ok(period) = parse_period(&front.period, start) else {
        diags.push(
            Diagnostic::error_at(
                Code::BadPeriod,
                &source,
                at,
                format!("`period: {}` is not a month", quote(&front.period)),
            )
            .help("write the month the update reports on as YYYY-MM, e.g. `period: 2024-03`"),
        );
        return None;
    };
    let stem = source.path.rsplit('/').next().unwrap_or("").trim_end_matches(".md");
    if stem != period.to_string() {
        diags.push(
            Diagnostic::error_at(
                Code::UpdateFileName,
                &source,
                at,
                format!("the update for {period} is in a file named `{stem}.md`"),
            )
            .help(format!(
                "rename the file to content/updates/{period}.md so its address matches its month"
            )),
        );
        return None;
    }
    let before = diags.error_count();
    check_title(&source, &spans, &front.title, diags);
    let (_, shortcodes) = scan_body(&source, split.body, diags);
    (diags.error_count() == before).then_some(Update {
        period,
        front,
        body_offset: split.body,
        shortcodes,
        spans,
        source,
    })
}

/// Finds a body's shortcodes, counting its tasks in the same pass; a
/// shortcode that cannot be read is an error pointing at it. A body
/// without `{{` has no shortcode and is not parsed here: its tasks are
/// counted when it is made HTML ([`Page::prepare`]).
fn scan_body(source: &Source, body: usize, diags: &mut Diagnostics) -> (super::tasks::Progress, Vec<Shortcode>) {
    let text = &source.text[body..];
    if let Some(at) = crate::markdown::too_nested(text) {
        let line_end = text[at..].find('\n').map_or(text.len(), |n| at + n);
        diags.push(
            Diagnostic::error_at(
                Code::TooLarge,
                source,
                body + at..body + line_end,
                format!(
                    "this line opens more than {} block quotes and list items at once",
                    limits::MARKDOWN_NESTING
                ),
            )
            .help("nest quotes and lists less deeply; no page needs this depth"),
        );
        return (super::tasks::Progress::default(), Vec::new());
    }
    if !text.contains("{{") {
        return (super::tasks::Progress::default(), Vec::new());
    }
    let scan = shortcode::scan(text);
    for e in scan.errors {
        let code = if e.message.starts_with("unknown shortcode") {
            Code::UnknownShortcode
        } else {
            Code::ShortcodeSyntax
        };
        diags.push(Diagnostic::error_at(code, source, body + e.span.start..body + e.span.end, e.message).help(e.help));
    }
    let (done, total) = scan.tasks;
    (super::tasks::Progress { done, total }, scan.shortcodes)
}

#[cfg(test)]
mod tests;
