//! The extract stage: one fetched body → what it is, the links to follow, the candidate
//! credentials to verify and the job postings to read. Pure and bounded: it never touches
//! the network, and every count, depth and size has a cap, so a hostile page costs at most
//! the caps.

use std::panic::AssertUnwindSafe;

use net::Url;
use serde_json::Value;

use crate::outcome::UrlOutcome;

/// Caps of the extract stage.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExtractLimits {
    /// Links taken from one page or sitemap; the rest are ignored.
    pub max_links: usize,
    /// Longest URL followed (bytes).
    pub max_url_bytes: usize,
    /// Embedded JSON-LD blocks read from one page.
    pub max_json_ld_blocks: usize,
    /// Largest HTML page parsed (bytes); larger pages are not parsed at all.
    pub max_html_bytes: usize,
}

impl Default for ExtractLimits {
    fn default() -> Self {
        ExtractLimits {
            max_links: 500,
            max_url_bytes: 2048,
            max_json_ld_blocks: 16,
            max_html_bytes: 2 * 1024 * 1024,
        }
    }
}

/// A document to hand to the verifier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    /// The bytes exactly as published (a JSON document, a compact JWT, a PNG or an SVG).
    pub bytes: Vec<u8>,
}

/// What a body holds.
#[derive(Debug, Clone, PartialEq)]
pub struct Extracted {
    /// What it counts as.
    pub outcome: UrlOutcome,
    /// Absolute http(s) URLs to follow, without fragments, deduplicated, in page order.
    pub links: Vec<Url>,
    /// Candidate credentials and presentations.
    pub candidates: Vec<Candidate>,
    /// schema.org `JobPosting` objects.
    pub postings: Vec<Value>,
    /// Links dropped by the caps or as unusable.
    pub links_skipped: u64,
}

impl Extracted {
    fn of(outcome: UrlOutcome) -> Extracted {
        Extracted {
            outcome,
            links: Vec::new(),
            candidates: Vec::new(),
            postings: Vec::new(),
            links_skipped: 0,
        }
    }
}

/// Media types whose bodies are credentials even when they do not parse (so a broken one
/// is counted as a malformed candidate, not dropped).
const CREDENTIAL_MEDIA_TYPES: &[&str] = &[
    "application/vc+ld+json",
    "application/vp+ld+json",
    "application/vc+jwt",
    "application/vp+jwt",
    "application/vc",
    "application/vp",
    "application/jwt",
    "application/ld+json",
];

/// Types of credentials and presentations (JSON `type` / `@type` members).
const CREDENTIAL_TYPES: &[&str] = &[
    "VerifiableCredential",
    "VerifiablePresentation",
    "OpenBadgeCredential",
    "AchievementCredential",
    "ClrCredential",
    "EndorsementCredential",
    "Assertion",
];

/// Types of the documents verification reads (never indexed themselves).
const DOCUMENT_TYPES: &[&str] = &[
    "Profile",
    "Issuer",
    "BadgeClass",
    "Achievement",
    "CryptographicKey",
    "Organization",
];

/// Classifies `body` (served as `content_type` from `url`) and extracts from it.
pub fn extract(
    url: &Url,
    content_type: Option<&str>,
    body: &[u8],
    limits: &ExtractLimits,
) -> Extracted {
    let media_type = content_type
        .and_then(|value| value.split(';').next())
        .map(|value| value.trim().to_ascii_lowercase())
        .unwrap_or_default();
    let trimmed = trim_ascii_start(body);
    if body.starts_with(b"\x89PNG\r\n\x1a\n") {
        return baked(body, &[b"openbadgecredential", b"openbadges"]);
    }
    if media_type == "image/svg+xml" || starts_with_ignore_case(trimmed, b"<svg") {
        return baked(body, &[b"openbadges:credential", b"openbadges:assertion"]);
    }
    if media_type.contains("html")
        || starts_with_ignore_case(trimmed, b"<!doctype html")
        || starts_with_ignore_case(trimmed, b"<html")
    {
        return html(url, body, limits);
    }
    if media_type.ends_with("xml")
        || trimmed.starts_with(b"<?xml")
        || trimmed.starts_with(b"<urlset")
        || trimmed.starts_with(b"<sitemapindex")
    {
        return sitemap(url, body, limits);
    }
    if trimmed.starts_with(b"{") || trimmed.starts_with(b"[") || media_type.contains("json") {
        return json(body, CREDENTIAL_MEDIA_TYPES.contains(&media_type.as_str()));
    }
    if is_compact_jws(body) {
        return Extracted {
            candidates: vec![Candidate {
                bytes: body.to_vec(),
            }],
            ..Extracted::of(UrlOutcome::Credential)
        };
    }
    if CREDENTIAL_MEDIA_TYPES.contains(&media_type.as_str()) {
        // Served as a credential, but neither JSON nor a JWT: the verifier says why.
        return Extracted {
            candidates: vec![Candidate {
                bytes: body.to_vec(),
            }],
            ..Extracted::of(UrlOutcome::Credential)
        };
    }
    if media_type.starts_with("text/") {
        return Extracted::of(UrlOutcome::NotACredential);
    }
    Extracted::of(UrlOutcome::UnsupportedType)
}

