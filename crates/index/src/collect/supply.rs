//! Distinct earners per skill row × region: the supply side of the analytics.
//!
//! Exact by construction: every cell keeps the earner hashes themselves (sorted and
//! deduplicated at the merge), never a sketch.

use std::cmp::Reverse;
use std::collections::HashMap;
use std::sync::Arc;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::StrColumn;
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader};

use crate::collect::cells::CellKeys;
use crate::columns::{MergedTable, NumericColumns, OrdTable, first_ord, open_str, resolve_ords};
use crate::query::{
    PreparedRequirement, RegionAttribution, SegmentFilter, SkillFields, SupplyRequest,
};
use crate::schema::{Fields, REGION_SOURCE_EARNER, name};

/// One cell of a supply aggregate.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SupplyCell {
    /// The row: a skill id, a requirement, or a facet path (per [`SkillGrouping`](crate::SkillGrouping)).
    pub skill: String,
    /// The region code at the requested level; `None` for claims without a region there.
    pub region: Option<String>,
    /// Distinct earners.
    pub earners: u64,
}

/// The position used for "no region" in region tables.
const NO_REGION: u32 = u32::MAX;

/// Which claim of an earner's decides their home region: larger wins (see
/// [`RegionAttribution::HomeRegion`]).
type HomePreference = (bool, bool, i64, Reverse<u64>);

pub(crate) struct SupplyCollector {
    pub(crate) request: Arc<SupplyRequest>,
    pub(crate) requirements: Arc<[PreparedRequirement]>,
    pub(crate) requirement_texts: Arc<[String]>,
    pub(crate) fields: Fields,
}

pub(crate) struct SupplySegmentCollector {
    numeric: NumericColumns,
    filter: SegmentFilter,
    cells: CellKeys,
    region: Option<StrColumn>,
    province: Option<StrColumn>,
    attribution: RegionAttribution,
    every: HashMap<(u64, Option<u64>), Vec<u64>>,
    home: HashMap<(u64, u64), (HomePreference, Option<u64>)>,
    keys: Vec<u64>,
}

pub(crate) struct SegmentSupply {
    skills: Vec<String>,
    regions: Vec<String>,
    every: Vec<((u32, u32), Vec<u64>)>,
    home: Vec<((u32, u64), (HomePreference, u32))>,
}

impl Collector for SupplyCollector {
    type Fruit = Vec<SupplyCell>;
    type Child = SupplySegmentCollector;

