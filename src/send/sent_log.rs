//! `sent.log` in the site folder: one line per message sent, `month`,
//! address and time, tab-separated, appended the moment the server takes
//! the message. Commit it with the site: it is what stops a month going
//! twice to the same investor.

use std::collections::HashMap;
use std::fs::OpenOptions;
use std::io::Write;
use std::path::{Path, PathBuf};

use lettre::message::Mailbox;

use crate::diagnostic::{Code, Diagnostic};
use crate::period::Month;

/// The log's file name, in the site folder.
pub const FILE: &str = "sent.log";

/// What was sent before, and where to record what is sent now.
pub struct SentLog {
    path: PathBuf,
    /// (month, lower-case address) to when it was sent.
    sent: HashMap<(String, String), String>,
}

impl SentLog {
    /// Reads the site's log (empty when there is none yet).
    pub fn open(root: &Path) -> Result<SentLog, Diagnostic> {
        let path = root.join(FILE);
        if std::fs::metadata(&path).is_ok_and(|m| m.len() > crate::limits::FILE_BYTES) {
            return Err(
                Diagnostic::error(Code::TooLarge, FILE, format!("{FILE} is larger than 16 MiB"))
                    .help("keep the log of past months elsewhere and start a new one; palanca reads it whole"),
            );
        }
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
            Err(e) => {
                return Err(
                    Diagnostic::error(Code::ReadFailed, FILE, format!("cannot read {FILE}: {e}"))
                        .help("palanca needs the log to know who already got each update"),
                );
            }
        };
        let sent = text
            .lines()
            .filter_map(|line| {
                let mut cells = line.split('\t');
                let (month, address, when) = (cells.next()?, cells.next()?, cells.next().unwrap_or(""));
                Some(((month.to_string(), address.to_lowercase()), when.to_string()))
            })
            .collect();
        Ok(SentLog { path, sent })
    }

    /// When `month` was sent to `to`, if it was.
    pub fn sent_on(&self, month: Month, to: &Mailbox) -> Option<String> {
        self.sent
            .get(&(month.to_string(), to.email.to_string().to_lowercase()))
            .cloned()
    }

    /// Records that `month` went to `to`, now, before anything else is
    /// sent.
    pub fn record(&self, month: Month, to: &Mailbox) -> Result<(), Diagnostic> {
        let line = format!("{month}\t{}\t{}\n", to.email, now_utc());
        let mut file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.path)
            .map_err(|e| cannot_write(&e))?;
        file.write_all(line.as_bytes())
            .and_then(|()| file.sync_data())
            .map_err(|e| cannot_write(&e))
    }
}

fn cannot_write(e: &std::io::Error) -> Diagnostic {
    Diagnostic::error(Code::Output, FILE, format!("cannot record the message in {FILE}: {e}"))
        .help("sending stopped so that nobody gets the update twice; make the site folder writable and run again")
}

/// The time now as `2026-11-26T07:40:00Z`.
fn now_utc() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let days = secs / 86_400;
    let rest = secs % 86_400;
    let (y, m, d) = civil_from_days(days as i64);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

/// The calendar date `days` after 1970-01-01 (Howard Hinnant's
/// civil_from_days).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests;
