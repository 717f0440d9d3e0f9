//! Verification outcomes and the per-step checks that explain them.

use std::fmt;

use serde::{Deserialize, Serialize};

/// The single, stable classification of a verification. Serialized as snake_case; tools and
/// tests match on these strings, so a variant is never renamed.
///
/// Only [`Outcome::Verified`] means "trust this". Declaration order is pipeline order (parse,
/// context, signature, key binding, proof purpose, claims, validity, status, holder), and
/// `Ord` follows it: when several checks fail, the outcome is the earliest failure in this
/// order, whatever order the checks ran in. A tampered expired credential reports
/// `invalid_signature`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Every check passed: signature, key bound to the issuer, proof purpose, validity dates,
    /// status (when the credential has one) and holder binding (for presentations).
    Verified,
    /// The input is not well-formed: bad JSON/JWT/PNG/SVG, duplicate keys, wrong types,
    /// missing required members, bad dates.
    Malformed,
    /// The input exceeds a size, depth or count limit.
    TooLarge,
    /// The input is a well-formed credential of a kind or proof suite we do not verify.
    Unsupported,
    /// A JSON-LD context is not in the pinned set (RDF suites refuse unknown contexts).
    UnknownContext,
    /// JSON-LD expansion would drop a term or keep a relative IRI: what is signed would not
    /// be what is read.
    DataLoss,
    /// No proof at all, where one is required.
    NoProof,
    /// The signature does not verify over the canonical bytes.
    InvalidSignature,
    /// The signing key could not be resolved (unknown DID method, unreachable or malformed
    /// DID document / controller document, key not found in it).
    KeyResolutionFailed,
    /// The signature is valid but the key is not bound to the issuer: not dereferenced from
    /// the issuer's controller document, not listed under `assertionMethod`
    /// (`authentication` for presentations), or its controller is not the issuer.
    UnboundKey,
    /// Open Badges 2.0 hosted assertion served from an origin the issuer does not allow.
    OriginMismatch,
    /// The proof purpose is not the one the document type requires.
    WrongProofPurpose,
    /// A presentation proof's `challenge` or `domain` does not match what the verifier asked.
    ChallengeMismatch,
    /// JWT claims disagree with the credential they carry (`iss`, `jti`, `sub`, `nbf`, `exp`).
    ClaimMismatch,
    /// The credential (or its proof) has expired.
    Expired,
    /// The credential (or its proof) is not valid yet.
    NotYetValid,
    /// The issuer revoked the credential.
    Revoked,
    /// The issuer suspended the credential.
    Suspended,
    /// The credential has a status entry whose list could not be fetched, did not verify, or
    /// was malformed. Never treated as verified.
    StatusUnknown,
    /// A presentation's holder is not the subject of a credential it carries, or the holder
    /// did not sign it.
    HolderMismatch,
    /// Integrity verified offline, but the blockchain anchor was not checked (Blockcerts).
    AnchorNotChecked,
}

impl Outcome {
    /// Every outcome, in pipeline order (for documentation and exhaustive tests).
    pub const ALL: &'static [Outcome] = &[
        Outcome::Verified,
        Outcome::Malformed,
        Outcome::TooLarge,
        Outcome::Unsupported,
        Outcome::UnknownContext,
        Outcome::DataLoss,
        Outcome::NoProof,
        Outcome::InvalidSignature,
        Outcome::KeyResolutionFailed,
        Outcome::UnboundKey,
        Outcome::OriginMismatch,
        Outcome::WrongProofPurpose,
        Outcome::ChallengeMismatch,
        Outcome::ClaimMismatch,
        Outcome::Expired,
        Outcome::NotYetValid,
        Outcome::Revoked,
        Outcome::Suspended,
        Outcome::StatusUnknown,
        Outcome::HolderMismatch,
        Outcome::AnchorNotChecked,
    ];

    /// The stable snake_case code.
    pub fn code(self) -> &'static str {
        match self {
            Outcome::Verified => "verified",
            Outcome::Malformed => "malformed",
            Outcome::TooLarge => "too_large",
            Outcome::Unsupported => "unsupported",
            Outcome::UnknownContext => "unknown_context",
            Outcome::DataLoss => "data_loss",
            Outcome::NoProof => "no_proof",
            Outcome::InvalidSignature => "invalid_signature",
            Outcome::KeyResolutionFailed => "key_resolution_failed",
            Outcome::UnboundKey => "unbound_key",
            Outcome::WrongProofPurpose => "wrong_proof_purpose",
            Outcome::ChallengeMismatch => "challenge_mismatch",
            Outcome::Expired => "expired",
            Outcome::NotYetValid => "not_yet_valid",
            Outcome::Revoked => "revoked",
            Outcome::Suspended => "suspended",
            Outcome::StatusUnknown => "status_unknown",
            Outcome::HolderMismatch => "holder_mismatch",
            Outcome::ClaimMismatch => "claim_mismatch",
            Outcome::OriginMismatch => "origin_mismatch",
            Outcome::AnchorNotChecked => "anchor_not_checked",
        }
    }

    /// A plain-words explanation for people (the CLI text format and the web UI).
    pub fn explanation(self) -> &'static str {
        match self {
            Outcome::Verified => "signature, issuer key, dates and status all check out",
            Outcome::Malformed => "the file is not a well-formed credential",
            Outcome::TooLarge => "the file exceeds a size or nesting limit",
            Outcome::Unsupported => "this kind of credential or proof is not supported",
            Outcome::UnknownContext => "it uses a JSON-LD context that is not in the pinned set",
            Outcome::DataLoss => "some signed fields have no defined meaning and would be lost",
            Outcome::NoProof => "it carries no proof at all",
            Outcome::InvalidSignature => {
                "the signature does not match the content: it was altered or mis-signed"
            }
            Outcome::KeyResolutionFailed => "the signing key could not be found",
            Outcome::UnboundKey => {
                "the signing key is not published by the issuer for issuing credentials"
            }
            Outcome::WrongProofPurpose => "the proof was made for another purpose",
            Outcome::ChallengeMismatch => {
                "the presentation was made for another challenge or domain"
            }
            Outcome::Expired => "it has expired",
            Outcome::NotYetValid => "it is not valid yet",
            Outcome::Revoked => "the issuer revoked it",
            Outcome::Suspended => "the issuer suspended it",
            Outcome::StatusUnknown => "its revocation status could not be confirmed",
            Outcome::HolderMismatch => {
                "the presenter is not the person the credential was issued to"
            }
            Outcome::ClaimMismatch => "the token's claims disagree with the credential inside it",
            Outcome::OriginMismatch => {
                "the hosted badge is served from a site the issuer does not allow"
            }
            Outcome::AnchorNotChecked => {
                "its content is intact, but the blockchain anchor was not checked"
            }
        }
    }

    /// True only for [`Outcome::Verified`].
    pub fn is_verified(self) -> bool {
        self == Outcome::Verified
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// The named steps of verification, each reported as its own [`Check`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckKind {
    /// Bytes → document: container extraction, JSON/JWT parsing, limits, data model.
    Parse,
    /// JSON-LD contexts pinned and no data loss on expansion.
    Context,
    /// The cryptographic signature over the canonical form.
    Signature,
    /// The key dereferenced from the issuer's (holder's) controller document and listed
    /// under the required verification relationship.
    KeyBinding,
    /// `proofPurpose` (`assertionMethod` for credentials, `authentication` for presentations).
    ProofPurpose,
    /// JWT claims agree with the credential.
    Claims,
    /// Validity dates of the credential and of its proofs.
    Validity,
    /// Revocation / suspension status.
    Status,
    /// Presentation holder binding, challenge and domain.
    Holder,
    /// Bundled JSON schema named in `credentialSchema`. A violation is a data-quality
    /// warning (reported to the issuer), never a verification failure: authenticity and
    /// validity do not depend on it.
    Schema,
    /// Nested credentials (CLR, presentations) verified one by one.
    Nested,
    /// Blockcerts Merkle proof and blockchain anchor.
    Anchor,
}

