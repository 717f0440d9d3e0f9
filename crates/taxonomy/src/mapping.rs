//! Credential -> skills. The verifier hands over the verified document (OB 3.0, VC, CLR 2.0,
//! OB 2.0, or a presentation of them) as JSON; every achievement in it is mapped by three
//! methods in order of trust: the issuer's declared `alignment` (exact), text matching of its
//! name, description, criteria and tags against skill labels (with the quoted span), and
//! inference through crosswalks or the hierarchy. Nothing is dropped silently: phrases that map
//! to nothing and alignments to frameworks we do not hold are reported.

use std::collections::HashMap;

use serde::Serialize;
use serde_json::Value;

use crate::concept::{ConceptIndex, ConceptKind, EdgeSource, Relation};
use crate::extract::{ExtractOptions, Span};
use crate::{Taxonomy, text};

/// How a skill was found, strongest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// The issuer declared it in a signed `alignment`.
    Alignment,
    /// Its label was found in the achievement's text.
    Text,
    /// Reached from a skill found by the above through a crosswalk edge.
    Crosswalk,
    /// Reached as a broader skill of one found by the above.
    Hierarchy,
}

/// One piece of evidence for a mapped skill.
#[derive(Debug, Clone, Serialize)]
pub struct Evidence {
    /// Method of this piece.
    pub method: Method,
    /// Confidence of this piece in [0, 1].
    pub confidence: f32,
    /// JSON path of the field in the credential (`credentialSubject.achievement.description`).
    pub field: String,
    /// The achievement (its `id`, else its `name`).
    pub achievement: Option<String>,
    /// The quoted text, for text matches.
    pub span: Option<Span>,
    /// The label that matched, for text matches.
    pub matched_label: Option<String>,
    /// For alignments: which part resolved it (`target_url`, `target_code`, `target_name`).
    pub resolved_by: Option<String>,
    /// For inferences: the concept it was inferred from, the relation and its source.
    pub via: Option<Via>,
}

/// The step of an inference.
#[derive(Debug, Clone, Serialize)]
pub struct Via {
    /// The concept inferred from.
    pub from: String,
    /// SKOS relation from `from` to the inferred concept (or `broader`).
    pub relation: String,
    /// Source of the edge.
    pub source: String,
}

/// A skill mapped from a credential with all its evidence.
#[derive(Debug, Clone, Serialize)]
pub struct MappedSkill {
    /// Index of the concept.
    #[serde(skip)]
    pub concept: ConceptIndex,
    /// Prefixed id.
    pub id: String,
    /// Preferred label.
    pub label: String,
    /// Kind of concept.
    pub kind: ConceptKind,
    /// Strongest method among the evidence.
    pub method: Method,
    /// Highest confidence among the evidence.
    pub confidence: f32,
    /// Every piece of evidence, strongest first.
    pub evidence: Vec<Evidence>,
}

/// A phrase of an achievement that mapped to no skill.
#[derive(Debug, Clone, Serialize)]
pub struct UnmappedPhrase {
    /// JSON path of the field.
    pub field: String,
    /// The achievement.
    pub achievement: Option<String>,
    /// The phrase.
    pub text: String,
}

/// What became of one declared alignment.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum AlignmentOutcome {
    /// Resolved to a concept we hold.
    Resolved {
        /// Prefixed id.
        id: String,
        /// Preferred label.
        label: String,
        /// Which part of the alignment resolved it.
        resolved_by: String,
        /// Confidence in [0, 1] (1 for identifiers, lower for names).
        confidence: f32,
    },
    /// The framework is one we hold, but the target is not in it.
    UnknownConcept {
        /// The scheme we expected.
        scheme: String,
        /// Why nothing matched.
        reason: String,
    },
    /// The framework is not one we hold (CTDL/Credential Registry, CASE, an institution's own).
    UnknownFramework {
        /// The framework as declared (or the URL's host when none is declared).
        framework: String,
    },
}

/// One declared alignment and its outcome.
#[derive(Debug, Clone, Serialize)]
pub struct AlignmentResolution {
    /// JSON path of the alignment object.
    pub field: String,
    /// The achievement.
    pub achievement: Option<String>,
    /// `targetUrl`, as declared.
    pub target_url: Option<String>,
    /// `targetCode`.
    pub target_code: Option<String>,
    /// `targetFramework`.
    pub target_framework: Option<String>,
    /// `targetName`.
    pub target_name: Option<String>,
    /// `targetType`.
    pub target_type: Option<String>,
    /// The outcome.
    pub outcome: AlignmentOutcome,
}

