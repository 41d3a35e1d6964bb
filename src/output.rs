//! Write: the last stage. Puts the site on disk so that readers never see
//! half a site, and a failed build loses nothing.
//!
//! - Pages are written, as they are rendered, into a fresh staging folder
//!   beside the output (same file system), named at random and created
//!   empty, so nothing of an earlier build can slip in. A file whose
//!   bytes equal the previous site's at the same path is hard-linked from
//!   it instead of written ([`previous`] says when that is safe): a rebuild
//!   then neither writes nor, when the old site is removed, frees it.
//! - Only when the whole build succeeded is the staging folder swapped with
//!   the output in one atomic step (`renameat2` with `RENAME_EXCHANGE` on
//!   Linux; two renames where that is not available). A failed build
//!   removes its staging folder and leaves the previous output as it was.
//! - Builds of one output are serialised by a lock on the folder that
//!   holds it; the build holding the lock also clears what builds killed
//!   half way left behind.
//! - palanca only ever replaces a folder that carries its marker file.
//! - An output that is a symbolic link is resolved: its target is
//!   replaced and the link kept. An output that is a mount point cannot be
//!   swapped (rename does not cross file systems): the new site is staged
//!   inside it and moved into place entry by entry, which is not atomic;
//!   the README says so.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

mod previous;
use previous::Previous;

/// The file that marks a folder as written by palanca.
pub const MARKER: &str = ".palanca-output";

/// How long a build waits for another build of the same output.
const LOCK_WAIT: Duration = Duration::from_secs(120);

/// Why the site could not be written.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// The output folder holds something palanca did not write.
    #[error("{0} exists and was not written by palanca, so palanca will not replace it")]
    Foreign(PathBuf),
    /// Another build of the same output held the lock for too long.
    #[error("another palanca build has been writing into {0} for over two minutes")]
    Busy(PathBuf),
    /// A file system operation failed.
    #[error("cannot write {path}: {source}")]
    Io {
        /// The path involved.
        path: PathBuf,
        /// The cause.
        source: io::Error,
    },
}

fn io_err(path: &Path) -> impl FnOnce(io::Error) -> WriteError + '_ {
    move |source| WriteError::Io {
        path: path.to_path_buf(),
        source,
    }
}

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

/// A build's output being written: the staging folder, and the lock that
/// keeps other builds of the same output out until it is committed or
/// dropped. Dropping it without [`Output::commit`] removes the staging
/// folder and leaves the output as it was.
pub struct Output {
    /// The folder the site ends up in (a link's target, when `--out` is a link).
    target: PathBuf,
    /// Where the new site is written meanwhile.
    staging: PathBuf,
    /// Whether the target is a mount point, swapped entry by entry.
    mount_point: bool,
    /// Folders already created in the staging folder.
    /// Hashes of the folders already made: 100,000 pages have a folder
    /// each, and their full paths took 13 MB (a false hit only makes the
    /// write fail, and it is retried with the folders made).
    made: Mutex<std::collections::HashSet<u64>>,
    /// How those hashes are made.
    folder_hashes: std::hash::RandomState,
    /// The site being replaced, whose unchanged files are linked rather
    /// than written again.
    previous: Option<Previous>,
    _lock: fs::File,
    committed: bool,
}

/// What happened when a build was committed, beyond success.
#[derive(Debug, Default)]
pub struct Committed {
    /// A problem after the new site was in place: what is left to clean.
    pub leftover: Option<String>,
}

impl Output {
    /// Prepares to write into `out`: checks that palanca may replace it,
    /// takes the lock, clears what killed builds left, and creates an empty
    /// staging folder.
    pub fn begin(out: &Path) -> Result<Output, WriteError> {
        let target = resolve_link(out)?;
        let parent = parent_of(&target);
        fs::create_dir_all(&parent).map_err(io_err(&parent))?;
        let lock = lock(&parent)?;
        if target.exists() && !is_ours(&target) {
            return Err(WriteError::Foreign(out.to_path_buf()));
        }
        let mount_point = is_mount_point(&target, &parent);
        let home = if mount_point { target.clone() } else { parent.clone() };
        let name = name_of(&target);
        clear_leftovers(&home, &name);
        let staging = fresh_folder(&home, &format!(".{name}.palanca-new-"))?;
        fs::write(
            staging.join(MARKER),
            b"This folder is generated by palanca; it is replaced on every build.\n",
        )
        .map_err(io_err(&staging))?;
        let previous = Previous::open(&target, &staging.join(MARKER));
        Ok(Output {
            target,
            staging,
            mount_point,
            made: Mutex::new(Default::default()),
            folder_hashes: std::hash::RandomState::new(),
            previous,
            _lock: lock,
            committed: false,
        })
    }

