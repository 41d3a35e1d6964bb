//! Monthly updates and publishing: as-of pages, the feed, drafts,
//! audiences, and the `new` commands.

use std::path::Path;
use std::process::Command;

use crate::{build, copy_example, html, palanca, repo, snapshot, stderr, texts};

fn example_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_example(dir.path());
    dir
}

/// Appends `key: value` to the `actual` map of metric `id` in a metric file.
fn add_actual(file: &Path, id: &str, key: &str, value: &str) {
    let text = std::fs::read_to_string(file).unwrap();
    let start = text.find(&format!("id: {id}\n")).unwrap_or_else(|| panic!("{id}"));
    let block = text[start..].find("\n  - id:").map_or(text.len(), |end| start + end);
    let actual = start
        + text[start..block]
            .find("actual: {")
            .unwrap_or_else(|| panic!("{id} has no actual"));
    let close = actual + text[actual..].find('}').unwrap();
    let mut text = text;
    text.insert_str(close, &format!(", {key}: {value} "));
    std::fs::write(file, text).unwrap();
}

#[test]
fn an_update_never_changes_when_later_data_arrive() {
    let dir = example_copy();
    let site = dir.path();
    let out = site.join("output");
    let o = build(site, &out);
    assert!(o.status.success(), "{}", stderr(&o));
    let march = std::fs::read(out.join("updates/2024-03/index.html")).unwrap();
    let home = std::fs::read(out.join("index.html")).unwrap();

    // April's invoices arrive and are pulled: MRR, ARR and the rest move on.
    let lines = site.join("data/facturas-ejemplo.csv");
    let mut export = std::fs::read_to_string(&lines).unwrap();
    export.push_str("C9999;F-2024-99999;subscription;2024-04-01;2024-05-01;60000,00;USD\n");
    std::fs::write(&lines, export).unwrap();
    let revenue = site.join("content/metrics/ingresos.yaml");
    let text = std::fs::read_to_string(&revenue).unwrap();
    std::fs::write(&revenue, text.replace("until: 2024-03", "until: 2024-04")).unwrap();
    let analytics = site.join("data/analitica-usuarios.csv");
    let mut export = std::fs::read_to_string(&analytics).unwrap();
    export.push_str("2024-04-30;todas;1500;9000\n");
    std::fs::write(&analytics, export).unwrap();
    let pulled = palanca(&["pull", "--site", site.to_str().unwrap()]);
    assert!(pulled.status.success(), "{}", stderr(&pulled));
    add_actual(
        &site.join("content/metrics/producto.yaml"),
        "retention",
        "2024-04",
        "0.81",
    );
    add_actual(&site.join("content/metrics/producto.yaml"), "nps", "2024-04", "52");
    let o = build(site, &out);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        std::fs::read(out.join("updates/2024-03/index.html")).unwrap(),
        march,
        "the March update is byte for byte the same"
    );
    assert_ne!(
        std::fs::read(out.join("index.html")).unwrap(),
        home,
        "the home page does show April"
    );
    let doc = html(&out, "index.html");
    assert_eq!(texts(&doc, ".kpi h3")[3], "ARR");
    assert_eq!(texts(&doc, ".kpi .kpi-period")[3], "abril de 2024", "ARR as of April");
    assert_ne!(texts(&doc, ".kpi .kpi-value")[3], "$455K");
}

#[test]
fn update_pages_show_kpis_as_of_their_month() {
    let dir = tempfile::tempdir().unwrap();
    let o = build(&repo(), &dir.path().join("out"));
    assert!(o.status.success());
    let jan = html(&dir.path().join("out"), "updates/2024-01/index.html");
    // The cards: cash, net burn, runway, then ARR.
    assert_eq!(
        texts(&jan, ".kpi .kpi-value")[3],
        "$96K",
        "ARR in January, not the latest"
    );
    assert!(texts(&jan, ".kpi .delta").is_empty() || !texts(&jan, ".kpi .delta")[0].is_empty());
    let feb = html(&dir.path().join("out"), "updates/2024-02/index.html");
    assert_eq!(texts(&feb, ".kpi .kpi-value")[3], "$240K");
    assert_eq!(texts(&feb, ".kpi .delta")[3], "+150\u{a0}%", "change versus January");
    let index = html(&dir.path().join("out"), "updates/index.html");
    let titles = texts(&index, ".update-list > li > a");
    assert_eq!(titles.len(), 3);
    assert!(titles[0].starts_with("Marzo"), "newest first: {titles:?}");
    let home = html(&dir.path().join("out"), "index.html");
    assert!(
        texts(&home, "a.big-link")[0].starts_with("Marzo"),
        "the home page links the latest update"
    );
}

