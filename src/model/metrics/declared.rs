//! What a metric declares about others, for the linter: the flows a stock
//! moves by (`balance:`), each of which must be a flow, since only an
//! amount over a month adds to or takes from a balance; and the metrics it
//! is the sum of (`parts:`), which must be in its unit.

use std::collections::HashMap;

use super::metric::{Group, Metric};
use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::roles::MetricKind;

/// Checks every declared balance and sum of parts.
pub fn check_declared(metrics: &[Metric], groups: &[Group], diags: &mut Diagnostics) {
    let index: HashMap<&str, &Metric> = metrics.iter().map(|m| (m.id.as_str(), m)).collect();
    for m in metrics {
        let mut lists: Vec<(&str, &[String])> = Vec::new();
        if let Some(balance) = &m.balance {
            lists.push(("balance.in", &balance.ins));
            lists.push(("balance.out", &balance.outs));
        }
        lists.push(("parts", &m.parts));
        for (key, ids) in lists {
            for id in ids {
                if let Some((code, message, help)) = problem(m, key, id, index.get(id.as_str()).copied()) {
                    let group = &groups[m.group];
                    let path = format!("metrics[{}].{key}", m.position);
                    let at = group
                        .spans
                        .find_in_list(&group.source.text, &path, id)
                        .or_else(|| group.spans.value_or_key(&path))
                        .unwrap_or(0..0);
                    diags.push(
                        Diagnostic::error_at(code, &group.source, at, message)
                            .metric(&m.id)
                            .help(help),
                    );
                }
            }
        }
    }
}

/// What is wrong with `id` in the list `key` of metric `m`, if anything.
fn problem(m: &Metric, key: &str, id: &str, named: Option<&Metric>) -> Option<(Code, String, &'static str)> {
    let balance = key.starts_with("balance");
    let what = if balance { "the balance" } else { "the parts" };
    let names = if balance { "names" } else { "name" };
    let Some(named) = named else {
        return Some((
            Code::UnknownMetric,
            format!("{what} of `{}` {names} `{id}`, which is not a metric", m.id),
            "list metric ids defined in content/metrics/*.yaml",
        ));
    };
    if balance && named.kind != MetricKind::Flow {
        return Some((
            Code::BadValue,
            format!(
                "the balance of `{}` names `{id}`, which is a {}, not a flow",
                m.id,
                crate::units::name_of(&named.kind)
            ),
            "a balance moves by flows (amounts in a month); give that metric `kind: flow`, or leave it out",
        ));
    }
    if !balance && (named.unit != m.unit || named.id == m.id) {
        return Some((
            Code::BadValue,
            format!(
                "the parts of `{}` name `{id}`, which is not a part of it in its unit ({})",
                m.id,
                crate::units::name_of(&m.unit)
            ),
            "a total is the sum of parts in its own unit: list the metrics that add up to it",
        ));
    }
    None
}
