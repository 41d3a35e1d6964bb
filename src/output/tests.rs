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
    // The same for a file written piece by piece.
    let folder = output.staging.join("data/b");
    let key = output.folder_hashes.hash_one(folder.as_path());
    output.made.lock().unwrap().insert(key);
    output
        .put_with("data/b/metrics.json", &mut |w: &mut dyn io::Write| w.write_all(b"{}"))
        .unwrap();
    output.commit().unwrap();
    assert_eq!(std::fs::read_to_string(out.join("plan/a/index.html")).unwrap(), "page");
    assert_eq!(std::fs::read_to_string(out.join("data/b/metrics.json")).unwrap(), "{}");
}

#[cfg(target_os = "linux")]
mod previous {
    //! Files a rebuild writes unchanged are linked from the previous site,
    //! and only when that cannot change what either site holds.

    use super::*;
    use std::os::unix::fs::{MetadataExt, PermissionsExt};

    fn inode(path: &Path) -> u64 {
        fs::symlink_metadata(path).unwrap().ino()
    }

    #[test]
    fn an_unchanged_file_is_the_previous_one_and_a_changed_one_is_new() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("output");
        write(&[("a/index.html", "same"), ("b.html", "old")], &out).unwrap();
        let (same, changed) = (inode(&out.join("a/index.html")), inode(&out.join("b.html")));
        write(&[("a/index.html", "same"), ("b.html", "new")], &out).unwrap();
        assert_eq!(inode(&out.join("a/index.html")), same, "linked, not written");
        assert_ne!(inode(&out.join("b.html")), changed);
        assert_eq!(fs::read_to_string(out.join("b.html")).unwrap(), "new");
        assert_eq!(
            fs::metadata(out.join("a/index.html")).unwrap().nlink(),
            1,
            "the old name is gone"
        );
    }

    #[test]
    fn an_abandoned_build_leaves_linked_files_as_they_were() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("output");
        write(&[("index.html", "page"), ("data.json", "{}")], &out).unwrap();
        let output = Output::begin(&out).unwrap();
        output.put("index.html", b"page").unwrap();
        // Written again in the same build, and streamed over a path the old
        // site holds: neither may write into the linked file.
        output.put("index.html", b"other").unwrap();
        output.put("data.json", b"{}").unwrap();
        output
            .put_with("data.json", &mut |w: &mut dyn io::Write| w.write_all(b"[1]"))
            .unwrap();
        drop(output);
        assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "page");
        assert_eq!(fs::read_to_string(out.join("data.json")).unwrap(), "{}");
        assert_eq!(fs::metadata(out.join("index.html")).unwrap().nlink(), 1);
    }

    #[test]
    fn a_file_edited_by_hand_in_the_output_is_written_again() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("output");
        write(&[("index.html", "built")], &out).unwrap();
        fs::write(out.join("index.html"), "edited").unwrap();
        write(&[("index.html", "built")], &out).unwrap();
        assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "built");
    }

    #[test]
    fn a_symbolic_link_in_the_output_is_never_carried_over() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("output");
        write(&[("index.html", "x")], &out).unwrap();
        let outside = dir.path().join("outside");
        fs::create_dir(&outside).unwrap();
        fs::write(outside.join("page.html"), "secret").unwrap();
        std::os::unix::fs::symlink(outside.join("page.html"), out.join("page.html")).unwrap();
        std::os::unix::fs::symlink(&outside, out.join("sub")).unwrap();
        fs::write(outside.join("index.html"), "secret").unwrap();
        write(&[("page.html", "secret"), ("sub/index.html", "secret")], &out).unwrap();
        for path in ["page.html", "sub/index.html"] {
            let meta = fs::symlink_metadata(out.join(path)).unwrap();
            assert!(meta.is_file(), "{path} is a file of its own");
            assert_ne!(meta.ino(), inode(&outside.join(path.trim_start_matches("sub/"))));
        }
        assert!(fs::symlink_metadata(out.join("sub")).unwrap().is_dir());
    }

    #[test]
    fn a_fifo_in_the_output_neither_blocks_the_build_nor_is_carried_over() {
        use rustix::fs::{CWD, FileType, Mode, mknodat};
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("output");
        write(&[("index.html", "x")], &out).unwrap();
        fs::remove_file(out.join("index.html")).unwrap();
        mknodat(
            CWD,
            out.join("index.html"),
            FileType::Fifo,
            Mode::from_raw_mode(0o644),
            0,
        )
        .unwrap();
        // Opening a FIFO to read waits for a writer unless told not to: a
        // hang here is the bug.
        write(&[("index.html", "x")], &out).unwrap();
        assert!(fs::symlink_metadata(out.join("index.html")).unwrap().is_file());
        assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "x");
    }

    #[test]
    fn a_file_with_another_name_or_other_permissions_is_written_anew() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("output");
        write(&[("shared.html", "x"), ("private.html", "y")], &out).unwrap();
        fs::hard_link(out.join("shared.html"), dir.path().join("elsewhere.html")).unwrap();
        fs::set_permissions(out.join("private.html"), fs::Permissions::from_mode(0o600)).unwrap();
        write(&[("shared.html", "x"), ("private.html", "y")], &out).unwrap();
        assert_ne!(
            inode(&out.join("shared.html")),
            inode(&dir.path().join("elsewhere.html"))
        );
        let mode = fs::metadata(out.join("private.html")).unwrap().mode() & 0o777;
        assert_eq!(mode, fs::metadata(out.join(MARKER)).unwrap().mode() & 0o777);
    }
}

