//! The example site (the reference growth plan) built end to end.

use std::path::Path;
use std::sync::OnceLock;

use scraper::Selector;

use crate::{build, html, repo, stderr, texts};

/// Builds the example once for all tests of this module.
fn site() -> &'static Path {
    static OUT: OnceLock<(tempfile::TempDir, std::path::PathBuf)> = OnceLock::new();
    &OUT.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("site");
        let o = build(&repo(), &out);
        assert!(o.status.success(), "example build failed:\n{}", stderr(&o));
        (dir, out)
    })
    .1
}

/// The cells of the row whose header starts with `period` in the detail
/// table of metric `id` on a group page.
fn detail_row(group: &str, id: &str, period: &str) -> Vec<String> {
    let doc = html(site(), &format!("metrics/{group}/index.html"));
    let rows = Selector::parse(&format!("section#{id} table.detail-table tbody tr")).unwrap();
    let cell = Selector::parse("th, td").unwrap();
    doc.select(&rows)
        .map(|r| {
            r.select(&cell)
                .map(|c| c.text().collect::<String>().trim().to_string())
                .collect::<Vec<_>>()
        })
        .find(|cells| cells[0].contains(period))
        .unwrap_or_else(|| panic!("no row {period} for {id}"))
}

#[test]
fn derived_metrics_are_computed_not_typed() {
    // Columns: period, target, actual, change, attainment, stated.
    let mrr = detail_row("ingresos", "mrr", "M12");
    assert_eq!(mrr[1], "$833K", "MRR target at M12 is ARR / 12");
    assert_eq!(mrr[5], "$833K", "the plan's stated MRR is shown beside it");
    let ltv_cac = detail_row("ingresos", "ltv_cac", "M12");
    assert_eq!(ltv_cac[1], "41,7x");
    // MRR in March comes from the invoice lines: $37,916.67.
    let mrr_march = detail_row("ingresos", "mrr", "M3");
    assert_eq!(mrr_march[2], "$37,9K");
    let valuation = detail_row("proyecciones", "valuation", "M36");
    assert_eq!(valuation[1], "$2,4B", "valuation = ARR x multiple");
}

#[test]
fn every_figure_of_the_plans_tables_is_present() {
    let expect = [
        ("ingresos", "arr", ["$100K", "$500K", "$1,5M", "$4M", "$10M"]),
        ("ingresos", "mrr", ["$8,33K", "$41,7K", "$125K", "$333K", "$833K"]),
        ("ingresos", "arpa", ["$100", "$150", "$200", "$250", "$300"]),
        ("ingresos", "ltv", ["$500", "$750", "$1,2K", "$1,8K", "$2,5K"]),
        ("ingresos", "cac", ["$200", "$150", "$100", "$80", "$60"]),
        ("ingresos", "ltv_cac", ["2,5x", "5,0x", "12,0x", "22,5x", "41,7x"]),
        ("producto", "active_users", ["200", "1.000", "3.000", "8.000", "20.000"]),
        (
            "producto",
            "retention",
            ["70\u{a0}%", "80\u{a0}%", "85\u{a0}%", "90\u{a0}%", "92\u{a0}%"],
        ),
        ("producto", "nps", ["30", "50", "60", "70", "75"]),
        (
            "producto",
            "time_to_value",
            ["7\u{a0}d", "3\u{a0}d", "1\u{a0}d", "4\u{a0}h", "2\u{a0}h"],
        ),
        (
            "producto",
            "feature_adoption",
            ["40\u{a0}%", "60\u{a0}%", "75\u{a0}%", "85\u{a0}%", "90\u{a0}%"],
        ),
        (
            "operaciones",
            "response_time",
            ["2\u{a0}s", "1\u{a0}s", "500\u{a0}ms", "200\u{a0}ms", "100\u{a0}ms"],
        ),
        (
            "operaciones",
            "uptime",
            ["99\u{a0}%", "99,5\u{a0}%", "99,8\u{a0}%", "99,9\u{a0}%", "99,95\u{a0}%"],
        ),
        ("operaciones", "support_tickets", ["50", "30", "20", "15", "10"]),
        (
            "operaciones",
            "resolution_time",
            ["1\u{a0}d", "12\u{a0}h", "6\u{a0}h", "3\u{a0}h", "1\u{a0}h"],
        ),
        (
            "operaciones",
            "support_csat",
            ["70\u{a0}%", "80\u{a0}%", "85\u{a0}%", "90\u{a0}%", "95\u{a0}%"],
        ),
    ];
    for (group, id, values) in expect {
        for (month, value) in ["M1", "M3", "M6", "M9", "M12"].iter().zip(values) {
            let row = detail_row(group, id, &format!(" {month}"));
            assert_eq!(row[1], value, "{id} target at {month}");
        }
    }
}

