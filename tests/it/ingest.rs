//! Verified documents to index records: the fields, the seal, and the privacy rules
//! (no e-mail ever stored, locations coarsened to the FSA, consent only through the
//! earner's own signature).

use std::sync::Arc;

use ed25519_dalek::SigningKey;
use ingest::{IngestContext, credential_records, demand_from_job_posting};
use model::{CredentialKind, CredentialRecord, Outcome, RegionSource, SkillMethod, Verified};
use serde_json::{Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use verify::{OfflineResolver, ProofOptions, SigningSuite, Verifier, VerifyOptions, did_key};

use crate::taxonomy::support::taxonomy;

const ANALYSE_BIG_DATA: &str = "esco:skill/47a49cd6-097d-457a-9f7b-c290c14930d5";
const TEAMWORK_PRINCIPLES: &str = "esco:skill/a5b0cd5c-e13a-4ab3-8d93-4d242adcfb01";

fn now() -> OffsetDateTime {
    OffsetDateTime::parse("2026-06-01T00:00:00Z", &Rfc3339).expect("date")
}

fn issuer_key() -> SigningKey {
    SigningKey::from_bytes(&[21u8; 32])
}

/// An OB 3.0 credential: one skill declared as an ESCO alignment, one only in the criteria.
fn credential(subject: Value) -> Value {
    let (issuer, _) = did_key(&issuer_key());
    json!({
        "@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
        "id": "urn:uuid:7d1c9b6a-1c9e-4d4a-9a4e-2d8c2a0b0001",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": issuer, "type": ["Profile"], "name": "Demo Conestoga College",
            "address": {"type": ["Address"], "postalCode": "N2G 4M4", "addressRegion": "ON", "addressCountry": "CA"}},
        "validFrom": "2026-01-10T00:00:00Z",
        "name": "Data Fluency",
        "credentialSubject": subject,
    })
}

fn subject_with(extra: Value) -> Value {
    let mut subject = json!({
        "type": ["AchievementSubject"],
        "achievement": {
            "id": "https://demo.example/achievements/data-fluency",
            "type": ["Achievement"],
            "achievementType": "MicroCredential",
            "name": "Data Fluency",
            "description": "Working with data in teams.",
            "criteria": {"narrative": "Applied teamwork principles in a group project."},
            "alignment": [{"type": ["Alignment"], "targetName": "analyse big data", "targetFramework": "ESCO",
                "targetUrl": "http://data.europa.eu/esco/skill/47a49cd6-097d-457a-9f7b-c290c14930d5"}]
        }
    });
    if let (Value::Object(subject), Value::Object(extra)) = (&mut subject, extra) {
        subject.extend(extra);
    }
    subject
}

fn sign(document: &Value) -> Vec<u8> {
    let (_, method) = did_key(&issuer_key());
    let verifier = Verifier::new(Arc::new(OfflineResolver));
    let options = ProofOptions {
        suite: SigningSuite::EddsaRdfc2022,
        verification_method: method,
        proof_purpose: "assertionMethod".to_owned(),
        created: now(),
        challenge: None,
        domain: None,
    };
    serde_json::to_vec(
        &verifier
            .sign(document, &options, &issuer_key())
            .expect("signs"),
    )
    .expect("json")
}

fn ingest(bytes: &[u8], context: &IngestContext) -> Vec<Verified<CredentialRecord>> {
    let verifier = Verifier::new(Arc::new(OfflineResolver));
    let report = verifier.verify(bytes, &VerifyOptions::at(now()));
    assert_eq!(report.outcome, Outcome::Verified, "{:#?}", report.checks);
    let verified = report.into_verified(now()).expect("verified");
    credential_records(verified, taxonomy(), context)
}

#[test]
fn a_verified_credential_becomes_a_record_with_skills_region_and_its_original() {
    let bytes = sign(&credential(subject_with(
        json!({"id": "did:example:earner-1"}),
    )));
    let records = ingest(
        &bytes,
        &IngestContext {
            source_url: Some("https://demo.example/c/1".to_owned()),
            ..IngestContext::default()
        },
    );
    assert_eq!(records.len(), 1);
    let record = records[0].value();
    assert_eq!(
        record.credential_id,
        "urn:uuid:7d1c9b6a-1c9e-4d4a-9a4e-2d8c2a0b0001"
    );
    assert_eq!(record.earner.key, "did:example:earner-1");
    assert!(
        !record.earner.findable,
        "no consent without the earner's signature"
    );
    assert_eq!(
        record.issuer.name.as_deref(),
        Some("Demo Conestoga College")
    );
    assert_eq!(record.achievement.kind, CredentialKind::MicroCredential);
    assert_eq!(record.achievement.name, "Data Fluency");
    let skill = |id: &str| record.skills.iter().find(|skill| skill.id == id);
    let aligned = skill(ANALYSE_BIG_DATA).expect("the declared alignment is mapped");
    assert_eq!(aligned.method, SkillMethod::Alignment);
    assert!(
        !aligned.facets.is_empty(),
        "facets let broader queries match"
    );
    let from_text = skill(TEAMWORK_PRINCIPLES).expect("the criteria text is mapped");
    assert_eq!(from_text.method, SkillMethod::Text);
    assert!(
        from_text
            .span
            .as_deref()
            .is_some_and(|span| span.to_lowercase().contains("teamwork principles"))
    );
    let region = record
        .region
        .as_ref()
        .expect("the issuer's postal code gives a region");
    assert_eq!(
        region.fsa.as_deref(),
        Some("N2G"),
        "never finer than the FSA"
    );
    assert_eq!(region.source, RegionSource::Issuer);
    assert!(region.cduid.is_some() && region.eruid.is_some() && region.wpb_id.is_some());
    assert_eq!(
        record.issued_at,
        Some(1_768_003_200),
        "validFrom 2026-01-10T00:00:00Z"
    );
    assert_eq!(
        record.source_url.as_deref(),
        Some("https://demo.example/c/1")
    );
    // The original bytes verify again, offline, as the crawled copy did.
    assert_eq!(record.original.media_type, "application/vc+ld+json");
    let again = Verifier::new(Arc::new(OfflineResolver)).verify(
        record.original.content.as_bytes(),
        &VerifyOptions::at(now()),
    );
    assert_eq!(again.outcome, Outcome::Verified);
}

