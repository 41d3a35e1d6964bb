//! Unit tests of the parent module.

use super::*;

#[test]
fn bodies_stay_in_memory_within_the_budget_and_spill_beyond() {
    let bodies = Bodies::new();
    let budget = BodyBudget(AtomicUsize::new(10));
    let kept = bodies.keep("<p>short</p>".to_string(), &budget);
    assert!(matches!(kept, Html::Spilled { .. }), "12 bytes do not fit in 10");
    let budget = BodyBudget(AtomicUsize::new(100));
    let small = bodies.keep("<p>a</p>".to_string(), &budget);
    assert!(matches!(small, Html::Kept(_)));
    // Spilled from many threads at once, each reads back whole.
    let none = BodyBudget(AtomicUsize::new(0));
    let texts: Vec<String> = (0..200)
        .map(|i| format!("<p>página {i} {}</p>", "x".repeat(i)))
        .collect();
    let spilled: Vec<Html> = std::thread::scope(|s| {
        let handles: Vec<_> = texts
            .iter()
            .map(|t| s.spawn(|| bodies.keep(t.clone(), &none)))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    for (text, html) in texts.iter().zip(&spilled) {
        assert!(matches!(html, Html::Spilled { .. }));
        assert_eq!(bodies.read(html).unwrap(), text.as_str());
    }
    assert_eq!(bodies.read(&kept).unwrap(), "<p>short</p>");
    assert_eq!(bodies.read(&small).unwrap(), "<p>a</p>");
}
