//! `palanca schema`: JSON Schemas of palanca's file formats, generated from
//! the same types the loader reads, so editors check files exactly as
//! palanca will.

use std::path::{Path, PathBuf};

use schemars::{JsonSchema, schema_for};

use crate::load::{MetricFileDoc, PageFront, SiteConfig, UpdateFront};

/// File name and schema of each format.
pub fn schemas() -> Vec<(&'static str, serde_json::Value)> {
    fn one<T: JsonSchema>(title: &str) -> serde_json::Value {
        let mut value = serde_json::to_value(schema_for!(T)).unwrap_or_default();
        if let Some(obj) = value.as_object_mut() {
            obj.insert("title".into(), title.into());
        }
        value
    }
    vec![
        ("site.schema.json", one::<SiteConfig>("palanca site.yaml")),
        (
            "metrics.schema.json",
            one::<MetricFileDoc>("palanca metric file (content/metrics/*.yaml)"),
        ),
        (
            "page.schema.json",
            one::<PageFront>("palanca page front matter (content/**/*.md)"),
        ),
        (
            "update.schema.json",
            one::<UpdateFront>("palanca update front matter (content/updates/YYYY-MM.md)"),
        ),
    ]
}

/// Writes every schema into `dir` and returns the paths written.
pub fn write_all(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir)?;
    schemas()
        .into_iter()
        .map(|(name, schema)| {
            let path = dir.join(name);
            let text = serde_json::to_string_pretty(&schema).map_err(std::io::Error::other)?;
            std::fs::write(&path, text + "\n")?;
            Ok(path)
        })
        .collect()
}
