//! Fixture sites: one folder per case. `invalid/<case>/expected.txt` lists
//! lines that must all appear in palanca's diagnostics for that site;
//! `valid/<case>` must build without a warning.

use std::path::PathBuf;

use crate::{build, palanca, repo, stderr};

fn cases(kind: &str) -> Vec<PathBuf> {
    let dir = repo().join("tests/fixtures").join(kind);
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    cases
}

#[test]
fn every_bad_input_gets_its_diagnostic() {
    let cases = cases("invalid");
    assert!(cases.len() >= 20, "only {} invalid fixtures", cases.len());
    let mut failures = Vec::new();
    for case in &cases {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let expected = std::fs::read_to_string(case.join("expected.txt"))
            .unwrap_or_else(|_| panic!("{name}: expected.txt missing"));
        let o = palanca(&["check", "--site", case.to_str().unwrap()]);
        let err = stderr(&o);
        if o.status.code() != Some(1) {
            failures.push(format!("{name}: exit {:?}, not 1\n{err}", o.status.code()));
        }
        if err.contains("panicked") {
            failures.push(format!("{name}: panic\n{err}"));
        }
        for line in expected.lines().map(str::trim_end).filter(|l| !l.trim().is_empty()) {
            if !err.contains(line) {
                failures.push(format!("{name}: missing `{line}` in:\n{err}"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn every_inconsistent_plan_gets_its_warning() {
    let cases = cases("lint");
    assert!(cases.len() >= 8, "only {} lint fixtures", cases.len());
    let mut failures = Vec::new();
    for case in &cases {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let expected = std::fs::read_to_string(case.join("expected.txt")).unwrap();
        // A case may need more arguments (`--advice`): one per line of `args`.
        let extra = std::fs::read_to_string(case.join("args")).unwrap_or_default();
        let mut args = vec!["check", "--site", case.to_str().unwrap()];
        args.extend(extra.lines().map(str::trim).filter(|l| !l.is_empty()));
        let o = palanca(&args);
        let err = stderr(&o);
        if !o.status.success() {
            failures.push(format!("{name}: warnings must not fail check:\n{err}"));
        }
        for line in expected.lines().map(str::trim_end).filter(|l| !l.trim().is_empty()) {
            if !err.contains(line) {
                failures.push(format!("{name}: missing `{line}` in:\n{err}"));
            }
        }
        args.push("--deny-warnings");
        let denied = palanca(&args);
        if denied.status.code() != Some(1) {
            failures.push(format!("{name}: --deny-warnings exited {:?}", denied.status.code()));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn a_consistent_plan_raises_nothing() {
    let case = repo().join("tests/fixtures/valid/consistent_plan");
    let o = palanca(&["check", "--deny-warnings", "--site", case.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("0 error(s), 0 warning(s)"));
}

#[test]
fn a_bad_site_writes_nothing() {
    let case = repo().join("tests/fixtures/invalid/unknown_metric_in_formula");
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let o = build(&case, &out);
    assert_eq!(o.status.code(), Some(1));
    assert!(!out.exists(), "nothing written for a failed build");
    assert!(stderr(&o).contains("the previous output was left as it was"));
}

/// Every valid fixture builds without a warning, and raises none even with
/// the investor's rules of thumb: the `_consistent` twins of the lint
/// fixtures prove each check quiet where the plan is right.
#[test]
fn valid_fixtures_build_cleanly() {
    let cases = cases("valid");
    assert!(
        cases
            .iter()
            .filter(|c| c.to_string_lossy().ends_with("_consistent"))
            .count()
            >= 8
    );
    for case in cases {
        let dir = tempfile::tempdir().unwrap();
        let o = build(&case, &dir.path().join("out"));
        let err = stderr(&o);
        assert!(o.status.success(), "{}: {err}", case.display());
        assert!(!err.contains("warning["), "{}: {err}", case.display());
        assert!(dir.path().join("out/index.html").is_file());
        let o = palanca(&["check", "--advice", "--deny-warnings", "--site", case.to_str().unwrap()]);
        assert!(o.status.success(), "{}: {}", case.display(), stderr(&o));
        assert!(!stderr(&o).contains("note["), "{}: {}", case.display(), stderr(&o));
    }
}

/// `notes/<case>`: a check that cannot run says so in a note, which
/// `check` prints, `--deny-warnings` lets pass, and `build` keeps quiet.
#[test]
fn a_check_that_cannot_run_says_so_in_a_note() {
    let cases = cases("notes");
    assert!(!cases.is_empty());
    for case in cases {
        let expected = std::fs::read_to_string(case.join("expected.txt")).unwrap();
        let o = palanca(&["check", "--deny-warnings", "--site", case.to_str().unwrap()]);
        let err = stderr(&o);
        assert!(o.status.success(), "a note fails nothing: {err}");
        for line in expected.lines().filter(|l| !l.trim().is_empty()) {
            assert!(err.contains(line), "missing `{line}` in:\n{err}");
        }
        assert!(err.contains("0 warning(s), 1 note(s)"), "{err}");
        let dir = tempfile::tempdir().unwrap();
        let o = build(&case, &dir.path().join("out"));
        assert!(o.status.success());
        assert!(!stderr(&o).contains("note["), "{}", stderr(&o));
        let page = crate::html(&dir.path().join("out"), "consistency/index.html");
        assert!(
            crate::texts(&page, "ol.findings > li").is_empty(),
            "notes stay off the consistency page"
        );
        assert!(!crate::texts(&page, "main").is_empty(), "the page is there");
    }
}

/// A flow written as quarter totals (`per: quarter`) reads as the total
/// spread over the quarter's months: the quarter table shows each total as
/// written, the first quarter included.
#[test]
fn a_flow_per_quarter_shows_its_totals_as_written() {
    let case = repo().join("tests/fixtures/valid/total_flujo_consistent");
    let dir = tempfile::tempdir().unwrap();
    let o = build(&case, &dir.path().join("out"));
    assert!(o.status.success(), "{}", stderr(&o));
    let page = crate::html(&dir.path().join("out"), "plan/index.html");
    let cells = crate::texts(&page, "table.quarter-table tbody td");
    assert_eq!(
        cells,
        [
            "300K\u{a0}€",
            "2,7M\u{a0}€",
            "300K\u{a0}€",
            "2,4M\u{a0}€",
            "300K\u{a0}€",
            "2,1M\u{a0}€",
            "300K\u{a0}€",
            "1,8M\u{a0}€"
        ]
    );
}

#[test]
fn a_theme_overrides_the_default_file_by_file() {
    let case = repo().join("tests/fixtures/valid/theme_override");
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let o = build(&case, &out);
    assert!(o.status.success(), "{}", stderr(&o));
    let home = crate::html(&out, "index.html");
    assert_eq!(
        crate::texts(&home, "article.custom-kpi h3"),
        ["ARR", "MRR"],
        "the overridden KPI partial"
    );
    assert!(
        !crate::texts(&home, "header.site-header .brand").is_empty(),
        "base.html is still the default"
    );
    let group = std::fs::read_dir(out.join("metrics"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.is_dir())
        .unwrap();
    let page = scraper::Html::parse_document(&std::fs::read_to_string(group.join("index.html")).unwrap());
    assert!(
        crate::texts(&page, "th").iter().any(|t| t == "Goal"),
        "the overridden UI string"
    );
    assert!(
        crate::texts(&page, "th").iter().any(|t| t == "Actual"),
        "strings not overridden keep the default"
    );
    assert!(out.join("assets/extra.css").is_file() && out.join("assets/style.css").is_file());
}

/// Every sentence the linter hands to readers has its words in each
/// language the theme speaks: a missing key would put the author's English
/// message, with its backticks and ids, on a Spanish consistency page.
#[test]
fn every_reader_sentence_exists_in_every_language() {
    let lint = repo().join("src/model/lint");
    let mut keys = std::collections::BTreeSet::new();
    let files = walkdir::WalkDir::new(&lint)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file());
    for entry in files {
        let text = std::fs::read_to_string(entry.path()).unwrap();
        for prefix in ["\"finding_", "\"advice_"] {
            for (at, _) in text.match_indices(prefix) {
                let key: String = text[at + 1..]
                    .chars()
                    .take_while(|c| c.is_ascii_lowercase() || *c == '_')
                    .collect();
                keys.insert(key);
            }
        }
    }
    assert!(keys.len() > 20, "found only {keys:?}");
    for lang in ["es", "en"] {
        let strings = std::fs::read_to_string(repo().join(format!("themes/default/i18n/{lang}.yaml"))).unwrap();
        for key in &keys {
            assert!(
                strings.lines().any(|l| l.starts_with(&format!("{key}:"))),
                "`{key}` is missing from {lang}.yaml"
            );
        }
    }
}

/// A letter's figures are traced up to a bound: a letter of absurd length
/// is traced in part, in bounded time, and says no more than the bound.
#[test]
fn a_letter_is_traced_up_to_its_bound() {
    let dir = tempfile::tempdir().unwrap();
    crate::copy_tree(&repo().join("tests/fixtures/notes/untraced_figure"), dir.path());
    let path = dir.path().join("content/updates/2024-03.md");
    let letter = std::fs::read_to_string(&path).unwrap();
    let many = "Monthly retention rose 5 pp.\n".repeat(200);
    std::fs::write(&path, format!("{letter}\n{many}")).unwrap();
    let o = palanca(&["check", "--site", dir.path().to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("0 warning(s), 64 note(s)"), "{}", stderr(&o));
}
