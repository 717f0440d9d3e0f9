//! SVG: the first `<openbadges:credential>` element (OB 3.0 §5.3.2; OB 2.0 bakers also wrote
//! `<openbadges:assertion>`), whose namespace is `https://purl.imsglobal.org/ob/v3p0` (OB 3.0)
//! or `http://openbadges.org` (OB 2.0). A compact JWS (or, for OB 2.0, a URL) sits in its
//! `verify` attribute; a JSON credential in its body, usually as CDATA.
//!
//! The XML is streamed (quick-xml), never built into a tree and never validated against a
//! DTD. A DOCTYPE naming an external DTD (Illustrator writes the SVG 1.1 one) is tolerated
//! and never fetched; an internal subset is refused outright, so no entity is ever declared,
//! expanded or loaded (billion laughs, XXE). Only the five predefined entities and
//! character references are understood.

use quick_xml::XmlVersion;
use quick_xml::events::{BytesRef, BytesStart, Event};
use quick_xml::name::ResolveResult;
use quick_xml::reader::NsReader;

use super::{Bakery, ExtractFailure, Extracted, accept_payload};

const OB3_NAMESPACE: &str = "https://purl.imsglobal.org/ob/v3p0";
const OB2_NAMESPACE: &str = "http://openbadges.org";

/// Markup events (tags, text runs, comments…) read before giving up.
const MAX_EVENTS: usize = 200_000;

/// Deepest element nesting accepted.
const MAX_DEPTH: usize = 256;

/// Finds the baked credential of an SVG. The first credential element counts; later ones
/// are noted and ignored.
pub(crate) fn extract_svg(
    svg: &[u8],
    max_payload_bytes: usize,
) -> Result<Extracted, ExtractFailure> {
    let svg = svg.strip_prefix("\u{feff}".as_bytes()).unwrap_or(svg);
    let text = std::str::from_utf8(svg)
        .map_err(|error| ExtractFailure::malformed(format!("the SVG is not UTF-8 ({error})")))?;
    let mut reader = NsReader::from_str(text);
    let mut walk = Walk {
        depth: 0,
        seen_root: false,
        capture: None,
        found: None,
        notes: Vec::new(),
        max_payload_bytes,
    };
    for _ in 0..MAX_EVENTS {
        let event = reader.read_event().map_err(|error| {
            ExtractFailure::malformed(format!(
                "the SVG is not well-formed XML near byte {}: {error}",
                reader.error_position()
            ))
        })?;
        match event {
            Event::DocType(doctype) => {
                let declaration = doctype.into_inner();
                if declaration.contains('[') || declaration.contains("<!") {
                    return Err(ExtractFailure::malformed(
                        "the SVG declares a DTD internal subset; DTDs are refused (entity expansion, external entities)",
                    ));
                }
            }
            Event::Start(element) => {
                let credential = credential_bakery(&reader, &element);
                walk.open(&element, credential, false)?;
            }
            Event::Empty(element) => {
                let credential = credential_bakery(&reader, &element);
                walk.open(&element, credential, true)?;
            }
            Event::End(_) => walk.close()?,
            Event::Text(text) => walk.body(&text.into_inner())?,
            Event::CData(cdata) => walk.body(&cdata.into_inner())?,
            Event::GeneralRef(reference) => {
                let character = resolve_reference(&reference)?;
                walk.body(character.encode_utf8(&mut [0; 4]))?;
            }
            Event::Eof => return walk.finish(),
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
        }
    }
    Err(ExtractFailure::too_large(format!(
        "the SVG has more than {MAX_EVENTS} markup events"
    )))
}

/// The bakery of a credential element, or `None` for any other element.
fn credential_bakery(reader: &NsReader<&[u8]>, element: &BytesStart<'_>) -> Option<Bakery> {
    let (namespace, local) = reader.resolver().resolve_element(element.name());
    let ResolveResult::Bound(namespace) = namespace else {
        return None;
    };
    match (namespace.0, local.as_ref()) {
        (OB3_NAMESPACE, "credential") => Some(Bakery::OpenBadges3),
        (OB2_NAMESPACE, "credential" | "assertion") => Some(Bakery::OpenBadges2),
        _ => None,
    }
}

