//! Job requirements for evaluating ranking, built from ESCO occupations' essential skills,
//! with the graded relevance of every earner: the share of the required skills they
//! verifiably hold (0 when they hold an excluded one).
//!
//! Occupations are chosen for overlap with what the demo issuers teach, so that relevance
//! is graded rather than all zero; transversal skills (teamwork, listening) do not count
//! towards that overlap, since every occupation shares them.

use std::collections::{BTreeMap, BTreeSet};

use taxonomy::{Need, ReuseLevel, Taxonomy};

use crate::Error;
use crate::config::CorpusConfig;
use crate::rng::Rng;
use crate::types::{Achievement, Earner, Relevance, Requirement, SkillRef};

/// Least number of taught, non-transversal essential skills for an occupation to be used.
const MIN_OVERLAP: usize = 3;

struct Candidate {
    occupation: String,
    label: String,
    essential: Vec<SkillRef>,
    optional: Vec<SkillRef>,
    overlap: usize,
}

pub(crate) fn build(
    config: &CorpusConfig,
    taxonomy: &Taxonomy,
    achievements: &[Achievement],
    earners: &[Earner],
) -> Result<Vec<Requirement>, Error> {
    let taught: BTreeMap<&str, &str> = achievements
        .iter()
        .flat_map(|achievement| achievement.skills.iter())
        .map(|skill| (skill.id.as_str(), skill.label.as_str()))
        .collect();
    let mut candidates: Vec<Candidate> = Vec::new();
    for (index, concept) in taxonomy.concepts().iter().enumerate() {
        if !concept.id.starts_with("esco:occupation/") {
            continue;
        }
        let mut essential = Vec::new();
        let mut optional = Vec::new();
        let mut overlap = 0;
        for &(skill, need) in taxonomy.occupation_skills(index as u32) {
            let Some(skill) = taxonomy.concept(skill) else {
                continue;
            };
            let reference = SkillRef {
                id: skill.id.clone(),
                label: skill.label.clone(),
            };
            match need {
                Need::Essential => {
                    if taught.contains_key(skill.id.as_str())
                        && skill.reuse_level != Some(ReuseLevel::Transversal)
                    {
                        overlap += 1;
                    }
                    essential.push(reference);
                }
                Need::Optional => optional.push(reference),
            }
        }
        if overlap >= MIN_OVERLAP {
            essential.sort();
            optional.sort();
            candidates.push(Candidate {
                occupation: concept.id.clone(),
                label: concept.label.clone(),
                essential,
                optional,
                overlap,
            });
        }
    }
    if candidates.is_empty() {
        return Err(Error::Data(
            "no ESCO occupation shares three essential skills with the demo programs".to_owned(),
        ));
    }
    let chosen = diverse_order(&candidates, achievements, taxonomy);
    let taught_refs: Vec<SkillRef> = taught
        .iter()
        .map(|(id, label)| SkillRef {
            id: (*id).to_owned(),
            label: (*label).to_owned(),
        })
        .collect();
    let mut requirements = Vec::with_capacity(config.requirements);
    for index in 0..config.requirements {
        let candidate = &candidates[chosen[index % chosen.len()]];
        let mut rng = Rng::keyed(config.seed, "requirement", index as u64);
        let (mut known, mut unknown): (Vec<&SkillRef>, Vec<&SkillRef>) = candidate
            .essential
            .iter()
            .partition(|skill| taught.contains_key(skill.id.as_str()));
        shuffle(&mut known, &mut rng);
        shuffle(&mut unknown, &mut rng);
        let from_taught = known.len().min(3 + rng.below(6));
        let extra = rng.below(3).min(unknown.len()).min(10 - from_taught);
        let mut required: Vec<SkillRef> = known
            .iter()
            .take(from_taught)
            .chain(unknown.iter().take(extra))
            .map(|s| (*s).clone())
            .collect();
        required.sort();
        let mut preferred_pool: Vec<&SkillRef> = candidate
            .optional
            .iter()
            .filter(|skill| !required.contains(skill))
            .collect();
        shuffle(&mut preferred_pool, &mut rng);
        let mut preferred: Vec<SkillRef> = preferred_pool
            .into_iter()
            .take(1 + rng.below(3))
            .cloned()
            .collect();
        preferred.sort();
        let related: BTreeSet<&str> = candidate
            .essential
            .iter()
            .chain(&candidate.optional)
            .map(|skill| skill.id.as_str())
            .collect();
        let excluded: Vec<SkillRef> = if index % 3 == 2 {
            let unrelated: Vec<&SkillRef> = taught_refs
                .iter()
                .filter(|skill| !related.contains(skill.id.as_str()))
                .collect();
            if unrelated.is_empty() {
                Vec::new()
            } else {
                vec![unrelated[rng.below(unrelated.len())].clone()]
            }
        } else {
            Vec::new()
        };
        let relevant = relevance(earners, &required, &excluded);
        let slug: String = candidate
            .label
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() {
                    c.to_ascii_lowercase()
                } else {
                    '-'
                }
            })
            .collect();
        requirements.push(Requirement {
            index,
            id: format!("req-{:03}-{}", index + 1, slug.trim_matches('-')),
            title: capitalise(&candidate.label),
            occupation: candidate.occupation.clone(),
            required,
            preferred,
            excluded,
            relevant,
        });
    }
    Ok(requirements)
}

