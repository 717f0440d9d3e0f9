//! Regional analytics for planning boards and institutions: verified supply, demand and the
//! gap between them per skill row × region, with small cells suppressed.
//!
//! # What is counted
//!
//! - **Supply** is the number of distinct verified earners who hold a skill row (one skill
//!   id, or every skill under a hierarchy path such as `/esco/S/S1`) through a credential
//!   valid at the request's `as_of` instant. Every verified earner counts, not only those who
//!   consented to be found: these are aggregates. Each earner counts in exactly one region
//!   per row (the index's [`RegionAttribution::HomeRegion`]: an earner-published location
//!   before an issuer's, then the latest credential), so that FSA cells add up to their census
//!   division, census divisions to their economic region and board area, and those to the
//!   province. The [`CreditScope`] splits out credit-bearing and non-credit credentials (and
//!   non-credit micro-credentials alone).
//! - **Demand** is the number of distinct demand records (crawled job postings and the job
//!   requirements employers submit) asking for the row, and their vacancies, per region and
//!   month. COPS 2024–2033 projections ([`cops`]) are national context by NOC, never mixed
//!   into the counts.
//! - **Gap**: see [`GAP_METHOD`], written into every response.
//!
//! # Privacy
//!
//! Any released supply cell with 1–4 distinct earners is suppressed and marked
//! `suppressed` (never shown as zero), in JSON and CSV alike, and so are its gap figures.
//! Complementary suppression ([`suppress`]) makes sure that no suppressed value can be
//! recovered by subtraction along any nesting of the region hierarchy, and the pattern is
//! decided per row over all five levels at once, so two responses about the same row and
//! snapshot always agree on which cells are hidden. Drill-down of a suppressed cell is
//! refused, and drill-down lists credential and demand ids only, never an earner.
//!
//! Every response names the index snapshot, the taxonomy data versions and
//! [`RANKING_VERSION`](crate::RANKING_VERSION).

pub mod cops;
mod drill;
mod export;
mod gap;
mod hierarchy;
mod institution;
mod materialise;
pub mod suppress;

use std::collections::BTreeMap;

use index::{ClaimFilter, RegionCode, RegionLevel, SkillRequirement, Snapshot};
use model::CredentialKind;
use serde::{Deserialize, Serialize};

pub use drill::{DrillPage, DrillRequest, DrillSide, MAX_DRILL_PAGE_SIZE, drill_down};
pub use export::{CSV_COLUMNS, gap_report_csv};
pub use gap::{
    DemandMonth, GapCell, GapReport, GapRequest, MAX_GAP_ROWS, OVERVIEW_FACET_DEPTH, gap_report,
};
pub use hierarchy::RegionHierarchy;
pub use institution::{
    AchievementDemand, Defect, DefectKind, InstitutionReport, InstitutionRequest, MAX_ACHIEVEMENTS,
    MAX_DEFECTS, QualityReport, SkillDemand, institution_report, quality_report,
};
pub use materialise::{Overview, OverviewCache, OverviewKey};
pub use suppress::{SUPPRESSION_THRESHOLD, SupplyCount};

/// How the gap is computed, stated in every response and in `crates/rank/ANALYTICS.md`.
pub const GAP_METHOD: &str = "gap = demand_vacancies - supply_earners; \
vacancies_per_holder = demand_vacancies / supply_earners. demand_vacancies: vacancies of the \
distinct job postings and employer requirements asking for the skill row in the region over the \
requested months (each record once); supply_earners: distinct verified earners holding the row \
through a credential valid at as_of, each counted in one home region. A positive gap means more \
advertised vacancies than verified holders in the region; supply is a stock of holders (employed \
or not) and demand a flow of vacancies, so compare regions and skills by the ratio rather than \
reading the gap as a head count of missing workers. Both are absent when the supply cell is \
suppressed (1-4 earners, or hidden so that such a cell cannot be derived).";

/// A level of the Ontario region hierarchy, as responses and exports name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// Forward sortation area (`N3T`).
    Fsa,
    /// Census division (`3529`).
    Cd,
    /// Economic region (`3550`).
    Er,
    /// Workforce planning board area.
    Board,
    /// Ontario (`35`).
    Province,
}

impl Level {
    /// Every level, finest first.
    pub const ALL: [Level; 5] = [
        Level::Fsa,
        Level::Cd,
        Level::Er,
        Level::Board,
        Level::Province,
    ];

