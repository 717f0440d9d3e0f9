//! The province overview, computed once per snapshot and served from memory.
//!
//! The overview is the heavy aggregation (every claim of the index grouped by skill group ×
//! region at five levels, and all demand at four): [`OverviewCache`] computes it on the first
//! request for a snapshot and parameters and keeps the last few, so requests after a commit
//! pay for it once and every other request is a lookup. Entries are keyed by
//! [`SnapshotId`](index::SnapshotId): a commit that changes the content gives a new id and
//! therefore a fresh overview; a commit that changes nothing keeps the id and the entry.

use std::collections::BTreeMap;
use std::num::NonZeroUsize;
use std::sync::{Arc, Mutex, PoisonError};

use index::{Snapshot, SnapshotId};
use serde::Serialize;

use super::gap::{GapCell, GapReport, GapRequest, Tables};
use super::{CreditScope, Level, Region, RegionHierarchy};
use crate::Result;

/// What an overview is computed for.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct OverviewKey {
    /// The snapshot.
    pub snapshot: SnapshotId,
    /// Supply scope.
    pub scope: CreditScope,
    /// Validity instant (servers should round it, to the day for instance, so that entries
    /// are shared).
    pub as_of: i64,
    /// Demand months.
    pub months: Option<(String, String)>,
}

/// Supply, demand and gap per skill group × province, economic region, board area and
/// census division.
#[derive(Debug, Clone, Serialize)]
pub struct Overview {
    /// The cells, as a gap report for the province (every skill group; the province, then
    /// every economic region, board area and census division).
    pub report: GapReport,
    /// Positions of each region's cells in `report.cells`.
    #[serde(skip)]
    by_region: BTreeMap<Region, Vec<usize>>,
}

impl Overview {
    /// Computes the overview (what the cache calls once per key).
    pub fn compute(
        snapshot: &Snapshot,
        hierarchy: &RegionHierarchy,
        scope: CreditScope,
        as_of: i64,
        months: Option<(String, String)>,
    ) -> Result<Overview> {
        super::gap::check_months(months.as_ref())?;
        let request = GapRequest {
            skills: Vec::new(),
            region: None,
            scope,
            as_of,
            months,
        };
        let mut regions = vec![Region::province()];
        for level in [Level::Er, Level::Board, Level::Cd] {
            regions.extend(hierarchy.codes(level).map(|code| Region {
                level,
                code: code.to_owned(),
            }));
        }
        let tables = Tables::compute(snapshot, hierarchy, &None, &request, &regions)?;
        let (cells, demand_by_month) = tables.cells(&regions);
        let mut by_region: BTreeMap<Region, Vec<usize>> = BTreeMap::new();
        for (position, cell) in cells.iter().enumerate() {
            by_region
                .entry(Region {
                    level: cell.level,
                    code: cell.region.clone(),
                })
                .or_default()
                .push(position);
        }
        Ok(Overview {
            report: GapReport {
                provenance: super::Provenance::of(snapshot),
                method: super::GAP_METHOD.to_owned(),
                request,
                cells,
                demand_by_month,
            },
            by_region,
        })
    }

    /// The cells of one region (every skill group), from memory.
    pub fn region_cells(&self, region: &Region) -> impl Iterator<Item = &GapCell> {
        self.by_region
            .get(region)
            .into_iter()
            .flatten()
            .map(|position| &self.report.cells[*position])
    }
}

/// The last few overviews, keyed by snapshot and parameters. Shared by the server's handlers
/// (it is `Sync`); computing happens outside the lock, so a slow computation blocks nobody
/// (two first requests for the same key may both compute it; the results are equal).
pub struct OverviewCache {
    entries: Mutex<lru::LruCache<OverviewKey, Arc<Overview>>>,
    computed: std::sync::atomic::AtomicU64,
}

impl std::fmt::Debug for OverviewCache {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("OverviewCache")
            .field("computed", &self.computations())
            .finish()
    }
}

impl OverviewCache {
    /// A cache of at most `capacity` overviews (at least one).
    pub fn new(capacity: usize) -> OverviewCache {
        OverviewCache {
            entries: Mutex::new(lru::LruCache::new(
                NonZeroUsize::new(capacity).unwrap_or(NonZeroUsize::MIN),
            )),
            computed: std::sync::atomic::AtomicU64::new(0),
        }
    }

    /// The overview for this snapshot and parameters, computed if it is not cached.
    pub fn get(
        &self,
        snapshot: &Snapshot,
        hierarchy: &RegionHierarchy,
        scope: CreditScope,
        as_of: i64,
        months: Option<(String, String)>,
    ) -> Result<Arc<Overview>> {
        let key = OverviewKey {
            snapshot: snapshot.id().clone(),
            scope,
            as_of,
            months: months.clone(),
        };
        if let Some(found) = self.lock().get(&key) {
            return Ok(Arc::clone(found));
        }
        let overview = Arc::new(Overview::compute(
            snapshot, hierarchy, scope, as_of, months,
        )?);
        self.computed
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        self.lock().put(key, Arc::clone(&overview));
        Ok(overview)
    }

    /// How many overviews this cache has computed (a cache hit computes none).
    pub fn computations(&self) -> u64 {
        self.computed.load(std::sync::atomic::Ordering::Relaxed)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, lru::LruCache<OverviewKey, Arc<Overview>>> {
        self.entries.lock().unwrap_or_else(PoisonError::into_inner)
    }
}
