//! Task lists: a page's `- [ ]` and `- [x]` items, counted once when the
//! page is loaded; sections, phases and the plan sum them.

use pulldown_cmark::{Event, Parser};

/// Done and total tasks.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Progress {
    /// Ticked tasks.
    pub done: usize,
    /// All tasks.
    pub total: usize,
}

impl Progress {
    /// Counts the task list items (`- [ ]`, `- [x]`) of a Markdown body.
    pub fn of_markdown(body: &str) -> Progress {
        let mut p = Progress::default();
        for event in Parser::new_ext(body, pulldown_cmark::Options::ENABLE_TASKLISTS) {
            if let Event::TaskListMarker(done) = event {
                p.total += 1;
                p.done += usize::from(done);
            }
        }
        p
    }

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
