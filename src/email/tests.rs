//! Unit tests of the parent module.

use super::*;

fn letter() -> Letter {
    Letter {
        period: Month(2024 * 12 + 2),
        subject: "Marzo".into(),
        html: format!("<p>{GREETING_SLOT}</p><img src=\"{}\">", image_slot("arr-chart.png")),
        text: format!("{GREETING_SLOT}\n\nTexto"),
        images: vec![Image {
            name: "arr-chart.png".into(),
            png: raster::Png {
                bytes: vec![],
                width: 2,
                height: 2,
            },
        }],
        greeting_all: "Hola a todos:".into(),
        greeting_named: "Hola, {name}:".into(),
        web_url: None,
    }
}

#[test]
fn greetings_and_images_fill_their_slots() {
    let l = letter();
    assert_eq!(
        l.html_for(Some("Ana <ana>"), |i| format!("cid:{}", i.name)),
        "<p>Hola, Ana &lt;ana&gt;:</p><img src=\"cid:arr-chart.png\">"
    );
    assert_eq!(l.text_for(None), "Hola a todos:\n\nTexto");
    assert_eq!(l.text_for(Some("  ")), "Hola a todos:\n\nTexto");
}

#[test]
fn columns_align_figures_right() {
    let rows = vec![
        vec!["ARR".to_string(), "$455K".into(), "+90 %".into()],
        vec!["Retención".to_string(), "78 %".into(), "+2 pp".into()],
    ];
    assert_eq!(columns(&rows), "ARR        $455K  +90 %\nRetención   78 %  +2 pp\n");
}

#[test]
fn a_personal_link_replaces_the_web_version_link_only() {
    let url = "https://example.com/plan/updates/2024-03/index.html";
    let mut l = letter();
    l.web_url = Some(url.into());
    l.html = format!("<a href=\"{url}\">web</a> <a href=\"{url}#kpis\">kpis</a>");
    l.text = format!("Web: {url}\nSee ({url}). And {url}#kpis or {url}x\n");
    let link = format!("{url}#key=abc");
    let personal = l.with_link(&link).unwrap();
    assert_eq!(
        personal.html,
        format!("<a href=\"{link}\">web</a> <a href=\"{url}#kpis\">kpis</a>")
    );
    assert_eq!(
        personal.text,
        format!("Web: {link}\nSee ({link}). And {url}#kpis or {url}x\n")
    );
    assert_eq!(personal.web_url.as_deref(), Some(link.as_str()));
    assert!(letter().with_link("x").is_none(), "no web version, no link");
}
