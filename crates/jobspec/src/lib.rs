//! Job requirements -> [`JobSpec`]. A requirement comes as JSON (skills in any identifier
//! scheme or plain words, an occupation, a location, recency and issuer filters) or as the text
//! of a job ad. [`parse_request`] validates it without the taxonomy (small, fuzzable; errors
//! name the field); [`JobSpec::normalise`] resolves everything against the taxonomy. Every skill
//! in the result carries its method, confidence and the quoted input it came from, so a person
//! can review and edit it.

#![warn(missing_docs)]

mod request;

use serde::Serialize;
use taxonomy::{
    ConceptIndex, ConceptKind, ExtractOptions, Relation, ResolvedLocation, SearchScope, Span,
    Taxonomy,
};

pub use request::{IssuerFilter, JobRequest, LocationRequest, parse_json, parse_request};

/// Errors: the request itself is malformed. Unknown skills are not errors; they are listed in
/// [`JobSpec::unresolved`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// Nothing was given.
    #[error("the job requirement is empty")]
    Empty,
    /// Not valid JSON.
    #[error("invalid JSON at line {line}, column {column}: {message}")]
    Json {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// The parser's message.
        message: String,
    },
    /// A field has a wrong value.
    #[error("field {field}: {message}")]
    Field {
        /// JSON path of the field (`location.radius_km`, `required[2]`).
        field: String,
        /// What is wrong.
        message: String,
    },
}

/// How a requirement's skill was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SkillSource {
    /// Given as an identifier in some scheme.
    Identifier,
    /// Given as words, matched to a label.
    Label,
    /// Found in the job text.
    Text,
    /// An essential skill of the job's occupation.
    Occupation,
    /// Reached from a given concept through a crosswalk.
    Crosswalk,
}

/// One skill of a job requirement.
#[derive(Debug, Clone, Serialize)]
pub struct SkillRequirement {
    /// Index in the taxonomy.
    #[serde(skip)]
    pub concept: ConceptIndex,
    /// Prefixed id.
    pub id: String,
    /// Preferred label.
    pub label: String,
    /// Confidence in [0, 1] that the requirement asks for this skill.
    pub confidence: f32,
    /// How it was found.
    pub source: SkillSource,
    /// The field it came from (`required[0]`, `text`, `occupation`).
    pub field: String,
    /// The input as given (identifier or words), when given.
    pub input: Option<String>,
    /// The quoted span of the job text, for skills found in text.
    pub span: Option<Span>,
    /// The concept it was reached through, for occupation and crosswalk skills.
    pub via: Option<String>,
}

/// The job's occupation.
#[derive(Debug, Clone, Serialize)]
pub struct OccupationSpec {
    /// Prefixed id.
    pub id: String,
    /// Label.
    pub label: String,
    /// Confidence in [0, 1].
    pub confidence: f32,
    /// Given as (identifier or words) or found in the title.
    pub input: String,
    /// The quoted title span, when found in text.
    pub span: Option<Span>,
}

/// The job's location, never finer than an FSA.
#[derive(Debug, Clone, Serialize)]
pub struct LocationSpec {
    /// The region it resolved to.
    pub region: ResolvedLocation,
    /// Radius in km, when a radius search was asked for.
    pub radius_km: Option<f64>,
}

/// Something in the request that could not be resolved, kept for the user to fix.
#[derive(Debug, Clone, Serialize)]
pub struct Unresolved {
    /// The field.
    pub field: String,
    /// The input.
    pub input: String,
    /// Why.
    pub reason: String,
}

/// A normalised job requirement.
#[derive(Debug, Clone, Serialize)]
pub struct JobSpec {
    /// Job title (given, or the first line of a job ad).
    pub title: Option<String>,
    /// Occupation, when given or recognised in the title.
    pub occupation: Option<OccupationSpec>,
    /// Required skills, best first.
    pub required: Vec<SkillRequirement>,
    /// Preferred skills.
    pub preferred: Vec<SkillRequirement>,
    /// Excluded skills.
    pub excluded: Vec<SkillRequirement>,
    /// Location.
    pub location: Option<LocationSpec>,
    /// Only credentials earned on or after this date.
    pub earned_after: Option<String>,
    /// Only credentials at most this many months old.
    pub max_credential_age_months: Option<u32>,
    /// Issuer filters.
    pub issuers: IssuerFilter,
    /// Inputs that resolved to nothing.
    pub unresolved: Vec<Unresolved>,
    /// Versions of the taxonomies used.
    pub taxonomy_versions: Vec<(String, String)>,
}

