//! The SMTP conversation of `palanca send`: one connection for every
//! letter of a run, and each step bounded by one timeout.
//!
//! lettre's transport answers a failed step by saying goodbye (`QUIT`) and
//! waiting for the reply with the same timeout, so a server that stopped
//! answering cost twice the timeout before the error came back, and the
//! error was the socket's ("Resource temporarily unavailable"). Here the
//! steps of each letter are taken one by one on lettre's connection: a
//! step that fails ends the conversation at once, and says in words which
//! step the server left unanswered.

use std::time::Duration;

use lettre::Message;
use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::client::{SmtpConnection, TlsParameters};
use lettre::transport::smtp::commands::{Data, Mail, Quit, Rcpt};
use lettre::transport::smtp::extension::{ClientId, Extension, MailBodyParameter, MailParameter};

use crate::load::{EmailSettings, Security};

/// How long the goodbye after the last letter may take: everything was
/// sent by then, so a server slow to say goodbye costs nothing more.
const GOODBYE: Duration = Duration::from_secs(2);

/// An open conversation with the SMTP server.
pub struct Session {
    conn: SmtpConnection,
    timeout: Duration,
}

impl Session {
    /// Connects to the server the settings name (TLS as they say), greets
    /// it and logs in when there are `credentials`.
    pub fn open(
        settings: &EmailSettings,
        credentials: Option<Credentials>,
        timeout: Duration,
    ) -> Result<Session, String> {
        let host = settings.smtp_host.as_deref().unwrap_or_default();
        let port = settings.smtp_port.unwrap_or(match settings.security {
            Security::Tls => 465,
            Security::Starttls => 587,
            Security::None => 25,
        });
        let tls = || TlsParameters::new(host.to_string()).map_err(|e| format!("cannot use TLS with {host}: {e}"));
        let wrapper = match settings.security {
            Security::Tls => Some(tls()?),
            _ => None,
        };
        let hello = ClientId::default();
        let mut conn = SmtpConnection::connect((host, port), Some(timeout), &hello, wrapper.as_ref(), None)
            .map_err(|e| in_words(&e, timeout, &format!("connecting to {host}:{port}")))?;
        if settings.security == Security::Starttls {
            conn.starttls(&tls()?, &hello)
                .map_err(|e| in_words(&e, timeout, "STARTTLS"))?;
        }
        if let Some(credentials) = credentials {
            conn.auth(&[Mechanism::Plain, Mechanism::Login], &credentials)
                .map_err(|e| in_words(&e, timeout, "logging in"))?;
        }
        Ok(Session { conn, timeout })
    }

    /// Sends one letter: MAIL, RCPT for each recipient, DATA, the message.
    /// Any step that fails ends the conversation without a goodbye.
    pub fn send(&mut self, message: &Message) -> Result<(), String> {
        let envelope = message.envelope();
        let bytes = message.formatted();
        let mut options = Vec::new();
        let info = self.conn.server_info();
        let non_ascii = envelope
            .from()
            .into_iter()
            .chain(envelope.to())
            .any(|a: &lettre::Address| !AsRef::<str>::as_ref(a).is_ascii());
        if non_ascii {
            if !info.supports_feature(Extension::SmtpUtfEight) {
                return Err("an address is not ASCII, and the server does not take such addresses (SMTPUTF8)".into());
            }
            options.push(MailParameter::SmtpUtfEight);
        }
        if !bytes.is_ascii() {
            if !info.supports_feature(Extension::EightBitMime) {
                return Err("the message is not ASCII, and the server does not take 8-bit messages".into());
            }
            options.push(MailParameter::Body(MailBodyParameter::EightBitMime));
        }
        let t = self.timeout;
        self.conn
            .command(Mail::new(envelope.from().cloned(), options))
            .map_err(|e| in_words(&e, t, "MAIL FROM"))?;
        for to in envelope.to() {
            self.conn
                .command(Rcpt::new(to.clone(), Vec::new()))
                .map_err(|e| in_words(&e, t, "RCPT TO"))?;
        }
        self.conn.command(Data).map_err(|e| in_words(&e, t, "DATA"))?;
        self.conn
            .message(&bytes)
            .map_err(|e| in_words(&e, t, "the end of the message"))?;
        Ok(())
    }

    /// Says goodbye, briefly: every letter is already sent.
    pub fn close(mut self) {
        let _ = self.conn.set_timeout(Some(GOODBYE));
        let _ = self.conn.command(Quit);
    }
}

/// A failed step told in words: a server that did not answer is named as
/// such, with the step and the time waited; a refusal keeps the server's
/// own words.
fn in_words(e: &lettre::transport::smtp::Error, timeout: Duration, step: &str) -> String {
    if stalled(e) {
        return format!(
            "the SMTP server did not answer within {} s after {step}",
            timeout.as_secs()
        );
    }
    format!("{e} (after {step})")
}

/// Whether the error is a read or write that timed out (a socket's
/// timeout shows as `WouldBlock` on Unix, `TimedOut` elsewhere).
fn stalled(e: &lettre::transport::smtp::Error) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = source {
        if let Some(io) = err.downcast_ref::<std::io::Error>() {
            return matches!(io.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut);
        }
        source = err.source();
    }
    false
}
