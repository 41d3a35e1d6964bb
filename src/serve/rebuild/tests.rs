//! Unit tests of the parent module.

use std::path::Path;

use crate::pipeline::{self, Caches};
use crate::serve::site;

/// The example site, copied into `dir`.
fn copy_example(dir: &Path) {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    std::fs::copy(repo.join("site.yaml"), dir.join("site.yaml")).unwrap();
    for entry in walkdir::WalkDir::new(repo.join("content")) {
        let entry = entry.unwrap();
        let to = dir.join(entry.path().strip_prefix(repo).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&to).unwrap();
        } else {
            std::fs::copy(entry.path(), &to).unwrap();
        }
    }
}

/// Rebuilds into the served folder as `serve` does, telling the load
/// which file changed as the watcher does.
fn rebuild_served(root: &Path, caches: &Caches, served: &site::ServedSite, changed: Option<&Path>) -> usize {
    if let Some(path) = changed {
        caches.load.note_changes(root, &[path.to_path_buf()]);
    }
    let staged = served.rebuild().unwrap();
    pipeline::render_into(root, pipeline::Options::default(), caches, &staged).unwrap();
    staged.commit().unwrap()
}

#[test]
fn the_served_folder_after_edits_equals_a_fresh_build() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    copy_example(&root);
    let temp = tempfile::tempdir().unwrap();
    let served = site::ServedSite::create(temp.path()).unwrap();
    let caches = Caches::for_serve();
    let first = rebuild_served(&root, &caches, &served, None);
    assert!(first > 50, "the first rebuild writes the site: {first}");
    assert_eq!(
        rebuild_served(&root, &caches, &served, None),
        0,
        "nothing changed, nothing written"
    );
    let edits = [
        ("content/plan/roadmap/mes-03.md", "\nServedmarker.\n"),
        ("content/metrics/producto.yaml", ""),
    ];
    for (file, append) in edits {
        let path = root.join(file);
        let mut text = std::fs::read_to_string(&path).unwrap();
        if append.is_empty() {
            text = text.replacen("2024-03: 0.78", "2024-03: 0.79", 1);
        } else {
            text.push_str(append);
        }
        std::fs::write(&path, text).unwrap();
        let written = rebuild_served(&root, &caches, &served, Some(&path));
        assert!(written >= 1, "{file}: the changed page is written");
        let fresh = pipeline::preview(&root, pipeline::Options::default(), &Caches::default()).unwrap();
        for (name, bytes) in &fresh.files {
            let on_disk = std::fs::read(served.folder().join(name)).unwrap();
            assert!(
                on_disk == bytes[..],
                "after editing {file}, {name} differs from a fresh build"
            );
        }
        let count = walkdir::WalkDir::new(served.folder())
            .into_iter()
            .filter(|e| e.as_ref().is_ok_and(|e| e.file_type().is_file()))
            .count();
        assert_eq!(count, fresh.files.len(), "no file more, no file less");
    }
}
