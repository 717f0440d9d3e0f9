//! Brute-force evaluation of candidate and program ranking over the indexed records,
//! written from the semantics documented in `crates/rank` (candidates.rs, programs.rs) and
//! the index's claim filter (`skillproof_tests::index::passes`), with none of the ranker's
//! machinery: no chunks, no hashes, no tantivy; every record, every claim, every target.

use std::collections::{BTreeMap, BTreeSet};

use index::{ClaimFilter, GeoRadius, RegionCode};
use model::{CredentialRecord, SkillClaim};
use rank::requirements::{Expansion, Target};
use rank::{
    CandidateFilters, CandidateRequest, Center, Count, Importance, MIN_HOLDERS, MatchKind,
    ProgramRequest, Requirement,
};
use skillproof_tests::index::{distinct_skills, passes, within};

use super::support::tax;

/// The claim filter a request's filters describe, built independently of the ranker.
pub(super) fn claim_filter(
    filters: &CandidateFilters,
    as_of: i64,
    findable_only: bool,
) -> ClaimFilter {
    ClaimFilter {
        findable_only,
        issuers: filters.issuers.clone(),
        kinds: filters.kinds.clone(),
        credit: filters.credit,
        regions: filters
            .regions
            .iter()
            .map(|region| RegionCode {
                level: region.level.to_index(),
                code: region.code.clone(),
            })
            .collect(),
        within: filters.radius.as_ref().map(|radius| {
            let (latitude, longitude) = match &radius.center {
                Center::Fsa(code) => {
                    let fsa = tax().regions().fsa(code).expect("a known FSA");
                    (fsa.point.lat, fsa.point.lon)
                }
                Center::Point {
                    latitude,
                    longitude,
                } => (*latitude, *longitude),
            };
            GeoRadius {
                latitude,
                longitude,
                radius_km: radius.radius_km,
            }
        }),
        issued_since: filters.issued_since,
        valid_at: Some(as_of),
    }
}

fn matches(target: &Target, skill: &SkillClaim) -> bool {
    match target {
        Target::Skill(id) => skill.id == *id,
        Target::Within(path) => skill.facets.iter().any(|facet| within(facet, path)),
    }
}

/// A claim's kind and credit for one expansion (a `Within` claim of the concept itself is exact).
fn kind_and_credit(expansion: &Expansion, skill: &SkillClaim) -> (MatchKind, f64) {
    if matches!(expansion.target, Target::Within(_)) && skill.id == expansion.concept {
        (MatchKind::Exact, MatchKind::Exact.credit())
    } else {
        (expansion.kind, expansion.credit)
    }
}

/// The indexed records with their distinct claims, computed once.
pub(super) struct Records<'a> {
    records: Vec<(&'a CredentialRecord, Vec<SkillClaim>)>,
}

