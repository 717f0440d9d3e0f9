//! Planning-board routes over `rank::analytics`: gap cells with drill-down, trends, CSV,
//! GeoJSON with values, institution demand; k-anonymity in every response and export.

use axum::body::Body;
use axum::http::StatusCode;
use serde_json::Value;

use super::fixture::{AS_OF_TEXT, DEMAND_MONTHS, corpus, corpus_harness};
use super::{Harness, OWN_ISSUER, Reply, call, encode_segment, get, request};

fn skill() -> String {
    corpus().demand_skill.id.clone()
}

async fn board_get(harness: &Harness, path: &str) -> Reply {
    call(&harness.router, get(path, Some(&harness.keys.board))).await
}

/// A released supply figure is 0 or at least 5; a suppressed one carries no figure.
fn assert_k_anonymous(cell: &Value) {
    let supply = &cell["supply"];
    if supply["suppressed"] == true {
        assert!(supply["earners"].is_null(), "{cell}");
        assert!(cell["gap"].is_null(), "{cell}");
        assert!(cell["vacancies_per_holder"].is_null(), "{cell}");
    } else {
        let earners = supply["earners"].as_u64().expect("a released figure");
        assert!(earners == 0 || earners >= 5, "k-anonymity: {cell}");
    }
}

#[tokio::test]
async fn gaps_drill_down_and_trends_keep_small_cells_suppressed() {
    let harness = corpus_harness();
    let skill = skill();
    let as_of = encode_segment(AS_OF_TEXT);
    // The province with its economic regions and board areas.
    let reply = board_get(
        &harness,
        &format!(
            "/api/v1/analytics/gaps?skills={}&as_of={as_of}",
            encode_segment(&skill)
        ),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.json());
    let report = reply.json();
    assert!(report["snapshot"].as_str().is_some_and(|id| !id.is_empty()));
    assert_eq!(report["snapshot"], report["provenance"]["snapshot_id"]);
    assert_eq!(
        report["provenance"]["ranking_version"],
        rank::RANKING_VERSION
    );
    assert!(
        report["method"]
            .as_str()
            .is_some_and(|method| method.contains("gap"))
    );
    let cells = report["cells"].as_array().expect("cells");
    assert!(cells.iter().any(|cell| cell["level"] == "province"));
    assert!(cells.iter().any(|cell| cell["level"] == "er"));
    cells.iter().for_each(assert_k_anonymous);
    // Drill-down by level: an economic region into its census divisions, down to FSAs.
    let mut suppressed: Vec<(String, String)> = Vec::new();
    let mut released: Vec<(String, String)> = Vec::new();
    for region in ["35", "er:3550", "cd:3529"] {
        let reply = board_get(
            &harness,
            &format!(
                "/api/v1/analytics/gaps?skills={}&region={}&as_of={as_of}",
                encode_segment(&skill),
                encode_segment(region)
            ),
        )
        .await;
        assert_eq!(reply.status, StatusCode::OK, "{region}");
        for cell in reply.json()["cells"].as_array().into_iter().flatten() {
            assert_k_anonymous(cell);
            let name = format!(
                "{}:{}",
                cell["level"].as_str().unwrap_or_default(),
                cell["region"].as_str().unwrap_or_default()
            );
            if cell["supply"]["suppressed"] == true {
                suppressed.push((name, String::new()));
            } else if cell["supply"]["earners"].as_u64().unwrap_or_default() > 0 {
                released.push((name, String::new()));
            }
        }
    }
    assert!(
        !suppressed.is_empty(),
        "the small corpus has cells of 1-4 earners"
    );
    assert!(!released.is_empty());
    // A suppressed cell cannot be opened; a released one lists credential ids, no earners.
    let drill = |region: &str| {
        format!(
            "/api/v1/analytics/drill?skill={}&region={}&side=supply&as_of={as_of}&page_size=10",
            encode_segment(&skill),
            encode_segment(region)
        )
    };
    let reply = board_get(&harness, &drill(&suppressed[0].0)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.json());
    let page = reply.json();
    assert_eq!(page["suppressed"], true);
    assert!(page["total"].is_null());
    assert_eq!(page["ids"], Value::Array(Vec::new()));
    let reply = board_get(&harness, &drill(&released[0].0)).await;
    let page = reply.json();
    assert_eq!(page["suppressed"], false, "{page}");
    let ids = page["ids"].as_array().expect("ids");
    assert!(!ids.is_empty());
    for id in ids {
        assert!(
            corpus()
                .records
                .iter()
                .any(|record| record.credential_id == id.as_str().unwrap_or_default()),
            "a credential id: {id}"
        );
    }
    // Trends: demand by month in Brantford's census division.
    let reply = board_get(
        &harness,
        &format!(
            "/api/v1/analytics/trends?skills={}&region=cd%3A3529&as_of={as_of}",
            encode_segment(&skill)
        ),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.json());
    let trends = reply.json();
    let months: Vec<&str> = trends["months"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|month| month["month"].as_str())
        .collect();
    assert_eq!(months, DEMAND_MONTHS, "{trends}");
    let postings: u64 = trends["months"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|month| month["postings"].as_u64().unwrap_or_default())
        .sum();
    assert_eq!(postings, corpus().demands.len() as u64);
    trends["supply"]
        .as_array()
        .into_iter()
        .flatten()
        .for_each(assert_k_anonymous);
}

