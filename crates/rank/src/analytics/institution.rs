//! The institution view: for an issuer, the demand for what its achievements certify, the
//! regional gaps of those skills, and a data-quality report on its published credentials.

use std::collections::{BTreeMap, BTreeSet};

use index::{ClaimFilter, DemandRequest, SkillGrouping, SkillRequirement, Snapshot};
use model::{CheckKind, CheckResult, SkillMethod};
use serde::{Deserialize, Serialize};

use super::gap::{DemandMonth, GapCell, GapRequest, MAX_GAP_ROWS, check_months, gap_report};
use super::suppress::{SupplyCount, is_small};
use super::{CreditScope, Level, Provenance, RegionHierarchy, SkillRow};
use crate::{Error, Result};

/// At most this many achievements in one institution report (the rest are counted).
pub const MAX_ACHIEVEMENTS: usize = 100;

/// At most this many defects listed in a quality report (all are counted).
pub const MAX_DEFECTS: usize = 10_000;

/// An institution view request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InstitutionRequest {
    /// The issuer id (DID or URL) as indexed.
    pub issuer: String,
    /// Validity instant, seconds since the epoch.
    pub as_of: i64,
    /// Demand months, inclusive (`YYYY-MM`).
    #[serde(default)]
    pub months: Option<(String, String)>,
    /// The level demand is broken down by.
    pub level: Level,
}

/// Demand for one skill an achievement certifies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SkillDemand {
    /// The skill id.
    pub skill: String,
    /// Demand per region and month.
    pub demand: Vec<DemandMonth>,
}

/// One achievement of the issuer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AchievementDemand {
    /// The achievement id (`None` for credentials whose achievement has none).
    pub achievement_id: Option<String>,
    /// Its name, from one of its credentials.
    pub name: String,
    /// Distinct verified holders (suppressed when 1–4).
    pub holders: SupplyCount,
    /// The skills it certifies (at most [`MAX_GAP_ROWS`], sorted).
    pub skills: Vec<String>,
    /// True when it certifies more skills than are shown.
    pub skills_truncated: bool,
    /// Demand for each skill by region and month.
    pub demand: Vec<SkillDemand>,
    /// The skills' supply, demand and gap in the province, its economic regions and board
    /// areas (suppression as everywhere).
    pub gaps: Vec<GapCell>,
}

/// The institution view.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InstitutionReport {
    /// Snapshot, taxonomy versions, ranking version.
    pub provenance: Provenance,
    /// How the gap is computed.
    pub method: String,
    /// The request answered.
    pub request: InstitutionRequest,
    /// Achievements with verified holders, by id.
    pub achievements: Vec<AchievementDemand>,
    /// Achievements not shown (beyond [`MAX_ACHIEVEMENTS`]).
    pub achievements_not_shown: usize,
}

