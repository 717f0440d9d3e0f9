//! What the search primitives accept, and how each request becomes a tantivy query plus the
//! per-document checks that fast fields answer exactly.
//!
//! Term-shaped conditions (skills, findable, issuers, kinds, credit, region codes, a radius's
//! bounding box) go into the tantivy query, where posting lists intersect them cheaply. What
//! needs arithmetic (exact distance, dates) is checked on fast fields in the collectors.

use std::ops::{Bound, Range};

use model::{CredentialKind, DemandKind};
use tantivy::query::{BooleanQuery, Occur, Query, RangeQuery, TermQuery, TermSetQuery};
use tantivy::schema::{Facet, Field, IndexRecordOption};
use tantivy::{SegmentReader, Term};

use crate::columns::{NumericColumns, open_str};
use crate::document::parse_facet;
use crate::schema::{self, Fields, doc_type, name};
use crate::{Error, Result};

/// At most this many requirements in one claim match (one bit each in [`ClaimHit::requirements`]).
///
/// [`ClaimHit::requirements`]: crate::ClaimHit::requirements
pub const MAX_REQUIREMENTS: usize = 64;

/// A skill a query asks for.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SkillRequirement {
    /// Exactly this concept (`esco:skill/…`, `onet:…`, `local:…`).
    Skill(String),
    /// This facet path or anything narrower (`/esco/S/S1`): a claim matches when one of its
    /// hierarchy paths starts with these segments.
    Within(String),
}

impl SkillRequirement {
    /// The id or the path, as given (the key of its cells under [`SkillGrouping::Requirement`]).
    pub fn text(&self) -> &str {
        match self {
            SkillRequirement::Skill(text) | SkillRequirement::Within(text) => text,
        }
    }
}

/// A level of the Ontario region hierarchy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RegionLevel {
    /// Forward sortation area (`N3T`): the finest level ever kept.
    Fsa,
    /// Census division (`3529`).
    CensusDivision,
    /// Economic region (`3550`).
    EconomicRegion,
    /// Workforce planning board area.
    PlanningArea,
    /// The province (`35`): every located record.
    Province,
}

impl RegionLevel {
    /// Every level, finest first.
    pub const ALL: [RegionLevel; 5] = [
        RegionLevel::Fsa,
        RegionLevel::CensusDivision,
        RegionLevel::EconomicRegion,
        RegionLevel::PlanningArea,
        RegionLevel::Province,
    ];

    pub(crate) fn field(self, fields: &Fields) -> Field {
        match self {
            RegionLevel::Fsa => fields.fsa,
            RegionLevel::CensusDivision => fields.cduid,
            RegionLevel::EconomicRegion => fields.eruid,
            RegionLevel::PlanningArea => fields.wpb_id,
            RegionLevel::Province => fields.province,
        }
    }

    pub(crate) fn field_name(self) -> &'static str {
        match self {
            RegionLevel::Fsa => name::FSA,
            RegionLevel::CensusDivision => name::CDUID,
            RegionLevel::EconomicRegion => name::ERUID,
            RegionLevel::PlanningArea => name::WPB_ID,
            RegionLevel::Province => name::PROVINCE,
        }
    }
}

/// A region named by its code at one level.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RegionCode {
    /// The level the code belongs to.
    pub level: RegionLevel,
    /// The code (`N3T`, `3529`, `3550`, a board id, `35`).
    pub code: String,
}

/// A circle around a point (an FSA centre, usually).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GeoRadius {
    /// Centre latitude, degrees.
    pub latitude: f64,
    /// Centre longitude, degrees.
    pub longitude: f64,
    /// Radius in kilometres (great-circle distance, inclusive).
    pub radius_km: f64,
}

