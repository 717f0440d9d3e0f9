//! CSV export of gap cells (RFC 4180: comma-separated, CRLF-free `\n` lines, fields quoted
//! when they hold a comma, quote or line break).

use std::fmt::Write as _;

use super::gap::GapReport;

/// The columns, in order:
///
/// | column | meaning |
/// |---|---|
/// | `snapshot_id` | the index snapshot the figures come from |
/// | `skill` | the row: a skill id or a facet path |
/// | `level` | `fsa`, `cd`, `er`, `board` or `province` |
/// | `region` | the region code at that level |
/// | `supply_earners` | distinct verified earners, or `suppressed` |
/// | `demand_postings` | distinct postings and employer requirements over the months |
/// | `demand_vacancies` | their vacancies |
/// | `gap` | `demand_vacancies - supply_earners`, or `suppressed` |
/// | `vacancies_per_holder` | `demand_vacancies / supply_earners` (4 decimals), `suppressed`, or empty when the supply is zero |
pub const CSV_COLUMNS: [&str; 9] = [
    "snapshot_id",
    "skill",
    "level",
    "region",
    "supply_earners",
    "demand_postings",
    "demand_vacancies",
    "gap",
    "vacancies_per_holder",
];

const SUPPRESSED: &str = "suppressed";

/// The report's cells as CSV, header first.
pub fn gap_report_csv(report: &GapReport) -> String {
    let mut out = CSV_COLUMNS.join(",");
    out.push('\n');
    for cell in &report.cells {
        let (supply, gap, ratio) = match cell.supply.earners {
            Some(earners) if !cell.supply.suppressed => (
                earners.to_string(),
                cell.gap.map(|gap| gap.to_string()).unwrap_or_default(),
                cell.vacancies_per_holder
                    .map(|ratio| format!("{ratio:.4}"))
                    .unwrap_or_default(),
            ),
            _ => (
                SUPPRESSED.to_owned(),
                SUPPRESSED.to_owned(),
                SUPPRESSED.to_owned(),
            ),
        };
        let fields = [
            report.provenance.snapshot_id.as_str(),
            cell.skill.as_str(),
            cell.level.code(),
            cell.region.as_str(),
            supply.as_str(),
            &cell.demand_postings.to_string(),
            &cell.demand_vacancies.to_string(),
            gap.as_str(),
            ratio.as_str(),
        ];
        for (position, field) in fields.iter().enumerate() {
            if position > 0 {
                out.push(',');
            }
            push_field(&mut out, field);
        }
        out.push('\n');
    }
    out
}

fn push_field(out: &mut String, field: &str) {
    if field.contains([',', '"', '\n', '\r']) {
        let _ = write!(out, "\"{}\"", field.replace('"', "\"\""));
    } else {
        out.push_str(field);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_quoted_when_needed() {
        for (field, expected) in [
            ("plain", "plain"),
            ("a,b", "\"a,b\""),
            ("say \"hi\"", "\"say \"\"hi\"\"\""),
        ] {
            let mut out = String::new();
            push_field(&mut out, field);
            assert_eq!(out, expected);
        }
    }
}
