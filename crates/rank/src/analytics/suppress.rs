//! Small-cell suppression with complementary suppression along the region hierarchy.
//!
//! **Primary suppression.** A supply cell with 1 to [`SUPPRESSION_THRESHOLD`] distinct
//! earners is released as `suppressed`, never as a number and never as zero.
//!
//! **Complementary suppression.** Along every nesting of the hierarchy (FSA → CD, CD → ER,
//! CD → board area, ER → province, board area → province) a parent cell satisfies
//! `parent = Σ children + remainder`, where the remainder counts earners located only as
//! finely as the parent (an issuer address without an FSA, say). The remainder is never
//! released; it is known to a reader exactly when it is zero. The unknowns of such an
//! equation are its suppressed cells and its non-zero remainder. Whenever an equation has
//! exactly one unknown that is a suppressed cell or a remainder of 1–4 earners, the smallest
//! released non-zero child is suppressed too (the parent when there is no such child), and
//! the check runs again over every equation until none has such a lone unknown.
//!
//! **What this guarantees.** Given every cell of one row at all five levels (which is what
//! the pattern is computed over, so any set of responses about the same row and snapshot
//! reveals no more than that), no suppressed value and no small remainder can be computed
//! by subtracting released cells along one nesting, nor by any chain of such subtractions:
//! a chain must start at an equation with a single unknown, and the only such equations
//! left have a remainder of five or more earners as their unknown, which appears in no other
//! equation. Not guaranteed: solving several equations with two or more unknowns each as a
//! linear system (overlapping ERs and board areas make some such systems solvable in
//! principle), bounds (a suppressed cell is at most its parent), and a reader who guesses a
//! non-zero remainder. Rows of different skills are not additive (an earner holding two
//! skills counts once in their group), so no equation links them; equal counts get equal
//! treatment, so a group with one skill shows that skill's status.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::hierarchy::NESTINGS;
use super::{Region, RegionHierarchy};

/// Cells with this many distinct earners or fewer (and more than zero) are suppressed.
pub const SUPPRESSION_THRESHOLD: u64 = 4;

/// A released supply figure: a number of distinct earners, or `suppressed`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct SupplyCount {
    /// Distinct earners; `None` when suppressed.
    pub earners: Option<u64>,
    /// True when the figure is withheld (1–4 earners, or hidden so that such a cell cannot be
    /// derived). Never shown as zero.
    pub suppressed: bool,
}

impl SupplyCount {
    /// A released figure.
    pub fn released(earners: u64) -> SupplyCount {
        SupplyCount {
            earners: Some(earners),
            suppressed: false,
        }
    }

    /// A withheld figure.
    pub fn withheld() -> SupplyCount {
        SupplyCount {
            earners: None,
            suppressed: true,
        }
    }
}

/// Whether a count is suppressed by itself.
pub fn is_small(earners: u64) -> bool {
    (1..=SUPPRESSION_THRESHOLD).contains(&earners)
}

/// One additive equation: `parent = Σ children + remainder`, children with non-zero counts.
#[derive(Debug)]
struct Equation {
    parent: Region,
    children: Vec<Region>,
    remainder: u64,
}

