//! Candidate ranking: a job's requirements against the consenting earners of one snapshot,
//! ranked, paginated and explained.
//!
//! **Semantics** (the brute-force oracle of the tests states the same):
//!
//! 1. *Evidence* is a claim (credential × skill) of a consenting earner (`findable_only`),
//!    valid at `as_of`, passing the request's filters (regions, radius, issuers in and out,
//!    kinds, credit, issued since), that matches one of a requirement's expansions
//!    ([`crate::requirements`]).
//! 2. Its *value* for that requirement is `credit × strength`: the partial credit of how
//!    the claimed skill relates to the required one ([`crate::requirements::PARTIAL_CREDIT`])
//!    times the claim's strength ([`crate::explain`]). A claim found through a
//!    `Within` expansion that is the required concept itself counts as exact.
//! 3. Per earner (all their credentials together), each requirement is credited **once**,
//!    by its best evidence.
//! 4. An earner is a candidate when they hold ([`MatchKind::holds`]) every must requirement
//!    through such evidence, hold no must-not requirement through any consenting, valid
//!    credential (whatever the other filters), and score above zero.
//! 5. `score = Σ share_r × credit_r` over must and should requirements, with
//!    `share_r = weight_r / Σ weight`: in [0, 1], and the components add up to it exactly
//!    (it is computed as their sum, in requirement order).
//! 6. Order: score descending, then earner key ascending. Same request, same snapshot,
//!    same list.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use index::{ClaimFilter, ClaimHit, ClaimMatches, GeoRadius, MAX_REQUIREMENTS, Snapshot};
use model::{CredentialKind, RegionSource};
use serde::{Deserialize, Serialize};
use taxonomy::Taxonomy;

use crate::explain::{
    self, AchievementSummary, CredentialEvidence, IssuerSummary, ScoreComponent, VerificationBrief,
};
use crate::requirements::{
    Importance, JobSpecOptions, MatchKind, Requirement, Requirements, Target,
};
use crate::{Error, RANKING_VERSION, Result};

/// At most this many results per page.
pub const MAX_LIMIT: usize = 100;

/// Results are served up to this depth (`offset + limit`), like recruiter search engines'
/// 1,000-result cap: refine the query rather than page further.
pub const MAX_RESULTS: usize = 1_000;

/// The page size when none is asked for.
pub const DEFAULT_LIMIT: usize = 20;

/// The largest search radius.
pub const MAX_RADIUS_KM: f64 = 1_000.0;

/// At most this many values per facet.
pub const MAX_FACET_VALUES: usize = 50;

/// A level of the Ontario region hierarchy.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// Forward sortation area (`N3T`).
    Fsa,
    /// Census division (`3529`).
    #[default]
    CensusDivision,
    /// Economic region (`3550`).
    EconomicRegion,
    /// Workforce planning board area.
    PlanningArea,
    /// The province (`35`).
    Province,
}

impl Level {
    /// The index's level.
    pub fn to_index(self) -> index::RegionLevel {
        match self {
            Level::Fsa => index::RegionLevel::Fsa,
            Level::CensusDivision => index::RegionLevel::CensusDivision,
            Level::EconomicRegion => index::RegionLevel::EconomicRegion,
            Level::PlanningArea => index::RegionLevel::PlanningArea,
            Level::Province => index::RegionLevel::Province,
        }
    }

    fn of_taxonomy(level: taxonomy::RegionLevel) -> Level {
        match level {
            taxonomy::RegionLevel::Fsa => Level::Fsa,
            taxonomy::RegionLevel::CensusDivision => Level::CensusDivision,
            taxonomy::RegionLevel::EconomicRegion => Level::EconomicRegion,
            taxonomy::RegionLevel::PlanningArea => Level::PlanningArea,
            taxonomy::RegionLevel::Province => Level::Province,
        }
    }
}

/// A region named by its code at one level.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct RegionFilter {
    /// The level.
    pub level: Level,
    /// The code at that level (`N3T`, `3529`, `3550`, a board id, `35`).
    pub code: String,
}

/// The centre of a radius search.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Center {
    /// An FSA's centre (from the taxonomy's geography).
    Fsa(String),
    /// A point.
    Point {
        /// Latitude, degrees.
        latitude: f64,
        /// Longitude, degrees.
        longitude: f64,
    },
}

/// Within a distance of a centre.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RadiusFilter {
    /// The centre.
    pub center: Center,
    /// Kilometres, great-circle, inclusive (0 < r ≤ [`MAX_RADIUS_KM`]).
    pub radius_km: f64,
}