/// Which claims a request considers. Empty lists and `None` mean "any".
///
/// Exact semantics (the brute-force oracle of the tests states the same):
/// - `findable_only`: the earner consented to be found;
/// - `issuers`, `kinds`: the credential's issuer id / kind is one of those listed;
/// - `credit`: the credential's credit flag equals it;
/// - `regions`: the credential's region has one of the codes at that code's level;
/// - `within`: the credential has coordinates at most `radius_km` from the centre ([`distance_km`]);
/// - `issued_since`: the credential has an issuance instant, and it is `>=` this one;
/// - `valid_at`: issued at or before the instant (or undated) and valid until strictly after
///   it (or open-ended).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ClaimFilter {
    /// Only earners who consented to be found (people search); off for aggregates.
    pub findable_only: bool,
    /// Issuer ids.
    pub issuers: Vec<String>,
    /// Credential kinds.
    pub kinds: Vec<CredentialKind>,
    /// Credit-bearing or not.
    pub credit: Option<bool>,
    /// Region codes, any of which matches.
    pub regions: Vec<RegionCode>,
    /// A radius around a point.
    pub within: Option<GeoRadius>,
    /// Seconds since the epoch.
    pub issued_since: Option<i64>,
    /// Seconds since the epoch.
    pub valid_at: Option<i64>,
}

/// How skills become the rows of an aggregate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SkillGrouping {
    /// One row per skill id.
    Skill,
    /// One row per requirement of the request (keyed by [`SkillRequirement::text`]): a claim
    /// counts under every requirement it matches.
    Requirement,
    /// One row per facet path cut to this many segments (`/esco/S/S1` is depth 3), so depth
    /// by depth every level of a hierarchy; paths shorter than the depth count nowhere.
    FacetDepth(usize),
}

/// Where an earner counts in a regional aggregate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegionAttribution {
    /// In every region where they hold the skill: "how many holders can be found here".
    EveryRegion,
    /// In exactly one region per skill row, chosen from their claims of it: a located claim
    /// before an unlocated one, an earner-published location before an issuer's, then the
    /// latest issued, then the smallest credential hash. The choice does not depend on the
    /// level, so cells add up: FSA sums equal CD sums equal ER sums equal the province.
    HomeRegion,
}

/// A distinct-earner aggregate of claims: skills × regions.
#[derive(Debug, Clone, PartialEq)]
pub struct SupplyRequest {
    /// Restrict to these skills (empty: every claim).
    pub skills: Vec<SkillRequirement>,
    /// Row keys.
    pub grouping: SkillGrouping,
    /// Column keys.
    pub level: RegionLevel,
    /// Where an earner counts.
    pub attribution: RegionAttribution,
    /// Which claims count.
    pub filter: ClaimFilter,
}

/// A demand aggregate: skills × regions × months.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DemandRequest {
    /// Restrict to these skills (empty: every demand row).
    pub skills: Vec<SkillRequirement>,
    /// Row keys (defaults to one row per skill id).
    pub grouping: Option<SkillGrouping>,
    /// Region keys (defaults to the province).
    pub level: Option<RegionLevel>,
    /// Region codes, any of which matches (empty: anywhere, unlocated included).
    pub regions: Vec<RegionCode>,
    /// Demand kinds (empty: both).
    pub kinds: Vec<DemandKind>,
    /// First and last month, inclusive (`YYYY-MM`).
    pub months: Option<(String, String)>,
}

