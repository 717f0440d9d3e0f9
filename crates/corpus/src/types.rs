//! The ground truth: who issued what to whom, where, in which format, and what a correct
//! verifier must say about it.

use model::{CredentialKind, Outcome};
use time::OffsetDateTime;

/// Which published state of the web a question is about. Withdrawals (an earner taking down
/// their presentation) and late revocations happen between the two, so a re-crawl of
/// [`SiteState::Current`] after indexing [`SiteState::Initial`] exercises deletes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SiteState {
    /// Before any withdrawal or late revocation.
    Initial,
    /// After them (the default everywhere).
    Current,
}

/// How an issuer identifies itself and publishes its keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IssuerIdentity {
    /// `did:web:<host>`, DID document at `/.well-known/did.json`.
    DidWeb,
    /// `https://<host>/issuer`: an Open Badges issuer profile that is also its controller
    /// document.
    HttpsProfile,
}

/// The mix of formats an issuer's platform publishes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Platform {
    /// Mostly `eddsa-rdfc-2022`.
    Rdfc,
    /// Mostly `eddsa-jcs-2022`.
    Jcs,
    /// Many VC-JWTs.
    Jwt,
    /// Many `Ed25519Signature2020` proofs (an older stack).
    Legacy,
}

/// A demo issuer.
#[derive(Debug, Clone)]
pub struct Issuer {
    /// Position in [`crate::Plan::issuers`].
    pub index: usize,
    /// Short label, also the first label of the host name.
    pub slug: String,
    /// Display name, always marked as a demo issuer.
    pub name: String,
    /// The real institution the demo issuer is modelled on.
    pub institution: String,
    /// A partner in the pilot it is modelled on.
    pub partner: Option<String>,
    /// The micro-credential pilot it is modelled on, if any.
    pub pilot: Option<String>,
    /// The public description (says plainly that it is a demo).
    pub description: String,
    /// Host name (`conestoga.demo.skillproof.test`).
    pub host: String,
    /// `https://<host>[:port]`.
    pub origin: String,
    /// The issuer id credentials name: a `did:web` or the https profile URL.
    pub id: String,
    /// How the key is published.
    pub identity: IssuerIdentity,
    /// Format mix.
    pub platform: Platform,
    /// The verification method listed under `assertionMethod`.
    pub assertion_method: String,
    /// A second key, listed only under `authentication` (signing credentials with it is a
    /// negative case).
    pub authentication_method: String,
    /// Where the controller document is served (DID document or profile).
    pub controller_document_url: String,
    /// Campus city.
    pub city: String,
    /// Campus FSA.
    pub fsa: String,
    /// Census division.
    pub cduid: String,
    /// Economic region.
    pub eruid: String,
    /// Workforce planning board area.
    pub wpb_id: String,
    /// Relative size, for earners' choices.
    pub capacity: u32,
    /// Issues CLR 2.0 transcripts.
    pub clr: bool,
    /// Also publishes Open Badges 2.0 badges.
    pub ob2: bool,
    /// Its achievements (programs).
    pub achievements: Vec<usize>,
}

/// How a skill appears in a credential.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Declaration {
    /// A signed Open Badges `alignment` names it.
    Alignment,
    /// Only the criteria text names it, under the taxonomy's own preferred label.
    Text,
}

/// A skill an achievement certifies.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct IntendedSkill {
    /// Prefixed taxonomy id (`esco:skill/<uuid>`, `local:<slug>`).
    pub id: String,
    /// Preferred label.
    pub label: String,
    /// How the issuer states it.
    pub declared: Declaration,
}

