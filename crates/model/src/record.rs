//! What the index keeps about each verified credential, and about each demand signal.
//!
//! A [`CredentialRecord`] is derived from a verified document (never from a second,
//! unverified parse of the same bytes) and travels as `Verified<CredentialRecord>`: the
//! crawler maps the verifier's `Verified<VerifiedDocument>` with `Verified::map`, so the seal
//! survives. Nothing here identifies a person beyond what they chose to publish: the earner
//! is a key (a DID, or an issuer-scoped hash), never an e-mail address or a phone number, and
//! a location is never finer than a forward sortation area (FSA).

use serde::{Deserialize, Serialize};

use crate::Format;

/// One verified credential, as indexed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CredentialRecord {
    /// Stable id: the credential's own `id`, else `sha256:<content hash>`.
    pub credential_id: String,
    /// SHA-256 (hex) of the verified bytes: an unchanged credential is not verified again.
    pub content_sha256: String,
    /// Where the crawler found it, when it was crawled.
    pub source_url: Option<String>,
    /// The earner, and whether they may be found as a person.
    pub earner: EarnerRef,
    /// Who issued it.
    pub issuer: IssuerRef,
    /// What was achieved.
    pub achievement: AchievementRef,
    /// Skills the credential evidences, each with how it was found.
    pub skills: Vec<SkillClaim>,
    /// Where the supply counts.
    pub region: Option<RegionRef>,
    /// Issuance (`validFrom` / `issuanceDate`, else the proof's `created`), seconds since the epoch.
    pub issued_at: Option<i64>,
    /// End of validity, seconds since the epoch.
    pub valid_until: Option<i64>,
    /// The credential's format.
    pub format: Format,
    /// The original signed bytes, so that anyone can re-verify offline.
    pub original: OriginalCredential,
}

/// The person a credential was issued to, as far as we may know them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EarnerRef {
    /// `did:…` when the subject has a DID; `idhash:<sha256>` of the issuer id and the
    /// issuer's identity hash otherwise (issuer-scoped: salts differ between issuers, so the
    /// same person at two issuers is two keys); `anon:<credential id hash>` when the
    /// credential names nobody.
    pub key: String,
    /// True only when the earner consented to be found as a person: a presentation they
    /// signed (holder = subject), or an opt-in their issuer publishes for them.
    pub findable: bool,
    /// Where the consent came from (the presentation's URL, or the issuer's opt-in list).
    pub consent_source: Option<String>,
}

/// The issuer of a credential.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssuerRef {
    /// The issuer id the key was bound to (DID or URL).
    pub id: String,
    /// Display name.
    pub name: Option<String>,
    /// The domain that vouches for the issuer (`did:web` host or https host).
    pub domain: Option<String>,
}

/// Coarse kind of credential, from Open Badges 3.0 `achievementType` and CLR.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CredentialKind {
    /// Bachelor's, master's, doctoral, associate degree.
    Degree,
    /// Diploma (college or secondary school).
    Diploma,
    /// Certificate, certification, apprenticeship or journeyman certificate.
    Certificate,
    /// A micro-credential.
    MicroCredential,
    /// A badge (including OB 2.0 badges of unstated type).
    Badge,
    /// A licence.
    License,
    /// A course, assignment or assessment.
    Course,
    /// Anything else.
    Other,
}

impl CredentialKind {
    /// The stable snake_case code.
    pub fn code(self) -> &'static str {
        match self {
            CredentialKind::Degree => "degree",
            CredentialKind::Diploma => "diploma",
            CredentialKind::Certificate => "certificate",
            CredentialKind::MicroCredential => "micro_credential",
            CredentialKind::Badge => "badge",
            CredentialKind::License => "license",
            CredentialKind::Course => "course",
            CredentialKind::Other => "other",
        }
    }

    /// Every kind, for facets and validation.
    pub const ALL: &'static [CredentialKind] = &[
        CredentialKind::Degree,
        CredentialKind::Diploma,
        CredentialKind::Certificate,
        CredentialKind::MicroCredential,
        CredentialKind::Badge,
        CredentialKind::License,
        CredentialKind::Course,
        CredentialKind::Other,
    ];
}

