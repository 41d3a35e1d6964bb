//! The letter as a MIME message, built with lettre: `multipart/alternative`
//! of the plain text and a `multipart/related` HTML part whose images are
//! inline `cid:` attachments — what every mail client shows as one letter.

use std::time::{Duration, SystemTime};

use lettre::Message;
use lettre::address::Envelope;
use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};

use super::Letter;

/// Who a message is from and to, and when it is dated.
pub struct Addressing<'a> {
    /// The sender.
    pub from: &'a Mailbox,
    /// The one recipient; none for `update.eml`, a letter ready to forward.
    pub to: Option<&'a Mailbox>,
    /// The Date header.
    pub date: SystemTime,
    /// Where replies go, when not to the sender.
    pub reply_to: Option<&'a Mailbox>,
    /// The Message-ID, without angle brackets; none for `update.eml`.
    pub message_id: Option<String>,
}

/// The time `seconds` after 1970 (the epoch itself for earlier times).
pub fn time_of(seconds: i64) -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(u64::try_from(seconds).unwrap_or(0))
}

/// The message: greeting for the recipient's name, images as `cid:`.
/// Boundaries are fixed per month, so a rebuilt `update.eml` is the same
/// bytes.
pub fn message(letter: &Letter, a: &Addressing) -> Result<Message, lettre::error::Error> {
    let name = a.to.and_then(|m| m.name.as_deref());
    let html = letter.html_for(name, |image| format!("cid:{}", image.name));
    let png = ContentType::parse("image/png").unwrap_or(ContentType::TEXT_PLAIN);
    let mut related = MultiPart::related()
        .boundary(format!("palanca-related-{}", letter.period))
        .singlepart(SinglePart::html(html));
    for image in &letter.images {
        related =
            related.singlepart(Attachment::new_inline(image.name.clone()).body(image.png.bytes.clone(), png.clone()));
    }
    let body = MultiPart::alternative()
        .boundary(format!("palanca-alternative-{}", letter.period))
        .singlepart(SinglePart::plain(letter.text_for(name)))
        .multipart(related);
    let builder = Message::builder()
        .from(a.from.clone())
        .subject(letter.subject.clone())
        .date(a.date)
        .user_agent(format!("palanca {}", env!("CARGO_PKG_VERSION")));
    let builder = match a.reply_to {
        Some(reply) => builder.reply_to(reply.clone()),
        None => builder,
    };
    let builder = match &a.message_id {
        Some(id) => builder.message_id(Some(format!("<{id}>"))),
        None => builder,
    };
    let builder = match a.to {
        Some(to) => builder.to(to.clone()),
        // No recipient yet: the envelope names the sender, the headers no one.
        None => builder.envelope(Envelope::new(Some(a.from.email.clone()), vec![a.from.email.clone()])?),
    };
    builder.multipart(body)
}
