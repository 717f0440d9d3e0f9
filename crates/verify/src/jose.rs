//! VC-JWT (VC 1.1 `vc` / `vp` claims, Open Badges 3.0 §8.2) and VC-JOSE (VC 2.0: the payload
//! is the credential), as compact JWS.
//!
//! The algorithm is pinned by the key, never read from the token alone: `alg` must be on the
//! allow-list (`EdDSA`, `RS256`, `ES256`) *and* match the type of the key the issuer
//! publishes. `none` and HMAC are refused outright. A key carried in the JOSE header (`jwk`)
//! proves integrity only; it is bound only if the issuer publishes the same key.

use std::sync::Arc;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use model::{Check, CheckKind, Container, Format, Outcome, ProofSummary};
use serde_json::{Map, Value};
use time::OffsetDateTime;

use crate::data_model::{self, CLOCK_SKEW};
use crate::json::{JsonError, parse_strict};
use crate::keys::{Binding, LookupRequest, PublicKey, Relationship, decode_jwk};
use crate::report::VerificationReport;
use crate::session::Session;
use crate::util::{format_datetime, parse_datetime, string_member};

/// Largest JOSE header accepted (reliability B9).
const MAX_HEADER_BYTES: usize = 8 * 1024;

/// Header parameters we understand; anything else marked critical is refused.
const ALLOWED_TYPES: &[&str] = &[
    "JWT",
    "vc+jwt",
    "vp+jwt",
    "vc+ld+jwt",
    "vp+ld+jwt",
    "application/vc+jwt",
    "application/vp+jwt",
    "application/vc+ld+jwt",
];

/// A compact JWS split and decoded, not yet verified.
pub(crate) struct CompactJws<'a> {
    pub(crate) header: Map<String, Value>,
    pub(crate) payload: Vec<u8>,
    signing_input: &'a [u8],
    signature: Vec<u8>,
}

/// Why bytes are not a usable compact JWS.
pub(crate) enum JwsError {
    Malformed(String),
    TooLarge(String),
}

