//! Planning-board and institution routes over `rank::analytics`: supply, demand and gap per
//! skill row × region with drill-down, monthly demand trends, CSV with documented columns,
//! GeoJSON of regions with values for maps, and an institution's demand view.
//!
//! k-anonymity: supply cells of 1–4 distinct earners (and the complementary cells that would
//! reveal them) come out of `rank` suppressed; every response and export here carries that
//! mark (`"suppressed": true` and no figure in JSON and GeoJSON, `suppressed` in CSV), and a
//! suppressed cell cannot be drilled into.

use std::collections::HashMap;
use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use rank::analytics::{
    CreditScope, DrillRequest, DrillSide, GapCell, GapRequest, InstitutionRequest, Level, Region,
    SkillRow,
};
use serde::Deserialize;
use serde_json::{Value, json};
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::{Caller, Role};
use crate::error::{ApiError, ApiResult, ErrorBody, ErrorCode};
use crate::extract::{BoardKey, Params, PathParam};
use crate::search::{parse_as_of, rank_error};
use crate::state::AppState;

/// Who may read regional analytics: planning boards and admins.
pub const ANALYTICS_ROLES: [Role; 2] = [Role::Board, Role::Admin];

/// Adds this module's routes.
pub(crate) fn register(router: OpenApiRouter<AppState>) -> OpenApiRouter<AppState> {
    router
        .routes(routes!(gaps))
        .routes(routes!(gaps_csv))
        .routes(routes!(trends))
        .routes(routes!(drill))
        .routes(routes!(geojson))
        .routes(routes!(institution_demand))
        .routes(routes!(institution_quality))
}

/// A regional aggregate query.
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct GapQuery {
    /// Skill rows, comma-separated: skill ids in any scheme, or facet paths (`/esco/S/S1`:
    /// everything under it). None: every skill group at depth 3.
    pub skills: Option<String>,
    /// The region: `level:code` (`fsa`, `cd`, `er`, `board`, `province`) or a bare code;
    /// default the province. Its subdivisions come with it (drill-down by level).
    pub region: Option<String>,
    /// Supply scope: `all` (default), `credit`, `non_credit`, `non_credit_micro_credentials`.
    pub scope: Option<String>,
    /// Validity instant (RFC 3339; default: the start of the current UTC day).
    pub as_of: Option<String>,
    /// Demand months, `YYYY-MM..YYYY-MM` or one `YYYY-MM` (default: every month).
    pub months: Option<String>,
    /// `json` (default) or `csv`; `Accept: text/csv` also selects CSV.
    pub format: Option<String>,
}

fn invalid(message: impl Into<String>) -> ApiError {
    ApiError::new(ErrorCode::InvalidParameter, message)
}

/// Skill rows: ids must name a concept (404 `unknown_skill`); paths are taken as given.
fn parse_rows(state: &AppState, skills: Option<&str>) -> ApiResult<Vec<SkillRow>> {
    let mut rows = Vec::new();
    for text in skills
        .unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|text| !text.is_empty())
    {
        let row = SkillRow::parse(text)
            .map_err(|error| rank_error(error, ErrorCode::InvalidParameter))?;
        let row = match row {
            SkillRow::Skill(id) => {
                let taxonomy = &state.inner.taxonomy;
                let concept = taxonomy
                    .resolve_id(&id)
                    .and_then(|index| taxonomy.concept(index))
                    .ok_or_else(|| {
                        ApiError::new(
                            ErrorCode::UnknownSkill,
                            format!("no skill has the id {id:?}"),
                        )
                    })?;
                SkillRow::Skill(concept.id.clone())
            }
            group => group,
        };
        if !rows.contains(&row) {
            rows.push(row);
        }
    }
    Ok(rows)
}

fn parse_region(state: &AppState, text: Option<&str>) -> ApiResult<Region> {
    match text.map(str::trim).filter(|text| !text.is_empty()) {
        None => Ok(Region::province()),
        Some(text) => Region::parse(text, &state.inner.hierarchy).map_err(|_| {
            ApiError::new(
                ErrorCode::UnknownRegion,
                format!("no Ontario region matches {text:?} (use level:code, e.g. er:3550)"),
            )
        }),
    }
}

