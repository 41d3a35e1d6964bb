//! Unit tests of the parent module.

use super::*;
use crate::diagnostic::Source;

fn page(slug: &str, front: &str) -> std::sync::Arc<Page> {
    let text = format!("---\n{front}\n---\n- [x] a\n- [ ] b\n");
    let source = Source::new(format!("content/{slug}.md"), text);
    let split = 4 + front.len() + 1;
    std::sync::Arc::new(Page {
        slug: slug.into(),
        front: serde_yaml::from_str(front).unwrap(),
        body_offset: split + 4,
        // As the loader counts them from the body below.
        tasks: crate::load::Progress { done: 1, total: 2 },
        shortcodes: Vec::new(),
        spans: crate::load::Spans::default(),
        source,
        body_at: crate::load::Body::Markdown,
        figures: Vec::new(),
    })
}

fn sample() -> Plan {
    Plan::from_pages(&sample_pages(), Month::new(2024, 1).unwrap())
}

fn sample_pages() -> Vec<std::sync::Arc<Page>> {
    vec![
        page(
            "m1",
            "title: M1\nkind: milestone\nphase: A\nmonths: [1, 1]\ninvestment: { min: 100, max: 200 }\nroi: { ratio: 2, within_months: 6 }",
        ),
        page(
            "m2",
            "title: M2\nkind: milestone\nphase: A\nmonths: [2, 3]\ninvestment: { min: 300, max: 600 }",
        ),
        page(
            "m4",
            "title: M4\nkind: milestone\nphase: B\nmonths: [4, 4]\ninvestment: { min: 50, max: 50 }",
        ),
        page(
            "l1",
            "title: L1\nkind: lever\npriority: low\nmonths: [1, 6]\ninvestment: { min: 10, max: 20 }",
        ),
        page(
            "l2",
            "title: L2\nkind: lever\npriority: high\nmonths: [2, 3]\ninvestment: { min: 1, max: 2 }",
        ),
        page("r", "title: R\nkind: risk"),
    ]
}

#[test]
fn investment_adds_up_by_month_phase_and_quarter() {
    let plan = sample();
    assert_eq!(plan.total, Span { min: 450.0, max: 850.0 });
    assert_eq!(
        plan.monthly[&2],
        Span { min: 150.0, max: 300.0 },
        "spread over its two months"
    );
    assert_eq!(
        plan.phases
            .iter()
            .map(|p| (p.name.as_str(), p.investment.max))
            .collect::<Vec<_>>(),
        [("A", 800.0), ("B", 50.0)]
    );
    assert_eq!(plan.phases[0].months, (1, 3));
    assert_eq!(plan.phases[0].progress(&sample_pages()), Progress { done: 2, total: 4 });
    let q: Vec<_> = plan
        .quarters
        .iter()
        .map(|q| (q.label.as_str(), q.investment.min))
        .collect();
    assert_eq!(q, [("Q1 2024", 400.0), ("Q2 2024", 50.0)]);
    assert_eq!(plan.cumulative().last().unwrap().1, plan.total);
    assert_eq!(plan.investment_between(2, 4), Span { min: 350.0, max: 650.0 });
}

#[test]
fn levers_sort_by_priority_and_returns_follow_roi() {
    let plan = sample();
    assert_eq!(
        plan.levers.iter().map(|l| l.title.as_str()).collect::<Vec<_>>(),
        ["L2", "L1"]
    );
    assert_eq!(plan.levers_total, Span { min: 11.0, max: 22.0 });
    assert_eq!(
        plan.milestones[0].expected_return(),
        Some(Span { min: 200.0, max: 400.0 })
    );
    assert_eq!(plan.milestones[1].expected_return(), None, "no ROI given");
    assert_eq!(plan.risks.len(), 1);
}

#[test]
fn counts_tasks_not_code() {
    let body = "- [x] one\n- [ ] two\n- [X] three\n\n```\n- [ ] in code\n```\n- plain item\n";
    assert_eq!(crate::shortcode::scan(body).tasks, (2, 3));
    assert_eq!(Progress::default().ratio(), None);
}

#[test]
fn folders_sum_the_tasks_of_everything_under_them() {
    let pages = vec![
        page("plan/a/x", "title: X"),
        page("plan/b", "title: B"),
        page("other", "title: O"),
    ];
    let folders = folder_progress(&pages);
    assert_eq!(folders["plan/a"], Progress { done: 1, total: 2 });
    assert_eq!(folders["plan"], Progress { done: 2, total: 4 });
    assert_eq!(folders[""], Progress { done: 3, total: 6 });
}
