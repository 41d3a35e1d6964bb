//! Invoice lines read from their export, a row at a time, and checked: a
//! date that does not read, a period ending before it starts, an amount
//! that is not a number, a currency without a rate, the same line twice —
//! each an error at its file, line and column (or the query's row). Up to
//! [`ERRORS`] are reported, then reading stops.

use std::cell::Cell;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::rc::Rc;

use super::revenue::Line;
use super::settings::{Origin, RevenueSettings};
use crate::decimal::NumberFormat;
use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::period::Day;
use crate::sources::csv_file::{self, RowLimit};
use crate::sources::kind::{Context, Spec};
use crate::sources::query;

/// The most bad lines reported before reading stops.
const ERRORS: usize = 20;

/// The lines of an export, with how many customers they name.
#[derive(Debug, Default)]
pub struct Export {
    /// Every line, in the export's order.
    pub lines: Vec<Line>,
    /// How many customers (the lines' `customer` indexes are below this).
    pub customers: usize,
}

/// The fields of a line, in the order of [`RevenueSettings::columns`].
const FIELDS: usize = 7;

/// A cell that cannot be read: which field, what is wrong, how to mend it.
struct Bad {
    field: usize,
    message: String,
    help: String,
}

/// Turns rows into lines.
struct Builder<'a> {
    settings: &'a RevenueSettings,
    format: NumberFormat,
    customers: HashMap<String, u32>,
    /// Each line's fingerprint and the row it was first read at.
    seen: HashMap<u64, u64>,
    export: Export,
}

impl<'a> Builder<'a> {
    fn new(settings: &'a RevenueSettings, format: NumberFormat) -> Builder<'a> {
        Builder {
            settings,
            format,
            customers: HashMap::new(),
            seen: HashMap::new(),
            export: Export::default(),
        }
    }

    /// Adds the line of one row's cells (None: a column the export does
    /// not have); `row` numbers it for the duplicate check.
    fn add(&mut self, cells: [Option<&str>; FIELDS], row: u64) -> Result<(), Bad> {
        let text = |i: usize| cells[i].map(str::trim).unwrap_or("");
        let bad = |field: usize, message: String, help: &str| Bad {
            field,
            message,
            help: help.to_string(),
        };
        let customer = text(0);
        if customer.is_empty() {
            return Err(bad(
                0,
                "the line names no customer".into(),
                "every line needs the customer it bills",
            ));
        }
        let date = |i: usize, what: &str| {
            Day::parse(text(i)).ok_or_else(|| {
                bad(
                    i,
                    format!("`{}` is not a date ({what})", crate::diagnostic::quote(text(i))),
                    "write dates as YYYY-MM-DD (a time may follow); the period is [start, end)",
                )
            })
        };
        let start = date(3, "the service period's start")?;
        let end = date(4, "the service period's end")?;
        if end <= start {
            return Err(bad(
                4,
                format!("the service period ends on {end}, not after it starts ({start})"),
                "the end is the day after the period's last day: a month from 2024-01-01 ends on 2024-02-01",
            ));
        }
        let mut amount = self.format.read(text(5)).ok_or_else(|| {
            bad(
                5,
                format!(
                    "`{}` is not an amount in the format `{}`",
                    crate::diagnostic::quote(text(5)),
                    self.format
                ),
                "write amounts as the `format:` of `revenue:` says (negative for a credit note)",
            )
        })?;
        let currency = text(6).to_uppercase();
        if !currency.is_empty() && currency != self.settings.currency {
            let Some(rate) = self.settings.rates.get(&currency) else {
                return Err(bad(
                    6,
                    format!(
                        "the line is in {currency}, not in the site's {}, and `revenue:` gives no rate for it",
                        self.settings.currency
                    ),
                    &format!(
                        "add its rate to `revenue:`, e.g. `rates: {{ {currency}: 1.08 }}` (one {currency} in {}), or export the lines in {}",
                        self.settings.currency, self.settings.currency
                    ),
                ));
            };
            amount = amount.checked_mul(*rate).ok_or_else(|| {
                bad(
                    5,
                    "the amount is beyond what palanca reads".into(),
                    "check the amount and its rate",
                )
            })?;
        }
        let subscription = match text(2).to_lowercase().as_str() {
            "" | "subscription" => true,
            "one_time" | "one-time" | "onetime" => false,
            other => {
                return Err(bad(
                    2,
                    format!("`{}` is not a kind of line", crate::diagnostic::quote(other)),
                    "write `subscription` (counted in MRR) or `one_time` (a setup fee, a service: never counted)",
                ));
            }
        };
        let mut h = std::hash::DefaultHasher::new();
        for i in 0..FIELDS {
            text(i).hash(&mut h);
        }
        if let Some(first) = self.seen.insert(h.finish(), row) {
            return Err(bad(
                1,
                format!("this line is the same as line {first}: every field is equal"),
                "remove the copy (an export run twice, or merged with itself); two real lines differ at least in their invoice",
            ));
        }
        let next = self.customers.len() as u32;
        let customer = *self.customers.entry(customer.to_string()).or_insert(next);
        self.export.lines.push(Line {
            customer,
            start,
            end,
            amount,
            subscription,
        });
        Ok(())
    }

    fn finish(mut self) -> Export {
        self.export.customers = self.customers.len();
        self.export
    }
}

/// Reads the lines of `settings`' export.
pub fn read(context: &Context, settings: &RevenueSettings, spec: &Spec) -> Result<Export, Diagnostics> {
    match &settings.origin {
        Origin::Csv {
            path,
            delimiter,
            format,
        } => from_csv(context, settings, spec, path, *delimiter, format.clone()),
        Origin::Sql(query) => from_sql(context, settings, spec, query),
    }
}

fn from_csv(
    context: &Context,
    settings: &RevenueSettings,
    spec: &Spec,
    path: &str,
    delimiter: u8,
    format: NumberFormat,
) -> Result<Export, Diagnostics> {
    let one = |d: Diagnostic| Diagnostics(vec![d]);
    let file = csv_file::open(context.root, path).map_err(|e| one(e(spec)))?;
    let since_row = Rc::new(Cell::new(0u64));
    let limited = RowLimit {
        inner: file,
        since_row: Rc::clone(&since_row),
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .from_reader(limited);
    let whole = |message: String| {
        spec.error(Code::SourceRead, "invoices", message)
            .help(format!("export `{path}` again; palanca reads rows of up to 1 MiB"))
    };
    let headers: Vec<String> = reader
        .byte_headers()
        .map_err(|e| {
            one(whole(format!(
                "cannot read the header row of `{path}`: {}",
                csv_file::reason(&e)
            )))
        })?
        .iter()
        .map(|c| String::from_utf8_lossy(c).trim().to_string())
        .collect();
    let columns = columns_of(&headers, settings, spec, path)?;
    let mut builder = Builder::new(settings, format);
    let mut errors = Diagnostics::default();
    let mut record = csv::ByteRecord::new();
    loop {
        since_row.set(0);
        match reader.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                errors.push(whole(format!("`{path}` cannot be read: {}", csv_file::reason(&e))));
                break;
            }
        }
        if record.iter().all(|c| c.iter().all(u8::is_ascii_whitespace)) {
            continue;
        }
        let line = record.position().map_or(0, csv::Position::line);
        let cell = |i: usize| {
            columns[i]
                .and_then(|c| record.get(c))
                .map(|b| std::str::from_utf8(b).unwrap_or("\u{fffd}"))
        };
        let cells: [Option<&str>; FIELDS] = std::array::from_fn(cell);
        if let Err(bad) = builder.add(cells, line) {
            let mut d = Diagnostic::error(Code::InvoiceLine, path, bad.message)
                .help(bad.help)
                .metric(&spec.metric);
            let column = columns[bad.field].unwrap_or(0);
            d.location = record
                .position()
                .and_then(|p| csv_file::locate(&context.root.join(path), p, column, delimiter))
                .map(|mut loc| {
                    loc.line = line as usize;
                    loc
                });
            errors.push(d);
            if errors.0.len() >= ERRORS {
                break;
            }
        }
    }
    if errors.has_errors() {
        return Err(errors);
    }
    Ok(builder.finish())
}

