//! `site.yaml`: the site's settings, checked as they are read.

use std::path::Path;

use serde::Deserialize;

use super::spans::Spans;
use super::{files, yaml};
use crate::diagnostic::{Code, Diagnostic, Diagnostics, Source};
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
    /// Absolute URL of the published site (`https://…/`), for the feed, the
    /// sitemap, the 404 page and the email's link to the web version.
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
    /// The folder under `themes/` whose files override the default theme:
    /// a plain name, not a path.
    #[serde(default)]
    pub theme: Option<String>,
    /// Who publishes the site (the feed's author).
    #[serde(default)]
    pub author: Option<String>,
    /// Whether raw HTML written in Markdown reaches the pages (default:
    /// yes, it is the author's own); `false` shows it as text.
    #[serde(default = "default_true")]
    pub raw_html: bool,
    /// Dated events of the whole company, drawn on the headline charts and
    /// listed in the update of their month.
    #[serde(default)]
    pub events: Vec<super::metrics::RawEvent>,
    /// A planned runway shorter than this many months is a finding.
    #[serde(default = "default_runway_alert")]
    pub runway_alert: f64,
    /// Who sees the consistency page (the plan checks' findings).
    #[serde(default)]
    pub consistency_page: ConsistencyPage,
    /// Months of plan the home page's and updates' charts draw after the
    /// latest actual (metric pages always draw the whole plan).
    #[serde(default = "default_plan_ahead")]
    pub plan_ahead: u32,
    /// How `palanca send` mails the updates.
    #[serde(default)]
    pub email: Option<EmailSettings>,
    /// The name of the environment variable that holds the PostgreSQL
    /// URL `palanca pull` reads SQL sources from: the URL itself, with its
    /// password, never belongs in the site.
    #[serde(default)]
    pub database_url_env: Option<String>,
    /// How long each SQL query of `palanca pull` may run on the server, in
    /// seconds, before the server cancels it (default 60).
    #[serde(default = "default_query_timeout")]
    pub query_timeout: u32,
    #[serde(skip)]
    start_month: Option<Month>,
}

/// The `email:` block: the SMTP server and the sender. The password is
/// never written here: it is read from the environment variable
/// `password_env` names.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EmailSettings {
    /// The sender, `Ana Ruiz <ana@example.com>` or an address alone.
    pub from: String,
    /// Where replies go, when not to the sender.
    #[serde(default)]
    pub reply_to: Option<String>,
    /// The SMTP server's host name.
    #[serde(default)]
    pub smtp_host: Option<String>,
    /// Its port (default: 465 with `tls`, 587 with `starttls`, 25 with `none`).
    #[serde(default)]
    pub smtp_port: Option<u16>,
    /// `starttls` (default), `tls`, or `none`, allowed only to a server on
    /// this machine (a test server, a local relay).
    #[serde(default)]
    pub security: Security,
    /// The login name, when the server wants one.
    #[serde(default)]
    pub username: Option<String>,
    /// The environment variable holding the password (default
    /// `PALANCA_SMTP_PASSWORD`).
    #[serde(default)]
    pub password_env: Option<String>,
    /// How long to wait for the server at each step, in seconds (default 30).
    #[serde(default = "default_smtp_timeout")]
    pub timeout: u32,
}

fn default_smtp_timeout() -> u32 {
    crate::limits::SMTP_TIMEOUT_SECS
}

/// Who the consistency page is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, serde::Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ConsistencyPage {
    /// Every build has it (the default).
    #[default]
    Everyone,
    /// Only the investors' build: `--audience public` leaves it out.
    Investors,
    /// No build has it (`palanca check` still reports every finding).
    Nobody,
}

/// How the connection to the SMTP server is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Security {
    /// TLS after a plain greeting (port 587).
    #[default]
    Starttls,
    /// TLS from the first byte (port 465).
    Tls,
    /// No encryption: only to a loopback server.
    None,
}

