//! The one error type of the index, with stable codes.

use std::sync::Arc;

/// Everything that can go wrong in the index. None of these is a verification outcome: an
/// `Err` here means our own fault (a record the mapping refuses, a broken or locked index
/// directory, an I/O failure), never "this credential did not verify".
#[derive(Debug, Clone, thiserror::Error)]
pub enum Error {
    /// Another writer (in this or another process) holds the index's writer lock.
    #[error("the index at {path} already has a writer")]
    WriterLocked {
        /// The index directory.
        path: String,
    },
    /// The directory holds an index built with another schema.
    #[error("the index at {path} was built with another schema ({found}); rebuild it")]
    SchemaMismatch {
        /// The index directory.
        path: String,
        /// What was found instead of the expected schema.
        found: String,
    },
    /// A record the mapping cannot index as given.
    #[error("record {id} cannot be indexed: {field} {problem}")]
    InvalidRecord {
        /// The credential or demand id (possibly empty when that is the problem).
        id: String,
        /// The offending field.
        field: &'static str,
        /// What is wrong with it.
        problem: String,
    },
    /// A request the search primitives refuse (too many requirements, a malformed facet,
    /// an unusable radius).
    #[error("invalid request: {0}")]
    InvalidRequest(String),
    /// The commit payload of the index is not one this crate wrote.
    #[error("the commit payload cannot be read: {0}")]
    BadPayload(String),
    /// A stored document cannot be decoded.
    #[error("stored document {id} cannot be decoded: {reason}")]
    CorruptDocument {
        /// Its credential or demand id.
        id: String,
        /// Why.
        reason: String,
    },
    /// Creating, opening or reading the index directory failed.
    #[error("index i/o on {path}: {source}")]
    Io {
        /// The path involved.
        path: String,
        /// The underlying error (shared so that the enum stays `Clone`).
        #[source]
        source: Arc<std::io::Error>,
    },
    /// Any other failure inside tantivy.
    #[error("tantivy: {0}")]
    Tantivy(Arc<tantivy::TantivyError>),
}

impl Error {
    /// The stable snake_case code, for logs and the HTTP edge.
    pub fn code(&self) -> &'static str {
        match self {
            Error::WriterLocked { .. } => "index_writer_locked",
            Error::SchemaMismatch { .. } => "index_schema_mismatch",
            Error::InvalidRecord { .. } => "index_invalid_record",
            Error::InvalidRequest(_) => "index_invalid_request",
            Error::BadPayload(_) => "index_bad_payload",
            Error::CorruptDocument { .. } => "index_corrupt_document",
            Error::Io { .. } => "index_io",
            Error::Tantivy(_) => "index_internal",
        }
    }

    pub(crate) fn invalid_record(
        id: &str,
        field: &'static str,
        problem: impl Into<String>,
    ) -> Error {
        Error::InvalidRecord {
            id: id.to_owned(),
            field,
            problem: problem.into(),
        }
    }
}

impl From<tantivy::TantivyError> for Error {
    fn from(error: tantivy::TantivyError) -> Error {
        Error::Tantivy(Arc::new(error))
    }
}

impl From<tantivy::directory::error::OpenDirectoryError> for Error {
    fn from(error: tantivy::directory::error::OpenDirectoryError) -> Error {
        Error::Tantivy(Arc::new(error.into()))
    }
}

/// The crate's result type; refer to it as `crate::Result<T>`.
pub type Result<T> = std::result::Result<T, Error>;
