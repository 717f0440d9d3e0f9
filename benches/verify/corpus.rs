//! A deterministic corpus of signed Open Badges 3.0 credentials: several did:key issuers
//! (keys from a seed), varied achievements, alignments and earners, each signed with
//! `Verifier::sign` in eddsa-rdfc-2022 or eddsa-jcs-2022. Same seed, same bytes.

use ed25519_dalek::SigningKey;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;
use verify::{ProofOptions, SigningSuite, Verifier, did_key};

/// The suites a corpus mixes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Suite {
    Rdfc,
    Jcs,
}

impl Suite {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Suite::Rdfc => "eddsa-rdfc-2022",
            Suite::Jcs => "eddsa-jcs-2022",
        }
    }

    fn signing(self) -> SigningSuite {
        match self {
            Suite::Rdfc => SigningSuite::EddsaRdfc2022,
            Suite::Jcs => SigningSuite::EddsaJcs2022,
        }
    }
}

/// One signed credential.
pub(crate) struct Signed {
    pub(crate) suite: Suite,
    /// Pretty-printed JSON, as issuers publish them.
    pub(crate) bytes: Vec<u8>,
}

/// A seeded Ed25519 key: `SigningKey::from_bytes(sha256(label ‖ index))`.
pub(crate) fn seeded_key(label: &str, index: usize) -> SigningKey {
    let seed: [u8; 32] = Sha256::digest(format!("{label}-{index}").as_bytes()).into();
    SigningKey::from_bytes(&seed)
}

/// xorshift64*: small, seeded, good enough to pick templates.
pub(crate) struct Rng(u64);

impl Rng {
    pub(crate) fn new(seed: u64) -> Rng {
        Rng(seed | 1)
    }

    pub(crate) fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    pub(crate) fn below(&mut self, bound: usize) -> usize {
        (self.next() % bound as u64) as usize
    }
}

const ISSUERS: [(&str, &str, &str, &str); 8] = [
    (
        "Lakeshore College of Applied Arts",
        "Toronto",
        "M5B 2K3",
        "https://lakeshore.example.ca",
    ),
    (
        "Grand River Polytechnic",
        "Brantford",
        "N3T 5V6",
        "https://grandriver.example.ca",
    ),
    (
        "Northern Shield University",
        "Sudbury",
        "P3E 2C6",
        "https://northernshield.example.ca",
    ),
    (
        "Rideau Valley College",
        "Ottawa",
        "K1S 5B6",
        "https://rideau.example.ca",
    ),
    (
        "Thames Institute of Technology",
        "London",
        "N6A 3K7",
        "https://thames.example.ca",
    ),
    (
        "Bay of Quinte Community College",
        "Belleville",
        "K8N 5B9",
        "https://quinte.example.ca",
    ),
    (
        "Superior Lakehead University",
        "Thunder Bay",
        "P7B 5E1",
        "https://lakehead.example.ca",
    ),
    (
        "Niagara Escarpment College",
        "St. Catharines",
        "L2S 3A1",
        "https://escarpment.example.ca",
    ),
];

/// (name, description, criteria, ESCO-style skill labels)
const ACHIEVEMENTS: [(&str, &str, &str, &[&str]); 14] = [
    (
        "Data Fluency",
        "Reads, cleans and visualises tabular data to answer operational questions.",
        "Completed three assessed analysis projects and a practical exam.",
        &["data analysis", "data visualisation"],
    ),
    (
        "Internet of Things Foundations",
        "Designs and deploys a sensor network with secure device provisioning.",
        "Built and documented a working sensor deployment.",
        &["IoT", "network security"],
    ),
    (
        "Wearable Technology Design",
        "Prototypes wearable devices with attention to comfort, power and privacy.",
        "Delivered a wearable prototype reviewed by an industry panel.",
        &["product design", "electronics prototyping"],
    ),
    (
        "Patient Transfer and Mobility",
        "Performs safe patient transfers using mechanical and manual techniques.",
        "Passed a supervised clinical skills assessment.",
        &["patient mobility", "manual handling"],
    ),
    (
        "Design Thinking",
        "Leads a human-centred design sprint from empathy interviews to tested prototype.",
        "Facilitated a design sprint and submitted a reflective portfolio.",
        &["design thinking", "facilitation"],
    ),
    (
        "Forestry and Indigenous Rights",
        "Applies treaty rights and Indigenous knowledge in forest management planning.",
        "Completed a case study reviewed by a community advisor.",
        &["forest management", "Indigenous rights"],
    ),
    (
        "Intercultural Competence",
        "Communicates and collaborates effectively across cultures in the workplace.",
        "Completed scenario-based assessments and a reflective essay.",
        &["intercultural communication"],
    ),
    (
        "Teamwork in Practice",
        "Contributes to team goals, resolves conflict and gives constructive feedback.",
        "Peer- and instructor-assessed team project.",
        &["teamwork", "conflict resolution"],
    ),
    (
        "Change Management",
        "Plans and communicates organisational change using recognised frameworks.",
        "Produced a change plan for a partner organisation.",
        &["change management", "stakeholder communication"],
    ),
    (
        "Human Trafficking Awareness",
        "Recognises indicators of human trafficking and follows reporting protocols.",
        "Passed a scenario-based knowledge test.",
        &["risk identification", "reporting procedures"],
    ),
    (
        "Health Informatics",
        "Manages clinical data flows, standards and privacy in health information systems.",
        "Completed an HL7 FHIR integration exercise.",
        &["health informatics", "data privacy"],
    ),
    (
        "Health Coaching",
        "Supports clients in setting and reaching health goals using motivational interviewing.",
        "Recorded and assessed coaching sessions.",
        &["health coaching", "motivational interviewing"],
    ),
    (
        "Cloud Operations",
        "Operates containerised services with monitoring, backups and incident response.",
        "Ran a service for four weeks with graded incident drills.",
        &["cloud computing", "incident management"],
    ),
    (
        "Accessible Web Content",
        "Produces web content that meets WCAG 2.2 AA.",
        "Audited and remediated a public website.",
        &["web accessibility", "content design"],
    ),
];