/// A language palanca has UI strings for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, serde::Serialize, schemars::JsonSchema)]
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

fn default_true() -> bool {
    true
}

fn default_query_timeout() -> u32 {
    crate::limits::QUERY_SECONDS
}

fn default_runway_alert() -> f64 {
    12.0
}

fn default_plan_ahead() -> u32 {
    6
}

impl SiteConfig {
    /// Month 1 of the plan (checked when loaded).
    pub fn start_month(&self) -> Month {
        self.start_month.unwrap_or(Month(0))
    }
}

/// Reads and checks `site.yaml`.
pub fn load_site(root: &Path, diags: &mut Diagnostics) -> Option<(SiteConfig, Source, Spans)> {
    if !root.join("site.yaml").is_file() {
        diags.push(
            Diagnostic::error(
                Code::SiteMissing,
                "site.yaml",
                format!("there is no site.yaml in {}", root.display()),
            )
            .help("run palanca in a site folder, pass --site DIR, or create one with `palanca new DIR`"),
        );
        return None;
    }
    let source = files::read_text(root, "site.yaml").map_err(|d| diags.push(d)).ok()?;
    let (mut site, spans): (SiteConfig, Spans) = yaml::parse(&source, 0, source.text.len(), "site.yaml")
        .map_err(|d| diags.push(d))
        .ok()?;
    site.events.iter_mut().enumerate().for_each(|(i, e)| e.position = i);
    let before = diags.error_count();
    let at = |key: &str| spans.value_or_key(key).unwrap_or(0..0);
    match Month::parse_iso(site.start.trim()).filter(|m| crate::period::in_years(*m)) {
        Some(m) => site.start_month = Some(m),
        None => diags.push(
            Diagnostic::error_at(
                Code::BadSetting,
                &source,
                at("start"),
                format!("`start: {}` is not a month", crate::diagnostic::quote(&site.start)),
            )
            .help("write the plan's first month as YYYY-MM, e.g. `start: 2024-01`"),
        ),
    }
    match check_base_url(&site.base_url) {
        Ok(url) => site.base_url = url,
        Err(why) => diags.push(
            Diagnostic::error_at(Code::BadSetting, &source, at("base_url"), format!("`base_url` {why}"))
                .help("write the address the site is published at, e.g. `base_url: https://example.com/plan/`, or `/`"),
        ),
    }
    if let Some(theme) = site.theme.as_deref().filter(|t| !is_plain_name(t)) {
        diags.push(
            Diagnostic::error_at(
                Code::BadSetting,
                &source,
                at("theme"),
                format!("`theme: {}` is not a theme name", crate::diagnostic::quote(theme)),
            )
            .help("name a folder directly under themes/ with letters, digits, `-` and `_`, e.g. `theme: mine`"),
        );
    }
    if let Some(name) = site.database_url_env.as_deref().filter(|n| !is_env_name(n)) {
        diags.push(
            Diagnostic::error_at(
                Code::BadSetting,
                &source,
                at("database_url_env"),
                format!(
                    "`database_url_env: {}` is not the name of an environment variable",
                    crate::diagnostic::quote(name)
                ),
            )
            .help("write the variable's name, e.g. `database_url_env: PALANCA_DATABASE_URL`, and keep the URL in that variable, out of the site"),
        );
    }
    if site.plan_ahead > crate::limits::PLAN_AHEAD_MAX {
        diags.push(
            Diagnostic::error_at(
                Code::BadSetting,
                &source,
                at("plan_ahead"),
                format!("`plan_ahead: {}` is more than {} months", site.plan_ahead, crate::limits::PLAN_AHEAD_MAX),
            )
            .help("give the months of plan to draw after the latest actual, e.g. `plan_ahead: 6`; the metric pages draw the whole plan"),
        );
    }
    if !(1..=crate::limits::QUERY_SECONDS_MAX).contains(&site.query_timeout) {
        diags.push(
            Diagnostic::error_at(
                Code::BadSetting,
                &source,
                at("query_timeout"),
                format!(
                    "`query_timeout: {}` is not between 1 and 86,400 seconds",
                    site.query_timeout
                ),
            )
            .help("give each query at most a day on the server, e.g. `query_timeout: 300` for five minutes"),
        );
    }
    for (key, text) in [("title", Some(&site.title)), ("notice", site.notice.as_ref())] {
        if text.is_some_and(|t| t.chars().count() > crate::limits::TITLE_CHARS) {
            diags.push(
                Diagnostic::error_at(
                    Code::TooLarge,
                    &source,
                    at(key),
                    format!("`{key}` is longer than 500 characters"),
                )
                .help("keep titles and notices to a line or two"),
            );
        }
    }
    check_email(&site, &source, &spans, diags);
    (diags.error_count() == before).then_some((site, source, spans))
}

