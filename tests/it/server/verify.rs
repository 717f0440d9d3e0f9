//! `POST /api/v1/verify` answers what `skillproof verify --offline --format json` prints for
//! the same bytes and instant: the server fetches nothing, exactly as `--offline`.

use std::collections::BTreeMap;

use axum::body::Body;
use axum::http::StatusCode;
use serde_json::Value;
use skillproof_tests::{LoadedCase, load_all_cases, skillproof_bin};

use super::{call, harness, request};

/// Fixture cases that need no fetched documents, at most this many per instant (the CLI
/// runs once per instant).
const PER_INSTANT: usize = 12;

fn offline_cases() -> BTreeMap<String, Vec<LoadedCase>> {
    let mut by_instant: BTreeMap<String, Vec<LoadedCase>> = BTreeMap::new();
    for case in load_all_cases().expect("loading EXPECTED.json files") {
        if case.case.documents.is_empty()
            && case.case.challenge.is_none()
            && case.case.domain.is_none()
        {
            let cases = by_instant.entry(case.case.now.clone()).or_default();
            if cases.len() < PER_INSTANT {
                cases.push(case);
            }
        }
    }
    by_instant
}

#[tokio::test]
async fn the_endpoint_agrees_with_the_cli_on_fixture_credentials() {
    let harness = harness();
    let binary = skillproof_bin().expect("building the skillproof binary");
    let mut compared = 0;
    let mut outcomes = std::collections::BTreeSet::new();
    for (now, cases) in offline_cases() {
        let paths: Vec<String> = cases
            .iter()
            .map(|case| {
                skillproof_tests::resolve_inside(&case.dir, &case.case.file)
                    .expect("a fixture path")
                    .display()
                    .to_string()
            })
            .collect();
        let output = std::process::Command::new(&binary)
            .args(["verify", "--format", "json", "--offline", "--now", &now])
            .args(&paths)
            .output()
            .expect("running skillproof");
        let lines: Vec<Value> = String::from_utf8_lossy(&output.stdout)
            .lines()
            .map(|line| serde_json::from_str(line).expect("a JSON line"))
            .collect();
        assert_eq!(lines.len(), cases.len(), "one line per input at {now}");
        for (case, mut expected) in cases.iter().zip(lines) {
            let bytes = case.input().expect("fixture bytes");
            let path = format!("/api/v1/verify?now={}", now.replace('+', "%2B"));
            let reply = call(
                &harness.router,
                request("POST", &path, None, Body::from(bytes)),
            )
            .await;
            assert_eq!(reply.status, StatusCode::OK, "{}", case.name());
            if let Value::Object(members) = &mut expected {
                members.remove("path");
            }
            let answered = reply.json();
            assert_eq!(answered, expected, "{}: server vs CLI", case.name());
            outcomes.insert(answered["outcome"].as_str().unwrap_or_default().to_owned());
            compared += 1;
        }
    }
    assert!(compared >= 20, "compared {compared} fixtures");
    assert!(
        outcomes.contains("verified") && outcomes.len() >= 3,
        "verified and failing cases alike: {outcomes:?}"
    );
}

#[tokio::test]
async fn a_key_the_server_would_have_to_fetch_is_reported_not_fetched() {
    let harness = harness();
    // A did:web issuer: the server makes no outbound calls, so the key cannot be resolved,
    // and the report says so instead of "verified".
    let case = load_all_cases()
        .expect("cases")
        .into_iter()
        .find(|case| {
            case.case.outcome == model::Outcome::Verified
                && case
                    .case
                    .documents
                    .keys()
                    .any(|url| url.ends_with("/did.json"))
        })
        .expect("a fixture that needs a fetched document");
    let reply = call(
        &harness.router,
        request(
            "POST",
            &format!("/api/v1/verify?now={}", case.case.now.replace('+', "%2B")),
            None,
            Body::from(case.input().expect("bytes")),
        ),
    )
    .await;
    let body = reply.json();
    assert_eq!(body["verified"], false, "{}: {body}", case.name());
    assert_eq!(
        body["outcome"],
        "key_resolution_failed",
        "{}: {body}",
        case.name()
    );
    let offline_detail = body["checks"]
        .as_array()
        .expect("checks")
        .iter()
        .any(|check| {
            check["detail"]
                .as_str()
                .unwrap_or_default()
                .contains("offline")
        });
    assert!(offline_detail, "the check names the missing fetch: {body}");
}
