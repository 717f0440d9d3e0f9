//! An index of a corpus plan (`crates/corpus`), built from the plan's facts rather than from
//! signed bytes: the records the crawler would produce for every credential a correct
//! verifier accepts, entering through `Verified::assumed_verified_for_tests` like the other
//! index test records (see `index.rs`).
//!
//! Signing and verifying 20,000 credentials (5,000 earners) takes minutes in a debug build;
//! ranking and aggregates are what these indexes are for, and they only see records. What
//! stays real is the part ranking depends on: every achievement is mapped to skills by the
//! taxonomy's own credential mapping (issuer alignments, criteria text, crosswalk and
//! hierarchy inferences, each with its method and confidence), from a document carrying
//! the achievement exactly as the corpus publishes it.
//!
//! The records follow the plan's semantics ([`corpus::Plan::supply_fsa`]):
//! - only credentials whose expected outcome in the state is `verified` (revoked, expired,
//!   tampered, … never enter); a CLR yields one record per member achievement;
//! - the earner key is [`corpus::CredentialPlan::earner_key`] (the DID, or an issuer-scoped
//!   hash for e-mail identities and Open Badges 2.0 recipients);
//! - an earner who published (and did not withdraw) a presentation consented to be found:
//!   their DID-keyed records are findable and located at their own FSA; every other record
//!   counts at the issuer's campus, for aggregates only.

use std::collections::{BTreeMap, HashMap};

use anyhow::Context as _;
use corpus::{Achievement, CredentialFormat, Declaration, EarnerIdentity, Plan, SiteState};
use index::{SkillIndex, Snapshot, WriterOptions};
use model::{
    AchievementRef, CredentialRecord, EarnerRef, Format, IssuerRef, OriginalCredential, Outcome,
    RegionRef, RegionSource, SkillClaim, SkillMethod,
};
use serde_json::{Value, json};
use taxonomy::Taxonomy;

/// The records of a plan in a state, in plan order (credential, then CLR member).
pub fn plan_records(
    plan: &Plan,
    taxonomy: &Taxonomy,
    state: SiteState,
) -> anyhow::Result<Vec<CredentialRecord>> {
    let skills: Vec<Vec<SkillClaim>> = plan
        .achievements
        .iter()
        .map(|achievement| achievement_skills(achievement, taxonomy))
        .collect();
    let mut records = Vec::new();
    for credential in &plan.credentials {
        if credential.outcome_in(state) != Outcome::Verified {
            continue;
        }
        let earner = plan
            .earners
            .get(credential.earner)
            .context("credential of an unknown earner")?;
        let issuer = plan
            .issuers
            .get(credential.issuer)
            .context("credential of an unknown issuer")?;
        let key = credential.earner_key();
        let findable = earner.findable(state)
            && matches!(&earner.identity, EarnerIdentity::Did(did) if *did == key);
        let fsa = if findable {
            earner.fsa.clone()
        } else {
            issuer.fsa.clone()
        };
        let region = region(
            taxonomy,
            &fsa,
            if findable {
                RegionSource::Earner
            } else {
                RegionSource::Issuer
            },
        )?;
        let format = match credential.format {
            CredentialFormat::VcJwt => Format::VcJwt,
            CredentialFormat::Ob2Hosted => Format::Ob2Hosted,
            CredentialFormat::Ob2Signed => Format::Ob2Signed,
            CredentialFormat::Clr => Format::Clr,
            _ => Format::VcDataIntegrity,
        };
        let members: Vec<(String, usize)> = if credential.format == CredentialFormat::Clr {
            credential
                .nested_ids
                .iter()
                .cloned()
                .zip(credential.achievements.iter().copied())
                .collect()
        } else {
            credential
                .achievements
                .first()
                .map(|achievement| vec![(credential.id.clone(), *achievement)])
                .unwrap_or_default()
        };
        for (id, achievement_position) in members {
            let achievement = plan
                .achievements
                .get(achievement_position)
                .context("credential of an unknown achievement")?;
            records.push(CredentialRecord {
                content_sha256: hex_sha256(&id),
                credential_id: id.clone(),
                source_url: Some(credential.url.clone()),
                earner: EarnerRef {
                    key: key.clone(),
                    findable,
                    consent_source: earner
                        .presentation
                        .filter(|_| findable)
                        .and_then(|presentation| plan.presentations.get(presentation))
                        .map(|presentation| presentation.url.clone()),
                },
                issuer: IssuerRef {
                    id: credential.issuer_id.clone(),
                    name: Some(issuer.name.clone()),
                    domain: Some(issuer.host.clone()),
                },
                achievement: AchievementRef {
                    id: Some(achievement.id.clone()),
                    name: achievement.name.clone(),
                    description: Some(achievement.description.clone()),
                    kind: achievement.kind,
                    credit: achievement.credits.is_some_and(|credits| credits > 0.0),
                },
                skills: skills[achievement_position].clone(),
                region: Some(region.clone()),
                issued_at: Some(credential.issued.unix_timestamp()),
                valid_until: credential.valid_until.map(|until| until.unix_timestamp()),
                format,
                original: OriginalCredential {
                    media_type: credential.media_type.to_owned(),
                    content: format!("{{\"id\":{}}}", json!(id)),
                },
            });
        }
    }
    Ok(records)
}

