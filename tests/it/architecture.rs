//! The house's rules, read from the code: every module imports only its
//! own layer and those below (the table in `ARCHITECTURE.md`), no two
//! files of `src/` import each other through any chain, no source file is
//! over 700 lines, and there is no `unsafe`.
//!
//! An import is any path that names another module of the crate:
//! `crate::a::b`, `super::x`, `self::x`, or a child module by its name.
//! Doc comments are left out (a link in prose imports nothing), and so are
//! unit tests, which may reach anywhere.

use std::collections::{BTreeMap, BTreeSet};

use crate::repo;

/// A module of `src/`: its path (`render::plan`) and its file's text.
struct Module {
    path: String,
    file: String,
    lines: Vec<String>,
    children: BTreeSet<String>,
}

/// One import: from a file and line, to a module.
#[derive(Debug, Clone)]
struct Import {
    line: usize,
    to: String,
}

/// Whether `rel` (under `src/`) holds unit tests only.
fn is_test_file(rel: &str) -> bool {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    name == "tests.rs" || name.ends_with("_tests.rs") || rel.contains("/tests/")
}

/// Every non-test module of `src/`, keyed by module path.
fn modules() -> BTreeMap<String, Module> {
    let src = repo().join("src");
    let mut out = BTreeMap::new();
    for entry in walkdir::WalkDir::new(&src).sort_by_file_name() {
        let entry = entry.unwrap();
        let rel = entry
            .path()
            .strip_prefix(&src)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        if !rel.ends_with(".rs") || is_test_file(&rel) {
            continue;
        }
        let stem = rel.trim_end_matches(".rs");
        let path = match stem {
            "lib" | "main" => String::new(),
            s => s.trim_end_matches("/mod").replace('/', "::"),
        };
        let text = std::fs::read_to_string(entry.path()).unwrap();
        let mut lines: Vec<String> = Vec::new();
        // Unit tests written inline: everything from `#[cfg(test)]` on.
        for line in text.lines() {
            if line.trim() == "#[cfg(test)]" {
                break;
            }
            lines.push(line.to_string());
        }
        let children = lines
            .iter()
            .filter_map(|l| {
                let l = l.trim();
                let l = l
                    .strip_prefix("pub ")
                    .or_else(|| l.strip_prefix("pub(crate) "))
                    .unwrap_or(l);
                l.strip_prefix("mod ")?.strip_suffix(';').map(str::to_string)
            })
            .collect();
        let file = format!("src/{rel}");
        if entry.path().file_name().is_some_and(|n| n == "main.rs") {
            continue;
        }
        out.insert(
            path.clone(),
            Module {
                path,
                file,
                lines,
                children,
            },
        );
    }
    out
}

/// The module a path names: the longest of its prefixes that is a module.
fn resolve(known: &BTreeMap<String, Module>, parts: &[&str]) -> Option<String> {
    (1..=parts.len())
        .rev()
        .map(|n| parts[..n].join("::"))
        .find(|candidate| known.contains_key(candidate))
}

/// The identifier paths starting at `at` in `line` (`a::b::C`), with the
/// paths of a `{…}` group expanded (`a::{b, c::d}`).
fn paths_at(line: &str, at: usize) -> Vec<Vec<String>> {
    let rest = &line[at..];
    let head: String = rest
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':')
        .collect();
    let base: Vec<String> = head.split("::").filter(|p| !p.is_empty()).map(str::to_string).collect();
    let after = &rest[head.len()..];
    if (head.is_empty() || head.ends_with("::")) && after.starts_with('{') {
        let inner = after[1..].split('}').next().unwrap_or("");
        return inner
            .split(',')
            .map(|item| {
                let mut p = base.clone();
                p.extend(
                    item.trim()
                        .split("::")
                        .map(|s| s.split_whitespace().next().unwrap_or("").to_string())
                        .filter(|s| !s.is_empty() && s != "self"),
                );
                p
            })
            .collect();
    }
    vec![base]
}

