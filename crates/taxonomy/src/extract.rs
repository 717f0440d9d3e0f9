//! Text -> concepts: free-text lookup (`skills lookup TEXT`) and skill extraction from
//! sentences, achievement texts and job ads, every hit with a quoted span and a confidence.

use std::collections::HashMap;

use serde::Serialize;

use crate::concept::{ConceptIndex, ConceptKind};
use crate::lexical::{self, LabelIndex, LabelKind, LexicalHit, SearchOptions};
use crate::semantic::{Semantic, SemanticEvidence};
use crate::{Taxonomy, text};

/// A quoted piece of the input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Span {
    /// Byte offset of the start in the input.
    pub start: usize,
    /// Byte offset of the end.
    pub end: usize,
    /// The quoted text.
    pub text: String,
}

impl Span {
    pub(crate) fn of(input: &str, (start, end): (usize, usize)) -> Self {
        Span {
            start,
            end,
            text: input.get(start..end).unwrap_or_default().to_owned(),
        }
    }
}

/// A skill found in a text.
#[derive(Debug, Clone, Serialize)]
pub struct SkillMatch {
    /// Index of the concept.
    #[serde(skip)]
    pub concept: ConceptIndex,
    /// Prefixed id.
    pub id: String,
    /// Preferred label.
    pub label: String,
    /// Confidence in [0, 1] that the text names this skill.
    pub confidence: f32,
    /// Ranking score (comparable within one text only).
    pub score: f32,
    /// Where in the text.
    pub span: Span,
    /// The label that matched.
    pub matched_label: String,
    /// Which kind of label that was.
    pub label_kind: LabelKind,
    /// What the sentence encoder added (hybrid mode only). A match found by similarity alone
    /// has `lexical_confidence` 0 and quotes its whole sentence.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub semantic: Option<SemanticEvidence>,
}

/// Options for [`Taxonomy::extract`].
#[derive(Debug, Clone, Copy)]
pub struct ExtractOptions {
    /// At most this many skills.
    pub limit: usize,
    /// Drop skills below this confidence.
    pub min_confidence: f32,
    /// Correct misspelt words (costs a vocabulary scan per unknown word).
    pub typo_tolerance: bool,
}

impl ExtractOptions {
    /// Default threshold for mapping achievement and job texts: tuned on the development sets
    /// for precision (see `tests/fixtures/taxonomy/README.md`).
    pub const DEFAULT_MIN_CONFIDENCE: f32 = 0.7;
}

impl Default for ExtractOptions {
    fn default() -> Self {
        Self {
            limit: 20,
            min_confidence: Self::DEFAULT_MIN_CONFIDENCE,
            typo_tolerance: false,
        }
    }
}

/// Which concepts a lookup searches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SearchScope {
    /// ESCO skills and knowledge, and local skills.
    Skills,
    /// Occupations of every scheme.
    Occupations,
    /// Everything: skills, occupations, descriptors, technologies, groups.
    All,
}

/// A concept found by a lookup.
#[derive(Debug, Clone, Serialize)]
pub struct ScoredConcept {
    /// Index of the concept.
    #[serde(skip)]
    pub concept: ConceptIndex,
    /// Prefixed id.
    pub id: String,
    /// Preferred label.
    pub label: String,
    /// Kind.
    pub kind: ConceptKind,
    /// Ranking score.
    pub score: f32,
    /// Confidence in [0, 1].
    pub confidence: f32,
    /// The label that matched.
    pub matched_label: String,
}

/// Confidence that a lexical hit names its concept. All label words next to each other is
/// strong evidence; a foreign word between them already makes a different phrase more likely; partial coverage decays quadratically; one-word labels need a specific word.
pub(crate) fn confidence(hit: &LexicalHit) -> f32 {
    let base = if hit.coverage >= 0.999 {
        match hit.gap {
            0 => 0.9,
            1 => 0.68,
            _ => 0.6,
        }
    } else {
        0.6 * hit.coverage * hit.coverage
    };
    let kind = match hit.label_kind {
        LabelKind::Preferred => 1.0,
        LabelKind::Alternative => 0.96,
        LabelKind::Hidden => 0.9,
    };
    let typo = if hit.corrected { 0.9 } else { 1.0 };
    // One-word labels are the most ambiguous ("plan", "signs", "term"): only rare words count
    // fully, and a one-word alternative label needs a rarer word than a preferred one.
    let specific = match (hit.label_len, hit.label_kind) {
        (1, LabelKind::Preferred) => ((hit.label_idf - 3.0) / 4.0).clamp(0.4, 1.0),
        (1, _) => ((hit.label_idf - 5.0) / 3.5).clamp(0.3, 1.0),
        _ => 1.0,
    };
    (base * kind * typo * specific).clamp(0.0, 1.0)
}

