//! SQL sources: queries on a PostgreSQL database (or one that speaks its
//! protocol), read in batches.
//!
//! The URL comes only from the environment variable that `site.yaml`
//! names, so no password is ever written in the site. Every query runs in
//! one read-only transaction, through a portal that hands over
//! [`limits::QUERY_BATCH_ROWS`] rows at a time, so the result is streamed
//! whatever its length. A query is wrapped as
//! `select p::text, v::text from (<query>) as q(p, v)`: its first two
//! columns are the period and the value, whatever their names and types
//! (a date, a timestamp, `YYYY-MM` text; an integer, a numeric, a float),
//! and both are read as the server writes them, exactly.

use std::time::Duration;

use postgres::{Client, Config, NoTls};

use std::any::Any;
use std::sync::Arc;

use super::group::{GroupError, Grouper, read_period};
use super::kind::{Context, Reading, SourceKind, Spec};
use super::settings::Settings;
use crate::decimal::Decimal;
use crate::diagnostic::{Code, Diagnostic, Diagnostics, Source};
use crate::limits;
use crate::load::{SiteConfig, Spans};
use crate::snapshot::Pulled;

/// The SQL kind of source: `source: { sql: "select …" }`.
pub struct Sql;

impl SourceKind for Sql {
    fn key(&self) -> &'static str {
        "sql"
    }

    fn check(&self, spec: &Spec, s: &Settings, site: &SiteConfig) -> Result<Arc<dyn Any + Send + Sync>, Diagnostics> {
        let mut errors = Diagnostics::default();
        let mut fail = |field: &str, message: String, help: &str| {
            errors.push(spec.error(Code::BadSource, field, message).help(help.to_string()));
        };
        for (field, given) in s.given().into_iter().filter(|(f, _)| !matches!(*f, "csv" | "sql")) {
            if given {
                fail(
                    field,
                    format!(
                        "`{field}` applies to CSV sources, but the source of `{}` is a SQL query",
                        spec.metric
                    ),
                    "a query returns (period, value) rows: select, filter and convert in the SQL itself",
                );
            }
        }
        let query = s.sql.clone().unwrap_or_default();
        if query.trim().is_empty() || query.chars().count() > limits::QUERY_CHARS {
            fail(
                "sql",
                "the SQL query is empty or longer than 10,000 characters".into(),
                "write a query returning (period, value) rows, or keep a long one as a view in the database",
            );
        }
        if site.database_url_env.is_none() {
            fail(
                "sql",
                format!("`{}` reads a SQL query, but site.yaml names no database", spec.metric),
                "add `database_url_env: PALANCA_DATABASE_URL` to site.yaml and put the database's URL in that environment variable",
            );
        }
        if errors.has_errors() {
            return Err(errors);
        }
        Ok(Arc::new(Query(query)))
    }

    fn describe(&self, _spec: &Spec) -> String {
        "SQL".into()
    }

    /// Every query on one connection, in one read-only transaction.
    fn read(&self, context: &Context, specs: &[&Spec]) -> Result<Reading, Diagnostics> {
        let db = Database {
            variable: context.site.database_url_env.as_deref().unwrap_or_default(),
            site: context.site_yaml,
            env: context.env,
            timeout_secs: context.site.query_timeout,
        };
        let list: Vec<(&Spec, &str)> = specs
            .iter()
            .map(|s| (*s, s.settings::<Query>().map_or("", |q| q.0.as_str())))
            .collect();
        Ok(Reading {
            series: read(&db, &list)?,
            tables: Vec::new(),
        })
    }
}

/// A SQL source's query, checked.
#[derive(Debug, Clone)]
pub struct Query(pub String);

/// How long to wait for the server when the URL does not say.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// The wrapper's text before the author's query.
const PREFIX: &str = "select q.p::text, q.v::text from (\n";

/// Where the database's address is configured: site.yaml's
/// `database_url_env`, and the environment.
pub struct Database<'a> {
    /// The environment variable's name.
    pub variable: &'a str,
    /// site.yaml and where its settings are written, to point at.
    pub site: (&'a Source, &'a Spans),
    /// Reads an environment variable (the real environment, or a test's).
    pub env: &'a dyn Fn(&str) -> Option<String>,
    /// How long the server lets each query run, in seconds (`query_timeout`).
    pub timeout_secs: u32,
}

