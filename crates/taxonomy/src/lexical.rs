//! Lexical label index: every preferred, alternative and hidden label of the indexed concepts
//! as a short document of stemmed terms. Scoring is BM25 per label with the concept taking its
//! best label, plus label coverage and word-order bonuses; spans are the smallest window of the
//! input that holds the matched label words, so every hit can quote its evidence.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::concept::ConceptIndex;
use crate::text::{self, Token};

/// Which label of a concept matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LabelKind {
    /// The preferred label.
    Preferred,
    /// An alternative label.
    Alternative,
    /// A hidden label (misspelling).
    Hidden,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct IndexedLabel {
    pub(crate) concept: ConceptIndex,
    pub(crate) kind: LabelKind,
    /// Index of the label among the concept's alt labels (0 for the preferred one).
    pub(crate) ordinal: u32,
    /// Distinct content terms, in label order.
    pub(crate) terms: Vec<u32>,
}

/// The compact, serialisable index.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(crate) struct LabelIndex {
    keys: HashMap<String, u32>,
    /// Surface words by character length, for typo correction: (surface, term).
    surfaces_by_len: Vec<Vec<(String, u32)>>,
    idf: Vec<f32>,
    postings: Vec<Vec<u32>>,
    pub(crate) labels: Vec<IndexedLabel>,
    label_idf_sum: Vec<f32>,
    avg_len: f32,
}

/// Options for one search.
#[derive(Debug, Clone, Copy)]
pub struct SearchOptions {
    /// Correct words that are not in the vocabulary to known words one or two edits away.
    pub typo_tolerance: bool,
    /// How many concepts to return at most.
    pub limit: usize,
}

/// One concept found in a text.
#[derive(Debug, Clone, PartialEq)]
pub struct LexicalHit {
    /// The concept.
    pub concept: ConceptIndex,
    /// Ranking score (unbounded).
    pub score: f32,
    /// Share of the best label's term weight found in the text, in [0, 1].
    pub coverage: f32,
    /// True when the matched words are contiguous or nearly so, in the label's order or not.
    pub compact: bool,
    /// Content words inside the quoted window that are not label words (0 = contiguous).
    pub gap: usize,
    /// Which label matched best.
    pub label_kind: LabelKind,
    /// Its ordinal among the concept's alternative labels (0 for the preferred label).
    pub label_ordinal: u32,
    /// Number of content words of that label.
    pub label_len: usize,
    /// Byte range of the evidence in the searched text.
    pub span: (usize, usize),
    /// True when some word was matched only through typo correction.
    pub corrected: bool,
    /// Summed inverse document frequency of the label's words (its specificity).
    pub label_idf: f32,
    /// How many distinct positions of the searched text the label matched.
    pub query_matched: usize,
}

#[derive(Debug, Clone, Copy)]
struct QueryTerm {
    position: usize,
    term: u32,
    weight: f32,
}

/// A query term found in a label: (term, position in the query, weight).
type TermHit = (u32, usize, f32);

const K1: f32 = 1.2;
const B: f32 = 0.75;

impl LabelIndex {
    /// Builds the index from `(concept, kind, ordinal, label text)` rows.
    pub(crate) fn build<'a>(
        rows: impl Iterator<Item = (ConceptIndex, LabelKind, u32, &'a str)>,
    ) -> Self {
        let mut index = LabelIndex::default();
        let mut surfaces: HashMap<String, u32> = HashMap::new();
        let mut concepts_per_term: Vec<Vec<ConceptIndex>> = Vec::new();
        let mut seen: HashMap<(ConceptIndex, Vec<u32>), ()> = HashMap::new();
        for (concept, kind, ordinal, label) in rows {
            let mut terms = Vec::new();
            for token in text::tokenize(label) {
                if token.stop {
                    continue;
                }
                let next_id = u32::try_from(index.keys.len()).unwrap_or(u32::MAX);
                let term = *index.keys.entry(token.key.clone()).or_insert(next_id);
                if term as usize == concepts_per_term.len() {
                    concepts_per_term.push(Vec::new());
                }
                surfaces.entry(token.surface.clone()).or_insert(term);
                if !terms.contains(&term) {
                    terms.push(term);
                }
            }
            if terms.is_empty() || seen.insert((concept, terms.clone()), ()).is_some() {
                continue;
            }
            for &term in &terms {
                let list = &mut concepts_per_term[term as usize];
                if list.last() != Some(&concept) {
                    list.push(concept);
                }
            }
            index.labels.push(IndexedLabel {
                concept,
                kind,
                ordinal,
                terms,
            });
        }
        let num_concepts = {
            let mut all: Vec<ConceptIndex> = index.labels.iter().map(|l| l.concept).collect();
            all.sort_unstable();
            all.dedup();
            all.len() as f32
        };
        index.idf = concepts_per_term
            .iter()
            .map(|list| {
                let mut list = list.clone();
                list.sort_unstable();
                list.dedup();
                let df = list.len() as f32;
                (1.0 + (num_concepts - df + 0.5) / (df + 0.5)).ln()
            })
            .collect();
        index.postings = vec![Vec::new(); index.keys.len()];
        let mut total_len = 0usize;
        for (label_id, label) in index.labels.iter().enumerate() {
            total_len += label.terms.len();
            for &term in &label.terms {
                index.postings[term as usize].push(label_id as u32);
            }
        }
        index.label_idf_sum = index
            .labels
            .iter()
            .map(|label| label.terms.iter().map(|&t| index.idf[t as usize]).sum())
            .collect();
        index.avg_len = total_len as f32 / index.labels.len().max(1) as f32;
        let mut by_len: Vec<Vec<(String, u32)>> = Vec::new();
        for (surface, term) in surfaces {
            let len = surface.chars().count();
            if by_len.len() <= len {
                by_len.resize(len + 1, Vec::new());
            }
            by_len[len].push((surface, term));
        }
        for bucket in &mut by_len {
            bucket.sort();
        }
        index.surfaces_by_len = by_len;
        index
    }