impl Taxonomy {
    fn index(&self, scope: SearchScope) -> Vec<&LabelIndex> {
        match scope {
            SearchScope::Skills => vec![&self.data.skill_index],
            SearchScope::Occupations => vec![&self.data.occupation_index],
            SearchScope::All => vec![
                &self.data.skill_index,
                &self.data.occupation_index,
                &self.data.other_index,
            ],
        }
    }

    /// The label of a concept that a hit matched.
    pub(crate) fn matched_label(&self, hit: &LexicalHit) -> String {
        let Some(concept) = self.concept(hit.concept) else {
            return String::new();
        };
        match hit.label_kind {
            LabelKind::Preferred | LabelKind::Hidden => concept.label.clone(),
            LabelKind::Alternative => concept
                .alt_labels
                .get((hit.label_ordinal as usize).saturating_sub(1))
                .cloned()
                .unwrap_or_else(|| concept.label.clone()),
        }
    }

    /// Looks up concepts by free text (typo-tolerant), best first. Exact label matches come
    /// first; a label that holds every word of a short query ("Python programming" in "Python
    /// (computer programming)") counts as a good match even if it has more words.
    pub fn search_text(&self, query: &str, scope: SearchScope, limit: usize) -> Vec<ScoredConcept> {
        let tokens = text::tokenize(query);
        let content = tokens.iter().filter(|t| !t.stop).count();
        let options = SearchOptions {
            typo_tolerance: true,
            limit: limit.max(1) * 4,
        };
        let mut hits: Vec<LexicalHit> = self
            .index(scope)
            .into_iter()
            .flat_map(|index| index.search_tokens(&tokens, options))
            .collect();
        let exact: Vec<ConceptIndex> = self.exact_label(query).to_vec();
        let mut scored: Vec<(LexicalHit, f32)> = hits
            .drain(..)
            .map(|hit| {
                let mut conf = if exact.contains(&hit.concept) {
                    1.0
                } else {
                    confidence(&hit)
                };
                if content > 0 && hit.query_matched >= content && hit.gap == 0 {
                    let typo = if hit.corrected { 0.9 } else { 1.0 };
                    conf = conf.max(0.8 * hit.coverage.sqrt() * typo);
                }
                (hit, conf)
            })
            .collect();
        for (hit, conf) in &mut scored {
            if exact.contains(&hit.concept) {
                hit.score += 1000.0;
            }
            // Rank by score, but let a clearly better-evidenced concept move up.
            hit.score += 10.0 * *conf;
        }
        scored.sort_by(|a, b| {
            b.0.score
                .total_cmp(&a.0.score)
                .then(a.0.concept.cmp(&b.0.concept))
        });
        let mut seen = Vec::new();
        scored
            .into_iter()
            .filter(|(h, _)| {
                let fresh = !seen.contains(&h.concept);
                seen.push(h.concept);
                fresh
            })
            .take(limit)
            .filter_map(|(hit, conf)| {
                let concept = self.concept(hit.concept)?;
                Some(ScoredConcept {
                    concept: hit.concept,
                    id: concept.id.clone(),
                    label: concept.label.clone(),
                    kind: concept.kind,
                    score: hit.score,
                    confidence: conf,
                    matched_label: self.matched_label(&hit),
                })
            })
            .collect()
    }

    /// Extracts skills from a text, best first: each sentence or list item is matched against
    /// every skill label; a skill keeps its best-scoring mention.
    /// In hybrid mode (see [`Taxonomy::attach_semantic`]) label matches are re-scored with the
    /// sentence encoder and skills the sentences mean without naming them are added.
    pub fn extract(&self, input: &str, options: &ExtractOptions) -> Vec<SkillMatch> {
        self.extract_with(
            &self.data.skill_index,
            input,
            options,
            self.semantic.as_ref(),
        )
    }

