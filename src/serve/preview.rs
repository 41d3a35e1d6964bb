//! What the preview serves besides the built files: the state shared by
//! the watcher and the server, the live-reload script and error overlay
//! added to every page, and the small helpers of the HTTP side.

use std::sync::{Arc, RwLock};

use super::site;
use crate::html::escape;
use crate::pipeline::Caches;

/// Where pages listen for reloads.
pub const EVENTS: &str = "/__palanca/events";

/// What the server shows besides the files: the errors of the latest
/// build when it failed.
#[derive(Default)]
pub struct Preview {
    pub errors: Option<String>,
    /// The path of `base_url` without slashes (`palanca`), which the 404
    /// page's links start from; requests under it are served from the root.
    pub base: String,
}

/// The preview shared by the watcher thread and the server.
pub struct Shared {
    pub preview: RwLock<Arc<Preview>>,
    /// Bumped after every rebuild; each open page's event stream watches it.
    pub generation: tokio::sync::watch::Sender<u64>,
    /// Parsed files and rendered pieces kept between rebuilds.
    pub caches: Caches,
    /// The last good site, on disk.
    pub site: site::ServedSite,
}

/// Adds the live-reload client and, after a failed build, the error
/// overlay to an HTML page. Other files are served as they are.
pub fn with_preview_script(path: &str, bytes: Vec<u8>, errors: Option<&str>) -> Vec<u8> {
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
        EVENTS
    );
    let injected = format!("{overlay}{script}</body>");
    match html.rfind("</body>") {
        Some(i) => format!("{}{injected}{}", &html[..i], &html[i + "</body>".len()..]).into_bytes(),
        None => format!("{html}{injected}").into_bytes(),
    }
}

/// `palanca` for `https://example.com/palanca/`, empty for a site at the root.
pub fn base_path(base_url: &str) -> String {
    let rest = base_url
        .split_once("://")
        .map_or(base_url, |(_, r)| r.find('/').map_or("", |i| &r[i..]));
    rest.trim_matches('/').to_string()
}

pub fn percent_decode(path: &str) -> String {
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

pub fn content_type(path: &str) -> &'static str {
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
