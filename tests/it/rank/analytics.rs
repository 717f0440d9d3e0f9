//! Regional analytics (`rank::analytics`) against a brute-force oracle over the records: exact
//! supply and demand at every level, additivity, small-cell and complementary suppression
//! (checked by an independent differencing attack), deletions, the materialised overview,
//! drill-down, CSV, the institution view and the issuer quality report.
//!
//! The records come from the seeded generator of `tests/support/index.rs` (eight real
//! southern-Ontario FSAs nested in their census divisions, economic regions and board areas)
//! and enter through the test-only verified constructor: the aggregates, not the verifier,
//! are under test here.

use std::collections::{BTreeMap, BTreeSet};

use index::{
    ClaimFilter, DeletionReason, DemandRequest, RegionAttribution, SkillGrouping, SkillIndex,
    SkillRequirement, Snapshot, SupplyRequest, WriterOptions,
};
use model::{CredentialKind, CredentialRecord, RegionRef, RegionSource, SkillMethod};
use rank::analytics::{
    CSV_COLUMNS, CreditScope, DefectKind, DrillRequest, DrillSide, GapReport, GapRequest, Level,
    Overview, OverviewCache, Region, RegionHierarchy, SkillRow, SupplyCount, drill_down,
    gap_report, gap_report_csv, institution_report, quality_report,
};
use skillproof_tests::TestRng;
use skillproof_tests::index::{
    Model, PLACES, distinct_skills, random_credential, random_demand, region_code, verified, within,
};

/// The instant credentials must be valid at: some generated credentials have expired by
/// then and some are not issued yet.
const AS_OF: i64 = 1_750_000_000;

const ROWS: &[&str] = &[
    "esco:skill/data-analysis",
    "esco:skill/statistics",
    "esco:skill/teamwork",
    "esco:skill/health-informatics",
    "local:skill/forestry",
    "/esco",
    "/esco/S",
    "/esco/S/S1",
    "/esco/S/S3",
    "/esco/T/T1",
    "/local",
];

fn rows() -> Vec<SkillRow> {
    ROWS.iter()
        .map(|row| SkillRow::parse(row).expect("row"))
        .collect()
}

fn hierarchy() -> RegionHierarchy {
    RegionHierarchy::from_places(
        PLACES
            .iter()
            .map(|place| (place.fsa, place.cduid, place.eruid, place.wpb_id)),
    )
}

/// Every region of the test geography.
fn all_regions() -> Vec<Region> {
    let mut regions = BTreeSet::new();
    for place in PLACES {
        for (level, code) in [
            (Level::Fsa, place.fsa),
            (Level::Cd, place.cduid),
            (Level::Er, place.eruid),
            (Level::Board, place.wpb_id),
            (Level::Province, "35"),
        ] {
            regions.insert(Region {
                level,
                code: code.to_owned(),
            });
        }
    }
    regions.into_iter().collect()
}

/// Parent → children along the five nestings, stated from the places (not the hierarchy).
fn nestings() -> Vec<(Region, Vec<Region>)> {
    let mut children: BTreeMap<Region, BTreeSet<Region>> = BTreeMap::new();
    let region = |level, code: &str| Region {
        level,
        code: code.to_owned(),
    };
    for place in PLACES {
        let pairs = [
            (
                region(Level::Cd, place.cduid),
                region(Level::Fsa, place.fsa),
            ),
            (
                region(Level::Er, place.eruid),
                region(Level::Cd, place.cduid),
            ),
            (
                region(Level::Board, place.wpb_id),
                region(Level::Cd, place.cduid),
            ),
            (
                region(Level::Province, "35"),
                region(Level::Er, place.eruid),
            ),
        ];
        for (parent, child) in pairs {
            children.entry(parent).or_default().insert(child);
        }
    }
    // The province splits two ways; key the board split apart.
    let mut out: Vec<(Region, Vec<Region>)> = children
        .into_iter()
        .map(|(parent, children)| (parent, children.into_iter().collect()))
        .collect();
    let boards: BTreeSet<Region> = PLACES
        .iter()
        .map(|place| region(Level::Board, place.wpb_id))
        .collect();
    out.push((region(Level::Province, "35"), boards.into_iter().collect()));
    out
}

struct Fixture {
    index: SkillIndex,
    snapshot: Snapshot,
    model: Model,
}

