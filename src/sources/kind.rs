//! What every kind of source is to palanca: a [`SourceKind`] knows its
//! settings in a metric's `source:` and reads every source of its kind at
//! once; a [`Spec`] is one metric's source, checked.

use std::any::Any;
use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

use super::settings::Settings;
use crate::diagnostic::{Code, Diagnostic, Diagnostics, Source};
use crate::load::{MetricFile, SiteConfig, Spans};
use crate::roles::MetricKind;
use crate::snapshot::Pulled;
use crate::units::Unit;

/// A kind of source: a CSV export, a SQL query, invoice lines, …
pub trait SourceKind: Sync {
    /// The setting that names a source of this kind in a metric's
    /// `source:` (`csv`, `sql`), or in a metric file (`revenue`).
    fn key(&self) -> &'static str;

    /// Checks the settings of one metric's source of this kind; the
    /// kind's own reading of them, or the errors found.
    fn check(
        &self,
        spec: &Spec,
        settings: &Settings,
        site: &SiteConfig,
    ) -> Result<Arc<dyn Any + Send + Sync>, Diagnostics>;

    /// The sources of this kind a metric file declares at its top level
    /// (a `revenue:` block): for each metric they give actuals to, its
    /// index in the file and its spec. None for most kinds.
    fn file_specs(&self, _file: &MetricFile, _site: &SiteConfig, _diags: &mut Diagnostics) -> Vec<(usize, Spec)> {
        Vec::new()
    }

    /// The tables (beyond metrics' months) the kind's pull writes for a
    /// metric file, by name: `ingresos.cohorts` is
    /// `content/snapshots/ingresos.cohorts.csv`.
    fn tables(&self, _file: &MetricFile) -> Vec<String> {
        Vec::new()
    }

    /// Where a source of this kind reads from, in a few words, for the
    /// pull's report (`data/stripe.csv`, `SQL`).
    fn describe(&self, spec: &Spec) -> String;

    /// Reads every source of this kind in the site at once (one pass over
    /// each file, one connection for every query): each one's months, or
    /// its problem; Err when none could be read (a database unreachable).
    fn read(&self, context: &Context, specs: &[&Spec]) -> Result<Reading, Diagnostics>;
}

/// What a kind read: each spec's months (or its problem), in the order of
/// the specs, and the tables it wrote (name and CSV text).
#[derive(Debug, Default)]
pub struct Reading {
    /// Each spec's months, or its problem.
    pub series: Vec<Result<Pulled, Diagnostic>>,
    /// Tables for the snapshots folder: name (without `.csv`) and text.
    pub tables: Vec<(String, String)>,
}

/// Where one metric's actuals are read from, checked.
#[derive(Clone)]
pub struct Spec {
    /// The metric's id.
    pub metric: String,
    /// Its unit.
    pub unit: Unit,
    /// How its rows add up into a month.
    pub kind: MetricKind,
    /// The kind of source.
    pub source: &'static dyn SourceKind,
    /// What the kind read of its settings (see [`SourceKind::check`]).
    pub settings: Arc<dyn Any + Send + Sync>,
    /// The metric file, for diagnostics.
    pub file: Source,
    /// Where each field of the source is written in the file.
    pub places: Vec<(&'static str, Range<usize>)>,
}

impl std::fmt::Debug for Spec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Spec({} from {})", self.metric, self.source.key())
    }
}

impl Spec {
    /// Where `field` of the source is written (`format`, `sql`), else the
    /// `source` key itself.
    pub fn place(&self, field: &str) -> Range<usize> {
        let find = |f: &str| self.places.iter().find(|(k, _)| *k == f).map(|(_, r)| r.clone());
        find(field).or_else(|| find("source")).unwrap_or(0..0)
    }

    /// An error about this metric's source, pointing at `field` in its file.
    pub fn error(&self, code: Code, field: &str, message: impl Into<String>) -> Diagnostic {
        Diagnostic::error_at(code, &self.file, self.place(field), message).metric(&self.metric)
    }

    /// The source in a few words: `data/stripe.csv`, `SQL`.
    pub fn describe(&self) -> String {
        self.source.describe(self)
    }

    /// What the kind read of its settings, as the kind's own type.
    pub fn settings<T: 'static>(&self) -> Option<&T> {
        self.settings.downcast_ref::<T>()
    }
}

/// What reading needs beyond the specs.
pub struct Context<'a> {
    /// The site folder.
    pub root: &'a Path,
    /// site.yaml's settings.
    pub site: &'a SiteConfig,
    /// site.yaml's text and where its settings are written, to point at.
    pub site_yaml: (&'a Source, &'a Spans),
    /// Reads an environment variable (the real environment, or a test's).
    pub env: &'a dyn Fn(&str) -> Option<String>,
}
