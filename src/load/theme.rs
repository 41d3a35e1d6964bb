//! A site's theme overrides: `themes/<name>/{templates,static,i18n}`.

use std::path::Path;

use walkdir::WalkDir;

use super::files;
use crate::diagnostic::{Code, Diagnostic, Diagnostics, Source};

/// Files of a site's theme folder that replace the embedded defaults.
#[derive(Debug, Clone, Default)]
pub struct ThemeFiles {
    /// `templates/*.html` by file name (relative to `templates/`).
    pub templates: Vec<Source>,
    /// `i18n/<lang>.yaml`.
    pub i18n: Vec<Source>,
    /// `static/**`, by path relative to `static/`, copied as-is.
    pub statics: Vec<(String, Vec<u8>)>,
}

/// Reads `themes/<name>/` when the site names a theme.
pub fn load_theme(root: &Path, name: Option<&str>, diags: &mut Diagnostics) -> ThemeFiles {
    let mut theme = ThemeFiles::default();
    let Some(name) = name else { return theme };
    let dir = root.join("themes").join(name);
    if !dir.is_dir() {
        diags.push(
            Diagnostic::error(
                Code::ThemeMissing,
                "site.yaml",
                format!("the theme `{name}` has no folder themes/{name}/"),
            )
            .help(format!(
                "create themes/{name}/templates/ with the templates to override, or remove `theme:` from site.yaml"
            )),
        );
        return theme;
    }
    for entry in WalkDir::new(&dir)
        .follow_links(true)
        .max_depth(crate::limits::FOLDER_DEPTH)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
    {
        if !entry.file_type().is_file() {
            continue;
        }
        let Ok(rel) = entry.path().strip_prefix(root) else {
            continue;
        };
        let rel = rel.to_string_lossy().replace('\\', "/");
        let inner = rel.trim_start_matches(&format!("themes/{name}/")).to_string();
        if let Some(static_path) = inner.strip_prefix("static/") {
            match files::read_bytes(root, &rel) {
                Ok(bytes) => theme.statics.push((static_path.to_string(), bytes)),
                Err(d) => diags.push(d),
            }
        } else if inner.starts_with("templates/") || inner.starts_with("i18n/") {
            match files::read_text(root, &rel) {
                Ok(source) if inner.starts_with("templates/") => theme.templates.push(source),
                Ok(source) => theme.i18n.push(source),
                Err(d) => diags.push(d),
            }
        }
    }
    theme
}
