//! Every input answered, in bounded time and memory, without a panic:
//! property tests of the parsers and the number formatter (fuzzing on the
//! stable toolchain), a mutation test that edits the example site
//! thousands of times and checks each, and the absurd inputs of issue 10
//! that no fixture folder can hold (links, mount points, huge pages).

use std::path::Path;

use palanca::formula;
use palanca::period::{Month, parse_period};
use palanca::pipeline::{self, Options};
use palanca::units::{NumberStyle, RawValue, Unit, parse_value};
use proptest::prelude::*;

use crate::{build, copy_example, palanca as run, repo, stderr};

const UNITS: [Unit; 6] = [
    Unit::Currency,
    Unit::Count,
    Unit::Percent,
    Unit::Ratio,
    Unit::Duration,
    Unit::Score,
];

/// Strings made mostly of the pieces formulas are made of, so that the
/// generator reaches deep into the parser rather than failing at once.
fn formula_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("arr".to_string()),
        Just("mrr".to_string()),
        Just("(".to_string()),
        Just(")".to_string()),
        Just(" + ".to_string()),
        Just(" - ".to_string()),
        Just(" * ".to_string()),
        Just(" / ".to_string()),
        Just("^".to_string()),
        Just(",".to_string()),
        Just("prev(".to_string()),
        Just("cmgr(".to_string()),
        Just("growth(".to_string()),
        Just("sum(".to_string()),
        Just("max(".to_string()),
        Just("0".to_string()),
        Just("12".to_string()),
        Just("2147483647".to_string()),
        Just("1e400".to_string()),
        Just(".5".to_string()),
        Just("é".to_string()),
        any::<char>().prop_map(String::from),
    ];
    proptest::collection::vec(piece, 0..80).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, .. ProptestConfig::default() })]

    /// Any text is a formula or an error, and a formula evaluates to a
    /// finite value or none.
    #[test]
    fn formulas_parse_or_fail_and_evaluate_finitely(text in formula_text(), any_text in any::<String>()) {
        for t in [&text, &any_text] {
            if let Ok(expr) = formula::parse(t) {
                let lookup = |id: &str, m: Month| match id {
                    "arr" => Some(f64::from(m.0 % 1000) * 1e12),
                    "mrr" => Some(0.0),
                    _ => None,
                };
                let mut dz = false;
                if let Some(v) = expr.eval(Month(24_288), &lookup, &mut dz) {
                    prop_assert!(v.is_finite());
                }
                prop_assert!(expr.lookback() <= palanca::limits::LOOKBACK_MONTHS);
            }
        }
    }

    /// Any period key is a month within the limits, or an error.
    #[test]
    fn periods_parse_within_limits_or_fail(text in any::<String>(), n in any::<i64>(), y in -5000i32..20000, m in 0u32..15) {
        let start = Month::new(2024, 1).unwrap();
        for key in [text, format!("M{n}"), format!("m{n}"), format!("{y:04}-{m:02}")] {
            if let Ok(month) = parse_period(&key, start) {
                prop_assert!(palanca::period::in_years(month), "{key} gave {month}");
            }
        }
    }

    /// Any number, in any unit and style, is written as some text.
    #[test]
    fn every_number_is_written(v in any::<f64>(), raw in any::<String>()) {
        for style in [NumberStyle::for_language("en", "USD"), NumberStyle::for_language("es", "EUR")] {
            for unit in UNITS {
                prop_assert!(!style.format(v, unit).is_empty());
            }
            prop_assert!(!style.percent(v).is_empty());
            if let Some(c) = palanca::units::change(v, v * 1.5, Unit::Currency) {
                prop_assert!(!style.format_change(c).is_empty());
            }
        }
        for unit in UNITS {
            if let Ok(v) = parse_value(&RawValue::Text(raw.as_str().into()), unit) {
                prop_assert!(v.is_finite() && v.abs() <= palanca::limits::MAGNITUDE);
            }
        }
    }
}

/// A tiny deterministic generator, so a failing mutation can be replayed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Text that tends to break a parser somewhere interesting.
const INSERTS: &[&str] = &[
    ":",
    "- ",
    "{",
    "}",
    "[",
    "]",
    "\"",
    "'",
    "M0",
    "M601",
    "M2147483647",
    "1e400",
    ".inf",
    "-.nan",
    "{{",
    "}}",
    "{{ chart(metric=\"zz\") }}",
    "\n",
    "\n  ",
    "\t",
    "prev(",
    ")",
    "^",
    "/0",
    "&",
    "é",
    "#",
    "---\n",
    "*a",
    "&a ",
    "!!binary",
    "2024-13",
    "audience: investors\n",
    "kind: risk\n",
    "formula: arr / arr\n",
];

