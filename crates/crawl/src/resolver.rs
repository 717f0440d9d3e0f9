//! The verifier's [`Resolver`] over the hardened client, with an LRU cache whose entries
//! expire, and a record of what each verification read.
//!
//! The verifier is synchronous and runs on the blocking pool; the client is async. A
//! [`NetResolver`] therefore fetches either through a [`BlockingClient`] (the CLI's
//! `skillproof verify`) or by blocking a pool thread on the crawler's runtime
//! ([`tokio::runtime::Handle::block_on`], legal off the runtime's worker threads).
//!
//! A document is only accepted from the origin that was asked: a redirect to another host
//! could hand over someone else's keys.
//!
//! Recording: the crawler must know, for a credential it does not verify again, whether
//! anything the verification read has changed since (a status list flip, a rotated key).
//! [`DocumentCache::recording`] runs a closure while noting every URL the resolver served
//! on this thread, with the SHA-256 of the body served.

use std::cell::RefCell;
use std::num::NonZeroUsize;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use net::{BlockingClient, Client, FetchOptions, NetError, Purpose, Url};
use sha2::{Digest, Sha256};
use verify::{FetchedDocument, ResolveError, Resolver};

/// Controller and DID documents and status lists are small; this caps each fetch.
pub const MAX_DOCUMENT_BYTES: u64 = 2 * 1024 * 1024;

const ACCEPT: &str = "application/did+json, application/ld+json, application/json;q=0.9, */*;q=0.1";

/// Where a [`NetResolver`] sends its fetches.
#[derive(Debug)]
enum Backend {
    Blocking(BlockingClient),
    OnRuntime(Client, tokio::runtime::Handle),
}

/// The verifier's resolver over the hardened client.
#[derive(Debug)]
pub struct NetResolver {
    backend: Backend,
}

impl NetResolver {
    /// Fetches through a blocking adapter (synchronous callers, any thread).
    pub fn blocking(client: BlockingClient) -> NetResolver {
        NetResolver {
            backend: Backend::Blocking(client),
        }
    }

    /// Fetches on `runtime` by blocking the calling thread, which must not be one of the
    /// runtime's worker threads (call it from `spawn_blocking`).
    pub fn on_runtime(client: Client, runtime: tokio::runtime::Handle) -> NetResolver {
        NetResolver {
            backend: Backend::OnRuntime(client, runtime),
        }
    }

    fn options() -> FetchOptions {
        FetchOptions {
            purpose: Purpose::Document,
            max_bytes: Some(MAX_DOCUMENT_BYTES),
            accept: Some(ACCEPT.to_owned()),
            ..FetchOptions::default()
        }
    }
}

impl Resolver for NetResolver {
    fn fetch(&self, url: &str) -> Result<FetchedDocument, ResolveError> {
        let parsed =
            Url::parse(url).map_err(|error| ResolveError::Blocked(format!("{url}: {error}")))?;
        let options = NetResolver::options();
        let fetched = match &self.backend {
            Backend::Blocking(client) => client.fetch(&parsed, &options),
            Backend::OnRuntime(client, runtime) => {
                runtime.block_on(client.fetch(&parsed, &options))
            }
        }
        .map_err(resolve_error)?;
        if fetched.final_url.origin() != parsed.origin() {
            return Err(ResolveError::Blocked(format!(
                "{url} redirected to another origin ({})",
                fetched.final_url
            )));
        }
        Ok(FetchedDocument {
            status: fetched.status,
            content_type: fetched.content_type,
            body: Arc::from(fetched.body.as_ref()),
        })
    }
}

/// Maps the client's refusals to the verifier's.
pub fn resolve_error(error: NetError) -> ResolveError {
    let message = error.to_string();
    match error {
        NetError::InvalidUrl { .. }
        | NetError::BlockedScheme { .. }
        | NetError::BlockedAddress { .. } => ResolveError::Blocked(message),
        NetError::TooLarge { .. } => ResolveError::TooLarge(message),
        NetError::TimedOut { .. } => ResolveError::Timeout(message),
        _ => ResolveError::Network(message),
    }
}

