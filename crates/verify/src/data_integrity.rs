//! Embedded Data Integrity proofs: `DataIntegrityProof` with `eddsa-rdfc-2022` (and its
//! legacy name `eddsa-2022`) or `eddsa-jcs-2022`, and `Ed25519Signature2020`; proof sets
//! and proof chains (`previousProof`).
//!
//! A document verifies when every proof of a supported suite verifies (signature, key bound
//! to its own controller, purpose, dates) and at least one of them is bound to the expected
//! controller (the issuer, or the holder of a presentation). Proofs of unsupported types are
//! reported and ignored; a document whose proofs are all unsupported is `unsupported`.

use std::collections::HashMap;

use model::{Check, CheckKind, Outcome, ProofSummary};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

use crate::data_model::{CLOCK_SKEW, contexts};
use crate::keys::{Binding, LookupRequest, PublicKey, Relationship, multibase};
use crate::report::VerificationReport;
use crate::session::Session;
use crate::util::{format_datetime, parse_datetime, string_member};
use crate::{jcs, jsonld_outcome};

/// The suites we verify.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Suite {
    /// `eddsa-rdfc-2022`, or its pre-standard name `eddsa-2022` (same algorithm).
    EddsaRdfc2022,
    EddsaJcs2022,
    Ed25519Signature2020,
}

impl Suite {
    /// The suite of a proof: `Ok(Some)` for ours, `Ok(None)` for a well-formed proof of
    /// another suite (ignored), `Err` for a proof that is not well-formed. A proof of a type
    /// we know that carries members that contradict it is malformed, not "another suite":
    /// otherwise relabelling one proof of a set would quietly drop it.
    fn of(proof: &Map<String, Value>) -> Result<Option<Suite>, String> {
        let cryptosuite = proof.get("cryptosuite");
        match (proof.get("type"), cryptosuite) {
            (None, _) => Err("the proof has no type".to_owned()),
            (Some(Value::String(proof_type)), _) if proof_type == "DataIntegrityProof" => {
                match cryptosuite {
                    Some(Value::String(suite))
                        if suite == "eddsa-rdfc-2022" || suite == "eddsa-2022" =>
                    {
                        Ok(Some(Suite::EddsaRdfc2022))
                    }
                    Some(Value::String(suite)) if suite == "eddsa-jcs-2022" => {
                        Ok(Some(Suite::EddsaJcs2022))
                    }
                    Some(Value::String(_)) => Ok(None),
                    _ => Err("a DataIntegrityProof needs a cryptosuite string".to_owned()),
                }
            }
            (Some(Value::String(proof_type)), _) if proof_type == "Ed25519Signature2020" => {
                match cryptosuite {
                    None => Ok(Some(Suite::Ed25519Signature2020)),
                    Some(_) => Err("Ed25519Signature2020 proofs have no cryptosuite".to_owned()),
                }
            }
            (Some(Value::String(_)), _) => Ok(None),
            (Some(_), _) => Err("the proof type must be a string".to_owned()),
        }
    }

    fn uses_rdf(self) -> bool {
        self != Suite::EddsaJcs2022
    }
}

/// Who must stand behind a document's proofs.
pub(crate) struct ProofRequirements<'a> {
    /// The issuer of a credential, or the holder of a presentation.
    pub(crate) controller: &'a str,
    pub(crate) relationship: Relationship,
    /// For presentations: the challenge and domain the verifier asked for.
    pub(crate) challenge: Option<&'a str>,
    pub(crate) domain: Option<&'a str>,
}

/// One proof, read and checked for well-formedness.
struct ProofFields<'a> {
    index: usize,
    object: &'a Map<String, Value>,
    suite: Suite,
    verification_method: &'a str,
    proof_purpose: &'a str,
    proof_value: &'a str,
    created: Option<OffsetDateTime>,
    expires: Option<OffsetDateTime>,
    previous_proof_ids: Vec<&'a str>,
}

