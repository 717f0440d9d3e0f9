//! The client: one `fetch` that applies every rule, hop by hop, and ends in one outcome.
//!
//! Redirects are followed here, not by reqwest, so each hop is checked like a first request
//! (scheme, address, no downgrade; robots.txt and politeness for crawl fetches) and the
//! reason a hop was refused stays a typed error instead of a string in reqwest's chain.

use std::error::Error as StdError;
use std::future::Future;
use std::io;
use std::num::NonZeroUsize;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use lru::LruCache;
use reqwest::header::{self, HeaderMap, HeaderValue};
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;
use tokio::time::Instant;
use url::Url;

use crate::config::NetConfig;
use crate::counters::{Counters, NetCounters};
use crate::error::{NetError, OutcomeKind, Result, TimeoutPhase, bounded};
use crate::policy::AddressPolicy;
use crate::politeness::{HostFeedback, HostPermit, HostScheduler, parse_retry_after};
use crate::resolve::{GuardedResolver, ResolverRefusal, SystemLookup};
use crate::robots::RobotsRules;

/// Most certificates taken from one `--ca-cert` file.
const MAX_CERTS_PER_FILE: usize = 100;
/// Longest `ETag` / `Last-Modified` / `Content-Type` value kept.
const MAX_VALIDATOR_BYTES: usize = 512;

/// Why a URL is fetched; decides which rules apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Purpose {
    /// A document a verification needs (controller or DID document, status list, hosted
    /// Open Badges 2.0 assertion): no robots.txt, no politeness wait.
    #[default]
    Document,
    /// A crawl fetch: robots.txt is obeyed and per-host politeness applies, on every hop.
    Crawl,
}

/// `ETag` and `Last-Modified` of a URL, as the server sent them.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Validators {
    /// `ETag`, verbatim (quotes and `W/` included).
    pub etag: Option<String>,
    /// `Last-Modified`, verbatim.
    pub last_modified: Option<String>,
}

impl Validators {
    /// True when there is nothing to send.
    pub fn is_empty(&self) -> bool {
        self.etag.is_none() && self.last_modified.is_none()
    }
}

/// Whether to make the request conditional.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Conditional {
    /// A plain GET.
    #[default]
    No,
    /// Send the validators this client remembers for the URL, if any.
    Remembered,
    /// Send these validators (e.g. restored by the crawler from its store).
    With(Validators),
}

/// Per-call options.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FetchOptions {
    /// Which rules apply.
    pub purpose: Purpose,
    /// Conditional GET.
    pub conditional: Conditional,
    /// A lower body cap for this call (bytes after decompression); the configured cap
    /// applies when `None` or higher.
    pub max_bytes: Option<u64>,
    /// `Accept` header; `*/*` when `None`.
    pub accept: Option<String>,
}

/// A response whose body was read within the cap: 2xx, 304, or any other final status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fetched {
    /// The URL that answered, after redirects.
    pub final_url: Url,
    /// HTTP status.
    pub status: u16,
    /// `Content-Type`, when sent and short.
    pub content_type: Option<String>,
    /// `ETag` / `Last-Modified` of the answer (on 304: the ones sent in the request, unless
    /// the server sent new ones).
    pub validators: Validators,
    /// `Retry-After`, when sent (429, 503).
    pub retry_after: Option<Duration>,
    /// The body, at most the cap (empty on 304).
    pub body: Bytes,
}

impl Fetched {
    /// The outcome this answer counts as.
    pub fn outcome(&self) -> OutcomeKind {
        match self.status {
            200..=299 => OutcomeKind::Fetched,
            304 => OutcomeKind::NotModified,
            _ => OutcomeKind::HttpStatus,
        }
    }

    /// True for 304 Not Modified.
    pub fn is_not_modified(&self) -> bool {
        self.status == 304
    }
}

