//! Withdrawal of consent: a presentation signed by the earner's own key, answering a one-time
//! challenge of this server, is recorded durably for the index writer; anything else is
//! refused and records nothing.

use std::sync::Arc;

use axum::http::StatusCode;
use ed25519_dalek::SigningKey;
use serde_json::{Value, json};
use verify::{OfflineResolver, ProofOptions, SigningSuite, Verifier, did_key};

use super::{Harness, call, harness, post_json};

const DOMAIN: &str = "skillproof.test";

fn earner() -> SigningKey {
    SigningKey::from_bytes(&[7u8; 32])
}

/// A presentation by `key`'s did:key, signed for `challenge` and `domain`.
pub(crate) fn presentation(key: &SigningKey, challenge: &str, domain: &str) -> Value {
    let (holder, method) = did_key(key);
    let unsigned = json!({
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiablePresentation"],
        "holder": holder,
    });
    Verifier::new(Arc::new(OfflineResolver))
        .sign(
            &unsigned,
            &ProofOptions {
                suite: SigningSuite::EddsaRdfc2022,
                verification_method: method,
                proof_purpose: "authentication".to_owned(),
                created: time::OffsetDateTime::now_utc() - time::Duration::minutes(1),
                challenge: Some(challenge.to_owned()),
                domain: Some(domain.to_owned()),
            },
            key,
        )
        .expect("signs")
}

pub(crate) async fn challenge(harness: &Harness) -> String {
    let reply = call(
        &harness.router,
        post_json("/api/v1/consent/challenge", None, ""),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK);
    let body = reply.json();
    assert_eq!(body["domain"], DOMAIN);
    body["challenge"].as_str().expect("a challenge").to_owned()
}

fn recorded(harness: &Harness) -> Vec<Value> {
    let path = server::routes::withdrawals_path(harness.data_dir.path());
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(|line| serde_json::from_str(line).expect("a JSON line"))
        .collect()
}

async fn withdraw(harness: &Harness, challenge: &str, presentation: &Value) -> super::Reply {
    let body = json!({"challenge": challenge, "presentation": presentation}).to_string();
    call(
        &harness.router,
        post_json("/api/v1/consent/withdraw", None, &body),
    )
    .await
}

#[tokio::test]
async fn a_signed_withdrawal_is_recorded_once() {
    let harness = harness();
    let key = earner();
    let (holder, _) = did_key(&key);
    let issued = challenge(&harness).await;
    let signed = presentation(&key, &issued, DOMAIN);
    let reply = withdraw(&harness, &issued, &signed).await;
    assert_eq!(reply.status, StatusCode::ACCEPTED, "{}", reply.json());
    assert_eq!(reply.json()["holder"], holder);
    let lines = recorded(&harness);
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["holder"], holder);
    // The same request again: the challenge is spent.
    let replay = withdraw(&harness, &issued, &signed).await;
    assert_eq!(replay.status, StatusCode::BAD_REQUEST);
    assert_eq!(replay.code(), "invalid_challenge");
    assert_eq!(recorded(&harness).len(), 1, "a replay records nothing");
}

#[tokio::test]
async fn an_unsigned_or_foreign_presentation_is_refused() {
    let harness = harness();
    let key = earner();
    let (holder, _) = did_key(&key);
    let unsigned = json!({
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiablePresentation"],
        "holder": holder,
    });
    let cases: Vec<(&str, Box<dyn Fn(&str) -> Value>)> = vec![
        ("no proof", Box::new(move |_| unsigned.clone())),
        (
            "signed for another challenge",
            Box::new(|_| presentation(&earner(), "a-challenge-of-someone-else", DOMAIN)),
        ),
        (
            "signed for another domain",
            Box::new(|issued| presentation(&earner(), issued, "evil.example")),
        ),
        (
            "a credential, not a presentation",
            Box::new(|_| {
                json!({
                    "@context": ["https://www.w3.org/ns/credentials/v2"],
                    "type": ["VerifiableCredential"],
                    "issuer": "did:example:nobody",
                    "credentialSubject": {"id": "did:example:someone"},
                })
            }),
        ),
        (
            "a JWT that is not one",
            Box::new(|_| json!("eyJhbGciOiJub25lIn0.e30.")),
        ),
    ];
    for (what, build) in cases {
        let issued = challenge(&harness).await;
        let reply = withdraw(&harness, &issued, &build(&issued)).await;
        assert_eq!(
            reply.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{what}: {}",
            reply.json()
        );
        assert_eq!(reply.code(), "consent_not_verified", "{what}");
    }
    assert!(recorded(&harness).is_empty(), "nothing was recorded");
}
