//! The crate's one error type.

/// Why a document could not be turned into RDF or canonical N-Quads.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// A context URL the loader does not know (we never fetch).
    #[error("unknown JSON-LD context: {0}")]
    UnknownContext(String),
    /// Safe mode: something would be silently dropped or left relative.
    #[error("JSON-LD data loss ({what}) for {term:?} at {path}")]
    DataLoss {
        /// The jsonld.js event code, e.g. `invalid property`, `relative @type reference`.
        what: &'static str,
        /// The term, IRI or value concerned.
        term: String,
        /// JSON path of the offending member (`$.credentialSubject.foo`), or the RDF position.
        path: String,
    },
    /// A protected term was redefined differently (JSON-LD 1.1 Create Term Definition step 27).
    #[error("protected term redefinition: {0}")]
    ProtectedTermRedefinition(String),
    /// A context is malformed or references itself.
    #[error("invalid JSON-LD context ({code}): {detail}")]
    InvalidContext {
        /// The JSON-LD API error code, e.g. `invalid term definition`.
        code: &'static str,
        /// What was wrong.
        detail: String,
    },
    /// The document itself breaks a JSON-LD syntax rule.
    #[error("invalid JSON-LD ({code}): {detail}")]
    InvalidJsonLd {
        /// The JSON-LD API error code, e.g. `invalid @id value`.
        code: &'static str,
        /// What was wrong, with its JSON path.
        detail: String,
    },
    /// A resource limit (depth, quads, remote contexts, context nesting) was hit.
    #[error("JSON-LD limit exceeded: {0}")]
    LimitExceeded(String),
    /// RDFC-1.0 needed more Hash N-Degree Quads calls than allowed (a poison graph).
    #[error("RDFC-1.0 Hash N-Degree Quads call limit of {0} exceeded")]
    CanonLimitExceeded(usize),
    /// A context manifest or file could not be read.
    #[error("context manifest: {0}")]
    Manifest(String),
}

impl Error {
    /// A stable snake_case code for reports and the HTTP edge.
    pub fn code(&self) -> &'static str {
        match self {
            Error::UnknownContext(_) => "unknown_context",
            Error::DataLoss { .. } => "data_loss",
            Error::ProtectedTermRedefinition(_) => "protected_term_redefinition",
            Error::InvalidContext { .. } => "invalid_context",
            Error::InvalidJsonLd { .. } => "invalid_jsonld",
            Error::LimitExceeded(_) => "limit_exceeded",
            Error::CanonLimitExceeded(_) => "canon_limit_exceeded",
            Error::Manifest(_) => "manifest_error",
        }
    }

    pub(crate) fn syntax(code: &'static str, detail: impl Into<String>) -> Error {
        Error::InvalidJsonLd {
            code,
            detail: detail.into(),
        }
    }

    pub(crate) fn context(code: &'static str, detail: impl Into<String>) -> Error {
        Error::InvalidContext {
            code,
            detail: detail.into(),
        }
    }
}
