//! Unit tests of the parent module.

use super::*;

fn plain(body: &str) -> String {
    render(body, "s1", &|_| String::new())
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
    assert!(html.contains("type=\"checkbox\""));
    assert!(html.contains("“quoted”"), "{html}");
}

#[test]
fn shortcodes_are_replaced_in_place() {
    let html = render("Before\n\n{{ chart(metric=\"arr\") }}\n\nAfter\n", "p", &|sc| {
        format!("<figure>{}</figure>", sc.arg("metric").unwrap().0)
    });
    assert!(
        html.contains("<p>Before</p>\n<figure>arr</figure>\n<p>After</p>"),
        "{html}"
    );
}