/// An achievement found in the document.
#[derive(Debug, Clone, Serialize)]
pub struct AchievementRef {
    /// JSON path.
    pub field: String,
    /// `id`, if any.
    pub id: Option<String>,
    /// `name`, if any.
    pub name: Option<String>,
}

/// Everything mapped from one credential document.
#[derive(Debug, Clone, Serialize)]
pub struct CredentialSkills {
    /// Achievements found (several in a CLR or a presentation).
    pub achievements: Vec<AchievementRef>,
    /// Mapped skills, strongest method then confidence first.
    pub skills: Vec<MappedSkill>,
    /// Every declared alignment and what became of it.
    pub alignments: Vec<AlignmentResolution>,
    /// Phrases that mapped to nothing.
    pub unmapped: Vec<UnmappedPhrase>,
}

impl CredentialSkills {
    /// Alignments whose framework we do not hold.
    pub fn unknown_frameworks(&self) -> impl Iterator<Item = &AlignmentResolution> {
        self.alignments
            .iter()
            .filter(|a| matches!(a.outcome, AlignmentOutcome::UnknownFramework { .. }))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scheme {
    Esco,
    Onet,
    Noc,
    Oasis,
    Isco,
    Local,
}

impl Scheme {
    fn name(self) -> &'static str {
        match self {
            Self::Esco => "esco",
            Self::Onet => "onet",
            Self::Noc => "noc",
            Self::Oasis => "oasis",
            Self::Isco => "isco",
            Self::Local => "local",
        }
    }

    fn holds(self, id: &str) -> bool {
        let scheme = crate::concept::scheme_of(id);
        match self {
            Self::Noc => scheme == "noc" || scheme == "noc2016",
            // OaSIS profiles are NOC unit groups (`21231.00`) besides its descriptors.
            Self::Oasis => scheme == "oasis" || scheme == "noc",
            Self::Onet => scheme == "onet" || scheme == "unspsc",
            other => scheme == other.name(),
        }
    }
}

fn framework_scheme(framework: &str, target_type: &str) -> Option<Scheme> {
    let text = format!("{framework} {target_type}").to_ascii_lowercase();
    if text.contains("esco") {
        Some(Scheme::Esco)
    } else if text.contains("o*net") || text.contains("onet") {
        Some(Scheme::Onet)
    } else if text.contains("oasis") {
        Some(Scheme::Oasis)
    } else if text.contains("noc") || text.contains("national occupational classification") {
        Some(Scheme::Noc)
    } else if text.contains("isco") {
        Some(Scheme::Isco)
    } else if text.contains("skillproof") {
        Some(Scheme::Local)
    } else {
        None
    }
}

fn string_at<'a>(object: &'a serde_json::Map<String, Value>, key: &str) -> Option<&'a str> {
    object
        .get(key)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

fn has_type(object: &serde_json::Map<String, Value>, wanted: &[&str]) -> bool {
    match object.get("type").or_else(|| object.get("@type")) {
        Some(Value::String(t)) => wanted.iter().any(|w| t.ends_with(w)),
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(Value::as_str)
            .any(|t| wanted.iter().any(|w| t.ends_with(w))),
        _ => false,
    }
}

struct Collector<'t> {
    taxonomy: &'t Taxonomy,
    options: ExtractOptions,
    achievements: Vec<AchievementRef>,
    found: HashMap<ConceptIndex, Vec<Evidence>>,
    alignments: Vec<AlignmentResolution>,
    unmapped: Vec<UnmappedPhrase>,
}

impl Taxonomy {
    /// Maps a credential document to skills with evidence, at the default text threshold.
    pub fn map_credential(&self, document: &Value) -> CredentialSkills {
        self.map_credential_with(document, &ExtractOptions::default())
    }

    /// Maps a credential document with explicit text-matching options.
    pub fn map_credential_with(
        &self,
        document: &Value,
        options: &ExtractOptions,
    ) -> CredentialSkills {
        let mut collector = Collector {
            taxonomy: self,
            options: *options,
            achievements: Vec::new(),
            found: HashMap::new(),
            alignments: Vec::new(),
            unmapped: Vec::new(),
        };
        collector.walk(document, "$", None, false, 0);
        collector.infer();
        collector.finish()
    }