fn trim_ascii_start(body: &[u8]) -> &[u8] {
    let body = body.strip_prefix(b"\xef\xbb\xbf").unwrap_or(body);
    let start = body
        .iter()
        .position(|byte| !byte.is_ascii_whitespace())
        .unwrap_or(body.len());
    &body[start..]
}

fn starts_with_ignore_case(body: &[u8], prefix: &[u8]) -> bool {
    body.len() >= prefix.len() && body[..prefix.len()].eq_ignore_ascii_case(prefix)
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window.eq_ignore_ascii_case(needle))
}

/// An image is a candidate only when it names a baked credential; a plain logo is not.
fn baked(body: &[u8], markers: &[&[u8]]) -> Extracted {
    if markers.iter().any(|marker| contains(body, marker)) {
        Extracted {
            candidates: vec![Candidate {
                bytes: body.to_vec(),
            }],
            ..Extracted::of(UrlOutcome::Credential)
        }
    } else {
        Extracted::of(UrlOutcome::NotACredential)
    }
}

/// `header.payload.signature` in base64url, the shape of a compact JWS.
fn is_compact_jws(body: &[u8]) -> bool {
    let text = body.trim_ascii();
    let parts: Vec<&[u8]> = text.split(|byte| *byte == b'.').collect();
    parts.len() == 3
        && !parts[0].is_empty()
        && !parts[1].is_empty()
        && text
            .iter()
            .all(|byte| byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.'))
}

fn types_of(object: &serde_json::Map<String, Value>) -> Vec<&str> {
    let mut types = Vec::new();
    for key in ["type", "@type"] {
        match object.get(key) {
            Some(Value::String(name)) => types.push(name.as_str()),
            Some(Value::Array(names)) => types.extend(names.iter().filter_map(Value::as_str)),
            _ => {}
        }
    }
    types
        .into_iter()
        .map(|name| name.rsplit(['/', '#', ':']).next().unwrap_or(name))
        .collect()
}

/// What one JSON value is.
enum JsonKind {
    Credential,
    Posting,
    Document,
    Other,
}

fn json_kind(value: &Value) -> JsonKind {
    let Some(object) = value.as_object() else {
        return JsonKind::Other;
    };
    let types = types_of(object);
    if types
        .iter()
        .any(|name| name.ends_with("StatusListCredential") || *name == "RevocationList")
    {
        return JsonKind::Document;
    }
    if types.iter().any(|name| CREDENTIAL_TYPES.contains(name)) {
        return JsonKind::Credential;
    }
    if types.contains(&"JobPosting") {
        return JsonKind::Posting;
    }
    // Profiles, DID and controller documents carry keys, not claims.
    if types.iter().any(|name| DOCUMENT_TYPES.contains(name))
        || object.contains_key("verificationMethod")
        || object.contains_key("assertionMethod")
    {
        return JsonKind::Document;
    }
    JsonKind::Other
}

fn json(body: &[u8], served_as_credential: bool) -> Extracted {
    // serde_json refuses nesting deeper than 128, so a deep document costs little.
    let value: Value = match serde_json::from_slice(body) {
        Ok(value) => value,
        Err(_) if served_as_credential => {
            return Extracted {
                candidates: vec![Candidate {
                    bytes: body.to_vec(),
                }],
                ..Extracted::of(UrlOutcome::Credential)
            };
        }
        Err(_) => return Extracted::of(UrlOutcome::Malformed),
    };
    match json_kind(&value) {
        JsonKind::Credential => Extracted {
            candidates: vec![Candidate {
                bytes: body.to_vec(),
            }],
            ..Extracted::of(UrlOutcome::Credential)
        },
        JsonKind::Posting => Extracted {
            postings: vec![value],
            ..Extracted::of(UrlOutcome::JobPosting)
        },
        JsonKind::Document => Extracted::of(UrlOutcome::Document),
        JsonKind::Other => Extracted::of(UrlOutcome::NotACredential),
    }
}

/// Collects links with their caps: absolute http(s), no fragment, not too long, unique.
struct Links<'a> {
    base: &'a Url,
    limits: &'a ExtractLimits,
    links: Vec<Url>,
    skipped: u64,
}

