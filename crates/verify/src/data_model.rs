//! W3C VC Data Model 1.1 / 2.0 structural checks, and reading the few members verification
//! needs (issuer, subjects, dates). Everything here is checked before any cryptography.

use serde_json::{Map, Value};
use time::{Duration, OffsetDateTime};

use crate::util::{parse_datetime, string_member};

pub(crate) const VC_V1_CONTEXT: &str = "https://www.w3.org/2018/credentials/v1";
pub(crate) const VC_V2_CONTEXT: &str = "https://www.w3.org/ns/credentials/v2";

/// Issuer clocks run slightly ahead; a credential that becomes valid within this margin of
/// `now` is not reported as not yet valid. Expiry is exact.
pub(crate) const CLOCK_SKEW: Duration = Duration::minutes(5);

/// Which data model version a document declares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum VcVersion {
    V1,
    V2,
}

/// The members of a document's `@context`, as given.
pub(crate) fn contexts(document: &Map<String, Value>) -> &[Value] {
    match document.get("@context") {
        Some(Value::Array(contexts)) => contexts,
        Some(single) => std::slice::from_ref(single),
        None => &[],
    }
}

/// The document's `type` values (a string or an array of strings).
pub(crate) fn types(document: &Map<String, Value>) -> Vec<&str> {
    match document.get("type") {
        Some(Value::String(single)) => vec![single.as_str()],
        Some(Value::Array(values)) => values.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

pub(crate) fn has_type(document: &Map<String, Value>, wanted: &str) -> bool {
    types(document).contains(&wanted)
}

/// The base context: VC 1.1 or 2.0, which must come first.
pub(crate) fn vc_version(document: &Map<String, Value>) -> Result<VcVersion, String> {
    match contexts(document).first().and_then(Value::as_str) {
        Some(VC_V1_CONTEXT) => Ok(VcVersion::V1),
        Some(VC_V2_CONTEXT) => Ok(VcVersion::V2),
        Some(other) => Err(format!(
            "the first @context must be the VC base context, not {other:?}"
        )),
        None => Err("@context is missing or does not start with the VC base context".to_owned()),
    }
}

/// The issuer id: `issuer` as a string, or `issuer.id`.
pub(crate) fn issuer_id(document: &Map<String, Value>) -> Option<&str> {
    match document.get("issuer")? {
        Value::String(id) => Some(id),
        Value::Object(issuer) => string_member(issuer, "id"),
        _ => None,
    }
}

pub(crate) fn issuer_name(document: &Map<String, Value>) -> Option<String> {
    document
        .get("issuer")?
        .as_object()
        .and_then(|issuer| display_text(issuer.get("name")?))
}

/// A `name` that may be a plain string or a language map / value object.
pub(crate) fn display_text(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text.clone()),
        Value::Object(object) => string_member(object, "@value").map(str::to_owned),
        Value::Array(values) => values.iter().find_map(display_text),
        _ => None,
    }
}

/// The achievement (OB 3.0) or credential name, for people.
pub(crate) fn achievement_name(document: &Map<String, Value>) -> Option<String> {
    subjects(document)
        .find_map(|subject| {
            subject
                .get("achievement")?
                .as_object()?
                .get("name")
                .and_then(display_text)
        })
        .or_else(|| document.get("name").and_then(display_text))
}

/// The `credentialSubject` objects.
pub(crate) fn subjects(document: &Map<String, Value>) -> impl Iterator<Item = &Map<String, Value>> {
    let values: &[Value] = match document.get("credentialSubject") {
        Some(Value::Array(values)) => values,
        Some(single) => std::slice::from_ref(single),
        None => &[],
    };
    values.iter().filter_map(Value::as_object)
}