const ACHIEVEMENT_TYPES: [&str; 3] = ["MicroCredential", "Badge", "Certificate"];
const FRAMEWORKS: [&str; 3] = ["ESCO", "O*NET", "NOC 2021"];

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// A UUID-shaped deterministic id.
fn uuid(kind: &str, index: usize) -> String {
    let h = hex(&Sha256::digest(format!("{kind}-{index}").as_bytes()));
    format!(
        "urn:uuid:{}-{}-4{}-8{}-{}",
        &h[0..8],
        &h[8..12],
        &h[13..16],
        &h[17..20],
        &h[20..32]
    )
}

/// The unsigned credential number `index` of issuer `issuer`.
pub(crate) fn credential(index: usize, issuer: usize, issuer_did: &str, rng: &mut Rng) -> Value {
    let (issuer_name, locality, postal_code, url) = ISSUERS[issuer % ISSUERS.len()];
    let achievement = rng.below(ACHIEVEMENTS.len());
    let (name, description, criteria, skills) = ACHIEVEMENTS[achievement];
    let salt = hex(&Sha256::digest(format!("salt-{index}").as_bytes())[..4]);
    let email = format!("earner{index}@learners.example.ca");
    let identity_hash = hex(&Sha256::digest(format!("{email}{salt}").as_bytes()));
    let year = 2023 + rng.below(3);
    let month = 1 + rng.below(12);
    let day = 1 + rng.below(28);
    let alignments: Vec<Value> = skills
        .iter()
        .enumerate()
        .map(|(position, skill)| {
            let framework = FRAMEWORKS[(achievement + position) % FRAMEWORKS.len()];
            let slug = skill.replace(' ', "-").to_lowercase();
            json!({
                "type": ["Alignment"],
                "targetName": skill,
                "targetFramework": framework,
                "targetType": "ext:ESCOSkill",
                "targetUrl": format!("http://data.europa.eu/esco/skill/example-{slug}"),
                "targetCode": format!("S-{achievement:02}{position}"),
            })
        })
        .collect();
    json!({
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
        ],
        "id": uuid("credential", index),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": format!("{name} {}", ACHIEVEMENT_TYPES[achievement % 3].to_lowercase()),
        "issuer": {
            "id": issuer_did,
            "type": ["Profile"],
            "name": issuer_name,
            "url": url,
            "address": {
                "type": ["Address"],
                "addressLocality": locality,
                "addressRegion": "ON",
                "addressCountry": "CA",
                "postalCode": postal_code
            }
        },
        "validFrom": format!("{year}-{month:02}-{day:02}T00:00:00Z"),
        "validUntil": format!("{}-{month:02}-{day:02}T00:00:00Z", year + 5),
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [{
                "type": "IdentityObject",
                "identityType": "emailAddress",
                "hashed": true,
                "salt": salt,
                "identityHash": format!("sha256${identity_hash}")
            }],
            "achievement": {
                "id": format!("{url}/achievements/{}", uuid("achievement", achievement * 31 + issuer).trim_start_matches("urn:uuid:")),
                "type": ["Achievement"],
                "achievementType": ACHIEVEMENT_TYPES[achievement % 3],
                "name": name,
                "description": description,
                "criteria": {"narrative": criteria},
                "alignment": alignments
            }
        }
    })
}

/// `count` distinct signed credentials, both suites mixed, from `issuers` did:key issuers,
/// seeded by `seed`.
pub(crate) fn generate(
    verifier: &Verifier,
    count: usize,
    issuers: usize,
    seed: u64,
) -> Vec<Signed> {
    let keys: Vec<(SigningKey, String, String)> = (0..issuers)
        .map(|index| {
            let key = seeded_key("skillproof-bench-issuer", index);
            let (did, method) = did_key(&key);
            (key, did, method)
        })
        .collect();
    let created = OffsetDateTime::from_unix_timestamp(1_735_732_800).expect("2025-01-01T12:00Z");
    let mut rng = Rng::new(seed);
    (0..count)
        .map(|index| {
            let issuer = rng.below(issuers);
            // Each credential's suite drawn from the seeded generator (about half each).
            let suite = if rng.next() & 1 == 0 {
                Suite::Rdfc
            } else {
                Suite::Jcs
            };
            let (key, did, method) = &keys[issuer];
            let unsigned = credential(index, issuer, did, &mut rng);
            let options = ProofOptions {
                suite: suite.signing(),
                verification_method: method.clone(),
                proof_purpose: "assertionMethod".to_owned(),
                created,
                challenge: None,
                domain: None,
            };
            let signed = verifier
                .sign(&unsigned, &options, key)
                .expect("the bench corpus signs");
            let bytes = serde_json::to_vec_pretty(&signed).expect("JSON serializes");
            Signed { suite, bytes }
        })
        .collect()
}
