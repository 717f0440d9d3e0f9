//! Verification-method resolution and the binding of keys to issuers.
//!
//! The rule that makes a signature count (ARCHITECTURE.md, invariant 4): the key is
//! *dereferenced* from its controller's own document (derived for `did:key`, fetched for
//! `did:web` and https controller documents), the document lists it under the required
//! verification relationship, and its controller is the issuer (holder). A key obtained any
//! other way, for example read from a URL fragment because the issuer's document is silent,
//! can still tell a forged signature from a valid one, but it is never bound.

pub(crate) mod multibase;

use std::num::NonZeroUsize;
use std::sync::Mutex;

use ed25519_dalek::VerifyingKey;
use serde_json::{Map, Value};
use time::OffsetDateTime;

use crate::json::parse_strict;
use crate::resolver::Resolver;
use crate::util::{parse_datetime, string_member};

/// The verification relationship a proof needs (Controlled Identifiers §2.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Relationship {
    /// Issuing credentials.
    AssertionMethod,
    /// Proving control, e.g. signing a presentation.
    Authentication,
}

impl Relationship {
    pub(crate) fn term(self) -> &'static str {
        match self {
            Relationship::AssertionMethod => "assertionMethod",
            Relationship::Authentication => "authentication",
        }
    }
}

/// A public key usable for signature verification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum PublicKey {
    Ed25519(VerifyingKey),
    P256(p256::ecdsa::VerifyingKey),
    Rsa(Box<rsa::RsaPublicKey>),
}

/// RSA keys shorter than this are refused (NIST SP 800-131A).
const MIN_RSA_BITS: usize = 2048;

impl PublicKey {
    /// The key type's name, for explanations.
    pub(crate) fn kind(&self) -> &'static str {
        match self {
            PublicKey::Ed25519(_) => "Ed25519",
            PublicKey::P256(_) => "P-256",
            PublicKey::Rsa(_) => "RSA",
        }
    }

    pub(crate) fn rsa(key: rsa::RsaPublicKey) -> Result<Self, String> {
        use rsa::traits::PublicKeyParts as _;
        let bits = key.size() * 8;
        if bits < MIN_RSA_BITS {
            return Err(format!(
                "RSA keys under {MIN_RSA_BITS} bits are refused ({bits})"
            ));
        }
        Ok(PublicKey::Rsa(Box::new(key)))
    }

    fn ed25519(bytes: &[u8; 32]) -> Result<Self, String> {
        VerifyingKey::from_bytes(bytes)
            .map(PublicKey::Ed25519)
            .map_err(|_| "the Ed25519 key is not a valid curve point".to_owned())
    }
}

/// Whether a key is bound to the expected controller, and why not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Binding {
    /// Dereferenced from its controller's own document and listed there under the
    /// relationship. Whether that controller is the issuer (holder) is the caller's check.
    Bound { controller: String, detail: String },
    /// A key was obtained, but the issuer (holder) does not stand behind it.
    Unbound(String),
    /// No key could be obtained at all.
    Unresolved(String),
}

/// The outcome of resolving a `verificationMethod`.
#[derive(Debug, Clone)]
pub(crate) struct KeyLookup {
    /// The key to check the signature with, whether bound or not.
    pub(crate) key: Option<PublicKey>,
    pub(crate) binding: Binding,
}

impl KeyLookup {
    fn unresolved(reason: impl Into<String>) -> Self {
        KeyLookup {
            key: None,
            binding: Binding::Unresolved(reason.into()),
        }
    }

    fn unbound(key: PublicKey, reason: impl Into<String>) -> Self {
        KeyLookup {
            key: Some(key),
            binding: Binding::Unbound(reason.into()),
        }
    }
}

/// What a lookup needs to know besides the method itself.
pub(crate) struct LookupRequest<'a> {
    pub(crate) verification_method: &'a str,
    pub(crate) relationship: Relationship,
    /// The proof's `created`, to judge key revocation.
    pub(crate) proof_created: Option<OffsetDateTime>,
    pub(crate) now: OffsetDateTime,
}

/// Resolves verification methods through a [`Resolver`], caching the pure `did:key` decodes.
pub(crate) struct KeyResolver {
    did_key_cache: Mutex<lru::LruCache<String, PublicKey>>,
    max_document_depth: usize,
}

