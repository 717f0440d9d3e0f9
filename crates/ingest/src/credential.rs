//! `Verified<VerifiedDocument>` → `Verified<CredentialRecord>`s.

use base64::Engine as _;
use model::{
    AchievementRef, Container, CredentialKind, CredentialRecord, EarnerRef, Format, IssuerRef,
    OriginalCredential, RegionRef, RegionSource, SkillClaim, SkillMethod, Verified,
};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use taxonomy::Taxonomy;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use verify::VerifiedDocument;

/// An earner's consent to be found as a person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Consent {
    /// Where it was given: the URL of the presentation the earner signed, or of the opt-in
    /// list their issuer publishes.
    pub source: String,
}

/// What the crawler knows about where and how a document was found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IngestContext {
    /// The URL the document was fetched from.
    pub source_url: Option<String>,
    /// The earner's consent, when it was established outside the document (an issuer's
    /// opt-in list). A verified presentation carries its own.
    pub consent: Option<Consent>,
    /// A location the earner published (postal code or FSA), coarsened to the FSA.
    pub earner_location: Option<String>,
}

/// The records of a verified document: one per credential. A presentation yields its
/// members, findable through the holder's own signature; a CLR yields its members.
pub fn credential_records(
    verified: Verified<VerifiedDocument>,
    taxonomy: &Taxonomy,
    context: &IngestContext,
) -> Vec<Verified<CredentialRecord>> {
    let format = verified.summary().format;
    match format {
        Format::VpDataIntegrity | Format::VpJwt => {
            // Members carry their own seals; the container's is no longer needed.
            let (presentation, _) = verified.into_parts();
            let holder_location = holder_location(&presentation.document);
            let member_context = IngestContext {
                source_url: context.source_url.clone(),
                // The verifier established holder = subject for every member: the earner
                // signed this presentation, which is their consent to be found.
                consent: Some(Consent {
                    source: context
                        .source_url
                        .clone()
                        .unwrap_or_else(|| "a signed presentation".to_owned()),
                }),
                earner_location: context.earner_location.clone().or(holder_location),
            };
            presentation
                .nested
                .into_iter()
                .flat_map(|member| credential_records(member, taxonomy, &member_context))
                .collect()
        }
        Format::Clr => {
            let (clr, _) = verified.into_parts();
            clr.nested
                .into_iter()
                .flat_map(|member| credential_records(member, taxonomy, context))
                .collect()
        }
        _ => {
            // Hosted Open Badges 2.0 assertions name their issuer only through the badge
            // class the verifier fetched: its summary then holds the issuer id.
            let verified_issuer = verified.summary().issuer.clone();
            vec![
                verified
                    .map(|document| record(&document, &verified_issuer, format, taxonomy, context)),
            ]
        }
    }
}

fn record(
    verified: &VerifiedDocument,
    verified_issuer: &str,
    format: Format,
    taxonomy: &Taxonomy,
    context: &IngestContext,
) -> CredentialRecord {
    let empty = Map::new();
    let document = verified.document.as_object().unwrap_or(&empty);
    let content_sha256 = hex(&Sha256::digest(&verified.original));
    let credential_id = string(document, "id")
        .map(str::to_owned)
        .unwrap_or_else(|| format!("sha256:{content_sha256}"));
    let mut issuer = issuer(document);
    if issuer.id.is_empty() && !verified_issuer.is_empty() {
        issuer.domain = issuer_domain(verified_issuer);
        issuer.id = verified_issuer.to_owned();
    }
    let mapped = taxonomy.map_credential(&verified.document);
    let skills = mapped
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
            method: method(skill.method),
            confidence: skill.confidence,
            span: skill
                .evidence
                .iter()
                .find_map(|evidence| evidence.span.as_ref().map(|span| span.text.clone())),
            facets: taxonomy.facet_paths(skill.concept),
        })
        .collect();
    let region = context
        .earner_location
        .as_deref()
        .and_then(|location| region(taxonomy, location, RegionSource::Earner))
        .or_else(|| issuer_region(taxonomy, document));
    CredentialRecord {
        earner: EarnerRef {
            key: earner_key(document, &issuer.id, &credential_id),
            findable: context.consent.is_some(),
            consent_source: context
                .consent
                .as_ref()
                .map(|consent| consent.source.clone()),
        },
        achievement: achievement(document),
        issued_at: first_instant(
            document,
            &["validFrom", "issuanceDate", "issuedOn", "awardedDate"],
        ),
        valid_until: first_instant(document, &["validUntil", "expirationDate", "expires"]),
        original: original(verified, format),
        source_url: context.source_url.clone(),
        credential_id,
        content_sha256,
        issuer,
        skills,
        region,
        format,
    }
}