/// The result of one check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckResult {
    /// The check passed.
    Pass,
    /// The check failed; the credential is not verified.
    Fail,
    /// Worth knowing, but not a failure (e.g. a status list shorter than the spec's minimum).
    Warn,
    /// The check does not apply (e.g. no `credentialStatus`).
    Skip,
}

/// One explained step of a verification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Check {
    /// Which step.
    pub check: CheckKind,
    /// How it went.
    pub result: CheckResult,
    /// What exactly was checked or what went wrong, for people.
    pub detail: String,
}

impl Check {
    /// A passed check.
    pub fn pass(check: CheckKind, detail: impl Into<String>) -> Self {
        Check {
            check,
            result: CheckResult::Pass,
            detail: detail.into(),
        }
    }
    /// A failed check.
    pub fn fail(check: CheckKind, detail: impl Into<String>) -> Self {
        Check {
            check,
            result: CheckResult::Fail,
            detail: detail.into(),
        }
    }
    /// A warning.
    pub fn warn(check: CheckKind, detail: impl Into<String>) -> Self {
        Check {
            check,
            result: CheckResult::Warn,
            detail: detail.into(),
        }
    }
    /// A check that does not apply.
    pub fn skip(check: CheckKind, detail: impl Into<String>) -> Self {
        Check {
            check,
            result: CheckResult::Skip,
            detail: detail.into(),
        }
    }
}

/// What kind of credential the input carried.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    /// W3C VC 1.1 / 2.0 or Open Badges 3.0 with embedded Data Integrity proofs.
    VcDataIntegrity,
    /// VC-JWT (VC 1.1 `vc` claim) or VC-JOSE (payload is the credential).
    VcJwt,
    /// A Verifiable Presentation with an embedded proof.
    VpDataIntegrity,
    /// A Verifiable Presentation as a JWT.
    VpJwt,
    /// CLR 2.0 `ClrCredential`: an outer credential carrying nested credentials.
    Clr,
    /// Open Badges 2.0 signed assertion (JWS).
    Ob2Signed,
    /// Open Badges 2.0 hosted assertion.
    Ob2Hosted,
    /// Blockcerts v2 / v3.
    Blockcerts,
    /// Not recognised.
    Unknown,
}

/// How the credential was packaged in the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Container {
    /// JSON or JSON-LD document.
    Json,
    /// Compact JWS / JWT.
    Jwt,
    /// Baked into a PNG `iTXt` chunk.
    Png,
    /// Baked into an SVG `<openbadges:credential>` element.
    Svg,
}

/// One proof as found and judged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProofSummary {
    /// `type` (e.g. `DataIntegrityProof`) or the JOSE `alg` for JWTs.
    #[serde(rename = "type")]
    pub proof_type: String,
    /// `cryptosuite`, when present.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cryptosuite: Option<String>,
    /// `verificationMethod` or JOSE `kid`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verification_method: Option<String>,
    /// `proofPurpose`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub proof_purpose: Option<String>,
    /// `created`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created: Option<String>,
    /// This proof's own outcome.
    pub outcome: Outcome,
}
