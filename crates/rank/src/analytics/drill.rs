//! Drill-down: the sources behind one side of a cell, a page at a time.
//!
//! Supply lists credential ids only (never an earner key), and only for a released cell: a
//! suppressed cell answers `suppressed` with no ids and no total, since either would give
//! its count away. The supply sources are every credential with a claim of the row located in
//! the region and valid at `as_of` (an earner counted in another home region may show here
//! too, since they also hold the skill here). Demand lists the ids of the postings and
//! requirements counted in the cell.

use index::{ClaimHit, Snapshot};
use serde::{Deserialize, Serialize};

use super::gap::{GapRequest, Tables};
use super::{
    CreditScope, Provenance, Region, RegionHierarchy, SkillRow, claim_in_row, region_code,
};
use crate::{Error, Result};

/// At most this many ids per page.
pub const MAX_DRILL_PAGE_SIZE: usize = 100;

/// Which side of a cell to open.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DrillSide {
    /// The credentials behind the supply.
    Supply,
    /// The demand records behind the demand.
    Demand,
}

/// A drill-down request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DrillRequest {
    /// The row.
    pub skill: SkillRow,
    /// The region.
    pub region: Region,
    /// Which side.
    pub side: DrillSide,
    /// Supply scope (supply side).
    #[serde(default)]
    pub scope: CreditScope,
    /// Validity instant, seconds since the epoch (supply side).
    pub as_of: i64,
    /// Demand months, inclusive (demand side).
    #[serde(default)]
    pub months: Option<(String, String)>,
    /// Page number, from 0.
    #[serde(default)]
    pub page: usize,
    /// Ids per page, 1 to [`MAX_DRILL_PAGE_SIZE`].
    pub page_size: usize,
}

/// One page of sources.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DrillPage {
    /// Snapshot, taxonomy versions, ranking version.
    pub provenance: Provenance,
    /// The request answered.
    pub request: DrillRequest,
    /// True when the cell is suppressed: no ids and no total are given.
    pub suppressed: bool,
    /// Sources in the cell (distinct credentials or demand records).
    pub total: Option<u64>,
    /// Credential ids or demand ids, sorted by their hash (supply) or id (demand).
    pub ids: Vec<String>,
    /// The next page, when there is one.
    pub next_page: Option<usize>,
    /// Demand side: the COPS projections of the NOC groups of the records on this page
    /// (national context, [`cops`](super::cops)).
    pub cops: Vec<super::cops::CopsProjection>,
}

/// Opens one side of a cell.
pub fn drill_down(
    snapshot: &Snapshot,
    hierarchy: &RegionHierarchy,
    request: &DrillRequest,
) -> Result<DrillPage> {
    if !(1..=MAX_DRILL_PAGE_SIZE).contains(&request.page_size) {
        return Err(Error::InvalidRequest(format!(
            "page size {} (1 to {MAX_DRILL_PAGE_SIZE})",
            request.page_size
        )));
    }
    let start = request
        .page
        .checked_mul(request.page_size)
        .ok_or_else(|| Error::InvalidRequest(format!("page {}", request.page)))?;
    if !hierarchy.contains(request.region.level, &request.region.code) {
        return Err(Error::InvalidRequest(format!(
            "unknown region {}:{}",
            request.region.level.code(),
            request.region.code
        )));
    }
    super::gap::checked_rows(std::slice::from_ref(&request.skill))?;
    super::gap::check_months(request.months.as_ref())?;
    let page = |total: usize, ids: Vec<String>| DrillPage {
        provenance: Provenance::of(snapshot),
        request: request.clone(),
        suppressed: false,
        total: Some(total as u64),
        ids,
        next_page: (start + request.page_size < total).then_some(request.page + 1),
        cops: Vec::new(),
    };
    match request.side {
        DrillSide::Supply => {
            let gap_request = GapRequest {
                skills: vec![request.skill.clone()],
                region: Some(request.region.clone()),
                scope: request.scope,
                as_of: request.as_of,
                months: None,
            };
            let tables = Tables::compute(
                snapshot,
                hierarchy,
                &Some(vec![request.skill.clone()]),
                &gap_request,
                &[],
            )?;
            let suppressed = tables
                .supply
                .get(request.skill.key())
                .and_then(|row| row.get(&request.region))
                .is_some_and(|count| count.suppressed);
            if suppressed {
                return Ok(DrillPage {
                    provenance: Provenance::of(snapshot),
                    request: request.clone(),
                    suppressed: true,
                    total: None,
                    ids: Vec::new(),
                    next_page: None,
                    cops: Vec::new(),
                });
            }
            let mut filter = request.scope.filter(request.as_of);
            filter.regions = vec![request.region.index_code()];
            let matches = snapshot.match_claims(&[request.skill.requirement()], &filter)?;
            let mut hits: Vec<ClaimHit> = matches.hits;
            hits.sort_by_key(|hit| hit.credential);
            hits.dedup_by_key(|hit| hit.credential);
            let total = hits.len();
            let shown: Vec<ClaimHit> = hits
                .into_iter()
                .skip(start)
                .take(request.page_size)
                .collect();
            let ids = snapshot
                .claim_keys(&shown)?
                .into_iter()
                .map(|keys| keys.credential_id)
                .collect();
            Ok(page(total, ids))
        }
        DrillSide::Demand => {
            // There is no per-cell demand primitive: read the demand records (thousands, not
            // millions) and test each as the aggregate does.
            let mut ids = Vec::new();
            for id in snapshot.demand_ids()? {
                let Some(record) = snapshot.demand(&id)? else {
                    continue;
                };
                if region_code(record.region.as_ref(), request.region.level)
                    != Some(request.region.code.as_str())
                {
                    continue;
                }
                if let Some((first, last)) = &request.months
                    && !(first.as_str() <= record.month.as_str()
                        && record.month.as_str() <= last.as_str())
                {
                    continue;
                }
                if record
                    .skills
                    .iter()
                    .any(|claim| claim_in_row(claim, &request.skill))
                {
                    ids.push((id, record.noc));
                }
            }
            let total = ids.len();
            let shown: Vec<(String, Option<String>)> = ids
                .into_iter()
                .skip(start)
                .take(request.page_size)
                .collect();
            let nocs: std::collections::BTreeSet<&str> =
                shown.iter().filter_map(|(_, noc)| noc.as_deref()).collect();
            let cops = nocs
                .into_iter()
                .filter_map(super::cops::projection)
                .cloned()
                .collect();
            let mut result = page(total, shown.into_iter().map(|(id, _)| id).collect());
            result.cops = cops;
            Ok(result)
        }
    }
}