impl<'a> Records<'a> {
    pub(super) fn new(records: impl Iterator<Item = &'a CredentialRecord>) -> Records<'a> {
        Records {
            records: records
                .map(|record| (record, distinct_skills(&record.skills)))
                .collect(),
        }
    }

    /// (earner key, score) of every candidate, best first (score, then key).
    pub(super) fn candidates(&self, request: &CandidateRequest) -> Vec<(String, f64)> {
        let filter = claim_filter(&request.filters, request.as_of, true);
        let scored: Vec<&Requirement> = request
            .requirements
            .items
            .iter()
            .filter(|requirement| requirement.importance != Importance::MustNot)
            .collect();
        let total: f64 = scored.iter().map(|requirement| requirement.weight).sum();
        let mut best: BTreeMap<&str, Vec<f64>> = BTreeMap::new();
        let mut holds: BTreeMap<&str, BTreeSet<usize>> = BTreeMap::new();
        for (record, skills) in &self.records {
            if passes(record, &filter).is_none()
                || request.filters.exclude_issuers.contains(&record.issuer.id)
            {
                continue;
            }
            for skill in skills {
                for (position, requirement) in scored.iter().enumerate() {
                    for expansion in &requirement.expansions {
                        if !matches(&expansion.target, skill) {
                            continue;
                        }
                        let (kind, credit) = kind_and_credit(expansion, skill);
                        let value = credit
                            * rank::explain::strength(
                                skill.method,
                                skill.confidence,
                                record.issued_at,
                                request.as_of,
                            );
                        let values = best
                            .entry(&record.earner.key)
                            .or_insert_with(|| vec![0.0; scored.len()]);
                        values[position] = values[position].max(value);
                        if kind.holds() {
                            holds
                                .entry(&record.earner.key)
                                .or_default()
                                .insert(position);
                        }
                    }
                }
            }
        }
        // Must-not: any consenting, valid record holding one, whatever the other filters.
        let person = ClaimFilter {
            findable_only: true,
            valid_at: Some(request.as_of),
            ..ClaimFilter::default()
        };
        let mut excluded: BTreeSet<&str> = BTreeSet::new();
        for (record, skills) in &self.records {
            if passes(record, &person).is_none() {
                continue;
            }
            let holding = request
                .requirements
                .items
                .iter()
                .filter(|requirement| requirement.importance == Importance::MustNot)
                .flat_map(|requirement| &requirement.expansions)
                .any(|expansion| {
                    skills.iter().any(|skill| {
                        matches(&expansion.target, skill)
                            && kind_and_credit(expansion, skill).0.holds()
                    })
                });
            if holding {
                excluded.insert(&record.earner.key);
            }
        }
        let mut out: Vec<(String, f64)> = Vec::new();
        for (earner, values) in best {
            let held = holds.get(earner).cloned().unwrap_or_default();
            let musts_held = scored
                .iter()
                .enumerate()
                .filter(|(_, requirement)| requirement.importance == Importance::Must)
                .all(|(position, _)| held.contains(&position));
            if !musts_held || excluded.contains(earner) {
                continue;
            }
            let score: f64 = scored
                .iter()
                .zip(&values)
                .map(|(requirement, value)| (requirement.weight / total) * value)
                .sum();
            if score > 0.0 {
                out.push((earner.to_owned(), score));
            }
        }
        out.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        out
    }

    /// Ranked programs: ((issuer, achievement), holders, score, per-skill counts), and how many
    /// programs were suppressed.
    pub(super) fn programs(&self, request: &ProgramRequest) -> (Vec<OracleProgram>, usize) {
        let filters = CandidateFilters {
            regions: request.regions.clone(),
            radius: request.radius.clone(),
            kinds: request.kinds.clone(),
            credit: request.credit,
            ..CandidateFilters::default()
        };
        let filter = claim_filter(&filters, request.as_of, false);
        let skills = &request.skills.items;
        let total: f64 = skills.iter().map(|skill| skill.weight).sum();
        let mut holders_of: Vec<BTreeSet<&str>> = vec![BTreeSet::new(); skills.len()];
        let mut candidates: BTreeSet<(String, String)> = BTreeSet::new();
        let mut holders: BTreeMap<(String, String), BTreeSet<&str>> = BTreeMap::new();
        for (record, claims) in &self.records {
            if passes(record, &filter).is_none() {
                continue;
            }
            let program = record
                .achievement
                .id
                .clone()
                .map(|achievement| (record.issuer.id.clone(), achievement));
            if let Some(program) = &program
                && !claims.is_empty()
            {
                holders
                    .entry(program.clone())
                    .or_default()
                    .insert(&record.earner.key);
            }
            for (position, skill) in skills.iter().enumerate() {
                let evidenced = claims.iter().any(|claim| {
                    skill.expansions.iter().any(|expansion| {
                        expansion.kind.holds() && matches(&expansion.target, claim)
                    })
                });
                if evidenced {
                    holders_of[position].insert(&record.earner.key);
                    if let Some(program) = &program {
                        candidates.insert(program.clone());
                    }
                }
            }
        }
        let mut out = Vec::new();
        let mut suppressed = 0;
        for program in candidates {
            let program_holders = &holders[&program];
            let count = program_holders.len() as u64;
            if count < MIN_HOLDERS {
                suppressed += 1;
                continue;
            }
            let mut cells = Vec::new();
            let mut score = 0.0;
            for (position, skill) in skills.iter().enumerate() {
                let held = program_holders
                    .iter()
                    .filter(|earner| holders_of[position].contains(*earner))
                    .count() as u64;
                let cell = if held == 0 || held >= MIN_HOLDERS {
                    Count::Exact(held)
                } else {
                    Count::Suppressed
                };
                let share = match cell {
                    Count::Exact(held) => held as f64 / count as f64,
                    Count::Suppressed => 0.0,
                };
                score += (skill.weight / total) * share;
                cells.push(cell);
            }
            out.push(OracleProgram {
                key: program,
                holders: count,
                score,
                cells,
            });
        }
        out.sort_by(|a, b| {
            b.score
                .total_cmp(&a.score)
                .then(b.holders.cmp(&a.holders))
                .then_with(|| a.key.cmp(&b.key))
        });
        (out, suppressed)
    }
}

/// A ranked program as the oracle sees it.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct OracleProgram {
    pub(super) key: (String, String),
    pub(super) holders: u64,
    pub(super) score: f64,
    pub(super) cells: Vec<Count>,
}
