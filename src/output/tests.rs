//! Unit tests of the parent module.

use super::*;

fn site(files: &[(&str, &str)]) -> Site {
    Site {
        files: files
            .iter()
            .map(|(p, c)| (p.to_string(), c.as_bytes().to_vec()))
            .collect(),
        ..Site::default()
    }
}

#[test]
fn replaces_its_own_output_whole() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("output");
    write(&site(&[("a/index.html", "one"), ("old.html", "x")]), &out).unwrap();
    write(&site(&[("a/index.html", "two")]), &out).unwrap();
    assert_eq!(fs::read_to_string(out.join("a/index.html")).unwrap(), "two");
    assert!(!out.join("old.html").exists(), "stale files go");
    let leftovers: Vec<_> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(leftovers.len(), 1, "no staging folders left: {leftovers:?}");
}

#[test]
fn refuses_a_folder_it_did_not_write() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("output");
    fs::create_dir_all(&out).unwrap();
    fs::write(out.join("precious.txt"), "keep").unwrap();
    let err = write(&site(&[("index.html", "x")]), &out).unwrap_err();
    assert!(matches!(err, WriteError::Foreign(_)));
    assert_eq!(fs::read_to_string(out.join("precious.txt")).unwrap(), "keep");
}