fn string<'a>(object: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    object.get(key).and_then(Value::as_str)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

fn method(method: taxonomy::Method) -> SkillMethod {
    match method {
        taxonomy::Method::Alignment => SkillMethod::Alignment,
        taxonomy::Method::Text => SkillMethod::Text,
        taxonomy::Method::Crosswalk => SkillMethod::Crosswalk,
        taxonomy::Method::Hierarchy => SkillMethod::Hierarchy,
    }
}

/// A text that may be a plain string, a language map or a value object.
fn text(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text.clone()),
        Value::Object(object) => object
            .get("@value")
            .and_then(Value::as_str)
            .map(str::to_owned),
        Value::Array(values) => values.iter().find_map(text),
        _ => None,
    }
}

fn subjects(document: &Map<String, Value>) -> Vec<&Map<String, Value>> {
    match document.get("credentialSubject") {
        Some(Value::Array(values)) => values.iter().filter_map(Value::as_object).collect(),
        Some(Value::Object(subject)) => vec![subject],
        _ => Vec::new(),
    }
}

fn issuer(document: &Map<String, Value>) -> IssuerRef {
    // OB 2.0 names the issuer inside the badge class.
    let issuer_value = document
        .get("issuer")
        .or_else(|| document.get("badge").and_then(|badge| badge.get("issuer")));
    let (id, name) = match issuer_value {
        Some(Value::String(id)) => (id.clone(), None),
        Some(Value::Object(issuer)) => (
            string(issuer, "id").unwrap_or_default().to_owned(),
            issuer.get("name").and_then(text),
        ),
        _ => (String::new(), None),
    };
    IssuerRef {
        domain: issuer_domain(&id),
        id,
        name,
    }
}

/// The domain that vouches for an issuer: the did:web host or the https host.
fn issuer_domain(id: &str) -> Option<String> {
    if let Some(rest) = id.strip_prefix("did:web:") {
        let host = rest
            .split(':')
            .next()
            .unwrap_or_default()
            .replacen("%3A", ":", 1);
        return (!host.is_empty()).then(|| host.to_ascii_lowercase());
    }
    let rest = id
        .strip_prefix("https://")
        .or_else(|| id.strip_prefix("http://"))?;
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    (!host.is_empty()).then(|| host.to_ascii_lowercase())
}

/// The earner's key. Never an e-mail address or other plain identity: those are hashed with
/// the issuer id, which keeps the key stable for one issuer and unlinkable across issuers.
fn earner_key(document: &Map<String, Value>, issuer_id: &str, credential_id: &str) -> String {
    let scoped_hash = |identity: &str| {
        hex(&Sha256::digest(
            format!("{issuer_id}|{identity}").as_bytes(),
        ))
    };
    for subject in subjects(document) {
        if let Some(id) = string(subject, "id") {
            if id.starts_with("did:") {
                return id.to_owned();
            }
            return format!("idhash:{}", scoped_hash(id));
        }
        let identifiers = match subject.get("identifier") {
            Some(Value::Array(values)) => values
                .iter()
                .filter_map(Value::as_object)
                .collect::<Vec<_>>(),
            Some(Value::Object(identifier)) => vec![identifier],
            _ => Vec::new(),
        };
        if let Some(hash) = identifiers
            .iter()
            .find_map(|identifier| string(identifier, "identityHash"))
        {
            return format!("idhash:{}", scoped_hash(hash));
        }
    }
    // OB 2.0: `recipient.identity` is a salted hash, or (hashed: false) a plain e-mail.
    if let Some(identity) = document
        .get("recipient")
        .and_then(|recipient| recipient.get("identity"))
        .and_then(Value::as_str)
    {
        return format!("idhash:{}", scoped_hash(identity));
    }
    format!("anon:{}", hex(&Sha256::digest(credential_id.as_bytes())))
}

