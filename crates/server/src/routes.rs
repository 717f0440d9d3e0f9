//! The handlers: each extracts and bounds its input, calls a library crate (on the blocking
//! pool when the work is CPU-bound), and shapes the answer. No handler writes the index.

use std::io::Write as _;

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use index::{ClaimFilter, FacetCount, RegionLevel as IndexRegionLevel};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use taxonomy::{RegionLevel, SearchScope};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use utoipa::{IntoParams, ToSchema};
use verify::{VerificationReport, VerifyOptions};

use crate::auth::{Caller, Role};
use crate::body::{JsonBody, RawBody};
use crate::error::{ApiError, ApiResult, ErrorBody, ErrorCode};
use crate::extract::{Params, PathParam};
use crate::state::AppState;

/// Distinct earners below this are never released (ARCHITECTURE.md, invariant 8).
pub const K_ANONYMITY: u64 = 5;

// ---------------------------------------------------------------- health

/// Liveness and the snapshot served.
#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    /// Always `ok` when the server answers.
    pub status: &'static str,
    /// The index snapshot being served, when one is readable.
    pub snapshot: Option<String>,
}

/// The server is up.
#[utoipa::path(get, path = "/api/v1/health", tag = "operations",
    responses((status = 200, body = Health)))]
pub async fn health(State(state): State<AppState>) -> Json<Health> {
    Json(Health {
        status: "ok",
        snapshot: state
            .inner
            .index
            .snapshot()
            .ok()
            .map(|snapshot| snapshot.id().as_str().to_owned()),
    })
}

/// Readiness: what the server answers from.
#[derive(Debug, Serialize, ToSchema)]
pub struct Ready {
    /// True when an index snapshot and the taxonomy are loaded.
    pub ready: bool,
    /// The snapshot id.
    pub snapshot: String,
    /// Credentials in the snapshot.
    pub credentials: u64,
    /// Demand records in the snapshot.
    pub demands: u64,
    /// Taxonomy concepts loaded.
    pub concepts: usize,
}

/// Ready to answer queries (503 `not_ready` otherwise).
#[utoipa::path(get, path = "/api/v1/ready", tag = "operations",
    responses((status = 200, body = Ready), (status = 503, body = ErrorBody)))]
pub async fn ready(State(state): State<AppState>) -> ApiResult<Json<Ready>> {
    let snapshot = state.snapshot()?;
    let counts = state
        .run_blocking(move || {
            Ok::<_, index::Error>((
                snapshot.num_credentials()?,
                snapshot.num_demands()?,
                snapshot,
            ))
        })
        .await??;
    Ok(Json(Ready {
        ready: true,
        snapshot: counts.2.id().as_str().to_owned(),
        credentials: counts.0,
        demands: counts.1,
        concepts: state.inner.taxonomy.num_concepts(),
    }))
}

/// Prometheus metrics (admin key).
#[utoipa::path(get, path = "/metrics", tag = "operations",
    security(("api_key" = [])),
    responses((status = 200, content_type = "text/plain", body = String),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn metrics(State(state): State<AppState>, caller: Caller) -> ApiResult<Response> {
    caller.require(&[Role::Admin])?;
    let mut response = state.metrics().render().into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
    );
    Ok(response)
}

/// The snapshot now served after a reload.
#[derive(Debug, Serialize, ToSchema)]
pub struct Reloaded {
    /// The snapshot id.
    pub snapshot: String,
    /// The crawl cursor of its commit.
    pub cursor: Option<String>,
}

/// Loads the index's latest commit now (admin key).
#[utoipa::path(post, path = "/api/v1/admin/reload", tag = "operations",
    security(("api_key" = [])),
    responses((status = 200, body = Reloaded), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody)))]
pub async fn reload(State(state): State<AppState>, caller: Caller) -> ApiResult<Json<Reloaded>> {
    caller.require(&[Role::Admin])?;
    let snapshot = state.reload().await?;
    Ok(Json(Reloaded {
        snapshot: snapshot.id().as_str().to_owned(),
        cursor: snapshot.cursor().map(str::to_owned),
    }))
}

