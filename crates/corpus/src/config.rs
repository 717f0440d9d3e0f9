//! What to generate. Every field has a documented default; `validate` refuses anything that
//! would produce a corpus that lies (shares outside [0, 1]) or leaks onto real domains.

use time::OffsetDateTime;

use crate::Error;

/// How big, how mixed and how flawed the ecosystem is.
#[derive(Debug, Clone, PartialEq)]
pub struct CorpusConfig {
    /// Everything follows from this seed: same seed, same bytes.
    pub seed: u64,
    /// The instant the expected outcomes hold at. Credentials are issued before it; the
    /// expected outcomes stay true for verification anywhere in `[now, now + 30 days]`.
    pub now: OffsetDateTime,
    /// Number of earners.
    pub earners: usize,
    /// Number of job postings.
    pub postings: usize,
    /// Number of job requirements with graded relevance (at least 1).
    pub requirements: usize,
    /// Share of earners identified by a `did:key` (the others only by a salted e-mail hash).
    pub did_share: f64,
    /// Share of `did:key` earners who publish a signed opt-in presentation (findable).
    pub presentation_share: f64,
    /// Share of presentations later withdrawn (gone in [`crate::SiteState::Current`]).
    pub withdraw_share: f64,
    /// Share of credentials carrying each defect.
    pub negatives: NegativeRates,
    /// Host name suffix; must end in a reserved top-level domain (`.test`, `.example`,
    /// `.invalid`, `.localhost`) so that nothing can ever point at a real site.
    pub domain_suffix: String,
    /// The https port the demo serves on; `None` means 443 (no port in URLs and DIDs).
    pub https_port: Option<u16>,
}

/// Per-credential probabilities of each defect (drawn exclusively; at least one credential of
/// each kind is forced when the corpus has enough credentials).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NegativeRates {
    /// Revoked in the issuer's status list (or 410 Gone for hosted Open Badges 2.0).
    pub revoked: f64,
    /// Valid at first, revoked later: verified in [`crate::SiteState::Initial`], revoked in
    /// [`crate::SiteState::Current`].
    pub revoked_later: f64,
    /// Past its `validUntil` / `expires`.
    pub expired: f64,
    /// Altered after signing.
    pub tampered: f64,
    /// Signed with a key the issuer does not publish at all.
    pub unpublished_key: f64,
    /// Signed with a key the issuer publishes, but only for `authentication`.
    pub unlisted_key: f64,
    /// Broken files (truncated JSON, a JWT missing its signature, a PNG failing its CRC, an
    /// unclosed SVG).
    pub malformed: f64,
}

impl Default for NegativeRates {
    fn default() -> Self {
        NegativeRates {
            revoked: 0.03,
            revoked_later: 0.01,
            expired: 0.025,
            tampered: 0.006,
            unpublished_key: 0.004,
            unlisted_key: 0.004,
            malformed: 0.004,
        }
    }
}

impl NegativeRates {
    fn all(&self) -> [(&'static str, f64); 7] {
        [
            ("revoked", self.revoked),
            ("revoked_later", self.revoked_later),
            ("expired", self.expired),
            ("tampered", self.tampered),
            ("unpublished_key", self.unpublished_key),
            ("unlisted_key", self.unlisted_key),
            ("malformed", self.malformed),
        ]
    }

    /// Sum of all rates (the share of credentials with some defect).
    pub fn total(&self) -> f64 {
        self.all().iter().map(|(_, rate)| rate).sum()
    }
}

/// Most earners and postings accepted: far beyond any benchmark, well before memory runs out.
const MAX_EARNERS: usize = 2_000_000;
const MAX_POSTINGS: usize = 1_000_000;
const MAX_REQUIREMENTS: usize = 1_000;

impl CorpusConfig {
    /// The demo's default: about 5,000 earners, 20,000 credentials, 2,000 postings and 48
    /// job requirements.
    pub fn demo(seed: u64, now: OffsetDateTime) -> Self {
        CorpusConfig {
            seed,
            now,
            earners: 5_000,
            postings: 2_000,
            requirements: 48,
            did_share: 0.55,
            presentation_share: 0.6,
            withdraw_share: 0.03,
            negatives: NegativeRates::default(),
            domain_suffix: "demo.skillproof.test".to_owned(),
            https_port: None,
        }
    }

    /// A small corpus for tests: 200 earners (about 800 credentials), 100 postings, 40
    /// requirements.
    pub fn small(seed: u64, now: OffsetDateTime) -> Self {
        CorpusConfig {
            earners: 200,
            postings: 100,
            requirements: 40,
            ..CorpusConfig::demo(seed, now)
        }
    }

    /// Multiplies earners and postings by `factor` (requirements stay as they are):
    /// `demo(..).scaled(20)` is the 100,000-earner benchmark corpus.
    pub fn scaled(mut self, factor: usize) -> Self {
        self.earners = self.earners.saturating_mul(factor);
        self.postings = self.postings.saturating_mul(factor);
        self
    }

    /// The URL origin of a host under this configuration.
    pub fn origin(&self, host: &str) -> String {
        match self.https_port {
            None | Some(443) => format!("https://{host}"),
            Some(port) => format!("https://{host}:{port}"),
        }
    }

