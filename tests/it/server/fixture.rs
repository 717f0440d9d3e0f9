//! The corpus the search, analytics and saved-search tests share, planned once per test
//! process: the small corpus plan's records (200 earners, about 800 credentials, mapped by
//! the taxonomy; `tests/support/plan_index.rs`), a consenting earner holding signed fixture
//! credentials that verify offline (their original bytes are what the index keeps), and
//! demand records for real skills in Brantford over three months. The read-only tests
//! share one in-memory index of these records ([`shared_index`]); tests that commit
//! changes build their own.

use std::sync::OnceLock;

use corpus::{CorpusConfig, Plan, SiteState};
use index::{IndexWriterHandle, SkillIndex, WriterOptions};
use model::{
    AchievementRef, CredentialKind, CredentialRecord, DemandKind, DemandRecord, EarnerRef, Format,
    IssuerRef, OriginalCredential, RegionRef, RegionSource, SkillClaim,
};
use skillproof_tests::index::verified;
use skillproof_tests::load_all_cases;
use skillproof_tests::plan_index::plan_records;
use time::OffsetDateTime;

use super::taxonomy;

/// The corpus's `now`: 2026-06-01T00:00:00Z, which searches are judged at.
pub(crate) const AS_OF: i64 = 1_780_272_000;
pub(crate) const AS_OF_TEXT: &str = "2026-06-01T00:00:00Z";

/// The key of the consenting earner whose credentials are signed fixture documents.
pub(crate) fn signed_earner_key() -> ed25519_dalek::SigningKey {
    ed25519_dalek::SigningKey::from_bytes(&[9u8; 32])
}

/// That earner's did:key.
pub(crate) fn signed_earner() -> &'static str {
    static DID: OnceLock<String> = OnceLock::new();
    DID.get_or_init(|| verify::did_key(&signed_earner_key()).0)
}

/// The issuer id of the signed fixture records.
pub(crate) const FIXTURE_ISSUER: &str = "did:web:fixture-issuer.example";

/// The months demand is spread over.
pub(crate) const DEMAND_MONTHS: [&str; 3] = ["2026-03", "2026-04", "2026-05"];

/// A signed credential of [`signed_earner`] and the instant it verifies at.
pub(crate) struct Signed {
    pub(crate) credential_id: String,
    pub(crate) now: String,
    pub(crate) bytes: Vec<u8>,
}

pub(crate) struct Corpus {
    pub(crate) plan: Plan,
    pub(crate) records: Vec<CredentialRecord>,
    pub(crate) signed: Vec<Signed>,
    pub(crate) demands: Vec<DemandRecord>,
    /// The skill the demand asks for (the most common skill of the records).
    pub(crate) demand_skill: SkillClaim,
}

fn brantford() -> RegionRef {
    let taxonomy = taxonomy();
    let fsa = taxonomy
        .regions()
        .fsa("N3T")
        .expect("N3T is in the geography");
    RegionRef {
        fsa: Some(fsa.code.clone()),
        cduid: Some(fsa.cduid.clone()),
        eruid: Some(fsa.eruid.clone()),
        wpb_id: Some(fsa.wpb_id.clone()),
        latitude: Some(fsa.point.lat),
        longitude: Some(fsa.point.lon),
        source: RegionSource::Earner,
    }
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest as _, Sha256};
    Sha256::digest(bytes)
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