const DID_KEY_CACHE_CAPACITY: NonZeroUsize = NonZeroUsize::new(4096).expect("nonzero");

impl KeyResolver {
    pub(crate) fn new(max_document_depth: usize) -> Self {
        KeyResolver {
            did_key_cache: Mutex::new(lru::LruCache::new(DID_KEY_CACHE_CAPACITY)),
            max_document_depth,
        }
    }

    pub(crate) fn lookup(&self, request: &LookupRequest<'_>, resolver: &dyn Resolver) -> KeyLookup {
        let method = request.verification_method;
        let (document_url, fragment) = match method.split_once('#') {
            Some((url, fragment)) => (url, Some(fragment)),
            None => (method, None),
        };
        if let Some(did_key) = document_url.strip_prefix("did:key:") {
            self.lookup_did_key(request, document_url, did_key, fragment)
        } else if document_url.starts_with("did:web:") {
            match did_web_document_url(document_url) {
                Ok(url) => self.lookup_in_fetched_document(request, document_url, &url, resolver),
                Err(reason) => KeyLookup::unresolved(reason),
            }
        } else if document_url.starts_with("did:") {
            KeyLookup::unresolved(format!(
                "unsupported DID method in {method:?} (supported: did:key, did:web)"
            ))
        } else if document_url.starts_with("https://") || document_url.starts_with("http://") {
            let lookup =
                self.lookup_in_fetched_document(request, document_url, document_url, resolver);
            match (&lookup.key, fragment) {
                // The issuer's document gave no key; a multikey in the fragment can still
                // separate forgery from a valid-but-unbound signature (never "verified").
                (None, Some(fragment)) if fragment.starts_with("z6Mk") => {
                    match multibase::decode_ed25519_multikey(fragment)
                        .and_then(|bytes| PublicKey::ed25519(&bytes))
                    {
                        Ok(key) => KeyLookup::unbound(
                            key,
                            format!(
                                "the key was read from the URL fragment of {method:?}, which proves nothing: {}",
                                binding_reason(&lookup.binding)
                            ),
                        ),
                        Err(_) => lookup,
                    }
                }
                _ => lookup,
            }
        } else {
            KeyLookup::unresolved(format!(
                "verificationMethod {method:?} is not a DID or an https URL"
            ))
        }
    }

    fn lookup_did_key(
        &self,
        request: &LookupRequest<'_>,
        did: &str,
        multikey: &str,
        fragment: Option<&str>,
    ) -> KeyLookup {
        // did:key documents have exactly one key, id did:key:X#X, listed under every
        // relationship; a bare did:key VM (seen in the wild) means that key.
        if fragment.is_some_and(|fragment| fragment != multikey) {
            return KeyLookup::unresolved(format!(
                "did:key fragment must repeat the key: {:?}",
                request.verification_method
            ));
        }
        let key = match self.decode_did_key(multikey) {
            Ok(key) => key,
            Err(reason) => return KeyLookup::unresolved(format!("bad did:key: {reason}")),
        };
        KeyLookup {
            key: Some(key),
            binding: Binding::Bound {
                controller: did.to_owned(),
                detail: format!("{did} is its own key (did:key)"),
            },
        }
    }

    fn decode_did_key(&self, multikey: &str) -> Result<PublicKey, String> {
        let mut cache = self
            .did_key_cache
            .lock()
            .unwrap_or_else(|poison| poison.into_inner());
        if let Some(key) = cache.get(multikey) {
            return Ok(key.clone());
        }
        let key = PublicKey::ed25519(&multibase::decode_ed25519_multikey(multikey)?)?;
        cache.put(multikey.to_owned(), key.clone());
        Ok(key)
    }