/// An achievement (a program) an issuer awards.
#[derive(Debug, Clone)]
pub struct Achievement {
    /// Position in [`crate::Plan::achievements`].
    pub index: usize,
    /// Issuer position.
    pub issuer: usize,
    /// Short key, unique within the issuer.
    pub key: String,
    /// Achievement id (`https://<host>/achievements/<key>`), also its HTML page.
    pub id: String,
    /// Name.
    pub name: String,
    /// Open Badges 3.0 `achievementType`.
    pub achievement_type: String,
    /// Coarse kind, as the index classifies it.
    pub kind: CredentialKind,
    /// Credit-bearing (`creditsAvailable`).
    pub credits: Option<f64>,
    /// Instruction hours.
    pub hours: u32,
    /// Description.
    pub description: String,
    /// Criteria narrative (names the text-only skills).
    pub criteria: String,
    /// The skills it certifies.
    pub skills: Vec<IntendedSkill>,
}

/// How an earner is identified in their credentials.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EarnerIdentity {
    /// A `did:key` the earner controls (credential subject id, presentation holder).
    Did(String),
    /// Only a salted hash of an e-mail address, different salt at each issuer. The address
    /// itself exists only while its hash is computed.
    HashedEmail,
}

/// A synthetic earner.
#[derive(Debug, Clone)]
pub struct Earner {
    /// Position in [`crate::Plan::earners`].
    pub index: usize,
    /// A stable pseudonymous handle (the presentation page's path).
    pub handle: String,
    /// Identity.
    pub identity: EarnerIdentity,
    /// Home FSA (nothing finer exists).
    pub fsa: String,
    /// Census division of the FSA.
    pub cduid: String,
    /// Economic region.
    pub eruid: String,
    /// Workforce planning board area.
    pub wpb_id: String,
    /// Their credentials (positions in [`crate::Plan::credentials`]).
    pub credentials: Vec<usize>,
    /// Their presentation, if they published one.
    pub presentation: Option<usize>,
    /// Skills held in [`SiteState::Current`]: the union of the intended skills of their
    /// credentials whose expected outcome is `verified`. Sorted ids.
    pub skills: Vec<String>,
    /// The same in [`SiteState::Initial`].
    pub skills_initial: Vec<String>,
    /// Whether they withdrew their presentation.
    pub withdrew: bool,
}

impl Earner {
    /// Findable as a person: they published a presentation and (in the current state) did
    /// not withdraw it.
    pub fn findable(&self, state: SiteState) -> bool {
        self.presentation.is_some() && (state == SiteState::Initial || !self.withdrew)
    }

    /// Skills held in a state.
    pub fn skills_in(&self, state: SiteState) -> &[String] {
        match state {
            SiteState::Initial => &self.skills_initial,
            SiteState::Current => &self.skills,
        }
    }
}

/// Credential formats of the corpus.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CredentialFormat {
    /// Open Badges 3.0 JSON, `DataIntegrityProof` / `eddsa-rdfc-2022`.
    Ob3Rdfc,
    /// Open Badges 3.0 JSON, `DataIntegrityProof` / `eddsa-jcs-2022`.
    Ob3Jcs,
    /// Open Badges 3.0 JSON, `Ed25519Signature2020`.
    Ob3Ed25519Signature2020,
    /// Open Badges 3.0 as a VC-JWT (`EdDSA`, `vc` claim).
    VcJwt,
    /// A PNG badge with the JSON credential in an `iTXt` `openbadgecredential` chunk.
    BakedPng,
    /// An SVG badge with the JSON credential in `<openbadges:credential>`.
    BakedSvg,
    /// A CLR 2.0 `ClrCredential` carrying signed achievement credentials.
    Clr,
    /// An Open Badges 2.0 hosted assertion.
    Ob2Hosted,
    /// An Open Badges 2.0 signed assertion (JWS, `RS256`).
    Ob2Signed,
}

