//! Unit tests of the parent module.

use super::*;

fn write(files: &[(&str, &str)], out: &Path) -> Result<Committed, WriteError> {
    let output = Output::begin(out)?;
    for (path, text) in files {
        output.put(path, text.as_bytes()).unwrap();
    }
    output.commit()
}

fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn replaces_its_own_output_whole() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("output");
    write(&[("a/index.html", "one"), ("old.html", "x")], &out).unwrap();
    write(&[("a/index.html", "two")], &out).unwrap();
    assert_eq!(fs::read_to_string(out.join("a/index.html")).unwrap(), "two");
    assert!(!out.join("old.html").exists(), "stale files go");
    assert_eq!(names(dir.path()), ["output"], "no staging folders left");
}

#[test]
fn refuses_a_folder_it_did_not_write() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("output");
    fs::create_dir_all(&out).unwrap();
    fs::write(out.join("precious.txt"), "keep").unwrap();
    let err = write(&[("index.html", "x")], &out).unwrap_err();
    assert!(matches!(err, WriteError::Foreign(_)));
    assert_eq!(fs::read_to_string(out.join("precious.txt")).unwrap(), "keep");
}

#[test]
fn an_abandoned_build_leaves_the_output_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("output");
    write(&[("index.html", "old")], &out).unwrap();
    let output = Output::begin(&out).unwrap();
    output.put("index.html", b"new").unwrap();
    drop(output);
    assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "old");
    assert_eq!(names(dir.path()), ["output"]);
}

#[test]
fn what_a_killed_build_left_never_reaches_a_later_one() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("output");
    // A build killed half way: its staging folder, with a secret page in it,
    // named as a build with the same process id would name it.
    let stale = dir.path().join(format!(".output.palanca-new-{}", std::process::id()));
    fs::create_dir_all(stale.join("secret")).unwrap();
    fs::write(stale.join(MARKER), "").unwrap();
    fs::write(stale.join("secret/index.html"), "investors only").unwrap();
    write(&[("index.html", "public")], &out).unwrap();
    assert!(
        !out.join("secret").exists(),
        "nothing of the killed build was published"
    );
    assert_eq!(names(dir.path()), ["output"], "and its leftovers were cleared");
}

#[test]
fn a_link_to_an_output_is_kept_and_its_target_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let real = dir.path().join("site-v1");
    let link = dir.path().join("output");
    write(&[("index.html", "one")], &real).unwrap();
    std::os::unix::fs::symlink(&real, &link).unwrap();
    write(&[("index.html", "two")], &link).unwrap();
    assert!(
        fs::symlink_metadata(&link).unwrap().file_type().is_symlink(),
        "still a link"
    );
    assert_eq!(fs::read_to_string(real.join("index.html")).unwrap(), "two");
}

#[test]
fn paths_cannot_leave_the_staging_folder() {
    let dir = tempfile::tempdir().unwrap();
    let output = Output::begin(&dir.path().join("output")).unwrap();
    assert!(output.put("../escape.html", b"x").is_err());
    assert!(output.put("a//b.html", b"x").is_err());
    assert!(!dir.path().join("escape.html").exists());
}

#[test]
fn a_second_build_of_the_same_output_waits_for_the_first() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("output");
    let first = Output::begin(&out).unwrap();
    let out2 = out.clone();
    let second = std::thread::spawn(move || write(&[("index.html", "second")], &out2).unwrap());
    std::thread::sleep(Duration::from_millis(300));
    first.put("index.html", b"first").unwrap();
    first.commit().unwrap();
    second.join().unwrap();
    // Had the second not waited, the first would have been committed last.
    assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "second");
    assert_eq!(names(dir.path()), ["output"]);
}

#[test]
fn a_folder_whose_hash_was_seen_is_still_made() {
    use std::hash::BuildHasher;
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("output");
    let output = Output::begin(&out).unwrap();
    // As if another folder's hash were the same as this one's.
    let folder = output.staging.join("plan/a");
    let key = output.folder_hashes.hash_one(folder.as_path());
    output.made.lock().unwrap().insert(key);
    output.put("plan/a/index.html", b"page").unwrap();
    output.commit().unwrap();
    assert_eq!(std::fs::read_to_string(out.join("plan/a/index.html")).unwrap(), "page");
}
