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
    assert_eq!(page.tasks.total, 1, "what the model needs was read before");
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
