//! `skillproof demo [--addr 127.0.0.1:8080] [--data-dir DIR] [--scale N] [--seed S]
//! [--no-serve] [--rebuild]`: the whole system in one command.
//!
//! Generates the seeded Ontario ecosystem, serves it as issuer, earner and employer sites on
//! loopback HTTPS, crawls it with the real crawler into `DIR/index` (verify, map, index),
//! prints a report, creates one API key per role and serves the API and web UI until ctrl-c
//! or SIGTERM. The work is `crates/demo`; this file draws the progress bars and the report.
//! A data dir built with the same seed and scale is reused.

use std::io::IsTerminal as _;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context as _, bail};
use clap::Args;
use demo::{Built, DemoConfig, Phase, Progress};
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use taxonomy::{LoadOptions, Taxonomy};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::Status;

/// Arguments of `skillproof demo`.
#[derive(Debug, Args)]
pub(crate) struct DemoArgs {
    /// Where the API listens once the data dir is built.
    #[arg(long, alias = "listen", default_value = "127.0.0.1:8080")]
    addr: SocketAddr,

    /// The data dir (index, frontier, keys.json, demo.json); reused when built with the same
    /// seed and scale.
    #[arg(long, value_name = "DIR", default_value = "var/demo")]
    data_dir: PathBuf,

    /// Size: 1 is about 5,000 earners, 20,000 credentials and 2,000 postings; 20 is the
    /// 100,000-earner benchmark size; fractions make smaller demos.
    #[arg(long, value_name = "N", default_value_t = 1.0, value_parser = parse_scale)]
    scale: f64,

    /// Everything in the ecosystem follows from the seed.
    #[arg(long, value_name = "S", default_value_t = 2026)]
    seed: u64,

    /// Stop after building (or reusing) the data dir and printing the report.
    #[arg(long)]
    no_serve: bool,

    /// Throw away a data dir built with another seed or scale and build it again.
    #[arg(long)]
    rebuild: bool,

    /// The instant a fresh build is generated and verified at (RFC 3339) [default: now].
    #[arg(long, value_parser = parse_instant)]
    now: Option<OffsetDateTime>,

    /// The index-data folder [default: ./index-data, else the one beside the source tree].
    #[arg(long, value_name = "DIR")]
    index_data: Option<PathBuf>,

    /// Serve the web UI from this built folder (holding index.html) instead of the copy
    /// built into the binary.
    #[arg(long, value_name = "DIR")]
    web_dir: Option<PathBuf>,
}

fn parse_scale(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(scale) if (0.001..=400.0).contains(&scale) => Ok(scale),
        _ => Err(format!("{text:?} is not a scale within 0.001..400")),
    }
}

fn parse_instant(text: &str) -> Result<OffsetDateTime, String> {
    OffsetDateTime::parse(text, &Rfc3339)
        .map_err(|error| format!("{text:?} is not an RFC 3339 date-time: {error}"))
}

fn default_index_data() -> PathBuf {
    let local = PathBuf::from("index-data");
    if local.join("MANIFEST.tsv").is_file() {
        return local;
    }
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../index-data")
}

