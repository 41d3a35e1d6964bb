//! A `revenue:` block checked: where the lines are, how their columns are
//! named, the rates of other currencies, and the last month computed.

use std::collections::BTreeMap;
use std::ops::Range;

use crate::decimal::{Decimal, NumberFormat};
use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::load::{MetricFile, RawRevenue, SiteConfig};
use crate::period::Month;

/// Where the invoice lines are.
#[derive(Debug, Clone)]
pub enum Origin {
    /// A CSV file in the site folder.
    Csv {
        /// Its path, relative to the site folder.
        path: String,
        /// The byte between columns.
        delimiter: u8,
        /// How amounts are written.
        format: NumberFormat,
    },
    /// A query on the database of `database_url_env`.
    Sql(String),
}

/// A `revenue:` block, checked.
#[derive(Debug, Clone)]
pub struct RevenueSettings {
    /// Where the lines are.
    pub origin: Origin,
    /// Each field, its column's name, and whether the export must have it.
    pub columns: Vec<(&'static str, String, bool)>,
    /// Rates of other currencies into the site's, by upper-case code.
    pub rates: BTreeMap<String, Decimal>,
    /// The site's currency, upper-case.
    pub currency: String,
    /// The last month computed, when given.
    pub until: Option<Month>,
    /// The cohort table's name (`ingresos.cohorts`).
    pub table: String,
}

/// Where each setting is written, by name, for the pull's diagnostics.
pub type Places = Vec<(&'static str, Range<usize>)>;

/// Checks the `revenue:` block of `file`: its settings, and where each is
/// written (for the diagnostics of the pull), or every error found.
pub fn check(file: &MetricFile, raw: &RawRevenue, site: &SiteConfig) -> Result<(RevenueSettings, Places), Diagnostics> {
    let spans = &file.spans;
    let mut places = Vec::new();
    if let Some(span) = spans.key("revenue") {
        places.push(("source", span.clone()));
        places.push(("revenue", span));
    }
    for field in ["invoices", "sql", "delimiter", "format", "until", "columns", "rates"] {
        if let Some(span) = spans.value_or_key(&format!("revenue.{field}")) {
            places.push((field, span));
        }
    }
    let place = |field: &str| {
        places
            .iter()
            .find(|(f, _)| *f == field)
            .or(places.first())
            .map_or(0..0, |(_, r)| r.clone())
    };
    let mut errors = Diagnostics::default();
    let mut fail = |field: &str, message: String, help: &str| {
        errors.push(Diagnostic::error_at(Code::BadSource, &file.source, place(field), message).help(help.to_string()));
    };
    let origin = match (&raw.invoices, &raw.sql) {
        (Some(path), None) => {
            if let Err(why) = crate::sources::settings::check_path(path) {
                fail(
                    "invoices",
                    format!("`invoices: {}` {why}", crate::diagnostic::quote(path)),
                    "write the export's path relative to the site folder, e.g. `invoices: data/invoice-lines.csv`",
                );
            }
            let delimiter =
                crate::sources::settings::delimiter(raw.delimiter.as_deref()).unwrap_or_else(|(message, help)| {
                    fail("delimiter", message, help);
                    b','
                });
            let format = match raw.format.as_deref().map(NumberFormat::parse) {
                None => NumberFormat::default(),
                Some(Ok(f)) if !f.is_percent() => f,
                Some(_) => {
                    fail(
                        "format",
                        format!(
                            "`format: {}` is not how amounts are written",
                            crate::diagnostic::quote(raw.format.as_deref().unwrap_or_default())
                        ),
                        "write one amount as the file writes them: `1,234.56`, `1.234,56`, `$1,234.56`",
                    );
                    NumberFormat::default()
                }
            };
            Origin::Csv {
                path: path.clone(),
                delimiter,
                format,
            }
        }
        (None, Some(query)) => {
            for field in ["delimiter", "format"] {
                let given = if field == "delimiter" {
                    raw.delimiter.is_some()
                } else {
                    raw.format.is_some()
                };
                if given {
                    fail(
                        field,
                        format!("`{field}` applies to a CSV export, but these invoice lines come from a SQL query"),
                        "convert in the SQL itself: the query returns amounts as numbers",
                    );
                }
            }
            if query.trim().is_empty() || query.chars().count() > crate::limits::QUERY_CHARS {
                fail(
                    "sql",
                    "the SQL query is empty or longer than 10,000 characters".into(),
                    "write a query returning one row per invoice line, or keep a long one as a view",
                );
            }
            if site.database_url_env.is_none() {
                fail(
                    "sql",
                    "the invoice lines come from a SQL query, but site.yaml names no database".into(),
                    "add `database_url_env: PALANCA_DATABASE_URL` to site.yaml and put the database's URL in that variable",
                );
            }
            Origin::Sql(query.clone())
        }
        (Some(_), Some(_)) => {
            fail(
                "sql",
                "`revenue:` has both `invoices` and `sql`".into(),
                "keep one: the lines come from one export",
            );
            Origin::Sql(String::new())
        }
        (None, None) => {
            fail(
                "revenue",
                "`revenue:` names neither `invoices` (a CSV export) nor `sql` (a query)".into(),
                "add `invoices: data/invoice-lines.csv`, relative to the site folder",
            );
            Origin::Sql(String::new())
        }
    };
    let mut rates = BTreeMap::new();
    for code in raw.rates.keys() {
        let path = format!("revenue.rates.{code}");
        let text = spans.value(&path).and_then(|r| file.source.text.get(r)).unwrap_or("");
        match Decimal::parse_plain(text.trim_matches(['"', '\''])).filter(|d| d.parts().0 > 0) {
            Some(rate) => {
                rates.insert(code.trim().to_uppercase(), rate);
            }
            None => fail(
                "rates",
                format!("the rate of `{code}` is not a positive number"),
                "write what one unit of that currency is worth in the site's, e.g. `EUR: 1.08`",
            ),
        }
    }
    let until = match raw.until.as_deref() {
        None => None,
        Some(text) => match Month::parse_iso(text.trim()).filter(|m| crate::period::in_years(*m)) {
            Some(m) => Some(m),
            None => {
                fail(
                    "until",
                    format!("`until: {}` is not a month", crate::diagnostic::quote(text)),
                    "write the last month to compute as YYYY-MM, e.g. `until: 2024-03`",
                );
                None
            }
        },
    };
    if errors.has_errors() {
        return Err(errors);
    }
    let settings = RevenueSettings {
        origin,
        columns: raw.columns.names().to_vec(),
        rates,
        currency: site.currency.trim().to_uppercase(),
        until,
        table: format!("{}.cohorts", file.id),
    };
    Ok((settings, places))
}