impl RadiusFilter {
    pub(crate) fn resolve(&self, taxonomy: &Taxonomy) -> Result<GeoRadius> {
        if !self.radius_km.is_finite() || self.radius_km <= 0.0 || self.radius_km > MAX_RADIUS_KM {
            return Err(Error::InvalidRequest(format!(
                "radius {} km (must be in (0, {MAX_RADIUS_KM}])",
                self.radius_km
            )));
        }
        let (latitude, longitude) = match &self.center {
            Center::Fsa(code) => {
                let fsa = taxonomy.regions().fsa(code).ok_or_else(|| {
                    Error::InvalidRequest(format!("{code:?} is not an Ontario FSA"))
                })?;
                (fsa.point.lat, fsa.point.lon)
            }
            Center::Point {
                latitude,
                longitude,
            } => (*latitude, *longitude),
        };
        if !(latitude.is_finite()
            && longitude.is_finite()
            && (-90.0..=90.0).contains(&latitude)
            && (-180.0..=180.0).contains(&longitude))
        {
            return Err(Error::InvalidRequest(format!(
                "radius centre ({latitude}, {longitude}) is not a point on Earth"
            )));
        }
        Ok(GeoRadius {
            latitude,
            longitude,
            radius_km: self.radius_km,
        })
    }
}

/// Which credentials count as evidence. Empty lists and `None` mean "any".
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct CandidateFilters {
    /// Credentials located in any of these regions (the earner's published FSA, else the
    /// issuer's campus).
    pub regions: Vec<RegionFilter>,
    /// Credentials located within a radius.
    pub radius: Option<RadiusFilter>,
    /// Only these issuers (ids).
    pub issuers: Vec<String>,
    /// Never these issuers (ids).
    pub exclude_issuers: Vec<String>,
    /// Only these credential kinds.
    pub kinds: Vec<CredentialKind>,
    /// Only credit-bearing (true) or non-credit (false) credentials.
    pub credit: Option<bool>,
    /// Only credentials issued at or after this instant (RFC 3339).
    #[serde(
        with = "explain::instant::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub issued_since: Option<i64>,
}

impl CandidateFilters {
    /// The index filter for evidence valid at `as_of`.
    pub(crate) fn claim_filter(
        &self,
        taxonomy: &Taxonomy,
        as_of: i64,
        findable_only: bool,
    ) -> Result<ClaimFilter> {
        Ok(ClaimFilter {
            findable_only,
            issuers: self.issuers.clone(),
            kinds: self.kinds.clone(),
            credit: self.credit,
            regions: self
                .regions
                .iter()
                .map(|region| index::RegionCode {
                    level: region.level.to_index(),
                    code: region.code.clone(),
                })
                .collect(),
            within: self
                .radius
                .as_ref()
                .map(|radius| radius.resolve(taxonomy))
                .transpose()?,
            issued_since: self.issued_since,
            valid_at: Some(as_of),
        })
    }
}

fn default_limit() -> usize {
    DEFAULT_LIMIT
}

/// A candidate search.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CandidateRequest {
    /// What the job asks for.
    pub requirements: Requirements,
    /// Which credentials count.
    #[serde(default)]
    pub filters: CandidateFilters,
    /// The instant validity and recency are judged at (RFC 3339). Ranking never reads the
    /// clock: the caller states it.
    #[serde(with = "explain::instant")]
    pub as_of: i64,
    /// Results to skip.
    #[serde(default)]
    pub offset: usize,
    /// Results to return (1 ≤ limit ≤ [`MAX_LIMIT`], offset + limit ≤ [`MAX_RESULTS`]).
    #[serde(default = "default_limit")]
    pub limit: usize,
    /// The level of the regions facet.
    #[serde(default)]
    pub facet_level: Level,
}

impl CandidateRequest {
    /// A search for a normalised job, judged at `as_of` (seconds since the epoch): its
    /// requirements ([`Requirements::from_job_spec`]), its location as a region filter (or a
    /// radius around it, when the job asks for one), `earned_after` and
    /// `max_credential_age_months` as an issued-since bound, and its issuer filters.
    pub fn from_job_spec(
        spec: &jobspec::JobSpec,
        taxonomy: &Taxonomy,
        as_of: i64,
        options: &JobSpecOptions,
    ) -> Result<CandidateRequest> {
        let requirements = Requirements::from_job_spec(spec, taxonomy, options)?;
        let mut filters = CandidateFilters {
            issuers: spec.issuers.include.clone(),
            exclude_issuers: spec.issuers.exclude.clone(),
            ..CandidateFilters::default()
        };
        if let Some(location) = &spec.location {
            let region = &location.region;
            match (location.radius_km, &region.fsa, region.point) {
                (Some(radius_km), Some(fsa), _) => {
                    filters.radius = Some(RadiusFilter {
                        center: Center::Fsa(fsa.clone()),
                        radius_km,
                    });
                }
                (Some(radius_km), None, Some(point)) => {
                    filters.radius = Some(RadiusFilter {
                        center: Center::Point {
                            latitude: point.lat,
                            longitude: point.lon,
                        },
                        radius_km,
                    });
                }
                _ => filters.regions.push(RegionFilter {
                    level: Level::of_taxonomy(region.level),
                    code: region.code.clone(),
                }),
            }
        }
        let mut since: Option<i64> = None;
        if let Some(date) = &spec.earned_after {
            let instant =
                explain::parse_rfc3339(&format!("{date}T00:00:00Z")).ok_or_else(|| {
                    Error::InvalidRequest(format!("earned_after {date:?} is not a date"))
                })?;
            since = Some(instant);
        }
        if let Some(months) = spec.max_credential_age_months {
            // A month is a twelfth of a Julian year.
            let bound = as_of - (f64::from(months) * 2_629_800.0) as i64;
            since = Some(since.map_or(bound, |since| since.max(bound)));
        }
        filters.issued_since = since;
        Ok(CandidateRequest {
            requirements,
            filters,
            as_of,
            offset: 0,
            limit: DEFAULT_LIMIT,
            facet_level: Level::default(),
        })
    }
}

