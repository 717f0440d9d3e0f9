//! The error table: each code is produced by a real request, with its status, a body of
//! exactly `{"code", "message"}`, and no internal detail.

use std::collections::BTreeSet;

use axum::body::Body;
use server::ErrorCode;

use super::{OTHER_ISSUER, call, encode_segment, get, harness, post_json, request};

/// Codes whose trigger needs its own set-up, and the test that covers each.
const COVERED_ELSEWHERE: [(&str, &str); 6] = [
    (
        "too_many_saved_searches",
        "saved::saved_searches_are_bounded_per_key_and_private_to_it",
    ),
    (
        "rate_limited",
        "limits::a_burst_over_the_quota_is_429_with_retry_after",
    ),
    (
        "overloaded",
        "limits::requests_over_the_concurrency_limit_are_shed_with_503",
    ),
    (
        "request_timeout",
        "limits::a_request_slower_than_the_timeout_is_503",
    ),
    (
        "consent_not_verified",
        "consent::an_unsigned_or_foreign_presentation_is_refused",
    ),
    // An opened index always has a snapshot and our handlers do not fail on the harness's
    // data, so these two are asserted by shape only (see `every_code_has_one_status`).
    ("not_ready|internal", "errors::every_code_has_one_status"),
];

#[tokio::test]
async fn every_error_code_has_its_status_and_body_shape() {
    let harness = harness();
    let keys = &harness.keys;
    let deep = format!("{}{}", "[".repeat(65), "]".repeat(65));
    let deep_consent = format!(r#"{{"challenge": "c", "presentation": {deep}}}"#);
    let mut text_plain = post_json("/api/v1/consent/withdraw", None, r#"{"challenge": "c"}"#);
    text_plain.headers_mut().insert(
        "content-type",
        "text/plain".parse().expect("a header value"),
    );
    let cases: Vec<(&str, axum::http::Request<Body>)> = vec![
        ("unauthenticated", get("/metrics", None)),
        (
            "invalid_api_key",
            get("/api/v1/health", Some("spk_not-a-key")),
        ),
        ("forbidden", get("/metrics", Some(&keys.employer))),
        ("no_such_route", get("/api/v1/nothing-here", None)),
        (
            "method_not_allowed",
            request("DELETE", "/api/v1/health", None, Body::empty()),
        ),
        (
            "unknown_skill",
            get(
                &format!("/api/v1/skills/{}", encode_segment("esco:skill/none")),
                None,
            ),
        ),
        ("unknown_region", get("/api/v1/regions/Atlantis", None)),
        (
            "unknown_candidate",
            get(
                &format!(
                    "/api/v1/candidates/{}",
                    encode_segment("did:key:z6MkNobody")
                ),
                Some(&keys.employer),
            ),
        ),
        (
            "unknown_saved_search",
            post_json("/api/v1/saved-searches/none/run", Some(&keys.employer), ""),
        ),
        (
            "unknown_issuer",
            get(
                &format!(
                    "/api/v1/institutions/issuers/{}/report",
                    encode_segment(OTHER_ISSUER)
                ),
                Some(&keys.institution),
            ),
        ),
        (
            "payload_too_large",
            request(
                "POST",
                "/api/v1/verify",
                None,
                Body::from(vec![
                    b' ';
                    server::Limits::default().max_verify_body_bytes + 1
                ]),
            ),
        ),
        ("unsupported_media_type", text_plain),
        (
            "malformed_json",
            post_json("/api/v1/consent/withdraw", None, "{\"challenge\":"),
        ),
        (
            "json_too_deep",
            post_json("/api/v1/consent/withdraw", None, &deep_consent),
        ),
        (
            "json_too_deep",
            request("POST", "/api/v1/verify", None, Body::from(deep.clone())),
        ),
        (
            "invalid_body",
            post_json(
                "/api/v1/consent/withdraw",
                None,
                r#"{"challenge": 5, "presentation": {}}"#,
            ),
        ),
        (
            "invalid_parameter",
            get("/api/v1/skills?q=data&limit=100000", None),
        ),
        ("invalid_parameter", get("/api/v1/skills?q=", None)),
        (
            "invalid_parameter",
            get("/api/v1/skills?q=data&limit=-1", None),
        ),
        (
            "invalid_parameter",
            request(
                "POST",
                "/api/v1/verify?now=yesterday",
                None,
                Body::from("{}"),
            ),
        ),
        (
            "invalid_parameter",
            get("/api/v1/regions/geojson/fsa", None),
        ),
        (
            "invalid_challenge",
            post_json(
                "/api/v1/consent/withdraw",
                None,
                r#"{"challenge": "never-issued", "presentation": {}}"#,
            ),
        ),
    ];
    let mut seen = BTreeSet::new();
    for (expected, request) in cases {
        let what = format!("{} {}", request.method(), request.uri());
        let reply = call(&harness.router, request).await;
        let body = reply.json();
        let code = ErrorCode::ALL
            .into_iter()
            .find(|code| code.as_str() == expected)
            .unwrap_or_else(|| panic!("{expected} is not in the error table"));
        assert_eq!(reply.status, code.status(), "{what}: status; body {body}");
        assert_eq!(body["code"], expected, "{what}: code; body {body}");
        let members: Vec<&String> = body.as_object().expect("an object").keys().collect();
        assert_eq!(members, ["code", "message"], "{what}: body shape");
        let message = body["message"].as_str().unwrap_or_default();
        assert!(!message.is_empty(), "{what}: a message for people");
        assert!(
            !message.contains("/src/") && !message.contains("panicked"),
            "{what}: internal detail leaked: {message}"
        );
        assert!(reply.header("x-request-id").is_some(), "{what}: request id");
        seen.insert(expected);
    }
    for (codes, _) in COVERED_ELSEWHERE {
        seen.extend(codes.split('|'));
    }
    let table: BTreeSet<&str> = ErrorCode::ALL.iter().map(|code| code.as_str()).collect();
    assert_eq!(seen, table, "every code of the table is exercised");
}

#[tokio::test]
async fn every_code_has_one_status() {
    let mut codes = BTreeSet::new();
    for code in ErrorCode::ALL {
        assert!(codes.insert(code.as_str()), "{} twice", code.as_str());
        let text = code.as_str();
        assert!(
            text.bytes()
                .all(|byte| byte.is_ascii_lowercase() || byte == b'_'),
            "{text} is snake_case"
        );
        let status = code.status().as_u16();
        assert!(
            (400..600).contains(&status),
            "{text}: {status} is an error status"
        );
    }
    assert_eq!(ErrorCode::NotReady.status().as_u16(), 503);
    assert_eq!(ErrorCode::Internal.status().as_u16(), 500);
    // An internal error's response never carries its detail.
    let response = axum::response::IntoResponse::into_response(server::ApiError::internal(
        "disk on fire at /var/lib/secret",
    ));
    assert_eq!(response.status().as_u16(), 500);
    let body = http_body_util::BodyExt::collect(response.into_body())
        .await
        .expect("a body")
        .to_bytes();
    let body: serde_json::Value = serde_json::from_slice(&body).expect("JSON");
    assert_eq!(body["code"], "internal");
    assert!(
        !body.to_string().contains("/var/lib/secret"),
        "the detail stays in the log: {body}"
    );
}
