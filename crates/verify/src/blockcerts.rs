//! Blockcerts v2 / v3. (Being written; reported as unsupported until then.)

use std::sync::Arc;

use model::{Check, CheckKind, Container, Format, Outcome};
use serde_json::{Map, Value};

use crate::report::VerificationReport;
use crate::session::Session;

/// Blockcerts v2 (`signature` MerkleProof2017) or v3 (`MerkleProof2019` proofs).
pub(crate) fn is_blockcerts(object: &Map<String, Value>) -> bool {
    let merkle = |proof: &Value| {
        let proof_type = proof.get("type").and_then(Value::as_str);
        let suite = proof.get("cryptosuite").and_then(Value::as_str);
        matches!(proof_type, Some("MerkleProof2017" | "MerkleProof2019"))
            || suite == Some("merkle-proof-2019")
    };
    let in_member = |member: &str| match object.get(member) {
        Some(Value::Array(proofs)) => proofs.iter().any(merkle),
        Some(proof) => merkle(proof),
        None => false,
    };
    in_member("signature") || in_member("proof")
}

pub(crate) fn verify(
    _session: &Session<'_>,
    _document: Arc<Value>,
    container: Container,
) -> VerificationReport {
    let mut report = VerificationReport::new(Format::Blockcerts, container);
    report.record(
        Check::fail(
            CheckKind::Anchor,
            "Blockcerts verification is not available yet",
        ),
        Outcome::Unsupported,
    );
    report
}
