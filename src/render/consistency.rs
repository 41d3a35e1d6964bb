//! The consistency page: what the plan's own figures disagree on, told to
//! an investor in the site's language — what disagrees, both figures, in
//! plain words. File paths, lines and ids are for the author: they appear
//! only in an author's build (`--drafts`, `serve`) and in the CLI.

use serde::Serialize;

use super::renderer::{Job, Renderer};
use super::sink::FileKind;
use crate::diagnostic::Diagnostic;

#[derive(Serialize)]
struct FindingRow {
    /// The finding in the reader's words.
    sentence: String,
    /// Where to fix it, for the author.
    author: Option<AuthorNote>,
}

#[derive(Serialize)]
struct AuthorNote {
    location: String,
    message: String,
    help: Option<String>,
}

/// The finding as a sentence of the theme's strings, its figures filled
/// in; the author's message when the theme has no sentence for it.
fn sentence(r: &Renderer, d: &Diagnostic) -> String {
    d.reader
        .as_ref()
        .and_then(|reader| r.theme.strings.get(reader.key).map(|template| reader.fill(template)))
        .unwrap_or_else(|| d.message.clone())
}

/// The consistency page: every finding of the plan checks.
pub struct Consistency;

impl Job for Consistency {
    fn kinds(&self) -> &'static [FileKind] {
        &[FileKind::Page]
    }

    fn render(&self, r: &Renderer) {
        if r.model.site.consistency_page != crate::load::ConsistencyPage::Nobody {
            render(r);
        }
    }
}

fn render(r: &Renderer) {
    let path = "consistency/index.html";
    let mut ctx = r.base_context(path, "consistency", &r.text("consistency"), "consistency");
    let rows: Vec<FindingRow> = r
        .model
        .findings
        .findings()
        .map(|d| FindingRow {
            sentence: sentence(r, d),
            author: r.options.author.then(|| AuthorNote {
                location: match &d.location {
                    Some(l) => format!("{}:{}:{}", d.file, l.line, l.column),
                    None => d.file.clone(),
                },
                message: d.message.clone(),
                help: d.help.clone(),
            }),
        })
        .collect();
    ctx.insert("findings", &rows);
    ctx.insert("author", &r.options.author);
    r.emit(FileKind::Page, path, r.page("consistency.html", &ctx));
}