pub(crate) fn corpus() -> &'static Corpus {
    static CORPUS: OnceLock<Corpus> = OnceLock::new();
    CORPUS.get_or_init(|| {
        let now = OffsetDateTime::from_unix_timestamp(AS_OF).expect("a valid instant");
        let config = CorpusConfig {
            postings: 0,
            ..CorpusConfig::small(2026, now)
        };
        let plan = corpus::plan(&config, &taxonomy()).expect("the small corpus plans");
        let mut records =
            plan_records(&plan, &taxonomy(), SiteState::Current).expect("the plan's records");
        // The most common skill: its cells range from large to small.
        let mut counts: std::collections::BTreeMap<&str, (usize, &SkillClaim)> =
            std::collections::BTreeMap::new();
        for record in &records {
            for skill in &record.skills {
                counts.entry(&skill.id).or_insert((0, skill)).0 += 1;
            }
        }
        let demand_skill = counts
            .values()
            .max_by_key(|(count, skill)| (*count, std::cmp::Reverse(skill.id.clone())))
            .map(|(_, skill)| (*skill).clone())
            .expect("the records claim skills");
        // Signed fixture credentials that verify offline, as the signed earner's.
        let mut signed = Vec::new();
        for case in load_all_cases().expect("loading EXPECTED.json files") {
            if signed.len() == 3 {
                break;
            }
            if !case.case.documents.is_empty()
                || case.case.challenge.is_some()
                || case.case.domain.is_some()
                || case.case.outcome != model::Outcome::Verified
            {
                continue;
            }
            let Ok(bytes) = case.input() else { continue };
            let Ok(text) = String::from_utf8(bytes.clone()) else {
                continue;
            };
            let Ok(report) = case.run() else { continue };
            if !report.is_verified()
                || matches!(report.format, Format::VpDataIntegrity | Format::VpJwt)
            {
                continue;
            }
            let trimmed = text.trim_start();
            let media_type = if trimmed.starts_with('{') {
                "application/vc+ld+json"
            } else if trimmed.starts_with('<') {
                "image/svg+xml"
            } else {
                "application/vc+jwt"
            };
            let credential_id = format!("urn:server-fixture:signed:{}", signed.len());
            records.push(CredentialRecord {
                credential_id: credential_id.clone(),
                content_sha256: sha256_hex(&bytes),
                source_url: None,
                earner: EarnerRef {
                    key: signed_earner().to_owned(),
                    findable: true,
                    consent_source: Some("https://wallet.example/vp/server-fixture".to_owned()),
                },
                issuer: IssuerRef {
                    id: FIXTURE_ISSUER.to_owned(),
                    name: Some("Fixture Issuer".to_owned()),
                    domain: Some("fixture-issuer.example".to_owned()),
                },
                achievement: AchievementRef {
                    id: Some(format!("urn:server-fixture:achievement:{}", signed.len())),
                    name: format!("Signed fixture {}", signed.len()),
                    description: None,
                    kind: CredentialKind::ALL[0],
                    credit: false,
                },
                skills: vec![demand_skill.clone()],
                region: Some(brantford()),
                issued_at: None,
                valid_until: None,
                format: report.format,
                original: OriginalCredential {
                    media_type: media_type.to_owned(),
                    content: text,
                },
            });
            signed.push(Signed {
                credential_id,
                now: case.case.now.clone(),
                bytes,
            });
        }
        assert!(
            !signed.is_empty(),
            "the fixtures hold credentials that verify offline"
        );
        let demands = (0..12)
            .map(|n| DemandRecord {
                demand_id: format!("urn:server-fixture:demand:{n}"),
                kind: DemandKind::Posting,
                source_url: None,
                employer: Some("Fixture Employer".to_owned()),
                title: "Analyst".to_owned(),
                noc: None,
                skills: vec![demand_skill.clone()],
                region: Some(brantford()),
                month: DEMAND_MONTHS[n % 3].to_owned(),
                vacancies: 1 + (n % 3) as u32,
            })
            .collect();
        Corpus {
            plan,
            records,
            signed,
            demands,
            demand_skill,
        }
    })
}

/// A fresh in-memory index of the corpus (one commit) and its writer, for tests that commit
/// more.
pub(crate) fn build_index() -> (SkillIndex, IndexWriterHandle) {
    let corpus = corpus();
    let index = SkillIndex::create_in_ram().expect("an index in memory");
    let mut writer = index.writer(WriterOptions::default()).expect("a writer");
    for record in &corpus.records {
        writer
            .upsert_credential(&verified(record.clone()))
            .expect("record indexes");
    }
    for demand in &corpus.demands {
        writer.upsert_demand(demand).expect("demand indexes");
    }
    writer.commit("server-fixture").expect("commit");
    index.reload().expect("reload");
    (index, writer)
}

/// The corpus index the read-only tests share (built once per test process).
pub(crate) fn shared_index() -> SkillIndex {
    static INDEX: OnceLock<SkillIndex> = OnceLock::new();
    INDEX
        .get_or_init(|| {
            let (index, writer) = build_index();
            drop(writer);
            index
        })
        .clone()
}

/// A harness over the shared corpus index (tests that commit build their own).
pub(crate) fn corpus_harness() -> super::Harness {
    super::harness_on(shared_index(), server::Limits::default())
}

/// The corpus requirement with the most relevant earners.
pub(crate) fn requirement() -> &'static corpus::Requirement {
    corpus()
        .plan
        .requirements
        .iter()
        .max_by_key(|requirement| {
            (
                requirement.relevant.len(),
                std::cmp::Reverse(requirement.index),
            )
        })
        .expect("the corpus has job requirements")
}

/// That requirement's skills as a job whose skills are all preferred (should): candidates
/// are ranked by how many they verifiably hold.
pub(crate) fn job() -> serde_json::Value {
    let requirement = requirement();
    let skills: Vec<&str> = requirement
        .required
        .iter()
        .chain(&requirement.preferred)
        .map(|skill| skill.id.as_str())
        .collect();
    serde_json::json!({"title": requirement.title, "preferred": skills})
}
