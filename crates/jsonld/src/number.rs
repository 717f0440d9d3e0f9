//! JavaScript number semantics needed to match jsonld.js byte for byte:
//! `String(x)`, `x.toFixed(0)`, `x.toExponential(15)`, `parseFloat`, and the
//! JCS (RFC 8785) serialization of `@json` literals.

use serde_json::Value;
use std::fmt::Write;

/// Shortest round-trip digits and decimal exponent `n` such that x = 0.d1d2.. × 10^n.
fn shortest_digits(x: f64) -> (String, i32) {
    // Rust's `{:e}` prints the shortest digits that round-trip, as ECMAScript requires.
    let formatted = format!("{:e}", x.abs());
    let (mantissa, exponent) = formatted.split_once('e').unwrap_or((&formatted, "0"));
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let exponent: i32 = exponent.parse().unwrap_or(0);
    (digits, exponent + 1)
}

/// ECMAScript `Number::toString(x)` (radix 10).
pub(crate) fn js_to_string(x: f64) -> String {
    if x.is_nan() {
        return "NaN".into();
    }
    if x == 0.0 {
        return "0".into();
    }
    if x.is_infinite() {
        return if x > 0.0 {
            "Infinity".into()
        } else {
            "-Infinity".into()
        };
    }
    let sign = if x < 0.0 { "-" } else { "" };
    let (digits, n) = shortest_digits(x);
    let k = digits.len() as i32;
    let body = if k <= n && n <= 21 {
        format!("{digits}{}", "0".repeat((n - k) as usize))
    } else if 0 < n && n <= 21 {
        format!("{}.{}", &digits[..n as usize], &digits[n as usize..])
    } else if -6 < n && n <= 0 {
        format!("0.{}{digits}", "0".repeat((-n) as usize))
    } else {
        let e = n - 1;
        let exp = if e >= 0 {
            format!("e+{e}")
        } else {
            format!("e{e}")
        };
        if k == 1 {
            format!("{digits}{exp}")
        } else {
            format!("{}.{}{exp}", &digits[..1], &digits[1..])
        }
    };
    format!("{sign}{body}")
}

/// jsonld.js `types.isDouble`: `String(v)` has a '.', or |v| >= 1e21.
pub(crate) fn is_js_double(x: f64) -> bool {
    if !x.is_finite() {
        return x.is_infinite();
    }
    x.abs() >= 1e21 || js_to_string(x).contains('.')
}

/// ECMAScript `x.toFixed(0)` for |x| < 1e21 (callers route larger values to doubles).
pub(crate) fn js_to_fixed0(x: f64) -> String {
    if x.is_nan() {
        return "NaN".into();
    }
    if x.abs() >= 1e21 {
        return js_to_string(x);
    }
    // Ties pick the larger n, i.e. round half up on the magnitude.
    let negative = x < 0.0;
    let magnitude = x.abs();
    let floor = magnitude.floor();
    let rounded = if magnitude - floor >= 0.5 {
        floor + 1.0
    } else {
        floor
    };
    let text = format!("{rounded:.0}");
    if negative { format!("-{text}") } else { text }
}

/// ECMAScript `x.toExponential(15)` followed by jsonld.js's
/// `.replace(/(\d)0*e\+?/, '$1E')`: the canonical xsd:double lexical form.
pub(crate) fn canonical_double(x: f64) -> String {
    if x.is_nan() {
        return "NaN".into();
    }
    if x.is_infinite() {
        return if x > 0.0 {
            "Infinity".into()
        } else {
            "-Infinity".into()
        };
    }
    // ECMAScript prints no sign for -0.
    let x = if x == 0.0 { 0.0 } else { x };
    let mut formatted = format!("{:.15e}", x);
    // Rust rounds exact ties to even, ECMAScript picks the larger n: fix up the rare exact tie.
    if let Some(tie_fixed) = fix_exponential_tie(x) {
        formatted = tie_fixed;
    }
    let (mantissa, exponent) = formatted.split_once('e').unwrap_or((&formatted, "0"));
    let mantissa = mantissa.trim_end_matches('0');
    let mantissa = if mantissa.ends_with('.') {
        format!("{mantissa}0")
    } else {
        mantissa.to_string()
    };
    format!("{mantissa}E{exponent}")
}

/// When x lies exactly halfway between two 16-significant-digit decimals, returns the
/// `{:.15e}` text rounded away from zero, as ECMAScript does.
fn fix_exponential_tie(x: f64) -> Option<String> {
    let wide = format!("{:.16e}", x.abs());
    let (mantissa, _) = wide.split_once('e')?;
    if !mantissa.ends_with('5') {
        return None;
    }
    // Exact decimal expansion: a tie only if nothing follows the 17th digit.
    let exact = format!("{:.1100e}", x.abs());
    let (exact_mantissa, exponent) = exact.split_once('e')?;
    let digits: String = exact_mantissa
        .chars()
        .filter(char::is_ascii_digit)
        .collect();
    if digits.len() < 17 || &digits[16..17] != "5" || !digits[17..].bytes().all(|b| b == b'0') {
        return None;
    }
    let mut kept: Vec<u8> = digits.as_bytes()[..16].to_vec();
    let mut exponent: i32 = exponent.parse().ok()?;
    // Round up the 16 kept digits.
    let mut i = kept.len();
    loop {
        if i == 0 {
            kept.insert(0, b'1');
            kept.pop();
            exponent += 1;
            break;
        }
        i -= 1;
        if kept[i] == b'9' {
            kept[i] = b'0';
        } else {
            kept[i] += 1;
            break;
        }
    }
    let kept = String::from_utf8(kept).ok()?;
    let sign = if x < 0.0 { "-" } else { "" };
    Some(format!("{sign}{}.{}e{exponent}", &kept[..1], &kept[1..]))
}