/// Where each field is among `headers`; an error naming the columns the
/// file has when one it needs is missing.
fn columns_of(
    headers: &[String],
    settings: &RevenueSettings,
    spec: &Spec,
    path: &str,
) -> Result<[Option<usize>; FIELDS], Diagnostics> {
    let mut out = [None; FIELDS];
    let mut missing = Diagnostics::default();
    for (i, (field, name, required)) in settings.columns.iter().enumerate().take(FIELDS) {
        out[i] = headers.iter().position(|h| h == name.trim());
        if out[i].is_none() && *required {
            let shown: Vec<String> = headers.iter().take(20).map(|h| format!("`{h}`")).collect();
            missing.push(
                spec.error(
                    Code::SourceColumn,
                    "columns",
                    format!("`{path}` has no column `{name}` (the {field} of each line)"),
                )
                .help(format!(
                    "name it in `revenue: {{ columns: {{ {field}: … }} }}`; the file's columns are {}",
                    shown.join(", ")
                )),
            );
        }
    }
    if missing.has_errors() {
        return Err(missing);
    }
    Ok(out)
}

fn from_sql(context: &Context, settings: &RevenueSettings, spec: &Spec, text: &str) -> Result<Export, Diagnostics> {
    let db = query::Database {
        variable: context.site.database_url_env.as_deref().unwrap_or_default(),
        site: context.site_yaml,
        env: context.env,
        timeout_secs: context.site.query_timeout,
    };
    let names: Vec<(String, bool)> = settings
        .columns
        .iter()
        .map(|(_, name, required)| (name.clone(), *required))
        .collect();
    let mut builder = Builder::new(settings, NumberFormat::plain());
    query::each_row(&db, spec, text, &names, &mut |cells, row| {
        let cells: [Option<&str>; FIELDS] = std::array::from_fn(|i| cells.get(i).and_then(Option::as_deref));
        builder.add(cells, row).map_err(|bad| {
            spec.error(
                Code::InvoiceLine,
                "sql",
                format!(
                    "row {row} of the invoice query: {} (column `{}`)",
                    bad.message, names[bad.field].0
                ),
            )
            .help(bad.help)
        })
    })?;
    Ok(builder.finish())
}
