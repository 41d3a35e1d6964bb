//! The encrypted investor build: a site any static host can serve, which
//! only readers with the passphrase can read.
//!
//! Every page is replaced by a small shell (the site's title, a passphrase
//! form in the site's language) that carries the page encrypted; every
//! download (CSV, JSON) becomes a script carrying it encrypted. The browser
//! decrypts with WebCrypto, so it works from any host and from `file://`,
//! with no server.
//!
//! - Key: PBKDF2-HMAC-SHA256 of the passphrase, [`ITERATIONS`] rounds, a
//!   random 16-byte salt per build (so a rebuild with the same passphrase
//!   gives a different key, and old pages stop opening).
//! - Each file: AES-256-GCM with a random 12-byte nonce; a wrong passphrase
//!   fails the tag check, so it cannot show garbage.
//! - The browser keeps the derived key (never the passphrase) for the
//!   session, or on the device if the reader asks; "forget" erases it.
//! - No feed and no sitemap: they would list titles in the clear.
//!
//! What it protects and what it does not is stated in the README: a leaked
//! link or a curious host sees shells only; a weak passphrase can still be
//! guessed offline, which is why weak ones are refused here.

use crate::html::escape;
use std::io;
use std::path::Path;

use aes_gcm::aead::Aead;
use aes_gcm::{Aes256Gcm, KeyInit, Nonce};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use serde::Serialize;

use crate::diagnostic::{Code, Diagnostic};
use crate::render::{FileKind, Finish, Sink};

/// PBKDF2 rounds: OWASP's figure for PBKDF2-HMAC-SHA256 (2023 on).
pub const ITERATIONS: u32 = 600_000;

/// The shortest passphrase accepted, in characters.
pub const MIN_CHARS: usize = 12;

/// The unlocking script, written into `assets/`.
const UNLOCK_JS: &str = include_str!("encrypt/unlock.js");

/// A passphrase, kept only in memory and never printed.
pub struct Passphrase(String);

impl std::fmt::Debug for Passphrase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Passphrase(…)")
    }
}

impl Passphrase {
    /// A passphrase given by a program (the benchmark, a test).
    pub fn new(text: impl Into<String>) -> Passphrase {
        Passphrase(text.into())
    }

    /// The passphrase from `--password-file` (its first line) or, without
    /// one, from `PALANCA_PASSWORD`. Never from the command line, where
    /// other users and the shell history would see it.
    pub fn from_environment(file: Option<&Path>) -> Result<Passphrase, Box<Diagnostic>> {
        let text = match file {
            Some(path) => {
                let text = std::fs::read_to_string(path).map_err(|e| {
                    Box::new(Diagnostic::error(
                        Code::Encryption,
                        path.display().to_string(),
                        format!("cannot read the passphrase file: {e}"),
                    ))
                })?;
                text.split(['\n', '\r']).next().unwrap_or("").to_string()
            }
            None => std::env::var("PALANCA_PASSWORD").map_err(|_| {
                Box::new(
                    Diagnostic::error(Code::Encryption, "", "--encrypt needs a passphrase, and none was given")
                        .help("set PALANCA_PASSWORD in the environment, or pass --password-file FILE"),
                )
            })?,
        };
        // Blanks around it never count (a file saved with a trailing space
        // or `\r`): the page's form trims what the reader types the same way.
        Ok(Passphrase(text.trim().to_string()))
    }

    /// Refuses a passphrase that an offline attacker could guess: shorter
    /// than [`MIN_CHARS`], or rated below "safely unguessable" by zxcvbn
    /// (which knows common passwords, words, names, dates and patterns).
    /// Words of the site's own title count as known to the attacker.
    pub fn check_strength(&self, site_words: &[&str]) -> Result<(), Box<Diagnostic>> {
        let weak = |why: String| {
            Box::new(
                Diagnostic::error(Code::Encryption, "", format!("the passphrase is too weak to protect the site: {why}"))
                    .help(format!(
                        "use at least {MIN_CHARS} characters that are not common words or patterns, e.g. four or five random words; anyone who copies the site can try guesses offline"
                    )),
            )
        };
        if self.0.chars().count() < MIN_CHARS {
            return Err(weak(format!("it is shorter than {MIN_CHARS} characters")));
        }
        if let Some(phrase) = famous(&self.0) {
            return Err(weak(format!(
                "it is built on \"{phrase}\", a passphrase printed as an example for years"
            )));
        }
        let known: Vec<String> = site_words.iter().map(|w| w.to_lowercase()).collect();
        if self.0.split_whitespace().all(|w| known.contains(&w.to_lowercase())) {
            return Err(weak("it is made of the site's own title".into()));
        }
        let rating = zxcvbn::zxcvbn(&self.0, site_words);
        if u8::from(rating.score()) < 3 {
            let hint = rating
                .feedback()
                .and_then(|f| f.warning())
                .map_or_else(|| "it is easy to guess".to_string(), |w| w.to_string().to_lowercase());
            return Err(weak(hint));
        }
        Ok(())
    }
}

/// Passphrases printed as examples (in comics, manuals, tutorials, type
/// specimens): the first that attackers try, whatever zxcvbn rates them.
const FAMOUS: &[&str] = &[
    "correct horse battery staple",
    "tr0ub4dor&3",
    "the quick brown fox jumps over the lazy dog",
    "lorem ipsum dolor sit amet",
    "to be or not to be",
    "may the force be with you",
    "open sesame",
    "hello world",
    "let me in",
    "i love you",
    "change me",
    "pass phrase",
    "secret passphrase",
    "my voice is my passport",
    "all your base are belong to us",
    "hunter2",
];