/// `earners` earners with one to three credentials each, and `demands` demand records. With
/// `fully_located`, every located credential has an FSA (so that cells add up without a
/// remainder).
fn fixture(seed: u64, earners: usize, demands: usize, fully_located: bool) -> Fixture {
    let mut rng = TestRng::new(seed);
    let mut model = Model::default();
    for earner in 0..earners {
        for credential in 0..1 + rng.below(3) {
            let id = format!("urn:cred:{earner}-{credential}");
            let findable = rng.below(3) == 0;
            let mut record = random_credential(&mut rng, &id, earner, findable);
            if fully_located {
                let place = PLACES[rng.below(PLACES.len())];
                record.region = Some(RegionRef {
                    fsa: Some(place.fsa.to_owned()),
                    cduid: Some(place.cduid.to_owned()),
                    eruid: Some(place.eruid.to_owned()),
                    wpb_id: Some(place.wpb_id.to_owned()),
                    latitude: Some(place.latitude),
                    longitude: Some(place.longitude),
                    source: RegionSource::Earner,
                });
            }
            model.credentials.insert(id, record);
        }
    }
    for demand in 0..demands {
        let id = format!("urn:demand:{demand}");
        model
            .demands
            .insert(id.clone(), random_demand(&mut rng, &id));
    }
    let index = SkillIndex::create_in_ram().expect("index");
    let mut writer = index.writer(WriterOptions::default()).expect("writer");
    for record in model.credentials.values() {
        writer
            .upsert_credential(&verified(record.clone()))
            .expect("upsert");
    }
    for demand in model.demands.values() {
        writer.upsert_demand(demand).expect("demand");
    }
    let snapshot = writer.commit("analytics").expect("commit");
    Fixture {
        index,
        snapshot,
        model,
    }
}

/// The claim filter a scope means, stated independently of the crate.
fn scope_filter(scope: CreditScope) -> ClaimFilter {
    let mut filter = ClaimFilter {
        valid_at: Some(AS_OF),
        ..ClaimFilter::default()
    };
    match scope {
        CreditScope::All => {}
        CreditScope::Credit => filter.credit = Some(true),
        CreditScope::NonCredit => filter.credit = Some(false),
        CreditScope::NonCreditMicroCredentials => {
            filter.credit = Some(false);
            filter.kinds = vec![CredentialKind::MicroCredential];
        }
    }
    filter
}

fn requirement(row: &str) -> SkillRequirement {
    if row.starts_with('/') {
        SkillRequirement::Within(row.to_owned())
    } else {
        SkillRequirement::Skill(row.to_owned())
    }
}

/// Distinct earners per (row, region) at every level, by brute force.
fn true_supply(
    model: &Model,
    rows: &[&str],
    grouping: SkillGrouping,
    scope: CreditScope,
) -> BTreeMap<(String, Region), u64> {
    let mut out = BTreeMap::new();
    for level in Level::ALL {
        let cells = model.supply(&SupplyRequest {
            skills: if grouping == SkillGrouping::Requirement {
                rows.iter().map(|row| requirement(row)).collect()
            } else {
                Vec::new()
            },
            grouping,
            level: level.index_level(),
            attribution: RegionAttribution::HomeRegion,
            filter: scope_filter(scope),
        });
        for cell in cells {
            if let Some(code) = cell.region {
                out.insert((cell.skill, Region { level, code }), cell.earners);
            }
        }
    }
    out
}

/// (postings, vacancies) per (row, region) over all months, by brute force.
fn true_demand(
    model: &Model,
    rows: &[&str],
    grouping: SkillGrouping,
) -> BTreeMap<(String, Region), (u64, u64)> {
    let mut out: BTreeMap<(String, Region), (u64, u64)> = BTreeMap::new();
    for level in Level::ALL {
        let cells = model.demand_totals(&DemandRequest {
            skills: if grouping == SkillGrouping::Requirement {
                rows.iter().map(|row| requirement(row)).collect()
            } else {
                Vec::new()
            },
            grouping: Some(grouping),
            level: Some(level.index_level()),
            ..DemandRequest::default()
        });
        for cell in cells {
            if let Some(code) = cell.region {
                let entry = out.entry((cell.skill, Region { level, code })).or_default();
                entry.0 += cell.postings;
                entry.1 += cell.vacancies;
            }
        }
    }
    out
}

fn report(
    fixture: &Fixture,
    region: &Region,
    skills: Vec<SkillRow>,
    scope: CreditScope,
) -> GapReport {
    gap_report(
        &fixture.snapshot,
        &hierarchy(),
        &GapRequest {
            skills,
            region: Some(region.clone()),
            scope,
            as_of: AS_OF,
            months: None,
        },
    )
    .expect("gap report")
}