/// One random edit of `text`: delete a stretch, insert a troublemaker,
/// duplicate or drop a line, or cut the file short.
fn mutate(text: &str, rng: &mut Rng) -> String {
    let chars: Vec<char> = text.chars().collect();
    let at = rng.below(chars.len() + 1);
    let head: String = chars[..at].iter().collect();
    let tail: String = chars[at..].iter().collect();
    match rng.below(5) {
        0 => {
            let skip = rng.below(40);
            format!("{head}{}", tail.chars().skip(skip).collect::<String>())
        }
        1 => format!("{head}{}{tail}", INSERTS[rng.below(INSERTS.len())]),
        2 => {
            let lines: Vec<&str> = text.lines().collect();
            let i = rng.below(lines.len());
            let mut out: Vec<&str> = lines.clone();
            if let Some(line) = lines.get(i) {
                out.insert(i, line);
            }
            out.join("\n")
        }
        3 => {
            let mut lines: Vec<&str> = text.lines().collect();
            if !lines.is_empty() {
                lines.remove(rng.below(lines.len()));
            }
            lines.join("\n")
        }
        _ => head,
    }
}

#[test]
fn thousands_of_mutations_of_the_example_are_answered_without_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path();
    copy_example(site);
    let files: Vec<String> = walkdir::WalkDir::new(site)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.path().strip_prefix(site).unwrap().to_string_lossy().into_owned())
        .collect();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let (mut ok, mut failed) = (0, 0);
    for round in 0..2500 {
        let file = &files[rng.below(files.len())];
        let path = site.join(file);
        let original = std::fs::read_to_string(&path).unwrap();
        let edits = 1 + rng.below(3);
        let mut text = original.clone();
        for _ in 0..edits {
            text = mutate(&text, &mut rng);
        }
        std::fs::write(&path, &text).unwrap();
        let result = std::panic::catch_unwind(|| pipeline::check(site, Options::default()));
        match result {
            Ok(Ok(_)) => ok += 1,
            Ok(Err(diags)) => {
                assert!(diags.has_errors(), "round {round}: a failed check names an error");
                failed += 1;
            }
            Err(_) => panic!("round {round} panicked on {file}:\n{text}"),
        }
        std::fs::write(&path, original).unwrap();
    }
    assert!(
        ok > 100 && failed > 100,
        "the mutations reached both outcomes: {ok} ok, {failed} failed"
    );
}

fn write(site: &Path, rel: &str, text: &str) {
    let path = site.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// A small site with `n` shortcodes on one page and a chain of `chain`
/// formula metrics, each computed from the one before.
fn large_site(site: &Path, shortcodes: usize, chain: usize) {
    write(
        site,
        "site.yaml",
        "title: Large\nlanguage: en\nstart: 2024-01\nheadline: [m0]\n",
    );
    let mut metrics = String::from(
        "title: Chain\nmetrics:\n  - id: m0\n    label: M0\n    unit: count\n    target: { M1: 1, M2: 2 }\n    actual: { M1: 1 }\n",
    );
    for i in 1..chain {
        metrics.push_str(&format!(
            "  - id: m{i}\n    label: M{i}\n    unit: count\n    formula: m{} + 1\n",
            i - 1
        ));
    }
    write(site, "content/metrics/chain.yaml", &metrics);
    write(
        site,
        "content/plan/busy.md",
        &format!(
            "---\ntitle: Busy\n---\n{}",
            "{{ kpi(metric=\"m0\") }}\n".repeat(shortcodes)
        ),
    );
}

#[test]
fn a_long_formula_chain_and_a_page_of_many_shortcodes_are_answered() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("chain");
    // Deep enough that any recursion over the chain would overflow the stack.
    large_site(&site, 10, 50_000);
    let warnings = pipeline::check(&site, Options::default()).expect("the chain resolves");
    assert!(warnings.0.is_empty(), "{:?}", warnings.0.first());
    let busy = dir.path().join("busy");
    large_site(&busy, 20_000, 2);
    let out = dir.path().join("out");
    let o = build(&busy, &out);
    assert!(o.status.success(), "{}", stderr(&o));
    let page = std::fs::read_to_string(out.join("plan/busy/index.html")).unwrap();
    assert_eq!(page.matches("<article class=\"kpi\">").count(), 20_000);
}

