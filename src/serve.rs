//! `palanca serve`: a live preview on 127.0.0.1.
//!
//! The site is built into a folder of its own in the temporary folder
//! (see [`site`]), never into `output/`. site.yaml, content/ and themes/
//! are watched; a save triggers a rebuild that reads the saved files and
//! redoes what depends on them, and open pages update over server-sent
//! events. When a save breaks the content, the last good site stays
//! served and every page shows the diagnostics in an overlay until the
//! file is fixed.
//!
//! The HTTP side lives in [`http`]: hyper on a single-threaded tokio
//! runtime, answering only requests addressed to the loopback.

mod connections;
mod http;
mod preview;
mod rebuild;
mod site;

use std::path::PathBuf;
use std::sync::{Arc, RwLock};

use crate::pipeline::{self, Caches};
use preview::{Preview, Shared};

/// Options of `serve`.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// The site folder.
    pub site: PathBuf,
    /// The first port to try.
    pub port: u16,
    /// Open the browser.
    pub open: bool,
    /// What each rebuild includes.
    pub build: pipeline::Options,
}

/// Runs the preview server until the process is interrupted.
pub fn serve(options: &ServeOptions) -> Result<(), String> {
    // Events name absolute paths: the site folder must be absolute too, or
    // `palanca serve` run inside it (site ".") would never see a change.
    let site = options
        .site
        .canonicalize()
        .map_err(|e| format!("cannot open the site folder {}: {e}", options.site.display()))?;
    let served = site::ServedSite::create(&std::env::temp_dir()).map_err(|e| {
        format!(
            "cannot make the preview's folder in {}: {e}",
            std::env::temp_dir().display()
        )
    })?;
    let shared = Arc::new(Shared {
        preview: RwLock::new(Arc::new(Preview::default())),
        generation: tokio::sync::watch::channel(0).0,
        caches: Caches::for_serve(),
        site: served,
    });
    rebuild::rebuild(&site, options.build, &shared);
    let _watcher = rebuild::watch(&site, options.build, Arc::clone(&shared))?;
    http::run(options.port, &options.site, options.open, shared)
}