    /// Resolves one alignment object (`targetUrl`, `targetCode`, `targetFramework`,
    /// `targetName`, `targetType`) to a concept, or says why it cannot.
    pub fn resolve_alignment(&self, alignment: &Value) -> AlignmentOutcome {
        let empty = serde_json::Map::new();
        let object = alignment.as_object().unwrap_or(&empty);
        let url = string_at(object, "targetUrl").or_else(|| string_at(object, "url"));
        let code = string_at(object, "targetCode");
        let framework =
            string_at(object, "targetFramework").or_else(|| string_at(object, "frameworkName"));
        let name = string_at(object, "targetName").or_else(|| string_at(object, "name"));
        let target_type = string_at(object, "targetType").unwrap_or("");
        let scheme = framework_scheme(framework.unwrap_or(""), target_type)
            .or_else(|| url.and_then(|u| framework_scheme(&url_host(u), "")));
        let resolved = |index: ConceptIndex, by: &str, confidence: f32| {
            let concept = &self.data.concepts[index as usize];
            AlignmentOutcome::Resolved {
                id: concept.id.clone(),
                label: concept.label.clone(),
                resolved_by: by.to_owned(),
                confidence,
            }
        };
        if let Some(found) = url.and_then(|u| self.resolve_id(u)) {
            return resolved(found, "target_url", 1.0);
        }
        if let Some(code) = code {
            // A bare code means something only in a framework we recognise, or when it
            // describes itself (URI, prefixed id, O*NET-SOC pattern).
            let self_describing = code.contains(':') || code.contains('/') || code.contains('*');
            let candidate = match scheme {
                Some(Scheme::Noc) => self
                    .resolve_id(&format!("noc:{code}"))
                    .or_else(|| self.resolve_id(code)),
                Some(Scheme::Isco) => {
                    self.resolve_id(&format!("isco:{}", code.trim_start_matches('C')))
                }
                Some(Scheme::Oasis) => self.resolve_id(code),
                Some(_) => self.resolve_id(code),
                None if self_describing => self.resolve_id(code),
                None => None,
            };
            if let Some(found) = candidate
                .filter(|&c| scheme.is_none_or(|s| s.holds(&self.data.concepts[c as usize].id)))
            {
                return resolved(found, "target_code", 1.0);
            }
        }
        let Some(scheme) = scheme else {
            let framework =
                framework.map_or_else(|| url.map(url_host).unwrap_or_default(), str::to_owned);
            return AlignmentOutcome::UnknownFramework { framework };
        };
        if let Some(name) = name {
            let mut candidates: Vec<ConceptIndex> = self
                .exact_label(name)
                .iter()
                .copied()
                .filter(|&c| scheme.holds(&self.data.concepts[c as usize].id))
                .collect();
            // Prefer a concept whose preferred label is the name, then skills over groups.
            candidates.sort_by_key(|&c| {
                let concept = &self.data.concepts[c as usize];
                let preferred =
                    text::normalise_label(&concept.label) == text::normalise_label(name);
                (
                    !preferred,
                    !matches!(concept.kind, ConceptKind::Skill | ConceptKind::Knowledge),
                    c,
                )
            });
            if let Some(&first) = candidates.first() {
                let confidence = if candidates.len() == 1 { 0.9 } else { 0.8 };
                return resolved(first, "target_name", confidence);
            }
        }
        let reason = match (url, code, name) {
            (Some(url), _, _) => {
                format!("targetUrl {url} is not a {} concept we hold", scheme.name())
            }
            (None, Some(code), _) => format!(
                "targetCode {code} is not a {} concept we hold",
                scheme.name()
            ),
            (None, None, Some(name)) => {
                format!("no {} concept is labelled {name:?}", scheme.name())
            }
            (None, None, None) => {
                "the alignment has no targetUrl, targetCode or targetName".to_owned()
            }
        };
        AlignmentOutcome::UnknownConcept {
            scheme: scheme.name().to_owned(),
            reason,
        }
    }
}

fn url_host(url: &str) -> String {
    url.split("://")
        .nth(1)
        .unwrap_or(url)
        .split(['/', '?', '#'])
        .next()
        .unwrap_or("")
        .to_ascii_lowercase()
}

const MAX_DEPTH: usize = 64;