#[tokio::test]
async fn csv_export_has_the_documented_columns_and_marks_suppressed_cells() {
    let harness = corpus_harness();
    let query = format!(
        "skills={}&region=er%3A3550&as_of={}",
        encode_segment(&skill()),
        encode_segment(AS_OF_TEXT)
    );
    let by_route = board_get(&harness, &format!("/api/v1/analytics/gaps.csv?{query}")).await;
    let mut by_accept = get(
        &format!("/api/v1/analytics/gaps?{query}"),
        Some(&harness.keys.board),
    );
    by_accept
        .headers_mut()
        .insert("accept", "text/csv".parse().expect("a header value"));
    let by_accept = call(&harness.router, by_accept).await;
    let json = board_get(&harness, &format!("/api/v1/analytics/gaps?{query}")).await;
    assert_eq!(by_route.status, StatusCode::OK);
    assert_eq!(by_route.body, by_accept.body);
    assert!(
        by_route
            .header("content-type")
            .is_some_and(|kind| kind.starts_with("text/csv"))
    );
    let text = String::from_utf8(by_route.body.clone()).expect("UTF-8");
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some(rank::analytics::CSV_COLUMNS.join(",").as_str())
    );
    let rows: Vec<Vec<&str>> = lines.map(|line| line.split(',').collect()).collect();
    let cells = json.json()["cells"].as_array().cloned().unwrap_or_default();
    assert_eq!(rows.len(), cells.len(), "one row per cell");
    let mut suppressed = 0;
    for (row, cell) in rows.iter().zip(&cells) {
        assert_eq!(row.len(), 9);
        if cell["supply"]["suppressed"] == true {
            suppressed += 1;
            assert_eq!(row[4], "suppressed");
            assert_eq!(row[7], "suppressed");
        } else {
            let earners: u64 = row[4].parse().expect("a count");
            assert!(
                earners == 0 || earners >= 5,
                "k-anonymity in the CSV: {row:?}"
            );
        }
    }
    assert!(suppressed > 0, "the export shows suppressed cells as such");
}