/// Every released cell of every regional report for the rows, keyed by (row, region), with
/// the check that two reports never disagree about a cell.
fn released_everywhere(
    fixture: &Fixture,
    skills: &[SkillRow],
    scope: CreditScope,
) -> BTreeMap<(String, Region), rank::analytics::GapCell> {
    let mut cells: BTreeMap<(String, Region), rank::analytics::GapCell> = BTreeMap::new();
    for region in all_regions() {
        for cell in report(fixture, &region, skills.to_vec(), scope).cells {
            let key = (
                cell.skill.clone(),
                Region {
                    level: cell.level,
                    code: cell.region.clone(),
                },
            );
            if let Some(seen) = cells.get(&key) {
                assert_eq!(seen, &cell, "two reports disagree on {key:?}");
            }
            cells.insert(key, cell);
        }
    }
    cells
}

#[test]
fn supply_and_demand_equal_brute_force_at_every_level() {
    let fixture = fixture(0xA11A, 160, 150, false);
    let mut released_cells = 0;
    let mut small_cells = 0;
    for scope in [
        CreditScope::All,
        CreditScope::Credit,
        CreditScope::NonCreditMicroCredentials,
    ] {
        let supply = true_supply(&fixture.model, ROWS, SkillGrouping::Requirement, scope);
        let demand = true_demand(&fixture.model, ROWS, SkillGrouping::Requirement);
        let cells = released_everywhere(&fixture, &rows(), scope);
        let mut expected_keys: BTreeSet<&(String, Region)> = supply.keys().collect();
        expected_keys.extend(demand.keys());
        // A report shows its own region even when nothing is there.
        let found_keys: BTreeSet<&(String, Region)> = cells
            .iter()
            .filter(|(_, cell)| cell.supply != SupplyCount::released(0) || cell.demand_postings > 0)
            .map(|(key, _)| key)
            .collect();
        assert_eq!(
            found_keys, expected_keys,
            "{scope:?}: cells with anything in them"
        );
        for (key, cell) in &cells {
            let earners = supply.get(key).copied().unwrap_or(0);
            match cell.supply.earners {
                Some(found) => {
                    assert_eq!(found, earners, "{scope:?} {key:?}");
                    assert!(
                        !(1..=4).contains(&earners),
                        "{key:?} released with {earners}"
                    );
                    released_cells += 1;
                }
                None => {
                    assert!(cell.supply.suppressed);
                    assert!(cell.gap.is_none() && cell.vacancies_per_holder.is_none());
                    small_cells += u64::from((1..=4).contains(&earners));
                }
            }
            let (postings, vacancies) = demand.get(key).copied().unwrap_or((0, 0));
            assert_eq!(
                (cell.demand_postings, cell.demand_vacancies),
                (postings, vacancies),
                "{key:?}"
            );
            if let Some(earners) = cell.supply.earners {
                assert_eq!(cell.gap, Some(vacancies as i64 - earners as i64));
            }
        }
    }
    // The data exercise both sides.
    assert!(released_cells > 200, "{released_cells} released");
    assert!(small_cells > 50, "{small_cells} small cells suppressed");
}

#[test]
fn cells_add_up_across_levels() {
    let fixture = fixture(0xADD, 300, 0, true);
    let rows: Vec<SkillRow> = ["/esco", "/esco/S", "/esco/T/T1", "esco:skill/teamwork"]
        .iter()
        .map(|row| SkillRow::parse(row).expect("row"))
        .collect();
    let cells = released_everywhere(&fixture, &rows, CreditScope::All);
    let value = |row: &SkillRow, region: &Region| {
        cells
            .get(&(row.key().to_owned(), region.clone()))
            .map_or(Some(0), |cell| cell.supply.earners)
    };
    let mut checked = 0;
    for row in &rows {
        for (parent, children) in nestings() {
            if parent.level == Level::Cd {
                // FSA cells are small in a corpus this size; CDs and up are the claim.
                continue;
            }
            // Equations with a suppressed term are the suppression test's business.
            let Some(parent_value) = value(row, &parent) else {
                continue;
            };
            let Some(children_values) = children
                .iter()
                .map(|child| value(row, child))
                .collect::<Option<Vec<u64>>>()
            else {
                continue;
            };
            let sum: u64 = children_values.iter().sum();
            assert_eq!(sum, parent_value, "{row:?}: {parent:?} = Σ {children:?}");
            checked += 1;
        }
    }
    // Most equations are fully released at this size.
    assert!(checked >= rows.len() * 7, "{checked} equations checked");
}

