//! RDF terms, quads and N-Quads serialization with rdf-canonize's escaping rules.

use std::fmt::Write;

pub(crate) const RDF_TYPE: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type";
pub(crate) const RDF_FIRST: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#first";
pub(crate) const RDF_REST: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#rest";
pub(crate) const RDF_NIL: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#nil";
pub(crate) const RDF_JSON: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#JSON";
pub(crate) const RDF_LANGSTRING: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString";
pub(crate) const XSD_BOOLEAN: &str = "http://www.w3.org/2001/XMLSchema#boolean";
pub(crate) const XSD_DOUBLE: &str = "http://www.w3.org/2001/XMLSchema#double";
pub(crate) const XSD_INTEGER: &str = "http://www.w3.org/2001/XMLSchema#integer";
pub(crate) const XSD_STRING: &str = "http://www.w3.org/2001/XMLSchema#string";

/// An RDF term. Blank node labels are stored without the `_:` prefix.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Term {
    /// An IRI.
    Iri(String),
    /// A blank node label (without `_:`).
    Blank(String),
    /// A literal; `language` is set only for `rdf:langString`.
    Literal {
        /// Lexical form.
        value: String,
        /// Datatype IRI.
        datatype: String,
        /// Language tag (lower case, as jsonld.js emits it).
        language: Option<String>,
    },
}

impl Term {
    pub(crate) fn from_id(id: &str) -> Term {
        match id.strip_prefix("_:") {
            Some(label) => Term::Blank(label.to_string()),
            None => Term::Iri(id.to_string()),
        }
    }

    pub(crate) fn blank_label(&self) -> Option<&str> {
        match self {
            Term::Blank(label) => Some(label),
            _ => None,
        }
    }
}

/// One quad; `graph == None` is the default graph.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Quad {
    /// Subject (IRI or blank node).
    pub subject: Term,
    /// Predicate (IRI).
    pub predicate: Term,
    /// Object.
    pub object: Term,
    /// Graph name, `None` for the default graph.
    pub graph: Option<Term>,
}

/// The RDF dataset produced by [`crate::Processor::to_rdf`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Dataset {
    pub(crate) quads: Vec<Quad>,
}

impl Dataset {
    /// The quads, in production order.
    pub fn quads(&self) -> &[Quad] {
        &self.quads
    }

    /// Number of quads.
    pub fn len(&self) -> usize {
        self.quads.len()
    }

    /// True when there are no quads.
    pub fn is_empty(&self) -> bool {
        self.quads.is_empty()
    }

    /// N-Quads, one line per quad, lines sorted (as jsonld.js `NQuads.serialize`).
    pub fn to_nquads(&self) -> String {
        let mut lines: Vec<String> = self
            .quads
            .iter()
            .map(|q| {
                let mut line = String::new();
                write_quad(&mut line, q, &|label, out| out.push_str(label));
                line
            })
            .collect();
        // jsonld.js sorts with JavaScript's UTF-16 string order.
        lines.sort_unstable_by(|a, b| crate::iri::cmp_utf16(a, b));
        lines.concat()
    }
}

/// Writes one N-Quads line, renaming blank nodes through `label`.
/// `label` writes the (possibly renamed) label of a blank node.
pub(crate) fn write_quad(out: &mut String, quad: &Quad, label: &dyn Fn(&str, &mut String)) {
    write_node(out, &quad.subject, label);
    out.push(' ');
    write_node(out, &quad.predicate, label);
    out.push(' ');
    write_node(out, &quad.object, label);
    if let Some(graph) = &quad.graph {
        out.push(' ');
        write_node(out, graph, label);
    }
    out.push_str(" .\n");
}

pub(crate) fn write_node(out: &mut String, term: &Term, label: &dyn Fn(&str, &mut String)) {
    match term {
        Term::Iri(iri) => {
            out.push('<');
            escape_iri(out, iri);
            out.push('>');
        }
        Term::Blank(b) => {
            out.push_str("_:");
            label(b, out);
        }
        Term::Literal {
            value,
            datatype,
            language,
        } => {
            out.push('"');
            escape_literal(out, value);
            out.push('"');
            if datatype == RDF_LANGSTRING {
                if let Some(language) = language.as_deref().filter(|l| !l.is_empty()) {
                    out.push('@');
                    out.push_str(language);
                }
            } else if datatype != XSD_STRING {
                out.push_str("^^<");
                escape_iri(out, datatype);
                out.push('>');
            }
        }
    }
}

/// rdf-canonize: `[\u0000-\u0020<>"{}|^`\\]` become `\uXXXX` inside IRIs.
fn escape_iri(out: &mut String, iri: &str) {
    let needs = |b: u8| {
        b <= 0x20
            || matches!(
                b,
                b'<' | b'>' | b'"' | b'{' | b'}' | b'|' | b'^' | b'`' | b'\\'
            )
    };
    if !iri.bytes().any(needs) {
        out.push_str(iri);
        return;
    }
    for c in iri.chars() {
        if c.is_ascii() && needs(c as u8) {
            let _ = write!(out, "\\u{:04X}", c as u32);
        } else {
            out.push(c);
        }
    }
}

/// rdf-canonize: ECHAR for \b \t \n \f \r \" \\, UCHAR for other controls and DEL.
fn escape_literal(out: &mut String, value: &str) {
    if !value
        .bytes()
        .any(|b| b < 0x20 || b == 0x7f || b == b'"' || b == b'\\')
    {
        out.push_str(value);
        return;
    }
    for c in value.chars() {
        match c {
            '\u{8}' => out.push_str("\\b"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\u{c}' => out.push_str("\\f"),
            '\r' => out.push_str("\\r"),
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
}