pub(crate) fn run(args: DemoArgs) -> anyhow::Result<Status> {
    let bars = Bars::new();
    let index_data = args.index_data.clone().unwrap_or_else(default_index_data);
    if !index_data.join("MANIFEST.tsv").is_file() {
        bail!(
            "{}: no MANIFEST.tsv (pass --index-data DIR)",
            index_data.display()
        );
    }
    let started = Instant::now();
    let spinner = bars.spinner("taxonomy", "loading ESCO, O*NET, NOC and Ontario geography");
    let taxonomy = Arc::new(
        Taxonomy::load(&LoadOptions {
            cache_dir: Some(index_data.join("..").join("var").join("cache")),
            index_data,
        })
        .context("loading the taxonomy")?,
    );
    let taxonomy_time = started.elapsed();
    spinner.finish_with_message(format!("loaded in {taxonomy_time:.1?}"));

    let mut config = DemoConfig::scaled(
        args.data_dir.clone(),
        args.seed,
        args.scale,
        args.now.unwrap_or_else(OffsetDateTime::now_utc),
    );
    config.rebuild = args.rebuild;

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    let mut progress = BarProgress {
        bars: &bars,
        current: None,
    };
    let built = runtime.block_on(async {
        tokio::select! {
            built = demo::build(&config, taxonomy.clone().into(), &mut progress) => {
                built.map(Some).with_context(|| format!("building the demo in {}", config.data_dir.display()))
            }
            () = server::shutdown_signal() => anyhow::Ok(None),
        }
    })?;
    drop(progress);
    let Some(built) = built else {
        bars.clear();
        // Signing may still run on the blocking pool: do not wait for it.
        runtime.shutdown_timeout(Duration::from_millis(500));
        eprintln!(
            "skillproof: interrupted; the next run starts the build again in {}",
            args.data_dir.display()
        );
        return Ok(Status::Success);
    };
    bars.clear();
    print!("{}", report(&built, taxonomy_time, &args.data_dir));
    if args.no_serve {
        return Ok(Status::Success);
    }

    // Keys: one per role; the institution key sees the first demo issuer's reports.
    let institution = built.report.generated.issuer_ids.first().cloned();
    let keys = demo::write_demo_keys(
        &args.data_dir,
        institution.iter().map(|issuer| issuer.id.clone()).collect(),
    )?;
    let mut server_config = server::ServerConfig::new(&args.data_dir);
    server_config.consent_domain = "localhost".to_owned();
    server_config.reload_interval = Some(Duration::from_secs(5));
    server_config.web_dir = args.web_dir.clone();
    let state = server::open_state(&args.data_dir, taxonomy, server_config)
        .with_context(|| format!("opening the data dir {}", args.data_dir.display()))?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(args.addr)
            .await
            .with_context(|| format!("listening on {} (pass --addr)", args.addr))?;
        let address = listener.local_addr().context("the listening address")?;
        print!("{}", welcome(address, &keys, institution.as_ref()));
        server::serve(listener, state, server::shutdown_signal())
            .await
            .context("serving")
    })?;
    eprintln!("skillproof: stopped");
    Ok(Status::Success)
}

/// The progress display: one line per phase, on stderr, only on a terminal.
struct Bars {
    multi: MultiProgress,
}

impl Bars {
    fn new() -> Bars {
        let target = if std::io::stderr().is_terminal() {
            ProgressDrawTarget::stderr()
        } else {
            ProgressDrawTarget::hidden()
        };
        Bars {
            multi: MultiProgress::with_draw_target(target),
        }
    }

    fn spinner(&self, name: &str, message: &str) -> ProgressBar {
        let bar = self.multi.add(ProgressBar::new_spinner());
        bar.set_style(
            ProgressStyle::with_template("{spinner:.green} {prefix:<9} {elapsed:>4} {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        bar.set_prefix(name.to_owned());
        bar.set_message(message.to_owned());
        bar.enable_steady_tick(Duration::from_millis(120));
        bar
    }

    fn bar(&self, name: &str, total: u64) -> ProgressBar {
        let bar = self.multi.add(ProgressBar::new(total));
        bar.set_style(
            ProgressStyle::with_template(
                "{spinner:.green} {prefix:<9} {elapsed:>4} [{bar:30.cyan/blue}] {pos}/{len} URLs ({per_sec}, eta {eta}) {msg}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
        );
        bar.set_prefix(name.to_owned());
        bar.enable_steady_tick(Duration::from_millis(120));
        bar
    }

    fn clear(&self) {
        let _ = self.multi.clear();
    }
}

struct BarProgress<'a> {
    bars: &'a Bars,
    current: Option<ProgressBar>,
}

fn describe(phase: Phase) -> &'static str {
    match phase {
        Phase::Generate => "planning the ecosystem and signing every credential",
        Phase::Publish => "serving issuer, earner and employer sites on loopback HTTPS",
        Phase::Crawl => "fetching, verifying, mapping and indexing",
        Phase::Report => "reading the index",
    }
}

impl Progress for BarProgress<'_> {
    fn start(&mut self, phase: Phase, total: Option<u64>) {
        let bar = match total {
            Some(total) => {
                let bar = self.bars.bar(phase.code(), total);
                bar.set_message(describe(phase));
                bar
            }
            None => self.bars.spinner(phase.code(), describe(phase)),
        };
        self.current = Some(bar);
    }

    fn update(&mut self, done: u64, message: &str) {
        if let Some(bar) = &self.current {
            // Pages the crawler discovers beyond the sites' own count stretch the bar.
            if bar.length().is_some_and(|length| done > length) {
                bar.set_length(done);
            }
            bar.set_position(done);
            bar.set_message(message.to_owned());
        }
    }

    fn finish(&mut self, phase: Phase, elapsed: Duration) {
        if let Some(bar) = self.current.take() {
            // The sites answer more URLs than the crawl reaches (taken-down pages nobody
            // links): the bar ends full at what was crawled.
            if bar.length().is_some() {
                bar.set_length(bar.position());
            }
            bar.finish_with_message(format!("{} done in {elapsed:.1?}", phase.code()));
        }
    }
}

