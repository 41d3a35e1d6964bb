//! Formulas: parsed, checked for unknown inputs and cycles, and evaluated
//! in dependency order, targets and actuals apart.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::metric::{Group, Metric, Scenario, Series};
use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::formula::{self, Expr};
use crate::period::Month;

/// The derived metrics, in the order they can be computed: each with its
/// formula, after every metric it reads.
pub type Derivations = Vec<(usize, Expr)>;

/// Parses every formula, checks its inputs exist and that formulas do not
/// depend on themselves, then computes targets and actuals in dependency
/// order. Returns that order, for the plans (see `plans.rs`).
pub fn resolve_formulas(
    metrics: &mut [Metric],
    groups: &[Group],
    calendar: crate::period::Calendar,
    diags: &mut Diagnostics,
) -> Derivations {
    let index: HashMap<String, usize> = metrics.iter().enumerate().map(|(i, m)| (m.id.clone(), i)).collect();
    let mut exprs: BTreeMap<usize, Expr> = BTreeMap::new();
    let mut known: Option<Vec<&str>> = None;
    for (i, m) in metrics.iter().enumerate() {
        let Some(text) = &m.formula else { continue };
        let src = &groups[m.group].source;
        let at = m.formula_start(groups);
        match formula::parse(text) {
            Ok(expr) => {
                let mut ok = true;
                for (id, span) in expr.references() {
                    if !index.contains_key(id) {
                        ok = false;
                        let known = known.get_or_insert_with(|| metrics.iter().map(|m| m.id.as_str()).collect());
                        diags.push(
                            Diagnostic::error_at(
                                Code::UnknownMetric,
                                src,
                                at + span.start..at + span.end,
                                format!("unknown metric `{id}` in the formula of `{}`", m.id),
                            )
                            .metric(&m.id)
                            .label("no metric has this id")
                            .help(suggest(id, known)),
                        );
                    }
                }
                if ok {
                    exprs.insert(i, expr);
                }
            }
            Err(e) => diags.push(
                Diagnostic::error_at(
                    if e.limit { Code::TooLarge } else { Code::FormulaSyntax },
                    src,
                    at + e.span.start..at + e.span.end.max(e.span.start + 1),
                    format!("cannot read the formula of `{}`: {}", m.id, e.message),
                )
                .metric(&m.id)
                .help(e.help),
            ),
        }
    }
    let Some(order) = topological_order(metrics, &exprs, &index, groups, diags) else {
        return Vec::new();
    };
    let mut derivations = Vec::new();
    for i in order {
        let Some(expr) = exprs.get(&i) else { continue };
        derivations.push((i, expr.clone()));
        for scenario in [Scenario::Target, Scenario::Actual] {
            let mut divided_by_zero = None;
            let values = evaluate(expr, metrics, &index, &|m| scenario.series(m), &mut divided_by_zero);
            if let Some(month) = divided_by_zero {
                let m = &metrics[i];
                diags.push(
                    Diagnostic::warning_at(
                        Code::DivisionByZero,
                        &groups[m.group].source,
                        m.place(groups, "formula"),
                        format!(
                            "the formula of `{}` divides by zero in {month} ({})",
                            m.id,
                            scenario.name()
                        ),
                    )
                    .metric(&m.id)
                    .reader(
                        "finding_division",
                        vec![("metric", m.label.clone()), ("month", calendar.long(month))],
                    )
                    .help("that period shows no value; check the inputs for a zero"),
                );
            }
            *scenario.series_mut(&mut metrics[i]) = values;
        }
    }
    derivations
}

