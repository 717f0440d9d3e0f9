//! Demand per skill row × region × month: postings (distinct demand records) and vacancies.

use std::collections::HashMap;
use std::sync::Arc;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Column, StrColumn};
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader};

use crate::collect::cells::CellKeys;
use crate::columns::{MergedTable, OrdTable, first_ord, open_numeric, open_str};
use crate::query::{PreparedRequirement, RegionLevel, SkillFields, SkillGrouping};
use crate::schema::{Fields, name};

/// One cell of a demand aggregate.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DemandCell {
    /// The row: a skill id, a requirement, or a facet path.
    pub skill: String,
    /// The region code at the requested level; `None` for demand without a region there.
    pub region: Option<String>,
    /// `YYYY-MM`.
    pub month: String,
    /// Distinct demand records (postings and submitted requirements).
    pub postings: u64,
    /// Their vacancies, each record counted once.
    pub vacancies: u64,
}

const NO_REGION: u32 = u32::MAX;

/// Demand records (hash, vacancies) under one cell.
type Demands = Vec<(u64, u64)>;

pub(crate) struct DemandCollector {
    pub(crate) grouping: SkillGrouping,
    pub(crate) level: RegionLevel,
    pub(crate) requirements: Arc<[PreparedRequirement]>,
    pub(crate) requirement_texts: Arc<[String]>,
    pub(crate) fields: Fields,
}

pub(crate) struct DemandSegmentCollector {
    cells: CellKeys,
    region: Option<StrColumn>,
    month: Option<StrColumn>,
    demand_hash: Column<u64>,
    vacancies: Column<u64>,
    rows: HashMap<(u64, Option<u64>, u64), Demands>,
    keys: Vec<u64>,
}

pub(crate) struct SegmentDemand {
    skills: Vec<String>,
    regions: Vec<String>,
    months: Vec<String>,
    rows: Vec<((u32, u32, u32), Demands)>,
}

impl Collector for DemandCollector {
    type Fruit = Vec<DemandCell>;
    type Child = DemandSegmentCollector;

    fn for_segment(
        &self,
        _segment_ord: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<DemandSegmentCollector> {
        Ok(DemandSegmentCollector {
            cells: CellKeys::new(
                reader,
                SkillFields::demand(&self.fields),
                self.grouping,
                &self.requirements,
                &self.requirement_texts,
            )?,
            region: open_str(reader, self.level.field_name())?,
            month: open_str(reader, name::MONTH)?,
            demand_hash: open_numeric(reader, name::DEMAND_HASH)?,
            vacancies: open_numeric(reader, name::VACANCIES)?,
            rows: HashMap::new(),
            keys: Vec::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(
        &self,
        segment_fruits: Vec<tantivy::Result<SegmentDemand>>,
    ) -> tantivy::Result<Vec<DemandCell>> {
        let segments: Vec<SegmentDemand> =
            segment_fruits.into_iter().collect::<tantivy::Result<_>>()?;
        let skills = MergedTable::merge(segments.iter().map(|segment| segment.skills.as_slice()));
        let regions = MergedTable::merge(segments.iter().map(|segment| segment.regions.as_slice()));
        let months = MergedTable::merge(segments.iter().map(|segment| segment.months.as_slice()));
        let mut merged: HashMap<(u32, u32, u32), Demands> = HashMap::new();
        for segment in segments {
            let skill_map = skills.remap(&segment.skills);
            let region_map = regions.remap(&segment.regions);
            let month_map = months.remap(&segment.months);
            for ((skill, region, month), demands) in segment.rows {
                let region = if region == NO_REGION {
                    NO_REGION
                } else {
                    region_map[region as usize]
                };
                merged
                    .entry((skill_map[skill as usize], region, month_map[month as usize]))
                    .or_default()
                    .extend(demands);
            }
        }
        let mut cells: Vec<DemandCell> = merged
            .into_iter()
            .map(|((skill, region, month), mut demands)| {
                // A record listing two skills under one facet row counts once.
                demands.sort_unstable();
                demands.dedup_by_key(|(demand, _)| *demand);
                DemandCell {
                    skill: skills.strings[skill as usize].clone(),
                    region: (region != NO_REGION).then(|| regions.strings[region as usize].clone()),
                    month: months.strings[month as usize].clone(),
                    postings: demands.len() as u64,
                    vacancies: demands.iter().map(|(_, vacancies)| vacancies).sum(),
                }
            })
            .collect();
        cells.sort_unstable();
        Ok(cells)
    }
}

impl SegmentCollector for DemandSegmentCollector {
    type Fruit = tantivy::Result<SegmentDemand>;

    fn collect(&mut self, doc: DocId, _score: Score) {
        let Some(month) = first_ord(&self.month, doc) else {
            return;
        };
        let mut keys = std::mem::take(&mut self.keys);
        self.cells.keys(doc, &mut keys);
        let region = first_ord(&self.region, doc);
        let demand = self.demand_hash.first(doc).unwrap_or_default();
        let vacancies = self.vacancies.first(doc).unwrap_or_default();
        for key in &keys {
            self.rows
                .entry((*key, region, month))
                .or_default()
                .push((demand, vacancies));
        }
        self.keys = keys;
    }

    fn harvest(self) -> tantivy::Result<SegmentDemand> {
        let mut skill_keys: Vec<u64> = self.rows.keys().map(|(skill, _, _)| *skill).collect();
        skill_keys.sort_unstable();
        skill_keys.dedup();
        let mut region_ords = OrdTable::new();
        let mut month_ords = OrdTable::new();
        for (_, region, month) in self.rows.keys() {
            if let Some(region) = region {
                region_ords.note(*region);
            }
            month_ords.note(*month);
        }
        let skills = self.cells.resolve(&skill_keys)?;
        let regions = region_ords.resolve(&self.region)?;
        let months = month_ords.resolve(&self.month)?;
        let rows = self
            .rows
            .into_iter()
            .map(|((skill, region, month), demands)| {
                let skill = skill_keys.binary_search(&skill).unwrap_or_default() as u32;
                let region = region.map_or(NO_REGION, |ord| regions.position(ord));
                ((skill, region, months.position(month)), demands)
            })
            .collect();
        Ok(SegmentDemand {
            skills,
            regions: regions.strings,
            months: months.strings,
            rows,
        })
    }
}
