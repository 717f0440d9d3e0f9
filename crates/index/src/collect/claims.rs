//! Claims matching skill requirements: the rows the ranker scores.

use std::sync::Arc;

use model::{CredentialKind, SkillMethod};
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::StrColumn;
use tantivy::{DocAddress, DocId, Score, SegmentOrdinal, SegmentReader};

use crate::columns::{MergedTable, NumericColumns, OrdTable, first_ord, open_str};
use crate::query::{PreparedRequirement, SegmentFilter, SegmentRequirements, SkillFields};
use crate::schema::{self, Fields, REGION_SOURCE_EARNER, name};

/// One claim (credential × skill) that matched, with the fast-field facts a ranker needs.
/// Strings are positions in the tables of [`ClaimMatches`]; earner and credential are
/// [`key_hash`](crate::key_hash)es, resolved to keys for the hits that are shown through
/// [`Snapshot::claim_keys`](crate::Snapshot::claim_keys).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ClaimHit {
    /// The earner (hash of the earner key).
    pub earner: u64,
    /// The credential (hash of its id).
    pub credential: u64,
    /// Position in [`ClaimMatches::skill_ids`].
    pub skill: u32,
    /// Position in [`ClaimMatches::issuer_ids`].
    pub issuer: u32,
    /// Position in [`ClaimMatches::achievement_ids`], when the achievement has an id.
    pub achievement: Option<u32>,
    /// Bit `i` is set when the claim satisfies requirement `i` of the request.
    pub requirements: u64,
    /// How the skill was attached.
    pub method: SkillMethod,
    /// Confidence in [0, 1].
    pub confidence: f32,
    /// The credential's kind.
    pub kind: CredentialKind,
    /// Credit-bearing.
    pub credit: bool,
    /// Seconds since the epoch.
    pub issued_at: Option<i64>,
    /// Seconds since the epoch.
    pub valid_until: Option<i64>,
    /// The location came from the earner (not the issuer's campus).
    pub located_by_earner: bool,
    /// Kilometres from the radius centre, when the filter had one.
    pub distance_km: Option<f64>,
    /// Where the claim lives in this snapshot (valid for this snapshot only).
    pub address: DocAddress,
}

/// Every claim that matched, ordered by earner, then credential, then skill id, so that the
/// list depends on the committed content only (not on segment layout).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ClaimMatches {
    /// The hits.
    pub hits: Vec<ClaimHit>,
    /// Skill ids, sorted.
    pub skill_ids: Vec<String>,
    /// Issuer ids, sorted.
    pub issuer_ids: Vec<String>,
    /// Achievement ids, sorted.
    pub achievement_ids: Vec<String>,
}

pub(crate) struct ClaimCollector {
    pub(crate) requirements: Arc<[PreparedRequirement]>,
    pub(crate) filter: Arc<crate::ClaimFilter>,
    pub(crate) fields: Fields,
}

pub(crate) struct ClaimSegmentCollector {
    segment_ord: SegmentOrdinal,
    numeric: NumericColumns,
    skill: Option<StrColumn>,
    facets: Option<StrColumn>,
    issuer: Option<StrColumn>,
    achievement: Option<StrColumn>,
    requirements: SegmentRequirements,
    filter: SegmentFilter,
    hits: Vec<(ClaimHit, u64, u64, Option<u64>)>,
    skill_ords: OrdTable,
    issuer_ords: OrdTable,
    achievement_ords: OrdTable,
}

/// One segment's hits with their strings resolved.
pub(crate) struct SegmentClaims {
    hits: Vec<ClaimHit>,
    skill_ids: Vec<String>,
    issuer_ids: Vec<String>,
    achievement_ids: Vec<String>,
}

impl Collector for ClaimCollector {
    type Fruit = ClaimMatches;
    type Child = ClaimSegmentCollector;

