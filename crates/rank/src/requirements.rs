//! What a job asks for, as the ranker reads it: must / should / must-not requirements, each
//! one or more taxonomy concepts (alternatives: any one satisfies it), expanded through the
//! hierarchy and the crosswalks into the index's [`index::SkillRequirement`]s with **partial
//! credit** ([`PARTIAL_CREDIT`]): evidence of the very concept counts fully, evidence of a
//! related concept counts less, never more.

use std::collections::BTreeMap;

use jobspec::{JobSpec, SkillSource};
use serde::{Deserialize, Serialize};
use taxonomy::{ConceptIndex, ConceptKind, Relation, Taxonomy};

use crate::{Error, Result};

/// At most this many requirements (must, should and must-not together) in one request.
pub const MAX_REQUIREMENTS: usize = 64;

/// At most this many alternative concepts in one requirement.
pub const MAX_CONCEPTS_PER_REQUIREMENT: usize = 8;

/// At most this many related concepts ([`MatchKind::Related`]) per required concept, the
/// strongest edges first: ESCO lists dozens for common skills, and each weak link only adds
/// noise.
pub const MAX_RELATED_PER_CONCEPT: usize = 4;

/// How much a requirement counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Importance {
    /// Every candidate must hold it ([`MatchKind::holds`]); it also adds to the score.
    Must,
    /// Adds to the score by its weight and credit.
    Should,
    /// A candidate who holds it ([`MatchKind::holds`]) is excluded.
    MustNot,
}

impl Importance {
    /// The stable snake_case code.
    pub fn code(self) -> &'static str {
        match self {
            Importance::Must => "must",
            Importance::Should => "should",
            Importance::MustNot => "must_not",
        }
    }
}

/// How a claimed skill relates to the concept a requirement names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchKind {
    /// The concept itself.
    Exact,
    /// A concept below it in the hierarchy (claimed "SQL" for required "query languages").
    Narrower,
    /// Its equivalent in another scheme (SKOS `exactMatch`).
    CrosswalkExact,
    /// A close equivalent in another scheme (SKOS `closeMatch`).
    CrosswalkClose,
    /// A concept directly above it in the hierarchy: related, but not proof of the specific skill.
    Broader,
    /// A concept ESCO relates to it (`relatedMatch`, e.g. skill-to-skill relations).
    Related,
}

/// The partial-credit table: what evidence of each kind of concept is worth, as a share of
/// evidence of the required concept itself. Anything but [`MatchKind::Exact`] is worth
/// strictly less. Crosswalk and related credits are further multiplied by the crosswalk
/// edge's own confidence (see [`Expansion::credit`]).
pub const PARTIAL_CREDIT: [(MatchKind, f64); 6] = [
    (MatchKind::Exact, 1.0),
    (MatchKind::Narrower, 0.9),
    (MatchKind::CrosswalkExact, 0.8),
    (MatchKind::CrosswalkClose, 0.6),
    (MatchKind::Broader, 0.5),
    (MatchKind::Related, 0.3),
];

impl MatchKind {
    /// The credit of this kind in [`PARTIAL_CREDIT`].
    pub fn credit(self) -> f64 {
        PARTIAL_CREDIT
            .iter()
            .find(|(kind, _)| *kind == self)
            .map_or(0.0, |(_, credit)| *credit)
    }

    /// Whether evidence of this kind shows the candidate *holds* the required skill, which is
    /// what must and must-not requirements test: the concept itself, a narrower one, or an
    /// exact equivalent in another scheme. A broader, close or related concept never does.
    pub fn holds(self) -> bool {
        matches!(
            self,
            MatchKind::Exact | MatchKind::Narrower | MatchKind::CrosswalkExact
        )
    }

    /// The stable snake_case code.
    pub fn code(self) -> &'static str {
        match self {
            MatchKind::Exact => "exact",
            MatchKind::Narrower => "narrower",
            MatchKind::CrosswalkExact => "crosswalk_exact",
            MatchKind::CrosswalkClose => "crosswalk_close",
            MatchKind::Broader => "broader",
            MatchKind::Related => "related",
        }
    }
}

/// What an expansion looks for in the index.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Target {
    /// Claims of exactly this concept id.
    Skill(String),
    /// Claims with a hierarchy path at or below this facet path.
    Within(String),
}

impl Target {
    /// The index's form.
    pub fn to_index(&self) -> index::SkillRequirement {
        match self {
            Target::Skill(id) => index::SkillRequirement::Skill(id.clone()),
            Target::Within(path) => index::SkillRequirement::Within(path.clone()),
        }
    }
}

