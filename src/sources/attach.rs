//! The actuals pulled from sources, attached to their metrics as the site
//! is loaded (the driver hands [`attach`] to the loader): each metric with a `source:` gets its snapshot from
//! `content/snapshots/` (see [`crate::snapshot`]). Its source is checked
//! here too, so `check` finds a bad source without pulling; the source
//! itself is never read by a build.

use std::path::Path;
use std::sync::Arc;

use crate::diagnostic::{Code, Diagnostics};
use crate::load::{MetricFile, SiteConfig, read_text};
use crate::snapshot;

/// Checks every source and attaches each one's snapshot; a metric with a
/// source and no snapshot yet is an error that says to pull.
pub fn attach(root: &Path, site: &SiteConfig, metric_files: &mut [Arc<MetricFile>], diags: &mut Diagnostics) {
    for (fi, mi, spec) in super::registry::specs(metric_files, site, diags) {
        let Some(rel) = snapshot::path_of(&spec.metric) else {
            continue;
        };
        if !root.join(&rel).exists() {
            diags.push(
                spec.error(
                    Code::SnapshotMissing,
                    "source",
                    format!(
                        "`{}` takes its actuals from {}, but has no snapshot `{rel}` yet",
                        spec.metric,
                        spec.describe()
                    ),
                )
                .help("run `palanca pull` to read its source into the snapshot, then build again"),
            );
            continue;
        }
        match read_text(root, &rel).and_then(snapshot::parse) {
            Ok(s) => Arc::make_mut(&mut metric_files[fi]).doc.metrics[mi].pulled = Some(Arc::new(s)),
            Err(d) => diags.push(d),
        }
    }
    for file in metric_files.iter_mut() {
        let names: Vec<String> = super::registry::KINDS.iter().flat_map(|k| k.tables(file)).collect();
        for name in names {
            let rel = format!("{}/{name}.csv", snapshot::FOLDER);
            // A table is missing only with the snapshots it comes with,
            // which are reported above.
            if !root.join(&rel).exists() {
                continue;
            }
            match read_text(root, &rel).and_then(snapshot::parse_table) {
                Ok(table) => {
                    Arc::make_mut(file).tables.insert(name, Arc::new(table));
                }
                Err(d) => diags.push(d),
            }
        }
    }
}
