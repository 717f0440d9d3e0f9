//! Employer routes over `rank`: candidate search (JobSpec JSON or pasted text), candidate
//! detail, programs, shortlist export; happy paths against the library and their errors.

use axum::body::Body;
use axum::http::StatusCode;
use jobspec::{JobSpec, NormaliseOptions};
use rank::{CandidateRequest, JobSpecOptions};
use serde_json::{Value, json};
use skillproof_tests::skillproof_bin;

use super::fixture::{
    AS_OF, AS_OF_TEXT, FIXTURE_ISSUER, corpus, corpus_harness, job, requirement, signed_earner,
    signed_earner_key,
};
use super::{Harness, call, encode_segment, get, post_json, request, taxonomy};

async fn search(harness: &Harness, key: Option<&str>, body: &Value) -> super::Reply {
    call(
        &harness.router,
        post_json("/api/v1/search/candidates", key, &body.to_string()),
    )
    .await
}

#[tokio::test]
async fn a_job_gives_its_parsed_spec_and_the_library_s_ranking() {
    let harness = corpus_harness();
    let key = Some(harness.keys.employer.as_str());
    let body = json!({"job": job(), "as_of": AS_OF_TEXT, "limit": 10});
    let reply = search(&harness, key, &body).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.json());
    let answer = reply.json();
    let page = &answer["page"];
    // Provenance: snapshot, taxonomy versions, ranking version, as_of.
    let snapshot = answer["snapshot"].as_str().unwrap_or_default().to_owned();
    assert!(!snapshot.is_empty());
    assert_eq!(page["snapshot"], answer["snapshot"]);
    assert_eq!(
        reply.header("x-skillproof-snapshot"),
        Some(snapshot.as_str())
    );
    assert_eq!(page["ranking_version"], rank::RANKING_VERSION);
    assert!(
        page["taxonomy_versions"]
            .as_object()
            .is_some_and(|versions| !versions.is_empty())
    );
    assert_eq!(page["as_of"], AS_OF_TEXT);
    // The parsed spec names the job's skills, for the user to edit.
    let spec = &answer["spec"];
    assert!(
        spec["required"]
            .as_array()
            .is_some_and(|skills| !skills.is_empty()),
        "{spec}"
    );
    // The page is the library's for the same job and instant.
    let request = jobspec::parse_json(&job()).expect("the corpus job parses");
    let normalised = JobSpec::normalise(&request, &taxonomy(), &NormaliseOptions::default());
    let mut expected = CandidateRequest::from_job_spec(
        &normalised,
        &taxonomy(),
        AS_OF,
        &JobSpecOptions::default(),
    )
    .expect("a request");
    expected.limit = 10;
    let snapshot_now = super::fixture::shared_index()
        .snapshot()
        .expect("a snapshot");
    let library = rank::rank_candidates(&snapshot_now, &taxonomy(), &expected).expect("ranks");
    assert!(!library.hits.is_empty(), "the corpus job has candidates");
    let earners = |hits: &Value| -> Vec<String> {
        hits.as_array()
            .into_iter()
            .flatten()
            .map(|hit| hit["earner"].as_str().unwrap_or_default().to_owned())
            .collect()
    };
    let library_earners: Vec<String> = library.hits.iter().map(|hit| hit.earner.clone()).collect();
    assert_eq!(earners(&page["hits"]), library_earners);
    assert_eq!(page["total"], library.total);
    // Every hit's score is the sum of its components.
    for hit in page["hits"].as_array().into_iter().flatten() {
        let sum: f64 = hit["components"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|component| component["value"].as_f64().unwrap_or_default())
            .sum();
        assert!((sum - hit["score"].as_f64().unwrap_or_default()).abs() < 1e-9);
    }
    // Same request, same snapshot: the same answer.
    let again = search(&harness, key, &body).await;
    assert_eq!(again.body, reply.body);
    // Pasted text: skills are mined from it.
    let labels: Vec<String> = requirement()
        .required
        .iter()
        .chain(&requirement().preferred)
        .map(|skill| skill.label.clone())
        .collect();
    let text = format!(
        "Analyst wanted\n\nWe are hiring. You bring {}.",
        labels.join(", ")
    );
    let reply = search(
        &harness,
        key,
        &json!({"job_text": text, "as_of": AS_OF_TEXT}),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.json());
    assert!(
        reply.json()["page"]["requirements"]
            .as_array()
            .is_some_and(|requirements| !requirements.is_empty()),
        "skills found in the text"
    );
}