    /// The stable snake_case code.
    pub fn code(self) -> &'static str {
        match self {
            Level::Fsa => "fsa",
            Level::Cd => "cd",
            Level::Er => "er",
            Level::Board => "board",
            Level::Province => "province",
        }
    }

    /// The index's name for the level.
    pub fn index_level(self) -> RegionLevel {
        match self {
            Level::Fsa => RegionLevel::Fsa,
            Level::Cd => RegionLevel::CensusDivision,
            Level::Er => RegionLevel::EconomicRegion,
            Level::Board => RegionLevel::PlanningArea,
            Level::Province => RegionLevel::Province,
        }
    }
}

/// A region: a level and a code at that level.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Region {
    /// The level.
    pub level: Level,
    /// The code (`N3T`, `3529`, `3550`, a board id, `35`).
    pub code: String,
}

impl Region {
    /// Ontario.
    pub fn province() -> Region {
        Region {
            level: Level::Province,
            code: index::PROVINCE_CODE.to_owned(),
        }
    }

    /// Reads a region as the CLI and the API take it: `level:code` (`er:3530`, `board:…`), or
    /// a bare code whose level is inferred from the hierarchy: `35` is the province, then FSA,
    /// census division, economic region, board area, in that order (economic region codes that
    /// are also census division codes, such as `3530`, need the `er:` prefix).
    pub fn parse(text: &str, hierarchy: &RegionHierarchy) -> crate::Result<Region> {
        let text = text.trim();
        let invalid = || crate::Error::InvalidRequest(format!("unknown region {text:?}"));
        if text.is_empty() || text.len() > 64 {
            return Err(invalid());
        }
        if let Some((level, code)) = text.split_once(':') {
            let level = Level::ALL
                .into_iter()
                .find(|candidate| candidate.code() == level.trim())
                .ok_or_else(invalid)?;
            let code = code.trim();
            let code = if level == Level::Fsa {
                code.to_ascii_uppercase()
            } else {
                code.to_owned()
            };
            return if hierarchy.contains(level, &code) {
                Ok(Region { level, code })
            } else {
                Err(invalid())
            };
        }
        if text == index::PROVINCE_CODE {
            return Ok(Region::province());
        }
        let upper = text.to_ascii_uppercase();
        for level in [Level::Fsa, Level::Cd, Level::Er, Level::Board] {
            let candidate = if level == Level::Fsa {
                upper.as_str()
            } else {
                text
            };
            if hierarchy.contains(level, candidate) {
                return Ok(Region {
                    level,
                    code: candidate.to_owned(),
                });
            }
        }
        Err(invalid())
    }

    fn index_code(&self) -> RegionCode {
        RegionCode {
            level: self.level.index_level(),
            code: self.code.clone(),
        }
    }
}

/// A row of an aggregate: one skill id, or every skill under a hierarchy path.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SkillRow {
    /// Exactly this concept (`esco:skill/…`).
    Skill(String),
    /// This facet path and everything narrower (`/esco/S/S1`).
    Group(String),
}

impl SkillRow {
    /// Reads a row as the CLI and the API take it: a path (`/esco/S/S1`) is a group, anything
    /// else a skill id.
    pub fn parse(text: &str) -> crate::Result<SkillRow> {
        let text = text.trim();
        if text.is_empty() || text.len() > 512 {
            return Err(crate::Error::InvalidRequest(format!(
                "unusable skill {text:?}"
            )));
        }
        Ok(if text.starts_with('/') {
            SkillRow::Group(text.trim_end_matches('/').to_owned())
        } else {
            SkillRow::Skill(text.to_owned())
        })
    }

    /// The id or the path: the row's key in responses.
    pub fn key(&self) -> &str {
        match self {
            SkillRow::Skill(text) | SkillRow::Group(text) => text,
        }
    }

    fn requirement(&self) -> SkillRequirement {
        match self {
            SkillRow::Skill(id) => SkillRequirement::Skill(id.clone()),
            SkillRow::Group(path) => SkillRequirement::Within(path.clone()),
        }
    }
}

/// Which credentials count on the supply side.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CreditScope {
    /// Every verified credential.
    #[default]
    All,
    /// Credit-bearing credentials only.
    Credit,
    /// Non-credit credentials only.
    NonCredit,
    /// Non-credit micro-credentials only.
    NonCreditMicroCredentials,
}

