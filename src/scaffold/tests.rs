//! Unit tests of the parent module.

use super::*;

#[test]
fn writes_every_file_into_a_new_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("site");
    assert_eq!(new_site(&dir).unwrap(), FILES.len());
    for (rel, contents) in FILES {
        assert_eq!(std::fs::read_to_string(dir.join(rel)).unwrap(), *contents, "{rel}");
    }
}

#[test]
fn writes_into_an_empty_folder() {
    let tmp = tempfile::tempdir().unwrap();
    assert_eq!(new_site(tmp.path()).unwrap(), FILES.len());
    assert!(tmp.path().join("site.yaml").is_file());
}

#[test]
fn refuses_a_folder_that_is_not_empty() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("notes.txt"), "mine").unwrap();
    let err = new_site(tmp.path()).unwrap_err();
    assert!(matches!(err, NewSiteError::NotEmpty(_)), "{err}");
    let names: Vec<_> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, ["notes.txt"]);
    assert_eq!(std::fs::read_to_string(tmp.path().join("notes.txt")).unwrap(), "mine");
}
