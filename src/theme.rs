//! The theme: tera templates, CSS and UI strings. The default theme is
//! compiled into the binary; a site's `themes/<name>/` replaces it file by
//! file (a site may override `page.html` alone and keep the rest).

use std::collections::BTreeMap;

use tera::Tera;

use crate::diagnostic::{Code, Diagnostic, Location, Source};
use crate::load::ThemeFiles;

macro_rules! embedded {
    ($($path:literal),* $(,)?) => {
        &[$(($path, include_str!(concat!("../themes/default/", $path)))),*]
    };
}

/// The default theme's text files, by path inside the theme folder.
const DEFAULT_FILES: &[(&str, &str)] = embedded![
    "templates/base.html",
    "templates/home.html",
    "templates/page.html",
    "templates/metrics_index.html",
    "templates/metric_group.html",
    "templates/updates_index.html",
    "templates/update.html",
    "templates/404.html",
    "templates/consistency.html",
    "templates/email.html",
    "templates/partials/roadmap.html",
    "templates/partials/levers.html",
    "templates/partials/risks.html",
    "templates/partials/quarters.html",
    "templates/partials/kpi.html",
    "templates/partials/chart.html",
    "templates/partials/table.html",
    "templates/partials/bridge.html",
    "templates/partials/cohorts.html",
    "templates/partials/progress.html",
    "static/style.css",
    "static/favicon.svg",
    "templates/partials/legend.html",
    "i18n/es.yaml",
    "i18n/en.yaml",
];

/// A ready theme.
pub struct Theme {
    /// Templates with the site's overrides applied.
    pub tera: Tera,
    /// UI strings of the site's language.
    pub strings: BTreeMap<String, String>,
    /// Static files to copy: path under the output, bytes.
    pub statics: Vec<(String, Vec<u8>)>,
    /// Where each overridden template came from, for error positions.
    origins: BTreeMap<String, Source>,
    /// A hash of every template and string, so cached pages are redone
    /// when the theme changes.
    pub fingerprint: u64,
}

impl std::fmt::Debug for Theme {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Theme")
            .field("overrides", &self.origins.keys())
            .finish()
    }
}

impl Theme {
    /// Builds the theme for `language` from the defaults and the site's files.
    pub fn build(files: &ThemeFiles, language: &str) -> Result<Theme, Vec<Diagnostic>> {
        let mut templates: BTreeMap<String, (String, Option<Source>)> = DEFAULT_FILES
            .iter()
            .filter_map(|(path, text)| {
                path.strip_prefix("templates/")
                    .map(|name| (name.to_string(), (text.to_string(), None)))
            })
            .collect();
        let mut origins = BTreeMap::new();
        for source in &files.templates {
            let name = source
                .path
                .split_once("/templates/")
                .map_or(source.path.as_str(), |(_, n)| n)
                .to_string();
            origins.insert(name.clone(), source.clone());
            templates.insert(name, (source.text.to_string(), Some(source.clone())));
        }
        let mut tera = Tera::new();
        tera.autoescape_on(vec![".html", ".xml"]);
        let result = tera.add_raw_templates(templates.iter().map(|(name, (text, _))| (name.as_str(), text.as_str())));
        if let Err(e) = result {
            return Err(vec![template_error(&e, &origins)]);
        }
        let strings = i18n(files, language)?;
        // Every page uses the strings: give them to tera once, not per page.
        tera.global_context().insert("t", &strings);
        let mut statics: Vec<(String, Vec<u8>)> = DEFAULT_FILES
            .iter()
            .filter_map(|(path, text)| {
                path.strip_prefix("static/")
                    .map(|p| (format!("assets/{p}"), text.as_bytes().to_vec()))
            })
            .collect();
        for (path, bytes) in &files.statics {
            let target = format!("assets/{path}");
            statics.retain(|(p, _)| *p != target);
            statics.push((target, bytes.clone()));
        }
        let fingerprint = {
            use std::hash::{DefaultHasher, Hash, Hasher};
            let mut h = DefaultHasher::new();
            templates.iter().for_each(|(name, (text, _))| (name, text).hash(&mut h));
            strings.hash(&mut h);
            h.finish()
        };
        Ok(Theme {
            tera,
            strings,
            statics,
            origins,
            fingerprint,
        })
    }

