//! Saved searches: stored per key under the data dir, re-run against the next commit with
//! new, changed, removed and revoked results; bounded per key.

use axum::http::StatusCode;
use index::DeletionReason;
use serde_json::{Value, json};

use super::fixture::{AS_OF_TEXT, build_index, job};
use super::{call, get, harness_on, post_json};

#[tokio::test]
async fn a_revoked_credential_is_reported_by_the_next_run_after_the_commit() {
    let (index, mut writer) = build_index();
    let harness = harness_on(index, server::Limits::default());
    let employer = Some(harness.keys.employer.as_str());
    let body = json!({
        "name": "analysts near Brantford",
        "search": {"job": job(), "as_of": AS_OF_TEXT, "limit": 20},
    });
    let created = call(
        &harness.router,
        post_json("/api/v1/saved-searches", employer, &body.to_string()),
    )
    .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.json());
    let saved = created.json();
    let id = saved["id"].as_str().expect("an id").to_owned();
    let results = saved["last_run"]["results"]
        .as_array()
        .expect("results")
        .clone();
    assert!(!results.is_empty());
    // Stored durably under the data dir, and listed for this key only.
    let stored = std::fs::read_dir(harness.data_dir.path().join("saved-searches"))
        .expect("the saved-search folder")
        .count();
    assert_eq!(stored, 1);
    let listed = call(&harness.router, get("/api/v1/saved-searches", employer)).await;
    assert_eq!(listed.json()["searches"][0]["id"], id.as_str());
    let other = call(
        &harness.router,
        get("/api/v1/saved-searches", Some(&harness.keys.admin)),
    )
    .await;
    assert_eq!(other.json()["searches"], Value::Array(Vec::new()));
    let run_path = format!("/api/v1/saved-searches/{id}/run");
    // Nothing changed yet.
    let run = call(&harness.router, post_json(&run_path, employer, "")).await;
    assert_eq!(run.status, StatusCode::OK, "{}", run.json());
    let report = run.json();
    for list in ["new", "changed", "removed", "revoked"] {
        assert_eq!(report[list], Value::Array(Vec::new()), "{list}: {report}");
    }
    // The top result's first credential is revoked; the writer commits; the server reloads.
    let top = &results[0];
    let earner = top["earner"].as_str().expect("an earner").to_owned();
    let credential = top["credentials"][0]
        .as_str()
        .expect("a credential")
        .to_owned();
    writer
        .delete_credential(&credential, DeletionReason::Revoked)
        .expect("delete");
    writer.commit("revocation").expect("commit");
    let reloaded = call(
        &harness.router,
        post_json("/api/v1/admin/reload", Some(&harness.keys.admin), ""),
    )
    .await;
    assert_eq!(reloaded.status, StatusCode::OK);
    let run = call(&harness.router, post_json(&run_path, employer, "")).await;
    assert_eq!(run.status, StatusCode::OK, "{}", run.json());
    let report = run.json();
    assert_ne!(report["snapshot"], report["previous_snapshot"]);
    assert_eq!(
        report["revoked"],
        json!([{"earner": earner, "credential_id": credential}]),
        "{report}"
    );
    // The revoked credential no longer evidences anything on the page.
    assert!(
        !report["page"]
            .to_string()
            .contains(&format!("\"{credential}\"")),
        "the page no longer shows the revoked credential"
    );
    // The earner's result moved, changed score, or left the page.
    let moved = report["changed"]
        .as_array()
        .into_iter()
        .flatten()
        .chain(report["removed"].as_array().into_iter().flatten())
        .any(|result| result["earner"] == earner.as_str());
    let still_evidenced = report["page"]["hits"]
        .as_array()
        .into_iter()
        .flatten()
        .any(|hit| hit["earner"] == earner.as_str() && hit["score"] == top["score"]);
    assert!(moved || still_evidenced, "{report}");
    // The next run compares with this one: the revocation is reported once.
    let again = call(&harness.router, post_json(&run_path, employer, "")).await;
    assert_eq!(again.json()["revoked"], Value::Array(Vec::new()));
}

#[tokio::test]
async fn saved_searches_are_bounded_per_key_and_private_to_it() {
    let (index, _writer) = build_index();
    let harness = harness_on(index, server::Limits::default());
    let employer = Some(harness.keys.employer.as_str());
    let body = json!({"name": "one", "search": {"job": job(), "as_of": AS_OF_TEXT, "limit": 5}});
    let created = call(
        &harness.router,
        post_json("/api/v1/saved-searches", employer, &body.to_string()),
    )
    .await;
    assert_eq!(created.status, StatusCode::CREATED);
    let id = created.json()["id"].as_str().expect("an id").to_owned();
    // Another key cannot run it.
    let foreign = call(
        &harness.router,
        post_json(
            &format!("/api/v1/saved-searches/{id}/run"),
            Some(&harness.keys.admin),
            "",
        ),
    )
    .await;
    assert_eq!(foreign.status, StatusCode::NOT_FOUND);
    assert_eq!(foreign.code(), "unknown_saved_search");
    // Fill the key's store to the bound (as the server wrote it), then one more is refused.
    let folder = harness.data_dir.path().join("saved-searches");
    let file = std::fs::read_dir(&folder)
        .expect("the folder")
        .next()
        .expect("one file")
        .expect("an entry")
        .path();
    let stored: Vec<Value> =
        serde_json::from_slice(&std::fs::read(&file).expect("the store")).expect("JSON");
    let full: Vec<Value> = (0..server::saved::MAX_SAVED_PER_KEY)
        .map(|n| {
            let mut entry = stored[0].clone();
            entry["id"] = json!(format!("filler{n}"));
            entry
        })
        .collect();
    std::fs::write(&file, serde_json::to_vec(&full).expect("JSON")).expect("write");
    let refused = call(
        &harness.router,
        post_json("/api/v1/saved-searches", employer, &body.to_string()),
    )
    .await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    assert_eq!(refused.code(), "too_many_saved_searches");
    // Bad requests.
    for (body, status, code) in [
        (
            json!({"name": "", "search": {"job": job()}}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_body",
        ),
        (
            json!({"name": "x"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_body",
        ),
        (
            json!({"name": "x", "search": {"job": job(), "limit": "ten"}}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_body",
        ),
    ] {
        let reply = call(
            &harness.router,
            post_json(
                "/api/v1/saved-searches",
                Some(&harness.keys.admin),
                &body.to_string(),
            ),
        )
        .await;
        assert_eq!(reply.status, status, "{body}");
        assert_eq!(reply.code(), code, "{body}");
    }
    for (key, status) in [
        (Some(harness.keys.board.as_str()), StatusCode::FORBIDDEN),
        (None, StatusCode::UNAUTHORIZED),
    ] {
        let reply = call(&harness.router, get("/api/v1/saved-searches", key)).await;
        assert_eq!(reply.status, status);
    }
}