/// One way a requirement can be evidenced.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Expansion {
    /// What to look for.
    pub target: Target,
    /// How a claim found this way relates to the required concept. A [`Target::Within`]
    /// expansion is [`MatchKind::Narrower`]; a claim it finds that *is* the required concept
    /// counts as [`MatchKind::Exact`].
    pub kind: MatchKind,
    /// Credit in (0, 1]: the kind's [`PARTIAL_CREDIT`], times the crosswalk edge's confidence
    /// for crosswalk and related expansions.
    pub credit: f64,
    /// The required concept it expands (prefixed id).
    pub concept: String,
    /// The crosswalk the expansion went through, for crosswalk and related expansions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub via: Option<String>,
}

/// A concept a requirement names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequiredSkill {
    /// Prefixed id.
    pub id: String,
    /// Preferred label.
    pub label: String,
}

/// One requirement, resolved and expanded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Requirement {
    /// Stable within the request (`r1`, `r2`, … in order).
    pub id: String,
    /// Display label: the input as given, else the first concept's label.
    pub label: String,
    /// Must, should or must-not.
    pub importance: Importance,
    /// Relative weight in the score (must and should); ignored for must-not.
    pub weight: f64,
    /// The concepts it names; evidence of any one satisfies it.
    pub skills: Vec<RequiredSkill>,
    /// Where it came from (`required[0]`, `text`, `occupation`, …), when it came from a job.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// How the index is searched for it.
    pub expansions: Vec<Expansion>,
}

/// One requirement as a caller states it, before resolution.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RequirementSpec {
    /// Must, should or must-not.
    pub importance: Importance,
    /// Concept identifiers in any scheme the taxonomy resolves (`esco:skill/…`, ESCO URIs,
    /// O*NET and NOC codes); any one satisfies the requirement.
    pub skills: Vec<String>,
    /// Relative weight (default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weight: Option<f64>,
    /// Display label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
}

/// How a [`JobSpec`] becomes requirements.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct JobSpecOptions {
    /// What the skills listed explicitly under `required` are: [`Importance::Must`] (the
    /// default, recruiter-search semantics: a candidate lacking one is not shown) or
    /// [`Importance::Should`] (rank by how many are held).
    pub explicit_required: Importance,
    /// Weight of an explicitly required skill.
    pub required_weight: f64,
    /// Weight of an explicitly preferred skill.
    pub preferred_weight: f64,
    /// Weight of a skill found in the job text, times the extraction's confidence. Text
    /// skills are always should-requirements: extraction can be wrong.
    pub text_weight: f64,
    /// Weight of an essential skill of the job's occupation, times the expansion's
    /// confidence. Always should-requirements: the employer did not list them.
    pub occupation_weight: f64,
}

impl Default for JobSpecOptions {
    fn default() -> Self {
        JobSpecOptions {
            explicit_required: Importance::Must,
            required_weight: 1.0,
            preferred_weight: 0.5,
            text_weight: 0.75,
            occupation_weight: 0.25,
        }
    }
}

/// A request's requirements, resolved against the taxonomy and expanded.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Requirements {
    /// In order; ids `r1`, `r2`, ….
    pub items: Vec<Requirement>,
    /// Inputs that resolved to no concept (kept so a person can fix them).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unresolved: Vec<String>,
    /// Skills found in the job text or through its occupation that were left out because
    /// the request reached [`MAX_REQUIREMENTS`] (the weakest go first).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub truncated: Vec<String>,
}

impl Requirements {
    /// Resolves and expands caller-stated requirements. Identifiers the taxonomy does not
    /// know are listed in [`Requirements::unresolved`]; a requirement none of whose
    /// identifiers resolves is dropped.
    pub fn build(specs: &[RequirementSpec], taxonomy: &Taxonomy) -> Result<Requirements> {
        if specs.len() > MAX_REQUIREMENTS {
            return Err(Error::InvalidRequest(format!(
                "{} requirements (at most {MAX_REQUIREMENTS})",
                specs.len()
            )));
        }
        let mut out = Requirements::default();
        for spec in specs {
            let mut concepts = Vec::new();
            for input in &spec.skills {
                match taxonomy.resolve_id(input) {
                    Some(concept) if !concepts.contains(&concept) => concepts.push(concept),
                    Some(_) => {}
                    None => out.unresolved.push(input.clone()),
                }
            }
            if concepts.is_empty() {
                continue;
            }
            let weight = spec.weight.unwrap_or(1.0);
            out.push(
                taxonomy,
                spec.importance,
                weight,
                &concepts,
                spec.label.clone(),
                None,
            )?;
        }
        Ok(out)
    }