fn parse_scope(text: Option<&str>) -> ApiResult<CreditScope> {
    match text {
        None => Ok(CreditScope::All),
        Some(text) => serde_json::from_value(Value::String(text.to_owned())).map_err(|_| {
            invalid(format!(
                "scope {text:?}: all, credit, non_credit or non_credit_micro_credentials"
            ))
        }),
    }
}

fn parse_months(text: Option<&str>) -> ApiResult<Option<(String, String)>> {
    let Some(text) = text.map(str::trim).filter(|text| !text.is_empty()) else {
        return Ok(None);
    };
    let (first, last) = text.split_once("..").unwrap_or((text, text));
    Ok(Some((first.trim().to_owned(), last.trim().to_owned())))
}

fn parse_level(text: &str) -> ApiResult<Level> {
    Level::ALL
        .into_iter()
        .find(|level| level.code() == text)
        .ok_or_else(|| invalid(format!("level {text:?}: fsa, cd, er, board or province")))
}

fn gap_request(state: &AppState, query: &GapQuery) -> ApiResult<GapRequest> {
    Ok(GapRequest {
        skills: parse_rows(state, query.skills.as_deref())?,
        region: Some(parse_region(state, query.region.as_deref())?),
        scope: parse_scope(query.scope.as_deref())?,
        as_of: parse_as_of(query.as_of.as_deref(), ErrorCode::InvalidParameter)?,
        months: parse_months(query.months.as_deref())?,
    })
}

/// A gap report, computed on the blocking pool and cached under the snapshot id (a commit
/// changes the id, so a cached report never outlives the data it counts).
async fn report(
    state: &AppState,
    request: GapRequest,
) -> ApiResult<Arc<rank::analytics::GapReport>> {
    let snapshot = state.snapshot()?;
    let key = format!(
        "gaps\u{0}{}\u{0}{}",
        snapshot.id().as_str(),
        serde_json::to_string(&request).map_err(ApiError::internal)?
    );
    if let Some(found) = state.cached(&key)
        && let Ok(report) = serde_json::from_value(found.as_ref().clone())
    {
        return Ok(Arc::new(report));
    }
    let worker = state.clone();
    let report = state
        .run_blocking(move || {
            rank::analytics::gap_report(&snapshot, &worker.inner.hierarchy, &request)
                .map_err(|error| rank_error(error, ErrorCode::InvalidParameter))
        })
        .await??;
    let value = serde_json::to_value(&report).map_err(ApiError::internal)?;
    state.remember(key, Arc::new(value));
    Ok(Arc::new(report))
}

fn with_snapshot(mut value: Value, snapshot: &str) -> Value {
    if let Value::Object(members) = &mut value {
        members.insert("snapshot".to_owned(), Value::String(snapshot.to_owned()));
        members.insert(
            "k_anonymity".to_owned(),
            json!({
                "threshold": rank::analytics::SUPPRESSION_THRESHOLD + 1,
                "rule": "supply cells of 1 to 4 distinct earners, and cells that would reveal one by subtraction, are suppressed: no figure, \"suppressed\": true",
            }),
        );
    }
    value
}

fn csv_response(text: String, name: &'static str) -> Response {
    let mut response = text.into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8; header=present"),
    );
    response
        .headers_mut()
        .insert(header::CONTENT_DISPOSITION, HeaderValue::from_static(name));
    response
}

fn wants_csv(query: &GapQuery, headers: &HeaderMap) -> ApiResult<bool> {
    match query.format.as_deref() {
        Some("csv") => Ok(true),
        Some("json") => Ok(false),
        Some(other) => Err(invalid(format!("format {other:?}: json or csv"))),
        None => Ok(headers
            .get(header::ACCEPT)
            .and_then(|value| value.to_str().ok())
            .is_some_and(|accept| accept.contains("text/csv"))),
    }
}

async fn gaps_answer(state: AppState, query: GapQuery, csv: bool) -> ApiResult<Response> {
    let request = gap_request(&state, &query)?;
    let report = report(&state, request).await?;
    if csv {
        return Ok(csv_response(
            rank::analytics::gap_report_csv(&report),
            "attachment; filename=\"gaps.csv\"",
        ));
    }
    let snapshot = report.provenance.snapshot_id.clone();
    let value = serde_json::to_value(report.as_ref()).map_err(ApiError::internal)?;
    Ok(Json(with_snapshot(value, &snapshot)).into_response())
}

