//! Where rendered files go, and how a build treats them on the way.
//!
//! The render hands every file it makes to a [`Sink`] as soon as it is
//! made: the output's staging folder for a build, a folder kept between
//! rebuilds for `serve`, memory for tests. Each file has a [`FileKind`],
//! which says what it is to a reader; a [`Finish`] (the plain build, or the
//! encrypted one) decides by kind which files a build keeps and what
//! becomes of each on its way to the sink.

use std::collections::BTreeMap;
use std::io;
use std::sync::Mutex;

/// What writes a large file piece by piece (see [`Sink::put_with`]).
pub type Writer<'a> = dyn FnMut(&mut dyn io::Write) -> io::Result<()> + 'a;

/// Where rendered files go, one at a time, as they are made.
pub trait Sink: Sync {
    /// Stores the file at `path` (relative, `/`-separated).
    fn put(&self, path: &str, bytes: &[u8]) -> io::Result<()>;

    /// Stores the file `write` produces. A sink that writes to disk
    /// streams it, so a large file (the site's JSON) is never held whole;
    /// the others collect it and [`Sink::put`] it.
    fn put_with(&self, path: &str, write: &mut Writer) -> io::Result<()> {
        let mut bytes = Vec::new();
        write(&mut bytes)?;
        self.put(path, &bytes)
    }

    /// Stores bytes that may be shared with a cache: a sink that keeps
    /// files in memory keeps these without copying them.
    fn put_shared(&self, path: &str, bytes: bytes::Bytes) -> io::Result<()> {
        self.put(path, &bytes)
    }

    /// Keeps the file at `path` that an earlier build made from inputs
    /// with `key`, and says so; false when this sink holds no such file
    /// and it must be made. Only `serve`'s site on disk remembers.
    fn keep(&self, _path: &str, _key: u64) -> bool {
        false
    }

    /// Stores a file made from inputs with `key` (see [`Sink::keep`]).
    fn put_keyed(&self, path: &str, _key: u64, bytes: bytes::Bytes) -> io::Result<()> {
        self.put_shared(path, bytes)
    }

    /// Like [`Sink::put_keyed`] for a file `write` produces, streamed by a
    /// sink on disk (see [`Sink::put_with`]).
    fn put_keyed_with(&self, path: &str, key: u64, write: &mut Writer) -> io::Result<()> {
        let mut bytes = Vec::new();
        write(&mut bytes)?;
        self.put_keyed(path, key, bytes.into())
    }
}

/// What a file is to its reader: what a [`Finish`] goes by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// An HTML page a reader opens.
    Page,
    /// A file a page links to for download or drawing: CSV, JSON.
    Download,
    /// A theme's file shared by every page: the stylesheet, scripts, images.
    Asset,
    /// A list of the site's pages for machines, titles in the clear: the
    /// feed and the sitemap.
    Listing,
    /// An update's letter, ready to mail: its HTML, images and message.
    Letter,
}

/// How a build treats each file before it is stored.
pub trait Finish: Sync {
    /// Whether the build keeps files of this kind at all: the renderers
    /// of a kind no build keeps are not even run.
    fn keeps(&self, _kind: FileKind) -> bool {
        true
    }

    /// Whether files reach the sink as they were made (so they can be
    /// streamed and shared with caches); false when each is transformed
    /// whole by [`Finish::put`].
    fn passes_through(&self) -> bool {
        true
    }

    /// Writes `bytes` for `path` into `sink`, transformed as needed.
    fn put(&self, sink: &dyn Sink, _kind: FileKind, path: &str, bytes: &[u8]) -> io::Result<()> {
        sink.put(path, bytes)
    }
}

/// A plain build: every file is kept, as rendered.
pub struct Plain;

impl Finish for Plain {}

/// A site kept in memory: what `serve` serves, and what tests read.
#[derive(Debug, Default)]
pub struct MemorySite {
    /// Output path (relative, `/`-separated) to contents, shared with the
    /// render cache where they came from it.
    pub files: Mutex<BTreeMap<String, bytes::Bytes>>,
}

impl MemorySite {
    /// The files, taken out.
    pub fn into_files(self) -> BTreeMap<String, bytes::Bytes> {
        self.files.into_inner().unwrap_or_else(|e| e.into_inner())
    }
}

impl Sink for MemorySite {
    fn put(&self, path: &str, bytes: &[u8]) -> std::io::Result<()> {
        self.put_shared(path, bytes::Bytes::copy_from_slice(bytes))
    }

    fn put_shared(&self, path: &str, bytes: bytes::Bytes) -> std::io::Result<()> {
        let mut files = self.files.lock().unwrap_or_else(|e| e.into_inner());
        files.insert(path.to_string(), bytes);
        Ok(())
    }
}
