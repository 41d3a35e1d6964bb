//! `palanca send YYYY-MM --to FILE`: the month's update mailed over SMTP,
//! one message per recipient so nobody sees the others' addresses.
//!
//! Sending cannot be undone, so everything that can be checked is checked
//! before the first connection: the month has a finished, published
//! update; the email settings are complete; every line of the recipients
//! file is an address. Each message sent is recorded at once in the site's
//! `sent.log`, so a month never goes twice to the same address (unless
//! `--resend`), even after a failure half way through.

pub mod recipients;
mod sent_log;
mod smtp;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use lettre::message::Mailbox;
use lettre::transport::smtp::authentication::Credentials;

use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::email::{Letter, mime};
use crate::load::{Audience, EmailSettings, Security};
use crate::period::{Month, parse_period};
use crate::pipeline::{self, Options};
pub use recipients::{Recipient, read_recipients};
pub use sent_log::SentLog;
use smtp::Session;

/// What `send` was asked to do.
#[derive(Debug, Clone)]
pub struct SendOptions {
    /// The update's month, as typed.
    pub month: String,
    /// The recipients file.
    pub to: PathBuf,
    /// Print who would get what; connect to nothing.
    pub dry_run: bool,
    /// Send again to addresses that already got this month.
    pub resend: bool,
    /// Which version of the update.
    pub audience: Audience,
}

/// The password's environment variable when `password_env` names none.
pub const DEFAULT_PASSWORD_ENV: &str = "PALANCA_SMTP_PASSWORD";

/// Sends (or, dry, describes) the update; progress goes to `out`. Returns
/// how many messages went out.
pub fn send(root: &Path, options: &SendOptions, out: &mut dyn Write) -> Result<usize, Diagnostics> {
    let recipients = read_recipients(&options.to)?;
    let resolved = pipeline::resolve(
        root,
        Options {
            audience: options.audience,
            ..Options::default()
        },
        &pipeline::Caches::default(),
    )?;
    let month = month_of(&options.month, resolved.model.start)?;
    let update = find_update(root, &resolved.model, month, options.audience)?;
    refuse_unfinished(update)?;
    let settings = settings(&resolved.model.site.email)?;
    let from: Mailbox = settings
        .from
        .parse()
        .map_err(|e| one(not_sendable(format!("`email.from` is not an address: {e}"))))?;
    let letter = crate::render::letter(&resolved.model, &resolved.theme, &resolved.bodies, month)?
        .ok_or_else(|| one(not_sendable(format!("there is no update for {month}"))))?;
    // A run that sends holds the log's lock to its end: two runs of the
    // same month at once would otherwise both send to everyone.
    let log = if options.dry_run {
        SentLog::read(root)
    } else {
        SentLog::take(root)
    }
    .map_err(one)?;
    let (todo, already): (Vec<&Recipient>, Vec<&Recipient>) = recipients
        .iter()
        .partition(|r| options.resend || log.sent_on(month, &r.mailbox).is_none());
    let personal = personal_keys(root, options.audience, &letter, &todo)?;
    for r in &already {
        let when = log.sent_on(month, &r.mailbox).unwrap_or_default();
        say(
            out,
            &format!(
                "skipped {}: already sent {when} (use --resend to send again)",
                r.mailbox
            ),
        );
    }
    if options.dry_run {
        for r in &todo {
            say(
                out,
                &format!(
                    "would send \"{}\" to {} ({}){}",
                    letter.subject,
                    r.mailbox,
                    letter.greeting(r.mailbox.name.as_deref()),
                    match (&personal, &letter.web_url) {
                        (Some(_), Some(url)) =>
                            format!(" with their personal link ({url}{}…)", crate::encrypt::LINK_FRAGMENT),
                        _ => String::new(),
                    }
                ),
            );
        }
        say(
            out,
            &format!(
                "dry run: {} to send, {} already sent; nothing was sent",
                todo.len(),
                already.len()
            ),
        );
        return Ok(0);
    }
    let reply_to: Option<Mailbox> = settings.reply_to.as_deref().and_then(|r| r.parse().ok());
    let credentials = credentials(&settings)?;
    let timeout = Duration::from_secs(u64::from(settings.timeout));
    let host = settings.smtp_host.clone().unwrap_or_default();
    let session = Session::open(&settings, credentials, timeout).map_err(|why| {
        one(Diagnostic::error(Code::Smtp, "site.yaml", format!("cannot send through {host}: {why}"))
            .help("nothing was sent; check `email:` in site.yaml and that the server is reachable, then run the same command again"))
    })?;
    let envelope = Envelope {
        from: &from,
        reply_to: reply_to.as_ref(),
        personal: personal.as_ref(),
    };
    deliver(session, &letter, &envelope, &todo, &log, out)
}