/// One page of ranked candidates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CandidatePage {
    /// The index snapshot searched.
    pub snapshot: String,
    /// Versions of the taxonomies the requirements were resolved with.
    pub taxonomy_versions: BTreeMap<String, String>,
    /// The ranking function's version ([`RANKING_VERSION`]).
    pub ranking_version: String,
    /// The instant validity and recency were judged at (RFC 3339).
    pub as_of: String,
    /// The requirements as searched, with their expansions.
    pub requirements: Vec<Requirement>,
    /// Inputs that resolved to no concept.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unresolved: Vec<String>,
    /// Derived skills left out at the requirement cap.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub truncated: Vec<String>,
    /// Candidates in all (not only on this page).
    pub total: usize,
    /// Results skipped.
    pub offset: usize,
    /// Page size asked for.
    pub limit: usize,
    /// How deep results can be paged ([`MAX_RESULTS`]).
    pub max_results: usize,
    /// Earners with evidence who are not candidates, by reason.
    pub excluded: ExclusionCounts,
    /// The page.
    pub hits: Vec<CandidateHit>,
    /// Facet counts.
    pub facets: Facets,
}

/// Earners with evidence for the requirements who were left out, and why.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ExclusionCounts {
    /// Lacking at least one must requirement.
    pub missing_must: usize,
    /// Holding a must-not requirement (counted only when no must was missing).
    pub holding_must_not: usize,
}

/// One ranked candidate, explained.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CandidateHit {
    /// Position in the full ranking, from 1.
    pub rank: usize,
    /// The earner key (a DID or an issuer-scoped hash: never contact data).
    pub earner: String,
    /// The score in [0, 1]: the sum of `components`.
    pub score: f64,
    /// One addend per must and should requirement, in requirement order.
    pub components: Vec<ScoreComponent>,
    /// Must and should requirements with evidence, with every credential evidencing each.
    pub matched: Vec<MatchedRequirement>,
    /// Should requirements without evidence.
    pub missing: Vec<MissingRequirement>,
    /// Must-not requirements (the candidate holds none of them).
    pub not_held: Vec<MissingRequirement>,
    /// FSAs the earner published, from their evidencing credentials.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub locations: Vec<String>,
    /// Distance of the nearest evidencing credential from the radius centre, km.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub distance_km: Option<f64>,
    /// What verification established for the evidencing credentials.
    pub verification: VerificationOverview,
}

/// A requirement a candidate meets.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MatchedRequirement {
    /// The requirement id.
    pub requirement: String,
    /// Its label.
    pub label: String,
    /// Must or should.
    pub importance: Importance,
    /// How the best evidence relates to the required concept.
    pub match_kind: MatchKind,
    /// The best evidence's value (the component's credit).
    pub credit: f64,
    /// Every credential evidencing it (its best claim each), best first.
    pub evidence: Vec<CredentialEvidence>,
}

/// A requirement without evidence (or, for must-not, not held).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MissingRequirement {
    /// The requirement id.
    pub requirement: String,
    /// Its label.
    pub label: String,
    /// Its importance.
    pub importance: Importance,
}

/// The verification of a candidate's evidence, in brief.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VerificationOverview {
    /// Distinct credentials evidencing the matched requirements.
    pub credentials: usize,
    /// Distinct issuers among them.
    pub issuers: usize,
    /// Their formats.
    pub formats: Vec<model::Format>,
    /// True: every one was verified (signature, key bound to the issuer, validity, status);
    /// nothing else is indexed.
    pub all_verified: bool,
    /// Earliest verification instant (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub earliest_verified_at: Option<String>,
    /// Latest verification instant (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latest_verified_at: Option<String>,
}

/// Facet counts: distinct consenting earners, under the request's filters, with evidence
/// that holds ([`MatchKind::holds`]) at least one must or should requirement: the pool the
/// ranking draws from, before must and must-not are applied.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Facets {
    /// The level of the regions facet.
    pub level: Level,
    /// Per skill id claimed.
    pub skills: Vec<FacetValue>,
    /// Per region code at `level`.
    pub regions: Vec<FacetValue>,
    /// Per issuer id.
    pub issuers: Vec<FacetValue>,
    /// Per credential kind.
    pub kinds: Vec<FacetValue>,
    /// True when the requirements had more than the index's 64 holding expansions per
    /// query and the facets count the first 64 only.
    pub partial: bool,
}

