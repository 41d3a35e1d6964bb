//! `palanca serve`: run as the README shows it (in the site folder, no
//! flags) and with `--site`, a page is served, a save is seen, a broken
//! save shows the overlay over the last good site, a fix clears it; hostile
//! requests are refused without harm. Every wait is bounded.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::repo;

struct Server(Child);

impl Drop for Server {
    /// Stops serve as a user would (SIGTERM), so it removes its folder;
    /// killed outright if it has not stopped within five seconds.
    fn drop(&mut self) {
        if let Ok(Some(_)) = self.0.try_wait() {
            return; // Stopped already (and its id may be another's now).
        }
        let _ = Command::new("kill").arg(self.0.id().to_string()).status();
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(5) {
            if let Ok(Some(_)) = self.0.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `palanca serve` with `args` in `cwd` and returns it with the port
/// it says it serves on (it moves to a free one if its port is taken).
fn start(cwd: &Path, args: &[&str]) -> (Server, u16) {
    start_in_temp(cwd, args, &std::env::temp_dir())
}

/// [`start`] with the system's temporary folder at `temp`.
fn start_in_temp(cwd: &Path, args: &[&str], temp: &Path) -> (Server, u16) {
    let bin = assert_cmd::cargo::cargo_bin("palanca");
    let mut child = Command::new(bin)
        .current_dir(cwd)
        .env("TMPDIR", temp)
        .arg("serve")
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let server = Server(child);
    let started = Instant::now();
    let mut said = String::new();
    while started.elapsed() < Duration::from_secs(20) {
        let Ok(line) = rx.recv_timeout(Duration::from_millis(200)) else {
            continue;
        };
        said.push_str(&line);
        said.push('\n');
        if let Some(url) = line.split("http://127.0.0.1:").nth(1) {
            let port = url
                .trim_end_matches(|c: char| !c.is_ascii_digit())
                .split('/')
                .next()
                .unwrap();
            std::thread::spawn(move || while rx.recv().is_ok() {});
            return (server, port.parse().unwrap());
        }
    }
    panic!("serve never said where it serves:\n{said}");
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// Sends `request` as is and returns the whole answer.
fn raw(port: u16, request: &str) -> String {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    s.write_all(request.as_bytes()).unwrap();
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    String::from_utf8_lossy(&out).into_owned()
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

/// Saves a change, a break and a fix, and checks what the preview shows
/// after each.
fn edit_break_and_fix(site: &Path, port: u16) {
    let home = wait_for(port, "/", "the first page", |p| p.starts_with("HTTP/1.0 200"));
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
    for _ in 0..40 {
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
fn serve_run_in_the_site_folder_rebuilds_on_save() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path();
    crate::copy_tree(&repo().join("tests/fixtures/valid/minimal"), site);
    // Exactly as the README shows it: no flags at all.
    let (_server, port) = start(site, &[]);
    edit_break_and_fix(site, port);
}

#[test]
fn serve_keeps_its_site_in_a_temporary_folder_and_removes_it_when_stopped() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path();
    crate::copy_tree(&repo().join("tests/fixtures/valid/minimal"), site);
    let temp = tempfile::tempdir().unwrap();
    let (server, port) = start_in_temp(site, &[], temp.path());
    wait_for(port, "/", "the first page", |p| p.contains("Minimal plan"));
    let folders: Vec<PathBuf> = std::fs::read_dir(temp.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(folders.len(), 1, "{folders:?}");
    let served = folders[0].join("site/index.html");
    assert!(std::fs::read_to_string(&served).unwrap().contains("Minimal plan"));
    assert!(!site.join("output").exists(), "serve never writes the built site");
    // Stopped politely (SIGTERM, as `kill` and service managers do).
    let status = Command::new("kill").arg(server.0.id().to_string()).status().unwrap();
    assert!(status.success());
    let mut server = server;
    let exit = server.0.wait().unwrap();
    assert!(exit.success(), "{exit:?}");
    assert!(!folders[0].exists(), "the preview's folder is removed");
}

#[test]
fn serve_with_site_rebuilds_on_save_and_overlays_errors() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    crate::copy_tree(&repo().join("tests/fixtures/valid/minimal"), &site);
    let port = free_port();
    let elsewhere = tempfile::tempdir().unwrap();
    let (_server, port) = start(
        elsewhere.path(),
        &["--site", site.to_str().unwrap(), "--port", &port.to_string()],
    );
    edit_break_and_fix(&site, port);
}

#[test]
fn serve_answers_only_the_loopback_and_only_reads() {
    let (_server, port) = start(
        &repo().join("tests/fixtures/valid/minimal"),
        &["--port", &free_port().to_string()],
    );
    wait_for(port, "/", "the first page", |p| p.starts_with("HTTP/1.0 200"));
    let status = |answer: String| answer.lines().next().unwrap_or("").to_string();
    for host in ["localhost", "127.0.0.1", &format!("localhost:{port}"), "[::1]"] {
        let a = raw(
            port,
            &format!("GET / HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"),
        );
        assert!(status(a).contains("200"), "{host}");
    }
    for host in [
        "evil.example",
        &format!("evil.example:{port}"),
        "localhost.evil.example",
        "127.0.0.1.nip.io",
    ] {
        let a = raw(
            port,
            &format!("GET /data/metrics.json HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"),
        );
        assert!(status(a.clone()).contains("403"), "{host}: {a}");
        assert!(!a.contains("\"metrics\""), "nothing of the site for {host}");
    }
    let a = raw(port, "GET / HTTP/1.1\r\nConnection: close\r\n\r\n");
    assert!(status(a).contains("400"), "HTTP/1.1 without a host");
    for method in ["POST", "PUT", "DELETE", "OPTIONS"] {
        let a = raw(
            port,
            &format!("{method} / HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"),
        );
        assert!(
            status(a.clone()).contains("405") && a.to_lowercase().contains("allow: get, head"),
            "{method}: {a}"
        );
    }
    // An absurd announced body is never read, and the server lives on.
    let a = raw(
        port,
        "POST / HTTP/1.1\r\nHost: localhost\r\nContent-Length: 99999999999\r\n\r\n",
    );
    assert!(status(a).contains("405"));
    let a = raw(
        port,
        "GET / HTTP/1.1\r\nHost: localhost\r\nContent-Length: 99999999999\r\n\r\n",
    );
    assert!(status(a).contains("200"));
    let huge = format!(
        "GET / HTTP/1.1\r\nHost: localhost\r\nX-Big: {}\r\n\r\n",
        "a".repeat(64 * 1024)
    );
    let a = raw(port, &huge);
    assert!(
        status(a.clone()).contains("431") || a.is_empty(),
        "oversized headers are refused: {a}"
    );
    let head = raw(port, "HEAD / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
    assert!(
        status(head.clone()).contains("200") && !head.contains("<html"),
        "HEAD has no body"
    );
    assert!(get(port, "/").unwrap().contains("200"), "still serving");
}

#[test]
fn a_page_that_missed_a_rebuild_reloads_when_it_reconnects() {
    let (_server, port) = start(
        &repo().join("tests/fixtures/valid/minimal"),
        &["--port", &free_port().to_string()],
    );
    wait_for(port, "/", "the first page", |p| p.starts_with("HTTP/1.0 200"));
    let mut events = TcpStream::connect(("127.0.0.1", port)).unwrap();
    events.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    // The generation the page last saw was an older one.
    write!(
        events,
        "GET /__palanca/events HTTP/1.1\r\nHost: localhost\r\nLast-Event-ID: 0\r\n\r\n"
    )
    .unwrap();
    let mut events = BufReader::new(events);
    let mut seen = String::new();
    let mut line = String::new();
    while events.read_line(&mut line).unwrap_or(0) > 0 {
        seen.push_str(&line);
        if line.trim() == "data: reload" {
            return;
        }
        line.clear();
        assert!(seen.len() < 4096, "{seen}");
    }
    panic!("no reload for a page that missed one:\n{seen}");
}

#[test]
fn serve_moves_to_the_next_port_when_taken() {
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let (_server, used) = start(
        &repo().join("tests/fixtures/valid/minimal"),
        &["--port", &port.to_string()],
    );
    assert_ne!(used, port);
    drop(taken);
}

#[test]
fn cached_rebuilds_redo_only_what_changed_and_match_a_fresh_build() {
    use palanca::pipeline::{Caches, Options, preview};
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path();
    crate::copy_example(site);
    // Every reused piece is rendered again and compared: a cache key that
    // misses one of its inputs shows up as `stale`.
    let cache = Caches::verifying();
    let first = preview(site, Options::default(), &cache).unwrap();
    // The first build draws everything (a chart two pages show is drawn once).
    assert!(first.stats.redone > first.stats.reused, "{:?}", first.stats);
    let again = preview(site, Options::default(), &cache).unwrap();
    assert_eq!(again.stats.redone, 0, "nothing changed, nothing redone");
    assert_eq!(again.stats.stale, 0, "no reused piece differs from a fresh render");
    assert_eq!(again.files, first.files);

    let page = site.join("content/plan/roadmap/mes-03.md");
    std::fs::write(&page, std::fs::read_to_string(&page).unwrap() + "\nCachemarker.\n").unwrap();
    let changed = preview(site, Options::default(), &cache).unwrap();
    assert_eq!(changed.stats.stale, 0, "no reused piece differs from a fresh render");
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

    // A metric edit, a site.yaml edit and a theme edit: each cached
    // rebuild equals a fresh build byte for byte.
    let kpi = "<article class=\"kpi\"><h3>{{ k.label }}</h3><p class=\"kpi-value\">{{ k.value }}</p></article>";
    let edits: [(&str, &str, &str); 5] = [
        ("content/metrics/producto.yaml", "2024-03: 0.78", "2024-03: 0.79"),
        // A folder's title shows in its pages' breadcrumbs and in the
        // list of its parent folder.
        (
            "content/plan/roadmap/_index.md",
            "title: Hoja de ruta",
            "title: Hoja de ruta 2",
        ),
        ("themes/mine/templates/partials/kpi.html", "", kpi),
        (
            "site.yaml",
            "title: Plan de crecimiento 2024",
            "title: Plan de crecimiento 2024 (v2)\ntheme: mine",
        ),
        (
            "themes/mine/templates/partials/kpi.html",
            "<h3>",
            "<h3 class=\"edited\">",
        ),
    ];
    for (file, from, to) in edits {
        let path = site.join(file);
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        let edited = if from.is_empty() {
            to.to_string()
        } else {
            text.replacen(from, to, 1)
        };
        assert!(from.is_empty() || edited != text, "{file} holds `{from}`");
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, edited).unwrap();
        let cached = preview(site, Options::default(), &cache).unwrap();
        let fresh = preview(site, Options::default(), &Caches::default()).unwrap();
        assert!(
            cached.files == fresh.files,
            "after editing {file}, the cached build differs from a fresh one"
        );
        assert!(cached.stats.reused > 0, "after editing {file}, nothing was reused");
        assert_eq!(cached.stats.stale, 0, "after editing {file}, a reused piece is stale");
    }
}

#[test]
fn idle_and_slow_clients_never_keep_a_page_from_being_served() {
    let (_server, port) = start(
        &repo().join("tests/fixtures/valid/minimal"),
        &["--port", &free_port().to_string()],
    );
    wait_for(port, "/", "the first page", |p| p.starts_with("HTTP/1.0 200"));
    // Seventy sockets that say nothing: more than the server keeps open.
    let idle: Vec<TcpStream> = (0..70)
        .map(|_| TcpStream::connect(("127.0.0.1", port)).unwrap())
        .collect();
    // Sixty-four slow clients, each a few bytes into its request.
    let slow: Vec<TcpStream> = (0..64)
        .map(|_| {
            let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
            s.write_all(b"GET / HTTP/1.1\r\nHost: local").unwrap();
            s
        })
        .collect();
    // Pages are still served, each on a new connection, while all of those
    // are held open; an event stream too.
    for _ in 0..5 {
        let page = get(port, "/").expect("a page, while idle clients hold connections");
        assert!(page.starts_with("HTTP/1.0 200"), "{page}");
    }
    let mut events = TcpStream::connect(("127.0.0.1", port)).unwrap();
    events.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    write!(events, "GET /__palanca/events HTTP/1.1\r\nHost: localhost\r\n\r\n").unwrap();
    let mut first = [0u8; 64];
    let n = events.read(&mut first).unwrap();
    assert!(
        String::from_utf8_lossy(&first[..n]).contains("200"),
        "the reload stream opens"
    );
    drop((idle, slow));
}
