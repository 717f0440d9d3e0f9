//! Roles, lookups, reports, health and metrics.

use axum::http::StatusCode;
use serde_json::Value;

use super::{
    OTHER_ISSUER, OWN_ISSUER, RELEASED_EARNERS, call, encode_segment, get, harness, request,
};

/// Who may call what: `None` is anonymous. Public routes answer everyone; the others answer
/// 401 without a key and 403 with a key of another role.
#[tokio::test]
async fn roles_decide_who_may_call_what() {
    let harness = harness();
    let keys = &harness.keys;
    let own_report = format!(
        "/api/v1/institutions/issuers/{}/report",
        encode_segment(OWN_ISSUER)
    );
    let cases: Vec<(&str, &str, Option<&str>, StatusCode)> = vec![
        ("GET", "/api/v1/health", None, StatusCode::OK),
        ("GET", "/api/v1/ready", None, StatusCode::OK),
        ("GET", "/api/v1/skills?q=teamwork", None, StatusCode::OK),
        ("GET", "/api/v1/regions?q=Brantford", None, StatusCode::OK),
        ("GET", "/api/v1/openapi.json", None, StatusCode::OK),
        ("POST", "/api/v1/consent/challenge", None, StatusCode::OK),
        ("GET", "/metrics", None, StatusCode::UNAUTHORIZED),
        (
            "GET",
            "/metrics",
            Some(&keys.employer),
            StatusCode::FORBIDDEN,
        ),
        (
            "GET",
            "/metrics",
            Some(&keys.institution),
            StatusCode::FORBIDDEN,
        ),
        ("GET", "/metrics", Some(&keys.admin), StatusCode::OK),
        (
            "POST",
            "/api/v1/admin/reload",
            None,
            StatusCode::UNAUTHORIZED,
        ),
        (
            "POST",
            "/api/v1/admin/reload",
            Some(&keys.board),
            StatusCode::FORBIDDEN,
        ),
        (
            "POST",
            "/api/v1/admin/reload",
            Some(&keys.admin),
            StatusCode::OK,
        ),
        ("GET", &own_report, None, StatusCode::UNAUTHORIZED),
        (
            "GET",
            &own_report,
            Some(&keys.employer),
            StatusCode::FORBIDDEN,
        ),
        ("GET", &own_report, Some(&keys.board), StatusCode::FORBIDDEN),
        ("GET", &own_report, Some(&keys.institution), StatusCode::OK),
        ("GET", &own_report, Some(&keys.admin), StatusCode::OK),
    ];
    for (method, path, key, expected) in cases {
        let reply = call(
            &harness.router,
            request(method, path, key, axum::body::Body::empty()),
        )
        .await;
        assert_eq!(reply.status, expected, "{method} {path} as {key:?}");
    }
}

#[tokio::test]
async fn an_institution_sees_only_its_own_issuer_with_small_cells_suppressed() {
    let harness = harness();
    let path = |issuer: &str| {
        format!(
            "/api/v1/institutions/issuers/{}/report",
            encode_segment(issuer)
        )
    };
    let institution = Some(harness.keys.institution.as_str());
    let reply = call(&harness.router, get(&path(OWN_ISSUER), institution)).await;
    assert_eq!(reply.status, StatusCode::OK);
    let report = reply.json();
    assert_eq!(report["issuer"], OWN_ISSUER);
    assert_eq!(report["k_anonymity"], 5);
    let skills = report["skills"].as_array().expect("skills");
    let cell = |id: &str| {
        skills
            .iter()
            .find(|cell| cell["value"] == id)
            .unwrap_or_else(|| panic!("{id} in {skills:?}"))
            .clone()
    };
    let released = cell("esco:skill/data-analysis");
    assert_eq!(released["earners"], RELEASED_EARNERS as u64);
    assert_eq!(released["suppressed"], false);
    let suppressed = cell("esco:skill/teamwork");
    assert_eq!(
        suppressed["earners"],
        Value::Null,
        "2 earners are never released"
    );
    assert_eq!(suppressed["suppressed"], true);
    // The other issuer's earners are not counted in this report …
    let total: u64 = report["census_divisions"]
        .as_array()
        .expect("regions")
        .iter()
        .filter_map(|cell| cell["earners"].as_u64())
        .sum();
    assert_eq!(total, (RELEASED_EARNERS + super::SUPPRESSED_EARNERS) as u64);
    // … and that issuer's report looks exactly like one that does not exist.
    let foreign = call(&harness.router, get(&path(OTHER_ISSUER), institution)).await;
    let missing = call(
        &harness.router,
        get(&path("did:web:nobody.example"), institution),
    )
    .await;
    assert_eq!(foreign.status, StatusCode::NOT_FOUND);
    assert_eq!(foreign.body, missing.body);
    // An admin sees any issuer.
    let admin = Some(harness.keys.admin.as_str());
    assert_eq!(
        call(&harness.router, get(&path(OTHER_ISSUER), admin))
            .await
            .status,
        StatusCode::OK
    );
    // A repeat is served from the cache for the same snapshot, with the same answer.
    let again = call(&harness.router, get(&path(OWN_ISSUER), institution)).await;
    assert_eq!(again.body, reply.body);
}

