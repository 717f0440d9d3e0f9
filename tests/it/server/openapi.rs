//! The OpenAPI document: generated from the handlers, committed as
//! `crates/server/openapi.json` (this test fails when they drift; regenerate with
//! `SKILLPROOF_BLESS=1`), and every route it describes exists, with its security stated.

use axum::body::Body;
use axum::http::StatusCode;

use super::{call, harness, request};

#[test]
fn the_committed_document_is_the_generated_one() {
    let generated = server::openapi_text();
    let path = skillproof_tests::repo_dir().join("crates/server/openapi.json");
    if std::env::var_os("SKILLPROOF_BLESS").is_some() {
        std::fs::write(&path, &generated).expect("writing openapi.json");
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "crates/server/openapi.json is stale: run `SKILLPROOF_BLESS=1 cargo test -p skillproof-tests --test it server::openapi::`"
    );
}

#[tokio::test]
async fn every_documented_route_exists_and_every_route_is_documented() {
    let harness = harness();
    let document: serde_json::Value =
        serde_json::from_str(&server::openapi_text()).expect("the document is JSON");
    let paths = document["paths"].as_object().expect("paths");
    let mut operations = 0;
    for (path, item) in paths {
        let concrete = path
            .replace("{id}", "esco:skill%2Fnone")
            .replace("{code}", "N3T")
            .replace("{level}", "census_division")
            .replace("{issuer}", "did:web:x")
            .replace("{earner}", "did:key:x");
        for (method, operation) in item.as_object().expect("a path item") {
            operations += 1;
            let reply = call(
                &harness.router,
                request(&method.to_uppercase(), &concrete, None, Body::empty()),
            )
            .await;
            let code = serde_json::from_slice::<serde_json::Value>(&reply.body)
                .ok()
                .and_then(|body| body["code"].as_str().map(str::to_owned))
                .unwrap_or_default();
            assert!(
                code != "no_such_route" && code != "method_not_allowed",
                "{method} {path} is documented but not routed ({code})"
            );
            // S4: a route is public by this list or states its key, and then refuses
            // anonymous callers.
            let secured = operation.get("security").is_some();
            let public = [
                "/api/v1/health",
                "/api/v1/ready",
                "/api/v1/verify",
                "/api/v1/skills",
                "/api/v1/skills/{id}",
                "/api/v1/regions",
                "/api/v1/regions/{code}",
                "/api/v1/regions/geojson/{level}",
                "/api/v1/consent/challenge",
                "/api/v1/consent/withdraw",
                "/api/v1/consent/surfaced",
            ]
            .contains(&path.as_str());
            assert!(secured != public, "{method} {path}: public xor secured");
            if secured {
                assert_eq!(
                    reply.status,
                    StatusCode::UNAUTHORIZED,
                    "{method} {path} anonymous"
                );
            }
        }
    }
    assert_eq!(
        operations, 28,
        "the routes of crates/server/src/lib.rs, search.rs, analytics.rs and saved.rs"
    );
    // The document itself is served.
    let served = call(
        &harness.router,
        request("GET", server::OPENAPI_PATH, None, Body::empty()),
    )
    .await;
    assert_eq!(
        String::from_utf8_lossy(&served.body),
        server::openapi_text()
    );
    // Its description carries the whole error table.
    let description = document["info"]["description"].as_str().unwrap_or_default();
    for code in server::ErrorCode::ALL {
        assert!(
            description.contains(&format!(
                "| `{}` | {} |",
                code.as_str(),
                code.status().as_u16()
            )),
            "{} in the error table",
            code.as_str()
        );
    }
}
