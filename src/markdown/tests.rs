//! Unit tests of the parent module.

use super::*;

const OPTIONS: Options = Options {
    prefix: "s1",
    raw_html: true,
    task_labels: ["done", "to do"],
};

fn plain(body: &str) -> String {
    render(body, &[], &OPTIONS, &|_| String::new())
}

fn with_shortcodes(body: &str, f: &dyn Fn(&Shortcode) -> String) -> String {
    let scan = crate::shortcode::scan(body);
    render(body, &scan.shortcodes, &OPTIONS, f)
}

#[test]
fn headings_get_unique_slugs() {
    let html = plain("## Mes 1 · Preparación\n\n## Mes 1 · Preparación\n\n## Own {#mine}\n");
    assert!(html.contains("<h2 id=\"mes-1-preparacion\">"), "{html}");
    assert!(html.contains("<h2 id=\"mes-1-preparacion-1\">"), "{html}");
    assert!(html.contains("<h2 id=\"mine\">"), "{html}");
}

#[test]
fn footnotes_are_prefixed() {
    let html = plain("Claim[^1].\n\n[^1]: Source.\n");
    assert!(html.contains("href=\"#s1-fn-1\""), "{html}");
    assert!(html.contains("id=\"s1-fn-1\""), "{html}");
}

#[test]
fn tables_tasks_and_smart_quotes() {
    let html = plain("| a | b |\n|---|---|\n| 1 | 2 |\n\n- [x] done\n- [ ] open\n\n\"quoted\" -- text\n");
    assert!(html.contains("<table>"));
    assert!(
        html.contains("<span class=\"task done\" role=\"img\" aria-label=\"done\"></span>"),
        "{html}"
    );
    assert!(html.contains("aria-label=\"to do\""), "{html}");
    assert!(html.contains("“quoted”"), "{html}");
}

#[test]
fn shortcodes_are_replaced_in_place() {
    let html = with_shortcodes("Before\n\n{{ chart(metric=\"arr\") }}\n\nAfter\n", &|sc| {
        format!("<figure>{}</figure>", sc.arg("metric").unwrap().0)
    });
    assert!(
        html.contains("<p>Before</p>\n<figure>arr</figure>\n<p>After</p>"),
        "{html}"
    );
    let inline = with_shortcodes("ARR is {{ kpi(metric=\"arr\") }} now.\n", &|_| "$1M".into());
    assert!(inline.contains("<p>ARR is $1M now.</p>"), "{inline}");
}

#[test]
fn a_shortcode_in_code_is_shown_not_run() {
    let html = with_shortcodes(
        "`{{ chart(metric=\"arr\") }}`\n\n```\n{{ kpi(metric=\"arr\") }}\n```\n",
        &|_| "RAN".into(),
    );
    assert!(!html.contains("RAN"), "{html}");
    assert!(html.contains("<code>{{ chart(metric=\"arr\") }}</code>"), "{html}");
}

#[test]
fn many_shortcodes_render_in_one_pass() {
    let body = "{{ kpi(metric=\"arr\") }}\n\n".repeat(20_000);
    let html = with_shortcodes(&body, &|_| "<b>k</b>".into());
    assert_eq!(html.matches("<b>k</b>").count(), 20_000);
    assert!(!html.contains('\u{E000}'));
}

#[test]
fn unsafe_urls_and_switched_off_html_never_reach_the_page() {
    let html = plain(
        "[x](javascript:alert(1)) [y]( JavaScript:alert(1)) ![i](data:text/html,hi) [ok](https://e.com) [rel](../a/)\n",
    );
    assert!(!html.to_lowercase().contains("javascript:"), "{html}");
    assert!(!html.contains("data:text"), "{html}");
    assert!(
        html.contains("href=\"https://e.com\"") && html.contains("href=\"../a/\""),
        "{html}"
    );
    let off = render(
        "<b>bold</b>\n\n<script>x</script>\n",
        &[],
        &Options {
            prefix: "p",
            raw_html: false,
            task_labels: ["done", "to do"],
        },
        &|_| String::new(),
    );
    assert!(!off.contains("<b>") && !off.contains("<script>"), "{off}");
    assert!(off.contains("&lt;b&gt;bold&lt;/b&gt;"), "{off}");
    let on = plain("<b>bold</b>\n");
    assert!(on.contains("<b>bold</b>"), "raw HTML is the author's by default: {on}");
}

#[test]
fn equal_headings_stay_linear() {
    let html = plain(&"## Same\n\n".repeat(5_000));
    assert!(html.contains("id=\"same-4999\""));
}

/// Every Markdown fixture in `tests/fixtures/markdown/` rendered as a page
/// is, its HTML kept as an insta snapshot (`src/markdown/snapshots/`): a
/// change to the renderer shows up as a reviewed diff, the way Zola tests
/// its Markdown.
#[test]
fn markdown_fixtures_match_their_snapshots() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/markdown");
    let mut names: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    names.sort();
    assert!(names.len() >= 4, "{names:?}");
    for path in names {
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(&path).unwrap();
        let html = with_shortcodes(&text, &|sc| {
            format!("<span data-shortcode=\"{}\"></span>", sc.kind.spec().name)
        });
        insta::with_settings!({ snapshot_suffix => name.clone(), prepend_module_to_snapshot => false }, {
            insta::assert_snapshot!("markdown", html);
        });
    }
}

#[test]
fn the_render_counts_tasks_as_the_scan_does() {
    for body in [
        "- [x] one\n- [ ] two\n- [X] three\n\n```\n- [ ] in code\n```\n",
        "> - [ ] quoted\n\n1. [x] numbered\n\n`[ ]` inline\n",
        "[^1]: - [ ] in a footnote\n\nText[^1].\n",
        "no tasks [x] here\n",
    ] {
        let (_, tasks) = render_counting(body, &[], &OPTIONS, &|_| String::new());
        assert_eq!(tasks, crate::shortcode::scan(body).tasks, "{body}");
    }
}

#[test]
fn lines_that_open_too_many_containers_are_found_in_one_pass() {
    let limit = crate::limits::MARKDOWN_NESTING;
    let ok = format!("{}text\n", "> ".repeat(limit));
    assert_eq!(too_nested(&ok), None);
    for deep in [
        ">".repeat(limit + 1),
        "> ".repeat(limit + 1),
        "- ".repeat(limit + 1) + "x",
        "1. ".repeat(limit + 1) + "x",
        "> - ".repeat(limit / 2 + 1),
    ] {
        let text = format!("# Title\n\nintro\n{deep}\n");
        assert_eq!(too_nested(&text), Some("# Title\n\nintro\n".len()), "{deep}");
    }
    // Thematic breaks, code and plain text open nothing.
    for plain in [
        "- ".repeat(100),
        "* ".repeat(100),
        format!("    {}", ">".repeat(100)),
        format!("text {}", ">".repeat(100)),
        "2024. was a year\n".to_string(),
    ] {
        assert_eq!(too_nested(&plain), None, "{plain}");
    }
}
