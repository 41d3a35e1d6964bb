//! A real browser (headless Chromium) loads built pages: no console or
//! resource errors, and the charts are drawn with a non-zero size.
//!
//! Where Chromium is missing the test says so loudly and passes only when
//! `CI` is unset; `.ci/run` installs Chromium and sets `CI`, so there it
//! always runs.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::{build, repo, stderr};

fn chromium() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("CHROMIUM") {
        return Some(PathBuf::from(p));
    }
    ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .find_map(|name| {
            std::env::var_os("PATH").and_then(|paths| {
                std::env::split_paths(&paths)
                    .map(|d| d.join(name))
                    .find(|p| p.is_file())
            })
        })
}

/// Runs before anything else on the page: records errors (script errors,
/// failed resources, console.error) and, once loaded, the size of every
/// chart, into an element that `--dump-dom` prints.
const PROBE: &str = r#"<script>
window.__errors = [];
window.addEventListener('error', e => window.__errors.push('error: ' + (e.message || (e.target && (e.target.src || e.target.href)))), true);
const origError = console.error; console.error = (...a) => { window.__errors.push('console: ' + a.join(' ')); origError(...a); };
window.addEventListener('load', () => {
  const sizes = [...document.querySelectorAll('svg.chart, svg.sparkline')].map(s => { const r = s.getBoundingClientRect(); return Math.round(r.width) + 'x' + Math.round(r.height); });
  const out = document.createElement('pre'); out.id = 'probe-result';
  out.textContent = JSON.stringify({ errors: window.__errors, charts: sizes, sheets: document.styleSheets.length, scrollWidth: document.documentElement.scrollWidth, clientWidth: document.documentElement.clientWidth, innerWidth: window.innerWidth });
  document.body.appendChild(out);
});
</script>"#;

/// Headless Chromium will not make a window narrower than 500 px, so the
/// page is loaded in an iframe of the wanted width inside a wrapper page,
/// which copies the probe's result out once the frame has loaded.
fn wrapper(page_name: &str, width: u32) -> String {
    format!(
        r#"<!doctype html><html><body style="margin:0"><iframe id="f" src="{page_name}" style="width:{width}px;height:1200px;border:0"></iframe>
<script>
document.getElementById('f').addEventListener('load', () => setTimeout(() => {{
  const inner = document.getElementById('f').contentDocument.getElementById('probe-result');
  const pre = document.createElement('pre'); pre.id = 'probe-result';
  pre.textContent = inner ? inner.textContent : 'null';
  document.body.appendChild(pre);
}}, 200));
</script></body></html>"#
    )
}

fn probe(browser: &Path, page: &Path, width: u32) -> serde_json::Value {
    let html = std::fs::read_to_string(page).unwrap();
    std::fs::write(page, html.replacen("<head>", &format!("<head>{PROBE}"), 1)).unwrap();
    let name = page.file_name().unwrap().to_string_lossy().into_owned();
    let wrap = page.with_file_name("__probe.html");
    std::fs::write(&wrap, wrapper(&name, width)).unwrap();
    let profile = tempfile::tempdir().unwrap();
    let out = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--allow-file-access-from-files",
            &format!("--window-size={width},1200"),
            &format!("--user-data-dir={}", profile.path().display()),
            "--virtual-time-budget=3000",
            "--dump-dom",
        ])
        .arg(format!("file://{}", wrap.display()))
        .output()
        .expect("chromium runs");
    let dom = String::from_utf8_lossy(&out.stdout);
    let doc = scraper::Html::parse_document(&dom);
    let sel = scraper::Selector::parse("#probe-result").unwrap();
    let text: String = doc
        .select(&sel)
        .next()
        .unwrap_or_else(|| {
            panic!(
                "no probe result for {}:\n{}",
                page.display(),
                String::from_utf8_lossy(&out.stderr)
            )
        })
        .text()
        .collect();
    std::fs::write(page, html).unwrap();
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("probe result `{text}`: {e}"))
}

#[test]
fn pages_load_in_chromium_without_errors_and_draw_charts() {
    let Some(browser) = chromium() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI is set but Chromium is missing: install it (apt-get install chromium)"
        );
        eprintln!(
            "\n*** SKIPPED the browser test: Chromium not found. Install it with `apt-get install -y chromium`. ***\n"
        );
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("site");
    let o = build(&repo(), &out);
    assert!(o.status.success(), "{}", stderr(&o));
    for (page, min_charts) in [("index.html", 8), ("metrics/ingresos/index.html", 6)] {
        for width in [1280, 390] {
            let result = probe(&browser, &out.join(page), width);
            assert_eq!(result["errors"], serde_json::json!([]), "{page} at {width}px: {result}");
            assert_eq!(result["sheets"], 1, "{page}: the stylesheet loaded");
            let charts = result["charts"].as_array().unwrap();
            assert!(charts.len() >= min_charts, "{page}: {result}");
            for size in charts {
                let (w, h) = size.as_str().unwrap().split_once('x').unwrap();
                assert!(
                    w.parse::<u32>().unwrap() > 0 && h.parse::<u32>().unwrap() > 0,
                    "{page}: chart of size {size}"
                );
            }
            let (scroll, client) = (
                result["scrollWidth"].as_u64().unwrap(),
                result["clientWidth"].as_u64().unwrap(),
            );
            assert!(scroll <= client, "{page} scrolls sideways at {width}px: {result}");
            assert!(
                result["innerWidth"].as_u64().unwrap() <= u64::from(width),
                "the window really is {width}px: {result}"
            );
        }
    }
}