/// What robots.txt says for an origin, and until when.
#[derive(Debug, Clone)]
enum RobotsState {
    Rules(Arc<RobotsRules>),
    AllowAll,
    DisallowAll(String),
}

#[derive(Debug, Clone)]
struct CachedRobots {
    state: RobotsState,
    expires: Instant,
}

type RobotsSlot = Arc<tokio::sync::Mutex<Option<CachedRobots>>>;

/// How one fetch behaves beyond its purpose.
#[derive(Debug, Clone, Copy)]
struct Mode {
    check_robots: bool,
    polite: bool,
    /// Keep the first `cap` bytes instead of failing (robots.txt: RFC 9309 §2.5).
    truncate: bool,
    cap: u64,
}

struct Inner {
    http: reqwest::Client,
    policy: Arc<AddressPolicy>,
    config: NetConfig,
    counters: Counters,
    scheduler: HostScheduler,
    robots: Mutex<LruCache<String, RobotsSlot>>,
    validators: Mutex<LruCache<String, Validators>>,
}

/// The hardened HTTP client. Cheap to clone; clones share pools, caches and counters.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("config", &self.inner.config)
            .finish_non_exhaustive()
    }
}

fn tls_config(config: &NetConfig) -> Result<rustls::ClientConfig> {
    let refuse = |why: String| NetError::InvalidConfig(why);
    let mut roots = rustls::RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    };
    for pem in &config.extra_roots_pem {
        let mut num_certs = 0;
        for cert in CertificateDer::pem_slice_iter(pem) {
            let cert = cert.map_err(|e| refuse(format!("ca certificate: {e}")))?;
            roots
                .add(cert)
                .map_err(|e| refuse(format!("ca certificate: {e}")))?;
            num_certs += 1;
            if num_certs > MAX_CERTS_PER_FILE {
                return Err(refuse(format!(
                    "more than {MAX_CERTS_PER_FILE} certificates in one ca file"
                )));
            }
        }
        if num_certs == 0 {
            return Err(refuse("ca file holds no PEM certificate".to_owned()));
        }
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut tls = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| refuse(format!("tls: {e}")))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    // Built without HTTP/2: offer only what we speak.
    tls.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(tls)
}

impl Client {
    /// Validates `config` and builds the client. Needs no runtime until the first fetch.
    pub fn new(config: NetConfig) -> Result<Client> {
        config.validate()?;
        let policy = Arc::new(AddressPolicy::new(&config.address_policy_config())?);
        let resolver = GuardedResolver {
            policy: policy.clone(),
            lookup: config.dns.clone().unwrap_or_else(|| Arc::new(SystemLookup)),
        };
        let mut builder = reqwest::Client::builder()
            .user_agent(config.user_agent.clone())
            .redirect(reqwest::redirect::Policy::none())
            .retry(reqwest::retry::never())
            .referer(false)
            .no_proxy()
            .dns_resolver(Arc::new(resolver))
            .connect_timeout(config.connect_timeout)
            .read_timeout(config.read_timeout)
            .http1_only()
            .http1_max_headers(config.max_headers)
            .pool_max_idle_per_host(1)
            .pool_idle_timeout(Duration::from_secs(30))
            .gzip(true)
            .brotli(true)
            .https_only(!config.allow_http)
            .tls_backend_preconfigured(tls_config(&config)?);
        if let Some(proxy) = &config.proxy {
            let proxy = reqwest::Proxy::all(proxy.as_str())
                .map_err(|e| NetError::InvalidConfig(format!("proxy {}: {e}", bounded(proxy))))?;
            builder = builder.proxy(proxy);
        }
        let http = builder
            .build()
            .map_err(|e| NetError::InvalidConfig(format!("http client: {e}")))?;
        let origins = NonZeroUsize::new(config.robots.max_origins).unwrap_or(NonZeroUsize::MIN);
        let remembered =
            NonZeroUsize::new(config.max_remembered_validators).unwrap_or(NonZeroUsize::MIN);
        let inner = Inner {
            http,
            policy,
            scheduler: HostScheduler::new(config.politeness.clone()),
            config,
            counters: Counters::default(),
            robots: Mutex::new(LruCache::new(origins)),
            validators: Mutex::new(LruCache::new(remembered)),
        };
        Ok(Client {
            inner: Arc::new(inner),
        })
    }

