//! RDFC-1.0 (SHA-256) as rdf-canonize 5 implements it, over our own quads so
//! that hashing sees exactly rdf-canonize's N-Quads escaping.

use crate::Error;
use crate::iri::cmp_utf16;
use crate::rdf::{Dataset, Quad, Term, write_quad};
use sha2::{Digest, Sha256};
use std::collections::HashMap;

/// Canonical N-Quads (RDFC-1.0, SHA-256): blank nodes relabelled `_:c14nN`, lines sorted.
///
/// `hndq_call_limit` bounds the Hash N-Degree Quads calls, so poison graphs fail fast
/// with [`Error::CanonLimitExceeded`].
pub fn canonicalize(dataset: &Dataset, hndq_call_limit: usize) -> Result<String, Error> {
    Canonicalizer::new(&dataset.quads, hndq_call_limit, None).run()
}

/// [`canonicalize`] with rdf-canonize's work-factor bound as well: at most
/// (number of blank nodes with a shared first-degree hash)^`work_factor` Hash N-Degree Quads
/// calls. rdf-canonize (and so every jsonld.js-based issuer and verifier) uses work factor 1
/// by default, so with 1 this rejects exactly the graphs the reference stack rejects.
pub fn canonicalize_with_work_factor(
    dataset: &Dataset,
    hndq_call_limit: usize,
    work_factor: u32,
) -> Result<String, Error> {
    Canonicalizer::new(&dataset.quads, hndq_call_limit, Some(work_factor)).run()
}

#[derive(Clone)]
struct Issuer {
    prefix: &'static str,
    issued: HashMap<usize, String>,
    order: Vec<usize>,
}

impl Issuer {
    fn new(prefix: &'static str) -> Self {
        Issuer {
            prefix,
            issued: HashMap::new(),
            order: Vec::new(),
        }
    }

    fn get(&self, node: usize) -> Option<&str> {
        self.issued.get(&node).map(String::as_str)
    }

    fn issue(&mut self, node: usize) -> String {
        if let Some(existing) = self.issued.get(&node) {
            return existing.clone();
        }
        let id = format!("{}{}", self.prefix, self.order.len());
        self.issued.insert(node, id.clone());
        self.order.push(node);
        id
    }
}

struct Canonicalizer<'a> {
    quads: &'a [Quad],
    labels: Vec<&'a str>,
    index: HashMap<&'a str, usize>,
    node_quads: Vec<Vec<usize>>,
    first_degree: Vec<String>,
    canonical: Issuer,
    calls_left: usize,
    limit: usize,
    work_factor: Option<u32>,
}

fn hex(digest: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(digest.len() * 2);
    for b in digest {
        out.push(HEX[(b >> 4) as usize] as char);
        out.push(HEX[(b & 15) as usize] as char);
    }
    out
}

impl<'a> Canonicalizer<'a> {
    fn new(quads: &'a [Quad], limit: usize, work_factor: Option<u32>) -> Self {
        let mut labels = Vec::new();
        let mut index: HashMap<&'a str, usize> = HashMap::new();
        let mut node_quads: Vec<Vec<usize>> = Vec::new();
        for (qi, quad) in quads.iter().enumerate() {
            for term in [Some(&quad.subject), Some(&quad.object), quad.graph.as_ref()]
                .into_iter()
                .flatten()
            {
                if let Some(label) = term.blank_label() {
                    let n = *index.entry(label).or_insert_with(|| {
                        labels.push(label);
                        node_quads.push(Vec::new());
                        labels.len() - 1
                    });
                    if node_quads[n].last() != Some(&qi) {
                        node_quads[n].push(qi);
                    }
                }
            }
        }
        Canonicalizer {
            quads,
            labels,
            index,
            node_quads,
            first_degree: Vec::new(),
            canonical: Issuer::new("c14n"),
            calls_left: limit,
            limit,
            work_factor,
        }
    }

    fn node(&self, term: &Term) -> Option<usize> {
        term.blank_label().and_then(|l| self.index.get(l).copied())
    }

    fn hash_first_degree(&self, node: usize) -> String {
        let me = self.labels[node];
        let rename =
            |label: &str, out: &mut String| out.push_str(if label == me { "a" } else { "z" });
        let mut lines: Vec<String> = self.node_quads[node]
            .iter()
            .map(|&qi| {
                let mut line = String::new();
                write_quad(&mut line, &self.quads[qi], &rename);
                line
            })
            .collect();
        lines.sort_unstable_by(|a, b| cmp_utf16(a, b));
        let mut md = Sha256::new();
        for line in &lines {
            md.update(line.as_bytes());
        }
        hex(&md.finalize())
    }