impl CredentialFormat {
    /// Every format, in a fixed order.
    pub const ALL: &'static [CredentialFormat] = &[
        CredentialFormat::Ob3Rdfc,
        CredentialFormat::Ob3Jcs,
        CredentialFormat::Ob3Ed25519Signature2020,
        CredentialFormat::VcJwt,
        CredentialFormat::BakedPng,
        CredentialFormat::BakedSvg,
        CredentialFormat::Clr,
        CredentialFormat::Ob2Hosted,
        CredentialFormat::Ob2Signed,
    ];

    /// A stable snake_case code.
    pub fn code(self) -> &'static str {
        match self {
            CredentialFormat::Ob3Rdfc => "ob3_eddsa_rdfc_2022",
            CredentialFormat::Ob3Jcs => "ob3_eddsa_jcs_2022",
            CredentialFormat::Ob3Ed25519Signature2020 => "ob3_ed25519_signature_2020",
            CredentialFormat::VcJwt => "vc_jwt",
            CredentialFormat::BakedPng => "baked_png",
            CredentialFormat::BakedSvg => "baked_svg",
            CredentialFormat::Clr => "clr",
            CredentialFormat::Ob2Hosted => "ob2_hosted",
            CredentialFormat::Ob2Signed => "ob2_signed",
        }
    }

    /// The media type it is served with.
    pub fn media_type(self) -> &'static str {
        match self {
            CredentialFormat::Ob3Rdfc
            | CredentialFormat::Ob3Jcs
            | CredentialFormat::Ob3Ed25519Signature2020
            | CredentialFormat::Clr => "application/vc+ld+json",
            CredentialFormat::VcJwt => "application/vc+jwt",
            CredentialFormat::BakedPng => "image/png",
            CredentialFormat::BakedSvg => "image/svg+xml",
            CredentialFormat::Ob2Hosted => "application/ld+json",
            CredentialFormat::Ob2Signed => "application/jwt",
        }
    }

    /// File extension of the published file.
    pub fn extension(self) -> &'static str {
        match self {
            CredentialFormat::Ob3Rdfc
            | CredentialFormat::Ob3Jcs
            | CredentialFormat::Ob3Ed25519Signature2020
            | CredentialFormat::Clr
            | CredentialFormat::Ob2Hosted => "json",
            CredentialFormat::VcJwt | CredentialFormat::Ob2Signed => "jwt",
            CredentialFormat::BakedPng => "png",
            CredentialFormat::BakedSvg => "svg",
        }
    }

    /// A JSON Data Integrity document that a presentation can carry as is.
    pub fn is_json_data_integrity(self) -> bool {
        matches!(
            self,
            CredentialFormat::Ob3Rdfc
                | CredentialFormat::Ob3Jcs
                | CredentialFormat::Ob3Ed25519Signature2020
                | CredentialFormat::Clr
        )
    }
}

/// What is wrong with a negative credential.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Defect {
    /// Its status bit is set (hosted OB 2.0: its URL answers 410; signed OB 2.0: listed in
    /// the issuer's revocation list).
    Revoked,
    /// Revoked between [`SiteState::Initial`] and [`SiteState::Current`].
    RevokedLater,
    /// Past its end of validity.
    Expired,
    /// Altered after signing.
    Tampered,
    /// Signed with a key the issuer does not publish.
    UnpublishedKey,
    /// Signed with the issuer's `authentication`-only key.
    UnlistedKey,
    /// Not a well-formed file.
    Malformed,
}

impl Defect {
    /// Every defect.
    pub const ALL: &'static [Defect] = &[
        Defect::Revoked,
        Defect::RevokedLater,
        Defect::Expired,
        Defect::Tampered,
        Defect::UnpublishedKey,
        Defect::UnlistedKey,
        Defect::Malformed,
    ];

    /// A stable snake_case code.
    pub fn code(self) -> &'static str {
        match self {
            Defect::Revoked => "revoked",
            Defect::RevokedLater => "revoked_later",
            Defect::Expired => "expired",
            Defect::Tampered => "tampered",
            Defect::UnpublishedKey => "unpublished_key",
            Defect::UnlistedKey => "unlisted_key",
            Defect::Malformed => "malformed",
        }
    }

    /// The outcome a correct verifier reports for it, in each state.
    pub fn outcome(defect: Option<Defect>, state: SiteState) -> Outcome {
        match (defect, state) {
            (None, _) | (Some(Defect::RevokedLater), SiteState::Initial) => Outcome::Verified,
            (Some(Defect::Revoked | Defect::RevokedLater), _) => Outcome::Revoked,
            (Some(Defect::Expired), _) => Outcome::Expired,
            (Some(Defect::Tampered), _) => Outcome::InvalidSignature,
            (Some(Defect::UnpublishedKey), _) => Outcome::KeyResolutionFailed,
            (Some(Defect::UnlistedKey), _) => Outcome::UnboundKey,
            (Some(Defect::Malformed), _) => Outcome::Malformed,
        }
    }
}

