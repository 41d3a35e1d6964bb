//! `site.yaml`: the site's settings.

use std::path::Path;

use serde::Deserialize;

use super::{files, yaml};
use crate::diagnostic::{Diagnostic, Diagnostics, Source};
use crate::period::Month;

/// The settings in `site.yaml`.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SiteConfig {
    /// The site's title.
    pub title: String,
    /// One line under the title.
    #[serde(default)]
    pub description: Option<String>,
    /// UI language: `es` or `en`.
    #[serde(default = "default_language")]
    pub language: Language,
    /// Number style, when it should differ from the language's.
    #[serde(default)]
    pub number_style: Option<Language>,
    /// Absolute URL of the published site, for the feed and sitemap only.
    #[serde(default = "default_base_url")]
    pub base_url: String,
    /// ISO currency code.
    #[serde(default = "default_currency")]
    pub currency: String,
    /// Month 1 of the plan, `YYYY-MM`.
    pub start: String,
    /// Metric ids for the home page's KPI cards.
    #[serde(default)]
    pub headline: Vec<String>,
    /// A notice shown on every page (e.g. "actuals are example data").
    #[serde(default)]
    pub notice: Option<String>,
    /// The folder under `themes/` whose files override the default theme.
    #[serde(default)]
    pub theme: Option<String>,
    /// Who publishes the site (the feed's author).
    #[serde(default)]
    pub author: Option<String>,
    #[serde(skip)]
    start_month: Option<Month>,
}

/// A language palanca has UI strings for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    /// Spanish.
    Es,
    /// English.
    En,
}

impl Language {
    /// The ISO code.
    pub fn code(self) -> &'static str {
        match self {
            Language::Es => "es",
            Language::En => "en",
        }
    }
}

fn default_language() -> Language {
    Language::En
}

fn default_base_url() -> String {
    "/".into()
}

fn default_currency() -> String {
    "USD".into()
}

impl SiteConfig {
    /// Month 1 of the plan (checked when loaded).
    pub fn start_month(&self) -> Month {
        self.start_month.unwrap_or(Month(0))
    }
}

/// Reads and checks `site.yaml`.
pub fn load_site(root: &Path, diags: &mut Diagnostics) -> Option<(SiteConfig, Source)> {
    if !root.join("site.yaml").is_file() {
        diags.push(
            Diagnostic::error("site.yaml", format!("there is no site.yaml in {}", root.display()))
                .help("run palanca in a site folder, pass --site DIR, or create one with `palanca new DIR`"),
        );
        return None;
    }
    let source = match files::read_text(root, "site.yaml") {
        Ok(s) => s,
        Err(d) => {
            diags.push(d);
            return None;
        }
    };
    let mut site: SiteConfig = match yaml::parse(&source, 0, source.text.len(), "site.yaml") {
        Ok(s) => s,
        Err(d) => {
            diags.push(d);
            return None;
        }
    };
    match Month::parse_iso(site.start.trim()) {
        Some(m) => site.start_month = Some(m),
        None => {
            let off = source.find_value(0, "start").unwrap_or(0);
            diags.push(
                Diagnostic::error_at(
                    &source,
                    off,
                    site.start.len(),
                    format!("`start: {}` is not a month", site.start),
                )
                .help("write the plan's first month as YYYY-MM, e.g. `start: 2024-01`"),
            );
            return None;
        }
    }
    site.base_url = ensure_trailing_slash(&site.base_url);
    Some((site, source))
}

fn ensure_trailing_slash(url: &str) -> String {
    if url.ends_with('/') {
        url.to_string()
    } else {
        format!("{url}/")
    }
}
