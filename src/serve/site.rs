//! The preview's files, on disk: what `serve` serves.
//!
//! Holding the rendered site in memory made serve's memory grow with the
//! site (617 MB for 10,000 pages, ten times a build's). Instead, each
//! rebuild writes the files that changed into a staging folder and, only
//! when the whole rebuild succeeded, moves them into the served folder
//! one rename each (a reader sees the old file or the new one, never half
//! of one) and removes the files the site no longer has. A failed rebuild
//! removes its staging folder: the last good site stays served.
//!
//! What is kept in memory is a ledger: for each file, the key of the
//! inputs it was made from (when its renderer has one, so an unchanged
//! page is not even rendered) and the hash of its bytes (so a page
//! rendered again with the same result is not written again).
//!
//! The folder is made, at random, in the system's temporary folder, with a
//! lock file held for as long as serve runs. It is removed when serve
//! stops; a serve that was killed leaves it, and the next serve to start
//! removes every such folder whose lock nobody holds.

use std::collections::{HashMap, HashSet};
use std::fs;
use std::hash::{DefaultHasher, Hasher};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, RwLock};

use crate::render::{Sink, Writer};

/// The prefix of serve's folders in the temporary folder.
const PREFIX: &str = "palanca-serve-";

/// The served folder and its ledger.
pub struct ServedSite {
    /// `palanca-serve-<random>` in the temporary folder.
    root: PathBuf,
    /// `root/site`: the files served.
    files: PathBuf,
    /// Held while serve runs: the next serve leaves the folder alone.
    _lock: fs::File,
    ledger: RwLock<HashMap<String, Entry>>,
    /// Numbers each rebuild's staging folder.
    rebuilds: Mutex<u64>,
}

/// What the ledger knows of a served file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Entry {
    /// The key of the inputs it was made from, if its renderer has one.
    key: Option<u64>,
    /// The hash of its bytes.
    hash: u64,
}

impl ServedSite {
    /// Makes a fresh served folder in `parent` (the system's temporary
    /// folder, for serve), removing the folders of serves that are gone.
    pub fn create(parent: &Path) -> io::Result<ServedSite> {
        sweep(parent);
        let mut random = [0u8; 8];
        getrandom::fill(&mut random).map_err(|e| io::Error::other(e.to_string()))?;
        let name: String = random.iter().map(|b| format!("{b:02x}")).collect();
        // Made under a name the sweep ignores and renamed once locked: a
        // serve starting at the same moment must never see it unlocked.
        let making = parent.join(format!(".{PREFIX}{name}"));
        fs::create_dir(&making)?;
        let lock = fs::File::create(making.join("lock"))?;
        lock.try_lock().map_err(|e| io::Error::other(e.to_string()))?;
        let root = parent.join(format!("{PREFIX}{name}"));
        fs::rename(&making, &root)?;
        let files = root.join("site");
        fs::create_dir(&files)?;
        Ok(ServedSite {
            root,
            files,
            _lock: lock,
            ledger: RwLock::new(HashMap::new()),
            rebuilds: Mutex::new(0),
        })
    }

    /// The folder the files are served from.
    pub fn folder(&self) -> &Path {
        &self.files
    }

    /// Whether the site has a file at `path`.
    pub fn has(&self, path: &str) -> bool {
        self.ledger.read().is_ok_and(|l| l.contains_key(path))
    }

    /// The file at `path`, if the site has one. Only paths in the ledger
    /// are read, so a request can never name a file outside the site.
    pub fn read(&self, path: &str) -> Option<Vec<u8>> {
        if !self.has(path) {
            return None;
        }
        fs::read(self.files.join(path)).ok()
    }

    /// Starts a rebuild: a sink that stages what changed.
    pub fn rebuild(&self) -> io::Result<Rebuild<'_>> {
        let n = {
            let mut n = self
                .rebuilds
                .lock()
                .map_err(|_| io::Error::other("a rebuild panicked"))?;
            *n += 1;
            *n
        };
        let stage = self.root.join(format!("next-{n}"));
        fs::create_dir(&stage)?;
        Ok(Rebuild {
            site: self,
            stage,
            made: Mutex::new(HashSet::new()),
            next: Mutex::new(HashMap::new()),
        })
    }

    /// Removes the folder (serve stopping).
    pub fn remove(&self) {
        let _ = fs::remove_dir_all(&self.root);
    }
}

impl Drop for ServedSite {
    fn drop(&mut self) {
        self.remove();
    }
}

/// Removes the folders of serves that are gone: those whose lock can be
/// taken. Problems are ignored: another serve may be sweeping too.
fn sweep(parent: &Path) {
    let Ok(entries) = fs::read_dir(parent) else { return };
    for entry in entries.flatten() {
        if !entry.file_name().to_string_lossy().starts_with(PREFIX) {
            continue;
        }
        let dir = entry.path();
        let Ok(lock) = fs::File::open(dir.join("lock")) else {
            continue;
        };
        if lock.try_lock().is_ok() {
            let _ = fs::remove_dir_all(&dir);
        }
    }
}

