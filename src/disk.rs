//! Writing into the site folder without following a symbolic link.
//!
//! A site folder may come from someone else (a repository cloned to pull
//! its actuals, a co-founder's branch), and a link planted where palanca
//! writes would turn a write into the site into a write anywhere the user
//! may write. So every file palanca writes in the site (snapshots,
//! `sent.log`) is reached through [`Folder`]: each folder on the way is
//! opened relative to the one before with `O_NOFOLLOW`, so a link in the
//! path is refused rather than followed, and what was checked is what is
//! written (no path is resolved twice). New files are created under a
//! random name with `O_CREAT | O_EXCL | O_NOFOLLOW`, which never opens
//! anything already there, link or not, and renamed into place.

use std::fs::File;
use std::io;
use std::path::Path;

/// A folder of the site, opened without following links.
pub struct Folder {
    #[cfg(unix)]
    fd: rustix::fd::OwnedFd,
    #[cfg(not(unix))]
    path: std::path::PathBuf,
}

/// The error for a link met where palanca writes.
fn refused_link(name: &str) -> io::Error {
    io::Error::new(
        io::ErrorKind::PermissionDenied,
        format!("`{name}` is a symbolic link, and palanca never writes through one"),
    )
}

/// The error for something that is not a regular file where one is read
/// or replaced (a folder, a FIFO, a device).
fn not_a_file(name: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, format!("`{name}` is not a regular file"))
}

/// A name of 16 random hex digits after `prefix`.
fn random_name(prefix: &str) -> io::Result<String> {
    let mut bytes = [0u8; 8];
    getrandom::fill(&mut bytes).map_err(|e| io::Error::other(e.to_string()))?;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    Ok(format!("{prefix}{hex}"))
}

/// Whether `name` is one plain file name (no separator, not `.` or `..`).
fn plain(name: &str) -> io::Result<&str> {
    if name.is_empty() || name == "." || name == ".." || name.contains(['/', '\\', '\0']) {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("`{name}` is not a file name"),
        ));
    }
    Ok(name)
}

/// Opens `path` to read it, following links, only if it is a regular
/// file: a FIFO, a device or a folder is refused at once (a FIFO is opened
/// without blocking, so a missing writer cannot make palanca wait).
pub fn open_regular(path: &Path) -> io::Result<File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(rustix::fs::OFlags::NONBLOCK.bits() as i32);
    }
    let file = options.open(path)?;
    if !file.metadata()?.is_file() {
        return Err(not_a_file(&path.display().to_string()));
    }
    Ok(file)
}

#[cfg(unix)]
use rustix::fs::{AtFlags, FileType, Mode, OFlags};

/// Flags of every folder opened on the way down.
#[cfg(unix)]
fn folder_flags() -> OFlags {
    OFlags::RDONLY | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC
}

/// A link in the path shows up as ELOOP (the last component) or
/// ENOTDIR (a link to a file, opened as a folder).
#[cfg(unix)]
fn opened(name: &str, e: rustix::io::Errno, fd: &impl rustix::fd::AsFd) -> io::Error {
    let link = rustix::fs::statat(fd, name, AtFlags::SYMLINK_NOFOLLOW)
        .is_ok_and(|s| FileType::from_raw_mode(s.st_mode) == FileType::Symlink);
    if link { refused_link(name) } else { e.into() }
}

#[cfg(unix)]
impl Folder {
    /// Opens `root`, then each folder of `rel` (`/`-separated) inside
    /// it, creating those missing when `create`. The root is the
    /// user's own choice and may be reached through links; nothing
    /// below it may be one.
    pub fn open(root: &Path, rel: &str, create: bool) -> io::Result<Folder> {
        let mut fd = rustix::fs::open(
            root,
            OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
            Mode::empty(),
        )?;
        for part in rel.split('/').filter(|p| !p.is_empty() && *p != ".") {
            plain(part)?;
            let next = match rustix::fs::openat(&fd, part, folder_flags(), Mode::empty()) {
                Err(rustix::io::Errno::NOENT) if create => {
                    match rustix::fs::mkdirat(&fd, part, Mode::from_raw_mode(0o777)) {
                        Ok(()) | Err(rustix::io::Errno::EXIST) => {}
                        Err(e) => return Err(e.into()),
                    }
                    rustix::fs::openat(&fd, part, folder_flags(), Mode::empty()).map_err(|e| opened(part, e, &fd))?
                }
                Err(e) => return Err(opened(part, e, &fd)),
                Ok(next) => next,
            };
            fd = next;
        }
        Ok(Folder { fd })
    }

