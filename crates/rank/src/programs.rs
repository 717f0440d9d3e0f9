//! Program ranking: for skills a job or a region lacks, the programs (achievements, grouped
//! by issuer and achievement id) whose **verified holders actually hold those skills**, near
//! a region, with counts of verified holders.
//!
//! **Semantics** (the tests' oracle states the same):
//!
//! 1. The *scope* is every verified credential valid at `as_of` and located in the request's
//!    regions / radius (kinds and credit filters apply too). Programs are aggregates, so
//!    every earner counts here, consenting or not (`findable_only: false`); no person is
//!    ever named.
//! 2. A *candidate program* is an (issuer, achievement id) one of whose in-scope credentials
//!    evidences a target skill (the skill itself, a narrower one or an exact crosswalk
//!    equivalent: [`MatchKind::holds`]). Credentials without an achievement id belong to no
//!    program.
//! 3. Its *holders* are the distinct earners with an in-scope credential of it (a credential
//!    counts when it evidences any skill at all). For each target skill, *holders with the
//!    skill* are those of its holders with in-scope evidence of that skill from **any** of
//!    their credentials: what the alumni verifiably hold, not what the program claims.
//! 4. Privacy: a program with fewer than [`MIN_HOLDERS`] holders is not ranked and shows no
//!    figure (only how many such programs there were); within a ranked program, a skill
//!    held by 1 to 4 of its holders is marked suppressed, not zero, and adds nothing to
//!    the score.
//! 5. `score = Σ share_s × (holders with s / holders)` over the target skills, with
//!    `share_s = weight_s / Σ weight`, suppressed cells counting 0. Order: score
//!    descending, then holders descending, then issuer and achievement ids.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use index::{ClaimFilter, ClaimHit, Snapshot};
use model::{CredentialKind, SkillMethod};
use serde::{Deserialize, Serialize};
use taxonomy::Taxonomy;

use crate::candidates::{
    DEFAULT_LIMIT, MAX_LIMIT, MAX_RESULTS, RadiusFilter, RegionFilter, bits, match_targets,
    taxonomy_versions,
};
use crate::explain::{self, ScoreComponent};
use crate::requirements::{
    Importance, JobSpecOptions, MatchKind, Requirement, RequirementSpec, Requirements, Target,
};
use crate::{Error, RANKING_VERSION, Result};

/// Programs and skill cells with fewer distinct verified holders than this are suppressed.
pub const MIN_HOLDERS: u64 = 5;

/// At most this many target skills.
pub const MAX_TARGET_SKILLS: usize = 32;

fn default_limit() -> usize {
    DEFAULT_LIMIT
}

/// A program search.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProgramRequest {
    /// The skills to close (resolved; only their holding expansions are used). Must-not
    /// entries are refused.
    pub skills: Requirements,
    /// Credentials located in any of these regions.
    #[serde(default)]
    pub regions: Vec<RegionFilter>,
    /// Credentials located within a radius.
    #[serde(default)]
    pub radius: Option<RadiusFilter>,
    /// Only these credential kinds.
    #[serde(default)]
    pub kinds: Vec<CredentialKind>,
    /// Only credit-bearing (true) or non-credit (false) credentials.
    #[serde(default)]
    pub credit: Option<bool>,
    /// The instant validity is judged at (RFC 3339).
    #[serde(with = "explain::instant")]
    pub as_of: i64,
    /// Results to skip.
    #[serde(default)]
    pub offset: usize,
    /// Results to return (1 ≤ limit ≤ 100, offset + limit ≤ 1000).
    #[serde(default = "default_limit")]
    pub limit: usize,
}

impl ProgramRequest {
    /// A search for programs teaching these skills (identifiers in any scheme), each
    /// weighing the same.
    pub fn for_skills(
        skills: &[String],
        taxonomy: &Taxonomy,
        as_of: i64,
    ) -> Result<ProgramRequest> {
        let specs: Vec<RequirementSpec> = skills
            .iter()
            .map(|skill| RequirementSpec {
                importance: Importance::Should,
                skills: vec![skill.clone()],
                weight: None,
                label: None,
            })
            .collect();
        Ok(ProgramRequest {
            skills: Requirements::build(&specs, taxonomy)?,
            regions: Vec::new(),
            radius: None,
            kinds: Vec::new(),
            credit: None,
            as_of,
            offset: 0,
            limit: DEFAULT_LIMIT,
        })
    }

