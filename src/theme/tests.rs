//! Unit tests of the parent module.

use super::*;

fn theme_with(template: &str) -> Result<Theme, Vec<Diagnostic>> {
    let files = ThemeFiles {
        templates: vec![Source::new("themes/t/templates/page.html", template)],
        ..ThemeFiles::default()
    };
    Theme::build(&files, "en")
}

#[test]
fn defaults_build_and_have_strings() {
    let theme = Theme::build(&ThemeFiles::default(), "es").unwrap();
    assert_eq!(theme.strings.get("target").map(String::as_str), Some("Objetivo"));
    assert!(theme.statics.iter().any(|(p, _)| p == "assets/style.css"));
}

#[test]
fn syntax_errors_point_into_the_override() {
    let err = theme_with("<p>\n{% if %}\n").unwrap_err().remove(0);
    assert_eq!(err.file, "themes/t/templates/page.html");
    assert_eq!(err.location.unwrap().line, 2);
}

#[test]
fn unknown_filters_point_into_the_override() {
    let err = theme_with("<h1>{{ page_title | nosuchfilter }}</h1>\n")
        .unwrap_err()
        .remove(0);
    assert_eq!(err.file, "themes/t/templates/page.html");
    assert!(err.message.contains("Unknown filter `nosuchfilter`"), "{}", err.message);
    assert!(!err.message.contains("error:"), "{}", err.message);
    let loc = err.location.unwrap();
    assert_eq!((loc.line, loc.column), (1, 21));
}
