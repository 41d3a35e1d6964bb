//! Unit tests of the parent module.

use super::*;

fn find(body: &str) -> Vec<Result<Shortcode, ShortcodeError>> {
    let s = scan(body);
    s.shortcodes
        .into_iter()
        .map(Ok)
        .chain(s.errors.into_iter().map(Err))
        .collect()
}

#[test]
fn finds_shortcodes_with_spans() {
    let body = "Text\n\n{{ chart(metric=\"arr\") }}\n\n{{ table(metrics=\"arr, mrr\", title=\"x\") }}\n";
    let found: Vec<_> = find(body).into_iter().map(Result::unwrap).collect();
    assert_eq!(found.len(), 2);
    assert_eq!(found[0].kind, ShortcodeKind::Chart);
    let (value, span) = found[0].arg("metric").unwrap();
    assert_eq!((value, &body[span]), ("arr", "arr"));
    assert_eq!(found[1].arg("metrics").unwrap().0, "arr, mrr");
    assert_eq!(found[1].arg("title").unwrap().0, "x");
    let refs = found[1].references();
    let ids: Vec<(&str, &str)> = refs.iter().map(|(_, id, span)| (*id, &body[span.clone()])).collect();
    assert_eq!(
        ids,
        [("arr", "arr"), ("mrr", "mrr")],
        "each id of a list, where it is written"
    );
}

#[test]
fn reports_bad_shortcodes() {
    let e = find("{{ graph(metric=\"arr\") }}").remove(0).unwrap_err();
    assert!(e.message.contains("unknown shortcode `graph`"));
    assert_eq!(e.span, 3..8);
    let e = find("{{ chart(metric=arr) }}").remove(0).unwrap_err();
    assert!(e.message.contains("double quotes"), "{}", e.message);
}

#[test]
fn shortcodes_in_code_are_text() {
    assert!(find("`{{ chart(x=\"y\") }}`").is_empty(), "inline code");
    assert!(
        find("```\n{{ chart(metric=\"arr\") }}\n```\n").is_empty(),
        "fenced block"
    );
    assert!(find("    {{ chart(metric=\"arr\") }}\n").is_empty(), "indented block");
    let mixed = find("`{{ kpi(metric=\"a\") }}` and {{ kpi(metric=\"b\") }}");
    assert_eq!(mixed.len(), 1);
    assert_eq!(mixed[0].as_ref().unwrap().arg("metric").unwrap().0, "b");
}

#[test]
fn tasks_are_counted_in_the_same_pass() {
    let s = scan("- [x] one\n- [ ] two\n- [x] three\n");
    assert_eq!(s.tasks, (2, 3));
}

#[test]
fn many_shortcodes_are_found_in_linear_time() {
    let body = "{{ kpi(metric=\"arr\") }}\n".repeat(100_000);
    assert_eq!(scan(&body).shortcodes.len(), 100_000);
}

#[test]
fn the_shortcut_finds_what_the_full_scan_finds() {
    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut bodies: Vec<String> = ["tests/fixtures/markdown", "content/plan", "content/updates"]
        .iter()
        .flat_map(|dir| walkdir::WalkDir::new(repo.join(dir)))
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
        .map(|e| std::fs::read_to_string(e.path()).unwrap())
        .collect();
    bodies.extend(
        [
            "- [ ] open\n- [x] done\n",
            "* [X] done\n",
            "-\t[\t] tab\n",
            "A [link](x) and [ref]\n",
            "`{{ value(metric=\"arr\") }}` in code\n",
            "plain text\n",
        ]
        .map(String::from),
    );
    assert!(bodies.len() > 20, "the example and the fixtures are read");
    for body in &bodies {
        let (quick, full) = (scan(body), full_scan(body));
        assert_eq!(quick.tasks, full.tasks, "{body}");
        assert_eq!(quick.shortcodes.len(), full.shortcodes.len(), "{body}");
        assert_eq!(quick.errors.len(), full.errors.len(), "{body}");
    }
    assert_eq!(scan("- [x] done\n- [ ] open\n").tasks, (1, 2));
}