/// Character references and the five predefined entities; any other entity could only come
/// from a DTD, which we refuse.
fn resolve_reference(reference: &BytesRef<'_>) -> Result<char, ExtractFailure> {
    if let Some(character) = reference.resolve_char_ref().map_err(|error| {
        ExtractFailure::malformed(format!("bad character reference in the SVG: {error}"))
    })? {
        return Ok(character);
    }
    match reference.as_ref() {
        "lt" => Ok('<'),
        "gt" => Ok('>'),
        "amp" => Ok('&'),
        "apos" => Ok('\''),
        "quot" => Ok('"'),
        other => Err(ExtractFailure::malformed(format!(
            "the SVG uses the entity &{other}; which only a DTD could define; DTD entities are refused"
        ))),
    }
}

/// A credential element being read.
struct Capture {
    bakery: Bakery,
    /// Element depth of the credential element itself.
    depth: usize,
    verify: Option<String>,
    body: String,
}

struct Walk {
    depth: usize,
    seen_root: bool,
    capture: Option<Capture>,
    found: Option<Extracted>,
    notes: Vec<String>,
    max_payload_bytes: usize,
}

impl Walk {
    fn open(
        &mut self,
        element: &BytesStart<'_>,
        credential: Option<Bakery>,
        empty: bool,
    ) -> Result<(), ExtractFailure> {
        if !self.seen_root {
            self.seen_root = true;
            if element.local_name().as_ref() != "svg" {
                return Err(ExtractFailure::malformed(format!(
                    "the root element is <{}>, not <svg>",
                    element.name().0
                )));
            }
        }
        if self.depth >= MAX_DEPTH {
            return Err(ExtractFailure::too_large(format!(
                "SVG elements nest deeper than {MAX_DEPTH}"
            )));
        }
        if let Some(bakery) = credential {
            if self.capture.is_some() {
                return Err(ExtractFailure::malformed(
                    "a credential element is nested inside another",
                ));
            }
            if self.found.is_some() {
                self.notes.push(format!(
                    "a second <{}> element was ignored: only the first credential element counts",
                    element.name().0
                ));
            } else {
                let mut capture = Capture {
                    bakery,
                    depth: self.depth,
                    verify: verify_attribute(element)?,
                    body: String::new(),
                };
                if empty {
                    self.found = Some(self.complete(&mut capture)?);
                } else {
                    self.capture = Some(capture);
                }
            }
        }
        if !empty {
            self.depth += 1;
        }
        Ok(())
    }

    fn close(&mut self) -> Result<(), ExtractFailure> {
        self.depth = self.depth.saturating_sub(1);
        let closes_capture = self
            .capture
            .as_ref()
            .is_some_and(|capture| capture.depth == self.depth);
        if closes_capture && let Some(mut capture) = self.capture.take() {
            self.found = Some(self.complete(&mut capture)?);
        }
        Ok(())
    }

    fn body(&mut self, text: &str) -> Result<(), ExtractFailure> {
        let Some(capture) = self.capture.as_mut() else {
            return Ok(());
        };
        if capture.body.len().saturating_add(text.len()) > self.max_payload_bytes {
            return Err(ExtractFailure::too_large(format!(
                "the SVG credential body exceeds {} bytes",
                self.max_payload_bytes
            )));
        }
        capture.body.push_str(text);
        Ok(())
    }

    /// The payload of a finished credential element: the `verify` attribute if present
    /// (a JWS, or an OB 2.0 hosted URL), else the body.
    fn complete(&mut self, capture: &mut Capture) -> Result<Extracted, ExtractFailure> {
        let body = std::mem::take(&mut capture.body);
        let payload = match capture.verify.take() {
            Some(verify) => {
                if !body.trim().is_empty() {
                    self.notes.push(
                        "the credential element has both a verify attribute and a body; the verify attribute counts"
                            .to_owned(),
                    );
                }
                accept_payload(
                    verify,
                    capture.bakery,
                    "the verify attribute of the SVG credential element",
                    self.max_payload_bytes,
                )?
            }
            None => accept_payload(
                body,
                capture.bakery,
                "the SVG credential element",
                self.max_payload_bytes,
            )?,
        };
        Ok(Extracted {
            payload,
            bakery: capture.bakery,
            notes: Vec::new(),
        })
    }

