//! Every page type in a real browser (headless Chromium, over the DevTools
//! protocol): at a desktop and a phone width, light and dark, no script or
//! resource error, every visible chart drawn, no sideways scrolling, and
//! no accessibility violation found by axe-core. The update also prints
//! to one or two pages.
//!
//! axe-core comes from npm (`.ci/run` installs it into `target/npm`, or
//! point `AXE_JS` at `axe.min.js`); without it, or without Chromium, the
//! test says so and is skipped unless `CI` is set.

use std::path::PathBuf;

use serde_json::Value;

use crate::cdp::{Page, browser_or_skip};
use crate::{build, repo, stderr};

/// Runs before anything else on every page: records script errors,
/// failed resources and console errors.
const PROBE: &str = r#"
window.__errors = [];
window.addEventListener('error', e => window.__errors.push('error: ' + (e.message || (e.target && (e.target.src || e.target.href)))), true);
const origError = console.error; console.error = (...a) => { window.__errors.push('console: ' + a.join(' ')); origError(...a); };
"#;

/// The page types of a site, one page each.
const PAGES: [&str; 12] = [
    "index.html",
    "plan/index.html",
    "plan/roadmap/index.html",
    "plan/roadmap/mes-01/index.html",
    "plan/palancas/index.html",
    "plan/riesgos/index.html",
    "metrics/index.html",
    "metrics/ingresos/index.html",
    "updates/index.html",
    "updates/2024-03/index.html",
    "consistency/index.html",
    "updates/2024-03/email.html",
];

fn axe() -> Option<String> {
    let path = std::env::var_os("AXE_JS")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join("target/npm/node_modules/axe-core/axe.min.js"));
    match std::fs::read_to_string(&path) {
        Ok(js) => Some(js),
        Err(_) => {
            assert!(
                std::env::var_os("CI").is_none(),
                "CI is set but axe-core is missing at {}: run `npm install --prefix target/npm axe-core@4`",
                path.display()
            );
            eprintln!(
                "\n*** SKIPPED the page audits: axe-core not found at {} ***\n",
                path.display()
            );
            None
        }
    }
}

/// What the page reports once loaded: errors, charts' sizes, widths.
fn probe(tab: &mut Page) -> Value {
    tab.eval(
        r#"({
        errors: window.__errors || [],
        charts: [...document.querySelectorAll('svg.chart, svg.sparkline')]
            .filter(s => s.getClientRects().length > 0 && getComputedStyle(s).visibility !== 'hidden')
            .map(s => { const r = s.getBoundingClientRect(); return [Math.round(r.width), Math.round(r.height)]; }),
        chartText: [...document.querySelectorAll('svg.chart.line-chart text')].slice(0, 40)
            .map(t => t.getBoundingClientRect().height).filter(h => h > 0),
        scrollWidth: document.documentElement.scrollWidth,
        clientWidth: document.documentElement.clientWidth,
    })"#,
    )
}

/// The violations axe-core finds on the page, one line each.
/// An email is shown inside a mail client's page, whose landmarks it
/// must not add to: the landmark rules do not apply to it.
fn violations(tab: &mut Page, axe: &str, email: bool) -> Vec<String> {
    tab.eval(axe);
    let rules = if email {
        "{ 'landmark-one-main': { enabled: false }, region: { enabled: false } }"
    } else {
        "{}"
    };
    let found = tab.eval(&format!(
        r#"axe.run(document, {{ resultTypes: ['violations'], rules: {rules} }}).then(r => r.violations.map(v =>
            v.id + ' (' + v.impact + '): ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | ')))"#
    ));
    found
        .as_array()
        .map(|a| a.iter().filter_map(|v| v.as_str().map(String::from)).collect())
        .unwrap_or_default()
}

/// Every HTML file of a built site, by path, but the 404 page: a host
/// shows it at any address, so it links to the site by absolute paths
/// under `base_url`, which `file://` cannot follow.
fn every_page(out: &std::path::Path) -> Vec<String> {
    let mut pages: Vec<String> = crate::snapshot(out)
        .into_keys()
        .filter(|p| p.ends_with(".html") && p != "404.html")
        .collect();
    pages.sort();
    pages
}

