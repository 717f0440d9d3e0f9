//! Evidence strength and the explanation types every ranked result carries.
//!
//! The strength of one claim (a credential evidencing a skill) is a product of documented
//! factors, each in [0, 1]:
//!
//! ```text
//! strength = METHOD_WEIGHTS[method] × confidence × recency(issued_at, as_of) × validity
//! ```
//!
//! - **method**: how the skill was attached ([`METHOD_WEIGHTS`]): an issuer's signed
//!   alignment is the strongest evidence, a label found in the achievement's text next,
//!   inferences through crosswalks and the hierarchy the weakest.
//! - **confidence**: the mapping's own confidence in the claim.
//! - **recency** ([`recency`]): skills age; half the weight is lost every
//!   [`RECENCY_HALF_LIFE_YEARS`], never below [`RECENCY_FLOOR`].
//! - **validity**: 1 for every claim the ranker sees. Revoked, suspended and withdrawn
//!   credentials are deleted from the index at the next commit, and the ranker asks the
//!   index only for credentials valid at the request's `as_of` (`ClaimFilter::valid_at`),
//!   so an expired credential never counts.

use model::{CredentialKind, SkillMethod, VerificationSummary};
use serde::{Deserialize, Serialize};

use crate::requirements::{Importance, MatchKind};

/// Weight of each method of attaching a skill, strongest first.
pub const METHOD_WEIGHTS: [(SkillMethod, f64); 4] = [
    (SkillMethod::Alignment, 1.0),
    (SkillMethod::Text, 0.85),
    (SkillMethod::Crosswalk, 0.7),
    (SkillMethod::Hierarchy, 0.6),
];

/// Evidence loses half its recency weight every this many years…
pub const RECENCY_HALF_LIFE_YEARS: f64 = 10.0;

/// …but never falls below this share; an undated credential gets exactly this.
pub const RECENCY_FLOOR: f64 = 0.5;

/// Seconds in a (Julian) year, for ages.
const SECONDS_PER_YEAR: f64 = 365.25 * 86_400.0;

/// The weight of a method in [`METHOD_WEIGHTS`].
pub fn method_weight(method: SkillMethod) -> f64 {
    METHOD_WEIGHTS
        .iter()
        .find(|(kind, _)| *kind == method)
        .map_or(0.0, |(_, weight)| *weight)
}

/// `max(RECENCY_FLOOR, 0.5 ^ (age / RECENCY_HALF_LIFE_YEARS))` for a credential issued at
/// `issued_at` judged at `as_of` (both seconds since the epoch); 1 for a credential issued at
/// or after `as_of`, [`RECENCY_FLOOR`] for an undated one.
pub fn recency(issued_at: Option<i64>, as_of: i64) -> f64 {
    match issued_at {
        None => RECENCY_FLOOR,
        Some(issued_at) => {
            let age_years = (as_of.saturating_sub(issued_at)).max(0) as f64 / SECONDS_PER_YEAR;
            0.5f64
                .powf(age_years / RECENCY_HALF_LIFE_YEARS)
                .max(RECENCY_FLOOR)
        }
    }
}

/// The strength of one claim (see the module documentation).
pub fn strength(method: SkillMethod, confidence: f32, issued_at: Option<i64>, as_of: i64) -> f64 {
    let confidence = f64::from(confidence);
    let confidence = if confidence.is_finite() {
        confidence.clamp(0.0, 1.0)
    } else {
        0.0
    };
    method_weight(method) * confidence * recency(issued_at, as_of)
}

/// An issuer as shown in explanations.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IssuerSummary {
    /// The issuer id the verifier bound the key to (DID or URL).
    pub id: String,
    /// Display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The domain that vouches for it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain: Option<String>,
}

/// An achievement as shown in explanations.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AchievementSummary {
    /// Its id, when it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Its name.
    pub name: String,
    /// Coarse kind.
    pub kind: CredentialKind,
    /// Credit-bearing.
    pub credit: bool,
}

/// One proof as the verifier judged it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProofBrief {
    /// Proof type or JOSE algorithm.
    #[serde(rename = "type")]
    pub proof_type: String,
    /// Cryptosuite, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cryptosuite: Option<String>,
    /// The verification method (bound to the issuer).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verification_method: Option<String>,
}

/// What the verifier established for one credential, in brief. The full proof chain and the
/// original bytes stay in the index for offline re-verification.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VerificationBrief {
    /// `verified`: only verified credentials are ever indexed.
    pub outcome: String,
    /// The credential's format.
    pub format: model::Format,
    /// The issuer id the key was bound to.
    pub issuer: String,
    /// When it was verified (RFC 3339).
    pub verified_at: String,
    /// Its proofs.
    pub proofs: Vec<ProofBrief>,
    /// Checks that passed.
    pub checks_passed: usize,
    /// Checks that did not apply or only warned.
    pub checks_skipped_or_warned: usize,
}

