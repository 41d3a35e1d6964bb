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
        cursor: (0, 0, 0),
        line: (0, 0),
        stack: Vec::new(),
        nodes: Vec::new(),
        done: false,
    };
    let nota = text.find("nota").unwrap();
    let fin = text.find("fin").unwrap();
    assert_eq!(reader.byte_at(1, 6), fin);
    assert_eq!(reader.byte_at(0, 8), text.find('«').unwrap(), "walked back");
    assert_eq!(reader.byte_at(1, 0), nota, "and forward again");
    assert_eq!(reader.byte_at(1, 6), fin);
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

/// A YAML document as the property test below writes it: every scalar
/// with the text written for it, and the value serde must read from it.
#[derive(Debug, Clone)]
enum Node {
    Scalar(Scalar),
    Map(Vec<(Scalar, Node)>, bool),
    Seq(Vec<Node>, bool),
}

#[derive(Debug, Clone)]
struct Scalar {
    written: String,
    value: String,
}

mod yaml_docs {
    use super::{Node, Scalar};
    use proptest::prelude::*;

    fn word() -> impl Strategy<Value = String> {
        "[a-z][a-z0-9_]{0,7}".prop_filter("not a YAML word", |w| {
            !matches!(
                w.as_str(),
                "y" | "n" | "yes" | "no" | "on" | "off" | "true" | "false" | "null" | "nan" | "inf"
            )
        })
    }

    /// Scalars of every style palanca's files use.
    pub fn scalar(in_flow: bool) -> impl Strategy<Value = Scalar> {
        let plain = word().prop_map(|w| Scalar {
            written: w.clone(),
            value: w,
        });
        let spaced = (word(), word()).prop_map(|(a, b)| {
            let w = format!("{a} {b}");
            Scalar {
                written: w.clone(),
                value: w,
            }
        });
        let month = (2000u32..2100, 1u32..=12).prop_map(|(y, m)| {
            let w = format!("{y}-{m:02}");
            Scalar {
                written: w.clone(),
                value: w,
            }
        });
        let plan_month = (1u32..600).prop_map(|n| Scalar {
            written: format!("M{n}"),
            value: format!("M{n}"),
        });
        let number = (1u32..10_000_000).prop_map(|n| Scalar {
            written: n.to_string(),
            value: n.to_string(),
        });
        let decimal = (0u32..1000, 1u32..100).prop_map(|(a, b)| {
            let w = format!("{a}.{b:02}");
            let v: f64 = w.parse().unwrap();
            Scalar {
                written: w,
                value: v.to_string(),
            }
        });
        let text = "[ a-zA-Z0-9:#,\\[\\]{}é€%'\"-]{0,12}";
        let double = text.prop_map(|t: String| Scalar {
            written: format!("\"{}\"", t.replace('\\', "\\\\").replace('"', "\\\"")),
            value: t,
        });
        let single = text.prop_map(|t: String| Scalar {
            written: format!("'{}'", t.replace('\'', "''")),
            value: t,
        });
        let _ = in_flow;
        prop_oneof![plain, spaced, month, plan_month, number, decimal, double, single].boxed()
    }

    /// Keys: words, months, plan months; never two alike in one mapping.
    fn keys(n: usize) -> impl Strategy<Value = Vec<Scalar>> {
        let key = prop_oneof![
            word(),
            (2000u32..2100, 1u32..=12).prop_map(|(y, m)| format!("{y}-{m:02}")),
            (1u32..600).prop_map(|n| format!("M{n}")),
        ];
        proptest::collection::btree_set(key, 1..=n).prop_map(|set| {
            set.into_iter()
                .map(|k| Scalar {
                    written: k.clone(),
                    value: k,
                })
                .collect()
        })
    }

    /// Documents up to four levels deep, each collection in block or flow
    /// style (inside a flow collection, everything is written in flow).
    pub fn node() -> BoxedStrategy<Node> {
        let leaf = scalar(false).prop_map(Node::Scalar);
        leaf.prop_recursive(4, 40, 6, |inner| {
            let map_inner = inner.clone();
            let map = (keys(6), any::<bool>()).prop_flat_map(move |(keys, flow)| {
                proptest::collection::vec(map_inner.clone(), keys.len())
                    .prop_map(move |values| Node::Map(keys.iter().cloned().zip(values).collect(), flow))
            });
            let seq = (proptest::collection::vec(inner, 1..6), any::<bool>())
                .prop_map(|(items, flow)| Node::Seq(items, flow));
            prop_oneof![map, seq]
        })
        .boxed()
    }
}

/// Writes `node` at `indent` (block style) or inline (flow, and always
/// inside a flow collection).
fn write_yaml(node: &Node, indent: usize, out: &mut String) {
    write_node(node, indent, false, out);
}

fn write_node(node: &Node, indent: usize, in_flow: bool, out: &mut String) {
    let pad = " ".repeat(indent);
    let flow = in_flow
        || match node {
            Node::Map(_, f) | Node::Seq(_, f) => *f,
            Node::Scalar(_) => false,
        };
    match node {
        Node::Scalar(s) => out.push_str(&s.written),
        Node::Map(entries, _) if entries.is_empty() => out.push_str("{}"),
        Node::Seq(items, _) if items.is_empty() => out.push_str("[]"),
        Node::Map(entries, _) if flow => {
            out.push_str("{ ");
            for (i, (k, v)) in entries.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                out.push_str(&k.written);
                out.push_str(": ");
                write_node(v, indent, true, out);
            }
            out.push_str(" }");
        }
        Node::Seq(items, _) if flow => {
            out.push('[');
            for (i, v) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_node(v, indent, true, out);
            }
            out.push(']');
        }
        Node::Map(entries, _) => {
            for (i, (k, v)) in entries.iter().enumerate() {
                if i > 0 {
                    out.push('\n');
                    out.push_str(&pad);
                }
                out.push_str(&k.written);
                out.push(':');
                block_child(v, indent, out);
            }
        }
        Node::Seq(items, _) => {
            for (i, v) in items.iter().enumerate() {
                if i > 0 {
                    out.push('\n');
                    out.push_str(&pad);
                }
                out.push('-');
                block_child(v, indent, out);
            }
        }
    }
}

