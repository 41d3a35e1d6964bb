//! One parsed file of `content/`, and the settings every file is parsed
//! with: what the loader and its cache share.

use super::metrics::{self, MetricFile};
use super::pages::{self, Page, Update};
use super::site::Language;
use crate::diagnostic::{Diagnostics, Source};
use crate::period::Month;

/// What a file's parsed form depends on besides its text: a change to
/// either in `site.yaml` parses every file again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ReadWith {
    /// The plan's first month, which `M<n>` keys count from.
    pub start: Month,
    /// Whether raw HTML in Markdown reaches the page (bodies are made HTML
    /// when they are loaded).
    pub raw_html: bool,
    /// The site's language (labels given by default are in it).
    pub language: Language,
}

/// One parsed file of `content/`.
#[derive(Clone)]
pub enum Document {
    /// A metric file.
    Metrics(std::sync::Arc<MetricFile>),
    /// A plan section or page.
    Page(std::sync::Arc<Page>),
    /// A monthly update.
    Update(Box<Update>),
}

/// Parses a file by where it lives: metric files, updates, other pages.
pub fn parse_document(rel: &str, source: Source, with: ReadWith, diags: &mut Diagnostics) -> Option<Document> {
    if rel.starts_with("content/metrics/") && (rel.ends_with(".yaml") || rel.ends_with(".yml")) {
        metrics::parse_metric_file(source, with.language.code(), diags)
            .map(|f| Document::Metrics(std::sync::Arc::new(f)))
    } else if rel.starts_with("content/updates/") && rel.ends_with(".md") {
        pages::parse_update(source, with.start, diags).map(|u| Document::Update(Box::new(u)))
    } else if rel.ends_with(".md") {
        pages::parse_page(source, with.start, diags).map(|p| Document::Page(std::sync::Arc::new(p)))
    } else {
        None
    }
}
