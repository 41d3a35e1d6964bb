//! `palanca serve`: a live preview on 127.0.0.1.
//!
//! The site is built in memory and served from there; nothing is written
//! to disk. site.yaml, content/ and themes/ are watched; a save triggers a
//! rebuild, and open pages update over server-sent events. When a save
//! breaks the content, the last good site stays served and every page shows
//! the diagnostics in an overlay until the file is fixed.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use notify::RecursiveMode;
use notify_debouncer_full::{DebounceEventResult, new_debouncer};

use crate::cli::{BuildOptions, Caches, build_site_with};
use crate::diagnostic::Diagnostics;

/// What the server serves: the last good site, and the errors of the
/// latest build when it failed.
#[derive(Default)]
struct Preview {
    files: BTreeMap<String, Vec<u8>>,
    errors: Option<String>,
    generation: u64,
    /// The path of `base_url` without slashes (`palanca`), which the 404
    /// page's links start from; requests under it are served from the root.
    base: String,
}

/// The preview shared by the watcher and the request threads.
#[derive(Default)]
struct Shared {
    preview: Mutex<Preview>,
    changed: Condvar,
    /// Parsed files and rendered pieces kept between rebuilds.
    caches: Caches,
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
    /// Include drafts.
    pub drafts: bool,
    /// Print stage timings of each rebuild.
    pub verbose: bool,
}

const EVENTS: &str = "/__palanca/events";

/// Runs the preview server until the process is interrupted.
pub fn serve(options: &ServeOptions) -> Result<(), String> {
    let shared = Arc::new(Shared {
        caches: Caches::new(),
        ..Shared::default()
    });
    rebuild(&options.site, options.drafts, options.verbose, &shared);
    let (server, port) = bind(options.port)?;
    let url = format!("http://127.0.0.1:{port}/");
    eprintln!("serving {} at {url} (Ctrl-C to stop)", options.site.display());
    if options.open {
        open_browser(&url);
    }
    let _watcher = watch(options, Arc::clone(&shared))?;
    for request in server.incoming_requests() {
        let shared = Arc::clone(&shared);
        std::thread::spawn(move || respond(request, &shared));
    }
    Ok(())
}

/// Binds 127.0.0.1 on `port`, or the next free port, saying so.
fn bind(port: u16) -> Result<(tiny_http::Server, u16), String> {
    for candidate in port..port.saturating_add(20) {
        match tiny_http::Server::http(("127.0.0.1", candidate)) {
            Ok(server) => {
                if candidate != port {
                    eprintln!("port {port} is in use; using {candidate} instead");
                }
                return Ok((server, candidate));
            }
            Err(_) => continue,
        }
    }
    Err(format!(
        "ports {port} to {} are all in use; pass --port N to choose another",
        port.saturating_add(19)
    ))
}

fn open_browser(url: &str) {
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    if std::process::Command::new(opener).arg(url).spawn().is_err() {
        eprintln!("could not open a browser; visit {url}");
    }
}

