//! Personal links to the encrypted build: each reader's link opens the
//! site without typing (from a served folder and from `file://`), its key
//! never reaches the server, a revoked reader's link stops opening the
//! rebuilt site while the others' keep working, the passphrase still opens
//! it, and nothing in the output names a reader.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use crate::cdp::browser_or_skip;
use crate::{copy_example, palanca, snapshot, stderr};

const PASSPHRASE: &str = "maple orbit quietly seventeen lanterns";

/// The example with a readers file, in a fresh folder.
fn example_with_readers(lines: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    copy_example(dir.path());
    let readers = dir.path().join("inversores.txt");
    std::fs::write(&readers, lines).unwrap();
    (dir, readers)
}

/// `palanca build --encrypt --readers` of `site` into `out`, with the
/// passphrase when given.
fn build_for_readers(site: &Path, readers: &Path, out: &Path, passphrase: Option<&str>) -> std::process::Output {
    let mut cmd = assert_cmd::Command::cargo_bin("palanca").unwrap();
    match passphrase {
        Some(p) => cmd.env("PALANCA_PASSWORD", p),
        None => cmd.env_remove("PALANCA_PASSWORD"),
    };
    cmd.args(["build", "--encrypt", "--readers", readers.to_str().unwrap()])
        .args(["--site", site.to_str().unwrap(), "--out", out.to_str().unwrap()])
        .output()
        .unwrap()
}