/// Who a credential names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subject {
    /// The earner's DID.
    Did(String),
    /// A salted `sha256$…` hash of the earner's e-mail address, as published.
    IdentityHash {
        /// `sha256$<hex>`.
        identity_hash: String,
        /// The salt published beside it.
        salt: String,
    },
}

/// One published credential and everything known about it.
#[derive(Debug, Clone)]
pub struct CredentialPlan {
    /// Position in [`crate::Plan::credentials`].
    pub index: usize,
    /// The credential's own `id` (`urn:uuid:…`; hosted OB 2.0: its URL).
    pub id: String,
    /// Issuer position.
    pub issuer: usize,
    /// The issuer id as written in the credential (OB 2.0 badges name the OB 2.0 profile).
    pub issuer_id: String,
    /// Earner position.
    pub earner: usize,
    /// Achievements it certifies (several for a CLR).
    pub achievements: Vec<usize>,
    /// Ids of the nested credentials of a CLR.
    pub nested_ids: Vec<String>,
    /// Format.
    pub format: CredentialFormat,
    /// Media type it is served with.
    pub media_type: &'static str,
    /// Where it is published.
    pub url: String,
    /// What is wrong with it, if anything.
    pub defect: Option<Defect>,
    /// Expected outcome in [`SiteState::Current`].
    pub outcome: Outcome,
    /// Expected outcome in [`SiteState::Initial`].
    pub initial_outcome: Outcome,
    /// Intended skills (the union over its achievements), sorted by id.
    pub skills: Vec<IntendedSkill>,
    /// `validFrom` / `issuedOn`; also the proof's `created`.
    pub issued: OffsetDateTime,
    /// `validUntil` / `expires`.
    pub valid_until: Option<OffsetDateTime>,
    /// Who it names.
    pub subject: Subject,
    /// Its Bitstring Status List entry: (list URL, index).
    pub status: Option<(String, u32)>,
}

impl CredentialPlan {
    /// The expected outcome in a state.
    pub fn outcome_in(&self, state: SiteState) -> Outcome {
        match state {
            SiteState::Initial => self.initial_outcome,
            SiteState::Current => self.outcome,
        }
    }

    /// The earner key the index derives (`model::EarnerRef::key`): the subject DID, or
    /// `idhash:` + SHA-256 of `<issuer id>|<identity hash>` (issuer-scoped).
    pub fn earner_key(&self) -> String {
        match &self.subject {
            Subject::Did(did) => did.clone(),
            Subject::IdentityHash { identity_hash, .. } => {
                use sha2::{Digest as _, Sha256};
                let digest =
                    Sha256::digest(format!("{}|{identity_hash}", self.issuer_id).as_bytes());
                format!("idhash:{}", crate::rng::hex(&digest))
            }
        }
    }
}

/// An earner's signed opt-in presentation.
#[derive(Debug, Clone)]
pub struct PresentationPlan {
    /// Position in [`crate::Plan::presentations`].
    pub index: usize,
    /// Earner position.
    pub earner: usize,
    /// The presentation's `id`.
    pub id: String,
    /// The JSON file.
    pub url: String,
    /// The HTML page that links it.
    pub page_url: String,
    /// The proof's `domain` (the page URL).
    pub domain: String,
    /// The FSA published in `holder.address.postalCode`.
    pub fsa: String,
    /// Credentials it carries (all expected `verified` in both states).
    pub credentials: Vec<usize>,
    /// Taken down before [`SiteState::Current`] (the URLs answer 410 Gone).
    pub withdrawn: bool,
    /// Expected outcome (while published).
    pub outcome: Outcome,
}