    fn correct(&self, surface: &str) -> Vec<(u32, f32)> {
        let len = surface.chars().count();
        if len < 5 || surface.chars().any(|c| c.is_ascii_digit()) {
            return Vec::new();
        }
        let limit = if len >= 9 { 2 } else { 1 };
        let mut best = limit + 1;
        let mut found: Vec<u32> = Vec::new();
        for bucket_len in len.saturating_sub(limit)..=len + limit {
            let Some(bucket) = self.surfaces_by_len.get(bucket_len) else {
                continue;
            };
            for (candidate, term) in bucket {
                let distance = text::edit_distance_within(surface, candidate, best.min(limit));
                if distance < best {
                    best = distance;
                    found.clear();
                }
                if distance == best && distance <= limit && !found.contains(term) {
                    found.push(*term);
                }
            }
        }
        let weight = if best == 1 { 0.85 } else { 0.7 };
        found.into_iter().map(|t| (t, weight)).collect()
    }

    fn query_terms(&self, tokens: &[Token], typo_tolerance: bool) -> Vec<QueryTerm> {
        let mut terms = Vec::new();
        for (position, token) in tokens.iter().enumerate() {
            if token.stop {
                continue;
            }
            if let Some(&term) = self.keys.get(&token.key) {
                terms.push(QueryTerm {
                    position,
                    term,
                    weight: 1.0,
                });
            } else if typo_tolerance {
                for (term, weight) in self.correct(&token.surface) {
                    terms.push(QueryTerm {
                        position,
                        term,
                        weight,
                    });
                }
            }
            if typo_tolerance {
                // A closed compound also reads as its parts ("teamwork" ~ "work in teams").
                for (term, weight) in self.split_compound(&token.surface) {
                    terms.push(QueryTerm {
                        position,
                        term,
                        weight,
                    });
                }
            }
        }
        terms
    }

    fn split_compound(&self, surface: &str) -> Vec<(u32, f32)> {
        if surface.len() < 7
            || !surface.is_ascii()
            || !surface.chars().all(|c| c.is_ascii_alphabetic())
        {
            return Vec::new();
        }
        for at in 3..=surface.len() - 3 {
            let (left, right) = surface.split_at(at);
            let (Some(&a), Some(&b)) = (
                self.keys.get(&text::key_of(left)),
                self.keys.get(&text::key_of(right)),
            ) else {
                continue;
            };
            return vec![(a, 0.85), (b, 0.85)];
        }
        Vec::new()
    }