    /// Puts the finished site in place of the old one.
    pub fn commit(mut self) -> Result<Committed, WriteError> {
        self.committed = true;
        if self.mount_point {
            return self.commit_into_mount_point();
        }
        if !self.target.exists() {
            fs::rename(&self.staging, &self.target).map_err(io_err(&self.target))?;
            return Ok(Committed::default());
        }
        exchange(&self.staging, &self.target).map_err(io_err(&self.target))?;
        // The staging path now holds the previous site. The new one is in
        // place whatever happens next, so a failure here is reported as
        // what it is: something left to clean.
        Ok(Committed {
            leftover: remove_tree(&self.staging).err().map(|e| {
                format!(
                    "the new site is in place, but the previous one could not be removed from {}: {e}",
                    self.staging.display()
                )
            }),
        })
    }

    /// A mount point cannot be renamed: its old entries are moved aside
    /// into a folder inside it, the new ones moved up from staging, and the
    /// old ones removed.
    fn commit_into_mount_point(&self) -> Result<Committed, WriteError> {
        let name = name_of(&self.target);
        let aside = fresh_folder(&self.target, &format!(".{name}.palanca-old-"))?;
        let ours = |e: &fs::DirEntry| {
            let n = e.file_name().to_string_lossy().into_owned();
            !n.starts_with(&format!(".{name}.palanca-"))
        };
        for entry in fs::read_dir(&self.target).map_err(io_err(&self.target))?.flatten() {
            if ours(&entry) {
                fs::rename(entry.path(), aside.join(entry.file_name())).map_err(io_err(&entry.path()))?;
            }
        }
        for entry in fs::read_dir(&self.staging).map_err(io_err(&self.staging))?.flatten() {
            fs::rename(entry.path(), self.target.join(entry.file_name())).map_err(io_err(&entry.path()))?;
        }
        let _ = fs::remove_dir(&self.staging);
        Ok(Committed {
            leftover: fs::remove_dir_all(&aside).err().map(|e| {
                format!(
                    "the new site is in place, but {} could not be removed: {e}",
                    aside.display()
                )
            }),
        })
    }

    /// Creates the folders of `path` in the staging folder once each.
    fn make_parents(&self, path: &Path) -> io::Result<()> {
        use std::hash::BuildHasher;
        let Some(dir) = path.parent() else { return Ok(()) };
        let key = self.folder_hashes.hash_one(dir);
        if self.made.lock().unwrap_or_else(|e| e.into_inner()).contains(&key) {
            return Ok(());
        }
        fs::create_dir_all(dir)?;
        self.made.lock().unwrap_or_else(|e| e.into_inner()).insert(key);
        Ok(())
    }

    /// Writes `bytes` to `rel` in the staging folder, making its folders
    /// first (once each), or links the previous site's file when it holds
    /// the same bytes.
    fn write_file(&self, rel: &str, bytes: &[u8]) -> io::Result<()> {
        let full = self.staging.join(rel);
        let full = full.as_path();
        self.make_parents(full)?;
        if self.previous.as_ref().is_some_and(|p| p.link(rel, full, bytes)) {
            return Ok(());
        }
        io::Write::write_all(&mut create(full)?, bytes)
    }
}

/// Creates the file at `full`, whose folders [`Output::make_parents`] made.
fn create(full: &Path) -> io::Result<fs::File> {
    match new_file(full) {
        // A folder whose hash matched another's: make it and retry.
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            if let Some(dir) = full.parent() {
                fs::create_dir_all(dir)?;
            }
            new_file(full)
        }
        other => other,
    }
}

/// Creates the file at `full` to be written. One already there (a path
/// written twice) is replaced by name, never written into: it may be a
/// link to the previous site's file, which must stay as it was.
fn new_file(full: &Path) -> io::Result<fs::File> {
    let open = || fs::OpenOptions::new().write(true).create_new(true).open(full);
    match open() {
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
            fs::remove_file(full)?;
            open()
        }
        other => other,
    }
}

impl Sink for Output {
    fn put(&self, path: &str, bytes: &[u8]) -> io::Result<()> {
        inside_site(path)?;
        self.write_file(path, bytes)
    }

    fn put_with(&self, path: &str, write: &mut Writer) -> io::Result<()> {
        inside_site(path)?;
        let full = self.staging.join(path);
        self.make_parents(&full)?;
        // A new file of its own, never a link to the previous site's: the
        // bytes are written into it.
        let file = create(&full)?;
        let mut out = io::BufWriter::with_capacity(64 * 1024, file);
        write(&mut out)?;
        io::Write::flush(&mut out)
    }
}

/// Refuses a path that could leave the staging folder.
fn inside_site(path: &str) -> io::Result<()> {
    if path
        .split('/')
        .any(|part| part.is_empty() || part == "." || part == "..")
    {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("`{path}` is not a path inside the site"),
        ));
    }
    Ok(())
}