    /// The requirements of a normalised job: explicitly listed skills (one requirement per
    /// input, whose concepts are alternatives) as [`JobSpecOptions::explicit_required`] /
    /// should / must-not; skills found in the job text and the occupation's essential skills
    /// as should-requirements weighted by their confidence. When a skill appears twice, its
    /// first (strongest) appearance is kept.
    pub fn from_job_spec(
        spec: &JobSpec,
        taxonomy: &Taxonomy,
        options: &JobSpecOptions,
    ) -> Result<Requirements> {
        let mut out = Requirements {
            items: Vec::new(),
            unresolved: spec
                .unresolved
                .iter()
                .map(|unresolved| unresolved.input.clone())
                .collect(),
            truncated: Vec::new(),
        };
        let mut taken: Vec<ConceptIndex> = Vec::new();
        // Explicit entries, grouped by the field they came from (`required[2]` may resolve
        // to several concepts through a crosswalk: alternatives).
        let lists = [
            (
                &spec.required,
                options.explicit_required,
                options.required_weight,
            ),
            (
                &spec.preferred,
                Importance::Should,
                options.preferred_weight,
            ),
            (&spec.excluded, Importance::MustNot, 1.0),
        ];
        for (list, importance, weight) in lists {
            let mut groups: BTreeMap<(usize, &str), Vec<&jobspec::SkillRequirement>> =
                BTreeMap::new();
            for (position, skill) in list.iter().enumerate() {
                if matches!(skill.source, SkillSource::Text | SkillSource::Occupation) {
                    continue;
                }
                let first = list
                    .iter()
                    .position(|other| other.field == skill.field)
                    .unwrap_or(position);
                groups
                    .entry((first, skill.field.as_str()))
                    .or_default()
                    .push(skill);
            }
            for skills in groups.values() {
                let concepts: Vec<ConceptIndex> = skills
                    .iter()
                    .map(|skill| skill.concept)
                    .filter(|concept| !taken.contains(concept))
                    .collect();
                if concepts.is_empty() {
                    continue;
                }
                taken.extend(&concepts);
                let label = skills
                    .first()
                    .and_then(|skill| skill.input.clone())
                    .filter(|input| taxonomy.resolve_id(input).is_none());
                let source = skills.first().map(|skill| skill.field.clone());
                out.push(taxonomy, importance, weight, &concepts, label, source)?;
            }
        }
        // Derived entries: text (confidence-weighted), then the occupation.
        for (list, weight) in [
            (&spec.required, options.text_weight),
            (
                &spec.preferred,
                options.text_weight * options.preferred_weight,
            ),
        ] {
            for skill in list
                .iter()
                .filter(|skill| skill.source == SkillSource::Text)
            {
                if taken.contains(&skill.concept) {
                    continue;
                }
                taken.push(skill.concept);
                if out.items.len() >= MAX_REQUIREMENTS {
                    out.truncated.push(skill.label.clone());
                    continue;
                }
                let label = skill.span.as_ref().map(|span| span.text.clone());
                out.push(
                    taxonomy,
                    Importance::Should,
                    weight * f64::from(skill.confidence),
                    &[skill.concept],
                    label,
                    Some(skill.field.clone()),
                )?;
            }
        }
        for skill in spec
            .required
            .iter()
            .chain(&spec.preferred)
            .filter(|skill| skill.source == SkillSource::Occupation)
        {
            if taken.contains(&skill.concept) {
                continue;
            }
            taken.push(skill.concept);
            if out.items.len() >= MAX_REQUIREMENTS {
                out.truncated.push(skill.label.clone());
                continue;
            }
            out.push(
                taxonomy,
                Importance::Should,
                options.occupation_weight * f64::from(skill.confidence),
                &[skill.concept],
                None,
                Some(skill.field.clone()),
            )?;
        }
        Ok(out)
    }

    fn push(
        &mut self,
        taxonomy: &Taxonomy,
        importance: Importance,
        weight: f64,
        concepts: &[ConceptIndex],
        label: Option<String>,
        source: Option<String>,
    ) -> Result<()> {
        if self.items.len() >= MAX_REQUIREMENTS {
            return Err(Error::InvalidRequest(format!(
                "more than {MAX_REQUIREMENTS} requirements"
            )));
        }
        if !weight.is_finite() || weight < 0.0 {
            return Err(Error::InvalidRequest(format!(
                "requirement weight {weight} (must be finite and not negative)"
            )));
        }
        let concepts = &concepts[..concepts.len().min(MAX_CONCEPTS_PER_REQUIREMENT)];
        let skills: Vec<RequiredSkill> = concepts
            .iter()
            .filter_map(|&concept| taxonomy.concept(concept))
            .map(|concept| RequiredSkill {
                id: concept.id.clone(),
                label: concept.label.clone(),
            })
            .collect();
        let Some(first) = skills.first() else {
            return Ok(());
        };
        let label = label.unwrap_or_else(|| first.label.clone());
        let expansions = expand(taxonomy, concepts, importance);
        self.items.push(Requirement {
            id: format!("r{}", self.items.len() + 1),
            label,
            importance,
            weight,
            skills,
            source,
            expansions,
        });
        Ok(())
    }