/// Every earner holding at least one required skill, best gain first.
pub(crate) fn relevance(
    earners: &[Earner],
    required: &[SkillRef],
    excluded: &[SkillRef],
) -> Vec<Relevance> {
    let mut out: Vec<Relevance> = earners
        .iter()
        .filter_map(|earner| {
            let holds = |skill: &SkillRef| earner.skills.binary_search(&skill.id).is_ok();
            let held = required.iter().filter(|skill| holds(skill)).count() as u32;
            let holds_excluded = excluded.iter().any(holds);
            (held > 0).then(|| Relevance {
                earner: earner.index,
                held,
                holds_excluded,
                gain: if holds_excluded {
                    0.0
                } else {
                    f64::from(held) / required.len() as f64
                },
            })
        })
        .collect();
    out.sort_by(|a, b| b.gain.total_cmp(&a.gain).then(a.earner.cmp(&b.earner)));
    out
}

/// Candidates in the order requirements use them: round after round, each achievement (in
/// catalogue order) takes the unused occupation sharing most of its specific skills, so
/// that requirements cover every program domain before any domain gets a second one.
fn diverse_order(
    candidates: &[Candidate],
    achievements: &[Achievement],
    taxonomy: &Taxonomy,
) -> Vec<usize> {
    let specific = |id: &str| {
        taxonomy
            .by_id(id)
            .and_then(|index| taxonomy.concept(index))
            .is_some_and(|concept| concept.reuse_level != Some(ReuseLevel::Transversal))
    };
    let preferences: Vec<Vec<(usize, usize)>> = achievements
        .iter()
        .map(|achievement| {
            let skills: BTreeSet<&str> = achievement
                .skills
                .iter()
                .map(|skill| skill.id.as_str())
                .filter(|id| specific(id))
                .collect();
            let mut ranked: Vec<(usize, usize)> = candidates
                .iter()
                .enumerate()
                .map(|(index, candidate)| {
                    let shared = candidate
                        .essential
                        .iter()
                        .filter(|skill| skills.contains(skill.id.as_str()))
                        .count();
                    (index, shared)
                })
                .filter(|(_, shared)| *shared >= 1)
                .collect();
            ranked.sort_by(|a, b| {
                b.1.cmp(&a.1)
                    .then(candidates[b.0].overlap.cmp(&candidates[a.0].overlap))
                    .then(candidates[a.0].occupation.cmp(&candidates[b.0].occupation))
            });
            ranked
        })
        .collect();
    let mut order: Vec<usize> = Vec::new();
    let mut used = vec![false; candidates.len()];
    let mut cursors = vec![0usize; preferences.len()];
    loop {
        let before = order.len();
        for (achievement, ranked) in preferences.iter().enumerate() {
            while let Some(&(candidate, _)) = ranked.get(cursors[achievement]) {
                cursors[achievement] += 1;
                if !used[candidate] {
                    used[candidate] = true;
                    order.push(candidate);
                    break;
                }
            }
        }
        if order.len() == before {
            break;
        }
    }
    // Occupations no achievement prefers come last, in overlap order.
    order.extend((0..candidates.len()).filter(|&index| !used[index]));
    order
}

fn shuffle<T>(items: &mut [T], rng: &mut Rng) {
    for i in (1..items.len()).rev() {
        let j = rng.below(i + 1);
        items.swap(i, j);
    }
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
