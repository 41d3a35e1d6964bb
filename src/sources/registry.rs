//! The kinds of source palanca knows, and what is done with all of them:
//! finding and checking every metric's source, and reading them all.

use std::sync::Arc;

use super::kind::{Context, SourceKind, Spec};
use super::settings::Settings;
use super::{csv_file, invoices, query};
use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::load::{MetricFile, RawMetric, SiteConfig};
use crate::snapshot::Pulled;

/// Every kind of source, by the setting that names it. A new kind is a
/// module of its own and one entry here.
pub const KINDS: &[&dyn SourceKind] = &[&csv_file::Csv, &query::Sql, &invoices::Invoices];

/// The sources of every metric of `files` that has one, checked; errors
/// go to `diags`. Returns (file index, metric index, spec).
pub fn specs<F: std::borrow::Borrow<MetricFile>>(
    files: &[F],
    site: &SiteConfig,
    diags: &mut Diagnostics,
) -> Vec<(usize, usize, Spec)> {
    let mut out = Vec::new();
    for (fi, file) in files.iter().enumerate() {
        let file: &MetricFile = file.borrow();
        for kind in KINDS {
            out.extend(
                kind.file_specs(file, site, diags)
                    .into_iter()
                    .map(|(mi, spec)| (fi, mi, spec)),
            );
        }
        for (mi, raw) in file.doc.metrics.iter().enumerate() {
            let Some(own) = &raw.source else { continue };
            let settings = Settings::of(file, raw, own);
            match resolve(file, raw, &settings, site) {
                Ok(spec) => out.push((fi, mi, spec)),
                Err(errors) => diags.extend(errors),
            }
        }
    }
    out
}

/// Checks one metric's source: exactly one kind named, and that kind's
/// settings.
fn resolve(file: &MetricFile, raw: &RawMetric, settings: &Settings, site: &SiteConfig) -> Result<Spec, Diagnostics> {
    let named: Vec<&'static dyn SourceKind> = KINDS
        .iter()
        .copied()
        .filter(|k| {
            settings
                .given()
                .iter()
                .any(|(field, given)| *given && *field == k.key())
        })
        .collect();
    let mut spec = Spec {
        metric: raw.id.clone(),
        unit: raw.unit,
        kind: raw.kind(),
        source: KINDS[0],
        settings: Arc::new(()),
        file: file.source.clone(),
        places: settings.places.clone(),
    };
    let keys: Vec<String> = KINDS.iter().map(|k| format!("`{}`", k.key())).collect();
    let mut errors = Diagnostics::default();
    let mut fail = |spec: &Spec, field: &str, message: String, help: &str| {
        errors.push(spec.error(Code::BadSource, field, message).help(help));
    };
    if raw.formula.is_some() {
        fail(
            &spec,
            "source",
            format!("`{}` has both a formula and a source", raw.id),
            "a derived metric is computed from its inputs; remove `source:` or the formula",
        );
    }
    match named.as_slice() {
        [] => fail(
            &spec,
            "source",
            format!("the source of `{}` names {}", raw.id, none_of(&keys)),
            "add `csv: data/file.csv` (relative to the site folder) or `sql: \"select month, value from ...\"`",
        ),
        [one] => {
            spec.source = *one;
            match one.check(&spec, settings, site) {
                Ok(read) => spec.settings = read,
                Err(more) => errors.extend(more),
            }
        }
        [_, second, ..] => fail(
            &spec,
            second.key(),
            format!(
                "the source of `{}` has both {}",
                raw.id,
                named
                    .iter()
                    .map(|k| format!("`{}`", k.key()))
                    .collect::<Vec<_>>()
                    .join(" and ")
            ),
            "keep one of them; a metric has one source (a file's `source:` only gives defaults)",
        ),
    }
    if errors.has_errors() {
        return Err(errors);
    }
    Ok(spec)
}

/// "neither `a` nor `b`", or "none of `a`, `b`, `c`".
fn none_of(keys: &[String]) -> String {
    match keys {
        [a, b] => format!("neither {a} nor {b}"),
        _ => format!("none of {}", keys.join(", ")),
    }
}

/// Tables the kinds wrote beside the snapshots: name and CSV text.
pub type Tables = Vec<(String, String)>;

/// Reads every source of `specs`, each kind all of its own at once.
/// Returns each spec's months and the tables the kinds wrote, or every
/// problem found.
pub fn read(context: &Context, specs: &[Spec]) -> Result<(Vec<Pulled>, Tables), Diagnostics> {
    let mut tables = Vec::new();
    let mut results: Vec<Option<Result<Pulled, Diagnostic>>> = vec![None; specs.len()];
    let mut diags = Diagnostics::default();
    for kind in KINDS {
        let mine: Vec<usize> = (0..specs.len())
            .filter(|&i| specs[i].source.key() == kind.key())
            .collect();
        if mine.is_empty() {
            continue;
        }
        let list: Vec<&Spec> = mine.iter().map(|&i| &specs[i]).collect();
        match kind.read(context, &list) {
            Ok(found) => {
                for (&i, r) in mine.iter().zip(found.series) {
                    results[i] = Some(r);
                }
                tables.extend(found.tables);
            }
            Err(d) => diags.extend(d),
        }
    }
    let mut out = Vec::new();
    for r in results.into_iter().flatten() {
        match r {
            Ok(p) => out.push(p),
            Err(d) => diags.push(d),
        }
    }
    if diags.has_errors() || out.len() != specs.len() {
        return Err(diags);
    }
    Ok((out, tables))
}
