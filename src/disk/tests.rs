//! Unit tests of the parent module.

use super::*;
use std::io::Write;

#[test]
fn folders_are_made_and_files_renamed_into_place() {
    let dir = tempfile::tempdir().unwrap();
    let folder = Folder::open(dir.path(), "content/snapshots", true).unwrap();
    let (name, mut file) = folder.create_temp(".x.csv.palanca-new-").unwrap();
    file.write_all(b"period,value\n").unwrap();
    folder.rename(&name, "x.csv").unwrap();
    assert_eq!(
        std::fs::read_to_string(dir.path().join("content/snapshots/x.csv")).unwrap(),
        "period,value\n"
    );
    assert_eq!(
        folder.read_text("x.csv", 100).unwrap().as_deref(),
        Some("period,value\n")
    );
    assert_eq!(folder.read_text("missing.csv", 100).unwrap(), None);
}

#[test]
fn a_planted_link_is_never_written_through() {
    let dir = tempfile::tempdir().unwrap();
    let outside = dir.path().join("outside");
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::write(outside.join("victim"), "keep me").unwrap();
    let site = dir.path().join("site");
    std::fs::create_dir_all(site.join("content")).unwrap();
    // A link where a folder is expected.
    std::os::unix::fs::symlink(&outside, site.join("content/snapshots")).unwrap();
    let e = Folder::open(&site, "content/snapshots", true).err().unwrap();
    assert!(e.to_string().contains("`snapshots` is a symbolic link"), "{e}");
    // A link where a file is expected: refused to read, to append, to replace.
    std::fs::remove_file(site.join("content/snapshots")).unwrap();
    let folder = Folder::open(&site, "content/snapshots", true).unwrap();
    std::os::unix::fs::symlink(outside.join("victim"), site.join("content/snapshots/mrr.csv")).unwrap();
    assert!(folder.read_text("mrr.csv", 100).is_err());
    assert!(folder.append("mrr.csv").is_err());
    assert!(folder.replaceable("mrr.csv").is_err());
    // A temporary file is always new, whatever was planted.
    let (name, mut file) = folder.create_temp("t").unwrap();
    file.write_all(b"new").unwrap();
    assert!(name.starts_with('t') && name.len() == 17);
    assert_eq!(std::fs::read_to_string(outside.join("victim")).unwrap(), "keep me");
}

#[test]
fn a_fifo_is_refused_without_waiting_for_a_writer() {
    let dir = tempfile::tempdir().unwrap();
    let status = std::process::Command::new("mkfifo")
        .arg(dir.path().join("pipe"))
        .status()
        .unwrap();
    assert!(status.success());
    let folder = Folder::open(dir.path(), "", false).unwrap();
    let e = folder.read_text("pipe", 100).unwrap_err();
    assert!(e.to_string().contains("not a regular file"), "{e}");
    assert!(folder.append("pipe").is_err());
}

#[test]
fn names_with_separators_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let folder = Folder::open(dir.path(), "", false).unwrap();
    assert!(folder.read_text("../x", 10).is_err());
    assert!(folder.append("a/b").is_err());
    assert!(Folder::open(dir.path(), "a/../../b", true).is_err());
}

#[test]
fn only_regular_files_are_opened_to_read() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.csv"), "x").unwrap();
    assert!(open_regular(&dir.path().join("a.csv")).is_ok());
    assert!(open_regular(dir.path()).is_err(), "a folder");
    let fifo = dir.path().join("pipe.csv");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let e = open_regular(&fifo).unwrap_err();
    assert!(e.to_string().contains("not a regular file"), "{e}");
}
