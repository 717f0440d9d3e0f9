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

mod blockcerts;
mod container;
mod contexts;
mod credential;
mod data_integrity;
mod data_model;
mod error;
mod identity;
mod jcs;
mod jose;
mod json;
mod keys;
mod nested;
mod ob2;
mod presentation;
mod report;
mod resolver;
mod session;
mod signing;
mod status;
#[cfg(test)]
mod tests;
mod util;

use std::sync::Arc;

use model::{Check, CheckKind, Container, Format, Outcome};
use serde_json::Value;
use time::OffsetDateTime;

use crate::json::JsonError;
use crate::session::{Engine, Session};

pub use error::Error;
pub use identity::{identity_hash, identity_hash_matches};
pub use report::{VerificationReport, VerifiedDocument};
pub use resolver::{
    CachingResolver, FetchedDocument, OfflineResolver, ResolveError, Resolver, StaticResolver,
};
pub use signing::{
    ProofOptions, SigningSuite, did_key, encode_status_list, multikey, sign_compact_jws,
};

/// Size, depth and count limits applied before any expensive work.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest input accepted (bytes): a JSON document or JWT, and the credential baked
    /// into an image.
    pub max_input_bytes: usize,
    /// Largest PNG or SVG badge accepted (bytes): images are larger than the credential
    /// they carry.
    pub max_image_bytes: usize,
    /// Deepest JSON nesting accepted.
    pub max_json_depth: usize,
    /// Most proofs on one document.
    pub max_proofs: usize,
    /// Most nested credentials (CLR, presentations).
    pub max_nested_credentials: usize,
    /// Largest decompressed status list (bytes).
    pub max_status_list_bytes: usize,
    /// RDFC-1.0 Hash N-Degree Quads call budget per canonicalization (poison graphs).
    pub max_canon_hndq_calls: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_input_bytes: 1 << 20,
            max_image_bytes: 8 << 20,
            max_json_depth: 64,
            max_proofs: 32,
            max_nested_credentials: 256,
            max_status_list_bytes: 16 << 20,
            max_canon_hndq_calls: 4_000,
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
        VerifyOptions {
            now,
            challenge: None,
            domain: None,
        }
    }
}

/// Verifies credentials. Share one across threads (`&self` everywhere): it holds the pinned
/// JSON-LD contexts, the processed-context cache, decoded keys and verified status lists.
pub struct Verifier {
    engine: Engine,
    resolver: Arc<dyn Resolver>,
}

impl Verifier {
    /// A verifier with the pinned contexts and default limits.
    pub fn new(resolver: Arc<dyn Resolver>) -> Self {
        Self::with_limits(resolver, Limits::default())
    }

    /// A verifier with the given limits.
    pub fn with_limits(resolver: Arc<dyn Resolver>, limits: Limits) -> Self {
        let contexts = contexts::PinnedContexts::shared();
        let jsonld_options = jsonld::Options {
            max_depth: limits.max_json_depth,
            hndq_call_limit: limits.max_canon_hndq_calls,
            ..jsonld::Options::default()
        };
        Verifier {
            engine: Engine {
                jsonld: jsonld::Processor::new(Arc::new(contexts), jsonld_options),
                keys: keys::KeyResolver::new(limits.max_json_depth),
                status_lists: status::StatusListCache::new(),
                limits,
                contexts,
            },
            resolver,
        }
    }

    /// The limits in force.
    pub fn limits(&self) -> &Limits {
        &self.engine.limits
    }

    /// Verifies one input: a JSON/JSON-LD document, a compact JWT, or a PNG/SVG badge.
    /// Never panics on input and never returns `Err`: every failure is an outcome.
    pub fn verify(&self, input: &[u8], options: &VerifyOptions) -> VerificationReport {
        // Every path seals its own report; sealing again here makes "verified" impossible
        // without an established binding even on a path that forgot to.
        let mut report = self.verify_unsealed(input, options).seal();
        report.original = Some(Arc::from(input));
        report
    }

    fn verify_unsealed(&self, input: &[u8], options: &VerifyOptions) -> VerificationReport {
        let session = Session {
            engine: &self.engine,
            resolver: self.resolver.as_ref(),
            options,
            depth: 0,
        };
        let sniffed = sniff(input);
        let max_bytes = match sniffed {
            Sniffed::Png | Sniffed::Svg => self.engine.limits.max_image_bytes,
            Sniffed::Json | Sniffed::Jwt | Sniffed::Unknown => self.engine.limits.max_input_bytes,
        };
        if input.len() > max_bytes {
            let detail = format!("input is {} bytes, the limit is {max_bytes}", input.len());
            return VerificationReport::rejected(
                sniffed.container(),
                Outcome::TooLarge,
                Check::fail(CheckKind::Parse, detail),
            );
        }
        match sniffed {
            Sniffed::Json => verify_json_bytes(&session, input, Container::Json),
            Sniffed::Jwt => jose::verify_compact(&session, input),
            Sniffed::Png => match container::extract_png(input, self.engine.limits.max_input_bytes)
            {
                Ok(extracted) => verify_baked(&session, &extracted, Container::Png),
                Err(failure) => failure.into_report(Container::Png),
            },
            Sniffed::Svg => match container::extract_svg(input, self.engine.limits.max_input_bytes)
            {
                Ok(extracted) => verify_baked(&session, &extracted, Container::Svg),
                Err(failure) => failure.into_report(Container::Svg),
            },
            Sniffed::Unknown => VerificationReport::rejected(
                Container::Json,
                Outcome::Malformed,
                Check::fail(CheckKind::Parse, "not JSON, a compact JWT, a PNG or an SVG"),
            ),
        }
    }
}

