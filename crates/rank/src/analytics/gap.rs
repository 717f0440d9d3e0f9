//! Supply, demand and gap cells for skill rows × a region and its subdivisions.

use std::collections::{BTreeMap, BTreeSet};

use index::{DemandRequest, RegionAttribution, SkillGrouping, Snapshot, SupplyRequest};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::suppress::{self, SupplyCount};
use super::{CreditScope, GAP_METHOD, Level, Provenance, Region, RegionHierarchy, SkillRow};
use crate::{Error, Result};

/// At most this many skill rows in one request.
pub const MAX_GAP_ROWS: usize = index::MAX_REQUIREMENTS;

/// The rows of the overview, and of a request naming no skill: facet paths cut to this many
/// segments (`/esco/S/S1`: a skill group under a taxonomy's pillar).
pub const OVERVIEW_FACET_DEPTH: usize = 3;

/// A supply, demand and gap request.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct GapRequest {
    /// Skill rows; empty means every skill group at [`OVERVIEW_FACET_DEPTH`].
    #[serde(default)]
    pub skills: Vec<SkillRow>,
    /// The region and its subdivisions; `None` means the province, its economic regions and
    /// board areas.
    #[serde(default)]
    pub region: Option<Region>,
    /// Which credentials count on the supply side.
    #[serde(default)]
    pub scope: CreditScope,
    /// The instant credentials must be valid at, seconds since the epoch (the caller's clock:
    /// analytics never reads one).
    pub as_of: i64,
    /// First and last month of demand, inclusive (`YYYY-MM`); `None` means every month.
    #[serde(default)]
    pub months: Option<(String, String)>,
}

/// One skill row in one region.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GapCell {
    /// The row: a skill id or a facet path.
    pub skill: String,
    /// The region's level.
    pub level: Level,
    /// The region's code.
    pub region: String,
    /// Distinct verified earners (or `suppressed`).
    pub supply: SupplyCount,
    /// Distinct demand records (postings and employer requirements) over the months.
    pub demand_postings: u64,
    /// Their vacancies.
    pub demand_vacancies: u64,
    /// `demand_vacancies - supply_earners`; `None` when the supply is suppressed.
    pub gap: Option<i64>,
    /// `demand_vacancies / supply_earners`; `None` when the supply is suppressed or zero.
    pub vacancies_per_holder: Option<f64>,
}

impl GapCell {
    fn new(
        skill: &str,
        region: &Region,
        supply: SupplyCount,
        (postings, vacancies): (u64, u64),
    ) -> GapCell {
        let gap = supply
            .earners
            .map(|earners| vacancies as i64 - earners as i64);
        let ratio = supply
            .earners
            .filter(|earners| *earners > 0)
            .map(|earners| vacancies as f64 / earners as f64);
        GapCell {
            skill: skill.to_owned(),
            level: region.level,
            region: region.code.clone(),
            supply,
            demand_postings: postings,
            demand_vacancies: vacancies,
            gap,
            vacancies_per_holder: ratio,
        }
    }
}

/// Demand in one month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DemandMonth {
    /// The row.
    pub skill: String,
    /// The region's level.
    pub level: Level,
    /// The region's code.
    pub region: String,
    /// `YYYY-MM`.
    pub month: String,
    /// Distinct demand records.
    pub postings: u64,
    /// Their vacancies.
    pub vacancies: u64,
}

/// Supply, demand and gap for skill rows in a region and its subdivisions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GapReport {
    /// Snapshot, taxonomy versions, ranking version.
    pub provenance: Provenance,
    /// How the gap is computed ([`GAP_METHOD`]).
    pub method: String,
    /// The request answered.
    pub request: GapRequest,
    /// One cell per row × region (the region first, then its subdivisions), rows sorted.
    pub cells: Vec<GapCell>,
    /// Demand per row × region × month, for the same regions.
    pub demand_by_month: Vec<DemandMonth>,
}