/// Every import of `m`.
fn imports(m: &Module, known: &BTreeMap<String, Module>) -> Vec<Import> {
    let parent = m.path.rsplit_once("::").map_or("", |(p, _)| p).to_string();
    let mut out = Vec::new();
    for (i, line) in m.lines.iter().enumerate() {
        let code = line.trim_start();
        if code.starts_with("//") {
            continue;
        }
        let code = code.split(" //").next().unwrap_or(code);
        let bytes = code.as_bytes();
        for (at, _) in code.char_indices() {
            // Only at the start of a path, not inside one (`a::crate`).
            if at > 0 && (bytes[at - 1].is_ascii_alphanumeric() || bytes[at - 1] == b'_' || bytes[at - 1] == b':') {
                continue;
            }
            let (prefix, base) = if code[at..].starts_with("crate::") {
                ("crate::", String::new())
            } else if code[at..].starts_with("super::") {
                ("super::", parent.clone())
            } else if code[at..].starts_with("self::") {
                ("self::", m.path.clone())
            } else {
                let word: String = code[at..]
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if m.children.contains(&word) && code[at + word.len()..].starts_with("::") {
                    ("", m.path.clone())
                } else {
                    continue;
                }
            };
            for path in paths_at(code, at + prefix.len()) {
                let mut parts: Vec<&str> = if base.is_empty() {
                    Vec::new()
                } else {
                    base.split("::").collect()
                };
                parts.extend(path.iter().map(String::as_str));
                let target = if parts.is_empty() {
                    Some(String::new())
                } else {
                    resolve(known, &parts).or_else(|| (!base.is_empty()).then(|| base.clone()))
                };
                if let Some(to) = target.filter(|t| *t != m.path) {
                    out.push(Import { line: i + 1, to });
                }
            }
        }
    }
    out
}

/// The layer table of `ARCHITECTURE.md`: top-level module to layer number.
fn layers() -> BTreeMap<String, (u32, String)> {
    let text = std::fs::read_to_string(repo().join("ARCHITECTURE.md")).expect("ARCHITECTURE.md exists");
    let mut out = BTreeMap::new();
    let table = text.split("<!-- layers -->").nth(1).expect("a <!-- layers --> table");
    for row in table
        .lines()
        .skip_while(|l| !l.starts_with('|'))
        .take_while(|l| l.starts_with('|'))
    {
        let cells: Vec<&str> = row.split('|').map(str::trim).collect();
        let Some(number) = cells.get(1).and_then(|c| c.parse::<u32>().ok()) else {
            continue;
        };
        let name = cells.get(2).unwrap_or(&"").to_string();
        for module in cells.get(3).unwrap_or(&"").split('`').skip(1).step_by(2) {
            out.insert(module.to_string(), (number, name.clone()));
        }
    }
    out
}

/// The layer of module `path`: that of its top-level module.
fn layer_of<'a>(table: &'a BTreeMap<String, (u32, String)>, path: &str) -> Option<&'a (u32, String)> {
    table.get(path.split("::").next().unwrap_or(path))
}

/// Every import that runs up the layers, as `file:line: what`.
fn upward_imports(known: &BTreeMap<String, Module>, table: &BTreeMap<String, (u32, String)>) -> Vec<String> {
    let mut wrong = Vec::new();
    for m in known.values().filter(|m| !m.path.is_empty()) {
        let Some((mine, my_name)) = layer_of(table, &m.path) else {
            wrong.push(format!("{}: `{}` is in no layer of ARCHITECTURE.md", m.file, m.path));
            continue;
        };
        for import in imports(m, known) {
            if import.to.is_empty() {
                wrong.push(format!("{}:{}: imports the crate root", m.file, import.line));
                continue;
            }
            if let Some((theirs, their_name)) = layer_of(table, &import.to)
                && theirs > mine
            {
                wrong.push(format!(
                    "{}:{}: `{}` ({my_name}, layer {mine}) imports `{}` ({their_name}, layer {theirs})",
                    m.file, import.line, m.path, import.to
                ));
            }
        }
    }
    wrong
}