    /// `did:web` of a host under this configuration (the port percent-encoded).
    pub fn did_web(&self, host: &str) -> String {
        match self.https_port {
            None | Some(443) => format!("did:web:{host}"),
            Some(port) => format!("did:web:{host}%3A{port}"),
        }
    }

    /// A host name under the configured suffix.
    pub fn host(&self, label: &str) -> String {
        format!("{label}.{}", self.domain_suffix)
    }

    /// Refuses configurations that cannot be generated honestly.
    pub fn validate(&self) -> Result<(), Error> {
        let invalid = |message: String| Err(Error::InvalidConfig(message));
        if self.earners == 0 || self.earners > MAX_EARNERS {
            return invalid(format!(
                "earners must be 1 to {MAX_EARNERS}, not {}",
                self.earners
            ));
        }
        if self.postings > MAX_POSTINGS {
            return invalid(format!(
                "postings must be at most {MAX_POSTINGS}, not {}",
                self.postings
            ));
        }
        if self.requirements == 0 || self.requirements > MAX_REQUIREMENTS {
            return invalid(format!(
                "requirements must be 1 to {MAX_REQUIREMENTS}, not {}",
                self.requirements
            ));
        }
        for (name, share) in [
            ("did_share", self.did_share),
            ("presentation_share", self.presentation_share),
            ("withdraw_share", self.withdraw_share),
        ]
        .into_iter()
        .chain(self.negatives.all())
        {
            if !(0.0..=1.0).contains(&share) {
                return invalid(format!("{name} must be a share in [0, 1], not {share}"));
            }
        }
        if self.negatives.total() > 0.5 {
            return invalid(format!(
                "defect rates add up to {:.3}; keep them under 0.5 so that most credentials verify",
                self.negatives.total()
            ));
        }
        if self.https_port == Some(0) {
            return invalid("https_port 0 is not a port".to_owned());
        }
        let suffix = self
            .domain_suffix
            .trim_end_matches('.')
            .to_ascii_lowercase();
        let labels_ok = !suffix.is_empty()
            && suffix.len() <= 200
            && suffix.split('.').all(|label| {
                !label.is_empty()
                    && label.len() <= 63
                    && label
                        .bytes()
                        .all(|byte| byte.is_ascii_alphanumeric() || byte == b'-')
                    && !label.starts_with('-')
                    && !label.ends_with('-')
            });
        if !labels_ok || suffix != self.domain_suffix {
            return invalid(format!(
                "domain_suffix {:?} is not a lower-case host name",
                self.domain_suffix
            ));
        }
        let reserved = ["test", "example", "invalid", "localhost"];
        if !reserved
            .iter()
            .any(|tld| suffix == *tld || suffix.ends_with(&format!(".{tld}")))
        {
            return invalid(format!(
                "domain_suffix {suffix:?} must end in a reserved top-level domain (.test, .example, .invalid, .localhost): demo issuers never use real domains"
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> OffsetDateTime {
        OffsetDateTime::from_unix_timestamp(1_780_000_000).expect("instant")
    }

    #[test]
    fn bad_configurations_are_refused_with_a_reason() {
        let base = CorpusConfig::small(1, now());
        assert!(base.validate().is_ok());
        let cases: Vec<(CorpusConfig, &str)> = vec![
            (
                CorpusConfig {
                    earners: 0,
                    ..base.clone()
                },
                "earners",
            ),
            (
                CorpusConfig {
                    requirements: 0,
                    ..base.clone()
                },
                "requirements",
            ),
            (
                CorpusConfig {
                    did_share: 1.5,
                    ..base.clone()
                },
                "did_share",
            ),
            (
                CorpusConfig {
                    withdraw_share: f64::NAN,
                    ..base.clone()
                },
                "withdraw_share",
            ),
            (
                CorpusConfig {
                    negatives: NegativeRates {
                        revoked: 0.6,
                        ..NegativeRates::default()
                    },
                    ..base.clone()
                },
                "defect rates",
            ),
            (
                CorpusConfig {
                    domain_suffix: "conestogac.on.ca".into(),
                    ..base.clone()
                },
                "reserved",
            ),
            (
                CorpusConfig {
                    domain_suffix: "Demo.Test".into(),
                    ..base.clone()
                },
                "lower-case",
            ),
            (
                CorpusConfig {
                    domain_suffix: "".into(),
                    ..base.clone()
                },
                "host name",
            ),
            (
                CorpusConfig {
                    https_port: Some(0),
                    ..base.clone()
                },
                "port",
            ),
        ];
        for (config, needle) in cases {
            match config.validate() {
                Err(Error::InvalidConfig(message)) => {
                    assert!(message.contains(needle), "{needle}: {message}")
                }
                other => panic!("{needle}: {other:?}"),
            }
        }
    }

    #[test]
    fn origins_and_dids_carry_the_port_only_when_needed() {
        let mut config = CorpusConfig::small(1, now());
        assert_eq!(
            config.origin("a.demo.skillproof.test"),
            "https://a.demo.skillproof.test"
        );
        assert_eq!(
            config.did_web("a.demo.skillproof.test"),
            "did:web:a.demo.skillproof.test"
        );
        config.https_port = Some(8443);
        assert_eq!(config.origin("a.test"), "https://a.test:8443");
        assert_eq!(config.did_web("a.test"), "did:web:a.test%3A8443");
    }
}
