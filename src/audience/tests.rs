//! Unit tests of the parent module.

use super::*;

#[test]
fn folders_of_a_page_end_at_the_root() {
    assert_eq!(
        folders_of("plan/roadmap/mes-01").collect::<Vec<_>>(),
        ["plan/roadmap", "plan", ""]
    );
    assert_eq!(folders_of("plan/_index").collect::<Vec<_>>(), ["plan", ""]);
    assert_eq!(folders_of("_index").collect::<Vec<_>>(), [""]);
}
