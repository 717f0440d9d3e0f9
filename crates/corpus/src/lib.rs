//! A deterministic synthetic Ontario credential ecosystem (layer L2): demo issuers modelled on
//! the Ontario micro-credential pilots, earners placed by census population, credentials in
//! every format the verifier supports (and the negatives it must reject), opt-in
//! presentations, job postings shaped by the COPS projections, and job requirements with the
//! graded relevance of every earner.
//!
//! The one design decision: the ecosystem is planned before it is signed. [`plan`] decides
//! every fact (who earned what, where, in which format, with which defect) and so holds the
//! ground truth, including the outcome a correct verifier must report for each file;
//! [`Plan::materialise`] only turns those facts into signed bytes with the verifier's own
//! signing code. Tests of statistics and ground truth use the plan alone, which is fast even
//! at benchmark sizes. Same seed, same bytes: no clock (`now` is configured), no hash-map
//! order, and randomness from keyed streams (see `rng.rs`).
//!
//! Nothing here is real: issuers are labelled demo issuers, hosts live under a reserved test
//! suffix (`*.demo.skillproof.test` by default), keys come from the seed, and an earner's
//! e-mail address exists only while its salted hash is computed.

#![warn(missing_docs)]

mod bake;
pub mod catalogue;
mod config;
mod demand;
mod documents;
mod keys;
mod materialise;
mod plan;
pub mod population;
mod requirements;
mod rng;
mod site;
mod summary;
mod types;

use std::sync::Arc;

use taxonomy::Taxonomy;

pub use config::{CorpusConfig, NegativeRates};
pub use plan::Plan;
pub use site::{Resource, SITEMAP_CHUNK, Site};
pub use summary::Summary;
pub use types::{
    Achievement, CredentialFormat, CredentialPlan, Declaration, Defect, Earner, EarnerIdentity,
    Employer, IntendedSkill, Issuer, IssuerIdentity, Platform, Posting, PresentationPlan,
    Relevance, Requirement, SiteState, SkillRef, Subject,
};

/// Why an ecosystem could not be generated. Never a panic: bad configuration and bad
/// curated data are reported here.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// The configuration is out of range.
    #[error("invalid corpus configuration: {0}")]
    InvalidConfig(String),
    /// The curated catalogue is malformed.
    #[error("corpus catalogue: {0}")]
    Catalogue(String),
    /// The catalogue names a concept the taxonomy does not hold.
    #[error("{context}: {id} is not in the taxonomy")]
    UnknownConcept {
        /// The concept id.
        id: String,
        /// Where it is named.
        context: String,
    },
    /// The taxonomy or geography lacks something the corpus needs.
    #[error("corpus data: {0}")]
    Data(String),
    /// Signing failed (a bug: our own documents should always sign).
    #[error("signing: {0}")]
    Signing(String),
}

impl Error {
    /// A stable snake_case code.
    pub fn code(&self) -> &'static str {
        match self {
            Error::InvalidConfig(_) => "invalid_config",
            Error::Catalogue(_) => "catalogue",
            Error::UnknownConcept { .. } => "unknown_concept",
            Error::Data(_) => "data",
            Error::Signing(_) => "signing",
        }
    }
}

/// Decides the whole ecosystem (the ground truth) without signing anything.
pub fn plan(config: &CorpusConfig, taxonomy: &Taxonomy) -> Result<Plan, Error> {
    plan::make(config, taxonomy)
}

/// Plans and signs the ecosystem.
pub fn generate(config: &CorpusConfig, taxonomy: &Taxonomy) -> Result<Ecosystem, Error> {
    plan(config, taxonomy)?.materialise()
}

impl Plan {
    /// Signs and lays out everything the plan decided.
    pub fn materialise(self) -> Result<Ecosystem, Error> {
        materialise::materialise(self)
    }
}

/// The generated ecosystem: the plan (ground truth) and the published bytes.
#[derive(Debug, Clone)]
pub struct Ecosystem {
    /// Every fact, including expected verification outcomes and who holds which skills.
    pub plan: Plan,
    /// The published bytes of `plan.credentials[i]`.
    pub credential_bytes: Vec<Arc<[u8]>>,
    /// The published bytes of `plan.presentations[i]`.
    pub presentation_bytes: Vec<Arc<[u8]>>,
    files: Vec<site::File>,
}

impl Ecosystem {
    /// The web to serve, in its current state (withdrawals and late revocations applied).
    pub fn site(&self) -> Site {
        self.site_in(SiteState::Current)
    }

    /// The web in a given state.
    pub fn site_in(&self, state: SiteState) -> Site {
        Site::build(&self.files, state)
    }

    /// A resolver answering every URL of the current web (DID documents, issuer profiles,
    /// status lists, Open Badges 2.0 documents, hosted assertions with their 410s), so that
    /// tests verify without HTTP.
    pub fn resolver(&self) -> verify::StaticResolver {
        self.resolver_in(SiteState::Current)
    }

    /// A resolver over the web in a given state.
    pub fn resolver_in(&self, state: SiteState) -> verify::StaticResolver {
        let mut resolver = verify::StaticResolver::new();
        for (url, resource) in self.site_in(state).iter() {
            resolver.insert(
                url,
                verify::FetchedDocument {
                    status: resource.status,
                    content_type: Some(resource.content_type.clone()),
                    body: Arc::clone(&resource.body),
                },
            );
        }
        resolver
    }

    /// Where a crawler starts: every host's root page (the hub links them all).
    pub fn seed_urls(&self) -> Vec<String> {
        self.plan.seed_urls()
    }

    /// Counts by format, issuer, outcome and defect, and shares.
    pub fn summary(&self) -> Summary {
        Summary::of(self)
    }
}
