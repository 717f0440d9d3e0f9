//! Vocabulary types shared by every skillproof crate (layer L0).
//!
//! The one design decision here: a verification result is data, never an `Err`. Every
//! credential ends in exactly one [`Outcome`], explained by a list of [`Check`]s, and only a
//! credential whose outcome is [`Outcome::Verified`] can be wrapped in [`Verified`], which is
//! what the index accepts.

#![warn(missing_docs)]

mod outcome;
mod record;
mod verified;

pub use outcome::{Check, CheckKind, CheckResult, Container, Format, Outcome, ProofSummary};
pub use record::{
    AchievementRef, CredentialKind, CredentialRecord, DemandKind, DemandRecord, EarnerRef,
    IssuerRef, OriginalCredential, RegionRef, RegionSource, SkillClaim, SkillMethod,
};
pub use verified::{VerificationSummary, Verified};
