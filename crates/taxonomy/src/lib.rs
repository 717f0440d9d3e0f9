//! Skill taxonomies (ESCO, O*NET, NOC 2021, OaSIS, local Ontario concepts), their crosswalks
//! and Ontario regions, loaded from `index-data/`; and the mapping of text, job requirements and
//! credentials to skills, each with its method, confidence and evidence.
//!
//! Loading parses the checked-in CSV files once, checks them against `MANIFEST.tsv`, and caches
//! a compact binary form keyed by the manifest's hash; later starts only read that file.
//! Everything here is synchronous and pure: no sockets, no clock.

#![warn(missing_docs)]

mod build;
mod cache;
pub mod concept;
pub mod embed;
mod extract;
pub mod lexical;
mod mapping;
pub mod regions;
mod resolve;
pub mod semantic;
pub mod text;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

pub use build::{esco_uri_to_id, pad_noc, slug};
pub use concept::{
    Collection, Concept, ConceptIndex, ConceptKind, Edge, EdgeSource, Need, Neighbour, Relation,
    ReuseLevel,
};
pub use extract::{ExtractOptions, ScoredConcept, SearchScope, SkillMatch, Span};
pub use mapping::{
    AlignmentOutcome, AlignmentResolution, CredentialSkills, MappedSkill, Method, UnmappedPhrase,
};
pub use regions::{Point, RegionLevel, Regions, ResolvedLocation, coarsen_postal_code};
pub use resolve::{ExpandedSkill, OccupationExpansion};
pub use semantic::{MappingMode, Semantic, SemanticEvidence, SemanticReport};

use lexical::LabelIndex;

/// Bumped whenever the cached layout or the build logic changes, so old caches are ignored.
pub(crate) const FORMAT_VERSION: u32 = 4;

/// Versions of the bundled data, for responses that must name them.
pub const DATA_VERSIONS: &[(&str, &str)] = &[
    ("esco", "1.1.1"),
    ("onet", "29.2"),
    ("noc", "2021 V1.0"),
    ("oasis", "2023 v1.0"),
    ("local", "1"),
    ("geo", "SGC 2021"),
];

/// Errors of this crate: our inputs are missing, altered or unreadable. Bad user input is
/// reported in results (unmapped phrases, unknown frameworks), never as an error.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// A data file is not listed in MANIFEST.tsv.
    #[error("index-data/{file} is not listed in index-data/MANIFEST.tsv")]
    NotInManifest {
        /// The file, relative to index-data.
        file: String,
    },
    /// A data file's sha256 differs from MANIFEST.tsv.
    #[error("index-data/{file}: sha256 {actual} does not match MANIFEST.tsv ({expected})")]
    ManifestMismatch {
        /// The file, relative to index-data.
        file: String,
        /// Listed hash.
        expected: String,
        /// Actual hash.
        actual: String,
    },
    /// A data file is malformed.
    #[error("index-data/{file}: {message}")]
    Data {
        /// The file, relative to index-data.
        file: String,
        /// What is wrong.
        message: String,
    },
    /// The compact form could not be encoded.
    #[error("encoding the compact taxonomy: {0}")]
    Encode(String),
    /// A file of the sentence-embedding model is absent (run `tools/taxonomy/setup`).
    #[error("{path}: sentence-embedding model file missing (run tools/taxonomy/setup)")]
    ModelMissing {
        /// The missing file.
        path: PathBuf,
    },
    /// A file of the sentence-embedding model is not the pinned one (altered or another
    /// version); the loader refuses it.
    #[error("{path}: sha256 {actual} is not the pinned {expected} (re-run tools/taxonomy/setup)")]
    ModelMismatch {
        /// The file.
        path: PathBuf,
        /// The pinned hash.
        expected: String,
        /// The file's hash.
        actual: String,
    },
    /// The sentence-embedding model is unreadable although its files are the pinned ones.
    #[error("{path}: {message}")]
    Model {
        /// The model file or folder.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// The sentence-embedding model failed on an input (a bug of ours, not bad input).
    #[error("sentence embedding failed: {0}")]
    Embed(String),
}

impl Error {
    /// A stable snake_case code for the kind of error.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Io { .. } => "io",
            Self::NotInManifest { .. } => "not_in_manifest",
            Self::ManifestMismatch { .. } => "manifest_mismatch",
            Self::Data { .. } => "data_invalid",
            Self::Encode(_) => "encode_failed",
            Self::ModelMissing { .. } => "model_missing",
            Self::ModelMismatch { .. } => "model_mismatch",
            Self::Model { .. } => "model_invalid",
            Self::Embed(_) => "embed_failed",
        }
    }
}

