//! The network flags shared by commands that may fetch (`verify`, later `crawl` and `demo`),
//! and the verifier's resolver built from them.

use std::num::NonZeroUsize;
use std::path::PathBuf;
use std::sync::Arc;

use clap::Args;
use verify::{CachingResolver, OfflineResolver, Resolver};

/// `--resolve` and `--ca-cert`, as in curl: they let a web of issuer hosts with real names
/// and TLS run on loopback for tests and the demo.
#[derive(Debug, Args)]
pub(crate) struct NetworkArgs {
    /// Pin HOST:PORT to ADDR (repeatable). Pinned hosts may resolve to loopback; nothing else may.
    #[arg(long = "resolve", value_name = "HOST:PORT:ADDR")]
    pub(crate) resolve: Vec<String>,

    /// Trust this CA certificate (PEM) in addition to the system roots.
    #[arg(long = "ca-cert", value_name = "FILE")]
    pub(crate) ca_cert: Option<PathBuf>,
}

/// Documents fetched once per run, at most this many kept.
const RESOLVER_CACHE_DOCUMENTS: NonZeroUsize = NonZeroUsize::new(1024).expect("nonzero");

/// The resolver a command verifies with: offline, or fetching through the hardened client.
pub(crate) fn resolver(offline: bool, network: &NetworkArgs) -> anyhow::Result<Arc<dyn Resolver>> {
    if offline {
        if !network.resolve.is_empty() || network.ca_cert.is_some() {
            anyhow::bail!("--resolve and --ca-cert make no sense with --offline");
        }
        return Ok(Arc::new(OfflineResolver));
    }
    let _ = RESOLVER_CACHE_DOCUMENTS;
    let _ = CachingResolver::<OfflineResolver>::new;
    anyhow::bail!("fetching is not available yet in this build: use --offline")
}
