//! The network flags shared by commands that may fetch (`verify`, later `crawl` and `demo`),
//! and the verifier's resolver built from them over the one hardened client (`net`).

use std::num::NonZeroUsize;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context as _;
use clap::Args;
use net::{BlockingClient, FetchOptions, NetConfig, NetError, Purpose, Url};
use verify::{CachingResolver, FetchedDocument, OfflineResolver, ResolveError, Resolver};

/// `--resolve` and `--ca-cert`, as in curl: they let a web of issuer hosts with real names
/// and TLS run on loopback for tests and the demo.
#[derive(Debug, Args)]
pub(crate) struct NetworkArgs {
    /// Pin HOST:PORT to ADDR (repeatable). Pinned hosts may resolve to loopback; nothing else may.
    #[arg(long = "resolve", value_name = "HOST:PORT:ADDR")]
    pub(crate) resolve: Vec<String>,

    /// Trust this CA certificate (PEM) in addition to the built-in Mozilla root certificates.
    #[arg(long = "ca-cert", value_name = "FILE")]
    pub(crate) ca_cert: Option<PathBuf>,
}

impl NetworkArgs {
    /// The hardened client's configuration with these flags applied.
    pub(crate) fn net_config(&self) -> anyhow::Result<NetConfig> {
        let mut config = NetConfig::default().with_resolve(&self.resolve)?;
        if let Some(path) = &self.ca_cert {
            config = config.with_ca_cert_file(path)?;
        }
        config.validate()?;
        Ok(config)
    }
}

/// Documents fetched once per run, at most this many kept.
const RESOLVER_CACHE_DOCUMENTS: NonZeroUsize = NonZeroUsize::new(1024).expect("nonzero");

/// Controller and DID documents and status lists are small; this caps each fetch.
const MAX_DOCUMENT_BYTES: u64 = 2 * 1024 * 1024;

/// The resolver a command verifies with: offline, or fetching through the hardened client.
pub(crate) fn resolver(offline: bool, network: &NetworkArgs) -> anyhow::Result<Arc<dyn Resolver>> {
    if offline {
        if !network.resolve.is_empty() || network.ca_cert.is_some() {
            anyhow::bail!("--resolve and --ca-cert make no sense with --offline");
        }
        return Ok(Arc::new(OfflineResolver));
    }
    let client =
        BlockingClient::new(network.net_config()?).context("starting the network client")?;
    Ok(Arc::new(CachingResolver::new(
        NetResolver { client },
        RESOLVER_CACHE_DOCUMENTS,
    )))
}

/// The verifier's [`Resolver`] over [`BlockingClient`]. A document is only accepted from the
/// origin that was asked: a redirect to another host could hand over someone else's keys.
struct NetResolver {
    client: BlockingClient,
}

impl Resolver for NetResolver {
    fn fetch(&self, url: &str) -> Result<FetchedDocument, ResolveError> {
        let parsed =
            Url::parse(url).map_err(|error| ResolveError::Blocked(format!("{url}: {error}")))?;
        let options = FetchOptions {
            purpose: Purpose::Document,
            max_bytes: Some(MAX_DOCUMENT_BYTES),
            accept: Some(
                "application/did+json, application/ld+json, application/json;q=0.9, */*;q=0.1"
                    .to_owned(),
            ),
            ..FetchOptions::default()
        };
        let fetched = self
            .client
            .fetch(&parsed, &options)
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

fn resolve_error(error: NetError) -> ResolveError {
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