/// The final report: what was generated, crawl outcomes, rejections by reason, the index, and
/// time per phase.
fn report(built: &Built, taxonomy_time: Duration, data_dir: &Path) -> String {
    let report = &built.report;
    let manifest = &built.manifest;
    let generated = &report.generated;
    let mut out = String::new();
    if built.reused {
        out.push_str(&format!(
            "skillproof demo: reusing {} (seed {}, {} earners, built at {}); --rebuild builds it again\n",
            data_dir.display(),
            manifest.seed,
            manifest.earners,
            manifest.now
        ));
    } else {
        out.push_str(&format!(
            "skillproof demo: built {} (seed {}, at {})\n",
            data_dir.display(),
            manifest.seed,
            manifest.now
        ));
    }
    out.push_str(&format!(
        "generated: {} demo issuers, {} earners, {} credentials, {} opt-in presentations, {} job postings on {} hosts ({} URLs)\n",
        generated.issuers,
        generated.earners,
        generated.credentials,
        generated.presentations,
        generated.postings,
        generated.hosts,
        generated.urls
    ));
    let total_urls: u64 = report.urls.values().sum();
    out.push_str(&format!("crawl: {total_urls} URLs\n"));
    for (outcome, count) in &report.urls {
        out.push_str(&format!("  {outcome:<22} {count}\n"));
    }
    let total_candidates: u64 = report.candidates.values().sum();
    out.push_str(&format!(
        "verification: {total_candidates} candidate credentials and presentations\n"
    ));
    for (outcome, count) in &report.candidates {
        out.push_str(&format!("  {outcome:<22} {count}\n"));
    }
    let rejected: u64 = report.rejected.values().sum();
    out.push_str(&format!("rejected (not indexed): {rejected}\n"));
    for (reason, count) in &report.rejected {
        out.push_str(&format!("  {reason:<22} {count}\n"));
    }
    out.push_str(&format!(
        "demand: {} job postings indexed, {} unreadable; {} verified records refused by the index\n",
        report.demand_indexed, report.demand_rejected, report.records_refused
    ));
    let index = &report.index;
    out.push_str(&format!(
        "index: snapshot {}: {} credentials, {} skill claims, {} demand records, {:.1} MB on disk\n",
        index.snapshot,
        index.credentials,
        index.claims,
        index.demands,
        index.bytes as f64 / 1e6
    ));
    out.push_str(&format!(
        "time: taxonomy {:.1} s",
        taxonomy_time.as_secs_f64()
    ));
    for phase in &report.phases {
        out.push_str(&format!(", {} {:.1} s", phase.phase.code(), phase.seconds));
    }
    if built.reused {
        out.push_str(" (when it was built)");
    }
    out.push('\n');
    out
}

/// Where to go and how to use the keys.
fn welcome(
    address: SocketAddr,
    keys: &[demo::DemoKey],
    institution: Option<&demo::DemoIssuer>,
) -> String {
    let base = format!("http://{address}");
    let mut out = String::from("\n");
    out.push_str(&format!(
        "web UI:  {base}/  (paste a key below to sign in)\n"
    ));
    out.push_str(&format!(
        "API:     {base}/api/v1  (OpenAPI at {base}/api/v1/openapi.json)\n\ndemo API keys (new each run; send as `Authorization: Bearer <key>`):\n"
    ));
    for key in keys {
        let bound = match (&key.role, institution) {
            (server::Role::Institution, Some(issuer)) => format!("  sees {}", issuer.name),
            _ => String::new(),
        };
        out.push_str(&format!(
            "  {:<12} {}{bound}\n",
            key.role.as_str(),
            key.secret
        ));
    }
    if let Some(employer) = keys.iter().find(|key| key.role == server::Role::Employer) {
        out.push_str(&format!(
            "\ntry:\n  curl -s {base}/api/v1/search/candidates -H 'Authorization: Bearer {}' \\\n    -H 'Content-Type: application/json' \\\n    -d '{{\"job_text\": \"Data analyst in Kitchener: SQL, data visualisation, teamwork\"}}'\n",
            employer.secret
        ));
    }
    if let (Some(key), Some(issuer)) = (
        keys.iter()
            .find(|key| key.role == server::Role::Institution),
        institution,
    ) {
        out.push_str(&format!(
            "  curl -s '{base}/api/v1/institutions/issuers/{}/report' -H 'Authorization: Bearer {}'\n",
            percent_encode(&issuer.id),
            key.secret
        ));
    }
    out.push_str("\nctrl-c stops the server.\n");
    out
}

/// Percent-encodes a path segment.
fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|byte| {
            if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
                (byte as char).to_string()
            } else {
                format!("%{byte:02X}")
            }
        })
        .collect()
}