    /// The must and should requirements, which make up the score.
    pub fn scored(&self) -> impl Iterator<Item = &Requirement> {
        self.items
            .iter()
            .filter(|requirement| requirement.importance != Importance::MustNot)
    }
}

fn is_skill_like(kind: ConceptKind) -> bool {
    matches!(
        kind,
        ConceptKind::Skill
            | ConceptKind::Knowledge
            | ConceptKind::Descriptor
            | ConceptKind::Technology
    )
}

/// The expansions of a requirement's concepts. Must-not requirements only look for what
/// [`MatchKind::holds`]: a candidate is excluded for holding the skill, not for holding
/// something near it.
pub fn expand(
    taxonomy: &Taxonomy,
    concepts: &[ConceptIndex],
    importance: Importance,
) -> Vec<Expansion> {
    let mut best: BTreeMap<Target, Expansion> = BTreeMap::new();
    let mut add = |expansion: Expansion| match best.get(&expansion.target) {
        Some(kept) if kept.credit >= expansion.credit => {}
        _ => {
            best.insert(expansion.target.clone(), expansion);
        }
    };
    for &index in concepts {
        let Some(concept) = taxonomy.concept(index) else {
            continue;
        };
        add(Expansion {
            target: Target::Skill(concept.id.clone()),
            kind: MatchKind::Exact,
            credit: MatchKind::Exact.credit(),
            concept: concept.id.clone(),
            via: None,
        });
        // Every descendant has a path through each of the concept's own paths, so two
        // paths find them all but in pathological multi-parent cases.
        for path in taxonomy.facet_paths(index).into_iter().take(2) {
            add(Expansion {
                target: Target::Within(path),
                kind: MatchKind::Narrower,
                credit: MatchKind::Narrower.credit(),
                concept: concept.id.clone(),
                via: None,
            });
        }
        let mut related = Vec::new();
        for neighbour in taxonomy.neighbours(index) {
            let Some(other) = taxonomy.concept(neighbour.concept) else {
                continue;
            };
            if !is_skill_like(other.kind) || other.id == concept.id {
                continue;
            }
            let kind = match neighbour.relation {
                Relation::ExactMatch => MatchKind::CrosswalkExact,
                Relation::CloseMatch => MatchKind::CrosswalkClose,
                // `other` is broader than the concept.
                Relation::BroadMatch => MatchKind::Broader,
                Relation::RelatedMatch => MatchKind::Related,
                // `other` is narrower: holding it shows the concept.
                Relation::NarrowMatch => MatchKind::Narrower,
            };
            let confidence = f64::from(neighbour.confidence).clamp(0.0, 1.0);
            let expansion = Expansion {
                target: Target::Skill(other.id.clone()),
                kind,
                credit: kind.credit() * confidence,
                concept: concept.id.clone(),
                via: Some(neighbour.source.as_str().to_owned()),
            };
            if kind == MatchKind::Related {
                related.push(expansion);
            } else if expansion.credit > 0.0 {
                add(expansion);
            }
        }
        related.sort_by(|a, b| {
            b.credit
                .total_cmp(&a.credit)
                .then_with(|| a.target.cmp(&b.target))
        });
        for expansion in related
            .into_iter()
            .filter(|expansion| expansion.credit > 0.0)
            .take(MAX_RELATED_PER_CONCEPT)
        {
            add(expansion);
        }
        for &parent in &concept.parents {
            let Some(parent) = taxonomy.concept(parent) else {
                continue;
            };
            if matches!(parent.kind, ConceptKind::Skill | ConceptKind::Knowledge) {
                add(Expansion {
                    target: Target::Skill(parent.id.clone()),
                    kind: MatchKind::Broader,
                    credit: MatchKind::Broader.credit(),
                    concept: concept.id.clone(),
                    via: Some("hierarchy".to_owned()),
                });
            }
        }
    }
    let mut expansions: Vec<Expansion> = best
        .into_values()
        .filter(|expansion| importance != Importance::MustNot || expansion.kind.holds())
        .collect();
    expansions.sort_by(|a, b| {
        b.credit
            .total_cmp(&a.credit)
            .then_with(|| a.target.cmp(&b.target))
    });
    expansions
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partial_credit_is_less_than_exact() {
        for (kind, credit) in PARTIAL_CREDIT {
            assert!(credit > 0.0 && credit <= 1.0, "{kind:?}");
            if kind != MatchKind::Exact {
                assert!(credit < MatchKind::Exact.credit(), "{kind:?}");
            }
        }
        let mut sorted = PARTIAL_CREDIT;
        sorted.sort_by(|a, b| b.1.total_cmp(&a.1));
        assert_eq!(
            sorted, PARTIAL_CREDIT,
            "the table is listed strongest first"
        );
    }
}
