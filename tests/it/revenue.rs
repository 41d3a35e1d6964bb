//! Revenue from invoice lines, end to end: the lines of
//! `tests/fixtures/pull/invoices_rates_and_columns` pulled and built, and
//! what the pages, the CSV files, updates, letters and a public build show
//! of them. Every figure below is worked out by hand from those six lines:
//!
//! - `a` pays 1,200 EUR a year from 15 January (100 EUR a month, 110 USD at
//!   1.10) and a setup fee, never MRR;
//! - `b` pays 50 in January, 80 less a 20 credit (60) in February, and
//!   nothing in March;
//! - `c` pays 30 from 10 February to 10 March.
//!
//! So MRR is 160, 200 and 110; February moves by +30 new and +10
//! expansion, March by −90 churned (60 of `b`, 30 of `c`).

use std::path::{Path, PathBuf};

use crate::{build, copy_tree, html, palanca, public_build, repo, stderr, texts};

/// The fixture's site pulled into a fresh folder.
fn pulled_site(dir: &Path) -> PathBuf {
    let site = dir.join("site");
    copy_tree(&repo().join("tests/fixtures/pull/invoices_rates_and_columns"), &site);
    std::fs::remove_dir_all(site.join("expected")).unwrap();
    let o = palanca(&["pull", "--site", site.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    site
}

#[test]
fn the_group_page_shows_the_bridge_and_the_cohorts_of_the_lines() {
    let dir = tempfile::tempdir().unwrap();
    let site = pulled_site(dir.path());
    let out = dir.path().join("out");
    let o = build(&site, &out);
    assert!(o.status.success(), "{}", stderr(&o));
    let doc = html(&out, "metrics/revenue/index.html");

    assert_eq!(texts(&doc, "figure.bridge figcaption"), ["MRR bridge, March 2024"]);
    let title = texts(&doc, "figure.bridge svg > title").join("");
    assert!(
        title.contains("Starting MRR: $200; New: $0; Reactivation: $0; Expansion: $0; Contraction: $0; Churn: −$90; Ending MRR: $110"),
        "the waterfall's title reads its bars: {title}"
    );
    let rows: Vec<Vec<String>> = doc
        .select(&scraper::Selector::parse("table.bridge-table tbody tr").unwrap())
        .map(|tr| {
            tr.children()
                .filter_map(scraper::ElementRef::wrap)
                .map(|c| c.text().collect())
                .collect()
        })
        .collect();
    assert_eq!(
        rows,
        [
            ["Mar 2024", "$200", "$0", "$0", "$0", "$0", "−$90", "$110"],
            ["Feb 2024", "$160", "+$30", "$0", "+$10", "$0", "$0", "$200"],
            ["Jan 2024", "$0", "+$160", "$0", "$0", "$0", "$0", "$160"],
        ],
        "latest month first, money whole since no figure has cents"
    );

    assert_eq!(
        texts(&doc, "table.heat-table caption"),
        ["Customers still paying, by first month", "MRR kept, by first month"]
    );
    assert_eq!(
        texts(&doc, "table.heat-table td.heat"),
        ["100%", "100%", "50%", "100%", "0%", "100%", "106%", "69%", "100%", "0%"],
        "January's cohort keeps 2, 2, 1 customers and 160, 170, 110 of MRR; February's 1, 0"
    );
    let classes: Vec<&str> = doc
        .select(&scraper::Selector::parse("table.heat-table td.heat").unwrap())
        .map(|td| td.value().attr("class").unwrap())
        .collect();
    assert_eq!(classes[2], "heat heat-2", "50 % is the third shade");
    assert_eq!(classes[6], "heat heat-7", "more than all is the darkest");

    let bridge = std::fs::read_to_string(out.join("metrics/revenue.bridge.csv")).unwrap();
    assert_eq!(
        bridge,
        "period,start,new,reactivation,expansion,contraction,churned,end\n\
         2024-01,0.00,160.00,0.00,0.00,0.00,0.00,160.00\n\
         2024-02,160.00,30.00,0.00,10.00,0.00,0.00,200.00\n\
         2024-03,200.00,0.00,0.00,0.00,0.00,90.00,110.00\n"
    );
    let cohorts = std::fs::read_to_string(out.join("metrics/revenue.cohorts.csv")).unwrap();
    assert!(
        cohorts.contains("\n2024-01,2,2024-03,1,110.00,0.5000,0.6875\n"),
        "{cohorts}"
    );

    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("data/metrics.json")).unwrap()).unwrap();
    let actual = |id: &str, month: &str| -> Option<f64> {
        json["metrics"].as_array()?.iter().find(|m| m["id"] == id)?["periods"]
            .as_array()?
            .iter()
            .find(|p| p["period"] == month)?["actual"]
            .as_f64()
    };
    assert_eq!(actual("mrr", "2024-02"), Some(200.0));
    assert_eq!(actual("arr", "2024-03"), Some(1320.0));
    assert_eq!(actual("logo_churn", "2024-03"), Some(0.666666666667));
    assert_eq!(actual("revenue_churn", "2024-03"), Some(0.45));
    assert_eq!(actual("arpa", "2024-02"), Some(66.6666666667));
    assert_eq!(actual("nrr", "2024-03"), None, "NRR needs a year of lines");
}