impl Database<'_> {
    fn error(&self, message: String) -> Diagnostic {
        let (source, spans) = self.site;
        let span = spans.value_or_key("database_url_env").unwrap_or(0..0);
        Diagnostic::error_at(Code::SourceConnection, source, span, message)
    }

    /// Connects, or says why not (never showing the URL, which may hold a
    /// password).
    fn connect(&self) -> Result<Client, Diagnostic> {
        let name = self.variable;
        let url = (self.env)(name).filter(|u| !u.trim().is_empty()).ok_or_else(|| {
            self.error(format!("the environment variable `{name}` is not set"))
                .help(format!("set it to the database's URL before pulling, e.g. `export {name}=postgres://user@host:5432/db`; the URL stays out of the site"))
        })?;
        let mut config: Config = url.parse().map_err(|e| {
            self.error(format!("`{name}` does not hold a PostgreSQL URL: {e}"))
                .help("write it as postgres://user:password@host:5432/database")
        })?;
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(CONNECT_TIMEOUT);
        }
        config.connect(NoTls).map_err(|e| {
            self.error(format!("cannot connect to the database of `{name}`: {e}"))
                .help("check that the server is running and the URL's host, port, user and database; palanca connects without TLS, so reach a remote warehouse through an SSH tunnel or its proxy (see the README); no snapshot was changed")
        })
    }
}

/// Runs every query of `specs` in one read-only transaction and returns
/// each metric's months, or its problem. A connection problem fails them all.
pub fn read(db: &Database, specs: &[(&Spec, &str)]) -> Result<Vec<Result<Pulled, Diagnostic>>, Diagnostics> {
    if specs.is_empty() {
        return Ok(Vec::new());
    }
    let mut client = open(db)?;
    let mut tx = read_only(db, &mut client)?;
    let mut out = Vec::new();
    for &(spec, query) in specs {
        let result = run(&mut tx, spec, query, db.timeout_secs);
        // A failed statement aborts the transaction: start the next query afresh.
        if result.is_err() {
            drop(tx);
            tx = read_only(db, &mut client)?;
        }
        out.push(result);
    }
    Ok(out)
}

/// A connection to the database, its queries limited in time and
/// cancelled on the server when the pull is interrupted.
fn open(db: &Database) -> Result<Client, Diagnostics> {
    let mut client = db.connect().map_err(|d| Diagnostics(vec![d]))?;
    // The server itself stops a query that runs too long, even when this
    // process is gone; an interrupted pull cancels its query at once.
    client
        .batch_execute(&format!(
            "set statement_timeout = {}",
            u64::from(db.timeout_secs) * 1000
        ))
        .map_err(|e| Diagnostics(vec![db.error(format!("cannot set the query time limit: {e}"))]))?;
    let token = client.cancel_token();
    crate::interrupt::on_interrupt(move || {
        let _ = token.cancel_query(NoTls);
        eprintln!("palanca pull was interrupted: its query was cancelled on the server, and no snapshot was changed");
    });
    Ok(client)
}

/// A read-only transaction on `client`.
fn read_only<'a>(db: &Database, client: &'a mut Client) -> Result<postgres::Transaction<'a>, Diagnostics> {
    client
        .build_transaction()
        .read_only(true)
        .start()
        .map_err(|e| Diagnostics(vec![db.error(format!("cannot start a read-only transaction: {e}"))]))
}

/// What [`each_row`] hands each row to: its cells and its number.
pub(super) type RowFn<'a> = dyn FnMut(&[Option<String>], u64) -> Result<(), Diagnostic> + 'a;