/// The sender and reply-to addresses must be addresses.
fn check_email(site: &SiteConfig, source: &Source, spans: &Spans, diags: &mut Diagnostics) {
    let Some(email) = &site.email else { return };
    if !(1..=crate::limits::SMTP_TIMEOUT_MAX).contains(&email.timeout) {
        diags.push(
            Diagnostic::error_at(
                Code::BadSetting,
                source,
                spans.value_or_key("email.timeout").unwrap_or(0..0),
                format!("`email.timeout: {}` is not between 1 and 600 seconds", email.timeout),
            )
            .help("give the server at most ten minutes a step, e.g. `timeout: 60`"),
        );
    }
    for (key, text) in [("from", Some(&email.from)), ("reply_to", email.reply_to.as_ref())] {
        let Some(text) = text else { continue };
        if let Err(e) = text.parse::<lettre::message::Mailbox>() {
            diags.push(
                Diagnostic::error_at(
                    Code::BadSetting,
                    source,
                    spans.value_or_key(&format!("email.{key}")).unwrap_or(0..0),
                    format!(
                        "`email.{key}: {}` is not an email address ({e})",
                        crate::diagnostic::quote(text)
                    ),
                )
                .help("write an address, e.g. `ana@example.com` or `Ana Ruiz <ana@example.com>`"),
            );
        }
    }
}

/// A theme is a folder name, never a path: `../elsewhere` would copy any
/// folder's files into the site.
fn is_plain_name(name: &str) -> bool {
    !name.is_empty() && name.len() <= 64 && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// An environment variable's name: letters, digits and `_`, not starting
/// with a digit. A URL written here by mistake is refused, so it is never
/// committed with the site.
fn is_env_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 128
        && !name.starts_with(|c: char| c.is_ascii_digit())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// `base_url` is either a path from the host's root (`/`, `/plan/`) or an
/// absolute http(s) URL. It ends in `/` so that paths can be appended.
fn check_base_url(text: &str) -> Result<String, &'static str> {
    let with_slash = if text.ends_with('/') {
        text.to_string()
    } else {
        format!("{text}/")
    };
    if with_slash.starts_with('/') && !with_slash.starts_with("//") {
        // A path: it must be a valid URL path once joined to a host.
        let joined = url::Url::parse("https://host.invalid")
            .and_then(|u| u.join(&with_slash))
            .map_err(|_| "is not a valid path")?;
        if joined.query().is_some() || joined.fragment().is_some() {
            return Err("may not carry a query (`?`) or a fragment (`#`)");
        }
        return Ok(joined.path().to_string());
    }
    let url = url::Url::parse(&with_slash).map_err(|_| "is not an absolute URL")?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err("must be an http or https address");
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err("may not carry a query (`?`) or a fragment (`#`)");
    }
    // The parsed form: characters a URL cannot carry are percent-encoded.
    Ok(url.to_string())
}

#[cfg(test)]
mod tests;