// ---------------------------------------------------------------- verify

/// Options of `POST /verify`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct VerifyQuery {
    /// Judge validity and status at this instant (RFC 3339) instead of now.
    pub now: Option<String>,
    /// For presentations: the challenge the proof must carry.
    pub challenge: Option<String>,
    /// For presentations: the domain the proof must be bound to.
    pub domain: Option<String>,
}

/// Verifies a posted credential or presentation: JSON/JSON-LD, a compact JWT, or a baked
/// PNG/SVG badge, as the raw body. The answer has the shape of one line of
/// `skillproof verify --format json` (without `path`). The server fetches nothing: keys and
/// status lists must come from the document itself (`did:key`) or the check reports that
/// they could not be resolved.
#[utoipa::path(post, path = "/api/v1/verify", tag = "public",
    params(VerifyQuery),
    request_body(content = String, description = "the credential bytes",
        content_type = "application/octet-stream"),
    responses((status = 200, description = "the verification report", body = Object),
        (status = 400, body = ErrorBody), (status = 413, body = ErrorBody)))]
pub async fn verify(
    State(state): State<AppState>,
    Params(query): Params<VerifyQuery>,
    RawBody(bytes): RawBody,
) -> ApiResult<Json<Value>> {
    let now = match &query.now {
        Some(text) => OffsetDateTime::parse(text, &Rfc3339).map_err(|error| {
            ApiError::new(
                ErrorCode::InvalidParameter,
                format!("now: {text:?} is not an RFC 3339 date-time: {error}"),
            )
        })?,
        None => OffsetDateTime::now_utc(),
    };
    let options = VerifyOptions {
        now,
        challenge: query.challenge,
        domain: query.domain,
    };
    let worker = state.clone();
    let report = state
        .run_blocking(move || worker.inner.verifier.verify(&bytes, &options))
        .await?;
    let mut body = report_json(&report);
    if let Value::Object(members) = &mut body {
        members.insert("error".to_owned(), Value::Null);
    }
    Ok(Json(body))
}

/// The CLI's JSON report (DESIGN.md, `skillproof verify --format json`), field for field.
pub fn report_json(report: &VerificationReport) -> Value {
    json!({
        "verified": report.is_verified(),
        "outcome": report.outcome,
        "format": report.format,
        "container": report.container,
        "issuer": report.issuer,
        "issuer_name": report.issuer_name,
        "achievement": report.achievement_name,
        "proofs": report.proofs,
        "checks": report.checks,
        "nested": report.nested.iter().map(report_json).collect::<Vec<_>>(),
    })
}

// ---------------------------------------------------------------- skills

/// A lookup query.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct LookupQuery {
    /// What was typed so far.
    pub q: String,
    /// Most results (1–50, default 10).
    pub limit: Option<usize>,
}

fn checked_lookup(state: &AppState, query: &LookupQuery) -> ApiResult<(String, usize)> {
    let limits = &state.config().limits;
    let q = query.q.trim();
    if q.is_empty() || q.chars().count() > limits.max_query_chars {
        return Err(ApiError::new(
            ErrorCode::InvalidParameter,
            format!("q must have 1 to {} characters", limits.max_query_chars),
        ));
    }
    let limit = query.limit.unwrap_or(10);
    if limit == 0 || limit > limits.max_results {
        return Err(ApiError::new(
            ErrorCode::InvalidParameter,
            format!("limit must be between 1 and {}", limits.max_results),
        ));
    }
    Ok((q.to_owned(), limit))
}

/// One skill suggestion.
#[derive(Debug, Serialize, ToSchema)]
pub struct SkillSuggestion {
    /// Prefixed id (`esco:skill/<uuid>`, `local:…`).
    pub id: String,
    /// Preferred label.
    pub label: String,
    /// Concept kind (`skill`, `knowledge`, …).
    pub kind: String,
    /// The label the query matched.
    pub matched_label: String,
    /// How well it matched, 0–1.
    pub confidence: f32,
}

