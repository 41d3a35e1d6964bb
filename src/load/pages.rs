//! Markdown pages: plan sections, the home page and monthly updates.

use serde::{Deserialize, Serialize};

use super::{frontmatter, yaml};
use crate::diagnostic::{Diagnostic, Diagnostics, Source};
use crate::period::{Month, parse_period};

/// What a plan section is; the kind decides which fields it carries and how
/// palanca aggregates it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize, schemars::JsonSchema)]
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize, clap::ValueEnum, schemars::JsonSchema)]
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

/// A claim a plan makes in prose, written down so it can be checked: a
/// growth rate, or a value reached by a deadline.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Claim {
    /// The metric the claim is about.
    pub metric: String,
    /// A compound monthly growth rate (0.2 for 20% a month).
    #[serde(default)]
    pub monthly_growth: Option<f64>,
    /// First month of the growth claim (default: the first target).
    #[serde(default)]
    pub from: Option<String>,
    /// Last month of the growth claim (default: the last target).
    #[serde(default)]
    pub to: Option<String>,
    /// A value the metric reaches...
    #[serde(default)]
    pub reaches: Option<f64>,
    /// ...by this month.
    #[serde(default)]
    pub by: Option<String>,
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
    /// Its task list items, done and total.
    pub tasks: super::Progress,
}

impl Page {
    /// The Markdown body.
    pub fn body(&self) -> &str {
        &self.source.text[self.body_offset..]
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
}

impl Update {
    /// The Markdown body (the letter).
    pub fn body(&self) -> &str {
        &self.source.text[self.body_offset..]
    }
}

/// Parses a plan section or page.
pub fn parse_page(source: Source, diags: &mut Diagnostics) -> Option<Page> {
    let split = frontmatter::split(&source).map_err(|d| diags.push(d)).ok()?;
    let front: PageFront = yaml::parse(&source, split.yaml.0, split.yaml.1, "front matter")
        .map_err(|d| diags.push(d))
        .ok()?;
    let slug = source
        .path
        .trim_start_matches("content/")
        .trim_end_matches(".md")
        .to_string();
    let tasks = super::Progress::of_markdown(&source.text[split.body..]);
    Some(Page {
        slug,
        front,
        body_offset: split.body,
        tasks,
        source,
    })
}

/// Parses a monthly update; its period must be a month and match the file name.
pub fn parse_update(source: Source, start: Month, diags: &mut Diagnostics) -> Option<Update> {
    let split = frontmatter::split(&source).map_err(|d| diags.push(d)).ok()?;
    let front: UpdateFront = yaml::parse(&source, split.yaml.0, split.yaml.1, "update front matter")
        .map_err(|d| diags.push(d))
        .ok()?;
    let at = source.find_value(0, "period").unwrap_or(0);
    let width = front.period.len();
    let Ok(period) = parse_period(&front.period, start) else {
        diags.push(
            Diagnostic::error_at(&source, at, width, format!("`period: {}` is not a month", front.period))
                .help("write the month the update reports on as YYYY-MM, e.g. `period: 2024-03`"),
        );
        return None;
    };
    let stem = source.path.rsplit('/').next().unwrap_or("").trim_end_matches(".md");
    if stem != period.to_string() {
        diags.push(
            Diagnostic::error_at(
                &source,
                at,
                width,
                format!("the update for {period} is in a file named `{stem}.md`"),
            )
            .help(format!(
                "rename the file to content/updates/{period}.md so its address matches its month"
            )),
        );
        return None;
    }
    Some(Update {
        period,
        front,
        body_offset: split.body,
        source,
    })
}
