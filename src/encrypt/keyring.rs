//! Who can open an encrypted build. Each build draws a fresh random
//! content key that seals every page and download; the keyring carries
//! that key wrapped (AES-256-GCM) once under the passphrase's key, when
//! there is a passphrase, and once under each reader's personal key.
//!
//! The keyring is published (`assets/keys.js`) and says nothing but how
//! many wrapped keys it holds: the readers' entries carry no name, no
//! address and no order (they are shuffled), and a browser finds its own
//! by trying each until one opens. A reader left out of a rebuild has no
//! entry in the new keyring, so their link opens nothing of the new build.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use serde::Serialize;

use super::crypto::{ITERATIONS, derive, random, random_key, seal};
use super::passphrase::Passphrase;
use crate::diagnostic::Diagnostic;

/// A reader's personal key: 256 random bits, given in their link.
#[derive(Clone, PartialEq, Eq)]
pub struct ReaderKey(pub [u8; 32]);

impl std::fmt::Debug for ReaderKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ReaderKey(…)")
    }
}

/// Who can open a build: a passphrase, readers' keys, or both (never
/// neither: the command line asks for one or the other).
#[derive(Debug)]
pub struct Openers {
    /// The passphrase everyone may type.
    pub passphrase: Option<Passphrase>,
    /// The readers' personal keys.
    pub readers: Vec<ReaderKey>,
}

/// The content key of one build, and the keyring that opens it.
pub struct Keyring {
    /// What seals every file of the build.
    pub(super) content: [u8; 32],
    /// A random id of the build (base64), which the browser keeps the key
    /// under: a new build is a new id, so a kept key of an old one is
    /// never tried on it.
    pub(super) build: String,
    /// Whether a passphrase opens it (the shell then asks for one).
    pub(super) has_passphrase: bool,
    /// `assets/keys.js`.
    pub(super) script: String,
}

/// The content key wrapped under the passphrase's key.
#[derive(Serialize)]
struct PassEntry {
    kdf: &'static str,
    iter: u32,
    salt: String,
    iv: String,
    ct: String,
}

/// The content key wrapped under one reader's key.
#[derive(Serialize)]
struct ReaderEntry {
    iv: String,
    ct: String,
}

#[derive(Serialize)]
struct Published<'a> {
    v: u8,
    build: &'a str,
    pass: Option<PassEntry>,
    readers: Vec<ReaderEntry>,
}

impl Keyring {
    /// A fresh content key, wrapped for each of `openers`.
    pub fn new(openers: &Openers) -> Result<Keyring, Box<Diagnostic>> {
        let content = random_key()?;
        let mut id = [0u8; 16];
        random(&mut id)?;
        let build = B64.encode(id);
        let pass = match &openers.passphrase {
            Some(passphrase) => {
                let mut salt = [0u8; 16];
                random(&mut salt)?;
                let (iv, ct) = seal(&derive(&passphrase.0, &salt, ITERATIONS), &content)?;
                Some(PassEntry {
                    kdf: "PBKDF2-SHA256",
                    iter: ITERATIONS,
                    salt: B64.encode(salt),
                    iv: B64.encode(iv),
                    ct: B64.encode(ct),
                })
            }
            None => None,
        };
        let mut readers = Vec::with_capacity(openers.readers.len());
        for reader in &openers.readers {
            let (iv, ct) = seal(&reader.0, &content)?;
            readers.push(ReaderEntry {
                iv: B64.encode(iv),
                ct: B64.encode(ct),
            });
        }
        shuffle(&mut readers)?;
        let published = Published {
            v: 2,
            build: &build,
            pass,
            readers,
        };
        let json = serde_json::to_string(&published).unwrap_or_else(|_| "null".into());
        Ok(Keyring {
            content,
            build,
            has_passphrase: openers.passphrase.is_some(),
            script: format!("window.palancaKeyring={};\n", json.replace("</", "<\\/")),
        })
    }
}

/// Fisher–Yates with the system's random numbers, so the order of the
/// readers' entries says nothing about the order of the readers' file.
fn shuffle<T>(items: &mut [T]) -> Result<(), Box<Diagnostic>> {
    for i in (1..items.len()).rev() {
        let mut bytes = [0u8; 8];
        random(&mut bytes)?;
        let j = (u64::from_le_bytes(bytes) % (i as u64 + 1)) as usize;
        items.swap(i, j);
    }
    Ok(())
}
