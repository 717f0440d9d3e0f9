//! `skillproof gaps`: supply, demand and gap cells for a region and its subdivisions, small
//! cells suppressed, as the API returns them (JSON) or as CSV.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use clap::{Args, ValueEnum};
use rank::analytics::{CreditScope, GapRequest, Region, RegionHierarchy, SkillRow};
use taxonomy::{LoadOptions, Taxonomy};

use super::Status;

/// Arguments of `skillproof gaps`.
#[derive(Debug, Args)]
#[command(after_help = "\
Cells: the region itself, then its subdivisions (the province: economic regions and board
areas; those: census divisions; a census division: FSAs). Supply is distinct verified
earners, each in one home region; demand is distinct postings and employer requirements and
their vacancies; gap = demand_vacancies - supply_earners. Cells with 1-4 earners, and cells
that would let one compute them, read `suppressed`.

CSV columns: snapshot_id, skill, level, region, supply_earners, demand_postings,
demand_vacancies, gap, vacancies_per_holder (see crates/rank/ANALYTICS.md).

Exit codes: 0 success, 2 usage or I/O error (no index in DIR, an unknown region).")]
pub(crate) struct GapsArgs {
    /// The data directory holding the index (`DIR/index`).
    #[arg(long, env = "SKILLPROOF_DATA_DIR")]
    data_dir: PathBuf,
    /// The region: `35` (default), an FSA, a census division, an economic region or board
    /// id, or `level:code` (`er:3530`).
    #[arg(long)]
    region: Option<String>,
    /// A skill id (`esco:skill/…`) or a hierarchy path (`/esco/S/S1`); repeatable [default:
    /// every skill group].
    #[arg(long = "skill")]
    skills: Vec<String>,
    /// Output format; `json` is exactly the API's response.
    #[arg(long, value_enum, default_value = "json")]
    format: Format,
    /// Which credentials count on the supply side.
    #[arg(long, value_enum, default_value = "all")]
    scope: Scope,
    /// The instant credentials must be valid at (RFC 3339) [default: now].
    #[arg(long)]
    as_of: Option<String>,
    /// Demand months, inclusive: `2026-01..2026-06`.
    #[arg(long)]
    months: Option<String>,
    /// The index-data folder (regions) [default: ./index-data, else the one beside the source
    /// tree].
    #[arg(long, env = "SKILLPROOF_INDEX_DATA")]
    index_data: Option<PathBuf>,
    /// Where to keep the compact taxonomy [default: var/cache next to index-data].
    #[arg(long, env = "SKILLPROOF_CACHE_DIR")]
    cache_dir: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Json,
    Csv,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Scope {
    All,
    Credit,
    NonCredit,
    NonCreditMicro,
}

fn hierarchy(args: &GapsArgs) -> anyhow::Result<RegionHierarchy> {
    let index_data = args.index_data.clone().unwrap_or_else(|| {
        let local = PathBuf::from("index-data");
        if local.join("MANIFEST.tsv").is_file() {
            local
        } else {
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../index-data")
        }
    });
    if !index_data.join("MANIFEST.tsv").is_file() {
        bail!(
            "{}: no MANIFEST.tsv (pass --index-data DIR)",
            index_data.display()
        );
    }
    let cache_dir = args
        .cache_dir
        .clone()
        .unwrap_or_else(|| index_data.join("..").join("var").join("cache"));
    let taxonomy = Taxonomy::load(&LoadOptions {
        index_data,
        cache_dir: Some(cache_dir),
    })
    .context("loading the taxonomy")?;
    Ok(RegionHierarchy::from_regions(taxonomy.regions()))
}

pub(crate) fn run(args: GapsArgs) -> anyhow::Result<Status> {
    let index_dir = args.data_dir.join("index");
    if !index_dir.join("meta.json").is_file() {
        bail!(
            "{}: no index here (the crawler writes it to DIR/index; pass --data-dir DIR)",
            index_dir.display()
        );
    }
    let as_of = match &args.as_of {
        Some(text) => {
            time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339)
                .with_context(|| format!("--as-of {text:?} is not an RFC 3339 instant"))?
                .unix_timestamp()
        }
        None => std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .context("the clock is before 1970")?
            .as_secs() as i64,
    };
    let months = match &args.months {
        None => None,
        Some(text) => {
            let (first, last) = text
                .split_once("..")
                .with_context(|| format!("--months {text:?} is not FIRST..LAST"))?;
            Some((first.trim().to_owned(), last.trim().to_owned()))
        }
    };
    let hierarchy = hierarchy(&args)?;
    let region = args
        .region
        .as_deref()
        .map(|text| Region::parse(text, &hierarchy))
        .transpose()?;
    let skills = args
        .skills
        .iter()
        .map(|text| SkillRow::parse(text))
        .collect::<Result<Vec<_>, _>>()?;
    let scope = match args.scope {
        Scope::All => CreditScope::All,
        Scope::Credit => CreditScope::Credit,
        Scope::NonCredit => CreditScope::NonCredit,
        Scope::NonCreditMicro => CreditScope::NonCreditMicroCredentials,
    };
    let index = index::SkillIndex::open(&index_dir)
        .with_context(|| format!("opening the index at {}", index_dir.display()))?;
    let snapshot = index.snapshot()?;
    let report = rank::analytics::gap_report(
        &snapshot,
        &hierarchy,
        &GapRequest {
            skills,
            region,
            scope,
            as_of,
            months,
        },
    )?;
    let mut out = std::io::stdout().lock();
    match args.format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut out, &report)?;
            writeln!(out)?;
        }
        Format::Csv => out.write_all(rank::analytics::gap_report_csv(&report).as_bytes())?,
    }
    Ok(Status::Success)
}