fn achievement(document: &Map<String, Value>) -> AchievementRef {
    let subject_achievement = subjects(document)
        .into_iter()
        .find_map(|subject| subject.get("achievement")?.as_object());
    let badge = document.get("badge").and_then(Value::as_object);
    let source = subject_achievement.or(badge).unwrap_or(document);
    let achievement_type = string(source, "achievementType").unwrap_or_default();
    let credits = |object: &Map<String, Value>, key: &str| {
        object.get(key).and_then(Value::as_f64).unwrap_or(0.0)
    };
    let credit = credits(source, "creditsAvailable") > 0.0
        || subjects(document)
            .into_iter()
            .any(|subject| credits(subject, "creditsEarned") > 0.0);
    AchievementRef {
        id: string(source, "id").map(str::to_owned),
        name: source
            .get("name")
            .and_then(text)
            .or_else(|| document.get("name").and_then(text))
            .unwrap_or_default(),
        description: source.get("description").and_then(text),
        kind: if badge.is_some() && achievement_type.is_empty() {
            CredentialKind::Badge
        } else {
            kind(achievement_type)
        },
        credit,
    }
}

/// Open Badges 3.0 `achievementType` → coarse kind.
fn kind(achievement_type: &str) -> CredentialKind {
    match achievement_type.trim_start_matches("ext:") {
        "AssociateDegree"
        | "BachelorDegree"
        | "MasterDegree"
        | "DoctoralDegree"
        | "ProfessionalDoctorate"
        | "ResearchDoctorate"
        | "Degree" => CredentialKind::Degree,
        "Diploma" | "SecondarySchoolDiploma" | "GeneralEducationDevelopment" => {
            CredentialKind::Diploma
        }
        "Certificate"
        | "CertificateOfCompletion"
        | "Certification"
        | "ApprenticeshipCertificate"
        | "JourneymanCertificate"
        | "MasterCertificate" => CredentialKind::Certificate,
        "MicroCredential" => CredentialKind::MicroCredential,
        "Badge" | "Award" | "Competency" => CredentialKind::Badge,
        "License" => CredentialKind::License,
        "Course" | "Assessment" | "Assignment" | "LearningProgram" => CredentialKind::Course,
        _ => CredentialKind::Other,
    }
}

fn first_instant(document: &Map<String, Value>, keys: &[&str]) -> Option<i64> {
    keys.iter().find_map(|key| {
        let text = string(document, key)?;
        OffsetDateTime::parse(text, &Rfc3339)
            .ok()
            .map(OffsetDateTime::unix_timestamp)
    })
}

fn region(taxonomy: &Taxonomy, location: &str, source: RegionSource) -> Option<RegionRef> {
    let resolved = taxonomy.regions().resolve(location)?;
    Some(RegionRef {
        fsa: resolved.fsa,
        cduid: resolved.cduid,
        eruid: resolved.eruid,
        wpb_id: resolved.wpb_id,
        latitude: resolved.point.map(|point| point.lat),
        longitude: resolved.point.map(|point| point.lon),
        source,
    })
}

/// The campus where the learning happened: the issuer's postal code, else its coordinates.
fn issuer_region(taxonomy: &Taxonomy, document: &Map<String, Value>) -> Option<RegionRef> {
    let address = document.get("issuer")?.get("address")?.as_object()?;
    if let Some(postal_code) = string(address, "postalCode")
        && let Some(region) = region(taxonomy, postal_code, RegionSource::Issuer)
    {
        return Some(region);
    }
    let geo = address.get("geo")?;
    let point = taxonomy::Point {
        lat: geo.get("latitude")?.as_f64()?,
        lon: geo.get("longitude")?.as_f64()?,
    };
    let resolved = taxonomy.regions().locate_point(point)?;
    Some(RegionRef {
        fsa: resolved.fsa,
        cduid: resolved.cduid,
        eruid: resolved.eruid,
        wpb_id: resolved.wpb_id,
        latitude: resolved.point.map(|point| point.lat),
        longitude: resolved.point.map(|point| point.lon),
        source: RegionSource::Issuer,
    })
}

/// A location the holder put in their presentation (`holder.address.postalCode`).
fn holder_location(presentation: &Value) -> Option<String> {
    let postal_code = presentation
        .get("holder")?
        .get("address")?
        .get("postalCode")?
        .as_str()?;
    taxonomy::coarsen_postal_code(postal_code)
}

fn original(verified: &VerifiedDocument, format: Format) -> OriginalCredential {
    let media_type = match (verified.container, format) {
        (Container::Png, _) => "image/png",
        (Container::Svg, _) => "image/svg+xml",
        (Container::Jwt, _) | (_, Format::VcJwt | Format::VpJwt | Format::Ob2Signed) => {
            "application/vc+jwt"
        }
        _ => "application/vc+ld+json",
    };
    let content = match verified.container {
        Container::Png => base64::engine::general_purpose::STANDARD.encode(&verified.original),
        _ => String::from_utf8_lossy(&verified.original).into_owned(),
    };
    OriginalCredential {
        media_type: media_type.to_owned(),
        content,
    }
}
