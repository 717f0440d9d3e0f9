//! The credential crawler (layer L3, tokio): find published credentials, fetch them through
//! the hardened client, verify them ourselves, map them to skills and regions, index them,
//! and keep the index true as the web changes.
//!
//! The one design decision: **the index commit is the unit of progress.** Each commit's
//! payload carries the frontier's cursor, and on start the frontier is cut back to the
//! cursor of the last commit ([`frontier`]), so the frontier and the index always describe
//! the same crawl: a kill -9 at any instant loses at most the work since the last commit
//! and never indexes anything twice.
//!
//! A URL goes through named stages, each with a typed outcome:
//! frontier → robots/politeness and fetch (`net`, [`Purpose::Crawl`](net::Purpose)) →
//! status filter → [`extract`] → verify (blocking pool, bounded by a semaphore) → map
//! (`ingest`) → index writer. Every URL taken from the frontier ends in exactly one
//! [`UrlOutcome`] and every candidate credential in exactly one [`CandidateOutcome`]
//! (ARCHITECTURE.md, invariant 7), counted in [`OutcomeCounts`].
//!
//! Keeping current: an unchanged URL (304, or the same body hash) whose verification
//! inputs (status lists, controller documents, recorded by [`DocumentCache::recording`])
//! are unchanged is not verified again; a status-list flip, a 404/410, `noindex` or a
//! robots disallow removes what the URL published at the next commit, and expired
//! credentials are swept at the start of each pass. Consent: a credential is findable only
//! through a source that establishes it (a presentation its subject signed, judged by
//! `ingest`); when that source disappears, the credential is indexed again from its other
//! sources, for aggregates only.

#![warn(missing_docs)]

mod crawler;
pub mod extract;
pub mod frontier;
mod outcome;
pub mod resolver;

pub use crawler::{CrawlConfig, CrawlReport, Crawler, TaxonomyHandle};
pub use extract::{Candidate, ExtractLimits, Extracted};
pub use frontier::{DiskFrontier, Frontier, HeldCredential, UrlState};
pub use outcome::{CandidateOutcome, OutcomeCounts, UrlOutcome};
pub use resolver::{DocumentCache, NetResolver};

/// Why a crawl could not go on. Outcomes of URLs and credentials are never errors; these are
/// our own faults or an unusable configuration or data directory.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Reading or writing the data directory failed.
    #[error("{path}: {source}")]
    Io {
        /// The file or directory.
        path: String,
        /// The cause.
        source: std::io::Error,
    },
    /// The index's last commit names a cursor this crawler did not write.
    #[error("the index commit's cursor {0:?} is not a frontier cursor")]
    BadCursor(String),
    /// The frontier log does not reach the position the index commit names.
    #[error("frontier log lost or damaged: {0}")]
    FrontierLost(String),
    /// The index refused an operation.
    #[error("index: {0}")]
    Index(#[from] index::Error),
    /// The network client could not be built.
    #[error("network: {0}")]
    Net(#[from] net::NetError),
    /// A seed is not an absolute http(s) URL.
    #[error("invalid seed {0:?}")]
    InvalidSeed(String),
    /// A configuration value is out of range.
    #[error("invalid crawl configuration: {0}")]
    InvalidConfig(String),
    /// A bug: a task panicked or state could not be serialised.
    #[error("internal error: {0}")]
    Internal(String),
}

impl Error {
    /// A stable snake_case code.
    pub fn code(&self) -> &'static str {
        match self {
            Error::Io { .. } => "io",
            Error::BadCursor(_) => "bad_cursor",
            Error::FrontierLost(_) => "frontier_lost",
            Error::Index(_) => "index",
            Error::Net(_) => "net",
            Error::InvalidSeed(_) => "invalid_seed",
            Error::InvalidConfig(_) => "invalid_config",
            Error::Internal(_) => "internal",
        }
    }
}

/// Results of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;