/// Skill suggestions.
#[derive(Debug, Serialize, ToSchema)]
pub struct SkillSuggestions {
    /// The query as read.
    pub query: String,
    /// Best first.
    pub skills: Vec<SkillSuggestion>,
}

/// Skill lookup and autocomplete (typo-tolerant, best first).
#[utoipa::path(get, path = "/api/v1/skills", tag = "public", params(LookupQuery),
    responses((status = 200, body = SkillSuggestions), (status = 400, body = ErrorBody)))]
pub async fn skills(
    State(state): State<AppState>,
    Params(query): Params<LookupQuery>,
) -> ApiResult<Json<SkillSuggestions>> {
    let (q, limit) = checked_lookup(&state, &query)?;
    let worker = state.clone();
    let query_text = q.clone();
    let found = state
        .run_blocking(move || {
            worker
                .inner
                .taxonomy
                .search_text(&query_text, SearchScope::Skills, limit)
        })
        .await?;
    Ok(Json(SkillSuggestions {
        query: q,
        skills: found
            .into_iter()
            .map(|hit| SkillSuggestion {
                id: hit.id,
                label: hit.label,
                kind: kind_name(hit.kind),
                matched_label: hit.matched_label,
                confidence: hit.confidence,
            })
            .collect(),
    }))
}

fn kind_name(kind: taxonomy::ConceptKind) -> String {
    serde_json::to_value(kind)
        .ok()
        .and_then(|value| value.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// A concept and its place in its hierarchy.
#[derive(Debug, Serialize, ToSchema)]
pub struct SkillDetail {
    /// Prefixed id.
    pub id: String,
    /// Preferred label.
    pub label: String,
    /// Concept kind.
    pub kind: String,
    /// Scheme prefix (`esco`, `onet`, `noc`, `oasis`, `local`).
    pub scheme: String,
    /// Definition, possibly empty.
    pub description: String,
    /// Alternative labels (at most 50).
    pub alt_labels: Vec<String>,
    /// Broader concepts.
    pub parents: Vec<ConceptRef>,
    /// Facet paths on the scheme's hierarchy (what index filters use).
    pub facet_paths: Vec<String>,
}

/// A concept named by id and label.
#[derive(Debug, Serialize, ToSchema)]
pub struct ConceptRef {
    /// Prefixed id.
    pub id: String,
    /// Preferred label.
    pub label: String,
}

/// One skill by its prefixed id (percent-encode the `/` in it: `esco:skill%2F<uuid>`).
#[utoipa::path(get, path = "/api/v1/skills/{id}", tag = "public",
    params(("id" = String, Path, description = "prefixed concept id, percent-encoded")),
    responses((status = 200, body = SkillDetail), (status = 404, body = ErrorBody)))]
pub async fn skill(
    State(state): State<AppState>,
    PathParam(id): PathParam,
) -> ApiResult<Json<SkillDetail>> {
    let taxonomy = &state.inner.taxonomy;
    let unknown = || {
        ApiError::new(
            ErrorCode::UnknownSkill,
            format!("no skill has the id {id:?}"),
        )
    };
    let index = taxonomy.by_id(&id).ok_or_else(unknown)?;
    let concept = taxonomy.concept(index).ok_or_else(unknown)?;
    Ok(Json(SkillDetail {
        id: concept.id.clone(),
        label: concept.label.clone(),
        kind: kind_name(concept.kind),
        scheme: concept.scheme().to_owned(),
        description: concept.description.clone(),
        alt_labels: concept.alt_labels.iter().take(50).cloned().collect(),
        parents: concept
            .parents
            .iter()
            .filter_map(|&parent| taxonomy.concept(parent))
            .map(|parent| ConceptRef {
                id: parent.id.clone(),
                label: parent.label.clone(),
            })
            .collect(),
        facet_paths: taxonomy.facet_paths(index),
    }))
}

