//! What every handler shares: the index, the taxonomy, the verifier, the keys, the limits and
//! the counters. Cheap to clone (one `Arc`).

use std::num::NonZeroUsize;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use index::{SkillIndex, Snapshot};
use lru::LruCache;
use taxonomy::Taxonomy;
use tokio::sync::Semaphore;
use verify::{OfflineResolver, Verifier};

use crate::auth::KeyStore;
use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::metrics::Metrics;

/// Every bound the server enforces. The defaults suit one 2-core machine.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Largest JSON body (bytes).
    pub max_json_body_bytes: usize,
    /// Largest body of `POST /verify` (bytes): baked PNG/SVG badges are larger than JSON.
    pub max_verify_body_bytes: usize,
    /// Deepest JSON nesting read; deeper bodies are refused before they are deserialised.
    pub max_json_depth: usize,
    /// Time a client has to send a request's headers; slower connections are closed.
    pub header_read_timeout: Duration,
    /// Time from request head to response head.
    pub request_timeout: Duration,
    /// Requests handled at once; more are shed with 503 at once rather than queued.
    pub max_in_flight: usize,
    /// CPU-bound jobs (verify, search, aggregates) run at once on the blocking pool.
    pub cpu_permits: usize,
    /// Sustained requests per second allowed per API key (per peer address without a key).
    pub rate_per_second: f64,
    /// Requests a key may send in a burst above the sustained rate.
    pub rate_burst: u32,
    /// Callers whose rate is tracked at once (least recently seen forgotten first).
    pub max_tracked_callers: usize,
    /// Longest `q` of a lookup (characters).
    pub max_query_chars: usize,
    /// Most results of a lookup.
    pub max_results: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_json_body_bytes: 1 << 20,
            max_verify_body_bytes: verify::Limits::default().max_image_bytes,
            max_json_depth: 64,
            header_read_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(30),
            max_in_flight: 256,
            cpu_permits: std::thread::available_parallelism().map_or(2, NonZeroUsize::get),
            rate_per_second: 50.0,
            rate_burst: 100,
            max_tracked_callers: 100_000,
            max_query_chars: 200,
            max_results: 50,
        }
    }
}

/// How a server is set up.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// The bounds.
    pub limits: Limits,
    /// Where withdrawals of consent are recorded for the index writer (`consent/`).
    pub data_dir: PathBuf,
    /// The domain consent presentations must be bound to (the server's public host name).
    pub consent_domain: String,
    /// How long a consent challenge stays valid.
    pub challenge_ttl: Duration,
    /// Static files of the web UI (served at `/` when the folder exists).
    pub web_dir: Option<PathBuf>,
    /// How often the index is checked for a new commit (`None`: only on `POST /admin/reload`).
    pub reload_interval: Option<Duration>,
}

impl ServerConfig {
    /// Defaults for a data dir.
    pub fn new(data_dir: impl Into<PathBuf>) -> ServerConfig {
        ServerConfig {
            limits: Limits::default(),
            data_dir: data_dir.into(),
            consent_domain: "localhost".to_owned(),
            challenge_ttl: Duration::from_secs(300),
            web_dir: None,
            reload_interval: Some(Duration::from_secs(5)),
        }
    }
}

/// Search and aggregate responses kept in memory (least recently used dropped first).
pub(crate) const RESPONSE_CACHE_ENTRIES: usize = 512;

/// The shared state.
#[derive(Clone)]
pub struct AppState {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) index: SkillIndex,
    pub(crate) taxonomy: Arc<Taxonomy>,
    /// Offline: the server makes no outbound calls, so keys resolve only from what the
    /// request carries (`did:key`) and pinned contexts.
    pub(crate) verifier: Verifier,
    pub(crate) keys: KeyStore,
    pub(crate) config: ServerConfig,
    pub(crate) metrics: Metrics,
    pub(crate) in_flight: Arc<Semaphore>,
    pub(crate) cpu: Arc<Semaphore>,
    pub(crate) rate: Mutex<LruCache<String, Bucket>>,
    pub(crate) challenges: Mutex<LruCache<String, Instant>>,
    /// Serialises appends to the withdrawal log.
    pub(crate) consent_log: Mutex<()>,
    /// (snapshot id, issuer) → report: aggregates are recomputed only after a commit.
    pub(crate) issuer_reports: Mutex<LruCache<(String, String), Arc<crate::routes::IssuerReport>>>,
    /// The region nesting analytics reads (from the taxonomy's geography).
    pub(crate) hierarchy: rank::analytics::RegionHierarchy,
    /// Search and aggregate responses keyed by route, snapshot id and request: a commit
    /// changes the snapshot id, so stale entries are never served and age out.
    pub(crate) responses: Mutex<LruCache<String, Arc<serde_json::Value>>>,
    /// Serialises reads and writes of the saved-search files.
    pub(crate) saved_searches: Mutex<()>,
    /// How often each earner was surfaced, and for which skills.
    pub(crate) surfaced: crate::surfaced::SurfacedLog,
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("AppState")
            .field("index", &self.inner.index)
            .field("keys", &self.inner.keys.len())
            .finish()
    }
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct Bucket {
    tokens: f64,
    updated: Instant,
}