impl Collector<'_> {
    fn walk(
        &mut self,
        value: &Value,
        path: &str,
        achievement: Option<&str>,
        parent_is_achievement_key: bool,
        depth: usize,
    ) {
        if depth > MAX_DEPTH {
            return;
        }
        match value {
            Value::Object(object) => {
                let is_achievement =
                    parent_is_achievement_key || has_type(object, &["Achievement", "BadgeClass"]);
                let label: Option<String> = if is_achievement {
                    let id = string_at(object, "id").map(str::to_owned);
                    let name = string_at(object, "name").map(str::to_owned);
                    self.achievements.push(AchievementRef {
                        field: path.to_owned(),
                        id: id.clone(),
                        name: name.clone(),
                    });
                    id.or(name).or_else(|| Some(path.to_owned()))
                } else {
                    achievement.map(str::to_owned)
                };
                if is_achievement {
                    self.achievement_text(object, path, label.as_deref());
                }
                for (key, child) in object {
                    let child_path = format!("{path}.{key}");
                    if key == "alignment" {
                        let items: Vec<&Value> = match child {
                            Value::Array(items) => items.iter().collect(),
                            other => vec![other],
                        };
                        for (i, item) in items.into_iter().enumerate() {
                            self.alignment(item, &format!("{child_path}[{i}]"), label.as_deref());
                        }
                        continue;
                    }
                    let achievement_key = matches!(key.as_str(), "achievement" | "badge");
                    self.walk(
                        child,
                        &child_path,
                        label.as_deref(),
                        achievement_key && child.is_object(),
                        depth + 1,
                    );
                }
            }
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    self.walk(
                        item,
                        &format!("{path}[{i}]"),
                        achievement,
                        parent_is_achievement_key,
                        depth + 1,
                    );
                }
            }
            _ => {}
        }
    }

    fn achievement_text(
        &mut self,
        object: &serde_json::Map<String, Value>,
        path: &str,
        achievement: Option<&str>,
    ) {
        let mut fields: Vec<(String, String, bool)> = Vec::new(); // (path, text, whole phrase)
        if let Some(name) = string_at(object, "name") {
            fields.push((format!("{path}.name"), name.to_owned(), true));
        }
        if let Some(description) = string_at(object, "description") {
            fields.push((format!("{path}.description"), description.to_owned(), false));
        }
        match object.get("criteria") {
            Some(Value::Object(criteria)) => {
                if let Some(narrative) = string_at(criteria, "narrative") {
                    fields.push((
                        format!("{path}.criteria.narrative"),
                        narrative.to_owned(),
                        false,
                    ));
                }
            }
            Some(Value::String(text)) if !text.starts_with("http") => {
                fields.push((format!("{path}.criteria"), text.clone(), false));
            }
            _ => {}
        }
        for key in ["tag", "tags", "keywords"] {
            if let Some(Value::Array(tags)) = object.get(key) {
                for (i, tag) in tags.iter().enumerate() {
                    if let Some(tag) = tag.as_str() {
                        fields.push((format!("{path}.{key}[{i}]"), tag.to_owned(), true));
                    }
                }
            }
        }
        for (field, text, whole) in fields {
            self.text_field(&field, &text, whole, achievement);
        }
    }

    fn text_field(&mut self, field: &str, input: &str, whole: bool, achievement: Option<&str>) {
        // Tags are keywords people type ("teamwork", "cybersecurity"): worth typo and compound
        // tolerance. Titles and prose are matched as written.
        let is_tag =
            field.contains(".tag[") || field.contains(".tags[") || field.contains(".keywords[");
        let options = ExtractOptions {
            typo_tolerance: is_tag || self.options.typo_tolerance,
            ..self.options
        };
        let matches = self.taxonomy.extract(input, &options);
        let mut covered: Vec<(usize, usize)> = Vec::new();
        for m in &matches {
            covered.push((m.span.start, m.span.end));
            self.add(
                m.concept,
                Evidence {
                    method: Method::Text,
                    confidence: m.confidence,
                    field: field.to_owned(),
                    achievement: achievement.map(str::to_owned),
                    span: Some(m.span.clone()),
                    matched_label: Some(m.matched_label.clone()),
                    resolved_by: None,
                    via: None,
                },
            );
        }
        let pieces: Vec<(usize, usize)> = if whole {
            vec![(0, input.len())]
        } else {
            crate::lexical::segments(input)
        };
        for (start, end) in pieces {
            let hit = covered.iter().any(|&(s, e)| s < end && e > start);
            let content = text::tokenize(&input[start..end])
                .iter()
                .filter(|t| !t.stop)
                .count();
            if !hit && content > 0 {
                self.unmapped.push(UnmappedPhrase {
                    field: field.to_owned(),
                    achievement: achievement.map(str::to_owned),
                    text: input[start..end].trim().to_owned(),
                });
            }
        }
    }

    fn alignment(&mut self, value: &Value, field: &str, achievement: Option<&str>) {
        let empty = serde_json::Map::new();
        let object = value.as_object().unwrap_or(&empty);
        let outcome = self.taxonomy.resolve_alignment(value);
        let get = |key: &str| string_at(object, key).map(str::to_owned);
        match &outcome {
            AlignmentOutcome::Resolved {
                id,
                resolved_by,
                confidence,
                ..
            } => {
                if let Some(index) = self.taxonomy.by_id(id) {
                    self.add(
                        index,
                        Evidence {
                            method: Method::Alignment,
                            confidence: *confidence,
                            field: field.to_owned(),
                            achievement: achievement.map(str::to_owned),
                            span: None,
                            matched_label: None,
                            resolved_by: Some(resolved_by.clone()),
                            via: None,
                        },
                    );
                }
            }
            AlignmentOutcome::UnknownConcept { .. } | AlignmentOutcome::UnknownFramework { .. } => {
                // The declared name still says something: match it as text, reported as such.
                if let Some(name) = get("targetName") {
                    self.text_field(&format!("{field}.targetName"), &name, true, achievement);
                }
            }
        }
        self.alignments.push(AlignmentResolution {
            field: field.to_owned(),
            achievement: achievement.map(str::to_owned),
            target_url: get("targetUrl"),
            target_code: get("targetCode"),
            target_framework: get("targetFramework"),
            target_name: get("targetName"),
            target_type: get("targetType"),
            outcome,
        });
    }

    fn add(&mut self, concept: ConceptIndex, evidence: Evidence) {
        self.found.entry(concept).or_default().push(evidence);
    }

    /// Adds concepts reached from the directly found ones: crosswalk matches (exact, close,
    /// broad) outside ESCO's own relations, and broader ESCO skills.
    fn infer(&mut self) {
        let direct: Vec<(ConceptIndex, f32)> = self
            .found
            .iter()
            .map(|(c, ev)| (*c, ev.iter().map(|e| e.confidence).fold(0.0, f32::max)))
            .collect();
        for (concept, confidence) in direct {
            let from = self.taxonomy.data.concepts[concept as usize].id.clone();
            for n in self.taxonomy.neighbours(concept) {
                if n.source == EdgeSource::EscoSkillRelations
                    || !matches!(
                        n.relation,
                        Relation::ExactMatch | Relation::CloseMatch | Relation::BroadMatch
                    )
                {
                    continue;
                }
                self.add(
                    n.concept,
                    Evidence {
                        method: Method::Crosswalk,
                        confidence: confidence * n.confidence,
                        field: String::new(),
                        achievement: None,
                        span: None,
                        matched_label: None,
                        resolved_by: None,
                        via: Some(Via {
                            from: from.clone(),
                            relation: n.relation.as_str().to_owned(),
                            source: n.source.as_str().to_owned(),
                        }),
                    },
                );
            }
            let parents = self.taxonomy.data.concepts[concept as usize]
                .parents
                .clone();
            for parent in parents {
                let kind = self.taxonomy.data.concepts[parent as usize].kind;
                if matches!(kind, ConceptKind::Skill | ConceptKind::Knowledge) {
                    self.add(
                        parent,
                        Evidence {
                            method: Method::Hierarchy,
                            confidence: confidence * 0.5,
                            field: String::new(),
                            achievement: None,
                            span: None,
                            matched_label: None,
                            resolved_by: None,
                            via: Some(Via {
                                from: from.clone(),
                                relation: "broader".into(),
                                source: "hierarchy".into(),
                            }),
                        },
                    );
                }
            }
        }
    }

    fn finish(self) -> CredentialSkills {
        let mut skills: Vec<MappedSkill> = self
            .found
            .into_iter()
            .filter_map(|(concept, mut evidence)| {
                evidence.sort_by(|a, b| {
                    a.method
                        .cmp(&b.method)
                        .then(b.confidence.total_cmp(&a.confidence))
                });
                let first = evidence.first()?;
                let c = &self.taxonomy.data.concepts[concept as usize];
                Some(MappedSkill {
                    concept,
                    id: c.id.clone(),
                    label: c.label.clone(),
                    kind: c.kind,
                    method: first.method,
                    confidence: evidence.iter().map(|e| e.confidence).fold(0.0, f32::max),
                    evidence,
                })
            })
            .collect();
        skills.sort_by(|a, b| {
            a.method
                .cmp(&b.method)
                .then(b.confidence.total_cmp(&a.confidence))
                .then_with(|| a.id.cmp(&b.id))
        });
        CredentialSkills {
            achievements: self.achievements,
            skills,
            alignments: self.alignments,
            unmapped: self.unmapped,
        }
    }
}