/// Verifies the proofs of `document` and records one check per step into `report`.
pub(crate) fn verify_proofs(
    session: &Session<'_>,
    document: &Map<String, Value>,
    requirements: &ProofRequirements<'_>,
    report: &mut VerificationReport,
) {
    let proof_objects: Vec<&Value> = match document.get("proof") {
        None => {
            // Pipeline order: an unknown context or data loss is reported before the
            // missing proof.
            check_rdf_contexts(&mut DocumentHasher::new(session, document), report);
            report.record(
                Check::fail(CheckKind::Signature, "the document carries no proof"),
                Outcome::NoProof,
            );
            return;
        }
        Some(Value::Array(proofs)) => proofs.iter().collect(),
        Some(single) => vec![single],
    };
    if proof_objects.len() > session.limits().max_proofs {
        report.record(
            Check::fail(
                CheckKind::Parse,
                format!(
                    "{} proofs, the limit is {}",
                    proof_objects.len(),
                    session.limits().max_proofs
                ),
            ),
            Outcome::TooLarge,
        );
        return;
    }
    let mut supported = Vec::new();
    for (index, proof) in proof_objects.iter().enumerate() {
        let Some(proof) = proof.as_object() else {
            report.record(
                Check::fail(CheckKind::Parse, format!("proof {index} is not an object")),
                Outcome::Malformed,
            );
            return;
        };
        let suite = match Suite::of(proof) {
            Ok(Some(suite)) => suite,
            Ok(None) => {
                let proof_type = string_member(proof, "type").unwrap_or_default();
                let cryptosuite = string_member(proof, "cryptosuite");
                report.note(Check::skip(
                    CheckKind::Signature,
                    format!(
                        "proof {index} of type {proof_type}{} is not a supported suite and was ignored",
                        cryptosuite.map(|suite| format!(" / {suite}")).unwrap_or_default()
                    ),
                ));
                report.proofs.push(summary(proof, Outcome::Unsupported));
                continue;
            }
            Err(problem) => {
                report.record(
                    Check::fail(CheckKind::Parse, format!("proof {index}: {problem}")),
                    Outcome::Malformed,
                );
                report.proofs.push(summary(proof, Outcome::Malformed));
                return;
            }
        };
        match read_proof(index, proof, suite) {
            Ok(fields) => supported.push(fields),
            Err(problem) => {
                report.record(
                    Check::fail(CheckKind::Parse, format!("proof {index}: {problem}")),
                    Outcome::Malformed,
                );
                report.proofs.push(summary(proof, Outcome::Malformed));
                return;
            }
        }
    }
    if supported.is_empty() {
        report.record(
            Check::fail(CheckKind::Signature, "no proof uses a supported suite (eddsa-rdfc-2022, eddsa-jcs-2022, Ed25519Signature2020)"),
            Outcome::Unsupported,
        );
        return;
    }

    let mut hasher = DocumentHasher::new(session, document);
    if !check_contexts(session, document, &supported, &mut hasher, report) {
        return;
    }

    let mut bound_to_expected_controller = false;
    let mut every_signature_valid = true;
    for proof in &supported {
        let proof_outcome = verify_one(
            session,
            document,
            proof,
            &supported,
            requirements,
            &mut hasher,
            report,
        );
        if proof_outcome.bound_controller.as_deref() == Some(requirements.controller) {
            bound_to_expected_controller = true;
        }
        every_signature_valid &= proof_outcome.signature_valid;
        report
            .proofs
            .push(summary(proof.object, proof_outcome.outcome));
    }
    if !every_signature_valid {
        // The failed signature is the explanation; "no bound proof" would only repeat it.
    } else if bound_to_expected_controller {
        report.note(Check::pass(
            CheckKind::KeyBinding,
            format!("at least one proof is bound to {}", requirements.controller),
        ));
        report.mark_bound_to_controller();
    } else {
        report.record(
            Check::fail(
                CheckKind::KeyBinding,
                format!(
                    "no proof is made with a key that {} publishes under {}",
                    requirements.controller,
                    requirements.relationship.term()
                ),
            ),
            Outcome::UnboundKey,
        );
    }
}

