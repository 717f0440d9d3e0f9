//! Issuing: Data Integrity proofs and compact JWS, made with the verifier's own hashing.
//!
//! The demo ecosystem, the benchmarks and the tests issue credentials with this; real
//! issuers use their own stacks, which the test corpus checks us against.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ed25519_dalek::{Signer as _, SigningKey};
use serde_json::{Map, Value, json};
use time::OffsetDateTime;

use crate::error::Error;
use crate::session::Session;
use crate::util::format_datetime;
use crate::{OfflineResolver, Verifier, VerifyOptions};

/// The Data Integrity suites we can sign with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SigningSuite {
    /// `DataIntegrityProof` / `eddsa-rdfc-2022` (RDF canonicalization).
    EddsaRdfc2022,
    /// `DataIntegrityProof` / `eddsa-jcs-2022` (JSON canonicalization).
    EddsaJcs2022,
    /// The legacy `Ed25519Signature2020` suite.
    Ed25519Signature2020,
}

/// What a new proof says besides its signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProofOptions {
    /// The suite.
    pub suite: SigningSuite,
    /// The verification method (a DID URL or an https URL with a fragment).
    pub verification_method: String,
    /// `assertionMethod` for credentials, `authentication` for presentations.
    pub proof_purpose: String,
    /// The proof's `created`.
    pub created: OffsetDateTime,
    /// For presentations: the verifier's challenge.
    pub challenge: Option<String>,
    /// For presentations: the domain the presentation is bound to.
    pub domain: Option<String>,
}

impl Verifier {
    /// Adds a proof to `document` (to its proof set, if it already has proofs) and returns
    /// the signed document.
    pub fn sign(
        &self,
        document: &Value,
        options: &ProofOptions,
        key: &SigningKey,
    ) -> Result<Value, Error> {
        let Some(unsigned) = document.as_object() else {
            return Err(Error::Unsignable(
                "a credential is a JSON object".to_owned(),
            ));
        };
        let Some(context) = unsigned.get("@context") else {
            return Err(Error::Unsignable("the document has no @context".to_owned()));
        };
        let mut proof = Map::new();
        match options.suite {
            SigningSuite::EddsaRdfc2022 => {
                proof.insert("type".to_owned(), json!("DataIntegrityProof"));
                proof.insert("cryptosuite".to_owned(), json!("eddsa-rdfc-2022"));
            }
            SigningSuite::EddsaJcs2022 => {
                proof.insert("type".to_owned(), json!("DataIntegrityProof"));
                proof.insert("cryptosuite".to_owned(), json!("eddsa-jcs-2022"));
                // eddsa-jcs-2022 §3.3.1: the proof carries the document's context.
                proof.insert("@context".to_owned(), context.clone());
            }
            SigningSuite::Ed25519Signature2020 => {
                proof.insert("type".to_owned(), json!("Ed25519Signature2020"));
            }
        }
        let created = options
            .created
            .replace_nanosecond(0)
            .unwrap_or(options.created);
        proof.insert("created".to_owned(), json!(format_datetime(created)));
        proof.insert(
            "verificationMethod".to_owned(),
            json!(options.verification_method),
        );
        proof.insert("proofPurpose".to_owned(), json!(options.proof_purpose));
        if let Some(challenge) = &options.challenge {
            proof.insert("challenge".to_owned(), json!(challenge));
        }
        if let Some(domain) = &options.domain {
            proof.insert("domain".to_owned(), json!(domain));
        }
        let verify_options = VerifyOptions::at(options.created);
        let session = Session {
            engine: &self.engine,
            resolver: &OfflineResolver,
            options: &verify_options,
            depth: 0,
        };
        let message = crate::data_integrity::signing_input(&session, unsigned, &proof)
            .map_err(Error::Unsignable)?;
        let signature = key.sign(&message);
        proof.insert(
            "proofValue".to_owned(),
            json!(format!(
                "z{}",
                bs58::encode(signature.to_bytes()).into_string()
            )),
        );

        let mut signed = unsigned.clone();
        let proofs = match signed.remove("proof") {
            None => Value::Object(proof),
            Some(Value::Array(mut existing)) => {
                existing.push(Value::Object(proof));
                Value::Array(existing)
            }
            Some(existing) => Value::Array(vec![existing, Value::Object(proof)]),
        };
        signed.insert("proof".to_owned(), proofs);
        Ok(Value::Object(signed))
    }
}