/// Runs `query` in a read-only transaction, wrapped to return `columns`
/// by name (NULL for an optional one it does not have; a required one
/// missing is an error listing those it has), as the server writes them,
/// and hands each row's cells and number to `row`,
/// [`limits::QUERY_BATCH_ROWS`] at a time.
pub(super) fn each_row(
    db: &Database,
    spec: &Spec,
    query: &str,
    columns: &[(String, bool)],
    row: &mut RowFn,
) -> Result<(), Diagnostics> {
    let mut client = open(db)?;
    let mut tx = read_only(db, &mut client)?;
    let one = |e: Diagnostic| Diagnostics(vec![e]);
    let body = query.trim().trim_end_matches(';');
    let failed = |e: postgres::Error| one(query_error(spec, query, &e, db.timeout_secs));
    let has: Vec<String> = tx
        .prepare(&format!("select * from (\n{body}\n) as q"))
        .map_err(failed)?
        .columns()
        .iter()
        .map(|c| c.name().to_string())
        .collect();
    let mut cells: Vec<String> = Vec::with_capacity(columns.len());
    for (name, required) in columns {
        if has.contains(name) {
            cells.push(format!("q.\"{}\"::text", name.replace('"', "\"\"")));
        } else if *required {
            return Err(one(spec
                .error(
                    Code::SourceColumn,
                    "sql",
                    format!("the query returns no column `{name}`"),
                )
                .help(format!(
                    "name the column in the query (`… as {name}`), or in `columns:`; it returns {}",
                    has.iter().map(|h| format!("`{h}`")).collect::<Vec<_>>().join(", ")
                ))));
        } else {
            cells.push("null::text".into());
        }
    }
    let wrapped = format!("select {} from (\n{body}\n) as q", cells.join(", "));
    let portal = tx.bind(wrapped.as_str(), &[]).map_err(failed)?;
    let mut number = 0u64;
    let mut values: Vec<Option<String>> = Vec::with_capacity(columns.len());
    loop {
        let rows = tx.query_portal(&portal, limits::QUERY_BATCH_ROWS).map_err(failed)?;
        let batch = rows.len();
        for r in rows {
            number += 1;
            values.clear();
            values.extend((0..columns.len()).map(|i| r.try_get::<_, Option<String>>(i).ok().flatten()));
            row(&values, number).map_err(one)?;
        }
        if batch < limits::QUERY_BATCH_ROWS as usize {
            return Ok(());
        }
    }
}

fn run(tx: &mut postgres::Transaction, spec: &Spec, query: &str, timeout_secs: u32) -> Result<Pulled, Diagnostic> {
    let body = query.trim().trim_end_matches(';');
    let wrapped = format!("{PREFIX}{body}\n) as q(p, v)");
    let failed = |e: postgres::Error| query_error(spec, query, &e, timeout_secs);
    let portal = tx.bind(wrapped.as_str(), &[]).map_err(failed)?;
    let mut group = Grouper::new(spec.kind);
    let mut row_number: u64 = 0;
    loop {
        let rows = tx.query_portal(&portal, limits::QUERY_BATCH_ROWS).map_err(failed)?;
        let batch = rows.len();
        for row in rows {
            row_number += 1;
            take(&mut group, spec, &row, row_number)?;
        }
        if batch < limits::QUERY_BATCH_ROWS as usize {
            break;
        }
    }
    if group.rows() == 0 {
        return Err(spec
            .error(
                Code::SourceRows,
                "sql",
                format!("the query of `{}` returned no rows", spec.metric),
            )
            .help("check its conditions; a pull that would empty a snapshot is refused"));
    }
    group.finish().map_err(|e| match e {
        GroupError::SeveralRates { month, line } => spec
            .error(
                Code::SourceRows,
                "sql",
                format!(
                    "`{}` is a rate, and its query returned several rows for the latest date of {month} (row {line})",
                    spec.metric
                ),
            )
            .help("a rate cannot be added up: return one row per date, or give the metric `kind: stock` or `flow`"),
        other => rows_error(spec, &other),
    })
}