/// One facet value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FacetValue {
    /// The value (id or code).
    pub value: String,
    /// Its label, when it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// Distinct earners.
    pub earners: u64,
}

/// The claims matching a list of targets, searched in chunks of the index's
/// [`MAX_REQUIREMENTS`]: bit `b` of a hit of chunk `c` is target `c.first + b`.
pub(crate) struct Chunk {
    pub(crate) first: usize,
    pub(crate) matches: ClaimMatches,
}

pub(crate) fn match_targets(
    snapshot: &Snapshot,
    targets: &[Target],
    filter: &ClaimFilter,
) -> Result<Vec<Chunk>> {
    let mut chunks = Vec::new();
    for (position, slice) in targets.chunks(MAX_REQUIREMENTS).enumerate() {
        let requirements: Vec<index::SkillRequirement> =
            slice.iter().map(Target::to_index).collect();
        chunks.push(Chunk {
            first: position * MAX_REQUIREMENTS,
            matches: snapshot.match_claims(&requirements, filter)?,
        });
    }
    Ok(chunks)
}

/// The bits set in a mask, lowest first.
pub(crate) fn bits(mut mask: u64) -> impl Iterator<Item = usize> {
    std::iter::from_fn(move || {
        if mask == 0 {
            return None;
        }
        let bit = mask.trailing_zeros() as usize;
        mask &= mask - 1;
        Some(bit)
    })
}

/// The range of a chunk's hits belonging to one earner (hits are sorted by earner hash).
pub(crate) fn earner_range(hits: &[ClaimHit], earner: u64) -> std::ops::Range<usize> {
    let start = hits.partition_point(|hit| hit.earner < earner);
    let end = hits.partition_point(|hit| hit.earner <= earner);
    start..end
}

/// Where a claim was found: chunk and position in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct HitRef {
    chunk: u32,
    hit: u32,
}

/// A claim's value for one requirement.
#[derive(Debug, Clone, Copy)]
struct Valued {
    value: f64,
    kind: MatchKind,
    credit: f64,
    strength: f64,
    /// The expansion of the requirement it matched.
    expansion: usize,
}

/// The unique targets of a set of requirements and, for each, the (requirement, expansion)
/// pairs it serves.
struct TargetTable {
    targets: Vec<Target>,
    serves: Vec<Vec<(usize, usize)>>,
}

impl TargetTable {
    fn new<'a>(
        requirements: impl Iterator<Item = (usize, &'a Requirement)>,
        keep: impl Fn(MatchKind) -> bool,
    ) -> TargetTable {
        let mut positions: BTreeMap<Target, usize> = BTreeMap::new();
        let mut table = TargetTable {
            targets: Vec::new(),
            serves: Vec::new(),
        };
        for (position, requirement) in requirements {
            for (expansion_position, expansion) in requirement.expansions.iter().enumerate() {
                if !keep(expansion.kind) {
                    continue;
                }
                let slot = *positions
                    .entry(expansion.target.clone())
                    .or_insert_with(|| {
                        table.targets.push(expansion.target.clone());
                        table.serves.push(Vec::new());
                        table.targets.len() - 1
                    });
                table.serves[slot].push((position, expansion_position));
            }
        }
        table
    }
}

/// The value of a claim for one expansion of a requirement.
fn value_of(
    requirement: &Requirement,
    expansion_position: usize,
    skill_id: &str,
    strength: f64,
) -> Option<Valued> {
    let expansion = requirement.expansions.get(expansion_position)?;
    let (kind, credit) =
        if matches!(expansion.target, Target::Within(_)) && skill_id == expansion.concept {
            (MatchKind::Exact, MatchKind::Exact.credit())
        } else {
            (expansion.kind, expansion.credit)
        };
    Some(Valued {
        value: credit * strength,
        kind,
        credit,
        strength,
        expansion: expansion_position,
    })
}

/// Per earner: the best evidence of each scored requirement, and which it holds.
#[derive(Debug, Clone)]
struct EarnerState {
    best: Vec<Option<(Valued, HitRef)>>,
    holds: u64,
    first: HitRef,
}

/// The scored requirements (must and should) with their weight shares.
struct Scored<'a> {
    requirements: Vec<&'a Requirement>,
    shares: Vec<f64>,
}

