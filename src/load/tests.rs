//! Unit tests of the parent module.

use super::*;

#[test]
fn a_site_with_more_metrics_than_the_limit_is_refused() {
    let source = Source::new(
        "content/metrics/a.yaml",
        "title: A\nmetrics:\n  - { id: m, label: M, unit: count }\n",
    );
    let mut diags = Diagnostics::default();
    let mut file = metrics::parse_metric_file(source, "en", &mut diags).unwrap();
    let one = file.doc.metrics[0].clone();
    file.doc.metrics = vec![one; crate::limits::METRICS];
    check_metric_count(std::slice::from_ref(&file), &mut diags);
    assert!(!diags.has_errors(), "at the limit is fine");
    file.doc.metrics.push(file.doc.metrics[0].clone());
    check_metric_count(&[file], &mut diags);
    let d = &diags.0[0];
    assert_eq!(d.code, Code::TooLarge);
    assert!(
        d.message.contains("defines 100001 metrics, more than 100000"),
        "{}",
        d.message
    );
}