/// Who a message is from, and the readers' keys when each letter carries
/// its reader's personal link.
struct Envelope<'a> {
    from: &'a Mailbox,
    reply_to: Option<&'a Mailbox>,
    personal: Option<&'a crate::readers::Keys>,
}

/// The readers' keys when the site is encrypted for readers (its folder
/// has their keys) and the investors' letter goes out: every recipient
/// must then be a reader, since each letter carries its reader's own link
/// and no other. None for a public letter, or a site without readers.
fn personal_keys(
    root: &Path,
    audience: Audience,
    letter: &Letter,
    todo: &[&Recipient],
) -> Result<Option<crate::readers::Keys>, Diagnostics> {
    if audience != Audience::Investors {
        return Ok(None);
    }
    let keys = crate::readers::Keys::read(root).map_err(one)?;
    if keys.is_empty() {
        return Ok(None);
    }
    if letter.web_url.is_none() {
        return Err(one(not_sendable(
            "the site has readers with personal links, and a link needs the site's address: `base_url` gives none",
        )));
    }
    let strangers: Vec<Diagnostic> = todo
        .iter()
        .filter(|r| keys.of(&crate::readers::address_of(r)).is_none())
        .map(|r| {
            crate::readers::not_a_reader(r).help(
                "each letter carries its reader's own link to the encrypted site: list them in the readers file and rebuild with `--encrypt --readers FILE`, or send them the public letter with `--audience public`",
            )
        })
        .collect();
    if !strangers.is_empty() {
        return Err(Diagnostics(strangers));
    }
    Ok(Some(keys))
}

/// The letter for `r`: with their personal link when there are readers.
fn letter_for<'a>(letter: &'a Letter, envelope: &Envelope, r: &Recipient) -> std::borrow::Cow<'a, Letter> {
    let key = envelope
        .personal
        .and_then(|keys| keys.of(&crate::readers::address_of(r)));
    let personal = key
        .zip(letter.web_url.as_deref())
        .and_then(|(key, url)| letter.with_link(&crate::readers::link(url, key)));
    match personal {
        Some(l) => std::borrow::Cow::Owned(l),
        None => std::borrow::Cow::Borrowed(letter),
    }
}

/// Sends to each recipient in order on one connection; stops at the first
/// refusal and says who got the update and who did not.
fn deliver(
    mut session: Session,
    letter: &Letter,
    envelope: &Envelope,
    todo: &[&Recipient],
    log: &SentLog,
    out: &mut dyn Write,
) -> Result<usize, Diagnostics> {
    let mut sent = Vec::new();
    for (i, r) in todo.iter().enumerate() {
        let result = message(
            &letter_for(letter, envelope, r),
            envelope.from,
            envelope.reply_to,
            &r.mailbox,
        )
        .and_then(|m| session.send(&m));
        match result {
            Ok(()) => {
                log.record(letter.period, &r.mailbox).map_err(one)?;
                say(out, &format!("sent to {}", r.mailbox));
                sent.push(r.mailbox.to_string());
            }
            Err(why) => {
                let not_sent: Vec<String> = todo[i..].iter().map(|r| r.mailbox.to_string()).collect();
                return Err(one(
                    Diagnostic::error(
                        Code::Smtp,
                        options_file_name(r),
                        format!("the message to {} was not sent: {why}", r.mailbox),
                    )
                    .help(format!(
                        "sent to: {}; not sent: {}. Those sent are in sent.log: fix the problem and run the same command again to send the rest",
                        if sent.is_empty() { "nobody".to_string() } else { sent.join(", ") },
                        not_sent.join(", ")
                    )),
                ));
            }
        }
    }
    session.close();
    say(
        out,
        &format!("sent \"{}\" to {} recipient(s)", letter.subject, sent.len()),
    );
    Ok(sent.len())
}

fn options_file_name(r: &Recipient) -> String {
    format!("{}:{}", r.file, r.line)
}

/// The message for one recipient, dated now, with its own Message-ID.
fn message(
    letter: &Letter,
    from: &Mailbox,
    reply_to: Option<&Mailbox>,
    to: &Mailbox,
) -> Result<lettre::Message, String> {
    let addressing = mime::Addressing {
        from,
        to: Some(to),
        date: std::time::SystemTime::now(),
        reply_to,
        message_id: Some(message_id(from)),
    };
    mime::message(letter, &addressing).map_err(|e| e.to_string())
}

/// A Message-ID unique to this message, at the sender's domain.
fn message_id(from: &Mailbox) -> String {
    let mut random = [0u8; 12];
    // Without system randomness the time still tells messages apart.
    if getrandom::fill(&mut random).is_err() {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        random.copy_from_slice(&nanos.to_le_bytes()[..12]);
    }
    let hex: String = random.iter().map(|b| format!("{b:02x}")).collect();
    format!("{hex}.palanca@{}", from.email.domain())
}