/// What was achieved.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AchievementRef {
    /// The achievement's id, when it has one (programs are grouped by it).
    pub id: Option<String>,
    /// Its name.
    pub name: String,
    /// Its description, for people and for full-text search.
    pub description: Option<String>,
    /// Coarse kind.
    pub kind: CredentialKind,
    /// True for credit-bearing credentials (`creditsEarned` / `creditsAvailable` > 0).
    pub credit: bool,
}

/// How a skill was attached to a credential, strongest evidence first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SkillMethod {
    /// The issuer declared it in a signed alignment.
    Alignment,
    /// Its label was found in the achievement's text.
    Text,
    /// Reached through a crosswalk from a skill found as above.
    Crosswalk,
    /// A broader concept of a skill found as above.
    Hierarchy,
}

impl SkillMethod {
    /// The stable snake_case code.
    pub fn code(self) -> &'static str {
        match self {
            SkillMethod::Alignment => "alignment",
            SkillMethod::Text => "text",
            SkillMethod::Crosswalk => "crosswalk",
            SkillMethod::Hierarchy => "hierarchy",
        }
    }
}

/// A skill a credential evidences.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SkillClaim {
    /// Prefixed concept id (`esco:skill/…`, `onet:…`, `noc:…`, `local:…`).
    pub id: String,
    /// Preferred label.
    pub label: String,
    /// Strongest method.
    pub method: SkillMethod,
    /// Confidence in [0, 1].
    pub confidence: f32,
    /// The quoted text for text matches.
    pub span: Option<String>,
    /// Hierarchy paths from the taxonomy roots to the concept (`/esco/S/S1/S1.2/<id>`), so
    /// that a query on a broader concept matches narrower ones.
    pub facets: Vec<String>,
}

/// Where a credential's supply counts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RegionRef {
    /// Forward sortation area (never anything finer).
    pub fsa: Option<String>,
    /// Census division (`cduid`).
    pub cduid: Option<String>,
    /// Economic region (`eruid`).
    pub eruid: Option<String>,
    /// Workforce planning board area.
    pub wpb_id: Option<String>,
    /// FSA (or place) centre, for radius search.
    pub latitude: Option<f64>,
    /// FSA (or place) centre, for radius search.
    pub longitude: Option<f64>,
    /// Where the location came from.
    pub source: RegionSource,
}

/// Where a location came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RegionSource {
    /// The earner published it (an FSA or postal code in their own presentation or profile).
    Earner,
    /// The issuer's address (the campus where the learning happened), used when the earner's
    /// location is unknown.
    Issuer,
    /// Where a job is (demand).
    JobLocation,
}

/// The original signed credential.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OriginalCredential {
    /// `application/vc+ld+json`, `application/vc+jwt`, `image/png`, `image/svg+xml`, …
    pub media_type: String,
    /// The bytes, base64 (standard alphabet) for binary media types, as is for text ones.
    pub content: String,
}

/// One demand signal: a job posting (schema.org `JobPosting`) or a requirement an employer
/// submitted, mapped to skills and a region. Demand is not a credential: it is not verified,
/// and its source is kept so that every gap can be traced back.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DemandRecord {
    /// Stable id (the posting's URL or identifier, or the saved requirement's id).
    pub demand_id: String,
    /// `posting` or `requirement`.
    pub kind: DemandKind,
    /// Where it came from.
    pub source_url: Option<String>,
    /// The hiring organization's name.
    pub employer: Option<String>,
    /// Job title.
    pub title: String,
    /// NOC 2021 unit group, when coded.
    pub noc: Option<String>,
    /// Skills asked for.
    pub skills: Vec<SkillClaim>,
    /// Where the job is.
    pub region: Option<RegionRef>,
    /// Month posted, `YYYY-MM`.
    pub month: String,
    /// Number of vacancies (1 when unstated).
    pub vacancies: u32,
}

/// Kinds of demand signal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DemandKind {
    /// A crawled or imported job posting.
    Posting,
    /// A requirement an employer submitted to search.
    Requirement,
}