    /// did:web and https: the controller document is fetched; it must name itself
    /// `controller_id`, contain the method, and list it under the relationship.
    fn lookup_in_fetched_document(
        &self,
        request: &LookupRequest<'_>,
        controller_id: &str,
        document_url: &str,
        resolver: &dyn Resolver,
    ) -> KeyLookup {
        let document = match self.fetch_json(document_url, resolver) {
            Ok(document) => document,
            Err(reason) => return KeyLookup::unresolved(reason),
        };
        let Some(document) = document.as_object() else {
            return KeyLookup::unresolved(format!("{document_url} is not a JSON object"));
        };
        // A URL that names a lone verification method (no fragment): dereference it, then
        // its controller's document, which must list it.
        if document.contains_key("publicKeyMultibase") || document.contains_key("publicKeyJwk") {
            return self.lookup_lone_method(request, document, document_url, resolver);
        }
        let document_id = string_member(document, "id");
        if document_id != Some(controller_id) {
            return KeyLookup::unresolved(format!(
                "the document at {document_url} names itself {:?}, not {controller_id:?}",
                document_id.unwrap_or("(no id)")
            ));
        }
        let method_id = request.verification_method;
        let Some(method) = find_method(document, controller_id, method_id) else {
            return KeyLookup::unresolved(format!(
                "{controller_id} does not publish {method_id:?}"
            ));
        };
        let key = match decode_method_key(method) {
            Ok(key) => key,
            Err(reason) => return KeyLookup::unresolved(format!("{method_id}: {reason}")),
        };
        judge_binding(request, key, method, document, controller_id)
    }

    fn lookup_lone_method(
        &self,
        request: &LookupRequest<'_>,
        method: &Map<String, Value>,
        method_url: &str,
        resolver: &dyn Resolver,
    ) -> KeyLookup {
        if string_member(method, "id") != Some(request.verification_method) {
            return KeyLookup::unresolved(format!(
                "the method at {method_url} does not name itself {method_url:?}"
            ));
        }
        let key = match decode_method_key(method) {
            Ok(key) => key,
            Err(reason) => return KeyLookup::unresolved(format!("{method_url}: {reason}")),
        };
        let Some(controller) = string_member(method, "controller") else {
            return KeyLookup::unbound(key, format!("{method_url} names no controller"));
        };
        let controller_url = if controller.starts_with("did:web:") {
            match did_web_document_url(controller) {
                Ok(url) => url,
                Err(reason) => return KeyLookup::unbound(key, reason),
            }
        } else {
            controller.to_owned()
        };
        let controller_document = match self.fetch_json(&controller_url, resolver) {
            Ok(document) => document,
            Err(reason) => {
                return KeyLookup::unbound(key, format!("its controller's document: {reason}"));
            }
        };
        let Some(controller_document) = controller_document.as_object() else {
            return KeyLookup::unbound(key, format!("{controller_url} is not a JSON object"));
        };
        if string_member(controller_document, "id") != Some(controller) {
            return KeyLookup::unbound(
                key,
                format!("the document at {controller_url} does not name itself {controller:?}"),
            );
        }
        judge_binding(request, key, method, controller_document, controller)
    }

    /// Every key `controller_id` publishes under `relationship`, dereferenced from its own
    /// document. Used to bind keys that arrive without a method id (a JOSE `jwk` header, or
    /// a JWT with no `kid`). At most `MAX_PUBLISHED_KEYS` are returned.
    pub(crate) fn published_keys(
        &self,
        controller_id: &str,
        relationship: Relationship,
        now: OffsetDateTime,
        resolver: &dyn Resolver,
    ) -> Result<Vec<(String, PublicKey)>, String> {
        const MAX_PUBLISHED_KEYS: usize = 16;
        if let Some(multikey) = controller_id.strip_prefix("did:key:") {
            let key = self
                .decode_did_key(multikey)
                .map_err(|reason| format!("bad did:key: {reason}"))?;
            return Ok(vec![(format!("{controller_id}#{multikey}"), key)]);
        }
        let document_url = if controller_id.starts_with("did:web:") {
            did_web_document_url(controller_id)?
        } else if controller_id.starts_with("https://") || controller_id.starts_with("http://") {
            controller_id.to_owned()
        } else {
            return Err(format!(
                "cannot dereference {controller_id:?} (supported: did:key, did:web, https)"
            ));
        };
        let document = self.fetch_json(&document_url, resolver)?;
        let document = document
            .as_object()
            .ok_or_else(|| format!("{document_url} is not a JSON object"))?;
        if string_member(document, "id") != Some(controller_id) {
            return Err(format!(
                "the document at {document_url} does not name itself {controller_id:?}"
            ));
        }
        let listed = document
            .get(relationship.term())
            .map(as_slice)
            .unwrap_or_default();
        let mut keys = Vec::new();
        for entry in listed.iter().take(MAX_PUBLISHED_KEYS) {
            let method = match entry {
                Value::String(id) => find_method(
                    document,
                    controller_id,
                    &absolute_method_id(controller_id, id),
                ),
                Value::Object(embedded) => Some(embedded),
                _ => None,
            };
            let Some(method) = method else { continue };
            let Some(method_id) =
                string_member(method, "id").map(|id| absolute_method_id(controller_id, id))
            else {
                continue;
            };
            let request = LookupRequest {
                verification_method: &method_id,
                relationship,
                proof_created: None,
                now,
            };
            if string_member(method, "controller") != Some(controller_id)
                || key_lifetime_problem(method, &request).is_some()
            {
                continue;
            }
            if let Ok(key) = decode_method_key(method) {
                keys.push((method_id, key));
            }
        }
        Ok(keys)
    }