/// Builds the site in memory and publishes the result to the preview.
fn rebuild(site: &Path, drafts: bool, verbose: bool, shared: &Shared) {
    let started = Instant::now();
    let options = BuildOptions {
        drafts,
        verbose,
        ..BuildOptions::default()
    };
    let result = build_site_with(site, options, &shared.caches);
    let mut preview = shared.preview.lock().unwrap_or_else(|e| e.into_inner());
    match result {
        Ok((model, built, warnings)) => {
            eprintln!(
                "rebuilt {} pages in {} ms ({} warnings; {} pieces reused, {} redone)",
                built.pages,
                started.elapsed().as_millis(),
                warnings.0.len(),
                built.reused,
                built.redone
            );
            preview.files = built.files;
            preview.errors = None;
            preview.base = base_path(&model.site.base_url);
        }
        Err(diags) => {
            let text = render_errors(diags);
            eprint!("{text}");
            preview.errors = Some(text);
        }
    }
    preview.generation += 1;
    shared.changed.notify_all();
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

/// Watches site.yaml, content/ and themes/ and rebuilds after each batch of
/// changes (debounced, so an editor's save-rename-write is one rebuild).
fn watch(options: &ServeOptions, shared: Arc<Shared>) -> Result<impl Drop, String> {
    let (tx, rx) = mpsc::channel::<DebounceEventResult>();
    let mut debouncer =
        new_debouncer(Duration::from_millis(100), None, tx).map_err(|e| format!("cannot watch files: {e}"))?;
    let root = options.site.clone();
    debouncer
        .watch(&root, RecursiveMode::NonRecursive)
        .map_err(|e| format!("cannot watch {}: {e}", root.display()))?;
    for dir in ["content", "themes"] {
        let path = root.join(dir);
        if path.is_dir() {
            debouncer
                .watch(&path, RecursiveMode::Recursive)
                .map_err(|e| format!("cannot watch {}: {e}", path.display()))?;
        }
    }
    let (drafts, verbose) = (options.drafts, options.verbose);
    std::thread::spawn(move || {
        let relevant = |p: &Path| {
            let Ok(rel) = p.strip_prefix(&root) else { return false };
            rel == Path::new("site.yaml") || rel.starts_with("content") || rel.starts_with("themes")
        };
        for batch in rx {
            let Ok(events) = batch else { continue };
            // Reading the files to rebuild raises access events: ignore them,
            // or every rebuild would trigger the next.
            let changes = events
                .iter()
                .filter(|e| !matches!(e.event.kind, notify::EventKind::Access(_)));
            if changes.flat_map(|e| e.paths.iter()).any(|p| relevant(p)) {
                rebuild(&root, drafts, verbose, &shared);
            }
        }
    });
    Ok(debouncer)
}

fn respond(request: tiny_http::Request, shared: &Shared) {
    let url = request.url().split(['?', '#']).next().unwrap_or("/").to_string();
    if url == EVENTS {
        return stream_events(request, shared);
    }
    let path = match url.trim_start_matches('/') {
        "" => "index.html".to_string(),
        p if p.ends_with('/') => format!("{p}index.html"),
        p => percent_decode(p),
    };
    let (status, body, kind) = {
        let preview = shared.preview.lock().unwrap_or_else(|e| e.into_inner());
        let path = match path.strip_prefix(&format!("{}/", preview.base)) {
            Some(rest) if !preview.base.is_empty() && !preview.files.contains_key(&path) => rest.to_string(),
            _ => path,
        };
        match preview
            .files
            .get(&path)
            .or_else(|| preview.files.get(&format!("{path}/index.html")))
        {
            Some(bytes) => (
                200,
                with_preview_script(&path, bytes, preview.errors.as_deref()),
                content_type(&path),
            ),
            None => {
                let page = preview
                    .files
                    .get("404.html")
                    .map_or_else(|| b"not found".to_vec(), |b| b.clone());
                (
                    404,
                    with_preview_script("404.html", &page, preview.errors.as_deref()),
                    "text/html; charset=utf-8",
                )
            }
        }
    };
    let mut response = tiny_http::Response::from_data(body).with_status_code(status);
    for (name, value) in [("Content-Type", kind), ("Cache-Control", "no-store")] {
        if let Ok(header) = tiny_http::Header::from_bytes(name, value) {
            response = response.with_header(header);
        }
    }
    let _ = request.respond(response);
}

/// Server-sent events: one `reload` per rebuild, a comment every 15 s to
/// keep the connection open. Written by hand because tiny_http buffers
/// responses of unknown length.
fn stream_events(request: tiny_http::Request, shared: &Shared) {
    let mut out = request.into_writer();
    let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nConnection: keep-alive\r\n\r\n";
    if out.write_all(head.as_bytes()).and_then(|_| out.flush()).is_err() {
        return;
    }
    let mut seen = shared.preview.lock().map(|p| p.generation).unwrap_or(0);
    loop {
        let guard = shared.preview.lock().unwrap_or_else(|e| e.into_inner());
        let (guard, _) = shared
            .changed
            .wait_timeout_while(guard, Duration::from_secs(15), |p| p.generation == seen)
            .unwrap_or_else(|e| e.into_inner());
        let message = if guard.generation != seen {
            "data: reload\n\n"
        } else {
            ": ping\n\n"
        };
        seen = guard.generation;
        drop(guard);
        if out.write_all(message.as_bytes()).and_then(|_| out.flush()).is_err() {
            return;
        }
    }
}

/// Adds the live-reload client and, after a failed build, the error
/// overlay to an HTML page. Other files are served as they are.
fn with_preview_script(path: &str, bytes: &[u8], errors: Option<&str>) -> Vec<u8> {
    if !path.ends_with(".html") {
        return bytes.to_vec();
    }
    let html = String::from_utf8_lossy(bytes);
    let overlay = errors.map_or_else(String::new, |e| {
        format!(
            "<div id=\"palanca-errors\" role=\"alert\" style=\"position:fixed;inset:0 0 auto 0;max-height:70vh;overflow:auto;z-index:9999;background:#1f1014;color:#ffd7d7;font:14px/1.45 ui-monospace,monospace;padding:1rem 1.2rem;border-bottom:3px solid #e5484d;white-space:pre-wrap\"><strong>palanca: the last save broke the build; showing the last good site.</strong>\n\n{}</div>",
            escape(e)
        )
    });
    let script = format!(
        "<script>(()=>{{const s=new EventSource('{EVENTS}');s.onmessage=async e=>{{if(e.data!=='reload')return;const r=await fetch(location.href,{{cache:'no-store'}});const d=new DOMParser().parseFromString(await r.text(),'text/html');document.title=d.title;for(const l of document.querySelectorAll('link[rel=stylesheet]')){{const u=new URL(l.href);u.searchParams.set('v',Date.now());l.href=u.href;}}document.body.replaceWith(d.body);}};}})();</script>"
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

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

fn percent_decode(path: &str) -> String {
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Ok(b) = u8::from_str_radix(&path[i + 1..i + 3], 16) {
                out.push(b);
                i += 3;
                continue;
            }
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
        Some("js") => "text/javascript",
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests;