    /// Fetches `url` under every rule, and counts the outcome. Non-2xx answers are `Ok`
    /// (see [`Fetched::outcome`]); refusals, caps, deadlines and transport failures are `Err`.
    pub async fn fetch(&self, url: &Url, options: &FetchOptions) -> Result<Fetched> {
        let cap = options
            .max_bytes
            .map_or(self.inner.config.max_body_bytes, |m| {
                m.min(self.inner.config.max_body_bytes)
            });
        let crawl = options.purpose == Purpose::Crawl;
        let mode = Mode {
            check_robots: crawl,
            polite: crawl,
            truncate: false,
            cap,
        };
        let conditional = match &options.conditional {
            Conditional::No => None,
            Conditional::Remembered => self.validators(url),
            Conditional::With(validators) => Some(validators.clone()),
        };
        let result = self
            .fetch_hops(url, mode, conditional, options.accept.as_deref())
            .await;
        let kind = match &result {
            Ok(fetched) => Some(fetched.outcome()),
            Err(error) => error.outcome(),
        };
        if let Some(kind) = kind {
            self.inner.counters.fetches.add(kind);
        }
        result
    }

    /// Counters so far.
    pub fn counters(&self) -> NetCounters {
        self.inner.counters.snapshot()
    }

    /// The per-host scheduler crawl fetches go through.
    pub fn scheduler(&self) -> &HostScheduler {
        &self.inner.scheduler
    }

    /// The validators remembered for `url` (to persist them).
    pub fn validators(&self, url: &Url) -> Option<Validators> {
        let mut remembered = self
            .inner
            .validators
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        remembered.get(url.as_str()).cloned()
    }

    /// Remembers validators for `url` (to restore persisted ones).
    pub fn remember_validators(&self, url: &Url, validators: Validators) {
        if validators.is_empty() {
            return;
        }
        let mut remembered = self
            .inner
            .validators
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        remembered.put(url.as_str().to_owned(), validators);
    }

    /// Whether robots.txt lets a crawl fetch `url` (fetching robots.txt if not cached).
    /// `fetch` with [`Purpose::Crawl`] checks this itself; the crawler may ask first to
    /// skip URLs without waiting on politeness.
    pub async fn robots_allows(&self, url: &Url) -> Result<()> {
        self.robots_check(url).await
    }

    async fn fetch_hops(
        &self,
        first: &Url,
        mode: Mode,
        conditional: Option<Validators>,
        accept: Option<&str>,
    ) -> Result<Fetched> {
        let config = &self.inner.config;
        let mut url = first.clone();
        url.set_fragment(None);
        let mut previous: Option<Url> = None;
        // Time spent on the network; politeness waits do not count against the deadline.
        let mut spent = Duration::ZERO;
        for hop in 0..=config.max_redirects {
            match &previous {
                None => self.inner.policy.check_url(&url)?,
                Some(from) => self.inner.policy.check_redirect(from, &url)?,
            }
            if mode.check_robots {
                self.robots_check(&url).await?;
            }
            let permit = match (mode.polite, url.host_str()) {
                (true, Some(host)) => Some(self.inner.scheduler.acquire(host).await),
                _ => None,
            };
            let remaining = config.total_timeout.saturating_sub(spent);
            let started = Instant::now();
            let validators = if hop == 0 { conditional.as_ref() } else { None };
            let step =
                tokio::time::timeout(remaining, self.one_hop(&url, mode, validators, accept)).await;
            spent += started.elapsed();
            let step = match step {
                Ok(step) => step,
                Err(_) => Err(NetError::TimedOut {
                    url: bounded(url.as_str()),
                    phase: TimeoutPhase::Total,
                }),
            };
            let step = match step {
                Err(error) => {
                    finish(permit, HostFeedback::Failed);
                    return Err(error);
                }
                Ok(step) => step,
            };
            match step {
                Hop::Redirect(next) => {
                    finish(permit, HostFeedback::Answered);
                    previous = Some(std::mem::replace(&mut url, next));
                }
                Hop::Final(fetched) => {
                    let feedback = match fetched.status {
                        429 | 503 => HostFeedback::Throttled {
                            retry_after: fetched.retry_after,
                        },
                        500..=599 => HostFeedback::Failed,
                        _ => HostFeedback::Answered,
                    };
                    finish(permit, feedback);
                    if fetched.outcome() == OutcomeKind::Fetched {
                        self.remember_validators(&fetched.final_url, fetched.validators.clone());
                    }
                    return Ok(fetched);
                }
            }
        }
        Err(NetError::RedirectLimit {
            url: bounded(first.as_str()),
            limit: config.max_redirects,
        })
    }

