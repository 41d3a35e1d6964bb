//! Reading files as text, with the path in every error.

use std::path::Path;

use walkdir::WalkDir;

use crate::diagnostic::{Diagnostic, Diagnostics, Location, Source};

/// Reads `root/rel` as UTF-8 text. Invalid UTF-8 is an error that names the
/// line of the first bad byte.
pub fn read_text(root: &Path, rel: &str) -> Result<Source, Diagnostic> {
    let bytes =
        std::fs::read(root.join(rel)).map_err(|e| Diagnostic::error(rel, format!("cannot read `{rel}`: {e}")))?;
    match String::from_utf8(bytes) {
        Ok(text) => Ok(Source::new(rel, text.trim_start_matches('\u{feff}').to_string())),
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            let bytes = e.into_bytes();
            let prefix = String::from_utf8_lossy(&bytes[..valid]).into_owned();
            let loc = Location::at(&prefix, prefix.len(), 0);
            let mut d = Diagnostic::error(rel, format!("`{rel}` is not valid UTF-8"))
                .help("save the file as UTF-8; most editors offer this under \"Save with encoding\"");
            d.location = Some(loc);
            Err(d)
        }
    }
}

/// Every Markdown and YAML file under `content/`, sorted by path so builds
/// are deterministic, as paths relative to `root` with `/` separators.
/// Hidden files and editor backups are skipped.
pub fn walk_content(root: &Path, diags: &mut Diagnostics) -> Vec<String> {
    let mut out = Vec::new();
    let walker = WalkDir::new(root.join("content"))
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| !e.file_name().to_string_lossy().starts_with('.'));
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                diags.push(Diagnostic::error(
                    "content/",
                    format!("cannot list the content folder: {e}"),
                ));
                continue;
            }
        };
        if !entry.file_type().is_file() || entry.file_name().to_string_lossy().ends_with('~') {
            continue;
        }
        let Ok(rel) = entry.path().strip_prefix(root) else {
            continue;
        };
        let rel = rel.to_string_lossy().replace('\\', "/");
        if rel.ends_with(".md") || rel.ends_with(".yaml") || rel.ends_with(".yml") {
            out.push(rel);
        }
    }
    out
}
