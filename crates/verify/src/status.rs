//! Revocation and suspension: Bitstring Status List (W3C), StatusList2021 (its CCG
//! predecessor), and the 1EdTech Revocation List.
//!
//! Fail closed (reliability rule 7): a list that cannot be fetched, does not verify as a
//! credential of the same issuer, is expired, has the wrong type or purpose, or cannot be
//! decoded makes the credential `status_unknown`, never verified.

use std::io::Read as _;
use std::num::NonZeroUsize;
use std::sync::{Arc, Mutex};

use base64::Engine as _;
use model::{Check, CheckKind, Outcome};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use crate::data_model::{WindowVerdict, has_type, issuer_id, subjects, validity_window};
use crate::report::VerificationReport;
use crate::session::Session;
use crate::util::string_member;

/// The Bitstring Status List minimum (131,072 entries) exists for herd privacy. Real lists
/// are shorter (DCC publishes 100,000 bits), so a short list is a warning, not a failure.
const MIN_PRIVATE_LIST_BITS: usize = 131_072;

/// A status list credential that verified, decoded, keyed by URL and body hash so that a
/// changed list is verified again.
#[derive(Debug)]
pub(crate) struct VerifiedStatusList {
    issuer: String,
    purpose: String,
    bits: Vec<u8>,
    window: crate::data_model::ValidityWindow,
}

/// A status list's URL and the SHA-256 of the body it answered with.
type ListKey = (String, [u8; 32]);

/// Verified lists, shared across calls: a batch of credentials from one issuer verifies its
/// list once.
pub(crate) struct StatusListCache {
    lists: Mutex<lru::LruCache<ListKey, Arc<VerifiedStatusList>>>,
}

impl StatusListCache {
    pub(crate) fn new() -> Self {
        StatusListCache {
            lists: Mutex::new(lru::LruCache::new(NonZeroUsize::new(256).expect("nonzero"))),
        }
    }
}

/// What one status entry says.
enum EntryStatus {
    Clear(String),
    Set(Outcome, String),
    Unknown(String),
    /// Purposes other than revocation and suspension (refresh, message) carry no verdict.
    Informational(String),
}

/// Checks every `credentialStatus` entry of a verified-so-far credential.
pub(crate) fn check_status(
    session: &Session<'_>,
    document: &Map<String, Value>,
    report: &mut VerificationReport,
) {
    let entries: Vec<&Value> = match document.get("credentialStatus") {
        None => {
            report.note(Check::skip(
                CheckKind::Status,
                "no credentialStatus: the issuer publishes no revocation for it",
            ));
            return;
        }
        Some(Value::Array(entries)) => entries.iter().collect(),
        Some(single) => vec![single],
    };
    let Some(issuer) = issuer_id(document) else {
        return;
    };
    for entry in entries {
        let Some(entry) = entry.as_object() else {
            continue;
        };
        let entry_type = entry.get("type").map(type_names).unwrap_or_default();
        let mut warnings = Vec::new();
        let status = if entry_type.contains(&"BitstringStatusListEntry") {
            bitstring_entry(session, entry, issuer, ListFormat::Bitstring, &mut warnings)
        } else if entry_type.contains(&"StatusList2021Entry") {
            bitstring_entry(
                session,
                entry,
                issuer,
                ListFormat::StatusList2021,
                &mut warnings,
            )
        } else if entry_type.contains(&"1EdTechRevocationList") {
            revocation_list_entry(session, entry, document)
        } else {
            EntryStatus::Unknown(format!(
                "status type {entry_type:?} is not supported, so revocation cannot be ruled out"
            ))
        };
        for warning in warnings {
            report.note(Check::warn(CheckKind::Status, warning));
        }
        match status {
            EntryStatus::Clear(detail) => report.note(Check::pass(CheckKind::Status, detail)),
            EntryStatus::Informational(detail) => {
                report.note(Check::skip(CheckKind::Status, detail))
            }
            EntryStatus::Set(outcome, detail) => {
                report.record(Check::fail(CheckKind::Status, detail), outcome)
            }
            EntryStatus::Unknown(detail) => report.record(
                Check::fail(CheckKind::Status, detail),
                Outcome::StatusUnknown,
            ),
        }
    }
}