    async fn one_hop(
        &self,
        url: &Url,
        mode: Mode,
        validators: Option<&Validators>,
        accept: Option<&str>,
    ) -> Result<Hop> {
        let mut request = self.inner.http.get(url.clone());
        request = request.header(
            header::ACCEPT,
            accept
                .and_then(|a| HeaderValue::from_str(a).ok())
                .unwrap_or(HeaderValue::from_static("*/*")),
        );
        if let Some(validators) = validators {
            if let Some(value) = validators
                .etag
                .as_deref()
                .and_then(|v| HeaderValue::from_str(v).ok())
            {
                request = request.header(header::IF_NONE_MATCH, value);
            }
            if let Some(value) = validators
                .last_modified
                .as_deref()
                .and_then(|v| HeaderValue::from_str(v).ok())
            {
                request = request.header(header::IF_MODIFIED_SINCE, value);
            }
        }
        let mut response = request.send().await.map_err(|e| classify(url, &e))?;
        // Defence in depth: the resolver and URL checks should make this unreachable.
        if let (Some(addr), Some(host)) = (response.remote_addr(), url.host_str())
            && !self.inner.policy.connection_allowed(host, addr.ip())
        {
            return Err(NetError::BlockedAddress {
                url: bounded(url.as_str()),
                reason: format!("connected to blocked address {}", addr.ip()),
            });
        }
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        if matches!(status, 301 | 302 | 303 | 307 | 308)
            && let Some(next) = location(url, &headers)
        {
            return Ok(Hop::Redirect(next));
        }
        let body = if status == 304 {
            Bytes::new()
        } else {
            read_body(url, &mut response, mode).await?
        };
        let mut received = Validators {
            etag: short_header(&headers, header::ETAG),
            last_modified: short_header(&headers, header::LAST_MODIFIED),
        };
        if status == 304 && received.is_empty() {
            received = validators.cloned().unwrap_or_default();
        }
        Ok(Hop::Final(Fetched {
            final_url: url.clone(),
            status,
            content_type: short_header(&headers, header::CONTENT_TYPE),
            validators: received,
            retry_after: short_header(&headers, header::RETRY_AFTER)
                .and_then(|v| parse_retry_after(&v, std::time::SystemTime::now())),
            body,
        }))
    }

    fn robots_slot(&self, origin: &str) -> RobotsSlot {
        let mut cache = self
            .inner
            .robots
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        cache
            .get_or_insert(origin.to_owned(), || {
                Arc::new(tokio::sync::Mutex::new(None))
            })
            .clone()
    }