/// Opens each of `pages` of the site in `out` at a desktop and a phone
/// width, light and dark, and records what is wrong: script errors,
/// charts not drawn or drawn at a size nobody reads, sideways scrolling,
/// and every violation axe-core finds.
fn audit(
    browser: &mut crate::cdp::Browser,
    axe: &str,
    out: &std::path::Path,
    pages: &[String],
    failures: &mut Vec<String>,
) {
    for (width, dark) in [(1280, false), (1280, true), (390, false), (390, true)] {
        let mut tab = browser.page(width, 900);
        tab.on_new_document(PROBE);
        tab.color_scheme(dark);
        for page in pages {
            let what = format!("{page} at {width}px{}", if dark { ", dark" } else { "" });
            tab.goto(&format!("file://{}/{page}", out.display()));
            let result = probe(&mut tab);
            if result["errors"] != serde_json::json!([]) {
                failures.push(format!("{what}: errors {}", result["errors"]));
            }
            for size in result["charts"].as_array().unwrap() {
                if size[0].as_u64() == Some(0) || size[1].as_u64() == Some(0) {
                    failures.push(format!("{what}: a chart of size {size}"));
                }
            }
            // Chart text is read at 11 px or more, and not blown up.
            for h in result["chartText"].as_array().unwrap() {
                let h = h.as_f64().unwrap();
                if !(10.0..=22.0).contains(&h) {
                    failures.push(format!("{what}: chart text {h:.1} px tall"));
                    break;
                }
            }
            if result["scrollWidth"].as_u64() > result["clientWidth"].as_u64() {
                failures.push(format!("{what}: scrolls sideways {result}"));
            }
            for v in violations(&mut tab, axe, page.ends_with("email.html")) {
                failures.push(format!("{what}: {v}"));
            }
        }
    }
}