// ---------------------------------------------------------------- regions

/// One region suggestion.
#[derive(Debug, Serialize, ToSchema)]
pub struct RegionSuggestion {
    /// `province`, `economic_region`, `census_division`, `planning_area` or `fsa`.
    pub level: String,
    /// Its code (`N3T`, `3529`, `3550`, `ON-WPB-01`, `35`).
    pub code: String,
    /// Its name.
    pub name: String,
}

/// Region suggestions.
#[derive(Debug, Serialize, ToSchema)]
pub struct RegionSuggestions {
    /// The query as read.
    pub query: String,
    /// Exact resolutions first, then names containing the query.
    pub regions: Vec<RegionSuggestion>,
}

fn level_name(level: RegionLevel) -> String {
    serde_json::to_value(level)
        .ok()
        .and_then(|value| value.as_str().map(str::to_owned))
        .unwrap_or_default()
}

fn fold(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Region lookup and autocomplete: postal codes (cut to their FSA), FSAs, census divisions,
/// economic regions, planning board areas, places.
#[utoipa::path(get, path = "/api/v1/regions", tag = "public", params(LookupQuery),
    responses((status = 200, body = RegionSuggestions), (status = 400, body = ErrorBody)))]
pub async fn regions(
    State(state): State<AppState>,
    Params(query): Params<LookupQuery>,
) -> ApiResult<Json<RegionSuggestions>> {
    let (q, limit) = checked_lookup(&state, &query)?;
    let regions = state.inner.taxonomy.regions();
    let mut found: Vec<RegionSuggestion> = Vec::new();
    let mut push = |level: RegionLevel, code: &str, name: &str| {
        if found.len() < limit && !found.iter().any(|seen| seen.code == code) {
            found.push(RegionSuggestion {
                level: level_name(level),
                code: code.to_owned(),
                name: name.to_owned(),
            });
        }
    };
    if let Some(location) = regions.resolve(&q) {
        push(location.level, &location.code, &location.name);
    }
    let needle = fold(&q);
    if !needle.is_empty() {
        for area in &regions.planning_areas {
            if fold(&area.board_name).contains(&needle)
                || fold(&area.area_description).contains(&needle)
            {
                push(RegionLevel::PlanningArea, &area.wpb_id, &area.board_name);
            }
        }
        for region in &regions.economic_regions {
            if fold(&region.name).contains(&needle) {
                push(RegionLevel::EconomicRegion, &region.eruid, &region.name);
            }
        }
        for division in &regions.census_divisions {
            if fold(&division.name).contains(&needle) {
                push(RegionLevel::CensusDivision, &division.cduid, &division.name);
            }
        }
        for fsa in &regions.fsas {
            if fold(&fsa.code).starts_with(&needle) || fold(&fsa.place).contains(&needle) {
                push(RegionLevel::Fsa, &fsa.code, &fsa.place);
            }
        }
    }
    Ok(Json(RegionSuggestions {
        query: q,
        regions: found,
    }))
}

/// One region by code or name, with the chain of regions containing it (never finer than
/// an FSA).
#[utoipa::path(get, path = "/api/v1/regions/{code}", tag = "public",
    params(("code" = String, Path, description = "FSA, postal code, CDUID, ERUID, board id, `35` or a name")),
    responses((status = 200, description = "the resolved region", body = Object),
        (status = 404, body = ErrorBody)))]
pub async fn region(
    State(state): State<AppState>,
    PathParam(code): PathParam,
) -> ApiResult<Json<taxonomy::ResolvedLocation>> {
    if code.chars().count() > state.config().limits.max_query_chars {
        return Err(ApiError::new(
            ErrorCode::InvalidParameter,
            "the region code is too long",
        ));
    }
    state
        .inner
        .taxonomy
        .regions()
        .resolve(&code)
        .map(Json)
        .ok_or_else(|| {
            ApiError::new(
                ErrorCode::UnknownRegion,
                format!("no Ontario region matches {code:?}"),
            )
        })
}

