//! A page's text: Markdown made HTML, with its shortcodes drawn. A plan
//! page's body was made HTML when it was loaded and only its task boxes'
//! names and shortcodes are filled in here; an update's Markdown, and a
//! page with shortcodes, are parsed here.

use super::renderer::Medium;
use super::renderer::Renderer;
use super::widgets;
use crate::load::{Body, Page};
use crate::period::Month;
use crate::shortcode::Shortcode;

/// A plan page's body as HTML: its prepared HTML finished, or its
/// Markdown (a page with shortcodes) rendered.
pub fn page_html(r: &Renderer, page: &Page, path: &str) -> String {
    let Body::Html { html, .. } = &page.body_at else {
        let prefix = page.footnote_prefix();
        return markdown(
            r,
            page.markdown().unwrap_or(""),
            &page.shortcodes,
            &prefix,
            path,
            None,
            Medium::Page,
        );
    };
    match r.bodies().read(html) {
        Ok(html) => {
            let (done, open) = (r.text("task_done"), r.text("task_open"));
            crate::markdown::finish(&html, &[], [&done, &open], &|_| String::new())
        }
        Err(e) => {
            r.fail(crate::diagnostic::Diagnostic::error(
                crate::diagnostic::Code::ReadFailed,
                page.source.path.clone(),
                format!("cannot read back the body of `{}`: {e}", page.source.path),
            ));
            String::new()
        }
    }
}

/// Renders Markdown with its shortcodes for a page at `path` (or a
/// letter: `medium`); an update's shortcodes read nothing after its
/// month (`as_of`).
pub fn markdown(
    r: &Renderer,
    body: &str,
    shortcodes: &[Shortcode],
    prefix: &str,
    path: &str,
    as_of: Option<Month>,
    medium: Medium,
) -> String {
    // Shortcodes read metrics, so only plain Markdown is cached.
    if !shortcodes.is_empty() {
        return markdown_html(r, body, shortcodes, prefix, path, as_of, medium);
    }
    r.cache.text(markdown_key(r, "markdown", &[body, prefix]), || {
        markdown_html(r, body, shortcodes, prefix, path, as_of, medium)
    })
}

/// The cache key of rendered Markdown: `parts` and every setting the
/// HTML depends on. None, without any work, when the cache is off.
fn markdown_key(r: &Renderer, kind: &str, parts: &[&str]) -> Option<u64> {
    if !r.cache.is_enabled() {
        return None;
    }
    let (done, open) = (r.text("task_done"), r.text("task_open"));
    let raw = if r.model.site.raw_html { "html" } else { "text" };
    let mut all = parts.to_vec();
    all.extend([raw, done.as_str(), open.as_str()]);
    r.cache.key_text(kind, &all)
}

/// Markdown to HTML, uncached.
fn markdown_html(
    r: &Renderer,
    body: &str,
    shortcodes: &[Shortcode],
    prefix: &str,
    path: &str,
    as_of: Option<Month>,
    medium: Medium,
) -> String {
    let root = Renderer::root_of(path);
    let (done, open) = (r.text("task_done"), r.text("task_open"));
    let options = crate::markdown::Options {
        prefix,
        raw_html: r.model.site.raw_html,
        task_labels: [&done, &open],
    };
    crate::markdown::render(body, shortcodes, &options, &|sc| {
        widgets::shortcode(r, sc, &root, as_of, medium)
    })
}