/// An achievement as the corpus publishes it (name, description, criteria, alignments of
/// its declared skills), mapped by the taxonomy; occupations dropped as ingest drops them.
pub fn achievement_skills(achievement: &Achievement, taxonomy: &Taxonomy) -> Vec<SkillClaim> {
    let alignments: Vec<Value> = achievement
        .skills
        .iter()
        .filter(|skill| skill.declared == Declaration::Alignment)
        .map(|skill| match skill.id.strip_prefix("esco:skill/") {
            Some(uuid) => json!({
                "type": ["Alignment"],
                "targetName": skill.label,
                "targetUrl": format!("http://data.europa.eu/esco/skill/{uuid}"),
                "targetFramework": "ESCO",
            }),
            None => json!({
                "type": ["Alignment"],
                "targetName": skill.label,
                "targetCode": skill.id,
                "targetFramework": "skillproof local skills (Ontario)",
            }),
        })
        .collect();
    let document = json!({
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "achievement": {
                "id": achievement.id,
                "type": ["Achievement"],
                "achievementType": achievement.achievement_type,
                "name": achievement.name,
                "description": achievement.description,
                "criteria": {"narrative": achievement.criteria},
                "alignment": alignments,
            },
        },
    });
    taxonomy
        .map_credential(&document)
        .skills
        .iter()
        .filter(|skill| {
            !matches!(
                skill.kind,
                taxonomy::ConceptKind::Occupation | taxonomy::ConceptKind::OccupationGroup
            )
        })
        .map(|skill| SkillClaim {
            id: skill.id.clone(),
            label: skill.label.clone(),
            method: match skill.method {
                taxonomy::Method::Alignment => SkillMethod::Alignment,
                taxonomy::Method::Text => SkillMethod::Text,
                taxonomy::Method::Crosswalk => SkillMethod::Crosswalk,
                taxonomy::Method::Hierarchy => SkillMethod::Hierarchy,
            },
            confidence: skill.confidence,
            span: skill
                .evidence
                .iter()
                .find_map(|evidence| evidence.span.as_ref().map(|span| span.text.clone())),
            facets: taxonomy.facet_paths(skill.concept),
        })
        .collect()
}

fn hex_sha256(text: &str) -> String {
    use sha2::{Digest as _, Sha256};
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

fn region(taxonomy: &Taxonomy, fsa: &str, source: RegionSource) -> anyhow::Result<RegionRef> {
    let found = taxonomy
        .regions()
        .fsa(fsa)
        .with_context(|| format!("FSA {fsa} is not in the geography"))?;
    Ok(RegionRef {
        fsa: Some(found.code.clone()),
        cduid: Some(found.cduid.clone()),
        eruid: Some(found.eruid.clone()),
        wpb_id: Some(found.wpb_id.clone()),
        latitude: Some(found.point.lat),
        longitude: Some(found.point.lon),
        source,
    })
}

/// A plan's index in memory, with the records it holds and the earner of every key.
pub struct PlanIndex {
    /// The index (in RAM).
    pub index: SkillIndex,
    /// Its one committed snapshot.
    pub snapshot: Snapshot,
    /// The records, by credential id (the oracle's model).
    pub records: BTreeMap<String, CredentialRecord>,
    /// Earner position in the plan of each earner key.
    pub earner_of_key: HashMap<String, usize>,
}

/// Builds a plan's index in memory (one commit).
pub fn build(plan: &Plan, taxonomy: &Taxonomy, state: SiteState) -> anyhow::Result<PlanIndex> {
    let records = plan_records(plan, taxonomy, state)?;
    let index = SkillIndex::create_in_ram()?;
    let mut writer = index.writer(WriterOptions::default())?;
    for record in &records {
        writer.upsert_credential(&crate::index::verified(record.clone()))?;
    }
    let snapshot = writer.commit("plan")?;
    let mut earner_of_key = HashMap::new();
    for credential in &plan.credentials {
        earner_of_key.insert(credential.earner_key(), credential.earner);
    }
    Ok(PlanIndex {
        index,
        snapshot,
        records: records
            .into_iter()
            .map(|record| (record.credential_id.clone(), record))
            .collect(),
        earner_of_key,
    })
}