fn month_of(text: &str, start: Month) -> Result<Month, Diagnostics> {
    parse_period(text, start).map_err(|_| {
        one(
            Diagnostic::error(Code::BadPeriod, "", format!("`{text}` is not a month"))
                .help("name the update's month as YYYY-MM, e.g. `palanca send 2024-03 --to investors.txt`"),
        )
    })
}

/// The published update of `month` for the audience, or why there is none.
fn find_update<'a>(
    root: &Path,
    model: &'a crate::model::Model,
    month: Month,
    audience: Audience,
) -> Result<&'a crate::load::Update, Diagnostics> {
    if let Some(u) = model.updates.iter().find(|u| u.period == month) {
        return Ok(u);
    }
    let rel = format!("content/updates/{month}.md");
    let text = std::fs::read_to_string(root.join(&rel)).unwrap_or_default();
    let draft = text
        .lines()
        .any(|l| l.trim_start().starts_with("draft:") && l.contains("true"));
    let known: Vec<String> = model.updates.iter().map(|u| u.period.to_string()).collect();
    let d = if draft {
        Diagnostic::error(Code::NotSendable, rel, format!("the update for {month} is a draft"))
            .help("finish it, remove `draft: true`, and check it with `palanca build` before sending")
    } else if !text.is_empty() && audience == Audience::Public {
        Diagnostic::error(
            Code::NotSendable,
            rel,
            format!("the update for {month} is for investors only"),
        )
        .help("send it without `--audience public`, or mark it for everyone")
    } else {
        Diagnostic::error(Code::NotSendable, rel, format!("there is no update for {month}")).help(if known.is_empty() {
            "write one with `palanca new update`".to_string()
        } else {
            format!("the updates are: {}", known.join(", "))
        })
    };
    Err(one(d))
}

/// An unfinished letter is never sent.
fn refuse_unfinished(update: &crate::load::Update) -> Result<(), Diagnostics> {
    let mut found = Diagnostics::default();
    crate::model::lint::letters::unfinished(update, &mut found);
    if found.0.is_empty() {
        return Ok(());
    }
    let mut errors: Vec<Diagnostic> = found
        .0
        .into_iter()
        .map(|mut d| {
            d.severity = crate::diagnostic::Severity::Error;
            d
        })
        .collect();
    errors.push(
        not_sendable(format!(
            "the update for {} is unfinished; nothing was sent",
            update.period
        ))
        .help("finish the letter (see above), then send"),
    );
    Err(Diagnostics(errors))
}

/// The email settings, complete.
fn settings(email: &Option<EmailSettings>) -> Result<EmailSettings, Diagnostics> {
    let Some(email) = email else {
        return Err(one(not_sendable("site.yaml has no `email:` settings").help(
            "add them to site.yaml: `email: { from: \"Ana <ana@example.com>\", smtp_host: smtp.example.com, username: ana@example.com }`; the password goes in PALANCA_SMTP_PASSWORD",
        )));
    };
    let Some(host) = email.smtp_host.as_deref().filter(|h| !h.trim().is_empty()) else {
        return Err(one(not_sendable("site.yaml's `email:` has no `smtp_host`").help(
            "name your mail provider's SMTP server, e.g. `smtp_host: smtp.example.com`",
        )));
    };
    if email.security == Security::None && !is_loopback(host) {
        return Err(one(not_sendable(format!(
            "`security: none` would send the letter unencrypted to {host}"
        ))
        .help(
            "use `security: starttls` (port 587) or `tls` (port 465); `none` is only for a server on this machine",
        )));
    }
    Ok(email.clone())
}

/// Whether `host` is this machine, by name or address (never looked up:
/// a name that resolves to loopback today may not tomorrow).
fn is_loopback(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost")
        || host
            .trim_matches(['[', ']'])
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// The login the settings name, with the password from the environment.
fn credentials(settings: &EmailSettings) -> Result<Option<Credentials>, Diagnostics> {
    let Some(user) = &settings.username else {
        return Ok(None);
    };
    let var = settings.password_env.as_deref().unwrap_or(DEFAULT_PASSWORD_ENV);
    let password = std::env::var(var).map_err(|_| {
        one(
            not_sendable(format!("the SMTP password is not set: `{var}` is empty")).help(format!(
                "export {var}=… before sending; the password is never read from site.yaml"
            )),
        )
    })?;
    Ok(Some(Credentials::new(user.clone(), password)))
}

fn not_sendable(message: impl Into<String>) -> Diagnostic {
    Diagnostic::error(Code::NotSendable, "site.yaml", message)
}

fn one(d: Diagnostic) -> Diagnostics {
    Diagnostics(vec![d])
}

/// One line of progress; names from the recipients file are shown with
/// their control characters made visible.
fn say(out: &mut dyn Write, line: &str) {
    let _ = writeln!(out, "{}", crate::diagnostic::printable(line));
}

#[cfg(test)]
mod tests;