#[test]
fn identities_are_never_stored_in_the_clear() {
    for subject in [
        json!({"id": "mailto:earner@example.org"}),
        json!({"identifier": [{"type": "IdentityObject", "identityType": "emailAddress", "hashed": true, "salt": "c0ffee",
            "identityHash": verify::identity_hash("earner@example.org", "c0ffee")}]}),
    ] {
        let bytes = sign(&credential(subject_with(subject)));
        let records = ingest(&bytes, &IngestContext::default());
        let record = records[0].value();
        assert!(
            record.earner.key.starts_with("idhash:"),
            "{}",
            record.earner.key
        );
        let mut stored = serde_json::to_value(record).expect("serializes");
        // The original is the issuer's signed document, kept for re-verification; the
        // fields the index derives must not carry the identity.
        stored.as_object_mut().expect("object").remove("original");
        assert!(
            !stored.to_string().contains("earner@example.org"),
            "{stored}"
        );
    }
}

#[test]
fn a_presentation_makes_its_holder_findable_at_their_fsa() {
    let earner = SigningKey::from_bytes(&[33u8; 32]);
    let (holder, holder_method) = did_key(&earner);
    let credential: Value =
        serde_json::from_slice(&sign(&credential(subject_with(json!({"id": holder})))))
            .expect("json");
    let presentation = json!({
        "@context": ["https://www.w3.org/ns/credentials/v2",
            {"address": "https://schema.org/address", "postalCode": "https://schema.org/postalCode"}],
        "type": ["VerifiablePresentation"],
        "holder": {"id": holder, "address": {"postalCode": "N3T 2J5"}},
        "verifiableCredential": [credential],
    });
    let verifier = Verifier::new(Arc::new(OfflineResolver));
    let options = ProofOptions {
        suite: SigningSuite::EddsaRdfc2022,
        verification_method: holder_method,
        proof_purpose: "authentication".to_owned(),
        created: now(),
        challenge: None,
        domain: Some("https://earner.demo.example/profile".to_owned()),
    };
    let signed = verifier
        .sign(&presentation, &options, &earner)
        .expect("signs");
    let records = ingest(
        &serde_json::to_vec(&signed).expect("json"),
        &IngestContext {
            source_url: Some("https://earner.demo.example/profile".to_owned()),
            ..IngestContext::default()
        },
    );
    assert_eq!(records.len(), 1);
    let record = records[0].value();
    assert!(record.earner.findable);
    assert_eq!(
        record.earner.consent_source.as_deref(),
        Some("https://earner.demo.example/profile")
    );
    let region = record.region.as_ref().expect("region");
    assert_eq!(
        (region.fsa.as_deref(), region.source),
        (Some("N3T"), RegionSource::Earner)
    );
}

#[test]
fn a_job_posting_becomes_demand() {
    let posting = json!({
        "@context": "https://schema.org/",
        "@type": "JobPosting",
        "identifier": {"@type": "PropertyValue", "name": "Demo Employer", "value": "JP-1001"},
        "title": "Data analyst",
        "description": "<p>You will <b>analyse big data</b> and apply teamwork principles.</p>",
        "datePosted": "2026-03-14",
        "occupationalCategory": {"@type": "CategoryCode", "codeValue": "21223", "inCodeSet": "NOC 2021"},
        "hiringOrganization": {"@type": "Organization", "name": "Demo Analytics Inc."},
        "jobLocation": {"@type": "Place", "address": {"@type": "PostalAddress", "postalCode": "N3T 5L7", "addressRegion": "ON"}},
        "totalJobOpenings": 3
    });
    let demand =
        demand_from_job_posting(&posting, Some("https://jobs.demo.example/1001"), taxonomy())
            .expect("a posting");
    assert_eq!(demand.demand_id, "JP-1001");
    assert_eq!(demand.month, "2026-03");
    assert_eq!(demand.noc.as_deref(), Some("21223"));
    assert_eq!(demand.vacancies, 3);
    assert_eq!(
        demand
            .region
            .as_ref()
            .and_then(|region| region.fsa.as_deref()),
        Some("N3T")
    );
    let ids: Vec<&str> = demand
        .skills
        .iter()
        .map(|skill| skill.id.as_str())
        .collect();
    assert!(
        ids.contains(&ANALYSE_BIG_DATA) && ids.contains(&TEAMWORK_PRINCIPLES),
        "{ids:?}"
    );
    assert!(
        demand.skills.iter().all(|skill| skill.span.is_some()),
        "text skills quote their span"
    );
    assert!(demand_from_job_posting(&json!({"@type": "Organization"}), None, taxonomy()).is_err());
    assert!(
        demand_from_job_posting(
            &json!({"@type": "JobPosting", "title": "x"}),
            None,
            taxonomy()
        )
        .is_err(),
        "no datePosted"
    );
}
