//! The readers of an encrypted build and their personal keys.
//!
//! `palanca build --encrypt --readers FILE` gives every reader listed in
//! FILE (the recipients file of `palanca send`) a personal key the first
//! time they appear, and wraps the build's content key once for each of
//! them (see [`crate::encrypt`]). The keys are kept in the site folder, in
//! [`KEY_FILE`], readable by its owner only: it is as secret as a
//! passphrase, never published (it is outside `content/`) and never
//! committed (the `.gitignore` of `palanca new` lists it).
//!
//! A reader left out of FILE at the next build is revoked: their key is
//! dropped from the file, so the new build opens for everyone else's link
//! and not for theirs (listed again later, they get a new key).
//! `palanca links --readers FILE` prints each reader's link: the site's
//! `base_url` with the key in the fragment, which browsers never send.

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::Path;

use crate::diagnostic::{Code, Diagnostic, Diagnostics, Source};
use crate::disk::Folder;
use crate::encrypt::{LINK_FRAGMENT, ReaderKey, key_from_text, key_in_link};
use crate::send::recipients::{Recipient, read_recipients};

/// The key file, in the site folder.
pub const KEY_FILE: &str = "reader-keys";

/// The largest key file read: some 17,000 readers.
const KEY_FILE_BYTES: u64 = 1 << 20;

const HEADER: &str = "# palanca: the readers' personal keys. As secret as a passphrase: never\n\
# publish, share or commit this file (keep a copy where you keep passwords).\n\
# One reader per line: address, a tab, key. Written by `palanca build --readers`.\n";

/// The readers' keys, by address (lower case).
#[derive(Debug, Default)]
pub struct Keys {
    by_address: BTreeMap<String, ReaderKey>,
}

/// The address a reader is known by: the email address, in lower case.
pub fn address_of(r: &Recipient) -> String {
    r.mailbox.email.to_string().to_lowercase()
}

impl Keys {
    /// The key file of the site at `root`, none (no keys) when missing. A
    /// link, a FIFO, a file others may read or write, a line that is not
    /// an address and a key are refused.
    pub fn read(root: &Path) -> Result<Keys, Diagnostic> {
        let folder = Folder::open(root, "", false).map_err(|e| unreadable(&e))?;
        Keys::read_in(&folder)
    }

    fn read_in(folder: &Folder) -> Result<Keys, Diagnostic> {
        if folder.shared(KEY_FILE).map_err(|e| unreadable(&e))? == Some(true) {
            return Err(Diagnostic::error(
                Code::Encryption,
                KEY_FILE,
                format!("{KEY_FILE} can be read by other users of this computer"),
            )
            .help(format!(
                "it holds every reader's key: make it yours alone with `chmod 600 {KEY_FILE}`"
            )));
        }
        let Some(text) = folder.read_text(KEY_FILE, KEY_FILE_BYTES).map_err(|e| unreadable(&e))? else {
            return Ok(Keys::default());
        };
        Keys::parse(&Source::new(KEY_FILE, text.as_str()))
    }

    fn parse(source: &Source) -> Result<Keys, Diagnostic> {
        let mut keys = Keys::default();
        let mut offset = 0;
        for raw in source.text.split_inclusive('\n') {
            let start = offset;
            offset += raw.len();
            let line = raw.trim_end();
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            let key = line
                .split_once('\t')
                .and_then(|(address, key)| Some((address.trim(), key_from_text(key)?)))
                .filter(|(address, _)| address.contains('@'));
            let Some((address, key)) = key else {
                return Err(Diagnostic::error_at(
                    Code::Encryption,
                    source,
                    start..start + line.len(),
                    format!("this line of {KEY_FILE} is not an address, a tab and a key"),
                )
                .help(format!(
                    "{KEY_FILE} is written by palanca; restore it from your copy, or delete the line (that reader gets a new key and link)"
                )));
            };
            keys.by_address.insert(address.to_lowercase(), key);
        }
        Ok(keys)
    }

    /// The key of the reader at `address`, if they have one.
    pub fn of(&self, address: &str) -> Option<&ReaderKey> {
        self.by_address.get(&address.to_lowercase())
    }

    /// Whether no reader has a key.
    pub fn is_empty(&self) -> bool {
        self.by_address.is_empty()
    }

    fn text(&self) -> String {
        let mut out = String::from(HEADER);
        for (address, key) in &self.by_address {
            out.push_str(&format!("{address}\t{}\n", key_in_link(key)));
        }
        out
    }
}

/// The readers' keys for one build.
#[derive(Debug)]
pub struct ForBuild {
    /// One key per reader of the file, in its order.
    pub keys: Vec<ReaderKey>,
    /// Readers who got a key in this build.
    pub made: usize,
    /// Readers with a key who are no longer listed: revoked.
    pub revoked: usize,
}

