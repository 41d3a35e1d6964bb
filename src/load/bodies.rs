//! Where plan pages' bodies wait between the load and the render.
//!
//! A page without shortcodes is made HTML as it is loaded
//! ([`crate::markdown::prepare`]): its tasks are counted in that parse, so
//! the model is complete after `resolve`, and the render only fills in the
//! task boxes' names (see [`crate::markdown::finish`]). Its Markdown is not
//! kept. Its HTML is kept in memory while a build's budget lasts
//! ([`BodyBudget`]); beyond it (a site of 100,000 pages) it goes to a
//! spill file, an unnamed temporary file that lives as long as the build
//! and that the render reads each page back from, through [`Bodies`],
//! which the driver hands it. Memory stays flat, each page is parsed
//! once, and the page rendered is the one the figures were computed from
//! (a file saved during the build changes nothing).

use std::borrow::Cow;
use std::fs::File;
use std::io;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

/// A prepared body: in memory, or in the spill file.
#[derive(Debug, Clone)]
pub enum Html {
    /// Kept in memory.
    Kept(Arc<str>),
    /// In the spill file of the load's [`Bodies`], at a byte offset.
    Spilled {
        /// Where it starts.
        at: u64,
        /// How many bytes.
        len: u32,
    },
}

/// What is left of a load's memory budget for bodies, taken by the pages
/// as they are parsed, in parallel.
pub(crate) struct BodyBudget(pub(crate) AtomicUsize);

impl BodyBudget {
    /// Takes `bytes` from the budget if they fit.
    pub(crate) fn take(&self, bytes: usize) -> bool {
        self.0
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |left| left.checked_sub(bytes))
            .is_ok()
    }
}

/// The spill file of a load (of every load, under `serve`): made on first
/// use; None for good when it cannot be made (the bodies then stay in
/// memory, whatever the budget).
#[derive(Debug, Default)]
pub struct Bodies {
    spill: OnceLock<Option<Spill>>,
}

/// An unnamed temporary file, written and read at offsets (so threads
/// need not take turns but to claim where they write).
#[derive(Debug)]
struct Spill {
    file: File,
    end: Mutex<u64>,
}

impl Bodies {
    /// No spill file yet.
    pub fn new() -> Arc<Bodies> {
        Arc::new(Bodies::default())
    }

    /// Keeps `html` in memory if `budget` allows, else in the spill file.
    pub(crate) fn keep(&self, html: String, budget: &BodyBudget) -> Html {
        if budget.take(html.len()) {
            return Html::Kept(html.into());
        }
        match self.spill(&html) {
            Some(spilled) => spilled,
            None => Html::Kept(html.into()),
        }
    }

    /// Appends `html` to the spill file; None when there is none, or the
    /// write failed (the caller keeps it in memory instead).
    fn spill(&self, html: &str) -> Option<Html> {
        let len = u32::try_from(html.len()).ok()?;
        let spill = self.spill.get_or_init(|| Spill::create().ok()).as_ref()?;
        let at = {
            let mut end = spill.end.lock().ok()?;
            let at = *end;
            *end += u64::from(len);
            at
        };
        write_at(&spill.file, html.as_bytes(), at).ok()?;
        Some(Html::Spilled { at, len })
    }

    /// The HTML of a prepared body.
    pub fn read<'a>(&self, html: &'a Html) -> io::Result<Cow<'a, str>> {
        let (at, len) = match html {
            Html::Kept(text) => return Ok(Cow::Borrowed(text)),
            Html::Spilled { at, len } => (*at, *len as usize),
        };
        let spill = self
            .spill
            .get()
            .and_then(Option::as_ref)
            .ok_or_else(|| io::Error::other("no spill file"))?;
        let mut bytes = vec![0; len];
        read_at(&spill.file, &mut bytes, at)?;
        String::from_utf8(bytes).map(Cow::Owned).map_err(io::Error::other)
    }
}

impl Spill {
    /// A new file in the system's temporary folder, unlinked at once (it
    /// lives while open, and vanishes with the process however it ends).
    /// Unix only: elsewhere bodies stay in memory.
    #[cfg(unix)]
    fn create() -> io::Result<Spill> {
        let mut random = [0u8; 8];
        getrandom::fill(&mut random).map_err(|e| io::Error::other(e.to_string()))?;
        let name: String = random.iter().map(|b| format!("{b:02x}")).collect();
        let path = std::env::temp_dir().join(format!(".palanca-bodies-{name}"));
        let file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create_new(true)
            .open(&path)?;
        std::fs::remove_file(&path)?;
        Ok(Spill {
            file,
            end: Mutex::new(0),
        })
    }

    #[cfg(not(unix))]
    fn create() -> io::Result<Spill> {
        Err(io::Error::other("no unnamed temporary files here"))
    }
}

#[cfg(unix)]
fn write_at(file: &File, bytes: &[u8], at: u64) -> io::Result<()> {
    std::os::unix::fs::FileExt::write_all_at(file, bytes, at)
}

#[cfg(unix)]
fn read_at(file: &File, bytes: &mut [u8], at: u64) -> io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, bytes, at)
}

#[cfg(not(unix))]
fn write_at(_: &File, _: &[u8], _: u64) -> io::Result<()> {
    Err(io::Error::other("no spill file here"))
}

#[cfg(not(unix))]
fn read_at(_: &File, _: &mut [u8], _: u64) -> io::Result<()> {
    Err(io::Error::other("no spill file here"))
}

#[cfg(test)]
mod tests;