    /// What `name` is in this folder, without following a link: None
    /// when there is nothing by that name.
    fn kind(&self, name: &str) -> io::Result<Option<FileType>> {
        match rustix::fs::statat(&self.fd, plain(name)?, AtFlags::SYMLINK_NOFOLLOW) {
            Ok(stat) => Ok(Some(FileType::from_raw_mode(stat.st_mode))),
            Err(rustix::io::Errno::NOENT) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// Refuses `name` unless it is missing or a regular file: the
    /// place of a file about to be replaced.
    pub fn replaceable(&self, name: &str) -> io::Result<()> {
        match self.kind(name)? {
            None | Some(FileType::RegularFile) => Ok(()),
            Some(FileType::Symlink) => Err(refused_link(name)),
            Some(_) => Err(not_a_file(name)),
        }
    }

    /// Reads `name` as text, None when it does not exist. A link, a
    /// folder, a FIFO or a device is refused (and a FIFO is never
    /// waited on: it is opened without blocking).
    pub fn read_text(&self, name: &str, limit: u64) -> io::Result<Option<String>> {
        use std::io::Read;
        let flags = OFlags::RDONLY | OFlags::NOFOLLOW | OFlags::NONBLOCK | OFlags::CLOEXEC;
        let fd = match rustix::fs::openat(&self.fd, plain(name)?, flags, Mode::empty()) {
            Ok(fd) => fd,
            Err(rustix::io::Errno::NOENT) => return Ok(None),
            Err(e) => return Err(opened(name, e, &self.fd)),
        };
        if FileType::from_raw_mode(rustix::fs::fstat(&fd)?.st_mode) != FileType::RegularFile {
            return Err(not_a_file(name));
        }
        let mut text = String::new();
        File::from(fd).take(limit).read_to_string(&mut text)?;
        Ok(Some(text))
    }

    /// Creates a new file under a random name starting with `prefix`,
    /// never opening anything that was there. Returns its name.
    pub fn create_temp(&self, prefix: &str) -> io::Result<(String, File)> {
        let flags = OFlags::WRONLY | OFlags::CREATE | OFlags::EXCL | OFlags::NOFOLLOW | OFlags::CLOEXEC;
        loop {
            let name = random_name(prefix)?;
            match rustix::fs::openat(&self.fd, name.as_str(), flags, Mode::from_raw_mode(0o666)) {
                Ok(fd) => return Ok((name, File::from(fd))),
                Err(rustix::io::Errno::EXIST) => continue,
                Err(e) => return Err(e.into()),
            }
        }
    }

    /// As [`Folder::create_temp`], readable and writable by its owner
    /// only (0600), for a file of secrets.
    pub fn create_private_temp(&self, prefix: &str) -> io::Result<(String, File)> {
        let flags = OFlags::WRONLY | OFlags::CREATE | OFlags::EXCL | OFlags::NOFOLLOW | OFlags::CLOEXEC;
        loop {
            let name = random_name(prefix)?;
            match rustix::fs::openat(&self.fd, name.as_str(), flags, Mode::from_raw_mode(0o600)) {
                Ok(fd) => {
                    // The umask can only take rights away; set them exactly.
                    rustix::fs::fchmod(&fd, Mode::from_raw_mode(0o600))?;
                    return Ok((name, File::from(fd)));
                }
                Err(rustix::io::Errno::EXIST) => continue,
                Err(e) => return Err(e.into()),
            }
        }
    }

    /// Whether `name`, which must be a regular file, can be read or
    /// written by anyone but its owner; None when it does not exist.
    pub fn shared(&self, name: &str) -> io::Result<Option<bool>> {
        match rustix::fs::statat(&self.fd, plain(name)?, AtFlags::SYMLINK_NOFOLLOW) {
            Ok(stat) if FileType::from_raw_mode(stat.st_mode) == FileType::Symlink => Err(refused_link(name)),
            Ok(stat) if FileType::from_raw_mode(stat.st_mode) != FileType::RegularFile => Err(not_a_file(name)),
            Ok(stat) => Ok(Some(stat.st_mode & 0o077 != 0)),
            Err(rustix::io::Errno::NOENT) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// Opens `name` to append to it, creating it if missing; a link
    /// or anything but a regular file is refused.
    pub fn append(&self, name: &str) -> io::Result<File> {
        let flags =
            OFlags::RDWR | OFlags::APPEND | OFlags::CREATE | OFlags::NOFOLLOW | OFlags::NONBLOCK | OFlags::CLOEXEC;
        let fd = rustix::fs::openat(&self.fd, plain(name)?, flags, Mode::from_raw_mode(0o666))
            .map_err(|e| opened(name, e, &self.fd))?;
        if FileType::from_raw_mode(rustix::fs::fstat(&fd)?.st_mode) != FileType::RegularFile {
            return Err(not_a_file(name));
        }
        Ok(File::from(fd))
    }

    /// Renames `from` to `to` in this folder (replacing a file `to`,
    /// or the link `to` itself, never what a link points at).
    pub fn rename(&self, from: &str, to: &str) -> io::Result<()> {
        Ok(rustix::fs::renameat(&self.fd, plain(from)?, &self.fd, plain(to)?)?)
    }

    /// Removes the file `name`.
    pub fn remove(&self, name: &str) -> io::Result<()> {
        Ok(rustix::fs::unlinkat(&self.fd, plain(name)?, AtFlags::empty())?)
    }

    /// Locks the folder for this process until it is closed, waiting
    /// for another process that holds it. A file system without locks
    /// goes on unlocked.
    pub fn lock(&self) -> io::Result<()> {
        match rustix::fs::flock(&self.fd, rustix::fs::FlockOperation::LockExclusive) {
            Ok(()) | Err(rustix::io::Errno::NOLCK | rustix::io::Errno::OPNOTSUPP) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }
}

#[cfg(not(unix))]
impl Folder {
    /// See the Unix version; here links are checked by name.
    pub fn open(root: &Path, rel: &str, create: bool) -> io::Result<Folder> {
        let mut path = root.to_path_buf();
        for part in rel.split('/').filter(|p| !p.is_empty() && *p != ".") {
            path.push(plain(part)?);
            match std::fs::symlink_metadata(&path) {
                Ok(m) if m.file_type().is_symlink() => return Err(refused_link(part)),
                Ok(_) => {}
                Err(e) if e.kind() == io::ErrorKind::NotFound && create => std::fs::create_dir(&path)?,
                Err(e) => return Err(e),
            }
        }
        Ok(Folder { path })
    }

    pub fn replaceable(&self, name: &str) -> io::Result<()> {
        match std::fs::symlink_metadata(self.path.join(plain(name)?)) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(e),
            Ok(m) if m.file_type().is_symlink() => Err(refused_link(name)),
            Ok(m) if m.is_file() => Ok(()),
            Ok(_) => Err(not_a_file(name)),
        }
    }

    pub fn read_text(&self, name: &str, limit: u64) -> io::Result<Option<String>> {
        use std::io::Read;
        match self.replaceable(name) {
            Err(e) => return Err(e),
            Ok(()) if !self.path.join(name).exists() => return Ok(None),
            Ok(()) => {}
        }
        let mut text = String::new();
        File::open(self.path.join(name))?
            .take(limit)
            .read_to_string(&mut text)?;
        Ok(Some(text))
    }

    pub fn create_temp(&self, prefix: &str) -> io::Result<(String, File)> {
        loop {
            let name = random_name(prefix)?;
            match std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(self.path.join(&name))
            {
                Ok(f) => return Ok((name, f)),
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(e),
            }
        }
    }

    pub fn create_private_temp(&self, prefix: &str) -> io::Result<(String, File)> {
        self.create_temp(prefix)
    }

    pub fn shared(&self, name: &str) -> io::Result<Option<bool>> {
        self.replaceable(name)?;
        Ok(self.path.join(plain(name)?).exists().then_some(false))
    }

    pub fn append(&self, name: &str) -> io::Result<File> {
        self.replaceable(name)?;
        std::fs::OpenOptions::new()
            .read(true)
            .append(true)
            .create(true)
            .open(self.path.join(name))
    }

    pub fn rename(&self, from: &str, to: &str) -> io::Result<()> {
        std::fs::rename(self.path.join(plain(from)?), self.path.join(plain(to)?))
    }

    pub fn remove(&self, name: &str) -> io::Result<()> {
        std::fs::remove_file(self.path.join(plain(name)?))
    }

    pub fn lock(&self) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests;
