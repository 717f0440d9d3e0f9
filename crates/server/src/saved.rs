//! Saved candidate searches: stored per API key under `DATA_DIR/saved-searches/` (one JSON
//! file per key, replaced atomically: written, fsynced, renamed, directory fsynced), at most
//! [`MAX_SAVED_PER_KEY`] per key. Running one compares the ranking with the previous run's
//! and reports new, changed and removed results, and the credentials behind the previous
//! results that have left the index since (revoked, or otherwise withdrawn: the index keeps
//! no per-credential reason).

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write as _;
use std::path::{Path, PathBuf};

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest as _, Sha256};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::Caller;
use crate::body::JsonBody;
use crate::error::{ApiError, ApiResult, ErrorBody, ErrorCode};
use crate::extract::{EmployerKey, PathParam};
use crate::search::{CandidateSearch, parse_as_of, run_search};
use crate::state::AppState;

/// Saved searches kept per API key.
pub const MAX_SAVED_PER_KEY: usize = 50;

/// Longest name of a saved search (characters).
pub const MAX_NAME_CHARS: usize = 200;

/// Adds this module's routes.
pub(crate) fn register(router: OpenApiRouter<AppState>) -> OpenApiRouter<AppState> {
    router
        .routes(routes!(create_saved_search, list_saved_searches))
        .routes(routes!(run_saved_search))
}

/// One result as a run saw it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SeenResult {
    /// The earner key.
    pub earner: String,
    /// Rank, from 1.
    pub rank: usize,
    /// Score.
    pub score: f64,
    /// Credentials evidencing the matched requirements.
    pub credentials: Vec<String>,
}

/// The last run of a saved search.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct LastRun {
    /// The snapshot it ran on.
    pub snapshot: String,
    /// When it ran (RFC 3339).
    pub ran_at: String,
    /// Its results (the requested page).
    pub results: Vec<SeenResult>,
}

/// A saved search as stored and listed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SavedSearch {
    /// Its id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// When it was saved (RFC 3339).
    pub created_at: String,
    /// The search.
    pub search: CandidateSearch,
    /// The last run.
    pub last_run: LastRun,
}

/// A search to save.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewSavedSearch {
    /// A name for people.
    pub name: String,
    /// The search, as `POST /search/candidates` takes it.
    pub search: CandidateSearch,
}

/// The saved searches of a key.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SavedSearches {
    /// Oldest first.
    pub searches: Vec<SavedSearch>,
    /// How many a key may keep.
    pub max_per_key: usize,
}

/// A result that changed rank or score.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ChangedResult {
    /// The earner key.
    pub earner: String,
    /// Rank before.
    pub previous_rank: usize,
    /// Rank now.
    pub rank: usize,
    /// Score before.
    pub previous_score: f64,
    /// Score now.
    pub score: f64,
}

/// A credential behind a previous result that is no longer in the index.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RevokedCredential {
    /// The earner it evidenced.
    pub earner: String,
    /// The credential id.
    pub credential_id: String,
}

/// What changed since the previous run.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SavedSearchRun {
    /// The saved search.
    pub id: String,
    /// The snapshot this run read.
    pub snapshot: String,
    /// The snapshot of the previous run.
    pub previous_snapshot: String,
    /// Results now that were not there before.
    pub new: Vec<SeenResult>,
    /// Results whose rank or score changed.
    pub changed: Vec<ChangedResult>,
    /// Previous results that are gone from the page.
    pub removed: Vec<SeenResult>,
    /// Credentials behind previous results that left the index since (revoked, expired or
    /// withdrawn by the issuer or the earner).
    pub revoked: Vec<RevokedCredential>,
    /// The page now (`rank::CandidatePage`).
    #[schema(value_type = Object)]
    pub page: Value,
}

fn store_path(state: &AppState, caller: &Caller) -> ApiResult<PathBuf> {
    let Caller::Key(entry) = caller else {
        return Err(ApiError::new(
            ErrorCode::Unauthenticated,
            "saved searches belong to an API key",
        ));
    };
    let name = hex::encode(Sha256::digest(entry.id.as_bytes()));
    Ok(state
        .config()
        .data_dir
        .join("saved-searches")
        .join(format!("{name}.json")))
}

