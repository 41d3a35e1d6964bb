//! Memoised rendering for `palanca serve`: a rebuild after one saved file
//! redoes only the work whose inputs changed.
//!
//! Every cached piece is keyed by a hash of everything it is made from — a
//! page by its template and its full context, a chart by its series and
//! labels, Markdown by its text — so a stale entry can never be served: a
//! change to any input is a different key. Most pages are looked up before
//! their context is built, by a key from their inputs ([`super::keys`]);
//! that key is the one place where a dependency could be forgotten, and
//! the verifying cache ([`RenderCache::verifying`]) is how the tests catch
//! it. Beside a sink that keeps the site on disk (`serve`), finished files
//! are left to the sink and pieces kept up to a budget. A one-off `build`
//! uses a disabled cache and pays nothing.

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

use bytes::Bytes;
use serde::Serialize;

/// A cache of rendered pieces, kept across rebuilds.
#[derive(Default)]
pub struct RenderCache {
    enabled: bool,
    /// Render every hit again and count those that differ: what the
    /// tests run, to catch a key that misses one of its inputs.
    verify: bool,
    stale: AtomicUsize,
    /// Whether finished files are kept too; not when the sink keeps
    /// them on disk (see [`RenderCache::beside_disk`]).
    keeps_files: bool,
    /// The most bytes kept at once, and how many are.
    budget: usize,
    kept: AtomicUsize,
    build: AtomicU64,
    /// Shared bytes: the page `serve` serves and the cache's copy are one
    /// allocation.
    entries: Mutex<HashMap<u64, (u64, Bytes)>>,
    hits: AtomicUsize,
    misses: AtomicUsize,
}

impl RenderCache {
    /// A cache that keeps results between builds.
    pub fn new() -> RenderCache {
        RenderCache {
            enabled: true,
            keeps_files: true,
            budget: usize::MAX,
            ..RenderCache::default()
        }
    }

    /// A cache for a site kept on disk by its sink (`serve`): finished
    /// files are left to the sink, and pieces (charts, Markdown, pages
    /// keyed by their context) are kept up to `budget` bytes, so that
    /// memory does not grow with the site.
    pub fn beside_disk(budget: usize) -> RenderCache {
        RenderCache {
            enabled: true,
            budget,
            ..RenderCache::default()
        }
    }

    /// A cache that renders every hit again and counts the hits whose
    /// bytes differ ([`RenderCache::stale`]): for tests, never for use.
    pub fn verifying() -> RenderCache {
        RenderCache {
            enabled: true,
            verify: true,
            keeps_files: true,
            budget: usize::MAX,
            ..RenderCache::default()
        }
    }

    /// How many hits of the last build differed from a fresh render (only
    /// counted by a verifying cache; any is a key missing an input).
    pub fn stale(&self) -> usize {
        self.stale.load(Ordering::Relaxed)
    }

    /// A cache that never stores anything, for one-off builds.
    pub fn disabled() -> RenderCache {
        RenderCache::default()
    }

    /// Whether results are kept.
    pub fn is_enabled(&self) -> bool {
        self.enabled
    }

    /// Starts a build: entries not used by the end of it are dropped by
    /// [`RenderCache::finish_build`].
    pub fn start_build(&self) {
        self.build.fetch_add(1, Ordering::Relaxed);
        self.hits.store(0, Ordering::Relaxed);
        self.misses.store(0, Ordering::Relaxed);
        self.stale.store(0, Ordering::Relaxed);
    }

    /// Drops entries the last build did not use, so memory stays bounded by
    /// one site's worth. Returns (hits, misses) of the build.
    pub fn finish_build(&self) -> (usize, usize) {
        let build = self.build.load(Ordering::Relaxed);
        if let Ok(mut entries) = self.entries.lock() {
            entries.retain(|_, (used, _)| *used == build);
            let kept = entries.values().map(|(_, b)| b.len()).sum();
            self.kept.store(kept, Ordering::Relaxed);
        }
        (self.hits.load(Ordering::Relaxed), self.misses.load(Ordering::Relaxed))
    }

    /// The bytes for `key`, computed by `make` only when not cached.
    pub fn bytes(&self, key: Option<u64>, make: impl FnOnce() -> Vec<u8>) -> Bytes {
        self.shared(key, || Bytes::from(make()))
    }

    /// Like [`RenderCache::bytes`], sharing what is kept: a hit costs no copy.
    pub fn shared(&self, key: Option<u64>, make: impl FnOnce() -> Bytes) -> Bytes {
        let Some(key) = key.filter(|_| self.enabled) else {
            return make();
        };
        let build = self.build.load(Ordering::Relaxed);
        if let Some(found) = self.entries.lock().ok().and_then(|mut e| {
            e.get_mut(&key).map(|(used, bytes)| {
                *used = build;
                bytes.clone()
            })
        }) {
            self.hits.fetch_add(1, Ordering::Relaxed);
            if self.verify && make() != found {
                self.stale.fetch_add(1, Ordering::Relaxed);
            }
            return found;
        }
        self.misses.fetch_add(1, Ordering::Relaxed);
        let made = make();
        let size = made.len();
        if self.kept.load(Ordering::Relaxed).saturating_add(size) <= self.budget
            && let Ok(mut e) = self.entries.lock()
        {
            self.kept.fetch_add(size, Ordering::Relaxed);
            e.insert(key, (build, made.clone()));
        }
        made
    }