fn type_names(value: &Value) -> Vec<&str> {
    match value {
        Value::String(name) => vec![name.as_str()],
        Value::Array(names) => names.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ListFormat {
    Bitstring,
    StatusList2021,
}

impl ListFormat {
    fn credential_type(self) -> &'static str {
        match self {
            ListFormat::Bitstring => "BitstringStatusListCredential",
            ListFormat::StatusList2021 => "StatusList2021Credential",
        }
    }
}

fn bitstring_entry(
    session: &Session<'_>,
    entry: &Map<String, Value>,
    issuer: &str,
    format: ListFormat,
    warnings: &mut Vec<String>,
) -> EntryStatus {
    let Some(purpose) = string_member(entry, "statusPurpose") else {
        return EntryStatus::Unknown("the status entry has no statusPurpose".to_owned());
    };
    let Some(list_url) = string_member(entry, "statusListCredential") else {
        return EntryStatus::Unknown("the status entry has no statusListCredential".to_owned());
    };
    // The spec says a string of digits; numbers are seen in the wild (1EdTech fixtures).
    let index = match entry.get("statusListIndex") {
        Some(Value::String(digits))
            if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) =>
        {
            digits.parse::<usize>().ok()
        }
        Some(Value::Number(number)) => number.as_u64().and_then(|n| usize::try_from(n).ok()),
        _ => None,
    };
    let Some(index) = index else {
        return EntryStatus::Unknown(format!(
            "statusListIndex {:?} is not a non-negative integer",
            entry.get("statusListIndex")
        ));
    };
    let status_size = match entry.get("statusSize") {
        None => 1,
        Some(value) => match value.as_u64() {
            Some(size @ 1..=8) => size as usize,
            _ => return EntryStatus::Unknown(format!("statusSize {value} is not 1 to 8")),
        },
    };
    let list = match verified_list(session, list_url, format) {
        Ok(list) => list,
        Err(reason) => return EntryStatus::Unknown(reason),
    };
    if list.issuer != issuer {
        return EntryStatus::Unknown(format!(
            "the status list at {list_url} is issued by {}, not by {issuer}",
            list.issuer
        ));
    }
    match list.window.judge(session.now()) {
        WindowVerdict::Valid => {}
        WindowVerdict::Expired(_) => {
            return EntryStatus::Unknown(format!("the status list at {list_url} has expired"));
        }
        WindowVerdict::NotYetValid(_) => {
            return EntryStatus::Unknown(format!("the status list at {list_url} is not valid yet"));
        }
    }
    if list.purpose != purpose {
        return EntryStatus::Unknown(format!(
            "the list's statusPurpose is {:?}, the entry's {purpose:?}",
            list.purpose
        ));
    }
    let total_bits = list.bits.len() * 8;
    if total_bits < MIN_PRIVATE_LIST_BITS {
        warnings.push(format!(
            "the list at {list_url} has {total_bits} entries, below the {MIN_PRIVATE_LIST_BITS} that hide which credential is checked"
        ));
    }
    let Some(value) = read_status(&list.bits, index, status_size) else {
        return EntryStatus::Unknown(format!(
            "index {index} is outside the list of {} entries",
            total_bits / status_size
        ));
    };
    let location = format!("entry {index} of {list_url}");
    match (purpose, value) {
        ("revocation", 0) => EntryStatus::Clear(format!("not revoked ({location})")),
        ("revocation", _) => EntryStatus::Set(Outcome::Revoked, format!("revoked ({location})")),
        ("suspension", 0) => EntryStatus::Clear(format!("not suspended ({location})")),
        ("suspension", _) => {
            EntryStatus::Set(Outcome::Suspended, format!("suspended ({location})"))
        }
        (other, value) => EntryStatus::Informational(format!(
            "status purpose {other:?} has value {value} ({location})"
        )),
    }
}