#[tokio::test]
async fn candidate_search_refuses_bad_requests_with_their_codes() {
    let harness = corpus_harness();
    let employer = Some(harness.keys.employer.as_str());
    let cases: Vec<(&str, Option<&str>, String, StatusCode, &str)> = vec![
        (
            "malformed JSON",
            employer,
            "{\"job\":".to_owned(),
            StatusCode::BAD_REQUEST,
            "malformed_json",
        ),
        (
            "a wrong type",
            employer,
            json!({"job": job(), "limit": "five"}).to_string(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_body",
        ),
        (
            "an unknown field",
            employer,
            json!({"job": job(), "colour": "blue"}).to_string(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_body",
        ),
        (
            "both job and job_text",
            employer,
            json!({"job": job(), "job_text": "an ad"}).to_string(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_body",
        ),
        (
            "neither",
            employer,
            json!({"limit": 5}).to_string(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_body",
        ),
        (
            "a page beyond the cap",
            employer,
            json!({"job": job(), "limit": 1000}).to_string(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_body",
        ),
        (
            "a bad instant",
            employer,
            json!({"job": job(), "as_of": "yesterday"}).to_string(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_body",
        ),
        (
            "an unknown skill id",
            employer,
            json!({"job": {"required": ["esco:skill/00000000-0000-0000-0000-000000000000"]}})
                .to_string(),
            StatusCode::NOT_FOUND,
            "unknown_skill",
        ),
        (
            "an unknown job location",
            employer,
            {
                let mut located = job();
                located["location"] = json!("Atlantis");
                json!({"job": located}).to_string()
            },
            StatusCode::NOT_FOUND,
            "unknown_region",
        ),
        (
            "an unknown filter region",
            employer,
            json!({"job": job(), "filters": {"regions": [{"level": "census_division", "code": "9999"}]}})
                .to_string(),
            StatusCode::NOT_FOUND,
            "unknown_region",
        ),
        (
            "an unknown radius centre",
            employer,
            json!({"job": job(), "filters": {"radius": {"center": {"fsa": "Z9Z"}, "radius_km": 10.0}}})
                .to_string(),
            StatusCode::NOT_FOUND,
            "unknown_region",
        ),
        (
            "no key",
            None,
            json!({"job": job()}).to_string(),
            StatusCode::UNAUTHORIZED,
            "unauthenticated",
        ),
        (
            "a board key",
            Some(harness.keys.board.as_str()),
            json!({"job": job()}).to_string(),
            StatusCode::FORBIDDEN,
            "forbidden",
        ),
        (
            "an institution key",
            Some(harness.keys.institution.as_str()),
            json!({"job": job()}).to_string(),
            StatusCode::FORBIDDEN,
            "forbidden",
        ),
    ];
    for (what, key, body, status, code) in cases {
        let reply = call(
            &harness.router,
            post_json("/api/v1/search/candidates", key, &body),
        )
        .await;
        assert_eq!(reply.status, status, "{what}: {}", reply.json());
        assert_eq!(reply.code(), code, "{what}");
    }
}

/// The top candidate of the corpus job.
async fn top_candidate(harness: &Harness) -> String {
    let reply = search(
        harness,
        Some(&harness.keys.employer),
        &json!({"job": job(), "as_of": AS_OF_TEXT, "limit": 1}),
    )
    .await;
    reply.json()["page"]["hits"][0]["earner"]
        .as_str()
        .expect("a top candidate")
        .to_owned()
}

#[tokio::test]
async fn candidate_detail_shows_evidence_and_proof_chains_of_consenting_earners_only() {
    let harness = corpus_harness();
    let employer = Some(harness.keys.employer.as_str());
    let earner = top_candidate(&harness).await;
    let path = |earner: &str| {
        format!(
            "/api/v1/candidates/{}?as_of={}",
            encode_segment(earner),
            encode_segment(AS_OF_TEXT)
        )
    };
    let reply = call(&harness.router, get(&path(&earner), employer)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.json());
    let detail = reply.json();
    assert_eq!(detail["earner"], earner.as_str());
    assert_eq!(detail["ranking_version"], rank::RANKING_VERSION);
    let credentials = detail["credentials"].as_array().expect("credentials");
    assert!(!credentials.is_empty());
    let ids: Vec<&str> = credentials
        .iter()
        .map(|credential| credential["credential_id"].as_str().unwrap_or_default())
        .collect();
    for credential in credentials {
        let record = &corpus()
            .records
            .iter()
            .find(|record| record.credential_id == credential["credential_id"])
            .expect("an indexed record");
        assert_eq!(record.earner.key, earner, "only the earner's credentials");
        assert!(record.earner.findable);
        assert!(
            credential["proof_chain"]["checks"]
                .as_array()
                .is_some_and(|checks| !checks.is_empty()),
            "the proof chain: {credential}"
        );
        assert_eq!(credential["verification"]["outcome"], "verified");
    }
    // Per-skill evidence points at the credentials shown.
    for skill in detail["skills"].as_array().expect("skills") {
        for id in skill["credentials"].as_array().expect("ids") {
            assert!(ids.contains(&id.as_str().unwrap_or_default()), "{skill}");
        }
    }
    // An earner who did not consent is indistinguishable from an unknown key.
    let hidden = corpus()
        .records
        .iter()
        .find(|record| !record.earner.findable)
        .expect("the corpus has non-consenting earners")
        .earner
        .key
        .clone();
    for (key, path, status, code) in [
        (
            employer,
            path(&hidden),
            StatusCode::NOT_FOUND,
            "unknown_candidate",
        ),
        (
            employer,
            path("did:key:z6MkNobody"),
            StatusCode::NOT_FOUND,
            "unknown_candidate",
        ),
        (
            employer,
            format!("/api/v1/candidates/{}?as_of=soon", encode_segment(&earner)),
            StatusCode::BAD_REQUEST,
            "invalid_parameter",
        ),
        (
            Some(harness.keys.board.as_str()),
            path(&earner),
            StatusCode::FORBIDDEN,
            "forbidden",
        ),
        (
            None,
            path(&earner),
            StatusCode::UNAUTHORIZED,
            "unauthenticated",
        ),
    ] {
        let reply = call(&harness.router, get(&path, key)).await;
        assert_eq!(reply.status, status, "{path}");
        assert_eq!(reply.code(), code, "{path}");
    }
}

#[tokio::test]
async fn programs_rank_with_small_counts_suppressed_and_refuse_unknown_skills() {
    let harness = corpus_harness();
    let skills: Vec<String> = requirement()
        .required
        .iter()
        .chain(&requirement().preferred)
        .map(|skill| skill.id.clone())
        .collect();
    let body = json!({"skills": skills, "as_of": AS_OF_TEXT});
    // Any key may ask.
    for key in [
        &harness.keys.board,
        &harness.keys.employer,
        &harness.keys.institution,
    ] {
        let reply = call(
            &harness.router,
            post_json("/api/v1/search/programs", Some(key), &body.to_string()),
        )
        .await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.json());
        let page = reply.json();
        assert_eq!(page["ranking_version"], rank::RANKING_VERSION);
        assert!(page["snapshot"].as_str().is_some_and(|id| !id.is_empty()));
        for program in page["programs"].as_array().into_iter().flatten() {
            assert!(
                program["holders"].as_u64().unwrap_or_default() >= 5,
                "{program}"
            );
            for skill in program["skills"].as_array().into_iter().flatten() {
                if let Some(exact) = skill["holders_with_skill"]["exact"].as_u64() {
                    assert!(exact == 0 || exact >= 5, "k-anonymity: {skill}");
                } else {
                    assert_eq!(skill["holders_with_skill"], "suppressed", "{skill}");
                }
            }
        }
    }
    let key = Some(harness.keys.board.as_str());
    for (body, status, code) in [
        (
            json!({"skills": ["esco:skill/00000000-0000-0000-0000-000000000000"]}),
            StatusCode::NOT_FOUND,
            "unknown_skill",
        ),
        (
            json!({"skills": []}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_body",
        ),
        (
            json!({"skills": "x"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_body",
        ),
        (
            json!({"skills": skills, "regions": [{"level": "economic_region", "code": "0000"}]}),
            StatusCode::NOT_FOUND,
            "unknown_region",
        ),
    ] {
        let reply = call(
            &harness.router,
            post_json("/api/v1/search/programs", key, &body.to_string()),
        )
        .await;
        assert_eq!(reply.status, status, "{body}");
        assert_eq!(reply.code(), code, "{body}");
    }
    let anonymous = call(
        &harness.router,
        post_json("/api/v1/search/programs", None, &body.to_string()),
    )
    .await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn the_shortlist_exports_as_csv_and_as_a_bundle_that_verifies_offline() {
    let harness = corpus_harness();
    let employer = Some(harness.keys.employer.as_str());
    let top = top_candidate(&harness).await;
    let body = json!({"earners": [signed_earner(), top], "as_of": AS_OF_TEXT}).to_string();
    // CSV: the documented columns, one row per credential.
    let reply = call(
        &harness.router,
        post_json("/api/v1/shortlist/export?format=csv", employer, &body),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(
        reply
            .header("content-type")
            .is_some_and(|kind| kind.starts_with("text/csv"))
    );
    let text = String::from_utf8(reply.body.clone()).expect("UTF-8");
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some(server::search::SHORTLIST_CSV_COLUMNS.join(",").as_str())
    );
    let rows: Vec<&str> = lines.collect();
    let signed_rows = rows
        .iter()
        .filter(|row| row.starts_with(signed_earner()))
        .count();
    assert_eq!(
        signed_rows,
        corpus().signed.len(),
        "{} in\n{}",
        signed_earner(),
        text.chars().take(1500).collect::<String>()
    );
    assert!(rows.iter().any(|row| row.starts_with(top.as_str())));
    // The bundle: the original signed bytes, which the CLI re-verifies offline.
    let reply = call(
        &harness.router,
        post_json(
            "/api/v1/shortlist/export?format=bundle",
            employer,
            &json!({"earners": [signed_earner()], "as_of": AS_OF_TEXT}).to_string(),
        ),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK);
    let bundle = reply.json();
    let credentials = bundle["credentials"].as_array().expect("credentials");
    assert_eq!(credentials.len(), corpus().signed.len());
    let dir = skillproof_tests::index::TempDir::new("shortlist-bundle");
    let binary = skillproof_bin().expect("building the skillproof binary");
    for credential in credentials {
        let signed = corpus()
            .signed
            .iter()
            .find(|signed| signed.credential_id == credential["credential_id"])
            .expect("a signed fixture");
        assert_eq!(credential["encoding"], "utf-8");
        let content = credential["content"].as_str().expect("content");
        assert_eq!(content.as_bytes(), signed.bytes.as_slice(), "byte for byte");
        let file = dir
            .path()
            .join(format!("{}.cred", signed.credential_id.replace(':', "_")));
        std::fs::write(&file, content).expect("writing the credential");
        let output = std::process::Command::new(&binary)
            .args([
                "verify",
                "--format",
                "json",
                "--offline",
                "--now",
                &signed.now,
            ])
            .arg(&file)
            .output()
            .expect("running skillproof verify");
        let line: Value = serde_json::from_slice(&output.stdout).expect("a JSON report");
        assert_eq!(line["verified"], true, "{line}");
    }
    // Errors.
    for (path, key, body, status, code) in [
        (
            "/api/v1/shortlist/export?format=xml",
            employer,
            json!({"earners": [signed_earner()]}),
            StatusCode::BAD_REQUEST,
            "invalid_parameter",
        ),
        (
            "/api/v1/shortlist/export",
            employer,
            json!({"earners": []}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_body",
        ),
        (
            "/api/v1/shortlist/export",
            employer,
            json!({"earners": ["did:key:z6MkNobody"]}),
            StatusCode::NOT_FOUND,
            "unknown_candidate",
        ),
        (
            "/api/v1/shortlist/export",
            Some(harness.keys.board.as_str()),
            json!({"earners": [signed_earner()]}),
            StatusCode::FORBIDDEN,
            "forbidden",
        ),
    ] {
        let reply = call(&harness.router, post_json(path, key, &body.to_string())).await;
        assert_eq!(reply.status, status, "{path} {body}");
        assert_eq!(reply.code(), code, "{path} {body}");
    }
    let anonymous = call(
        &harness.router,
        request("POST", "/api/v1/shortlist/export", None, Body::empty()),
    )
    .await;
    assert_eq!(
        anonymous.status,
        StatusCode::UNAUTHORIZED,
        "no key, checked first"
    );
}

#[tokio::test]
async fn an_earner_reads_how_often_and_for_which_skills_they_were_surfaced() {
    let harness = corpus_harness();
    let skill = corpus().demand_skill.id.clone();
    // Only the signed earner holds credentials of the fixture issuer.
    let body = json!({
        "job": {"required": [skill]},
        "filters": {"issuers": [FIXTURE_ISSUER]},
        "as_of": AS_OF_TEXT,
    });
    for _ in 0..2 {
        let reply = search(&harness, Some(&harness.keys.employer), &body).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.json());
        let hits = reply.json()["page"]["hits"].clone();
        assert_eq!(hits.as_array().map(Vec::len), Some(1), "{hits}");
        assert_eq!(hits[0]["earner"], signed_earner());
    }
    let ask = |key: ed25519_dalek::SigningKey| {
        let harness = &harness;
        async move {
            let challenge = super::consent::challenge(harness).await;
            let presentation = super::consent::presentation(&key, &challenge, "skillproof.test");
            let body = json!({"challenge": challenge, "presentation": presentation});
            call(
                &harness.router,
                post_json("/api/v1/consent/surfaced", None, &body.to_string()),
            )
            .await
        }
    };
    let reply = ask(signed_earner_key()).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.json());
    let surfaced = reply.json();
    assert_eq!(surfaced["holder"], signed_earner());
    assert_eq!(surfaced["times"], 2, "the cached second answer counts too");
    assert_eq!(surfaced["skills"][0]["skill"], skill.as_str());
    assert_eq!(surfaced["skills"][0]["times"], 2);
    // Another earner reads their own counts only.
    let other = ask(ed25519_dalek::SigningKey::from_bytes(&[11u8; 32])).await;
    assert_eq!(other.status, StatusCode::OK);
    assert_eq!(other.json()["times"], 0);
    assert_eq!(other.json()["skills"], json!([]));
    // A challenge the server never issued is refused.
    let presentation =
        super::consent::presentation(&signed_earner_key(), "never-issued", "skillproof.test");
    let refused = call(
        &harness.router,
        post_json(
            "/api/v1/consent/surfaced",
            None,
            &json!({"challenge": "never-issued", "presentation": presentation}).to_string(),
        ),
    )
    .await;
    assert_eq!(refused.code(), "invalid_challenge");
}