impl AppState {
    /// State over an open index and a loaded taxonomy.
    pub fn new(
        index: SkillIndex,
        taxonomy: Arc<Taxonomy>,
        keys: KeyStore,
        config: ServerConfig,
    ) -> AppState {
        let limits = &config.limits;
        let tracked = NonZeroUsize::new(limits.max_tracked_callers).unwrap_or(NonZeroUsize::MIN);
        let verifier = Verifier::new(Arc::new(OfflineResolver));
        let hierarchy = rank::analytics::RegionHierarchy::from_regions(taxonomy.regions());
        let state = AppState {
            inner: Arc::new(Inner {
                index,
                taxonomy,
                verifier,
                keys,
                metrics: Metrics::default(),
                in_flight: Arc::new(Semaphore::new(limits.max_in_flight)),
                cpu: Arc::new(Semaphore::new(limits.cpu_permits.max(1))),
                rate: Mutex::new(LruCache::new(tracked)),
                challenges: Mutex::new(LruCache::new(
                    NonZeroUsize::new(10_000).unwrap_or(NonZeroUsize::MIN),
                )),
                consent_log: Mutex::new(()),
                issuer_reports: Mutex::new(LruCache::new(
                    NonZeroUsize::new(256).unwrap_or(NonZeroUsize::MIN),
                )),
                hierarchy,
                responses: Mutex::new(LruCache::new(
                    NonZeroUsize::new(RESPONSE_CACHE_ENTRIES).unwrap_or(NonZeroUsize::MIN),
                )),
                saved_searches: Mutex::new(()),
                surfaced: crate::surfaced::SurfacedLog::new(),
                config,
            }),
        };
        if let Ok(snapshot) = state.inner.index.snapshot() {
            state.note_snapshot(&snapshot);
        }
        state
    }

    /// The counters.
    pub fn metrics(&self) -> &Metrics {
        &self.inner.metrics
    }

    /// The configuration.
    pub fn config(&self) -> &ServerConfig {
        &self.inner.config
    }

    /// The snapshot requests are answered from.
    pub(crate) fn snapshot(&self) -> ApiResult<Snapshot> {
        self.inner.index.snapshot().map_err(|error| {
            tracing::error!(code = error.code(), %error, "no index snapshot");
            ApiError::new(ErrorCode::NotReady, "the index is not readable yet")
        })
    }

    /// Loads the latest commit (on the blocking pool: it reads the index directory).
    pub async fn reload(&self) -> ApiResult<Snapshot> {
        let state = self.clone();
        let snapshot = self
            .run_blocking(move || state.inner.index.reload().map_err(ApiError::from))
            .await??;
        self.note_snapshot(&snapshot);
        Ok(snapshot)
    }

    fn note_snapshot(&self, snapshot: &Snapshot) {
        let credentials = snapshot.num_credentials().unwrap_or(0);
        let demands = snapshot.num_demands().unwrap_or(0);
        self.inner
            .metrics
            .set_snapshot(snapshot.id().as_str(), credentials, demands);
    }

    /// Runs CPU-bound work on the blocking pool behind a permit, so the async runtime never
    /// blocks and at most `cpu_permits` jobs compete for the cores. Waiting for a permit is
    /// bounded by the request timeout around every handler.
    pub(crate) async fn run_blocking<T, F>(&self, work: F) -> ApiResult<T>
    where
        T: Send + 'static,
        F: FnOnce() -> T + Send + 'static,
    {
        let permit = Arc::clone(&self.inner.cpu)
            .acquire_owned()
            .await
            .map_err(ApiError::internal)?;
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            work()
        })
        .await
        .map_err(|error| ApiError::internal(format_args!("blocking task failed: {error}")))
    }

    /// A cached response.
    pub(crate) fn cached(&self, key: &str) -> Option<Arc<serde_json::Value>> {
        self.inner
            .responses
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(key)
            .cloned()
    }

    /// Keeps a response for the same request on the same snapshot.
    pub(crate) fn remember(&self, key: String, value: Arc<serde_json::Value>) {
        self.inner
            .responses
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .put(key, value);
    }

    /// Takes one token from `caller`'s bucket, or says how many seconds until one is there.
    pub(crate) fn take_token(&self, caller: &str) -> Result<(), u64> {
        let limits = &self.inner.config.limits;
        let now = Instant::now();
        let mut buckets = self
            .inner
            .rate
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let burst = f64::from(limits.rate_burst.max(1));
        let bucket = buckets.get_or_insert_mut(caller.to_owned(), || Bucket {
            tokens: burst,
            updated: now,
        });
        let elapsed = now.saturating_duration_since(bucket.updated).as_secs_f64();
        bucket.tokens = (bucket.tokens + elapsed * limits.rate_per_second).min(burst);
        bucket.updated = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else if limits.rate_per_second > 0.0 {
            Err(((1.0 - bucket.tokens) / limits.rate_per_second).ceil() as u64)
        } else {
            Err(60)
        }
    }

    /// A fresh consent challenge.
    pub(crate) fn issue_challenge(&self) -> ApiResult<String> {
        let mut random = [0u8; 16];
        getrandom::fill(&mut random).map_err(|error| ApiError::internal(error.to_string()))?;
        let challenge = hex::encode(random);
        let expires = Instant::now() + self.inner.config.challenge_ttl;
        self.inner
            .challenges
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .put(challenge.clone(), expires);
        Ok(challenge)
    }

    /// Consumes a challenge: true when it was issued here and has not expired. Any attempt
    /// uses it up, so a challenge can never be replayed.
    pub(crate) fn consume_challenge(&self, challenge: &str) -> bool {
        let expires = self
            .inner
            .challenges
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .pop(challenge);
        expires.is_some_and(|expires| Instant::now() < expires)
    }
}
