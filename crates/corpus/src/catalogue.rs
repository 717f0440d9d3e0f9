//! The curated inputs, embedded at build time from `index-data/` (checked there against
//! `MANIFEST.tsv` like every product input): the demo issuer catalogue, the 2021 census
//! population of Ontario's census divisions, and the COPS 2024–2033 projections.

use serde::Deserialize;

use crate::Error;

/// `index-data/corpus/issuers.json`.
pub const ISSUERS_JSON: &str = include_str!("../../../index-data/corpus/issuers.json");
/// `index-data/corpus/ontario_cd_population_2021.csv` (Statistics Canada, table 98-10-0007-01).
pub const CD_POPULATION_CSV: &str =
    include_str!("../../../index-data/corpus/ontario_cd_population_2021.csv");
/// `index-data/demand/cops_summary_2024_2033.csv` (ESDC COPS 2024–2033, national).
pub const COPS_CSV: &str = include_str!("../../../index-data/demand/cops_summary_2024_2033.csv");

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CatalogueFile {
    #[allow(dead_code)]
    pub(crate) about: String,
    pub(crate) issuers: Vec<IssuerEntry>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct IssuerEntry {
    pub(crate) slug: String,
    pub(crate) institution: String,
    #[serde(default)]
    pub(crate) partner: Option<String>,
    #[serde(default)]
    pub(crate) pilot: Option<String>,
    pub(crate) city: String,
    pub(crate) fsa: String,
    pub(crate) identity: String,
    pub(crate) platform: String,
    pub(crate) capacity: u32,
    #[serde(default)]
    pub(crate) clr: bool,
    #[serde(default)]
    pub(crate) ob2: bool,
    pub(crate) achievements: Vec<AchievementEntry>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct AchievementEntry {
    pub(crate) key: String,
    pub(crate) name: String,
    #[serde(rename = "type")]
    pub(crate) achievement_type: String,
    pub(crate) hours: u32,
    #[serde(default)]
    pub(crate) credits: Option<f64>,
    pub(crate) description: String,
    pub(crate) criteria: String,
    pub(crate) aligned: Vec<String>,
    pub(crate) text: Vec<String>,
}

pub(crate) fn issuers() -> Result<Vec<IssuerEntry>, Error> {
    let file: CatalogueFile = serde_json::from_str(ISSUERS_JSON)
        .map_err(|error| Error::Catalogue(format!("issuers.json: {error}")))?;
    let mut slugs = std::collections::BTreeSet::new();
    for issuer in &file.issuers {
        let slug_ok = !issuer.slug.is_empty()
            && issuer
                .slug
                .bytes()
                .all(|byte| byte.is_ascii_lowercase() || byte.is_ascii_digit());
        if !slug_ok || !slugs.insert(issuer.slug.clone()) {
            return Err(Error::Catalogue(format!(
                "issuers.json: slug {:?} is not a unique lower-case label",
                issuer.slug
            )));
        }
        if issuer.achievements.is_empty() || issuer.capacity == 0 {
            return Err(Error::Catalogue(format!(
                "issuers.json: {} needs achievements and a positive capacity",
                issuer.slug
            )));
        }
        for achievement in &issuer.achievements {
            if achievement.aligned.len() + achievement.text.len() < 2 {
                return Err(Error::Catalogue(format!(
                    "issuers.json: {}/{} needs at least two skills",
                    issuer.slug, achievement.key
                )));
            }
        }
    }
    if file.issuers.is_empty() {
        return Err(Error::Catalogue("issuers.json lists no issuers".to_owned()));
    }
    Ok(file.issuers)
}

/// 2021 census population of one census division.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CdPopulation {
    /// CDUID.
    pub cduid: String,
    /// Name.
    pub name: String,
    /// Population, 2021 Census.
    pub population: u64,
}

/// The census-division populations (49 rows, Ontario total 14,223,942).
pub fn cd_populations() -> Result<Vec<CdPopulation>, Error> {
    let mut reader = csv::Reader::from_reader(CD_POPULATION_CSV.as_bytes());
    let mut rows = Vec::new();
    for record in reader.records() {
        let record =
            record.map_err(|error| Error::Catalogue(format!("population CSV: {error}")))?;
        let field = |index: usize| record.get(index).unwrap_or_default().trim().to_owned();
        let population = field(3).parse::<u64>().map_err(|_| {
            Error::Catalogue(format!("population CSV: bad population {:?}", field(3)))
        })?;
        rows.push(CdPopulation {
            cduid: field(0),
            name: field(1),
            population,
        });
    }
    if rows.is_empty() {
        return Err(Error::Catalogue("population CSV is empty".to_owned()));
    }
    Ok(rows)
}

/// One NOC unit group's projected openings.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct CopsRow {
    pub(crate) noc: String,
    pub(crate) title: String,
    pub(crate) openings: f64,
    pub(crate) future_conditions: String,
}

pub(crate) fn cops() -> Result<Vec<CopsRow>, Error> {
    let mut reader = csv::Reader::from_reader(COPS_CSV.as_bytes());
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|error| Error::Catalogue(format!("COPS CSV: {error}")))?;
        let code = record.get(0).unwrap_or_default().trim();
        // Unit groups only: aggregates are `0`, `TEER_n`, `NOC1_n`.
        if code.is_empty() || !code.bytes().all(|byte| byte.is_ascii_digit()) || code == "0" {
            continue;
        }
        let openings = record
            .get(7)
            .unwrap_or_default()
            .trim()
            .parse::<f64>()
            .unwrap_or(0.0);
        rows.push(CopsRow {
            noc: taxonomy::pad_noc(code),
            title: record.get(1).unwrap_or_default().trim().to_owned(),
            openings: openings.max(0.0),
            future_conditions: record.get(14).unwrap_or_default().trim().to_owned(),
        });
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_inputs_parse() {
        let issuers = issuers().expect("catalogue");
        assert!(issuers.len() >= 13);
        let populations = cd_populations().expect("populations");
        assert_eq!(populations.len(), 49);
        let total: u64 = populations.iter().map(|row| row.population).sum();
        assert_eq!(total, 14_223_942, "Ontario, 2021 Census");
        let cops = cops().expect("cops");
        assert!(cops.len() >= 500);
        assert!(cops.iter().all(|row| row.noc.len() == 5));
    }
}
