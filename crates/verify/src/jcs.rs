//! RFC 8785 JSON Canonicalization Scheme, written straight into a hasher.
//!
//! Hand-written rather than `serde_jcs` because `eddsa-jcs-2022` hashes two canonical forms
//! per proof and the library path (build a string, clone the document to drop `proof`) costs
//! about as much as the Ed25519 verification itself; here nothing is allocated but the key
//! order of each object. Output is checked against the RFC 8785 vectors and `serde_jcs`.

use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

/// Where canonical bytes go.
pub(crate) trait Sink {
    fn put(&mut self, bytes: &[u8]);
}

impl Sink for Vec<u8> {
    fn put(&mut self, bytes: &[u8]) {
        self.extend_from_slice(bytes);
    }
}

impl Sink for Sha256 {
    fn put(&mut self, bytes: &[u8]) {
        self.update(bytes);
    }
}

/// The canonical form of `value`.
#[cfg(test)]
pub(crate) fn canonical_bytes(value: &Value) -> Vec<u8> {
    let mut out = Vec::new();
    write_value(value, &mut out);
    out
}

/// SHA-256 of the canonical form of an object, leaving out the top-level members named in
/// `omit` (e.g. `proof` for the unsecured document, `proofValue` for the proof options) and
/// replacing `@context` by `context_override` when given, without copying the object.
pub(crate) fn sha256_of_object(
    object: &Map<String, Value>,
    omit: &[&str],
    context_override: Option<&Value>,
) -> [u8; 32] {
    let mut hasher = Sha256::new();
    let mut entries: Vec<(&str, &Value)> = object
        .iter()
        .filter(|(key, _)| !omit.contains(&key.as_str()))
        .map(|(key, value)| {
            let value = match (key.as_str(), context_override) {
                ("@context", Some(context)) => context,
                _ => value,
            };
            (key.as_str(), value)
        })
        .collect();
    if let Some(context) = context_override
        && !object.contains_key("@context")
    {
        entries.push(("@context", context));
    }
    write_entries(entries, &mut hasher);
    hasher.finalize().into()
}

pub(crate) fn write_value(value: &Value, out: &mut impl Sink) {
    match value {
        Value::Null => out.put(b"null"),
        Value::Bool(true) => out.put(b"true"),
        Value::Bool(false) => out.put(b"false"),
        Value::Number(number) => write_number(number, out),
        Value::String(string) => write_string(string, out),
        Value::Array(elements) => {
            out.put(b"[");
            for (index, element) in elements.iter().enumerate() {
                if index > 0 {
                    out.put(b",");
                }
                write_value(element, out);
            }
            out.put(b"]");
        }
        Value::Object(members) => write_entries(
            members
                .iter()
                .map(|(key, value)| (key.as_str(), value))
                .collect(),
            out,
        ),
    }
}

fn write_entries(mut entries: Vec<(&str, &Value)>, out: &mut impl Sink) {
    entries.sort_unstable_by(|(left, _), (right, _)| compare_utf16(left, right));
    out.put(b"{");
    for (index, (key, value)) in entries.into_iter().enumerate() {
        if index > 0 {
            out.put(b",");
        }
        write_string(key, out);
        out.put(b":");
        write_value(value, out);
    }
    out.put(b"}");
}

/// RFC 8785 §3.2.3: members sorted by their names as arrays of UTF-16 code units.
fn compare_utf16(left: &str, right: &str) -> std::cmp::Ordering {
    if left.is_ascii() && right.is_ascii() {
        left.as_bytes().cmp(right.as_bytes())
    } else {
        left.encode_utf16().cmp(right.encode_utf16())
    }
}

/// RFC 8785 §3.2.2.3: numbers are IEEE 754 doubles printed as ECMAScript does.
fn write_number(number: &serde_json::Number, out: &mut impl Sink) {
    const MAX_SAFE_INTEGER: u64 = 1 << 53;
    if let Some(integer) = number
        .as_i64()
        .filter(|integer| integer.unsigned_abs() <= MAX_SAFE_INTEGER)
    {
        out.put(itoa::Buffer::new().format(integer).as_bytes());
        return;
    }
    // Larger integers and every float go through f64, as JSON.parse would.
    let double = number.as_f64().unwrap_or(f64::NAN);
    if double.is_finite() {
        out.put(ryu_js::Buffer::new().format_finite(double).as_bytes());
    } else {
        // Unreachable for parsed JSON (serde_json refuses NaN and infinities).
        out.put(b"null");
    }
}