#[test]
fn every_page_type_reads_cleanly_in_chromium_and_passes_axe() {
    let Some(mut browser) = browser_or_skip("the page audits") else {
        return;
    };
    let Some(axe) = axe() else { return };
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("site");
    let o = build(&repo(), &out);
    assert!(o.status.success(), "{}", stderr(&o));
    let mut failures = Vec::new();
    let pages: Vec<String> = PAGES.iter().map(|p| p.to_string()).collect();
    audit(&mut browser, &axe, &out, &pages, &mut failures);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Every page a reader can open passes axe-core, light and dark, at 1280
/// and 390 px: each page of the example, each page of a new site, and the
/// page an encrypted site shows before it is unlocked.
#[test]
fn every_page_a_reader_can_open_passes_axe() {
    let Some(mut browser) = browser_or_skip("the audits of every page") else {
        return;
    };
    let Some(axe) = axe() else { return };
    let dir = tempfile::tempdir().unwrap();
    let mut failures = Vec::new();

    let example = dir.path().join("example");
    assert!(build(&repo(), &example).status.success());
    let pages: Vec<String> = every_page(&example)
        .into_iter()
        .filter(|p| !PAGES.contains(&p.as_str()))
        .collect();
    assert!(pages.len() > 20, "{pages:?}");
    audit(&mut browser, &axe, &example, &pages, &mut failures);

    let starter = dir.path().join("starter");
    assert!(crate::palanca(&["new", starter.to_str().unwrap()]).status.success());
    let built = starter.join("output");
    assert!(build(&starter, &built).status.success());
    audit(&mut browser, &axe, &built, &every_page(&built), &mut failures);

    let sealed = dir.path().join("sealed");
    let o = assert_cmd::Command::cargo_bin("palanca")
        .unwrap()
        .env("PALANCA_PASSWORD", "maple orbit quietly seventeen lanterns")
        .args([
            "build",
            "--encrypt",
            "--site",
            repo().to_str().unwrap(),
            "--out",
            sealed.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    audit(&mut browser, &axe, &sealed, &["index.html".to_string()], &mut failures);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Counts the pages of a PDF by its page objects.
fn pdf_pages(pdf: &[u8]) -> usize {
    let text = String::from_utf8_lossy(pdf);
    text.matches("/Type /Page").count() - text.matches("/Type /Pages").count()
}

#[test]
fn an_update_prints_on_one_or_two_pages() {
    let Some(mut browser) = browser_or_skip("the print check") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("site");
    assert!(build(&repo(), &out).status.success());
    let mut tab = browser.page(1280, 900);
    tab.goto(&format!("file://{}/updates/2024-03/index.html", out.display()));
    for letter in [false, true] {
        let pdf = tab.pdf(letter);
        let pages = pdf_pages(&pdf);
        assert!(
            (1..=2).contains(&pages),
            "{} pages on {}",
            pages,
            if letter { "Letter" } else { "A4" }
        );
        std::fs::write(dir.path().join(format!("update-{letter}.pdf")), &pdf).unwrap();
    }
    // KPI cards, the letter and the charts all printed.
    let printed = tab.eval("window.matchMedia('print').matches");
    assert_eq!(printed, serde_json::json!(false), "the page itself stays on screen");
}

/// What an investor sees first: the money, above the introduction, on a
/// phone without scrolling; the home page's charts draw what happened and
/// a little of the plan ahead, their lines in the theme's colours (those of
/// their legend, light and dark), drawn finer than a pixel.
#[test]
fn the_money_comes_first_and_charts_show_what_happened() {
    let Some(mut browser) = browser_or_skip("the home page's order and charts") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("site");
    assert!(build(&repo(), &out).status.success());
    let mut phone = browser.page(390, 844);
    phone.goto(&format!("file://{}/index.html", out.display()));
    let first = phone.eval(
        "(() => { const k = document.querySelector('.kpi'); const r = k.getBoundingClientRect();
          return { label: k.querySelector('h3').textContent.trim(), top: r.top, height: innerHeight,
                   before: !!(document.querySelector('.kpis').compareDocumentPosition(document.querySelector('.intro')) & Node.DOCUMENT_POSITION_FOLLOWING) }; })()",
    );
    assert_eq!(first["label"], "Caja", "cash first: {first}");
    assert!(
        first["top"].as_f64().unwrap() + 60.0 < first["height"].as_f64().unwrap(),
        "in view: {first}"
    );
    assert_eq!(first["before"], true, "the cards come before the introduction");
    let labels = phone.eval("[...document.querySelectorAll('.kpi h3')].map(h => h.textContent.trim())");
    assert_eq!(labels[1], "Consumo neto de caja");
    assert_eq!(labels[2], "Autonomía de caja");
    assert_eq!(labels[3], "ARR");

    let home = crate::html(&out, "index.html");
    let months = crate::texts(&home, "#chart-arr details tbody th");
    assert_eq!(months.first().map(String::as_str), Some("ene 2024"), "{months:?}");
    assert_eq!(
        months.last().map(String::as_str),
        Some("sept 2024"),
        "March and six months of plan: {months:?}"
    );
    let metric = crate::html(&out, "metrics/ingresos/index.html");
    let whole = crate::texts(&metric, "section#arr table.detail-table tbody th");
    assert!(
        whole.iter().any(|m| m.starts_with("dic 2026")),
        "the metric page keeps the whole plan"
    );

    let mut dark = browser.page(1280, 900);
    dark.color_scheme(true);
    dark.goto(&format!("file://{}/index.html", out.display()));
    let colours = dark.eval(
        "(() => { const line = document.querySelector('#chart-arr svg .s-actual'); const key = document.querySelector('#chart-arr .key-actual');
          return { line: getComputedStyle(line).stroke, key: getComputedStyle(key).borderTopColor,
                   scaled: !!document.querySelector('#chart-arr svg > g[transform=\"scale(0.25)\"]') }; })()",
    );
    assert_eq!(
        colours["line"], colours["key"],
        "line and legend agree in dark mode: {colours}"
    );
    assert_eq!(colours["line"], "rgb(86, 180, 233)", "the dark theme's blue: {colours}");
    assert_eq!(colours["scaled"], true, "drawn at four times and shown at size");
}
