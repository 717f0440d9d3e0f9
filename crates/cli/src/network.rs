//! The network flags shared by commands that may fetch (`verify`, later `crawl` and `demo`),
//! and the verifier's resolver built from them over the one hardened client (`net`).

use std::num::NonZeroUsize;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context as _;
use clap::Args;
use crawl::NetResolver;
use net::{BlockingClient, NetConfig};
use verify::{CachingResolver, OfflineResolver, Resolver};

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

/// The resolver a command verifies with: offline, or fetching through the hardened client
/// (the crawler's resolver, over the blocking adapter).
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
        NetResolver::blocking(client),
        RESOLVER_CACHE_DOCUMENTS,
    )))
}
