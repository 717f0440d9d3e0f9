//! schema.org `JobPosting` → `DemandRecord`.
//!
//! Postings are demand, not credentials: nothing here is verified, so every record keeps its
//! source URL and the skills quote the text they came from.

use model::{DemandKind, DemandRecord, RegionRef, RegionSource, SkillClaim, SkillMethod};
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};
use taxonomy::{AlignmentOutcome, ExtractOptions, Taxonomy};

use crate::Error;

/// A posting claiming more vacancies than this is counted as this many: one page must not
/// swamp a region's demand.
const MAX_VACANCIES: u32 = 500;

/// Reads a `JobPosting` (a JSON-LD object, as found in a page's
/// `<script type="application/ld+json">`).
pub fn demand_from_job_posting(
    posting: &Value,
    source_url: Option<&str>,
    taxonomy: &Taxonomy,
) -> Result<DemandRecord, Error> {
    let Some(object) = posting.as_object() else {
        return Err(Error::NotAJobPosting("not a JSON object".to_owned()));
    };
    let types = match object.get("@type").or_else(|| object.get("type")) {
        Some(Value::String(name)) => vec![name.as_str()],
        Some(Value::Array(names)) => names.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    if !types
        .iter()
        .any(|name| *name == "JobPosting" || name.ends_with("/JobPosting"))
    {
        return Err(Error::NotAJobPosting(format!("@type is {types:?}")));
    }
    let title =
        text(object, "title").ok_or_else(|| Error::InvalidJobPosting("no title".to_owned()))?;
    let date_posted = text(object, "datePosted")
        .ok_or_else(|| Error::InvalidJobPosting("no datePosted".to_owned()))?;
    let month = month_of(&date_posted).ok_or_else(|| {
        Error::InvalidJobPosting(format!("datePosted {date_posted:?} is not a date"))
    })?;
    let description = text(object, "description")
        .map(|html| strip_html(&html))
        .unwrap_or_default();

    let mut skills = declared_skills(object, taxonomy);
    let stated_skills = match object.get("skills") {
        Some(Value::String(skills)) => skills.clone(),
        Some(Value::Array(values)) => values
            .iter()
            .filter_map(Value::as_str)
            .collect::<Vec<_>>()
            .join(". "),
        _ => String::new(),
    };
    for passage in [title.as_str(), stated_skills.as_str(), description.as_str()] {
        for found in taxonomy.extract(passage, &ExtractOptions::default()) {
            if skills.iter().any(|skill: &SkillClaim| skill.id == found.id) {
                continue;
            }
            skills.push(SkillClaim {
                facets: taxonomy.facet_paths(found.concept),
                id: found.id,
                label: found.label,
                method: SkillMethod::Text,
                confidence: found.confidence,
                span: Some(found.span.text),
            });
        }
    }

    let demand_id = identifier(object)
        .or_else(|| text(object, "url"))
        .or_else(|| source_url.map(str::to_owned))
        .unwrap_or_else(|| {
            let digest = Sha256::digest(posting.to_string().as_bytes());
            format!(
                "sha256:{}",
                digest
                    .iter()
                    .map(|byte| format!("{byte:02x}"))
                    .collect::<String>()
            )
        });
    let vacancies = object
        .get("totalJobOpenings")
        .and_then(|value| {
            value
                .as_u64()
                .or_else(|| value.as_str().and_then(|text| text.trim().parse().ok()))
        })
        .map_or(1, |count| {
            u32::try_from(count)
                .unwrap_or(u32::MAX)
                .clamp(1, MAX_VACANCIES)
        });
    Ok(DemandRecord {
        demand_id,
        kind: DemandKind::Posting,
        source_url: source_url.map(str::to_owned),
        employer: object
            .get("hiringOrganization")
            .and_then(|organization| match organization {
                Value::String(name) => Some(name.clone()),
                Value::Object(organization) => text(organization, "name"),
                _ => None,
            }),
        noc: noc(object),
        region: job_region(object, taxonomy),
        title,
        skills,
        month,
        vacancies,
    })
}

fn text(object: &Map<String, Value>, key: &str) -> Option<String> {
    match object.get(key)? {
        Value::String(text) => Some(text.trim().to_owned()).filter(|text| !text.is_empty()),
        Value::Object(value) => value
            .get("@value")
            .and_then(Value::as_str)
            .map(str::to_owned),
        _ => None,
    }
}

fn identifier(object: &Map<String, Value>) -> Option<String> {
    match object.get("identifier")? {
        Value::String(id) => Some(id.clone()),
        Value::Object(property) => property.get("value").and_then(|value| match value {
            Value::String(text) => Some(text.clone()),
            Value::Number(number) => Some(number.to_string()),
            _ => None,
        }),
        _ => None,
    }
}

/// `2026-03-14` or `2026-03-14T09:00:00Z` → `2026-03`.
fn month_of(date: &str) -> Option<String> {
    let bytes = date.as_bytes();
    let shaped = bytes.len() >= 7
        && bytes[..4].iter().all(u8::is_ascii_digit)
        && bytes[4] == b'-'
        && bytes[5..7].iter().all(u8::is_ascii_digit);
    let month: u8 = date.get(5..7)?.parse().ok()?;
    (shaped && (1..=12).contains(&month)).then(|| date[..7].to_owned())
}

/// NOC 2021 unit group from `occupationalCategory`: `"21231"`, `"NOC 21231 …"`, or a
/// `CategoryCode` with `codeValue`.
fn noc(object: &Map<String, Value>) -> Option<String> {
    let candidates: Vec<String> = match object.get("occupationalCategory")? {
        Value::String(text) => vec![text.clone()],
        Value::Object(code) => vec![
            code.get("codeValue")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned(),
        ],
        Value::Array(values) => values
            .iter()
            .filter_map(|value| {
                value
                    .as_str()
                    .map(str::to_owned)
                    .or_else(|| value.get("codeValue")?.as_str().map(str::to_owned))
            })
            .collect(),
        _ => Vec::new(),
    };
    candidates.iter().find_map(|candidate| {
        candidate
            .split(|c: char| !c.is_ascii_digit())
            .find(|digits| digits.len() == 5)
            .map(str::to_owned)
    })
}

/// Skills the employer declared as `DefinedTerm`s with an ESCO/O*NET URL or code.
fn declared_skills(object: &Map<String, Value>, taxonomy: &Taxonomy) -> Vec<SkillClaim> {
    let terms: Vec<&Map<String, Value>> = match object.get("skills") {
        Some(Value::Array(values)) => values.iter().filter_map(Value::as_object).collect(),
        Some(Value::Object(term)) => vec![term],
        _ => Vec::new(),
    };
    terms
        .into_iter()
        .filter_map(|term| {
            let alignment = json!({
                "targetUrl": term.get("url").or_else(|| term.get("@id")),
                "targetCode": term.get("termCode"),
                "targetName": term.get("name"),
                "targetFramework": term.get("inDefinedTermSet"),
            });
            let AlignmentOutcome::Resolved {
                id,
                label,
                confidence,
                ..
            } = taxonomy.resolve_alignment(&alignment)
            else {
                return None;
            };
            let concept = taxonomy.by_id(&id)?;
            Some(SkillClaim {
                facets: taxonomy.facet_paths(concept),
                id,
                label,
                method: SkillMethod::Alignment,
                confidence,
                span: None,
            })
        })
        .collect()
}

fn job_region(object: &Map<String, Value>, taxonomy: &Taxonomy) -> Option<RegionRef> {
    let locations: Vec<&Value> = match object.get("jobLocation")? {
        Value::Array(values) => values.iter().collect(),
        single => vec![single],
    };
    locations.into_iter().find_map(|location| {
        let address = location.get("address")?;
        let candidates = ["postalCode", "addressLocality"]
            .into_iter()
            .filter_map(|key| address.get(key)?.as_str());
        candidates.into_iter().find_map(|candidate| {
            let resolved = taxonomy.regions().resolve(candidate)?;
            Some(RegionRef {
                fsa: resolved.fsa,
                cduid: resolved.cduid,
                eruid: resolved.eruid,
                wpb_id: resolved.wpb_id,
                latitude: resolved.point.map(|point| point.lat),
                longitude: resolved.point.map(|point| point.lon),
                source: RegionSource::JobLocation,
            })
        })
    })
}

/// Job descriptions are HTML more often than not: tags out, common entities decoded.
fn strip_html(html: &str) -> String {
    let mut text = String::with_capacity(html.len());
    let mut in_tag = false;
    for character in html.chars() {
        match character {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                text.push(' ');
            }
            _ if !in_tag => text.push(character),
            _ => {}
        }
    }
    let decoded = [
        ("&nbsp;", " "),
        ("&lt;", "<"),
        ("&gt;", ">"),
        ("&quot;", "\""),
        ("&#39;", "'"),
        ("&apos;", "'"),
        ("&amp;", "&"),
    ]
    .iter()
    .fold(text, |text, (entity, replacement)| {
        text.replace(entity, replacement)
    });
    decoded.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_nocs_and_html() {
        assert_eq!(month_of("2026-03-14"), Some("2026-03".to_owned()));
        assert_eq!(month_of("2026-13-01"), None);
        assert_eq!(month_of("March 2026"), None);
        let object = |value: Value| value.as_object().cloned().unwrap_or_default();
        assert_eq!(
            noc(&object(
                json!({"occupationalCategory": "NOC 21231 Software engineers"})
            )),
            Some("21231".to_owned())
        );
        assert_eq!(
            noc(&object(
                json!({"occupationalCategory": {"@type": "CategoryCode", "codeValue": "31301"}})
            )),
            Some("31301".to_owned())
        );
        assert_eq!(
            noc(&object(json!({"occupationalCategory": "15-1252.00"}))),
            None
        );
        assert_eq!(
            strip_html("<p>Data &amp; analytics</p><ul><li>Python</li></ul>"),
            "Data & analytics Python"
        );
    }
}