/// A demo employer.
#[derive(Debug, Clone)]
pub struct Employer {
    /// Position in [`crate::Plan::employers`].
    pub index: usize,
    /// Display name, marked as a demo employer.
    pub name: String,
    /// Careers site host.
    pub host: String,
    /// Economic region it hires in.
    pub eruid: String,
    /// NOC broad occupational category (first digit) it hires for.
    pub noc_category: char,
}

/// A skill named in a posting or requirement.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SkillRef {
    /// Prefixed taxonomy id.
    pub id: String,
    /// Preferred label (as written in the text).
    pub label: String,
}

/// A schema.org `JobPosting` page.
#[derive(Debug, Clone)]
pub struct Posting {
    /// Position in [`crate::Plan::postings`].
    pub index: usize,
    /// Page URL (also the posting's identifier).
    pub url: String,
    /// Employer position.
    pub employer: usize,
    /// Job title.
    pub title: String,
    /// NOC 2021 unit group (5 digits).
    pub noc: String,
    /// Skills named in the description text, under their preferred labels.
    pub skills: Vec<SkillRef>,
    /// Work location FSA.
    pub fsa: String,
    /// Place name of the FSA (GeoNames).
    pub place: String,
    /// Census division.
    pub cduid: String,
    /// Economic region.
    pub eruid: String,
    /// Planning board area.
    pub wpb_id: String,
    /// `datePosted`.
    pub date_posted: OffsetDateTime,
    /// Month posted, `YYYY-MM`.
    pub month: String,
    /// `totalJobOpenings`.
    pub vacancies: u32,
}

/// One earner's relevance to a requirement.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Relevance {
    /// Earner position.
    pub earner: usize,
    /// Required skills held (in [`SiteState::Current`]).
    pub held: u32,
    /// Whether they hold an excluded skill.
    pub holds_excluded: bool,
    /// Graded relevance: `held / required`, and 0 when they hold an excluded skill.
    pub gain: f64,
}

/// A job requirement built from an ESCO occupation's essential skills, with ground truth.
#[derive(Debug, Clone)]
pub struct Requirement {
    /// Position in [`crate::Plan::requirements`].
    pub index: usize,
    /// Stable id.
    pub id: String,
    /// Title (the occupation's label).
    pub title: String,
    /// The ESCO occupation (`esco:occupation/<uuid>`).
    pub occupation: String,
    /// Required skills (3–10).
    pub required: Vec<SkillRef>,
    /// Preferred skills.
    pub preferred: Vec<SkillRef>,
    /// Excluded skills (must-not).
    pub excluded: Vec<SkillRef>,
    /// Every earner holding at least one required skill, best gain first (then by earner
    /// position); earners not listed have gain 0.
    pub relevant: Vec<Relevance>,
}

impl Requirement {
    /// The requirement as `jobspec` JSON (`{"title", "occupation", "required", …}`).
    pub fn request_json(&self) -> serde_json::Value {
        let ids = |skills: &[SkillRef]| -> Vec<String> {
            skills.iter().map(|skill| skill.id.clone()).collect()
        };
        serde_json::json!({
            "title": self.title,
            "occupation": self.occupation,
            "required": ids(&self.required),
            "preferred": ids(&self.preferred),
            "excluded": ids(&self.excluded),
        })
    }

    /// The gain of one earner (0 when not listed).
    pub fn gain(&self, earner: usize) -> f64 {
        self.relevant
            .iter()
            .find(|relevance| relevance.earner == earner)
            .map_or(0.0, |relevance| relevance.gain)
    }
}
