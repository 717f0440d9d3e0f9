//! From verified documents to index records (layer L2).
//!
//! The one design decision: everything a record says is read from the *verified* document
//! the verifier hands over (reliability rule 3), and the seal travels with it: a
//! `Verified<VerifiedDocument>` becomes `Verified<CredentialRecord>` through `Verified::map`,
//! never through a second parse of the same bytes. Privacy is decided here too: an e-mail
//! address or a `mailto:` subject never leaves this crate except as an issuer-scoped hash,
//! and a location is coarsened to its FSA before it is stored.

mod credential;
mod demand;

pub use credential::{Consent, IngestContext, credential_records};
pub use demand::demand_from_job_posting;

/// Why a document could not become a record.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// The document is not a schema.org `JobPosting`.
    #[error("not a schema.org JobPosting: {0}")]
    NotAJobPosting(String),
    /// A member the record needs is missing or of the wrong type.
    #[error("job posting: {0}")]
    InvalidJobPosting(String),
}

impl Error {
    /// A stable snake_case code.
    pub fn code(&self) -> &'static str {
        match self {
            Error::NotAJobPosting(_) => "not_a_job_posting",
            Error::InvalidJobPosting(_) => "invalid_job_posting",
        }
    }
}
