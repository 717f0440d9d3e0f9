//! Employer routes over `rank`: candidate search from a job (JSON or a pasted ad), candidate
//! detail with evidence and proof chains, programs for missing skills, and the shortlist
//! export (CSV, or a bundle of the original signed credentials to re-verify offline).
//!
//! Every search runs on the blocking pool behind the cpu permit and is a function of the
//! snapshot and the request: `as_of` defaults to the start of the current UTC day, so the
//! same request on the same snapshot gives the same list all day, and the response is
//! cached under the snapshot id.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use index::{ClaimFilter, IndexedCredential, Snapshot, key_hash};
use jobspec::{JobRequest, JobSpec, NormaliseOptions};
use rank::analytics::Level as AnalyticsLevel;
use rank::{CandidateFilters, CandidatePage, CandidateRequest, Center, JobSpecOptions, Level};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::Role;
use crate::body::JsonBody;
use crate::error::{ApiError, ApiResult, ErrorBody, ErrorCode};
use crate::extract::{AnyKey, EmployerKey, Params, PathParam};
use crate::state::AppState;

/// Who may search people: employers and admins.
pub const SEARCH_ROLES: [Role; 2] = [Role::Employer, Role::Admin];

/// Every role with a key.
pub const ANY_ROLE: [Role; 4] = [Role::Employer, Role::Board, Role::Institution, Role::Admin];

/// Most earners in one shortlist export.
pub const MAX_SHORTLIST: usize = 100;

/// The columns of the shortlist CSV, in order: one row per (earner, credential).
///
/// | column | meaning |
/// |---|---|
/// | `earner` | the earner key (a DID or an issuer-scoped hash; never contact data) |
/// | `credential_id` | the credential's id as indexed |
/// | `issuer_id`, `issuer_name` | the issuer the signing key is bound to |
/// | `achievement_id`, `achievement_name`, `kind`, `credit` | what was achieved |
/// | `format` | the credential format verified |
/// | `issued_at`, `valid_until` | RFC 3339, empty when absent |
/// | `fsa` | the forward sortation area the credential is located in (never finer) |
/// | `skills` | skill ids, `;`-separated |
/// | `verified_at` | when the index verified it (RFC 3339) |
pub const SHORTLIST_CSV_COLUMNS: [&str; 14] = [
    "earner",
    "credential_id",
    "issuer_id",
    "issuer_name",
    "achievement_id",
    "achievement_name",
    "kind",
    "credit",
    "format",
    "issued_at",
    "valid_until",
    "fsa",
    "skills",
    "verified_at",
];

/// Adds this module's routes.
pub(crate) fn register(router: OpenApiRouter<AppState>) -> OpenApiRouter<AppState> {
    router
        .routes(routes!(search_candidates))
        .routes(routes!(candidate))
        .routes(routes!(search_programs))
        .routes(routes!(shortlist_export))
        .routes(routes!(crate::surfaced::consent_surfaced))
}

// ---------------------------------------------------------------- shared

/// The start of the current UTC day: the default `as_of`, so that repeated requests agree.
pub(crate) fn today() -> i64 {
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    now - now.rem_euclid(86_400)
}

/// Reads an optional RFC 3339 `as_of`; a bad one is `code`.
pub(crate) fn parse_as_of(text: Option<&str>, code: ErrorCode) -> ApiResult<i64> {
    match text {
        None => Ok(today()),
        Some(text) => rank::explain::parse_rfc3339(text).ok_or_else(|| {
            ApiError::new(
                code,
                format!("as_of: {text:?} is not an RFC 3339 date-time"),
            )
        }),
    }
}

/// A ranking error: the request's fault as `code`, the index's as internal.
pub(crate) fn rank_error(error: rank::Error, code: ErrorCode) -> ApiError {
    match error {
        rank::Error::InvalidRequest(message) => ApiError::new(code, message),
        rank::Error::Index(error) => ApiError::from(error),
    }
}

