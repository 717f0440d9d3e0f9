//! `NetConfig`: every knob of the client, with production defaults and validation.

use std::fmt;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use crate::error::NetError;
use crate::policy::{AddressPolicyConfig, ResolvePin};
use crate::resolve::HostLookup;

/// Product token: the `User-Agent` prefix and the robots.txt group we obey.
pub const PRODUCT_TOKEN: &str = "skillproof";

/// RFC 9309 §2.5: a parse limit must be at least 500 KiB.
pub const ROBOTS_MIN_PARSE_BYTES: u64 = 500 * 1024;

/// Largest CA file read for `--ca-cert`.
const MAX_CA_FILE_BYTES: u64 = 1024 * 1024;

/// The default `User-Agent`: product and version. Operators who crawl add a contact URL
/// with [`NetConfig::with_contact_url`] (it is not invented here).
pub fn default_user_agent() -> String {
    format!(
        "{PRODUCT_TOKEN}/{} (verified learning credentials search)",
        env!("CARGO_PKG_VERSION")
    )
}

/// robots.txt handling (RFC 9309).
#[derive(Debug, Clone, PartialEq)]
pub struct RobotsConfig {
    /// The product token matched against `User-agent` lines (case-insensitive).
    pub product_token: String,
    /// How long a fetched robots.txt (or a 4xx "allow all") is trusted. RFC 9309: ≤ 24 h.
    pub ttl: Duration,
    /// How long an unreachable robots.txt (5xx, 429, network error) means "disallow all"
    /// before it is fetched again (RFC 9309 §2.3.1.4).
    pub unreachable_ttl: Duration,
    /// Bytes of robots.txt parsed; the rest is ignored. At least 500 KiB.
    pub max_bytes: u64,
    /// Origins whose robots.txt is cached (LRU).
    pub max_origins: usize,
}

impl Default for RobotsConfig {
    fn default() -> Self {
        RobotsConfig {
            product_token: PRODUCT_TOKEN.to_owned(),
            ttl: Duration::from_secs(12 * 3600),
            unreachable_ttl: Duration::from_secs(10 * 60),
            max_bytes: ROBOTS_MIN_PARSE_BYTES,
            max_origins: 10_000,
        }
    }
}

/// Per-host politeness for crawl fetches.
#[derive(Debug, Clone, PartialEq)]
pub struct PolitenessConfig {
    /// Least time between the end of one request to a host and the start of the next.
    pub min_delay: Duration,
    /// Largest robots.txt `Crawl-delay` honoured; a host asking for more is not crawled.
    pub max_crawl_delay: Duration,
    /// First backoff after a 429, 5xx or transport failure; doubles per consecutive failure.
    pub backoff_base: Duration,
    /// Largest backoff.
    pub backoff_max: Duration,
    /// Largest `Retry-After` honoured (longer values are clamped to it).
    pub max_retry_after: Duration,
    /// Seed of the backoff jitter; `None` seeds from the clock. Tests fix it.
    pub jitter_seed: Option<u64>,
    /// Hosts whose state is remembered (LRU).
    pub max_hosts: usize,
}

impl Default for PolitenessConfig {
    fn default() -> Self {
        PolitenessConfig {
            min_delay: Duration::from_secs(1),
            max_crawl_delay: Duration::from_secs(30),
            backoff_base: Duration::from_secs(2),
            backoff_max: Duration::from_secs(600),
            max_retry_after: Duration::from_secs(3600),
            jitter_seed: None,
            max_hosts: 65_536,
        }
    }
}

/// Configuration of a [`crate::Client`]. `Default` is the production configuration:
/// https only, public addresses only, system DNS, Mozilla roots, no proxy.
#[derive(Clone)]
pub struct NetConfig {
    /// Sent on every request.
    pub user_agent: String,
    /// `--resolve HOST:PORT:ADDR` pins; the only way to reach loopback.
    pub pins: Vec<ResolvePin>,
    /// Extra trust anchors (`--ca-cert`), PEM. Verification is never turned off.
    pub extra_roots_pem: Vec<Vec<u8>>,
    /// Allow `http:` (tests, Open Badges 2.0 hosted assertions). Redirects never downgrade.
    pub allow_http: bool,
    /// Allow public IP-literal hosts. Blocked ranges stay blocked either way.
    pub allow_ip_literals: bool,
    /// DNS answers come from here; `None` is the system resolver.
    pub dns: Option<Arc<dyn HostLookup>>,
    /// An explicit proxy URL. Never taken from the environment. With a proxy, the proxy
    /// resolves target names, so only the URL checks (not the DNS filter) guard targets.
    pub proxy: Option<String>,
    /// Redirects followed per fetch; each hop is checked again.
    pub max_redirects: usize,
    /// Default body cap (bytes, after decompression); `FetchOptions::max_bytes` may lower it.
    pub max_body_bytes: u64,
    /// Most response headers accepted.
    pub max_headers: usize,
    /// TCP connect deadline.
    pub connect_timeout: Duration,
    /// Idle deadline: the longest wait for the next bytes of the head or body.
    pub read_timeout: Duration,
    /// Deadline of a whole fetch (all hops, bodies included; politeness waits excluded).
    pub total_timeout: Duration,
    /// URLs whose `ETag` / `Last-Modified` are remembered (LRU).
    pub max_remembered_validators: usize,
    /// robots.txt handling.
    pub robots: RobotsConfig,
    /// Per-host politeness.
    pub politeness: PolitenessConfig,
}

