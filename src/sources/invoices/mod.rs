//! Invoice lines: a metric file's `revenue:` block, read by `palanca pull`
//! from a billing export (a CSV file or a SQL query) into the snapshots of
//! the file's revenue metrics ([`crate::roles::REVENUE_FAMILY`]) and its
//! cohort table. What the figures mean is in [`revenue`]; how lines are
//! read and checked, in [`lines`].

mod lines;
pub mod revenue;
mod settings;

use std::any::Any;
use std::collections::BTreeMap;
use std::sync::Arc;

use super::kind::{Context, Reading, SourceKind, Spec};
use super::settings::Settings as SourceSettings;
use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::load::{MetricFile, SiteConfig};
use crate::snapshot::Pulled;
pub use settings::{Origin, RevenueSettings};

/// The invoice-lines kind of source: `revenue: { invoices: … }`.
pub struct Invoices;

impl SourceKind for Invoices {
    fn key(&self) -> &'static str {
        "revenue"
    }

    /// Never in a metric's `source:`: the loader reads no such field.
    fn check(
        &self,
        spec: &Spec,
        _: &SourceSettings,
        _: &SiteConfig,
    ) -> Result<Arc<dyn Any + Send + Sync>, Diagnostics> {
        Err(Diagnostics(vec![
            spec.error(
                Code::BadSource,
                "source",
                "invoice lines are read by a metric file's `revenue:`, not by one metric",
            )
            .help("write `revenue: { invoices: data/lines.csv }` at the top of the metric file"),
        ]))
    }

    fn file_specs(&self, file: &MetricFile, site: &SiteConfig, diags: &mut Diagnostics) -> Vec<(usize, Spec)> {
        let Some(raw) = &file.doc.revenue else {
            return Vec::new();
        };
        let (settings, places) = match settings::check(file, raw, site) {
            Ok(checked) => checked,
            Err(errors) => {
                diags.extend(errors);
                return Vec::new();
            }
        };
        let settings: Arc<dyn Any + Send + Sync> = Arc::new(settings);
        file.doc
            .metrics
            .iter()
            .enumerate()
            .filter(|(_, m)| m.from_revenue)
            .map(|(mi, m)| {
                let spec = Spec {
                    metric: m.id.clone(),
                    unit: m.unit,
                    kind: m.kind(),
                    source: &Invoices,
                    settings: Arc::clone(&settings),
                    file: file.source.clone(),
                    places: places.clone(),
                };
                (mi, spec)
            })
            .collect()
    }

    fn tables(&self, file: &MetricFile) -> Vec<String> {
        file.doc
            .revenue
            .iter()
            .map(|_| format!("{}.cohorts", file.id))
            .collect()
    }

    fn describe(&self, spec: &Spec) -> String {
        match spec.settings::<RevenueSettings>().map(|s| &s.origin) {
            Some(Origin::Csv { path, .. }) => path.clone(),
            _ => "SQL".into(),
        }
    }

    /// Each export once, for all the metrics of its file.
    fn read(&self, context: &Context, specs: &[&Spec]) -> Result<Reading, Diagnostics> {
        let mut reading = Reading::default();
        let mut figures: BTreeMap<usize, Result<revenue::Figures, Diagnostic>> = BTreeMap::new();
        let mut errors = Diagnostics::default();
        for spec in specs {
            let Some(settings) = spec.settings::<RevenueSettings>() else {
                reading.series.push(Err(spec.error(
                    Code::BadSource,
                    "revenue",
                    "the revenue settings were lost",
                )));
                continue;
            };
            let key = Arc::as_ptr(&spec.settings) as *const () as usize;
            if let std::collections::btree_map::Entry::Vacant(slot) = figures.entry(key) {
                slot.insert(match lines::read(context, settings, spec) {
                    Ok(export) => compute(&export, settings, spec, &mut reading),
                    Err(found) => {
                        errors.extend(found);
                        Err(spec.error(Code::InvoiceLine, "revenue", "the invoice lines could not be read"))
                    }
                });
            }
            let series = match &figures[&key] {
                Ok(f) => Ok(f.series.get(spec.metric.as_str()).cloned().unwrap_or_else(Pulled::new)),
                Err(d) => Err(d.clone()),
            };
            reading.series.push(series);
        }
        if errors.has_errors() {
            return Err(errors);
        }
        Ok(reading)
    }
}

/// The figures of one export, its cohort table added to `reading`.
fn compute(
    export: &lines::Export,
    settings: &RevenueSettings,
    spec: &Spec,
    reading: &mut Reading,
) -> Result<revenue::Figures, Diagnostic> {
    let ledger = revenue::Ledger::of(&export.lines, export.customers, settings.until).ok_or_else(|| {
        spec.error(Code::SourceRows, "revenue", "the export holds no invoice line")
            .help("check the export (or the query); a pull that would empty the revenue is refused")
    })?;
    let figures = revenue::figures(&ledger);
    let mut table = String::from("cohort,age,customers,mrr\n");
    for row in &figures.cohorts {
        table.push_str(&format!(
            "{},{},{},{}\n",
            row.cohort,
            row.age,
            row.customers,
            crate::decimal::Decimal::new(row.mrr, 2)
        ));
    }
    reading.tables.push((settings.table.clone(), table));
    Ok(figures)
}