/// Answers a gap request on a snapshot.
pub fn gap_report(
    snapshot: &Snapshot,
    hierarchy: &RegionHierarchy,
    request: &GapRequest,
) -> Result<GapReport> {
    let rows = checked_rows(&request.skills)?;
    check_months(request.months.as_ref())?;
    let region = request.region.clone().unwrap_or_else(Region::province);
    if !hierarchy.contains(region.level, &region.code) {
        return Err(Error::InvalidRequest(format!(
            "unknown region {}:{}",
            region.level.code(),
            region.code
        )));
    }
    let mut regions: Vec<Region> = vec![region.clone()];
    for child_level in RegionHierarchy::child_levels(region.level) {
        regions.extend(
            hierarchy
                .children(&region, *child_level)
                .map(|code| Region {
                    level: *child_level,
                    code: code.to_owned(),
                }),
        );
    }
    let tables = Tables::compute(snapshot, hierarchy, &rows, request, &regions)?;
    Ok(tables.report(snapshot, request, &regions))
}

/// Rows as the index takes them: `None` for the overview's facet-depth rows.
pub(crate) fn checked_rows(skills: &[SkillRow]) -> Result<Option<Vec<SkillRow>>> {
    if skills.is_empty() {
        return Ok(None);
    }
    let rows: BTreeSet<SkillRow> = skills.iter().cloned().collect();
    if rows.len() > MAX_GAP_ROWS {
        return Err(Error::InvalidRequest(format!(
            "{} skill rows (at most {MAX_GAP_ROWS})",
            rows.len()
        )));
    }
    Ok(Some(rows.into_iter().collect()))
}

pub(crate) fn check_months(months: Option<&(String, String)>) -> Result<()> {
    let Some((first, last)) = months else {
        return Ok(());
    };
    let is_month = |text: &str| {
        let bytes = text.as_bytes();
        bytes.len() == 7
            && bytes[4] == b'-'
            && bytes[..4].iter().chain(&bytes[5..]).all(u8::is_ascii_digit)
            && (b"01".as_slice()..=b"12".as_slice()).contains(&&bytes[5..])
    };
    if !is_month(first) || !is_month(last) {
        return Err(Error::InvalidRequest(format!(
            "months must be YYYY-MM, not {first:?}..{last:?}"
        )));
    }
    if first > last {
        return Err(Error::InvalidRequest(format!(
            "month range {first}..{last} is empty"
        )));
    }
    Ok(())
}

/// The supply and demand behind a report.
pub(crate) struct Tables {
    /// Row → released supply per region, at every level (suppression decided over all).
    pub(crate) supply: BTreeMap<String, BTreeMap<Region, SupplyCount>>,
    /// (row, region) → month → (postings, vacancies).
    pub(crate) demand: BTreeMap<(String, Region), BTreeMap<String, (u64, u64)>>,
}