pub(crate) fn analytics_level(level: Level) -> AnalyticsLevel {
    match level {
        Level::Fsa => AnalyticsLevel::Fsa,
        Level::CensusDivision => AnalyticsLevel::Cd,
        Level::EconomicRegion => AnalyticsLevel::Er,
        Level::PlanningArea => AnalyticsLevel::Board,
        Level::Province => AnalyticsLevel::Province,
    }
}

fn to_json<T: Serialize>(value: &T) -> ApiResult<Value> {
    serde_json::to_value(value).map_err(ApiError::internal)
}

// ---------------------------------------------------------------- candidates

/// A candidate search: exactly one of `job` and `job_text`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CandidateSearch {
    /// The job as a JobSpec request, as `skillproof search` reads it: `title`, `text`,
    /// `occupation`, `required`, `preferred`, `excluded` (skill ids in any scheme, or words),
    /// `location` (postal code, FSA, region code or name; or `{"region", "radius_km"}`),
    /// `earned_after`, `max_credential_age_months`, `issuers` (`{"include", "exclude"}`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub job: Option<Value>,
    /// Or the pasted text of a job ad (skills are mined from it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub job_text: Option<String>,
    /// Filters added to the job's own: `regions` (`[{"level", "code"}]`, levels `fsa`,
    /// `census_division`, `economic_region`, `planning_area`, `province`), `radius`
    /// (`{"center": {"fsa": "N3T"} | {"point": {"latitude", "longitude"}}, "radius_km"}`),
    /// `issuers`, `exclude_issuers`, `kinds`, `credit`, `issued_since` (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub filters: Option<CandidateFilters>,
    /// Results to return (1–100, default 20).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<usize>,
    /// Results to skip (offset + limit ≤ 1000).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offset: Option<usize>,
    /// The instant validity and recency are judged at (RFC 3339; default: the start of
    /// the current UTC day).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub as_of: Option<String>,
    /// The level of the regions facet (default `census_division`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>)]
    pub facet_level: Option<Level>,
}

fn job_request(search: &CandidateSearch) -> ApiResult<JobRequest> {
    match (&search.job, &search.job_text) {
        (Some(job), None) => jobspec::parse_json(job)
            .map_err(|error| ApiError::new(ErrorCode::InvalidBody, format!("job: {error}"))),
        (None, Some(text)) => {
            let text = text.trim();
            if text.is_empty() {
                return Err(ApiError::new(ErrorCode::InvalidBody, "job_text is empty"));
            }
            Ok(JobRequest {
                text: Some(text.to_owned()),
                ..JobRequest::default()
            })
        }
        _ => Err(ApiError::new(
            ErrorCode::InvalidBody,
            "give exactly one of `job` (a JobSpec request) and `job_text` (a pasted job ad)",
        )),
    }
}

/// An input that names a concept by identifier (rather than in words).
fn looks_like_id(input: &str) -> bool {
    let input = input.trim().to_ascii_lowercase();
    !input.contains(char::is_whitespace)
        && (input.starts_with("http://")
            || input.starts_with("https://")
            || ["esco:", "onet:", "noc:", "oasis:", "local:"]
                .iter()
                .any(|prefix| input.starts_with(prefix)))
}

/// Unknown identifiers and locations are errors; words that match nothing stay in the
/// spec's `unresolved` for the user to fix.
fn check_resolved(spec: &JobSpec) -> ApiResult<()> {
    for unresolved in &spec.unresolved {
        if unresolved.field.starts_with("location") {
            return Err(ApiError::new(
                ErrorCode::UnknownRegion,
                format!("location {:?}: {}", unresolved.input, unresolved.reason),
            ));
        }
        let skill_field = ["required", "preferred", "excluded"]
            .iter()
            .any(|field| unresolved.field.starts_with(field));
        if skill_field && looks_like_id(&unresolved.input) {
            return Err(ApiError::new(
                ErrorCode::UnknownSkill,
                format!(
                    "{}: no skill has the id {:?}",
                    unresolved.field, unresolved.input
                ),
            ));
        }
    }
    Ok(())
}

