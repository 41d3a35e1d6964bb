//! Unit tests of the parent module.

use super::*;

fn values(pairs: &[(&str, &str)]) -> Pulled {
    pairs
        .iter()
        .map(|(m, v)| (Month::parse_iso(m).unwrap(), Decimal::parse_plain(v).unwrap()))
        .collect()
}

#[test]
fn a_snapshot_reads_back_what_it_wrote() {
    let v = values(&[("2024-01", "9500"), ("2024-02", "0.025"), ("2024-03", "-12.5")]);
    let text = render(&v);
    assert_eq!(text, "period,value\n2024-01,9500\n2024-02,0.025\n2024-03,-12.5\n");
    let back = parse(Source::new("content/snapshots/x.csv", text.clone())).unwrap();
    assert_eq!(back.values(), v);
    assert_eq!(&text[back.rows[1].span.clone()], "2024-02,0.025");
}

#[test]
fn a_snapshot_edited_out_of_shape_is_refused_at_its_line() {
    let bad = |text: &str| parse(Source::new("s.csv", text.to_string())).unwrap_err();
    assert!(bad("").message.contains("is empty"));
    assert!(
        bad("month,mrr\n")
            .message
            .contains("does not start with `period,value`")
    );
    let d = bad("period,value\n2024-01,10\n2024-01,11\n");
    assert!(d.message.contains("out of order, or one twice"));
    assert_eq!(d.location.unwrap().line, 3);
    assert!(
        bad("period,value\n2024-01,10 000\n")
            .message
            .contains("not `YYYY-MM,number`")
    );
    assert!(bad("period,value\nM1,10\n").message.contains("not `YYYY-MM,number`"));
}

#[test]
fn snapshot_paths_are_only_for_plain_ids() {
    assert_eq!(path_of("mrr").as_deref(), Some("content/snapshots/mrr.csv"));
    assert_eq!(path_of("../x"), None);
    assert_eq!(path_of("a/b"), None);
    assert_eq!(path_of(""), None);
}

#[test]
fn snapshots_are_written_together_and_leave_no_temporary_file() {
    let dir = tempfile::tempdir().unwrap();
    let files = vec![
        ("a.csv".to_string(), "period,value\n".to_string()),
        ("b.csv".to_string(), "period,value\n2024-01,1\n".to_string()),
    ];
    Snapshots::take(dir.path()).unwrap().write_all(&files).unwrap();
    let mut names: Vec<String> = std::fs::read_dir(dir.path().join(FOLDER))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["a.csv", "b.csv"]);
    // A target that cannot be written (a folder in its place): nothing changes.
    std::fs::create_dir_all(dir.path().join("content/snapshots/c.csv/x")).unwrap();
    let again = vec![
        ("a.csv".to_string(), "period,value\n2024-05,5\n".to_string()),
        ("c.csv".to_string(), "period,value\n".to_string()),
    ];
    assert!(Snapshots::take(dir.path()).unwrap().write_all(&again).is_err());
    assert_eq!(
        std::fs::read_to_string(dir.path().join("content/snapshots/a.csv")).unwrap(),
        "period,value\n"
    );
    assert!(
        !std::fs::read_dir(dir.path().join(FOLDER)).unwrap().any(|e| e
            .unwrap()
            .file_name()
            .to_string_lossy()
            .contains("palanca-new"))
    );
}

#[test]
fn a_planted_link_under_the_temporary_name_writes_nothing_outside() {
    let dir = tempfile::tempdir().unwrap();
    let victim = dir.path().join("victim.txt");
    std::fs::write(&victim, "keep me").unwrap();
    let site = dir.path().join("site");
    std::fs::create_dir_all(site.join(FOLDER)).unwrap();
    // The name the temporary file had when it was named by process id.
    let planted = site
        .join(FOLDER)
        .join(format!(".a.csv.palanca-new-{}", std::process::id()));
    std::os::unix::fs::symlink(&victim, &planted).unwrap();
    let files = [("a.csv".to_string(), "period,value\n".to_string())];
    Snapshots::take(&site).unwrap().write_all(&files).unwrap();
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep me");
    let snapshot = std::fs::symlink_metadata(site.join(FOLDER).join("a.csv")).unwrap();
    assert!(snapshot.is_file(), "the snapshot is a file of its own, not a link");
}

#[test]
fn a_snapshot_or_folder_that_is_a_link_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let victim = dir.path().join("victim.csv");
    std::fs::write(&victim, "keep me").unwrap();
    let site = dir.path().join("site");
    std::fs::create_dir_all(site.join(FOLDER)).unwrap();
    std::os::unix::fs::symlink(&victim, site.join(FOLDER).join("a.csv")).unwrap();
    let snapshots = Snapshots::take(&site).unwrap();
    let e = snapshots
        .write_all(&[("a.csv".to_string(), "period,value\n".to_string())])
        .unwrap_err();
    assert!(e.to_string().contains("symbolic link"), "{e}");
    assert!(snapshots.current("a").is_err(), "nor read through");
    drop(snapshots);
    // The folder itself.
    let other = dir.path().join("other");
    std::fs::create_dir_all(site.join("content")).unwrap();
    std::fs::create_dir_all(&other).unwrap();
    std::fs::remove_dir_all(site.join(FOLDER)).unwrap();
    std::os::unix::fs::symlink(&other, site.join(FOLDER)).unwrap();
    assert!(Snapshots::take(&site).is_err());
    assert!(Snapshots::peek(&site).is_err());
    assert_eq!(std::fs::read_dir(&other).unwrap().count(), 0);
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep me");
}

#[test]
fn a_second_pull_waits_for_the_first_to_write() {
    let dir = tempfile::tempdir().unwrap();
    let first = Snapshots::take(dir.path()).unwrap();
    let root = dir.path().to_path_buf();
    let (tx, rx) = std::sync::mpsc::channel();
    let second = std::thread::spawn(move || {
        let held = Snapshots::take(&root).unwrap();
        tx.send(()).unwrap();
        drop(held);
    });
    assert!(
        rx.recv_timeout(std::time::Duration::from_millis(300)).is_err(),
        "the second waits while the first holds the folder"
    );
    drop(first);
    rx.recv_timeout(std::time::Duration::from_secs(10)).unwrap();
    second.join().unwrap();
}