    fn fetch_json(&self, url: &str, resolver: &dyn Resolver) -> Result<Value, String> {
        let fetched = resolver
            .fetch(url)
            .map_err(|error| format!("could not fetch {url}: {error}"))?;
        if fetched.status != 200 {
            return Err(format!("{url} answered HTTP {}", fetched.status));
        }
        parse_strict(&fetched.body, self.max_document_depth)
            .map_err(|error| format!("{url}: {error}"))
    }
}

fn binding_reason(binding: &Binding) -> &str {
    match binding {
        Binding::Bound { detail: reason, .. }
        | Binding::Unbound(reason)
        | Binding::Unresolved(reason) => reason,
    }
}

/// The checks every fetched method must pass once its key is known.
fn judge_binding(
    request: &LookupRequest<'_>,
    key: PublicKey,
    method: &Map<String, Value>,
    controller_document: &Map<String, Value>,
    controller_id: &str,
) -> KeyLookup {
    let method_id = request.verification_method;
    let method_controller = string_member(method, "controller");
    if method_controller != Some(controller_id) {
        return KeyLookup::unbound(
            key,
            format!(
                "{method_id} is controlled by {:?}, not {controller_id}",
                method_controller.unwrap_or("(nobody)")
            ),
        );
    }
    if !lists_method(
        controller_document,
        controller_id,
        request.relationship.term(),
        method_id,
    ) {
        return KeyLookup::unbound(
            key,
            format!(
                "{controller_id} does not list {method_id} under {}",
                request.relationship.term()
            ),
        );
    }
    if let Some(reason) = key_lifetime_problem(method, request) {
        return KeyLookup::unbound(key, reason);
    }
    KeyLookup {
        key: Some(key),
        binding: Binding::Bound {
            controller: controller_id.to_owned(),
            detail: format!(
                "{controller_id} lists {method_id} under {}",
                request.relationship.term()
            ),
        },
    }
}

/// A key marked `revoked` counts only for proofs created before the revocation; an
/// `expires` in the past retires it.
fn key_lifetime_problem(
    method: &Map<String, Value>,
    request: &LookupRequest<'_>,
) -> Option<String> {
    if let Some(revoked) = string_member(method, "revoked") {
        let Ok(revoked_at) = parse_datetime(revoked) else {
            return Some(format!(
                "the key's revocation date {revoked:?} is not a date"
            ));
        };
        match request.proof_created {
            Some(created) if created < revoked_at => {}
            _ => return Some(format!("the key was revoked at {revoked}")),
        }
    }
    if let Some(expires) = string_member(method, "expires") {
        match parse_datetime(expires) {
            Ok(expires_at) if expires_at > request.now => {}
            Ok(_) => return Some(format!("the key expired at {expires}")),
            Err(_) => return Some(format!("the key's expiry {expires:?} is not a date")),
        }
    }
    None
}

/// Absolute form of a method id that may be written relative to its document (`#key-1`).
fn absolute_method_id(controller_id: &str, id: &str) -> String {
    if id.starts_with('#') {
        format!("{controller_id}{id}")
    } else {
        id.to_owned()
    }
}