/// Removes a folder and everything in it, subfolders in parallel: the
/// previous site of 10,000 pages is some 40,000 entries, and removing them
/// one by one was a tenth of a build. Links are removed, not followed.
fn remove_tree(dir: &Path) -> io::Result<()> {
    use rayon::prelude::*;
    let entries: Vec<fs::DirEntry> = fs::read_dir(dir)?.collect::<Result<_, _>>()?;
    entries.par_iter().try_for_each(|entry| {
        if entry.file_type()?.is_dir() {
            remove_tree(&entry.path())
        } else {
            fs::remove_file(entry.path())
        }
    })?;
    fs::remove_dir(dir)
}

impl Drop for Output {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.staging);
        }
    }
}

/// `--out` itself, or the folder it links to: the link is kept and its
/// target replaced.
fn resolve_link(out: &Path) -> Result<PathBuf, WriteError> {
    match fs::symlink_metadata(out) {
        Ok(meta) if meta.file_type().is_symlink() => out.canonicalize().map_err(io_err(out)),
        _ => Ok(out.to_path_buf()),
    }
}

fn parent_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

fn name_of(path: &Path) -> String {
    path.file_name()
        .map_or_else(|| "output".into(), |n| n.to_string_lossy().into_owned())
}

/// A folder is ours when it carries the marker, or is empty.
fn is_ours(dir: &Path) -> bool {
    dir.is_dir() && (dir.join(MARKER).is_file() || fs::read_dir(dir).map(|mut d| d.next().is_none()).unwrap_or(false))
}

/// Whether `dir` is the root of a file system other than its parent's.
#[cfg(unix)]
fn is_mount_point(dir: &Path, parent: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (fs::metadata(dir), fs::metadata(parent)) {
        (Ok(d), Ok(p)) => d.is_dir() && d.dev() != p.dev(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn is_mount_point(_dir: &Path, _parent: &Path) -> bool {
    false
}

/// Locks the folder that holds the output, waiting for another build of it
/// to finish (up to [`LOCK_WAIT`]). The lock is released when the file
/// handle is closed, even if the process is killed, and leaves no file.
fn lock(parent: &Path) -> Result<fs::File, WriteError> {
    let file = fs::File::open(parent).map_err(io_err(parent))?;
    let started = Instant::now();
    let mut said = false;
    loop {
        match file.try_lock() {
            Ok(()) => return Ok(file),
            Err(fs::TryLockError::WouldBlock) => {
                if !said {
                    eprintln!("waiting for another palanca build writing into {}…", parent.display());
                    said = true;
                }
                if started.elapsed() > LOCK_WAIT {
                    return Err(WriteError::Busy(parent.to_path_buf()));
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            // File systems without locks: go on unserialised.
            Err(fs::TryLockError::Error(_)) => return Ok(file),
        }
    }
}

/// Removes the staging and old folders of builds that were killed before
/// they finished. Only called while holding the lock, so none of them can
/// belong to a running build.
fn clear_leftovers(home: &Path, name: &str) {
    let Ok(entries) = fs::read_dir(home) else { return };
    for entry in entries.flatten() {
        let n = entry.file_name().to_string_lossy().into_owned();
        let stale = [".palanca-new-", ".palanca-old-"]
            .iter()
            .any(|kind| n.starts_with(&format!(".{name}{kind}")));
        if stale && is_ours(&entry.path()) {
            let _ = fs::remove_dir_all(entry.path());
        }
    }
}

/// A new, empty folder named `prefix` and 16 random hex digits.
fn fresh_folder(home: &Path, prefix: &str) -> Result<PathBuf, WriteError> {
    loop {
        let mut bytes = [0u8; 8];
        getrandom::fill(&mut bytes).map_err(|e| WriteError::Io {
            path: home.to_path_buf(),
            source: io::Error::other(e.to_string()),
        })?;
        let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        let path = home.join(format!("{prefix}{hex}"));
        match fs::create_dir(&path) {
            Ok(()) => return Ok(path),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(io_err(&path)(e)),
        }
    }
}

/// Swaps two folders in one step where the system can; otherwise moves the
/// old one aside and the new one in, putting the old one back on failure.
fn exchange(new: &Path, old: &Path) -> io::Result<()> {
    #[cfg(target_os = "linux")]
    {
        use rustix::fs::{CWD, RenameFlags, renameat_with};
        match renameat_with(CWD, new, CWD, old, RenameFlags::EXCHANGE) {
            Ok(()) => return Ok(()),
            // Not supported by this kernel or file system: fall back.
            Err(e) if e == rustix::io::Errno::INVAL || e == rustix::io::Errno::NOSYS => {}
            Err(e) => return Err(e.into()),
        }
    }
    let aside = PathBuf::from(format!("{}-old", new.display()));
    fs::rename(old, &aside)?;
    if let Err(e) = fs::rename(new, old) {
        let _ = fs::rename(&aside, old);
        return Err(e);
    }
    fs::rename(&aside, new)
}

#[cfg(test)]
mod tests;