#[cfg(target_os = "linux")]
#[test]
fn a_system_that_cannot_link_makes_the_build_write_every_file() {
    let dir = tempfile::tempdir().unwrap();
    let old = dir.path().join("old");
    fs::create_dir(&old).unwrap();
    fs::write(old.join("page.html"), "same").unwrap();
    let previous = Previous::open(&old, &old.join("page.html")).unwrap();
    let new = dir.path().join("new.html");
    // A passing error leaves reuse on; one saying the call cannot work here
    // turns it off for the rest of the build.
    previous.give_up_on(rustix::io::Errno::NOENT, &[rustix::io::Errno::NOSYS]);
    assert!(previous.link("page.html", &new, b"same"));
    fs::remove_file(&new).unwrap();
    previous.give_up_on(rustix::io::Errno::NOSYS, &[rustix::io::Errno::NOSYS]);
    assert!(!previous.link("page.html", &new, b"same"));
    assert!(!new.exists());
}

#[test]
fn a_removal_cut_short_leaves_a_folder_the_next_build_removes() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("output");
    write(&[("index.html", "one")], &out).unwrap();
    // The previous site of a build killed while it was being removed.
    let old = dir.path().join(".output.palanca-new-0123456789abcdef");
    fs::create_dir_all(old.join("a/b")).unwrap();
    fs::write(old.join(MARKER), "").unwrap();
    for i in 0..20 {
        fs::write(old.join(format!("p{i}.html")), "old").unwrap();
    }
    fs::write(old.join("a/b/index.html"), "old").unwrap();
    // The kill: the removal stops after its first entry. The marker is
    // never among the entries removed before the rest.
    let asked = Mutex::new(Vec::new());
    let cut = remove_ours_with(&old, &|entry| {
        asked.lock().unwrap().push(entry.file_name());
        Err(io::Error::other("killed"))
    });
    assert!(cut.is_err());
    assert!(!asked.lock().unwrap().iter().any(|n| n == MARKER));
    assert!(old.join(MARKER).is_file(), "still marked as palanca's");
    write(&[("index.html", "two")], &out).unwrap();
    assert_eq!(names(dir.path()), ["output"], "the next build removed it");
}
