//! The second round of hostile inputs: a planted link, a file that is not
//! a file, a terminal that would obey what is printed, inputs built to
//! make a parser or a page grow without end. Each case is fed to the
//! binary as a user would run it and must end in a clear diagnostic, with
//! nothing written where it should not be.

use std::path::{Path, PathBuf};

use crate::pull::pull;
use crate::{build, copy_tree, palanca, palanca_in, repo, stderr};

/// A copy of the minimal fixture site in a fresh folder.
fn minimal(dir: &Path) -> PathBuf {
    let site = dir.join("site");
    copy_tree(&repo().join("tests/fixtures/valid/minimal"), &site);
    site
}

/// A site whose metric `mrr` takes its actuals from `data/mrr.csv`.
fn pulling_site(dir: &Path, csv: &[u8]) -> PathBuf {
    let site = dir.join("site");
    std::fs::create_dir_all(site.join("content/metrics")).unwrap();
    std::fs::create_dir_all(site.join("data")).unwrap();
    std::fs::write(site.join("site.yaml"), "title: T\nlanguage: en\nstart: 2024-01\n").unwrap();
    std::fs::write(
        site.join("content/metrics/revenue.yaml"),
        "title: Revenue\nmetrics:\n  - id: mrr\n    label: MRR\n    unit: currency\n    kind: flow\n    source: { csv: data/mrr.csv }\n",
    )
    .unwrap();
    std::fs::write(site.join("data/mrr.csv"), csv).unwrap();
    site
}

#[test]
fn pull_never_writes_through_a_planted_link() {
    let dir = tempfile::tempdir().unwrap();
    let victim = dir.path().join("victim.txt");
    std::fs::write(&victim, "keep me").unwrap();
    let site = pulling_site(dir.path(), b"period,value\n2024-01,10\n");
    std::fs::create_dir_all(site.join("content/snapshots")).unwrap();
    std::os::unix::fs::symlink(&victim, site.join("content/snapshots/mrr.csv")).unwrap();
    let o = pull(&site, &[]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep me");
    // A link to a file of the site is refused too: a snapshot is a file.
    let inside = site.join("data/notes.txt");
    std::fs::write(&inside, "keep me too").unwrap();
    std::fs::remove_file(site.join("content/snapshots/mrr.csv")).unwrap();
    std::os::unix::fs::symlink(&inside, site.join("content/snapshots/mrr.csv")).unwrap();
    let o = pull(&site, &[]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains("`mrr.csv` is a symbolic link, and palanca never writes through one"),
        "{err}"
    );
    assert_eq!(std::fs::read_to_string(&inside).unwrap(), "keep me too");
    // The snapshots folder itself a link, even to a folder of the site.
    let elsewhere = site.join("data/elsewhere");
    std::fs::create_dir_all(&elsewhere).unwrap();
    std::fs::remove_dir_all(site.join("content/snapshots")).unwrap();
    std::os::unix::fs::symlink(&elsewhere, site.join("content/snapshots")).unwrap();
    let o = pull(&site, &[]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("`snapshots` is a symbolic link"), "{}", stderr(&o));
    assert_eq!(std::fs::read_dir(&elsewhere).unwrap().count(), 0);
}

#[test]
fn the_default_output_is_never_a_link_the_site_brought() {
    let dir = tempfile::tempdir().unwrap();
    let site = minimal(dir.path());
    // Someone else's site, built by palanca, that a planted link points at.
    let theirs = dir.path().join("theirs");
    assert!(build(&site, &theirs).status.success());
    let before = crate::snapshot(&theirs);
    std::fs::write(site.join("content/_index.md"), "---\ntitle: Changed\n---\nchanged\n").unwrap();
    std::os::unix::fs::symlink(&theirs, site.join("output")).unwrap();
    let o = palanca_in(&site, &["build"]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains("is a symbolic link, and palanca never writes through a link it did not make"),
        "{err}"
    );
    assert_eq!(crate::snapshot(&theirs), before, "their site is untouched");
    // Given on the command line, a link is the user's own choice.
    let o = palanca_in(&site, &["build", "--out", "output"]);
    assert!(o.status.success(), "{}", stderr(&o));
}

#[test]
fn a_fifo_as_a_source_is_refused_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let site = pulling_site(dir.path(), b"");
    std::fs::remove_file(site.join("data/mrr.csv")).unwrap();
    let made = std::process::Command::new("mkfifo")
        .arg(site.join("data/mrr.csv"))
        .status()
        .unwrap();
    assert!(made.success());
    let o = pull(&site, &[]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("cannot read `data/mrr.csv`"), "{err}");
    assert!(err.contains("is not a regular file"), "{err}");
}