impl Tables {
    /// Supply of `rows` (or the overview rows) at every level, suppressed, and demand in
    /// `regions`.
    pub(crate) fn compute(
        snapshot: &Snapshot,
        hierarchy: &RegionHierarchy,
        rows: &Option<Vec<SkillRow>>,
        request: &GapRequest,
        regions: &[Region],
    ) -> Result<Tables> {
        let (skills, grouping) = match rows {
            None => (Vec::new(), SkillGrouping::FacetDepth(OVERVIEW_FACET_DEPTH)),
            Some(rows) => (
                rows.iter().map(SkillRow::requirement).collect(),
                SkillGrouping::Requirement,
            ),
        };
        let demand_levels: BTreeSet<Level> = regions.iter().map(|region| region.level).collect();
        let filter = request.scope.filter(request.as_of);
        let (supply, demand_cells) = rayon::join(
            || -> Result<Vec<Vec<index::SupplyCell>>> {
                Level::ALL
                    .par_iter()
                    .map(|level| {
                        snapshot
                            .supply(&SupplyRequest {
                                skills: skills.clone(),
                                grouping,
                                level: level.index_level(),
                                attribution: RegionAttribution::HomeRegion,
                                filter: filter.clone(),
                            })
                            .map_err(Error::from)
                    })
                    .collect()
            },
            || -> Result<Vec<(Level, Vec<index::DemandCell>)>> {
                demand_levels
                    .par_iter()
                    .map(|level| {
                        let cells = snapshot.demand_totals(&DemandRequest {
                            skills: skills.clone(),
                            grouping: Some(grouping),
                            level: Some(level.index_level()),
                            regions: Vec::new(),
                            kinds: Vec::new(),
                            months: request.months.clone(),
                        })?;
                        Ok((*level, cells))
                    })
                    .collect()
            },
        );
        let mut counts: BTreeMap<String, BTreeMap<Region, u64>> = BTreeMap::new();
        for (level, cells) in Level::ALL.iter().zip(supply?) {
            for cell in cells {
                let Some(code) = cell.region else { continue };
                counts.entry(cell.skill).or_default().insert(
                    Region {
                        level: *level,
                        code,
                    },
                    cell.earners,
                );
            }
        }
        if let Some(rows) = rows {
            // Rows nobody holds still get (zero) cells.
            for row in rows {
                counts.entry(row.key().to_owned()).or_default();
            }
        }
        let supply = counts
            .into_iter()
            .map(|(row, counts)| {
                let released = suppress::released(&counts, hierarchy);
                (row, released)
            })
            .collect();
        let wanted: BTreeSet<&Region> = regions.iter().collect();
        let mut demand: BTreeMap<(String, Region), BTreeMap<String, (u64, u64)>> = BTreeMap::new();
        for (level, cells) in demand_cells? {
            for cell in cells {
                let Some(code) = cell.region else { continue };
                let region = Region { level, code };
                if !wanted.contains(&region) {
                    continue;
                }
                let entry = demand
                    .entry((cell.skill, region))
                    .or_default()
                    .entry(cell.month)
                    .or_default();
                entry.0 += cell.postings;
                entry.1 += cell.vacancies;
            }
        }
        Ok(Tables { supply, demand })
    }

    /// The cells of `regions` for every row with supply or demand there.
    pub(crate) fn cells(&self, regions: &[Region]) -> (Vec<GapCell>, Vec<DemandMonth>) {
        let mut rows: BTreeSet<&str> = self.supply.keys().map(String::as_str).collect();
        rows.extend(self.demand.keys().map(|(row, _)| row.as_str()));
        let mut cells = Vec::new();
        let mut months = Vec::new();
        for row in rows {
            let supply = self.supply.get(row);
            for region in regions {
                let supply = supply
                    .and_then(|supply| supply.get(region))
                    .copied()
                    .unwrap_or(SupplyCount::released(0));
                let demand = self.demand.get(&(row.to_owned(), region.clone()));
                let totals = demand.map_or((0, 0), |by_month| {
                    by_month
                        .values()
                        .fold((0, 0), |(p, v), (postings, vacancies)| {
                            (p + postings, v + vacancies)
                        })
                });
                let empty = supply == SupplyCount::released(0) && totals == (0, 0);
                // The requested region always shows, subdivisions only when something is there.
                if empty && region != &regions[0] {
                    continue;
                }
                cells.push(GapCell::new(row, region, supply, totals));
                for (month, (postings, vacancies)) in demand.into_iter().flatten() {
                    months.push(DemandMonth {
                        skill: row.to_owned(),
                        level: region.level,
                        region: region.code.clone(),
                        month: month.clone(),
                        postings: *postings,
                        vacancies: *vacancies,
                    });
                }
            }
        }
        (cells, months)
    }

    fn report(&self, snapshot: &Snapshot, request: &GapRequest, regions: &[Region]) -> GapReport {
        let (cells, demand_by_month) = self.cells(regions);
        GapReport {
            provenance: Provenance::of(snapshot),
            method: GAP_METHOD.to_owned(),
            request: request.clone(),
            cells,
            demand_by_month,
        }
    }
}