/// Bits are read most significant first; entry `index` spans `status_size` bits.
fn read_status(bits: &[u8], index: usize, status_size: usize) -> Option<u8> {
    let first_bit = index.checked_mul(status_size)?;
    if first_bit.checked_add(status_size)? > bits.len() * 8 {
        return None;
    }
    let mut value = 0u8;
    for bit in first_bit..first_bit + status_size {
        let set = bits[bit / 8] & (0x80 >> (bit % 8)) != 0;
        value = (value << 1) | u8::from(set);
    }
    Some(value)
}

/// Fetches, verifies and decodes a status list credential (memoized by URL and content).
fn verified_list(
    session: &Session<'_>,
    url: &str,
    format: ListFormat,
) -> Result<Arc<VerifiedStatusList>, String> {
    let fetched = session
        .resolver
        .fetch(url)
        .map_err(|error| format!("the status list could not be fetched: {error}"))?;
    if fetched.status != 200 {
        return Err(format!(
            "the status list at {url} answered HTTP {}",
            fetched.status
        ));
    }
    let key = (url.to_owned(), Sha256::digest(&fetched.body).into());
    let cache = &session.engine.status_lists;
    if let Some(list) = cache
        .lists
        .lock()
        .unwrap_or_else(|poison| poison.into_inner())
        .get(&key)
    {
        return Ok(Arc::clone(list));
    }
    let Some(nested) = session.nested() else {
        return Err("status lists nested too deeply".to_owned());
    };
    // The list is itself a credential: verified in full (signature, key bound to its issuer),
    // except for its own status.
    let list_report = crate::credential::verify_status_list_credential(&nested, &fetched.body);
    if !list_report.is_verified() {
        let why = list_report
            .first_failure()
            .map(|check| check.detail.clone())
            .unwrap_or_default();
        return Err(format!(
            "the status list at {url} does not verify ({}: {why})",
            list_report.outcome
        ));
    }
    let Some(document) = list_report.document.as_deref().and_then(Value::as_object) else {
        return Err(format!("the status list at {url} is not a JSON object"));
    };
    if !has_type(document, format.credential_type()) {
        return Err(format!(
            "the status list at {url} is not a {}",
            format.credential_type()
        ));
    }
    let subject = subjects(document)
        .next()
        .ok_or_else(|| format!("the status list at {url} has no credentialSubject"))?;
    let purpose = string_member(subject, "statusPurpose")
        .ok_or_else(|| format!("the status list at {url} has no statusPurpose"))?;
    let encoded = string_member(subject, "encodedList")
        .ok_or_else(|| format!("the status list at {url} has no encodedList"))?;
    let bits = decode_list(encoded, format, session.limits().max_status_list_bytes)?;
    let list = Arc::new(VerifiedStatusList {
        issuer: issuer_id(document).unwrap_or_default().to_owned(),
        purpose: purpose.to_owned(),
        window: validity_window(document)
            .map_err(|error| format!("the status list at {url}: {error}"))?,
        bits,
    });
    cache
        .lists
        .lock()
        .unwrap_or_else(|poison| poison.into_inner())
        .put(key, Arc::clone(&list));
    Ok(list)
}

/// `encodedList`: GZIP of the bitstring, base64url; Bitstring Status List adds the multibase
/// `u` prefix. Decompression stops at `max_bytes` (gzip bombs).
fn decode_list(encoded: &str, format: ListFormat, max_bytes: usize) -> Result<Vec<u8>, String> {
    let base64_text = match (format, encoded.strip_prefix('u')) {
        (ListFormat::Bitstring, Some(rest)) => rest,
        (ListFormat::Bitstring, None) => {
            return Err("a Bitstring encodedList must be multibase base64url (u…)".to_owned());
        }
        (ListFormat::StatusList2021, _) => encoded,
    };
    let compressed = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(base64_text.trim_end_matches('='))
        .map_err(|error| format!("encodedList is not base64url: {error}"))?;
    let mut bits = Vec::new();
    let read = flate2::read::GzDecoder::new(compressed.as_slice())
        .take(max_bytes as u64 + 1)
        .read_to_end(&mut bits)
        .map_err(|error| format!("encodedList is not GZIP: {error}"))?;
    if read > max_bytes {
        return Err(format!("the decompressed list exceeds {max_bytes} bytes"));
    }
    if bits.is_empty() {
        return Err("the status list is empty".to_owned());
    }
    Ok(bits)
}

