//! Audiences: a build for the public leaves out everything marked
//! `audience: investors` — pages, updates, metrics, whole metric files —
//! and everything computed from them, so no output byte can reveal it.
//!
//! The model is resolved whole first (so formulas and checks see every
//! metric) and restricted afterwards; the render stage then only ever sees
//! what the audience may read.

use std::collections::{HashMap, HashSet};

use super::Model;
use super::plan::Plan;
use crate::diagnostic::Diagnostics;
use crate::load::Audience;

impl Model {
    /// The model as `audience` may see it.
    pub fn for_audience(mut self, audience: Audience) -> Model {
        if audience == Audience::Investors {
            return self;
        }
        let hidden = self.hidden_metrics();
        let hidden_files: HashSet<String> = self
            .groups
            .iter()
            .filter(|g| g.audience == Audience::Investors)
            .map(|g| g.source.path.clone())
            .chain(
                self.pages
                    .iter()
                    .filter(|p| p.front.audience == Audience::Investors)
                    .map(|p| p.source.path.clone()),
            )
            .chain(
                self.updates
                    .iter()
                    .filter(|u| u.front.audience == Audience::Investors)
                    .map(|u| u.source.path.clone()),
            )
            .collect();
        self.findings = strip_findings(&self.findings, &hidden, &hidden_files);
        self.drop_metrics(&hidden);
        self.pages.retain(|p| p.front.audience == Audience::Public);
        self.updates.retain(|u| u.front.audience == Audience::Public);
        self.progress = super::plan::page_progress(&self.pages);
        self.page_index = self
            .pages
            .iter()
            .enumerate()
            .map(|(i, p)| (p.slug.clone(), i))
            .collect();
        self.plan = Plan::from_pages(&self.pages, &self.progress, self.start);
        self.site.headline.retain(|id| !hidden.contains(id));
        self
    }

    /// Ids of the metrics the public may not see: those marked (or in a
    /// file marked) for investors, and every metric computed from them.
    fn hidden_metrics(&self) -> HashSet<String> {
        let mut hidden: HashSet<String> = self
            .metrics
            .iter()
            .filter(|m| m.audience == Audience::Investors || self.groups[m.group].audience == Audience::Investors)
            .map(|m| m.id.clone())
            .collect();
        loop {
            let before = hidden.len();
            for m in &self.metrics {
                let reads_hidden = m
                    .formula
                    .as_deref()
                    .and_then(|f| crate::formula::parse(f).ok())
                    .is_some_and(|e| e.inputs().iter().any(|id| hidden.contains(*id)));
                if reads_hidden {
                    hidden.insert(m.id.clone());
                }
            }
            if hidden.len() == before {
                return hidden;
            }
        }
    }

    fn drop_metrics(&mut self, hidden: &HashSet<String>) {
        let old = std::mem::take(&mut self.metrics);
        let mut remap = HashMap::new();
        for (i, m) in old.into_iter().enumerate() {
            if !hidden.contains(&m.id) {
                remap.insert(i, self.metrics.len());
                self.metrics.push(m);
            }
        }
        for g in &mut self.groups {
            g.metrics = g.metrics.iter().filter_map(|i| remap.get(i).copied()).collect();
        }
        let groups = std::mem::take(&mut self.groups);
        let mut group_remap = HashMap::new();
        for (i, g) in groups.into_iter().enumerate() {
            if g.audience == Audience::Public && !g.metrics.is_empty() {
                group_remap.insert(i, self.groups.len());
                self.groups.push(g);
            }
        }
        for m in &mut self.metrics {
            m.group = group_remap[&m.group];
        }
        self.index = self
            .metrics
            .iter()
            .enumerate()
            .map(|(i, m)| (m.id.clone(), i))
            .collect();
    }
}

/// Findings that mention nothing hidden: not in a hidden file, and not
/// naming a hidden metric.
fn strip_findings(findings: &Diagnostics, hidden: &HashSet<String>, files: &HashSet<String>) -> Diagnostics {
    Diagnostics(
        findings
            .0
            .iter()
            .filter(|d| !files.contains(&d.file))
            .filter(|d| {
                let text = format!(
                    "{} {} {}",
                    d.message,
                    d.label.as_deref().unwrap_or(""),
                    d.help.as_deref().unwrap_or("")
                );
                !hidden.iter().any(|id| {
                    text.contains(&format!("`{id}`"))
                        || text.contains(&format!(" {id} "))
                        || text.contains(&format!("{id} ="))
                })
            })
            .cloned()
            .collect(),
    )
}