/// The polygons of one region level as GeoJSON, for maps: `census_division`,
/// `economic_region` or `planning_area`.
#[utoipa::path(get, path = "/api/v1/regions/geojson/{level}", tag = "public",
    params(("level" = String, Path, description = "census_division, economic_region or planning_area")),
    responses((status = 200, content_type = "application/geo+json", body = Object),
        (status = 400, body = ErrorBody)))]
pub async fn region_geojson(
    State(state): State<AppState>,
    PathParam(level): PathParam,
) -> ApiResult<Response> {
    let parsed = match level.as_str() {
        "census_division" => RegionLevel::CensusDivision,
        "economic_region" => RegionLevel::EconomicRegion,
        "planning_area" => RegionLevel::PlanningArea,
        _ => {
            return Err(ApiError::new(
                ErrorCode::InvalidParameter,
                "level must be census_division, economic_region or planning_area",
            ));
        }
    };
    let path = state
        .inner
        .taxonomy
        .geojson_path(parsed)
        .ok_or_else(|| ApiError::internal(format_args!("no GeoJSON file for {level}")))?;
    let bytes = state
        .run_blocking(move || {
            std::fs::read(&path)
                .map_err(|error| ApiError::internal(format_args!("{}: {error}", path.display())))
        })
        .await??;
    let mut response = bytes.into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/geo+json"),
    );
    Ok(response)
}

// ---------------------------------------------------------------- institutions

/// One released count: below the k-anonymity threshold it is suppressed (`earners` null).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReleasedCount {
    /// The facet value (skill id, region code, credential kind).
    pub value: String,
    /// A label for people, when known.
    pub label: Option<String>,
    /// Distinct earners, or null when suppressed.
    pub earners: Option<u64>,
    /// True when 1–4 earners were suppressed.
    pub suppressed: bool,
}

/// What an issuer's own credentials in the index add up to.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct IssuerReport {
    /// The issuer id.
    pub issuer: String,
    /// The snapshot counted.
    pub snapshot: String,
    /// Cells with fewer distinct earners than this are suppressed.
    pub k_anonymity: u64,
    /// Distinct earners per skill (top 200).
    pub skills: Vec<ReleasedCount>,
    /// Distinct earners per census division.
    pub census_divisions: Vec<ReleasedCount>,
    /// Distinct earners per credential kind.
    pub kinds: Vec<ReleasedCount>,
}