    /// Renders template `name` with `context`; an error points into the
    /// site's template when it was overridden.
    pub fn render(&self, name: &str, context: &tera::Context) -> Result<String, Diagnostic> {
        self.tera
            .render(name, context)
            .map_err(|e| template_error(&e, &self.origins))
    }
}

fn i18n(files: &ThemeFiles, language: &str) -> Result<BTreeMap<String, String>, Vec<Diagnostic>> {
    let file = format!("i18n/{language}.yaml");
    let default = DEFAULT_FILES
        .iter()
        .find(|(p, _)| *p == file)
        .map(|(_, t)| *t)
        .unwrap_or_default();
    let mut strings: BTreeMap<String, String> = serde_yaml::from_str(default).unwrap_or_default();
    for source in &files.i18n {
        if source.path.ends_with(&format!("/{file}")) {
            let extra: BTreeMap<String, String> =
                crate::load::parse_yaml(source, "UI strings file").map_err(|d| vec![d])?;
            strings.extend(extra);
        }
    }
    Ok(strings)
}

/// A tera error as a diagnostic naming the template file and line.
fn template_error(error: &tera::Error, origins: &BTreeMap<String, Source>) -> Diagnostic {
    let help = "fix the template; tera's syntax is that of Jinja2 ({{ value }}, {% if %}, {% for %}, {% block %})";
    let (name, message, line, column, width) = match error.kind() {
        tera::ErrorKind::SyntaxError(r) | tera::ErrorKind::RenderingError(r) => {
            let span = r.span();
            let width = if span.end_line == span.start_line {
                span.end_col.saturating_sub(span.start_col).max(1)
            } else {
                1
            };
            (
                r.filename().to_string(),
                r.message().to_string(),
                span.start_line,
                span.start_col + 1,
                width,
            )
        }
        // Checks made when templates are added (unknown filters, tests,
        // functions) arrive as tera's own rendered report: read it back.
        _ => match parse_report(&error.to_string()) {
            Some(parsed) => parsed,
            None => return Diagnostic::error(Code::Template, "themes/", format!("template error: {error}")).help(help),
        },
    };
    let (file, line_text) = match origins.get(&name) {
        Some(src) => (
            src.path.clone(),
            src.text.lines().nth(line.saturating_sub(1)).unwrap_or("").to_string(),
        ),
        None => {
            let path = format!("templates/{name}");
            let text = DEFAULT_FILES.iter().find(|(p, _)| *p == path).map_or("", |(_, t)| t);
            (
                format!("(default theme) {path}"),
                text.lines().nth(line.saturating_sub(1)).unwrap_or("").to_string(),
            )
        }
    };
    let mut d = Diagnostic::error(Code::Template, file, format!("template error in `{name}`: {message}")).help(help);
    d.location = Some(Location {
        line,
        column,
        width,
        line_text,
    });
    d
}

/// Reads `error: MESSAGE` and ` --> NAME:LINE:COL` out of a tera report,
/// and the width of the `^^^` under the culprit.
fn parse_report(text: &str) -> Option<(String, String, usize, usize, usize)> {
    let message = text.lines().find_map(|l| l.trim().strip_prefix("error: "))?;
    let message = message.trim_start_matches("error: ").to_string();
    let arrow = text.lines().find_map(|l| l.trim().strip_prefix("--> "))?;
    let mut parts = arrow.rsplitn(3, ':');
    let column: usize = parts.next()?.trim().parse().ok()?;
    let line: usize = parts.next()?.trim().parse().ok()?;
    let name = parts.next()?.to_string();
    let width = text
        .lines()
        .find_map(|l| l.contains('^').then(|| l.matches('^').count()))
        .unwrap_or(1);
    Some((name, message, line, column, width))
}

#[cfg(test)]
mod tests;