/// Great-circle distance in kilometres (haversine, mean Earth radius), the exact test the
/// radius filter applies.
pub fn distance_km(latitude_a: f64, longitude_a: f64, latitude_b: f64, longitude_b: f64) -> f64 {
    const EARTH_RADIUS_KM: f64 = 6371.0088;
    let (phi_a, phi_b) = (latitude_a.to_radians(), latitude_b.to_radians());
    let delta_phi = (latitude_b - latitude_a).to_radians();
    let delta_lambda = (longitude_b - longitude_a).to_radians();
    let h = (delta_phi / 2.0).sin().powi(2)
        + phi_a.cos() * phi_b.cos() * (delta_lambda / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_KM * h.sqrt().min(1.0).asin()
}

impl GeoRadius {
    fn validate(&self) -> Result<()> {
        let usable = self.latitude.is_finite()
            && (-90.0..=90.0).contains(&self.latitude)
            && self.longitude.is_finite()
            && (-180.0..=180.0).contains(&self.longitude)
            && self.radius_km.is_finite()
            && self.radius_km >= 0.0;
        if usable {
            Ok(())
        } else {
            Err(Error::InvalidRequest(format!("unusable radius {self:?}")))
        }
    }

    /// A latitude/longitude box that contains the circle (a superset: the exact distance is
    /// checked per document). `None` for a longitude span that wraps or covers a pole.
    fn bounding_box(&self) -> (Range<f64>, Option<Range<f64>>) {
        const EARTH_RADIUS_KM: f64 = 6371.0088;
        // A small margin keeps rounding from cutting a point that lies exactly on the circle.
        const MARGIN_DEGREES: f64 = 1e-6;
        let angular = self.radius_km / EARTH_RADIUS_KM;
        let delta_latitude = angular.to_degrees() + MARGIN_DEGREES;
        let latitude =
            (self.latitude - delta_latitude).max(-90.0)..(self.latitude + delta_latitude).min(90.0);
        let sin_ratio = angular.sin() / self.latitude.to_radians().cos();
        if angular >= std::f64::consts::FRAC_PI_2 || sin_ratio.is_nan() || sin_ratio >= 1.0 {
            return (latitude, None);
        }
        let delta_longitude = sin_ratio.asin().to_degrees() + MARGIN_DEGREES;
        let (west, east) = (
            self.longitude - delta_longitude,
            self.longitude + delta_longitude,
        );
        if west < -180.0 || east > 180.0 {
            return (latitude, None);
        }
        (latitude, Some(west..east))
    }
}

/// A requirement prepared for matching: its term, and how a segment recognises it.
#[derive(Debug, Clone)]
pub(crate) enum PreparedRequirement {
    Skill(String),
    Within(Facet),
}

pub(crate) fn prepare_requirements(
    requirements: &[SkillRequirement],
) -> Result<Vec<PreparedRequirement>> {
    if requirements.len() > MAX_REQUIREMENTS {
        return Err(Error::InvalidRequest(format!(
            "{} skill requirements (at most {MAX_REQUIREMENTS})",
            requirements.len()
        )));
    }
    requirements
        .iter()
        .map(|requirement| match requirement {
            SkillRequirement::Skill(id) if id.trim().is_empty() => {
                Err(Error::InvalidRequest("an empty skill id".to_owned()))
            }
            SkillRequirement::Skill(id) => Ok(PreparedRequirement::Skill(id.clone())),
            SkillRequirement::Within(path) => parse_facet(path)
                .map(PreparedRequirement::Within)
                .map_err(Error::InvalidRequest),
        })
        .collect()
}

/// The skill fields a requirement targets: claims or demand rows.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SkillFields {
    pub(crate) skill: Field,
    pub(crate) facet: Field,
    pub(crate) skill_name: &'static str,
    pub(crate) facet_name: &'static str,
}

impl SkillFields {
    pub(crate) fn claims(fields: &Fields) -> SkillFields {
        SkillFields {
            skill: fields.skill,
            facet: fields.skill_facet,
            skill_name: name::SKILL,
            facet_name: name::SKILL_FACET,
        }
    }

    pub(crate) fn demand(fields: &Fields) -> SkillFields {
        SkillFields {
            skill: fields.demand_skill,
            facet: fields.demand_skill_facet,
            skill_name: name::DEMAND_SKILL,
            facet_name: name::DEMAND_SKILL_FACET,
        }
    }
}

fn term_query(term: Term) -> Box<dyn Query> {
    Box::new(TermQuery::new(term, IndexRecordOption::Basic))
}

