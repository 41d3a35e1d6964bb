//! Unit tests of the parent module.

use super::*;

#[test]
fn finds_ids_keys_and_literals() {
    let src = Source::new(
        "m.yaml",
        "metrics:\n  - id: arr\n    target: { M1: 100, M12: 200 }\n  - id: mrr\n    stated:\n      M1: 8000\n      M12: 41.7\n",
    );
    let arr = metric_id(&src, "arr");
    assert_eq!(&src.text[arr..arr + 3], "arr");
    let m1 = series_key(&src, arr, "target", "M1");
    assert_eq!(&src.text[m1..m1 + 6], "M1: 10");
    let mrr = metric_id(&src, "mrr");
    let m12 = series_key(&src, mrr, "stated", "M12");
    assert_eq!(literal_after(&src, m12).unwrap().1, "41.7");
    let m1 = series_key(&src, mrr, "stated", "M1");
    assert_eq!(literal_after(&src, m1).unwrap().1, "8000");
}
