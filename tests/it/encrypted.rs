//! The encrypted investor build: nothing of the site can be read from its
//! files, a real browser opens it with the right passphrase (and shows
//! nothing with a wrong one), and Rust's encryption is what WebCrypto
//! decrypts.

use std::path::Path;

use crate::cdp::browser_or_skip;
use crate::{build, html, repo, snapshot, stderr, texts};

const PASSPHRASE: &str = "maple orbit quietly seventeen lanterns";

fn encrypted_build(site: &Path, out: &Path) -> std::process::Output {
    encrypted_build_with(Some(PASSPHRASE), site, out)
}

/// `palanca build --encrypt` with the passphrase in PALANCA_PASSWORD (none:
/// the variable unset).
fn encrypted_build_with(passphrase: Option<&str>, site: &Path, out: &Path) -> std::process::Output {
    let mut cmd = assert_cmd::Command::cargo_bin("palanca").unwrap();
    match passphrase {
        Some(p) => cmd.env("PALANCA_PASSWORD", p),
        None => cmd.env_remove("PALANCA_PASSWORD"),
    };
    cmd.args([
        "build",
        "--encrypt",
        "--site",
        site.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ])
    .output()
    .unwrap()
}

/// Text of the plain build a reader could recognise: every heading, KPI
/// value, table cell and chart label of every page, and every metric label.
/// Only markers that base64 cannot produce by chance (they hold a space, an
/// accent, `$`, `%` …) are kept, so ciphertext cannot match them.
fn markers(plain: &Path, site_title: &str) -> Vec<String> {
    let mut found = std::collections::BTreeSet::new();
    for (path, _) in snapshot(plain).iter().filter(|(p, _)| p.ends_with(".html")) {
        let doc = html(plain, path);
        for css in ["h1", "h2", "h3", ".kpi-value", "td", "th", "figcaption", "li"] {
            found.extend(texts(&doc, css));
        }
    }
    found
        .into_iter()
        .filter(|t| t.chars().count() >= 4 && t != site_title)
        .filter(|t| {
            t.chars()
                .any(|c| !(c.is_ascii_alphanumeric() || c == '+' || c == '/' || c == '='))
        })
        .collect()
}

#[test]
fn an_encrypted_build_reveals_nothing_of_the_site() {
    let dir = tempfile::tempdir().unwrap();
    let (plain, sealed) = (dir.path().join("plain"), dir.path().join("sealed"));
    assert!(build(&repo(), &plain).status.success());
    let o = encrypted_build(&repo(), &sealed);
    assert!(o.status.success(), "{}", stderr(&o));
    let markers = markers(&plain, "Plan de crecimiento 2024");
    assert!(markers.len() > 300, "only {} markers", markers.len());
    for must in ["$455K", "Mes 1 · Preparación y análisis", "LTV/CAC"] {
        assert!(markers.iter().any(|m| m.contains(must)), "the plain build shows {must}");
    }
    let files = snapshot(&sealed);
    for (path, bytes) in &files {
        let text = String::from_utf8_lossy(bytes);
        for marker in &markers {
            assert!(!text.contains(marker.as_str()), "{path} shows `{marker}`");
        }
    }
    assert!(
        !files.contains_key("atom.xml") && !files.contains_key("sitemap.xml"),
        "no feed, no sitemap"
    );
    assert!(files.contains_key("metrics/ingresos.csv.js") && !files.contains_key("metrics/ingresos.csv"));
    assert!(!files.contains_key("data/metrics.json"));
    let shell = html(&sealed, "plan/roadmap/index.html");
    assert_eq!(
        texts(&shell, "title"),
        ["Plan de crecimiento 2024"],
        "the shell's title is the site's only"
    );
    assert_eq!(
        texts(&shell, "label[for=palanca-passphrase]"),
        ["Frase de paso"],
        "in the site's language"
    );
}

