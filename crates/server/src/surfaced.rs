//! How often each earner was surfaced to employers, and for which of their skills: every
//! candidate page served (search and saved-search runs, cached answers included) counts
//! each hit once, with the skills of the evidence shown. The earner reads their own counts
//! with a presentation they sign, as for withdrawal.
//!
//! Kept in memory since the server started, for at most [`MAX_TRACKED_EARNERS`] earners
//! (least recently surfaced forgotten first) and [`MAX_SKILLS_PER_EARNER`] skills each.

use std::collections::BTreeMap;
use std::num::NonZeroUsize;
use std::sync::{Mutex, PoisonError};

use axum::Json;
use axum::extract::State;
use lru::LruCache;
use serde::Serialize;
use serde_json::Value;
use time::OffsetDateTime;
use utoipa::ToSchema;

use crate::body::JsonBody;
use crate::error::{ApiResult, ErrorBody};
use crate::routes::{ConsentRequest, verified_holder};
use crate::state::AppState;

/// Earners whose counts are kept.
pub const MAX_TRACKED_EARNERS: usize = 100_000;

/// Skills counted per earner.
pub const MAX_SKILLS_PER_EARNER: usize = 200;

#[derive(Debug, Clone, Default)]
struct Counts {
    times: u64,
    skills: BTreeMap<String, (String, u64)>,
}

/// The counts of every tracked earner.
#[derive(Debug)]
pub(crate) struct SurfacedLog {
    since: String,
    earners: Mutex<LruCache<String, Counts>>,
}

impl SurfacedLog {
    pub(crate) fn new() -> SurfacedLog {
        SurfacedLog {
            since: rank::explain::rfc3339(OffsetDateTime::now_utc().unix_timestamp()),
            earners: Mutex::new(LruCache::new(
                NonZeroUsize::new(MAX_TRACKED_EARNERS).unwrap_or(NonZeroUsize::MIN),
            )),
        }
    }

    /// Counts one served page (`rank::CandidatePage` as JSON).
    pub(crate) fn record_page(&self, page: &Value) {
        let mut earners = self.earners.lock().unwrap_or_else(PoisonError::into_inner);
        for hit in page["hits"].as_array().into_iter().flatten() {
            let Some(earner) = hit["earner"].as_str() else {
                continue;
            };
            let mut skills: BTreeMap<&str, &str> = BTreeMap::new();
            for matched in hit["matched"].as_array().into_iter().flatten() {
                for evidence in matched["evidence"].as_array().into_iter().flatten() {
                    if let Some(skill) = evidence["skill"].as_str() {
                        skills.insert(skill, evidence["skill_label"].as_str().unwrap_or(skill));
                    }
                }
            }
            let counts = earners.get_or_insert_mut(earner.to_owned(), Counts::default);
            counts.times += 1;
            for (skill, label) in skills {
                let room = counts.skills.len() < MAX_SKILLS_PER_EARNER;
                match counts.skills.get_mut(skill) {
                    Some((_, times)) => *times += 1,
                    None if room => {
                        counts
                            .skills
                            .insert(skill.to_owned(), (label.to_owned(), 1));
                    }
                    None => {}
                }
            }
        }
    }

    fn report(&self, holder: String) -> Surfaced {
        let counts = self
            .earners
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .peek(&holder)
            .cloned()
            .unwrap_or_default();
        let mut skills: Vec<SurfacedSkill> = counts
            .skills
            .into_iter()
            .map(|(skill, (label, times))| SurfacedSkill {
                skill,
                label,
                times,
            })
            .collect();
        skills.sort_by(|a, b| b.times.cmp(&a.times).then_with(|| a.skill.cmp(&b.skill)));
        Surfaced {
            holder,
            since: self.since.clone(),
            times: counts.times,
            skills,
        }
    }
}

/// One skill an earner was surfaced for.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SurfacedSkill {
    /// The skill id (of the earner's own evidence).
    pub skill: String,
    /// Its label.
    pub label: String,
    /// Pages that showed the earner with evidence of it.
    pub times: u64,
}

/// How often an earner was surfaced.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Surfaced {
    /// The earner (the presentation's holder).
    pub holder: String,
    /// Counting since (RFC 3339): the server's start.
    pub since: String,
    /// Candidate pages served to employers that showed the earner.
    pub times: u64,
    /// For which skills, most often first.
    pub skills: Vec<SurfacedSkill>,
}

/// How often the earner was shown to employers and for which skills, since the server
/// started. The request is a presentation signed by the earner (proof purpose
/// `authentication`) answering a challenge from `POST /consent/challenge` and the
/// configured domain, as for withdrawal; an earner never surfaced reads zero.
#[utoipa::path(post, path = "/api/v1/consent/surfaced", tag = "consent",
    request_body = ConsentRequest,
    responses((status = 200, body = Surfaced), (status = 400, body = ErrorBody),
        (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn consent_surfaced(
    State(state): State<AppState>,
    JsonBody(request): JsonBody<ConsentRequest>,
) -> ApiResult<Json<Surfaced>> {
    let holder = verified_holder(&state, &request, OffsetDateTime::now_utc()).await?;
    Ok(Json(state.inner.surfaced.report(holder)))
}
