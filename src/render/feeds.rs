//! The files that need absolute URLs: the Atom feed of updates and the
//! sitemap. These, the 404 page (whose links start from base_url's path)
//! and the email's link to its web version are the only places
//! `base_url` is used.
//!
//! Both are written with an XML writer, so every title, text and address
//! is escaped by construction: a `&` in a title or in `base_url` cannot
//! break the feed.

use std::io::Cursor;

use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesText, Event};

use super::prose;
use super::renderer::{Job, Medium, Renderer};
use super::sink::FileKind;
use crate::model::Model;

/// The Atom feed of the updates and the sitemap: lists of the site's
/// pages for machines, with titles in the clear.
pub struct Feeds;

impl Job for Feeds {
    fn kinds(&self) -> &'static [FileKind] {
        &[FileKind::Listing]
    }

    fn render(&self, r: &Renderer) {
        let model = r.model;
        // Streamed: 100,000 pages make a sitemap of 10 MB.
        r.emit_with(FileKind::Listing, "sitemap.xml", &mut |out| sitemap(model, out));
        if !model.updates.is_empty() {
            finish(r, "atom.xml", atom(r));
        }
    }
}

type Xml = Writer<Cursor<Vec<u8>>>;
type XmlResult = std::io::Result<()>;

fn finish(r: &Renderer, path: &str, xml: std::io::Result<Vec<u8>>) {
    match xml {
        Ok(bytes) => r.emit(FileKind::Listing, path, bytes),
        Err(e) => r.fail(crate::diagnostic::Diagnostic::error(
            crate::diagnostic::Code::Output,
            path,
            format!("cannot write {path}: {e}"),
        )),
    }
}

fn writer() -> std::io::Result<Xml> {
    let mut w = Writer::new(Cursor::new(Vec::new()));
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("utf-8"), None)))?;
    w.get_mut().get_mut().push(b'\n');
    Ok(w)
}

fn text<W: std::io::Write>(w: &mut Writer<W>, name: &str, value: &str) -> XmlResult {
    w.create_element(name).write_text_content(BytesText::new(value))?;
    Ok(())
}

fn link(w: &mut Xml, rel: &str, href: &str) -> XmlResult {
    w.create_element("link")
        .with_attributes([("rel", rel), ("type", "text/html"), ("href", href)])
        .write_empty()?;
    Ok(())
}

/// A month's last day at noon UTC, a stable timestamp for an update.
fn month_stamp(month: crate::period::Month) -> String {
    format!("{month}-{:02}T12:00:00Z", month.last_day())
}

fn atom(r: &Renderer) -> std::io::Result<Vec<u8>> {
    let model = r.model;
    let base = &model.site.base_url;
    let mut w = writer()?;
    w.create_element("feed")
        .with_attributes([
            ("xmlns", "http://www.w3.org/2005/Atom"),
            ("xml:lang", model.site.language.code()),
        ])
        .write_inner_content(|w| -> XmlResult {
            text(w, "title", &format!("{} · {}", model.site.title, r.text("updates")))?;
            w.create_element("link")
                .with_attributes([("rel", "self"), ("href", format!("{base}atom.xml").as_str())])
                .write_empty()?;
            link(w, "alternate", &format!("{base}updates/index.html"))?;
            text(w, "id", &format!("{base}atom.xml"))?;
            let updated = model.updates.last().map_or_else(String::new, |u| month_stamp(u.period));
            text(w, "updated", &updated)?;
            w.create_element("author")
                .write_inner_content(|w| text(w, "name", model.site.author.as_deref().unwrap_or(&model.site.title)))?;
            for u in model.updates.iter().rev() {
                let url = format!("{base}updates/{}/index.html", u.period);
                let html = prose::markdown(
                    r,
                    u.body(),
                    &u.shortcodes,
                    &format!("feed{}", u.period),
                    "updates/x/index.html",
                    Some(u.period),
                    Medium::Page,
                );
                w.create_element("entry").write_inner_content(|w| -> XmlResult {
                    text(w, "title", &u.front.title)?;
                    link(w, "alternate", &url)?;
                    text(w, "id", &url)?;
                    text(w, "updated", &month_stamp(u.period))?;
                    text(w, "summary", u.front.description.as_deref().unwrap_or(&u.front.title))?;
                    w.create_element("content")
                        .with_attribute(("type", "html"))
                        .write_text_content(BytesText::new(&html))?;
                    Ok(())
                })?;
            }
            Ok(())
        })?;
    let mut bytes = w.into_inner().into_inner();
    bytes.push(b'\n');
    Ok(bytes)
}

fn sitemap(model: &Model, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let base = &model.site.base_url;
    let pages = model.pages.iter().filter(|p| p.slug != "_index").map(|p| p.href());
    let metrics = (!model.metrics.is_empty())
        .then(|| {
            std::iter::once("metrics/index.html".to_string())
                .chain(model.groups.iter().map(|g| format!("metrics/{}/index.html", g.id)))
        })
        .into_iter()
        .flatten();
    let updates = (!model.updates.is_empty())
        .then(|| {
            std::iter::once("updates/index.html".to_string())
                .chain(model.updates.iter().map(|u| format!("updates/{}/index.html", u.period)))
        })
        .into_iter()
        .flatten();
    let paths = std::iter::once("index.html".to_string())
        .chain(pages)
        .chain(metrics)
        .chain(updates);
    let mut w = Writer::new(out);
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("utf-8"), None)))?;
    w.get_mut().write_all(b"\n")?;
    w.create_element("urlset")
        .with_attribute(("xmlns", "http://www.sitemaps.org/schemas/sitemap/0.9"))
        .write_inner_content(|w| -> XmlResult {
            for p in paths {
                w.create_element("url")
                    .write_inner_content(|w| text(w, "loc", &format!("{base}{p}")))?;
            }
            Ok(())
        })?;
    w.get_mut().write_all(b"\n")
}