/// 1EdTech Revocation List: an unsigned JSON list of revoked credential ids. Unsigned is
/// acceptable here because the list can only turn a credential *away* from verified.
fn revocation_list_entry(
    session: &Session<'_>,
    entry: &Map<String, Value>,
    document: &Map<String, Value>,
) -> EntryStatus {
    let Some(url) = string_member(entry, "id") else {
        return EntryStatus::Unknown("the 1EdTechRevocationList entry has no id".to_owned());
    };
    let Some(credential_id) = string_member(document, "id") else {
        return EntryStatus::Unknown(
            "the credential has no id to look up in its revocation list".to_owned(),
        );
    };
    let fetched = match session.resolver.fetch(url) {
        Ok(fetched) if fetched.status == 200 => fetched,
        Ok(fetched) => {
            return EntryStatus::Unknown(format!(
                "the revocation list at {url} answered HTTP {}",
                fetched.status
            ));
        }
        Err(error) => {
            return EntryStatus::Unknown(format!(
                "the revocation list could not be fetched: {error}"
            ));
        }
    };
    let list = match crate::json::parse_strict(&fetched.body, session.limits().max_json_depth) {
        Ok(Value::Object(list)) => list,
        Ok(_) => {
            return EntryStatus::Unknown(format!("the revocation list at {url} is not an object"));
        }
        Err(error) => {
            return EntryStatus::Unknown(format!("the revocation list at {url}: {error}"));
        }
    };
    let Some(revoked) = list.get("revokedCredentials").and_then(Value::as_array) else {
        return EntryStatus::Unknown(format!(
            "the revocation list at {url} has no revokedCredentials"
        ));
    };
    let listed = revoked.iter().filter_map(Value::as_object).any(|item| {
        string_member(item, "id") == Some(credential_id)
            && item.get("revoked").and_then(Value::as_bool).unwrap_or(true)
    });
    if listed {
        EntryStatus::Set(Outcome::Revoked, format!("revoked: listed in {url}"))
    } else {
        EntryStatus::Clear(format!("not listed in the revocation list {url}"))
    }
}

#[cfg(test)]
pub(crate) fn decode_for_tests(encoded: &str) -> Vec<u8> {
    decode_list(encoded, ListFormat::Bitstring, 16 << 20).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bits_are_read_most_significant_first() {
        let bits = [0b0010_0010u8, 0b1000_0000];
        let set: Vec<usize> = (0..16)
            .filter(|index| read_status(&bits, *index, 1) == Some(1))
            .collect();
        assert_eq!(set, vec![2, 6, 8]);
        assert_eq!(read_status(&bits, 16, 1), None);
        assert_eq!(
            read_status(&bits, 1, 2),
            Some(0b10),
            "entry 1 of size 2 spans bits 2 and 3"
        );
        assert_eq!(read_status(&bits, usize::MAX, 2), None, "no overflow");
    }

    #[test]
    fn decodes_the_dcc_list_and_refuses_bombs() {
        // DCC status list e5WK8CbZ1GjycuPombrj: 100,000 bits with bits 2, 6 and 8 set.
        let bits = decode_list(
            "uH4sIAAAAAAAAA-3BMQEAAAwCoGUx6aLbwgvIHwAAAAAAAAAAAAAAwFwBZnztF9QwAAA",
            ListFormat::Bitstring,
            16 << 20,
        )
        .expect("the DCC list decodes");
        assert_eq!(bits.len() * 8, 100_000);
        let set: Vec<usize> = (0..100_000)
            .filter(|index| read_status(&bits, *index, 1) == Some(1))
            .collect();
        assert_eq!(set, vec![2, 6, 8]);
        assert!(
            decode_list(
                "uH4sIAAAAAAAAA-3BMQEAAAwCoGUx6aLbwgvIHwAAAAAAAAAAAAAAwFwBZnztF9QwAAA",
                ListFormat::Bitstring,
                1024
            )
            .expect_err("over the cap")
            .contains("exceeds")
        );
        assert!(
            decode_list("H4sI", ListFormat::Bitstring, 1024).is_err(),
            "no multibase prefix"
        );
    }
}
