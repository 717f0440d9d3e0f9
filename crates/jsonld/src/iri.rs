//! IRI and keyword predicates with exactly jsonld.js's (regex) semantics, and
//! RFC 3986 reference resolution as jsonld.js `prependBase` does it.

use std::cmp::Ordering;

/// JSON-LD keywords recognised by jsonld.js (`context.isKeyword`).
pub(crate) fn is_keyword(value: &str) -> bool {
    matches!(
        value,
        "@base"
            | "@container"
            | "@context"
            | "@default"
            | "@direction"
            | "@embed"
            | "@explicit"
            | "@graph"
            | "@id"
            | "@included"
            | "@index"
            | "@json"
            | "@language"
            | "@list"
            | "@nest"
            | "@none"
            | "@omitDefault"
            | "@prefix"
            | "@preserve"
            | "@protected"
            | "@requireAll"
            | "@reverse"
            | "@set"
            | "@type"
            | "@value"
            | "@version"
            | "@vocab"
    )
}

/// `/^@[a-zA-Z]+$/`: reserved for future keywords, dropped with an event.
pub(crate) fn looks_like_keyword(value: &str) -> bool {
    let bytes = value.as_bytes();
    bytes.len() > 1 && bytes[0] == b'@' && bytes[1..].iter().all(u8::is_ascii_alphabetic)
}

/// `/^[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*$/`
pub(crate) fn is_bcp47(value: &str) -> bool {
    let mut parts = value.split('-');
    let first_ok = parts
        .next()
        .is_some_and(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphabetic()));
    first_ok
        && parts.all(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// JavaScript's `\s` (WhiteSpace and LineTerminator code points).
pub(crate) fn is_js_whitespace(c: char) -> bool {
    matches!(
        c,
        '\t' | '\n' | '\u{b}' | '\u{c}' | '\r' | ' ' | '\u{a0}' | '\u{1680}' | '\u{2000}'
            ..='\u{200a}'
                | '\u{2028}'
                | '\u{2029}'
                | '\u{202f}'
                | '\u{205f}'
                | '\u{3000}'
                | '\u{feff}'
    )
}

/// jsonld.js `url.isAbsolute`: `/^([A-Za-z][A-Za-z0-9+-.]*|_):[^\s]*$/`.
/// Note the character class `+-.` is a range, so `,` is allowed in a scheme.
pub(crate) fn is_absolute(value: &str) -> bool {
    let Some(colon) = value.find(':') else {
        return false;
    };
    let scheme = &value[..colon];
    let scheme_ok = scheme == "_"
        || (scheme
            .as_bytes()
            .first()
            .is_some_and(u8::is_ascii_alphabetic)
            && scheme
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || (b'+'..=b'.').contains(&b)));
    let rest = &value[colon + 1..];
    // Fast path: ASCII without whitespace bytes (JS `\s` beyond ASCII needs a char scan).
    scheme_ok
        && if rest.is_ascii() {
            !rest
                .bytes()
                .any(|b| b == b' ' || (b'\t'..=b'\r').contains(&b))
        } else {
            !rest.chars().any(is_js_whitespace)
        }
}

pub(crate) fn is_blank(value: &str) -> bool {
    value.starts_with("_:")
}

/// Orders strings as JavaScript's default `Array.prototype.sort` does (UTF-16 code units).
/// UTF-8 byte order differs only where a U+E000..U+FFFF character meets a supplementary one.
pub(crate) fn cmp_utf16(a: &str, b: &str) -> Ordering {
    let prefix = a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y).count();
    // Back up to the start of the character holding the first difference.
    let mut start = prefix;
    while start > 0 && !a.is_char_boundary(start) {
        start -= 1;
    }
    match (a[start..].chars().next(), b[start..].chars().next()) {
        (Some(x), Some(y)) => {
            let unit = |c: char| {
                if (c as u32) >= 0x10000 {
                    0xD800 + ((c as u32 - 0x10000) >> 10)
                } else {
                    c as u32
                }
            };
            unit(x).cmp(&unit(y)).then((x as u32).cmp(&(y as u32)))
        }
        (x, y) => x.is_some().cmp(&y.is_some()),
    }
}

struct Parsed<'a> {
    scheme: Option<&'a str>,
    authority: Option<String>,
    path: &'a str,
    query: Option<&'a str>,
    fragment: Option<&'a str>,
}

/// jsonld.js `url.parse` with its "full" regex, including default-port stripping.
fn parse(iri: &str) -> Parsed<'_> {
    let mut rest = iri;
    let mut scheme = None;
    if let Some(colon) = rest.find(':') {
        let candidate = &rest[..colon];
        let valid = candidate
            .as_bytes()
            .first()
            .is_some_and(u8::is_ascii_alphabetic)
            && candidate
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || (b'+'..=b'.').contains(&b));
        if valid {
            scheme = Some(candidate);
            rest = &rest[colon + 1..];
        }
    }
    let mut authority = None;
    if let Some(after) = rest.strip_prefix("//") {
        let end = after.find(['/', '?', '#']).unwrap_or(after.len());
        let mut auth = after[..end].to_string();
        let default_port = match scheme {
            Some("https") => Some(":443"),
            Some("http") => Some(":80"),
            _ => None,
        };
        if let Some(port) = default_port
            && auth.ends_with(port)
        {
            auth.truncate(auth.len() - port.len());
        }
        authority = Some(auth);
        rest = &after[end..];
    }
    let (before_fragment, fragment) = match rest.find('#') {
        Some(i) => (&rest[..i], Some(&rest[i + 1..])),
        None => (rest, None),
    };
    let (path, query) = match before_fragment.find('?') {
        Some(i) => (&before_fragment[..i], Some(&before_fragment[i + 1..])),
        None => (before_fragment, None),
    };
    Parsed {
        scheme,
        authority,
        path,
        query,
        fragment,
    }
}