    fn for_segment(
        &self,
        _segment_ord: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<SupplySegmentCollector> {
        Ok(SupplySegmentCollector {
            numeric: NumericColumns::open(reader)?,
            filter: SegmentFilter::new(&self.request.filter),
            cells: CellKeys::new(
                reader,
                SkillFields::claims(&self.fields),
                self.request.grouping,
                &self.requirements,
                &self.requirement_texts,
            )?,
            region: open_str(reader, self.request.level.field_name())?,
            province: open_str(reader, name::PROVINCE)?,
            attribution: self.request.attribution,
            every: HashMap::new(),
            home: HashMap::new(),
            keys: Vec::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(
        &self,
        segment_fruits: Vec<tantivy::Result<SegmentSupply>>,
    ) -> tantivy::Result<Vec<SupplyCell>> {
        let segments: Vec<SegmentSupply> =
            segment_fruits.into_iter().collect::<tantivy::Result<_>>()?;
        let skills = MergedTable::merge(segments.iter().map(|segment| segment.skills.as_slice()));
        let regions = MergedTable::merge(segments.iter().map(|segment| segment.regions.as_slice()));
        let mut earners_by_cell: HashMap<(u32, u32), Vec<u64>> = HashMap::new();
        let mut home: HashMap<(u32, u64), (HomePreference, u32)> = HashMap::new();
        for segment in segments {
            let skill_map = skills.remap(&segment.skills);
            let region_map = regions.remap(&segment.regions);
            let region_of = |position: u32| {
                if position == NO_REGION {
                    NO_REGION
                } else {
                    region_map[position as usize]
                }
            };
            for ((skill, region), earners) in segment.every {
                earners_by_cell
                    .entry((skill_map[skill as usize], region_of(region)))
                    .or_default()
                    .extend(earners);
            }
            for ((skill, earner), (preference, region)) in segment.home {
                let candidate = (preference, region_of(region));
                home.entry((skill_map[skill as usize], earner))
                    .and_modify(|kept| {
                        if candidate.0 > kept.0 {
                            *kept = candidate;
                        }
                    })
                    .or_insert(candidate);
            }
        }
        let mut counts: HashMap<(u32, u32), u64> = HashMap::new();
        for (cell, mut earners) in earners_by_cell {
            earners.sort_unstable();
            earners.dedup();
            counts.insert(cell, earners.len() as u64);
        }
        for ((skill, _earner), (_, region)) in home {
            *counts.entry((skill, region)).or_default() += 1;
        }
        let mut cells: Vec<SupplyCell> = counts
            .into_iter()
            .map(|((skill, region), earners)| SupplyCell {
                skill: skills.strings[skill as usize].clone(),
                region: (region != NO_REGION).then(|| regions.strings[region as usize].clone()),
                earners,
            })
            .collect();
        cells.sort_unstable();
        Ok(cells)
    }
}

impl SegmentCollector for SupplySegmentCollector {
    type Fruit = tantivy::Result<SegmentSupply>;

    fn collect(&mut self, doc: DocId, _score: Score) {
        if self.filter.accept(&self.numeric, doc).is_none() {
            return;
        }
        let mut keys = std::mem::take(&mut self.keys);
        self.cells.keys(doc, &mut keys);
        let earner = self.numeric.earner_hash.first(doc).unwrap_or_default();
        let region = first_ord(&self.region, doc);
        match self.attribution {
            RegionAttribution::EveryRegion => {
                for key in &keys {
                    self.every.entry((*key, region)).or_default().push(earner);
                }
            }
            RegionAttribution::HomeRegion => {
                let numeric = &self.numeric;
                let preference = (
                    first_ord(&self.province, doc).is_some(),
                    numeric.region_source.first(doc) == Some(REGION_SOURCE_EARNER),
                    numeric.issued_at.first(doc).unwrap_or(i64::MIN),
                    Reverse(numeric.credential_hash.first(doc).unwrap_or_default()),
                );
                for key in &keys {
                    let candidate = (preference, region);
                    self.home
                        .entry((*key, earner))
                        .and_modify(|kept| {
                            if candidate.0 > kept.0 {
                                *kept = candidate;
                            }
                        })
                        .or_insert(candidate);
                }
            }
        }
        self.keys = keys;
    }

    fn harvest(self) -> tantivy::Result<SegmentSupply> {
        let mut skill_keys: Vec<u64> = Vec::new();
        let mut region_ords = OrdTable::new();
        for (skill, region) in self.every.keys() {
            skill_keys.push(*skill);
            if let Some(region) = region {
                region_ords.note(*region);
            }
        }
        for ((skill, _), (_, region)) in &self.home {
            skill_keys.push(*skill);
            if let Some(region) = region {
                region_ords.note(*region);
            }
        }
        skill_keys.sort_unstable();
        skill_keys.dedup();
        let skills = self.cells.resolve(&skill_keys)?;
        let regions = region_ords.resolve(&self.region)?;
        let skill_position = |key: u64| skill_keys.binary_search(&key).unwrap_or_default() as u32;
        let region_position =
            |region: Option<u64>| region.map_or(NO_REGION, |ord| regions.position(ord));
        let every = self
            .every
            .into_iter()
            .map(|((skill, region), earners)| {
                ((skill_position(skill), region_position(region)), earners)
            })
            .collect();
        let home = self
            .home
            .into_iter()
            .map(|((skill, earner), (preference, region))| {
                (
                    (skill_position(skill), earner),
                    (preference, region_position(region)),
                )
            })
            .collect();
        Ok(SegmentSupply {
            skills,
            regions: regions.strings,
            every,
            home,
        })
    }
}

/// Distinct earners per value of each facet of a filtered claim set.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FacetCounts {
    /// Per skill id.
    pub skills: Vec<FacetCount>,
    /// Per region code at the requested level (claims without one are not counted).
    pub regions: Vec<FacetCount>,
    /// Per issuer id.
    pub issuers: Vec<FacetCount>,
    /// Per credential kind (its code).
    pub kinds: Vec<FacetCount>,
}

/// One facet value and how many distinct earners hold a matching claim with it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct FacetCount {
    /// The value.
    pub value: String,
    /// Distinct earners.
    pub earners: u64,
}

pub(crate) struct FacetCollector {
    pub(crate) filter: Arc<crate::ClaimFilter>,
    pub(crate) level: crate::RegionLevel,
}

pub(crate) struct FacetSegmentCollector {
    numeric: NumericColumns,
    filter: SegmentFilter,
    skill: Option<StrColumn>,
    issuer: Option<StrColumn>,
    region: Option<StrColumn>,
    skills: HashMap<u64, Vec<u64>>,
    issuers: HashMap<u64, Vec<u64>>,
    regions: HashMap<u64, Vec<u64>>,
    kinds: HashMap<u64, Vec<u64>>,
}

/// One segment's facet values with the earners under each.
pub(crate) struct SegmentFacets {
    skills: Vec<(String, Vec<u64>)>,
    issuers: Vec<(String, Vec<u64>)>,
    regions: Vec<(String, Vec<u64>)>,
    kinds: Vec<(String, Vec<u64>)>,
}

impl Collector for FacetCollector {
    type Fruit = FacetCounts;
    type Child = FacetSegmentCollector;

    fn for_segment(
        &self,
        _segment_ord: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<FacetSegmentCollector> {
        Ok(FacetSegmentCollector {
            numeric: NumericColumns::open(reader)?,
            filter: SegmentFilter::new(&self.filter),
            skill: open_str(reader, name::SKILL)?,
            issuer: open_str(reader, name::ISSUER)?,
            region: open_str(reader, self.level.field_name())?,
            skills: HashMap::new(),
            issuers: HashMap::new(),
            regions: HashMap::new(),
            kinds: HashMap::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(
        &self,
        segment_fruits: Vec<tantivy::Result<SegmentFacets>>,
    ) -> tantivy::Result<FacetCounts> {
        let mut skills: HashMap<String, Vec<u64>> = HashMap::new();
        let mut issuers: HashMap<String, Vec<u64>> = HashMap::new();
        let mut regions: HashMap<String, Vec<u64>> = HashMap::new();
        let mut kinds: HashMap<String, Vec<u64>> = HashMap::new();
        for fruit in segment_fruits {
            let fruit = fruit?;
            for (target, values) in [
                (&mut skills, fruit.skills),
                (&mut issuers, fruit.issuers),
                (&mut regions, fruit.regions),
                (&mut kinds, fruit.kinds),
            ] {
                for (value, earners) in values {
                    target.entry(value).or_default().extend(earners);
                }
            }
        }
        Ok(FacetCounts {
            skills: facet_counts(skills),
            regions: facet_counts(regions),
            issuers: facet_counts(issuers),
            kinds: facet_counts(kinds),
        })
    }
}

/// Most earners first, then by value.
fn facet_counts(values: HashMap<String, Vec<u64>>) -> Vec<FacetCount> {
    let mut counts: Vec<FacetCount> = values
        .into_iter()
        .map(|(value, mut earners)| {
            earners.sort_unstable();
            earners.dedup();
            FacetCount {
                value,
                earners: earners.len() as u64,
            }
        })
        .collect();
    counts.sort_unstable_by(|a, b| {
        b.earners
            .cmp(&a.earners)
            .then_with(|| a.value.cmp(&b.value))
    });
    counts
}

impl SegmentCollector for FacetSegmentCollector {
    type Fruit = tantivy::Result<SegmentFacets>;

    fn collect(&mut self, doc: DocId, _score: Score) {
        if self.filter.accept(&self.numeric, doc).is_none() {
            return;
        }
        let earner = self.numeric.earner_hash.first(doc).unwrap_or_default();
        if let Some(ord) = first_ord(&self.skill, doc) {
            self.skills.entry(ord).or_default().push(earner);
        }
        if let Some(ord) = first_ord(&self.issuer, doc) {
            self.issuers.entry(ord).or_default().push(earner);
        }
        if let Some(ord) = first_ord(&self.region, doc) {
            self.regions.entry(ord).or_default().push(earner);
        }
        if let Some(code) = self.numeric.kind.first(doc) {
            self.kinds.entry(code).or_default().push(earner);
        }
    }

    fn harvest(self) -> tantivy::Result<SegmentFacets> {
        let kinds = self
            .kinds
            .into_iter()
            .map(|(code, earners)| {
                (
                    crate::schema::kind_from_code(code).code().to_owned(),
                    earners,
                )
            })
            .collect();
        Ok(SegmentFacets {
            skills: with_strings(&self.skill, self.skills)?,
            issuers: with_strings(&self.issuer, self.issuers)?,
            regions: with_strings(&self.region, self.regions)?,
            kinds,
        })
    }
}

fn with_strings(
    column: &Option<StrColumn>,
    by_ord: HashMap<u64, Vec<u64>>,
) -> tantivy::Result<Vec<(String, Vec<u64>)>> {
    let mut entries: Vec<(u64, Vec<u64>)> = by_ord.into_iter().collect();
    entries.sort_unstable_by_key(|(ord, _)| *ord);
    let ords: Vec<u64> = entries.iter().map(|(ord, _)| *ord).collect();
    let strings = resolve_ords(column, &ords)?;
    Ok(strings
        .into_iter()
        .zip(entries)
        .map(|(string, (_, earners))| (string, earners))
        .collect())
}
