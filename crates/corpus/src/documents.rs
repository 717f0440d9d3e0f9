//! The JSON documents of the ecosystem, unsigned: Open Badges 3.0 credentials, CLR 2.0
//! transcripts, presentations, DID documents and issuer profiles, status lists, and the
//! Open Badges 2.0 family (issuer, badge class, assertion, key, revocation list).

use serde_json::{Map, Value, json};
use time::OffsetDateTime;

use crate::types::{Achievement, CredentialPlan, Declaration, IntendedSkill, Issuer, Subject};

pub(crate) const VC_V2: &str = "https://www.w3.org/ns/credentials/v2";
pub(crate) const OB_V3: &str = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json";
pub(crate) const CLR_V2: &str = "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json";
pub(crate) const ED25519_2020: &str = "https://w3id.org/security/suites/ed25519-2020/v1";
pub(crate) const OB_V2: &str = "https://w3id.org/openbadges/v2";

/// RFC 3339 in UTC, whole seconds.
pub(crate) fn datetime(instant: OffsetDateTime) -> String {
    let utc = instant.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        utc.year(),
        u8::from(utc.month()),
        utc.day(),
        utc.hour(),
        utc.minute(),
        utc.second()
    )
}

/// `YYYY-MM-DD`.
pub(crate) fn date(instant: OffsetDateTime) -> String {
    datetime(instant)[..10].to_owned()
}

fn address(issuer: &Issuer) -> Value {
    json!({
        "type": ["Address"],
        "addressLocality": issuer.city,
        "addressRegion": "ON",
        "addressCountry": "CA",
        "postalCode": issuer.fsa,
    })
}

/// The issuer as embedded in its credentials.
pub(crate) fn issuer_profile(issuer: &Issuer) -> Value {
    json!({
        "id": issuer.id,
        "type": ["Profile"],
        "name": issuer.name,
        "url": issuer.origin,
        "description": issuer.description,
        "address": address(issuer),
    })
}

fn alignment(skill: &IntendedSkill, suffix: &str) -> Value {
    if let Some(uuid) = skill.id.strip_prefix("esco:skill/") {
        json!({
            "type": ["Alignment"],
            "targetName": skill.label,
            "targetUrl": format!("http://data.europa.eu/esco/skill/{uuid}"),
            "targetFramework": "ESCO",
            "targetType": "ext:ESCOSkill",
        })
    } else {
        let slug = skill.id.rsplit(':').next().unwrap_or(&skill.id);
        json!({
            "type": ["Alignment"],
            "targetName": skill.label,
            "targetUrl": format!("https://skills.{suffix}/local/{slug}"),
            "targetCode": skill.id,
            "targetFramework": "skillproof local skills (Ontario)",
        })
    }
}

/// An Open Badges 3.0 `Achievement`.
pub(crate) fn achievement(achievement: &Achievement, suffix: &str) -> Value {
    let mut object = Map::new();
    object.insert("id".into(), json!(achievement.id));
    object.insert("type".into(), json!(["Achievement"]));
    object.insert(
        "achievementType".into(),
        json!(achievement.achievement_type),
    );
    object.insert("name".into(), json!(achievement.name));
    object.insert("description".into(), json!(achievement.description));
    object.insert(
        "criteria".into(),
        json!({"narrative": achievement.criteria}),
    );
    if let Some(credits) = achievement.credits {
        object.insert("creditsAvailable".into(), json!(credits));
    }
    let alignments: Vec<Value> = achievement
        .skills
        .iter()
        .filter(|skill| skill.declared == Declaration::Alignment)
        .map(|skill| alignment(skill, suffix))
        .collect();
    if !alignments.is_empty() {
        object.insert("alignment".into(), Value::Array(alignments));
    }
    object.insert("inLanguage".into(), json!("en"));
    Value::Object(object)
}

fn subject_fields(subject: &Subject, object: &mut Map<String, Value>) {
    match subject {
        Subject::Did(did) => {
            object.insert("id".into(), json!(did));
        }
        Subject::IdentityHash {
            identity_hash,
            salt,
        } => {
            object.insert(
                "identifier".into(),
                json!([{
                    "type": "IdentityObject",
                    "identityType": "emailAddress",
                    "hashed": true,
                    "identityHash": identity_hash,
                    "salt": salt,
                }]),
            );
        }
    }
}

fn status_entry(list_url: &str, index: u32) -> Value {
    json!({
        "id": format!("{list_url}#{index}"),
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": index.to_string(),
        "statusListCredential": list_url,
    })
}