/// The attack: every released cell is known, and so is every zero remainder; an equation
/// `parent = Σ children + remainder` with one unknown left gives that unknown away. Repeats
/// until nothing new is learnt, then checks that no suppressed cell and no remainder of 1–4
/// earners was learnt.
fn assert_no_cell_recovered(
    row: &str,
    released: &BTreeMap<Region, Option<u64>>,
    truth: &BTreeMap<Region, u64>,
) {
    #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
    enum Unknown {
        Cell(Region),
        Remainder(Region, Level),
    }
    let value = |region: &Region| truth.get(region).copied().unwrap_or(0);
    let mut equations: Vec<(Vec<Unknown>, u64)> = Vec::new();
    let mut known: BTreeSet<Unknown> = BTreeSet::new();
    for (parent, children) in nestings() {
        if value(&parent) == 0 {
            continue;
        }
        let child_level = children[0].level;
        let remainder = value(&parent) - children.iter().map(value).sum::<u64>();
        let mut terms = vec![
            Unknown::Cell(parent.clone()),
            Unknown::Remainder(parent.clone(), child_level),
        ];
        terms.extend(children.iter().cloned().map(Unknown::Cell));
        if remainder == 0 {
            known.insert(Unknown::Remainder(parent.clone(), child_level));
        }
        equations.push((terms, remainder));
    }
    for region in all_regions() {
        // Absent cells are zeros; released cells are known.
        if released.get(&region).is_none_or(|value| value.is_some()) {
            known.insert(Unknown::Cell(region));
        }
    }
    loop {
        let mut learnt = false;
        for (terms, _) in &equations {
            let unknown: Vec<&Unknown> =
                terms.iter().filter(|term| !known.contains(*term)).collect();
            if unknown.len() == 1 {
                known.insert(unknown[0].clone());
                learnt = true;
            }
        }
        if !learnt {
            break;
        }
    }
    for (region, released_value) in released {
        if released_value.is_none() {
            assert!(
                !known.contains(&Unknown::Cell(region.clone())),
                "{row}: suppressed {region:?} ({}) can be recovered",
                value(region)
            );
        }
    }
    for (terms, remainder) in &equations {
        if (1..=4).contains(remainder) {
            assert!(
                !known.contains(&terms[1]),
                "{row}: remainder {remainder} of {:?} can be recovered",
                terms[1]
            );
        }
    }
}

#[test]
fn small_cells_are_suppressed_and_cannot_be_recovered_by_differencing() {
    // Few earners: many small cells, at every level.
    for (seed, earners, fully_located) in
        [(0x5A11, 45, false), (0x5A12, 70, true), (0x5A13, 25, false)]
    {
        let fixture = fixture(seed, earners, 40, fully_located);
        let truth = true_supply(
            &fixture.model,
            ROWS,
            SkillGrouping::Requirement,
            CreditScope::All,
        );
        let cells = released_everywhere(&fixture, &rows(), CreditScope::All);
        let mut primary = 0;
        let mut complementary = 0;
        for row in ROWS {
            let row_truth: BTreeMap<Region, u64> = truth
                .iter()
                .filter(|((skill, _), _)| skill == row)
                .map(|((_, region), earners)| (region.clone(), *earners))
                .collect();
            let released: BTreeMap<Region, Option<u64>> = cells
                .iter()
                .filter(|((skill, _), _)| skill == row)
                .map(|((_, region), cell)| (region.clone(), cell.supply.earners))
                .collect();
            for (region, earners) in &row_truth {
                let shown = released.get(region).copied().flatten();
                if (1..=4).contains(earners) {
                    assert_eq!(shown, None, "{row} {region:?} shows {earners}");
                    primary += 1;
                } else if shown.is_none() {
                    complementary += 1;
                }
            }
            assert_no_cell_recovered(row, &released, &row_truth);
        }
        assert!(primary > 20, "seed {seed:x}: {primary} small cells");
        assert!(
            complementary > 5,
            "seed {seed:x}: {complementary} complements"
        );
    }
}