#[test]
fn an_update_shows_the_bridge_and_cohorts_as_of_its_month_and_its_letter_draws_them() {
    let dir = tempfile::tempdir().unwrap();
    let site = pulled_site(dir.path());
    std::fs::create_dir_all(site.join("content/updates")).unwrap();
    std::fs::write(
        site.join("content/updates/2024-02.md"),
        "---\nperiod: 2024-02\ntitle: February\nkpis: [mrr]\n---\nMRR is {{ value(metric=\"mrr\") }}.\n\n\
         {{ bridge(group=\"revenue\") }}\n\n{{ cohorts(group=\"revenue\") }}\n",
    )
    .unwrap();
    let out = dir.path().join("out");
    let o = build(&site, &out);
    assert!(o.status.success(), "{}", stderr(&o));
    let doc = html(&out, "updates/2024-02/index.html");
    assert_eq!(texts(&doc, "figure.bridge figcaption"), ["MRR bridge, February 2024"]);
    let periods = texts(&doc, "table.bridge-table tbody th");
    assert_eq!(periods, ["Feb 2024", "Jan 2024"], "nothing after the update's month");
    assert_eq!(
        texts(&doc, "table.heat-table td.heat"),
        ["100%", "100%", "100%", "100%", "106%", "100%"],
        "no cohort cell after February"
    );

    let letter = std::fs::read_to_string(out.join("updates/2024-02/email.html")).unwrap();
    assert!(
        !letter.contains("<svg") && !letter.contains("<table class"),
        "pictures, no theme"
    );
    let letter = scraper::Html::parse_document(&letter);
    let alts: Vec<String> = letter
        .select(&scraper::Selector::parse("img").unwrap())
        .filter_map(|i| i.value().attr("alt").map(str::to_string))
        .collect();
    assert!(
        alts.iter()
            .any(|a| a.starts_with("MRR bridge, February 2024: Starting MRR: $160; New: +$30")),
        "{alts:?}"
    );
    assert!(
        alts.iter()
            .any(|a| a.contains("MRR kept, by first month. Jan 2024: 100%, 106%; Feb 2024: 100%")),
        "{alts:?}"
    );
    let pictures: Vec<PathBuf> = std::fs::read_dir(out.join("updates/2024-02"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with("letter-"))
        .collect();
    assert_eq!(pictures.len(), 3, "the bridge and two heat maps");
    for png in pictures {
        assert!(
            std::fs::read(&png).unwrap().starts_with(b"\x89PNG"),
            "{} is a picture",
            png.display()
        );
    }
}

#[test]
fn a_public_build_without_customers_leaves_the_cohorts_out() {
    let dir = tempfile::tempdir().unwrap();
    let site = pulled_site(dir.path());
    let file = site.join("content/metrics/revenue.yaml");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, format!("{text}  - id: customers\n    audience: investors\n")).unwrap();
    let out = dir.path().join("out");
    let o = public_build(&site, &out);
    assert!(o.status.success(), "{}", stderr(&o));
    let doc = html(&out, "metrics/revenue/index.html");
    assert!(texts(&doc, "table.heat-table").is_empty(), "no cohorts");
    assert!(!out.join("metrics/revenue.cohorts.csv").exists());
    assert_eq!(
        texts(&doc, "figure.bridge figcaption").len(),
        1,
        "the bridge is MRR's own"
    );
    let investors = dir.path().join("investors");
    assert!(build(&site, &investors).status.success());
    assert_eq!(
        texts(&html(&investors, "metrics/revenue/index.html"), "table.heat-table").len(),
        2
    );
}

#[test]
fn bridge_and_cohorts_name_a_file_whose_revenue_comes_from_lines() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path();
    std::fs::create_dir_all(site.join("content/metrics")).unwrap();
    std::fs::write(site.join("site.yaml"), "title: T\nlanguage: en\nstart: 2024-01\n").unwrap();
    std::fs::write(
        site.join("content/metrics/sales.yaml"),
        "title: Sales\nmetrics:\n  - { id: mrr, label: MRR, unit: currency, role: mrr, actual: { 2024-01: 10 } }\n",
    )
    .unwrap();
    std::fs::write(
        site.join("content/_index.md"),
        "---\ntitle: Home\n---\n{{ bridge(group=\"sales\") }}\n\n{{ cohorts(group=\"sales\") }}\n",
    )
    .unwrap();
    let o = palanca(&["check", "--site", site.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let text = stderr(&o);
    assert!(
        text.contains("error[shortcode-argument]: `sales` has no MRR movements for `bridge` to draw"),
        "{text}"
    );
    assert!(
        text.contains("error[shortcode-argument]: `sales` has no cohorts for `cohorts` to draw"),
        "{text}"
    );
    assert!(text.contains("--> content/_index.md:4:"), "{text}");
    assert!(
        text.contains("give the metric file a `revenue:` source (invoice lines)"),
        "{text}"
    );
}

#[test]
fn a_family_metric_says_where_its_actuals_come_from_and_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    let site = pulled_site(dir.path());
    let file = site.join("content/metrics/revenue.yaml");
    let text = std::fs::read_to_string(&file).unwrap();
    let bad = format!("{text}  - id: arr\n    role: revenue\n    actual: {{ 2024-01: 5 }}\n");
    std::fs::write(&file, bad).unwrap();
    let o = palanca(&["check", "--site", site.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let text = stderr(&o);
    assert!(
        text.contains("`arr` takes its actuals from the file's `revenue:`, so it cannot have `actual`"),
        "{text}"
    );
    assert!(
        text.contains("`arr` is computed from invoice lines with the role `arr`, not another"),
        "{text}"
    );
}
