//! Mapping records onto documents of the schema: one credential becomes one `credential`
//! document plus one `claim` per distinct skill; one demand record becomes one `demand`
//! document plus one `demand_skill` per distinct skill.
//!
//! Every check that can refuse a record happens here, before the writer sees anything, so
//! that an upsert either maps completely or changes nothing.

use std::collections::BTreeMap;

use model::{
    CredentialRecord, DemandRecord, RegionRef, RegionSource, SkillClaim, VerificationSummary,
    Verified,
};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use tantivy::TantivyDocument;
use tantivy::schema::Facet;

use crate::schema::{self, Fields, doc_type};
use crate::{Error, Result};

/// What the index stores for one credential: the record and what verification established,
/// enough to explain a hit and to re-verify the original offline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IndexedCredential {
    /// The record as indexed.
    pub record: CredentialRecord,
    /// The verifier's summary (format, issuer, proofs, checks, instant).
    pub verification: VerificationSummary,
}

#[derive(Serialize)]
struct IndexedCredentialRef<'a> {
    record: &'a CredentialRecord,
    verification: &'a VerificationSummary,
}

/// The 64-bit key of an earner, credential or demand id: the first 8 bytes of its SHA-256.
///
/// Collectors group and count by these instead of strings. Two distinct keys share a hash
/// with probability about n²/2⁶⁵ (3·10⁻⁸ for a million earners), the only inexactness in
/// the distinct-earner counts.
pub fn key_hash(key: &str) -> u64 {
    let digest = Sha256::digest(key.as_bytes());
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    u64::from_be_bytes(first)
}

/// A fingerprint of one stored document, for the content-addressed snapshot id. Zero is
/// reserved for "no fingerprint" (derived documents), so a real one is never zero.
fn fingerprint(doc_type: &str, stored: &[u8]) -> u64 {
    let mut hasher = Sha256::new();
    hasher.update(doc_type.as_bytes());
    hasher.update([0u8]);
    hasher.update(stored);
    let digest = hasher.finalize();
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    u64::from_be_bytes(first).max(1)
}

/// The documents of one verified credential.
pub(crate) fn credential_documents(
    fields: &Fields,
    verified: &Verified<CredentialRecord>,
) -> Result<Vec<TantivyDocument>> {
    let record = verified.value();
    let id = record.credential_id.as_str();
    if id.trim().is_empty() {
        return Err(Error::invalid_record(id, "credential_id", "is empty"));
    }
    if record.earner.key.trim().is_empty() {
        return Err(Error::invalid_record(id, "earner.key", "is empty"));
    }
    if record.issuer.id.trim().is_empty() {
        return Err(Error::invalid_record(id, "issuer.id", "is empty"));
    }
    let region = checked_region(id, record.region.as_ref())?;
    let skills = distinct_skills(id, &record.skills)?;
    let stored = serde_json::to_vec(&IndexedCredentialRef {
        record,
        verification: verified.summary(),
    })
    .map_err(|error| Error::invalid_record(id, "record", error.to_string()))?;

    let credential_hash = key_hash(id);
    let earner_hash = key_hash(&record.earner.key);
    let kind = schema::kind_code(record.achievement.kind);
    // What every document of this credential repeats, so that claims filter on their own.
    let common = |doc: &mut TantivyDocument| {
        doc.add_text(fields.credential_id, id);
        doc.add_u64(fields.credential_hash, credential_hash);
        doc.add_text(fields.earner, &record.earner.key);
        doc.add_u64(fields.earner_hash, earner_hash);
        doc.add_bool(fields.findable, record.earner.findable);
        doc.add_text(fields.issuer, &record.issuer.id);
        if let Some(achievement_id) = non_empty(record.achievement.id.as_deref()) {
            doc.add_text(fields.achievement_id, achievement_id);
        }
        doc.add_u64(fields.kind, kind);
        doc.add_bool(fields.credit, record.achievement.credit);
        add_region(fields, doc, region);
        if let Some(issued_at) = record.issued_at {
            doc.add_i64(fields.issued_at, issued_at);
        }
        if let Some(valid_until) = record.valid_until {
            doc.add_i64(fields.valid_until, valid_until);
        }
    };

    let mut documents = Vec::with_capacity(1 + skills.len());
    let mut credential = TantivyDocument::new();
    credential.add_text(fields.doc_type, doc_type::CREDENTIAL);
    common(&mut credential);
    credential.add_text(fields.content_sha256, &record.content_sha256);
    if let Some(domain) = non_empty(record.issuer.domain.as_deref()) {
        credential.add_text(fields.issuer_domain, domain);
    }
    credential.add_text(fields.achievement_name, &record.achievement.name);
    if let Some(description) = non_empty(record.achievement.description.as_deref()) {
        credential.add_text(fields.description, description);
    }
    credential.add_text(fields.format, format_code(record.format));
    credential.add_u64(
        fields.fingerprint,
        fingerprint(doc_type::CREDENTIAL, &stored),
    );
    credential.add_bytes(fields.stored, &stored);
    documents.push(credential);

    for (skill_id, (skill, facets)) in &skills {
        let mut claim = TantivyDocument::new();
        claim.add_text(fields.doc_type, doc_type::CLAIM);
        common(&mut claim);
        claim.add_text(fields.skill, skill_id);
        for facet in facets {
            claim.add_facet(fields.skill_facet, facet.clone());
        }
        claim.add_u64(fields.method, schema::method_code(skill.method));
        claim.add_f64(fields.confidence, f64::from(skill.confidence));
        documents.push(claim);
    }
    Ok(documents)
}