/// What the first bytes of an input say it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sniffed {
    Json,
    Jwt,
    Png,
    Svg,
    Unknown,
}

impl Sniffed {
    fn container(self) -> Container {
        match self {
            Sniffed::Jwt => Container::Jwt,
            Sniffed::Png => Container::Png,
            Sniffed::Svg => Container::Svg,
            Sniffed::Json | Sniffed::Unknown => Container::Json,
        }
    }
}

fn sniff(input: &[u8]) -> Sniffed {
    const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";
    if input.starts_with(PNG_SIGNATURE) {
        return Sniffed::Png;
    }
    let text = input.strip_prefix("\u{feff}".as_bytes()).unwrap_or(input);
    let first = text
        .iter()
        .position(|byte| !byte.is_ascii_whitespace())
        .map(|index| text[index]);
    match first {
        // A BOM before JSON is refused by the JSON parser itself (reliability A19).
        Some(b'{' | b'[') => Sniffed::Json,
        Some(b'<') => Sniffed::Svg,
        Some(b'e') if text.iter().filter(|&&byte| byte == b'.').count() == 2 => Sniffed::Jwt,
        _ if input.starts_with("\u{feff}".as_bytes()) => Sniffed::Json,
        _ => Sniffed::Unknown,
    }
}

fn verify_json_bytes(
    session: &Session<'_>,
    bytes: &[u8],
    container: Container,
) -> VerificationReport {
    match json::parse_strict(bytes, session.limits().max_json_depth) {
        Ok(document) => verify_document(session, Arc::new(document), container),
        Err(JsonError::TooDeep(limit)) => VerificationReport::rejected(
            container,
            Outcome::TooLarge,
            Check::fail(
                CheckKind::Parse,
                format!("JSON nested deeper than {limit} levels"),
            ),
        ),
        Err(error) => VerificationReport::rejected(
            container,
            Outcome::Malformed,
            Check::fail(CheckKind::Parse, error.to_string()),
        ),
    }
}

/// Routes a parsed JSON document to the verifier of its kind.
fn verify_document(
    session: &Session<'_>,
    document: Arc<Value>,
    container: Container,
) -> VerificationReport {
    let Some(object) = document.as_object() else {
        return VerificationReport::rejected(
            container,
            Outcome::Malformed,
            Check::fail(CheckKind::Parse, "a credential is a JSON object"),
        );
    };
    if ob2::is_ob2_assertion(object) {
        return ob2::verify_hosted(session, document, container);
    }
    if blockcerts::is_blockcerts(object) {
        return blockcerts::verify(session, document, container);
    }
    if data_model::has_type(object, "VerifiablePresentation") {
        return presentation::verify(session, document, container);
    }
    if data_model::has_type(object, "VerifiableCredential") {
        return credential::verify(session, document, container);
    }
    if data_model::has_type(object, "EnvelopedVerifiableCredential") {
        let mut report = VerificationReport::new(Format::VcJwt, container);
        nested::verify_members(session, &[document.as_ref()], &mut report);
        if let Some(inner) = report.nested.pop() {
            return inner;
        }
        return report;
    }
    // JSON-LD of another kind (a capability, a DID document) is well-formed but not ours to
    // verify. A document on the VC base context that is neither a credential nor a
    // presentation breaks the data model, and plain JSON that claims nothing is malformed.
    let claims_vc_model = data_model::vc_version(object).is_ok();
    let linked_data =
        !claims_vc_model && (object.contains_key("@context") || object.contains_key("proof"));
    let mut report = VerificationReport::new(Format::Unknown, container);
    report.record(
        Check::fail(
            CheckKind::Parse,
            "not a verifiable credential, presentation, Open Badges 2.0 assertion or Blockcerts certificate",
        ),
        if linked_data { Outcome::Unsupported } else { Outcome::Malformed },
    );
    report
}

/// A baked badge carries a JSON credential, a compact JWS, or (OB 2.0 hosted, OB 1.x) the
/// URL of the assertion.
fn verify_baked(
    session: &Session<'_>,
    extracted: &container::Extracted,
    container: Container,
) -> VerificationReport {
    let trimmed = extracted.payload.trim();
    let mut report = if trimmed.starts_with('{') {
        verify_json_bytes(session, trimmed.as_bytes(), container)
    } else if trimmed.starts_with("https://") || trimmed.starts_with("http://") {
        ob2::verify_hosted_url(session, trimmed, container)
    } else {
        jose::verify_compact_in(session, trimmed.as_bytes(), container)
    };
    extracted.annotate(container, &mut report);
    report
}

/// Maps a JSON-LD processing error to its outcome.
pub(crate) fn jsonld_outcome(error: &jsonld::Error) -> Outcome {
    match error.code() {
        "unknown_context" => Outcome::UnknownContext,
        "data_loss" => Outcome::DataLoss,
        "limit_exceeded" | "canon_limit_exceeded" => Outcome::TooLarge,
        _ => Outcome::Malformed,
    }
}
