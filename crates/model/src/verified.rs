//! The `Verified<T>` wrapper: proof that a value passed verification.

use serde::{Deserialize, Serialize};

use crate::{Check, Format, Outcome, ProofSummary};

/// What verification established, kept beside the value so that the index and the API can
/// explain each result and re-verify it offline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerificationSummary {
    /// What kind of credential it was.
    pub format: Format,
    /// The issuer id (DID or URL) the key was bound to.
    pub issuer: String,
    /// The proofs, as judged.
    pub proofs: Vec<ProofSummary>,
    /// Every check, in order.
    pub checks: Vec<Check>,
    /// The verification instant (RFC 3339), which validity and status were judged at.
    pub verified_at: String,
}

/// A value that passed verification with outcome [`Outcome::Verified`].
///
/// **Invariant:** only the `verify` crate builds one (ARCHITECTURE.md, invariant 1; a tidy
/// test rejects any other caller of [`Verified::vouched_by_verifier`]). Everything downstream,
/// the index first, accepts `Verified<T>` and nothing else.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified<T> {
    value: T,
    summary: VerificationSummary,
}

impl<T> Verified<T> {
    /// Wraps a value the verifier has fully verified. Reserved for the `verify` crate.
    #[doc(hidden)]
    pub fn vouched_by_verifier(value: T, summary: VerificationSummary) -> Self {
        debug_assert!(
            summary
                .checks
                .iter()
                .all(|check| check.result != crate::CheckResult::Fail),
            "a verified value has no failed check"
        );
        Verified { value, summary }
    }

    /// Wraps a hand-built value as if it had been verified, for the tests, benchmarks and
    /// examples of crates downstream of the verifier (index, ranking) that need many records
    /// without signing documents. Never call it in product code: it skips verification
    /// entirely, and the tidy test allows it only under `tests/`, `benches/` and `examples/`.
    #[doc(hidden)]
    #[cfg(feature = "test-support")]
    pub fn assumed_verified_for_tests(value: T, summary: VerificationSummary) -> Self {
        Verified { value, summary }
    }

    /// The verified value.
    pub fn value(&self) -> &T {
        &self.value
    }

    /// What verification established.
    pub fn summary(&self) -> &VerificationSummary {
        &self.summary
    }

    /// Always [`Outcome::Verified`].
    pub fn outcome(&self) -> Outcome {
        Outcome::Verified
    }

    /// Transforms the value, keeping the verification: for derived views of the same
    /// verified document (e.g. the facts the index stores).
    pub fn map<U>(self, transform: impl FnOnce(T) -> U) -> Verified<U> {
        Verified {
            value: transform(self.value),
            summary: self.summary,
        }
    }

    /// Splits into value and summary.
    pub fn into_parts(self) -> (T, VerificationSummary) {
        (self.value, self.summary)
    }
}