/// A document the verifier read: its URL and the SHA-256 (hex) of what it was served
/// (`status:<code>` for a non-2xx answer, `error` when it could not be fetched).
pub type Dependency = (String, String);

thread_local! {
    static RECORDING: RefCell<Option<Vec<Dependency>>> = const { RefCell::new(None) };
}

/// Caches an inner resolver's answers (successes and non-2xx answers alike) for a time to
/// live, in a bounded LRU. Errors are not cached: the next credential tries again.
pub struct DocumentCache<R> {
    inner: R,
    ttl: Duration,
    entries: Mutex<lru::LruCache<String, (Instant, FetchedDocument)>>,
}

impl<R: Resolver> DocumentCache<R> {
    /// Keeps up to `capacity` documents, each for `ttl`.
    pub fn new(inner: R, capacity: NonZeroUsize, ttl: Duration) -> Self {
        DocumentCache {
            inner,
            ttl,
            entries: Mutex::new(lru::LruCache::new(capacity)),
        }
    }

    /// Forgets everything (the crawler starts each pass with fresh answers).
    pub fn clear(&self) {
        self.entries
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
    }

    /// Runs `work` and returns, with its result, every document the resolver served on this
    /// thread meanwhile (each URL once, in first-read order).
    pub fn recording<T>(&self, work: impl FnOnce() -> T) -> (T, Vec<Dependency>) {
        RECORDING.with(|slot| *slot.borrow_mut() = Some(Vec::new()));
        let result = work();
        let recorded = RECORDING
            .with(|slot| slot.borrow_mut().take())
            .unwrap_or_default();
        (result, recorded)
    }

    /// The fingerprint of `url` as the resolver would serve it now.
    pub fn fingerprint(&self, url: &str) -> String {
        fingerprint(&self.lookup(url))
    }

    fn lookup(&self, url: &str) -> Result<FetchedDocument, ResolveError> {
        {
            let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
            if let Some((stored, document)) = entries.get(url) {
                if stored.elapsed() < self.ttl {
                    return Ok(document.clone());
                }
                entries.pop(url);
            }
        }
        let fetched = self.inner.fetch(url)?;
        self.entries
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .put(url.to_owned(), (Instant::now(), fetched.clone()));
        Ok(fetched)
    }
}

fn fingerprint(answer: &Result<FetchedDocument, ResolveError>) -> String {
    match answer {
        Ok(document) if (200..300).contains(&document.status) => {
            hex::encode(Sha256::digest(&document.body))
        }
        Ok(document) => format!("status:{}", document.status),
        Err(_) => "error".to_owned(),
    }
}

impl<R: Resolver> Resolver for DocumentCache<R> {
    fn fetch(&self, url: &str) -> Result<FetchedDocument, ResolveError> {
        let answer = self.lookup(url);
        RECORDING.with(|slot| {
            if let Some(recorded) = slot.borrow_mut().as_mut()
                && !recorded.iter().any(|(seen, _)| seen == url)
            {
                recorded.push((url.to_owned(), fingerprint(&answer)));
            }
        });
        answer
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use verify::StaticResolver;

    #[test]
    fn recording_notes_each_document_once_with_its_fingerprint() {
        let mut inner = StaticResolver::new();
        inner.insert_json("https://a.test/list", &b"{}"[..]);
        let cache = DocumentCache::new(
            inner,
            NonZeroUsize::new(4).expect("nonzero"),
            Duration::from_secs(60),
        );
        let ((), recorded) = cache.recording(|| {
            for url in [
                "https://a.test/list",
                "https://a.test/list",
                "https://a.test/missing",
            ] {
                let _ = cache.fetch(url);
            }
        });
        assert_eq!(
            recorded,
            vec![
                (
                    "https://a.test/list".to_owned(),
                    hex::encode(Sha256::digest(b"{}"))
                ),
                ("https://a.test/missing".to_owned(), "status:404".to_owned()),
            ]
        );
        // Outside a recording nothing is noted.
        let _ = cache.fetch("https://a.test/list");
        let ((), again) = cache.recording(|| ());
        assert!(again.is_empty());
    }
}
