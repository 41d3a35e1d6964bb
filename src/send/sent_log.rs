//! `sent.log` in the site folder: one line per message sent, `month`,
//! address and time, tab-separated, appended the moment the server takes
//! the message. Commit it with the site: it is what stops a month going
//! twice to the same investor.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::path::Path;

use lettre::message::Mailbox;

use crate::diagnostic::{Code, Diagnostic};
use crate::disk::Folder;
use crate::period::Month;

/// The log's file name, in the site folder.
pub const FILE: &str = "sent.log";

/// What was sent before, and where to record what is sent now.
pub struct SentLog {
    /// The log, open to append and locked, for a run that sends; None for
    /// a dry run, which writes nothing.
    file: Option<std::fs::File>,
    /// (month, lower-case address) to when it was sent.
    sent: HashMap<(String, String), String>,
}

impl SentLog {
    /// Reads the site's log (empty when there is none yet), to describe
    /// what a run would do: nothing is created or locked.
    pub fn read(root: &Path) -> Result<SentLog, Diagnostic> {
        let text = Folder::open(root, "", false)
            .and_then(|folder| folder.read_text(FILE, crate::limits::FILE_BYTES + 1))
            .map_err(|e| cannot_read(&e))?
            .unwrap_or_default();
        Ok(SentLog {
            file: None,
            sent: parse(&text)?,
        })
    }

    /// Opens the site's log to send: created if missing, never through a
    /// link, and locked for as long as the log is kept, so a second
    /// `palanca send` of the same site cannot send what this one sends.
    pub fn take(root: &Path) -> Result<SentLog, Diagnostic> {
        let mut file = Folder::open(root, "", false)
            .and_then(|folder| folder.append(FILE))
            .map_err(|e| cannot_read(&e))?;
        match file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                return Err(Diagnostic::error(
                    Code::NotSendable,
                    FILE,
                    "another `palanca send` is sending from this site right now",
                )
                .help(
                    "let it finish, then run this command again: it sends only to those the other run did not reach",
                ));
            }
            // A file system without locks: go on, as a build does.
            Err(std::fs::TryLockError::Error(_)) => {}
        }
        let mut text = String::new();
        (&mut file)
            .take(crate::limits::FILE_BYTES + 1)
            .read_to_string(&mut text)
            .map_err(|e| cannot_read(&e))?;
        Ok(SentLog {
            sent: parse(&text)?,
            file: Some(file),
        })
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
        let Some(mut file) = self.file.as_ref() else {
            return Err(cannot_write(&std::io::Error::other("the log was opened only to read")));
        };
        file.write_all(line.as_bytes())
            .and_then(|()| file.sync_data())
            .map_err(|e| cannot_write(&e))
    }
}

/// The log's lines: month, address and time, tab-separated.
fn parse(text: &str) -> Result<HashMap<(String, String), String>, Diagnostic> {
    if text.len() as u64 > crate::limits::FILE_BYTES {
        return Err(
            Diagnostic::error(Code::TooLarge, FILE, format!("{FILE} is larger than 16 MiB"))
                .help("keep the log of past months elsewhere and start a new one; palanca reads it whole"),
        );
    }
    Ok(text
        .lines()
        .filter_map(|line| {
            let mut cells = line.split('\t');
            let (month, address, when) = (cells.next()?, cells.next()?, cells.next().unwrap_or(""));
            Some(((month.to_string(), address.to_lowercase()), when.to_string()))
        })
        .collect())
}

fn cannot_read(e: &std::io::Error) -> Diagnostic {
    Diagnostic::error(Code::ReadFailed, FILE, format!("cannot read {FILE}: {e}"))
        .help("palanca needs the log to know who already got each update; make it a plain file of the site folder")
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
    // The calendar's own day, written `YYYY-MM-DD`.
    let day = crate::period::Day(i32::try_from(days).unwrap_or(i32::MAX));
    format!("{day}T{:02}:{:02}:{:02}Z", rest / 3600, rest % 3600 / 60, rest % 60)
}

#[cfg(test)]
mod tests;