impl VerificationBrief {
    /// The brief of a verifier's summary.
    pub fn of(summary: &VerificationSummary) -> VerificationBrief {
        let passed = summary
            .checks
            .iter()
            .filter(|check| check.result == model::CheckResult::Pass)
            .count();
        VerificationBrief {
            outcome: model::Outcome::Verified.code().to_owned(),
            format: summary.format,
            issuer: summary.issuer.clone(),
            verified_at: summary.verified_at.clone(),
            proofs: summary
                .proofs
                .iter()
                .map(|proof| ProofBrief {
                    proof_type: proof.proof_type.clone(),
                    cryptosuite: proof.cryptosuite.clone(),
                    verification_method: proof.verification_method.clone(),
                })
                .collect(),
            checks_passed: passed,
            checks_skipped_or_warned: summary.checks.len() - passed,
        }
    }
}

/// One credential evidencing one requirement.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CredentialEvidence {
    /// The credential id (look it up for the original bytes and the full proof chain).
    pub credential_id: String,
    /// Who issued it.
    pub issuer: IssuerSummary,
    /// What was achieved.
    pub achievement: AchievementSummary,
    /// The skill it claims (prefixed id).
    pub skill: String,
    /// That skill's label.
    pub skill_label: String,
    /// How that skill relates to the required concept.
    pub match_kind: MatchKind,
    /// The required concept it was matched to.
    pub required_skill: String,
    /// How the skill was attached to the credential.
    pub method: SkillMethod,
    /// The mapping's confidence.
    pub confidence: f32,
    /// The quoted text, for text matches.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub span: Option<String>,
    /// Issued (RFC 3339), when dated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issued_at: Option<String>,
    /// Valid until (RFC 3339), when it expires.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_until: Option<String>,
    /// The partial credit of the match kind (and crosswalk edge).
    pub credit: f64,
    /// The claim's strength ([`strength`]).
    pub strength: f64,
    /// `credit × strength`: what this credential is worth for the requirement.
    pub value: f64,
    /// What the verifier established.
    pub verification: VerificationBrief,
}

/// One addend of a score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScoreComponent {
    /// The requirement (or, for programs, the skill) it belongs to.
    pub requirement: String,
    /// Must or should.
    pub importance: Importance,
    /// The requirement's share of the total weight (`weight / Σ weights`).
    pub share: f64,
    /// The best evidence's value in [0, 1] (0 when missing).
    pub credit: f64,
    /// `share × credit`. The components of a result add up to its score exactly.
    pub value: f64,
}

/// Formats seconds since the epoch as RFC 3339 (UTC).
pub fn rfc3339(seconds: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(seconds)
        .ok()
        .and_then(|instant| {
            instant
                .format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_else(|| seconds.to_string())
}

/// Parses an RFC 3339 instant to seconds since the epoch.
pub fn parse_rfc3339(text: &str) -> Option<i64> {
    time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339)
        .ok()
        .map(time::OffsetDateTime::unix_timestamp)
}

/// Serde for instants kept as seconds and written as RFC 3339.
pub(crate) mod instant {
    use serde::{Deserialize, Deserializer, Serializer};

    pub(crate) fn serialize<S: Serializer>(
        seconds: &i64,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&super::rfc3339(*seconds))
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<i64, D::Error> {
        let text = String::deserialize(deserializer)?;
        super::parse_rfc3339(&text)
            .ok_or_else(|| serde::de::Error::custom(format!("not an RFC 3339 instant: {text:?}")))
    }

    pub(crate) mod option {
        use serde::{Deserialize, Deserializer, Serializer};

        pub(crate) fn serialize<S: Serializer>(
            seconds: &Option<i64>,
            serializer: S,
        ) -> Result<S::Ok, S::Error> {
            match seconds {
                Some(seconds) => serializer.serialize_str(&super::super::rfc3339(*seconds)),
                None => serializer.serialize_none(),
            }
        }

        pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
            deserializer: D,
        ) -> Result<Option<i64>, D::Error> {
            let text: Option<String> = Option::deserialize(deserializer)?;
            text.map(|text| {
                super::super::parse_rfc3339(&text).ok_or_else(|| {
                    serde::de::Error::custom(format!("not an RFC 3339 instant: {text:?}"))
                })
            })
            .transpose()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strength_orders_methods_and_decays_with_age() {
        let now = 1_780_272_000;
        let year = 31_557_600;
        let methods = [
            SkillMethod::Alignment,
            SkillMethod::Text,
            SkillMethod::Crosswalk,
            SkillMethod::Hierarchy,
        ];
        for pair in methods.windows(2) {
            assert!(
                strength(pair[0], 1.0, Some(now), now) > strength(pair[1], 1.0, Some(now), now)
            );
        }
        assert_eq!(recency(Some(now), now), 1.0);
        assert!((recency(Some(now - 10 * year), now) - 0.5).abs() < 1e-12);
        assert_eq!(recency(Some(now - 40 * year), now), RECENCY_FLOOR);
        assert_eq!(recency(None, now), RECENCY_FLOOR);
        assert_eq!(recency(Some(now + year), now), 1.0);
        assert_eq!(strength(SkillMethod::Text, f32::NAN, Some(now), now), 0.0);
    }

    #[test]
    fn instants_round_trip() {
        assert_eq!(rfc3339(1_780_272_000), "2026-06-01T00:00:00Z");
        assert_eq!(parse_rfc3339("2026-06-01T00:00:00Z"), Some(1_780_272_000));
        assert_eq!(parse_rfc3339("yesterday"), None);
    }
}