/// Finds a method by id in `verificationMethod` or embedded in any relationship.
fn find_method<'a>(
    document: &'a Map<String, Value>,
    controller_id: &str,
    method_id: &str,
) -> Option<&'a Map<String, Value>> {
    const HOLDERS: [&str; 6] = [
        "verificationMethod",
        "assertionMethod",
        "authentication",
        "capabilityInvocation",
        "capabilityDelegation",
        "publicKey",
    ];
    HOLDERS
        .iter()
        .filter_map(|holder| document.get(*holder))
        .flat_map(as_slice)
        .filter_map(Value::as_object)
        .find(|method| {
            string_member(method, "id")
                .is_some_and(|id| absolute_method_id(controller_id, id) == method_id)
        })
}

fn lists_method(
    document: &Map<String, Value>,
    controller_id: &str,
    relationship: &str,
    method_id: &str,
) -> bool {
    document
        .get(relationship)
        .map(as_slice)
        .unwrap_or_default()
        .iter()
        .any(|entry| {
            let id = match entry {
                Value::String(id) => Some(id.as_str()),
                Value::Object(embedded) => string_member(embedded, "id"),
                _ => None,
            };
            id.is_some_and(|id| absolute_method_id(controller_id, id) == method_id)
        })
}

fn as_slice(value: &Value) -> &[Value] {
    match value {
        Value::Array(values) => values,
        single => std::slice::from_ref(single),
    }
}

/// Reads the public key of a verification method.
fn decode_method_key(method: &Map<String, Value>) -> Result<PublicKey, String> {
    if let Some(multibase) = string_member(method, "publicKeyMultibase") {
        return PublicKey::ed25519(&multibase::decode_ed25519_multikey(multibase)?);
    }
    if let Some(base58) = string_member(method, "publicKeyBase58") {
        let bytes = bs58::decode(base58)
            .into_vec()
            .map_err(|error| format!("bad publicKeyBase58: {error}"))?;
        let bytes: [u8; 32] = bytes
            .as_slice()
            .try_into()
            .map_err(|_| "publicKeyBase58 is not 32 bytes".to_owned())?;
        return PublicKey::ed25519(&bytes);
    }
    if let Some(jwk) = method.get("publicKeyJwk").and_then(Value::as_object) {
        return decode_jwk(jwk);
    }
    Err("no supported public key (publicKeyMultibase, publicKeyBase58, publicKeyJwk)".to_owned())
}

/// Reads a JWK public key (Ed25519, P-256, RSA). Private members are refused: a published
/// private key is a compromised key.
pub(crate) fn decode_jwk(jwk: &Map<String, Value>) -> Result<PublicKey, String> {
    use base64::Engine as _;
    if ["d", "p", "q", "dp", "dq", "qi", "k"]
        .iter()
        .any(|private| jwk.contains_key(*private))
    {
        return Err("the JWK contains private or secret key material".to_owned());
    }
    let member = |name: &str| -> Result<Vec<u8>, String> {
        let text = string_member(jwk, name).ok_or_else(|| format!("the JWK has no {name}"))?;
        base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(text)
            .map_err(|error| format!("bad JWK {name}: {error}"))
    };
    match (string_member(jwk, "kty"), string_member(jwk, "crv")) {
        (Some("OKP"), Some("Ed25519")) => {
            let x = member("x")?;
            let bytes: [u8; 32] = x
                .as_slice()
                .try_into()
                .map_err(|_| "an Ed25519 JWK x has 32 bytes".to_owned())?;
            PublicKey::ed25519(&bytes)
        }
        (Some("EC"), Some("P-256")) => {
            let (x, y) = (member("x")?, member("y")?);
            if x.len() != 32 || y.len() != 32 {
                return Err("P-256 JWK coordinates have 32 bytes".to_owned());
            }
            let point = p256::EncodedPoint::from_affine_coordinates(
                x.as_slice().into(),
                y.as_slice().into(),
                false,
            );
            p256::ecdsa::VerifyingKey::from_encoded_point(&point)
                .map(PublicKey::P256)
                .map_err(|_| "the P-256 JWK is not a point on the curve".to_owned())
        }
        (Some("RSA"), _) => {
            let modulus = rsa::BigUint::from_bytes_be(&member("n")?);
            let exponent = rsa::BigUint::from_bytes_be(&member("e")?);
            PublicKey::rsa(
                rsa::RsaPublicKey::new(modulus, exponent)
                    .map_err(|error| format!("bad RSA JWK: {error}"))?,
            )
        }
        (kty, crv) => Err(format!("unsupported JWK kty {kty:?} crv {crv:?}")),
    }
}

