//! The passphrase of an encrypted build: where it is read from, and the
//! passphrases refused because an offline attacker would guess them.

use std::path::Path;

use crate::diagnostic::{Code, Diagnostic};

/// The shortest passphrase accepted, in characters.
pub const MIN_CHARS: usize = 12;

/// A passphrase, kept only in memory and never printed.
pub struct Passphrase(pub(super) String);

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

    /// The passphrase from `--password-file` or `PALANCA_PASSWORD`, or
    /// none when neither is given (a build for readers with personal keys
    /// needs none).
    pub fn optional_from_environment(file: Option<&Path>) -> Result<Option<Passphrase>, Box<Diagnostic>> {
        if file.is_none() && std::env::var_os("PALANCA_PASSWORD").is_none() {
            return Ok(None);
        }
        Passphrase::from_environment(file).map(Some)
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
pub(super) fn famous(text: &str) -> Option<&'static str> {
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