#[test]
fn suppressed_cells_are_marked_in_json_and_csv() {
    let fixture = fixture(0xC5F, 40, 30, false);
    let report = report(&fixture, &Region::province(), rows(), CreditScope::All);
    let json = serde_json::to_value(&report).expect("json");
    assert_eq!(
        json["provenance"]["snapshot_id"],
        fixture.snapshot.id().as_str()
    );
    assert_eq!(json["provenance"]["ranking_version"], rank::RANKING_VERSION);
    assert_eq!(json["provenance"]["taxonomy_versions"]["esco"], "1.1.1");
    assert!(
        json["method"]
            .as_str()
            .is_some_and(|method| method.starts_with("gap = "))
    );
    let suppressed = report
        .cells
        .iter()
        .filter(|cell| cell.supply.suppressed)
        .count();
    assert!(suppressed > 0);
    for (cell, value) in report
        .cells
        .iter()
        .zip(json["cells"].as_array().expect("cells"))
    {
        if cell.supply.suppressed {
            assert_eq!(
                value["supply"],
                serde_json::json!({"earners": null, "suppressed": true})
            );
        }
    }
    let csv = gap_report_csv(&report);
    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some(CSV_COLUMNS.join(",").as_str()));
    assert_eq!(
        CSV_COLUMNS,
        [
            "snapshot_id",
            "skill",
            "level",
            "region",
            "supply_earners",
            "demand_postings",
            "demand_vacancies",
            "gap",
            "vacancies_per_holder"
        ]
    );
    let body: Vec<&str> = lines.collect();
    assert_eq!(body.len(), report.cells.len());
    for (line, cell) in body.iter().zip(&report.cells) {
        let fields: Vec<&str> = line.split(',').collect();
        assert_eq!(fields.len(), CSV_COLUMNS.len(), "{line}");
        assert_eq!(fields[0], fixture.snapshot.id().as_str());
        assert_eq!(fields[1], cell.skill);
        assert_eq!(fields[2], cell.level.code());
        assert_eq!(fields[3], cell.region);
        assert_eq!(fields[5], cell.demand_postings.to_string());
        assert_eq!(fields[6], cell.demand_vacancies.to_string());
        match cell.supply.earners {
            None => assert_eq!(
                [fields[4], fields[7], fields[8]],
                ["suppressed", "suppressed", "suppressed"]
            ),
            Some(earners) => {
                assert_eq!(fields[4], earners.to_string());
                assert_eq!(
                    fields[7],
                    (cell.demand_vacancies as i64 - earners as i64).to_string()
                );
                let ratio = if earners > 0 {
                    format!("{:.4}", cell.demand_vacancies as f64 / earners as f64)
                } else {
                    String::new()
                };
                assert_eq!(fields[8], ratio);
            }
        }
    }
}

#[test]
fn deleted_credentials_vanish_from_every_aggregate_at_the_next_commit() {
    let mut fixture = fixture(0xDE1, 120, 20, false);
    let rows = rows();
    let before = released_everywhere(&fixture, &rows, CreditScope::All);
    // Revoke, expire and withdraw by the issuer one credential each, and withdraw one earner.
    let ids: Vec<String> = fixture.model.credentials.keys().take(3).cloned().collect();
    let withdrawn_earner = fixture
        .model
        .credentials
        .values()
        .nth(40)
        .map(|record| record.earner.key.clone())
        .expect("an earner");
    let mut writer = fixture
        .index
        .writer(WriterOptions::default())
        .expect("writer");
    for (id, reason) in ids.iter().zip([
        DeletionReason::Revoked,
        DeletionReason::Expired,
        DeletionReason::WithdrawnByIssuer,
    ]) {
        writer.delete_credential(id, reason).expect("delete");
        fixture.model.credentials.remove(id);
    }
    writer.withdraw_earner(&withdrawn_earner).expect("withdraw");
    let removed: Vec<String> = fixture
        .model
        .credentials
        .iter()
        .filter(|(_, record)| record.earner.key == withdrawn_earner)
        .map(|(id, _)| id.clone())
        .collect();
    for id in &removed {
        fixture.model.credentials.remove(id);
    }
    let old_snapshot = fixture.snapshot.id().clone();
    fixture.snapshot = writer.commit("after-deletes").expect("commit");
    assert_ne!(fixture.snapshot.id(), &old_snapshot);
    let truth = true_supply(
        &fixture.model,
        ROWS,
        SkillGrouping::Requirement,
        CreditScope::All,
    );
    let after = released_everywhere(&fixture, &rows, CreditScope::All);
    assert_ne!(before, after, "the deletions changed nothing");
    for (key, cell) in &after {
        if let Some(earners) = cell.supply.earners {
            assert_eq!(earners, truth.get(key).copied().unwrap_or(0), "{key:?}");
        }
    }
    // Nor are they a source of any cell.
    let gone: BTreeSet<&String> = ids.iter().chain(&removed).collect();
    for region in [
        Region::province(),
        Region {
            level: Level::Er,
            code: "3550".to_owned(),
        },
    ] {
        let page = drill_down(
            &fixture.snapshot,
            &hierarchy(),
            &DrillRequest {
                skill: SkillRow::parse("/esco").expect("row"),
                region: region.clone(),
                side: DrillSide::Supply,
                scope: CreditScope::All,
                as_of: AS_OF,
                months: None,
                page: 0,
                page_size: 100,
            },
        )
        .expect("drill");
        assert!(page.ids.iter().all(|id| !gone.contains(id)), "{region:?}");
    }
}

