//! `skillproof search`: rank the consenting verified earners of an index for a job, with the
//! same explained results the API returns.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use clap::{Args, ValueEnum};
use jobspec::{JobSpec, NormaliseOptions};
use rank::{CandidatePage, CandidateRequest, JobSpecOptions};
use taxonomy::{LoadOptions, Taxonomy};

use super::Status;

/// Arguments of `skillproof search`.
#[derive(Debug, Args)]
#[command(after_help = "\
Data directory layout:
  DIR/index/   the tantivy index of verified credentials, written by the crawler (one
               writer); opened here read-only, at its last commit

Exit codes: 0 success (also when nobody matches), 2 usage or I/O error (no index in DIR,
a malformed job).")]
pub(crate) struct SearchArgs {
    /// The job: a JobSpec request as JSON (`{\"title\", \"occupation\", \"required\", …}`) or
    /// the text of a job ad (`-` for stdin).
    job: PathBuf,
    /// The data directory holding the index (`DIR/index`).
    #[arg(long, env = "SKILLPROOF_DATA_DIR")]
    data_dir: PathBuf,
    /// Output format; `json` is exactly the API's response.
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
    /// The instant validity and recency are judged at (RFC 3339) [default: now].
    #[arg(long)]
    as_of: Option<String>,
    /// Results to return (at most 100).
    #[arg(long, default_value_t = rank::DEFAULT_LIMIT)]
    limit: usize,
    /// Results to skip (offset + limit at most 1000).
    #[arg(long, default_value_t = 0)]
    offset: usize,
    /// The index-data folder (taxonomies, crosswalks, regions) [default: ./index-data, else
    /// the one beside the source tree].
    #[arg(long, env = "SKILLPROOF_INDEX_DATA")]
    index_data: Option<PathBuf>,
    /// Where to keep the compact taxonomy [default: var/cache next to index-data].
    #[arg(long, env = "SKILLPROOF_CACHE_DIR")]
    cache_dir: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Text,
    Json,
}

fn load_taxonomy(args: &SearchArgs) -> anyhow::Result<Taxonomy> {
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
    Taxonomy::load(&LoadOptions {
        index_data,
        cache_dir: Some(cache_dir),
    })
    .context("loading the taxonomy")
}

pub(crate) fn run(args: SearchArgs) -> anyhow::Result<Status> {
    let index_dir = args.data_dir.join("index");
    if !index_dir.join("meta.json").is_file() {
        bail!(
            "{}: no index here (the crawler writes it to DIR/index; pass --data-dir DIR)",
            index_dir.display()
        );
    }
    let as_of = match &args.as_of {
        Some(text) => rank::explain::parse_rfc3339(text)
            .with_context(|| format!("--as-of {text:?} is not an RFC 3339 instant"))?,
        None => std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .context("the clock is before 1970")?
            .as_secs() as i64,
    };
    let text = if args.job.as_os_str() == "-" {
        std::io::read_to_string(std::io::stdin()).context("reading stdin")?
    } else {
        std::fs::read_to_string(&args.job)
            .with_context(|| format!("reading {}", args.job.display()))?
    };
    let job = jobspec::parse_request(&text).with_context(|| format!("{}", args.job.display()))?;
    let index = index::SkillIndex::open(&index_dir)
        .with_context(|| format!("opening the index at {}", index_dir.display()))?;
    let snapshot = index.snapshot()?;
    let taxonomy = load_taxonomy(&args)?;
    let spec = JobSpec::normalise(&job, &taxonomy, &NormaliseOptions::default());
    let mut request =
        CandidateRequest::from_job_spec(&spec, &taxonomy, as_of, &JobSpecOptions::default())?;
    request.limit = args.limit;
    request.offset = args.offset;
    let page = rank::rank_candidates(&snapshot, &taxonomy, &request)?;
    let mut out = std::io::stdout().lock();
    match args.format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut out, &page)?;
            writeln!(out)?;
        }
        Format::Text => print_text(&mut out, &page)?,
    }
    Ok(Status::Success)
}

fn print_text(out: &mut impl Write, page: &CandidatePage) -> anyhow::Result<()> {
    writeln!(
        out,
        "snapshot {}  ranking {}  as of {}",
        page.snapshot, page.ranking_version, page.as_of
    )?;
    writeln!(out, "requirements:")?;
    for requirement in &page.requirements {
        writeln!(
            out,
            "  {:<4} {:<8} w={:.2}  {}",
            requirement.id,
            requirement.importance.code(),
            requirement.weight,
            requirement.label
        )?;
    }
    for input in &page.unresolved {
        writeln!(out, "  unresolved: {input}")?;
    }
    writeln!(
        out,
        "{} candidates (showing {}–{}); left out: {} lacking a must, {} holding a must-not",
        page.total,
        (page.offset + 1).min(page.total),
        page.offset + page.hits.len(),
        page.excluded.missing_must,
        page.excluded.holding_must_not
    )?;
    for hit in &page.hits {
        writeln!(out)?;
        writeln!(
            out,
            "#{} {}  score {:.4}  ({} verified credentials from {} issuers{})",
            hit.rank,
            hit.earner,
            hit.score,
            hit.verification.credentials,
            hit.verification.issuers,
            hit.locations
                .first()
                .map(|fsa| format!(", {fsa}"))
                .unwrap_or_default()
        )?;
        for matched in &hit.matched {
            writeln!(
                out,
                "  + {:<4} {:<36} {:<15} credit {:.3}",
                matched.requirement,
                truncate(&matched.label, 36),
                matched.match_kind.code(),
                matched.credit
            )?;
            for evidence in matched.evidence.iter().take(3) {
                writeln!(
                    out,
                    "      {} — {} ({}, {} {:.2}, issued {})",
                    truncate(&evidence.achievement.name, 40),
                    evidence
                        .issuer
                        .name
                        .as_deref()
                        .unwrap_or(&evidence.issuer.id),
                    evidence.skill_label,
                    evidence.method.code(),
                    evidence.confidence,
                    evidence
                        .issued_at
                        .as_deref()
                        .and_then(|at| at.get(..10))
                        .unwrap_or("undated")
                )?;
            }
        }
        for missing in &hit.missing {
            writeln!(
                out,
                "  - {:<4} {}",
                missing.requirement,
                truncate(&missing.label, 60)
            )?;
        }
    }
    Ok(())
}

fn truncate(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        text.to_owned()
    } else {
        let kept: String = text.chars().take(width.saturating_sub(1)).collect();
        format!("{kept}…")
    }
}