#[test]
fn the_atom_feed_parses_and_uses_absolute_urls() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    assert!(build(&repo(), &out).status.success());
    let xml = std::fs::read(out.join("atom.xml")).unwrap();
    let feed = feed_rs::parser::parse(xml.as_slice()).expect("a valid feed");
    assert_eq!(feed.entries.len(), 3);
    let first = &feed.entries[0];
    assert!(first.title.as_ref().unwrap().content.starts_with("Marzo 2024"));
    assert_eq!(
        first.links[0].href,
        "https://example.com/palanca/updates/2024-03/index.html"
    );
    assert!(
        first
            .content
            .as_ref()
            .and_then(|c| c.body.as_ref())
            .is_some_and(|b| b.contains("ARR de $455K")),
        "the letter's value shortcodes are rendered in the feed"
    );
    let sitemap = std::fs::read_to_string(out.join("sitemap.xml")).unwrap();
    assert!(sitemap.contains("<loc>https://example.com/palanca/plan/roadmap/index.html</loc>"));
    // base_url appears nowhere else but in the email, which links to its page.
    for (path, bytes) in snapshot(&out) {
        if path.ends_with(".html") && !path.ends_with("/email.html") {
            assert!(
                !String::from_utf8_lossy(&bytes).contains("example.com/palanca"),
                "{path} uses base_url"
            );
        }
    }
    assert!(out.join("404.html").is_file());
}

