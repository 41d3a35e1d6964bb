//! Task lists: a page's `- [ ]` and `- [x]` items; sections, phases and
//! the plan sum them.
//!
//! A page with shortcodes has its tasks counted when it is loaded, in the
//! pass that finds the shortcodes ([`crate::shortcode::scan`]). Any other
//! page's are counted when its Markdown is rendered, in the parse that
//! makes its HTML: counting them at load was a second Markdown parse of
//! every page, a tenth of a build. What needs them before (a folder's
//! progress, the roadmap's phases) counts them then, once ([`Tasks`]).

use std::sync::OnceLock;

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

/// A page's task progress, once known: set when the page is loaded or
/// rendered, or counted when something asks first.
#[derive(Debug, Clone, Default)]
pub struct Tasks(OnceLock<Progress>);

impl Tasks {
    /// Progress already counted.
    pub fn known(p: Progress) -> Tasks {
        Tasks(OnceLock::from(p))
    }

    /// Progress to be counted later.
    pub fn later() -> Tasks {
        Tasks(OnceLock::new())
    }

    /// The progress, counted by `count` if nothing did before.
    pub fn get_or(&self, count: impl FnOnce() -> Progress) -> Progress {
        *self.0.get_or_init(count)
    }

    /// Records the progress counted elsewhere (by the render); a count
    /// made before stays (both read the same text).
    pub fn note(&self, p: Progress) {
        let _ = self.0.set(p);
    }

    /// Whether it was counted.
    pub fn is_known(&self) -> bool {
        self.0.get().is_some()
    }
}
