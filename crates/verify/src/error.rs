//! The crate's one error type. Verification never returns it (failures are outcomes in the
//! report); it is for operations that can be refused outright, such as signing.

/// Why an operation was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// The document to sign is not a JSON object with an `@context`.
    #[error("cannot sign: {0}")]
    Unsignable(String),
}