    /// Like [`RenderCache::shared`] for a finished file, which is kept only
    /// when the sink does not keep it.
    pub fn file(&self, key: Option<u64>, make: impl FnOnce() -> Bytes) -> Bytes {
        if !self.keeps_files {
            if key.is_some() {
                self.misses.fetch_add(1, Ordering::Relaxed);
            }
            return make();
        }
        self.shared(key, make)
    }

    /// Whether finished files are kept (not when the sink keeps them).
    pub fn keeps_files(&self) -> bool {
        self.keeps_files
    }

    /// Counts a piece the sink kept from an earlier build as reused.
    pub fn count_hit(&self) {
        self.hits.fetch_add(1, Ordering::Relaxed);
    }

    /// Removes `key`, so that a failed render is never served from the cache.
    pub fn forget(&self, key: Option<u64>) {
        if let (Some(key), Ok(mut e)) = (key, self.entries.lock())
            && let Some((_, bytes)) = e.remove(&key)
        {
            self.kept.fetch_sub(bytes.len(), Ordering::Relaxed);
        }
    }

    /// Like [`RenderCache::bytes`] for text. Uncached (a one-off build,
    /// or a piece without a key), the text is handed back as made: no copy.
    pub fn text(&self, key: Option<u64>, make: impl FnOnce() -> String) -> String {
        if key.is_none() || !self.enabled {
            return make();
        }
        let bytes = self.bytes(key, || make().into_bytes());
        String::from_utf8(bytes.to_vec()).unwrap_or_default()
    }

    /// A key for `value` (any serialisable input) in namespace `kind`, or
    /// none when the cache is off (so one-off builds skip the hashing).
    pub fn key<T: Serialize + ?Sized>(&self, kind: &str, value: &T) -> Option<u64> {
        if !self.enabled {
            return None;
        }
        let mut h = KeyHasher::new(kind);
        h.add(value);
        Some(h.finish())
    }
}

impl RenderCache {
    /// A key for text inputs, hashed as they are (no serialisation), for the
    /// large ones such as Markdown bodies.
    pub fn key_text(&self, kind: &str, parts: &[&str]) -> Option<u64> {
        if !self.enabled {
            return None;
        }
        let mut h = DefaultHasher::new();
        kind.hash(&mut h);
        parts.hash(&mut h);
        Some(h.finish())
    }
}

/// Builds a key from several inputs.
pub struct KeyHasher(DefaultHasher);

impl KeyHasher {
    /// A hasher for keys of namespace `kind`.
    pub fn new(kind: &str) -> KeyHasher {
        let mut h = DefaultHasher::new();
        kind.hash(&mut h);
        KeyHasher(h)
    }

    /// Feeds a serialisable input.
    pub fn add<T: Serialize + ?Sized>(&mut self, value: &T) {
        // JSON is a stable, complete rendering of the value's data.
        if let Ok(bytes) = serde_json::to_vec(value) {
            bytes.hash(&mut self.0);
        }
    }

    /// The key.
    pub fn finish(&self) -> u64 {
        self.0.finish()
    }
}

/// A template context that also fingerprints what goes into it, so the
/// rendered page can be looked up by its inputs.
pub struct Ctx {
    inner: tera::Context,
    key: Option<KeyHasher>,
}

impl Ctx {
    /// An empty context; it fingerprints its inputs when `cache` is enabled.
    pub fn new(cache: &RenderCache) -> Ctx {
        Ctx {
            inner: tera::Context::new(),
            key: cache.is_enabled().then(|| KeyHasher::new("page")),
        }
    }

    /// Adds a value to the context.
    pub fn insert<T: Serialize + ?Sized>(&mut self, name: &'static str, value: &T) {
        if let Some(h) = &mut self.key {
            h.add(name);
            h.add(value);
        }
        self.inner.insert(name, value);
    }

    /// Adds a string to the context, hashing it as it is: cheaper than
    /// [`Ctx::insert`] for large HTML such as a page's rendered Markdown.
    pub fn insert_text(&mut self, name: &'static str, value: &str) {
        if let Some(h) = &mut self.key {
            name.hash(&mut h.0);
            value.hash(&mut h.0);
        }
        self.inner.insert(name, value);
    }

    /// The key of a page rendered from this context with `template`.
    pub fn key(&self, template: &str, theme: u64) -> Option<u64> {
        self.key.as_ref().map(|h| {
            let mut h = KeyHasher(h.0.clone());
            h.add(template);
            h.add(&theme);
            h.finish()
        })
    }

    /// The tera context.
    pub fn tera(&self) -> &tera::Context {
        &self.inner
    }
}

#[cfg(test)]
mod tests;