#[tokio::test]
async fn geojson_carries_values_and_suppression_per_region() {
    let harness = corpus_harness();
    let as_of = encode_segment(AS_OF_TEXT);
    for (level, property) in [("er", "eruid"), ("board", "wpb_id"), ("cd", "cduid")] {
        let reply = board_get(
            &harness,
            &format!(
                "/api/v1/analytics/geojson?level={level}&skill={}&measure=supply&as_of={as_of}",
                encode_segment(&skill())
            ),
        )
        .await;
        assert_eq!(reply.status, StatusCode::OK, "{level}: {}", reply.json());
        assert_eq!(reply.header("content-type"), Some("application/geo+json"));
        let document = reply.json();
        assert_eq!(document["type"], "FeatureCollection");
        assert!(
            document["snapshot"]
                .as_str()
                .is_some_and(|id| !id.is_empty())
        );
        let features = document["features"].as_array().expect("features");
        assert!(!features.is_empty());
        let mut values = 0;
        for feature in features {
            let properties = &feature["properties"];
            assert_eq!(properties["code"], properties[property], "{level}");
            let suppressed = properties["suppressed"].as_bool().expect("a flag");
            if suppressed {
                assert!(properties["value"].is_null(), "{properties}");
                assert!(properties["supply_earners"].is_null());
            } else if let Some(value) = properties["value"].as_f64() {
                values += 1;
                assert!(
                    value == 0.0 || value >= 5.0,
                    "k-anonymity on the map: {properties}"
                );
            }
        }
        assert!(values > 0, "{level}: some regions have values");
    }
    for (path, status, code) in [
        (
            format!(
                "/api/v1/analytics/geojson?level=fsa&skill={}",
                encode_segment(&skill())
            ),
            StatusCode::BAD_REQUEST,
            "invalid_parameter",
        ),
        (
            format!(
                "/api/v1/analytics/geojson?level=er&skill={}&measure=happiness",
                encode_segment(&skill())
            ),
            StatusCode::BAD_REQUEST,
            "invalid_parameter",
        ),
        (
            "/api/v1/analytics/geojson?level=er&skill=esco%3Askill%2Fnone".to_owned(),
            StatusCode::NOT_FOUND,
            "unknown_skill",
        ),
        (
            "/api/v1/analytics/geojson?level=er".to_owned(),
            StatusCode::BAD_REQUEST,
            "invalid_parameter",
        ),
        (
            format!(
                "/api/v1/analytics/gaps?skills={}&region=Atlantis",
                encode_segment(&skill())
            ),
            StatusCode::NOT_FOUND,
            "unknown_region",
        ),
        (
            "/api/v1/analytics/gaps?skills=esco%3Askill%2Fnone".to_owned(),
            StatusCode::NOT_FOUND,
            "unknown_skill",
        ),
        (
            "/api/v1/analytics/gaps?months=2026-13".to_owned(),
            StatusCode::BAD_REQUEST,
            "invalid_parameter",
        ),
        (
            "/api/v1/analytics/gaps?scope=everything".to_owned(),
            StatusCode::BAD_REQUEST,
            "invalid_parameter",
        ),
        (
            "/api/v1/analytics/gaps?colour=blue".to_owned(),
            StatusCode::BAD_REQUEST,
            "invalid_parameter",
        ),
    ] {
        let reply = board_get(&harness, &path).await;
        assert_eq!(reply.status, status, "{path}: {}", reply.json());
        assert_eq!(reply.code(), code, "{path}");
    }
    // Roles: boards and admins only.
    for (key, status) in [
        (Some(harness.keys.employer.as_str()), StatusCode::FORBIDDEN),
        (
            Some(harness.keys.institution.as_str()),
            StatusCode::FORBIDDEN,
        ),
        (None, StatusCode::UNAUTHORIZED),
        (Some(harness.keys.admin.as_str()), StatusCode::OK),
    ] {
        let reply = call(
            &harness.router,
            request(
                "GET",
                &format!("/api/v1/analytics/gaps?skills={}", encode_segment(&skill())),
                key,
                Body::empty(),
            ),
        )
        .await;
        assert_eq!(reply.status, status, "{key:?}");
    }
}

