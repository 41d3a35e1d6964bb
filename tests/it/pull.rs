//! `palanca pull`: sources read into snapshots, and the build reading them.
//! The fixtures under `tests/fixtures/pull/<case>/` each hold a site and
//! `expected.txt`, lines that must all appear in what the pull prints;
//! a case whose lines name an `error[` must fail and leave every snapshot
//! as it was, any other must succeed and write exactly the snapshots in its
//! `expected/` folder. A case may set environment variables in `env`.

use std::path::{Path, PathBuf};
use std::process::Output;

use scraper::Selector;

use crate::{build, copy_tree, html, repo, snapshot, stderr};

/// Runs `palanca pull` on `site` with the environment variables `env`.
pub fn pull(site: &Path, env: &[(String, String)]) -> Output {
    let mut cmd = assert_cmd::Command::cargo_bin("palanca").expect("binary");
    cmd.args(["pull", "--site", site.to_str().unwrap()])
        .env_remove("PALANCA_TEST_UNSET_URL");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("palanca runs")
}

/// Standard output and error together.
fn printed(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), stderr(o))
}

fn cases() -> Vec<PathBuf> {
    let dir = repo().join("tests/fixtures/pull");
    let mut cases: Vec<PathBuf> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    cases.sort();
    cases
}

#[test]
fn every_pull_fixture_writes_its_snapshots_or_gets_its_diagnostic() {
    let cases = cases();
    assert!(cases.len() >= 15, "only {} pull fixtures", cases.len());
    let mut failures = Vec::new();
    for case in &cases {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path().join("site");
        copy_tree(case, &site);
        let expected = std::fs::read_to_string(case.join("expected.txt")).unwrap();
        let env: Vec<(String, String)> = std::fs::read_to_string(case.join("env"))
            .unwrap_or_default()
            .lines()
            .filter_map(|l| l.split_once('='))
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let snapshots = site.join("content/snapshots");
        let before = snapshot(&snapshots);
        let o = pull(&site, &env);
        let text = printed(&o);
        for line in expected.lines().map(str::trim_end).filter(|l| !l.trim().is_empty()) {
            if !text.contains(line) {
                failures.push(format!("{name}: missing `{line}` in:\n{text}"));
            }
        }
        if text.contains("panicked") {
            failures.push(format!("{name}: panic\n{text}"));
        }
        if expected.contains("error[") {
            if o.status.code() != Some(1) {
                failures.push(format!("{name}: exit {:?}, not 1", o.status.code()));
            }
            if snapshot(&snapshots) != before {
                failures.push(format!("{name}: a failed pull changed the snapshots"));
            }
            continue;
        }
        if !o.status.success() {
            failures.push(format!("{name}: the pull failed:\n{text}"));
            continue;
        }
        let wanted = snapshot(&case.join("expected"));
        assert!(!wanted.is_empty(), "{name}: no expected/ snapshots");
        for (file, bytes) in wanted {
            let got = std::fs::read(snapshots.join(&file)).unwrap_or_default();
            if got != bytes {
                failures.push(format!(
                    "{name}: {file} is\n{}\nnot\n{}",
                    String::from_utf8_lossy(&got),
                    String::from_utf8_lossy(&bytes)
                ));
            }
        }
        let check = crate::palanca(&["check", "--site", site.to_str().unwrap()]);
        if !check.status.success() {
            failures.push(format!("{name}: check fails after the pull:\n{}", stderr(&check)));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// A site whose MRR comes from `data/mrr.csv`, with targets to compare.
fn mrr_site(dir: &Path, csv: &str) -> PathBuf {
    let site = dir.join("site");
    let write = |rel: &str, text: &str| {
        let path = site.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    write("site.yaml", "title: T\nlanguage: en\nstart: 2024-01\nheadline: [mrr]\n");
    write(
        "content/metrics/revenue.yaml",
        "title: Revenue\nmetrics:\n  - id: mrr\n    label: MRR\n    unit: currency\n    role: mrr\n    target: { M1: 10000, M4: 40000 }\n    source: { csv: data/mrr.csv, period: month, value: mrr }\n",
    );
    write("data/mrr.csv", csv);
    site
}

/// The actual column of metric `id`'s detail table, by period label.
fn actuals(out: &Path, group: &str, id: &str) -> Vec<(String, String)> {
    let doc = html(out, &format!("metrics/{group}/index.html"));
    let rows = Selector::parse(&format!("section#{id} table.detail-table tbody tr")).unwrap();
    let th = Selector::parse("th").unwrap();
    let td = Selector::parse("td").unwrap();
    doc.select(&rows)
        .map(|r| {
            let period = r
                .select(&th)
                .next()
                .unwrap()
                .text()
                .next()
                .unwrap_or("")
                .trim()
                .to_string();
            let actual = r
                .select(&td)
                .nth(1)
                .unwrap()
                .text()
                .collect::<String>()
                .trim()
                .to_string();
            (period, actual)
        })
        .collect()
}

#[test]
fn the_build_shows_pulled_actuals_and_never_reads_the_source() {
    let dir = tempfile::tempdir().unwrap();
    let site = mrr_site(dir.path(), "month,mrr\n2024-01,9500\n2024-02,21000\n2024-03,30500.5\n");
    let o = pull(&site, &[]);
    assert!(o.status.success(), "{}", printed(&o));
    assert_eq!(
        std::fs::read_to_string(site.join("content/snapshots/mrr.csv")).unwrap(),
        "period,value\n2024-01,9500\n2024-02,21000\n2024-03,30500.5\n"
    );
    // The build reads the snapshot only: without the export it still builds.
    std::fs::remove_dir_all(site.join("data")).unwrap();
    let out = dir.path().join("out");
    let b = build(&site, &out);
    assert!(b.status.success(), "{}", stderr(&b));
    let rows = actuals(&out, "revenue", "mrr");
    assert_eq!(
        rows[..4],
        [
            ("Jan 2024".to_string(), "$9.5K".to_string()),
            ("Feb 2024".into(), "$21K".into()),
            ("Mar 2024".into(), "$30.5K".into()),
            ("Apr 2024".into(), "—".into()),
        ]
    );
}

#[test]
fn a_failed_pull_writes_no_snapshot_at_all() {
    let dir = tempfile::tempdir().unwrap();
    let site = mrr_site(dir.path(), "month,mrr\n2024-01,9500\n");
    assert!(pull(&site, &[]).status.success());
    let kept = std::fs::read(site.join("content/snapshots/mrr.csv")).unwrap();
    // A second metric whose export is broken: the good one is not written either.
    let file = site.join("content/metrics/revenue.yaml");
    let mut yaml = std::fs::read_to_string(&file).unwrap();
    yaml.push_str(
        "  - id: customers\n    label: Customers\n    unit: count\n    source: { csv: data/customers.csv }\n",
    );
    std::fs::write(&file, yaml).unwrap();
    std::fs::write(site.join("data/mrr.csv"), "month,mrr\n2024-01,9500\n2024-02,21000\n").unwrap();
    std::fs::write(site.join("data/customers.csv"), "period,value\n2024-01,ten\n").unwrap();
    let o = pull(&site, &[]);
    assert_eq!(o.status.code(), Some(1), "{}", printed(&o));
    assert!(printed(&o).contains("`ten` is not a number"), "{}", printed(&o));
    assert_eq!(std::fs::read(site.join("content/snapshots/mrr.csv")).unwrap(), kept);
    let names: Vec<_> = std::fs::read_dir(site.join("content/snapshots"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, ["mrr.csv"], "no customers snapshot and no temporary file");
}

#[test]
fn restated_history_is_flagged_and_new_months_reported() {
    let dir = tempfile::tempdir().unwrap();
    let site = mrr_site(dir.path(), "month,mrr\n2024-01,10000\n2024-02,20000\n2024-03,30000\n");
    let first = pull(&site, &[]);
    assert!(printed(&first).contains("mrr ← data/mrr.csv: first pull, 2024-01 to 2024-03"));
    std::fs::write(
        site.join("data/mrr.csv"),
        "month,mrr\n2024-01,10000\n2024-02,21000\n2024-03,31000\n2024-04,40000\n",
    )
    .unwrap();
    let o = pull(&site, &[]);
    assert!(o.status.success(), "restated history is reported, not refused");
    let err = stderr(&o);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        err.contains("warning[restated-history]: 2024-02 of `mrr` changed from $20K to $21K since the last pull"),
        "{err}"
    );
    assert!(err.contains("--> content/snapshots/mrr.csv:3:1"), "{err}");
    assert!(
        !err.contains("2024-03 of `mrr`"),
        "the last pull's latest month may have been partial: an update, not a restatement\n{err}"
    );
    assert!(out.contains("mrr ← data/mrr.csv: 2024-03 updated from $30K to $31K (the latest month of the last pull)"));
    assert!(out.contains("mrr ← data/mrr.csv: 2024-04 added ($40K)"), "{out}");
    assert!(out.contains("1 month of history restated"), "{out}");
    let again = pull(&site, &[]);
    assert!(String::from_utf8_lossy(&again.stdout).contains("mrr ← data/mrr.csv: 4 months, unchanged"));
    assert!(!stderr(&again).contains("warning"));
}

#[test]
fn a_dry_run_reports_without_writing() {
    let dir = tempfile::tempdir().unwrap();
    let site = mrr_site(dir.path(), "month,mrr\n2024-01,10000\n");
    let o = crate::palanca(&["pull", "--dry-run", "--site", site.to_str().unwrap()]);
    assert!(o.status.success());
    assert!(String::from_utf8_lossy(&o.stdout).contains("would write 1 snapshot"));
    assert!(!site.join("content/snapshots").exists());
}

#[test]
fn a_row_longer_than_the_limit_is_refused_before_it_is_held() {
    let dir = tempfile::tempdir().unwrap();
    let long = format!(
        "month,mrr\n2024-01,10000\n2024-02,\"{}\"\n",
        "9".repeat(2 * 1024 * 1024)
    );
    let site = mrr_site(dir.path(), &long);
    let o = pull(&site, &[]);
    assert_eq!(o.status.code(), Some(1));
    assert!(printed(&o).contains("a row is longer than 1 MiB"), "{}", printed(&o));
}

#[test]
fn a_source_linked_from_outside_the_site_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let site = mrr_site(dir.path(), "month,mrr\n2024-01,1\n");
    let outside = dir.path().join("secret.csv");
    std::fs::write(&outside, "month,mrr\n2024-01,1\n").unwrap();
    std::fs::remove_file(site.join("data/mrr.csv")).unwrap();
    std::os::unix::fs::symlink(&outside, site.join("data/mrr.csv")).unwrap();
    let o = pull(&site, &[]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        printed(&o).contains("error[link-outside]: `data/mrr.csv` is a link to a file outside the site folder"),
        "{}",
        printed(&o)
    );
}

/// The example site takes its active users from a product-analytics
/// export: pulling it again finds its committed snapshot up to date, and
/// the build shows the same figures as when they were typed in YAML.
#[test]
fn the_example_pulls_its_active_users_from_a_csv_export() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    std::fs::create_dir_all(&site).unwrap();
    crate::copy_example(&site);
    copy_tree(&repo().join("data"), &site.join("data"));
    let committed = std::fs::read(site.join("content/snapshots/active_users.csv")).unwrap();
    // Run as the README shows it: in the site folder, no flags.
    let o = crate::palanca_in(&site, &["pull"]);
    assert!(o.status.success(), "{}", printed(&o));
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("active_users ← data/analitica-usuarios.csv: 3 months, unchanged"),
        "{}",
        printed(&o)
    );
    assert_eq!(
        std::fs::read(site.join("content/snapshots/active_users.csv")).unwrap(),
        committed
    );
    let out = dir.path().join("out");
    assert!(build(&site, &out).status.success());
    let rows = actuals(&out, "producto", "active_users");
    let shown: Vec<&str> = rows.iter().take(3).map(|(_, a)| a.as_str()).collect();
    assert_eq!(shown, ["212", "560", "940"]);
}

#[test]
fn a_site_without_sources_has_nothing_to_pull() {
    let dir = tempfile::tempdir().unwrap();
    let site = mrr_site(dir.path(), "month,mrr\n");
    let file = site.join("content/metrics/revenue.yaml");
    let yaml = std::fs::read_to_string(&file).unwrap();
    std::fs::write(
        &file,
        yaml.replace("    source: { csv: data/mrr.csv, period: month, value: mrr }\n", ""),
    )
    .unwrap();
    let o = pull(&site, &[]);
    assert!(o.status.success());
    assert!(String::from_utf8_lossy(&o.stdout).contains("no metric has a `source:`, so there is nothing to pull"));
    assert!(!site.join("content/snapshots").exists());
}