impl CompactJws<'_> {
    pub(crate) fn parse(compact: &[u8], max_depth: usize) -> Result<CompactJws<'_>, JwsError> {
        let compact = trim_ascii(compact);
        let mut segments = compact.split(|&byte| byte == b'.');
        let (Some(header), Some(payload), Some(signature), None) = (
            segments.next(),
            segments.next(),
            segments.next(),
            segments.next(),
        ) else {
            return Err(JwsError::Malformed(
                "a compact JWS has exactly three segments".to_owned(),
            ));
        };
        if header.len() > MAX_HEADER_BYTES * 4 / 3 + 4 {
            return Err(JwsError::TooLarge(format!(
                "the JOSE header exceeds {MAX_HEADER_BYTES} bytes"
            )));
        }
        let decode = |segment: &[u8], name: &str| {
            URL_SAFE_NO_PAD.decode(segment).map_err(|error| {
                JwsError::Malformed(format!("the {name} is not base64url: {error}"))
            })
        };
        let header_bytes = decode(header, "header")?;
        let header = match parse_strict(&header_bytes, max_depth) {
            Ok(Value::Object(header)) => header,
            Ok(_) => {
                return Err(JwsError::Malformed(
                    "the JOSE header is not a JSON object".to_owned(),
                ));
            }
            Err(JsonError::TooDeep(limit)) => {
                return Err(JwsError::TooLarge(format!(
                    "the JOSE header nests deeper than {limit}"
                )));
            }
            Err(error) => return Err(JwsError::Malformed(format!("JOSE header: {error}"))),
        };
        Ok(CompactJws {
            header,
            payload: decode(payload, "payload")?,
            signing_input: &compact[..compact.len() - signature.len() - 1],
            signature: decode(signature, "signature")?,
        })
    }

    pub(crate) fn algorithm(&self) -> Option<&str> {
        string_member(&self.header, "alg")
    }

    /// Verifies the signature with `key`, requiring `alg` to be allowed and to match the key.
    pub(crate) fn verify_signature(&self, key: &PublicKey) -> Result<(), String> {
        let algorithm = self.algorithm().unwrap_or_default();
        match (algorithm, key) {
            ("EdDSA" | "Ed25519", PublicKey::Ed25519(key)) => {
                let signature: [u8; 64] = self
                    .signature
                    .as_slice()
                    .try_into()
                    .map_err(|_| "an EdDSA signature has 64 bytes".to_owned())?;
                key.verify_strict(
                    self.signing_input,
                    &ed25519_dalek::Signature::from_bytes(&signature),
                )
                .map_err(|_| "the EdDSA signature does not match".to_owned())
            }
            ("ES256", PublicKey::P256(key)) => {
                use p256::ecdsa::signature::Verifier as _;
                let signature = p256::ecdsa::Signature::from_slice(&self.signature)
                    .map_err(|_| "an ES256 signature is 64 bytes r‖s".to_owned())?;
                key.verify(self.signing_input, &signature)
                    .map_err(|_| "the ES256 signature does not match".to_owned())
            }
            ("RS256", PublicKey::Rsa(key)) => {
                use rsa::signature::Verifier as _;
                let verifying_key =
                    rsa::pkcs1v15::VerifyingKey::<sha2::Sha256>::new((**key).clone());
                let signature = rsa::pkcs1v15::Signature::try_from(self.signature.as_slice())
                    .map_err(|_| "malformed RS256 signature".to_owned())?;
                verifying_key
                    .verify(self.signing_input, &signature)
                    .map_err(|_| "the RS256 signature does not match".to_owned())
            }
            ("EdDSA" | "Ed25519" | "ES256" | "RS256", key) => Err(format!(
                "alg {algorithm} does not match the issuer's {} key (algorithm confusion)",
                key.kind()
            )),
            (other, _) => Err(format!("alg {other:?} is not accepted")),
        }
    }
}

fn trim_ascii(bytes: &[u8]) -> &[u8] {
    // Files end with a newline; whitespace inside a token is still an error.
    let start = bytes
        .iter()
        .position(|byte| !byte.is_ascii_whitespace())
        .unwrap_or(bytes.len());
    let end = bytes
        .iter()
        .rposition(|byte| !byte.is_ascii_whitespace())
        .map_or(start, |index| index + 1);
    &bytes[start..end]
}

/// Verifies a compact JWS carrying a credential or a presentation.
pub(crate) fn verify_compact(session: &Session<'_>, compact: &[u8]) -> VerificationReport {
    verify_compact_in(session, compact, Container::Jwt)
}

pub(crate) fn verify_compact_in(
    session: &Session<'_>,
    compact: &[u8],
    container: Container,
) -> VerificationReport {
    let jws = match CompactJws::parse(compact, session.limits().max_json_depth) {
        Ok(jws) => jws,
        Err(JwsError::Malformed(problem)) => {
            return VerificationReport::rejected(
                container,
                Outcome::Malformed,
                Check::fail(CheckKind::Parse, problem),
            );
        }
        Err(JwsError::TooLarge(problem)) => {
            return VerificationReport::rejected(
                container,
                Outcome::TooLarge,
                Check::fail(CheckKind::Parse, problem),
            );
        }
    };
    let payload = match parse_strict(&jws.payload, session.limits().max_json_depth) {
        Ok(Value::Object(payload)) => payload,
        Ok(_) => {
            return VerificationReport::rejected(
                container,
                Outcome::Malformed,
                Check::fail(CheckKind::Parse, "the JWT payload is not a JSON object"),
            );
        }
        Err(JsonError::TooDeep(limit)) => {
            return VerificationReport::rejected(
                container,
                Outcome::TooLarge,
                Check::fail(
                    CheckKind::Parse,
                    format!("the JWT payload nests deeper than {limit}"),
                ),
            );
        }
        Err(error) => {
            return VerificationReport::rejected(
                container,
                Outcome::Malformed,
                Check::fail(CheckKind::Parse, format!("JWT payload: {error}")),
            );
        }
    };
    if crate::ob2::is_ob2_assertion(&payload) {
        return crate::ob2::verify_signed(session, &jws, payload, container);
    }
    let presentation = payload.get("vp").and_then(Value::as_object).is_some()
        || payload.get("vc").is_none() && data_model::has_type(&payload, "VerifiablePresentation");
    if presentation {
        verify_presentation_jwt(session, &jws, payload, container)
    } else {
        verify_credential_jwt(session, &jws, payload, container)
    }
}