/// A value after `key:` or `-` in block style: a scalar or a flow
/// collection on the same line (with a comment now and then), a block
/// collection on the lines below.
fn block_child(v: &Node, indent: usize, out: &mut String) {
    match v {
        Node::Map(e, false) if !e.is_empty() => {
            out.push('\n');
            out.push_str(&" ".repeat(indent + 2));
            write_yaml(v, indent + 2, out);
        }
        Node::Seq(items, false) if !items.is_empty() => {
            out.push('\n');
            out.push_str(&" ".repeat(indent + 2));
            write_yaml(v, indent + 2, out);
        }
        _ => {
            out.push(' ');
            write_yaml(v, indent, out);
            if out.len().is_multiple_of(3) {
                out.push_str("  # a note");
            }
        }
    }
}

/// Every scalar of `node` and every key, with its path as [`Spans`] names it.
fn leaves<'a>(node: &'a Node, path: String, out: &mut Vec<(String, &'a Scalar, bool)>) {
    let join = |k: &str| {
        if path.is_empty() {
            k.to_string()
        } else {
            format!("{path}.{k}")
        }
    };
    match node {
        Node::Scalar(s) => out.push((path, s, false)),
        Node::Map(entries, _) => {
            for (k, v) in entries {
                out.push((join(&k.value), k, true));
                leaves(v, join(&k.value), out);
            }
        }
        Node::Seq(items, _) => {
            for (i, v) in items.iter().enumerate() {
                leaves(v, format!("{path}[{i}]"), out);
            }
        }
    }
}

/// The value serde read at `path` of `value`, as text.
fn serde_at<'a>(value: &'a serde_yaml::Value, path: &[(Option<&str>, Option<usize>)]) -> Option<&'a serde_yaml::Value> {
    let mut v = value;
    for (key, index) in path {
        v = match (key, index) {
            (Some(k), _) => v.as_mapping()?.get(serde_yaml::Value::String(k.to_string()))?,
            (_, Some(i)) => v.as_sequence()?.get(*i)?,
            _ => return None,
        };
    }
    Some(v)
}

#[test]
fn the_positions_parser_and_the_values_parser_agree_on_every_document_palanca_reads() {
    use proptest::prelude::*;
    let mut runner = proptest::test_runner::TestRunner::new(proptest::test_runner::Config {
        cases: 600,
        ..Default::default()
    });
    let top = yaml_docs::node().prop_filter(
        "a mapping at the top",
        |n| matches!(n, Node::Map(e, false) if !e.is_empty()),
    );
    runner
        .run(&top, |doc| {
            let mut text = String::new();
            write_yaml(&doc, 0, &mut text);
            text.push('\n');
            // The values parser must read what was written…
            let value: serde_yaml::Value =
                serde_yaml::from_str(&text).map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
            let spans = Spans::parse(&text, 0, text.len());
            let mut all = Vec::new();
            leaves(&doc, String::new(), &mut all);
            for (path, scalar, is_key) in all {
                // …and the positions parser point at it, path by path.
                let span = if is_key { spans.key(&path) } else { spans.value(&path) };
                let found = span.map(|s| &text[s]);
                prop_assert_eq!(found, Some(scalar.written.as_str()), "{} of\n{}", path, text);
                if is_key {
                    continue;
                }
                let steps: Vec<(Option<&str>, Option<usize>)> = split_path(&path);
                let read = serde_at(&value, &steps).map(|v| match v {
                    serde_yaml::Value::String(s) => s.clone(),
                    serde_yaml::Value::Number(n) => n.to_string(),
                    other => format!("{other:?}"),
                });
                prop_assert_eq!(read.as_deref(), Some(scalar.value.as_str()), "{} of\n{}", path, text);
            }
            Ok(())
        })
        .unwrap();
}

/// `a.b[2].c` as steps: keys and indexes.
fn split_path(path: &str) -> Vec<(Option<&str>, Option<usize>)> {
    let mut steps = Vec::new();
    for part in path.split('.') {
        let (key, rest) = part.split_once('[').map_or((part, ""), |(k, r)| (k, r));
        if !key.is_empty() {
            steps.push((Some(key), None));
        }
        for index in rest.split('[').filter(|s| !s.is_empty()) {
            steps.push((None, index.trim_end_matches(']').parse().ok()));
        }
    }
    steps
}

#[test]
fn positions_after_a_block_scalar_with_accents_stay_exact() {
    // yaml-rust2 counts a block scalar's line in bytes and everything else
    // in characters: positions come from lines and columns instead.
    let text = "title: Año\ndescription: >-\n  la comisión · ñ\n  y más\nmetrics:\n  - id: a\n    target: { M1: 0.5, M2: 1.7 }\n";
    let spans = Spans::parse(text, 0, text.len());
    let at = spans.value("metrics[0].target.M2").unwrap();
    assert_eq!(&text[at], "1.7");
    let at = spans.value("metrics[0].id").unwrap();
    assert_eq!(&text[at], "a");
}