/// The issuer's own report (institution keys bound to the issuer, admin keys). An issuer a
/// key is not bound to is 404, like one that does not exist.
#[utoipa::path(get, path = "/api/v1/institutions/issuers/{issuer}/report", tag = "institutions",
    security(("api_key" = [])),
    params(("issuer" = String, Path, description = "issuer id (DID or URL), percent-encoded")),
    responses((status = 200, body = IssuerReport), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn issuer_report(
    State(state): State<AppState>,
    caller: Caller,
    PathParam(issuer): PathParam,
) -> ApiResult<Json<IssuerReport>> {
    caller.require(&[Role::Institution, Role::Admin])?;
    if !caller.may_see_issuer(&issuer) {
        return Err(ApiError::new(
            ErrorCode::UnknownIssuer,
            "no issuer report with this id is visible to this key",
        ));
    }
    let snapshot = state.snapshot()?;
    let key = (snapshot.id().as_str().to_owned(), issuer.clone());
    if let Some(cached) = state
        .inner
        .issuer_reports
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .get(&key)
        .cloned()
    {
        return Ok(Json(cached.as_ref().clone()));
    }
    let worker = state.clone();
    let for_worker = issuer.clone();
    let report = state
        .run_blocking(move || {
            let filter = ClaimFilter {
                issuers: vec![for_worker.clone()],
                ..ClaimFilter::default()
            };
            let counts = snapshot.facet_counts(&[], &filter, IndexRegionLevel::CensusDivision)?;
            let taxonomy = &worker.inner.taxonomy;
            let skill_label = |id: &str| {
                taxonomy
                    .by_id(id)
                    .and_then(|index| taxonomy.concept(index))
                    .map(|concept| concept.label.clone())
            };
            let region_label = |code: &str| {
                taxonomy
                    .regions()
                    .census_division(code)
                    .map(|division| division.name.clone())
            };
            Ok::<_, index::Error>(IssuerReport {
                issuer: for_worker,
                snapshot: snapshot.id().as_str().to_owned(),
                k_anonymity: K_ANONYMITY,
                skills: release(counts.skills, 200, skill_label),
                census_divisions: release(counts.regions, 200, region_label),
                kinds: release(counts.kinds, 50, |_| None),
            })
        })
        .await??;
    state
        .inner
        .issuer_reports
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .put(key, std::sync::Arc::new(report.clone()));
    Ok(Json(report))
}

/// Largest first, at most `cap`, cells of 1–4 earners suppressed and marked.
fn release(
    mut counts: Vec<FacetCount>,
    cap: usize,
    label: impl Fn(&str) -> Option<String>,
) -> Vec<ReleasedCount> {
    counts.sort_by(|a, b| {
        b.earners
            .cmp(&a.earners)
            .then_with(|| a.value.cmp(&b.value))
    });
    counts
        .into_iter()
        .take(cap)
        .map(|count| {
            let suppressed = count.earners > 0 && count.earners < K_ANONYMITY;
            ReleasedCount {
                label: label(&count.value),
                value: count.value,
                earners: (!suppressed).then_some(count.earners),
                suppressed,
            }
        })
        .collect()
}

// ---------------------------------------------------------------- consent

/// A challenge to sign into a consent presentation.
#[derive(Debug, Serialize, ToSchema)]
pub struct ConsentChallenge {
    /// Put this in the presentation proof's `challenge`.
    pub challenge: String,
    /// Put this in the presentation proof's `domain`.
    pub domain: String,
    /// The challenge is accepted once, within this many seconds.
    pub expires_in_seconds: u64,
}

/// Issues a one-time challenge for a consent request.
#[utoipa::path(post, path = "/api/v1/consent/challenge", tag = "consent",
    responses((status = 200, body = ConsentChallenge)))]
pub async fn consent_challenge(State(state): State<AppState>) -> ApiResult<Json<ConsentChallenge>> {
    Ok(Json(ConsentChallenge {
        challenge: state.issue_challenge()?,
        domain: state.config().consent_domain.clone(),
        expires_in_seconds: state.config().challenge_ttl.as_secs(),
    }))
}

/// A consent request.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConsentRequest {
    /// The challenge from `POST /consent/challenge`.
    pub challenge: String,
    /// The presentation signed by the earner: a JSON object (Data Integrity) or a compact
    /// JWT string.
    #[schema(value_type = Object)]
    pub presentation: Value,
}

/// A recorded withdrawal.
#[derive(Debug, Serialize, ToSchema)]
pub struct Withdrawal {
    /// The holder (earner) whose consent is withdrawn.
    pub holder: String,
    /// When it was recorded (RFC 3339).
    pub recorded_at: String,
    /// When it takes effect.
    pub applies: &'static str,
}