/// Registered claims, in seconds since the epoch.
struct Claims<'a> {
    issuer: Option<&'a str>,
    subject: Option<&'a str>,
    jwt_id: Option<&'a str>,
    not_before: Option<OffsetDateTime>,
    expires: Option<OffsetDateTime>,
}

fn read_claims(payload: &Map<String, Value>) -> Result<Claims<'_>, String> {
    let instant = |name: &str| -> Result<Option<OffsetDateTime>, String> {
        match payload.get(name) {
            None => Ok(None),
            Some(value) => {
                let seconds = value
                    .as_i64()
                    .or_else(|| value.as_f64().filter(|f| f.is_finite()).map(|f| f as i64));
                seconds
                    .and_then(|seconds| OffsetDateTime::from_unix_timestamp(seconds).ok())
                    .map(Some)
                    .ok_or_else(|| format!("the {name} claim is not a NumericDate"))
            }
        }
    };
    let text = |name: &str| -> Result<Option<&str>, String> {
        match payload.get(name) {
            None => Ok(None),
            Some(Value::String(text)) => Ok(Some(text)),
            Some(_) => Err(format!("the {name} claim must be a string")),
        }
    };
    Ok(Claims {
        issuer: text("iss")?,
        subject: text("sub")?,
        jwt_id: text("jti")?,
        not_before: instant("nbf")?,
        expires: instant("exp")?,
    })
}

/// VC-JWT 1.1 §6.3.1: the registered claims stand for members the `vc` object may omit.
fn complete_from_claims(credential: &mut Map<String, Value>, claims: &Claims<'_>) {
    if let (None, Some(issuer)) = (credential.get("issuer"), claims.issuer) {
        credential.insert("issuer".to_owned(), Value::String(issuer.to_owned()));
    }
    if let (None, Some(id)) = (credential.get("id"), claims.jwt_id) {
        credential.insert("id".to_owned(), Value::String(id.to_owned()));
    }
    let v1 = data_model::vc_version(credential) == Ok(data_model::VcVersion::V1);
    if v1
        && !credential.contains_key("issuanceDate")
        && let Some(not_before) = claims.not_before
    {
        credential.insert(
            "issuanceDate".to_owned(),
            Value::String(format_datetime(not_before)),
        );
    }
    if v1
        && !credential.contains_key("expirationDate")
        && let Some(expires) = claims.expires
    {
        credential.insert(
            "expirationDate".to_owned(),
            Value::String(format_datetime(expires)),
        );
    }
    if let (Some(subject), Some(Value::Object(credential_subject))) =
        (claims.subject, credential.get_mut("credentialSubject"))
    {
        credential_subject
            .entry("id")
            .or_insert_with(|| Value::String(subject.to_owned()));
    }
}