#[test]
fn links_inside_the_site_are_followed_and_links_out_of_it_refused() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    std::fs::create_dir_all(&site).unwrap();
    copy_example(&site);
    // A link within the site: the home text kept in another folder.
    std::fs::rename(site.join("content/_index.md"), site.join("home.md")).unwrap();
    std::os::unix::fs::symlink(site.join("home.md"), site.join("content/_index.md")).unwrap();
    let out = dir.path().join("out");
    let o = build(&site, &out);
    assert!(o.status.success(), "{}", stderr(&o));
    let home = crate::html(&out, "index.html");
    assert!(
        !crate::texts(&home, ".prose p").is_empty(),
        "the linked home text is there"
    );
    // A link out of the site.
    let secret = dir.path().join("secret.md");
    std::fs::write(&secret, "---\ntitle: Secret\n---\nOutside.\n").unwrap();
    std::os::unix::fs::symlink(&secret, site.join("content/plan/secret.md")).unwrap();
    let o = run(&["check", "--site", site.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o)
            .contains("error[link-outside]: `content/plan/secret.md` is a link to a file outside the site folder"),
        "{}",
        stderr(&o)
    );
    std::fs::remove_file(site.join("content/plan/secret.md")).unwrap();
    // site.yaml linked to a system file: refused, and nothing of it printed.
    std::fs::remove_file(site.join("site.yaml")).unwrap();
    std::os::unix::fs::symlink("/etc/passwd", site.join("site.yaml")).unwrap();
    let o = run(&["check", "--site", site.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("error[link-outside]"), "{}", stderr(&o));
    assert!(!stderr(&o).contains("root:"), "{}", stderr(&o));
}

#[test]
fn an_error_quotes_one_line_at_most() {
    let o = run(&[
        "check",
        "--site",
        repo()
            .join("tests/fixtures/invalid/site_yaml_not_yaml")
            .to_str()
            .unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.len() < 1_000, "{} bytes of error for one bad file", err.len());
    assert!(
        err.matches("root:x:0:0").count() <= 3,
        "a few words of the file, not the file: {err}"
    );
}

#[test]
fn feeds_and_csv_are_escaped_by_construction() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    std::fs::create_dir_all(&site).unwrap();
    copy_example(&site);
    let yaml = std::fs::read_to_string(site.join("site.yaml")).unwrap();
    let yaml = yaml.replace(
        "base_url: https://example.com/palanca/",
        "base_url: \"https://example.com/a&b\\\"c/\"",
    );
    std::fs::write(site.join("site.yaml"), yaml).unwrap();
    let metrics = site.join("content/metrics/ingresos.yaml");
    let text = std::fs::read_to_string(&metrics).unwrap();
    std::fs::write(
        &metrics,
        text.replace("label: ARR", "label: \"=HYPERLINK(\\\"http://evil\\\")\""),
    )
    .unwrap();
    let out = dir.path().join("out");
    let o = build(&site, &out);
    assert!(o.status.success(), "{}", stderr(&o));
    let atom = std::fs::read(out.join("atom.xml")).unwrap();
    let feed = feed_rs::parser::parse(&atom[..]).expect("the feed is well-formed XML");
    assert!(
        feed.entries[0].links[0]
            .href
            .starts_with("https://example.com/a&b%22c/updates/"),
        "{:?}",
        feed.entries[0].links
    );
    let sitemap = std::fs::read_to_string(out.join("sitemap.xml")).unwrap();
    assert!(
        sitemap.contains("https://example.com/a&amp;b%22c/index.html"),
        "{sitemap}"
    );
    let mut csv = csv::Reader::from_path(out.join("metrics/ingresos.csv")).unwrap();
    let labels: Vec<String> = csv.records().map(|r| r.unwrap()[3].to_string()).collect();
    assert!(labels.iter().any(|l| l == "'=HYPERLINK(\"http://evil\")"), "{labels:?}");
    assert!(!labels.iter().any(|l| l.starts_with('=')));
}

#[test]
fn an_output_that_is_a_mount_point_is_written_into() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("mounted");
    std::fs::create_dir_all(&out).unwrap();
    let mounted = std::process::Command::new("mount")
        .args(["-t", "tmpfs", "palanca-test", out.to_str().unwrap()])
        .output();
    if !mounted.is_ok_and(|o| o.status.success()) {
        eprintln!("\n*** SKIPPED the mount point test: this user may not mount a tmpfs. ***\n");
        return;
    }
    struct Unmount<'a>(&'a Path);
    impl Drop for Unmount<'_> {
        fn drop(&mut self) {
            let _ = std::process::Command::new("umount").arg(self.0).status();
        }
    }
    let _unmount = Unmount(&out);
    let minimal = repo().join("tests/fixtures/valid/minimal");
    for round in 0..2 {
        let o = build(&minimal, &out);
        assert!(o.status.success(), "round {round}: {}", stderr(&o));
        assert!(out.join("index.html").is_file());
        let names: Vec<String> = std::fs::read_dir(&out)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert!(
            !names
                .iter()
                .any(|n| n.contains("palanca-new") || n.contains("palanca-old")),
            "{names:?}"
        );
    }
}