/// The holder of a consent request's presentation, once it verified: signed by the holder
/// (proof purpose `authentication`), answering a challenge this server issued (used up by
/// the attempt) and bound to the configured domain.
pub(crate) async fn verified_holder(
    state: &AppState,
    request: &ConsentRequest,
    now: OffsetDateTime,
) -> ApiResult<String> {
    let query = request;
    let bytes: Vec<u8> = match &request.presentation {
        Value::String(jwt) => jwt.as_bytes().to_vec(),
        Value::Object(_) => serde_json::to_vec(&request.presentation)
            .map_err(|error| ApiError::internal(error.to_string()))?,
        _ => {
            return Err(ApiError::new(
                ErrorCode::InvalidBody,
                "presentation must be a JSON object or a compact JWT string",
            ));
        }
    };
    if !state.consume_challenge(&query.challenge) {
        return Err(ApiError::new(
            ErrorCode::InvalidChallenge,
            "the challenge was not issued here, was already used, or expired",
        ));
    }
    let options = VerifyOptions {
        now,
        challenge: Some(query.challenge.clone()),
        domain: Some(state.config().consent_domain.clone()),
    };
    let worker = state.clone();
    let report = state
        .run_blocking(move || worker.inner.verifier.verify(&bytes, &options))
        .await?;
    if !matches!(
        report.format,
        model::Format::VpDataIntegrity | model::Format::VpJwt
    ) {
        return Err(ApiError::new(
            ErrorCode::ConsentNotVerified,
            "a consent request is a verifiable presentation signed by the earner",
        ));
    }
    if !report.is_verified() {
        return Err(ApiError::new(
            ErrorCode::ConsentNotVerified,
            format!(
                "the presentation did not verify: {} ({})",
                report.outcome,
                report.outcome.explanation()
            ),
        ));
    }
    report
        .document
        .as_deref()
        .and_then(|document| document.get("holder"))
        .and_then(|holder| {
            holder
                .as_str()
                .or_else(|| holder.get("id").and_then(Value::as_str))
        })
        .map(str::to_owned)
        .ok_or_else(|| {
            ApiError::new(
                ErrorCode::ConsentNotVerified,
                "the presentation names no holder",
            )
        })
}

/// Withdraws the earner's consent to be found: the presentation is signed by the earner's
/// key (proof purpose `authentication`) and carries the server's challenge and domain. The
/// withdrawal is recorded durably for the index writer, which removes the person from search
/// at its next commit; the server never writes the index.
#[utoipa::path(post, path = "/api/v1/consent/withdraw", tag = "consent",
    request_body = ConsentRequest,
    responses((status = 202, body = Withdrawal), (status = 400, body = ErrorBody),
        (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn consent_withdraw(
    State(state): State<AppState>,
    JsonBody(request): JsonBody<ConsentRequest>,
) -> ApiResult<(StatusCode, Json<Withdrawal>)> {
    let now = OffsetDateTime::now_utc();
    let holder = verified_holder(&state, &request, now).await?;
    let recorded_at = now
        .format(&Rfc3339)
        .map_err(|error| ApiError::internal(error.to_string()))?;
    let line = json!({"holder": holder, "withdrawn_at": recorded_at}).to_string();
    let worker = state.clone();
    state
        .run_blocking(move || append_withdrawal(&worker, &line))
        .await??;
    Ok((
        StatusCode::ACCEPTED,
        Json(Withdrawal {
            holder,
            recorded_at,
            applies: "at the index's next commit",
        }),
    ))
}

/// The file the index writer reads withdrawals from: one JSON object per line.
pub fn withdrawals_path(data_dir: &std::path::Path) -> std::path::PathBuf {
    data_dir.join("consent").join("withdrawals.jsonl")
}

fn append_withdrawal(state: &AppState, line: &str) -> ApiResult<()> {
    let _serialised = state
        .inner
        .consent_log
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let path = withdrawals_path(&state.config().data_dir);
    let write = || -> std::io::Result<()> {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)?;
        file.write_all(format!("{line}\n").as_bytes())?;
        // Acknowledged means durable: the earner is told it is recorded.
        file.sync_all()
    };
    write().map_err(|error| ApiError::internal(format_args!("{}: {error}", path.display())))
}

// ---------------------------------------------------------------- fallbacks

/// No route has this path.
pub async fn no_such_route() -> ApiError {
    ApiError::new(ErrorCode::NoSuchRoute, "no route has this path")
}

/// The route exists with other methods.
pub async fn method_not_allowed() -> ApiError {
    ApiError::new(
        ErrorCode::MethodNotAllowed,
        "the route does not take this method",
    )
}

/// The OpenAPI document.
pub async fn openapi_json() -> Response {
    let mut response = crate::openapi_text().into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}
