//! The theme's own files (the stylesheet, scripts, images), copied as
//! they are.

use super::renderer::{Job, Renderer};
use super::sink::FileKind;

/// The theme's static files.
pub struct Assets;

impl Job for Assets {
    fn kinds(&self) -> &'static [FileKind] {
        &[FileKind::Asset]
    }

    fn render(&self, r: &Renderer) {
        for (path, bytes) in &r.theme.statics {
            r.emit(FileKind::Asset, path, bytes.clone());
        }
    }
}