/// The institution view of one issuer.
pub fn institution_report(
    snapshot: &Snapshot,
    hierarchy: &RegionHierarchy,
    request: &InstitutionRequest,
) -> Result<InstitutionReport> {
    if request.issuer.trim().is_empty() {
        return Err(Error::InvalidRequest("an empty issuer id".to_owned()));
    }
    check_months(request.months.as_ref())?;
    let matches = snapshot.match_claims(
        &[],
        &ClaimFilter {
            issuers: vec![request.issuer.clone()],
            valid_at: Some(request.as_of),
            ..ClaimFilter::default()
        },
    )?;
    struct Group {
        skills: BTreeSet<u32>,
        earners: BTreeSet<u64>,
        sample: index::ClaimHit,
    }
    let mut groups: BTreeMap<Option<u32>, Group> = BTreeMap::new();
    for hit in &matches.hits {
        let group = groups.entry(hit.achievement).or_insert_with(|| Group {
            skills: BTreeSet::new(),
            earners: BTreeSet::new(),
            sample: *hit,
        });
        group.skills.insert(hit.skill);
        group.earners.insert(hit.earner);
    }
    let achievements_not_shown = groups.len().saturating_sub(MAX_ACHIEVEMENTS);
    let mut achievements = Vec::new();
    for (achievement, group) in groups.into_iter().take(MAX_ACHIEVEMENTS) {
        let mut skills: Vec<String> = group
            .skills
            .iter()
            .map(|skill| matches.skill_ids[*skill as usize].clone())
            .collect();
        skills.sort();
        let skills_truncated = skills.len() > MAX_GAP_ROWS;
        skills.truncate(MAX_GAP_ROWS);
        let credential_id = snapshot
            .claim_keys(std::slice::from_ref(&group.sample))?
            .into_iter()
            .next()
            .map(|keys| keys.credential_id);
        let name = match credential_id {
            Some(id) => snapshot
                .credential(&id)?
                .map(|credential| credential.record.achievement.name)
                .unwrap_or_default(),
            None => String::new(),
        };
        let holders = group.earners.len() as u64;
        let holders = if is_small(holders) {
            SupplyCount::withheld()
        } else {
            SupplyCount::released(holders)
        };
        let requirements: Vec<SkillRequirement> = skills
            .iter()
            .map(|skill| SkillRequirement::Skill(skill.clone()))
            .collect();
        let mut demand_by_skill: BTreeMap<String, Vec<DemandMonth>> = skills
            .iter()
            .map(|skill| (skill.clone(), Vec::new()))
            .collect();
        for cell in snapshot.demand_totals(&DemandRequest {
            skills: requirements,
            grouping: Some(SkillGrouping::Requirement),
            level: Some(request.level.index_level()),
            regions: Vec::new(),
            kinds: Vec::new(),
            months: request.months.clone(),
        })? {
            let Some(region) = cell.region else { continue };
            demand_by_skill
                .entry(cell.skill.clone())
                .or_default()
                .push(DemandMonth {
                    skill: cell.skill,
                    level: request.level,
                    region,
                    month: cell.month,
                    postings: cell.postings,
                    vacancies: cell.vacancies,
                });
        }
        let gaps = gap_report(
            snapshot,
            hierarchy,
            &GapRequest {
                skills: skills.iter().cloned().map(SkillRow::Skill).collect(),
                region: None,
                scope: CreditScope::All,
                as_of: request.as_of,
                months: request.months.clone(),
            },
        )?
        .cells;
        achievements.push(AchievementDemand {
            achievement_id: achievement
                .map(|position| matches.achievement_ids[position as usize].clone()),
            name,
            holders,
            skills,
            skills_truncated,
            demand: demand_by_skill
                .into_iter()
                .map(|(skill, demand)| SkillDemand { skill, demand })
                .collect(),
            gaps,
        });
    }
    Ok(InstitutionReport {
        provenance: Provenance::of(snapshot),
        method: super::GAP_METHOD.to_owned(),
        request: request.clone(),
        achievements,
        achievements_not_shown,
    })
}

/// A kind of data-quality defect in an issuer's published credentials.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DefectKind {
    /// No skill could be attached: no alignment and no recognisable skill in the text.
    NoSkills,
    /// Skills were found only in free text (or reached from it), none in a signed alignment.
    FreeTextSkillsOnly,
    /// The achievement has no description (what a reader and the text mapping rely on).
    NoDescription,
    /// The achievement has no id, so its credentials cannot be grouped into a program.
    NoAchievementId,
    /// The credential has no id of its own (indexed under the hash of its bytes, which changes
    /// with any re-issue).
    UnstableCredentialId,
    /// No status list: the issuer cannot revoke it.
    NoStatusList,
    /// Verification passed with warnings (detail lists them).
    VerificationWarning,
    /// No location, so it counts in no regional cell.
    NoLocation,
}

/// One defect of one credential.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Defect {
    /// What is wrong.
    pub kind: DefectKind,
    /// The credential (the link to fix it).
    pub credential_id: String,
    /// Specifics, when there are any.
    pub detail: Option<String>,
}