/// An unsigned Open Badges 3.0 credential for one achievement.
pub(crate) fn ob3_credential(
    plan: &CredentialPlan,
    id: &str,
    issuer: &Issuer,
    achievement_doc: &Achievement,
    suffix: &str,
    legacy_suite_context: bool,
    with_status: bool,
) -> Value {
    let mut contexts = vec![json!(VC_V2), json!(OB_V3)];
    if legacy_suite_context {
        contexts.push(json!(ED25519_2020));
    }
    let mut subject = Map::new();
    subject.insert("type".into(), json!(["AchievementSubject"]));
    subject_fields(&plan.subject, &mut subject);
    if let Some(credits) = achievement_doc.credits {
        subject.insert("creditsEarned".into(), json!(credits));
    }
    subject.insert("achievement".into(), achievement(achievement_doc, suffix));
    let mut credential = Map::new();
    credential.insert("@context".into(), Value::Array(contexts));
    credential.insert("id".into(), json!(id));
    credential.insert(
        "type".into(),
        json!(["VerifiableCredential", "OpenBadgeCredential"]),
    );
    credential.insert("name".into(), json!(achievement_doc.name));
    credential.insert("issuer".into(), issuer_profile(issuer));
    credential.insert("validFrom".into(), json!(datetime(plan.issued)));
    if let Some(until) = plan.valid_until {
        credential.insert("validUntil".into(), json!(datetime(until)));
    }
    credential.insert("credentialSubject".into(), Value::Object(subject));
    if with_status && let Some((list, index)) = &plan.status {
        credential.insert("credentialStatus".into(), status_entry(list, *index));
    }
    Value::Object(credential)
}

/// An unsigned CLR 2.0 transcript carrying signed `members`.
pub(crate) fn clr(
    plan: &CredentialPlan,
    issuer: &Issuer,
    achievements: &[&Achievement],
    members: Vec<Value>,
    suffix: &str,
) -> Value {
    let mut subject = Map::new();
    subject.insert("type".into(), json!(["ClrSubject"]));
    subject_fields(&plan.subject, &mut subject);
    subject.insert(
        "achievement".into(),
        Value::Array(
            achievements
                .iter()
                .map(|a| achievement(a, suffix))
                .collect(),
        ),
    );
    subject.insert("verifiableCredential".into(), Value::Array(members));
    let mut credential = Map::new();
    credential.insert("@context".into(), json!([VC_V2, CLR_V2, OB_V3]));
    credential.insert("id".into(), json!(plan.id));
    credential.insert(
        "type".into(),
        json!(["VerifiableCredential", "ClrCredential"]),
    );
    credential.insert(
        "name".into(),
        json!(format!("Comprehensive Learner Record, {}", issuer.name)),
    );
    credential.insert("issuer".into(), issuer_profile(issuer));
    credential.insert("validFrom".into(), json!(datetime(plan.issued)));
    if let Some(until) = plan.valid_until {
        credential.insert("validUntil".into(), json!(datetime(until)));
    }
    credential.insert("credentialSubject".into(), Value::Object(subject));
    if let Some((list, index)) = &plan.status {
        credential.insert("credentialStatus".into(), status_entry(list, *index));
    }
    Value::Object(credential)
}

fn methods(issuer: &Issuer, assertion_key: &str, authentication_key: &str) -> Value {
    json!([
        {
            "id": issuer.assertion_method,
            "type": "Multikey",
            "controller": issuer.id,
            "publicKeyMultibase": assertion_key,
        },
        {
            "id": issuer.authentication_method,
            "type": "Multikey",
            "controller": issuer.id,
            "publicKeyMultibase": authentication_key,
        }
    ])
}

/// The `did:web` DID document.
pub(crate) fn did_document(
    issuer: &Issuer,
    assertion_key: &str,
    authentication_key: &str,
) -> Value {
    json!({
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": issuer.id,
        "alsoKnownAs": [issuer.origin],
        "verificationMethod": methods(issuer, assertion_key, authentication_key),
        "assertionMethod": [issuer.assertion_method],
        "authentication": [issuer.authentication_method],
    })
}

/// The https issuer profile, which is also its controller document.
pub(crate) fn https_profile(
    issuer: &Issuer,
    assertion_key: &str,
    authentication_key: &str,
) -> Value {
    json!({
        "@context": [VC_V2, OB_V3, "https://w3id.org/security/multikey/v1"],
        "id": issuer.id,
        "type": ["Profile"],
        "name": issuer.name,
        "url": issuer.origin,
        "description": issuer.description,
        "address": address(issuer),
        "verificationMethod": methods(issuer, assertion_key, authentication_key),
        "assertionMethod": [issuer.assertion_method],
        "authentication": [issuer.authentication_method],
    })
}

/// An unsigned Bitstring Status List credential.
pub(crate) fn status_list(
    issuer: &Issuer,
    url: &str,
    encoded: &str,
    valid_from: OffsetDateTime,
    valid_until: OffsetDateTime,
) -> Value {
    json!({
        "@context": [VC_V2],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer.id,
        "validFrom": datetime(valid_from),
        "validUntil": datetime(valid_until),
        "credentialSubject": {
            "id": format!("{url}#list"),
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": encoded,
        }
    })
}

