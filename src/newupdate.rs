//! `palanca new update [YYYY-MM]`: the month's update file, pre-filled with
//! the KPIs as of that month and a skeleton for the letter.

use std::path::{Path, PathBuf};

use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::model::lint::letters::PLACEHOLDERS;
use crate::model::{self, Model};
use crate::period::{Month, parse_period};

/// Writes `content/updates/<period>.md` in the site at `root` and returns its
/// path. Without a period it takes the month after the latest update, or the
/// latest month with actuals, or the plan's first month. It never
/// overwrites a file.
pub fn new_update(root: &Path, period: Option<&str>) -> Result<PathBuf, Diagnostics> {
    let (project, _) = crate::pipeline::load(root, true, &crate::load::LoadCache::default())?;
    let model = model::resolve(project)?;
    let month = match period {
        Some(text) => parse_period(text, model.start).map_err(|_| {
            one(
                Diagnostic::error(Code::BadPeriod, "", format!("`{text}` is not a month"))
                    .help("write the month as YYYY-MM, e.g. `palanca new update 2024-04`"),
            )
        })?,
        None => default_month(&model),
    };
    let rel = format!("content/updates/{month}.md");
    let path = root.join(&rel);
    if path.exists() {
        return Err(one(Diagnostic::error(
            Code::Usage,
            rel.clone(),
            format!("{rel} already exists; palanca will not overwrite it"),
        )
        .help("edit that file, or name another month: `palanca new update YYYY-MM`")));
    }
    let write = || -> std::io::Result<()> {
        std::fs::create_dir_all(root.join("content/updates"))?;
        std::fs::write(&path, skeleton(&model, month))
    };
    write().map_err(|e| {
        one(Diagnostic::error(
            Code::Output,
            rel.clone(),
            format!("cannot write {rel}: {e}"),
        ))
    })?;
    Ok(path)
}

fn one(d: Diagnostic) -> Diagnostics {
    Diagnostics(vec![d])
}

fn default_month(model: &Model) -> Month {
    match model.updates.last() {
        Some(u) => u.period.offset(1),
        None => model.latest_actual_month().unwrap_or(model.start),
    }
}

/// The file: front matter with empty lists to fill in, the KPIs as of the
/// month as a reminder, and the customary order of an investor letter.
fn skeleton(model: &Model, month: Month) -> String {
    let es = model.site.language.code() == "es";
    let kpis: Vec<&str> = model.site.headline.iter().map(String::as_str).collect();
    let mut figures = String::new();
    for id in &kpis {
        let Some(m) = model.metric(id) else { continue };
        let line = match model.latest_actual(m, Some(month)).filter(|r| r.month == month) {
            Some(r) => {
                let mut s = format!("{}: {}", m.label, model.style.format(r.value, m.unit));
                if let Some(c) = r.change {
                    s.push_str(&format!(" ({})", model.style.format_change(c)));
                }
                if let Some(a) = r.attainment {
                    s.push_str(&format!(
                        ", {} {}",
                        model.style.attainment(a),
                        if es { "del objetivo" } else { "of target" }
                    ));
                }
                s
            }
            None => format!(
                "{}: {}",
                m.label,
                if es {
                    "sin dato real para este mes"
                } else {
                    "no actual for this month yet"
                }
            ),
        };
        figures.push_str(&format!("  {line}\n"));
    }
    let [summary, detail] = if es { PLACEHOLDERS[0] } else { PLACEHOLDERS[1] };
    let (title, thanks) = if es {
        ("Actualización de", "Gracias,")
    } else {
        ("Update for", "Thank you,")
    };
    format!(
        "---\nperiod: {month}\ntitle: \"{title} {}\"\nhighlights:\n  - \"\"\nlowlights:\n  - \"\"\nasks:\n  - \"\"\nkpis: [{}]\ndraft: true   # remove when the update is ready to publish\n---\n<!--\n{}\n{figures}-->\n\n{summary}\n\n{detail}\n\n{thanks}\n",
        model.calendar.long(month),
        kpis.join(", "),
        if es {
            "Indicadores a esta fecha (según content/metrics):"
        } else {
            "KPIs as of this month (from content/metrics):"
        },
    )
}