/// `palanca links`: each address's key.
fn keys(site: &Path, readers: &Path) -> BTreeMap<String, String> {
    let o = palanca(&[
        "links",
        "--readers",
        readers.to_str().unwrap(),
        "--site",
        site.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    String::from_utf8_lossy(&o.stdout)
        .lines()
        .map(|l| {
            let (address, link) = l.split_once('\t').expect("address, a tab, the link");
            assert!(link.starts_with("https://example.com/palanca/#key="), "{link}");
            (address.to_string(), link.split_once("#key=").unwrap().1.to_string())
        })
        .collect()
}

/// A static server of `dir` (Python's), its request log in `log`.
struct Served {
    child: Child,
    port: u16,
    log: PathBuf,
}

impl Served {
    fn start(dir: &Path, log: PathBuf) -> Served {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new("python3")
            .args([
                "-m",
                "http.server",
                &port.to_string(),
                "--bind",
                "127.0.0.1",
                "--directory",
            ])
            .arg(dir)
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .expect("python3 serves the folder");
        let started = std::time::Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(started.elapsed().as_secs() < 20, "the server never started");
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        Served { child, port, log }
    }

    fn requests(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap()
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn personal_links_open_the_site_and_a_revoked_one_stops_opening_it() {
    let Some(mut browser) = browser_or_skip("personal links in Chromium") else {
        return;
    };
    let (dir, readers) = example_with_readers("Ana Ruiz <ana@example.com>\nbo@example.com\n");
    let site = dir.path();
    let out = site.join("investors");
    let o = build_for_readers(site, &readers, &out, Some(PASSPHRASE));
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("encrypted for 2 readers (2 new)"), "{}", stderr(&o));
    let before = keys(site, &readers);
    let served = Served::start(&out, site.join("requests.log"));
    let http = |rel: &str| format!("http://127.0.0.1:{}/{rel}", served.port);

    // Ana's link, from the served folder: open, and the key leaves the bar.
    let mut tab = browser.page(1280, 900);
    tab.goto(&format!("{}#key={}", http("index.html"), before["ana@example.com"]));
    assert!(
        tab.wait_for("document.querySelectorAll('.kpi').length > 0"),
        "Ana's link opens the site"
    );
    assert_eq!(tab.eval("location.hash"), "", "the key is taken out of the address");
    assert_eq!(
        tab.eval("location.href"),
        http("index.html"),
        "the entry itself was replaced"
    );
    tab.goto(&http("metrics/ingresos/index.html"));
    assert!(
        tab.wait_for("document.querySelector('svg.chart') !== null"),
        "another page opens with the kept key"
    );
    let log = served.requests();
    assert!(log.contains("GET /index.html"), "{log}");
    assert!(!log.contains("key="), "the key never reaches the server:\n{log}");

    // Bo's link, from the disk.
    let mut disk = browser.page(1280, 900);
    disk.goto(&format!(
        "file://{}/updates/2024-03/index.html#key={}",
        out.display(),
        before["bo@example.com"]
    ));
    assert!(
        disk.wait_for("document.querySelectorAll('.kpi').length > 0"),
        "Bo's link opens from file://"
    );

    // Ana is revoked: the rebuilt site does not open for her link.
    std::fs::write(&readers, "bo@example.com\n").unwrap();
    let o = build_for_readers(site, &readers, &out, Some(PASSPHRASE));
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("encrypted for 1 reader (1 revoked)"),
        "{}",
        stderr(&o)
    );
    let after = keys(site, &readers);
    assert_eq!(
        after.get("bo@example.com"),
        before.get("bo@example.com"),
        "Bo keeps his link"
    );
    let mut revoked = browser.page(1280, 900);
    revoked.goto(&format!("{}#key={}", http("index.html"), before["ana@example.com"]));
    assert!(
        revoked
            .wait_for("document.getElementById('palanca-status').textContent.includes('Este enlace no abre el sitio')"),
        "a revoked link says so in the site's language"
    );
    assert_eq!(
        revoked.eval("document.querySelectorAll('.kpi, svg.chart, table').length"),
        0,
        "and shows nothing"
    );
    let mut kept = browser.page(1280, 900);
    kept.goto(&format!("{}#key={}", http("index.html"), before["bo@example.com"]));
    assert!(
        kept.wait_for("document.querySelectorAll('.kpi').length > 0"),
        "Bo's old link opens the new build"
    );

    // The passphrase still opens it.
    let mut typed = browser.page(1280, 900);
    typed.goto(&format!("file://{}/index.html", out.display()));
    typed.eval(&format!(
        "document.getElementById('palanca-passphrase').value = {}; document.getElementById('palanca-unlock').requestSubmit(); true",
        serde_json::json!(PASSPHRASE)
    ));
    assert!(
        typed.wait_for("document.querySelectorAll('.kpi').length > 0"),
        "the passphrase opens it"
    );
}

#[test]
fn no_reader_is_named_in_the_output_and_the_keyring_counts_them_only() {
    let (dir, readers) = example_with_readers("Ana Ruiz <ana@example.com>\nbo@example.com\n# a comment\n");
    let site = dir.path();
    let out = site.join("investors");
    let o = build_for_readers(site, &readers, &out, None);
    assert!(o.status.success(), "{}", stderr(&o));
    let keys = keys(site, &readers);
    let files = snapshot(&out);
    for (path, bytes) in &files {
        let text = String::from_utf8_lossy(bytes);
        for secret in [
            "ana@example.com",
            "Ana Ruiz",
            "bo@example.com",
            "inversores",
            "reader-keys",
        ] {
            assert!(!text.contains(secret), "{path} names `{secret}`");
        }
        for key in keys.values() {
            assert!(!text.contains(key.as_str()), "{path} holds a reader's key");
        }
    }
    let ring = String::from_utf8_lossy(&files["assets/keys.js"]).into_owned();
    let json: serde_json::Value = serde_json::from_str(
        ring.trim()
            .strip_prefix("window.palancaKeyring=")
            .unwrap()
            .trim_end_matches(';'),
    )
    .unwrap();
    assert_eq!(json["readers"].as_array().unwrap().len(), 2);
    assert!(json["pass"].is_null(), "no passphrase was given, none opens it");
    let shell = String::from_utf8_lossy(&files["index.html"]).into_owned();
    assert!(!shell.contains("palanca-passphrase"), "nothing to type");
    assert!(shell.contains("se abre con el enlace personal"), "{shell}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(site.join("reader-keys"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}

#[test]
fn links_need_a_build_and_the_sites_address() {
    let (dir, readers) = example_with_readers("ana@example.com\n");
    let site = dir.path();
    let o = palanca(&[
        "links",
        "--readers",
        readers.to_str().unwrap(),
        "--site",
        site.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("ana@example.com has no personal key"),
        "no link that opens nothing: {}",
        stderr(&o)
    );
    assert!(stderr(&o).contains("inversores.txt:1"), "{}", stderr(&o));

    let yaml = site.join("site.yaml");
    let text = std::fs::read_to_string(&yaml).unwrap();
    let without: Vec<&str> = text.lines().filter(|l| !l.starts_with("base_url:")).collect();
    std::fs::write(&yaml, without.join("\n")).unwrap();
    let o = palanca(&[
        "links",
        "--readers",
        readers.to_str().unwrap(),
        "--site",
        site.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("`base_url` gives none"), "{}", stderr(&o));

    let o = assert_cmd::Command::cargo_bin("palanca")
        .unwrap()
        .env_remove("PALANCA_PASSWORD")
        .args(["build", "--encrypt", "--site", site.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "without readers, a passphrase is needed");
    assert!(stderr(&o).contains("--encrypt needs a passphrase"), "{}", stderr(&o));
}
