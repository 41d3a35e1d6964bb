//! The output folder is replaced whole, only after a successful build.

use crate::{build, copy_example, snapshot, stderr};

#[test]
fn a_failed_build_leaves_the_previous_output_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    std::fs::create_dir_all(&site).unwrap();
    copy_example(&site);
    let out = site.join("output");
    let first = build(&site, &out);
    assert!(first.status.success(), "{}", stderr(&first));
    let before = snapshot(&out);
    assert!(before.len() > 30);

    let metrics = site.join("content/metrics/ingresos.yaml");
    let text = std::fs::read_to_string(&metrics).unwrap();
    std::fs::write(&metrics, text.replace("formula: ltv / cac", "formula: ltvv / cac")).unwrap();
    let failed = build(&site, &out);
    assert_eq!(failed.status.code(), Some(1));
    assert!(stderr(&failed).contains("unknown metric `ltvv`"));
    assert_eq!(snapshot(&out), before, "output untouched");
    let leftovers: Vec<_> = std::fs::read_dir(&site)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("palanca"))
        .collect();
    assert!(leftovers.is_empty(), "no staging folders: {leftovers:?}");
}

#[test]
fn a_folder_palanca_did_not_write_is_never_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("mine");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("notes.txt"), "precious").unwrap();
    let o = build(&crate::repo(), &out);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("was not written by palanca"), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(out.join("notes.txt")).unwrap(), "precious");
}

#[test]
fn usage_errors_exit_2() {
    let o = crate::palanca(&["build", "--no-such-flag"]);
    assert_eq!(o.status.code(), Some(2));
}