/// Regions and radius centres must exist.
fn check_regions(state: &AppState, filters: &CandidateFilters) -> ApiResult<()> {
    for region in &filters.regions {
        if !state
            .inner
            .hierarchy
            .contains(analytics_level(region.level), &region.code)
        {
            return Err(ApiError::new(
                ErrorCode::UnknownRegion,
                format!(
                    "no Ontario region has the code {:?} at that level",
                    region.code
                ),
            ));
        }
    }
    if let Some(radius) = &filters.radius
        && let Center::Fsa(code) = &radius.center
        && state.inner.taxonomy.regions().fsa(code).is_none()
    {
        return Err(ApiError::new(
            ErrorCode::UnknownRegion,
            format!("{code:?} is not an Ontario FSA"),
        ));
    }
    Ok(())
}

fn merge_filters(into: &mut CandidateFilters, extra: CandidateFilters) {
    into.regions.extend(extra.regions);
    if extra.radius.is_some() {
        into.radius = extra.radius;
    }
    into.issuers.extend(extra.issuers);
    into.exclude_issuers.extend(extra.exclude_issuers);
    into.kinds.extend(extra.kinds);
    if extra.credit.is_some() {
        into.credit = extra.credit;
    }
    if let Some(since) = extra.issued_since {
        into.issued_since = Some(into.issued_since.map_or(since, |kept| kept.max(since)));
    }
}

/// Parses, normalises and ranks (synchronous: call it on the blocking pool).
pub(crate) fn run_search(
    state: &AppState,
    snapshot: &Snapshot,
    search: &CandidateSearch,
    as_of: i64,
) -> ApiResult<(JobSpec, CandidatePage)> {
    let job = job_request(search)?;
    let taxonomy = &state.inner.taxonomy;
    let spec = JobSpec::normalise(&job, taxonomy, &NormaliseOptions::default());
    check_resolved(&spec)?;
    let mut request =
        CandidateRequest::from_job_spec(&spec, taxonomy, as_of, &JobSpecOptions::default())
            .map_err(|error| rank_error(error, ErrorCode::InvalidBody))?;
    if let Some(filters) = &search.filters {
        check_regions(state, filters)?;
        merge_filters(&mut request.filters, filters.clone());
    }
    request.limit = search.limit.unwrap_or(rank::DEFAULT_LIMIT);
    request.offset = search.offset.unwrap_or(0);
    if let Some(level) = search.facet_level {
        request.facet_level = level;
    }
    let page = rank::rank_candidates(snapshot, taxonomy, &request)
        .map_err(|error| rank_error(error, ErrorCode::InvalidBody))?;
    Ok((spec, page))
}

/// Ranks the consenting verified earners for a job given as a JobSpec request (`job`) or as
/// the pasted text of an ad (`job_text`). The answer is `{"snapshot", "spec", "page"}`:
/// `spec` is the normalised job (resolved skills, occupation, location, what stayed
/// unresolved) for the user to edit and send back as `job`; `page` is the explained ranking
/// (`rank::CandidatePage`: snapshot, taxonomy versions, ranking version, requirements,
/// hits with score components and evidence, facets). Unknown skill ids are 404
/// `unknown_skill`, unknown locations or filter regions 404 `unknown_region`.
#[utoipa::path(post, path = "/api/v1/search/candidates", tag = "employers",
    security(("api_key" = [])),
    request_body = CandidateSearch,
    responses((status = 200, description = "`{\"snapshot\", \"spec\", \"page\"}`", body = Object),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn search_candidates(
    State(state): State<AppState>,
    EmployerKey(_): EmployerKey,
    JsonBody(search): JsonBody<CandidateSearch>,
) -> ApiResult<Json<Value>> {
    let as_of = parse_as_of(search.as_of.as_deref(), ErrorCode::InvalidBody)?;
    let snapshot = state.snapshot()?;
    let key = format!(
        "candidates\u{0}{}\u{0}{as_of}\u{0}{}",
        snapshot.id().as_str(),
        serde_json::to_string(&search).map_err(ApiError::internal)?
    );
    if let Some(found) = state.cached(&key) {
        state.inner.surfaced.record_page(&found["page"]);
        return Ok(Json(found.as_ref().clone()));
    }
    let worker = state.clone();
    let value = state
        .run_blocking(move || -> ApiResult<Value> {
            let (spec, page) = run_search(&worker, &snapshot, &search, as_of)?;
            Ok(json!({
                "snapshot": snapshot.id().as_str(),
                "spec": to_json(&spec)?,
                "page": to_json(&page)?,
            }))
        })
        .await??;
    state.inner.surfaced.record_page(&value["page"]);
    let value = Arc::new(value);
    state.remember(key, Arc::clone(&value));
    Ok(Json(value.as_ref().clone()))
}

/// `as_of` alone.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct AsOfQuery {
    /// The instant validity is judged at (RFC 3339; default: the start of the current UTC
    /// day).
    pub as_of: Option<String>,
}