    /// [`Taxonomy::extract`] by label matching only, whatever the mode.
    pub fn extract_lexical(&self, input: &str, options: &ExtractOptions) -> Vec<SkillMatch> {
        self.extract_with(&self.data.skill_index, input, options, None)
    }

    /// Finds occupation titles in a text (job ads name the job), best first.
    pub fn extract_occupations(&self, input: &str, options: &ExtractOptions) -> Vec<SkillMatch> {
        self.extract_with(&self.data.occupation_index, input, options, None)
    }

    fn extract_with(
        &self,
        index: &LabelIndex,
        input: &str,
        options: &ExtractOptions,
        semantic: Option<&Semantic>,
    ) -> Vec<SkillMatch> {
        let search = SearchOptions {
            typo_tolerance: options.typo_tolerance,
            limit: 96,
        };
        let thresholded = options.min_confidence > 0.0;
        let segments = lexical::segments(input);
        // Sentence vectors; an encoder failure (a bug, not bad input) degrades to lexical.
        let vectors = semantic.and_then(|sem| {
            let texts: Vec<&str> = segments
                .iter()
                .take(hybrid::MAX_SENTENCES)
                .map(|&(s, e)| input[s..e].trim())
                .collect();
            sem.text_vectors(&texts).ok().map(|v| (sem, v))
        });
        let mut all: Vec<SkillMatch> = Vec::new();
        for (position, &segment) in segments.iter().enumerate() {
            let tokens = lexical::tokens_in(input, segment);
            let sentence = vectors.as_ref().and_then(|(sem, v)| {
                Some((
                    *sem,
                    v.sentences.get(position)?.as_slice(),
                    v.text.as_slice(),
                ))
            });
            let mut named: Vec<ConceptIndex> = Vec::new();
            for hit in index.search_tokens(&tokens, search) {
                let lexical_confidence = confidence(&hit);
                let (conf, score, evidence) = match sentence {
                    Some((sem, sentence, text)) => {
                        let (s, t) = sem.vector(hit.concept).map_or((0.0, 0.0), |v| {
                            (
                                crate::embed::cosine(v, sentence),
                                crate::embed::cosine(v, text),
                            )
                        });
                        (
                            hybrid::confidence(lexical_confidence, s, t),
                            hybrid::score(hit.score, s, t),
                            Some(SemanticEvidence {
                                sentence: s,
                                text: t,
                                lexical_confidence,
                                lexical_score: hit.score,
                            }),
                        )
                    }
                    None => (lexical_confidence, hit.score, None),
                };
                if conf < options.min_confidence {
                    continue;
                }
                let Some(concept) = self.concept(hit.concept) else {
                    continue;
                };
                named.push(hit.concept);
                all.push(SkillMatch {
                    concept: hit.concept,
                    id: concept.id.clone(),
                    label: concept.label.clone(),
                    confidence: conf,
                    score,
                    span: Span::of(input, hit.span),
                    matched_label: self.matched_label(&hit),
                    label_kind: hit.label_kind,
                    semantic: evidence,
                });
            }
            // Skills the sentence means without naming them.
            let Some((sem, sentence, text)) = sentence else {
                continue;
            };
            let span = trimmed(input, segment);
            for (found, s) in sem.nearest(sentence, hybrid::SEMANTIC_CANDIDATES) {
                if named.contains(&found) {
                    continue;
                }
                let t = sem
                    .vector(found)
                    .map_or(0.0, |v| crate::embed::cosine(v, text));
                let conf = hybrid::confidence(0.0, s, t);
                if conf < options.min_confidence {
                    continue;
                }
                let Some(concept) = self.concept(found) else {
                    continue;
                };
                all.push(SkillMatch {
                    concept: found,
                    id: concept.id.clone(),
                    label: concept.label.clone(),
                    confidence: conf,
                    score: hybrid::score(0.0, s, t),
                    span: Span::of(input, span),
                    matched_label: concept.label.clone(),
                    label_kind: LabelKind::Preferred,
                    semantic: Some(SemanticEvidence {
                        sentence: s,
                        text: t,
                        lexical_confidence: 0.0,
                        lexical_score: 0.0,
                    }),
                });
            }
        }
        if thresholded {
            all = one_concept_per_span(all);
        }
        // One entry per concept: its best mention (most confident when thresholded, else the
        // best ranked).
        let mut best: HashMap<ConceptIndex, SkillMatch> = HashMap::new();
        for m in all {
            let better = match best.get(&m.concept) {
                None => true,
                Some(existing) if thresholded => {
                    (m.confidence, m.score) > (existing.confidence, existing.score)
                }
                Some(existing) => m.score > existing.score,
            };
            if better {
                best.insert(m.concept, m);
            }
        }
        let mut matches: Vec<SkillMatch> = best.into_values().collect();
        matches.sort_by(|a, b| b.score.total_cmp(&a.score).then_with(|| a.id.cmp(&b.id)));
        matches.truncate(options.limit);
        matches
    }
}