    fn run(mut self) -> Result<String, Error> {
        self.first_degree = (0..self.labels.len())
            .map(|n| self.hash_first_degree(n))
            .collect();
        let mut by_hash: HashMap<&str, Vec<usize>> = HashMap::new();
        for (n, hash) in self.first_degree.iter().enumerate() {
            by_hash.entry(hash.as_str()).or_default().push(n);
        }
        let mut hashes: Vec<&str> = by_hash.keys().copied().collect();
        hashes.sort_unstable();
        let mut non_unique: Vec<Vec<usize>> = Vec::new();
        for hash in hashes {
            let nodes = &by_hash[hash];
            if nodes.len() > 1 {
                non_unique.push(nodes.clone());
            } else {
                self.canonical.issue(nodes[0]);
            }
        }
        if let Some(factor) = self.work_factor {
            let count = non_unique.iter().map(Vec::len).sum::<usize>();
            let deep_iterations = count.checked_pow(factor).unwrap_or(usize::MAX);
            if deep_iterations < self.limit {
                self.limit = deep_iterations;
                self.calls_left = deep_iterations;
            }
        }
        for nodes in non_unique {
            let mut results: Vec<(String, Issuer)> = Vec::new();
            for node in nodes {
                if self.canonical.get(node).is_some() {
                    continue;
                }
                let mut issuer = Issuer::new("b");
                issuer.issue(node);
                results.push(self.hash_n_degree(node, issuer)?);
            }
            results.sort_by(|a, b| a.0.cmp(&b.0));
            for (_, issuer) in results {
                for node in issuer.order {
                    self.canonical.issue(node);
                }
            }
        }
        let canonical = &self.canonical;
        let index = &self.index;
        let rename = |label: &str, out: &mut String| {
            out.push_str(
                index
                    .get(label)
                    .and_then(|n| canonical.get(*n))
                    .unwrap_or(label),
            );
        };
        let mut lines: Vec<String> = self
            .quads
            .iter()
            .map(|q| {
                let mut line = String::with_capacity(128);
                write_quad(&mut line, q, &rename);
                line
            })
            .collect();
        lines.sort_unstable_by(|a, b| cmp_utf16(a, b));
        Ok(lines.concat())
    }

    fn hash_related(&self, related: usize, quad: &Quad, issuer: &Issuer, position: &str) -> String {
        let mut md = Sha256::new();
        md.update(position.as_bytes());
        if position != "g"
            && let Term::Iri(p) = &quad.predicate
        {
            md.update(b"<");
            md.update(p.as_bytes());
            md.update(b">");
        }
        if let Some(id) = self.canonical.get(related) {
            md.update(b"_:");
            md.update(id.as_bytes());
        } else if let Some(id) = issuer.get(related) {
            md.update(b"_:");
            md.update(id.as_bytes());
        } else {
            md.update(self.first_degree[related].as_bytes());
        }
        hex(&md.finalize())
    }

    fn hash_n_degree(
        &mut self,
        node: usize,
        mut issuer: Issuer,
    ) -> Result<(String, Issuer), Error> {
        if self.calls_left == 0 {
            return Err(Error::CanonLimitExceeded(self.limit));
        }
        self.calls_left -= 1;
        let mut related_by_hash: HashMap<String, Vec<usize>> = HashMap::new();
        for &qi in &self.node_quads[node] {
            let quad = &self.quads[qi];
            for (term, position) in [
                (Some(&quad.subject), "s"),
                (Some(&quad.object), "o"),
                (quad.graph.as_ref(), "g"),
            ] {
                let Some(related) = term.and_then(|t| self.node(t)) else {
                    continue;
                };
                if related == node {
                    continue;
                }
                let hash = self.hash_related(related, quad, &issuer, position);
                related_by_hash.entry(hash).or_default().push(related);
            }
        }
        let mut hashes: Vec<String> = related_by_hash.keys().cloned().collect();
        hashes.sort_unstable();
        let mut md = Sha256::new();
        for hash in hashes {
            md.update(hash.as_bytes());
            let mut list = related_by_hash.remove(&hash).unwrap_or_default();
            // Any start order works: the minimal path wins whatever the enumeration order.
            list.sort_unstable();
            let mut chosen_path = String::new();
            let mut chosen_issuer: Option<Issuer> = None;
            let mut permutation = list;
            loop {
                if let Some((path, issuer_copy)) =
                    self.try_permutation(&permutation, &issuer, &chosen_path)?
                    && (chosen_path.is_empty() || path < chosen_path)
                {
                    chosen_path = path;
                    chosen_issuer = Some(issuer_copy);
                }
                if !next_permutation(&mut permutation) {
                    break;
                }
            }
            md.update(chosen_path.as_bytes());
            if let Some(chosen) = chosen_issuer {
                issuer = chosen;
            }
        }
        Ok((hex(&md.finalize()), issuer))
    }

    /// One permutation of Hash N-Degree Quads step 5.4; `None` when it cannot beat `chosen_path`.
    fn try_permutation(
        &mut self,
        permutation: &[usize],
        issuer: &Issuer,
        chosen_path: &str,
    ) -> Result<Option<(String, Issuer)>, Error> {
        let mut issuer_copy = issuer.clone();
        let mut path = String::new();
        let mut recursion = Vec::new();
        for &related in permutation {
            if let Some(id) = self.canonical.get(related) {
                path.push_str("_:");
                path.push_str(id);
            } else {
                if issuer_copy.get(related).is_none() {
                    recursion.push(related);
                }
                path.push_str("_:");
                path.push_str(&issuer_copy.issue(related));
            }
            if !chosen_path.is_empty() && path.as_str() > chosen_path {
                return Ok(None);
            }
        }
        for related in recursion {
            let (hash, result_issuer) = self.hash_n_degree(related, issuer_copy.clone())?;
            path.push_str("_:");
            let id = issuer_copy.issue(related);
            path.push_str(&id);
            path.push('<');
            path.push_str(&hash);
            path.push('>');
            issuer_copy = result_issuer;
            if !chosen_path.is_empty() && path.as_str() > chosen_path {
                return Ok(None);
            }
        }
        Ok(Some((path, issuer_copy)))
    }
}