/// An issuer's data-quality report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QualityReport {
    /// Snapshot, taxonomy versions, ranking version.
    pub provenance: Provenance,
    /// The issuer.
    pub issuer: String,
    /// Its indexed credentials.
    pub credentials: u64,
    /// Defects per kind.
    pub counts: BTreeMap<DefectKind, u64>,
    /// The defects, by credential id (at most [`MAX_DEFECTS`]).
    pub defects: Vec<Defect>,
    /// Verification methods (keys) its proofs used, with how many credentials each: every one
    /// was bound to the issuer, or the credential would not be indexed.
    pub keys: BTreeMap<String, u64>,
    /// What the index does not record and this report therefore cannot judge.
    pub not_recorded: Vec<String>,
}

/// What the index keeps nothing of.
const NOT_RECORDED: [&str; 2] = [
    "evidence: the index keeps no evidence of a credential",
    "criteria: the index keeps no achievement criteria",
];

/// The data-quality report of one issuer. Reads every indexed credential (a scan: this is
/// an occasional report, not a per-request query).
pub fn quality_report(snapshot: &Snapshot, issuer: &str) -> Result<QualityReport> {
    if issuer.trim().is_empty() {
        return Err(Error::InvalidRequest("an empty issuer id".to_owned()));
    }
    let mut counts: BTreeMap<DefectKind, u64> = BTreeMap::new();
    let mut defects = Vec::new();
    let mut keys: BTreeMap<String, u64> = BTreeMap::new();
    let mut credentials = 0;
    for id in snapshot.credential_ids()? {
        let Some(indexed) = snapshot.credential(&id)? else {
            continue;
        };
        if indexed.record.issuer.id != issuer {
            continue;
        }
        credentials += 1;
        let record = &indexed.record;
        let mut found: Vec<(DefectKind, Option<String>)> = Vec::new();
        if record.skills.is_empty() {
            found.push((DefectKind::NoSkills, None));
        } else if !record
            .skills
            .iter()
            .any(|skill| skill.method == SkillMethod::Alignment)
        {
            found.push((DefectKind::FreeTextSkillsOnly, None));
        }
        if record
            .achievement
            .description
            .as_deref()
            .is_none_or(|text| text.trim().is_empty())
        {
            found.push((DefectKind::NoDescription, None));
        }
        if record.achievement.id.is_none() {
            found.push((DefectKind::NoAchievementId, None));
        }
        if record.credential_id.starts_with("sha256:") {
            found.push((DefectKind::UnstableCredentialId, None));
        }
        let checks = &indexed.verification.checks;
        if !checks
            .iter()
            .any(|check| check.check == CheckKind::Status && check.result == CheckResult::Pass)
        {
            found.push((DefectKind::NoStatusList, None));
        }
        let warnings: Vec<&str> = checks
            .iter()
            .filter(|check| check.result == CheckResult::Warn)
            .map(|check| check.detail.as_str())
            .collect();
        if !warnings.is_empty() {
            found.push((DefectKind::VerificationWarning, Some(warnings.join("; "))));
        }
        if record.region.is_none() {
            found.push((DefectKind::NoLocation, None));
        }
        let methods: BTreeSet<&str> = indexed
            .verification
            .proofs
            .iter()
            .filter_map(|proof| proof.verification_method.as_deref())
            .collect();
        for method in methods {
            *keys.entry(method.to_owned()).or_default() += 1;
        }
        for (kind, detail) in found {
            *counts.entry(kind).or_default() += 1;
            if defects.len() < MAX_DEFECTS {
                defects.push(Defect {
                    kind,
                    credential_id: id.clone(),
                    detail,
                });
            }
        }
    }
    Ok(QualityReport {
        provenance: Provenance::of(snapshot),
        issuer: issuer.to_owned(),
        credentials,
        counts,
        defects,
        keys,
        not_recorded: NOT_RECORDED.iter().map(|text| (*text).to_owned()).collect(),
    })
}
