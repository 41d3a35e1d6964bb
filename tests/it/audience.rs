//! A public build reveals nothing marked for investors, through any path:
//! the fixture `tests/fixtures/leaks` hides metrics, a whole metric file, a
//! metric file left empty, milestones, a lever, a risk, a folder of pages
//! and updates, and names them from public formulas, checks, claims,
//! shortcodes, the headline and an update's KPIs. Every hidden thing
//! carries "zq" in its ids, titles and labels, and numbers found nowhere
//! else.

use std::path::Path;

use crate::{build, palanca, public_build, repo, snapshot, stderr};

/// What only the investors' build may contain: markers, the ids and labels
/// of public metrics computed from hidden ones, and hidden figures as
/// palanca formats them.
const HIDDEN: &[&str] = &[
    "zq",
    "cash_cover",
    "cash cover",
    "cover_trend",
    "cover trend",
    "burn_share",
    "burn share",
    "floor_value",
    "floor value",
    "$7.65m",
    "$4.32m",
    "$13.1m",
    "$10.9m",
    "$8.11m",
    "$3.46m",
    "$3.46m",
    "87.65%",
    "43.2x",
    "81.1x",
    "$1.22b",
    "$9.88m",
    "$3.46m",
    "3456789",
    "updates/2024-02",
    "updates/2024-04",
    "(m7–m8)",
    "2024-12",
];

fn leaks() -> std::path::PathBuf {
    repo().join("tests/fixtures/leaks")
}

/// The text of every file as a reader would get it: a message's headers
/// and decoded text parts (its base64 could spell anything). Images are
/// left out: they are drawn from the same charts the pages hold as SVG.
fn all_text(dir: &Path) -> Vec<(String, String)> {
    snapshot(dir)
        .into_iter()
        .filter(|(p, _)| !p.ends_with(".png"))
        .map(|(p, b)| {
            let text = if p.ends_with(".eml") {
                message_text(&b)
            } else {
                String::from_utf8_lossy(&b).into_owned()
            };
            (p, text.to_lowercase())
        })
        .collect()
}

fn message_text(bytes: &[u8]) -> String {
    fn walk(part: &mailparse::ParsedMail, out: &mut String) {
        for h in &part.headers {
            out.push_str(&format!("{}: {}\n", h.get_key(), h.get_value()));
        }
        if part.ctype.mimetype.starts_with("text/") {
            out.push_str(&part.get_body().unwrap());
        }
        for sub in &part.subparts {
            walk(sub, out);
        }
    }
    let mut out = String::new();
    walk(&mailparse::parse_mail(bytes).unwrap(), &mut out);
    out
}

#[test]
fn no_path_leads_a_hidden_item_into_a_public_build() {
    let dir = tempfile::tempdir().unwrap();
    let (all, public) = (dir.path().join("all"), dir.path().join("public"));
    let o = build(&leaks(), &all);
    assert!(o.status.success(), "{}", stderr(&o));
    let everything: String = all_text(&all).into_iter().map(|(_, t)| t).collect();
    for marker in HIDDEN {
        assert!(everything.contains(marker), "the investors' build shows `{marker}`");
    }
    let o = public_build(&leaks(), &public);
    assert!(o.status.success(), "{}", stderr(&o));
    let files = all_text(&public);
    assert!(files.len() > 15, "{}", files.len());
    for (path, text) in &files {
        assert!(!path.to_lowercase().contains("zq"), "a hidden page's address: {path}");
        for marker in HIDDEN {
            assert!(!text.contains(marker), "{path} of the public build leaks `{marker}`");
        }
    }
    // A public event that also named a hidden metric stays, on public charts.
    assert!(
        files.iter().any(|(_, text)| text.contains("pricing change")),
        "the public event is kept"
    );
    // The public figures are computed from public inputs only.
    let roadmap = crate::html(&public, "plan/roadmap/index.html");
    let totals = crate::texts(&roadmap, "td, th, p");
    assert!(totals.iter().any(|t| t.contains("$50K – $100K")), "{totals:?}");
}

#[test]
fn items_left_out_are_named_by_their_public_side_only() {
    let o = palanca(&[
        "check",
        "--audience",
        "public",
        "--format",
        "json",
        "--site",
        leaks().to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let hidden: Vec<&serde_json::Value> = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "hidden-dependency")
        .collect();
    assert!(hidden.len() >= 15, "{}", hidden.len());
    let mut public_metrics = Vec::new();
    for d in &hidden {
        let message = d["message"].as_str().unwrap();
        assert!(!message.to_lowercase().contains("zq"), "names a hidden item: {message}");
        assert_eq!(d["severity"], "warning");
        for s in d["subjects"].as_array().unwrap() {
            assert!(!s["id"].as_str().unwrap().contains("zq"), "{d}");
            if s["kind"] == "metric" {
                public_metrics.push(s["id"].as_str().unwrap().to_string());
            }
        }
    }
    public_metrics.sort();
    assert_eq!(
        public_metrics,
        [
            "burn_share",
            "cash_cover",
            "cover_trend",
            "floor_value",
            "outlay",
            "seats"
        ]
    );
    // The investors' check does not leave anything out.
    let o = palanca(&["check", "--format", "json", "--site", leaks().to_str().unwrap()]);
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(
        doc["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .all(|d| d["code"] != "hidden-dependency")
    );
}

#[test]
fn an_update_shows_nothing_after_its_month_even_through_shortcodes() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("all");
    assert!(build(&leaks(), &out).status.success());
    let march = std::fs::read_to_string(out.join("updates/2024-03/index.html")).unwrap();
    for later in ["2024-04", "2024-05", "2024-06", "M4", "M5", "M6"] {
        assert!(!march.contains(later), "the March update shows {later}");
    }
}

#[test]
fn the_consistency_page_can_be_kept_for_investors() {
    let dir = tempfile::tempdir().unwrap();
    crate::copy_example(dir.path());
    let yaml = dir.path().join("site.yaml");
    let text = std::fs::read_to_string(&yaml).unwrap();
    std::fs::write(&yaml, format!("{text}\nconsistency_page: investors\n")).unwrap();
    let public = dir.path().join("public");
    let o = crate::public_build(dir.path(), &public);
    assert!(o.status.success(), "{}", crate::stderr(&o));
    assert!(
        !public.join("consistency/index.html").exists(),
        "left out of the public build"
    );
    let home = std::fs::read_to_string(public.join("index.html")).unwrap();
    assert!(!home.contains("consistency/index.html"), "and not linked");
    let investors = dir.path().join("investors");
    assert!(crate::build(dir.path(), &investors).status.success());
    assert!(
        investors.join("consistency/index.html").is_file(),
        "the investors' build keeps it"
    );
    std::fs::write(&yaml, format!("{text}\nconsistency_page: nobody\n")).unwrap();
    assert!(crate::build(dir.path(), &investors).status.success());
    assert!(!investors.join("consistency/index.html").exists());
}
