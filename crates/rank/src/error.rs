//! The one error type of this crate.

/// Why a ranking or analytics request could not be answered. Bad requests are
/// [`Error::InvalidRequest`]; the rest are our own faults.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The request is out of range or names something unknown.
    #[error("invalid request: {0}")]
    InvalidRequest(String),
    /// The index failed.
    #[error(transparent)]
    Index(#[from] index::Error),
}

impl Error {
    /// A stable snake_case code.
    pub fn code(&self) -> &'static str {
        match self {
            Error::InvalidRequest(_) => "invalid_request",
            Error::Index(_) => "index_error",
        }
    }
}

/// This crate's result.
pub type Result<T, E = Error> = std::result::Result<T, E>;