#[tokio::test]
async fn skill_lookup_autocompletes_and_resolves_ids() {
    let harness = harness();
    let reply = call(
        &harness.router,
        get("/api/v1/skills?q=teamwrok&limit=5", None),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK);
    let body = reply.json();
    let skills = body["skills"].as_array().expect("skills");
    assert!(!skills.is_empty() && skills.len() <= 5, "{body}");
    let first = &skills[0];
    assert!(
        first["label"].as_str().unwrap_or_default().contains("team"),
        "a typo still finds teamwork: {body}"
    );
    let id = first["id"].as_str().expect("an id");
    let detail = call(
        &harness.router,
        get(&format!("/api/v1/skills/{}", encode_segment(id)), None),
    )
    .await;
    assert_eq!(detail.status, StatusCode::OK);
    let detail = detail.json();
    assert_eq!(detail["id"], id);
    assert_eq!(detail["label"], first["label"]);
    assert!(!detail["facet_paths"].as_array().expect("paths").is_empty());
}

#[tokio::test]
async fn region_lookup_resolves_codes_names_and_postal_codes() {
    let harness = harness();
    for (input, level, code) in [
        ("N3T 1A1", "fsa", "N3T"),
        ("3529", "census_division", "3529"),
        ("35", "province", "35"),
    ] {
        let reply = call(
            &harness.router,
            get(&format!("/api/v1/regions/{}", encode_segment(input)), None),
        )
        .await;
        assert_eq!(reply.status, StatusCode::OK, "{input}");
        let body = reply.json();
        assert_eq!(body["level"], level, "{input}: {body}");
        assert_eq!(body["code"], code, "{input}: {body}");
        assert!(
            !body.to_string().contains("1A1"),
            "nothing finer than an FSA leaves the server"
        );
    }
    let reply = call(
        &harness.router,
        get("/api/v1/regions?q=Brant&limit=10", None),
    )
    .await;
    let body = reply.json();
    let codes: Vec<&str> = body["regions"]
        .as_array()
        .expect("regions")
        .iter()
        .filter_map(|region| region["code"].as_str())
        .collect();
    assert!(codes.contains(&"3529"), "Brant county by name: {body}");
    for level in ["census_division", "economic_region", "planning_area"] {
        let reply = call(
            &harness.router,
            get(&format!("/api/v1/regions/geojson/{level}"), None),
        )
        .await;
        assert_eq!(reply.status, StatusCode::OK, "{level}");
        assert_eq!(reply.header("content-type"), Some("application/geo+json"));
        let geojson = reply.json();
        assert_eq!(geojson["type"], "FeatureCollection", "{level}");
        assert!(!geojson["features"].as_array().expect("features").is_empty());
    }
}

#[tokio::test]
async fn health_readiness_and_metrics_name_the_snapshot() {
    let harness = harness();
    let health = call(&harness.router, get("/api/v1/health", None)).await;
    let snapshot = health.json()["snapshot"]
        .as_str()
        .expect("a snapshot id")
        .to_owned();
    assert_eq!(
        health.header("x-skillproof-snapshot"),
        Some(snapshot.as_str())
    );
    assert_eq!(health.header("x-content-type-options"), Some("nosniff"));
    let ready = call(&harness.router, get("/api/v1/ready", None))
        .await
        .json();
    assert_eq!(ready["ready"], true);
    assert_eq!(ready["credentials"], 11);
    call(&harness.router, get("/api/v1/nothing", None)).await;
    let metrics = call(&harness.router, get("/metrics", Some(&harness.keys.admin))).await;
    assert_eq!(
        metrics.header("content-type"),
        Some("text/plain; version=0.0.4; charset=utf-8")
    );
    let text = String::from_utf8(metrics.body).expect("UTF-8");
    for expected in [
        "skillproof_http_requests_total{route=\"/api/v1/health\",status=\"200\"} 1",
        "skillproof_http_requests_total{route=\"/api/v1/ready\",status=\"200\"} 1",
        "skillproof_http_requests_total{route=\"unmatched\",status=\"404\"} 1",
        "skillproof_http_request_duration_seconds_count{route=\"/api/v1/health\",status=\"200\"} 1",
        "skillproof_index_credentials 11",
        &format!("skillproof_index_snapshot_info{{snapshot=\"{snapshot}\"}} 1"),
        "skillproof_http_in_flight 1",
    ] {
        assert!(text.contains(expected), "{expected:?} in\n{text}");
    }
}