fn skills_clause(
    skill_fields: SkillFields,
    requirements: &[PreparedRequirement],
) -> Box<dyn Query> {
    let terms = requirements.iter().map(|requirement| match requirement {
        PreparedRequirement::Skill(id) => Term::from_field_text(skill_fields.skill, id),
        PreparedRequirement::Within(facet) => Term::from_facet(skill_fields.facet, facet),
    });
    Box::new(TermSetQuery::new(terms))
}

fn regions_clause(fields: &Fields, regions: &[RegionCode]) -> Box<dyn Query> {
    Box::new(TermSetQuery::new(regions.iter().map(|region| {
        Term::from_field_text(region.level.field(fields), &region.code)
    })))
}

/// The tantivy query for claims that match any requirement (or every claim when there are
/// none) and the term-shaped part of the filter.
pub(crate) fn claim_query(
    fields: &Fields,
    requirements: &[PreparedRequirement],
    filter: &ClaimFilter,
) -> Result<Box<dyn Query>> {
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    if requirements.is_empty() {
        clauses.push((
            Occur::Must,
            term_query(Term::from_field_text(fields.doc_type, doc_type::CLAIM)),
        ));
    } else {
        // Only claims carry `skill` / `skill_facet`, so the skill clause selects them alone.
        clauses.push((
            Occur::Must,
            skills_clause(SkillFields::claims(fields), requirements),
        ));
    }
    if filter.findable_only {
        clauses.push((
            Occur::Must,
            term_query(Term::from_field_bool(fields.findable, true)),
        ));
    }
    if !filter.issuers.is_empty() {
        let terms = filter
            .issuers
            .iter()
            .map(|issuer| Term::from_field_text(fields.issuer, issuer));
        clauses.push((Occur::Must, Box::new(TermSetQuery::new(terms))));
    }
    if !filter.kinds.is_empty() {
        let terms = filter
            .kinds
            .iter()
            .map(|kind| Term::from_field_u64(fields.kind, schema::kind_code(*kind)));
        clauses.push((Occur::Must, Box::new(TermSetQuery::new(terms))));
    }
    if let Some(credit) = filter.credit {
        clauses.push((
            Occur::Must,
            term_query(Term::from_field_bool(fields.credit, credit)),
        ));
    }
    if !filter.regions.is_empty() {
        clauses.push((Occur::Must, regions_clause(fields, &filter.regions)));
    }
    if let Some(radius) = &filter.within {
        radius.validate()?;
        let (latitude, longitude) = radius.bounding_box();
        clauses.push((Occur::Must, f64_range(fields.latitude, latitude)));
        if let Some(longitude) = longitude {
            clauses.push((Occur::Must, f64_range(fields.longitude, longitude)));
        }
    }
    Ok(Box::new(BooleanQuery::new(clauses)))
}

/// The tantivy query for demand rows.
pub(crate) fn demand_query(
    fields: &Fields,
    requirements: &[PreparedRequirement],
    request: &DemandRequest,
) -> Result<Box<dyn Query>> {
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    if requirements.is_empty() {
        clauses.push((
            Occur::Must,
            term_query(Term::from_field_text(
                fields.doc_type,
                doc_type::DEMAND_SKILL,
            )),
        ));
    } else {
        clauses.push((
            Occur::Must,
            skills_clause(SkillFields::demand(fields), requirements),
        ));
    }
    if !request.kinds.is_empty() {
        let terms = request
            .kinds
            .iter()
            .map(|kind| Term::from_field_u64(fields.demand_kind, schema::demand_kind_code(*kind)));
        clauses.push((Occur::Must, Box::new(TermSetQuery::new(terms))));
    }
    if !request.regions.is_empty() {
        clauses.push((Occur::Must, regions_clause(fields, &request.regions)));
    }
    if let Some((first, last)) = &request.months {
        if first > last {
            return Err(Error::InvalidRequest(format!(
                "month range {first}..{last} is empty"
            )));
        }
        clauses.push((
            Occur::Must,
            Box::new(RangeQuery::new(
                Bound::Included(Term::from_field_text(fields.month, first)),
                Bound::Included(Term::from_field_text(fields.month, last)),
            )),
        ));
    }
    Ok(Box::new(BooleanQuery::new(clauses)))
}