    async fn robots_check(&self, url: &Url) -> Result<()> {
        let origin = url.origin().ascii_serialization();
        let slot = self.robots_slot(&origin);
        // Held across the fetch: concurrent crawl fetches of one origin fetch robots.txt once.
        let mut cached = slot.lock().await;
        let now = Instant::now();
        let state = match cached.as_ref().filter(|c| c.expires > now) {
            Some(fresh) => fresh.state.clone(),
            None => {
                let (state, ttl) = self.load_robots(url).await;
                *cached = Some(CachedRobots {
                    state: state.clone(),
                    expires: Instant::now() + ttl,
                });
                state
            }
        };
        drop(cached);
        let refuse = |reason: String| {
            Err(NetError::RobotsDisallowed {
                url: bounded(url.as_str()),
                reason,
            })
        };
        match state {
            RobotsState::AllowAll => Ok(()),
            RobotsState::DisallowAll(reason) => refuse(reason),
            RobotsState::Rules(rules) => {
                if let Some(delay) = rules.crawl_delay {
                    let cap = self.inner.config.politeness.max_crawl_delay;
                    if delay > cap.as_secs_f64() {
                        return refuse(format!(
                            "crawl-delay {delay}s is above the {}s cap",
                            cap.as_secs_f64()
                        ));
                    }
                    if let Some(host) = url.host_str() {
                        self.inner
                            .scheduler
                            .set_crawl_delay(host, Duration::from_secs_f64(delay));
                    }
                }
                let mut path = url.path().to_owned();
                if let Some(query) = url.query() {
                    path.push('?');
                    path.push_str(query);
                }
                if rules.is_allowed(&path) {
                    Ok(())
                } else {
                    refuse("disallowed by rule".to_owned())
                }
            }
        }
    }

    /// Fetches and interprets `/robots.txt` for `url`'s origin (RFC 9309 §2.3.1).
    fn load_robots<'a>(
        &'a self,
        url: &'a Url,
    ) -> Pin<Box<dyn Future<Output = (RobotsState, Duration)> + Send + 'a>> {
        Box::pin(async move {
            let config = &self.inner.config.robots;
            let mut robots_url = url.clone();
            robots_url.set_path("/robots.txt");
            robots_url.set_query(None);
            let mode = Mode {
                check_robots: false,
                polite: true,
                truncate: true,
                cap: config.max_bytes,
            };
            let result = self
                .fetch_hops(&robots_url, mode, None, Some("text/plain"))
                .await;
            let kind = match &result {
                Ok(fetched) => Some(fetched.outcome()),
                Err(error) => error.outcome(),
            };
            if let Some(kind) = kind {
                self.inner.counters.robots_fetches.add(kind);
            }
            let unreachable = |why: String| (RobotsState::DisallowAll(why), config.unreachable_ttl);
            match result {
                Ok(fetched) => match fetched.status {
                    200..=299 => {
                        let rules = RobotsRules::parse(&fetched.body, &config.product_token);
                        (RobotsState::Rules(Arc::new(rules)), config.ttl)
                    }
                    // Google and Nutch treat 429 as "slow down", not as "no robots.txt".
                    429 => unreachable("robots.txt answered 429".to_owned()),
                    400..=499 => (RobotsState::AllowAll, config.ttl),
                    status => unreachable(format!("robots.txt answered {status}")),
                },
                Err(error) => unreachable(format!("robots.txt unreachable: {}", error.code())),
            }
        })
    }
}

enum Hop {
    Redirect(Url),
    Final(Fetched),
}

fn finish(permit: Option<HostPermit>, feedback: HostFeedback) {
    if let Some(permit) = permit {
        permit.finish(feedback);
    }
}

fn short_header(headers: &HeaderMap, name: header::HeaderName) -> Option<String> {
    let value = headers.get(name)?.to_str().ok()?;
    (value.len() <= MAX_VALIDATOR_BYTES).then(|| value.to_owned())
}

