//! Task lists: a page's `- [ ]` and `- [x]` items, counted once when the
//! page is loaded (by [`crate::shortcode::scan`]); sections, phases and the
//! plan sum them.

/// Done and total tasks.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, serde::Serialize)]
pub struct Progress {
    /// Ticked tasks.
    pub done: usize,
    /// All tasks.
    pub total: usize,
}

impl Progress {
    /// The sum of two progresses.
    pub fn plus(self, other: Progress) -> Progress {
        Progress {
            done: self.done + other.done,
            total: self.total + other.total,
        }
    }

    /// Done / total, none without tasks.
    pub fn ratio(self) -> Option<f64> {
        (self.total > 0).then(|| self.done as f64 / self.total as f64)
    }
}
