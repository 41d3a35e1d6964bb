//! A metric file's `revenue:` block: its MRR and the figures that explain
//! it, computed by `palanca pull` from the invoice lines of a billing
//! export (a CSV file or a SQL query) rather than typed in.
//!
//! ```yaml
//! revenue:
//!   invoices: data/invoice-lines.csv      # or sql: "select …"
//!   columns: { customer: Customer ID }   # only those named otherwise
//! ```
//!
//! The metrics it gives are listed in [`crate::roles::REVENUE_FAMILY`];
//! one listed under `metrics:` in the same file adds its label, targets,
//! stated figures, audience and description to it.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::units::RawValue;

/// The `revenue:` block as written.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawRevenue {
    /// A CSV export of invoice lines, relative to the site folder.
    #[serde(default)]
    pub invoices: Option<String>,
    /// A query on the database of `database_url_env` returning invoice
    /// lines, one column per field (named as `columns` says).
    #[serde(default)]
    pub sql: Option<String>,
    /// The names of the columns, where the export names them otherwise.
    #[serde(default)]
    pub columns: RevenueColumns,
    /// CSV: the character between columns (default `,`).
    #[serde(default)]
    pub delimiter: Option<String>,
    /// CSV: one amount as the file writes them (default `1,234.56`).
    #[serde(default)]
    pub format: Option<String>,
    /// What one unit of another currency is worth in the site's:
    /// `{ EUR: 1.08 }`. Lines in a currency without a rate are an error.
    #[serde(default)]
    pub rates: BTreeMap<String, RawValue>,
    /// The last month computed, `YYYY-MM` (default: the last month the
    /// lines cover): the month of the export, so that annual plans paid in
    /// advance do not show as months still to come.
    #[serde(default)]
    pub until: Option<String>,
}

/// The columns of an invoice-line export, each by its default name when
/// not given.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RevenueColumns {
    /// Who pays (`customer`).
    #[serde(default)]
    pub customer: Option<String>,
    /// The invoice (`invoice`; optional in the file).
    #[serde(default)]
    pub invoice: Option<String>,
    /// `subscription` or `one_time` (`type`; optional, subscription by default).
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
    /// The first day of the service period (`service_period_start`).
    #[serde(default)]
    pub service_period_start: Option<String>,
    /// The day after its last (`service_period_end`): the period is
    /// `[start, end)`.
    #[serde(default)]
    pub service_period_end: Option<String>,
    /// The line's amount, negative for a credit note (`amount`).
    #[serde(default)]
    pub amount: Option<String>,
    /// Its currency (`currency`; optional, the site's by default).
    #[serde(default)]
    pub currency: Option<String>,
}

impl RevenueColumns {
    /// Each field's column name, as given or by default, and whether the
    /// file must have it.
    pub fn names(&self) -> [(&'static str, String, bool); 7] {
        let name = |given: &Option<String>, default: &str| given.clone().unwrap_or_else(|| default.to_string());
        [
            ("customer", name(&self.customer, "customer"), true),
            ("invoice", name(&self.invoice, "invoice"), false),
            ("type", name(&self.kind, "type"), false),
            (
                "service_period_start",
                name(&self.service_period_start, "service_period_start"),
                true,
            ),
            (
                "service_period_end",
                name(&self.service_period_end, "service_period_end"),
                true,
            ),
            ("amount", name(&self.amount, "amount"), true),
            ("currency", name(&self.currency, "currency"), false),
        ]
    }
}