/// Options for normalisation.
#[derive(Debug, Clone, Copy)]
pub struct NormaliseOptions {
    /// Minimum confidence for skills found in job text.
    pub min_text_confidence: f32,
    /// Minimum share of the occupations reached through crosswalks that must list a skill as
    /// essential for it to count; 0 keeps every such skill, with the share as its confidence.
    pub min_occupation_share: f32,
    /// Expand the occupation to its essential skills.
    pub expand_occupation: bool,
}

impl Default for NormaliseOptions {
    fn default() -> Self {
        Self {
            min_text_confidence: ExtractOptions::DEFAULT_MIN_CONFIDENCE,
            min_occupation_share: 0.0,
            expand_occupation: true,
        }
    }
}

/// Phrases that mark a sentence of a job ad as a nice-to-have.
const PREFERRED_MARKERS: &[&str] = &[
    "nice to have",
    "asset",
    "preferred",
    "bonus",
    "a plus",
    "desirable",
    "ideally",
    "would be an advantage",
];

struct Resolver<'t> {
    taxonomy: &'t Taxonomy,
    unresolved: Vec<Unresolved>,
    min_share: f32,
}

fn is_skill(kind: ConceptKind) -> bool {
    matches!(kind, ConceptKind::Skill | ConceptKind::Knowledge)
}

impl Resolver<'_> {
    // One flat constructor keeps every call site explicit about each piece of evidence.
    #[allow(clippy::too_many_arguments)]
    fn requirement(
        &self,
        concept: ConceptIndex,
        confidence: f32,
        source: SkillSource,
        field: &str,
        input: Option<&str>,
        span: Option<Span>,
        via: Option<String>,
    ) -> Option<SkillRequirement> {
        let c = self.taxonomy.concept(concept)?;
        Some(SkillRequirement {
            concept,
            id: c.id.clone(),
            label: c.label.clone(),
            confidence,
            source,
            field: field.to_owned(),
            input: input.map(str::to_owned),
            span,
            via,
        })
    }

    /// ESCO/local skills reached from a non-ESCO concept (O*NET element or technology, OaSIS
    /// descriptor) through exact or close matches.
    fn crosswalk_skills(&self, concept: ConceptIndex) -> Vec<(ConceptIndex, f32)> {
        let mut out: Vec<(ConceptIndex, f32)> = Vec::new();
        let mut frontier = vec![(concept, 1.0f32)];
        let mut seen = vec![concept];
        while let Some((node, confidence)) = frontier.pop() {
            for n in self.taxonomy.neighbours(node) {
                if !matches!(n.relation, Relation::ExactMatch | Relation::CloseMatch)
                    || seen.contains(&n.concept)
                {
                    continue;
                }
                seen.push(n.concept);
                let Some(target) = self.taxonomy.concept(n.concept) else {
                    continue;
                };
                let reached = confidence * n.confidence;
                if is_skill(target.kind)
                    && (target.id.starts_with("esco:") || target.id.starts_with("local:"))
                {
                    out.push((n.concept, reached));
                } else if target.kind == ConceptKind::Descriptor && reached >= 0.5 {
                    // OaSIS descriptor -> O*NET element -> ESCO: one more hop.
                    frontier.push((n.concept, reached));
                }
            }
        }
        out
    }

    fn resolve_term(&mut self, term: &str, field: &str) -> Vec<SkillRequirement> {
        if let Some(concept) = self.taxonomy.resolve_id(term) {
            return self.skills_of_concept(concept, 1.0, SkillSource::Identifier, field, term);
        }
        let hits = self.taxonomy.search_text(term, SearchScope::Skills, 1);
        if let Some(hit) = hits.first().filter(|h| h.confidence >= 0.5) {
            return self
                .requirement(
                    hit.concept,
                    hit.confidence,
                    SkillSource::Label,
                    field,
                    Some(term),
                    None,
                    None,
                )
                .into_iter()
                .collect();
        }
        // Tool names and O*NET/OaSIS descriptor names reach ESCO through the crosswalks.
        let any = self.taxonomy.search_text(term, SearchScope::All, 1);
        if let Some(hit) = any.first().filter(|h| h.confidence >= 0.8) {
            let found = self.skills_of_concept(
                hit.concept,
                hit.confidence,
                SkillSource::Label,
                field,
                term,
            );
            if !found.is_empty() {
                return found;
            }
        }
        self.unresolved.push(Unresolved {
            field: field.to_owned(),
            input: term.to_owned(),
            reason: "no skill, occupation or descriptor matches it".into(),
        });
        Vec::new()
    }

    fn skills_of_concept(
        &mut self,
        concept: ConceptIndex,
        confidence: f32,
        source: SkillSource,
        field: &str,
        term: &str,
    ) -> Vec<SkillRequirement> {
        let Some(c) = self.taxonomy.concept(concept) else {
            return Vec::new();
        };
        if is_skill(c.kind) {
            return self
                .requirement(concept, confidence, source, field, Some(term), None, None)
                .into_iter()
                .collect();
        }
        if c.kind == ConceptKind::Occupation {
            return self.occupation_skills(concept, confidence, field, term);
        }
        let via = c.id.clone();
        let mut out: Vec<SkillRequirement> = self
            .crosswalk_skills(concept)
            .into_iter()
            .filter_map(|(skill, reach)| {
                self.requirement(
                    skill,
                    confidence * reach,
                    SkillSource::Crosswalk,
                    field,
                    Some(term),
                    None,
                    Some(via.clone()),
                )
            })
            .collect();
        if out.is_empty() {
            // Keep the concept itself: the index can match O*NET/OaSIS ids directly.
            out.extend(self.requirement(
                concept,
                confidence,
                source,
                field,
                Some(term),
                None,
                None,
            ));
        }
        out
    }

    fn occupation_skills(
        &self,
        occupation: ConceptIndex,
        confidence: f32,
        field: &str,
        term: &str,
    ) -> Vec<SkillRequirement> {
        let Some(expansion) = self.taxonomy.expand_occupation(occupation, self.min_share) else {
            return Vec::new();
        };
        expansion
            .skills
            .iter()
            .filter_map(|skill| {
                self.requirement(
                    skill.concept,
                    confidence * skill.confidence,
                    SkillSource::Occupation,
                    field,
                    Some(term),
                    None,
                    Some(expansion.occupation.clone()),
                )
            })
            .collect()
    }
}