#[test]
fn home_shows_headline_cards_with_charts() {
    let doc = html(site(), "index.html");
    let labels = texts(&doc, ".kpi h3");
    let headline = [
        "Caja",
        "Consumo neto de caja",
        "Autonomía de caja",
        "ARR",
        "Usuarios activos",
        "Retención mensual",
        "NPS",
    ];
    assert_eq!(labels, headline, "the money first");
    let values = texts(&doc, ".kpi .kpi-value");
    assert_eq!(
        values,
        ["$1,66M", "$134K", "12,4\u{a0}meses", "$455K", "940", "78\u{a0}%", "47"]
    );
    let attainment = texts(&doc, ".kpi .attain");
    assert!(
        attainment[3].starts_with("91\u{a0}%"),
        "ARR: 455K of 500K: {attainment:?}"
    );
    assert_eq!(texts(&doc, ".kpi .spark svg > title").len(), 7, "a sparkline per card");
    assert_eq!(
        texts(&doc, ".chart-grid svg.chart > title"),
        headline,
        "a chart per card"
    );
    assert!(texts(&doc, "html").is_empty() || doc.root_element().value().attr("lang") == Some("es"));
}

#[test]
fn charts_are_responsive_and_accessible() {
    let doc = html(site(), "metrics/ingresos/index.html");
    let sel = Selector::parse("svg.chart").unwrap();
    let charts: Vec<_> = doc.select(&sel).collect();
    let drawn = doc
        .select(&Selector::parse("section.metric svg.chart").unwrap())
        .count();
    let with_values = doc
        .select(&Selector::parse("section.metric").unwrap())
        .filter(|s| {
            s.select(&Selector::parse("table.detail-table tbody tr").unwrap())
                .next()
                .is_some()
        })
        .count();
    assert_eq!(drawn, with_values, "one chart per metric with values");
    assert!(with_values > 10, "the group's own metrics and the revenue family");
    let bridge = doc.select(&Selector::parse("figure.bridge svg.chart").unwrap()).count();
    assert_eq!(charts.len(), drawn + bridge, "and the MRR bridge");
    assert_eq!(bridge, 1);
    for svg in charts {
        let attrs = svg.value();
        assert!(attrs.attr("viewBox").is_some() && attrs.attr("width").is_none());
        assert_eq!(attrs.attr("role"), Some("img"));
        let title_id = attrs.attr("aria-labelledby").unwrap();
        assert!(
            doc.select(&Selector::parse(&format!("title#{title_id}")).unwrap())
                .next()
                .is_some()
        );
    }
}

#[test]
fn group_table_marks_derived_metrics() {
    let doc = html(site(), "metrics/ingresos/index.html");
    let derived = texts(&doc, "table.metric-table thead th abbr.derived");
    assert_eq!(derived.len(), 1, "LTV/CAC is derived; MRR comes from invoice lines");
    let first_col = texts(&doc, "table.metric-table tbody th");
    assert!(first_col[0].starts_with("ene 2024"), "{first_col:?}");
    assert!(
        first_col.iter().any(|p| p.starts_with("dic 2026")),
        "M36 of the valuation ladder"
    );
}

