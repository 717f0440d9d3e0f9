//! Identifier resolution in any scheme's spelling, and occupation -> skills expansion through
//! the crosswalks (NOC -> O*NET -> ESCO occupation -> ESCO essential skills).

use std::collections::HashMap;

use serde::Serialize;

use crate::concept::{ConceptIndex, ConceptKind, Need, Relation};
use crate::{Taxonomy, build::esco_uri_to_id, build::pad_noc};

/// A skill reached from an occupation.
#[derive(Debug, Clone, Serialize)]
pub struct ExpandedSkill {
    /// The skill's index.
    #[serde(skip)]
    pub concept: ConceptIndex,
    /// Its prefixed id.
    pub id: String,
    /// Its preferred label.
    pub label: String,
    /// Confidence that the occupation needs it: the share of the reached occupations (weighted
    /// by crosswalk confidence) that list it as essential.
    pub confidence: f32,
    /// Prefixed ids of the occupations that list it, in the order they were reached.
    pub via: Vec<String>,
}

/// An occupation and the skills it needs.
#[derive(Debug, Clone, Serialize)]
pub struct OccupationExpansion {
    /// The occupation asked about.
    pub occupation: String,
    /// Its label.
    pub label: String,
    /// Occupations reached through crosswalks, with path confidence.
    pub reached: Vec<(String, f32)>,
    /// ESCO (and local) skills, best first.
    pub skills: Vec<ExpandedSkill>,
}

fn is_onet_occupation_code(code: &str) -> bool {
    let b = code.as_bytes();
    b.len() == 10
        && b[2] == b'-'
        && b[7] == b'.'
        && code
            .chars()
            .enumerate()
            .all(|(i, c)| i == 2 || i == 7 || c.is_ascii_digit())
}

fn is_onet_element(code: &str) -> bool {
    let mut parts = code.split('.');
    parts
        .next()
        .is_some_and(|p| p.len() == 1 && p.chars().all(|c| c.is_ascii_digit()))
        && parts
            .next()
            .is_some_and(|p| p.len() == 1 && p.chars().all(|c| c.is_ascii_uppercase()))
}

impl Taxonomy {
    /// Resolves an identifier written in any common form to a concept: prefixed ids
    /// (`esco:skill/…`, `noc:21231`, `onet:el/2.A.1.a`), ESCO URIs (http or https), O*NET-SOC
    /// codes and OnLine URLs, content-model element ids, NOC codes (`21231`, `NOC 21231`,
    /// OaSIS `21231.00`), ESCO occupation codes (`2654.1.7`), bare ESCO UUIDs.
    pub fn resolve_id(&self, input: &str) -> Option<ConceptIndex> {
        let raw = input.trim().trim_end_matches('/');
        if raw.is_empty() {
            return None;
        }
        if let Some(found) = self.by_id(raw) {
            return Some(found);
        }
        if let Some(id) = esco_uri_to_id(raw) {
            return self.by_id(&id);
        }
        let lower = raw.to_ascii_lowercase();
        if lower.starts_with("http://") || lower.starts_with("https://") {
            return self.resolve_url(raw);
        }
        // Prefixed ids in other casings or with a scheme alias.
        if let Some((scheme, rest)) = raw.split_once(':') {
            let scheme = scheme.to_ascii_lowercase();
            let rest = rest.trim();
            let candidate = match scheme.as_str() {
                "esco" | "isco" | "local" | "oasis" | "unspsc" => Some(format!("{scheme}:{rest}")),
                "noc" | "noc2021" => Some(format!("noc:{}", pad_noc(rest))),
                "noc2016" => Some(format!("noc2016:{rest:0>4}")),
                "onet" | "o*net" => {
                    if is_onet_occupation_code(rest) {
                        Some(format!("onet:occ/{rest}"))
                    } else if is_onet_element(rest) {
                        Some(format!("onet:el/{rest}"))
                    } else {
                        Some(format!("onet:{rest}"))
                    }
                }
                _ => None,
            };
            if let Some(found) = candidate.and_then(|c| self.by_id(&c)) {
                return Some(found);
            }
        }
        let code = raw
            .trim_start_matches("NOC")
            .trim_start_matches("noc")
            .trim_start_matches("O*NET")
            .trim();
        if is_onet_occupation_code(code) {
            return self.by_id(&format!("onet:occ/{code}"));
        }
        if code.len() == 7 && code.as_bytes().get(2) == Some(&b'-') {
            return self.by_id(&format!("onet:occ/{code}.00"));
        }
        if is_onet_element(code) {
            return self.by_id(&format!("onet:el/{code}"));
        }
        let digits = code.split('.').next().unwrap_or("");
        let oasis_profile = code.len() == 8 && code.as_bytes()[5] == b'.';
        if (digits.len() == 5 && (code.len() == 5 || oasis_profile))
            && digits.chars().all(|c| c.is_ascii_digit())
        {
            return self.by_id(&format!("noc:{digits}"));
        }
        if let Some(&found) = self.data.code_index.get(code) {
            return Some(found);
        }
        if code.len() == 36 && code.chars().filter(|&c| c == '-').count() == 4 {
            return self
                .by_id(&format!("esco:skill/{code}"))
                .or_else(|| self.by_id(&format!("esco:occupation/{code}")));
        }
        None
    }