#[test]
fn a_weak_or_missing_passphrase_is_refused_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    for (weak, why) in [
        ("short", "shorter than 12"),
        ("password1234", "too weak"),
        ("Plan de crecimiento 2024", "site's own title"),
    ] {
        let o = encrypted_build_with(Some(weak), &repo(), &out);
        assert_eq!(o.status.code(), Some(1), "{weak}");
        assert!(
            stderr(&o).contains("error[encryption]") && stderr(&o).contains(why),
            "{weak}: {}",
            stderr(&o)
        );
        assert!(
            !stderr(&o).contains(weak) || weak == "short",
            "the passphrase is never printed"
        );
        assert!(!out.exists());
    }
    let o = encrypted_build_with(None, &repo(), &out);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("PALANCA_PASSWORD"), "{}", stderr(&o));
    let file = dir.path().join("pass.txt");
    std::fs::write(&file, format!("{PASSPHRASE}\n")).unwrap();
    let o = crate::palanca(&[
        "build",
        "--encrypt",
        "--password-file",
        file.to_str().unwrap(),
        "--site",
        repo().join("tests/fixtures/valid/minimal").to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = crate::palanca(&["build", "--password-file", file.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "--password-file needs --encrypt");
}

#[test]
fn rust_encryption_is_what_webcrypto_decrypts() {
    let Some(mut browser) = browser_or_skip("the WebCrypto round trip") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let salt = [7u8; 16];
    let iv = [9u8; 12];
    let plain = "Hola, ¿qué tal? ARR $455K — ünïcödé";
    let key = palanca::encrypt::derive("correct horse battery staple", &salt, 1000);
    let ct = palanca::encrypt::encrypt_with(&key, iv, plain.as_bytes()).unwrap();
    let b64 = |b: &[u8]| {
        use base64::Engine as _;
        base64::engine::general_purpose::STANDARD.encode(b)
    };
    let page = dir.path().join("round.html");
    std::fs::write(&page, "<!doctype html><title>round trip</title>").unwrap();
    let mut tab = browser.page(800, 600);
    tab.goto(&format!("file://{}", page.display()));
    let js = format!(
        r#"(async () => {{
            const b = s => Uint8Array.from(atob(s), c => c.charCodeAt(0));
            const base = await crypto.subtle.importKey('raw', new TextEncoder().encode('correct horse battery staple'), 'PBKDF2', false, ['deriveKey']);
            const key = await crypto.subtle.deriveKey({{name: 'PBKDF2', hash: 'SHA-256', salt: b('{salt}'), iterations: 1000}}, base, {{name: 'AES-GCM', length: 256}}, false, ['decrypt']);
            const out = await crypto.subtle.decrypt({{name: 'AES-GCM', iv: b('{iv}')}}, key, b('{ct}'));
            return new TextDecoder().decode(out);
        }})()"#,
        salt = b64(&salt),
        iv = b64(&iv),
        ct = b64(&ct),
    );
    assert_eq!(tab.eval(&js), serde_json::json!(plain));
}

#[test]
fn the_encrypted_example_opens_in_chromium_with_the_passphrase_only() {
    let Some(mut browser) = browser_or_skip("the encrypted build in Chromium") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let sealed = dir.path().join("sealed");
    let o = encrypted_build(&repo(), &sealed);
    assert!(o.status.success(), "{}", stderr(&o));
    let url = |rel: &str| format!("file://{}/{rel}", sealed.display());
    let mut tab = browser.page(1280, 900);
    tab.goto(&url("index.html"));
    let submit = |tab: &mut crate::cdp::Page, phrase: &str| {
        tab.eval(&format!(
            "document.getElementById('palanca-passphrase').value = {}; document.getElementById('palanca-unlock').requestSubmit(); true",
            serde_json::json!(phrase)
        ));
    };
    submit(&mut tab, "not the passphrase at all");
    assert!(
        tab.wait_for("document.getElementById('palanca-status').textContent.includes('no es correcta')"),
        "a wrong passphrase says so"
    );
    assert_eq!(
        tab.eval("document.querySelectorAll('.kpi, svg.chart, table').length"),
        serde_json::json!(0),
        "and shows nothing else"
    );
    submit(&mut tab, PASSPHRASE);
    assert!(
        tab.wait_for("document.querySelectorAll('.kpi').length > 0"),
        "the right one opens the page"
    );
    let values = tab.eval("[...document.querySelectorAll('.kpi-value')].map(e => e.textContent.trim())");
    assert_eq!(values[0], "$1,66M", "the home page's KPI values, cash first: {values}");
    assert_eq!(values[3], "$455K", "and ARR: {values}");
    assert_eq!(tab.eval("document.title"), "Plan de crecimiento 2024");
    // Another page opens without asking again, its chart drawn.
    tab.goto(&url("metrics/ingresos/index.html"));
    assert!(
        tab.wait_for("document.querySelector('svg.chart') && document.querySelector('svg.chart').getBoundingClientRect().width > 100"),
        "the metrics page opened with the kept key"
    );
    assert_eq!(
        tab.eval("document.getElementById('palanca-unlock')"),
        serde_json::Value::Null
    );
    // Its CSV is decrypted in the browser.
    tab.eval("window.__blobs = []; const o = URL.createObjectURL; URL.createObjectURL = b => { window.__blobs.push(b); return o(b); }; document.querySelector('a[href$=\".csv\"]').click(); true");
    assert!(tab.wait_for("window.__blobs.length > 0"), "the download was decrypted");
    let csv = tab.eval("window.__blobs[0].text()");
    assert!(csv.as_str().unwrap().starts_with("period,plan_month,metric"), "{csv}");
    // "Forget" erases the key: the next page asks again.
    tab.eval("document.getElementById('palanca-forget').click(); true");
    assert!(
        tab.wait_for("document.getElementById('palanca-unlock') && !document.getElementById('palanca-unlock').hidden")
    );
    // The reload is over and laid out before the picture is taken.
    assert!(tab.wait_for("document.readyState === 'complete' && document.body.getBoundingClientRect().width > 0"));
    let shot = tab.screenshot();
    assert!(shot.len() > 1000);
    std::fs::write(dir.path().join("locked.png"), shot).unwrap();
}
