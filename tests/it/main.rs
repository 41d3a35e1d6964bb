//! Integration tests: whole sites built by the real binary, and the HTML
//! read back with an HTML parser.

mod architecture;
mod audience;
mod browser;
mod cdp;
mod email;
mod encrypted;
mod example;
mod fixtures;
mod hardening;
mod investor_plans;
mod output;
mod postgres;
mod pull;
mod readers;
mod revenue;
mod robust;
mod schema;
mod serve;
mod updates;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Output;

use scraper::{Html, Selector};

/// The repository root, which is itself the example site.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs `palanca` with `args`.
pub fn palanca(args: &[&str]) -> Output {
    assert_cmd::Command::cargo_bin("palanca")
        .expect("binary")
        .args(args)
        .output()
        .expect("palanca runs")
}

/// Runs `palanca` with `args` inside the folder `dir`, as the README shows
/// the commands: in the site folder, without `--site`.
pub fn palanca_in(dir: &Path, args: &[&str]) -> Output {
    assert_cmd::Command::cargo_bin("palanca")
        .expect("binary")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("palanca runs")
}

/// Builds the site at `site` into `out` and returns the process output.
pub fn build(site: &Path, out: &Path) -> Output {
    palanca(&[
        "build",
        "--site",
        site.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ])
}

/// Standard error as text.
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Parses an HTML file of a built site.
pub fn html(out: &Path, rel: &str) -> Html {
    let text = std::fs::read_to_string(out.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
    Html::parse_document(&text)
}

/// The trimmed text of every element matching `css`.
pub fn texts(doc: &Html, css: &str) -> Vec<String> {
    let sel = Selector::parse(css).unwrap();
    doc.select(&sel)
        .map(|e| e.text().collect::<String>().trim().to_string())
        .collect()
}

/// Every file under `dir` with its bytes, by relative path.
pub fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path().strip_prefix(dir).unwrap().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

/// Builds the public version of the site at `site` into `out`.
pub fn public_build(site: &Path, out: &Path) -> Output {
    palanca(&[
        "build",
        "--audience",
        "public",
        "--site",
        site.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ])
}

/// Copies the example site (site.yaml, content/ and the exports in data/)
/// to a fresh folder.
pub fn copy_example(to: &Path) {
    std::fs::copy(repo().join("site.yaml"), to.join("site.yaml")).unwrap();
    copy_tree(&repo().join("content"), &to.join("content"));
    copy_tree(&repo().join("data"), &to.join("data"));
}

/// Copies the folder `from` into `to`.
pub fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from).into_iter().filter_map(Result::ok) {
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}