    /// A search for programs teaching what a candidate lacks: the requirements of a ranked
    /// page a hit has no evidence for, with their weights.
    pub fn for_missing(
        page: &crate::CandidatePage,
        hit: &crate::CandidateHit,
        as_of: i64,
    ) -> ProgramRequest {
        let missing: BTreeSet<&str> = hit
            .missing
            .iter()
            .map(|missing| missing.requirement.as_str())
            .collect();
        ProgramRequest {
            skills: Requirements {
                items: page
                    .requirements
                    .iter()
                    .filter(|requirement| missing.contains(requirement.id.as_str()))
                    .cloned()
                    .collect(),
                unresolved: Vec::new(),
                truncated: Vec::new(),
            },
            regions: Vec::new(),
            radius: None,
            kinds: Vec::new(),
            credit: None,
            as_of,
            offset: 0,
            limit: DEFAULT_LIMIT,
        }
    }

    /// A search for programs teaching a job's skills (every must and should requirement).
    pub fn for_job(
        spec: &jobspec::JobSpec,
        taxonomy: &Taxonomy,
        as_of: i64,
    ) -> Result<ProgramRequest> {
        let mut skills = Requirements::from_job_spec(spec, taxonomy, &JobSpecOptions::default())?;
        skills
            .items
            .retain(|requirement| requirement.importance != Importance::MustNot);
        Ok(ProgramRequest {
            skills,
            regions: Vec::new(),
            radius: None,
            kinds: Vec::new(),
            credit: None,
            as_of,
            offset: 0,
            limit: DEFAULT_LIMIT,
        })
    }
}

/// A count that may be suppressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Count {
    /// The exact count (0, or at least [`MIN_HOLDERS`]).
    Exact(u64),
    /// 1 to 4: not released.
    Suppressed,
}

impl Count {
    fn of(count: u64) -> Count {
        if count == 0 || count >= MIN_HOLDERS {
            Count::Exact(count)
        } else {
            Count::Suppressed
        }
    }
}

/// One page of ranked programs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProgramPage {
    /// The index snapshot searched.
    pub snapshot: String,
    /// Versions of the taxonomies.
    pub taxonomy_versions: BTreeMap<String, String>,
    /// The ranking function's version.
    pub ranking_version: String,
    /// The instant validity was judged at (RFC 3339).
    pub as_of: String,
    /// The target skills as searched.
    pub skills: Vec<Requirement>,
    /// Programs ranked (with at least [`MIN_HOLDERS`] holders in scope).
    pub total: usize,
    /// Results skipped.
    pub offset: usize,
    /// Page size asked for.
    pub limit: usize,
    /// Programs evidencing a target skill that have 1 to 4 holders in scope: not ranked,
    /// not named, no figures released.
    pub suppressed_programs: usize,
    /// How small counts are treated.
    pub privacy: String,
    /// The page.
    pub programs: Vec<ProgramHit>,
}

/// One ranked program, explained.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProgramHit {
    /// Position in the full ranking, from 1.
    pub rank: usize,
    /// The issuer id.
    pub issuer: String,
    /// The issuer's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issuer_name: Option<String>,
    /// The achievement id.
    pub achievement: String,
    /// The achievement's name.
    pub name: String,
    /// Its kind.
    pub kind: CredentialKind,
    /// Credit-bearing.
    pub credit: bool,
    /// Distinct verified holders in scope (at least [`MIN_HOLDERS`]).
    pub holders: u64,
    /// The score in [0, 1]: the sum of `components`.
    pub score: f64,
    /// One addend per target skill.
    pub components: Vec<ScoreComponent>,
    /// Per target skill: how many holders verifiably hold it, and whether the program's own
    /// credential evidences it.
    pub skills: Vec<ProgramSkill>,
    /// A credential of the program, to inspect and re-verify.
    pub sample_credential: String,
}

/// One target skill of a ranked program.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProgramSkill {
    /// The target (requirement id).
    pub requirement: String,
    /// Its label.
    pub label: String,
    /// Holders holding it.
    pub holders_with_skill: Count,
    /// `holders_with_skill / holders`, when released.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub share: Option<f64>,
    /// How the program's own credential evidences it, when it does (strongest method).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub taught: Option<Taught>,
}

/// How a program's own credential evidences a skill.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Taught {
    /// How the skill was attached.
    pub method: SkillMethod,
    /// The mapping's best confidence.
    pub confidence: f32,
    /// How the claimed skill relates to the target.
    pub match_kind: MatchKind,
}

/// The privacy note every page carries.
pub const PRIVACY_NOTE: &str = "programs with 1 to 4 verified holders in scope are neither ranked nor named; skill cells with 1 to 4 holders are marked suppressed (not zero) and add nothing to the score";

#[derive(Debug, Default)]
struct ProgramState {
    /// The strongest claim of each target skill among the program's own credentials.
    taught: BTreeMap<usize, (SkillMethod, f32, MatchKind)>,
    sample: Option<ClaimHit>,
}