impl Links<'_> {
    fn push(&mut self, href: &str) {
        let href = decode_entities(href.trim());
        if href.is_empty() || href.starts_with('#') {
            return;
        }
        if self.links.len() >= self.limits.max_links || href.len() > self.limits.max_url_bytes {
            self.skipped += 1;
            return;
        }
        let Ok(mut url) = self.base.join(&href) else {
            self.skipped += 1;
            return;
        };
        if !matches!(url.scheme(), "http" | "https")
            || url.as_str().len() > self.limits.max_url_bytes
        {
            self.skipped += 1;
            return;
        }
        url.set_fragment(None);
        if !self.links.contains(&url) {
            self.links.push(url);
        }
    }
}

/// The few entities that occur in attribute values.
fn decode_entities(text: &str) -> String {
    if !text.contains('&') {
        return text.to_owned();
    }
    text.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

fn html(url: &Url, body: &[u8], limits: &ExtractLimits) -> Extracted {
    if body.len() > limits.max_html_bytes {
        return Extracted::of(UrlOutcome::TooLarge);
    }
    let Ok(text) = std::str::from_utf8(body) else {
        return Extracted::of(UrlOutcome::Malformed);
    };
    // The parser is third-party code on hostile input: a panic in it is a malformed page,
    // never a crashed crawler.
    std::panic::catch_unwind(AssertUnwindSafe(|| html_unguarded(url, text, limits)))
        .unwrap_or_else(|_| Extracted::of(UrlOutcome::Malformed))
}

fn html_unguarded(url: &Url, text: &str, limits: &ExtractLimits) -> Extracted {
    let Ok(dom) = tl::parse(text, tl::ParserOptions::default()) else {
        return Extracted::of(UrlOutcome::Malformed);
    };
    let parser = dom.parser();
    let mut links = Links {
        base: url,
        limits,
        links: Vec::new(),
        skipped: 0,
    };
    let mut noindex = false;
    let mut blocks = 0usize;
    let mut candidates = Vec::new();
    let mut postings = Vec::new();
    let mut documents = 0usize;
    for node in dom.nodes() {
        let Some(tag) = node.as_tag() else {
            continue;
        };
        let name = tag.name().as_utf8_str().to_ascii_lowercase();
        let attribute = |key: &str| {
            tag.attributes()
                .get(key)
                .flatten()
                .map(|value| value.as_utf8_str().into_owned())
        };
        match name.as_str() {
            "a" => {
                if let Some(href) = attribute("href") {
                    links.push(&href);
                }
            }
            "link" => {
                let rel = attribute("rel").unwrap_or_default().to_ascii_lowercase();
                if rel.split_ascii_whitespace().any(|word| word == "alternate")
                    && let Some(href) = attribute("href")
                {
                    links.push(&href);
                }
            }
            "meta" => {
                let meta_name = attribute("name").unwrap_or_default().to_ascii_lowercase();
                let content = attribute("content")
                    .unwrap_or_default()
                    .to_ascii_lowercase();
                if (meta_name == "robots" || meta_name == "skillproof")
                    && content
                        .split(',')
                        .any(|word| word.trim() == "noindex" || word.trim() == "none")
                {
                    noindex = true;
                }
            }
            "script" => {
                let script_type = attribute("type").unwrap_or_default().to_ascii_lowercase();
                if script_type.trim() != "application/ld+json" {
                    continue;
                }
                blocks += 1;
                if blocks > limits.max_json_ld_blocks {
                    continue;
                }
                let inner = tag.inner_text(parser);
                let Ok(value) = serde_json::from_str::<Value>(inner.trim()) else {
                    continue;
                };
                let values = match value {
                    Value::Array(values) => values,
                    Value::Object(mut object) => match object.remove("@graph") {
                        Some(Value::Array(values)) => values,
                        Some(other) => {
                            object.insert("@graph".to_owned(), other);
                            vec![Value::Object(object)]
                        }
                        None => vec![Value::Object(object)],
                    },
                    _ => Vec::new(),
                };
                for value in values.into_iter().take(limits.max_json_ld_blocks) {
                    match json_kind(&value) {
                        JsonKind::Credential => candidates.push(Candidate {
                            bytes: serde_json::to_vec(&value).unwrap_or_default(),
                        }),
                        JsonKind::Posting => postings.push(value),
                        JsonKind::Document => documents += 1,
                        JsonKind::Other => {}
                    }
                }
            }
            _ => {}
        }
    }
    if noindex {
        return Extracted {
            links: links.links,
            links_skipped: links.skipped,
            ..Extracted::of(UrlOutcome::Noindex)
        };
    }
    let outcome = if !candidates.is_empty() {
        UrlOutcome::Credential
    } else if !postings.is_empty() {
        UrlOutcome::JobPosting
    } else {
        let _ = documents;
        UrlOutcome::Page
    };
    Extracted {
        outcome,
        links: links.links,
        candidates,
        postings,
        links_skipped: links.skipped,
    }
}

fn sitemap(url: &Url, body: &[u8], limits: &ExtractLimits) -> Extracted {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_reader(body);
    let mut links = Links {
        base: url,
        limits,
        links: Vec::new(),
        skipped: 0,
    };
    let mut in_loc = false;
    let mut is_sitemap = false;
    let mut buffer = Vec::new();
    loop {
        match reader.read_event_into(&mut buffer) {
            Ok(Event::Start(start)) => {
                let local = start.local_name();
                match local.as_ref() {
                    "urlset" | "sitemapindex" => is_sitemap = true,
                    "loc" => in_loc = true,
                    _ => {}
                }
            }
            Ok(Event::End(end)) => {
                if end.local_name().as_ref() == "loc" {
                    in_loc = false;
                }
            }
            Ok(Event::Text(text)) if in_loc => {
                let raw: &str = &text;
                links.push(raw);
            }
            Ok(Event::Eof) => break,
            Ok(Event::DocType(_)) => return Extracted::of(UrlOutcome::Malformed),
            Ok(_) => {}
            Err(_) => return Extracted::of(UrlOutcome::Malformed),
        }
        buffer.clear();
    }
    if !is_sitemap {
        return Extracted::of(UrlOutcome::NotACredential);
    }
    Extracted {
        links: links.links,
        links_skipped: links.skipped,
        ..Extracted::of(UrlOutcome::Sitemap)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(content_type: &str, body: &str) -> Extracted {
        let base = Url::parse("https://a.test/dir/page").expect("url");
        extract(
            &base,
            Some(content_type),
            body.as_bytes(),
            &ExtractLimits::default(),
        )
    }

    #[test]
    fn bodies_are_classified_by_what_they_hold() {
        let cases: &[(&str, &str, UrlOutcome, usize)] = &[
            (
                "application/vc+ld+json",
                r#"{"type":["VerifiableCredential","OpenBadgeCredential"]}"#,
                UrlOutcome::Credential,
                1,
            ),
            (
                "application/vc+ld+json",
                r#"{"type":["Verifiable"#,
                UrlOutcome::Credential,
                1,
            ),
            (
                "application/json",
                r#"{"type":["Verifiable"#,
                UrlOutcome::Malformed,
                0,
            ),
            (
                "application/vc+ld+json",
                r#"{"type":["VerifiableCredential","BitstringStatusListCredential"]}"#,
                UrlOutcome::Document,
                0,
            ),
            (
                "application/did+json",
                r#"{"id":"did:web:a.test","verificationMethod":[]}"#,
                UrlOutcome::Document,
                0,
            ),
            (
                "application/ld+json",
                r#"{"type":"Assertion"}"#,
                UrlOutcome::Credential,
                1,
            ),
            (
                "application/ld+json",
                r#"{"type":"BadgeClass"}"#,
                UrlOutcome::Document,
                0,
            ),
            (
                "application/json",
                r#"{"hello":"world"}"#,
                UrlOutcome::NotACredential,
                0,
            ),
            (
                "application/jwt",
                "eyJh.eyJi.c2ln",
                UrlOutcome::Credential,
                1,
            ),
            ("text/plain", "eyJh.eyJi.c2ln", UrlOutcome::Credential, 1),
            ("text/plain", "hello", UrlOutcome::NotACredential, 0),
            (
                "application/octet-stream",
                "\u{1}\u{2}",
                UrlOutcome::UnsupportedType,
                0,
            ),
            (
                "image/svg+xml",
                "<svg></svg>",
                UrlOutcome::NotACredential,
                0,
            ),
            (
                "image/svg+xml",
                "<svg><openbadges:credential/></svg>",
                UrlOutcome::Credential,
                1,
            ),
        ];
        for (content_type, body, outcome, candidates) in cases {
            let extracted = run(content_type, body);
            assert_eq!(
                (extracted.outcome, extracted.candidates.len()),
                (*outcome, *candidates),
                "{content_type} {body}"
            );
        }
    }

    #[test]
    fn html_gives_links_alternates_and_json_ld() {
        let page = r##"<!doctype html><html><head>
            <link rel="alternate" type="application/vp+ld+json" href="/p/1.json">
            <script type="application/ld+json">{"@type":"JobPosting","title":"x"}</script>
            <script type="application/ld+json">{"type":["VerifiableCredential"],"id":"urn:x"}</script>
            <script type="application/ld+json">{"@type":"Achievement"}</script>
            </head><body>
            <a href="other#frag">o</a><a href="https://b.test/x?a=1&amp;b=2">b</a>
            <a href="mailto:x@y.test">m</a><a href="#top">t</a><a href="other">again</a>
            </body></html>"##;
        let extracted = run("text/html; charset=utf-8", page);
        assert_eq!(extracted.outcome, UrlOutcome::Credential);
        assert_eq!(extracted.candidates.len(), 1);
        assert_eq!(extracted.postings.len(), 1);
        let links: Vec<&str> = extracted.links.iter().map(Url::as_str).collect();
        assert_eq!(
            links,
            [
                "https://a.test/p/1.json",
                "https://a.test/dir/other",
                "https://b.test/x?a=1&b=2"
            ]
        );
        assert_eq!(extracted.links_skipped, 1, "the mailto: link");
    }

    #[test]
    fn caps_bound_links_and_noindex_withholds_content() {
        let many: String = (0..600)
            .map(|i| format!("<a href=\"/l/{i}\">x</a>"))
            .collect();
        let extracted = run("text/html", &format!("<html><body>{many}</body></html>"));
        assert_eq!(extracted.links.len(), 500);
        assert_eq!(extracted.links_skipped, 100);
        let hidden = run(
            "text/html",
            r#"<html><head><meta name="robots" content="noindex, follow">
            <script type="application/ld+json">{"type":"VerifiableCredential"}</script></head></html>"#,
        );
        assert_eq!(hidden.outcome, UrlOutcome::Noindex);
        assert!(hidden.candidates.is_empty());
    }

    #[test]
    fn sitemaps_and_indexes_list_their_locations() {
        let urlset = r#"<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
            <url><loc>https://a.test/c/1.json</loc></url><url><loc> /c/2.json </loc></url></urlset>"#;
        let extracted = run("application/xml", urlset);
        assert_eq!(extracted.outcome, UrlOutcome::Sitemap);
        assert_eq!(extracted.links.len(), 2);
        let index =
            r#"<sitemapindex><sitemap><loc>https://a.test/s-1.xml</loc></sitemap></sitemapindex>"#;
        assert_eq!(run("text/xml", index).links.len(), 1);
        assert_eq!(
            run(
                "application/xml",
                "<!DOCTYPE x [<!ENTITY a \"b\">]><urlset/>"
            )
            .outcome,
            UrlOutcome::Malformed
        );
        assert_eq!(
            run("application/xml", "<feed/>").outcome,
            UrlOutcome::NotACredential
        );
    }
}
