//! The raw job request: parsed and validated without the taxonomy, so it is small and fuzzable.
//! Every error names the field it is about.

use serde::Serialize;
use serde_json::{Map, Value};

use crate::Error;

/// Where the job is.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LocationRequest {
    /// A postal code, FSA, census division / economic region / board code, or a place name.
    /// Postal codes are cut to their FSA here, so nothing finer is ever kept.
    pub place: String,
    /// Search radius in km around the place (0 < r ≤ 1000).
    pub radius_km: Option<f64>,
}

/// Issuer filters.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct IssuerFilter {
    /// Only credentials from these issuers (ids, DIDs or URLs).
    pub include: Vec<String>,
    /// Never credentials from these issuers.
    pub exclude: Vec<String>,
}

/// A job requirement as given: identifiers or plain words, not yet resolved.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct JobRequest {
    /// Job title.
    pub title: Option<String>,
    /// Free text (a pasted job ad), mined for skills.
    pub text: Option<String>,
    /// An occupation in any scheme (NOC, ESCO, O*NET) or words.
    pub occupation: Option<String>,
    /// Required skills: identifiers in any scheme, or plain words.
    pub required: Vec<String>,
    /// Preferred skills.
    pub preferred: Vec<String>,
    /// Skills a candidate must not be matched on.
    pub excluded: Vec<String>,
    /// Location.
    pub location: Option<LocationRequest>,
    /// Only credentials earned on or after this date (`YYYY-MM-DD`).
    pub earned_after: Option<String>,
    /// Only credentials at most this many months old.
    pub max_credential_age_months: Option<u32>,
    /// Issuer filters.
    pub issuers: IssuerFilter,
}

const KNOWN_FIELDS: &[&str] = &[
    "title",
    "text",
    "occupation",
    "required",
    "preferred",
    "excluded",
    "location",
    "earned_after",
    "max_credential_age_months",
    "issuers",
];

const MAX_TEXT_BYTES: usize = 200_000;
const MAX_TERMS: usize = 200;

fn field_error(field: &str, message: impl Into<String>) -> Error {
    Error::Field {
        field: field.to_owned(),
        message: message.into(),
    }
}

fn describe(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn optional_string(
    object: &Map<String, Value>,
    field: &str,
    path: &str,
) -> Result<Option<String>, Error> {
    match object.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.len() > MAX_TEXT_BYTES => Err(field_error(
            path,
            format!("longer than {MAX_TEXT_BYTES} bytes"),
        )),
        Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.trim().to_owned())),
        Some(other) => Err(field_error(
            path,
            format!("expected a string, got {}", describe(other)),
        )),
    }
}

fn string_list(object: &Map<String, Value>, field: &str, path: &str) -> Result<Vec<String>, Error> {
    let items = match object.get(field) {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(Value::String(s)) => vec![Value::String(s.clone())],
        Some(Value::Array(items)) => items.clone(),
        Some(other) => {
            return Err(field_error(
                path,
                format!("expected a list of strings, got {}", describe(other)),
            ));
        }
    };
    if items.len() > MAX_TERMS {
        return Err(field_error(path, format!("more than {MAX_TERMS} entries")));
    }
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let item_path = format!("{path}[{i}]");
        match item {
            Value::String(s) if s.trim().is_empty() => {
                return Err(field_error(&item_path, "empty string"));
            }
            Value::String(s) if s.len() > 1000 => {
                return Err(field_error(&item_path, "longer than 1000 bytes"));
            }
            Value::String(s) => out.push(s.trim().to_owned()),
            // {"id": ...} or {"label": ...} entries, as the UI sends edited skills back.
            Value::Object(entry) => match (entry.get("id"), entry.get("label")) {
                (Some(Value::String(id)), _) if !id.trim().is_empty() => {
                    out.push(id.trim().to_owned())
                }
                (_, Some(Value::String(label))) if !label.trim().is_empty() => {
                    out.push(label.trim().to_owned())
                }
                _ => {
                    return Err(field_error(
                        &item_path,
                        "expected a string or an object with \"id\" or \"label\"",
                    ));
                }
            },
            other => {
                return Err(field_error(
                    &item_path,
                    format!("expected a string, got {}", describe(other)),
                ));
            }
        }
    }
    Ok(out)
}

