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
fn a_body_without_shortcodes_is_made_html_once_with_its_tasks_counted() {
    let dir = tempfile::tempdir().unwrap();
    let text = "---\ntitle: A\n---\n# Heading\n\n- [x] done\n- [ ] open\n\n```\n- [ ] in code\n```\n";
    let mut page = page_in(dir.path(), text);
    assert_eq!(page.tasks().total, 0, "not counted before it is parsed");
    let bodies = crate::load::Bodies::new();
    let budget = crate::load::bodies::BodyBudget(std::sync::atomic::AtomicUsize::new(1 << 20));
    page.prepare(true, &bodies, &budget);
    assert_eq!(&*page.source.text, "---\ntitle: A\n---\n", "the Markdown is not kept");
    assert_eq!(page.tasks(), super::super::tasks::Progress { done: 1, total: 2 });
    let Body::Html { html, .. } = &page.body_at else {
        panic!("made HTML")
    };
    let html = bodies.read(html).unwrap();
    assert!(html.starts_with("<h1 id=\"heading\">Heading</h1>"), "{html}");
    let boxes = crate::markdown::finish(&html, &[], ["done", "open"], &|_| String::new());
    assert!(
        boxes.contains("<span class=\"task done\" role=\"img\" aria-label=\"done\"></span>"),
        "{boxes}"
    );
    assert!(boxes.contains("- [ ] in code"), "code is not a task");
}

#[test]
fn a_body_with_shortcodes_keeps_its_markdown() {
    let dir = tempfile::tempdir().unwrap();
    let mut page = page_in(
        dir.path(),
        "---\ntitle: A\n---\n- [x] a\n- [ ] b\n\n{{ kpi(metric=\"arr\") }}\n",
    );
    assert_eq!(
        page.tasks(),
        super::super::tasks::Progress { done: 1, total: 2 },
        "the shortcode scan counted them"
    );
    let budget = crate::load::bodies::BodyBudget(std::sync::atomic::AtomicUsize::new(1 << 20));
    page.prepare(true, &crate::load::Bodies::new(), &budget);
    assert!(matches!(page.body_at, Body::Markdown));
    assert_eq!(page.markdown(), Some("- [x] a\n- [ ] b\n\n{{ kpi(metric=\"arr\") }}\n"));
}
