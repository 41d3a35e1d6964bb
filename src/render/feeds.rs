//! The files that need absolute URLs: the Atom feed of updates and the
//! sitemap. These and the 404 page (whose links start from base_url's
//! path) are the only places `base_url` is used.

use super::Renderer;
use crate::model::Model;

pub(crate) fn render(r: &Renderer) -> Vec<(String, Vec<u8>)> {
    let model = r.model;
    let mut out = vec![("sitemap.xml".to_string(), sitemap(model).into_bytes())];
    if !model.updates.is_empty() {
        out.push(("atom.xml".to_string(), atom(r).into_bytes()));
    }
    let ctx = r.base_context("404.html", "", &r.text("not_found_title"), "not-found");
    out.push(("404.html".to_string(), r.page("404.html", &ctx)));
    out
}

fn xml_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A month's last day at noon UTC, a stable timestamp for an update.
fn month_stamp(month: crate::period::Month) -> String {
    let next = month.offset(1);
    let days = match month.month() {
        2 if next.year() % 4 == 0 && (next.year() % 100 != 0 || next.year() % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    format!("{month}-{days:02}T12:00:00Z")
}

fn atom(r: &Renderer) -> String {
    let model = r.model;
    let base = &model.site.base_url;
    let title = xml_escape(&model.site.title);
    let updated = model.updates.last().map_or_else(String::new, |u| month_stamp(u.period));
    let author = xml_escape(model.site.author.as_deref().unwrap_or(&model.site.title));
    let mut xml = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">\n<title>{title} · {}</title>\n<link rel=\"self\" href=\"{base}atom.xml\"/>\n<link rel=\"alternate\" type=\"text/html\" href=\"{base}updates/index.html\"/>\n<id>{base}atom.xml</id>\n<updated>{updated}</updated>\n<author><name>{author}</name></author>\n",
        model.site.language.code(),
        xml_escape(&r.text("updates")),
    );
    for u in model.updates.iter().rev() {
        let url = format!("{base}updates/{}/index.html", u.period);
        let html = r.markdown(u.body(), &format!("feed{}", u.period), "updates/x/index.html");
        xml.push_str(&format!(
            "<entry>\n<title>{}</title>\n<link rel=\"alternate\" type=\"text/html\" href=\"{url}\"/>\n<id>{url}</id>\n<updated>{}</updated>\n<summary>{}</summary>\n<content type=\"html\">{}</content>\n</entry>\n",
            xml_escape(&u.front.title),
            month_stamp(u.period),
            xml_escape(u.front.description.as_deref().unwrap_or(&u.front.title)),
            xml_escape(&html),
        ));
    }
    xml.push_str("</feed>\n");
    xml
}

fn sitemap(model: &Model) -> String {
    let base = &model.site.base_url;
    let mut paths = vec!["index.html".to_string()];
    paths.extend(
        model
            .pages
            .iter()
            .filter(|p| p.slug != "_index")
            .map(|p| super::plan::href(&p.slug)),
    );
    if !model.metrics.is_empty() {
        paths.push("metrics/index.html".into());
        paths.extend(model.groups.iter().map(|g| format!("metrics/{}/index.html", g.id)));
    }
    if !model.updates.is_empty() {
        paths.push("updates/index.html".into());
        paths.extend(model.updates.iter().map(|u| format!("updates/{}/index.html", u.period)));
    }
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for p in paths {
        xml.push_str(&format!(
            "<url><loc>{}</loc></url>\n",
            xml_escape(&format!("{base}{p}"))
        ));
    }
    xml.push_str("</urlset>\n");
    xml
}