impl CreditScope {
    /// The stable snake_case code.
    pub fn code(self) -> &'static str {
        match self {
            CreditScope::All => "all",
            CreditScope::Credit => "credit",
            CreditScope::NonCredit => "non_credit",
            CreditScope::NonCreditMicroCredentials => "non_credit_micro_credentials",
        }
    }

    /// The claim filter of aggregates in this scope, valid at `as_of` (every earner, not only
    /// findable ones).
    fn filter(self, as_of: i64) -> ClaimFilter {
        let mut filter = ClaimFilter {
            valid_at: Some(as_of),
            ..ClaimFilter::default()
        };
        match self {
            CreditScope::All => {}
            CreditScope::Credit => filter.credit = Some(true),
            CreditScope::NonCredit => filter.credit = Some(false),
            CreditScope::NonCreditMicroCredentials => {
                filter.credit = Some(false);
                filter.kinds = vec![CredentialKind::MicroCredential];
            }
        }
        filter
    }
}

/// What every analytics response names: the data it was computed from and how.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Provenance {
    /// The index snapshot.
    pub snapshot_id: String,
    /// Versions of the bundled taxonomies and geography.
    pub taxonomy_versions: BTreeMap<String, String>,
    /// [`RANKING_VERSION`](crate::RANKING_VERSION).
    pub ranking_version: String,
}

impl Provenance {
    /// The provenance of answers computed on `snapshot`.
    pub fn of(snapshot: &Snapshot) -> Provenance {
        Provenance {
            snapshot_id: snapshot.id().to_string(),
            taxonomy_versions: taxonomy::DATA_VERSIONS
                .iter()
                .map(|(name, version)| ((*name).to_owned(), (*version).to_owned()))
                .collect(),
            ranking_version: crate::RANKING_VERSION.to_owned(),
        }
    }
}

/// Whether a facet path lies within a prefix, segment by segment (`/esco/S/S1` is within
/// `/esco/S`, `/esco/S10` is not).
fn path_within(path: &str, prefix: &str) -> bool {
    let mut path = path.split('/').filter(|segment| !segment.is_empty());
    prefix
        .split('/')
        .filter(|segment| !segment.is_empty())
        .all(|segment| path.next() == Some(segment))
}

/// Whether a skill claim belongs to a row.
fn claim_in_row(claim: &model::SkillClaim, row: &SkillRow) -> bool {
    match row {
        SkillRow::Skill(id) => claim.id == *id,
        SkillRow::Group(path) => claim.facets.iter().any(|facet| path_within(facet, path)),
    }
}

/// A record's region code at a level (the province for any located record).
fn region_code(region: Option<&model::RegionRef>, level: Level) -> Option<&str> {
    let region = region?;
    let code = match level {
        Level::Fsa => region.fsa.as_deref(),
        Level::Cd => region.cduid.as_deref(),
        Level::Er => region.eruid.as_deref(),
        Level::Board => region.wpb_id.as_deref(),
        Level::Province => {
            let located = [&region.fsa, &region.cduid, &region.eruid, &region.wpb_id]
                .iter()
                .any(|code| code.as_deref().is_some_and(|code| !code.trim().is_empty()));
            return located.then_some(index::PROVINCE_CODE);
        }
    };
    code.filter(|code| !code.trim().is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_nest_by_segment() {
        for (path, prefix, expected) in [
            ("/esco/S/S1/x", "/esco/S", true),
            ("/esco/S/S1", "/esco/S/S1", true),
            ("/esco/S10/x", "/esco/S1", false),
            ("/esco/S", "/esco/S/S1", false),
            ("/local/forestry", "/", true),
        ] {
            assert_eq!(path_within(path, prefix), expected, "{path} in {prefix}");
        }
    }

    #[test]
    fn skill_rows_parse() {
        assert_eq!(
            SkillRow::parse("/esco/S/").ok(),
            Some(SkillRow::Group("/esco/S".to_owned()))
        );
        assert_eq!(
            SkillRow::parse("esco:skill/x").ok(),
            Some(SkillRow::Skill("esco:skill/x".to_owned()))
        );
        assert!(SkillRow::parse("  ").is_err());
    }
}