fn f64_range(field: Field, range: Range<f64>) -> Box<dyn Query> {
    Box::new(RangeQuery::new(
        Bound::Included(Term::from_field_f64(field, range.start)),
        Bound::Included(Term::from_field_f64(field, range.end)),
    ))
}

/// The per-document part of a [`ClaimFilter`], bound to one segment's columns.
pub(crate) struct SegmentFilter {
    issued_since: Option<i64>,
    valid_at: Option<i64>,
    within: Option<GeoRadius>,
}

impl SegmentFilter {
    pub(crate) fn new(filter: &ClaimFilter) -> SegmentFilter {
        SegmentFilter {
            issued_since: filter.issued_since,
            valid_at: filter.valid_at,
            within: filter.within,
        }
    }

    /// `None` when the document fails the filter; otherwise its distance from the radius
    /// centre, when there is one.
    #[inline]
    pub(crate) fn accept(&self, columns: &NumericColumns, doc: u32) -> Option<Option<f64>> {
        if self.issued_since.is_some() || self.valid_at.is_some() {
            let issued_at = columns.issued_at.first(doc);
            if let Some(since) = self.issued_since
                && issued_at.is_none_or(|issued_at| issued_at < since)
            {
                return None;
            }
            if let Some(at) = self.valid_at {
                if issued_at.is_some_and(|issued_at| issued_at > at) {
                    return None;
                }
                if columns
                    .valid_until
                    .first(doc)
                    .is_some_and(|until| until <= at)
                {
                    return None;
                }
            }
        }
        match &self.within {
            None => Some(None),
            Some(radius) => {
                let latitude = columns.latitude.first(doc)?;
                let longitude = columns.longitude.first(doc)?;
                let distance = distance_km(radius.latitude, radius.longitude, latitude, longitude);
                (distance <= radius.radius_km).then_some(Some(distance))
            }
        }
    }
}

/// How one segment recognises each requirement: an exact skill is one term ordinal of the
/// skill column; "within a path" is the ordinal range of the facet column holding that path
/// and its descendants (facet ordinals follow the sorted encoded paths, where a descendant
/// is the path, a 0 separator, then more).
pub(crate) struct SegmentRequirements {
    skill_ords: Vec<(u64, u64)>,
    facet_ranges: Vec<(u64, Range<u64>)>,
}

impl SegmentRequirements {
    pub(crate) fn new(
        reader: &SegmentReader,
        skill_fields: SkillFields,
        requirements: &[PreparedRequirement],
    ) -> tantivy::Result<SegmentRequirements> {
        let skill_column = open_str(reader, skill_fields.skill_name)?;
        let facet_column = open_str(reader, skill_fields.facet_name)?;
        let mut skill_ords = Vec::new();
        let mut facet_ranges = Vec::new();
        for (index, requirement) in requirements.iter().enumerate() {
            let bit = 1u64 << index;
            match requirement {
                PreparedRequirement::Skill(id) => {
                    if let Some(column) = &skill_column
                        && let Some(ord) = column.dictionary().term_ord(id.as_bytes())?
                    {
                        skill_ords.push((bit, ord));
                    }
                }
                PreparedRequirement::Within(facet) => {
                    if let Some(column) = &facet_column {
                        let dictionary = column.dictionary();
                        let num_terms = dictionary.num_terms() as u64;
                        let encoded = facet.encoded_str().as_bytes();
                        let mut after = encoded.to_vec();
                        after.push(1);
                        let start = ord_at_or_after(dictionary, encoded)?.min(num_terms);
                        let end = ord_at_or_after(dictionary, &after)?.min(num_terms);
                        if start < end {
                            facet_ranges.push((bit, start..end));
                        }
                    }
                }
            }
        }
        Ok(SegmentRequirements {
            skill_ords,
            facet_ranges,
        })
    }

