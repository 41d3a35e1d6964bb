//! `palanca new`: a starter site that builds at once and teaches the format.

use std::path::{Path, PathBuf};

/// The starter site's files: path inside the site, contents.
pub const FILES: &[(&str, &str)] = &[
    ("site.yaml", include_str!("scaffold/site/site.yaml")),
    // Kept under other names here, so that they do not act on this
    // repository: a `.gitignore` would hide files of the starter site.
    (".gitignore", include_str!("scaffold/site/gitignore")),
    (
        ".github/workflows/publish.yml",
        include_str!("scaffold/site/github/workflows/publish.yml"),
    ),
    ("content/_index.md", include_str!("scaffold/site/content/_index.md")),
    (
        "content/metrics/cash.yaml",
        include_str!("scaffold/site/content/metrics/cash.yaml"),
    ),
    (
        "content/metrics/revenue.yaml",
        include_str!("scaffold/site/content/metrics/revenue.yaml"),
    ),
    (
        "content/metrics/product.yaml",
        include_str!("scaffold/site/content/metrics/product.yaml"),
    ),
    (
        "content/plan/_index.md",
        include_str!("scaffold/site/content/plan/_index.md"),
    ),
    (
        "content/plan/launch.md",
        include_str!("scaffold/site/content/plan/launch.md"),
    ),
    (
        "content/plan/pricing.md",
        include_str!("scaffold/site/content/plan/pricing.md"),
    ),
    (
        "content/plan/churn-risk.md",
        include_str!("scaffold/site/content/plan/churn-risk.md"),
    ),
    (
        "content/updates/2025-03.md",
        include_str!("scaffold/site/content/updates/2025-03.md"),
    ),
];

/// Why the starter site could not be written.
#[derive(Debug, thiserror::Error)]
pub enum NewSiteError {
    /// The folder already holds something; nothing was written.
    #[error("{0} is not empty; palanca new only writes into a new or empty folder")]
    NotEmpty(PathBuf),
    /// A folder or file could not be created or written.
    #[error("cannot write {path}: {source}")]
    Io {
        /// The folder or file that failed.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
}

/// Writes the starter site into `dir`, which must not exist or be empty.
/// Returns the number of files written.
pub fn new_site(dir: &Path) -> Result<usize, NewSiteError> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| NewSiteError::Io { path, source }
    };
    match std::fs::read_dir(dir) {
        Ok(mut entries) => {
            if entries.next().is_some() {
                return Err(NewSiteError::NotEmpty(dir.to_path_buf()));
            }
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(io(dir)(e)),
    }
    for (rel, contents) in FILES {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(io(parent))?;
        }
        std::fs::write(&path, contents).map_err(io(&path))?;
    }
    Ok(FILES.len())
}

#[cfg(test)]
mod tests;