    fn resolve_url(&self, url: &str) -> Option<ConceptIndex> {
        let lower = url.to_ascii_lowercase();
        let path = lower.split(['?', '#']).next().unwrap_or("");
        let last = path.rsplit('/').next().unwrap_or("");
        if lower.contains("onetonline.org")
            || lower.contains("onetcenter.org")
            || lower.contains("mynextmove.org")
        {
            if let Some(code) = url
                .rsplit('/')
                .map(|s| s.split(['?', '#']).next().unwrap_or(""))
                .find(|s| is_onet_occupation_code(s) || is_onet_element(s))
            {
                return self.resolve_id(code);
            }
            return self.resolve_id(last);
        }
        if lower.contains("noc") {
            // NOC pages carry the code in the path or a query parameter (code=21231).
            for piece in lower.split(['/', '?', '&', '=', '#']) {
                if piece.len() == 5 && piece.chars().all(|c| c.is_ascii_digit()) {
                    return self.by_id(&format!("noc:{piece}"));
                }
            }
        }
        // Our own ids published as URLs (…/esco/skill/<uuid> on a mirror) are not trusted: only
        // the canonical ESCO host above maps to ESCO.
        None
    }

    /// Occupations reached from `occupation` through crosswalks, with path confidence,
    /// including itself at 1.0. NOC and O*NET reach ESCO occupations; ESCO reaches O*NET and NOC.
    pub fn related_occupations(&self, occupation: ConceptIndex) -> Vec<(ConceptIndex, f32)> {
        let mut reached: HashMap<ConceptIndex, f32> = HashMap::new();
        reached.insert(occupation, 1.0);
        let mut frontier = vec![(occupation, 1.0f32, 0usize)];
        while let Some((node, confidence, depth)) = frontier.pop() {
            if depth >= 3 {
                continue;
            }
            for n in self.neighbours(node) {
                let Some(target) = self.concept(n.concept) else {
                    continue;
                };
                if target.kind != ConceptKind::Occupation
                    || !matches!(
                        n.relation,
                        Relation::ExactMatch | Relation::CloseMatch | Relation::NarrowMatch
                    )
                {
                    continue;
                }
                let next = confidence * n.confidence;
                if next < 0.2 {
                    continue;
                }
                let slot = reached.entry(n.concept).or_insert(0.0);
                if next > *slot {
                    *slot = next;
                    frontier.push((n.concept, next, depth + 1));
                }
            }
        }
        let mut out: Vec<(ConceptIndex, f32)> = reached.into_iter().collect();
        out.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        out
    }

    /// The ESCO (and local) skills an occupation of any scheme needs: its own list when it is
    /// an ESCO occupation, otherwise a consensus over the ESCO occupations reached through the
    /// crosswalks (a skill is kept when occupations holding at least `min_share` of the reached
    /// weight list it as essential).
    pub fn expand_occupation(
        &self,
        occupation: ConceptIndex,
        min_share: f32,
    ) -> Option<OccupationExpansion> {
        let concept = self.concept(occupation)?;
        let reached = self.related_occupations(occupation);
        // An ESCO occupation has its own list; crosswalks are only for the other schemes.
        let esco: Vec<(ConceptIndex, f32)> = if concept.id.starts_with("esco:occupation/") {
            vec![(occupation, 1.0)]
        } else {
            reached
                .iter()
                .copied()
                .filter(|(c, _)| {
                    self.data.concepts[*c as usize]
                        .id
                        .starts_with("esco:occupation/")
                })
                .collect()
        };
        let total: f32 = esco.iter().map(|(_, w)| w).sum();
        let mut votes: HashMap<ConceptIndex, (f32, Vec<ConceptIndex>)> = HashMap::new();
        for &(esco_occupation, weight) in &esco {
            for &(skill, need) in self.occupation_skills(esco_occupation) {
                if need == Need::Essential {
                    let entry = votes.entry(skill).or_default();
                    entry.0 += weight;
                    entry.1.push(esco_occupation);
                }
            }
        }
        let mut skills: Vec<ExpandedSkill> = votes
            .into_iter()
            .filter_map(|(skill, (weight, via))| {
                let share = if total > 0.0 { weight / total } else { 0.0 };
                // The confidence of the best path caps the share (a 0.7 crosswalk stays below 0.7).
                let best_path = esco
                    .iter()
                    .find(|(o, _)| via.contains(o))
                    .map_or(0.0, |(_, w)| *w);
                let confidence = share.min(1.0) * best_path.max(share.min(1.0));
                (share >= min_share).then(|| ExpandedSkill {
                    concept: skill,
                    id: self.data.concepts[skill as usize].id.clone(),
                    label: self.data.concepts[skill as usize].label.clone(),
                    confidence,
                    via: via
                        .iter()
                        .map(|o| self.data.concepts[*o as usize].id.clone())
                        .collect(),
                })
            })
            .collect();
        skills.sort_by(|a, b| {
            b.confidence
                .total_cmp(&a.confidence)
                .then_with(|| a.id.cmp(&b.id))
        });
        Some(OccupationExpansion {
            occupation: concept.id.clone(),
            label: concept.label.clone(),
            reached: reached
                .iter()
                .map(|(c, w)| (self.data.concepts[*c as usize].id.clone(), *w))
                .collect(),
            skills,
        })
    }

    /// Concepts that share a normalised label with `text` exactly (any scheme).
    pub fn exact_label(&self, text: &str) -> &[ConceptIndex] {
        self.data
            .label_exact
            .get(&crate::text::normalise_label(text))
            .map_or(&[], Vec::as_slice)
    }
}