/// The documents of one demand record.
pub(crate) fn demand_documents(
    fields: &Fields,
    record: &DemandRecord,
) -> Result<Vec<TantivyDocument>> {
    let id = record.demand_id.as_str();
    if id.trim().is_empty() {
        return Err(Error::invalid_record(id, "demand_id", "is empty"));
    }
    if !is_month(&record.month) {
        return Err(Error::invalid_record(
            id,
            "month",
            format!("{:?} is not YYYY-MM", record.month),
        ));
    }
    let region = checked_region(id, record.region.as_ref())?;
    let skills = distinct_skills(id, &record.skills)?;
    let stored = serde_json::to_vec(record)
        .map_err(|error| Error::invalid_record(id, "record", error.to_string()))?;
    let demand_hash = key_hash(id);
    let kind = schema::demand_kind_code(record.kind);
    let common = |doc: &mut TantivyDocument| {
        doc.add_text(fields.demand_id, id);
        doc.add_u64(fields.demand_hash, demand_hash);
        doc.add_u64(fields.demand_kind, kind);
        if let Some(noc) = non_empty(record.noc.as_deref()) {
            doc.add_text(fields.noc, noc);
        }
        doc.add_text(fields.month, &record.month);
        doc.add_u64(fields.vacancies, u64::from(record.vacancies));
        add_region(fields, doc, region);
    };
    let mut documents = Vec::with_capacity(1 + skills.len());
    let mut demand = TantivyDocument::new();
    demand.add_text(fields.doc_type, doc_type::DEMAND);
    common(&mut demand);
    demand.add_text(fields.title, &record.title);
    demand.add_u64(fields.fingerprint, fingerprint(doc_type::DEMAND, &stored));
    demand.add_bytes(fields.stored, &stored);
    documents.push(demand);
    for (skill_id, (_, facets)) in &skills {
        let mut row = TantivyDocument::new();
        row.add_text(fields.doc_type, doc_type::DEMAND_SKILL);
        common(&mut row);
        row.add_text(fields.demand_skill, skill_id);
        for facet in facets {
            row.add_facet(fields.demand_skill_facet, facet.clone());
        }
        documents.push(row);
    }
    Ok(documents)
}

/// A region whose coordinates, when present, are usable.
fn checked_region<'a>(id: &str, region: Option<&'a RegionRef>) -> Result<Option<&'a RegionRef>> {
    let Some(region) = region else {
        return Ok(None);
    };
    match (region.latitude, region.longitude) {
        (Some(latitude), Some(longitude)) => {
            if !(latitude.is_finite() && (-90.0..=90.0).contains(&latitude)) {
                return Err(Error::invalid_record(
                    id,
                    "region.latitude",
                    format!("{latitude} is out of range"),
                ));
            }
            if !(longitude.is_finite() && (-180.0..=180.0).contains(&longitude)) {
                return Err(Error::invalid_record(
                    id,
                    "region.longitude",
                    format!("{longitude} is out of range"),
                ));
            }
        }
        (None, None) => {}
        _ => {
            return Err(Error::invalid_record(
                id,
                "region",
                "has one coordinate without the other",
            ));
        }
    }
    Ok(Some(region))
}

fn add_region(fields: &Fields, doc: &mut TantivyDocument, region: Option<&RegionRef>) {
    let Some(region) = region else { return };
    let fsa = non_empty(region.fsa.as_deref());
    let cduid = non_empty(region.cduid.as_deref());
    let eruid = non_empty(region.eruid.as_deref());
    let wpb_id = non_empty(region.wpb_id.as_deref());
    for (field, value) in [
        (fields.fsa, fsa),
        (fields.cduid, cduid),
        (fields.eruid, eruid),
        (fields.wpb_id, wpb_id),
    ] {
        if let Some(value) = value {
            doc.add_text(field, value);
        }
    }
    if fsa.is_some() || cduid.is_some() || eruid.is_some() || wpb_id.is_some() {
        // Every region the taxonomy resolves lies in Ontario (province code 35).
        doc.add_text(fields.province, PROVINCE_CODE);
        doc.add_facet(fields.region, region_facet(eruid, cduid, fsa));
    }
    if let (Some(latitude), Some(longitude)) = (region.latitude, region.longitude) {
        doc.add_f64(fields.latitude, latitude);
        doc.add_f64(fields.longitude, longitude);
    }
    let source = if region.source == RegionSource::Earner {
        schema::REGION_SOURCE_EARNER
    } else {
        schema::REGION_SOURCE_OTHER
    };
    doc.add_u64(fields.region_source, source);
}

