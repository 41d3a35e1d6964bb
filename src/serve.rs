//! `palanca serve`: a live preview on 127.0.0.1.
//!
//! The site is built into a folder of its own in the temporary folder
//! (see [`site`]), never into `output/`. site.yaml, content/ and themes/
//! are watched; a save triggers a rebuild that reads the saved files and
//! redoes what depends on them, and open pages update over server-sent
//! events. When a save breaks the content, the last good site stays
//! served and every page shows the diagnostics in an overlay until the
//! file is fixed.
//!
//! The HTTP side lives in [`http`]: hyper on a single-threaded tokio
//! runtime, answering only requests addressed to the loopback.

mod connections;
mod http;
mod site;

use crate::html::escape;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock, mpsc};
use std::time::{Duration, Instant};

use notify::RecursiveMode;
use notify_debouncer_full::{DebounceEventResult, new_debouncer};

use crate::diagnostic::Diagnostics;
use crate::pipeline::{self, Caches};

/// What the server shows besides the files: the errors of the latest
/// build when it failed.
#[derive(Default)]
struct Preview {
    errors: Option<String>,
    /// The path of `base_url` without slashes (`palanca`), which the 404
    /// page's links start from; requests under it are served from the root.
    base: String,
}

/// The preview shared by the watcher thread and the server.
struct Shared {
    preview: RwLock<Arc<Preview>>,
    /// Bumped after every rebuild; each open page's event stream watches it.
    generation: tokio::sync::watch::Sender<u64>,
    /// Parsed files and rendered pieces kept between rebuilds.
    caches: Caches,
    /// The last good site, on disk.
    site: site::ServedSite,
}

/// Options of `serve`.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// The site folder.
    pub site: PathBuf,
    /// The first port to try.
    pub port: u16,
    /// Open the browser.
    pub open: bool,
    /// What each rebuild includes.
    pub build: pipeline::Options,
}

/// Runs the preview server until the process is interrupted.
pub fn serve(options: &ServeOptions) -> Result<(), String> {
    // Events name absolute paths: the site folder must be absolute too, or
    // `palanca serve` run inside it (site ".") would never see a change.
    let site = options
        .site
        .canonicalize()
        .map_err(|e| format!("cannot open the site folder {}: {e}", options.site.display()))?;
    let served = site::ServedSite::create(&std::env::temp_dir()).map_err(|e| {
        format!(
            "cannot make the preview's folder in {}: {e}",
            std::env::temp_dir().display()
        )
    })?;
    let shared = Arc::new(Shared {
        preview: RwLock::new(Arc::new(Preview::default())),
        generation: tokio::sync::watch::channel(0).0,
        caches: Caches::for_serve(),
        site: served,
    });
    rebuild(&site, options.build, &shared);
    let _watcher = watch(&site, options.build, Arc::clone(&shared))?;
    http::run(options.port, &options.site, options.open, shared)
}

/// Rebuilds the site into the served folder and tells open pages.
fn rebuild(site: &Path, options: pipeline::Options, shared: &Shared) {
    let started = Instant::now();
    let previous = shared.preview.read().map(|p| Arc::clone(&p)).unwrap_or_default();
    let next = match rebuild_files(site, options, shared) {
        Ok((built, written)) => {
            eprintln!(
                "rebuilt {} pages in {} ms ({} warnings; {} pieces reused, {} redone, {} files written)",
                built.stats.pages,
                started.elapsed().as_millis(),
                built.warnings.0.len(),
                built.stats.reused,
                built.stats.redone,
                written
            );
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
fn watch(root: &Path, options: pipeline::Options, shared: Arc<Shared>) -> Result<impl Drop, String> {
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

/// Adds the live-reload client and, after a failed build, the error
/// overlay to an HTML page. Other files are served as they are.
fn with_preview_script(path: &str, bytes: Vec<u8>, errors: Option<&str>) -> Vec<u8> {
    if !path.ends_with(".html") {
        return bytes;
    }
    let html = String::from_utf8_lossy(&bytes);
    let overlay = errors.map_or_else(String::new, |e| {
        format!(
            "<div id=\"palanca-errors\" role=\"alert\" style=\"position:fixed;inset:0 0 auto 0;max-height:70vh;overflow:auto;z-index:9999;background:#1f1014;color:#ffd7d7;font:14px/1.45 ui-monospace,monospace;padding:1rem 1.2rem;border-bottom:3px solid #e5484d;white-space:pre-wrap\"><strong>palanca: the last save broke the build; showing the last good site.</strong>\n\n{}</div>",
            escape(e)
        )
    });
    let script = format!(
        "<script>(()=>{{const s=new EventSource('{}');s.onmessage=async e=>{{if(e.data!=='reload')return;const r=await fetch(location.href,{{cache:'no-store'}});const d=new DOMParser().parseFromString(await r.text(),'text/html');document.title=d.title;for(const l of document.querySelectorAll('link[rel=stylesheet]')){{const u=new URL(l.href);u.searchParams.set('v',Date.now());l.href=u.href;}}document.body.replaceWith(d.body);}};}})();</script>",
        http::EVENTS
    );
    let injected = format!("{overlay}{script}</body>");
    match html.rfind("</body>") {
        Some(i) => format!("{}{injected}{}", &html[..i], &html[i + "</body>".len()..]).into_bytes(),
        None => format!("{html}{injected}").into_bytes(),
    }
}

/// `palanca` for `https://example.com/palanca/`, empty for a site at the root.
fn base_path(base_url: &str) -> String {
    let rest = base_url
        .split_once("://")
        .map_or(base_url, |(_, r)| r.find('/').map_or("", |i| &r[i..]));
    rest.trim_matches('/').to_string()
}

fn percent_decode(path: &str) -> String {
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    let hex = |b: u8| (b as char).to_digit(16);
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let (Some(hi), Some(lo)) = (hex(bytes[i + 1]), hex(bytes[i + 2]))
        {
            out.push((hi * 16 + lo) as u8);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next() {
        Some("html") => "text/html; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("json") => "application/json",
        Some("csv") => "text/csv; charset=utf-8",
        Some("xml") => "application/xml",
        Some("js") => "text/javascript; charset=utf-8",
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("eml") => "message/rfc822",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests;
