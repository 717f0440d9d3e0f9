//! The boundary between offline verification and the network.
//!
//! `verify` never opens a socket (ARCHITECTURE.md, invariant 5). Controller documents, DID
//! documents, status lists and hosted Open Badges 2.0 assertions come through [`Resolver`]:
//! the cli and the crawler supply one that fetches through the hardened client; tests supply
//! a [`StaticResolver`]; `--offline` uses [`OfflineResolver`].

use std::collections::HashMap;
use std::num::NonZeroUsize;
use std::sync::{Arc, Mutex};

/// A document fetched over HTTPS (or HTTP where a format allows it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchedDocument {
    /// HTTP status (OB 2.0 hosted assertions: 410 means revoked).
    pub status: u16,
    /// `Content-Type`, when the server sent one.
    pub content_type: Option<String>,
    /// The body, already capped by the fetcher.
    pub body: Arc<[u8]>,
}

impl FetchedDocument {
    /// A 200 response with a JSON body.
    pub fn json(body: impl Into<Arc<[u8]>>) -> Self {
        FetchedDocument {
            status: 200,
            content_type: Some("application/json".to_owned()),
            body: body.into(),
        }
    }
}

/// Why a document could not be fetched. Every variant makes the check that needed the
/// document inconclusive or failed; none of them ever yields "verified".
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ResolveError {
    /// The resolver does not go to the network (`--offline`), and has no copy.
    #[error("offline: {0} was not fetched")]
    Offline(String),
    /// The address is not allowed (SSRF guard, scheme, loopback).
    #[error("blocked address: {0}")]
    Blocked(String),
    /// Connection, TLS or protocol failure.
    #[error("network error: {0}")]
    Network(String),
    /// The body exceeded the byte cap.
    #[error("document too large: {0}")]
    TooLarge(String),
    /// A deadline passed.
    #[error("timed out: {0}")]
    Timeout(String),
}

/// Source of the documents verification needs. Implementations must be deterministic for a
/// given state of the world: the same URL gives the same answer within one verification.
pub trait Resolver: Send + Sync {
    /// Fetches `url` (absolute, `https:` or `http:`; never a DID, which the verifier maps to a
    /// URL itself). Non-2xx statuses are returned as documents, not errors: some formats give
    /// them meaning.
    fn fetch(&self, url: &str) -> Result<FetchedDocument, ResolveError>;
}

/// Resolves nothing: everything that needs a fetch is inconclusive.
#[derive(Debug, Clone, Copy, Default)]
pub struct OfflineResolver;

impl Resolver for OfflineResolver {
    fn fetch(&self, url: &str) -> Result<FetchedDocument, ResolveError> {
        Err(ResolveError::Offline(url.to_owned()))
    }
}

/// Serves documents from a map: tests, and the offline verification of a bundle that
/// carries its own controller documents and status lists.
#[derive(Debug, Clone, Default)]
pub struct StaticResolver {
    documents: HashMap<String, FetchedDocument>,
}

impl StaticResolver {
    /// An empty resolver (every fetch answers 404).
    pub fn new() -> Self {
        Self::default()
    }

    /// Serves `document` at `url`.
    pub fn insert(&mut self, url: impl Into<String>, document: FetchedDocument) -> &mut Self {
        self.documents.insert(url.into(), document);
        self
    }

    /// Serves `body` as JSON at `url`.
    pub fn insert_json(&mut self, url: impl Into<String>, body: impl Into<Arc<[u8]>>) -> &mut Self {
        self.insert(url, FetchedDocument::json(body))
    }
}

impl Resolver for StaticResolver {
    fn fetch(&self, url: &str) -> Result<FetchedDocument, ResolveError> {
        Ok(self.documents.get(url).cloned().unwrap_or(FetchedDocument {
            status: 404,
            content_type: None,
            body: Arc::from(&b""[..]),
        }))
    }
}

/// Remembers successful fetches of an inner resolver in a bounded LRU, so that a batch of
/// credentials from one issuer fetches its controller document and status list once.
/// Errors are not cached: the next credential tries again.
pub struct CachingResolver<R> {
    inner: R,
    cache: Mutex<lru::LruCache<String, FetchedDocument>>,
}

impl<R: Resolver> CachingResolver<R> {
    /// Caches up to `capacity` documents.
    pub fn new(inner: R, capacity: NonZeroUsize) -> Self {
        CachingResolver {
            inner,
            cache: Mutex::new(lru::LruCache::new(capacity)),
        }
    }
}

impl<R: Resolver> Resolver for CachingResolver<R> {
    fn fetch(&self, url: &str) -> Result<FetchedDocument, ResolveError> {
        if let Some(hit) = self
            .cache
            .lock()
            .unwrap_or_else(|poison| poison.into_inner())
            .get(url)
        {
            return Ok(hit.clone());
        }
        let fetched = self.inner.fetch(url)?;
        self.cache
            .lock()
            .unwrap_or_else(|poison| poison.into_inner())
            .put(url.to_owned(), fetched.clone());
        Ok(fetched)
    }
}