/// RFC 8785 §3.2.2.2: JSON.stringify's escaping.
fn write_string(string: &str, out: &mut impl Sink) {
    out.put(b"\"");
    let bytes = string.as_bytes();
    let mut unescaped_from = 0;
    for (index, &byte) in bytes.iter().enumerate() {
        let escape: &[u8] = match byte {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            0x08 => b"\\b",
            b'\t' => b"\\t",
            b'\n' => b"\\n",
            0x0c => b"\\f",
            b'\r' => b"\\r",
            0x00..=0x1f => {
                out.put(&bytes[unescaped_from..index]);
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.put(&[
                    b'\\',
                    b'u',
                    b'0',
                    b'0',
                    HEX[usize::from(byte >> 4)],
                    HEX[usize::from(byte & 0xf)],
                ]);
                unescaped_from = index + 1;
                continue;
            }
            _ => continue,
        };
        out.put(&bytes[unescaped_from..index]);
        out.put(escape);
        unescaped_from = index + 1;
    }
    out.put(&bytes[unescaped_from..]);
    out.put(b"\"");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn check(input: &str, expected: &str) {
        let value: Value = serde_json::from_str(input).expect("test input is JSON");
        assert_eq!(
            String::from_utf8(canonical_bytes(&value)).expect("utf-8"),
            expected
        );
        let reference = serde_jcs::to_string(&value).expect("serde_jcs serializes");
        assert_eq!(expected, reference, "serde_jcs disagrees");
    }

    /// RFC 8785 Appendix B and §3.2.2 examples.
    #[test]
    fn rfc8785_numbers() {
        check(
            "[0, -0, 1e21, 1e-7, 5e-324, 0.1, 1E30, 4.5, 0.002, 1e+21, 333333333.33333329, 9007199254740992, 9007199254740993, -1.7976931348623157e308, 2.5e-7, 295147905179352830000]",
            "[0,0,1e+21,1e-7,5e-324,0.1,1e+30,4.5,0.002,1e+21,333333333.3333333,9007199254740992,9007199254740992,-1.7976931348623157e+308,2.5e-7,295147905179352830000]",
        );
    }

    #[test]
    fn rfc8785_strings_and_ordering() {
        check(
            r#"{"numbers":[333333333.33333329,1E30,4.50,2e-3,0.000000000000000000000000001],"string":"\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/","literals":[null,true,false]}"#,
            r#"{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\u000f\nA'B\"\\\\\"/"}"#,
        );
        // Sorting by UTF-16 code units puts U+1F600 (a surrogate pair, 0xD83D…) before U+FB33.
        check(
            "{\"\\u20ac\":1,\"\\r\":2,\"\\ufb33\":3,\"1\":4,\"\\ud83d\\ude00\":5,\"\\u0080\":6,\"\\u00f6\":7}",
            "{\"\\r\":2,\"1\":4,\"\u{80}\":6,\"\u{f6}\":7,\"\u{20ac}\":1,\"\u{1f600}\":5,\"\u{fb33}\":3}",
        );
    }

    #[test]
    fn hashing_an_object_can_omit_members_and_replace_the_context() {
        let document: Value = serde_json::json!({"@context": ["a"], "b": 1, "proof": {"x": 1}});
        let Value::Object(members) = &document else {
            unreachable!()
        };
        let expected: [u8; 32] = Sha256::digest(br#"{"@context":["z"],"b":1}"#).into();
        assert_eq!(
            sha256_of_object(members, &["proof"], Some(&serde_json::json!(["z"]))),
            expected
        );
        let without_context = serde_json::json!({"b": 1});
        let Value::Object(members) = &without_context else {
            unreachable!()
        };
        assert_eq!(
            sha256_of_object(members, &[], Some(&serde_json::json!(["z"]))),
            expected
        );
    }
}
