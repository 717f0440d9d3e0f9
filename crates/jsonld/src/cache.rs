//! The processed-context cache and the remote-document cache, shared by threads.

use crate::context::ActiveContext;
use lru::LruCache;
use serde_json::Value;
use std::num::NonZeroUsize;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

/// Processing `local` on top of the active context `active` (by identity).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) struct ContextKey {
    pub(crate) active: u64,
    pub(crate) local: u64,
    pub(crate) propagate: bool,
    pub(crate) override_protected: bool,
}

struct ContextEntry {
    local: Arc<Value>,
    result: Arc<ActiveContext>,
}

/// Hit and miss counters of the caches (for benchmarks and tests).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CacheStats {
    /// Context processing answered from the processed-context cache.
    pub hits: u64,
    /// Context processing that ran the algorithm.
    pub misses: u64,
    /// Remote context documents served from the document cache.
    pub document_hits: u64,
    /// Remote context documents asked of the loader.
    pub document_misses: u64,
}

pub(crate) struct Caches {
    contexts: Option<Mutex<LruCache<ContextKey, ContextEntry>>>,
    documents: Option<Mutex<LruCache<String, Arc<Value>>>>,
    hits: AtomicU64,
    misses: AtomicU64,
    document_hits: AtomicU64,
    document_misses: AtomicU64,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic elsewhere cannot leave an LRU half-updated in a way that matters: keep going.
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Caches {
    pub(crate) fn new(context_capacity: usize, document_capacity: usize) -> Caches {
        Caches {
            contexts: NonZeroUsize::new(context_capacity).map(|c| Mutex::new(LruCache::new(c))),
            documents: NonZeroUsize::new(document_capacity).map(|c| Mutex::new(LruCache::new(c))),
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
            document_hits: AtomicU64::new(0),
            document_misses: AtomicU64::new(0),
        }
    }

    pub(crate) fn get_context(
        &self,
        key: &ContextKey,
        local: &Value,
        shared: Option<&Arc<Value>>,
    ) -> Option<Arc<ActiveContext>> {
        let found = self.contexts.as_ref().and_then(|contexts| {
            let mut contexts = lock(contexts);
            let entry = contexts.get(key)?;
            // The key holds a hash of `local`: confirm equality so a collision can never alias.
            let same =
                shared.is_some_and(|s| Arc::ptr_eq(s, &entry.local)) || *entry.local == *local;
            same.then(|| entry.result.clone())
        });
        let counter = if found.is_some() {
            &self.hits
        } else {
            &self.misses
        };
        counter.fetch_add(1, Ordering::Relaxed);
        found
    }

    pub(crate) fn put_context(
        &self,
        key: ContextKey,
        local: Arc<Value>,
        result: Arc<ActiveContext>,
    ) {
        if let Some(contexts) = &self.contexts {
            lock(contexts).put(key, ContextEntry { local, result });
        }
    }

    pub(crate) fn get_document(&self, url: &str) -> Option<Arc<Value>> {
        let found = self
            .documents
            .as_ref()
            .and_then(|documents| lock(documents).get(url).cloned());
        let counter = if found.is_some() {
            &self.document_hits
        } else {
            &self.document_misses
        };
        counter.fetch_add(1, Ordering::Relaxed);
        found
    }

    pub(crate) fn put_document(&self, url: &str, document: Arc<Value>) {
        if let Some(documents) = &self.documents {
            lock(documents).put(url.to_string(), document);
        }
    }

    pub(crate) fn stats(&self) -> CacheStats {
        CacheStats {
            hits: self.hits.load(Ordering::Relaxed),
            misses: self.misses.load(Ordering::Relaxed),
            document_hits: self.document_hits.load(Ordering::Relaxed),
            document_misses: self.document_misses.load(Ordering::Relaxed),
        }
    }
}