#[test]
fn the_overview_is_materialised_per_snapshot_and_equals_the_on_demand_answer() {
    let mut fixture = fixture(0x0E1, 150, 80, false);
    let hierarchy = hierarchy();
    let cache = OverviewCache::new(4);
    let first = cache
        .get(&fixture.snapshot, &hierarchy, CreditScope::All, AS_OF, None)
        .expect("overview");
    let again = cache
        .get(&fixture.snapshot, &hierarchy, CreditScope::All, AS_OF, None)
        .expect("overview");
    assert!(std::sync::Arc::ptr_eq(&first, &again));
    assert_eq!(cache.computations(), 1);
    // Equal to the on-demand answer for every region it covers, and to the brute force.
    let truth = true_supply(
        &fixture.model,
        &[],
        SkillGrouping::FacetDepth(3),
        CreditScope::All,
    );
    let demand = true_demand(&fixture.model, &[], SkillGrouping::FacetDepth(3));
    let mut compared = 0;
    for region in all_regions() {
        if region.level == Level::Fsa {
            continue;
        }
        let on_demand = report(&fixture, &region, Vec::new(), CreditScope::All);
        let own: Vec<_> = on_demand
            .cells
            .iter()
            .filter(|cell| cell.level == region.level && cell.region == region.code)
            .cloned()
            .collect();
        let materialised: Vec<_> = first.region_cells(&region).cloned().collect();
        assert_eq!(materialised, own, "{region:?}");
        for cell in &own {
            let key = (cell.skill.clone(), region.clone());
            if let Some(earners) = cell.supply.earners {
                assert_eq!(earners, truth.get(&key).copied().unwrap_or(0), "{key:?}");
            }
            assert_eq!(
                (cell.demand_postings, cell.demand_vacancies),
                demand.get(&key).copied().unwrap_or((0, 0))
            );
            compared += 1;
        }
    }
    assert!(compared > 30, "{compared} cells compared");
    // A commit that changes the content gives a new snapshot id and a new overview.
    let mut writer = fixture
        .index
        .writer(WriterOptions::default())
        .expect("writer");
    let id = fixture
        .model
        .credentials
        .keys()
        .next()
        .cloned()
        .expect("a credential");
    writer
        .delete_credential(&id, DeletionReason::Revoked)
        .expect("delete");
    fixture.snapshot = writer.commit("next").expect("commit");
    let next = cache
        .get(&fixture.snapshot, &hierarchy, CreditScope::All, AS_OF, None)
        .expect("overview");
    assert_eq!(cache.computations(), 2);
    assert_ne!(
        next.report.provenance.snapshot_id,
        first.report.provenance.snapshot_id
    );
    let recomputed =
        Overview::compute(&fixture.snapshot, &hierarchy, CreditScope::All, AS_OF, None)
            .expect("overview");
    assert_eq!(next.report, recomputed.report);
}

/// Credential ids whose claims of `row` are located in `region` and pass the scope's filter.
fn true_sources(model: &Model, row: &str, region: &Region) -> Vec<String> {
    let filter = scope_filter(CreditScope::All);
    let mut ids: Vec<String> = model
        .claims(&[requirement(row)], &filter)
        .into_iter()
        .filter(|(claim, _)| {
            region_code(claim.record.region.as_ref(), region.level.index_level()).as_deref()
                == Some(region.code.as_str())
        })
        .map(|(claim, _)| claim.record.credential_id.clone())
        .collect();
    ids.sort();
    ids.dedup();
    ids
}