    /// Ranks concepts for one segment of text (a sentence, a label, a query).
    pub(crate) fn search_tokens(
        &self,
        tokens: &[Token],
        options: SearchOptions,
    ) -> Vec<LexicalHit> {
        let query = self.query_terms(tokens, options.typo_tolerance);
        if query.is_empty() {
            return Vec::new();
        }
        // label -> matched (term, position, weight)
        let mut matched: HashMap<u32, Vec<TermHit>> = HashMap::new();
        for q in &query {
            for &label in &self.postings[q.term as usize] {
                matched
                    .entry(label)
                    .or_default()
                    .push((q.term, q.position, q.weight));
            }
        }
        // Full scoring (windows, spans) is the costly part; give it only to the labels that can
        // rank, by a cheap bound: matched weight times the share of the label it covers.
        const SCORED: usize = 400;
        let mut matched: Vec<(u32, Vec<TermHit>)> = matched.into_iter().collect();
        if matched.len() > SCORED {
            let bound = |(label, hits): &(u32, Vec<TermHit>)| {
                let total = self.label_idf_sum[*label as usize].max(f32::EPSILON);
                let mut terms: Vec<u32> = hits.iter().map(|h| h.0).collect();
                terms.sort_unstable();
                terms.dedup();
                let got: f32 = terms
                    .iter()
                    .map(|&t| self.idf[t as usize])
                    .sum::<f32>()
                    .min(total);
                got * (got / total)
            };
            matched.select_nth_unstable_by(SCORED, |a, b| bound(b).total_cmp(&bound(a)));
            matched.truncate(SCORED);
        }
        // Best label per concept and quoted span: one concept can be named at several places,
        // and the caller decides which concept a span belongs to.
        let mut best: HashMap<(ConceptIndex, (usize, usize)), LexicalHit> = HashMap::new();
        for (label_id, hits) in matched {
            let label = &self.labels[label_id as usize];
            let Some(hit) = self.score_label(label, label_id, &hits, tokens) else {
                continue;
            };
            match best.get(&(label.concept, hit.span)) {
                Some(existing) if existing.score >= hit.score => {}
                _ => {
                    best.insert((label.concept, hit.span), hit);
                }
            }
        }
        let mut hits: Vec<LexicalHit> = best.into_values().collect();
        hits.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.concept.cmp(&b.concept)));
        hits.truncate(options.limit);
        hits
    }

    fn score_label(
        &self,
        label: &IndexedLabel,
        label_id: u32,
        hits: &[(u32, usize, f32)],
        tokens: &[Token],
    ) -> Option<LexicalHit> {
        // Best weight per distinct label term, and every position where it occurs.
        let mut term_weight: Vec<f32> = vec![0.0; label.terms.len()];
        let mut occurrences: Vec<(usize, usize)> = Vec::new(); // (position, label slot)
        for &(term, position, weight) in hits {
            if let Some(slot) = label.terms.iter().position(|&t| t == term) {
                term_weight[slot] = term_weight[slot].max(weight);
                occurrences.push((position, slot));
            }
        }
        let len = label.terms.len() as f32;
        let norm = 1.0 - B + B * len / self.avg_len;
        let mut bm25 = 0.0;
        let mut matched_idf = 0.0;
        let mut corrected = false;
        for (slot, &weight) in term_weight.iter().enumerate() {
            if weight > 0.0 {
                let idf = self.idf[label.terms[slot] as usize];
                bm25 += weight * idf * (K1 + 1.0) / (1.0 + K1 * norm);
                // Coverage counts a corrected word fully; its lower weight shows in the score
                // and in `corrected`.
                matched_idf += idf;
                corrected |= weight < 1.0;
            }
        }
        let total_idf = self.label_idf_sum[label_id as usize];
        if total_idf <= 0.0 || matched_idf <= 0.0 {
            return None;
        }
        let coverage = (matched_idf / total_idf).min(1.0);
        let distinct = term_weight.iter().filter(|w| **w > 0.0).count();
        let (lo, hi, in_order) = smallest_window(&mut occurrences, distinct);
        let width = tokens[lo..=hi].iter().filter(|t| !t.stop).count();
        let gap = width.saturating_sub(distinct);
        let compact = gap <= 1;
        let mut score = bm25 * (0.4 + 0.6 * coverage);
        if distinct >= 2 && compact {
            score += 0.75 * distinct as f32 * if in_order { 1.0 } else { 0.6 };
        }
        if label.kind == LabelKind::Preferred {
            score *= 1.1;
        }
        Some(LexicalHit {
            concept: label.concept,
            score,
            coverage,
            compact,
            gap,
            label_kind: label.kind,
            label_ordinal: label.ordinal,
            label_len: label.terms.len(),
            span: (tokens[lo].start, tokens[hi].end),
            corrected,
            label_idf: total_idf,
            query_matched: {
                let mut positions: Vec<usize> = occurrences.iter().map(|(p, _)| *p).collect();
                positions.dedup();
                positions.len()
            },
        })
    }
}

