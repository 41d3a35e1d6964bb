//! What `serve` keeps between loads, so that a rebuild after one save
//! reads one file.
//!
//! Three levels, cheapest first:
//! - the watcher's word: `serve` tells the cache which files its events
//!   name ([`LoadCache::note_changes`]); when every event names a content
//!   file the last load already had, the next load reads those files and
//!   reuses every other document without looking at the disk — no walk,
//!   no stat. Anything else (a new, removed or renamed file, a folder, a
//!   lost event) and the next load looks at everything;
//! - a file's metadata: one whose size, times and inode did not change
//!   since it was read is not read again (git's index reasons the same
//!   way, and so does this: a file written within two seconds of being
//!   read is "racily clean" and always read again);
//! - a file's text: one whose text hashes the same is not parsed again.
//!
//! A one-off build uses a disabled cache and pays for none of it.

use std::collections::{BTreeSet, HashMap};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::Path;
use std::sync::Mutex;

use super::document::{Document, ReadWith};

/// Parsed files kept between loads. Disabled (and free) for one-off builds.
#[derive(Default)]
pub struct LoadCache {
    pub(super) enabled: bool,
    /// Where the bodies of the pages it keeps are (see [`super::bodies`]).
    pub(super) bodies: std::sync::Arc<super::bodies::Bodies>,
    docs: Mutex<HashMap<String, Cached>>,
    /// The content files of the last load, and what they were read with.
    last: Mutex<Option<(Known, ReadWith)>>,
    /// What the watcher said changed since the last load.
    notes: Mutex<Option<Notes>>,
}

/// A parsed file, with what it was parsed from.
struct Cached {
    /// The file's metadata when it was read, if it can be trusted to
    /// change with its text (see [`Stamp::of`]).
    stamp: Option<Stamp>,
    /// The hash of its text and what it was read with.
    hash: u64,
    doc: Document,
}

/// The content files of a load, in walk order, and sorted for lookups: a
/// batch of events (a checkout of thousands of files) is classified in
/// n log n, not by scanning the list once per event.
#[derive(Clone)]
pub(super) struct Known {
    files: Vec<String>,
    /// Indexes into `files`, by path.
    sorted: Vec<u32>,
}

impl Known {
    fn new(files: Vec<String>) -> Known {
        let mut sorted: Vec<u32> = (0..files.len() as u32).collect();
        sorted.sort_unstable_by(|&a, &b| files[a as usize].cmp(&files[b as usize]));
        Known { files, sorted }
    }

    /// The first position, by path, of a file not before `rel`.
    fn at_or_after(&self, rel: &str) -> Option<&str> {
        let i = self.sorted.partition_point(|&i| self.files[i as usize].as_str() < rel);
        self.sorted.get(i).map(|&i| self.files[i as usize].as_str())
    }

    /// Whether the load had the file `rel`.
    fn has(&self, rel: &str) -> bool {
        self.at_or_after(rel) == Some(rel)
    }

    /// Whether the load had a file inside the folder `rel`.
    fn holds(&self, rel: &str) -> bool {
        let inside = format!("{rel}/");
        self.at_or_after(&inside).is_some_and(|f| f.starts_with(&inside))
    }
}

/// What the watcher reported since the last load.
enum Notes {
    /// Only these content files (relative paths) changed.
    Only(BTreeSet<String>),
    /// Something the last file list cannot account for: look at everything.
    Everything,
}

/// How a load finds its files and which it reads.
pub(super) enum Plan {
    /// Walk the content folder; check every file's metadata.
    Walk,
    /// The last load's files; read only `changed`, reuse the others.
    Reuse {
        files: Vec<String>,
        changed: BTreeSet<String>,
    },
}

/// What a file's metadata says of its contents: size, times and inode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Stamp {
    len: u64,
    modified: (i64, i64),
    changed: (i64, i64),
    inode: (u64, u64),
    /// What it was read with, which changes how a file parses.
    with: ReadWith,
}

/// How close to "now" a file's times may be before its stamp is not
/// trusted: generous, for file systems with coarse clocks.
const RACY_SECONDS: i64 = 2;

impl Stamp {
    /// The stamp of `path`, or none when it cannot be trusted.
    #[cfg(unix)]
    pub(super) fn of(path: &Path, with: ReadWith) -> Option<Stamp> {
        use std::os::unix::fs::MetadataExt;
        let meta = std::fs::metadata(path).ok()?;
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .ok()?
            .as_secs() as i64;
        if meta.mtime() >= now - RACY_SECONDS || meta.ctime() >= now - RACY_SECONDS {
            return None;
        }
        Some(Stamp {
            len: meta.len(),
            modified: (meta.mtime(), meta.mtime_nsec()),
            changed: (meta.ctime(), meta.ctime_nsec()),
            inode: (meta.dev(), meta.ino()),
            with,
        })
    }

    /// Elsewhere metadata is not trusted: every file is read.
    #[cfg(not(unix))]
    pub(super) fn of(_: &Path, _: ReadWith) -> Option<Stamp> {
        None
    }
}

/// The key of a file's parsed form: its text and what it is read with.
pub(super) fn text_hash(text: &str, with: ReadWith) -> u64 {
    let mut h = DefaultHasher::new();
    (text, with).hash(&mut h);
    h.finish()
}

