//! The flows a stock declares it moves by (`balance:`): each must name a
//! metric, and that metric must be a flow, since only an amount over a
//! month adds to or takes from a balance.

use std::collections::HashMap;

use super::metric::{Group, Metric};
use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::roles::MetricKind;

/// Checks every declared balance.
pub fn check_balances(metrics: &[Metric], groups: &[Group], diags: &mut Diagnostics) {
    let index: HashMap<&str, &Metric> = metrics.iter().map(|m| (m.id.as_str(), m)).collect();
    for stock in metrics {
        let Some(balance) = &stock.balance else { continue };
        let group = &groups[stock.group];
        for (side, ids) in [("in", &balance.ins), ("out", &balance.outs)] {
            let key = format!("metrics[{}].balance.{side}", stock.position);
            for id in ids {
                let at = group
                    .spans
                    .find_in_list(&group.source.text, &key, id)
                    .or_else(|| group.spans.value_or_key(&key))
                    .unwrap_or(0..0);
                let problem = match index.get(id.as_str()) {
                    None => Some((
                        Code::UnknownMetric,
                        format!("the balance of `{}` names `{}`, which is not a metric", stock.id, id),
                        "list the ids of the flows that move the stock, as defined in content/metrics/*.yaml",
                    )),
                    Some(flow) if flow.kind != MetricKind::Flow => Some((
                        Code::BadValue,
                        format!(
                            "the balance of `{}` names `{}`, which is a {}, not a flow",
                            stock.id,
                            id,
                            crate::units::name_of(&flow.kind)
                        ),
                        "a balance moves by flows (amounts in a month); give that metric `kind: flow`, or leave it out",
                    )),
                    Some(_) => None,
                };
                if let Some((code, message, help)) = problem {
                    diags.push(
                        Diagnostic::error_at(code, &group.source, at, message)
                            .metric(&stock.id)
                            .help(help),
                    );
                }
            }
        }
    }
}
