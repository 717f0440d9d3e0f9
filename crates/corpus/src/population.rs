//! Where earners live: 2021 census-division populations spread over FSAs.
//!
//! The geography data has populations for census divisions only, and one best CD per FSA
//! (`ontario_fsa_to_cd.csv`). So each CD's population is shared equally among the FSAs whose
//! centre lies in it; a CD with no FSA centre of its own (Prince Edward, 25,704 people) gives
//! its population to the FSA nearest its label point (in the same economic region). Earners
//! are then drawn from FSAs in proportion to these shares: per CD (and so per economic region
//! and board area) they follow the census; within a CD they are uniform over FSAs.

use taxonomy::{Point, Taxonomy};

use crate::Error;
use crate::catalogue::{CdPopulation, cd_populations};

/// The share of Ontario's population the generator places in one FSA.
#[derive(Debug, Clone, PartialEq)]
pub struct FsaPopulation {
    /// FSA.
    pub fsa: String,
    /// Its census division.
    pub cduid: String,
    /// Economic region.
    pub eruid: String,
    /// Planning board area.
    pub wpb_id: String,
    /// FSA centre.
    pub point: Point,
    /// People attributed to it (a share of its CD's 2021 population).
    pub people: f64,
}

/// The FSA population model, sorted by FSA.
pub fn fsa_populations(taxonomy: &Taxonomy) -> Result<Vec<FsaPopulation>, Error> {
    let populations = cd_populations()?;
    fsa_populations_from(taxonomy, &populations)
}

pub(crate) fn fsa_populations_from(
    taxonomy: &Taxonomy,
    populations: &[CdPopulation],
) -> Result<Vec<FsaPopulation>, Error> {
    let regions = taxonomy.regions();
    if regions.fsas.is_empty() {
        return Err(Error::Data("the taxonomy holds no Ontario FSAs".to_owned()));
    }
    let mut model: Vec<FsaPopulation> = regions
        .fsas
        .iter()
        .map(|fsa| FsaPopulation {
            fsa: fsa.code.clone(),
            cduid: fsa.cduid.clone(),
            eruid: fsa.eruid.clone(),
            wpb_id: fsa.wpb_id.clone(),
            point: fsa.point,
            people: 0.0,
        })
        .collect();
    model.sort_by(|a, b| a.fsa.cmp(&b.fsa));
    for cd in populations {
        let members: Vec<usize> = model
            .iter()
            .enumerate()
            .filter(|(_, fsa)| fsa.cduid == cd.cduid)
            .map(|(index, _)| index)
            .collect();
        if members.is_empty() {
            let Some(division) = regions.census_division(&cd.cduid) else {
                return Err(Error::Data(format!(
                    "census division {} ({}) is not in the taxonomy's regions",
                    cd.cduid, cd.name
                )));
            };
            let target = division.label_point;
            let nearest = (0..model.len())
                .min_by(|&a, &b| {
                    distance_km(target, model[a].point)
                        .total_cmp(&distance_km(target, model[b].point))
                        .then(a.cmp(&b))
                })
                .unwrap_or(0);
            model[nearest].people += cd.population as f64;
        } else {
            let share = cd.population as f64 / members.len() as f64;
            for index in members {
                model[index].people += share;
            }
        }
    }
    Ok(model)
}

/// Distance in km, equirectangular. Only +, −, ×, ÷ and √ (all correctly rounded in IEEE
/// 754): libm's trigonometry may differ in the last bit between platforms, and a choice
/// drawn from these weights must not.
pub(crate) fn distance_km(a: Point, b: Point) -> f64 {
    let mid_latitude = (a.lat + b.lat) / 2.0;
    let x = (b.lon - a.lon) * 111.195 * cos_degrees(mid_latitude);
    let y = (b.lat - a.lat) * 111.195;
    (x * x + y * y).sqrt()
}

/// cos of an angle in degrees by its Taylor series (|error| < 1e-5 up to 60°, ample for
/// weights).
fn cos_degrees(degrees: f64) -> f64 {
    let x = degrees * (std::f64::consts::PI / 180.0);
    let x2 = x * x;
    1.0 - x2 / 2.0 + x2 * x2 / 24.0 - x2 * x2 * x2 / 720.0 + x2 * x2 * x2 * x2 / 40_320.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_flat_distance_is_close_to_the_great_circle_one() {
        let toronto = Point {
            lat: 43.6532,
            lon: -79.3832,
        };
        let ottawa = Point {
            lat: 45.4215,
            lon: -75.6972,
        };
        let thunder_bay = Point {
            lat: 48.3809,
            lon: -89.2477,
        };
        for (a, b) in [(toronto, ottawa), (toronto, thunder_bay)] {
            let flat = distance_km(a, b);
            let great_circle = a.distance_km(b);
            assert!(
                (flat - great_circle).abs() / great_circle < 0.01,
                "{flat} {great_circle}"
            );
        }
        assert!((cos_degrees(60.0) - 0.5).abs() < 1e-5);
    }
}
