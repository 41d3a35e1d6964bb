//! The recipients file: one address per line, `Ana Ruiz <ana@example.com>`
//! or `ana@example.com`; the name, when given, is used in the greeting.
//! Blank lines and lines starting with `#` are skipped. Every line that is
//! not an address is reported with its line number, all in one run.

use std::collections::HashMap;
use std::path::Path;

use lettre::message::Mailbox;

use crate::diagnostic::{Code, Diagnostic, Diagnostics, Source};

/// One recipient and where it was listed.
#[derive(Debug, Clone)]
pub struct Recipient {
    /// Name and address.
    pub mailbox: Mailbox,
    /// The recipients file, as given.
    pub file: String,
    /// Its line, from 1.
    pub line: usize,
}

/// Every recipient of `path`, or every line that is wrong.
pub fn read_recipients(path: &Path) -> Result<Vec<Recipient>, Diagnostics> {
    let file = path.display().to_string();
    let text = read(path, &file)?;
    let source = Source::new(file.clone(), text.as_str());
    let mut diags = Diagnostics::default();
    let mut recipients = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut offset = 0;
    for (i, raw) in text.split_inclusive('\n').enumerate() {
        let start = offset;
        offset += raw.len();
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let lead = raw.len() - raw.trim_start().len();
        let span = start + lead..start + lead + line.len();
        match line.parse::<Mailbox>() {
            Ok(mailbox) => {
                let key = mailbox.email.to_string().to_lowercase();
                if let Some(first) = seen.get(&key) {
                    diags.push(
                        Diagnostic::error_at(
                            Code::BadRecipient,
                            &source,
                            span,
                            format!("{} is listed twice (first on line {first})", mailbox.email),
                        )
                        .help("list each address once: each gets one message"),
                    );
                    continue;
                }
                seen.insert(key, i + 1);
                recipients.push(Recipient {
                    mailbox,
                    file: file.clone(),
                    line: i + 1,
                });
            }
            Err(e) => diags.push(
                Diagnostic::error_at(
                    Code::BadRecipient,
                    &source,
                    span,
                    format!("`{line}` is not an email address ({e})"),
                )
                .help("write one address per line: `ana@example.com` or `Ana Ruiz <ana@example.com>`"),
            ),
        }
    }
    if recipients.len() > crate::limits::RECIPIENTS {
        diags.push(Diagnostic::error(
            Code::BadRecipient,
            file.clone(),
            format!(
                "{file} lists {} recipients, more than {}",
                recipients.len(),
                crate::limits::RECIPIENTS
            ),
        ));
    }
    if recipients.is_empty() && !diags.has_errors() {
        diags.push(
            Diagnostic::error(Code::BadRecipient, file.clone(), format!("{file} lists no recipient"))
                .help("write one address per line"),
        );
    }
    if diags.has_errors() { Err(diags) } else { Ok(recipients) }
}

fn read(path: &Path, file: &str) -> Result<String, Diagnostics> {
    let too_big = std::fs::metadata(path).is_ok_and(|m| m.len() > crate::limits::FILE_BYTES);
    if too_big {
        return Err(Diagnostics(vec![Diagnostic::error(
            Code::TooLarge,
            file,
            format!("{file} is larger than 16 MiB"),
        )]));
    }
    std::fs::read_to_string(path).map_err(|e| {
        Diagnostics(vec![
            Diagnostic::error(
                Code::ReadFailed,
                file,
                format!("cannot read the recipients file {file}: {e}"),
            )
            .help("pass a text file with one address per line: `--to investors.txt`"),
        ])
    })
}

#[cfg(test)]
mod tests;
