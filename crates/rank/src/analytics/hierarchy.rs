//! How Ontario's regions nest: FSA ⊂ census division ⊂ economic region ⊂ province, and
//! census division ⊂ planning board area ⊂ province. Economic regions and board areas
//! overlap each other; both are unions of census divisions.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::{Level, Region};

/// The nestings along which cells add up: (parent level, child level).
pub(crate) const NESTINGS: [(Level, Level); 5] = [
    (Level::Cd, Level::Fsa),
    (Level::Er, Level::Cd),
    (Level::Board, Level::Cd),
    (Level::Province, Level::Er),
    (Level::Province, Level::Board),
];

/// The region hierarchy: which codes exist at each level and which children each parent has.
#[derive(Debug, Clone, Default, Serialize)]
pub struct RegionHierarchy {
    codes: BTreeMap<Level, BTreeSet<String>>,
    /// (parent, child level) → child codes, sorted.
    children: BTreeMap<(Region, Level), BTreeSet<String>>,
    /// child → parent, per nesting.
    parent: BTreeMap<(Region, Level), String>,
}

impl RegionHierarchy {
    /// The hierarchy of the bundled geography (FSA → CD from the FSA table, CD → ER and
    /// board area from the census division table).
    pub fn from_regions(regions: &taxonomy::Regions) -> RegionHierarchy {
        let mut hierarchy = RegionHierarchy::default();
        for division in &regions.census_divisions {
            hierarchy.add(
                None,
                Some(&division.cduid),
                Some(&division.eruid),
                Some(&division.wpb_id),
            );
        }
        for fsa in &regions.fsas {
            hierarchy.add(Some(&fsa.code), Some(&fsa.cduid), None, None);
        }
        hierarchy
    }

    /// A hierarchy from places: (FSA, census division, economic region, board area), any of
    /// which may be missing. Tests and small deployments use it.
    pub fn from_places<'a>(
        places: impl IntoIterator<Item = (&'a str, &'a str, &'a str, &'a str)>,
    ) -> RegionHierarchy {
        let mut hierarchy = RegionHierarchy::default();
        for (fsa, cd, er, board) in places {
            let some = |code: &'a str| (!code.trim().is_empty()).then_some(code);
            hierarchy.add(some(fsa), some(cd), some(er), some(board));
        }
        hierarchy
    }

    /// Records one place. A child keeps the first parent it was given at each level (the
    /// bundled tables give each exactly one).
    fn add(&mut self, fsa: Option<&str>, cd: Option<&str>, er: Option<&str>, board: Option<&str>) {
        let province = index::PROVINCE_CODE;
        let mut note = |level: Level, code: &str| {
            self.codes.entry(level).or_default().insert(code.to_owned());
        };
        note(Level::Province, province);
        for (level, code) in [
            (Level::Fsa, fsa),
            (Level::Cd, cd),
            (Level::Er, er),
            (Level::Board, board),
        ] {
            if let Some(code) = code {
                note(level, code);
            }
        }
        let pairs = [
            (Level::Cd, cd, Level::Fsa, fsa),
            (Level::Er, er, Level::Cd, cd),
            (Level::Board, board, Level::Cd, cd),
            (Level::Province, Some(province), Level::Er, er),
            (Level::Province, Some(province), Level::Board, board),
        ];
        for (parent_level, parent, child_level, child) in pairs {
            let (Some(parent), Some(child)) = (parent, child) else {
                continue;
            };
            let child_region = Region {
                level: child_level,
                code: child.to_owned(),
            };
            if self
                .parent
                .contains_key(&(child_region.clone(), parent_level))
            {
                continue;
            }
            self.parent
                .insert((child_region, parent_level), parent.to_owned());
            self.children
                .entry((
                    Region {
                        level: parent_level,
                        code: parent.to_owned(),
                    },
                    child_level,
                ))
                .or_default()
                .insert(child.to_owned());
        }
    }

    /// Whether the code exists at the level.
    pub fn contains(&self, level: Level, code: &str) -> bool {
        self.codes
            .get(&level)
            .is_some_and(|codes| codes.contains(code))
    }

    /// The codes of a level, sorted.
    pub fn codes(&self, level: Level) -> impl Iterator<Item = &str> {
        self.codes
            .get(&level)
            .into_iter()
            .flat_map(|codes| codes.iter().map(String::as_str))
    }

    /// The children of `parent` at `child_level` (empty unless that is a nesting of
    /// [`NESTINGS`]).
    pub fn children(&self, parent: &Region, child_level: Level) -> impl Iterator<Item = &str> {
        self.children
            .get(&(parent.clone(), child_level))
            .into_iter()
            .flat_map(|codes| codes.iter().map(String::as_str))
    }

    /// The parent of `child` at `parent_level`, along a nesting.
    pub fn parent(&self, child: &Region, parent_level: Level) -> Option<&str> {
        self.parent
            .get(&(child.clone(), parent_level))
            .map(String::as_str)
    }

    /// The finer levels a region's cells break down into in a regional report: the province
    /// into economic regions and board areas, those into census divisions, census divisions
    /// into FSAs.
    pub fn child_levels(level: Level) -> &'static [Level] {
        match level {
            Level::Province => &[Level::Er, Level::Board],
            Level::Er | Level::Board => &[Level::Cd],
            Level::Cd => &[Level::Fsa],
            Level::Fsa => &[],
        }
    }
}