/// A segment without its surrounding white space.
fn trimmed(input: &str, (start, end): (usize, usize)) -> (usize, usize) {
    let piece = &input[start..end];
    let lead = piece.len() - piece.trim_start().len();
    let trail = piece.len() - piece.trim_end().len();
    (start + lead, end - trail)
}

/// The fusion of label evidence with sentence similarity, fitted on the development sets
/// (`achievement_texts.jsonl` for the confidence, `jobad_sentences_dev.jsonl` for the ranking;
/// see `crates/taxonomy/NOTES.md`).
pub(crate) mod hybrid {
    /// Sentences embedded per text; later ones are matched lexically only.
    pub(crate) const MAX_SENTENCES: usize = 64;
    /// Nearest skills considered per sentence beyond those its words name.
    pub(crate) const SEMANTIC_CANDIDATES: usize = 10;

    /// Calibrated confidence: a logistic of the lexical confidence and the skill's cosine to
    /// its sentence and to the whole text.
    pub(crate) fn confidence(lexical: f32, sentence: f32, text: f32) -> f32 {
        let z = B0 + B_LEX * lexical + B_SENT * sentence + B_TEXT * text;
        1.0 / (1.0 + (-z).exp())
    }

    /// Ranking score: the lexical score (BM25 scale) plus weighted similarity.
    pub(crate) fn score(lexical: f32, sentence: f32, text: f32) -> f32 {
        lexical + W_SENT * sentence + W_TEXT * text
    }

    // Logistic regression of "the blind label lists this skill" on the development
    // achievement texts (1,270 candidates), intercept then raised by logit(0.7) so that the
    // default threshold 0.7 sits where the fitted probability is 0.5 (dev precision 0.875).
    const B0: f32 = -8.808 + 0.847;
    const B_LEX: f32 = 7.535;
    const B_SENT: f32 = 3.466;
    const B_TEXT: f32 = 3.478;
    // RP@5 on the job-ad development sentences is flat for W_SENT 5–20 (lexical scores are
    // ~5–15); 10/5 is in the middle of that plateau.
    const W_SENT: f32 = 10.0;
    const W_TEXT: f32 = 5.0;
}

/// When thresholded matches quote the same words, keep the best-supported concept: a phrase
/// names one skill ("sensors" is the skill "sensors", not every concept listing it as a
/// synonym), and a phrase inside a longer matched phrase belongs to the longer one.
fn one_concept_per_span(mut matches: Vec<SkillMatch>) -> Vec<SkillMatch> {
    matches.sort_by(|a, b| {
        b.confidence
            .total_cmp(&a.confidence)
            .then(b.score.total_cmp(&a.score))
            .then_with(|| a.id.cmp(&b.id))
    });
    let mut kept: Vec<(SkillMatch, Vec<String>)> = Vec::new();
    for candidate in matches {
        let keys = text::content_keys(&candidate.matched_label);
        let shadowed = kept.iter().any(|(k, outer)| {
            let same = k.span.start == candidate.span.start && k.span.end == candidate.span.end;
            let inside = k.span.start <= candidate.span.start
                && candidate.span.end <= k.span.end
                && (k.span.end - k.span.start) > (candidate.span.end - candidate.span.start);
            // Inside a longer phrase whose label says everything this label says.
            let subsumed = || keys.iter().all(|key| outer.contains(key));
            same || (inside && k.confidence >= candidate.confidence && subsumed())
        });
        if !shadowed {
            kept.push((candidate, keys));
        }
    }
    kept.into_iter().map(|(m, _)| m).collect()
}
