//! The previous site, as a source of files the new build writes unchanged.
//!
//! A rebuild mostly writes what is already there, and writing is not the
//! only cost of that: once the new site is in place, the old one is
//! removed, and the kernel frees every page of every old file. At 10,000
//! pages the two were a fifth of a rebuild. When a new file's bytes equal
//! the old file's at the same path, the old file is hard-linked into the
//! staging folder instead: nothing is written, and removing the old site
//! later only drops a name.
//!
//! A link is made only when it cannot change what the new site holds or
//! who can read it:
//!
//! - the old file is compared byte for byte with the new bytes (no
//!   manifest or date is trusted, so a file edited by hand in `output/` is
//!   simply written again);
//! - it is reached from the old output without following any symbolic
//!   link (`openat2` with `RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS`), and the
//!   name linked is checked to be the very file that was compared (the
//!   same device and inode), else taken back;
//! - it is a regular file with no other name (one link), owned by the same
//!   user and group and with the same permissions as a file this build
//!   creates, so the new site never shares a file with anything outside
//!   the old one, nor inherits a permission it would not have given.
//!
//! Anything else, or any error, and the file is written as usual; a kernel
//! without `openat2` or a file system without hard links turns reuse off
//! for the rest of the build at the first refusal. Only Linux has the
//! calls this needs; elsewhere every file is written.

use std::fs;
use std::path::Path;
#[cfg(target_os = "linux")]
use std::sync::atomic::{AtomicBool, Ordering};

/// The old output folder, opened, and what a file this build creates looks
/// like (owner, group, permissions).
pub struct Previous {
    #[cfg(target_os = "linux")]
    dir: rustix::fd::OwnedFd,
    #[cfg(target_os = "linux")]
    owner: (u32, u32, u32),
    /// Set when the system or the file system cannot do this at all (no
    /// `openat2`, no hard links): every file is then written, without
    /// trying again for each one.
    #[cfg(target_os = "linux")]
    unable: AtomicBool,
}

impl Previous {
    /// Opens the previous site at `target` for reuse, or `None` when there
    /// is none. `sample` is a file this build has created (the marker), whose
    /// owner and permissions reused files must have.
    #[cfg(target_os = "linux")]
    pub fn open(target: &Path, sample: &Path) -> Option<Previous> {
        use rustix::fs::{Mode, OFlags};
        use std::os::unix::fs::MetadataExt;
        let dir = rustix::fs::open(
            target,
            OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC | OFlags::NOFOLLOW,
            Mode::empty(),
        )
        .ok()?;
        let made = fs::metadata(sample).ok()?;
        Some(Previous {
            dir,
            owner: (made.uid(), made.gid(), made.mode() & 0o7777),
            unable: AtomicBool::new(false),
        })
    }

    #[cfg(not(target_os = "linux"))]
    pub fn open(_target: &Path, _sample: &Path) -> Option<Previous> {
        None
    }

    /// Links the old file at `rel` to `new` if it holds exactly `bytes`
    /// (see the module's rules); false when the file must be written.
    #[cfg(target_os = "linux")]
    pub fn link(&self, rel: &str, new: &Path, bytes: &[u8]) -> bool {
        use rustix::fs::{AtFlags, CWD, Mode, OFlags, ResolveFlags};
        use rustix::io::Errno;
        use std::os::unix::fs::MetadataExt;
        if self.unable.load(Ordering::Relaxed) {
            return false;
        }
        let opened = rustix::fs::openat2(
            &self.dir,
            rel,
            // Not blocking: a FIFO put in the old site would otherwise
            // hold the build until something wrote to it.
            OFlags::RDONLY | OFlags::CLOEXEC | OFlags::NOFOLLOW | OFlags::NONBLOCK,
            Mode::empty(),
            ResolveFlags::BENEATH | ResolveFlags::NO_SYMLINKS | ResolveFlags::NO_MAGICLINKS,
        );
        let fd = match opened {
            Ok(fd) => fd,
            Err(e) => return self.give_up_on(e, &[Errno::NOSYS]),
        };
        let file = fs::File::from(fd);
        let Ok(meta) = file.metadata() else { return false };
        let alike = meta.is_file()
            && meta.nlink() == 1
            && meta.len() == bytes.len() as u64
            && (meta.uid(), meta.gid(), meta.mode() & 0o7777) == self.owner;
        if !alike || !holds(&file, bytes) {
            return false;
        }
        // Linked by its path, then checked to be the very file compared: a
        // folder swapped for a link in between would show as another file,
        // and the new name is taken back.
        if let Err(e) = rustix::fs::linkat(&self.dir, rel, CWD, new, AtFlags::empty()) {
            return self.give_up_on(e, &[Errno::PERM, Errno::OPNOTSUPP, Errno::XDEV]);
        }
        let same = fs::symlink_metadata(new).is_ok_and(|m| (m.dev(), m.ino()) == (meta.dev(), meta.ino()));
        if !same {
            let _ = fs::remove_file(new);
        }
        same
    }

    /// Stops reusing files for the rest of the build when `error` is one
    /// of `fatal` (the call cannot work here); false in any case.
    #[cfg(target_os = "linux")]
    pub(super) fn give_up_on(&self, error: rustix::io::Errno, fatal: &[rustix::io::Errno]) -> bool {
        if fatal.contains(&error) {
            self.unable.store(true, Ordering::Relaxed);
        }
        false
    }

    #[cfg(not(target_os = "linux"))]
    pub fn link(&self, _rel: &str, _new: &Path, _bytes: &[u8]) -> bool {
        false
    }
}

/// Whether `file` holds exactly `bytes`, read in pieces.
#[cfg(target_os = "linux")]
fn holds(mut file: &fs::File, bytes: &[u8]) -> bool {
    use std::io::Read;
    let mut buf = [0u8; 16 * 1024];
    let mut at = 0;
    loop {
        match file.read(&mut buf) {
            Ok(0) => return at == bytes.len(),
            Ok(n) => {
                if bytes.get(at..at + n) != Some(&buf[..n]) {
                    return false;
                }
                at += n;
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(_) => return false,
        }
    }
}