#[test]
fn no_module_imports_a_layer_above_its_own() {
    let wrong = upward_imports(&modules(), &layers());
    assert!(
        wrong.is_empty(),
        "imports that run up the layers:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn the_files_of_src_import_each_other_in_no_circle() {
    let known = modules();
    let graph: BTreeMap<String, BTreeSet<String>> = known
        .values()
        .map(|m| {
            let to = imports(m, &known)
                .into_iter()
                .map(|i| i.to)
                .filter(|t| !t.is_empty())
                .collect();
            (m.path.clone(), to)
        })
        .collect();
    let circles: Vec<Vec<String>> = strongly_connected(&graph).into_iter().filter(|c| c.len() > 1).collect();
    let shown: Vec<String> = circles
        .iter()
        .map(|c| {
            let files: Vec<&str> = c.iter().map(|p| known[p].file.as_str()).collect();
            // The imports that close the circle, each with its line.
            let mut inside = Vec::new();
            for p in c {
                for i in imports(&known[p], &known).into_iter().filter(|i| c.contains(&i.to)) {
                    inside.push(format!("    {}:{} imports `{}`", known[p].file, i.line, i.to));
                }
            }
            format!("{} files: {}\n{}", files.len(), files.join(" → "), inside.join("\n"))
        })
        .collect();
    assert!(shown.is_empty(), "files that import each other:\n{}", shown.join("\n"));
}

/// Tarjan's strongly connected components.
fn strongly_connected(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    struct State<'a> {
        graph: &'a BTreeMap<String, BTreeSet<String>>,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        on_stack: BTreeSet<&'a str>,
        out: Vec<Vec<String>>,
    }
    fn visit<'a>(s: &mut State<'a>, v: &'a str) {
        let n = s.index.len();
        s.index.insert(v, n);
        s.low.insert(v, n);
        s.stack.push(v);
        s.on_stack.insert(v);
        for w in s.graph.get(v).into_iter().flatten() {
            let w = w.as_str();
            if !s.graph.contains_key(w) {
                continue;
            }
            if !s.index.contains_key(w) {
                visit(s, w);
                let lw = s.low[w];
                let lv = s.low.get_mut(v).unwrap();
                *lv = (*lv).min(lw);
            } else if s.on_stack.contains(w) {
                let iw = s.index[w];
                let lv = s.low.get_mut(v).unwrap();
                *lv = (*lv).min(iw);
            }
        }
        if s.low[v] == s.index[v] {
            let mut component = Vec::new();
            while let Some(w) = s.stack.pop() {
                s.on_stack.remove(w);
                component.push(w.to_string());
                if w == v {
                    break;
                }
            }
            s.out.push(component);
        }
    }
    let mut s = State {
        graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        out: Vec::new(),
    };
    for v in graph.keys() {
        if !s.index.contains_key(v.as_str()) {
            visit(&mut s, v);
        }
    }
    s.out
}

#[test]
fn no_source_file_is_over_700_lines_and_none_is_unsafe() {
    let src = repo().join("src");
    let mut long = Vec::new();
    for entry in walkdir::WalkDir::new(&src).into_iter().filter_map(Result::ok) {
        let path = entry.path();
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let lines = std::fs::read_to_string(path).unwrap().lines().count();
        if lines > 700 {
            long.push(format!(
                "{}: {lines} lines",
                path.strip_prefix(repo()).unwrap().display()
            ));
        }
    }
    assert!(long.is_empty(), "files over 700 lines:\n{}", long.join("\n"));
    for root in ["src/lib.rs", "src/main.rs"] {
        let text = std::fs::read_to_string(repo().join(root)).unwrap();
        assert!(text.contains("#![forbid(unsafe_code)]"), "{root} forbids unsafe code");
    }
}

#[test]
fn a_planted_upward_import_is_caught_with_its_file_and_line() {
    // The guard itself, on a module that reaches up: `period` (vocabulary)
    // importing the driver, in a line added at its end.
    let mut known = modules();
    let period = known.get_mut("period").unwrap();
    period.lines.push("use crate::pipeline::Options;".to_string());
    let line = period.lines.len();
    let wrong = upward_imports(&known, &layers());
    assert_eq!(
        wrong,
        [format!(
            "src/period.rs:{line}: `period` (vocabulary, layer 0) imports `pipeline` (driver, layer 5)"
        )]
    );
    // And a circle between two files of one layer.
    let mut known = modules();
    known
        .get_mut("units")
        .unwrap()
        .lines
        .push("use crate::period::Month;".to_string());
    known
        .get_mut("period")
        .unwrap()
        .lines
        .push("use crate::units::Unit;".to_string());
    let graph: BTreeMap<String, BTreeSet<String>> = known
        .values()
        .map(|m| (m.path.clone(), imports(m, &known).into_iter().map(|i| i.to).collect()))
        .collect();
    let circles: Vec<Vec<String>> = strongly_connected(&graph).into_iter().filter(|c| c.len() > 1).collect();
    assert!(
        circles
            .iter()
            .any(|c| c.contains(&"units".to_string()) && c.contains(&"period".to_string())),
        "{circles:?}"
    );
}
