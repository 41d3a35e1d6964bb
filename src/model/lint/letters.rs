//! An update is a letter to investors: published with an empty list, or
//! with the sentences `palanca new update` wrote as a reminder, it reads
//! as unfinished. `check` warns; `send` refuses to mail it.

use crate::diagnostic::{Code, Diagnostic, Diagnostics, Subject};
use crate::load::Update;

/// The sentences the skeleton's letter starts with, in Spanish and in
/// English: `palanca new update` writes them, and an update
/// still holding one is unfinished.
pub const PLACEHOLDERS: [[&str; 2]; 2] = [
    [
        "Resumen del mes en una frase.",
        "Detalle: ingresos, producto, equipo, caja y runway.",
    ],
    [
        "The month in one sentence.",
        "Detail: revenue, product, team, cash and runway.",
    ],
];

/// What is unfinished in `u`, one diagnostic per list or placeholder.
/// Drafts are expected to be unfinished and are left alone.
pub fn unfinished(u: &Update, diags: &mut Diagnostics) {
    if u.front.draft {
        return;
    }
    for (key, items) in [
        ("highlights", &u.front.highlights),
        ("lowlights", &u.front.lowlights),
        ("asks", &u.front.asks),
    ] {
        let empty = items.iter().all(|i| i.trim().is_empty());
        if !empty && !items.iter().any(|i| i.trim().is_empty()) {
            continue;
        }
        let what = if empty { "is empty" } else { "has an empty item" };
        diags.push(
            Diagnostic::warning_at(
                Code::UnfinishedUpdate,
                &u.source,
                u.spans.value_or_key(key).unwrap_or(0..0),
                format!("the update for {} is published but its `{key}` {what}", u.period),
            )
            .about(Subject::Update(u.period.to_string()))
            .help(format!(
                "write the month's {key} (investors read them first), or mark the update `draft: true` until it is ready"
            )),
        );
    }
    let body = u.body();
    for sentence in PLACEHOLDERS.iter().flatten() {
        if let Some(at) = body.find(sentence) {
            let start = u.body_offset + at;
            diags.push(
                Diagnostic::warning_at(
                    Code::UnfinishedUpdate,
                    &u.source,
                    start..start + sentence.len(),
                    format!("the update for {} still holds the placeholder \"{sentence}\"", u.period),
                )
                .about(Subject::Update(u.period.to_string()))
                .help("replace the skeleton's reminder with the letter itself"),
            );
        }
    }
}