/// A skill the earner holds, with the credentials evidencing it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SkillEvidence {
    /// The skill id.
    pub skill: String,
    /// Its label.
    pub label: String,
    /// The strongest evidence (method weight × confidence × recency).
    pub best_strength: f64,
    /// Credential ids evidencing it, strongest first.
    pub credentials: Vec<String>,
}

/// A skill a credential claims.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ClaimedSkill {
    /// The skill id.
    pub id: String,
    /// Its label.
    pub label: String,
    /// How it was attached (`alignment`, `text`, `crosswalk`, `hierarchy`).
    #[schema(value_type = String)]
    pub method: model::SkillMethod,
    /// Mapping confidence, 0–1.
    pub confidence: f32,
    /// The quoted text it was found in, when mapped from text.
    pub span: Option<String>,
    /// Method weight × confidence × recency at `as_of`.
    pub strength: f64,
}

/// What verification established, step by step.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProofChain {
    /// The verification instant.
    pub verified_at: String,
    /// The proofs as found and judged (type, cryptosuite, verification method, key binding).
    #[schema(value_type = Vec<Object>)]
    pub proofs: Vec<model::ProofSummary>,
    /// Every check in pipeline order (parse, context, proof, key binding, validity, status).
    #[schema(value_type = Vec<Object>)]
    pub checks: Vec<model::Check>,
    /// The media type of the original signed bytes the index keeps (exported by
    /// `POST /shortlist/export?format=bundle`).
    pub original_media_type: String,
}

/// One of the earner's credentials.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CandidateCredential {
    /// Its id.
    pub credential_id: String,
    /// The issuer (id, name, domain).
    #[schema(value_type = Object)]
    pub issuer: model::IssuerRef,
    /// The achievement (id, name, description, kind, credit).
    #[schema(value_type = Object)]
    pub achievement: model::AchievementRef,
    /// RFC 3339.
    pub issued_at: Option<String>,
    /// RFC 3339.
    pub valid_until: Option<String>,
    /// The format verified.
    #[schema(value_type = String)]
    pub format: model::Format,
    /// The FSA it is located in (never finer).
    pub fsa: Option<String>,
    /// The skills it evidences.
    pub skills: Vec<ClaimedSkill>,
    /// The verification in brief (`rank::explain::VerificationBrief`).
    #[schema(value_type = Object)]
    pub verification: rank::explain::VerificationBrief,
    /// The verification in full.
    pub proof_chain: ProofChain,
}

/// A candidate's verified evidence.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CandidateDetail {
    /// The snapshot read.
    pub snapshot: String,
    /// Versions of the taxonomies.
    pub taxonomy_versions: BTreeMap<String, String>,
    /// The ranking version (strengths are computed as ranking computes them).
    pub ranking_version: String,
    /// The instant validity and recency were judged at.
    pub as_of: String,
    /// The earner key.
    pub earner: String,
    /// Per skill, the credentials evidencing it, strongest first.
    pub skills: Vec<SkillEvidence>,
    /// Their consenting, valid credentials, newest first.
    pub credentials: Vec<CandidateCredential>,
}

