//! Reading files as text, with the path in every error, and walking the
//! content folder within the site.
//!
//! Symbolic links are followed when they stay inside the site folder (a
//! shared `_index.md`, a metrics file kept elsewhere in the repository) and
//! refused when they lead out of it: a site must not publish whatever file
//! a link happens to point at.

use std::io::Read;
use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use crate::diagnostic::{Code, Diagnostic, Diagnostics, Location, Source};
use crate::limits;

/// Reads `root/rel` whole. A file larger than [`limits::FILE_BYTES`], or a
/// link out of the site, is refused.
pub fn read_bytes(root: &Path, rel: &str) -> Result<Vec<u8>, Diagnostic> {
    check_inside(root, &root.join(rel), rel)?;
    read_inside(root, rel)
}

/// [`read_bytes`] of a file [`walk_content`] found: the walk already
/// refused links out of the site, so the two path resolutions of the
/// check (a tenth of a large site's reading) are not made again.
fn read_inside(root: &Path, rel: &str) -> Result<Vec<u8>, Diagnostic> {
    let path = root.join(rel);
    let cannot = |e: std::io::Error| Diagnostic::error(Code::ReadFailed, rel, format!("cannot read `{rel}`: {e}"));
    let file = crate::disk::open_regular(&path).map_err(cannot)?;
    let mut bytes = Vec::new();
    file.take(limits::FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(cannot)?;
    if bytes.len() as u64 > limits::FILE_BYTES {
        return Err(Diagnostic::error(
            Code::TooLarge,
            rel,
            format!("`{rel}` is larger than {} MiB", limits::FILE_BYTES / (1024 * 1024)),
        )
        .help("palanca reads files of up to 16 MiB; split the file"));
    }
    Ok(bytes)
}

/// Reads `root/rel` as UTF-8 text (see [`read_bytes`]). Invalid UTF-8 is an
/// error that names the line of the first bad byte.
pub fn read_text(root: &Path, rel: &str) -> Result<Source, Diagnostic> {
    text_of(rel, read_bytes(root, rel)?)
}

/// [`read_text`] of a file [`walk_content`] found (see [`read_inside`]).
pub fn read_walked_text(root: &Path, rel: &str) -> Result<Source, Diagnostic> {
    text_of(rel, read_inside(root, rel)?)
}

/// The text of a file's bytes, or where its first invalid byte is.
fn text_of(rel: &str, bytes: Vec<u8>) -> Result<Source, Diagnostic> {
    match String::from_utf8(bytes) {
        Ok(text) => Ok(Source::new(rel, text.trim_start_matches('\u{feff}'))),
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            let bytes = e.into_bytes();
            let prefix = String::from_utf8_lossy(&bytes[..valid]).into_owned();
            let loc = Location::at(&prefix, prefix.len()..prefix.len());
            let mut d = Diagnostic::error(Code::NotUtf8, rel, format!("`{rel}` is not valid UTF-8"))
                .help("save the file as UTF-8; most editors offer this under \"Save with encoding\"");
            d.location = Some(loc);
            Err(d)
        }
    }
}

/// The site folder as the file system names it, so that links can be
/// compared with it.
fn canonical_root(root: &Path) -> PathBuf {
    root.canonicalize().unwrap_or_else(|_| root.to_path_buf())
}

/// Refuses a path that resolves (through links) to somewhere outside the
/// site folder.
fn check_inside(root: &Path, path: &Path, rel: &str) -> Result<(), Diagnostic> {
    let Ok(target) = path.canonicalize() else {
        // Missing files are reported by the read itself.
        return Ok(());
    };
    if target.starts_with(canonical_root(root)) {
        return Ok(());
    }
    Err(outside(rel))
}

fn outside(rel: &str) -> Diagnostic {
    Diagnostic::error(
        Code::LinkOutside,
        rel,
        format!("`{rel}` is a link to a file outside the site folder"),
    )
    .help("palanca follows links only within the site folder; copy the file into the site instead")
}

/// Whether a file under `content/` is one palanca reads: Markdown or YAML.
fn is_content(rel: &str) -> bool {
    rel.ends_with(".md") || rel.ends_with(".yaml") || rel.ends_with(".yml")
}

/// Every Markdown and YAML file under `content/`, sorted by path so builds
/// are deterministic, as paths relative to `root` with `/` separators.
/// Hidden files and editor backups are skipped; links are followed while
/// they stay inside the site.
pub fn walk_content(root: &Path, diags: &mut Diagnostics) -> Vec<String> {
    let site = canonical_root(root);
    let mut refused = Vec::new();
    let walker = WalkDir::new(root.join("content"))
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            if e.file_name().to_string_lossy().starts_with('.') {
                return false;
            }
            if e.depth() > limits::FOLDER_DEPTH {
                refused.push((e.path().to_path_buf(), Code::TooLarge));
                return false;
            }
            let inside = !e.path_is_symlink() || e.path().canonicalize().is_ok_and(|t| t.starts_with(&site));
            if !inside {
                refused.push((e.path().to_path_buf(), Code::LinkOutside));
            }
            inside
        });
    let mut out = Vec::new();
    let mut walker = walker;
    for entry in walker.by_ref() {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                diags.push(Diagnostic::error(
                    Code::ReadFailed,
                    "content/",
                    format!("cannot list the content folder: {e}"),
                ));
                continue;
            }
        };
        if !entry.file_type().is_file() || entry.file_name().to_string_lossy().ends_with('~') {
            continue;
        }
        let Ok(rel) = entry.path().strip_prefix(root) else {
            continue;
        };
        // A name that is not UTF-8 could not be named in a link or an
        // address, nor found again by its shown name: say so.
        let Some(rel) = rel.to_str() else {
            let shown = rel.to_string_lossy().replace('\\', "/");
            if !is_content(&shown) {
                continue;
            }
            diags.push(
                Diagnostic::error(Code::NotUtf8, shown.clone(), format!("the name of `{shown}` is not valid UTF-8"))
                    .help("rename the file (or its folder) with UTF-8 characters; pages take their addresses from their names"),
            );
            continue;
        };
        let rel = rel.replace('\\', "/");
        if is_content(&rel) {
            if out.len() == limits::CONTENT_FILES {
                diags.push(
                    Diagnostic::error(
                        Code::TooLarge,
                        "content/",
                        format!("the content folder holds more than {} files", limits::CONTENT_FILES),
                    )
                    .help("palanca builds sites of up to a million content files; split the site"),
                );
                break;
            }
            out.push(rel);
        }
    }
    drop(walker);
    for (path, code) in refused {
        let rel = path
            .strip_prefix(root)
            .unwrap_or(&path)
            .to_string_lossy()
            .replace('\\', "/");
        diags.push(match code {
            Code::LinkOutside => outside(&rel),
            _ => Diagnostic::error(
                Code::TooLarge,
                rel.clone(),
                format!("`{rel}` is nested more than {} folders deep", limits::FOLDER_DEPTH),
            )
            .help("flatten the content folder"),
        });
    }
    out
}
