//! The encrypted investor build: a site any static host can serve, which
//! only its readers can read.
//!
//! Every page is replaced by a small shell (the site's title, an unlock
//! form in the site's language) that carries the page encrypted; every
//! download (CSV, JSON) becomes a script carrying it encrypted. The browser
//! decrypts with WebCrypto, so it works from any host and from `file://`,
//! with no server.
//!
//! - Each build draws a random content key; each file is sealed with it
//!   (AES-256-GCM, a random 12-byte nonce), so a wrong key fails the tag
//!   check and cannot show garbage.
//! - The content key reaches readers wrapped (`keyring.rs`): under a key
//!   derived from the passphrase (PBKDF2-HMAC-SHA256, [`ITERATIONS`]
//!   rounds, a random salt per build), and under each reader's personal
//!   key, which their link carries in its fragment (never sent to a
//!   server).
//! - The browser keeps the content key (never the passphrase) for the
//!   session, or on the device if the reader asks; "forget" erases it.
//! - No feed and no sitemap: they would list titles in the clear.
//!
//! What it protects and what it does not is stated in the README: a leaked
//! shell or a curious host sees nothing; a weak passphrase can still be
//! guessed offline, which is why weak ones are refused (`passphrase.rs`).

mod crypto;
mod keyring;
mod passphrase;

use std::io;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use serde::Serialize;

use crate::diagnostic::Diagnostic;
use crate::html::escape;
use crate::render::{FileKind, Finish, Sink};
pub use crypto::{ITERATIONS, derive, encrypt_with};
pub use keyring::{Keyring, Openers, ReaderKey};
pub use passphrase::{MIN_CHARS, Passphrase};

/// The unlocking script, written into `assets/`.
const UNLOCK_JS: &str = include_str!("encrypt/unlock.js");

/// The fragment of a personal link before the key: `…/#key=…`.
pub const LINK_FRAGMENT: &str = "#key=";

/// A reader's key as their link writes it (base64url, no padding).
pub fn key_in_link(key: &ReaderKey) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(key.0)
}

/// The key a link's text gives, when it is one.
pub fn key_from_text(text: &str) -> Option<ReaderKey> {
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(text.trim())
        .ok()?;
    Some(ReaderKey(bytes.try_into().ok()?))
}

/// A new reader's personal key: 256 random bits.
pub fn random_reader_key() -> Result<ReaderKey, Box<Diagnostic>> {
    Ok(ReaderKey(crypto::random_key()?))
}

/// One encrypted build: its keyring, and the words of its shell.
pub struct Sealed {
    keyring: Keyring,
    shell: Shell,
}

/// What every shell page shows: the site's title and the strings of its
/// language.
#[derive(Clone)]
pub struct Shell {
    /// The site's title: the only words of the site a shell shows.
    pub title: String,
    /// The page language.
    pub lang: String,
    /// The form's words, in the site's language.
    pub strings: ShellStrings,
}

/// The words of the passphrase form, from the theme's UI strings.
#[derive(Clone, Serialize)]
pub struct ShellStrings {
    /// What the reader is asked.
    pub intro: String,
    /// The field's label.
    pub passphrase: String,
    /// The button.
    pub unlock: String,
    /// The opt-in to keep the key on the device.
    pub remember: String,
    /// The control that erases the key.
    pub forget: String,
    /// Shown for a wrong passphrase.
    pub wrong: String,
    /// Shown while the key is derived.
    pub working: String,
    /// Shown where the browser cannot decrypt (no WebCrypto).
    pub unsupported: String,
    /// Shown when scripts are off.
    pub needs_script: String,
    /// Shown for a personal link that opens nothing (wrong or revoked).
    pub wrong_link: String,
    /// Shown instead of the form on a site without a passphrase.
    pub link_only: String,
}

impl ShellStrings {
    /// The strings from a theme's UI strings, by key.
    pub fn from_theme(text: impl Fn(&str) -> String) -> ShellStrings {
        ShellStrings {
            intro: text("locked_intro"),
            passphrase: text("passphrase"),
            unlock: text("unlock"),
            remember: text("remember_device"),
            forget: text("forget_device"),
            wrong: text("wrong_passphrase"),
            working: text("unlocking"),
            unsupported: text("no_webcrypto"),
            needs_script: text("needs_script"),
            wrong_link: text("wrong_link"),
            link_only: text("link_only"),
        }
    }
}

/// One encrypted file, as the browser reads it.
#[derive(Serialize)]
struct Payload<'a> {
    v: u8,
    build: &'a str,
    iv: String,
    ct: String,
}

impl Sealed {
    /// A build for `openers`, with a fresh content key.
    pub fn new(openers: &Openers, shell: Shell) -> Result<Sealed, Box<Diagnostic>> {
        Ok(Sealed {
            keyring: Keyring::new(openers)?,
            shell,
        })
    }

