//! The DNS side of the SSRF guard: every connection's addresses come from here.
//!
//! reqwest asks [`GuardedResolver`] for every host name it connects to (first request,
//! redirects, retries of pooled connections), so an answer in a blocked range is dropped
//! before any socket opens, and a name that rebinds between two lookups is checked again.
//! IP-literal URLs skip resolvers entirely; `AddressPolicy::check_url` covers those.

use std::future::Future;
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;
use std::sync::Arc;

use reqwest::dns::{Addrs, Name, Resolve, Resolving};

use crate::policy::{AddressPolicy, blocked_range, is_local_name};

/// Most addresses taken from one DNS answer.
const MAX_ANSWERS: usize = 16;

/// A future returned by [`HostLookup::lookup`].
pub type LookupFuture = Pin<Box<dyn Future<Output = io::Result<Vec<IpAddr>>> + Send>>;

/// Where DNS answers come from. Production uses [`SystemLookup`]; tests inject a stub
/// through `NetConfig::dns` so that no test ever asks real DNS.
pub trait HostLookup: Send + Sync + 'static {
    /// All addresses for `host` (a normalised DNS name, never an IP literal).
    fn lookup(&self, host: &str) -> LookupFuture;
}

/// The operating system's resolver (`getaddrinfo`, on tokio's blocking pool).
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemLookup;

impl HostLookup for SystemLookup {
    fn lookup(&self, host: &str) -> LookupFuture {
        let host = host.to_owned();
        Box::pin(async move {
            let addrs = tokio::net::lookup_host((host.as_str(), 0)).await?;
            Ok(addrs.map(|addr| addr.ip()).take(MAX_ANSWERS * 4).collect())
        })
    }
}

/// Why the resolver refused a name. Found again in reqwest's error chain to classify the
/// request as `blocked_address` rather than a connection error.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{0}")]
pub(crate) struct ResolverRefusal(pub(crate) String);

/// Pinned names answer their pins; other names answer DNS minus blocked ranges.
pub(crate) struct GuardedResolver {
    pub(crate) policy: Arc<AddressPolicy>,
    pub(crate) lookup: Arc<dyn HostLookup>,
}

impl GuardedResolver {
    /// The addresses a connection to `host` may use, or why there are none.
    pub(crate) async fn addresses(
        &self,
        host: &str,
    ) -> Result<Vec<IpAddr>, Box<dyn std::error::Error + Send + Sync>> {
        let host = host.trim_end_matches('.').to_ascii_lowercase();
        if let Some(pinned) = self.policy.pinned_addrs(&host) {
            return Ok(pinned);
        }
        if is_local_name(&host) {
            return Err(Box::new(ResolverRefusal(format!("local host name {host}"))));
        }
        if host.parse::<IpAddr>().is_ok() {
            // Literals are policed by the URL check; one arriving here is not expected.
            return Err(Box::new(ResolverRefusal(format!(
                "ip literal {host} reached the resolver"
            ))));
        }
        let answers = self.lookup.lookup(&host).await?;
        let mut allowed = Vec::new();
        let mut first_refusal = None;
        for ip in answers.into_iter().take(MAX_ANSWERS) {
            match blocked_range(ip) {
                None => allowed.push(ip),
                Some(range) => {
                    first_refusal
                        .get_or_insert_with(|| format!("{host} resolves to {ip} in {range}"));
                }
            }
        }
        match (allowed.is_empty(), first_refusal) {
            (false, refusal) => {
                if let Some(refusal) = refusal {
                    tracing::debug!(%refusal, "dropped blocked dns answers");
                }
                Ok(allowed)
            }
            (true, Some(refusal)) => Err(Box::new(ResolverRefusal(refusal))),
            (true, None) => Err(Box::new(io::Error::new(
                io::ErrorKind::NotFound,
                format!("no address for {host}"),
            ))),
        }
    }
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let this = GuardedResolver {
            policy: self.policy.clone(),
            lookup: self.lookup.clone(),
        };
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let addrs = this.addresses(&host).await?;
            // reqwest replaces port 0 with the URL's port.
            let addrs: Addrs = Box::new(addrs.into_iter().map(|ip| SocketAddr::new(ip, 0)));
            Ok(addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use super::*;
    use crate::policy::{AddressPolicyConfig, ResolvePin};

    /// Answers each lookup with the next answer of a script (DNS rebinding).
    struct Script(Mutex<Vec<Vec<IpAddr>>>);

    impl HostLookup for Script {
        fn lookup(&self, _host: &str) -> LookupFuture {
            let next = self
                .0
                .lock()
                .map(|mut answers| answers.remove(0))
                .unwrap_or_default();
            Box::pin(async move { Ok(next) })
        }
    }

    fn ips(list: &[&str]) -> Vec<IpAddr> {
        list.iter().map(|ip| ip.parse().expect("test ip")).collect()
    }

    #[tokio::test]
    async fn rebinding_second_answer_is_refused() {
        // Addresses are only compared, never connected to.
        let script = Script(Mutex::new(vec![
            ips(&["93.184.215.14"]),
            ips(&["127.0.0.1"]),
            ips(&["10.0.0.1", "8.8.8.8"]),
        ]));
        let resolver = GuardedResolver {
            policy: Arc::new(AddressPolicy::production()),
            lookup: Arc::new(script),
        };
        assert_eq!(
            resolver.addresses("rebind.example").await.ok(),
            Some(ips(&["93.184.215.14"]))
        );
        let second = resolver
            .addresses("rebind.example")
            .await
            .err()
            .map(|e| e.to_string());
        assert!(
            second.as_deref().is_some_and(|e| e.contains("loopback")),
            "{second:?}"
        );
        // A mixed answer keeps only the public address.
        assert_eq!(
            resolver.addresses("rebind.example").await.ok(),
            Some(ips(&["8.8.8.8"]))
        );
    }

    #[tokio::test]
    async fn pinned_hosts_skip_dns_and_may_be_loopback() {
        let config = AddressPolicyConfig {
            pins: vec![ResolvePin::parse("issuer.test:8443:127.0.0.1").expect("pin")],
            ..AddressPolicyConfig::default()
        };
        let script = Script(Mutex::new(vec![ips(&["127.0.0.1"])]));
        let resolver = GuardedResolver {
            policy: Arc::new(AddressPolicy::new(&config).expect("policy")),
            lookup: Arc::new(script),
        };
        assert_eq!(
            resolver.addresses("ISSUER.test.").await.ok(),
            Some(ips(&["127.0.0.1"]))
        );
        assert!(resolver.addresses("other.test").await.is_err());
        assert!(resolver.addresses("localhost").await.is_err());
    }
}