/// The province code every indexed region carries.
pub const PROVINCE_CODE: &str = "35";

/// `/CA/35/<ER>/<CD>/<FSA>`, cut at the first unknown level so that a path always means the
/// same hierarchy depth.
pub(crate) fn region_facet(eruid: Option<&str>, cduid: Option<&str>, fsa: Option<&str>) -> Facet {
    let mut parts = vec!["CA", PROVINCE_CODE];
    for part in [eruid, cduid, fsa] {
        match part {
            Some(part) => parts.push(part),
            None => break,
        }
    }
    Facet::from_path(parts)
}

/// Skills keyed by id, one claim each: a record that lists a skill twice keeps the
/// strongest method (then the highest confidence) and the union of the facet paths, so that
/// "each earner once per skill" never depends on how the mapper repeated itself.
fn distinct_skills<'a>(
    id: &str,
    skills: &'a [SkillClaim],
) -> Result<BTreeMap<&'a str, (&'a SkillClaim, Vec<Facet>)>> {
    let mut distinct: BTreeMap<&'a str, (&'a SkillClaim, Vec<Facet>)> = BTreeMap::new();
    for skill in skills {
        if skill.id.trim().is_empty() {
            return Err(Error::invalid_record(id, "skills.id", "is empty"));
        }
        if !(skill.confidence.is_finite() && (0.0..=1.0).contains(&skill.confidence)) {
            return Err(Error::invalid_record(
                id,
                "skills.confidence",
                format!("{} for {} is not in [0, 1]", skill.confidence, skill.id),
            ));
        }
        let mut facets = Vec::with_capacity(skill.facets.len());
        for path in &skill.facets {
            facets.push(
                parse_facet(path)
                    .map_err(|problem| Error::invalid_record(id, "skills.facets", problem))?,
            );
        }
        match distinct.get_mut(skill.id.as_str()) {
            None => {
                distinct.insert(&skill.id, (skill, facets));
            }
            Some((kept, kept_facets)) => {
                let stronger = (skill.method, std::cmp::Reverse(skill.confidence.to_bits()))
                    < (kept.method, std::cmp::Reverse(kept.confidence.to_bits()));
                if stronger {
                    *kept = skill;
                }
                kept_facets.extend(facets);
            }
        }
    }
    for (_, facets) in distinct.values_mut() {
        facets.sort();
        facets.dedup();
    }
    Ok(distinct)
}

/// A facet path of the taxonomy (`/esco/S/S1/<id>`): absolute, not the root.
pub(crate) fn parse_facet(path: &str) -> std::result::Result<Facet, String> {
    let facet =
        Facet::from_text(path).map_err(|error| format!("{path:?} is not a facet path: {error}"))?;
    if facet.is_root() {
        return Err(format!(
            "{path:?} is the root, which would match every skill"
        ));
    }
    Ok(facet)
}

fn non_empty(value: Option<&str>) -> Option<&str> {
    value.filter(|value| !value.trim().is_empty())
}

fn is_month(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() == 7
        && bytes[..4].iter().all(u8::is_ascii_digit)
        && bytes[4] == b'-'
        && matches!(
            (bytes[5], bytes[6]),
            (b'0', b'1'..=b'9') | (b'1', b'0'..=b'2')
        )
}

/// The snake_case code of a format, as its serde name.
fn format_code(format: model::Format) -> String {
    match serde_json::to_value(format) {
        Ok(serde_json::Value::String(code)) => code,
        _ => "unknown".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months() {
        for (text, expected) in [
            ("2026-01", true),
            ("2026-12", true),
            ("2026-13", false),
            ("2026-00", false),
            ("2026-1", false),
            ("26-01-01", false),
            ("", false),
        ] {
            assert_eq!(is_month(text), expected, "{text:?}");
        }
    }

    #[test]
    fn region_facets_stop_at_the_first_unknown_level() {
        for ((er, cd, fsa), expected) in [
            (
                (Some("3550"), Some("3529"), Some("N3T")),
                "/CA/35/3550/3529/N3T",
            ),
            ((Some("3550"), None, Some("N3T")), "/CA/35/3550"),
            ((None, Some("3529"), Some("N3T")), "/CA/35"),
        ] {
            assert_eq!(region_facet(er, cd, fsa).to_path_string(), expected);
        }
    }

    #[test]
    fn facet_paths() {
        for (path, ok) in [
            ("/esco/S/S1/abc", true),
            ("/", false),
            ("esco/S", false),
            ("", false),
        ] {
            assert_eq!(parse_facet(path).is_ok(), ok, "{path:?}");
        }
    }
}