fn summary(proof: &Map<String, Value>, outcome: Outcome) -> ProofSummary {
    let text = |key: &str| string_member(proof, key).map(str::to_owned);
    ProofSummary {
        proof_type: text("type").unwrap_or_default(),
        cryptosuite: text("cryptosuite"),
        verification_method: text("verificationMethod"),
        proof_purpose: text("proofPurpose"),
        created: text("created"),
        outcome,
    }
}

fn read_proof<'a>(
    index: usize,
    proof: &'a Map<String, Value>,
    suite: Suite,
) -> Result<ProofFields<'a>, String> {
    let required = |key: &str| {
        string_member(proof, key).ok_or_else(|| format!("{key} is missing or not a string"))
    };
    let date = |key: &str| -> Result<Option<OffsetDateTime>, String> {
        match proof.get(key) {
            None => Ok(None),
            Some(Value::String(text)) => parse_datetime(text)
                .map(Some)
                .map_err(|error| format!("{key}: {error}")),
            Some(_) => Err(format!("{key} must be a date-time string")),
        }
    };
    let previous_proof_ids = match proof.get("previousProof") {
        None => Vec::new(),
        Some(Value::String(id)) => vec![id.as_str()],
        Some(Value::Array(ids)) => ids
            .iter()
            .map(|id| {
                id.as_str()
                    .ok_or_else(|| "previousProof entries must be strings".to_owned())
            })
            .collect::<Result<_, _>>()?,
        Some(_) => return Err("previousProof must be a string or an array of strings".to_owned()),
    };
    Ok(ProofFields {
        index,
        object: proof,
        suite,
        verification_method: required("verificationMethod")?,
        proof_purpose: required("proofPurpose")?,
        proof_value: required("proofValue")?,
        created: date("created")?,
        expires: date("expires")?,
        previous_proof_ids,
    })
}

/// RDF suites need every context pinned and expansion without data loss; that is checked
/// once by canonicalizing the unsecured document. JCS needs no JSON-LD processing, but its
/// context URLs must still be pinned: we never read meaning from an unknown context.
/// Canonicalizes the unsecured document once (the result is memoized for the proofs) and
/// records whether every context was pinned and expansion lost nothing.
fn check_rdf_contexts(hasher: &mut DocumentHasher, report: &mut VerificationReport) -> bool {
    match hasher.rdf_hash(&[]) {
        Ok(_) => {
            report.note(Check::pass(
                CheckKind::Context,
                "every context is pinned and expansion loses nothing",
            ));
            true
        }
        Err(error) => {
            report.record(
                Check::fail(CheckKind::Context, format!("JSON-LD: {error}")),
                jsonld_outcome(&error),
            );
            false
        }
    }
}