/// `expr` in every month its inputs' series (as `series` picks them: the
/// targets, the actuals or the plans) allow; `dz` gets the first month
/// that divides by zero.
pub(super) fn evaluate(
    expr: &Expr,
    metrics: &[Metric],
    index: &HashMap<String, usize>,
    series: &dyn Fn(&Metric) -> &Series,
    dz: &mut Option<Month>,
) -> Series {
    // A value can exist only in a month where some input has one, or a few
    // months after one when the formula looks back with prev().
    let lookback = expr.lookback();
    let mut months = BTreeSet::new();
    for id in expr.inputs() {
        for &m in series(&metrics[index[id]]).keys() {
            for back in 0..=lookback {
                months.insert(m.offset(back));
            }
        }
    }
    let lookup = |id: &str, m: Month| index.get(id).and_then(|&i| series(&metrics[i]).get(&m).copied());
    let mut out = Series::new();
    for month in months {
        let mut divided = false;
        // A figure beyond the limit is a runaway formula, not a value.
        if let Some(v) = expr
            .eval(month, &lookup, &mut divided)
            .filter(|v| v.abs() <= crate::limits::MAGNITUDE)
        {
            out.insert(month, v);
        }
        if divided && dz.is_none() {
            *dz = Some(month);
        }
    }
    out
}

/// Orders derived metrics so each comes after its inputs; a cycle is an
/// error naming every metric on it. Iterative, so a chain of any length
/// cannot overflow the stack.
fn topological_order(
    metrics: &[Metric],
    exprs: &BTreeMap<usize, Expr>,
    index: &HashMap<String, usize>,
    groups: &[Group],
    diags: &mut Diagnostics,
) -> Option<Vec<usize>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        Active,
        Done,
    }
    let inputs: HashMap<usize, Vec<usize>> = exprs
        .iter()
        .map(|(&i, e)| {
            (
                i,
                e.inputs().into_iter().filter_map(|id| index.get(id).copied()).collect(),
            )
        })
        .collect();
    let mut marks = vec![Mark::New; metrics.len()];
    let mut order = Vec::new();
    for &root in exprs.keys() {
        if marks[root] != Mark::New {
            continue;
        }
        // Each frame: a metric and how many of its inputs were visited.
        let mut stack: Vec<(usize, usize)> = vec![(root, 0)];
        marks[root] = Mark::Active;
        while let Some(top) = stack.last_mut() {
            let node = top.0;
            let deps = inputs.get(&node).map(Vec::as_slice).unwrap_or_default();
            if let Some(&dep) = deps.get(top.1) {
                top.1 += 1;
                match marks[dep] {
                    Mark::Done => {}
                    Mark::New => {
                        marks[dep] = Mark::Active;
                        stack.push((dep, 0));
                    }
                    Mark::Active => {
                        let from = stack.iter().position(|(s, _)| *s == dep).unwrap_or(0);
                        let mut cycle: Vec<usize> = stack[from..].iter().map(|(s, _)| *s).collect();
                        cycle.push(dep);
                        report_cycle(metrics, groups, &cycle, diags);
                        return None;
                    }
                }
            } else {
                marks[node] = Mark::Done;
                order.push(node);
                stack.pop();
            }
        }
    }
    Some(order)
}

fn report_cycle(metrics: &[Metric], groups: &[Group], cycle: &[usize], diags: &mut Diagnostics) {
    let names: Vec<&str> = cycle.iter().map(|&c| metrics[c].id.as_str()).collect();
    let first = &metrics[cycle[0]];
    let mut d = Diagnostic::error_at(
        Code::FormulaCycle,
        &groups[first.group].source,
        first.place(groups, "formula"),
        format!("formulas depend on each other in a cycle: {}", names.join(" → ")),
    )
    .help("one metric of the cycle must have its own targets and actuals instead of a formula");
    for id in &names {
        d = d.metric(id);
    }
    diags.push(d);
}

/// "did you mean" for an unknown id.
fn suggest(id: &str, known: &[&str]) -> String {
    let close = known
        .iter()
        .filter(|k| edit_distance(id, k) <= 2)
        .min_by_key(|k| edit_distance(id, k));
    match close {
        Some(k) => format!("did you mean `{k}`?"),
        None => format!(
            "define a metric with `id: {id}` in content/metrics/, or use one of: {}",
            known.join(", ")
        ),
    }
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur.push((prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}
