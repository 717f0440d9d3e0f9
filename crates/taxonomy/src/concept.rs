//! Concepts of every scheme under one prefixed identifier, and the typed links between them.

use serde::{Deserialize, Serialize};

/// Index of a concept inside one loaded [`crate::Taxonomy`]; not stable across data versions.
pub type ConceptIndex = u32;

/// What a concept stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConceptKind {
    /// An ESCO skill/competence or a local skill.
    Skill,
    /// An ESCO knowledge concept.
    Knowledge,
    /// A node of a skill hierarchy (ESCO skill group, ISCED-F field).
    SkillGroup,
    /// An occupation (ESCO, O*NET-SOC, NOC 2021 unit group, NOC 2016 unit group).
    Occupation,
    /// A node of an occupation hierarchy (ISCO group, NOC broad/major/sub-major/minor group).
    OccupationGroup,
    /// A rated descriptor: O*NET content-model element or OaSIS descriptor.
    Descriptor,
    /// A named tool or technology (O*NET technology skills).
    Technology,
    /// A UNSPSC commodity (parent of technologies).
    Commodity,
}

/// ESCO's reuse level: how widely a skill applies across occupations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ReuseLevel {
    /// Applies to almost any job ("work in teams").
    Transversal,
    /// Applies across sectors.
    CrossSector,
    /// Specific to a sector.
    SectorSpecific,
    /// Specific to an occupation.
    OccupationSpecific,
}

/// One concept.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Concept {
    /// Prefixed identifier, e.g. `esco:skill/<uuid>`, `onet:el/2.A.1.a`, `noc:21231`.
    pub id: String,
    /// What it stands for.
    pub kind: ConceptKind,
    /// Preferred label.
    pub label: String,
    /// Alternative labels (synonyms, job titles).
    pub alt_labels: Vec<String>,
    /// Hidden labels (known misspellings); matched, never shown.
    pub hidden_labels: Vec<String>,
    /// Definition or description, possibly empty.
    pub description: String,
    /// A scheme code when the scheme has one beside the id (ESCO occupation code, TEER, …).
    pub code: Option<String>,
    /// Broader concepts (a polyhierarchy: several parents are common in ESCO).
    pub parents: Vec<ConceptIndex>,
    /// ESCO reuse level, for skills.
    pub reuse_level: Option<ReuseLevel>,
    /// ESCO collections the concept belongs to.
    pub collections: Vec<Collection>,
}

/// ESCO thematic collections.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Collection {
    /// Digital skills.
    Digital,
    /// Green skills.
    Green,
    /// Transversal skills.
    Transversal,
    /// Language skills.
    Language,
    /// DigComp framework skills.
    DigComp,
    /// Research skills and occupations.
    Research,
}

impl Concept {
    /// The scheme prefix of the id (`esco`, `onet`, `noc`, `oasis`, `local`, …).
    pub fn scheme(&self) -> &str {
        scheme_of(&self.id)
    }

    /// Every label: preferred first, then alternatives.
    pub fn labels(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.label.as_str()).chain(self.alt_labels.iter().map(String::as_str))
    }
}

/// The prefix of a prefixed id (`esco` for `esco:skill/…`).
pub fn scheme_of(id: &str) -> &str {
    id.split_once(':').map_or("", |(scheme, _)| scheme)
}

/// SKOS mapping relation of a crosswalk edge, read from `from` to `to`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Relation {
    /// Same meaning.
    ExactMatch,
    /// Close enough to interchange in most applications.
    CloseMatch,
    /// `to` is broader than `from`.
    BroadMatch,
    /// `to` is narrower than `from`.
    NarrowMatch,
    /// Associated, not interchangeable.
    RelatedMatch,
}

impl Relation {
    /// The relation read in the other direction.
    pub fn inverse(self) -> Self {
        match self {
            Self::BroadMatch => Self::NarrowMatch,
            Self::NarrowMatch => Self::BroadMatch,
            other => other,
        }
    }

    /// The SKOS property name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ExactMatch => "exactMatch",
            Self::CloseMatch => "closeMatch",
            Self::BroadMatch => "broadMatch",
            Self::NarrowMatch => "narrowMatch",
            Self::RelatedMatch => "relatedMatch",
        }
    }
}

/// Where a crosswalk edge comes from. Every edge keeps its source; concepts are never merged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum EdgeSource {
    /// Nesta's ESCO occupation -> O*NET occupation crosswalk (2020).
    EscoOnetNesta2020,
    /// The Dais NOC 2021 <-> O*NET-SOC 2019 crosswalk.
    NocOnetDais,
    /// NOC 2016 -> NOC 2021 concordance (The Dais packaging of StatCan's).
    NocConcordance2016,
    /// OaSIS descriptor -> O*NET element by name (derived by the data team).
    OasisOnetNameDerived,
    /// ESCO skill <-> O*NET technology or element with the same normalised name (derived here).
    EscoOnetNameDerived,
    /// Curated links of the local (Ontario) concepts.
    LocalCurated,
    /// ESCO's own skill-to-skill relations (essential/optional), read as related.
    EscoSkillRelations,
}

impl EdgeSource {
    /// Stable name used in outputs.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::EscoOnetNesta2020 => "esco-onet-nesta-2020",
            Self::NocOnetDais => "noc-onet-dais-2022",
            Self::NocConcordance2016 => "noc2016-noc2021-concordance",
            Self::OasisOnetNameDerived => "oasis-onet-name-derived",
            Self::EscoOnetNameDerived => "esco-onet-name-derived",
            Self::LocalCurated => "local-curated",
            Self::EscoSkillRelations => "esco-skill-relations",
        }
    }
}

/// A typed crosswalk edge.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub struct Edge {
    /// Source concept.
    pub from: ConceptIndex,
    /// Target concept.
    pub to: ConceptIndex,
    /// SKOS relation from `from` to `to`.
    pub relation: Relation,
    /// Provenance.
    pub source: EdgeSource,
    /// Confidence in [0, 1].
    pub confidence: f32,
}

/// Whether a skill is essential or optional for an occupation (ESCO), or important (O*NET/OaSIS
/// rating above the threshold, recorded as essential).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Need {
    /// Required for the occupation.
    Essential,
    /// Useful, not required.
    Optional,
}

/// A neighbour of a concept across a crosswalk, as seen from that concept.
#[derive(Debug, Clone, Copy)]
pub struct Neighbour {
    /// The other concept.
    pub concept: ConceptIndex,
    /// Relation from the concept asked about to `concept`.
    pub relation: Relation,
    /// Provenance.
    pub source: EdgeSource,
    /// Confidence in [0, 1].
    pub confidence: f32,
}