fn validate(request: &CandidateRequest) -> Result<()> {
    if request.limit == 0 || request.limit > MAX_LIMIT {
        return Err(Error::InvalidRequest(format!(
            "limit {} (must be 1 to {MAX_LIMIT})",
            request.limit
        )));
    }
    if request.offset.saturating_add(request.limit) > MAX_RESULTS {
        return Err(Error::InvalidRequest(format!(
            "offset {} + limit {} goes past result {MAX_RESULTS}, the deepest served; narrow the search instead",
            request.offset, request.limit
        )));
    }
    let items = &request.requirements.items;
    if items.len() > crate::requirements::MAX_REQUIREMENTS {
        return Err(Error::InvalidRequest(format!(
            "{} requirements (at most {})",
            items.len(),
            crate::requirements::MAX_REQUIREMENTS
        )));
    }
    for requirement in items {
        if !requirement.weight.is_finite() || requirement.weight < 0.0 {
            return Err(Error::InvalidRequest(format!(
                "requirement {} has weight {}",
                requirement.id, requirement.weight
            )));
        }
        for expansion in &requirement.expansions {
            if !(expansion.credit > 0.0 && expansion.credit <= 1.0) {
                return Err(Error::InvalidRequest(format!(
                    "requirement {} has an expansion with credit {}",
                    requirement.id, expansion.credit
                )));
            }
        }
    }
    Ok(())
}

fn scored(requirements: &Requirements) -> Result<Scored<'_>> {
    let scored: Vec<&Requirement> = requirements.scored().collect();
    if scored.is_empty() {
        return Err(Error::InvalidRequest(
            "no must or should requirement: nothing to rank by".to_owned(),
        ));
    }
    let total: f64 = scored.iter().map(|requirement| requirement.weight).sum();
    if total <= 0.0 {
        return Err(Error::InvalidRequest(
            "the must and should requirements weigh nothing".to_owned(),
        ));
    }
    Ok(Scored {
        shares: scored
            .iter()
            .map(|requirement| requirement.weight / total)
            .collect(),
        requirements: scored,
    })
}

/// Ranks the consenting earners of `snapshot` for `request`. See the module documentation
/// for the exact semantics.
pub fn rank_candidates(
    snapshot: &Snapshot,
    taxonomy: &Taxonomy,
    request: &CandidateRequest,
) -> Result<CandidatePage> {
    validate(request)?;
    let scored = scored(&request.requirements)?;
    let as_of = request.as_of;
    let filter = request.filters.claim_filter(taxonomy, as_of, true)?;
    let excluded_issuers: HashSet<&str> = request
        .filters
        .exclude_issuers
        .iter()
        .map(String::as_str)
        .collect();

    // 1. Evidence for every must and should requirement, best per earner.
    let table = TargetTable::new(scored.requirements.iter().copied().enumerate(), |_| true);
    let chunks = match_targets(snapshot, &table.targets, &filter)?;
    let must: u64 = scored
        .requirements
        .iter()
        .enumerate()
        .filter(|(_, requirement)| requirement.importance == Importance::Must)
        .fold(0, |mask, (position, _)| mask | (1 << position));
    let mut earners: HashMap<u64, EarnerState> = HashMap::new();
    let mut seen_issuers: BTreeSet<&str> = BTreeSet::new();
    for (chunk_position, chunk) in chunks.iter().enumerate() {
        let matches = &chunk.matches;
        for (hit_position, hit) in matches.hits.iter().enumerate() {
            let issuer = matches.issuer_ids[hit.issuer as usize].as_str();
            if excluded_issuers.contains(issuer) {
                continue;
            }
            seen_issuers.insert(issuer);
            let skill_id = matches.skill_ids[hit.skill as usize].as_str();
            let strength = explain::strength(hit.method, hit.confidence, hit.issued_at, as_of);
            let here = HitRef {
                chunk: chunk_position as u32,
                hit: hit_position as u32,
            };
            let state = earners.entry(hit.earner).or_insert_with(|| EarnerState {
                best: vec![None; scored.requirements.len()],
                holds: 0,
                first: here,
            });
            for bit in bits(hit.requirements) {
                for &(position, expansion) in &table.serves[chunk.first + bit] {
                    let Some(valued) =
                        value_of(scored.requirements[position], expansion, skill_id, strength)
                    else {
                        continue;
                    };
                    if valued.kind.holds() {
                        state.holds |= 1 << position;
                    }
                    let better = match &state.best[position] {
                        None => true,
                        Some((kept, _)) => valued.value > kept.value,
                    };
                    if better {
                        state.best[position] = Some((valued, here));
                    }
                }
            }
        }
    }

    // 2. Must-not: any consenting, valid evidence of holding one excludes.
    let must_not: Vec<(usize, &Requirement)> = request
        .requirements
        .items
        .iter()
        .filter(|requirement| requirement.importance == Importance::MustNot)
        .enumerate()
        .collect();
    let mut holding_must_not: HashSet<u64> = HashSet::new();
    if !must_not.is_empty() {
        let table = TargetTable::new(must_not.iter().copied(), MatchKind::holds);
        let person_filter = ClaimFilter {
            findable_only: true,
            valid_at: Some(as_of),
            ..ClaimFilter::default()
        };
        for chunk in match_targets(snapshot, &table.targets, &person_filter)? {
            holding_must_not.extend(chunk.matches.hits.iter().map(|hit| hit.earner));
        }
    }

    // 3. Candidates and their scores.
    let mut excluded = ExclusionCounts::default();
    let mut ranked: Vec<(f64, u64)> = Vec::new();
    for (&earner, state) in &earners {
        if state.holds & must != must {
            excluded.missing_must += 1;
            continue;
        }
        if holding_must_not.contains(&earner) {
            excluded.holding_must_not += 1;
            continue;
        }
        let score = score_of(state, &scored);
        if score > 0.0 {
            ranked.push((score, earner));
        }
    }
    ranked.sort_unstable_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    let total = ranked.len();

    // 4. The page, ties at its edges ordered by earner key.
    let start = request.offset.min(total);
    let end = (request.offset + request.limit).min(total);
    let mut keys: HashMap<u64, String> = HashMap::new();
    if start < end {
        let (high, low) = (ranked[start].0, ranked[end - 1].0);
        let first = ranked.partition_point(|(score, _)| *score > high);
        let last = ranked.partition_point(|(score, _)| *score >= low);
        let representatives: Vec<ClaimHit> = ranked[first..last]
            .iter()
            .map(|(_, earner)| {
                let at = earners[earner].first;
                chunks[at.chunk as usize].matches.hits[at.hit as usize]
            })
            .collect();
        for ((_, earner), found) in ranked[first..last]
            .iter()
            .zip(snapshot.claim_keys(&representatives)?)
        {
            keys.insert(*earner, found.earner);
        }
        ranked[first..last].sort_by(|a, b| {
            b.0.total_cmp(&a.0)
                .then_with(|| keys[&a.1].cmp(&keys[&b.1]))
        });
    }
    let mut hits = Vec::with_capacity(end - start);
    let mut records: HashMap<String, Option<index::IndexedCredential>> = HashMap::new();
    for (position, (score, earner)) in ranked[start..end].iter().enumerate() {
        let hit = explain_candidate(
            snapshot,
            taxonomy,
            request,
            &scored,
            &chunks,
            &table,
            &excluded_issuers,
            &mut records,
            Candidate {
                rank: start + position + 1,
                earner: *earner,
                key: keys.get(earner).cloned().unwrap_or_default(),
                score: *score,
                state: &earners[earner],
            },
        )?;
        hits.push(hit);
    }

    // 5. Facets over the pool.
    let facets = facets(
        snapshot,
        taxonomy,
        request,
        &scored,
        &filter,
        &excluded_issuers,
        &seen_issuers,
    )?;

    Ok(CandidatePage {
        snapshot: snapshot.id().to_string(),
        taxonomy_versions: taxonomy_versions(),
        ranking_version: RANKING_VERSION.to_owned(),
        as_of: explain::rfc3339(as_of),
        requirements: request.requirements.items.clone(),
        unresolved: request.requirements.unresolved.clone(),
        truncated: request.requirements.truncated.clone(),
        total,
        offset: request.offset,
        limit: request.limit,
        max_results: MAX_RESULTS,
        excluded,
        hits,
        facets,
    })
}