fn take(group: &mut Grouper, spec: &Spec, row: &postgres::Row, n: u64) -> Result<(), Diagnostic> {
    let cell = |i: usize| row.try_get::<_, Option<String>>(i).ok().flatten();
    let bad = |what: &str, text: Option<String>, help: &str| {
        let shown = text.map_or("NULL".to_string(), |t| format!("`{}`", crate::diagnostic::quote(&t)));
        spec.error(
            Code::SourceQuery,
            "sql",
            format!("row {n} of the query of `{}` has {shown} as its {what}", spec.metric),
        )
        .help(help.to_string())
    };
    let period = cell(0);
    let Some((month, date)) = period.as_deref().and_then(read_period) else {
        return Err(bad(
            "period (first column)",
            period,
            "return the month as a date, a timestamp or `YYYY-MM` text, e.g. `date_trunc('month', paid_at)::date`",
        ));
    };
    let value = cell(1);
    let Some(number) = value.as_deref().and_then(Decimal::parse_plain) else {
        return Err(bad(
            "value (second column)",
            value,
            "return a number; use `coalesce(x, 0)` where a month may have none",
        ));
    };
    group.add(month, date, number, n).map_err(|e| rows_error(spec, &e))
}

fn rows_error(spec: &Spec, e: &GroupError) -> Diagnostic {
    match e {
        GroupError::Overflow(m) => spec
            .error(
                Code::SourceRows,
                "sql",
                format!("the values of {m} add up beyond what palanca reads"),
            )
            .help("check the value column; palanca reads figures up to 10^15"),
        _ => spec
            .error(Code::TooLarge, "sql", "the query's rows span more than 1,200 months")
            .help("a series holds at most a century of months; add a condition on the period"),
    }
}

/// The server's message, pointing at the query in the metric file, and at
/// the very character the server names when the query is written on one
/// line as it is run.
fn query_error(spec: &Spec, query: &str, e: &postgres::Error, timeout_secs: u32) -> Diagnostic {
    if e.code() == Some(&postgres::error::SqlState::QUERY_CANCELED) {
        return spec
            .error(
                Code::SourceQuery,
                "sql",
                format!(
                    "the query of `{}` ran for more than {timeout_secs} s, and the server stopped it",
                    spec.metric
                ),
            )
            .help("make the query faster (an index, or a view the database keeps up to date), or give it longer with `query_timeout: SECONDS` in site.yaml");
    }
    let Some(db) = e.as_db_error() else {
        return spec
            .error(
                Code::SourceQuery,
                "sql",
                format!("the query of `{}` failed: {e}", spec.metric),
            )
            .help("the connection may have dropped; pull again");
    };
    let mut message = db.message().to_string();
    if message.contains("columns available but 2 columns specified") {
        message = "it returns one column, not (period, value)".into();
    }
    let mut help = String::new();
    for extra in [db.detail(), db.hint()].into_iter().flatten() {
        help.push_str(extra);
        help.push(' ');
    }
    help.push_str("the query must return rows of (period, value); run it in psql to try it");
    let mut d = spec
        .error(
            Code::SourceQuery,
            "sql",
            format!("the database refused the query of `{}`: {message}", spec.metric),
        )
        .help(help);
    if let Some(postgres::error::ErrorPosition::Original(at)) = db.position()
        && let Some(span) = char_in_yaml(spec, query, *at as usize)
    {
        d = d.located(&spec.file, span);
    }
    d
}

/// The span in the metric file of the query's character at (1-based)
/// `position` of the wrapped query, when the YAML writes the query on one
/// line exactly as it is run (plain or quoted, without escapes).
fn char_in_yaml(spec: &Spec, query: &str, position: usize) -> Option<std::ops::Range<usize>> {
    let index = position.checked_sub(PREFIX.chars().count() + 1)?;
    let span = spec.place("sql");
    let written = spec.file.text.get(span.clone())?;
    let quote = usize::from(written.starts_with(['"', '\'']));
    let inner = &written[quote..written.len() - quote.min(written.len())];
    if inner != query.trim() || query.contains('\n') {
        return None;
    }
    let offset = inner.char_indices().nth(index)?.0;
    let width = inner[offset..]
        .find(|c: char| c.is_whitespace() || c == ',' || c == ')')
        .unwrap_or(inner.len() - offset)
        .max(1);
    let start = span.start + quote + offset;
    Some(start..start + width)
}
