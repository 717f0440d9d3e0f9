//! What a verification returns: one outcome, explained by checks.

use std::sync::Arc;

use model::{
    Check, CheckKind, CheckResult, Container, Format, Outcome, ProofSummary, VerificationSummary,
    Verified,
};
use serde_json::Value;

/// A document that passed verification, as the verifier read it: only these fields may be
/// indexed (reliability rule 3: never a second, unverified parse of the same bytes).
#[derive(Debug, Clone)]
pub struct VerifiedDocument {
    /// The credential or presentation (for a JWT, its credential payload).
    pub document: Arc<Value>,
    /// How it was packaged.
    pub container: Container,
    /// Verified nested credentials (CLR members, presentation members).
    pub nested: Vec<Verified<VerifiedDocument>>,
    /// The signed bytes (see [`VerificationReport::original`]).
    pub original: Arc<[u8]>,
}

/// The full result of verifying one input. Failures are data here, never `Err`
/// (ARCHITECTURE.md, invariant 2).
#[derive(Debug, Clone)]
pub struct VerificationReport {
    /// The single classification: the first failing check in pipeline order, or `verified`.
    pub outcome: Outcome,
    /// What kind of credential it was.
    pub format: Format,
    /// How it was packaged.
    pub container: Container,
    /// Issuer id (DID or URL), once known.
    pub issuer: Option<String>,
    /// Issuer display name, once known.
    pub issuer_name: Option<String>,
    /// The achievement (or credential) name, for people.
    pub achievement_name: Option<String>,
    /// The proofs found, each judged.
    pub proofs: Vec<ProofSummary>,
    /// Every check, in the order it ran.
    pub checks: Vec<Check>,
    /// Reports of nested credentials (CLR, presentations), in document order.
    pub nested: Vec<VerificationReport>,
    /// The credential document as parsed (for a JWT, its credential payload). Only the
    /// fields of a *verified* document may be indexed.
    pub document: Option<Arc<Value>>,
    /// The signed bytes as they came in (for a nested member, as it appeared in its
    /// container: a JWT string, or the member object serialized), so that anyone can verify
    /// them again offline.
    pub original: Option<Arc<[u8]>>,
    /// Set only where a check positively established that the issuer (the holder, for a
    /// presentation) stands behind the document. [`VerificationReport::seal`] refuses
    /// `verified` without it, so a forgotten check fails closed.
    bound_to_controller: bool,
}

impl VerificationReport {
    pub(crate) fn new(format: Format, container: Container) -> Self {
        VerificationReport {
            outcome: Outcome::Verified,
            format,
            container,
            issuer: None,
            issuer_name: None,
            achievement_name: None,
            proofs: Vec::new(),
            checks: Vec::new(),
            nested: Vec::new(),
            document: None,
            original: None,
            bound_to_controller: false,
        }
    }

    /// A report for input that failed before any format was recognised.
    pub(crate) fn rejected(container: Container, outcome: Outcome, check: Check) -> Self {
        let mut report = VerificationReport::new(Format::Unknown, container);
        report.record(check, outcome);
        report
    }

    /// Records a check. A failing check makes `outcome_if_failed` the outcome unless an
    /// earlier failure in pipeline order (`Outcome`'s `Ord`) already stands.
    pub(crate) fn record(&mut self, check: Check, outcome_if_failed: Outcome) {
        if check.result == CheckResult::Fail {
            self.fail_with(outcome_if_failed);
        }
        self.checks.push(check);
    }

    /// Lowers the outcome to `outcome` if that failure comes earlier in pipeline order.
    pub(crate) fn fail_with(&mut self, outcome: Outcome) {
        debug_assert_ne!(outcome, Outcome::Verified);
        if self.outcome == Outcome::Verified || outcome < self.outcome {
            self.outcome = outcome;
        }
    }

    /// Records a check that cannot fail.
    pub(crate) fn note(&mut self, check: Check) {
        debug_assert_ne!(check.result, CheckResult::Fail);
        self.checks.push(check);
    }

    /// Records that the issuer (holder) binding was positively established.
    pub(crate) fn mark_bound_to_controller(&mut self) {
        self.bound_to_controller = true;
    }

    /// The last step of every verification path: a report may only say `verified` if some
    /// check established the binding to the issuer (holder) and a signature passed. Absence
    /// of failures is not enough (ARCHITECTURE.md, invariant 4). Idempotent.
    pub(crate) fn seal(mut self) -> Self {
        if self.outcome == Outcome::Verified {
            let signature_passed = self.checks.iter().any(|check| {
                check.check == CheckKind::Signature && check.result == CheckResult::Pass
            });
            if !self.bound_to_controller || !signature_passed {
                self.record(
                    Check::fail(
                        CheckKind::KeyBinding,
                        "no check established that the issuer stands behind this document",
                    ),
                    Outcome::UnboundKey,
                );
            }
        }
        self.nested = self
            .nested
            .into_iter()
            .map(VerificationReport::seal)
            .collect();
        self
    }

    /// The verified credential, when (and only when) the outcome is `verified`: the one way
    /// to obtain a [`model::Verified`] (ARCHITECTURE.md, invariant 1). Otherwise the report
    /// comes back unchanged.
    /// `verified_at` is the instant the report was judged at (`VerifyOptions::now`).
    pub fn into_verified(
        self,
        verified_at: time::OffsetDateTime,
    ) -> Result<Verified<VerifiedDocument>, Box<VerificationReport>> {
        let sealed = self.seal();
        let Some(document) = sealed.document.clone().filter(|_| sealed.is_verified()) else {
            return Err(Box::new(sealed));
        };
        let summary = VerificationSummary {
            format: sealed.format,
            issuer: sealed.issuer.clone().unwrap_or_default(),
            proofs: sealed.proofs.clone(),
            checks: sealed.checks.clone(),
            verified_at: crate::util::format_datetime(verified_at),
        };
        let original = sealed.original.clone().unwrap_or_else(|| {
            Arc::from(serde_json::to_vec(document.as_ref()).unwrap_or_default())
        });
        let nested = sealed
            .nested
            .into_iter()
            .filter_map(|member| member.into_verified(verified_at).ok())
            .collect();
        Ok(Verified::vouched_by_verifier(
            VerifiedDocument {
                document,
                container: sealed.container,
                nested,
                original,
            },
            summary,
        ))
    }

    /// True only when every check passed.
    pub fn is_verified(&self) -> bool {
        self.outcome == Outcome::Verified
    }

    /// The first failed check, for one-line explanations.
    pub fn first_failure(&self) -> Option<&Check> {
        self.checks
            .iter()
            .find(|check| check.result == CheckResult::Fail)
    }

    /// The checks of one kind.
    pub fn checks_of(&self, kind: CheckKind) -> impl Iterator<Item = &Check> {
        self.checks.iter().filter(move |check| check.check == kind)
    }
}