/// The keys of the readers listed in `file` for a build of the site at
/// `root`: new readers get one, readers no longer listed lose theirs, and
/// the key file is rewritten (owner-only, under the site's lock) when
/// anything changed.
pub fn for_build(root: &Path, file: &Path) -> Result<ForBuild, Diagnostics> {
    let readers = read_recipients(file)?;
    let one = |d: Diagnostic| Diagnostics(vec![d]);
    let folder = Folder::open(root, "", false).map_err(|e| one(unreadable(&e)))?;
    folder.lock().map_err(|e| one(unreadable(&e)))?;
    let mut keys = Keys::read_in(&folder).map_err(one)?;
    let listed: Vec<String> = readers.iter().map(address_of).collect();
    let before = keys.by_address.len();
    keys.by_address.retain(|address, _| listed.contains(address));
    let revoked = before - keys.by_address.len();
    let mut made = 0;
    for address in &listed {
        if !keys.by_address.contains_key(address) {
            let key = crate::encrypt::random_reader_key().map_err(|d| one(*d))?;
            keys.by_address.insert(address.clone(), key);
            made += 1;
        }
    }
    if made > 0 || revoked > 0 {
        write(&folder, &keys).map_err(|e| one(unwritable(&e)))?;
    }
    let keys = listed.iter().filter_map(|a| keys.of(a).cloned()).collect();
    Ok(ForBuild { keys, made, revoked })
}

/// Writes the key file whole: a new owner-only file renamed into place.
fn write(folder: &Folder, keys: &Keys) -> std::io::Result<()> {
    let (temp, mut file) = folder.create_private_temp(".reader-keys-")?;
    let written = file.write_all(keys.text().as_bytes()).and_then(|()| file.sync_all());
    if let Err(e) = written {
        let _ = folder.remove(&temp);
        return Err(e);
    }
    folder.rename(&temp, KEY_FILE)
}

/// A reader's personal link: the site's address with their key in the
/// fragment.
pub fn link(base_url: &str, key: &ReaderKey) -> String {
    format!("{base_url}{LINK_FRAGMENT}{}", key_in_link(key))
}

/// `palanca links --readers FILE`: each reader's address and link, in the
/// file's order. A reader without a key yet is an error (build first, so
/// that no link is handed out that opens nothing).
pub fn links(root: &Path, file: &Path) -> Result<Vec<(String, String)>, Diagnostics> {
    let readers = read_recipients(file)?;
    let mut diags = Diagnostics::default();
    let Some((site, ..)) = crate::load::load_site(root, &mut diags) else {
        return Err(diags);
    };
    if diags.has_errors() {
        return Err(diags);
    }
    let base = site.base_url.trim();
    if !(base.starts_with("https://") || base.starts_with("http://")) {
        return Err(Diagnostics(vec![
            Diagnostic::error(Code::Encryption, "site.yaml", "a personal link needs the site's address, and `base_url` gives none")
                .help("set `base_url` in site.yaml to the address the encrypted site is published at, e.g. `https://example.com/plan/`"),
        ]));
    }
    let keys = Keys::read(root).map_err(|d| Diagnostics(vec![d]))?;
    let mut out = Vec::new();
    for r in &readers {
        match keys.of(&address_of(r)) {
            Some(key) => out.push((r.mailbox.email.to_string(), link(base, key))),
            None => diags.push(not_a_reader(r)),
        }
    }
    if diags.has_errors() {
        return Err(diags);
    }
    Ok(out)
}

/// A recipient who has no personal key, at their line of the file.
pub fn not_a_reader(r: &Recipient) -> Diagnostic {
    let written = r.mailbox.to_string();
    let mut d = Diagnostic::error(
        Code::BadRecipient,
        r.file.clone(),
        format!("{} has no personal key: they are not a reader of the encrypted build", r.mailbox.email),
    )
    .help("list them in the readers file and run `palanca build --encrypt --readers FILE`; their link works once that build is published");
    d.location = Some(crate::diagnostic::Location {
        line: r.line,
        column: 1,
        width: written.chars().count(),
        line_text: written,
    });
    d
}

fn unreadable(e: &std::io::Error) -> Diagnostic {
    Diagnostic::error(Code::Encryption, KEY_FILE, format!("cannot read {KEY_FILE}: {e}"))
        .help(format!("{KEY_FILE} must be a plain file in the site folder (no link)"))
}

fn unwritable(e: &std::io::Error) -> Diagnostic {
    Diagnostic::error(Code::Encryption, KEY_FILE, format!("cannot write {KEY_FILE}: {e}"))
        .help("no key was changed and nothing was built; make the site folder writable and build again")
}

#[cfg(test)]
mod tests;