#[tokio::test]
async fn institutions_see_demand_for_their_own_issuers_skills_only() {
    let harness = corpus_harness();
    let issuer = corpus()
        .records
        .iter()
        .map(|record| record.issuer.id.clone())
        .next()
        .expect("an issuer");
    let path = |issuer: &str| {
        format!(
            "/api/v1/institutions/issuers/{}/demand?as_of={}&level=cd",
            encode_segment(issuer),
            encode_segment(AS_OF_TEXT)
        )
    };
    let reply = call(
        &harness.router,
        get(&path(&issuer), Some(&harness.keys.admin)),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.json());
    let report = reply.json();
    assert!(report["snapshot"].as_str().is_some_and(|id| !id.is_empty()));
    let achievements = report["achievements"].as_array().expect("achievements");
    assert!(!achievements.is_empty());
    for achievement in achievements {
        let holders = &achievement["holders"];
        if holders["suppressed"] == true {
            assert!(holders["earners"].is_null());
        } else {
            let earners = holders["earners"].as_u64().expect("a figure");
            assert!(earners == 0 || earners >= 5, "{achievement}");
        }
        achievement["gaps"]
            .as_array()
            .into_iter()
            .flatten()
            .for_each(assert_k_anonymous);
    }
    // The institution key is bound to another issuer: this one is as unknown.
    let reply = call(
        &harness.router,
        get(&path(&issuer), Some(&harness.keys.institution)),
    )
    .await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    assert_eq!(reply.code(), "unknown_issuer");
    let own = call(
        &harness.router,
        get(&path(OWN_ISSUER), Some(&harness.keys.institution)),
    )
    .await;
    assert_eq!(own.status, StatusCode::OK, "{}", own.json());
    for (key, status) in [
        (Some(harness.keys.board.as_str()), StatusCode::FORBIDDEN),
        (None, StatusCode::UNAUTHORIZED),
    ] {
        let reply = call(&harness.router, get(&path(&issuer), key)).await;
        assert_eq!(reply.status, status);
    }
    let reply = call(
        &harness.router,
        get(
            &format!(
                "/api/v1/institutions/issuers/{}/demand?level=street",
                encode_segment(&issuer)
            ),
            Some(&harness.keys.admin),
        ),
    )
    .await;
    assert_eq!(reply.code(), "invalid_parameter");
    // The data-quality report, under the same rule.
    let quality = |issuer: &str| {
        format!(
            "/api/v1/institutions/issuers/{}/quality",
            encode_segment(issuer)
        )
    };
    let reply = call(
        &harness.router,
        get(&quality(&issuer), Some(&harness.keys.admin)),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.json());
    let report = reply.json();
    assert_eq!(report["issuer"], issuer.as_str());
    let indexed = corpus()
        .records
        .iter()
        .filter(|record| record.issuer.id == issuer)
        .count();
    assert_eq!(report["credentials"], indexed as u64);
    assert!(report["snapshot"].as_str().is_some_and(|id| !id.is_empty()));
    let reply = call(
        &harness.router,
        get(&quality(&issuer), Some(&harness.keys.institution)),
    )
    .await;
    assert_eq!(reply.code(), "unknown_issuer");
}

#[tokio::test]
async fn a_revocation_reaches_the_aggregates_at_the_next_commit() {
    let (index, mut writer) = super::fixture::build_index();
    let harness = super::harness_on(index, server::Limits::default());
    let path = format!(
        "/api/v1/analytics/gaps?skills={}&region=35&as_of={}",
        encode_segment(&skill()),
        encode_segment(AS_OF_TEXT)
    );
    let province = |reply: &Reply| -> (String, u64) {
        let report = reply.json();
        let cell = report["cells"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|cell| cell["level"] == "province")
            .cloned()
            .expect("the province cell");
        (
            report["snapshot"].as_str().unwrap_or_default().to_owned(),
            cell["supply"]["earners"]
                .as_u64()
                .expect("a released province figure"),
        )
    };
    let before = province(&board_get(&harness, &path).await);
    // Asked again on the same snapshot: the same answer (from the cache).
    assert_eq!(province(&board_get(&harness, &path).await), before);
    // The signed earner's credentials (their only ones with the skill) are revoked.
    for signed in &corpus().signed {
        writer
            .delete_credential(&signed.credential_id, index::DeletionReason::Revoked)
            .expect("delete");
    }
    writer.commit("revocations").expect("commit");
    let reloaded = call(
        &harness.router,
        request(
            "POST",
            "/api/v1/admin/reload",
            Some(&harness.keys.admin),
            Body::empty(),
        ),
    )
    .await;
    assert_eq!(reloaded.status, StatusCode::OK);
    let after = province(&board_get(&harness, &path).await);
    assert_ne!(after.0, before.0, "a new snapshot");
    assert_eq!(after.1, before.1 - 1, "one earner fewer holds the skill");
}