/// jsonld.js `url.removeDotSegments`.
fn remove_dot_segments(path: &str) -> String {
    if path.is_empty() {
        return String::new();
    }
    let input: Vec<&str> = path.split('/').collect();
    let mut output: Vec<&str> = Vec::new();
    let count = input.len();
    for (i, next) in input.into_iter().enumerate() {
        let done = i + 1 == count;
        match next {
            "." => {
                if done {
                    output.push("");
                }
            }
            ".." => {
                output.pop();
                if done {
                    output.push("");
                }
            }
            other => output.push(other),
        }
    }
    if path.starts_with('/') && output.first().is_some_and(|s| !s.is_empty()) {
        output.insert(0, "");
    }
    if output.len() == 1 && output[0].is_empty() {
        return "/".to_string();
    }
    output.join("/")
}

/// jsonld.js `url.prependBase(base, iri)`; `base == None` means "no IRI processing".
pub(crate) fn prepend_base(base: Option<&str>, iri: &str) -> String {
    let Some(base) = base else {
        return iri.to_string();
    };
    if is_absolute(iri) {
        return iri.to_string();
    }
    let base = parse(base);
    let rel = parse(iri);
    let protocol = base.scheme.map(|s| format!("{s}:")).unwrap_or_default();
    let (authority, path, query);
    if rel.authority.is_some() {
        authority = rel.authority.clone();
        path = rel.path.to_string();
        query = rel.query;
    } else {
        authority = base.authority.clone();
        if rel.path.is_empty() {
            path = base.path.to_string();
            query = rel.query.or(base.query);
        } else {
            if rel.path.starts_with('/') {
                path = rel.path.to_string();
            } else {
                let mut merged = base.path[..base.path.rfind('/').map_or(0, |i| i + 1)].to_string();
                if (!merged.is_empty() || base.authority.is_some()) && !merged.ends_with('/') {
                    merged.push('/');
                }
                merged.push_str(rel.path);
                path = merged;
            }
            query = rel.query;
        }
    }
    let path = if rel.path.is_empty() {
        path
    } else {
        remove_dot_segments(&path)
    };
    let mut out = protocol;
    if let Some(authority) = authority {
        out.push_str("//");
        out.push_str(&authority);
    }
    out.push_str(&path);
    if let Some(query) = query {
        out.push('?');
        out.push_str(query);
    }
    if let Some(fragment) = rel.fragment {
        out.push('#');
        out.push_str(fragment);
    }
    if out.is_empty() {
        out.push_str("./");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absolute_follows_the_jsonld_js_regex() {
        for (iri, expected) in [
            ("https://example.com/a", true),
            ("did:key:z6Mk", true),
            ("urn:uuid:1", true),
            ("_:b0", true),
            ("a,b:c", true),
            ("relative/path", false),
            ("1abc:foo", false),
            ("urn:a b", false),
            ("urn:a\u{a0}b", false),
            (":x", false),
        ] {
            assert_eq!(is_absolute(iri), expected, "{iri}");
        }
    }

    #[test]
    fn prepend_base_resolves_like_rfc3986() {
        for (base, iri, expected) in [
            (Some("http://a/b/c/d;p?q"), "g", "http://a/b/c/g"),
            (Some("http://a/b/c/d;p?q"), "../g", "http://a/b/g"),
            (Some("http://a/b/c/d;p?q"), "?y", "http://a/b/c/d;p?y"),
            (Some("http://a/b/c/d;p?q"), "#s", "http://a/b/c/d;p?q#s"),
            (Some("http://a/b/c/d;p?q"), "//g", "http://g"),
            (Some(""), "foo", "foo"),
            (Some(""), "", "./"),
            (None, "foo", "foo"),
            (Some("https://x.org:443/a/"), "b", "https://x.org/a/b"),
        ] {
            assert_eq!(prepend_base(base, iri), expected, "{base:?} {iri}");
        }
    }

    #[test]
    fn utf16_order_puts_supplementary_characters_before_the_private_use_area() {
        let mut words = vec!["b", "\u{e000}", "😀", "a", "ab", "", "\u{ffff}", "é"];
        words.sort_by(|a, b| cmp_utf16(a, b));
        assert_eq!(
            words,
            ["", "a", "ab", "b", "é", "😀", "\u{e000}", "\u{ffff}"]
        );
        for (a, b) in [("x😀", "x\u{e000}"), ("😀a", "😀b"), ("abc", "abd")] {
            let expected = a.encode_utf16().cmp(b.encode_utf16());
            assert_eq!(cmp_utf16(a, b), expected, "{a} {b}");
            assert_eq!(cmp_utf16(b, a), expected.reverse(), "{b} {a}");
        }
    }

    #[test]
    fn bcp47_and_keyword_shapes() {
        assert!(is_bcp47("en-US"));
        assert!(!is_bcp47("en_US"));
        assert!(!is_bcp47(""));
        assert!(looks_like_keyword("@foo"));
        assert!(!looks_like_keyword("@"));
        assert!(!looks_like_keyword("@foo1"));
    }
}