    fn finish(self) -> Result<Extracted, ExtractFailure> {
        if !self.seen_root {
            return Err(ExtractFailure::malformed("the SVG has no root element"));
        }
        if self.capture.is_some() || self.depth != 0 {
            return Err(ExtractFailure::malformed(
                "the SVG ends inside an element (truncated)",
            ));
        }
        let mut extracted = self.found.ok_or_else(|| {
            ExtractFailure::malformed(
                "the SVG carries no baked credential (no <openbadges:credential> element in the OB 3.0 or OB 2.0 namespace)",
            )
        })?;
        extracted.notes = self.notes;
        Ok(extracted)
    }
}

/// The `verify` attribute (unprefixed), with predefined entities resolved.
fn verify_attribute(element: &BytesStart<'_>) -> Result<Option<String>, ExtractFailure> {
    for attribute in element.attributes() {
        let attribute = attribute.map_err(|error| {
            ExtractFailure::malformed(format!("bad attribute on the credential element: {error}"))
        })?;
        if attribute.key.0 == "verify" {
            let value = attribute
                .normalized_value(XmlVersion::Implicit1_0)
                .map_err(|error| {
                    ExtractFailure::malformed(format!(
                        "the verify attribute cannot be read: {error}"
                    ))
                })?;
            return Ok(Some(value.into_owned()));
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use model::Outcome;

    const OPEN: &str = r#"<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0">"#;

    type Expected<'a> = Result<(&'a str, Bakery, usize), (Outcome, &'a str)>;

    #[track_caller]
    fn check(input: &str, expected: Expected<'_>) {
        let actual = extract_svg(input.as_bytes(), 1 << 20);
        match (&actual, expected) {
            (Ok(extracted), Ok((payload, bakery, notes))) => {
                assert_eq!(extracted.payload.trim(), payload);
                assert_eq!(extracted.bakery, bakery);
                assert_eq!(extracted.notes.len(), notes, "{:?}", extracted.notes);
            }
            (Err(failure), Err((outcome, fragment))) => {
                assert_eq!(failure.outcome, outcome, "{}", failure.detail);
                assert!(
                    failure.detail.contains(fragment),
                    "{:?} lacks {fragment:?}",
                    failure.detail
                );
            }
            _ => panic!("got {actual:?}, expected {expected:?}"),
        }
    }

    #[test]
    fn finds_the_credential() {
        check(
            &format!(
                "{OPEN}<openbadges:credential><![CDATA[ {{\"a\":1}} ]]></openbadges:credential></svg>"
            ),
            Ok(("{\"a\":1}", Bakery::OpenBadges3, 0)),
        );
        check(
            &format!("{OPEN}<g><openbadges:credential verify=\"eyJ.a.b\"/></g></svg>"),
            Ok(("eyJ.a.b", Bakery::OpenBadges3, 0)),
        );
        // Escaped JSON text, character references.
        check(
            &format!(
                "{OPEN}<openbadges:credential>{{&quot;a&quot;:&#x31;}}</openbadges:credential></svg>"
            ),
            Ok(("{\"a\":1}", Bakery::OpenBadges3, 0)),
        );
        // OB 2.0 namespace, `assertion` element, hosted URL; any prefix works.
        check(
            r#"<svg xmlns="http://www.w3.org/2000/svg"><ob:assertion xmlns:ob="http://openbadges.org" verify="https://issuer.example/a/1"/></svg>"#,
            Ok(("https://issuer.example/a/1", Bakery::OpenBadges2, 0)),
        );
        // An external DTD named by Illustrator is tolerated (never fetched).
        check(
            &format!(
                "<?xml version=\"1.0\"?>\n<!DOCTYPE svg PUBLIC \"-//W3C//DTD SVG 1.1//EN\" \"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd\">\n{OPEN}<openbadges:credential verify=\"eyJ.a.b\"></openbadges:credential></svg>"
            ),
            Ok(("eyJ.a.b", Bakery::OpenBadges3, 0)),
        );
        // Two credential elements: the first counts, the second is noted (reliability F7).
        check(
            &format!(
                "{OPEN}<openbadges:credential>{{}}</openbadges:credential><openbadges:credential>[]</openbadges:credential></svg>"
            ),
            Ok(("{}", Bakery::OpenBadges3, 1)),
        );
        // Both a verify attribute and a body.
        check(
            &format!(
                "{OPEN}<openbadges:credential verify=\"eyJ.a.b\">{{}}</openbadges:credential></svg>"
            ),
            Ok(("eyJ.a.b", Bakery::OpenBadges3, 1)),
        );
        // The same local name in another namespace is not a credential.
        check(
            &format!(
                "{OPEN}<x:credential xmlns:x=\"https://evil.example/\">{{\"evil\":1}}</x:credential><openbadges:credential>{{}}</openbadges:credential></svg>"
            ),
            Ok(("{}", Bakery::OpenBadges3, 0)),
        );
    }

    #[test]
    fn refuses_hostile_and_broken_files() {
        use Outcome::{Malformed, TooLarge};
        let billion_laughs = format!(
            "<?xml version=\"1.0\"?><!DOCTYPE svg [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\"><!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">]>{OPEN}<openbadges:credential>&lol3;</openbadges:credential></svg>"
        );
        check(&billion_laughs, Err((Malformed, "internal subset")));
        let xxe = format!(
            "<!DOCTYPE svg [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>{OPEN}<openbadges:credential>&xxe;</openbadges:credential></svg>"
        );
        check(&xxe, Err((Malformed, "internal subset")));
        // An entity used without any DTD.
        check(
            &format!("{OPEN}<openbadges:credential>&xxe;</openbadges:credential></svg>"),
            Err((Malformed, "&xxe;")),
        );
        check(
            &format!("{OPEN}<openbadges:credential verify=\"&xxe;\"/></svg>"),
            Err((Malformed, "verify attribute")),
        );
        check(
            &format!("{OPEN}</svg>"),
            Err((Malformed, "no baked credential")),
        );
        check(
            "<html><openbadges:credential/></html>",
            Err((Malformed, "not <svg>")),
        );
        check(
            &format!("{OPEN}<openbadges:credential>{{\"a\":1}}"),
            Err((Malformed, "")),
        );
        check(
            &format!("{OPEN}<a></b></svg>"),
            Err((Malformed, "well-formed")),
        );
        check(
            &format!("{OPEN}<openbadges:credential>   </openbadges:credential></svg>"),
            Err((Malformed, "empty")),
        );
        check(
            &format!("{OPEN}<openbadges:credential verify=\"https://issuer.example/a\"/></svg>"),
            Err((Malformed, "URL")),
        );
        check(
            &format!(
                "{OPEN}<openbadges:credential><openbadges:credential>{{}}</openbadges:credential></openbadges:credential></svg>"
            ),
            Err((Malformed, "nested")),
        );
        check("", Err((Malformed, "no root")));
        assert_eq!(
            extract_svg(b"<svg>\xff</svg>", 1 << 20).map_err(|failure| failure.outcome),
            Err(Malformed)
        );
        // Deep nesting and a huge body.
        let deep = format!("{OPEN}{}", "<g>".repeat(MAX_DEPTH + 1));
        check(&deep, Err((TooLarge, "deeper")));
        let huge = format!(
            "{OPEN}<openbadges:credential>{}</openbadges:credential></svg>",
            "x".repeat(2048)
        );
        assert_eq!(
            extract_svg(huge.as_bytes(), 1024).map_err(|failure| failure.outcome),
            Err(TooLarge)
        );
        let flood = format!("{OPEN}{}</svg>", "<g/>".repeat(MAX_EVENTS));
        check(&flood, Err((TooLarge, "events")));
    }

    #[test]
    fn never_panics_on_any_prefix() {
        let good = format!(
            "<?xml version=\"1.0\"?>{OPEN}<!-- c --><openbadges:credential verify=\"eyJ.a.b\"><![CDATA[{{\"a\":\"&lt;\"}}]]>&amp;</openbadges:credential></svg>"
        );
        for end in 0..good.len() {
            if good.is_char_boundary(end) {
                let _ = extract_svg(&good.as_bytes()[..end], 1 << 20);
            }
        }
    }
}
