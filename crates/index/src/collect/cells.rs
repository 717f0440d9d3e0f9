//! Row keys of the aggregates: which skill rows a document counts under.

use std::collections::HashMap;
use std::sync::Arc;

use tantivy::SegmentReader;
use tantivy::columnar::StrColumn;
use tantivy::schema::Facet;

use crate::columns::{first_ord, open_str, resolve_ords};
use crate::query::{PreparedRequirement, SegmentRequirements, SkillFields, SkillGrouping};

/// Computes, per document of one segment, the segment-local keys of its skill rows, and
/// turns the keys used into strings at harvest.
pub(crate) struct CellKeys {
    skill: Option<StrColumn>,
    facets: Option<StrColumn>,
    mode: Mode,
}

enum Mode {
    /// Key: the skill's term ordinal.
    Skill,
    /// Key: the requirement's index.
    Requirement {
        segment: SegmentRequirements,
        texts: Arc<[String]>,
    },
    /// Key: an index into `names`, one per distinct cut path.
    FacetDepth {
        depth: usize,
        cut_by_ord: HashMap<u64, Option<u64>>,
        names: Interner,
        failed: Option<std::io::Error>,
    },
}

impl CellKeys {
    pub(crate) fn new(
        reader: &SegmentReader,
        skill_fields: SkillFields,
        grouping: SkillGrouping,
        requirements: &[PreparedRequirement],
        requirement_texts: &Arc<[String]>,
    ) -> tantivy::Result<CellKeys> {
        let mode = match grouping {
            SkillGrouping::Skill => Mode::Skill,
            SkillGrouping::Requirement => Mode::Requirement {
                segment: SegmentRequirements::new(reader, skill_fields, requirements)?,
                texts: Arc::clone(requirement_texts),
            },
            SkillGrouping::FacetDepth(depth) => Mode::FacetDepth {
                depth,
                cut_by_ord: HashMap::new(),
                names: Interner::default(),
                failed: None,
            },
        };
        Ok(CellKeys {
            skill: open_str(reader, skill_fields.skill_name)?,
            facets: open_str(reader, skill_fields.facet_name)?,
            mode,
        })
    }

    /// The distinct row keys of a document, into `keys` (cleared first).
    #[inline]
    pub(crate) fn keys(&mut self, doc: u32, keys: &mut Vec<u64>) {
        keys.clear();
        match &mut self.mode {
            Mode::Skill => keys.extend(first_ord(&self.skill, doc)),
            Mode::Requirement { segment, .. } => {
                let skill_ord = first_ord(&self.skill, doc);
                let mask = match &self.facets {
                    Some(facets) if segment.uses_facets() => {
                        segment.mask(skill_ord, facets.term_ords(doc))
                    }
                    _ => segment.mask(skill_ord, std::iter::empty()),
                };
                keys.extend((0..64).filter(|bit| mask & (1u64 << bit) != 0));
            }
            Mode::FacetDepth {
                depth,
                cut_by_ord,
                names,
                failed,
            } => {
                let Some(facets) = &self.facets else { return };
                for facet_ord in facets.term_ords(doc) {
                    let cut = *cut_by_ord.entry(facet_ord).or_insert_with(|| {
                        match cut_path(facets, facet_ord, *depth) {
                            Ok(Some(path)) => Some(names.intern(path)),
                            Ok(None) => None,
                            Err(error) => {
                                failed.get_or_insert(error);
                                None
                            }
                        }
                    });
                    if let Some(key) = cut
                        && !keys.contains(&key)
                    {
                        keys.push(key);
                    }
                }
            }
        }
    }

    /// The strings of the given sorted, distinct keys.
    pub(crate) fn resolve(self, keys: &[u64]) -> tantivy::Result<Vec<String>> {
        match self.mode {
            Mode::Skill => resolve_ords(&self.skill, keys),
            Mode::Requirement { texts, .. } => Ok(keys
                .iter()
                .map(|key| texts.get(*key as usize).cloned().unwrap_or_default())
                .collect()),
            Mode::FacetDepth { names, failed, .. } => {
                if let Some(error) = failed {
                    return Err(error.into());
                }
                Ok(keys
                    .iter()
                    .map(|key| {
                        names
                            .strings
                            .get(*key as usize)
                            .cloned()
                            .unwrap_or_default()
                    })
                    .collect())
            }
        }
    }
}

/// Strings numbered in order of first appearance.
#[derive(Default)]
struct Interner {
    strings: Vec<String>,
    positions: HashMap<String, u64>,
}

impl Interner {
    fn intern(&mut self, string: String) -> u64 {
        if let Some(position) = self.positions.get(&string) {
            return *position;
        }
        let position = self.strings.len() as u64;
        self.positions.insert(string.clone(), position);
        self.strings.push(string);
        position
    }
}

/// The facet path of an ordinal cut to `depth` segments; `None` when it is shorter.
fn cut_path(facets: &StrColumn, facet_ord: u64, depth: usize) -> std::io::Result<Option<String>> {
    let mut encoded = String::new();
    if !facets.ord_to_str(facet_ord, &mut encoded)? {
        return Ok(None);
    }
    let facet = Facet::from_encoded(encoded.into_bytes()).map_err(std::io::Error::other)?;
    let segments = facet.to_path();
    if depth == 0 || segments.len() < depth {
        return Ok(None);
    }
    Ok(Some(Facet::from_path(&segments[..depth]).to_path_string()))
}
