//! Unit tests of the parent module.

use super::*;

#[test]
fn a_changed_input_is_a_different_key() {
    let cache = RenderCache::new();
    let mut a = Ctx::new(&cache);
    a.insert("title", "A");
    let mut b = Ctx::new(&cache);
    b.insert("title", "B");
    assert_ne!(a.key("page.html", 1), b.key("page.html", 1));
    assert_ne!(
        a.key("page.html", 1),
        a.key("page.html", 2),
        "a theme change invalidates"
    );
    assert_eq!(a.key("page.html", 1), a.key("page.html", 1));
}

#[test]
fn results_are_reused_and_unused_ones_dropped() {
    let cache = RenderCache::new();
    cache.start_build();
    let key = cache.key("x", "input");
    assert_eq!(cache.text(key, || "made".into()), "made");
    assert_eq!(cache.text(key, || "again".into()), "made", "second call hits");
    assert_eq!(cache.finish_build(), (1, 1));
    cache.start_build();
    cache.finish_build();
    cache.start_build();
    assert_eq!(
        cache.text(key, || "fresh".into()),
        "fresh",
        "dropped when a build did not use it"
    );
    let off = RenderCache::disabled();
    assert_eq!(off.key("x", "input"), None);
}