#[test]
fn csv_and_json_carry_the_computed_values() {
    let csv = std::fs::read_to_string(site().join("metrics/ingresos.csv")).unwrap();
    assert!(csv.starts_with(
        "period,plan_month,metric,label,unit,target,plan,plan_interpolated,actual,stated,\
         change,change_unit,attainment,derived\n"
    ));
    let mrr_m12 = csv.lines().find(|l| l.starts_with("2024-12,12,mrr,")).expect("mrr row");
    // Twelve significant digits: no binary noise such as ...3334.
    assert!(mrr_m12.contains(",833333.333333,"), "{mrr_m12}");
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(site().join("data/metrics.json")).unwrap()).unwrap();
    let ltv_cac = json["metrics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["id"] == "ltv_cac")
        .unwrap();
    let m12 = ltv_cac["periods"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["plan_month"] == 12)
        .unwrap();
    assert!((m12["target"].as_f64().unwrap() - 41.666).abs() < 0.01);
    assert_eq!(m12["stated"].as_f64(), Some(41.7));
}

#[test]
fn plan_sections_show_their_fields() {
    let doc = html(site(), "plan/roadmap/mes-01/index.html");
    let facts = texts(&doc, ".facts dd");
    assert!(facts.contains(&"$25K – $50K".to_string()), "{facts:?}");
    assert!(facts.iter().any(|f| f.starts_with("2,0x")), "{facts:?}");
    let roadmap = html(site(), "plan/roadmap/index.html");
    assert_eq!(texts(&roadmap, ".child-list > li > a").len(), 9, "nine months");
    let levers = html(site(), "plan/palancas/index.html");
    assert_eq!(texts(&levers, ".child-list > li > a").len(), 5, "five levers");
    let risks = html(site(), "plan/riesgos/index.html");
    assert_eq!(texts(&risks, ".child-list > li > a").len(), 4);
}

#[test]
fn shortcodes_embed_tables_and_charts() {
    let doc = html(site(), "plan/proyecciones/index.html");
    let headers = texts(&doc, "article table.metric-table thead th a");
    assert_eq!(headers, ["ARR", "Múltiplo de valoración", "Valoración"]);
    assert_eq!(texts(&doc, "article svg.chart > title"), ["Valoración"]);
    // Each point carries its own title, read on hover and by screen readers.
    assert_eq!(
        texts(&doc, "article svg.chart circle > title"),
        [
            "dic 2024: objetivo $80M",
            "dic 2025: objetivo $500M",
            "dic 2026: objetivo $2,4B"
        ]
    );
}

#[test]
fn footnotes_and_headings_get_ids() {
    let doc = html(site(), "plan/proximos-pasos/index.html");
    let sel = Selector::parse("sup.footnote-reference a").unwrap();
    let href = doc
        .select(&sel)
        .next()
        .expect("a footnote")
        .value()
        .attr("href")
        .unwrap();
    assert!(href.starts_with("#plan-proximos-pasos-fn-"), "{href}");
    let target = Selector::parse(&format!("[id='{}']", &href[1..])).unwrap();
    assert!(doc.select(&target).next().is_some(), "footnote target exists");
    let h2 = Selector::parse("article h2[id]").unwrap();
    assert!(doc.select(&h2).count() >= 2);
}