/// Smallest window of token positions holding every distinct matched slot; returns
/// (first position, last position, slots appear in label order).
fn smallest_window(occurrences: &mut [(usize, usize)], distinct: usize) -> (usize, usize, bool) {
    occurrences.sort_unstable();
    let slots = occurrences.iter().map(|(_, slot)| *slot).max().unwrap_or(0) + 1;
    let mut counts: Vec<usize> = vec![0; slots];
    let mut best = (occurrences[0].0, occurrences[occurrences.len() - 1].0);
    let mut have = 0;
    let mut left = 0;
    for right in 0..occurrences.len() {
        let slot = occurrences[right].1;
        counts[slot] += 1;
        if counts[slot] == 1 {
            have += 1;
        }
        while have == distinct {
            let (lo, hi) = (occurrences[left].0, occurrences[right].0);
            if hi - lo < best.1 - best.0 {
                best = (lo, hi);
            }
            let left_slot = occurrences[left].1;
            counts[left_slot] -= 1;
            if counts[left_slot] == 0 {
                have -= 1;
            }
            left += 1;
        }
    }
    let slots_in_window: Vec<usize> = occurrences
        .iter()
        .filter(|(p, _)| *p >= best.0 && *p <= best.1)
        .map(|(_, s)| *s)
        .collect();
    let in_order = slots_in_window.windows(2).all(|w| w[0] <= w[1]);
    (best.0, best.1, in_order)
}

/// Byte ranges of the sentences or list items of a text: split at sentence ends, semicolons,
/// line breaks and bullets, so a label's words are only matched within one requirement.
pub fn segments(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    let bytes: Vec<(usize, char)> = text.char_indices().collect();
    for (i, &(offset, c)) in bytes.iter().enumerate() {
        let next = bytes.get(i + 1).map(|&(_, n)| n);
        let boundary = match c {
            '\n' | ';' | '•' | '·' | '|' => true,
            '.' | '!' | '?' => next.is_none_or(char::is_whitespace),
            _ => false,
        };
        if boundary {
            if offset > start {
                out.push((start, offset));
            }
            start = offset + c.len_utf8();
        }
    }
    if start < text.len() {
        out.push((start, text.len()));
    }
    out.retain(|&(s, e)| text[s..e].chars().any(char::is_alphanumeric));
    out
}

/// Tokens of `text[range]`, with offsets relative to the whole text.
pub(crate) fn tokens_in(text: &str, range: (usize, usize)) -> Vec<Token> {
    let mut tokens = text::tokenize(&text[range.0..range.1]);
    for token in &mut tokens {
        token.start += range.0;
        token.end += range.0;
    }
    tokens
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index() -> LabelIndex {
        let rows = [
            (0, LabelKind::Preferred, 0, "manage a team"),
            (0, LabelKind::Alternative, 1, "team management"),
            (1, LabelKind::Preferred, 0, "Python (computer programming)"),
            (1, LabelKind::Alternative, 1, "Python"),
            (2, LabelKind::Preferred, 0, "work in teams"),
            (3, LabelKind::Preferred, 0, "manage budgets"),
        ];
        LabelIndex::build(rows.into_iter())
    }

    #[test]
    fn best_label_wins_and_span_quotes_the_text() {
        let index = index();
        let text = "Experience with team management and Python scripting";
        let hits = index.search_tokens(
            &text::tokenize(text),
            SearchOptions {
                typo_tolerance: false,
                limit: 10,
            },
        );
        let ids: Vec<u32> = hits.iter().map(|h| h.concept).collect();
        assert_eq!(ids[0], 0, "{hits:?}");
        assert!(ids.contains(&1));
        let python = hits.iter().find(|h| h.concept == 1).expect("python found");
        assert_eq!(&text[python.span.0..python.span.1], "Python");
        assert!((python.coverage - 1.0).abs() < 1e-6);
        let team = &hits[0];
        assert_eq!(&text[team.span.0..team.span.1], "team management");
    }

    #[test]
    fn typos_are_corrected_only_when_asked() {
        let index = index();
        let tokens = text::tokenize("Pyhton");
        assert!(
            index
                .search_tokens(
                    &tokens,
                    SearchOptions {
                        typo_tolerance: false,
                        limit: 5
                    }
                )
                .is_empty()
        );
        let hits = index.search_tokens(
            &tokens,
            SearchOptions {
                typo_tolerance: true,
                limit: 5,
            },
        );
        assert_eq!(hits.first().map(|h| h.concept), Some(1));
        assert!(hits[0].corrected);
    }

    #[test]
    fn segments_split_requirements() {
        let text = "Must know Python. Team player; 3 years\n• budgets";
        let parts: Vec<&str> = segments(text)
            .into_iter()
            .map(|(s, e)| &text[s..e])
            .collect();
        assert_eq!(
            parts,
            ["Must know Python", " Team player", " 3 years", " budgets"]
        );
    }
}