#[test]
fn pull_refuses_what_the_build_would_refuse() {
    let dir = tempfile::tempdir().unwrap();
    // 100,000 rows of 10^14 in one month: 10^19 in all.
    let mut csv = String::from("period,value\n");
    for _ in 0..100_000 {
        csv.push_str("2024-01-15,100000000000000\n");
    }
    let site = pulling_site(dir.path(), csv.as_bytes());
    let o = pull(&site, &[]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("`mrr` pulled 10000000000000000000 for 2024-01"), "{err}");
    assert!(err.contains("beyond 10^15"), "{err}");
    assert!(!site.join("content/snapshots/mrr.csv").exists(), "no snapshot written");
}

#[test]
fn control_characters_from_a_source_reach_the_terminal_visible_only() {
    let dir = tempfile::tempdir().unwrap();
    let site = pulling_site(dir.path(), b"period,value\n2024-01,\x1b]0;pwned\x07\x1b[2J12\n");
    let o = pull(&site, &[]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(!err.contains('\u{1b}') && !err.contains('\u{7}'), "{err:?}");
    assert!(err.contains("␛]0;pwned␇␛[2J12"), "{err}");
}

#[test]
fn deep_yaml_is_refused_before_any_parser_runs() {
    let dir = tempfile::tempdir().unwrap();
    let site = minimal(dir.path());
    let depth = 100_000;
    let nested = format!("title: Deep\nmetrics: {}{}\n", "[".repeat(depth), "]".repeat(depth));
    std::fs::write(site.join("content/metrics/deep.yaml"), nested).unwrap();
    let o = palanca(&["check", "--site", site.to_str().unwrap()]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains("error[too-large]: invalid metric file: `[…]` and `{…}` are nested more than 32 levels deep here"),
        "{err}"
    );
    assert!(err.contains("--> content/metrics/deep.yaml:2:42"), "{err}");
}

#[test]
fn markdown_nested_without_end_is_refused_at_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let site = minimal(dir.path());
    let page = format!("---\ntitle: Quotes\n---\nIntro.\n\n{}\n", ">".repeat(4_000_000));
    std::fs::write(site.join("content/plan/quotes.md"), page).unwrap();
    let o = build(&site, &dir.path().join("out"));
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains("error[too-large]: this line opens more than 32 block quotes and list items at once"),
        "{err}"
    );
    assert!(err.contains("--> content/plan/quotes.md:6:1"), "{err}");
}

#[test]
fn a_page_that_would_outgrow_any_browser_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let site = minimal(dir.path());
    let body = "{{ table(metrics=\"arr,mrr\") }}\n".repeat(250_000);
    std::fs::write(
        site.join("content/plan/huge.md"),
        format!("---\ntitle: Huge\n---\n{body}"),
    )
    .unwrap();
    let out = dir.path().join("out");
    let o = build(&site, &out);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains("error[too-large]: the page `plan/huge/index.html` would be larger than 64 MiB"),
        "{err}"
    );
    assert!(!out.exists(), "nothing written");
}

#[test]
fn names_that_cannot_be_pages_are_refused_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let site = minimal(dir.path());
    // A file name in Latin-1, not UTF-8.
    let latin1 = std::ffi::OsStr::from_bytes(b"caf\xe9.md");
    std::fs::write(site.join("content/plan").join(latin1), "---\ntitle: Café\n---\n").unwrap();
    std::fs::write(site.join("content/sitemap.xml.md"), "---\ntitle: Map\n---\n").unwrap();
    let o = build(&site, &dir.path().join("out"));
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains("error[not-utf8]: the name of `content/plan/caf�.md` is not valid UTF-8"),
        "{err}"
    );
    assert!(!err.contains("No such file"), "{err}");
    assert!(
        err.contains("error[path-collision]: `content/sitemap.xml.md` would be written to sitemap.xml/index.html"),
        "{err}"
    );
}

#[test]
fn the_help_says_who_a_build_is_for_by_default() {
    let o = palanca(&["build", "--help"]);
    let help = String::from_utf8_lossy(&o.stdout);
    assert!(
        help.contains("investors: Everything, for the investors: the default"),
        "{help}"
    );
    assert!(!help.contains("public:    Anyone: the default"), "{help}");
}

use std::os::unix::ffi::OsStrExt;