/// Everything the taxonomy knows, in the form that is cached.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct TaxonomyData {
    pub(crate) format: u32,
    pub(crate) manifest_sha256: String,
    pub(crate) concepts: Vec<Concept>,
    pub(crate) by_id: HashMap<String, ConceptIndex>,
    pub(crate) edges: Vec<Edge>,
    pub(crate) edges_by_concept: Vec<Vec<u32>>,
    pub(crate) occupation_skills: HashMap<ConceptIndex, Vec<(ConceptIndex, Need)>>,
    pub(crate) essential_count: HashMap<ConceptIndex, u32>,
    pub(crate) skill_index: LabelIndex,
    pub(crate) occupation_index: LabelIndex,
    pub(crate) other_index: LabelIndex,
    pub(crate) label_exact: HashMap<String, Vec<ConceptIndex>>,
    pub(crate) code_index: HashMap<String, ConceptIndex>,
    pub(crate) regions: Regions,
    pub(crate) warnings: Vec<String>,
}

/// Where to load from.
#[derive(Debug, Clone)]
pub struct LoadOptions {
    /// The `index-data/` folder.
    pub index_data: PathBuf,
    /// Where to keep the compact form; `None` builds in memory every time.
    pub cache_dir: Option<PathBuf>,
}

/// How a load went.
#[derive(Debug, Clone, Serialize)]
pub struct LoadReport {
    /// True when the compact form was read from the cache.
    pub from_cache: bool,
    /// The cache file, when one is used.
    pub cache_file: Option<PathBuf>,
    /// Wall time of the load in milliseconds.
    pub elapsed_ms: f64,
    /// Size of the compact form in bytes (when cached).
    pub compact_bytes: Option<u64>,
    /// Why the cache could not be written, if it could not (the load still succeeded).
    pub cache_error: Option<String>,
}

/// The loaded taxonomy. Cheap to share behind an `Arc`; all methods take `&self`.
#[derive(Debug)]
pub struct Taxonomy {
    pub(crate) data: TaxonomyData,
    index_data: PathBuf,
    report: LoadReport,
    /// The sentence encoder and skill vectors, when attached (hybrid mapping).
    semantic: Option<Semantic>,
}

impl Taxonomy {
    /// Loads from the cache when it matches `MANIFEST.tsv`, else builds from the CSV files (checking
    /// every file's sha256) and writes the cache.
    pub fn load(options: &LoadOptions) -> Result<Self, Error> {
        let started = std::time::Instant::now();
        let (data, mut report) = cache::load_or_build(options)?;
        report.elapsed_ms = started.elapsed().as_secs_f64() * 1000.0;
        Ok(Self {
            data,
            index_data: options.index_data.clone(),
            report,
            semantic: None,
        })
    }

    /// Loads the sentence-embedding model from `model_dir` and the skill vectors from
    /// `cache_dir` (built there on first use) and switches text mapping to hybrid. On error
    /// (model absent or altered) nothing changes: mapping stays lexical, and the caller says so.
    pub fn attach_semantic(
        &mut self,
        model_dir: &Path,
        cache_dir: Option<&Path>,
    ) -> Result<&SemanticReport, Error> {
        let semantic = Semantic::load(self, model_dir, cache_dir)?;
        Ok(self.semantic.insert(semantic).report())
    }

    /// The semantic layer, when attached.
    pub fn semantic(&self) -> Option<&Semantic> {
        self.semantic.as_ref()
    }

    /// Which matcher `extract` and `map_credential` use.
    pub fn mapping_mode(&self) -> MappingMode {
        if self.semantic.is_some() {
            MappingMode::Hybrid
        } else {
            MappingMode::Lexical
        }
    }

    /// How the load went.
    pub fn load_report(&self) -> &LoadReport {
        &self.report
    }

    /// The `index-data/` folder this was loaded from (GeoJSON files for the map live there).
    pub fn index_data(&self) -> &Path {
        &self.index_data
    }

    /// Non-fatal data problems found while building (rows dropped, with counts).
    pub fn warnings(&self) -> &[String] {
        &self.data.warnings
    }

    /// Number of concepts of all schemes.
    pub fn num_concepts(&self) -> usize {
        self.data.concepts.len()
    }