/// A URL or DID: something with a scheme (VC DM 2.0 §4.4 "URL").
pub(crate) fn looks_like_url(text: &str) -> bool {
    let Some((scheme, rest)) = text.split_once(':') else {
        return false;
    };
    !rest.is_empty()
        && !text.chars().any(char::is_whitespace)
        && scheme
            .chars()
            .next()
            .is_some_and(|first| first.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
}

/// Checks the structure every credential must have. Returns the first violation.
pub(crate) fn check_credential(document: &Map<String, Value>) -> Result<VcVersion, String> {
    let version = vc_version(document)?;
    if !has_type(document, "VerifiableCredential") {
        return Err("type must include VerifiableCredential".to_owned());
    }
    check_optional_id(document, "the credential")?;
    match document.get("issuer") {
        None => return Err("issuer is missing".to_owned()),
        Some(Value::String(id)) if looks_like_url(id) => {}
        Some(Value::Object(issuer)) => match issuer.get("id") {
            Some(Value::String(id)) if looks_like_url(id) => {}
            _ => return Err("issuer.id must be a URL".to_owned()),
        },
        Some(_) => return Err("issuer must be a URL or an object with an id".to_owned()),
    }
    let subject_values: &[Value] = match document.get("credentialSubject") {
        None => return Err("credentialSubject is missing".to_owned()),
        Some(Value::Array(values)) => values,
        Some(single) => std::slice::from_ref(single),
    };
    if subject_values.is_empty() {
        return Err("credentialSubject is empty".to_owned());
    }
    for subject in subject_values {
        let Some(subject) = subject.as_object() else {
            return Err("each credentialSubject must be an object".to_owned());
        };
        if subject.is_empty() {
            return Err("a credentialSubject makes no claims".to_owned());
        }
        check_optional_id(subject, "a credentialSubject")?;
    }
    for (member, needs_id) in [
        ("credentialStatus", false),
        ("credentialSchema", true),
        ("evidence", false),
        ("refreshService", false),
        ("termsOfUse", false),
    ] {
        check_typed_objects(document, member, needs_id)?;
    }
    if version == VcVersion::V1 && !document.contains_key("issuanceDate") {
        return Err("a VC 1.1 credential needs issuanceDate".to_owned());
    }
    Ok(version)
}

/// Checks the structure of a presentation.
/// How a presentation carries its credentials: a JSON-LD presentation holds credential
/// objects (or `EnvelopedVerifiableCredential`s); a VP-JWT may also hold VC-JWT strings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PresentationEncoding {
    JsonLd,
    Jwt,
}

/// Checks the structure of a presentation and of the credentials it carries.
pub(crate) fn check_presentation(
    document: &Map<String, Value>,
    encoding: PresentationEncoding,
) -> Result<VcVersion, String> {
    let version = vc_version(document)?;
    if !has_type(document, "VerifiablePresentation") {
        return Err("type must include VerifiablePresentation".to_owned());
    }
    check_optional_id(document, "the presentation")?;
    match document.get("holder") {
        None => {}
        Some(Value::String(id)) if looks_like_url(id) => {}
        Some(Value::Object(holder)) if string_member(holder, "id").is_some_and(looks_like_url) => {}
        Some(_) => return Err("holder must be a URL or an object with a URL id".to_owned()),
    }
    let members: &[Value] = match document.get("verifiableCredential") {
        None => &[],
        Some(Value::Array(members)) => members,
        Some(single) => std::slice::from_ref(single),
    };
    for member in members {
        match member {
            // VC-JWT presentations carry JWT strings; VC 1.1 allowed them in JSON-LD too.
            Value::String(_)
                if encoding == PresentationEncoding::Jwt || version == VcVersion::V1 => {}
            Value::Object(credential)
                if has_type(credential, "VerifiableCredential")
                    || has_type(credential, "EnvelopedVerifiableCredential") => {}
            Value::Object(_) => {
                return Err("each verifiableCredential must be typed VerifiableCredential or EnvelopedVerifiableCredential".to_owned());
            }
            _ => return Err("each verifiableCredential must be a credential object".to_owned()),
        }
    }
    Ok(version)
}

fn check_optional_id(object: &Map<String, Value>, what: &str) -> Result<(), String> {
    match object.get("id") {
        None => Ok(()),
        Some(Value::String(id)) if looks_like_url(id) => Ok(()),
        Some(_) => Err(format!("the id of {what} must be a single URL")),
    }
}

/// Members like `credentialStatus` hold one object or an array of objects, each typed.
fn check_typed_objects(
    document: &Map<String, Value>,
    member: &str,
    needs_id: bool,
) -> Result<(), String> {
    let values: &[Value] = match document.get(member) {
        None => return Ok(()),
        Some(Value::Array(values)) => values,
        Some(single) => std::slice::from_ref(single),
    };
    for value in values {
        let Some(object) = value.as_object() else {
            return Err(format!("{member} entries must be objects"));
        };
        match object.get("type") {
            Some(Value::String(_)) => {}
            Some(Value::Array(types))
                if !types.is_empty() && types.iter().all(Value::is_string) => {}
            _ => return Err(format!("{member} entries need a type")),
        }
        if needs_id && !string_member(object, "id").is_some_and(looks_like_url) {
            return Err(format!("{member} entries need a URL id"));
        }
        check_optional_id(object, member)?;
    }
    Ok(())
}

/// The validity window a document declares, from VC 2.0 and VC 1.1 names alike.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ValidityWindow {
    pub(crate) not_before: Option<OffsetDateTime>,
    pub(crate) not_after: Option<OffsetDateTime>,
}