/// The famous passphrase `text` is built on: after case, spacing,
/// punctuation and the usual digit-for-letter swaps are set aside, the
/// phrase makes up most of it (what is left is shorter than the phrase).
fn famous(text: &str) -> Option<&'static str> {
    fn plain(text: &str) -> String {
        text.to_lowercase()
            .chars()
            .filter_map(|c| match c {
                '0' => Some('o'),
                '1' | '!' | '|' => Some('l'),
                '3' => Some('e'),
                '4' | '@' => Some('a'),
                '5' | '$' => Some('s'),
                '7' => Some('t'),
                c if c.is_alphanumeric() => Some(c),
                _ => None,
            })
            .collect()
    }
    let given = plain(text);
    FAMOUS.iter().copied().find(|phrase| {
        let phrase_plain = plain(phrase);
        given.contains(&phrase_plain) && given.len() - phrase_plain.len() < phrase_plain.len().min(MIN_CHARS)
    })
}

/// The key and salt of one encrypted build, and the words of its shell.
pub struct Sealed {
    key: [u8; 32],
    salt: [u8; 16],
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
        }
    }
}

/// One encrypted file, as the browser reads it.
#[derive(Serialize)]
struct Payload<'a> {
    v: u8,
    kdf: &'static str,
    iter: u32,
    salt: &'a str,
    iv: String,
    ct: String,
}

impl Sealed {
    /// Derives the build's key from `passphrase` with a fresh salt.
    pub fn new(passphrase: &Passphrase, shell: Shell) -> Result<Sealed, Box<Diagnostic>> {
        let mut salt = [0u8; 16];
        random(&mut salt)?;
        Ok(Sealed {
            key: derive(&passphrase.0, &salt, ITERATIONS),
            salt,
            shell,
        })
    }

    /// Encrypts `plain` under the build's key with a fresh nonce.
    fn seal(&self, plain: &[u8]) -> io::Result<String> {
        let mut iv = [0u8; 12];
        random(&mut iv).map_err(|d| io::Error::other(d.message))?;
        let cipher = Aes256Gcm::new_from_slice(&self.key).map_err(|e| io::Error::other(e.to_string()))?;
        let ct = cipher
            .encrypt(&Nonce::from(iv), plain)
            .map_err(|e| io::Error::other(e.to_string()))?;
        let salt = B64.encode(self.salt);
        let payload = Payload {
            v: 1,
            kdf: "PBKDF2-SHA256",
            iter: ITERATIONS,
            salt: &salt,
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
        format!(
            "<!doctype html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta name=\"robots\" content=\"noindex, nofollow\">\n<meta name=\"referrer\" content=\"no-referrer\">\n<meta name=\"color-scheme\" content=\"light dark\">\n<title>{title}</title>\n<link rel=\"stylesheet\" href=\"{root}assets/style.css\">\n</head>\n<body class=\"kind-locked\">\n<main id=\"main\" class=\"wrap unlock\">\n<h1>{title}</h1>\n<p>{intro}</p>\n<form id=\"palanca-unlock\" class=\"unlock-form\">\n<label for=\"palanca-passphrase\">{passphrase}</label>\n<input id=\"palanca-passphrase\" type=\"password\" autocomplete=\"current-password\" required>\n<label class=\"remember\"><input id=\"palanca-remember\" type=\"checkbox\"> {remember}</label>\n<button type=\"submit\">{unlock}</button>\n<p id=\"palanca-status\" role=\"status\" aria-live=\"polite\"></p>\n</form>\n<noscript><p>{needs_script}</p></noscript>\n</main>\n<script type=\"application/json\" id=\"palanca-payload\">{payload}</script>\n<script type=\"application/json\" id=\"palanca-strings\">{strings}</script>\n<script src=\"{root}assets/unlock.js\"></script>\n</body>\n</html>\n",
            lang = self.shell.lang,
            title = escape(&self.shell.title),
            intro = escape(&s.intro),
            passphrase = escape(&s.passphrase),
            remember = escape(&s.remember),
            unlock = escape(&s.unlock),
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
    /// script added.
    fn put(&self, sink: &dyn Sink, kind: FileKind, path: &str, bytes: &[u8]) -> io::Result<()> {
        match kind {
            FileKind::Asset => {
                if path == "assets/style.css" {
                    sink.put("assets/unlock.js", UNLOCK_JS.as_bytes())?;
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

/// PBKDF2-HMAC-SHA256: the same derivation WebCrypto performs.
pub fn derive(passphrase: &str, salt: &[u8], iterations: u32) -> [u8; 32] {
    let mut key = [0u8; 32];
    pbkdf2::pbkdf2_hmac::<sha2::Sha256>(passphrase.as_bytes(), salt, iterations, &mut key);
    key
}

/// Encrypts `plain` with `key` and `iv` as the browser expects it:
/// ciphertext followed by the 16-byte tag. Exposed for the round-trip test.
pub fn encrypt_with(key: &[u8; 32], iv: [u8; 12], plain: &[u8]) -> Option<Vec<u8>> {
    Aes256Gcm::new_from_slice(key)
        .ok()?
        .encrypt(&Nonce::from(iv), plain)
        .ok()
}

fn random(buf: &mut [u8]) -> Result<(), Box<Diagnostic>> {
    getrandom::fill(buf).map_err(|e| {
        Box::new(Diagnostic::error(
            Code::Encryption,
            "",
            format!("the system gave no random numbers: {e}"),
        ))
    })
}

/// JSON inside a `<script>` element must not contain `</` (it would close
/// the element); `<\/` means the same to JavaScript.
fn script_safe(json: &str) -> String {
    json.replace("</", "<\\/")
}

#[cfg(test)]
mod tests;