/// An unsigned presentation: the holder is a profile with an FSA only.
pub(crate) fn presentation(id: &str, holder: &str, fsa: &str, members: Vec<Value>) -> Value {
    json!({
        "@context": [VC_V2, OB_V3],
        "id": id,
        "type": ["VerifiablePresentation"],
        "holder": {
            "id": holder,
            "type": ["Profile"],
            "address": {
                "type": ["Address"],
                "postalCode": fsa,
                "addressRegion": "ON",
                "addressCountry": "CA",
            }
        },
        "verifiableCredential": members,
    })
}

/// Open Badges 2.0 documents of one issuer.
pub(crate) struct Ob2Urls {
    pub(crate) issuer: String,
    pub(crate) key: String,
    pub(crate) revocations: String,
}

impl Ob2Urls {
    pub(crate) fn of(issuer: &Issuer) -> Ob2Urls {
        Ob2Urls {
            issuer: format!("{}/ob2/issuer.json", issuer.origin),
            key: format!("{}/ob2/keys/1.json", issuer.origin),
            revocations: format!("{}/ob2/revocations.json", issuer.origin),
        }
    }

    pub(crate) fn badge(issuer: &Issuer, achievement: &Achievement) -> String {
        format!("{}/ob2/badges/{}.json", issuer.origin, achievement.key)
    }

    pub(crate) fn badge_image(issuer: &Issuer, achievement: &Achievement) -> String {
        format!("{}/ob2/badges/{}.png", issuer.origin, achievement.key)
    }
}

pub(crate) fn ob2_issuer(issuer: &Issuer, urls: &Ob2Urls) -> Value {
    json!({
        "@context": OB_V2,
        "type": "Issuer",
        "id": urls.issuer,
        "name": issuer.name,
        "url": issuer.origin,
        "description": issuer.description,
        "publicKey": urls.key,
        "revocationList": urls.revocations,
    })
}

pub(crate) fn ob2_badge(issuer: &Issuer, achievement_doc: &Achievement, urls: &Ob2Urls) -> Value {
    let alignments: Vec<Value> = achievement_doc
        .skills
        .iter()
        .filter(|skill| skill.declared == Declaration::Alignment)
        .filter_map(|skill| {
            let uuid = skill.id.strip_prefix("esco:skill/")?;
            Some(json!({
                "targetName": skill.label,
                "targetUrl": format!("http://data.europa.eu/esco/skill/{uuid}"),
                "targetFramework": "ESCO",
            }))
        })
        .collect();
    json!({
        "@context": OB_V2,
        "type": "BadgeClass",
        "id": Ob2Urls::badge(issuer, achievement_doc),
        "name": achievement_doc.name,
        "description": achievement_doc.description,
        "image": Ob2Urls::badge_image(issuer, achievement_doc),
        "criteria": {"narrative": achievement_doc.criteria},
        "issuer": urls.issuer,
        "alignment": alignments,
    })
}

fn ob2_recipient(subject: &Subject) -> Value {
    match subject {
        Subject::IdentityHash {
            identity_hash,
            salt,
        } => json!({
            "type": "email",
            "hashed": true,
            "salt": salt,
            "identity": identity_hash,
        }),
        // Open Badges 2.0 recipients in the corpus are always hashed e-mail addresses.
        Subject::Did(did) => json!({"type": "url", "hashed": false, "identity": did}),
    }
}

/// An Open Badges 2.0 assertion, hosted (`creator` None) or signed.
pub(crate) fn ob2_assertion(
    plan: &CredentialPlan,
    issuer: &Issuer,
    achievement_doc: &Achievement,
    creator: Option<&str>,
) -> Value {
    let mut assertion = Map::new();
    assertion.insert("@context".into(), json!(OB_V2));
    assertion.insert("type".into(), json!("Assertion"));
    assertion.insert("id".into(), json!(plan.id));
    assertion.insert("recipient".into(), ob2_recipient(&plan.subject));
    assertion.insert(
        "badge".into(),
        json!(Ob2Urls::badge(issuer, achievement_doc)),
    );
    assertion.insert("issuedOn".into(), json!(datetime(plan.issued)));
    if let Some(until) = plan.valid_until {
        assertion.insert("expires".into(), json!(datetime(until)));
    }
    let verification = match creator {
        None => json!({"type": "hosted"}),
        Some(key) => json!({"type": "signed", "creator": key}),
    };
    assertion.insert("verification".into(), verification);
    Value::Object(assertion)
}

pub(crate) fn ob2_key(urls: &Ob2Urls, pem: &str) -> Value {
    json!({
        "@context": OB_V2,
        "type": "CryptographicKey",
        "id": urls.key,
        "owner": urls.issuer,
        "publicKeyPem": pem,
    })
}

pub(crate) fn ob2_revocations(urls: &Ob2Urls, revoked: &[&str]) -> Value {
    json!({
        "@context": OB_V2,
        "type": "RevocationList",
        "id": urls.revocations,
        "issuer": urls.issuer,
        "revokedAssertions": revoked
            .iter()
            .map(|id| json!({"id": id, "revocationReason": "Issued in error (demo)"}))
            .collect::<Vec<_>>(),
    })
}
