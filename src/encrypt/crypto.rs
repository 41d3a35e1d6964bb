//! The cryptography of an encrypted build, as WebCrypto performs it in the
//! reader's browser: PBKDF2-HMAC-SHA256 to turn a passphrase into a key,
//! AES-256-GCM to seal, random bytes from the system.

use aes_gcm::aead::Aead;
use aes_gcm::{Aes256Gcm, KeyInit, Nonce};

use crate::diagnostic::{Code, Diagnostic};

/// PBKDF2 rounds: OWASP's figure for PBKDF2-HMAC-SHA256 (2023 on).
pub const ITERATIONS: u32 = 600_000;

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

/// Fills `buf` with random bytes from the system.
pub fn random(buf: &mut [u8]) -> Result<(), Box<Diagnostic>> {
    getrandom::fill(buf).map_err(|e| {
        Box::new(Diagnostic::error(
            Code::Encryption,
            "",
            format!("the system gave no random numbers: {e}"),
        ))
    })
}

/// A random 32-byte key.
pub fn random_key() -> Result<[u8; 32], Box<Diagnostic>> {
    let mut key = [0u8; 32];
    random(&mut key)?;
    Ok(key)
}

/// `plain` sealed under `key` with a fresh nonce: the nonce, and the
/// ciphertext followed by its tag.
pub fn seal(key: &[u8; 32], plain: &[u8]) -> Result<([u8; 12], Vec<u8>), Box<Diagnostic>> {
    let mut iv = [0u8; 12];
    random(&mut iv)?;
    let ct = encrypt_with(key, iv, plain)
        .ok_or_else(|| Box::new(Diagnostic::error(Code::Encryption, "", "the encryption failed")))?;
    Ok((iv, ct))
}