fn valid_date(date: &str) -> bool {
    let bytes = date.as_bytes();
    if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return false;
    }
    let number =
        |range: std::ops::Range<usize>| date.get(range).and_then(|s| s.parse::<u32>().ok());
    match (number(0..4), number(5..7), number(8..10)) {
        (Some(year), Some(month), Some(day)) => {
            let days = match month {
                2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
                2 => 28,
                4 | 6 | 9 | 11 => 30,
                1..=12 => 31,
                _ => return false,
            };
            (1900..=2200).contains(&year) && (1..=days).contains(&day)
        }
        _ => false,
    }
}

fn coarsen(place: &str) -> String {
    taxonomy::coarsen_postal_code(place).unwrap_or_else(|| place.trim().to_owned())
}

fn location(value: &Value) -> Result<Option<LocationRequest>, Error> {
    match value {
        Value::Null => Ok(None),
        Value::String(s) if s.trim().is_empty() => Err(field_error("location", "empty string")),
        Value::String(s) => Ok(Some(LocationRequest {
            place: coarsen(s),
            radius_km: None,
        })),
        Value::Object(object) => {
            for key in object.keys() {
                if !["postal_code", "fsa", "place", "region", "radius_km"].contains(&key.as_str()) {
                    return Err(field_error(
                        &format!("location.{key}"),
                        "unknown field (expected postal_code, fsa, place, region, radius_km)",
                    ));
                }
            }
            let mut place = None;
            for key in ["postal_code", "fsa", "region", "place"] {
                let path = format!("location.{key}");
                if let Some(value) = optional_string(object, key, &path)? {
                    if place.is_some() {
                        return Err(field_error(
                            &path,
                            "give only one of postal_code, fsa, region, place",
                        ));
                    }
                    if (key == "postal_code" || key == "fsa")
                        && taxonomy::coarsen_postal_code(&value).is_none()
                    {
                        return Err(field_error(
                            &path,
                            "not a Canadian postal code or FSA (A1A 1A1)",
                        ));
                    }
                    place = Some(coarsen(&value));
                }
            }
            let radius_km = match object.get("radius_km") {
                None | Some(Value::Null) => None,
                Some(Value::Number(n)) => match n.as_f64() {
                    Some(r) if r > 0.0 && r <= 1000.0 => Some(r),
                    _ => {
                        return Err(field_error(
                            "location.radius_km",
                            format!("expected a number in (0, 1000], got {n}"),
                        ));
                    }
                },
                Some(other) => {
                    return Err(field_error(
                        "location.radius_km",
                        format!("expected a number, got {}", describe(other)),
                    ));
                }
            };
            let Some(place) = place else {
                return Err(field_error(
                    "location",
                    "needs one of postal_code, fsa, region, place",
                ));
            };
            Ok(Some(LocationRequest { place, radius_km }))
        }
        other => Err(field_error(
            "location",
            format!("expected a string or an object, got {}", describe(other)),
        )),
    }
}

/// Parses a request: a JSON object, or anything else as the text of a job ad.
pub fn parse_request(input: &str) -> Result<JobRequest, Error> {
    let trimmed = input.trim_start_matches('\u{feff}').trim();
    if trimmed.is_empty() {
        return Err(Error::Empty);
    }
    if trimmed.len() > MAX_TEXT_BYTES {
        return Err(field_error(
            "text",
            format!("longer than {MAX_TEXT_BYTES} bytes"),
        ));
    }
    // A job ad never starts with a bracket; JSON that is not an object is an error, not text.
    if trimmed.starts_with('{') || trimmed.starts_with('[') {
        let value: Value = serde_json::from_str(trimmed).map_err(|e| Error::Json {
            line: e.line(),
            column: e.column(),
            message: e.to_string(),
        })?;
        return parse_json(&value);
    }
    Ok(JobRequest {
        text: Some(trimmed.to_owned()),
        ..JobRequest::default()
    })
}

