//! `skillproof crawl --data-dir DIR [--seed URL]... [--seed-file FILE] [--max-pages N]
//! [--resolve HOST:PORT:ADDR]... [--ca-cert FILE]`
//!
//! Runs one crawl pass (or finishes an interrupted one) into `DIR/index`, with the frontier
//! in `DIR/frontier`, showing the outcome counters live, and prints a per-outcome summary.
//! Exit status: 0 when the pass ran (whatever the outcomes), 2 on a usage or I/O error.

use std::io::{BufRead as _, BufReader, IsTerminal as _, Read as _};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context as _, bail};
use clap::Args;
use crawl::{CrawlConfig, CrawlReport, Crawler, OutcomeCounts};
use indicatif::{ProgressBar, ProgressStyle};
use taxonomy::{LoadOptions, Taxonomy};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::Status;
use crate::network::NetworkArgs;

/// Arguments of `skillproof crawl`.
#[derive(Debug, Args)]
pub(crate) struct CrawlArgs {
    /// The data directory: the index lives in DIR/index, the frontier in DIR/frontier.
    #[arg(long, value_name = "DIR")]
    data_dir: PathBuf,

    /// A URL to start from (repeatable): an issuer site, a sitemap, a credential, an earner's
    /// profile page, a did:web document URL, a hosted Open Badges 2.0 assertion.
    #[arg(long = "seed", value_name = "URL")]
    seeds: Vec<String>,

    /// A file of seed URLs, one per line (`#` starts a comment).
    #[arg(long, value_name = "FILE")]
    seed_file: Option<PathBuf>,

    /// Fetch at most N URLs in this run; the rest stays pending for the next run.
    #[arg(long, value_name = "N")]
    max_pages: Option<u64>,

    /// Follow links at most this far from a seed.
    #[arg(long, value_name = "N", default_value_t = 8)]
    max_depth: u32,

    /// Least time between two requests to one host, in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 1.0)]
    crawl_delay: f64,

    /// Judge validity and status at this instant (RFC 3339) instead of now.
    #[arg(long, value_parser = parse_instant)]
    now: Option<OffsetDateTime>,

    /// The checked-in data folder (taxonomies, geography); found next to the binary's
    /// sources when omitted.
    #[arg(long, value_name = "DIR")]
    index_data: Option<PathBuf>,

    #[command(flatten)]
    network: NetworkArgs,
}

fn parse_instant(text: &str) -> Result<OffsetDateTime, String> {
    OffsetDateTime::parse(text, &Rfc3339)
        .map_err(|error| format!("{text:?} is not an RFC 3339 date-time: {error}"))
}

/// A seed file larger than this is refused.
const MAX_SEED_FILE_BYTES: u64 = 16 * 1024 * 1024;

fn read_seed_file(path: &Path) -> anyhow::Result<Vec<String>> {
    let file = std::fs::File::open(path).with_context(|| format!("{}", path.display()))?;
    let mut seeds = Vec::new();
    let reader = BufReader::new(file.take(MAX_SEED_FILE_BYTES + 1));
    let mut bytes = 0u64;
    for line in reader.lines() {
        let line = line.with_context(|| format!("{}", path.display()))?;
        bytes += line.len() as u64 + 1;
        if bytes > MAX_SEED_FILE_BYTES {
            bail!(
                "{}: larger than {MAX_SEED_FILE_BYTES} bytes",
                path.display()
            );
        }
        let line = line.split('#').next().unwrap_or("").trim();
        if !line.is_empty() {
            seeds.push(line.to_owned());
        }
    }
    Ok(seeds)
}

fn default_index_data() -> PathBuf {
    let local = PathBuf::from("index-data");
    if local.join("MANIFEST.tsv").is_file() {
        return local;
    }
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../index-data")
}

fn load_taxonomy(index_data: Option<PathBuf>) -> anyhow::Result<Taxonomy> {
    let index_data = index_data.unwrap_or_else(default_index_data);
    if !index_data.join("MANIFEST.tsv").is_file() {
        bail!(
            "{}: no MANIFEST.tsv (pass --index-data DIR)",
            index_data.display()
        );
    }
    let cache_dir = index_data.join("..").join("var").join("cache");
    Taxonomy::load(&LoadOptions {
        index_data,
        cache_dir: Some(cache_dir),
    })
    .context("loading the taxonomy")
}

pub(crate) fn run(args: CrawlArgs) -> anyhow::Result<Status> {
    let mut seeds = args.seeds.clone();
    if let Some(path) = &args.seed_file {
        seeds.extend(read_seed_file(path)?);
    }
    if !(0.0..=300.0).contains(&args.crawl_delay) {
        bail!("--crawl-delay must be within 0..300 seconds");
    }
    let mut net_config = args.network.net_config()?;
    net_config.politeness.min_delay = Duration::from_secs_f64(args.crawl_delay);
    let taxonomy = Arc::new(load_taxonomy(args.index_data.clone())?);
    let config = CrawlConfig {
        seeds,
        max_depth: args.max_depth,
        max_pages: args.max_pages,
        now: args.now,
        ..CrawlConfig::default()
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    let report = runtime.block_on(async {
        let mut crawler = Crawler::open(&args.data_dir, net_config, taxonomy.into(), config)
            .with_context(|| format!("opening {}", args.data_dir.display()))?;
        let progress = progress_bar();
        let report = crawler
            .run(&mut |counts| {
                progress.set_message(live(counts));
                progress.tick();
            })
            .await
            .context("crawling")?;
        progress.finish_and_clear();
        anyhow::Ok(report)
    })?;
    print!("{}", summary(&report));
    Ok(Status::Success)
}

fn progress_bar() -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new_spinner();
    bar.set_style(
        ProgressStyle::with_template("{spinner} {elapsed} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    bar.enable_steady_tick(Duration::from_millis(200));
    bar
}

fn live(counts: &OutcomeCounts) -> String {
    format!(
        "{} URLs, {} candidates, {} verified",
        counts.num_urls(),
        counts.num_candidates(),
        counts.candidate(crawl::CandidateOutcome::Verification(
            model::Outcome::Verified
        ))
    )
}

fn summary(report: &CrawlReport) -> String {
    let mut out = format!(
        "crawl pass {}: {} in {:.1?}; {} URLs known, {} pending\n",
        report.pass,
        if report.finished {
            "finished"
        } else {
            "stopped at --max-pages"
        },
        report.elapsed,
        report.known_urls,
        report.pending
    );
    out.push_str(&format!("urls: {}\n", report.counts.num_urls()));
    for (outcome, count) in &report.counts.urls {
        out.push_str(&format!("  {:<20} {count}\n", outcome.code()));
    }
    out.push_str(&format!("candidates: {}\n", report.counts.num_candidates()));
    for (outcome, count) in &report.counts.candidates {
        out.push_str(&format!("  {:<20} {count}\n", outcome.code()));
    }
    let operations = &report.operations;
    out.push_str(&format!(
        "index: {} credentials upserted, {} revoked, {} suspended, {} expired, {} withdrawn by issuer, {} withdrawn by earner; {} demand records upserted, {} deleted\n",
        operations.credentials_upserted,
        operations.credentials_revoked,
        operations.credentials_suspended,
        operations.credentials_expired,
        operations.credentials_withdrawn_by_issuer,
        operations.credentials_withdrawn_by_earner,
        operations.demands_upserted,
        operations.demands_deleted
    ));
    out.push_str(&format!(
        "snapshot {}: {} credentials\n",
        report.snapshot_id, report.num_credentials
    ));
    out
}