impl Default for NetConfig {
    fn default() -> Self {
        NetConfig {
            user_agent: default_user_agent(),
            pins: Vec::new(),
            extra_roots_pem: Vec::new(),
            allow_http: false,
            allow_ip_literals: false,
            dns: None,
            proxy: None,
            max_redirects: 5,
            max_body_bytes: 4 * 1024 * 1024,
            max_headers: 64,
            connect_timeout: Duration::from_secs(10),
            read_timeout: Duration::from_secs(15),
            total_timeout: Duration::from_secs(30),
            max_remembered_validators: 100_000,
            robots: RobotsConfig::default(),
            politeness: PolitenessConfig::default(),
        }
    }
}

impl fmt::Debug for NetConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NetConfig")
            .field("user_agent", &self.user_agent)
            .field("pins", &self.pins)
            .field("extra_roots", &self.extra_roots_pem.len())
            .field("allow_http", &self.allow_http)
            .field("allow_ip_literals", &self.allow_ip_literals)
            .field("dns", &self.dns.as_ref().map_or("system", |_| "custom"))
            .field("proxy", &self.proxy)
            .field("max_redirects", &self.max_redirects)
            .field("max_body_bytes", &self.max_body_bytes)
            .field("max_headers", &self.max_headers)
            .field("connect_timeout", &self.connect_timeout)
            .field("read_timeout", &self.read_timeout)
            .field("total_timeout", &self.total_timeout)
            .field("robots", &self.robots)
            .field("politeness", &self.politeness)
            .finish_non_exhaustive()
    }
}

impl NetConfig {
    /// Adds `--resolve` pins given as curl's `HOST:PORT:ADDR` strings.
    pub fn with_resolve<S: AsRef<str>>(
        mut self,
        pins: impl IntoIterator<Item = S>,
    ) -> Result<Self, NetError> {
        for pin in pins {
            self.pins.push(ResolvePin::parse(pin.as_ref())?);
        }
        Ok(self)
    }

    /// Adds the PEM file at `path` as a trust anchor (`--ca-cert`).
    pub fn with_ca_cert_file(mut self, path: &Path) -> Result<Self, NetError> {
        let refuse =
            |why: String| NetError::InvalidConfig(format!("--ca-cert {}: {why}", path.display()));
        let meta = std::fs::metadata(path).map_err(|e| refuse(e.to_string()))?;
        if meta.len() > MAX_CA_FILE_BYTES {
            return Err(refuse(format!("larger than {MAX_CA_FILE_BYTES} bytes")));
        }
        self.extra_roots_pem
            .push(std::fs::read(path).map_err(|e| refuse(e.to_string()))?);
        Ok(self)
    }

    /// Names a contact page in the `User-Agent`, as polite crawlers do:
    /// `skillproof/<version> (+URL)`.
    pub fn with_contact_url(mut self, url: &str) -> Self {
        self.user_agent = format!("{PRODUCT_TOKEN}/{} (+{url})", env!("CARGO_PKG_VERSION"));
        self
    }

    pub(crate) fn address_policy_config(&self) -> AddressPolicyConfig {
        AddressPolicyConfig {
            pins: self.pins.clone(),
            allow_http: self.allow_http,
            allow_ip_literals: self.allow_ip_literals,
        }
    }

    /// Refuses values that would unbound something or break an invariant.
    pub fn validate(&self) -> Result<(), NetError> {
        let refuse = |why: &str| Err(NetError::InvalidConfig(why.to_owned()));
        let visible_ascii = |s: &str| {
            !s.is_empty() && s.len() <= 512 && s.bytes().all(|b| (0x20..0x7f).contains(&b))
        };
        if !visible_ascii(&self.user_agent) {
            return refuse("user agent must be 1-512 visible ascii characters");
        }
        if self.max_redirects > 20 {
            return refuse("max_redirects above 20");
        }
        if self.max_body_bytes == 0 || self.max_body_bytes > 1 << 30 {
            return refuse("max_body_bytes must be within 1 byte..1 GiB");
        }
        if !(8..=512).contains(&self.max_headers) {
            return refuse("max_headers must be within 8..512");
        }
        for (name, value) in [
            ("connect_timeout", self.connect_timeout),
            ("read_timeout", self.read_timeout),
            ("total_timeout", self.total_timeout),
        ] {
            if value.is_zero() || value > Duration::from_secs(3600) {
                return Err(NetError::InvalidConfig(format!(
                    "{name} must be within 0..1h"
                )));
            }
        }
        let robots = &self.robots;
        if !robots
            .product_token
            .bytes()
            .all(|b| b.is_ascii_alphabetic() || b == b'_' || b == b'-')
            || robots.product_token.is_empty()
        {
            return refuse("robots product token must be letters, '_' and '-' (RFC 9309)");
        }
        if robots.max_bytes < ROBOTS_MIN_PARSE_BYTES || robots.max_bytes > 16 << 20 {
            return refuse("robots max_bytes must be within 500 KiB..16 MiB (RFC 9309 §2.5)");
        }
        if robots.ttl > Duration::from_secs(24 * 3600) || robots.ttl.is_zero() {
            return refuse("robots ttl must be within 0..24h (RFC 9309 §2.4)");
        }
        if robots.unreachable_ttl.is_zero() || robots.max_origins == 0 {
            return refuse("robots unreachable_ttl and max_origins must be positive");
        }
        let politeness = &self.politeness;
        if politeness.max_hosts == 0 || self.max_remembered_validators == 0 {
            return refuse("max_hosts and max_remembered_validators must be positive");
        }
        if politeness.backoff_max < politeness.backoff_base {
            return refuse("backoff_max below backoff_base");
        }
        for pin in &self.pins {
            pin.validate()?;
        }
        if self.extra_roots_pem.len() > 64 {
            return refuse("more than 64 extra trust anchors files");
        }
        Ok(())
    }
}
