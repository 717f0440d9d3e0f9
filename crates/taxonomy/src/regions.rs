//! Ontario geography: FSA -> census division -> economic region, and workforce planning board
//! areas (unions of census divisions). Postal codes are cut to their FSA on input; nothing finer
//! is ever kept.

use serde::{Deserialize, Serialize};

/// A latitude/longitude pair in WGS84 degrees.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Point {
    /// Latitude.
    pub lat: f64,
    /// Longitude.
    pub lon: f64,
}

impl Point {
    /// Great-circle distance in kilometres (haversine, mean Earth radius).
    pub fn distance_km(self, other: Point) -> f64 {
        let (lat1, lat2) = (self.lat.to_radians(), other.lat.to_radians());
        let dlat = lat2 - lat1;
        let dlon = (other.lon - self.lon).to_radians();
        let a = (dlat / 2.0).sin().powi(2) + lat1.cos() * lat2.cos() * (dlon / 2.0).sin().powi(2);
        2.0 * 6371.0088 * a.sqrt().asin()
    }
}

/// A forward sortation area of Ontario.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Fsa {
    /// Three characters, upper case (`N3T`).
    pub code: String,
    /// GeoNames place name.
    pub place: String,
    /// Approximate centre (GeoNames), used for distances.
    pub point: Point,
    /// Census division that contains the centre.
    pub cduid: String,
    /// Economic region.
    pub eruid: String,
    /// Workforce planning board area.
    pub wpb_id: String,
    /// True when the CD was assigned by nearest polygon rather than containment, or the FSA is
    /// rural (`X0X`) and likely spans several CDs.
    pub approximate: bool,
}

/// A census division.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CensusDivision {
    /// Four-digit CDUID (`3529`).
    pub cduid: String,
    /// Name.
    pub name: String,
    /// Statistics Canada CD type (CTY, RM, DIS, …).
    pub cd_type: String,
    /// Economic region.
    pub eruid: String,
    /// Workforce planning board area.
    pub wpb_id: String,
    /// Polygon centroid (for distances).
    pub centroid: Point,
    /// A point inside the polygon (for map pins and labels).
    pub label_point: Point,
}

/// An economic region.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EconomicRegion {
    /// Four-digit ERUID (`3550`).
    pub eruid: String,
    /// Name as published.
    pub name: String,
    /// Member census divisions.
    pub cduids: Vec<String>,
    /// Centroid.
    pub centroid: Point,
    /// Label point.
    pub label_point: Point,
}

/// A local workforce planning board area.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PlanningArea {
    /// Our id, `ON-WPB-01`…`ON-WPB-26` (there is no official code).
    pub wpb_id: String,
    /// Board name.
    pub board_name: String,
    /// Area description.
    pub area_description: String,
    /// Member census divisions.
    pub cduids: Vec<String>,
    /// Economic regions it touches.
    pub eruids: Vec<String>,
    /// Notes on census divisions the board shares with another.
    pub partial_cd_notes: String,
    /// Centroid.
    pub centroid: Point,
    /// Label point.
    pub label_point: Point,
}

/// A populated place (≥ 5,000 people) with its census division.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Place {
    /// Name.
    pub name: String,
    /// Location.
    pub point: Point,
    /// Census division.
    pub cduid: String,
    /// GeoNames population (mixed vintages; ranking only, never summed).
    pub population: u64,
}

/// All Ontario regions.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Regions {
    /// Ontario FSAs, sorted by code.
    pub fsas: Vec<Fsa>,
    /// Census divisions, sorted by CDUID.
    pub census_divisions: Vec<CensusDivision>,
    /// Economic regions, sorted by ERUID.
    pub economic_regions: Vec<EconomicRegion>,
    /// Workforce planning board areas, sorted by id.
    pub planning_areas: Vec<PlanningArea>,
    /// Places, largest first.
    pub places: Vec<Place>,
}

/// Level of a region.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RegionLevel {
    /// Ontario as a whole (`35`).
    Province,
    /// Economic region.
    EconomicRegion,
    /// Census division.
    CensusDivision,
    /// Workforce planning board area.
    PlanningArea,
    /// Forward sortation area.
    Fsa,
}

/// A location input resolved to Ontario's geography.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResolvedLocation {
    /// The finest level the input named.
    pub level: RegionLevel,
    /// Its code (`N3T`, `3529`, `3550`, `ON-WPB-01`, `35`).
    pub code: String,
    /// Its name.
    pub name: String,
    /// FSA, when known (never anything finer).
    pub fsa: Option<String>,
    /// Census division, when the level is CD or finer.
    pub cduid: Option<String>,
    /// Economic region, when the level is ER or finer.
    pub eruid: Option<String>,
    /// Planning board area, when the level is a board area or CD or finer.
    pub wpb_id: Option<String>,
    /// A point for distance searches.
    pub point: Option<Point>,
    /// True when part of the chain is an approximation (FSA spanning several CDs, place centre).
    pub approximate: bool,
    /// How the input was read (`postal_code`, `fsa`, `cduid`, `eruid`, `wpb_id`, `place`, `province`).
    pub matched_as: String,
}