fn load(path: &Path) -> ApiResult<Vec<SavedSearch>> {
    match std::fs::read(path) {
        Ok(bytes) => serde_json::from_slice(&bytes)
            .map_err(|error| ApiError::internal(format_args!("{}: {error}", path.display()))),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
        Err(error) => Err(ApiError::internal(format_args!(
            "{}: {error}",
            path.display()
        ))),
    }
}

/// Replaces the file atomically and durably.
fn store(path: &Path, searches: &[SavedSearch]) -> ApiResult<()> {
    let write = || -> std::io::Result<()> {
        let dir = path.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir)?;
        let temporary = path.with_extension("json.tmp");
        let mut file = std::fs::File::create(&temporary)?;
        file.write_all(&serde_json::to_vec_pretty(searches)?)?;
        file.sync_all()?;
        drop(file);
        std::fs::rename(&temporary, path)?;
        std::fs::File::open(dir)?.sync_all()
    };
    write().map_err(|error| ApiError::internal(format_args!("{}: {error}", path.display())))
}

fn now_rfc3339() -> String {
    rank::explain::rfc3339(time::OffsetDateTime::now_utc().unix_timestamp())
}

/// Runs a search and keeps what a later run compares with.
fn run(
    state: &AppState,
    snapshot: &index::Snapshot,
    search: &CandidateSearch,
) -> ApiResult<(LastRun, rank::CandidatePage)> {
    let as_of = parse_as_of(search.as_of.as_deref(), ErrorCode::InvalidBody)?;
    let (_, page) = run_search(state, snapshot, search, as_of)?;
    let results = page
        .hits
        .iter()
        .map(|hit| {
            let credentials: BTreeSet<String> = hit
                .matched
                .iter()
                .flat_map(|matched| &matched.evidence)
                .map(|evidence| evidence.credential_id.clone())
                .collect();
            SeenResult {
                earner: hit.earner.clone(),
                rank: hit.rank,
                score: hit.score,
                credentials: credentials.into_iter().collect(),
            }
        })
        .collect();
    Ok((
        LastRun {
            snapshot: snapshot.id().as_str().to_owned(),
            ran_at: now_rfc3339(),
            results,
        },
        page,
    ))
}

/// Saves a candidate search for this key and runs it once: the first run is what the next
/// `POST /saved-searches/{id}/run` compares with. At most 50 per key (409
/// `too_many_saved_searches`).
#[utoipa::path(post, path = "/api/v1/saved-searches", tag = "employers",
    security(("api_key" = [])),
    request_body = NewSavedSearch,
    responses((status = 201, body = SavedSearch), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_saved_search(
    State(state): State<AppState>,
    EmployerKey(caller): EmployerKey,
    JsonBody(new): JsonBody<NewSavedSearch>,
) -> ApiResult<(StatusCode, Json<SavedSearch>)> {
    let name = new.name.trim().to_owned();
    if name.is_empty() || name.chars().count() > MAX_NAME_CHARS {
        return Err(ApiError::new(
            ErrorCode::InvalidBody,
            format!("name: 1 to {MAX_NAME_CHARS} characters"),
        ));
    }
    let path = store_path(&state, &caller)?;
    let snapshot = state.snapshot()?;
    let mut random = [0u8; 12];
    getrandom::fill(&mut random).map_err(|error| ApiError::internal(error.to_string()))?;
    let id = hex::encode(random);
    let worker = state.clone();
    let saved = state
        .run_blocking(move || -> ApiResult<SavedSearch> {
            let _serialised = worker
                .inner
                .saved_searches
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            let mut searches = load(&path)?;
            if searches.len() >= MAX_SAVED_PER_KEY {
                return Err(ApiError::new(
                    ErrorCode::TooManySavedSearches,
                    format!(
                        "this key keeps {MAX_SAVED_PER_KEY} saved searches already; delete one first"
                    ),
                ));
            }
            let (last_run, _) = run(&worker, &snapshot, &new.search)?;
            let saved = SavedSearch {
                id,
                name,
                created_at: now_rfc3339(),
                search: new.search,
                last_run,
            };
            searches.push(saved.clone());
            store(&path, &searches)?;
            Ok(saved)
        })
        .await??;
    Ok((StatusCode::CREATED, Json(saved)))
}

/// The saved searches of this key, oldest first.
#[utoipa::path(get, path = "/api/v1/saved-searches", tag = "employers",
    security(("api_key" = [])),
    responses((status = 200, body = SavedSearches), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody)))]