    /// Number of crosswalk edges.
    pub fn num_edges(&self) -> usize {
        self.data.edges.len()
    }

    /// A concept by index. Indexes come from this taxonomy; others give `None`.
    pub fn concept(&self, index: ConceptIndex) -> Option<&Concept> {
        self.data.concepts.get(index as usize)
    }

    /// All concepts.
    pub fn concepts(&self) -> &[Concept] {
        &self.data.concepts
    }

    /// The concept with exactly this prefixed id.
    pub fn by_id(&self, id: &str) -> Option<ConceptIndex> {
        self.data.by_id.get(id).copied()
    }

    /// Ontario regions.
    pub fn regions(&self) -> &Regions {
        &self.data.regions
    }

    /// Path of the GeoJSON polygons of a region level, for the map.
    pub fn geojson_path(&self, level: RegionLevel) -> Option<PathBuf> {
        regions::geojson_file(level).map(|file| self.index_data.join(file))
    }

    /// Number of ESCO occupations for which a skill is essential (a specificity prior).
    pub fn essential_count(&self, skill: ConceptIndex) -> u32 {
        self.data.essential_count.get(&skill).copied().unwrap_or(0)
    }

    /// Skills an occupation needs, as listed by its own scheme.
    pub fn occupation_skills(&self, occupation: ConceptIndex) -> &[(ConceptIndex, Need)] {
        self.data
            .occupation_skills
            .get(&occupation)
            .map_or(&[], Vec::as_slice)
    }

    /// Crosswalk neighbours of a concept, seen from it (relations inverted where needed).
    pub fn neighbours(&self, index: ConceptIndex) -> Vec<Neighbour> {
        let Some(edge_ids) = self.data.edges_by_concept.get(index as usize) else {
            return Vec::new();
        };
        edge_ids
            .iter()
            .filter_map(|&e| self.data.edges.get(e as usize))
            .map(|edge| {
                if edge.from == index {
                    Neighbour {
                        concept: edge.to,
                        relation: edge.relation,
                        source: edge.source,
                        confidence: edge.confidence,
                    }
                } else {
                    Neighbour {
                        concept: edge.from,
                        relation: edge.relation.inverse(),
                        source: edge.source,
                        confidence: edge.confidence,
                    }
                }
            })
            .collect()
    }

    /// Every ancestor of a concept (transitive parents), nearest first, without duplicates.
    pub fn ancestors(&self, index: ConceptIndex) -> Vec<ConceptIndex> {
        let mut out: Vec<ConceptIndex> = Vec::new();
        let mut frontier = vec![index];
        while let Some(next) = frontier.pop() {
            let Some(concept) = self.concept(next) else {
                continue;
            };
            for &parent in &concept.parents {
                if parent != index && !out.contains(&parent) {
                    out.push(parent);
                    frontier.push(parent);
                }
            }
        }
        out
    }

    /// Facet paths of a concept on its scheme's hierarchy (one per path to a root, since the
    /// hierarchies are multi-parent), e.g. `/esco/S/S4/S4.8/<uuid>`, using codes where the
    /// scheme has them.
    pub fn facet_paths(&self, index: ConceptIndex) -> Vec<String> {
        let mut paths = Vec::new();
        let mut stack: Vec<(ConceptIndex, Vec<ConceptIndex>)> = vec![(index, vec![index])];
        while let Some((node, chain)) = stack.pop() {
            let Some(concept) = self.concept(node) else {
                continue;
            };
            let parents: Vec<ConceptIndex> = concept
                .parents
                .iter()
                .copied()
                .filter(|p| !chain.contains(p))
                .collect();
            if parents.is_empty() || paths.len() >= 16 {
                let mut path = format!(
                    "/{}",
                    concept::scheme_of(&self.data.concepts[index as usize].id)
                );
                for &step in chain.iter().rev() {
                    let c = &self.data.concepts[step as usize];
                    path.push('/');
                    path.push_str(
                        c.code
                            .as_deref()
                            .filter(|code| !code.starts_with("TEER"))
                            .unwrap_or_else(|| c.id.rsplit(['/', ':']).next().unwrap_or(&c.id)),
                    );
                }
                paths.push(path);
                continue;
            }
            for parent in parents {
                let mut next = chain.clone();
                next.push(parent);
                stack.push((parent, next));
            }
        }
        paths.sort();
        paths.dedup();
        paths
    }
}