fn verify_credential_jwt(
    session: &Session<'_>,
    jws: &CompactJws<'_>,
    payload: Map<String, Value>,
    container: Container,
) -> VerificationReport {
    let mut report = VerificationReport::new(Format::VcJwt, container);
    let claims = match read_claims(&payload) {
        Ok(claims) => claims,
        Err(problem) => {
            report.record(Check::fail(CheckKind::Parse, problem), Outcome::Malformed);
            return report;
        }
    };
    // VC 1.1 JWTs (and Open Badges 3.0) carry the credential in `vc`; VC-JOSE (VC 2.0) signs
    // the credential itself.
    let mut credential = match payload.get("vc") {
        Some(Value::Object(credential)) => credential.clone(),
        Some(_) => {
            report.record(
                Check::fail(CheckKind::Parse, "the vc claim must be an object"),
                Outcome::Malformed,
            );
            return report;
        }
        None => payload.clone(),
    };
    complete_from_claims(&mut credential, &claims);
    let credential = Arc::new(Value::Object(credential));
    report.document = Some(Arc::clone(&credential));
    let Some(credential) = credential.as_object() else {
        return report;
    };
    if !crate::credential::check_structure(credential, &mut report) {
        return report;
    }
    let issuer = data_model::issuer_id(credential)
        .unwrap_or_default()
        .to_owned();
    verify_jws_key(
        session,
        jws,
        &issuer,
        Relationship::AssertionMethod,
        &mut report,
    );
    check_claims(session, &claims, credential, &mut report);
    crate::credential::check_validity(session, credential, &mut report);
    crate::status::check_status(session, credential, &mut report);
    report.seal()
}

fn verify_presentation_jwt(
    session: &Session<'_>,
    jws: &CompactJws<'_>,
    payload: Map<String, Value>,
    container: Container,
) -> VerificationReport {
    let mut report = VerificationReport::new(Format::VpJwt, container);
    let claims = match read_claims(&payload) {
        Ok(claims) => claims,
        Err(problem) => {
            report.record(Check::fail(CheckKind::Parse, problem), Outcome::Malformed);
            return report;
        }
    };
    let mut presentation = match payload.get("vp") {
        Some(Value::Object(presentation)) => presentation.clone(),
        _ => payload.clone(),
    };
    // VC-JWT 1.1: `iss` is the holder.
    if let (None, Some(holder)) = (presentation.get("holder"), claims.issuer) {
        presentation.insert("holder".to_owned(), Value::String(holder.to_owned()));
    }
    let presentation = Arc::new(Value::Object(presentation));
    report.document = Some(Arc::clone(&presentation));
    let Some(presentation) = presentation.as_object() else {
        return report;
    };
    if let Err(problem) =
        data_model::check_presentation(presentation, data_model::PresentationEncoding::Jwt)
    {
        report.record(Check::fail(CheckKind::Parse, problem), Outcome::Malformed);
        return report;
    }
    report.note(Check::pass(
        CheckKind::Parse,
        "well-formed verifiable presentation",
    ));
    let Some(holder) = crate::presentation::holder_id(presentation).map(str::to_owned) else {
        report.record(
            Check::fail(CheckKind::Holder, "the presentation names no holder (iss)"),
            Outcome::HolderMismatch,
        );
        return report;
    };
    report.issuer = Some(holder.clone());
    verify_jws_key(
        session,
        jws,
        &holder,
        Relationship::Authentication,
        &mut report,
    );
    // VC-JWT binds challenge and domain as `nonce` and `aud`.
    for (claim, wanted) in [
        ("nonce", session.options.challenge.as_deref()),
        ("aud", session.options.domain.as_deref()),
    ] {
        let Some(wanted) = wanted else { continue };
        let actual = payload.get(claim);
        let matches = match actual {
            Some(Value::String(actual)) => actual == wanted,
            Some(Value::Array(values)) => values.iter().any(|value| value.as_str() == Some(wanted)),
            _ => false,
        };
        if matches {
            report.note(Check::pass(
                CheckKind::Holder,
                format!("{claim} is {wanted:?}"),
            ));
        } else {
            report.record(
                Check::fail(
                    CheckKind::Holder,
                    format!("{claim} is {actual:?}, {wanted:?} was asked"),
                ),
                Outcome::ChallengeMismatch,
            );
        }
    }
    check_time_claims(session, &claims, &mut report);
    crate::presentation::verify_members_and_holder(session, presentation, &holder, &mut report);
    report.seal()
}