    fn for_segment(
        &self,
        segment_ord: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<ClaimSegmentCollector> {
        let skill_fields = SkillFields::claims(&self.fields);
        Ok(ClaimSegmentCollector {
            segment_ord,
            numeric: NumericColumns::open(reader)?,
            skill: open_str(reader, name::SKILL)?,
            facets: open_str(reader, name::SKILL_FACET)?,
            issuer: open_str(reader, name::ISSUER)?,
            achievement: open_str(reader, name::ACHIEVEMENT_ID)?,
            requirements: SegmentRequirements::new(reader, skill_fields, &self.requirements)?,
            filter: SegmentFilter::new(&self.filter),
            hits: Vec::new(),
            skill_ords: OrdTable::new(),
            issuer_ords: OrdTable::new(),
            achievement_ords: OrdTable::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(
        &self,
        segment_fruits: Vec<tantivy::Result<SegmentClaims>>,
    ) -> tantivy::Result<ClaimMatches> {
        let segments: Vec<SegmentClaims> =
            segment_fruits.into_iter().collect::<tantivy::Result<_>>()?;
        let skills =
            MergedTable::merge(segments.iter().map(|segment| segment.skill_ids.as_slice()));
        let issuers =
            MergedTable::merge(segments.iter().map(|segment| segment.issuer_ids.as_slice()));
        let achievements = MergedTable::merge(
            segments
                .iter()
                .map(|segment| segment.achievement_ids.as_slice()),
        );
        let mut hits = Vec::with_capacity(segments.iter().map(|segment| segment.hits.len()).sum());
        for segment in segments {
            let skill_map = skills.remap(&segment.skill_ids);
            let issuer_map = issuers.remap(&segment.issuer_ids);
            let achievement_map = achievements.remap(&segment.achievement_ids);
            hits.extend(segment.hits.into_iter().map(|mut hit| {
                hit.skill = skill_map[hit.skill as usize];
                hit.issuer = issuer_map[hit.issuer as usize];
                hit.achievement = hit
                    .achievement
                    .map(|position| achievement_map[position as usize]);
                hit
            }));
        }
        hits.sort_unstable_by_key(|hit| (hit.earner, hit.credential, hit.skill));
        Ok(ClaimMatches {
            hits,
            skill_ids: skills.strings,
            issuer_ids: issuers.strings,
            achievement_ids: achievements.strings,
        })
    }
}

impl SegmentCollector for ClaimSegmentCollector {
    type Fruit = tantivy::Result<SegmentClaims>;

    fn collect(&mut self, doc: DocId, _score: Score) {
        let Some(distance_km) = self.filter.accept(&self.numeric, doc) else {
            return;
        };
        let skill_ord = first_ord(&self.skill, doc);
        let mask = match (&self.facets, self.requirements.uses_facets()) {
            (Some(facets), true) => self.requirements.mask(skill_ord, facets.term_ords(doc)),
            _ => self.requirements.mask(skill_ord, std::iter::empty()),
        };
        let (Some(skill_ord), Some(issuer_ord)) = (skill_ord, first_ord(&self.issuer, doc)) else {
            return;
        };
        let achievement_ord = first_ord(&self.achievement, doc);
        self.skill_ords.note(skill_ord);
        self.issuer_ords.note(issuer_ord);
        if let Some(ord) = achievement_ord {
            self.achievement_ords.note(ord);
        }
        let numeric = &self.numeric;
        let hit = ClaimHit {
            earner: numeric.earner_hash.first(doc).unwrap_or_default(),
            credential: numeric.credential_hash.first(doc).unwrap_or_default(),
            skill: 0,
            issuer: 0,
            achievement: None,
            requirements: mask,
            method: schema::method_from_code(numeric.method.first(doc).unwrap_or_default()),
            confidence: numeric.confidence.first(doc).unwrap_or_default() as f32,
            kind: schema::kind_from_code(numeric.kind.first(doc).unwrap_or_default()),
            credit: numeric.credit.first(doc).unwrap_or_default(),
            issued_at: numeric.issued_at.first(doc),
            valid_until: numeric.valid_until.first(doc),
            located_by_earner: numeric.region_source.first(doc) == Some(REGION_SOURCE_EARNER),
            distance_km,
            address: DocAddress::new(self.segment_ord, doc),
        };
        self.hits
            .push((hit, skill_ord, issuer_ord, achievement_ord));
    }

    fn harvest(self) -> tantivy::Result<SegmentClaims> {
        let skills = self.skill_ords.resolve(&self.skill)?;
        let issuers = self.issuer_ords.resolve(&self.issuer)?;
        let achievements = self.achievement_ords.resolve(&self.achievement)?;
        let hits = self
            .hits
            .into_iter()
            .map(|(mut hit, skill_ord, issuer_ord, achievement_ord)| {
                hit.skill = skills.position(skill_ord);
                hit.issuer = issuers.position(issuer_ord);
                hit.achievement = achievement_ord.map(|ord| achievements.position(ord));
                hit
            })
            .collect();
        Ok(SegmentClaims {
            hits,
            skill_ids: skills.strings,
            issuer_ids: issuers.strings,
            achievement_ids: achievements.strings,
        })
    }
}
