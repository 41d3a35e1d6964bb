//! Task lists: a page's `- [ ]` and `- [x]` items; sections, phases and
//! the plan sum them.
//!
//! Every page's tasks are counted when it is loaded, in a parse that is
//! made anyway: a page with shortcodes in the pass that finds them
//! ([`crate::shortcode::scan`]), any other in the one that makes its HTML
//! ([`crate::markdown::prepare`]). The model is complete after `resolve`.

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