/// Maps a did:web DID to the URL of its document (did:web method §3.2.1).
pub(crate) fn did_web_document_url(did: &str) -> Result<String, String> {
    let method_specific_id = did
        .strip_prefix("did:web:")
        .ok_or_else(|| format!("{did:?} is not a did:web DID"))?;
    let mut segments = method_specific_id.split(':');
    let authority = segments
        .next()
        .unwrap_or_default()
        .replacen("%3A", ":", 1)
        .replacen("%3a", ":", 1);
    let (host, port) = match authority.rsplit_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (authority.as_str(), None),
    };
    let host_is_a_domain_name = !host.is_empty()
        && host.len() <= 253
        && host.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && label
                    .bytes()
                    .all(|byte| byte.is_ascii_alphanumeric() || byte == b'-')
                && !label.starts_with('-')
                && !label.ends_with('-')
        })
        && !host
            .bytes()
            .all(|byte| byte.is_ascii_digit() || byte == b'.');
    if !host_is_a_domain_name {
        return Err(format!(
            "{did:?}: did:web needs a domain name, not {host:?}"
        ));
    }
    if let Some(port) = port
        && (port.is_empty() || port.len() > 5 || !port.bytes().all(|byte| byte.is_ascii_digit()))
    {
        return Err(format!("{did:?}: bad port {port:?}"));
    }
    let path: Vec<&str> = segments.collect();
    let path_is_safe = path.iter().all(|segment| {
        !segment.is_empty()
            && *segment != "."
            && *segment != ".."
            && segment
                .bytes()
                .all(|byte| byte.is_ascii_alphanumeric() || b"-._~".contains(&byte))
    });
    if !path_is_safe {
        return Err(format!("{did:?}: bad path segment"));
    }
    let host = host.to_ascii_lowercase();
    let authority = match port {
        Some(port) => format!("{host}:{port}"),
        None => host,
    };
    Ok(if path.is_empty() {
        format!("https://{authority}/.well-known/did.json")
    } else {
        format!("https://{authority}/{}/did.json", path.join("/"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn check_did_web(did: &str, expected: Result<&str, &str>) {
        match (did_web_document_url(did), expected) {
            (Ok(actual), Ok(expected)) => assert_eq!(actual, expected),
            (Err(actual), Err(fragment)) => {
                assert!(actual.contains(fragment), "{actual:?} lacks {fragment:?}")
            }
            (actual, expected) => panic!("{did}: got {actual:?}, expected {expected:?}"),
        }
    }

    #[test]
    fn did_web_urls_follow_the_method_spec() {
        check_did_web(
            "did:web:w3c-ccg.github.io",
            Ok("https://w3c-ccg.github.io/.well-known/did.json"),
        );
        check_did_web(
            "did:web:w3c-ccg.github.io:user:alice",
            Ok("https://w3c-ccg.github.io/user/alice/did.json"),
        );
        check_did_web(
            "did:web:example.com%3A3000",
            Ok("https://example.com:3000/.well-known/did.json"),
        );
        check_did_web(
            "did:web:digitalcredentials.github.io:vc-test-fixtures:dids:legacy",
            Ok("https://digitalcredentials.github.io/vc-test-fixtures/dids/legacy/did.json"),
        );
    }

    #[test]
    fn did_web_refuses_what_could_point_anywhere_else() {
        check_did_web("did:web:10.0.0.5", Err("domain name"));
        check_did_web("did:web:127.0.0.1%3A6379", Err("domain name"));
        check_did_web("did:web:[::1]", Err("domain name"));
        check_did_web("did:web:user@evil.test", Err("domain name"));
        check_did_web("did:web:example.com:..:admin", Err("path"));
        check_did_web("did:web:example.com::x", Err("path"));
        check_did_web("did:web:example.com%3A", Err("port"));
        check_did_web("did:web:", Err("domain name"));
        check_did_web("did:web:exa mple.com", Err("domain name"));
    }
}
