//! Aggregates of the plan's sections: task progress and investment.

use pulldown_cmark::{Event, Parser};

use crate::load::Page;

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

/// The task progress of each page, in the order of `pages`. Counted once,
/// in parallel: every folder index and the home page sum these.
pub fn page_progress(pages: &[Page]) -> Vec<Progress> {
    use rayon::prelude::*;
    pages.par_iter().map(|p| Progress::of_markdown(p.body())).collect()
}

/// Progress of every page under `folder` (all pages when empty).
pub fn progress_under(pages: &[Page], progress: &[Progress], folder: &str) -> Progress {
    let prefix = format!("{folder}/");
    pages
        .iter()
        .zip(progress)
        .filter(|(p, _)| folder.is_empty() || p.slug.starts_with(&prefix))
        .fold(Progress::default(), |acc, (_, pr)| acc.plus(*pr))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_tasks_not_code() {
        let body = "- [x] one\n- [ ] two\n- [X] three\n\n```\n- [ ] in code\n```\n- plain item\n";
        assert_eq!(Progress::of_markdown(body), Progress { done: 2, total: 3 });
        assert_eq!(Progress::of_markdown("no tasks").ratio(), None);
    }
}
