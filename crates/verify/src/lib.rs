//! Offline, deterministic verification of learning credentials (layer L1).
//!
//! Design decision: the verifier trusts nothing it did not check itself. A signature only
//! counts when its key was *dereferenced* from the issuer's own controller document and is
//! listed there under `assertionMethod`; a key read from a URL fragment or a JOSE `jwk`
//! header alone is `unbound_key`. A status list that cannot be fetched or does not verify
//! makes the credential `status_unknown`. Same bytes, same pinned contexts, same resolver
//! answers and same clock give the same [`VerificationReport`].
//!
//! Entry point: [`Verifier::verify`] takes raw bytes (JSON, JSON-LD, compact JWT, PNG, SVG)
//! and returns a report; failures are outcomes, not `Err`.

#![warn(missing_docs)]

mod report;
mod resolver;

use std::sync::Arc;

use model::{Check, CheckKind, Container, Outcome};
use time::OffsetDateTime;

pub use report::VerificationReport;
pub use resolver::{
    CachingResolver, FetchedDocument, OfflineResolver, ResolveError, Resolver, StaticResolver,
};

/// Size, depth and count limits applied before any expensive work.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest input accepted (bytes), whatever the container.
    pub max_input_bytes: usize,
    /// Deepest JSON nesting accepted.
    pub max_json_depth: usize,
    /// Most proofs on one document.
    pub max_proofs: usize,
    /// Most nested credentials (CLR, presentations).
    pub max_nested_credentials: usize,
    /// Largest decompressed status list (bytes).
    pub max_status_list_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_input_bytes: 1 << 20,
            max_json_depth: 64,
            max_proofs: 32,
            max_nested_credentials: 256,
            max_status_list_bytes: 16 << 20,
        }
    }
}

/// Per-call options.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifyOptions {
    /// The instant validity and status are judged at. Injected, never read from the clock
    /// inside the verifier.
    pub now: OffsetDateTime,
    /// For presentations: the challenge the verifier issued, which the proof must carry.
    pub challenge: Option<String>,
    /// For presentations: the domain the proof must be bound to.
    pub domain: Option<String>,
}

impl VerifyOptions {
    /// Options judged at `now`, with no presentation challenge or domain.
    pub fn at(now: OffsetDateTime) -> Self {
        VerifyOptions { now, challenge: None, domain: None }
    }
}

/// Verifies credentials. Cheap to share across threads (`&self` everywhere); holds the
/// pinned JSON-LD contexts and their processed-context cache.
pub struct Verifier {
    resolver: Arc<dyn Resolver>,
    limits: Limits,
}

impl Verifier {
    /// A verifier with the pinned contexts and default limits.
    pub fn new(resolver: Arc<dyn Resolver>) -> Self {
        Verifier { resolver, limits: Limits::default() }
    }

    /// Replaces the limits.
    pub fn with_limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// The limits in force.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// Verifies one input: a JSON/JSON-LD document, a compact JWT, or a PNG/SVG badge.
    pub fn verify(&self, input: &[u8], _options: &VerifyOptions) -> VerificationReport {
        let _ = &self.resolver;
        if input.len() > self.limits.max_input_bytes {
            return VerificationReport::rejected(
                Container::Json,
                Outcome::TooLarge,
                Check::fail(
                    CheckKind::Parse,
                    format!(
                        "input is {} bytes, the limit is {}",
                        input.len(),
                        self.limits.max_input_bytes
                    ),
                ),
            );
        }
        VerificationReport::rejected(
            Container::Json,
            Outcome::Unsupported,
            Check::fail(CheckKind::Parse, "not recognised yet"),
        )
    }
}