/// Resolves the signing key (`kid`, else a `jwk` the controller also publishes, else the
/// controller's published keys) and verifies the signature with it.
fn verify_jws_key(
    session: &Session<'_>,
    jws: &CompactJws<'_>,
    controller: &str,
    relationship: Relationship,
    report: &mut VerificationReport,
) {
    let algorithm = jws.algorithm().unwrap_or("(none)").to_owned();
    let kid = string_member(&jws.header, "kid").map(str::to_owned);
    let mut summary = ProofSummary {
        proof_type: format!("JWS {algorithm}"),
        cryptosuite: None,
        verification_method: kid.clone(),
        proof_purpose: Some(relationship.term().to_owned()),
        created: None,
        outcome: Outcome::Verified,
    };
    let outcome = judge_jws(
        session,
        jws,
        controller,
        relationship,
        kid.as_deref(),
        report,
    );
    if outcome == Outcome::Verified {
        report.mark_bound_to_controller();
    }
    summary.outcome = outcome;
    report.proofs.push(summary);
}

fn judge_jws(
    session: &Session<'_>,
    jws: &CompactJws<'_>,
    controller: &str,
    relationship: Relationship,
    kid: Option<&str>,
    report: &mut VerificationReport,
) -> Outcome {
    let algorithm = jws.algorithm().unwrap_or_default();
    if algorithm.is_empty() || algorithm.eq_ignore_ascii_case("none") || algorithm.starts_with("HS")
    {
        let detail = format!(
            "alg {algorithm:?} is never accepted: an unsigned or HMAC token proves nothing about the issuer"
        );
        report.record(
            Check::fail(CheckKind::Signature, detail),
            Outcome::InvalidSignature,
        );
        return Outcome::InvalidSignature;
    }
    if !["EdDSA", "Ed25519", "RS256", "ES256"].contains(&algorithm) {
        report.record(
            Check::fail(
                CheckKind::Signature,
                format!("alg {algorithm:?} is not supported"),
            ),
            Outcome::Unsupported,
        );
        return Outcome::Unsupported;
    }
    if let Some(critical) = jws.header.get("crit") {
        report.record(
            Check::fail(
                CheckKind::Parse,
                format!("critical header parameters {critical} are not understood"),
            ),
            Outcome::Malformed,
        );
        return Outcome::Malformed;
    }
    if let Some(token_type) = string_member(&jws.header, "typ")
        && !ALLOWED_TYPES.contains(&token_type)
    {
        report.record(
            Check::fail(
                CheckKind::Parse,
                format!("typ {token_type:?} is not a credential type"),
            ),
            Outcome::Malformed,
        );
        return Outcome::Malformed;
    }
    let header_key = match jws.header.get("jwk") {
        None => None,
        Some(Value::Object(jwk)) => match decode_jwk(jwk) {
            Ok(key) => Some(key),
            Err(problem) => {
                report.record(
                    Check::fail(CheckKind::Signature, format!("header jwk: {problem}")),
                    Outcome::KeyResolutionFailed,
                );
                return Outcome::KeyResolutionFailed;
            }
        },
        Some(_) => {
            report.record(
                Check::fail(CheckKind::Parse, "the jwk header must be an object"),
                Outcome::Malformed,
            );
            return Outcome::Malformed;
        }
    };

    // 1. A kid names a verification method: dereference it like any other.
    if let Some(kid) = kid.filter(|kid| kid.contains(':')) {
        let lookup = session.lookup_key(&LookupRequest {
            verification_method: kid,
            relationship,
            proof_created: None,
            now: session.now(),
        });
        let Some(key) = lookup.key.clone().or_else(|| header_key.clone()) else {
            let reason = match &lookup.binding {
                Binding::Unresolved(reason) | Binding::Unbound(reason) => reason.clone(),
                Binding::Bound { detail, .. } => detail.clone(),
            };
            report.record(
                Check::fail(
                    CheckKind::Signature,
                    format!("no key to check the signature with: {reason}"),
                ),
                Outcome::KeyResolutionFailed,
            );
            return Outcome::KeyResolutionFailed;
        };
        if let Err(problem) = jws.verify_signature(&key) {
            report.record(
                Check::fail(CheckKind::Signature, problem),
                Outcome::InvalidSignature,
            );
            return Outcome::InvalidSignature;
        }
        report.note(Check::pass(
            CheckKind::Signature,
            format!("{algorithm} signature valid"),
        ));
        return match lookup.binding {
            Binding::Bound {
                controller: key_controller,
                detail,
            } if key_controller == controller && lookup.key.is_some() => {
                if header_key
                    .as_ref()
                    .is_some_and(|header_key| *header_key != key)
                {
                    report.record(
                        Check::fail(
                            CheckKind::KeyBinding,
                            "the header jwk differs from the key kid names",
                        ),
                        Outcome::UnboundKey,
                    );
                    return Outcome::UnboundKey;
                }
                report.note(Check::pass(CheckKind::KeyBinding, detail));
                Outcome::Verified
            }
            Binding::Bound {
                controller: key_controller,
                ..
            } => {
                let detail =
                    format!("the key is controlled by {key_controller}, not by {controller}");
                report.record(
                    Check::fail(CheckKind::KeyBinding, detail),
                    Outcome::UnboundKey,
                );
                Outcome::UnboundKey
            }
            Binding::Unbound(reason) | Binding::Unresolved(reason) => {
                report.record(
                    Check::fail(CheckKind::KeyBinding, reason),
                    Outcome::UnboundKey,
                );
                Outcome::UnboundKey
            }
        };
    }

    // 2. No usable kid: the controller's published keys decide.
    let published = session.engine.keys.published_keys(
        controller,
        relationship,
        session.now(),
        session.resolver,
    );
    match (header_key, published) {
        (Some(header_key), published) => {
            if let Err(problem) = jws.verify_signature(&header_key) {
                report.record(
                    Check::fail(CheckKind::Signature, problem),
                    Outcome::InvalidSignature,
                );
                return Outcome::InvalidSignature;
            }
            report.note(Check::pass(
                CheckKind::Signature,
                format!("{algorithm} signature valid for the key in the header"),
            ));
            let published_match = published
                .as_ref()
                .map(|keys| keys.iter().find(|(_, key)| *key == header_key));
            match published_match {
                Ok(Some((method, _))) => {
                    report.note(Check::pass(
                        CheckKind::KeyBinding,
                        format!(
                            "{controller} publishes the header key as {method} under {}",
                            relationship.term()
                        ),
                    ));
                    Outcome::Verified
                }
                Ok(None) => {
                    let detail = format!(
                        "the header jwk proves integrity only: {controller} does not publish that key under {}",
                        relationship.term()
                    );
                    report.record(
                        Check::fail(CheckKind::KeyBinding, detail),
                        Outcome::UnboundKey,
                    );
                    Outcome::UnboundKey
                }
                Err(reason) => {
                    let detail = format!(
                        "the header jwk proves integrity only, and the issuer's keys could not be read: {reason}"
                    );
                    report.record(
                        Check::fail(CheckKind::KeyBinding, detail),
                        Outcome::UnboundKey,
                    );
                    Outcome::UnboundKey
                }
            }
        }
        (None, Ok(keys)) if !keys.is_empty() => {
            for (method, key) in &keys {
                if jws.verify_signature(key).is_ok() {
                    report.note(Check::pass(
                        CheckKind::Signature,
                        format!("{algorithm} signature valid"),
                    ));
                    report.note(Check::pass(
                        CheckKind::KeyBinding,
                        format!(
                            "{controller} publishes {method} under {}",
                            relationship.term()
                        ),
                    ));
                    return Outcome::Verified;
                }
            }
            let detail = format!(
                "the signature matches none of the {} keys {controller} publishes under {}",
                keys.len(),
                relationship.term()
            );
            report.record(
                Check::fail(CheckKind::Signature, detail),
                Outcome::InvalidSignature,
            );
            Outcome::InvalidSignature
        }
        (None, Ok(_)) => {
            report.record(
                Check::fail(
                    CheckKind::Signature,
                    format!(
                        "{controller} publishes no key under {}",
                        relationship.term()
                    ),
                ),
                Outcome::KeyResolutionFailed,
            );
            Outcome::KeyResolutionFailed
        }
        (None, Err(reason)) => {
            report.record(
                Check::fail(
                    CheckKind::Signature,
                    format!("the token names no key (kid or jwk) and {reason}"),
                ),
                Outcome::KeyResolutionFailed,
            );
            Outcome::KeyResolutionFailed
        }
    }
}