/// Parses a request given as JSON.
pub fn parse_json(value: &Value) -> Result<JobRequest, Error> {
    let Value::Object(object) = value else {
        return Err(field_error(
            "$",
            format!("expected a JSON object, got {}", describe(value)),
        ));
    };
    for key in object.keys() {
        if !KNOWN_FIELDS.contains(&key.as_str()) {
            return Err(field_error(
                if key.is_empty() { "\"\"" } else { key },
                format!(
                    "unknown field (expected one of: {})",
                    KNOWN_FIELDS.join(", ")
                ),
            ));
        }
    }
    let max_credential_age_months = match object.get("max_credential_age_months") {
        None | Some(Value::Null) => None,
        Some(Value::Number(n)) => match n.as_u64() {
            Some(m) if (1..=600).contains(&m) => u32::try_from(m).ok(),
            _ => {
                return Err(field_error(
                    "max_credential_age_months",
                    format!("expected a whole number 1–600, got {n}"),
                ));
            }
        },
        Some(other) => {
            return Err(field_error(
                "max_credential_age_months",
                format!("expected a number, got {}", describe(other)),
            ));
        }
    };
    let earned_after = optional_string(object, "earned_after", "earned_after")?;
    if let Some(date) = &earned_after
        && !valid_date(date)
    {
        return Err(field_error(
            "earned_after",
            format!("expected a date YYYY-MM-DD, got {date:?}"),
        ));
    }
    let issuers = match object.get("issuers") {
        None | Some(Value::Null) => IssuerFilter::default(),
        Some(Value::Object(filter)) => {
            for key in filter.keys() {
                if key != "include" && key != "exclude" {
                    return Err(field_error(
                        &format!("issuers.{key}"),
                        "unknown field (expected include, exclude)",
                    ));
                }
            }
            IssuerFilter {
                include: string_list(filter, "include", "issuers.include")?,
                exclude: string_list(filter, "exclude", "issuers.exclude")?,
            }
        }
        Some(other) => {
            return Err(field_error(
                "issuers",
                format!("expected an object, got {}", describe(other)),
            ));
        }
    };
    let request = JobRequest {
        title: optional_string(object, "title", "title")?,
        text: optional_string(object, "text", "text")?,
        occupation: optional_string(object, "occupation", "occupation")?,
        required: string_list(object, "required", "required")?,
        preferred: string_list(object, "preferred", "preferred")?,
        excluded: string_list(object, "excluded", "excluded")?,
        location: object.get("location").map(location).transpose()?.flatten(),
        earned_after,
        max_credential_age_months,
        issuers,
    };
    let asks_for_something = request.text.is_some()
        || request.title.is_some()
        || request.occupation.is_some()
        || !request.required.is_empty()
        || !request.preferred.is_empty();
    if !asks_for_something {
        return Err(field_error(
            "required",
            "a requirement needs at least one of required, preferred, occupation, title or text",
        ));
    }
    Ok(request)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check_err(input: &str, field: &str) {
        match parse_request(input) {
            Err(Error::Field { field: got, .. }) => assert_eq!(got, field, "{input}"),
            other => panic!("{input}: expected an error on {field}, got {other:?}"),
        }
    }

    #[test]
    fn malformed_requests_name_the_field() {
        for (input, field) in [
            (r#"{"required": 3}"#, "required"),
            (r#"{"required": ["python", 3]}"#, "required[1]"),
            (
                r#"{"required": ["python"], "location": {"radius_km": "far", "fsa": "N3T"}}"#,
                "location.radius_km",
            ),
            (
                r#"{"required": ["python"], "location": {"postal_code": "12345"}}"#,
                "location.postal_code",
            ),
            (
                r#"{"required": ["python"], "earned_after": "2023-02-30"}"#,
                "earned_after",
            ),
            (r#"{"required": ["python"], "salary": 3}"#, "salary"),
            (
                r#"{"required": ["python"], "issuers": {"only": []}}"#,
                "issuers.only",
            ),
            (r#"{"location": "N3T"}"#, "required"),
            (
                r#"{"required": ["python"], "max_credential_age_months": 0}"#,
                "max_credential_age_months",
            ),
            (r#"[1, 2]"#, "$"),
            // Found by fuzzing: an empty key must still be named.
            ("  {\"\":\n 7755}\t\t\t", "\"\""),
        ] {
            check_err(input, field);
        }
    }

    #[test]
    fn postal_codes_are_coarsened_on_input() {
        let request =
            parse_request(r#"{"required": ["teamwork"], "location": {"postal_code": "n3t 1a1", "radius_km": 25}}"#)
                .expect("valid");
        assert_eq!(
            request.location,
            Some(LocationRequest {
                place: "N3T".into(),
                radius_km: Some(25.0)
            })
        );
        let request =
            parse_request(r#"{"required": ["teamwork"], "location": "N3T 5L6"}"#).expect("valid");
        assert_eq!(request.location.map(|l| l.place).as_deref(), Some("N3T"));
    }

    #[test]
    fn plain_text_is_a_job_ad() {
        let request = parse_request("Data analyst\nWe need SQL.").expect("text");
        assert_eq!(request.text.as_deref(), Some("Data analyst\nWe need SQL."));
        assert!(matches!(parse_request("  "), Err(Error::Empty)));
        assert!(matches!(
            parse_request("{\"required\": [}"),
            Err(Error::Json { .. })
        ));
    }
}
