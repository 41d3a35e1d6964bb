//! Unit tests of the parent module.

use super::*;

fn files_in(dir: &Path) -> Vec<String> {
    let mut out: Vec<String> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.path().strip_prefix(dir).unwrap().to_string_lossy().into_owned())
        .collect();
    out.sort();
    out
}

#[test]
fn a_committed_rebuild_writes_what_changed_and_removes_what_is_gone() {
    let tmp = tempfile::tempdir().unwrap();
    let site = ServedSite::create(tmp.path()).unwrap();
    let first = site.rebuild().unwrap();
    first.put("index.html", b"home").unwrap();
    first.put_keyed("a/index.html", 1, "page a".into()).unwrap();
    first.put("old.css", b"css").unwrap();
    assert_eq!(first.commit().unwrap(), 3);
    assert_eq!(site.read("a/index.html").unwrap(), b"page a");

    let second = site.rebuild().unwrap();
    assert!(second.keep("a/index.html", 1), "same key: kept, not made");
    assert!(!second.keep("a/index.html", 2), "another key: made again");
    second.put("index.html", b"home").unwrap();
    second.put("new.css", b"css").unwrap();
    assert_eq!(second.commit().unwrap(), 1, "only the new file is written");
    assert_eq!(files_in(site.folder()), ["a/index.html", "index.html", "new.css"]);
    assert!(site.read("old.css").is_none());
    assert_eq!(site.ledger.read().unwrap().len(), 3);
}

#[test]
fn a_rebuild_dropped_without_commit_leaves_the_site_as_it_was() {
    let tmp = tempfile::tempdir().unwrap();
    let site = ServedSite::create(tmp.path()).unwrap();
    let first = site.rebuild().unwrap();
    first.put("index.html", b"good").unwrap();
    first.commit().unwrap();
    let failed = site.rebuild().unwrap();
    failed.put("index.html", b"broken").unwrap();
    failed.put("extra.html", b"extra").unwrap();
    drop(failed);
    assert_eq!(site.read("index.html").unwrap(), b"good");
    assert!(!site.has("extra.html"));
    let leftovers: Vec<_> = fs::read_dir(&site.root)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("next-"))
        .collect();
    assert!(leftovers.is_empty(), "staging removed: {leftovers:?}");
}

#[test]
fn paths_outside_the_site_are_refused_and_never_read() {
    let tmp = tempfile::tempdir().unwrap();
    let site = ServedSite::create(tmp.path()).unwrap();
    let rebuild = site.rebuild().unwrap();
    for bad in ["../escape.html", "/etc/passwd", "a//b.html", ""] {
        let err = rebuild.put(bad, b"x").unwrap_err();
        assert!(err.to_string().contains("not a path inside the site"), "{bad}: {err}");
    }
    rebuild.commit().unwrap();
    std::fs::write(tmp.path().join("secret.txt"), "secret").unwrap();
    assert!(site.read("../../secret.txt").is_none(), "not in the ledger, not read");
}

#[test]
fn a_new_serve_removes_the_folders_of_serves_that_are_gone() {
    let tmp = tempfile::tempdir().unwrap();
    let running = ServedSite::create(tmp.path()).unwrap();
    // A serve killed half way: its folder is there, its lock is free.
    let dead = tmp.path().join(format!("{PREFIX}dead"));
    fs::create_dir_all(dead.join("site")).unwrap();
    fs::write(dead.join("lock"), "").unwrap();
    let other = tmp.path().join("someone-else");
    fs::create_dir(&other).unwrap();
    let next = ServedSite::create(tmp.path()).unwrap();
    assert!(!dead.exists(), "the dead serve's folder is removed");
    assert!(running.root.exists(), "a running serve's folder stays");
    assert!(other.exists(), "other folders are not touched");
    drop(next);
    drop(running);
    let left: Vec<_> = fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(left, ["someone-else"], "a serve that stops removes its folder");
}

#[test]
fn a_streamed_file_is_hashed_as_a_whole_one_is() {
    let tmp = tempfile::tempdir().unwrap();
    let site = ServedSite::create(tmp.path()).unwrap();
    let first = site.rebuild().unwrap();
    first
        .put_keyed_with("data/metrics.json", 7, &mut |out| {
            out.write_all(b"{\"a\":")?;
            out.write_all(b" 1}")
        })
        .unwrap();
    assert_eq!(first.commit().unwrap(), 1);
    assert_eq!(site.read("data/metrics.json").unwrap(), b"{\"a\": 1}");
    let second = site.rebuild().unwrap();
    second.put("data/metrics.json", b"{\"a\": 1}").unwrap();
    assert_eq!(second.commit().unwrap(), 0, "the same bytes are not written again");
}