impl ResolvedLocation {
    /// Facet path on the census hierarchy, e.g. `/CA/35/3550/3529/N3T`.
    pub fn facet_path(&self) -> String {
        let mut path = String::from("/CA/35");
        for part in [&self.eruid, &self.cduid, &self.fsa].into_iter().flatten() {
            path.push('/');
            path.push_str(part);
        }
        path
    }
}

/// Cuts a postal code or FSA to its FSA (`n3t 1a1` -> `N3T`); `None` when it is neither.
pub fn coarsen_postal_code(input: &str) -> Option<String> {
    let compact: String = input
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect();
    let upper = compact.to_ascii_uppercase();
    let bytes = upper.as_bytes();
    let fsa_shape = bytes.len() >= 3
        && bytes[0].is_ascii_uppercase()
        && bytes[1].is_ascii_digit()
        && bytes[2].is_ascii_uppercase();
    let rest_shape = match bytes.len() {
        3 => true,
        6 => {
            bytes[3].is_ascii_digit() && bytes[4].is_ascii_uppercase() && bytes[5].is_ascii_digit()
        }
        _ => false,
    };
    (fsa_shape && rest_shape).then(|| upper[..3].to_owned())
}

impl Regions {
    /// The FSA record for a code (any case).
    pub fn fsa(&self, code: &str) -> Option<&Fsa> {
        let upper = code.to_ascii_uppercase();
        self.fsas
            .binary_search_by(|f| f.code.as_str().cmp(&upper))
            .ok()
            .map(|i| &self.fsas[i])
    }

    /// The census division with this CDUID.
    pub fn census_division(&self, cduid: &str) -> Option<&CensusDivision> {
        self.census_divisions.iter().find(|cd| cd.cduid == cduid)
    }

    /// The economic region with this ERUID.
    pub fn economic_region(&self, eruid: &str) -> Option<&EconomicRegion> {
        self.economic_regions.iter().find(|er| er.eruid == eruid)
    }

    /// The planning board area with this id (any case).
    pub fn planning_area(&self, wpb_id: &str) -> Option<&PlanningArea> {
        self.planning_areas
            .iter()
            .find(|area| area.wpb_id.eq_ignore_ascii_case(wpb_id))
    }