/// The consenting, valid credentials of each earner (one pass over the snapshot's claims).
pub(crate) fn credentials_of(
    snapshot: &Snapshot,
    earners: &[String],
    as_of: i64,
) -> ApiResult<Vec<Vec<IndexedCredential>>> {
    let filter = ClaimFilter {
        findable_only: true,
        valid_at: Some(as_of),
        ..ClaimFilter::default()
    };
    let wanted: HashMap<u64, Vec<usize>> =
        earners
            .iter()
            .enumerate()
            .fold(HashMap::new(), |mut map, (position, earner)| {
                map.entry(key_hash(earner)).or_default().push(position);
                map
            });
    let matches = snapshot.match_claims(&[], &filter)?;
    let hits: Vec<index::ClaimHit> = matches
        .hits
        .iter()
        .filter(|hit| wanted.contains_key(&hit.earner))
        .copied()
        .collect();
    let keys = snapshot.claim_keys(&hits)?;
    let mut ids: Vec<BTreeSet<String>> = vec![BTreeSet::new(); earners.len()];
    for claim in keys {
        for &position in wanted.get(&key_hash(&claim.earner)).into_iter().flatten() {
            if earners[position] == claim.earner {
                ids[position].insert(claim.credential_id.clone());
            }
        }
    }
    let mut out = Vec::with_capacity(earners.len());
    for set in ids {
        let mut credentials = Vec::with_capacity(set.len());
        for id in set {
            if let Some(credential) = snapshot.credential(&id)? {
                credentials.push(credential);
            }
        }
        // Newest first, then by id: a stable order.
        credentials.sort_by(|a, b| {
            b.record
                .issued_at
                .cmp(&a.record.issued_at)
                .then_with(|| a.record.credential_id.cmp(&b.record.credential_id))
        });
        out.push(credentials);
    }
    Ok(out)
}

fn candidate_detail(
    snapshot: &Snapshot,
    earner: &str,
    as_of: i64,
) -> ApiResult<Option<CandidateDetail>> {
    let credentials = credentials_of(snapshot, &[earner.to_owned()], as_of)?
        .pop()
        .unwrap_or_default();
    if credentials.is_empty() {
        return Ok(None);
    }
    let mut by_skill: BTreeMap<String, (String, Vec<(f64, String)>)> = BTreeMap::new();
    let mut shown = Vec::with_capacity(credentials.len());
    for credential in credentials {
        let record = &credential.record;
        let skills: Vec<ClaimedSkill> = record
            .skills
            .iter()
            .map(|skill| {
                let strength = rank::explain::strength(
                    skill.method,
                    skill.confidence,
                    record.issued_at,
                    as_of,
                );
                by_skill
                    .entry(skill.id.clone())
                    .or_insert_with(|| (skill.label.clone(), Vec::new()))
                    .1
                    .push((strength, record.credential_id.clone()));
                ClaimedSkill {
                    id: skill.id.clone(),
                    label: skill.label.clone(),
                    method: skill.method,
                    confidence: skill.confidence,
                    span: skill.span.clone(),
                    strength,
                }
            })
            .collect();
        shown.push(CandidateCredential {
            credential_id: record.credential_id.clone(),
            issuer: record.issuer.clone(),
            achievement: record.achievement.clone(),
            issued_at: record.issued_at.map(rank::explain::rfc3339),
            valid_until: record.valid_until.map(rank::explain::rfc3339),
            format: record.format,
            fsa: record.region.as_ref().and_then(|region| region.fsa.clone()),
            skills,
            verification: rank::explain::VerificationBrief::of(&credential.verification),
            proof_chain: ProofChain {
                verified_at: credential.verification.verified_at.clone(),
                proofs: credential.verification.proofs.clone(),
                checks: credential.verification.checks.clone(),
                original_media_type: record.original.media_type.clone(),
            },
        });
    }
    let mut skills: Vec<SkillEvidence> = by_skill
        .into_iter()
        .map(|(skill, (label, mut evidence))| {
            evidence.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
            evidence.dedup_by(|a, b| a.1 == b.1);
            SkillEvidence {
                skill,
                label,
                best_strength: evidence.first().map_or(0.0, |best| best.0),
                credentials: evidence.into_iter().map(|(_, id)| id).collect(),
            }
        })
        .collect();
    skills.sort_by(|a, b| {
        b.best_strength
            .total_cmp(&a.best_strength)
            .then_with(|| a.skill.cmp(&b.skill))
    });
    Ok(Some(CandidateDetail {
        snapshot: snapshot.id().as_str().to_owned(),
        taxonomy_versions: rank::taxonomy_versions(),
        ranking_version: rank::RANKING_VERSION.to_owned(),
        as_of: rank::explain::rfc3339(as_of),
        earner: earner.to_owned(),
        skills,
        credentials: shown,
    }))
}

