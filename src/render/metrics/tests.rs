//! Unit tests of the parent module.

use super::*;

fn row(period: &str, interpolated: bool, classes: [&'static str; 3]) -> DetailRow {
    DetailRow {
        period: period.into(),
        plan_month: "M3".into(),
        target: "$1,200".into(),
        target_interpolated: interpolated,
        actual: "—".into(),
        change: "+4.1%".into(),
        change_class: classes[0],
        attainment: "97%".into(),
        attainment_class: classes[1],
        stated: "1.2K".into(),
        stated_class: classes[2],
        original: "<1,000 & 'so'>".into(),
    }
}

/// The loop the theme used to run over the rows, kept here as the
/// reference the Rust rows must equal.
const THEME_LOOP: &str = r#"{% for r in m.rows %}<tr><th scope="row">{{ r.period }} <span class="muted">{{ r.plan_month }}</span></th><td>{% if r.target_interpolated %}<span class="interp" title="{{ t.interpolated }}">≈</span>{% endif %}{{ r.target }}</td><td>{{ r.actual }}</td><td class="{{ r.change_class }}">{{ r.change }}</td><td class="{{ r.attainment_class }}">{{ r.attainment }}</td>{% if m.has_stated %}<td class="{{ r.stated_class }}">{{ r.stated }}</td>{% endif %}{% if m.has_original %}<td>{{ r.original }}</td>{% endif %}</tr>{% endfor %}"#;

#[test]
fn detail_rows_are_what_the_theme_loop_wrote() {
    let rows = vec![
        row("Mar 2024", false, ["", "good", ""]),
        row("Apr 2024 \"Q2\"", true, ["up", "bad", "bad"]),
        row("May's", false, ["", "", ""]),
    ];
    let interpolated = "read <between> 'two'";
    let mut tera = tera::Tera::default();
    tera.add_raw_template("rows.html", THEME_LOOP).unwrap();
    for (has_stated, has_original) in [(false, false), (true, false), (false, true), (true, true)] {
        let mut ctx = tera::Context::new();
        ctx.insert(
            "m",
            &serde_json::json!({ "rows": rows, "has_stated": has_stated, "has_original": has_original }),
        );
        ctx.insert("t", &serde_json::json!({ "interpolated": interpolated }));
        let expected = tera.render("rows.html", &ctx).unwrap();
        assert_eq!(
            rows_html(&rows, has_stated, has_original, interpolated),
            expected,
            "stated {has_stated}, original {has_original}"
        );
    }
}
