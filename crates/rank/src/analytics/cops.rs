//! COPS 2024–2033 projections (ESDC, national, by NOC 2021 unit group): context for demand,
//! never mixed into the regional counts.
//!
//! The file is `index-data/demand/cops_summary_2024_2033.csv` (see that folder's
//! `PROVENANCE.md` and `index-data/MANIFEST.tsv`), embedded at build time so that the
//! analytics need no data directory.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

const COPS_CSV: &str = include_str!("../../../../index-data/demand/cops_summary_2024_2033.csv");

/// The projection source, as responses name it.
pub const COPS_SOURCE: &str = "ESDC Canadian Occupational Projection System 2024-2033 (national)";

/// One occupation's projection. Figures are national head counts over 2024–2033, `None`
/// where COPS publishes none.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CopsProjection {
    /// NOC 2021 unit group (five digits), or a COPS aggregate code (`TEER_2`, `NOC1_3`).
    pub noc: String,
    /// English occupation name.
    pub occupation: String,
    /// Employment in 2023.
    pub employment_2023: Option<f64>,
    /// Projected job openings (expansion and replacement).
    pub job_openings: Option<f64>,
    /// Projected job seekers (school leavers, immigration, other).
    pub job_seekers: Option<f64>,
    /// Recent labour market conditions (`Balance`, `Moderate risk of Shortage`, …).
    pub recent_conditions: Option<String>,
    /// Projected conditions over 2024–2033.
    pub future_conditions: Option<String>,
}

/// Every projection by code, parsed once; and how many rows could not be read.
pub fn projections() -> &'static (BTreeMap<String, CopsProjection>, usize) {
    static PARSED: OnceLock<(BTreeMap<String, CopsProjection>, usize)> = OnceLock::new();
    PARSED.get_or_init(|| parse(COPS_CSV))
}

/// The projection of a NOC unit group (`21211`, or unpadded `1111`).
pub fn projection(noc: &str) -> Option<&'static CopsProjection> {
    let noc = noc.trim();
    let key = if !noc.is_empty() && noc.len() < 5 && noc.bytes().all(|byte| byte.is_ascii_digit()) {
        format!("{noc:0>5}")
    } else {
        noc.to_owned()
    };
    projections().0.get(&key)
}

fn parse(text: &str) -> (BTreeMap<String, CopsProjection>, usize) {
    let mut projections = BTreeMap::new();
    let mut unreadable = 0;
    for line in text.lines().skip(1) {
        if line.trim().is_empty() {
            continue;
        }
        let fields = split_csv_line(line);
        let Some(code) = fields.first().map(|code| code.trim()) else {
            unreadable += 1;
            continue;
        };
        if fields.len() < 15 || code.is_empty() {
            unreadable += 1;
            continue;
        }
        let number = |index: usize| fields[index].trim().parse::<f64>().ok();
        let text = |index: usize| {
            let value = fields[index].trim();
            (!value.is_empty()).then(|| value.to_owned())
        };
        // Unit groups lose leading zeros in the published file.
        let noc = if code.bytes().all(|byte| byte.is_ascii_digit()) && code.len() < 5 && code != "0"
        {
            format!("{code:0>5}")
        } else {
            code.to_owned()
        };
        projections.insert(
            noc.clone(),
            CopsProjection {
                noc,
                occupation: fields[1].trim().to_owned(),
                employment_2023: number(3),
                job_openings: number(7),
                job_seekers: number(11),
                recent_conditions: text(12),
                future_conditions: text(14),
            },
        );
    }
    (projections, unreadable)
}

/// Splits one CSV line (quoted fields may hold commas and doubled quotes; the file has no
/// line breaks inside fields).
fn split_csv_line(line: &str) -> Vec<String> {
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',', false) => fields.push(std::mem::take(&mut field)),
            _ => field.push(c),
        }
    }
    fields.push(field);
    fields
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_projections_parse_completely() {
        let (projections, unreadable) = projections();
        assert_eq!(*unreadable, 0);
        assert_eq!(projections.len(), 533);
        let teer = projections.get("TEER_2").expect("an aggregate row");
        assert!(
            teer.occupation
                .starts_with("TEER 2: Occupations usually require")
        );
        let fire = projection("40041").expect("fire chiefs");
        assert_eq!(fire.job_openings, Some(1600.0));
        assert_eq!(fire.recent_conditions.as_deref(), Some("Balance"));
        assert!(
            projections
                .keys()
                .filter(|code| code.bytes().all(|byte| byte.is_ascii_digit()) && *code != "0")
                .all(|code| code.len() == 5)
        );
    }

    #[test]
    fn quoted_fields_keep_their_commas() {
        assert_eq!(
            split_csv_line("1,\"a, b\",\"say \"\"x\"\"\","),
            vec!["1", "a, b", "say \"x\"", ""]
        );
    }
}