/// Supply, demand and gap per skill row × the region and its subdivisions
/// (`rank::analytics::GapReport`: provenance, method, cells, demand by month), plus
/// `snapshot` and the suppression rule. Supply cells of 1–4 earners are
/// `{"earners": null, "suppressed": true}`, with no gap or ratio. `format=csv` or
/// `Accept: text/csv` gives the CSV of `GET /analytics/gaps.csv`.
#[utoipa::path(get, path = "/api/v1/analytics/gaps", tag = "analytics",
    security(("api_key" = [])),
    params(GapQuery),
    responses((status = 200, description = "`GapReport` + `snapshot`, or CSV", body = Object),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn gaps(
    State(state): State<AppState>,
    BoardKey(_): BoardKey,
    headers: HeaderMap,
    Params(query): Params<GapQuery>,
) -> ApiResult<Response> {
    let csv = wants_csv(&query, &headers)?;
    gaps_answer(state, query, csv).await
}

/// The gap report as CSV. Columns, in order (`rank::analytics::CSV_COLUMNS`):
/// `snapshot_id, skill, level, region, supply_earners, demand_postings, demand_vacancies,
/// gap, vacancies_per_holder`; suppressed cells read `suppressed` in `supply_earners`,
/// `gap` and `vacancies_per_holder`; the ratio has four decimals and is empty when the
/// supply is zero. RFC 4180 quoting.
#[utoipa::path(get, path = "/api/v1/analytics/gaps.csv", tag = "analytics",
    security(("api_key" = [])),
    params(GapQuery),
    responses((status = 200, content_type = "text/csv", body = String),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn gaps_csv(
    State(state): State<AppState>,
    BoardKey(_): BoardKey,
    Params(query): Params<GapQuery>,
) -> ApiResult<Response> {
    gaps_answer(state, query, true).await
}

/// Monthly trends for the region itself: demand (postings and vacancies) per row and month,
/// and the supply stock at `as_of` beside it (suppressed as everywhere). Supply is a stock
/// of verified holders at one instant; demand is a monthly flow.
#[utoipa::path(get, path = "/api/v1/analytics/trends", tag = "analytics",
    security(("api_key" = [])),
    params(GapQuery),
    responses((status = 200, description = "`{snapshot, provenance, region, months, supply}`", body = Object),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn trends(
    State(state): State<AppState>,
    BoardKey(_): BoardKey,
    Params(query): Params<GapQuery>,
) -> ApiResult<Json<Value>> {
    let request = gap_request(&state, &query)?;
    let region = request.region.clone().unwrap_or_else(Region::province);
    let report = report(&state, request).await?;
    let mine = |level: Level, code: &str| level == region.level && code == region.code;
    let months: Vec<&rank::analytics::DemandMonth> = report
        .demand_by_month
        .iter()
        .filter(|month| mine(month.level, &month.region))
        .collect();
    let supply: Vec<&GapCell> = report
        .cells
        .iter()
        .filter(|cell| mine(cell.level, &cell.region))
        .collect();
    let value = json!({
        "provenance": report.provenance,
        "method": report.method,
        "region": region,
        "months": months,
        "supply": supply,
    });
    Ok(Json(with_snapshot(value, &report.provenance.snapshot_id)))
}

/// A drill-down query.
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct DrillQuery {
    /// The row: a skill id or a facet path.
    pub skill: String,
    /// The region (`level:code` or a code).
    pub region: String,
    /// `supply` (credential ids) or `demand` (demand record ids).
    pub side: String,
    /// Supply scope.
    pub scope: Option<String>,
    /// Validity instant (RFC 3339).
    pub as_of: Option<String>,
    /// Demand months, `YYYY-MM..YYYY-MM`.
    pub months: Option<String>,
    /// Page, from 0.
    pub page: Option<usize>,
    /// Ids per page (1–100, default 50).
    pub page_size: Option<usize>,
}

/// The sources behind one cell (`rank::analytics::DrillPage`): credential ids behind a
/// supply figure, demand record ids behind a demand figure, never an earner key. A
/// suppressed cell answers `"suppressed": true` with no ids and no total.
#[utoipa::path(get, path = "/api/v1/analytics/drill", tag = "analytics",
    security(("api_key" = [])),
    params(DrillQuery),
    responses((status = 200, description = "`DrillPage` + `snapshot`", body = Object),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn drill(
    State(state): State<AppState>,
    BoardKey(_): BoardKey,
    Params(query): Params<DrillQuery>,
) -> ApiResult<Json<Value>> {
    let skill = parse_rows(&state, Some(&query.skill))?
        .pop()
        .ok_or_else(|| invalid("skill: a skill id or a facet path"))?;
    let side = match query.side.as_str() {
        "supply" => DrillSide::Supply,
        "demand" => DrillSide::Demand,
        other => return Err(invalid(format!("side {other:?}: supply or demand"))),
    };
    let request = DrillRequest {
        skill,
        region: parse_region(&state, Some(&query.region))?,
        side,
        scope: parse_scope(query.scope.as_deref())?,
        as_of: parse_as_of(query.as_of.as_deref(), ErrorCode::InvalidParameter)?,
        months: parse_months(query.months.as_deref())?,
        page: query.page.unwrap_or(0),
        page_size: query.page_size.unwrap_or(50),
    };
    let snapshot = state.snapshot()?;
    let worker = state.clone();
    let page = state
        .run_blocking(move || {
            rank::analytics::drill_down(&snapshot, &worker.inner.hierarchy, &request)
                .map_err(|error| rank_error(error, ErrorCode::InvalidParameter))
        })
        .await??;
    let snapshot = page.provenance.snapshot_id.clone();
    let value = serde_json::to_value(&page).map_err(ApiError::internal)?;
    Ok(Json(with_snapshot(value, &snapshot)))
}

/// A map query.
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct GeoJsonQuery {
    /// `cd`, `er` or `board`.
    pub level: String,
    /// The row: a skill id or a facet path.
    pub skill: String,
    /// `supply` (default), `demand_postings`, `demand_vacancies`, `gap` or
    /// `vacancies_per_holder`.
    pub measure: Option<String>,
    /// Supply scope.
    pub scope: Option<String>,
    /// Validity instant (RFC 3339).
    pub as_of: Option<String>,
    /// Demand months, `YYYY-MM..YYYY-MM`.
    pub months: Option<String>,
}

const MEASURES: [&str; 5] = [
    "supply",
    "demand_postings",
    "demand_vacancies",
    "gap",
    "vacancies_per_holder",
];

/// A cell's value for a measure; `None` when it is withheld or undefined.
fn measure_of(cell: &GapCell, measure: &str) -> Option<f64> {
    match measure {
        "supply" => cell.supply.earners.map(|earners| earners as f64),
        "demand_postings" => Some(cell.demand_postings as f64),
        "demand_vacancies" => Some(cell.demand_vacancies as f64),
        "gap" => cell.gap.map(|gap| gap as f64),
        _ => cell.vacancies_per_holder,
    }
}

/// The regions of a level as GeoJSON with one skill row's values, for maps: every feature's
/// `properties` gain `code`, `value` (null when suppressed or undefined), `suppressed`
/// (the supply cell is withheld: 1–4 earners or complementary), `supply_earners`,
/// `demand_vacancies` and `gap`; the collection carries `snapshot`, `provenance`, `skill`,
/// `measure` and `level`.
#[utoipa::path(get, path = "/api/v1/analytics/geojson", tag = "analytics",
    security(("api_key" = [])),
    params(GeoJsonQuery),
    responses((status = 200, content_type = "application/geo+json", body = Object),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn geojson(
    State(state): State<AppState>,
    BoardKey(_): BoardKey,
    Params(query): Params<GeoJsonQuery>,
) -> ApiResult<Response> {
    let (level, file_level, property) = match query.level.as_str() {
        "cd" => (Level::Cd, taxonomy::RegionLevel::CensusDivision, "cduid"),
        "er" => (Level::Er, taxonomy::RegionLevel::EconomicRegion, "eruid"),
        "board" => (Level::Board, taxonomy::RegionLevel::PlanningArea, "wpb_id"),
        other => return Err(invalid(format!("level {other:?}: cd, er or board"))),
    };
    let measure = query.measure.clone().unwrap_or_else(|| "supply".to_owned());
    if !MEASURES.contains(&measure.as_str()) {
        return Err(invalid(format!(
            "measure {measure:?}: one of {}",
            MEASURES.join(", ")
        )));
    }
    let skill = parse_rows(&state, Some(&query.skill))?
        .pop()
        .ok_or_else(|| invalid("skill: a skill id or a facet path"))?;
    let scope = parse_scope(query.scope.as_deref())?;
    let as_of = parse_as_of(query.as_of.as_deref(), ErrorCode::InvalidParameter)?;
    let months = parse_months(query.months.as_deref())?;
    let path = state
        .inner
        .taxonomy
        .geojson_path(file_level)
        .ok_or_else(|| ApiError::internal(format_args!("no GeoJSON file for {level:?}")))?;
    let snapshot = state.snapshot()?;
    let key = format!(
        "geojson\u{0}{}\u{0}{}\u{0}{}\u{0}{measure}\u{0}{}\u{0}{as_of}\u{0}{months:?}",
        snapshot.id().as_str(),
        level.code(),
        skill.key(),
        scope.code()
    );
    let value = match state.cached(&key) {
        Some(found) => found,
        None => {
            let worker = state.clone();
            let measure = measure.clone();
            let value = state
                .run_blocking(move || -> ApiResult<Value> {
                    let hierarchy = &worker.inner.hierarchy;
                    // The province report holds ERs and boards; CDs come from each ER's.
                    let parents: Vec<Region> = if level == Level::Cd {
                        hierarchy
                            .codes(Level::Er)
                            .map(|code| Region {
                                level: Level::Er,
                                code: code.to_owned(),
                            })
                            .collect()
                    } else {
                        vec![Region::province()]
                    };
                    let mut cells: HashMap<String, GapCell> = HashMap::new();
                    let mut provenance = None;
                    for parent in parents {
                        let request = GapRequest {
                            skills: vec![skill.clone()],
                            region: Some(parent),
                            scope,
                            as_of,
                            months: months.clone(),
                        };
                        let report = rank::analytics::gap_report(&snapshot, hierarchy, &request)
                            .map_err(|error| rank_error(error, ErrorCode::InvalidParameter))?;
                        for cell in report.cells {
                            if cell.level == level {
                                cells.insert(cell.region.clone(), cell);
                            }
                        }
                        provenance = Some(report.provenance);
                    }
                    let bytes = std::fs::read(&path).map_err(|error| {
                        ApiError::internal(format_args!("{}: {error}", path.display()))
                    })?;
                    let mut document: Value =
                        serde_json::from_slice(&bytes).map_err(ApiError::internal)?;
                    if let Some(features) =
                        document.get_mut("features").and_then(Value::as_array_mut)
                    {
                        for feature in features {
                            let Some(properties) =
                                feature.get_mut("properties").and_then(Value::as_object_mut)
                            else {
                                continue;
                            };
                            let code = properties
                                .get(property)
                                .and_then(Value::as_str)
                                .unwrap_or_default()
                                .to_owned();
                            let cell = cells.get(&code);
                            let suppressed = cell.is_some_and(|cell| cell.supply.suppressed);
                            properties.insert("code".to_owned(), json!(code));
                            properties.insert(
                                "value".to_owned(),
                                json!(cell.and_then(|cell| measure_of(cell, &measure))),
                            );
                            properties.insert("suppressed".to_owned(), json!(suppressed));
                            properties.insert(
                                "supply_earners".to_owned(),
                                json!(cell.and_then(|cell| cell.supply.earners)),
                            );
                            properties.insert(
                                "demand_vacancies".to_owned(),
                                json!(cell.map(|cell| cell.demand_vacancies)),
                            );
                            properties
                                .insert("gap".to_owned(), json!(cell.and_then(|cell| cell.gap)));
                        }
                    }
                    if let Value::Object(members) = &mut document {
                        members.insert("snapshot".to_owned(), json!(snapshot.id().as_str()));
                        members.insert("provenance".to_owned(), json!(provenance));
                        members.insert("skill".to_owned(), json!(skill.key()));
                        members.insert("measure".to_owned(), json!(measure));
                        members.insert("level".to_owned(), json!(level));
                    }
                    Ok(document)
                })
                .await??;
            let value = Arc::new(value);
            state.remember(key, Arc::clone(&value));
            value
        }
    };
    let mut response = Json(value.as_ref().clone()).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/geo+json"),
    );
    Ok(response)
}

/// An institution demand query.
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct InstitutionQuery {
    /// Demand months, `YYYY-MM..YYYY-MM`.
    pub months: Option<String>,
    /// The level demand is broken down by (`cd`, `er` default, `board`, `province`).
    pub level: Option<String>,
    /// Validity instant (RFC 3339).
    pub as_of: Option<String>,
}

/// Demand for the skills of an issuer's own credentials (`rank::analytics::InstitutionReport`):
/// per achievement, its verified holders (suppressed when 1–4), the skills it certifies,
/// demand for each by region and month, and their supply/demand/gap in the province, its
/// economic regions and board areas. Institution keys bound to the issuer and admins; any
/// other issuer is 404 like an unknown one.
#[utoipa::path(get, path = "/api/v1/institutions/issuers/{issuer}/demand", tag = "institutions",
    security(("api_key" = [])),
    params(("issuer" = String, Path, description = "issuer id (DID or URL), percent-encoded"),
        InstitutionQuery),
    responses((status = 200, description = "`InstitutionReport` + `snapshot`", body = Object),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn institution_demand(
    State(state): State<AppState>,
    caller: Caller,
    PathParam(issuer): PathParam,
    Params(query): Params<InstitutionQuery>,
) -> ApiResult<Json<Value>> {
    caller.require(&[Role::Institution, Role::Admin])?;
    if !caller.may_see_issuer(&issuer) {
        return Err(ApiError::new(
            ErrorCode::UnknownIssuer,
            "no issuer report with this id is visible to this key",
        ));
    }
    let request = InstitutionRequest {
        issuer,
        as_of: parse_as_of(query.as_of.as_deref(), ErrorCode::InvalidParameter)?,
        months: parse_months(query.months.as_deref())?,
        level: parse_level(query.level.as_deref().unwrap_or("er"))?,
    };
    let snapshot = state.snapshot()?;
    let worker = state.clone();
    let report = state
        .run_blocking(move || {
            rank::analytics::institution_report(&snapshot, &worker.inner.hierarchy, &request)
                .map_err(|error| rank_error(error, ErrorCode::InvalidParameter))
        })
        .await??;
    let snapshot = report.provenance.snapshot_id.clone();
    let value = serde_json::to_value(&report).map_err(ApiError::internal)?;
    Ok(Json(with_snapshot(value, &snapshot)))
}

/// The issuer's data-quality report (`rank::analytics::QualityReport`): per credential,
/// defects with the credential id as the link to fix it (no skills, free-text skills only,
/// no description, no achievement id, unstable id, no status list, verification warnings,
/// no location), and the keys its proofs used. Institution keys bound to the issuer and
/// admins; any other issuer is 404 like an unknown one. Reads every indexed credential, so
/// it is cached per snapshot.
#[utoipa::path(get, path = "/api/v1/institutions/issuers/{issuer}/quality", tag = "institutions",
    security(("api_key" = [])),
    params(("issuer" = String, Path, description = "issuer id (DID or URL), percent-encoded")),
    responses((status = 200, description = "`QualityReport` + `snapshot`", body = Object),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub async fn institution_quality(
    State(state): State<AppState>,
    caller: Caller,
    PathParam(issuer): PathParam,
) -> ApiResult<Json<Value>> {
    caller.require(&[Role::Institution, Role::Admin])?;
    if !caller.may_see_issuer(&issuer) {
        return Err(ApiError::new(
            ErrorCode::UnknownIssuer,
            "no issuer report with this id is visible to this key",
        ));
    }
    let snapshot = state.snapshot()?;
    let key = format!("quality\u{0}{}\u{0}{issuer}", snapshot.id().as_str());
    if let Some(found) = state.cached(&key) {
        return Ok(Json(found.as_ref().clone()));
    }
    let report = state
        .run_blocking(move || {
            rank::analytics::quality_report(&snapshot, &issuer)
                .map_err(|error| rank_error(error, ErrorCode::InvalidParameter))
        })
        .await??;
    let snapshot = report.provenance.snapshot_id.clone();
    let value = serde_json::to_value(&report).map_err(ApiError::internal)?;
    let value = Arc::new(with_snapshot(value, &snapshot));
    state.remember(key, Arc::clone(&value));
    Ok(Json(value.as_ref().clone()))
}
