//! Unit tests of the parent module.

use super::*;

#[test]
fn classes_go_and_styles_come() {
    let html = r#"<p class="lead" id="x">Hola <a href="https://e.com/?a=1&amp;b=2" title="t">aquí</a></p>"#;
    assert_eq!(
        inline(html),
        "<p style=\"margin:0 0 14px;font-size:15px;line-height:1.5\">Hola \
         <a href=\"https://e.com/?a=1&amp;b=2\" style=\"color:#1a56c4;text-decoration:underline\">aquí</a></p>"
    );
}

#[test]
fn palancas_task_boxes_become_characters() {
    let html = r#"<li><span class="task done" role="img" aria-label="done"></span>Pricing</li><li><span class="task" role="img" aria-label="to do"></span>Pilots</li>"#;
    assert_eq!(
        inline(html),
        "<li style=\"margin:0 0 4px\"><span>☑ </span>Pricing</li><li style=\"margin:0 0 4px\"><span>☐ </span>Pilots</li>"
    );
}

#[test]
fn task_boxes_become_characters() {
    let html = r#"<li><input disabled="" type="checkbox" checked=""/> hecho</li><li><input disabled="" type="checkbox"/> no</li>"#;
    assert_eq!(
        inline(html),
        "<li style=\"margin:0 0 4px\">☑  hecho</li><li style=\"margin:0 0 4px\">☐  no</li>"
    );
}

#[test]
fn self_closing_tags_stay_closed() {
    assert_eq!(
        inline("<hr />"),
        "<hr style=\"border:0;border-top:1px solid #c9ced6;margin:18px 0\" />"
    );
}