fn unknown_candidate() -> ApiError {
    ApiError::new(
        ErrorCode::UnknownCandidate,
        "no consenting earner with valid credentials has this key",
    )
}

/// One candidate: every consenting, valid credential of the earner with its skills (method,
/// confidence, quoted span, strength), per-skill evidence, and each credential's proof
/// chain (proofs, key binding and every check). Earners who did not consent to be found are
/// 404 like unknown ones.
#[utoipa::path(get, path = "/api/v1/candidates/{earner}", tag = "employers",
    security(("api_key" = [])),
    params(("earner" = String, Path, description = "the earner key (DID or issuer-scoped hash), percent-encoded"),
        AsOfQuery),
    responses((status = 200, body = CandidateDetail), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub async fn candidate(
    State(state): State<AppState>,
    EmployerKey(_): EmployerKey,
    PathParam(earner): PathParam,
    Params(query): Params<AsOfQuery>,
) -> ApiResult<Json<CandidateDetail>> {
    if earner.is_empty() || earner.len() > 1024 {
        return Err(ApiError::new(
            ErrorCode::InvalidParameter,
            "the earner key must have 1 to 1024 bytes",
        ));
    }
    let as_of = parse_as_of(query.as_of.as_deref(), ErrorCode::InvalidParameter)?;
    let snapshot = state.snapshot()?;
    let detail = state
        .run_blocking(move || candidate_detail(&snapshot, &earner, as_of))
        .await??;
    detail.map(Json).ok_or_else(unknown_candidate)
}

// ---------------------------------------------------------------- programs

/// A program search: programs whose verified holders hold these skills.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProgramSearch {
    /// Skill ids in any scheme (1–32), each weighing the same.
    pub skills: Vec<String>,
    /// Credentials located in any of these regions (`[{"level", "code"}]`).
    #[serde(default)]
    #[schema(value_type = Vec<Object>)]
    pub regions: Vec<rank::RegionFilter>,
    /// Credentials within a radius (`{"center", "radius_km"}`).
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub radius: Option<rank::RadiusFilter>,
    /// Only these credential kinds.
    #[serde(default)]
    #[schema(value_type = Vec<String>)]
    pub kinds: Vec<model::CredentialKind>,
    /// Only credit-bearing (true) or non-credit (false) credentials.
    #[serde(default)]
    pub credit: Option<bool>,
    /// Validity instant (RFC 3339; default: the start of the current UTC day).
    #[serde(default)]
    pub as_of: Option<String>,
    /// Results to skip.
    #[serde(default)]
    pub offset: Option<usize>,
    /// Results to return (1–100, default 20).
    #[serde(default)]
    pub limit: Option<usize>,
}