fn merge(into: &mut Vec<SkillRequirement>, items: Vec<SkillRequirement>) {
    for item in items {
        match into.iter_mut().find(|r| r.concept == item.concept) {
            // A skill keeps its strongest evidence; text and explicit entries outrank expansions.
            Some(existing) if existing.confidence < item.confidence => *existing = item,
            Some(_) => {}
            None => into.push(item),
        }
    }
}

fn first_line_title(text: &str) -> Option<(usize, usize)> {
    let line = text.lines().next()?.trim();
    let words = line.split_whitespace().count();
    let start = text.find(line)?;
    (words > 0 && words <= 8 && line.len() <= 80 && !line.ends_with('.'))
        .then_some((start, start + line.len()))
}

impl JobSpec {
    /// Resolves a request against the taxonomy.
    pub fn normalise(
        request: &JobRequest,
        taxonomy: &Taxonomy,
        options: &NormaliseOptions,
    ) -> JobSpec {
        let mut resolver = Resolver {
            taxonomy,
            unresolved: Vec::new(),
            min_share: options.min_occupation_share,
        };
        let mut required = Vec::new();
        let mut preferred = Vec::new();
        let mut excluded = Vec::new();
        for (list, terms, name) in [
            (&mut required, &request.required, "required"),
            (&mut preferred, &request.preferred, "preferred"),
            (&mut excluded, &request.excluded, "excluded"),
        ] {
            for (i, term) in terms.iter().enumerate() {
                let found = resolver.resolve_term(term, &format!("{name}[{i}]"));
                merge(list, found);
            }
        }

        // Title: given, or the first short line of a job ad.
        let text = request.text.as_deref().unwrap_or("");
        let (title, title_span) = match (&request.title, first_line_title(text)) {
            (Some(title), _) => (Some(title.clone()), None),
            (None, Some((start, end))) => (Some(text[start..end].to_owned()), Some((start, end))),
            (None, None) => (None, None),
        };

        let mut occupation = None;
        if let Some(term) = &request.occupation {
            let concept = taxonomy.resolve_id(term).map(|c| (c, 1.0)).or_else(|| {
                taxonomy
                    .search_text(term, SearchScope::Occupations, 1)
                    .first()
                    .filter(|h| h.confidence >= 0.6)
                    .map(|h| (h.concept, h.confidence))
            });
            match concept.and_then(|(c, conf)| Some((taxonomy.concept(c)?, c, conf))) {
                Some((c, index, conf)) if c.kind == ConceptKind::Occupation => {
                    occupation = Some((
                        index,
                        OccupationSpec {
                            id: c.id.clone(),
                            label: c.label.clone(),
                            confidence: conf,
                            input: term.clone(),
                            span: None,
                        },
                    ));
                }
                _ => resolver.unresolved.push(Unresolved {
                    field: "occupation".into(),
                    input: term.clone(),
                    reason: "not an occupation code or title we know".into(),
                }),
            }
        } else if let Some(title_text) = &title {
            let options = ExtractOptions {
                limit: 1,
                min_confidence: 0.85,
                typo_tolerance: false,
            };
            if let Some(hit) = taxonomy
                .extract_occupations(title_text, &options)
                .into_iter()
                .next()
            {
                let span = title_span.map(|(start, _)| Span {
                    start: start + hit.span.start,
                    end: start + hit.span.end,
                    text: hit.span.text.clone(),
                });
                occupation = Some((
                    hit.concept,
                    OccupationSpec {
                        id: hit.id.clone(),
                        label: hit.label.clone(),
                        confidence: hit.confidence,
                        input: title_text.clone(),
                        span,
                    },
                ));
            }
        }
        if let (Some((index, spec)), true) = (&occupation, options.expand_occupation) {
            let expanded =
                resolver.occupation_skills(*index, spec.confidence, "occupation", &spec.input);
            merge(&mut required, expanded);
        }

        if !text.is_empty() {
            let extract = ExtractOptions {
                limit: 60,
                min_confidence: options.min_text_confidence,
                typo_tolerance: false,
            };
            let segments = taxonomy::lexical::segments(text);
            for m in taxonomy.extract(text, &extract) {
                let segment = segments
                    .iter()
                    .find(|(s, e)| *s <= m.span.start && m.span.end <= *e);
                let nice = segment.is_some_and(|(s, e)| {
                    let sentence = text[*s..*e].to_lowercase();
                    PREFERRED_MARKERS
                        .iter()
                        .any(|marker| sentence.contains(marker))
                });
                let item = resolver.requirement(
                    m.concept,
                    m.confidence,
                    SkillSource::Text,
                    "text",
                    None,
                    Some(m.span.clone()),
                    None,
                );
                let target = if nice { &mut preferred } else { &mut required };
                merge(target, item.into_iter().collect());
            }
        }
        // A skill asked for explicitly as excluded wins over any inclusion.
        required.retain(|r| !excluded.iter().any(|e| e.concept == r.concept));
        preferred.retain(|r| {
            !excluded.iter().any(|e| e.concept == r.concept)
                && !required.iter().any(|q| q.concept == r.concept)
        });
        for list in [&mut required, &mut preferred, &mut excluded] {
            list.sort_by(|a, b| {
                b.confidence
                    .total_cmp(&a.confidence)
                    .then_with(|| a.id.cmp(&b.id))
            });
        }

        let location = request.location.as_ref().and_then(|l| match taxonomy.regions().resolve(&l.place) {
            Some(region) => Some(LocationSpec { region, radius_km: l.radius_km }),
            None => {
                resolver.unresolved.push(Unresolved {
                    field: "location".into(),
                    input: l.place.clone(),
                    reason: "not an Ontario FSA, census division, economic region, board area or place".into(),
                });
                None
            }
        });

        JobSpec {
            title,
            occupation: occupation.map(|(_, spec)| spec),
            required,
            preferred,
            excluded,
            location,
            earned_after: request.earned_after.clone(),
            max_credential_age_months: request.max_credential_age_months,
            issuers: request.issuers.clone(),
            unresolved: resolver.unresolved,
            taxonomy_versions: taxonomy::DATA_VERSIONS
                .iter()
                .map(|(s, v)| ((*s).to_owned(), (*v).to_owned()))
                .collect(),
        }
    }

    /// Every skill asked for (required then preferred).
    pub fn wanted(&self) -> impl Iterator<Item = &SkillRequirement> {
        self.required.iter().chain(&self.preferred)
    }
}
