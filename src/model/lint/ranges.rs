//! Values that cannot be right or are worth a look: outside the range
//! their unit or role allows, targets moving against the metric's
//! direction, and a runway shorter than the site's alert.

use super::subject::Subject;
use crate::diagnostic::{Code, Diagnostics};
use crate::model::metrics::{Section, Series};
use crate::roles::Role;
use crate::units::{Direction, NumberStyle, Unit};

/// Values outside what their unit allows (a percentage above 100%, a
/// negative count or duration), or outside the metric's own `range` (or
/// its role's: NRR may pass 100%, cash may be negative).
pub fn check_ranges(s: &Subject, diags: &mut Diagnostics) {
    for m in s.metrics {
        let (lo, hi) = match (m.range, m.unit) {
            (Some([lo, hi]), _) => (lo, hi),
            // A derived percentage is often a growth rate, which may pass 100%.
            (None, _) if m.is_derived() => continue,
            (None, Unit::Percent) => (0.0, 1.0),
            (None, Unit::Count | Unit::Duration | Unit::Months) => (0.0, f64::INFINITY),
            (None, _) => continue,
        };
        for (section, series) in [(Section::Target, &m.target), (Section::Actual, &m.actual)] {
            let Some((&month, &v)) = series.iter().find(|(_, v)| **v < lo || **v > hi) else {
                continue;
            };
            let at = if m.is_derived() {
                m.place(s.groups, "formula")
            } else {
                m.value_place(s.groups, section, month)
            };
            let bounds = match (lo.is_finite(), hi.is_finite()) {
                (true, true) => format!("{} – {}", s.show(m, lo), s.show(m, hi)),
                (true, false) => format!("at least {}", s.show(m, lo)),
                _ => format!("at most {}", s.show(m, hi)),
            };
            let key = if section == Section::Target {
                "finding_range_target"
            } else {
                "finding_range_actual"
            };
            diags.push(
                s.warning(
                    Code::OutOfRange,
                    m,
                    at,
                    format!(
                        "the {} of `{}` is {} at {}, outside {bounds}",
                        section.key(),
                        m.id,
                        s.show(m, v),
                        s.when(month)
                    ),
                )
                .reader(
                    key,
                    vec![
                        ("metric", m.label.clone()),
                        ("value", s.show(m, v)),
                        ("month", s.month(month)),
                        ("bounds", bounds.clone()),
                    ],
                )
                .help("percentages are fractions (0.8 is 80%); if the value is right (net revenue retention may pass 100%), set `range: [min, max]` or a `role:` on the metric"),
            );
        }
    }
}

/// A target that moves against the metric's direction: a lower-is-better
/// metric whose target rises, or a higher-is-better one whose target falls.
/// Not for metrics whose role moves both ways in a healthy plan (cash falls
/// while a funded company spends; burn and headcount rise while it hires).
pub fn check_directions(s: &Subject, diags: &mut Diagnostics) {
    for m in s
        .metrics
        .iter()
        .filter(|m| !m.is_derived() && m.total_of.is_none() && m.check_direction)
    {
        let pairs = m.target.iter().zip(m.target.iter().skip(1));
        let wrong = pairs.into_iter().find(|((_, a), (_, b))| match m.direction {
            Direction::Up => b < a,
            Direction::Down => b > a,
        });
        let Some(((&ma, &a), (&mb, &b))) = wrong else { continue };
        let (dir, key) = match m.direction {
            Direction::Up => ("higher is better (`direction: up`)", "finding_direction_up"),
            Direction::Down => ("lower is better (`direction: down`)", "finding_direction_down"),
        };
        diags.push(
            s.warning(
                Code::WrongDirection,
                m,
                m.value_place(s.groups, Section::Target, mb),
                format!(
                    "the target of `{}` goes from {} at {} to {} at {}, but {dir}",
                    m.id,
                    s.show(m, a),
                    s.when(ma),
                    s.show(m, b),
                    s.when(mb)
                ),
            )
            .reader(
                key,
                vec![
                    ("metric", m.label.clone()),
                    ("from_value", s.show(m, a)),
                    ("from", s.month(ma)),
                    ("to_value", s.show(m, b)),
                    ("to", s.month(mb)),
                ],
            )
            .help("check the direction and the targets; a plan rarely aims to get worse"),
        );
    }
}

/// The runway of each month, and the metric to point at: the shorter of
/// the runway metric's value and cash over net burn, where the plan has
/// those roles. A runway typed above what cash and burn give must not hide
/// the alert the computed one would raise.
fn runway<'a>(
    s: &'a Subject<'a>,
    series: fn(&crate::model::metrics::Metric) -> &Series,
) -> Vec<(crate::period::Month, f64, &'a crate::model::metrics::Metric)> {
    let mut months: std::collections::BTreeMap<crate::period::Month, (f64, &crate::model::metrics::Metric)> =
        std::collections::BTreeMap::new();
    if let Some(r) = s.role(Role::Runway) {
        months.extend(series(r).iter().map(|(&t, &v)| (t, (v, r))));
    }
    if let (Some(cash), Some(burn)) = (s.role(Role::Cash), s.role(Role::NetBurn)) {
        for (&t, &c) in series(cash) {
            let Some(&b) = series(burn).get(&t) else { continue };
            if b <= 0.0 {
                continue;
            }
            let computed = c / b;
            let shorter = months.get(&t).is_none_or(|(typed, _)| computed < *typed * 0.95);
            if shorter {
                months.insert(t, (computed, cash));
            }
        }
    }
    months.into_iter().map(|(t, (v, m))| (t, v, m)).collect()
}

/// A runway under `runway_alert` months (default 12), in the plan or in
/// what happened: the first month it happens is a finding.
pub fn check_runway(s: &Subject, diags: &mut Diagnostics) {
    for (section, series) in [
        (
            Section::Target,
            (|m: &crate::model::metrics::Metric| &m.target) as fn(&crate::model::metrics::Metric) -> &Series,
        ),
        (Section::Actual, |m: &crate::model::metrics::Metric| &m.actual),
    ] {
        let Some(&(month, value, about)) = runway(s, series).iter().find(|(_, v, _)| *v < s.runway_alert) else {
            continue;
        };
        // Whichever figure is short, the finding is about the runway.
        let runway_metric = s.role(Role::Runway).filter(|r| r.id != about.id);
        let months_of = |v: f64| s.style.format(v, Unit::Months);
        // The message is English whatever the site's language.
        let english = NumberStyle {
            months_word: "months",
            ..s.style.clone()
        };
        let months_en = |v: f64| english.format(v, Unit::Months);
        let which = if section == Section::Target { "plan" } else { "actuals" };
        let key = if section == Section::Target {
            "finding_runway_plan"
        } else {
            "finding_runway_actual"
        };
        let d = s
            .warning(
                Code::RunwayShort,
                about,
                about.value_place(s.groups, section, month),
                format!(
                    "in the {which}, cash lasts {} at {}, less than the {} of `runway_alert`",
                    months_en(value),
                    s.when(month),
                    months_en(s.runway_alert)
                ),
            )
            .reader(
                key,
                vec![
                    ("runway", months_of(value)),
                    ("month", s.month(month)),
                    ("alert", months_of(s.runway_alert)),
                ],
            )
            .help("raise money, spend less, or plan the round earlier; `runway_alert` in site.yaml sets the threshold");
        diags.push(match runway_metric {
            Some(r) => d.metric(&r.id),
            None => d,
        });
    }
}