/// Programs (an issuer's achievement) ranked by the share of their verified holders who
/// verifiably hold the skills: `rank::ProgramPage` (snapshot, taxonomy versions, ranking
/// version, programs with holder counts; programs and skill cells of 1–4 holders
/// suppressed and marked). Any key may ask.
#[utoipa::path(post, path = "/api/v1/search/programs", tag = "employers",
    security(("api_key" = [])),
    request_body = ProgramSearch,
    responses((status = 200, description = "`rank::ProgramPage`", body = Object),
        (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn search_programs(
    State(state): State<AppState>,
    AnyKey(_): AnyKey,
    JsonBody(search): JsonBody<ProgramSearch>,
) -> ApiResult<Json<Value>> {
    let as_of = parse_as_of(search.as_of.as_deref(), ErrorCode::InvalidBody)?;
    if search.skills.is_empty() {
        return Err(ApiError::new(
            ErrorCode::InvalidBody,
            "skills: name at least one skill id",
        ));
    }
    let filters = CandidateFilters {
        regions: search.regions.clone(),
        radius: search.radius.clone(),
        ..CandidateFilters::default()
    };
    check_regions(&state, &filters)?;
    let snapshot = state.snapshot()?;
    let worker = state.clone();
    let value = state
        .run_blocking(move || -> ApiResult<Value> {
            let taxonomy = &worker.inner.taxonomy;
            let mut request = rank::ProgramRequest::for_skills(&search.skills, taxonomy, as_of)
                .map_err(|error| rank_error(error, ErrorCode::InvalidBody))?;
            if let Some(unknown) = request.skills.unresolved.first() {
                return Err(ApiError::new(
                    ErrorCode::UnknownSkill,
                    format!("no skill has the id {unknown:?}"),
                ));
            }
            request.regions = search.regions;
            request.radius = search.radius;
            request.kinds = search.kinds;
            request.credit = search.credit;
            request.offset = search.offset.unwrap_or(0);
            request.limit = search.limit.unwrap_or(rank::DEFAULT_LIMIT);
            let page = rank::rank_programs(&snapshot, taxonomy, &request)
                .map_err(|error| rank_error(error, ErrorCode::InvalidBody))?;
            to_json(&page)
        })
        .await??;
    Ok(Json(value))
}

// ---------------------------------------------------------------- shortlist

/// The export format.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ExportQuery {
    /// `csv` (default) or `bundle` (JSON with the original signed credentials).
    pub format: Option<String>,
}

/// The earners to export.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ShortlistRequest {
    /// Earner keys (1–100), as search returned them.
    pub earners: Vec<String>,
    /// Validity instant (RFC 3339; default: the start of the current UTC day).
    #[serde(default)]
    pub as_of: Option<String>,
}

/// One credential of a bundle, byte for byte as it was verified.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BundledCredential {
    /// The earner key.
    pub earner: String,
    /// The credential id.
    pub credential_id: String,
    /// Its media type (`application/vc+ld+json`, `application/vc+jwt`, `image/png`, …).
    pub media_type: String,
    /// `utf-8` (the content is the document's text) or `base64` (binary: baked PNG badges).
    pub encoding: String,
    /// The original signed bytes.
    pub content: String,
}

/// A shortlist bundle: anyone can re-verify every credential offline.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ShortlistBundle {
    /// `skillproof-shortlist-bundle/1`.
    pub bundle: String,
    /// The snapshot exported from.
    pub snapshot: String,
    /// The validity instant.
    pub as_of: String,
    /// How to re-verify.
    pub verify: String,
    /// The credentials, by earner in request order, newest first (each signed document
    /// once).
    pub credentials: Vec<BundledCredential>,
}

/// RFC 4180 quoting; cells a spreadsheet would read as a formula get a leading `'`.
pub(crate) fn csv_cell(text: &str) -> String {
    let text = if text.starts_with(['=', '+', '-', '@']) {
        format!("'{text}")
    } else {
        text.to_owned()
    };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

fn code_of<T: Serialize>(value: &T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|value| value.as_str().map(str::to_owned))
        .unwrap_or_default()
}

fn shortlist_csv(earners: &[String], credentials: &[Vec<IndexedCredential>]) -> String {
    let mut out = SHORTLIST_CSV_COLUMNS.join(",");
    out.push_str("\r\n");
    for (earner, list) in earners.iter().zip(credentials) {
        for credential in list {
            let record = &credential.record;
            let skills: Vec<&str> = record
                .skills
                .iter()
                .map(|skill| skill.id.as_str())
                .collect();
            let row = [
                earner.clone(),
                record.credential_id.clone(),
                record.issuer.id.clone(),
                record.issuer.name.clone().unwrap_or_default(),
                record.achievement.id.clone().unwrap_or_default(),
                record.achievement.name.clone(),
                code_of(&record.achievement.kind),
                record.achievement.credit.to_string(),
                code_of(&record.format),
                record
                    .issued_at
                    .map(rank::explain::rfc3339)
                    .unwrap_or_default(),
                record
                    .valid_until
                    .map(rank::explain::rfc3339)
                    .unwrap_or_default(),
                record
                    .region
                    .as_ref()
                    .and_then(|region| region.fsa.clone())
                    .unwrap_or_default(),
                skills.join(";"),
                credential.verification.verified_at.clone(),
            ];
            let cells: Vec<String> = row.iter().map(|cell| csv_cell(cell)).collect();
            out.push_str(&cells.join(","));
            out.push_str("\r\n");
        }
    }
    out
}