/// The redirect target, resolved against the current URL, without its fragment.
fn location(base: &Url, headers: &HeaderMap) -> Option<Url> {
    let value = headers.get(header::LOCATION)?.to_str().ok()?;
    let mut next = base.join(value).ok()?;
    next.set_fragment(None);
    Some(next)
}

/// Reads the body, counting decompressed bytes, and stops at the cap.
async fn read_body(url: &Url, response: &mut reqwest::Response, mode: Mode) -> Result<Bytes> {
    let too_large = |bytes_read: u64| NetError::TooLarge {
        url: bounded(url.as_str()),
        limit: mode.cap,
        bytes_read,
    };
    if let Some(declared) = response.content_length()
        && declared > mode.cap
        && !mode.truncate
    {
        return Err(too_large(0));
    }
    let initial = response
        .content_length()
        .unwrap_or(8 * 1024)
        .min(mode.cap)
        .min(64 * 1024);
    let mut body = BytesMut::with_capacity(usize::try_from(initial).unwrap_or(0));
    while let Some(chunk) = response.chunk().await.map_err(|e| classify(url, &e))? {
        let room = mode.cap.saturating_sub(body.len() as u64);
        if chunk.len() as u64 > room {
            if mode.truncate {
                body.extend_from_slice(&chunk[..usize::try_from(room).unwrap_or(0)]);
                break;
            }
            return Err(too_large(body.len() as u64 + chunk.len() as u64));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}

/// Maps a reqwest error to the outcome it stands for.
fn classify(url: &Url, error: &reqwest::Error) -> NetError {
    let url_text = bounded(url.as_str());
    let mut source: Option<&(dyn StdError + 'static)> = Some(error);
    let mut io_kind = None;
    while let Some(current) = source {
        if let Some(refusal) = current.downcast_ref::<ResolverRefusal>() {
            return NetError::BlockedAddress {
                url: url_text,
                reason: refusal.0.clone(),
            };
        }
        if let Some(tls) = current.downcast_ref::<rustls::Error>() {
            return NetError::Tls {
                url: url_text,
                message: tls.to_string(),
            };
        }
        if let Some(io_error) = current.downcast_ref::<io::Error>() {
            if let Some(tls) = rustls_inside(io_error) {
                return NetError::Tls {
                    url: url_text,
                    message: tls.to_string(),
                };
            }
            io_kind.get_or_insert(io_error.kind());
        }
        source = current.source();
    }
    let message = bounded(&error_chain(error));
    if error.is_timeout() {
        let phase = if error.is_connect() {
            TimeoutPhase::Connect
        } else {
            TimeoutPhase::Read
        };
        return NetError::TimedOut {
            url: url_text,
            phase,
        };
    }
    if error.is_dns() {
        return NetError::Dns {
            url: url_text,
            message,
        };
    }
    if error.is_connect() {
        return NetError::Connection {
            url: url_text,
            message,
        };
    }
    if matches!(
        io_kind,
        Some(
            io::ErrorKind::ConnectionReset
                | io::ErrorKind::ConnectionAborted
                | io::ErrorKind::BrokenPipe
        )
    ) {
        return NetError::Connection {
            url: url_text,
            message,
        };
    }
    NetError::Protocol {
        url: url_text,
        message,
    }
}

/// The TLS error an io error carries, through the io errors that wrap it (connectors
/// wrap tokio-rustls' `InvalidData` error in another io error).
fn rustls_inside(error: &io::Error) -> Option<&rustls::Error> {
    let mut inner = error.get_ref()?;
    for _ in 0..8 {
        if let Some(tls) = inner.downcast_ref::<rustls::Error>() {
            return Some(tls);
        }
        inner = inner.downcast_ref::<io::Error>()?.get_ref()?;
    }
    None
}

fn error_chain(error: &reqwest::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    let mut depth = 0;
    while let Some(current) = source {
        if depth == 8 {
            break;
        }
        text.push_str(": ");
        text.push_str(&current.to_string());
        source = current.source();
        depth += 1;
    }
    text
}
