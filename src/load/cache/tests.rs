//! Unit tests of the parent module.

use super::*;
use crate::load::{LoadOptions, load_with};
use crate::period::Month;

/// No step added to loading.
fn nothing(
    _: &Path,
    _: &crate::load::SiteConfig,
    _: &mut [std::sync::Arc<crate::load::MetricFile>],
    _: &mut crate::diagnostic::Diagnostics,
) {
}
use std::path::PathBuf;

/// A small site of its own: site.yaml, a home page and two plan pages.
fn site() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    let write = |rel: &str, text: &str| {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    write("site.yaml", "title: Cache\nlanguage: en\nstart: 2024-01\n");
    write("content/_index.md", "---\ntitle: Cache\n---\nHome.\n");
    write("content/plan/a.md", "---\ntitle: A\n---\nFirst.\n");
    write("content/plan/b.md", "---\ntitle: B\n---\nSecond.\n");
    (dir, root)
}

fn title_of(root: &Path, cache: &LoadCache, slug: &str) -> Result<String, String> {
    let (project, _) = load_with(root, LoadOptions::default(), cache, &nothing)
        .map_err(|d| d.0.iter().map(|d| d.to_string()).collect::<String>())?;
    let page = project.pages.iter().find(|p| p.slug == slug).ok_or("no such page")?;
    Ok(page.front.title.clone())
}

#[test]
fn events_are_sorted_into_files_to_read_noise_and_the_unknown() {
    let (_dir, root) = site();
    let known = Known::new(vec!["content/_index.md".to_string(), "content/plan/a.md".to_string()]);
    let kind = |rel: &str| match classify(&root, &root.join(rel), Some(&known)) {
        Event::Content(r) => format!("read {r}"),
        Event::Ignored => "ignored".into(),
        Event::Unknown => "everything".into(),
    };
    assert_eq!(kind("content/plan/a.md"), "read content/plan/a.md");
    assert_eq!(
        kind("content/plan/b.md"),
        "everything",
        "a file the last load did not have"
    );
    assert_eq!(kind("content/plan"), "everything", "a folder");
    assert!(
        known.holds("content/plan") && known.holds("content"),
        "a removed folder is known by its files"
    );
    assert!(
        !known.holds("content/pla") && !known.has("content/plan"),
        "by whole names only"
    );
    assert_eq!(
        kind("content/gone.md"),
        "everything",
        "a content file created and removed"
    );
    assert_eq!(kind("content/plan/.a.md.swp"), "ignored", "an editor's swap file");
    assert_eq!(kind("content/plan/4913"), "ignored", "vim's probe file");
    assert_eq!(kind("site.yaml"), "ignored", "read on every load anyway");
    #[cfg(unix)]
    {
        let secret = root.join("secret.md");
        std::fs::write(&secret, "---\ntitle: Secret\n---\n").unwrap();
        std::fs::remove_file(root.join("content/_index.md")).unwrap();
        std::os::unix::fs::symlink(&secret, root.join("content/_index.md")).unwrap();
        assert_eq!(kind("content/_index.md"), "everything", "a file replaced by a link");
    }
    std::fs::remove_file(root.join("content/plan/a.md")).unwrap();
    assert_eq!(kind("content/plan/a.md"), "everything", "a known file removed");
    assert_eq!(
        match classify(&root, &root.join("content/plan/a.md"), None) {
            Event::Unknown => "everything",
            _ => "other",
        },
        "everything",
        "before any load nothing is known"
    );
}

#[test]
fn a_noted_change_is_read_and_the_rest_reused() {
    let (_dir, root) = site();
    let cache = LoadCache::new();
    assert_eq!(title_of(&root, &cache, "plan/a").unwrap(), "A");
    std::fs::write(root.join("content/plan/a.md"), "---\ntitle: A2\n---\nFirst.\n").unwrap();
    cache.note_changes(&root, &[root.join("content/plan/a.md")]);
    let other = ReadWith {
        start: Month(0),
        raw_html: true,
        language: crate::load::Language::En,
    };
    assert!(matches!(cache.plan(other), Plan::Walk), "another start month");
    cache.note_changes(&root, &[root.join("content/plan/a.md")]);
    assert_eq!(title_of(&root, &cache, "plan/a").unwrap(), "A2");
}