fn binary_media(media_type: &str) -> bool {
    media_type.starts_with("image/") && !media_type.contains("svg")
}

/// Exports a shortlist: `format=csv` (columns `earner, credential_id, issuer_id,
/// issuer_name, achievement_id, achievement_name, kind, credit, format, issued_at,
/// valid_until, fsa, skills, verified_at`, one row per credential), or `format=bundle`: a
/// JSON bundle of the original signed credentials, each of which `skillproof verify
/// --offline FILE` re-verifies once written to a file (base64 ones decoded first). Only
/// consenting earners' valid credentials are exported; an earner without any is 404.
#[utoipa::path(post, path = "/api/v1/shortlist/export", tag = "employers",
    security(("api_key" = [])),
    params(ExportQuery),
    request_body = ShortlistRequest,
    responses((status = 200, description = "CSV (`text/csv`), or with `format=bundle` a `ShortlistBundle` (`application/json`)", body = String),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn shortlist_export(
    State(state): State<AppState>,
    EmployerKey(_): EmployerKey,
    Params(query): Params<ExportQuery>,
    JsonBody(request): JsonBody<ShortlistRequest>,
) -> ApiResult<Response> {
    let bundle = match query.format.as_deref() {
        None | Some("csv") => false,
        Some("bundle") => true,
        Some(other) => {
            return Err(ApiError::new(
                ErrorCode::InvalidParameter,
                format!("format {other:?}: csv or bundle"),
            ));
        }
    };
    let mut earners: Vec<String> = Vec::new();
    for earner in request.earners {
        if !earners.contains(&earner) {
            earners.push(earner);
        }
    }
    if earners.is_empty() || earners.len() > MAX_SHORTLIST {
        return Err(ApiError::new(
            ErrorCode::InvalidBody,
            format!("earners: 1 to {MAX_SHORTLIST} earner keys"),
        ));
    }
    let as_of = parse_as_of(request.as_of.as_deref(), ErrorCode::InvalidBody)?;
    let snapshot = state.snapshot()?;
    let snapshot_id = snapshot.id().as_str().to_owned();
    let for_worker = earners.clone();
    let credentials = state
        .run_blocking(move || credentials_of(&snapshot, &for_worker, as_of))
        .await??;
    if let Some(position) = credentials.iter().position(Vec::is_empty) {
        return Err(ApiError::new(
            ErrorCode::UnknownCandidate,
            format!(
                "earners[{position}]: no consenting earner with valid credentials has this key"
            ),
        ));
    }
    if !bundle {
        let mut response = shortlist_csv(&earners, &credentials).into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/csv; charset=utf-8; header=present"),
        );
        response.headers_mut().insert(
            header::CONTENT_DISPOSITION,
            HeaderValue::from_static("attachment; filename=\"shortlist.csv\""),
        );
        return Ok(response);
    }
    let mut seen: BTreeSet<String> = BTreeSet::new();
    let mut bundled = Vec::new();
    for (earner, list) in earners.iter().zip(&credentials) {
        for credential in list {
            let record = &credential.record;
            if !seen.insert(record.content_sha256.clone()) {
                continue;
            }
            bundled.push(BundledCredential {
                earner: earner.clone(),
                credential_id: record.credential_id.clone(),
                media_type: record.original.media_type.clone(),
                encoding: if binary_media(&record.original.media_type) {
                    "base64"
                } else {
                    "utf-8"
                }
                .to_owned(),
                content: record.original.content.clone(),
            });
        }
    }
    Ok(Json(ShortlistBundle {
        bundle: "skillproof-shortlist-bundle/1".to_owned(),
        snapshot: snapshot_id,
        as_of: rank::explain::rfc3339(as_of),
        verify: "write each credential's content to a file (decoding base64 ones) and run \
                 `skillproof verify --offline FILE`"
            .to_owned(),
        credentials: bundled,
    })
    .into_response())
}