/// Ranks programs for `request`. See the module documentation for the exact semantics.
pub fn rank_programs(
    snapshot: &Snapshot,
    taxonomy: &Taxonomy,
    request: &ProgramRequest,
) -> Result<ProgramPage> {
    if request.limit == 0 || request.limit > MAX_LIMIT {
        return Err(Error::InvalidRequest(format!(
            "limit {} (must be 1 to {MAX_LIMIT})",
            request.limit
        )));
    }
    if request.offset.saturating_add(request.limit) > MAX_RESULTS {
        return Err(Error::InvalidRequest(format!(
            "offset {} + limit {} goes past result {MAX_RESULTS}",
            request.offset, request.limit
        )));
    }
    let skills = &request.skills.items;
    if skills.is_empty() {
        return Err(Error::InvalidRequest(
            "no skills to find programs for".to_owned(),
        ));
    }
    if skills.len() > MAX_TARGET_SKILLS {
        return Err(Error::InvalidRequest(format!(
            "{} skills (at most {MAX_TARGET_SKILLS})",
            skills.len()
        )));
    }
    if skills
        .iter()
        .any(|skill| skill.importance == Importance::MustNot)
    {
        return Err(Error::InvalidRequest(
            "a must-not entry among the skills to close".to_owned(),
        ));
    }
    if skills
        .iter()
        .any(|skill| !skill.weight.is_finite() || skill.weight < 0.0)
    {
        return Err(Error::InvalidRequest(
            "a skill weight is not a finite, non-negative number".to_owned(),
        ));
    }
    let total_weight: f64 = skills.iter().map(|skill| skill.weight).sum();
    if total_weight <= 0.0 {
        return Err(Error::InvalidRequest("the skills weigh nothing".to_owned()));
    }
    let filter = ClaimFilter {
        findable_only: false,
        issuers: Vec::new(),
        kinds: request.kinds.clone(),
        credit: request.credit,
        regions: request
            .regions
            .iter()
            .map(|region| index::RegionCode {
                level: region.level.to_index(),
                code: region.code.clone(),
            })
            .collect(),
        within: request
            .radius
            .as_ref()
            .map(|radius| radius.resolve(taxonomy))
            .transpose()?,
        issued_since: None,
        valid_at: Some(request.as_of),
    };

    // 1. Who holds each target skill, and which programs' credentials evidence one.
    let mut positions: BTreeMap<Target, usize> = BTreeMap::new();
    let mut targets: Vec<Target> = Vec::new();
    let mut serves: Vec<Vec<(usize, usize)>> = Vec::new();
    for (position, skill) in skills.iter().enumerate() {
        for (expansion_position, expansion) in skill.expansions.iter().enumerate() {
            if !expansion.kind.holds() {
                continue;
            }
            let slot = *positions
                .entry(expansion.target.clone())
                .or_insert_with(|| {
                    targets.push(expansion.target.clone());
                    serves.push(Vec::new());
                    targets.len() - 1
                });
            serves[slot].push((position, expansion_position));
        }
    }
    let chunks = match_targets(snapshot, &targets, &filter)?;
    let mut holders_of: Vec<BTreeSet<u64>> = vec![BTreeSet::new(); skills.len()];
    let mut programs: BTreeMap<(String, String), ProgramState> = BTreeMap::new();
    for chunk in &chunks {
        let matches = &chunk.matches;
        for hit in &matches.hits {
            let skill_id = matches.skill_ids[hit.skill as usize].as_str();
            let program = hit.achievement.map(|achievement| {
                (
                    matches.issuer_ids[hit.issuer as usize].clone(),
                    matches.achievement_ids[achievement as usize].clone(),
                )
            });
            for bit in bits(hit.requirements) {
                for &(position, expansion_position) in &serves[chunk.first + bit] {
                    let expansion = &skills[position].expansions[expansion_position];
                    let kind = if matches!(expansion.target, Target::Within(_))
                        && skill_id == expansion.concept
                    {
                        MatchKind::Exact
                    } else {
                        expansion.kind
                    };
                    holders_of[position].insert(hit.earner);
                    if let Some(program) = &program {
                        let state = programs.entry(program.clone()).or_default();
                        if state.sample.is_none() {
                            state.sample = Some(*hit);
                        }
                        let candidate = (hit.method, hit.confidence, kind);
                        let worth = |(method, confidence, kind): (SkillMethod, f32, MatchKind)| {
                            kind.credit() * explain::strength(method, confidence, None, 0)
                        };
                        let better = state
                            .taught
                            .get(&position)
                            .is_none_or(|kept| worth(candidate) > worth(*kept));
                        if better {
                            state.taught.insert(position, candidate);
                        }
                    }
                }
            }
        }
    }

    // 2. Every holder of the candidate programs, from all their issuers' in-scope claims.
    let mut holders: BTreeMap<(String, String), BTreeSet<u64>> = BTreeMap::new();
    if !programs.is_empty() {
        let issuers: BTreeSet<&str> = programs.keys().map(|(issuer, _)| issuer.as_str()).collect();
        let all = ClaimFilter {
            issuers: issuers.into_iter().map(str::to_owned).collect(),
            ..filter.clone()
        };
        let matches = snapshot.match_claims(&[], &all)?;
        for hit in &matches.hits {
            let Some(achievement) = hit.achievement else {
                continue;
            };
            let key = (
                matches.issuer_ids[hit.issuer as usize].clone(),
                matches.achievement_ids[achievement as usize].clone(),
            );
            if programs.contains_key(&key) {
                holders.entry(key).or_default().insert(hit.earner);
            }
        }
    }

    // 3. Scores.
    let shares: Vec<f64> = skills
        .iter()
        .map(|skill| skill.weight / total_weight)
        .collect();
    let mut suppressed_programs = 0;
    let mut ranked: Vec<Ranked> = Vec::new();
    for (key, state) in &programs {
        let Some(program_holders) = holders.get(key) else {
            continue;
        };
        let count = program_holders.len() as u64;
        if count < MIN_HOLDERS {
            suppressed_programs += 1;
            continue;
        }
        let mut components = Vec::with_capacity(skills.len());
        let mut cells = Vec::with_capacity(skills.len());
        for (position, skill) in skills.iter().enumerate() {
            let with_skill = program_holders
                .iter()
                .filter(|earner| holders_of[position].contains(earner))
                .count() as u64;
            let cell = Count::of(with_skill);
            let share_held = match cell {
                Count::Exact(held) => Some(held as f64 / count as f64),
                Count::Suppressed => None,
            };
            let credit = share_held.unwrap_or(0.0);
            components.push(ScoreComponent {
                requirement: skill.id.clone(),
                importance: skill.importance,
                share: shares[position],
                credit,
                value: shares[position] * credit,
            });
            cells.push(ProgramSkill {
                requirement: skill.id.clone(),
                label: skill.label.clone(),
                holders_with_skill: cell,
                share: share_held,
                taught: state
                    .taught
                    .get(&position)
                    .map(|(method, confidence, kind)| Taught {
                        method: *method,
                        confidence: *confidence,
                        match_kind: *kind,
                    }),
            });
        }
        let score = components.iter().map(|component| component.value).sum();
        ranked.push(Ranked {
            key: key.clone(),
            holders: count,
            score,
            components,
            cells,
            sample: state.sample,
        });
    }
    ranked.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then(b.holders.cmp(&a.holders))
            .then_with(|| a.key.cmp(&b.key))
    });
    let total = ranked.len();
    let start = request.offset.min(total);
    let end = (request.offset + request.limit).min(total);

    // 4. Names, from one credential of each program on the page.
    let samples: Vec<ClaimHit> = ranked[start..end]
        .iter()
        .filter_map(|program| program.sample)
        .collect();
    let keys = snapshot.claim_keys(&samples)?;
    let mut sample_ids: HashMap<(String, String), String> = HashMap::new();
    for (program, found) in ranked[start..end]
        .iter()
        .filter(|program| program.sample.is_some())
        .zip(keys)
    {
        sample_ids.insert(program.key.clone(), found.credential_id);
    }
    let mut page = Vec::with_capacity(end - start);
    for (position, program) in ranked.drain(start..end).enumerate() {
        let sample_credential = sample_ids.get(&program.key).cloned().unwrap_or_default();
        let record = if sample_credential.is_empty() {
            None
        } else {
            snapshot.credential(&sample_credential)?
        };
        let (issuer_name, name, kind, credit) = match &record {
            Some(indexed) => (
                indexed.record.issuer.name.clone(),
                indexed.record.achievement.name.clone(),
                indexed.record.achievement.kind,
                indexed.record.achievement.credit,
            ),
            None => (None, program.key.1.clone(), CredentialKind::Other, false),
        };
        page.push(ProgramHit {
            rank: start + position + 1,
            issuer: program.key.0,
            issuer_name,
            achievement: program.key.1,
            name,
            kind,
            credit,
            holders: program.holders,
            score: program.score,
            components: program.components,
            skills: program.cells,
            sample_credential,
        });
    }
    Ok(ProgramPage {
        snapshot: snapshot.id().to_string(),
        taxonomy_versions: taxonomy_versions(),
        ranking_version: RANKING_VERSION.to_owned(),
        as_of: explain::rfc3339(request.as_of),
        skills: skills.clone(),
        total,
        offset: request.offset,
        limit: request.limit,
        suppressed_programs,
        privacy: PRIVACY_NOTE.to_owned(),
        programs: page,
    })
}

struct Ranked {
    key: (String, String),
    holders: u64,
    score: f64,
    components: Vec<ScoreComponent>,
    cells: Vec<ProgramSkill>,
    sample: Option<ClaimHit>,
}