#[test]
fn drill_down_lists_the_sources_of_released_cells_only() {
    let fixture = fixture(0xD11, 60, 120, false);
    let hierarchy = hierarchy();
    let cells = released_everywhere(&fixture, &rows(), CreditScope::All);
    let (mut opened, mut refused) = (0, 0);
    for ((row, region), cell) in &cells {
        let request = |side, page| DrillRequest {
            skill: SkillRow::parse(row).expect("row"),
            region: region.clone(),
            side,
            scope: CreditScope::All,
            as_of: AS_OF,
            months: None,
            page,
            page_size: 7,
        };
        // Supply: page through everything.
        let mut ids = Vec::new();
        let mut page_number = Some(0);
        while let Some(number) = page_number {
            let page = drill_down(
                &fixture.snapshot,
                &hierarchy,
                &request(DrillSide::Supply, number),
            )
            .expect("drill");
            assert_eq!(page.suppressed, cell.supply.suppressed);
            if page.suppressed {
                assert!(page.ids.is_empty() && page.total.is_none());
                refused += 1;
                break;
            }
            assert!(page.ids.len() <= 7);
            ids.extend(page.ids);
            page_number = page.next_page;
        }
        if !cell.supply.suppressed {
            let total = ids.len();
            ids.sort();
            ids.dedup();
            assert_eq!(ids.len(), total, "pages overlap");
            assert_eq!(
                ids,
                true_sources(&fixture.model, row, region),
                "{row} {region:?}"
            );
            opened += 1;
        }
        // Demand: the records counted in the cell.
        let page = drill_down(
            &fixture.snapshot,
            &hierarchy,
            &request(DrillSide::Demand, 0),
        )
        .expect("drill");
        assert_eq!(page.total, Some(cell.demand_postings), "{row} {region:?}");
        for id in &page.ids {
            let record = &fixture.model.demands[id];
            assert!(distinct_skills(&record.skills).iter().any(|skill| {
                if row.starts_with('/') {
                    skill.facets.iter().any(|facet| within(facet, row))
                } else {
                    skill.id == *row
                }
            }));
        }
        if let Some(first) = page.ids.first() {
            let noc = fixture.model.demands[first]
                .noc
                .clone()
                .expect("generated with a NOC");
            assert!(
                page.cops.iter().any(|projection| projection.noc == noc),
                "{noc}"
            );
        }
    }
    assert!(
        opened > 20 && refused > 5,
        "{opened} opened, {refused} refused"
    );
    let bad = DrillRequest {
        skill: SkillRow::parse("/esco").expect("row"),
        region: Region::province(),
        side: DrillSide::Supply,
        scope: CreditScope::All,
        as_of: AS_OF,
        months: None,
        page: 0,
        page_size: 1000,
    };
    let error = drill_down(&fixture.snapshot, &hierarchy, &bad).expect_err("page too large");
    assert_eq!(error.code(), "invalid_request");
}

#[test]
fn bad_requests_are_errors_with_a_code() {
    let fixture = fixture(0xBAD, 10, 5, false);
    let hierarchy = hierarchy();
    let base = GapRequest {
        skills: Vec::new(),
        region: None,
        scope: CreditScope::All,
        as_of: AS_OF,
        months: None,
    };
    let cases: Vec<(&str, GapRequest)> = vec![
        (
            "unknown region",
            GapRequest {
                region: Some(Region {
                    level: Level::Cd,
                    code: "9999".to_owned(),
                }),
                ..base.clone()
            },
        ),
        (
            "month not YYYY-MM",
            GapRequest {
                months: Some(("2026-1".to_owned(), "2026-02".to_owned())),
                ..base.clone()
            },
        ),
        (
            "empty month range",
            GapRequest {
                months: Some(("2026-03".to_owned(), "2026-02".to_owned())),
                ..base.clone()
            },
        ),
        (
            "too many rows",
            GapRequest {
                skills: (0..65)
                    .map(|i| SkillRow::Skill(format!("esco:skill/{i}")))
                    .collect(),
                ..base.clone()
            },
        ),
    ];
    for (name, request) in cases {
        let error = gap_report(&fixture.snapshot, &hierarchy, &request).expect_err(name);
        assert_eq!(error.code(), "invalid_request", "{name}");
    }
    for (text, expected) in [
        ("35", Some(Region::province())),
        (
            "n3t",
            Some(Region {
                level: Level::Fsa,
                code: "N3T".to_owned(),
            }),
        ),
        (
            "3529",
            Some(Region {
                level: Level::Cd,
                code: "3529".to_owned(),
            }),
        ),
        (
            "er:3530",
            Some(Region {
                level: Level::Er,
                code: "3530".to_owned(),
            }),
        ),
        (
            "WPB-GE",
            Some(Region {
                level: Level::Board,
                code: "WPB-GE".to_owned(),
            }),
        ),
        ("cd:3550", None),
        ("X9X", None),
        ("", None),
    ] {
        assert_eq!(Region::parse(text, &hierarchy).ok(), expected, "{text}");
    }
}