pub async fn list_saved_searches(
    State(state): State<AppState>,
    EmployerKey(caller): EmployerKey,
) -> ApiResult<Json<SavedSearches>> {
    let path = store_path(&state, &caller)?;
    let worker = state.clone();
    let searches = state
        .run_blocking(move || {
            let _serialised = worker
                .inner
                .saved_searches
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            load(&path)
        })
        .await??;
    Ok(Json(SavedSearches {
        searches,
        max_per_key: MAX_SAVED_PER_KEY,
    }))
}

/// New, changed, removed results and revoked credentials.
type Changes = (
    Vec<SeenResult>,
    Vec<ChangedResult>,
    Vec<SeenResult>,
    Vec<RevokedCredential>,
);

fn compare(snapshot: &index::Snapshot, previous: &LastRun, now: &LastRun) -> ApiResult<Changes> {
    let before: BTreeMap<&str, &SeenResult> = previous
        .results
        .iter()
        .map(|result| (result.earner.as_str(), result))
        .collect();
    let after: BTreeMap<&str, &SeenResult> = now
        .results
        .iter()
        .map(|result| (result.earner.as_str(), result))
        .collect();
    let mut new = Vec::new();
    let mut changed = Vec::new();
    for result in &now.results {
        match before.get(result.earner.as_str()) {
            None => new.push(result.clone()),
            Some(old) => {
                if old.rank != result.rank || (old.score - result.score).abs() > 1e-12 {
                    changed.push(ChangedResult {
                        earner: result.earner.clone(),
                        previous_rank: old.rank,
                        rank: result.rank,
                        previous_score: old.score,
                        score: result.score,
                    });
                }
            }
        }
    }
    let removed: Vec<SeenResult> = previous
        .results
        .iter()
        .filter(|result| !after.contains_key(result.earner.as_str()))
        .cloned()
        .collect();
    let mut revoked = Vec::new();
    for result in &previous.results {
        for credential in &result.credentials {
            if snapshot.credential(credential)?.is_none() {
                revoked.push(RevokedCredential {
                    earner: result.earner.clone(),
                    credential_id: credential.clone(),
                });
            }
        }
    }
    Ok((new, changed, removed, revoked))
}

/// Runs a saved search on the current snapshot and reports what changed since its last
/// run: `new` results, `changed` ones (rank or score), `removed` ones, and `revoked`: the
/// credentials behind previous results that have left the index since (revocation reaches
/// the index at the writer's next commit). This run becomes the next baseline.
#[utoipa::path(post, path = "/api/v1/saved-searches/{id}/run", tag = "employers",
    security(("api_key" = [])),
    params(("id" = String, Path, description = "the saved search id")),
    responses((status = 200, body = SavedSearchRun), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn run_saved_search(
    State(state): State<AppState>,
    EmployerKey(caller): EmployerKey,
    PathParam(id): PathParam,
) -> ApiResult<Json<SavedSearchRun>> {
    let path = store_path(&state, &caller)?;
    let snapshot = state.snapshot()?;
    let worker = state.clone();
    let report = state
        .run_blocking(move || -> ApiResult<SavedSearchRun> {
            let _serialised = worker
                .inner
                .saved_searches
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            let mut searches = load(&path)?;
            let saved = searches
                .iter_mut()
                .find(|saved| saved.id == id)
                .ok_or_else(|| {
                    ApiError::new(
                        ErrorCode::UnknownSavedSearch,
                        "no saved search of this key has this id",
                    )
                })?;
            let (last_run, page) = run(&worker, &snapshot, &saved.search)?;
            let (new, changed, removed, revoked) = compare(&snapshot, &saved.last_run, &last_run)?;
            let report = SavedSearchRun {
                id: saved.id.clone(),
                snapshot: last_run.snapshot.clone(),
                previous_snapshot: saved.last_run.snapshot.clone(),
                new,
                changed,
                removed,
                revoked,
                page: serde_json::to_value(&page).map_err(ApiError::internal)?,
            };
            saved.last_run = last_run;
            store(&path, &searches)?;
            Ok(report)
        })
        .await??;
    state.inner.surfaced.record_page(&report.page);
    Ok(Json(report))
}