#[test]
fn a_broken_file_stays_broken_until_it_is_fixed() {
    let (_dir, root) = site();
    let cache = LoadCache::new();
    title_of(&root, &cache, "plan/a").unwrap();
    let a = root.join("content/plan/a.md");
    std::fs::write(&a, "---\ntitle: [unclosed\n---\nFirst.\n").unwrap();
    cache.note_changes(&root, std::slice::from_ref(&a));
    let broken = title_of(&root, &cache, "plan/a").unwrap_err();
    assert!(broken.contains("content/plan/a.md"), "{broken}");
    // Another file is saved: the broken one is not taken from before.
    let b = root.join("content/plan/b.md");
    std::fs::write(&b, "---\ntitle: B2\n---\nSecond.\n").unwrap();
    cache.note_changes(&root, std::slice::from_ref(&b));
    let still = title_of(&root, &cache, "plan/a").unwrap_err();
    assert!(still.contains("content/plan/a.md"), "{still}");
    std::fs::write(&a, "---\ntitle: A3\n---\nFirst.\n").unwrap();
    cache.note_changes(&root, std::slice::from_ref(&a));
    assert_eq!(title_of(&root, &cache, "plan/a").unwrap(), "A3");
    assert_eq!(title_of(&root, &cache, "plan/b").unwrap(), "B2");
}

#[test]
fn without_notes_a_file_rewritten_at_once_with_the_same_size_is_read_again() {
    let (_dir, root) = site();
    let cache = LoadCache::new();
    assert_eq!(title_of(&root, &cache, "plan/a").unwrap(), "A");
    // Same length, same second: only the racy-clean rule catches it.
    std::fs::write(root.join("content/plan/a.md"), "---\ntitle: Z\n---\nFirst.\n").unwrap();
    assert_eq!(title_of(&root, &cache, "plan/a").unwrap(), "Z");
}

#[test]
fn a_new_file_makes_the_next_load_walk_the_folder() {
    let (_dir, root) = site();
    let cache = LoadCache::new();
    title_of(&root, &cache, "plan/a").unwrap();
    let c = root.join("content/plan/c.md");
    std::fs::write(&c, "---\ntitle: C\n---\nThird.\n").unwrap();
    cache.note_changes(&root, &[c]);
    assert_eq!(title_of(&root, &cache, "plan/c").unwrap(), "C");
}

#[test]
fn lost_events_make_the_next_load_look_at_everything() {
    let (_dir, root) = site();
    let cache = LoadCache::new();
    title_of(&root, &cache, "plan/a").unwrap();
    cache.note_changes(&root, &[root.join("content/plan/a.md")]);
    cache.note_everything();
    let same = ReadWith {
        start: Month::new(2024, 1).unwrap(),
        raw_html: true,
        language: crate::load::Language::En,
    };
    assert!(matches!(cache.plan(same), Plan::Walk));
}

#[test]
fn a_build_keeps_small_bodies_in_memory_and_serve_spills_them() {
    let (_dir, root) = site();
    let body_of = |cache: &LoadCache| {
        let (project, _) = load_with(&root, LoadOptions::default(), cache, &nothing).unwrap();
        let page = project.pages.iter().find(|p| p.slug == "plan/a").unwrap().clone();
        let crate::load::Body::Html { html, .. } = &page.body_at else {
            panic!("made HTML when loaded")
        };
        (
            matches!(html, crate::load::Html::Kept(_)),
            project.bodies.read(html).unwrap().into_owned(),
        )
    };
    assert_eq!(
        body_of(&LoadCache::default()),
        (true, "<p>First.</p>\n".to_string()),
        "a build's"
    );
    assert_eq!(
        body_of(&LoadCache::new()),
        (false, "<p>First.</p>\n".to_string()),
        "serve's"
    );
}

#[test]
fn the_body_budget_is_taken_until_it_runs_out() {
    let budget = crate::load::bodies::BodyBudget(std::sync::atomic::AtomicUsize::new(10));
    assert!(budget.take(6));
    assert!(!budget.take(6), "only 4 bytes are left");
    assert!(budget.take(4));
    assert!(!budget.take(1));
}