#[test]
fn every_relative_link_resolves() {
    let out = site();
    let mut checked = 0;
    // 404.html is served at any missing address, so its links start from base_url's path.
    let page404 = html(out, "404.html");
    assert!(texts(&page404, "a").len() > 1);
    let sel = Selector::parse("link[rel=stylesheet]").unwrap();
    assert_eq!(
        page404.select(&sel).next().unwrap().value().attr("href"),
        Some("/palanca/assets/style.css")
    );
    for (rel, _) in crate::snapshot(out)
        .into_iter()
        .filter(|(p, _)| p.ends_with(".html") && p != "404.html")
    {
        let doc = html(out, &rel);
        let dir = Path::new(&rel).parent().unwrap().to_path_buf();
        for attr in ["href", "src"] {
            let sel = Selector::parse(&format!("[{attr}]")).unwrap();
            for el in doc.select(&sel) {
                let link = el.value().attr(attr).unwrap();
                if link.starts_with("http") || link.starts_with('#') || link.starts_with("mailto:") {
                    continue;
                }
                assert!(!link.starts_with('/'), "{rel}: absolute link {link}");
                let path = link.split('#').next().unwrap();
                let target = out.join(&dir).join(path);
                assert!(target.is_file(), "{rel}: broken link {link}");
                checked += 1;
            }
        }
    }
    assert!(checked > 200, "only {checked} links checked");
}

/// `palanca check` on the example, whole, as a reviewed snapshot: the
/// eleven findings with their files, lines, underlines and help.
#[test]
fn the_example_check_output_is_stable() {
    let o = crate::palanca(&["check", "--site", repo().to_str().unwrap()]);
    insta::assert_snapshot!("example_check", stderr(&o));
}

