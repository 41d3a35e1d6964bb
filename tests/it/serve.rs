//! `palanca serve`: a page is served, a save is seen, a broken save shows
//! the overlay over the last good site, a fix clears it. Every wait is
//! bounded.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::repo;

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn get(port: u16, path: &str) -> Option<String> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    write!(s, "GET {path} HTTP/1.0\r\nHost: localhost\r\n\r\n").ok()?;
    let mut out = String::new();
    s.read_to_string(&mut out).ok()?;
    Some(out)
}

/// Polls `path` until `ok` holds, for at most ten seconds.
fn wait_for(port: u16, path: &str, what: &str, ok: impl Fn(&str) -> bool) -> String {
    let started = Instant::now();
    loop {
        if let Some(page) = get(port, path)
            && ok(&page)
        {
            return page;
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "timed out waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from).into_iter().filter_map(Result::ok) {
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

#[test]
fn serve_rebuilds_on_save_and_overlays_errors() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path();
    copy_dir(&repo().join("tests/fixtures/valid/minimal"), site);
    let port = free_port();
    let bin = assert_cmd::cargo::cargo_bin("palanca");
    let child = Command::new(bin)
        .args(["serve", "--site", site.to_str().unwrap(), "--port", &port.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let _server = Server(child);

    let home = wait_for(port, "/", "the first page", |p| {
        p.starts_with("HTTP/1.0 200") || p.starts_with("HTTP/1.1 200")
    });
    assert!(
        home.contains("EventSource('/__palanca/events')"),
        "live reload client injected"
    );
    assert!(!home.contains("palanca-errors"));

    // Listen for the reload event while saving a change.
    let mut events = TcpStream::connect(("127.0.0.1", port)).unwrap();
    events.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(events, "GET /__palanca/events HTTP/1.1\r\nHost: localhost\r\n\r\n").unwrap();
    let mut events = BufReader::new(events);
    let mut line = String::new();
    events.read_line(&mut line).unwrap();
    assert!(line.starts_with("HTTP/1.1 200"), "{line}");

    let index = site.join("content/_index.md");
    let text = std::fs::read_to_string(&index).unwrap();
    std::fs::write(&index, format!("{text}\nFreshmarker paragraph.\n")).unwrap();
    wait_for(port, "/index.html", "the saved change", |p| p.contains("Freshmarker"));
    let mut seen_reload = false;
    for _ in 0..20 {
        line.clear();
        if events.read_line(&mut line).unwrap_or(0) == 0 {
            break;
        }
        if line.trim() == "data: reload" {
            seen_reload = true;
            break;
        }
    }
    assert!(seen_reload, "a reload event was sent");

    let metrics = std::fs::read_dir(site.join("content/metrics"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let good = std::fs::read_to_string(&metrics).unwrap();
    std::fs::write(&metrics, good.replace("formula: arr / 12", "formula: arrr / 12")).unwrap();
    let broken = wait_for(port, "/index.html", "the error overlay", |p| {
        p.contains("palanca-errors")
    });
    assert!(broken.contains("unknown metric `arrr`"), "the diagnostic is shown");
    assert!(broken.contains("content/metrics/"), "with its file");
    assert!(broken.contains("Freshmarker"), "over the last good site");

    std::fs::write(&metrics, good).unwrap();
    wait_for(port, "/index.html", "the overlay to clear", |p| {
        !p.contains("palanca-errors") && p.contains("Freshmarker")
    });
}

#[test]
fn serve_moves_to_the_next_port_when_taken() {
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let bin = assert_cmd::cargo::cargo_bin("palanca");
    let mut child = Command::new(bin)
        .args([
            "serve",
            "--site",
            repo().join("tests/fixtures/valid/minimal").to_str().unwrap(),
            "--port",
            &port.to_string(),
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut err = BufReader::new(child.stderr.take().unwrap());
    let mut said = String::new();
    let started = Instant::now();
    while !said.contains("serving") && started.elapsed() < Duration::from_secs(10) {
        let mut line = String::new();
        if err.read_line(&mut line).unwrap_or(0) == 0 {
            break;
        }
        said.push_str(&line);
    }
    let _server = Server(child);
    assert!(said.contains(&format!("port {port} is in use; using")), "{said}");
    drop(taken);
}

#[test]
fn cached_rebuilds_redo_only_what_changed_and_match_a_fresh_build() {
    use palanca::pipeline::{Caches, Options, preview};
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path();
    crate::copy_example(site);
    let cache = Caches::new();
    let first = preview(site, Options::default(), &cache).unwrap();
    assert_eq!(first.stats.reused, 0);
    let again = preview(site, Options::default(), &cache).unwrap();
    assert_eq!(again.stats.redone, 0, "nothing changed, nothing redone");
    assert_eq!(again.files, first.files);

    let page = site.join("content/plan/roadmap/mes-03.md");
    std::fs::write(&page, std::fs::read_to_string(&page).unwrap() + "\nCachemarker.\n").unwrap();
    let changed = preview(site, Options::default(), &cache).unwrap();
    assert!(
        changed.stats.redone <= 3,
        "only the page's Markdown and HTML: {}",
        changed.stats.redone
    );
    let fresh = preview(site, Options::default(), &Caches::default()).unwrap();
    assert_eq!(
        changed.files, fresh.files,
        "the cached build equals a fresh one byte for byte"
    );
    let differing: Vec<_> = first
        .files
        .keys()
        .filter(|k| first.files[*k] != changed.files[*k])
        .collect();
    assert_eq!(differing, ["plan/roadmap/mes-03/index.html"]);
}