#[test]
fn drafts_stay_out_unless_asked_for() {
    let dir = example_copy();
    let site = dir.path();
    std::fs::write(
        site.join("content/updates/2024-04.md"),
        "---\nperiod: 2024-04\ntitle: Draftmarker abril\ndraft: true\n---\nBorrador.\n",
    )
    .unwrap();
    std::fs::write(
        site.join("content/plan/borrador.md"),
        "---\ntitle: Draftmarker plan\ndraft: true\n---\nBorrador.\n",
    )
    .unwrap();
    let out = site.join("out");
    assert!(build(site, &out).status.success());
    for (path, bytes) in snapshot(&out) {
        assert!(
            !String::from_utf8_lossy(&bytes).contains("Draftmarker"),
            "{path} shows a draft"
        );
    }
    let o = palanca(&[
        "build",
        "--drafts",
        "--site",
        site.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(out.join("updates/2024-04/index.html").is_file());
    assert!(out.join("plan/borrador/index.html").is_file());
}

const MARKERS: [&str; 9] = [
    "hiddenburn",
    "hiddenmultiple",
    "hiddencaptable",
    "hiddenterms",
    "hiddenletter",
    "burn_secret",
    "burn_multiple",
    "founder_share",
    "cap_table",
];

#[test]
fn a_public_build_has_no_trace_of_investor_content() {
    let site = repo().join("tests/fixtures/valid/audiences");
    let dir = tempfile::tempdir().unwrap();
    let (all, public) = (dir.path().join("all"), dir.path().join("public"));
    assert!(build(&site, &all).status.success());
    let o = crate::public_build(&site, &public);
    assert!(o.status.success(), "{}", stderr(&o));
    let everything: String = snapshot(&all)
        .values()
        .map(|b| String::from_utf8_lossy(b).to_lowercase())
        .collect();
    for marker in MARKERS {
        assert!(everything.contains(marker), "the full build shows `{marker}`");
    }
    let files = snapshot(&public);
    assert!(files.len() > 5);
    for (path, bytes) in &files {
        let text = String::from_utf8_lossy(bytes).to_lowercase();
        for marker in MARKERS {
            assert!(!text.contains(marker), "{path} of the public build leaks `{marker}`");
        }
    }
    assert!(
        !files
            .keys()
            .any(|p| p.contains("2024-02") || p.contains("terms") || p.contains("cap_table")),
        "{:?}",
        files.keys()
    );
    let doc = html(&public, "index.html");
    assert_eq!(texts(&doc, ".kpi h3"), ["ARR"], "only the public headline metric");
}

#[test]
fn new_update_writes_the_next_month_and_never_overwrites() {
    let dir = example_copy();
    let site = dir.path().to_str().unwrap();
    let o = palanca(&["new", "update", "--site", site]);
    assert!(o.status.success(), "{}", stderr(&o));
    let path = dir.path().join("content/updates/2024-04.md");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.starts_with("---\nperiod: 2024-04\n"), "{text}");
    assert!(
        text.contains("kpis: [cash, net_burn, runway, arr, active_users, retention, nps]"),
        "{text}"
    );
    assert!(text.contains("draft: true"));
    assert!(
        text.contains("title: \"Actualización de abril de 2024\""),
        "the month in words: {text}"
    );
    let o = palanca(&["new", "update", "2024-04", "--site", site]);
    assert_eq!(o.status.code(), Some(2), "a usage error, as the README says");
    assert!(stderr(&o).contains("already exists; palanca will not overwrite it"));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
    let o = palanca(&["new", "update", "2024-03", "--site", site]);
    assert_eq!(o.status.code(), Some(2), "March exists");
    let o = palanca(&["new", "update", "2025-13", "--site", site]);
    assert_eq!(o.status.code(), Some(2), "not a month");
    assert!(stderr(&o).contains("`2025-13` is not a month"), "{}", stderr(&o));
    // The skeleton is valid content: it builds as a draft.
    let out = dir.path().join("out");
    let o = palanca(&["build", "--drafts", "--site", site, "--out", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(out.join("updates/2024-04/index.html").is_file());
}

#[test]
fn new_site_builds_at_once_and_refuses_a_full_folder() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("mysite");
    let o = palanca(&["new", site.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = palanca(&["check", "--deny-warnings", "--site", site.to_str().unwrap()]);
    assert!(o.status.success(), "the starter has no warnings: {}", stderr(&o));
    let out = dir.path().join("out");
    assert!(build(&site, &out).status.success());
    let doc = html(&out, "index.html");
    assert!(!texts(&doc, ".kpi").is_empty());
    let o = palanca(&["new", site.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "a usage error");
    assert!(stderr(&o).contains("is not empty"));
}

/// A revised plan keeps the original in sight: beside the revised target
/// in the metric's table, on the update's card, and on the chart, whose
/// legend says when the plan was revised. Attainment is against the
/// revised plan.
#[test]
fn a_revised_plan_shows_the_original_beside_it() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let site = repo().join("tests/fixtures/valid/revised_plan");
    let o = build(&site, &out);
    assert!(o.status.success(), "{}", stderr(&o));
    let doc = html(&out, "metrics/revenue/index.html");
    assert_eq!(
        texts(&doc, "section#arr table.detail-table thead th")
            .last()
            .map(String::as_str),
        Some("Original plan")
    );
    let june: Vec<String> = texts(&doc, "section#arr table.detail-table tbody tr:nth-child(2) > *");
    assert_eq!(june, ["Jun 2024 M6", "$400K", "$420K", "—", "105%", "$600K"]);
    assert!(
        texts(&doc, "section#arr .legend li")
            .iter()
            .any(|l| l == "Original plan (revised in Jun 2024)"),
        "{:?}",
        texts(&doc, "section#arr .legend li")
    );
    let update = html(&out, "updates/2024-07/index.html");
    let targets = texts(&update, ".kpi .kpi-target");
    assert!(targets.contains(&"Original plan: $673K".to_string()), "{targets:?}");
    assert_eq!(texts(&update, ".kpi .attain")[0], "105% of target");
    assert!(
        texts(&update, "article p")
            .iter()
            .any(|p| p == "ARR reached $470K against the revised $449K.")
    );
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("data/metrics.json")).unwrap()).unwrap();
    let arr = &json["metrics"][0];
    assert_eq!(arr["original_target"]["2024-12"].as_f64(), Some(1_200_000.0));
    assert_eq!(arr["revisions"][0]["as_of"], "2024-06");
    assert_eq!(arr["revisions"][0]["note"], "slower enterprise sales");
}

/// The commands of the workflow `palanca new` writes for GitHub Pages.
fn workflow_commands(workflow: &str) -> Vec<String> {
    let doc: serde_yaml::Value = serde_yaml::from_str(workflow).unwrap();
    doc["jobs"]["publish"]["steps"]
        .as_sequence()
        .unwrap()
        .iter()
        .filter_map(|step| step["run"].as_str().map(|r| r.trim().to_string()))
        .collect()
}

#[test]
fn the_publishing_workflow_is_the_readmes_and_its_commands_build_the_site() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("plan");
    let o = palanca(&["new", site.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let workflow = std::fs::read_to_string(site.join(".github/workflows/publish.yml")).unwrap();
    let ignored = std::fs::read_to_string(site.join(".gitignore")).unwrap();
    assert!(ignored.lines().any(|l| l == "/reader-keys"), "{ignored}");

    // The README shows the same file, word for word.
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let shown = readme
        .split("  ```yaml\n")
        .find(|block| block.contains("name: publish"))
        .and_then(|block| block.split("  ```\n").next())
        .expect("the workflow in the README");
    let shown: String = shown
        .lines()
        .map(|l| format!("{}\n", l.strip_prefix("  ").unwrap_or(l)))
        .collect();
    assert_eq!(shown, workflow, "README and workflow differ");

    let commands = workflow_commands(&workflow);
    assert_eq!(
        commands,
        [
            "cargo install --locked palanca",
            "palanca check --deny-warnings",
            "if [ -n \"$PALANCA_PASSWORD\" ]; then palanca build --encrypt; else palanca build --audience public; fi",
        ]
    );
    let doc: serde_yaml::Value = serde_yaml::from_str(&workflow).unwrap();
    let steps = doc["jobs"]["publish"]["steps"].as_sequence().unwrap();
    assert!(
        steps.iter().any(|s| s["with"]["path"].as_str() == Some("output")),
        "it publishes output/"
    );

    // Run them as the workflow would, with this palanca on the PATH in
    // place of the one `cargo install` fetches (the test has no network):
    // without the secret, then with it.
    let bin = assert_cmd::cargo::cargo_bin("palanca");
    let path = format!(
        "{}:{}",
        bin.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    for secret in ["", PASSPHRASE_FOR_CI] {
        for command in commands.iter().filter(|c| !c.starts_with("cargo install")) {
            let o = Command::new("sh")
                .args(["-c", command])
                .current_dir(&site)
                .env("PATH", &path)
                .env("PALANCA_PASSWORD", secret)
                .output()
                .unwrap();
            assert!(
                o.status.success(),
                "`{command}`: {}",
                String::from_utf8_lossy(&o.stderr)
            );
        }
        let encrypted = site.join("output/assets/keys.js").exists();
        assert_eq!(encrypted, !secret.is_empty(), "the secret decides what is built");
        let home = std::fs::read_to_string(site.join("output/index.html")).unwrap();
        assert_eq!(home.contains("palanca-unlock"), !secret.is_empty());
    }
}

const PASSPHRASE_FOR_CI: &str = "maple orbit quietly seventeen lanterns";

#[test]
fn an_updates_lines_quote_figures_with_value() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let o = build(&repo(), &out);
    assert!(o.status.success(), "{}", stderr(&o));
    let march = html(&out, "updates/2024-03/index.html");
    let lines = texts(&march, ".update-lists li");
    assert!(
        lines.contains(&"ARR de $455K al cierre del trimestre, un 91\u{a0}% de la meta de $500K".to_string()),
        "the figures as of March: {lines:?}"
    );
    assert!(lines.iter().all(|l| !l.contains("{{")), "no shortcode shows: {lines:?}");
    let text = std::fs::read_to_string(out.join("updates/2024-03/email.html")).unwrap();
    assert!(
        text.contains("ARR de $455K al cierre del trimestre"),
        "and in the letter"
    );

    // A block in a line, or a metric that does not exist, is an error at its line.
    let site = example_copy();
    let path = site.path().join("content/updates/2024-03.md");
    let letter = std::fs::read_to_string(&path).unwrap();
    let broken = letter.replace(
        "  - \"Candidatos para dirigir el área de éxito de clientes\"",
        "  - 'Candidatos {{ chart(metric=\"arr\") }} y {{ value(metric=\"arrr\") }}'",
    );
    assert_ne!(broken, letter);
    std::fs::write(&path, broken).unwrap();
    let o = palanca(&["check", "--site", site.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains("`chart` draws a block, and a line of `asks` holds only text"),
        "{err}"
    );
    assert!(
        err.contains("the shortcode names `arrr`, which is not a metric"),
        "{err}"
    );
    assert!(
        err.contains("--> content/updates/2024-03.md:14:"),
        "at the line of the ask: {err}"
    );
}

#[test]
fn a_public_letter_leaves_out_a_line_quoting_a_hidden_metric() {
    let site = example_copy();
    let file = site.path().join("content/metrics/operaciones.yaml");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(
        &file,
        text.replacen("  - id: uptime\n", "  - id: uptime\n    audience: investors\n", 1),
    )
    .unwrap();
    let out = site.path().join("public");
    let o = crate::public_build(site.path(), &out);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("this line of `highlights` quotes a metric that is only for investors"),
        "{}",
        stderr(&o)
    );
    let march = html(&out, "updates/2024-03/index.html");
    let lines = texts(&march, ".update-lists li");
    assert!(lines.iter().all(|l| !l.starts_with("Disponibilidad")), "{lines:?}");
    assert!(
        lines.iter().any(|l| l.starts_with("ARR de")),
        "the others stay: {lines:?}"
    );
}