#[test]
fn consistency_warnings_are_reported_but_do_not_fail() {
    let o = crate::palanca(&["check", "--site", repo().to_str().unwrap()]);
    assert!(o.status.success());
    let err = stderr(&o);
    assert!(
        err.contains("warning[stated-mismatch]: `quarterly_growth` states 150\u{a0}% for M3"),
        "{err}"
    );
    assert!(
        err.contains("warning[sustained-growth]: the plan claims 20\u{a0}% monthly growth of `arr`, sustained"),
        "{err}"
    );
    assert!(err.contains("--> content/metrics/proyecciones.yaml:"), "{err}");
    let o = crate::palanca(&["check", "--site", repo().to_str().unwrap(), "--deny-warnings"]);
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn roadmap_index_shows_timeline_investment_and_totals() {
    let doc = html(site(), "plan/roadmap/index.html");
    assert_eq!(texts(&doc, "svg.timeline > title"), ["Cronograma de hitos y palancas"]);
    let rows = texts(&doc, ".plan-figures table.plan-table tbody tr th a");
    assert_eq!(rows.len(), 9, "nine milestones: {rows:?}");
    let total = texts(&doc, ".plan-figures table.plan-table tfoot td");
    assert!(
        total.contains(&"$1,8M – $3,6M".to_string()),
        "sum of the nine ranges: {total:?}"
    );
    let phases = texts(&doc, "table.plan-table caption");
    assert!(phases.iter().any(|c| c == "Fases"));
    let quarter_rows = texts(&doc, ".two-tables table:nth-of-type(1) tbody tr");
    assert!(!quarter_rows.is_empty());
    let cells = texts(&doc, ".two-tables td");
    assert!(
        cells.contains(&"$150K – $300K".to_string()),
        "Fundación = M1..M3: {cells:?}"
    );
    assert!(
        cells.contains(&"$450K – $900K".to_string()),
        "Aceleración / Q2: {cells:?}"
    );
    // Expected return = ROI ratio x investment: month 1 is 2:1 on $25K–$50K.
    let first = texts(&doc, ".plan-figures table.plan-table tbody tr:first-child td");
    assert!(first.contains(&"$50K – $100K".to_string()), "{first:?}");
}

#[test]
fn levers_and_risks_have_their_overviews() {
    let doc = html(site(), "plan/palancas/index.html");
    let levers = texts(&doc, ".plan-figures tbody tr th a");
    assert_eq!(levers.len(), 5);
    let priorities = texts(&doc, ".plan-figures tbody tr td:nth-of-type(1)");
    assert_eq!(
        priorities,
        ["alta", "alta", "media", "media", "baja"],
        "sorted by priority"
    );
    let total = texts(&doc, ".plan-figures tfoot td");
    assert!(total.contains(&"$1,15M – $2,3M".to_string()), "{total:?}");
    let risks = html(site(), "plan/riesgos/index.html");
    assert_eq!(texts(&risks, ".risk-table tbody tr").len(), 4);
}

#[test]
fn quarterly_objectives_come_from_the_monthly_targets() {
    let doc = html(site(), "plan/objetivos/index.html");
    assert_eq!(
        texts(&doc, "table.quarter-table thead th"),
        ["Trimestre", "ARR", "Usuarios activos", "Retención mensual", "NPS"]
    );
    let rows: Vec<String> = texts(&doc, "table.quarter-table tbody tr");
    assert_eq!(rows.len(), 4, "{rows:?}");
    let cells = texts(&doc, "table.quarter-table tbody td");
    assert_eq!(
        cells,
        [
            "$500K",
            "1.000",
            "80\u{a0}%",
            "50",
            "$1,5M",
            "3.000",
            "85\u{a0}%",
            "60",
            "$4M",
            "8.000",
            "90\u{a0}%",
            "70",
            "$10M",
            "20.000",
            "92\u{a0}%",
            "75"
        ]
    );
    let proj = html(site(), "plan/proyecciones/index.html");
    let cells = texts(&proj, "table.quarter-table tbody td");
    // Q2: ARR $1.5M, growth 200% over Q1's $500K, stated $300K, milestones $450K–$900K, 5.0x.
    assert_eq!(cells[5..10], ["$1,5M", "200\u{a0}%", "$300K", "$450K – $900K", "5,0x"]);
}

#[test]
fn the_example_plan_contradicts_itself_where_the_reference_does() {
    let o = crate::palanca(&["check", "--site", repo().to_str().unwrap(), "--format", "json"]);
    assert!(o.status.success());
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let of = |severity: &str| -> Vec<String> {
        json["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["severity"] == severity)
            .map(|d| d["message"].as_str().unwrap().to_string())
            .collect()
    };
    let messages = of("warning");
    // One figure of the roadmap's prose that no target bears out: a note.
    assert_eq!(
        of("note"),
        ["the page says 200% next to `ltv`, and nothing in its plan is that figure"]
    );
    assert_eq!(json["notes"], 1);
    // Every finding, in full: the reference plan's own contradictions and
    // nothing else. Numbers are in the site's style (Spanish), sentences in
    // English.
    let mut expect = vec![
        "in the plan, cash lasts 10,1\u{a0}months at M4 (2024-04), less than the 12\u{a0}months of `runway_alert`",
        // The reference rounds $8.33K to "$8K": one significant digit, and a
        // stated figure is never read looser than two.
        "`mrr` states $8K for M1 (2024-01) but its target is $8,33K",
        "`ltv = arpa / (1 - retention)` does not hold in the targets: at M1 (2024-01) `ltv` is $500, \
         which is not $333 (and 3 more months)",
        "`mrr = active_users * arpa` does not hold in the targets: at M1 (2024-01) the left side is $8,33K, \
         the right side $20K (and 4 more months)",
        "`quarterly_investment` states $300K for M4–M6, but the milestones of those months add up to $450K – $900K",
        "`quarterly_investment` states $600K for M7–M9, but the milestones of those months add up to $1,2M – $2,4M",
        "`quarterly_investment` states $1,2M for M10–M12, but no milestone falls in those months",
        "`quarterly_growth` states 150\u{a0}% for M3 (2024-03), but there is no computed value to compare it with",
        // "$10M ARR in 24 months" is a date (`at`), and the table plans $50M then.
        "the plan claims `arr` is $10M at M24 (2025-12), but its plan there is $50M",
        "the plan's two claims about `arr` disagree: 20\u{a0}% a month from $100K gives $6,62M at M24 (2025-12), \
         not $10M",
        // Quarter by quarter, where the targets are at quarter ends.
        "the plan claims 20\u{a0}% monthly growth of `arr`, sustained, but its targets grow 123,6\u{a0}% a month \
         from M1 to M3, 44,2\u{a0}% a month from M3 to M6, 38,7\u{a0}% a month from M6 to M9, 35,7\u{a0}% a month \
         from M9 to M12 and 14,4\u{a0}% a month from M12 to M24",
    ];
    let mut found = messages.clone();
    expect.sort_unstable();
    found.sort_unstable();
    assert_eq!(found, expect);
    assert_eq!(json["errors"], 0);
    assert_eq!(json["warnings"], messages.len());
    // LTV/CAC agrees with its stated values within their precision.
    assert!(
        !messages.iter().any(|m| m.starts_with("`ltv_cac` states")),
        "{messages:#?}"
    );
    // The published page speaks to readers: one sentence per finding, in
    // the site's language, and no file paths.
    let page = html(site(), "consistency/index.html");
    let sentences = texts(&page, "ol.findings > li .finding-message");
    assert_eq!(sentences.len(), messages.len());
    assert!(
        sentences
            .iter()
            .any(|s| s.starts_with("Según el plan, en abril de 2024 la caja solo alcanza")),
        "{sentences:#?}"
    );
    assert!(
        texts(&page, ".finding-where").is_empty(),
        "no author notes in a published site"
    );
}

#[test]
fn drafts_show_authors_where_each_finding_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("site");
    let o = crate::palanca(&[
        "build",
        "--site",
        repo().to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--drafts",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let page = html(&out, "consistency/index.html");
    let places = texts(&page, ".finding-where code");
    assert_eq!(places.len(), texts(&page, "ol.findings > li").len());
    assert!(
        places.iter().any(|w| w.starts_with("content/plan/_index.md:")),
        "{places:?}"
    );
}

#[test]
fn scenarios_are_a_band_and_attainment_stays_against_the_base_plan() {
    let doc = html(site(), "metrics/ingresos/index.html");
    let legend = texts(&doc, "section#arr .legend li");
    assert!(
        legend.contains(&"Banda de escenarios: optimista, prudente".to_string()),
        "{legend:?}"
    );
    // March: $455K against the base $500K, not against either case.
    assert_eq!(detail_row("ingresos", "arr", "M3")[4], "91\u{a0}%");
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(site().join("data/metrics.json")).unwrap()).unwrap();
    let arr = json["metrics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["id"] == "arr")
        .unwrap();
    assert_eq!(arr["scenarios"]["prudente"]["2024-12"].as_f64(), Some(7_000_000.0));
    assert_eq!(arr["scenarios"]["optimista"]["2024-03"].as_f64(), Some(600_000.0));
}

#[test]
fn events_are_numbered_on_charts_and_listed_in_their_month() {
    let doc = html(site(), "metrics/ingresos/index.html");
    let events = texts(&doc, "section#arr ol.events li");
    assert_eq!(
        events,
        [
            "ene 2024: Arranca el plan de crecimiento",
            "mar 2024: Los precios escalonados se aplazan al segundo trimestre"
        ]
    );
    let march = html(site(), "updates/2024-03/index.html");
    assert_eq!(
        texts(&march, ".update-events li"),
        ["Los precios escalonados se aplazan al segundo trimestre"]
    );
    // An update lists only the events of its own month.
    let february = html(site(), "updates/2024-02/index.html");
    assert!(
        !texts(&february, ".update-events li")
            .iter()
            .any(|e| e.contains("escalonados"))
    );
}

/// Done and total tasks written in Markdown text (`- [x]` and `- [ ]`
/// lines, outside fenced code), counted from the text itself: what the
/// progress bars must add up to.
fn tasks_in_text(text: &str) -> (usize, usize) {
    let mut sum = (0, 0);
    let mut fenced = false;
    for line in text.lines().map(str::trim_start) {
        if line.starts_with("```") {
            fenced = !fenced;
        } else if !fenced && (line.starts_with("- [x] ") || line.starts_with("- [X] ")) {
            sum = (sum.0 + 1, sum.1 + 1);
        } else if !fenced && line.starts_with("- [ ] ") {
            sum.1 += 1;
        }
    }
    sum
}

/// [`tasks_in_text`] of every Markdown file under `dir`.
fn tasks_in_files(dir: &Path) -> (usize, usize) {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
        .map(|e| tasks_in_text(&std::fs::read_to_string(e.path()).unwrap()))
        .fold((0, 0), |a, b| (a.0 + b.0, a.1 + b.1))
}

/// The (done, total) a page's progress bar shows.
fn progress_bar(page: &str) -> (usize, usize) {
    let doc = html(site(), page);
    let bar = Selector::parse("[role=progressbar]").unwrap();
    let bar = doc
        .select(&bar)
        .next()
        .unwrap_or_else(|| panic!("no progress bar on {page}"));
    let number = |name: &str| bar.value().attr(name).unwrap().parse::<usize>().unwrap();
    (number("aria-valuenow"), number("aria-valuemax"))
}

#[test]
fn progress_bars_add_up_the_tasks_written_in_the_pages_under_them() {
    // Pages count their own tasks when their Markdown is rendered; folders
    // and the home page are rendered after them and sum them.
    let content = repo().join("content");
    let roadmap = content.join("plan/roadmap");
    for entry in std::fs::read_dir(&roadmap).unwrap().map(Result::unwrap) {
        let name = entry.file_name().to_string_lossy().into_owned();
        if let Some(slug) = name.strip_suffix(".md").filter(|s| *s != "_index") {
            let expected = tasks_in_text(&std::fs::read_to_string(entry.path()).unwrap());
            assert_eq!(
                progress_bar(&format!("plan/roadmap/{slug}/index.html")),
                expected,
                "{slug}"
            );
        }
    }
    assert_eq!(progress_bar("plan/roadmap/index.html"), tasks_in_files(&roadmap));
    assert_eq!(progress_bar("plan/index.html"), tasks_in_files(&content.join("plan")));
    let everything = tasks_in_files(&content);
    assert_eq!(everything, (6, 36), "the example's own count, as written");
    assert_eq!(progress_bar("index.html"), everything);
}

#[test]
fn the_register_the_roadmap_and_the_words_read_at_a_glance() {
    let rank = |s: &str| match s {
        "alta" => 3,
        "media" => 2,
        "baja" => 1,
        _ => 0,
    };
    let register = html(site(), "plan/riesgos/index.html");
    let severity = texts(&register, "table.risk-table td .severity");
    assert!(severity.len() >= 4, "{severity:?}");
    assert!(
        severity.windows(2).all(|w| rank(&w[0]) >= rank(&w[1])),
        "the most severe first: {severity:?}"
    );
    assert_eq!(
        texts(&register, "table.risk-table thead th").len(),
        7,
        "risk, severity, likelihood, impact, mitigation, contingency, monitoring"
    );

    let roadmap = std::fs::read_to_string(site().join("plan/roadmap/index.html")).unwrap();
    assert!(roadmap.contains("✓ Mes 1"), "month 1's tasks are all done");
    assert!(
        roadmap.contains("! Mes 3"),
        "month 3 is over at the latest actuals, its tasks open"
    );
    assert!(roadmap.contains("(con retraso)"), "and its bar's title says so");

    let lever = html(site(), "plan/palancas/01-automatizacion/index.html");
    assert!(
        texts(&lever, ".facts dd")
            .iter()
            .any(|d| d == "ene\u{a0}–\u{a0}mar 2024 (M1–M3)"),
        "months in words: {:?}",
        texts(&lever, ".facts dd")
    );
    let home = std::fs::read_to_string(site().join("index.html")).unwrap();
    assert!(home.contains("12,4\u{a0}meses"), "a number and its unit never part");
    assert!(home.contains("(17\u{a0}%)"), "the plan's progress in the site's style");
}