/// A compact JWS (`alg` EdDSA) over `payload`, with `kid` and `typ` in the header.
pub fn sign_compact_jws(payload: &Value, kid: &str, token_type: &str, key: &SigningKey) -> String {
    let header = json!({"alg": "EdDSA", "kid": kid, "typ": token_type});
    let signing_input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(payload.to_string())
    );
    let signature = key.sign(signing_input.as_bytes());
    format!(
        "{signing_input}.{}",
        URL_SAFE_NO_PAD.encode(signature.to_bytes())
    )
}

/// The `did:key` of an Ed25519 public key, and its verification method id.
pub fn did_key(key: &SigningKey) -> (String, String) {
    let mut multicodec = vec![0xed, 0x01];
    multicodec.extend_from_slice(key.verifying_key().as_bytes());
    let multikey = format!("z{}", bs58::encode(multicodec).into_string());
    let did = format!("did:key:{multikey}");
    let method = format!("{did}#{multikey}");
    (did, method)
}

/// The `publicKeyMultibase` (Multikey) of an Ed25519 public key.
pub fn multikey(key: &SigningKey) -> String {
    let mut multicodec = vec![0xed, 0x01];
    multicodec.extend_from_slice(key.verifying_key().as_bytes());
    format!("z{}", bs58::encode(multicodec).into_string())
}

/// The `encodedList` of a Bitstring Status List (multibase base64url of the GZIP of the
/// bits, most significant bit first) with the given entries set.
pub fn encode_status_list(length_in_bits: usize, set: &[usize]) -> String {
    use std::io::Write as _;
    let mut bits = vec![0u8; length_in_bits.div_ceil(8)];
    for &index in set {
        if let Some(byte) = bits.get_mut(index / 8) {
            *byte |= 0x80 >> (index % 8);
        }
    }
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    // Writing to a Vec cannot fail.
    let compressed = encoder
        .write_all(&bits)
        .and_then(|()| encoder.finish())
        .unwrap_or_default();
    format!("u{}", URL_SAFE_NO_PAD.encode(compressed))
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use model::Outcome;
    use time::format_description::well_known::Rfc3339;

    use super::*;

    fn credential(issuer: &str) -> Value {
        json!({
            "@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
            "id": "urn:uuid:00000000-0000-4000-8000-000000000001",
            "type": ["VerifiableCredential", "OpenBadgeCredential"],
            "issuer": {"id": issuer, "type": ["Profile"], "name": "Test College"},
            "validFrom": "2025-01-01T00:00:00Z",
            "name": "Teamwork",
            "credentialSubject": {"id": "did:example:earner", "type": ["AchievementSubject"],
                "achievement": {"id": "urn:uuid:00000000-0000-4000-8000-000000000002", "type": ["Achievement"], "name": "Teamwork",
                    "criteria": {"narrative": "Worked in teams."}}}
        })
    }

    #[test]
    fn what_we_sign_verifies_in_every_suite_and_tampering_does_not() {
        let key = SigningKey::from_bytes(&[7u8; 32]);
        let (did, method) = did_key(&key);
        let verifier = Verifier::new(Arc::new(OfflineResolver));
        let now = OffsetDateTime::parse("2026-01-01T00:00:00Z", &Rfc3339).expect("date");
        for suite in [
            SigningSuite::EddsaRdfc2022,
            SigningSuite::EddsaJcs2022,
            SigningSuite::Ed25519Signature2020,
        ] {
            let options = ProofOptions {
                suite,
                verification_method: method.clone(),
                proof_purpose: "assertionMethod".to_owned(),
                created: now,
                challenge: None,
                domain: None,
            };
            let mut document = credential(&did);
            if suite == SigningSuite::Ed25519Signature2020 {
                document["@context"]
                    .as_array_mut()
                    .expect("array")
                    .push(json!("https://w3id.org/security/suites/ed25519-2020/v1"));
            }
            let signed = verifier.sign(&document, &options, &key).expect("signs");
            let report = verifier.verify(signed.to_string().as_bytes(), &VerifyOptions::at(now));
            assert_eq!(
                report.outcome,
                Outcome::Verified,
                "{suite:?}: {:#?}",
                report.checks
            );
            let mut tampered = signed.clone();
            tampered["name"] = json!("Leadership");
            let report = verifier.verify(tampered.to_string().as_bytes(), &VerifyOptions::at(now));
            assert_eq!(report.outcome, Outcome::InvalidSignature, "{suite:?}");
        }
    }

    #[test]
    fn status_lists_round_trip() {
        let encoded = encode_status_list(131_072, &[3, 4_096]);
        assert!(encoded.starts_with('u'));
        let decoded = crate::status::decode_for_tests(&encoded);
        assert_eq!(decoded.len() * 8, 131_072);
        assert_eq!(decoded[0], 0b0001_0000);
        assert_eq!(decoded[512], 0b1000_0000);
    }
}