fn check_contexts(
    session: &Session<'_>,
    document: &Map<String, Value>,
    proofs: &[ProofFields<'_>],
    hasher: &mut DocumentHasher,
    report: &mut VerificationReport,
) -> bool {
    if proofs.iter().any(|proof| proof.suite.uses_rdf()) {
        return check_rdf_contexts(hasher, report);
    }
    let unknown: Vec<&str> = contexts(document)
        .iter()
        .filter_map(Value::as_str)
        .filter(|url| !session.contexts().contains(url))
        .collect();
    if unknown.is_empty() {
        report.note(Check::pass(
            CheckKind::Context,
            "every context URL is pinned",
        ));
        true
    } else {
        report.record(
            Check::fail(
                CheckKind::Context,
                format!("context not in the pinned set: {}", unknown.join(", ")),
            ),
            Outcome::UnknownContext,
        );
        false
    }
}

struct ProofVerdict {
    outcome: Outcome,
    signature_valid: bool,
    bound_controller: Option<String>,
}

fn verify_one(
    session: &Session<'_>,
    document: &Map<String, Value>,
    proof: &ProofFields<'_>,
    all_proofs: &[ProofFields<'_>],
    requirements: &ProofRequirements<'_>,
    hasher: &mut DocumentHasher,
    report: &mut VerificationReport,
) -> ProofVerdict {
    let label = format!("proof {} ({})", proof.index, proof_label(proof));
    let mut outcome = Outcome::Verified;
    let mut fail =
        |report: &mut VerificationReport, kind: CheckKind, detail: String, failure: Outcome| {
            report.record(Check::fail(kind, format!("{label}: {detail}")), failure);
            if outcome == Outcome::Verified || failure < outcome {
                outcome = failure;
            }
        };

    let signature = match multibase::decode_signature(proof.proof_value) {
        Ok(signature) => signature,
        Err(problem) => {
            fail(
                report,
                CheckKind::Signature,
                format!("bad proofValue: {problem}"),
                Outcome::InvalidSignature,
            );
            return ProofVerdict {
                outcome,
                signature_valid: false,
                bound_controller: None,
            };
        }
    };
    let lookup = session.lookup_key(&LookupRequest {
        verification_method: proof.verification_method,
        relationship: requirements.relationship,
        proof_created: proof.created,
        now: session.now(),
    });
    let Some(PublicKey::Ed25519(key)) = lookup.key else {
        let reason = match &lookup.binding {
            Binding::Unresolved(reason) | Binding::Unbound(reason) => reason.clone(),
            Binding::Bound { detail, .. } => detail.clone(),
        };
        fail(
            report,
            CheckKind::Signature,
            format!("no key to check the signature with: {reason}"),
            Outcome::KeyResolutionFailed,
        );
        return ProofVerdict {
            outcome,
            signature_valid: false,
            bound_controller: None,
        };
    };
    let hash_data = match hash_data(document, proof, all_proofs, hasher) {
        Ok(hash_data) => hash_data,
        Err(HashError::Malformed(problem)) => {
            fail(
                report,
                CheckKind::Signature,
                problem,
                Outcome::InvalidSignature,
            );
            return ProofVerdict {
                outcome,
                signature_valid: false,
                bound_controller: None,
            };
        }
        Err(HashError::JsonLd(error)) => {
            fail(
                report,
                CheckKind::Context,
                format!("JSON-LD: {error}"),
                jsonld_outcome(&error),
            );
            return ProofVerdict {
                outcome,
                signature_valid: false,
                bound_controller: None,
            };
        }
    };
    let signature = ed25519_dalek::Signature::from_bytes(&signature);
    if key.verify_strict(&hash_data, &signature).is_err() {
        fail(
            report,
            CheckKind::Signature,
            "the Ed25519 signature does not match the canonical content".to_owned(),
            Outcome::InvalidSignature,
        );
        return ProofVerdict {
            outcome,
            signature_valid: false,
            bound_controller: None,
        };
    }
    report.note(Check::pass(
        CheckKind::Signature,
        format!("{label}: Ed25519 signature valid"),
    ));

    let bound_controller = match lookup.binding {
        Binding::Bound { controller, detail } => {
            let relation = if controller == requirements.controller {
                "the expected controller".to_owned()
            } else {
                format!("a co-signer, not {}", requirements.controller)
            };
            report.note(Check::pass(
                CheckKind::KeyBinding,
                format!("{label}: {detail} ({relation})"),
            ));
            Some(controller)
        }
        Binding::Unbound(reason) | Binding::Unresolved(reason) => {
            fail(report, CheckKind::KeyBinding, reason, Outcome::UnboundKey);
            None
        }
    };

    let expected_purpose = requirements.relationship.term();
    if proof.proof_purpose == expected_purpose {
        report.note(Check::pass(
            CheckKind::ProofPurpose,
            format!("{label}: {expected_purpose}"),
        ));
    } else {
        fail(
            report,
            CheckKind::ProofPurpose,
            format!(
                "proofPurpose is {:?}, {expected_purpose} is required",
                proof.proof_purpose
            ),
            Outcome::WrongProofPurpose,
        );
    }
    if requirements.relationship == Relationship::Authentication {
        for (member, wanted) in [
            ("challenge", requirements.challenge),
            ("domain", requirements.domain),
        ] {
            let Some(wanted) = wanted else { continue };
            let actual = proof.object.get(member);
            let matches = match actual {
                Some(Value::String(actual)) => actual == wanted,
                Some(Value::Array(values)) => {
                    values.iter().any(|value| value.as_str() == Some(wanted))
                }
                _ => false,
            };
            if matches {
                report.note(Check::pass(
                    CheckKind::Holder,
                    format!("{label}: {member} is {wanted:?}"),
                ));
            } else {
                fail(
                    report,
                    CheckKind::Holder,
                    format!("{member} is {actual:?}, {wanted:?} was asked"),
                    Outcome::ChallengeMismatch,
                );
            }
        }
    }
    if let Some(created) = proof.created
        && created > session.now() + CLOCK_SKEW
    {
        fail(
            report,
            CheckKind::Validity,
            format!("created {} is in the future", format_datetime(created)),
            Outcome::NotYetValid,
        );
    }
    if let Some(expires) = proof.expires
        && expires < session.now()
    {
        fail(
            report,
            CheckKind::Validity,
            format!("the proof expired at {}", format_datetime(expires)),
            Outcome::Expired,
        );
    }
    ProofVerdict {
        outcome,
        signature_valid: true,
        bound_controller,
    }
}

fn proof_label(proof: &ProofFields<'_>) -> String {
    match proof.suite {
        Suite::Ed25519Signature2020 => "Ed25519Signature2020".to_owned(),
        _ => string_member(proof.object, "cryptosuite")
            .unwrap_or("DataIntegrityProof")
            .to_owned(),
    }
}

enum HashError {
    Malformed(String),
    JsonLd(jsonld::Error),
}

/// `hashData = SHA-256(canonical proof config) ‖ SHA-256(canonical unsecured document)`.
fn hash_data(
    document: &Map<String, Value>,
    proof: &ProofFields<'_>,
    all_proofs: &[ProofFields<'_>],
    hasher: &mut DocumentHasher,
) -> Result<[u8; 64], HashError> {
    // Proof chains: the document is hashed with exactly the proofs this one names.
    let mut previous = Vec::with_capacity(proof.previous_proof_ids.len());
    for id in &proof.previous_proof_ids {
        let matching = all_proofs
            .iter()
            .find(|candidate| string_member(candidate.object, "id") == Some(*id))
            .ok_or_else(|| {
                HashError::Malformed(format!("previousProof {id:?} is not in the proof set"))
            })?;
        previous.push(matching.index);
    }
    let (proof_hash, document_hash) = match proof.suite {
        Suite::EddsaRdfc2022 | Suite::Ed25519Signature2020 => {
            let mut config = proof.object.clone();
            config.remove("proofValue");
            match document.get("@context") {
                Some(context) => config.insert("@context".to_owned(), context.clone()),
                None => config.remove("@context"),
            };
            let proof_hash = hasher
                .rdf_hash_of(&Value::Object(config))
                .map_err(HashError::JsonLd)?;
            (
                proof_hash,
                hasher.rdf_hash(&previous).map_err(HashError::JsonLd)?,
            )
        }
        Suite::EddsaJcs2022 => {
            let context = match proof.object.get("@context") {
                Some(proof_context) => {
                    let proof_contexts = match proof_context {
                        Value::Array(values) => values.as_slice(),
                        single => std::slice::from_ref(single),
                    };
                    if !contexts(document).starts_with(proof_contexts) {
                        return Err(HashError::Malformed(
                            "the document's @context does not start with the proof's @context"
                                .to_owned(),
                        ));
                    }
                    Some(proof_context)
                }
                None => document.get("@context"),
            };
            let proof_hash = jcs::sha256_of_object(proof.object, &["proofValue"], context);
            let document_hash = hasher.jcs_hash(&previous, context);
            (proof_hash, document_hash)
        }
    };
    let mut combined = [0u8; 64];
    combined[..32].copy_from_slice(&proof_hash);
    combined[32..].copy_from_slice(&document_hash);
    Ok(combined)
}

/// Hashes of the unsecured document, memoized per set of previous proofs: a proof set of
/// n proofs canonicalizes the document once, not n times.
struct DocumentHasher<'a> {
    session: &'a Session<'a>,
    document: &'a Map<String, Value>,
    rdf_hashes: HashMap<Vec<usize>, Result<[u8; 32], jsonld::Error>>,
}

impl<'a> DocumentHasher<'a> {
    fn new(session: &'a Session<'a>, document: &'a Map<String, Value>) -> Self {
        DocumentHasher {
            session,
            document,
            rdf_hashes: HashMap::new(),
        }
    }

    fn proofs_named(&self, previous: &[usize]) -> Option<Value> {
        if previous.is_empty() {
            return None;
        }
        let proofs = match self.document.get("proof") {
            Some(Value::Array(proofs)) => proofs.as_slice(),
            Some(single) => std::slice::from_ref(single),
            None => &[],
        };
        Some(Value::Array(
            previous
                .iter()
                .filter_map(|index| proofs.get(*index).cloned())
                .collect(),
        ))
    }

    fn rdf_hash(&mut self, previous: &[usize]) -> Result<[u8; 32], jsonld::Error> {
        if let Some(hash) = self.rdf_hashes.get(previous) {
            return hash.clone();
        }
        let mut unsecured = self.document.clone();
        unsecured.remove("proof");
        if let Some(proofs) = self.proofs_named(previous) {
            unsecured.insert("proof".to_owned(), proofs);
        }
        let hash = self.rdf_hash_of(&Value::Object(unsecured));
        self.rdf_hashes.insert(previous.to_vec(), hash.clone());
        hash
    }

    fn rdf_hash_of(&self, value: &Value) -> Result<[u8; 32], jsonld::Error> {
        let canonical = self.session.canonical_nquads(value)?;
        Ok(Sha256::digest(canonical.as_bytes()).into())
    }

    fn jcs_hash(&self, previous: &[usize], context: Option<&Value>) -> [u8; 32] {
        match self.proofs_named(previous) {
            None => jcs::sha256_of_object(self.document, &["proof"], context),
            Some(proofs) => {
                let mut unsecured = self.document.clone();
                unsecured.insert("proof".to_owned(), proofs);
                jcs::sha256_of_object(&unsecured, &[], context)
            }
        }
    }
}

/// The 64 bytes a new proof signs: `proof` (without `proofValue`) added to `document`,
/// hashed exactly as verification will hash it. Signing lives here, beside verification,
/// so that the two can never disagree.
pub(crate) fn signing_input(
    session: &Session<'_>,
    document: &Map<String, Value>,
    proof: &Map<String, Value>,
) -> Result<[u8; 64], String> {
    let suite = Suite::of(proof)?.ok_or("not a suite we sign with")?;
    let fields = ProofFields {
        index: usize::MAX,
        object: proof,
        suite,
        verification_method: string_member(proof, "verificationMethod").unwrap_or_default(),
        proof_purpose: string_member(proof, "proofPurpose").unwrap_or_default(),
        proof_value: "",
        created: None,
        expires: None,
        previous_proof_ids: Vec::new(),
    };
    let mut hasher = DocumentHasher::new(session, document);
    hash_data(document, &fields, &[], &mut hasher).map_err(|error| match error {
        HashError::Malformed(problem) => problem,
        HashError::JsonLd(error) => format!("JSON-LD: {error}"),
    })
}
