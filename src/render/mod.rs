//! Render: the third stage. Draws the charts and fills the templates, and
//! hands each file to a [`Sink`] as soon as it is made: the write stage's
//! staging folder for a build, a folder kept between rebuilds for `serve`,
//! memory for tests. Nothing here touches the disk itself (a page's body
//! spilled by the loader is read back through the [`Bodies`] the driver
//! hands over), and nothing holds the whole site.
//!
//! Each kind of output is a [`Job`] in a module of its own, listed once in
//! [`JOBS`]; each file it makes has a [`FileKind`], by which the build's
//! [`Finish`] keeps it, leaves it out or seals it.

mod assets;
pub mod cache;
mod consistency;
mod data;
mod email;
mod feeds;
mod home;
mod keys;
mod lines;
mod metrics;
mod plan;
mod prose;
mod renderer;
mod revenue;
mod roadmap;
mod sink;
mod updates;
mod widgets;

use rayon::prelude::*;

pub use cache::RenderCache;
pub use renderer::{Job, RenderOptions, Renderer, Stats, root_of};
pub use sink::{FileKind, Finish, MemorySite, Plain, Sink, Writer};

use crate::diagnostic::Diagnostics;
use crate::load::Bodies;
use crate::model::Model;
use crate::theme::Theme;
use renderer::Parts;

/// Every kind of file a build writes, one job each. A new output is a
/// module with its job, and one entry here.
pub const JOBS: &[&dyn Job] = &[
    &data::MetricsData,
    &plan::Pages,
    &metrics::Groups,
    &updates::Updates,
    &email::Letters,
    &feeds::Feeds,
    &home::Home,
    &consistency::Consistency,
    &assets::Assets,
];

/// What a render reads and where it writes.
pub struct Input<'a> {
    /// Every figure.
    pub model: &'a Model,
    /// Templates and strings.
    pub theme: &'a Theme,
    /// Where the pages' prepared bodies are (see [`crate::load::Bodies`]).
    pub bodies: &'a Bodies,
    /// Pieces kept from earlier renders (`serve`), or none.
    pub cache: &'a RenderCache,
    /// Where finished files go.
    pub sink: &'a dyn Sink,
    /// What becomes of each file on its way (the encrypted build's seal).
    pub finish: &'a dyn Finish,
    /// How to render.
    pub options: RenderOptions,
}

/// Renders the whole site into `input.sink`: every job whose files the
/// finish keeps. With an enabled cache, pieces whose inputs did not
/// change since the last render are reused.
pub fn render(input: Input) -> Result<Stats, Diagnostics> {
    let Input {
        model,
        theme,
        bodies,
        cache,
        sink,
        finish,
        options,
    } = input;
    cache.start_build();
    let charts = lines::Charts::new(model, &theme.strings);
    let top_pages: Vec<(String, String, String)> = plan::top_level(model)
        .into_iter()
        .map(|p| {
            (
                p.front.title.clone(),
                plan::href(&p.slug),
                p.slug.split('/').next().unwrap_or("").to_string(),
            )
        })
        .collect();
    let keys = cache
        .is_enabled()
        .then(|| keys::Keys::new(model, theme.fingerprint, options.author, &top_pages));
    let r = Renderer::new(Parts {
        model,
        theme,
        charts: &charts,
        cache,
        sink,
        finish,
        bodies,
        options,
        top_pages,
        keys,
    });
    let kept = |job: &&&dyn Job| job.kinds().iter().any(|k| finish.keeps(*k));
    let (long, short): (Vec<&&dyn Job>, Vec<&&dyn Job>) = JOBS.iter().filter(kept).partition(|j| j.long());
    // A job that writes one long file in order is started first; the
    // others share the cores around it. Left to rayon's order, it could
    // run alone at the end.
    rayon::join(
        || long.iter().for_each(|job| job.render(&r)),
        || short.par_iter().for_each(|job| job.render(&r)),
    );
    let (pages, errors) = r.finished();
    if !errors.is_empty() {
        let mut diags = Diagnostics::default();
        // The same template error repeats for every page that uses it.
        let mut seen = std::collections::HashSet::new();
        for d in errors {
            if seen.insert(d.to_string()) {
                diags.push(d);
            }
        }
        return Err(diags);
    }
    let (hits, misses) = cache.finish_build();
    Ok(Stats {
        pages,
        charts: charts.count(),
        reused: hits,
        redone: misses,
        stale: cache.stale(),
    })
}

/// The email of the update for `month`, for `palanca send`: made as the
/// build makes it, without writing anything. None when there is no such
/// update; a template error comes back as the error it is.
pub fn letter(
    model: &Model,
    theme: &Theme,
    bodies: &Bodies,
    month: crate::period::Month,
) -> Result<Option<crate::email::Letter>, Diagnostics> {
    let Some(update) = model.updates.iter().find(|u| u.period == month) else {
        return Ok(None);
    };
    let cache = RenderCache::disabled();
    let sink = MemorySite::default();
    let charts = lines::Charts::new(model, &theme.strings);
    let r = Renderer::new(Parts {
        model,
        theme,
        charts: &charts,
        cache: &cache,
        sink: &sink,
        finish: &Plain,
        bodies,
        options: RenderOptions::default(),
        top_pages: Vec::new(),
        keys: None,
    });
    let letter = email::letter(&r, update);
    let (_, errors) = r.finished();
    if errors.is_empty() {
        Ok(Some(letter))
    } else {
        Err(Diagnostics(errors))
    }
}