impl LoadCache {
    /// A cache that keeps parsed files.
    pub fn new() -> LoadCache {
        LoadCache {
            enabled: true,
            ..LoadCache::default()
        }
    }

    /// Records the paths a batch of file events named (absolute, under
    /// `root`), so the next load reads only those when it can.
    pub fn note_changes(&self, root: &Path, paths: &[std::path::PathBuf]) {
        let Ok(last) = self.last.lock() else { return };
        let known: Option<&Known> = last.as_ref().map(|(known, _)| known);
        let Ok(mut notes) = self.notes.lock() else { return };
        let mut set = match notes.take() {
            None => BTreeSet::new(),
            Some(Notes::Only(set)) => set,
            Some(Notes::Everything) => return *notes = Some(Notes::Everything),
        };
        for path in paths {
            match classify(root, path, known) {
                Event::Content(rel) => {
                    set.insert(rel);
                }
                Event::Ignored => {}
                Event::Unknown => return *notes = Some(Notes::Everything),
            }
        }
        *notes = Some(Notes::Only(set));
    }

    /// Records that events may have been lost (the watcher asked for a
    /// rescan, or failed): the next load looks at everything.
    pub fn note_everything(&self) {
        if let Ok(mut notes) = self.notes.lock() {
            *notes = Some(Notes::Everything);
        }
    }

    /// How the next load finds its files: from the watcher's notes when
    /// they account for every change and the files are read as before.
    pub(super) fn plan(&self, with: ReadWith) -> Plan {
        let notes = self.notes.lock().ok().and_then(|mut n| n.take());
        let last = self.last.lock().ok().and_then(|l| l.clone());
        match (notes, last) {
            (Some(Notes::Only(changed)), Some((known, last_start))) if last_start == with => Plan::Reuse {
                files: known.files,
                changed,
            },
            _ => Plan::Walk,
        }
    }

    /// Remembers the files of a load.
    pub(super) fn loaded(&self, files: Vec<String>, with: ReadWith) {
        if let (true, Ok(mut last)) = (self.enabled, self.last.lock()) {
            *last = Some((Known::new(files), with));
        }
    }

    /// The document of `rel` as last parsed, whatever its file says now.
    pub(super) fn kept(&self, rel: &str) -> Option<Document> {
        let docs = self.docs.lock().ok()?;
        docs.get(rel).map(|c| c.doc.clone())
    }

    /// The document of `rel` if its metadata did not change since it was read.
    pub(super) fn unchanged(&self, rel: &str, stamp: Option<Stamp>) -> Option<Document> {
        let stamp = stamp?;
        let docs = self.docs.lock().ok()?;
        docs.get(rel).filter(|c| c.stamp == Some(stamp)).map(|c| c.doc.clone())
    }

    /// The document of `rel` if it was parsed from the same text; its
    /// stamp is brought up to date.
    pub(super) fn same_text(&self, rel: &str, hash: u64, stamp: Option<Stamp>) -> Option<Document> {
        let mut docs = self.docs.lock().ok()?;
        let cached = docs.get_mut(rel).filter(|c| c.hash == hash)?;
        cached.stamp = stamp;
        Some(cached.doc.clone())
    }

    /// Drops what was kept of `rel`.
    pub(super) fn forget(&self, rel: &str) {
        if let Ok(mut docs) = self.docs.lock() {
            docs.remove(rel);
        }
    }

    /// Keeps the document parsed from `rel`.
    pub(super) fn put(&self, rel: &str, hash: u64, stamp: Option<Stamp>, doc: &Document) {
        if let Ok(mut docs) = self.docs.lock() {
            let doc = doc.clone();
            docs.insert(rel.to_string(), Cached { stamp, hash, doc });
        }
    }
}

/// What one event path means for the next load.
enum Event {
    /// A content file the last load had, still a file: read it again.
    Content(String),
    /// Nothing the load reads: an editor's swap or backup file, a file
    /// of another kind, or site.yaml and themes/ (always read again).
    Ignored,
    /// A content file that is new or gone, a folder, or anything else
    /// the last file list does not account for.
    Unknown,
}

fn classify(root: &Path, path: &Path, known: Option<&Known>) -> Event {
    let Some(known) = known else { return Event::Unknown };
    let Ok(rel) = path.strip_prefix(root) else {
        return Event::Unknown;
    };
    let rel = rel.to_string_lossy().replace('\\', "/");
    if !rel.starts_with("content/") {
        return Event::Ignored;
    }
    if known.has(&rel) {
        // Still a plain file; a link is checked by the walk (it must not
        // lead out of the site).
        let file = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_file());
        return if file { Event::Content(rel) } else { Event::Unknown };
    }
    // A folder, now or before (a removed one held known files).
    if path.is_dir() || known.holds(&rel) {
        return Event::Unknown;
    }
    let name = rel.rsplit('/').next().unwrap_or("");
    let read = [".md", ".yaml", ".yml"].iter().any(|e| name.ends_with(e)) && !name.starts_with('.');
    if read { Event::Unknown } else { Event::Ignored }
}

#[cfg(test)]
mod tests;