/// The versions of the bundled taxonomies, as every response names them.
pub fn taxonomy_versions() -> BTreeMap<String, String> {
    taxonomy::DATA_VERSIONS
        .iter()
        .map(|(scheme, version)| ((*scheme).to_owned(), (*version).to_owned()))
        .collect()
}

fn score_of(state: &EarnerState, scored: &Scored<'_>) -> f64 {
    components(state, scored).iter().map(|c| c.value).sum()
}

fn components(state: &EarnerState, scored: &Scored<'_>) -> Vec<ScoreComponent> {
    scored
        .requirements
        .iter()
        .zip(&scored.shares)
        .zip(&state.best)
        .map(|((requirement, share), best)| {
            let credit = best.map_or(0.0, |(valued, _)| valued.value);
            ScoreComponent {
                requirement: requirement.id.clone(),
                importance: requirement.importance,
                share: *share,
                credit,
                value: share * credit,
            }
        })
        .collect()
}

struct Candidate<'a> {
    rank: usize,
    earner: u64,
    key: String,
    score: f64,
    state: &'a EarnerState,
}

// The explanation needs the whole ranking context; a struct for it would only rename these.
#[allow(clippy::too_many_arguments)]
fn explain_candidate(
    snapshot: &Snapshot,
    taxonomy: &Taxonomy,
    request: &CandidateRequest,
    scored: &Scored<'_>,
    chunks: &[Chunk],
    table: &TargetTable,
    excluded_issuers: &HashSet<&str>,
    records: &mut HashMap<String, Option<index::IndexedCredential>>,
    candidate: Candidate<'_>,
) -> Result<CandidateHit> {
    // Every credential's best claim per requirement.
    let mut per_requirement: Vec<BTreeMap<u64, (Valued, HitRef)>> =
        vec![BTreeMap::new(); scored.requirements.len()];
    let mut distance_km: Option<f64> = None;
    for (chunk_position, chunk) in chunks.iter().enumerate() {
        let matches = &chunk.matches;
        for hit_position in earner_range(&matches.hits, candidate.earner) {
            let hit = &matches.hits[hit_position];
            if excluded_issuers.contains(matches.issuer_ids[hit.issuer as usize].as_str()) {
                continue;
            }
            let skill_id = matches.skill_ids[hit.skill as usize].as_str();
            let strength =
                explain::strength(hit.method, hit.confidence, hit.issued_at, request.as_of);
            let here = HitRef {
                chunk: chunk_position as u32,
                hit: hit_position as u32,
            };
            for bit in bits(hit.requirements) {
                for &(position, expansion) in &table.serves[chunk.first + bit] {
                    let Some(valued) =
                        value_of(scored.requirements[position], expansion, skill_id, strength)
                    else {
                        continue;
                    };
                    if let Some(distance) = hit.distance_km {
                        distance_km = Some(distance_km.map_or(distance, |d: f64| d.min(distance)));
                    }
                    let slot = per_requirement[position].entry(hit.credential);
                    match slot {
                        std::collections::btree_map::Entry::Vacant(vacant) => {
                            vacant.insert((valued, here));
                        }
                        std::collections::btree_map::Entry::Occupied(mut occupied) => {
                            if valued.value > occupied.get().0.value {
                                occupied.insert((valued, here));
                            }
                        }
                    }
                }
            }
        }
    }
    // Keys and stored records of the evidencing claims.
    let refs: Vec<HitRef> = per_requirement
        .iter()
        .flat_map(|by_credential| by_credential.values().map(|(_, at)| *at))
        .collect();
    let claims: Vec<ClaimHit> = refs
        .iter()
        .map(|at| chunks[at.chunk as usize].matches.hits[at.hit as usize])
        .collect();
    let keys = snapshot.claim_keys(&claims)?;
    let mut key_of: HashMap<(u32, u32), String> = HashMap::new();
    let mut earner_key = candidate.key;
    for (at, found) in refs.iter().zip(keys) {
        if earner_key.is_empty() {
            earner_key = found.earner.clone();
        }
        if !records.contains_key(&found.credential_id) {
            let record = snapshot.credential(&found.credential_id)?;
            records.insert(found.credential_id.clone(), record);
        }
        key_of.insert((at.chunk, at.hit), found.credential_id);
    }

    let mut matched = Vec::new();
    let mut missing = Vec::new();
    let mut credentials: BTreeSet<String> = BTreeSet::new();
    let mut issuers: BTreeSet<String> = BTreeSet::new();
    let mut formats: BTreeSet<String> = BTreeSet::new();
    let mut format_values: Vec<model::Format> = Vec::new();
    let mut verified_at: Vec<String> = Vec::new();
    let mut locations: BTreeSet<String> = BTreeSet::new();
    for (position, requirement) in scored.requirements.iter().enumerate() {
        let Some((best, _)) = candidate.state.best[position] else {
            missing.push(MissingRequirement {
                requirement: requirement.id.clone(),
                label: requirement.label.clone(),
                importance: requirement.importance,
            });
            continue;
        };
        let mut evidence = Vec::new();
        for (valued, at) in per_requirement[position].values() {
            let Some(credential_id) = key_of.get(&(at.chunk, at.hit)) else {
                continue;
            };
            let Some(Some(indexed)) = records.get(credential_id) else {
                continue;
            };
            let chunk = &chunks[at.chunk as usize].matches;
            let hit = &chunk.hits[at.hit as usize];
            let skill_id = chunk.skill_ids[hit.skill as usize].clone();
            let record = &indexed.record;
            let claim = record.skills.iter().find(|skill| skill.id == skill_id);
            let skill_label = claim
                .map(|skill| skill.label.clone())
                .or_else(|| {
                    taxonomy
                        .by_id(&skill_id)
                        .and_then(|index| taxonomy.concept(index))
                        .map(|concept| concept.label.clone())
                })
                .unwrap_or_else(|| skill_id.clone());
            let expansion = &requirement.expansions[valued.expansion];
            evidence.push(CredentialEvidence {
                credential_id: credential_id.clone(),
                issuer: IssuerSummary {
                    id: record.issuer.id.clone(),
                    name: record.issuer.name.clone(),
                    domain: record.issuer.domain.clone(),
                },
                achievement: AchievementSummary {
                    id: record.achievement.id.clone(),
                    name: record.achievement.name.clone(),
                    kind: record.achievement.kind,
                    credit: record.achievement.credit,
                },
                skill: skill_id,
                skill_label,
                match_kind: valued.kind,
                required_skill: expansion.concept.clone(),
                method: hit.method,
                confidence: hit.confidence,
                span: claim.and_then(|skill| skill.span.clone()),
                issued_at: record.issued_at.map(explain::rfc3339),
                valid_until: record.valid_until.map(explain::rfc3339),
                credit: valued.credit,
                strength: valued.strength,
                value: valued.value,
                verification: VerificationBrief::of(&indexed.verification),
            });
        }
        evidence.sort_by(|a, b| {
            b.value
                .total_cmp(&a.value)
                .then_with(|| a.credential_id.cmp(&b.credential_id))
        });
        matched.push(MatchedRequirement {
            requirement: requirement.id.clone(),
            label: requirement.label.clone(),
            importance: requirement.importance,
            match_kind: best.kind,
            credit: best.value,
            evidence,
        });
    }
    for requirement in &matched {
        for evidence in &requirement.evidence {
            credentials.insert(evidence.credential_id.clone());
            issuers.insert(evidence.issuer.id.clone());
            if formats.insert(format!("{:?}", evidence.verification.format)) {
                format_values.push(evidence.verification.format);
            }
            verified_at.push(evidence.verification.verified_at.clone());
            if let Some(Some(indexed)) = records.get(&evidence.credential_id)
                && let Some(region) = &indexed.record.region
                && region.source == RegionSource::Earner
                && let Some(fsa) = &region.fsa
            {
                locations.insert(fsa.clone());
            }
        }
    }
    verified_at.sort_unstable();
    let not_held = request
        .requirements
        .items
        .iter()
        .filter(|requirement| requirement.importance == Importance::MustNot)
        .map(|requirement| MissingRequirement {
            requirement: requirement.id.clone(),
            label: requirement.label.clone(),
            importance: requirement.importance,
        })
        .collect();
    Ok(CandidateHit {
        rank: candidate.rank,
        earner: earner_key,
        score: candidate.score,
        components: components(candidate.state, scored),
        matched,
        missing,
        not_held,
        locations: locations.into_iter().collect(),
        distance_km,
        verification: VerificationOverview {
            credentials: credentials.len(),
            issuers: issuers.len(),
            formats: format_values,
            all_verified: true,
            earliest_verified_at: verified_at.first().cloned(),
            latest_verified_at: verified_at.last().cloned(),
        },
    })
}