/// One rebuild's files: staged until [`Rebuild::commit`].
pub struct Rebuild<'a> {
    site: &'a ServedSite,
    stage: PathBuf,
    /// Folders made in the staging folder.
    made: Mutex<HashSet<PathBuf>>,
    /// Every file of the new site, and whether it was staged (written).
    next: Mutex<HashMap<String, (Entry, bool)>>,
}

impl Rebuild<'_> {
    /// Moves the staged files into the served folder and removes those
    /// the site no longer has. Returns how many files were written.
    pub fn commit(self) -> io::Result<usize> {
        let next = std::mem::take(&mut *self.next.lock().map_err(|_| io::Error::other("a rebuild panicked"))?);
        let mut written = 0;
        let mut folders = HashSet::new();
        for (path, _) in next.iter().filter(|(_, (_, staged))| *staged) {
            let target = self.site.files.join(path);
            if let Some(parent) = target.parent()
                && folders.insert(parent.to_path_buf())
            {
                fs::create_dir_all(parent)?;
            }
            fs::rename(self.stage.join(path), &target)?;
            written += 1;
        }
        let mut ledger = self
            .site
            .ledger
            .write()
            .map_err(|_| io::Error::other("a reader panicked"))?;
        for gone in ledger.keys().filter(|p| !next.contains_key(*p)) {
            let _ = fs::remove_file(self.site.files.join(gone));
        }
        *ledger = next.into_iter().map(|(path, (entry, _))| (path, entry)).collect();
        Ok(written)
    }

    fn previous(&self, path: &str) -> Option<Entry> {
        self.site.ledger.read().ok()?.get(path).copied()
    }

    fn record(&self, path: &str, entry: Entry, staged: bool) -> io::Result<()> {
        let mut next = self.next.lock().map_err(|_| io::Error::other("a rebuild panicked"))?;
        next.insert(path.to_string(), (entry, staged));
        Ok(())
    }

    /// Stages `bytes` for `path` unless the served file has them already.
    fn stage(&self, path: &str, key: Option<u64>, bytes: &[u8]) -> io::Result<()> {
        check(path)?;
        let mut h = DefaultHasher::new();
        h.write(bytes);
        let entry = Entry { key, hash: h.finish() };
        if self.previous(path).is_some_and(|e| e.hash == entry.hash) {
            return self.record(path, entry, false);
        }
        let target = self.staged_path(path)?;
        fs::write(&target, bytes)?;
        self.record(path, entry, true)
    }

    /// Streams what `write` produces to the staging folder, hashing it on
    /// the way (the same hash as [`Rebuild::stage`]'s).
    fn stage_with(&self, path: &str, key: u64, write: &mut Writer) -> io::Result<()> {
        check(path)?;
        let target = self.staged_path(path)?;
        let mut out = Hashing {
            file: io::BufWriter::new(fs::File::create(&target)?),
            hash: DefaultHasher::new(),
        };
        write(&mut out)?;
        io::Write::flush(&mut out.file)?;
        let entry = Entry {
            key: Some(key),
            hash: out.hash.finish(),
        };
        // Written already; the same bytes as served are moved over them.
        self.record(path, entry, true)
    }

    /// Where `path` is staged, its folder made.
    fn staged_path(&self, path: &str) -> io::Result<PathBuf> {
        let target = self.stage.join(path);
        if let Some(parent) = target.parent() {
            let made = self.made.lock().map_err(|_| io::Error::other("a rebuild panicked"))?;
            let exists = made.contains(parent);
            drop(made);
            if !exists {
                fs::create_dir_all(parent)?;
                if let Ok(mut made) = self.made.lock() {
                    made.insert(parent.to_path_buf());
                }
            }
        }
        Ok(target)
    }
}

/// A file writer that hashes what passes through it.
struct Hashing {
    file: io::BufWriter<fs::File>,
    hash: DefaultHasher,
}

impl io::Write for Hashing {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.file.write(buf)?;
        self.hash.write(&buf[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file.flush()
    }
}

impl Drop for Rebuild<'_> {
    /// A rebuild not committed leaves the served site as it was.
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.stage);
    }
}

/// Refuses a path that could leave the folder: renderers make relative
/// `/`-separated paths from file names, but the ledger is only as safe
/// as what goes into it.
fn check(path: &str) -> io::Result<()> {
    let bad = path.is_empty() || path.starts_with('/') || path.split('/').any(|c| c.is_empty() || c == "..");
    if bad {
        return Err(io::Error::other(format!("`{path}` is not a path inside the site")));
    }
    Ok(())
}

impl Sink for Rebuild<'_> {
    fn put(&self, path: &str, bytes: &[u8]) -> io::Result<()> {
        self.stage(path, None, bytes)
    }

    fn keep(&self, path: &str, key: u64) -> bool {
        match self.previous(path) {
            Some(entry) if entry.key == Some(key) => self.record(path, entry, false).is_ok(),
            _ => false,
        }
    }

    fn put_keyed(&self, path: &str, key: u64, bytes: bytes::Bytes) -> io::Result<()> {
        self.stage(path, Some(key), &bytes)
    }

    fn put_keyed_with(&self, path: &str, key: u64, write: &mut Writer) -> io::Result<()> {
        self.stage_with(path, key, write)
    }
}

#[cfg(test)]
mod tests;
