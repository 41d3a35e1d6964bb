//! Rebuilding the preview: after the first build and after every batch of
//! saves the watcher reports, the site is rendered again (reusing what the
//! caches kept) and open pages are told to reload.

use std::path::{Path, PathBuf};
use std::sync::{Arc, mpsc};
use std::time::{Duration, Instant};

use notify::RecursiveMode;
use notify_debouncer_full::{DebounceEventResult, new_debouncer};

use super::preview::{Preview, Shared, base_path};
use crate::diagnostic::Diagnostics;
use crate::pipeline;

/// Rebuilds the site into the served folder and tells open pages.
pub fn rebuild(site: &Path, options: pipeline::Options, shared: &Shared) {
    let started = Instant::now();
    let previous = shared.preview.read().map(|p| Arc::clone(&p)).unwrap_or_default();
    let next = match rebuild_files(site, options, shared) {
        Ok((built, written)) => {
            // The first build has nothing to reuse (what it shares between
            // its own pages is not reuse): it says what it built.
            let first = *shared.generation.borrow() == 0;
            if first {
                eprintln!(
                    "built {} pages in {} ms ({} warnings, {} files written)",
                    built.stats.pages,
                    started.elapsed().as_millis(),
                    built.warnings.warning_count(),
                    written
                );
            } else {
                eprintln!(
                    "rebuilt {} pages in {} ms ({} warnings; {} pieces reused, {} redone, {} files written)",
                    built.stats.pages,
                    started.elapsed().as_millis(),
                    built.warnings.warning_count(),
                    built.stats.reused,
                    built.stats.redone,
                    written
                );
            }
            Preview {
                errors: None,
                base: base_path(&built.model.site.base_url),
            }
        }
        Err(text) => {
            eprint!("{text}");
            Preview {
                errors: Some(text),
                base: previous.base.clone(),
            }
        }
    };
    if let Ok(mut slot) = shared.preview.write() {
        *slot = Arc::new(next);
    }
    shared.generation.send_modify(|g| *g += 1);
}

/// Renders into a staging folder and moves what changed into the served
/// folder, only if the whole rebuild succeeded. Returns the rebuild and
/// how many files it wrote, or the errors to show.
fn rebuild_files(
    site: &Path,
    options: pipeline::Options,
    shared: &Shared,
) -> Result<(pipeline::Rendered, usize), String> {
    let cannot = |e: std::io::Error| format!("error: cannot write the preview: {e}\n");
    let staged = shared.site.rebuild().map_err(cannot)?;
    let built = pipeline::render_into(site, options, &shared.caches, &staged).map_err(render_errors)?;
    let written = staged.commit().map_err(cannot)?;
    Ok((built, written))
}

fn render_errors(mut diags: Diagnostics) -> String {
    diags.sort();
    diags
        .0
        .iter()
        .filter(|d| d.is_error())
        .map(|d| d.to_string() + "\n")
        .collect()
}

/// How long events are gathered into one rebuild: an editor's save
/// (write a temporary file, rename it over the old one) takes a few
/// milliseconds; a checkout of many files arrives as a few batches.
const SAVE_GROUPING: Duration = Duration::from_millis(50);

/// Watches site.yaml, content/ and themes/ and rebuilds after each batch of
/// changes (debounced, so an editor's save-rename-write is one rebuild).
pub fn watch(root: &Path, options: pipeline::Options, shared: Arc<Shared>) -> Result<impl Drop, String> {
    let (tx, rx) = mpsc::channel::<DebounceEventResult>();
    let mut debouncer = new_debouncer(SAVE_GROUPING, None, tx).map_err(|e| format!("cannot watch files: {e}"))?;
    debouncer
        .watch(root, RecursiveMode::NonRecursive)
        .map_err(|e| format!("cannot watch {}: {e}", root.display()))?;
    for dir in ["content", "themes"] {
        let path = root.join(dir);
        if path.is_dir() {
            debouncer
                .watch(&path, RecursiveMode::Recursive)
                .map_err(|e| format!("cannot watch {}: {e}", path.display()))?;
        }
    }
    let root = root.to_path_buf();
    std::thread::spawn(move || {
        for batch in rx {
            let Ok(events) = batch else {
                // Events may be lost: the next rebuild looks at every file.
                shared.caches.load.note_everything();
                continue;
            };
            // Reading the files to rebuild raises access events: ignore them,
            // or every rebuild would trigger the next.
            let changes: Vec<_> = events
                .iter()
                .filter(|e| !matches!(e.event.kind, notify::EventKind::Access(_)))
                .collect();
            let rescan = changes.iter().any(|e| e.event.need_rescan());
            if rescan {
                shared.caches.load.note_everything();
            }
            let paths: Vec<PathBuf> = changes
                .iter()
                .flat_map(|e| e.paths.iter())
                .filter(|p| relevant(&root, p))
                .cloned()
                .collect();
            if rescan || !paths.is_empty() {
                // Tells the load which files to read again (see load::cache).
                shared.caches.load.note_changes(&root, &paths);
                rebuild(&root, options, &shared);
            }
        }
    });
    Ok(debouncer)
}

/// Whether a changed path is part of the site's input.
fn relevant(root: &Path, path: &Path) -> bool {
    let Ok(rel) = path.strip_prefix(root) else { return false };
    rel == Path::new("site.yaml") || rel.starts_with("content") || rel.starts_with("themes")
}

#[cfg(test)]
mod tests;