/// The registered claims must agree with the credential they carry (OB 3.0 §8.2.4).
fn check_claims(
    session: &Session<'_>,
    claims: &Claims<'_>,
    credential: &Map<String, Value>,
    report: &mut VerificationReport,
) {
    let mut mismatches = Vec::new();
    if let (Some(iss), Some(issuer)) = (claims.issuer, data_model::issuer_id(credential))
        && iss != issuer
    {
        mismatches.push(format!("iss {iss} ≠ issuer {issuer}"));
    }
    if let (Some(jti), Some(id)) = (claims.jwt_id, string_member(credential, "id"))
        && jti != id
    {
        mismatches.push(format!("jti {jti} ≠ id {id}"));
    }
    match (
        claims.subject,
        data_model::subjects(credential).find_map(|subject| string_member(subject, "id")),
    ) {
        (Some(sub), Some(subject)) if sub != subject => {
            mismatches.push(format!("sub {sub} ≠ credentialSubject.id {subject}"))
        }
        (None, _) => report.note(Check::warn(CheckKind::Claims, "no sub claim")),
        _ => {}
    }
    let same_second = |claim: OffsetDateTime, member: &str| {
        string_member(credential, member)
            .and_then(|text| parse_datetime(text).ok())
            .is_none_or(|date| date.unix_timestamp() == claim.unix_timestamp())
    };
    if let Some(not_before) = claims.not_before {
        for member in ["validFrom", "issuanceDate"] {
            if !same_second(not_before, member) {
                mismatches.push(format!("nbf {} ≠ {member}", format_datetime(not_before)));
            }
        }
    }
    if let Some(expires) = claims.expires {
        for member in ["validUntil", "expirationDate"] {
            if !same_second(expires, member) {
                mismatches.push(format!("exp {} ≠ {member}", format_datetime(expires)));
            }
        }
    }
    if mismatches.is_empty() {
        report.note(Check::pass(
            CheckKind::Claims,
            "the token's claims agree with the credential",
        ));
    } else {
        report.record(
            Check::fail(CheckKind::Claims, mismatches.join("; ")),
            Outcome::ClaimMismatch,
        );
    }
    check_time_claims(session, claims, report);
}

fn check_time_claims(session: &Session<'_>, claims: &Claims<'_>, report: &mut VerificationReport) {
    if let Some(not_before) = claims.not_before
        && not_before > session.now() + CLOCK_SKEW
    {
        report.record(
            Check::fail(
                CheckKind::Validity,
                format!("nbf {} is in the future", format_datetime(not_before)),
            ),
            Outcome::NotYetValid,
        );
    }
    if let Some(expires) = claims.expires
        && expires < session.now()
    {
        report.record(
            Check::fail(
                CheckKind::Validity,
                format!("the token expired at {}", format_datetime(expires)),
            ),
            Outcome::Expired,
        );
    }
}