#[test]
fn the_institution_view_and_quality_report_follow_the_records() {
    let fixture = fixture(0x1757, 200, 100, false);
    let hierarchy = hierarchy();
    let issuer = "did:web:conestoga.example";
    let view = institution_report(
        &fixture.snapshot,
        &hierarchy,
        &rank::analytics::InstitutionRequest {
            issuer: issuer.to_owned(),
            as_of: AS_OF,
            months: None,
            level: Level::Er,
        },
    )
    .expect("institution view");
    // Holders per achievement, by brute force.
    let filter = ClaimFilter {
        issuers: vec![issuer.to_owned()],
        valid_at: Some(AS_OF),
        ..ClaimFilter::default()
    };
    let mut holders: BTreeMap<Option<String>, BTreeSet<String>> = BTreeMap::new();
    let mut skills: BTreeMap<Option<String>, BTreeSet<String>> = BTreeMap::new();
    for (claim, _) in fixture.model.claims(&[], &filter) {
        let achievement = claim.record.achievement.id.clone();
        holders
            .entry(achievement.clone())
            .or_default()
            .insert(claim.record.earner.key.clone());
        skills
            .entry(achievement)
            .or_default()
            .insert(claim.skill.id.clone());
    }
    let found: BTreeMap<Option<String>, (SupplyCount, Vec<String>)> = view
        .achievements
        .iter()
        .map(|achievement| {
            (
                achievement.achievement_id.clone(),
                (achievement.holders, achievement.skills.clone()),
            )
        })
        .collect();
    let expected: BTreeMap<Option<String>, (SupplyCount, Vec<String>)> = holders
        .iter()
        .map(|(achievement, earners)| {
            let count = earners.len() as u64;
            let shown = if (1..=4).contains(&count) {
                SupplyCount::withheld()
            } else {
                SupplyCount::released(count)
            };
            let skills = skills[achievement].iter().cloned().collect();
            (achievement.clone(), (shown, skills))
        })
        .collect();
    assert_eq!(found, expected);
    // Demand per skill equals the brute force at the economic-region level.
    for achievement in &view.achievements {
        for skill_demand in &achievement.demand {
            let cells = fixture.model.demand_totals(&DemandRequest {
                skills: vec![SkillRequirement::Skill(skill_demand.skill.clone())],
                grouping: Some(SkillGrouping::Requirement),
                level: Some(Level::Er.index_level()),
                ..DemandRequest::default()
            });
            let expected: Vec<(String, String, u64, u64)> = cells
                .into_iter()
                .filter_map(|cell| Some((cell.region?, cell.month, cell.postings, cell.vacancies)))
                .collect();
            let found: Vec<(String, String, u64, u64)> = skill_demand
                .demand
                .iter()
                .map(|cell| {
                    (
                        cell.region.clone(),
                        cell.month.clone(),
                        cell.postings,
                        cell.vacancies,
                    )
                })
                .collect();
            assert_eq!(found, expected, "{}", skill_demand.skill);
        }
        assert!(
            achievement
                .gaps
                .iter()
                .all(|cell| achievement.skills.contains(&cell.skill))
        );
    }

    let quality = quality_report(&fixture.snapshot, issuer).expect("quality");
    let records: Vec<&CredentialRecord> = fixture
        .model
        .credentials
        .values()
        .filter(|record| record.issuer.id == issuer)
        .collect();
    assert_eq!(quality.credentials, records.len() as u64);
    let count = |predicate: &dyn Fn(&CredentialRecord) -> bool| {
        records.iter().filter(|record| predicate(record)).count() as u64
    };
    let expected: BTreeMap<DefectKind, u64> = [
        (
            DefectKind::NoSkills,
            count(&|record| record.skills.is_empty()),
        ),
        (
            DefectKind::FreeTextSkillsOnly,
            count(&|record| {
                !record.skills.is_empty()
                    && record
                        .skills
                        .iter()
                        .all(|skill| skill.method != SkillMethod::Alignment)
            }),
        ),
        (
            DefectKind::NoDescription,
            count(&|record| record.achievement.description.is_none()),
        ),
        (
            DefectKind::NoAchievementId,
            count(&|record| record.achievement.id.is_none()),
        ),
        // The test summaries record a signature check and no status check.
        (DefectKind::NoStatusList, records.len() as u64),
        (
            DefectKind::NoLocation,
            count(&|record| record.region.is_none()),
        ),
    ]
    .into_iter()
    .filter(|(_, count)| *count > 0)
    .collect();
    assert_eq!(quality.counts, expected);
    let linked: BTreeSet<&str> = quality
        .defects
        .iter()
        .map(|defect| defect.credential_id.as_str())
        .collect();
    assert!(
        linked
            .iter()
            .all(|id| fixture.model.credentials[*id].issuer.id == issuer)
    );
    assert!(!quality.not_recorded.is_empty());
}