/// The cells to suppress in one row: `counts` holds the row's distinct earners per region at
/// every level (absent regions have none).
pub fn suppressed_cells(
    counts: &BTreeMap<Region, u64>,
    hierarchy: &RegionHierarchy,
) -> BTreeSet<Region> {
    let value = |region: &Region| counts.get(region).copied().unwrap_or(0);
    let mut equations = Vec::new();
    for (parent_level, child_level) in NESTINGS {
        for (parent, parent_count) in counts.range(
            Region {
                level: parent_level,
                code: String::new(),
            }..,
        ) {
            if parent.level != parent_level {
                break;
            }
            let children: Vec<Region> = hierarchy
                .children(parent, child_level)
                .map(|code| Region {
                    level: child_level,
                    code: code.to_owned(),
                })
                .filter(|child| value(child) > 0)
                .collect();
            let sum: u64 = children.iter().map(value).sum();
            equations.push(Equation {
                parent: parent.clone(),
                children,
                remainder: parent_count.saturating_sub(sum),
            });
        }
    }
    let mut suppressed: BTreeSet<Region> = counts
        .iter()
        .filter(|(_, count)| is_small(**count))
        .map(|(region, _)| region.clone())
        .collect();
    loop {
        let mut changed = false;
        for equation in &equations {
            let hidden_cells = std::iter::once(&equation.parent)
                .chain(&equation.children)
                .filter(|region| suppressed.contains(*region))
                .count();
            let unknowns = hidden_cells + usize::from(equation.remainder > 0);
            // A lone unknown is harmless only when it is a remainder of five or more.
            let lone_sensitive_unknown =
                unknowns == 1 && (hidden_cells == 1 || is_small(equation.remainder));
            if !lone_sensitive_unknown {
                continue;
            }
            let complement = equation
                .children
                .iter()
                .filter(|child| !suppressed.contains(*child))
                .min_by_key(|child| (value(child), (*child).clone()))
                .or_else(|| (!suppressed.contains(&equation.parent)).then_some(&equation.parent));
            if let Some(complement) = complement {
                suppressed.insert(complement.clone());
                changed = true;
            }
        }
        if !changed {
            return suppressed;
        }
    }
}

/// The released figures of a row: every region of `counts`, suppressed where it must be.
pub fn released(
    counts: &BTreeMap<Region, u64>,
    hierarchy: &RegionHierarchy,
) -> BTreeMap<Region, SupplyCount> {
    let suppressed = suppressed_cells(counts, hierarchy);
    counts
        .iter()
        .map(|(region, earners)| {
            let count = if suppressed.contains(region) {
                SupplyCount::withheld()
            } else {
                SupplyCount::released(*earners)
            };
            (region.clone(), count)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analytics::Level;

    fn region(level: Level, code: &str) -> Region {
        Region {
            level,
            code: code.to_owned(),
        }
    }

    fn hierarchy() -> RegionHierarchy {
        RegionHierarchy::from_places([
            ("A1A", "3501", "3510", "B1"),
            ("A1B", "3501", "3510", "B1"),
            ("A1C", "3502", "3510", "B1"),
            ("A1D", "3503", "3520", "B2"),
        ])
    }

    fn check(cells: &[(Level, &str, u64)], expected: &[(Level, &str)]) {
        let counts: BTreeMap<Region, u64> = cells
            .iter()
            .map(|(level, code, count)| (region(*level, code), *count))
            .collect();
        let expected: BTreeSet<Region> = expected
            .iter()
            .map(|(level, code)| region(*level, code))
            .collect();
        assert_eq!(
            suppressed_cells(&counts, &hierarchy()),
            expected,
            "{cells:?}"
        );
    }

    #[test]
    fn complements_follow_the_nestings() {
        use Level::*;
        // Nothing small: nothing hidden.
        check(&[(Fsa, "A1A", 10), (Fsa, "A1B", 10), (Cd, "3501", 20)], &[]);
        // One small FSA: its smallest sibling goes too.
        check(
            &[
                (Fsa, "A1A", 3),
                (Fsa, "A1B", 10),
                (Cd, "3501", 13),
                (Er, "3510", 13),
                (Board, "B1", 13),
                (Province, "35", 13),
            ],
            &[(Fsa, "A1A"), (Fsa, "A1B")],
        );
        // An only child that is small takes its parent along, and the parent's parent
        // equations then need a complement of their own (3502 under the ER and the board).
        check(
            &[
                (Fsa, "A1C", 2),
                (Cd, "3502", 2),
                (Fsa, "A1A", 9),
                (Cd, "3501", 9),
                (Er, "3510", 11),
                (Board, "B1", 11),
                (Province, "35", 11),
            ],
            &[(Fsa, "A1C"), (Cd, "3502"), (Cd, "3501"), (Fsa, "A1A")],
        );
        // A small remainder (two earners known only to the ER) is protected like a cell.
        check(
            &[
                (Cd, "3501", 9),
                (Cd, "3502", 7),
                (Er, "3510", 18),
                (Province, "35", 18),
            ],
            &[(Cd, "3502")],
        );
    }
}
