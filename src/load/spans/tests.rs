//! Unit tests of the parent module.

use super::*;

fn at(text: &str, span: Option<Range<usize>>) -> &str {
    let span = span.expect("a span");
    &text[span]
}

#[test]
fn block_and_flow_values_are_found_by_path() {
    let text = "title: Ingrésos é\nmetrics:\n  - id: arr\n    target: { M1: 100000, M3: \"5%\" }\n    actual:\n      2024-01: 96000   # dato\n  - id: mrr\n    formula: arr / 12\n";
    let s = Spans::parse(text, 0, text.len());
    assert_eq!(at(text, s.value("title")), "Ingrésos é");
    assert_eq!(at(text, s.value("metrics[0].id")), "arr");
    assert_eq!(at(text, s.value("metrics[0].target.M1")), "100000");
    assert_eq!(at(text, s.key("metrics[0].target.M3")), "M3");
    assert_eq!(at(text, s.value("metrics[0].target.M3")), "\"5%\"");
    assert_eq!(at(text, s.value("metrics[0].actual.2024-01")), "96000");
    assert_eq!(at(text, s.value_or_key("metrics[0].actual")), "actual");
    assert_eq!(
        at(text, s.value("metrics[0].target")),
        "{",
        "a flow mapping is marked at its brace"
    );
    assert_eq!(at(text, s.value("metrics[1].formula")), "arr / 12");
    assert!(!s.contains("metrics[2]"));
}

#[test]
fn positions_count_from_the_whole_file() {
    let text = "---\ntitle: \"A: b\"\nclaims: [{ metric: arr, by: 'M0' }]\n---\nbody\n";
    let end = text.rfind("---").unwrap();
    let s = Spans::parse(text, 4, end);
    assert_eq!(at(text, s.value("title")), "\"A: b\"");
    assert_eq!(at(text, s.value("claims[0].metric")), "arr");
    assert_eq!(at(text, s.value("claims[0].by")), "'M0'");
}

#[test]
fn unreadable_yaml_gives_no_positions() {
    let text = "a: [1, 2\n";
    let s = Spans::parse(text, 0, text.len());
    assert!(s.value("a").is_none());
}

#[test]
fn positions_after_wide_characters_on_a_long_flow_line_are_exact() {
    let values: Vec<String> = (1..=36).map(|i| format!("M{i}: \"{i}€ñ\"")).collect();
    let text = format!("título: «Año»\ntarget: {{ {} }}\nnota: fin\n", values.join(", "));
    let s = Spans::parse(&text, 0, text.len());
    assert_eq!(at(&text, s.value("título")), "«Año»");
    for i in 1..=36 {
        assert_eq!(at(&text, s.key(&format!("target.M{i}"))), format!("M{i}"));
        assert_eq!(at(&text, s.value(&format!("target.M{i}"))), format!("\"{i}€ñ\""));
    }
    assert_eq!(at(&text, s.value("nota")), "fin");
}

#[test]
fn a_marker_behind_the_cursor_is_converted_too() {
    let text = "título: «Año»\nnota: fin\n";
    let mut reader = Reader {
        text,
        base: 0,
        ascii: false,
        cursor: (0, 0),
        stack: Vec::new(),
        nodes: Vec::new(),
        done: false,
    };
    let nota = text.find("nota").unwrap();
    let nota_chars = text[..nota].chars().count();
    assert_eq!(reader.byte_of_char(nota_chars), nota);
    assert_eq!(reader.byte_of_char(8), text.find('«').unwrap(), "walked back");
    assert_eq!(reader.byte_of_char(nota_chars), nota, "and forward again");
}

#[test]
fn a_path_hashed_piece_by_piece_is_the_path_hashed_whole() {
    let whole = |p: &str| PathHash::ROOT.then(p.as_bytes());
    let built = PathHash::ROOT.key("metrics").item(10).key("target").key("M12");
    assert_eq!(built, whole("metrics[10].target.M12"));
    assert_eq!(PathHash::ROOT.key("a").item(0), whole("a[0]"));
    assert_eq!(PathHash::ROOT.key("title"), whole("title"), "no dot at the top");
    assert_ne!(PathHash::ROOT.key("a").item(1), whole("a[10]"));
    let text = "list:\n".to_string() + &(0..12).map(|i| format!("  - v{i}\n")).collect::<String>();
    let s = Spans::parse(&text, 0, text.len());
    assert_eq!(at(&text, s.value("list[11]")), "v11");
}
