//! Regression tests for the verdicts that matter most: a key that is not the issuer's is
//! never "verified", whatever the suite. The full corpus runs in the integration tests
//! (tests/it/vectors.rs); these keep the crate honest on its own.

use std::sync::Arc;

use model::Outcome;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::{OfflineResolver, Verifier, VerifyOptions};

fn fixture(path: &str) -> Vec<u8> {
    let full = format!(
        "{}/../../tests/fixtures/vectors/{path}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(&full).unwrap_or_else(|error| panic!("{full}: {error}"))
}

#[track_caller]
fn check(path: &str, expected: Outcome) {
    let now = OffsetDateTime::parse("2026-01-01T00:00:00Z", &Rfc3339).expect("test date");
    let report =
        Verifier::new(Arc::new(OfflineResolver)).verify(&fixture(path), &VerifyOptions::at(now));
    assert_eq!(report.outcome, expected, "{path}: {:#?}", report.checks);
}

#[test]
fn the_issuers_own_key_verifies() {
    check(
        "harness-generated-digitalbazaar/ob3-didkey-eddsa-rdfc-2022.valid.json",
        Outcome::Verified,
    );
    check(
        "harness-generated-digitalbazaar/ob3-didkey-eddsa-jcs-2022.valid.json",
        Outcome::Verified,
    );
}

#[test]
fn a_valid_signature_by_someone_else_is_unbound_in_every_suite() {
    check(
        "harness-generated-digitalbazaar/ob3-didkey-eddsa-rdfc-2022.signed-by-non-issuer-key.json",
        Outcome::UnboundKey,
    );
    // The W3C vectors are signed by a did:key for an https issuer that publishes nothing.
    check(
        "w3c-vc-di-eddsa/eddsa-rdfc-2022/signedDataInt.json",
        Outcome::UnboundKey,
    );
    check(
        "w3c-vc-di-eddsa/eddsa-jcs-2022/signedJCS.json",
        Outcome::UnboundKey,
    );
    check(
        "w3c-vc-di-eddsa/Ed25519Signature2020/signedEdSig.json",
        Outcome::UnboundKey,
    );
}

#[test]
fn tampering_and_relabelling_break_the_signature() {
    check(
        "harness-generated-digitalbazaar/ob3-didkey-eddsa-rdfc-2022.tampered-achievement-name.json",
        Outcome::InvalidSignature,
    );
    check(
        "harness-generated-digitalbazaar/ob3-didkey-eddsa-rdfc-2022.issuer-swapped-after-signing.json",
        Outcome::InvalidSignature,
    );
    check(
        "harness-generated-digitalbazaar/ob3-didkey-eddsa-jcs-2022.tampered-validUntil.json",
        Outcome::InvalidSignature,
    );
    check(
        "harness-generated-digitalbazaar/ob3-didkey.cryptosuite-relabelled-rdfc-as-jcs.json",
        Outcome::InvalidSignature,
    );
}

#[test]
fn a_report_without_an_established_binding_is_never_verified() {
    use model::{Check, CheckKind, Container, Format};
    let mut report = crate::VerificationReport::new(Format::VcDataIntegrity, Container::Json);
    report.note(Check::pass(CheckKind::Signature, "a signature passed"));
    assert_eq!(
        report.clone().seal().outcome,
        Outcome::UnboundKey,
        "passing checks alone are not enough"
    );
    report.mark_bound_to_controller();
    assert_eq!(report.seal().outcome, Outcome::Verified);
}