/// ECMAScript `parseFloat(string)`.
pub(crate) fn js_parse_float(text: &str) -> f64 {
    let text = text.trim_start_matches(crate::iri::is_js_whitespace);
    let bytes = text.as_bytes();
    let mut i = 0;
    if i < bytes.len() && (bytes[i] == b'+' || bytes[i] == b'-') {
        i += 1;
    }
    if text[i..].starts_with("Infinity") {
        return if text.starts_with('-') {
            f64::NEG_INFINITY
        } else {
            f64::INFINITY
        };
    }
    let digits_start = i;
    while i < bytes.len() && bytes[i].is_ascii_digit() {
        i += 1;
    }
    let mut mantissa_digits = i - digits_start;
    if i < bytes.len() && bytes[i] == b'.' {
        let dot = i;
        i += 1;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        mantissa_digits += i - dot - 1;
        if mantissa_digits == 0 {
            return f64::NAN;
        }
    }
    if mantissa_digits == 0 {
        return f64::NAN;
    }
    if i < bytes.len() && (bytes[i] == b'e' || bytes[i] == b'E') {
        let mut j = i + 1;
        if j < bytes.len() && (bytes[j] == b'+' || bytes[j] == b'-') {
            j += 1;
        }
        let exp_start = j;
        while j < bytes.len() && bytes[j].is_ascii_digit() {
            j += 1;
        }
        if j > exp_start {
            i = j;
        }
    }
    let mut literal = text[..i].to_string();
    if literal.ends_with('.') {
        literal.push('0');
    }
    literal.parse::<f64>().unwrap_or(f64::NAN)
}

/// JCS (RFC 8785) as the `canonicalize` npm package writes it (used for `@json`).
pub(crate) fn jcs(value: &Value, out: &mut String, depth: usize) -> Result<(), crate::Error> {
    if depth == 0 {
        return Err(crate::Error::LimitExceeded("@json value nesting".into()));
    }
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => match n.as_f64() {
            Some(x) if x.is_finite() => out.push_str(&js_to_string(x)),
            _ => out.push_str("null"),
        },
        Value::String(s) => json_string(s, out),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                jcs(item, out, depth - 1)?;
            }
            out.push(']');
        }
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort_by(|a, b| crate::iri::cmp_utf16(a, b));
            out.push('{');
            for (i, key) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                json_string(key, out);
                out.push(':');
                if let Some(v) = map.get(key) {
                    jcs(v, out, depth - 1)?;
                }
            }
            out.push('}');
        }
    }
    Ok(())
}

/// `JSON.stringify(string)`.
fn json_string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn number_forms_match_javascript() {
        for (x, string, fixed, exponential) in [
            (1.0, "1", "1", "1.0E0"),
            (0.1, "0.1", "0", "1.0E-1"),
            (-0.0, "0", "0", "0.0E0"),
            (1e21, "1e+21", "1e+21", "1.0E21"),
            (1e-7, "1e-7", "0", "1.0E-7"),
            (-1e-7, "-1e-7", "-0", "-1.0E-7"),
            (1.5e-7, "1.5e-7", "0", "1.5E-7"),
            (5e-324, "5e-324", "0", "4.940656458412465E-324"),
            (123.456, "123.456", "123", "1.23456E2"),
            (43.6577, "43.6577", "44", "4.36577E1"),
            (
                1234567890123456.5,
                "1234567890123456.5",
                "1234567890123457",
                "1.234567890123457E15",
            ),
            (
                12345678901234567890.0,
                "12345678901234567000",
                "12345678901234567168",
                "1.234567890123457E19",
            ),
            (0.30000000000000004, "0.30000000000000004", "0", "3.0E-1"),
        ] {
            assert_eq!(js_to_string(x), string, "String({x})");
            assert_eq!(js_to_fixed0(x), fixed, "toFixed({x})");
            assert_eq!(canonical_double(x), exponential, "toExponential({x})");
        }
        assert!(is_js_double(0.5));
        assert!(is_js_double(1e21));
        assert!(!is_js_double(1e-7));
        assert!(!is_js_double(1.0));
    }

    #[test]
    fn parse_float_takes_the_longest_prefix() {
        for (text, expected) in [
            ("1.5", 1.5),
            (" 2e3x", 2000.0),
            ("-.5", -0.5),
            ("7.", 7.0),
            ("1e", 1.0),
        ] {
            assert_eq!(js_parse_float(text), expected, "{text}");
        }
        assert!(js_parse_float("abc").is_nan());
        assert!(js_parse_float(".").is_nan());
    }
}