fn facets(
    snapshot: &Snapshot,
    taxonomy: &Taxonomy,
    request: &CandidateRequest,
    scored: &Scored<'_>,
    filter: &ClaimFilter,
    excluded_issuers: &HashSet<&str>,
    seen_issuers: &BTreeSet<&str>,
) -> Result<Facets> {
    let table = TargetTable::new(
        scored.requirements.iter().copied().enumerate(),
        MatchKind::holds,
    );
    let partial = table.targets.len() > MAX_REQUIREMENTS;
    let targets: Vec<index::SkillRequirement> = table
        .targets
        .iter()
        .take(MAX_REQUIREMENTS)
        .map(Target::to_index)
        .collect();
    let mut filter = filter.clone();
    if !excluded_issuers.is_empty() {
        // The index filters issuers in, not out: list every issuer the search met, less the
        // excluded ones (any issuer with a holding claim was met).
        filter.issuers = if request.filters.issuers.is_empty() {
            seen_issuers
                .iter()
                .map(|issuer| (*issuer).to_owned())
                .collect()
        } else {
            request
                .filters
                .issuers
                .iter()
                .filter(|issuer| !excluded_issuers.contains(issuer.as_str()))
                .cloned()
                .collect()
        };
        if filter.issuers.is_empty() {
            return Ok(Facets {
                level: request.facet_level,
                partial,
                ..Facets::default()
            });
        }
    }
    let counts = snapshot.facet_counts(&targets, &filter, request.facet_level.to_index())?;
    let values = |counts: Vec<index::FacetCount>, label: &dyn Fn(&str) -> Option<String>| {
        counts
            .into_iter()
            .take(MAX_FACET_VALUES)
            .map(|count| FacetValue {
                label: label(&count.value),
                value: count.value,
                earners: count.earners,
            })
            .collect::<Vec<_>>()
    };
    let skill_label = |id: &str| {
        taxonomy
            .by_id(id)
            .and_then(|index| taxonomy.concept(index))
            .map(|concept| concept.label.clone())
    };
    let regions = taxonomy.regions();
    let level = request.facet_level;
    let region_label = |code: &str| match level {
        Level::Fsa => regions.fsa(code).map(|fsa| fsa.place.clone()),
        Level::CensusDivision => regions.census_division(code).map(|cd| cd.name.clone()),
        Level::EconomicRegion => regions.economic_region(code).map(|er| er.name.clone()),
        Level::PlanningArea => regions
            .planning_area(code)
            .map(|area| area.board_name.clone()),
        Level::Province => Some("Ontario".to_owned()),
    };
    let none = |_: &str| None;
    Ok(Facets {
        level,
        skills: values(counts.skills, &skill_label),
        regions: values(counts.regions, &region_label),
        issuers: values(counts.issuers, &none),
        kinds: values(counts.kinds, &none),
        partial,
    })
}
