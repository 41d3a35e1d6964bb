//! The JSON Schemas accept the example content and reject broken files.

use std::path::Path;

use crate::{palanca, repo};

fn schemas() -> (tempfile::TempDir, impl Fn(&str) -> jsonschema::Validator) {
    let dir = tempfile::tempdir().unwrap();
    let o = palanca(&["schema", "--out", dir.path().to_str().unwrap()]);
    assert!(o.status.success());
    let path = dir.path().to_path_buf();
    let load = move |name: &str| {
        let schema: serde_json::Value = serde_json::from_slice(&std::fs::read(path.join(name)).unwrap()).unwrap();
        jsonschema::validator_for(&schema).expect("a valid schema")
    };
    (dir, load)
}

fn yaml(text: &str) -> serde_json::Value {
    serde_yaml::from_str(text).unwrap()
}

fn front_matter(path: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(path).unwrap();
    let body = text.strip_prefix("---\n").unwrap();
    yaml(&body[..body.find("\n---").unwrap()])
}

fn errors(v: &jsonschema::Validator, instance: &serde_json::Value) -> Vec<String> {
    v.iter_errors(instance).map(|e| e.to_string()).collect()
}

#[test]
fn the_example_content_satisfies_the_schemas() {
    let (_dir, load) = schemas();
    let (site, metrics, page, update) = (
        load("site.schema.json"),
        load("metrics.schema.json"),
        load("page.schema.json"),
        load("update.schema.json"),
    );
    let root = repo();
    assert_eq!(
        errors(&site, &yaml(&std::fs::read_to_string(root.join("site.yaml")).unwrap())),
        Vec::<String>::new()
    );
    let mut checked = 0;
    for entry in walkdir::WalkDir::new(root.join("content"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        // Snapshots (content/snapshots/*.csv) are data, not documents.
        .filter(|e| e.path().extension().is_some_and(|x| x == "md" || x == "yaml"))
    {
        let p = entry.path();
        let rel = p.strip_prefix(&root).unwrap().to_string_lossy().into_owned();
        let errs = if rel.starts_with("content/metrics/") {
            errors(&metrics, &yaml(&std::fs::read_to_string(p).unwrap()))
        } else if rel.starts_with("content/updates/") {
            errors(&update, &front_matter(p))
        } else {
            errors(&page, &front_matter(p))
        };
        assert!(errs.is_empty(), "{rel}: {errs:?}");
        checked += 1;
    }
    assert!(checked > 30);
}

#[test]
fn the_schemas_reject_what_palanca_rejects() {
    let (_dir, load) = schemas();
    let metrics = load("metrics.schema.json");
    let bad_unit = yaml("title: T\nmetrics:\n  - id: arr\n    label: ARR\n    unit: dollars\n");
    assert!(!metrics.is_valid(&bad_unit));
    let unknown = yaml("title: T\nmetrics:\n  - id: arr\n    label: ARR\n    unit: currency\n    colour: red\n");
    assert!(!metrics.is_valid(&unknown));
    // `label` and `unit` may be left out of a metric of a `revenue:` file,
    // so the schema does not require them; every metric needs its `id`.
    let missing = yaml("title: T\nmetrics:\n  - label: ARR\n    unit: currency\n");
    assert!(!metrics.is_valid(&missing));
    let page = load("page.schema.json");
    assert!(!page.is_valid(&yaml("title: A\nkind: milestone\npriority: urgent\n")));
    assert!(page.is_valid(&yaml("title: A\nkind: lever\npriority: high\nmonths: [1, 3]\n")));
}