    /// Reads any location input: postal code, FSA, CDUID, ERUID, board id, `35`/`Ontario`,
    /// a place name, a CD/ER/board name. Postal codes are cut to their FSA first.
    pub fn resolve(&self, input: &str) -> Option<ResolvedLocation> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return None;
        }
        if let Some(fsa_code) = coarsen_postal_code(trimmed) {
            let fsa = self.fsa(&fsa_code)?;
            let matched_as = if trimmed
                .chars()
                .filter(|c| c.is_ascii_alphanumeric())
                .count()
                > 3
            {
                "postal_code"
            } else {
                "fsa"
            };
            return Some(self.location_of_fsa(fsa, matched_as));
        }
        if trimmed == "35"
            || trimmed.eq_ignore_ascii_case("ontario")
            || trimmed.eq_ignore_ascii_case("ON")
        {
            return Some(ResolvedLocation {
                level: RegionLevel::Province,
                code: "35".into(),
                name: "Ontario".into(),
                fsa: None,
                cduid: None,
                eruid: None,
                wpb_id: None,
                point: None,
                approximate: false,
                matched_as: "province".into(),
            });
        }
        if let Some(cd) = self.census_division(trimmed) {
            return Some(self.location_of_cd(cd, "cduid", false));
        }
        if let Some(er) = self.economic_region(trimmed) {
            return Some(self.location_of_er(er, "eruid"));
        }
        if let Some(area) = self.planning_area(trimmed) {
            return Some(self.location_of_area(area, "wpb_id"));
        }
        let wanted = fold_name(trimmed);
        if let Some(place) = self.places.iter().find(|p| fold_name(&p.name) == wanted) {
            let cd = self.census_division(&place.cduid)?;
            let mut resolved = self.location_of_cd(cd, "place", true);
            resolved.point = Some(place.point);
            resolved.name = format!("{} ({})", place.name, cd.name);
            return Some(resolved);
        }
        if let Some(cd) = self
            .census_divisions
            .iter()
            .find(|cd| fold_name(&cd.name) == wanted)
        {
            return Some(self.location_of_cd(cd, "cd_name", false));
        }
        if let Some(er) = self
            .economic_regions
            .iter()
            .find(|er| fold_name(&er.name) == wanted)
        {
            return Some(self.location_of_er(er, "er_name"));
        }
        self.planning_areas
            .iter()
            .find(|a| fold_name(&a.board_name) == wanted)
            .map(|area| self.location_of_area(area, "board_name"))
    }

    fn location_of_fsa(&self, fsa: &Fsa, matched_as: &str) -> ResolvedLocation {
        ResolvedLocation {
            level: RegionLevel::Fsa,
            code: fsa.code.clone(),
            name: fsa.place.clone(),
            fsa: Some(fsa.code.clone()),
            cduid: Some(fsa.cduid.clone()),
            eruid: Some(fsa.eruid.clone()),
            wpb_id: Some(fsa.wpb_id.clone()),
            point: Some(fsa.point),
            approximate: fsa.approximate,
            matched_as: matched_as.into(),
        }
    }

    fn location_of_cd(
        &self,
        cd: &CensusDivision,
        matched_as: &str,
        approximate: bool,
    ) -> ResolvedLocation {
        ResolvedLocation {
            level: RegionLevel::CensusDivision,
            code: cd.cduid.clone(),
            name: cd.name.clone(),
            fsa: None,
            cduid: Some(cd.cduid.clone()),
            eruid: Some(cd.eruid.clone()),
            wpb_id: Some(cd.wpb_id.clone()),
            point: Some(cd.centroid),
            approximate,
            matched_as: matched_as.into(),
        }
    }

    fn location_of_er(&self, er: &EconomicRegion, matched_as: &str) -> ResolvedLocation {
        ResolvedLocation {
            level: RegionLevel::EconomicRegion,
            code: er.eruid.clone(),
            name: er.name.clone(),
            fsa: None,
            cduid: None,
            eruid: Some(er.eruid.clone()),
            wpb_id: None,
            point: Some(er.centroid),
            approximate: false,
            matched_as: matched_as.into(),
        }
    }

    fn location_of_area(&self, area: &PlanningArea, matched_as: &str) -> ResolvedLocation {
        ResolvedLocation {
            level: RegionLevel::PlanningArea,
            code: area.wpb_id.clone(),
            name: area.board_name.clone(),
            fsa: None,
            cduid: None,
            eruid: None,
            wpb_id: Some(area.wpb_id.clone()),
            point: Some(area.centroid),
            approximate: false,
            matched_as: matched_as.into(),
        }
    }

    /// FSAs whose centre lies within `radius_km` of `center`, nearest first, with distances.
    pub fn fsas_within(&self, center: Point, radius_km: f64) -> Vec<(&Fsa, f64)> {
        let mut hits: Vec<(&Fsa, f64)> = self
            .fsas
            .iter()
            .map(|fsa| (fsa, center.distance_km(fsa.point)))
            .filter(|(_, km)| *km <= radius_km)
            .collect();
        hits.sort_by(|a, b| a.1.total_cmp(&b.1).then_with(|| a.0.code.cmp(&b.0.code)));
        hits
    }

    /// Distance between two FSAs' centres in km.
    pub fn fsa_distance_km(&self, a: &str, b: &str) -> Option<f64> {
        Some(self.fsa(a)?.point.distance_km(self.fsa(b)?.point))
    }

    /// The census division of the nearest FSA centre; for raw coordinates (always approximate).
    pub fn locate_point(&self, point: Point) -> Option<ResolvedLocation> {
        let nearest = self.fsas.iter().min_by(|a, b| {
            point
                .distance_km(a.point)
                .total_cmp(&point.distance_km(b.point))
        })?;
        let mut resolved = self.location_of_fsa(nearest, "coordinates");
        resolved.approximate = true;
        Some(resolved)
    }
}

fn fold_name(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Path of a GeoJSON file, relative to `index-data/`, for the map.
pub fn geojson_file(level: RegionLevel) -> Option<&'static str> {
    match level {
        RegionLevel::CensusDivision => Some("geo/ontario_census_divisions_2021.geojson"),
        RegionLevel::EconomicRegion => Some("geo/ontario_economic_regions_2021.geojson"),
        RegionLevel::PlanningArea => Some("geo/ontario_workforce_planning_areas.geojson"),
        RegionLevel::Province | RegionLevel::Fsa => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postal_codes_are_cut_to_their_fsa() {
        for (input, expected) in [
            ("N3T 1A1", Some("N3T")),
            ("n3t1a1", Some("N3T")),
            ("N3T", Some("N3T")),
            ("n3t-1a1", Some("N3T")),
            ("3529", None),
            ("N3T 1A", None),
            ("Brantford", None),
        ] {
            assert_eq!(coarsen_postal_code(input).as_deref(), expected, "{input}");
        }
    }

    #[test]
    fn haversine_matches_a_known_distance() {
        // Toronto (43.6532, -79.3832) to Ottawa (45.4215, -75.6972): about 352 km.
        let km = Point {
            lat: 43.6532,
            lon: -79.3832,
        }
        .distance_km(Point {
            lat: 45.4215,
            lon: -75.6972,
        });
        assert!((km - 352.0).abs() < 3.0, "{km}");
    }
}
