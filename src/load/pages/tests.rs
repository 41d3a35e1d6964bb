//! Unit tests of the parent module.

use super::*;

fn page_in(dir: &std::path::Path, text: &str) -> Page {
    std::fs::create_dir_all(dir.join("content")).unwrap();
    std::fs::write(dir.join("content/a.md"), text).unwrap();
    let mut diags = Diagnostics::default();
    let start = Month::new(2024, 1).unwrap();
    parse_page(Source::new("content/a.md", text), start, &mut diags).expect("a page")
}

#[test]
fn a_body_left_on_disk_reads_back_the_same() {
    let dir = tempfile::tempdir().unwrap();
    let text = "---\ntitle: A\n---\n# Heading\n\n- [x] done\n";
    let mut page = page_in(dir.path(), text);
    page.leave_body_on_disk(&std::sync::Arc::from(dir.path()));
    assert_eq!(
        &*page.source.text, "---\ntitle: A\n---\n",
        "only the front matter is kept"
    );
    assert_eq!(page.body().unwrap(), "# Heading\n\n- [x] done\n");
    assert!(
        !page.tasks.is_known(),
        "a body without shortcodes is not parsed at load"
    );
    assert_eq!(page.tasks().total, 1, "its tasks are counted from the file when asked");
}

#[test]
fn a_file_changed_since_loading_is_an_error_not_a_mixed_page() {
    let dir = tempfile::tempdir().unwrap();
    let mut page = page_in(dir.path(), "---\ntitle: A\n---\nBefore.\n");
    page.leave_body_on_disk(&std::sync::Arc::from(dir.path()));
    std::fs::write(dir.path().join("content/a.md"), "---\ntitle: A\n---\nAfter!!\n").unwrap();
    let err = page.body().unwrap_err();
    assert!(err.message.contains("changed while the site was being built"), "{err}");
}

#[test]
fn a_body_with_shortcodes_stays_in_memory() {
    let dir = tempfile::tempdir().unwrap();
    let mut page = page_in(dir.path(), "---\ntitle: A\n---\n{{ chart(metric=\"arr\") }}\n");
    page.leave_body_on_disk(&std::sync::Arc::from(dir.path()));
    assert!(matches!(page.body_at, Body::Kept));
}

#[test]
fn a_file_grown_past_the_limit_since_loading_is_not_read() {
    let dir = tempfile::tempdir().unwrap();
    let mut page = page_in(dir.path(), "---\ntitle: A\n---\nBefore.\n");
    page.leave_body_on_disk(&std::sync::Arc::from(dir.path()));
    let file = std::fs::OpenOptions::new()
        .write(true)
        .open(dir.path().join("content/a.md"))
        .unwrap();
    file.set_len(crate::limits::FILE_BYTES + 1).unwrap();
    let err = page.body().unwrap_err();
    assert!(err.message.contains("changed while the site was being built"), "{err}");
}

#[test]
fn tasks_are_counted_at_load_only_with_shortcodes_or_never_when_there_is_no_box() {
    let dir = tempfile::tempdir().unwrap();
    let with = page_in(
        dir.path(),
        "---\ntitle: A\n---\n- [x] a\n- [ ] b\n\n{{ kpi(metric=\"arr\") }}\n",
    );
    assert!(with.tasks.is_known(), "the shortcode scan counted them");
    assert_eq!(with.tasks(), super::super::Progress { done: 1, total: 2 });
    let none = page_in(dir.path(), "---\ntitle: A\n---\nNo list here.\n");
    assert!(none.tasks.is_known(), "no box, no task: nothing to count later");
    assert_eq!(none.tasks().total, 0);
    let later = page_in(dir.path(), "---\ntitle: A\n---\n- [x] a\n\n```\n- [ ] in code\n```\n");
    assert!(!later.tasks.is_known());
    later.tasks.note(super::super::Progress { done: 1, total: 1 });
    assert_eq!(later.tasks().total, 1, "the render's count is kept");
}
