//! Strict JSON: duplicate keys and excessive nesting are errors, not silently resolved.
//!
//! Parsers disagree on duplicate keys (first wins vs last wins), which lets one document
//! mean two things; serde_json keeps the last silently. We refuse them (reliability A18).

use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

/// Why bytes are not acceptable JSON.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum JsonError {
    /// Not JSON, or JSON with a duplicate key.
    Malformed(String),
    /// Nested deeper than the limit.
    TooDeep(usize),
}

impl fmt::Display for JsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            JsonError::Malformed(message) => write!(f, "malformed JSON: {message}"),
            JsonError::TooDeep(limit) => write!(f, "JSON nested deeper than {limit} levels"),
        }
    }
}

const TOO_DEEP_MARKER: &str = "nesting exceeds the limit";

/// Parses `bytes` as one JSON value, refusing duplicate object keys and nesting deeper than
/// `max_depth` (objects and arrays each count as one level).
pub(crate) fn parse_strict(bytes: &[u8], max_depth: usize) -> Result<Value, JsonError> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let parsed = StrictValue {
        depth_left: max_depth,
    }
    .deserialize(&mut deserializer)
    .and_then(|value| deserializer.end().map(|()| value));
    parsed.map_err(|error| {
        // serde_json's own recursion guard (128) is deeper than ours, so its message only
        // appears for limits above 128; both mean the same thing.
        let message = error.to_string();
        if message.contains(TOO_DEEP_MARKER) || message.contains("recursion limit exceeded") {
            JsonError::TooDeep(max_depth)
        } else {
            JsonError::Malformed(message)
        }
    })
}

struct StrictValue {
    depth_left: usize,
}

impl StrictValue {
    fn nested<E: serde::de::Error>(&self) -> Result<StrictValue, E> {
        match self.depth_left.checked_sub(1) {
            Some(depth_left) => Ok(StrictValue { depth_left }),
            None => Err(E::custom(TOO_DEEP_MARKER)),
        }
    }
}

impl<'de> DeserializeSeed<'de> for StrictValue {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for StrictValue {
    type Value = Value;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("a JSON value")
    }

    fn visit_bool<E>(self, value: bool) -> Result<Value, E> {
        Ok(Value::Bool(value))
    }

    fn visit_i64<E>(self, value: i64) -> Result<Value, E> {
        Ok(Value::from(value))
    }

    fn visit_u64<E>(self, value: u64) -> Result<Value, E> {
        Ok(Value::from(value))
    }

    fn visit_f64<E: serde::de::Error>(self, value: f64) -> Result<Value, E> {
        serde_json::Number::from_f64(value)
            .map(Value::Number)
            .ok_or_else(|| E::custom("number out of range"))
    }

    fn visit_str<E>(self, value: &str) -> Result<Value, E> {
        Ok(Value::String(value.to_owned()))
    }

    fn visit_string<E>(self, value: String) -> Result<Value, E> {
        Ok(Value::String(value))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let element_seed_depth = self.nested()?.depth_left;
        let mut elements = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(64));
        while let Some(element) = seq.next_element_seed(StrictValue {
            depth_left: element_seed_depth,
        })? {
            elements.push(element);
        }
        Ok(Value::Array(elements))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let member_depth = self.nested()?.depth_left;
        let mut members = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if members.contains_key(&key) {
                return Err(serde::de::Error::custom(format!("duplicate key {key:?}")));
            }
            let value = map.next_value_seed(StrictValue {
                depth_left: member_depth,
            })?;
            members.insert(key, value);
        }
        Ok(Value::Object(members))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn check(input: &str, max_depth: usize, expected: Result<&str, JsonError>) {
        let actual = parse_strict(input.as_bytes(), max_depth).map(|value| value.to_string());
        match (actual, expected) {
            (Ok(actual), Ok(expected)) => assert_eq!(actual, expected),
            (Err(actual), Err(JsonError::Malformed(fragment))) => match actual {
                JsonError::Malformed(message) => {
                    assert!(
                        message.contains(&fragment),
                        "{message:?} lacks {fragment:?}"
                    )
                }
                other => panic!("expected malformed, got {other:?}"),
            },
            (actual, expected) => assert_eq!(
                actual.map_err(|e| e.to_string()),
                expected.map(str::to_owned).map_err(|e| e.to_string())
            ),
        }
    }

    #[test]
    fn accepts_plain_json() {
        check(
            r#"{"a":[1,2.5,"x",null,true]}"#,
            64,
            Ok(r#"{"a":[1,2.5,"x",null,true]}"#),
        );
    }

    #[test]
    fn refuses_duplicate_keys_at_any_depth() {
        check(
            r#"{"issuer":"a","issuer":"b"}"#,
            64,
            Err(JsonError::Malformed("duplicate key \"issuer\"".into())),
        );
        check(
            r#"{"x":{"y":1,"y":1}}"#,
            64,
            Err(JsonError::Malformed("duplicate key".into())),
        );
    }

    #[test]
    fn refuses_nesting_beyond_the_limit() {
        check("[[[1]]]", 3, Ok("[[[1]]]"));
        check("[[[[1]]]]", 3, Err(JsonError::TooDeep(3)));
        let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        assert_eq!(
            parse_strict(deep.as_bytes(), 64),
            Err(JsonError::TooDeep(64))
        );
    }

    #[test]
    fn refuses_what_json_does_not_allow() {
        for input in [
            "\u{feff}{}",
            "{\"a\":NaN}",
            "{\"a\":Infinity}",
            "\"\\ud800\"",
            "{} {}",
            "{\"a\":1,}",
        ] {
            assert!(
                matches!(
                    parse_strict(input.as_bytes(), 64),
                    Err(JsonError::Malformed(_))
                ),
                "{input:?}"
            );
        }
        assert!(matches!(
            parse_strict(b"\"\xff\"", 64),
            Err(JsonError::Malformed(_))
        ));
    }
}
