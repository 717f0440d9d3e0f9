//! Ranking and analytics (layer L3): a job requirement, the taxonomy and an index snapshot in;
//! ranked, explained candidates and programs, and supply, demand and gap cells out.
//!
//! Synchronous and deterministic: the same request against the same snapshot gives the same
//! answer, and every answer names the snapshot, the taxonomy versions and [`RANKING_VERSION`].

#![warn(missing_docs)]

pub mod analytics;
mod candidates;
mod error;
pub mod explain;
mod programs;
pub mod requirements;

pub use candidates::{
    CandidateFilters, CandidateHit, CandidatePage, CandidateRequest, Center, DEFAULT_LIMIT,
    ExclusionCounts, FacetValue, Facets, Level, MAX_FACET_VALUES, MAX_LIMIT, MAX_RADIUS_KM,
    MAX_RESULTS, MatchedRequirement, MissingRequirement, RadiusFilter, RegionFilter,
    VerificationOverview, rank_candidates, taxonomy_versions,
};
pub use error::{Error, Result};
pub use programs::{
    Count, MAX_TARGET_SKILLS, MIN_HOLDERS, PRIVACY_NOTE, ProgramHit, ProgramPage, ProgramRequest,
    ProgramSkill, Taught, rank_programs,
};
pub use requirements::{
    Importance, JobSpecOptions, MatchKind, PARTIAL_CREDIT, Requirement, RequirementSpec,
    Requirements,
};

/// The version of the ranking function, named in every response: bump it whenever a change
/// can reorder results for the same request and snapshot.
pub const RANKING_VERSION: &str = "rank-1";