    /// Encrypts `plain` under the build's content key with a fresh nonce.
    fn seal(&self, plain: &[u8]) -> io::Result<String> {
        let (iv, ct) = crypto::seal(&self.keyring.content, plain).map_err(|d| io::Error::other(d.message))?;
        let payload = Payload {
            v: 2,
            build: &self.keyring.build,
            iv: B64.encode(iv),
            ct: B64.encode(ct),
        };
        serde_json::to_string(&payload).map_err(io::Error::other)
    }

    /// The shell that stands in for the page at `path`.
    fn shell_page(&self, path: &str, payload: &str) -> String {
        let root = crate::render::root_of(path);
        let s = &self.shell.strings;
        let strings = serde_json::to_string(s).unwrap_or_else(|_| "{}".into());
        // Without a passphrase there is nothing to type: the page opens
        // from a personal link only, and says so.
        let form = match self.keyring.has_passphrase {
            true => format!(
                "<label for=\"palanca-passphrase\">{passphrase}</label>\n<input id=\"palanca-passphrase\" type=\"password\" autocomplete=\"current-password\" required>\n<label class=\"remember\"><input id=\"palanca-remember\" type=\"checkbox\"> {remember}</label>\n<button type=\"submit\">{unlock}</button>\n",
                passphrase = escape(&s.passphrase),
                remember = escape(&s.remember),
                unlock = escape(&s.unlock),
            ),
            false => String::new(),
        };
        let intro = if self.keyring.has_passphrase {
            &s.intro
        } else {
            &s.link_only
        };
        format!(
            "<!doctype html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta name=\"robots\" content=\"noindex, nofollow\">\n<meta name=\"referrer\" content=\"no-referrer\">\n<meta name=\"color-scheme\" content=\"light dark\">\n<title>{title}</title>\n<link rel=\"stylesheet\" href=\"{root}assets/style.css\">\n</head>\n<body class=\"kind-locked\">\n<main id=\"main\" class=\"wrap unlock\">\n<h1>{title}</h1>\n<p>{intro}</p>\n<form id=\"palanca-unlock\" class=\"unlock-form\">\n{form}<p id=\"palanca-status\" role=\"status\" aria-live=\"polite\"></p>\n</form>\n<noscript><p>{needs_script}</p></noscript>\n</main>\n<script type=\"application/json\" id=\"palanca-payload\">{payload}</script>\n<script type=\"application/json\" id=\"palanca-strings\">{strings}</script>\n<script src=\"{root}assets/keys.js\"></script>\n<script src=\"{root}assets/unlock.js\"></script>\n</body>\n</html>\n",
            lang = self.shell.lang,
            title = escape(&self.shell.title),
            intro = escape(intro),
            needs_script = escape(&s.needs_script),
            payload = script_safe(payload),
            strings = script_safe(&strings),
        )
    }
}

impl Finish for Sealed {
    /// No feed or sitemap (they would list titles in the clear), no
    /// letters (sealed, they would be useless; `send` makes its own).
    fn keeps(&self, kind: FileKind) -> bool {
        !matches!(kind, FileKind::Listing | FileKind::Letter)
    }

    fn passes_through(&self) -> bool {
        false
    }

    /// Pages become shells; downloads become scripts carrying them
    /// encrypted; the theme's assets pass as they are, with the unlocking
    /// script and the keyring added.
    fn put(&self, sink: &dyn Sink, kind: FileKind, path: &str, bytes: &[u8]) -> io::Result<()> {
        match kind {
            FileKind::Asset => {
                if path == "assets/style.css" {
                    sink.put("assets/unlock.js", UNLOCK_JS.as_bytes())?;
                    sink.put("assets/keys.js", self.keyring.script.as_bytes())?;
                }
                return sink.put(path, bytes);
            }
            FileKind::Listing | FileKind::Letter => return Ok(()),
            FileKind::Page | FileKind::Download => {}
        }
        let payload = self.seal(bytes)?;
        if kind == FileKind::Page {
            return sink.put(path, self.shell_page(path, &payload).as_bytes());
        }
        let name = path.rsplit('/').next().unwrap_or(path);
        let script = format!(
            "window.palancaFile&&window.palancaFile({},{});\n",
            script_safe(&serde_json::to_string(name).map_err(io::Error::other)?),
            script_safe(&payload)
        );
        sink.put(&format!("{path}.js"), script.as_bytes())
    }
}

/// JSON inside a `<script>` element must not contain `</` (it would close
/// the element); `<\/` means the same to JavaScript.
fn script_safe(json: &str) -> String {
    json.replace("</", "<\\/")
}

#[cfg(test)]
mod tests;
