//! Ontario regions: FSA -> census division -> economic region, board areas, names, radius
//! search, and the GeoJSON the map draws.

use taxonomy::{Point, RegionLevel};

use super::support::taxonomy;

#[test]
fn a_postal_code_resolves_up_the_hierarchy() {
    let regions = taxonomy().regions();
    let brantford = regions.resolve("n3t 2j6").expect("N3T");
    assert_eq!(brantford.level, RegionLevel::Fsa);
    assert_eq!(brantford.code, "N3T");
    assert_eq!(
        (
            brantford.cduid.as_deref(),
            brantford.eruid.as_deref(),
            brantford.wpb_id.as_deref()
        ),
        (Some("3529"), Some("3550"), Some("ON-WPB-01"))
    );
    assert_eq!(brantford.facet_path(), "/CA/35/3550/3529/N3T");
    assert_eq!(brantford.matched_as, "postal_code");
    let place = regions.resolve("Brantford").expect("place");
    assert_eq!(place.cduid.as_deref(), Some("3529"));
    assert_eq!(
        regions.resolve("ON-WPB-01").map(|r| r.name),
        Some("Workforce Planning Board of Grand Erie".to_owned())
    );
    assert!(
        regions.resolve("H2X 1Y4").is_none(),
        "a Quebec postal code is not an Ontario FSA"
    );
}

#[test]
fn every_region_is_present_and_consistent() {
    let regions = taxonomy().regions();
    assert_eq!(
        (
            regions.census_divisions.len(),
            regions.economic_regions.len(),
            regions.planning_areas.len()
        ),
        (49, 11, 26)
    );
    assert_eq!(regions.fsas.len(), 527);
    for cd in &regions.census_divisions {
        let er = regions.economic_region(&cd.eruid).expect("ER of a CD");
        assert!(
            er.cduids.contains(&cd.cduid),
            "{} not listed in ER {}",
            cd.cduid,
            er.eruid
        );
        assert!(
            regions
                .planning_area(&cd.wpb_id)
                .is_some_and(|a| a.cduids.contains(&cd.cduid)),
            "{}",
            cd.cduid
        );
        assert_eq!(
            regions.resolve(&cd.cduid).map(|r| r.level),
            Some(RegionLevel::CensusDivision)
        );
    }
    for fsa in &regions.fsas {
        assert!(
            regions.census_division(&fsa.cduid).is_some(),
            "{}",
            fsa.code
        );
    }
    let cd_total: usize = regions
        .economic_regions
        .iter()
        .map(|er| er.cduids.len())
        .sum();
    assert_eq!(cd_total, 49, "every CD in exactly one ER");
}

#[test]
fn radius_search_uses_fsa_distances() {
    let regions = taxonomy().regions();
    let center = regions.fsa("N3T").expect("N3T").point;
    let near = regions.fsas_within(center, 25.0);
    let codes: Vec<&str> = near.iter().map(|(f, _)| f.code.as_str()).collect();
    assert_eq!(codes.first(), Some(&"N3T"));
    assert!(
        codes.contains(&"N3R") && !codes.contains(&"M5V"),
        "{codes:?}"
    );
    assert!(near.windows(2).all(|w| w[0].1 <= w[1].1));
    let km = regions.fsa_distance_km("N3T", "M5V").expect("both known");
    assert!((80.0..110.0).contains(&km), "Brantford-Toronto {km}");
    let located = regions
        .locate_point(Point {
            lat: 43.14,
            lon: -80.26,
        })
        .expect("a point near Brantford");
    assert!(
        located.approximate && located.cduid.as_deref() == Some("3529"),
        "{located:?}"
    );
}

#[test]
fn the_map_polygons_are_bundled() {
    let t = taxonomy();
    for (level, features) in [
        (RegionLevel::CensusDivision, 49),
        (RegionLevel::EconomicRegion, 11),
        (RegionLevel::PlanningArea, 26),
    ] {
        let path = t.geojson_path(level).expect("a file");
        let geojson: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&path).expect("readable")).expect("json");
        assert_eq!(
            geojson["features"].as_array().map(Vec::len),
            Some(features),
            "{}",
            path.display()
        );
    }
}