    /// The bits of the requirements a document matches, from its skill ordinal and its facet
    /// ordinals.
    #[inline]
    pub(crate) fn mask(
        &self,
        skill_ord: Option<u64>,
        facet_ords: impl Iterator<Item = u64>,
    ) -> u64 {
        let mut mask = 0;
        if let Some(skill_ord) = skill_ord {
            for (bit, ord) in &self.skill_ords {
                if *ord == skill_ord {
                    mask |= bit;
                }
            }
        }
        if !self.facet_ranges.is_empty() {
            for facet_ord in facet_ords {
                for (bit, range) in &self.facet_ranges {
                    if range.contains(&facet_ord) {
                        mask |= bit;
                    }
                }
            }
        }
        mask
    }

    pub(crate) fn uses_facets(&self) -> bool {
        !self.facet_ranges.is_empty()
    }
}

fn ord_at_or_after(dictionary: &tantivy::columnar::Dictionary, key: &[u8]) -> std::io::Result<u64> {
    Ok(match dictionary.term_ord_or_next(key)? {
        tantivy::columnar::TermOrdHit::Exact(ord) | tantivy::columnar::TermOrdHit::Next(ord) => ord,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances() {
        // Brantford to Hamilton is about 35 km; a point is at distance zero from itself.
        let brantford = (43.1394, -80.2644);
        let hamilton = (43.2557, -79.8711);
        let distance = distance_km(brantford.0, brantford.1, hamilton.0, hamilton.1);
        assert!((33.0..37.0).contains(&distance), "{distance}");
        assert_eq!(
            distance_km(brantford.0, brantford.1, brantford.0, brantford.1),
            0.0
        );
    }

    #[test]
    fn bounding_boxes_contain_their_circle() {
        for (latitude, longitude, radius_km) in
            [(43.1, -80.2, 50.0), (51.0, -85.0, 300.0), (0.0, 0.0, 10.0)]
        {
            let radius = GeoRadius {
                latitude,
                longitude,
                radius_km,
            };
            let (latitude_range, longitude_range) = radius.bounding_box();
            for step in 0..360 {
                let bearing = f64::from(step).to_radians();
                // A point on the circle, by the spherical destination formula.
                let angular = radius_km / 6371.0088;
                let (phi, lambda) = (latitude.to_radians(), longitude.to_radians());
                let phi2 =
                    (phi.sin() * angular.cos() + phi.cos() * angular.sin() * bearing.cos()).asin();
                let lambda2 = lambda
                    + (bearing.sin() * angular.sin() * phi.cos())
                        .atan2(angular.cos() - phi.sin() * phi2.sin());
                let (point_latitude, point_longitude) = (phi2.to_degrees(), lambda2.to_degrees());
                assert!(
                    latitude_range.contains(&point_latitude),
                    "{point_latitude} outside {latitude_range:?}"
                );
                if let Some(longitude_range) = &longitude_range {
                    assert!(
                        longitude_range.contains(&point_longitude),
                        "{point_longitude} outside {longitude_range:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn unusable_radii_are_refused() {
        for radius in [
            GeoRadius {
                latitude: 91.0,
                longitude: 0.0,
                radius_km: 1.0,
            },
            GeoRadius {
                latitude: 0.0,
                longitude: f64::NAN,
                radius_km: 1.0,
            },
            GeoRadius {
                latitude: 0.0,
                longitude: 0.0,
                radius_km: -1.0,
            },
        ] {
            assert!(radius.validate().is_err(), "{radius:?}");
        }
    }
}