/// Lexicographic next permutation; false when the sequence was the last one.
fn next_permutation(items: &mut [usize]) -> bool {
    if items.len() < 2 {
        return false;
    }
    let mut i = items.len() - 1;
    while i > 0 && items[i - 1] >= items[i] {
        i -= 1;
    }
    if i == 0 {
        return false;
    }
    let mut j = items.len() - 1;
    while items[j] <= items[i - 1] {
        j -= 1;
    }
    items.swap(i - 1, j);
    items[i..].reverse();
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn iri(s: &str) -> Term {
        Term::Iri(s.to_string())
    }

    fn blank(s: &str) -> Term {
        Term::Blank(s.to_string())
    }

    /// A symmetric 3-cycle (every blank node needs Hash N-Degree Quads), with or without a
    /// blank graph name, plus a literal exercising every escape.
    fn cycle(graph: Option<Term>) -> Dataset {
        let next = "http://example.org/vocab#next";
        let prev = "http://example.org/vocab#prev";
        let mut quads: Vec<Quad> = [
            ("e0", next, "e1"),
            ("e0", prev, "e2"),
            ("e1", next, "e2"),
            ("e1", prev, "e0"),
            ("e2", next, "e0"),
            ("e2", prev, "e1"),
        ]
        .into_iter()
        .map(|(s, p, o)| Quad {
            subject: blank(s),
            predicate: iri(p),
            object: blank(o),
            graph: graph.clone(),
        })
        .collect();
        quads.push(Quad {
            subject: iri("urn:ex:s"),
            predicate: iri("urn:ex:p"),
            object: Term::Literal {
                value: "\u{8}\t\n\u{b}\u{c}\r\"\\\u{7f}".into(),
                datatype: crate::rdf::XSD_STRING.into(),
                language: None,
            },
            graph,
        });
        Dataset { quads }
    }

    // Expected outputs produced by rdf-canonize 5.0.0 (the reference implementation).
    #[test]
    fn n_degree_hashing_matches_rdf_canonize() {
        for (dataset, expected) in [
            (
                cycle(Some(blank("g"))),
                "<urn:ex:s> <urn:ex:p> \"\\b\\t\\n\\u000B\\f\\r\\\"\\\\\\u007F\" _:c14n0 .\n\
                 _:c14n1 <http://example.org/vocab#next> _:c14n2 _:c14n0 .\n\
                 _:c14n1 <http://example.org/vocab#prev> _:c14n3 _:c14n0 .\n\
                 _:c14n2 <http://example.org/vocab#next> _:c14n3 _:c14n0 .\n\
                 _:c14n2 <http://example.org/vocab#prev> _:c14n1 _:c14n0 .\n\
                 _:c14n3 <http://example.org/vocab#next> _:c14n1 _:c14n0 .\n\
                 _:c14n3 <http://example.org/vocab#prev> _:c14n2 _:c14n0 .\n",
            ),
            (
                cycle(None),
                "<urn:ex:s> <urn:ex:p> \"\\b\\t\\n\\u000B\\f\\r\\\"\\\\\\u007F\" .\n\
                 _:c14n0 <http://example.org/vocab#next> _:c14n2 .\n\
                 _:c14n0 <http://example.org/vocab#prev> _:c14n1 .\n\
                 _:c14n1 <http://example.org/vocab#next> _:c14n0 .\n\
                 _:c14n1 <http://example.org/vocab#prev> _:c14n2 .\n\
                 _:c14n2 <http://example.org/vocab#next> _:c14n1 .\n\
                 _:c14n2 <http://example.org/vocab#prev> _:c14n0 .\n",
            ),
        ] {
            assert_eq!(canonicalize(&dataset, 100).as_deref(), Ok(expected));
        }
        assert_eq!(
            canonicalize(&cycle(None), 2),
            Err(Error::CanonLimitExceeded(2))
        );
    }

    #[test]
    fn iris_are_escaped_as_rdf_canonize_does() {
        let dataset = Dataset {
            quads: vec![Quad {
                subject: iri("urn:a<b>"),
                predicate: iri("urn:p"),
                object: iri("urn:x{y}|^`\\"),
                graph: None,
            }],
        };
        assert_eq!(
            canonicalize(&dataset, 1).as_deref(),
            Ok(
                "<urn:a\\u003Cb\\u003E> <urn:p> <urn:x\\u007By\\u007D\\u007C\\u005E\\u0060\\u005C> .\n"
            )
        );
    }
}