/// Reads `validFrom`/`issuanceDate` and `validUntil`/`expirationDate`. A bad date, or an end
/// before the start, is an error.
pub(crate) fn validity_window(document: &Map<String, Value>) -> Result<ValidityWindow, String> {
    let read = |member: &str| -> Result<Option<OffsetDateTime>, String> {
        match document.get(member) {
            None => Ok(None),
            Some(Value::String(text)) => parse_datetime(text)
                .map(Some)
                .map_err(|error| format!("{member}: {error}")),
            Some(_) => Err(format!("{member} must be a date-time string")),
        }
    };
    let starts = [read("validFrom")?, read("issuanceDate")?];
    let ends = [read("validUntil")?, read("expirationDate")?];
    let not_before = starts.into_iter().flatten().max();
    let not_after = ends.into_iter().flatten().min();
    if let (Some(start), Some(end)) = (not_before, not_after)
        && end < start
    {
        return Err("the credential ends before it starts".to_owned());
    }
    Ok(ValidityWindow {
        not_before,
        not_after,
    })
}

/// How a validity window compares with `now`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum WindowVerdict {
    Valid,
    NotYetValid(OffsetDateTime),
    Expired(OffsetDateTime),
}

impl ValidityWindow {
    pub(crate) fn judge(&self, now: OffsetDateTime) -> WindowVerdict {
        match (self.not_before, self.not_after) {
            (Some(start), _) if start > now + CLOCK_SKEW => WindowVerdict::NotYetValid(start),
            (_, Some(end)) if end < now => WindowVerdict::Expired(end),
            _ => WindowVerdict::Valid,
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn object(value: Value) -> Map<String, Value> {
        match value {
            Value::Object(object) => object,
            _ => Map::new(),
        }
    }

    #[track_caller]
    fn check(document: Value, expected: Result<VcVersion, &str>) {
        match (check_credential(&object(document)), expected) {
            (Ok(actual), Ok(expected)) => assert_eq!(actual, expected),
            (Err(actual), Err(fragment)) => {
                assert!(actual.contains(fragment), "{actual:?} lacks {fragment:?}")
            }
            (actual, expected) => panic!("got {actual:?}, expected {expected:?}"),
        }
    }

    fn minimal() -> Value {
        json!({"@context": [VC_V2_CONTEXT], "type": ["VerifiableCredential"], "issuer": "did:example:1", "credentialSubject": {"name": "x"}})
    }

    #[test]
    fn structure() {
        check(minimal(), Ok(VcVersion::V2));
        let with = |key: &str, value: Value| {
            let mut document = minimal();
            document[key] = value;
            document
        };
        check(
            with(
                "@context",
                json!(["https://example.org/other", VC_V2_CONTEXT]),
            ),
            Err("first @context"),
        );
        check(with("type", json!(["Other"])), Err("VerifiableCredential"));
        check(with("issuer", json!("not a url")), Err("issuer"));
        check(with("issuer", json!({"id": null})), Err("issuer.id"));
        check(with("credentialSubject", json!([])), Err("empty"));
        check(with("credentialSubject", json!({})), Err("no claims"));
        check(with("id", json!(["urn:a", "urn:b"])), Err("single URL"));
        check(
            with("credentialStatus", json!({"id": "urn:x"})),
            Err("type"),
        );
        check(
            with("credentialSchema", json!({"type": "JsonSchema"})),
            Err("URL id"),
        );
        check(
            with("@context", json!([VC_V1_CONTEXT])),
            Err("issuanceDate"),
        );
    }

    #[test]
    fn validity_windows() {
        let document = object(
            json!({"validFrom": "2025-01-01T00:00:00Z", "validUntil": "2026-01-01T00:00:00Z"}),
        );
        let window = validity_window(&document).expect("valid dates");
        let at = |text: &str| parse_datetime(text).expect("test date");
        assert_eq!(
            window.judge(at("2025-06-01T00:00:00Z")),
            WindowVerdict::Valid
        );
        assert!(matches!(
            window.judge(at("2024-12-31T00:00:00Z")),
            WindowVerdict::NotYetValid(_)
        ));
        assert_eq!(
            window.judge(at("2024-12-31T23:58:00Z")),
            WindowVerdict::Valid,
            "within clock skew"
        );
        assert!(matches!(
            window.judge(at("2026-01-01T00:00:01Z")),
            WindowVerdict::Expired(_)
        ));
        assert!(
            validity_window(&object(json!({"validFrom": "2025-01-01"}))).is_err(),
            "no time zone"
        );
        assert!(
            validity_window(&object(
                json!({"validFrom": "2026-01-01T00:00:00Z", "validUntil": "2025-01-01T00:00:00Z"})
            ))
            .is_err()
        );
    }
}
