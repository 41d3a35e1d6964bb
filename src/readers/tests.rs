use super::*;

fn site_with_readers(dir: &Path, readers: &str) -> std::path::PathBuf {
    let file = dir.join("readers.txt");
    std::fs::write(&file, readers).unwrap();
    file
}

#[test]
fn keys_are_made_once_kept_private_and_dropped_with_their_reader() {
    let dir = tempfile::tempdir().unwrap();
    let file = site_with_readers(dir.path(), "Ana Ruiz <Ana@Example.com>\nbo@example.com\n");
    let first = for_build(dir.path(), &file).unwrap();
    assert_eq!((first.keys.len(), first.made, first.revoked), (2, 2, 0));
    assert_ne!(first.keys[0], first.keys[1]);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(dir.path().join(KEY_FILE))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "the key file is its owner's alone");
    }
    let text = std::fs::read_to_string(dir.path().join(KEY_FILE)).unwrap();
    assert!(text.starts_with("# palanca"), "{text}");
    assert!(text.contains("ana@example.com\t"), "addresses in lower case: {text}");

    let again = for_build(dir.path(), &file).unwrap();
    assert_eq!((again.made, again.revoked), (0, 0));
    assert_eq!(again.keys, first.keys, "a reader keeps their key");

    std::fs::write(&file, "bo@example.com\n").unwrap();
    let after = for_build(dir.path(), &file).unwrap();
    assert_eq!((after.keys.len(), after.made, after.revoked), (1, 0, 1));
    assert_eq!(after.keys[0], first.keys[1]);
    assert!(Keys::read(dir.path()).unwrap().of("ana@example.com").is_none());
    std::fs::write(&file, "ana@example.com\nbo@example.com\n").unwrap();
    let back = for_build(dir.path(), &file).unwrap();
    assert_eq!(back.made, 1);
    assert_ne!(back.keys[0], first.keys[0], "a reader listed again gets a new key");
}

#[cfg(unix)]
#[test]
fn a_key_file_others_can_read_is_refused() {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = tempfile::tempdir().unwrap();
    let file = site_with_readers(dir.path(), "ana@example.com\n");
    for_build(dir.path(), &file).unwrap();
    let keys = dir.path().join(KEY_FILE);
    std::fs::set_permissions(&keys, std::fs::Permissions::from_mode(0o644)).unwrap();
    let e = Keys::read(dir.path()).unwrap_err();
    assert!(e.message.contains("can be read by other users"), "{}", e.message);
    assert!(e.help.unwrap().contains("chmod 600"));
}

#[cfg(unix)]
#[test]
fn a_key_file_that_is_a_link_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let elsewhere = tempfile::tempdir().unwrap();
    std::fs::write(elsewhere.path().join("k"), "").unwrap();
    std::os::unix::fs::symlink(elsewhere.path().join("k"), dir.path().join(KEY_FILE)).unwrap();
    let file = site_with_readers(dir.path(), "ana@example.com\n");
    let e = for_build(dir.path(), &file).unwrap_err();
    assert!(e.0[0].message.contains("cannot read reader-keys"), "{}", e.0[0].message);
}

#[test]
fn a_damaged_line_is_named() {
    let source = Source::new(KEY_FILE, "# keys\nana@example.com\tnot-a-key\n");
    let e = Keys::parse(&source).unwrap_err();
    assert!(e.message.contains("not an address, a tab and a key"), "{}", e.message);
    assert_eq!(e.location.unwrap().line, 2);
}
