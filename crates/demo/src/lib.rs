//! The whole system in one command (`skillproof demo`), as a library so that the tests run
//! exactly what the command runs.
//!
//! The one design decision: nothing is pre-baked. [`build`] generates the seeded Ontario
//! ecosystem (`corpus`: signing every credential), publishes it as a web of issuer, earner
//! and employer sites over HTTPS on a loopback port with a CA made for this run, and fills
//! the data dir with the real crawler (`crawl`: fetch through `net`'s SSRF guard with
//! loopback allowed only for the pinned demo hosts, verify, map, index). The data dir then
//! holds an index like any crawl's; [`write_demo_keys`] adds one API key per role for the
//! query server. `DATA_DIR/demo.json` records what was built (seed, sizes, instant, port)
//! and the report, so a second run with the same seed and sizes reuses the data dir instead
//! of generating and crawling again.

mod web;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use corpus::{CorpusConfig, Ecosystem};
use crawl::{CandidateOutcome, CrawlConfig, Crawler, OutcomeCounts, TaxonomyHandle};
use model::Outcome;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use tokio::net::TcpListener;

/// The demo's default sizes (`--scale 1`): earners, postings, job requirements.
pub const DEFAULT_EARNERS: usize = 5_000;
/// Job postings at `--scale 1`.
pub const DEFAULT_POSTINGS: usize = 2_000;
/// Job requirements with ground truth (they do not grow with the scale).
pub const DEFAULT_REQUIREMENTS: usize = 48;

/// The version of `demo.json`; a data dir of another version is rebuilt only on request.
const MANIFEST_FORMAT: u32 = 1;

/// Why the demo could not be built. Stable snake_case codes through [`Error::code`].
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The data dir holds an index that the demo did not build.
    #[error("{0}: holds an index or frontier but no demo.json; choose another --data-dir")]
    NotDemoDir(String),
    /// The data dir was built with another seed or size.
    #[error("{dir}: built with {built}, not {asked}; pass --rebuild or another --data-dir")]
    Mismatch {
        /// The data dir.
        dir: String,
        /// What it holds.
        built: String,
        /// What was asked.
        asked: String,
    },
    /// The configuration is out of range.
    #[error("invalid demo configuration: {0}")]
    InvalidConfig(String),
    /// Generating the ecosystem failed.
    #[error("generating the ecosystem: {0}")]
    Corpus(#[from] corpus::Error),
    /// The crawl failed (not an outcome of a URL: those are counted).
    #[error("crawling: {0}")]
    Crawl(#[from] crawl::Error),
    /// Reading the index failed.
    #[error("index: {0}")]
    Index(#[from] index::Error),
    /// The run's certificate could not be made.
    #[error("tls: {0}")]
    Tls(String),
    /// A file of the data dir could not be read or written.
    #[error("{path}: {message}")]
    Io {
        /// The file.
        path: String,
        /// What went wrong.
        message: String,
    },
    /// The API keys could not be written.
    #[error("keys: {0}")]
    Keys(#[from] server::auth::KeysError),
    /// A task of ours died (a bug).
    #[error("internal: {0}")]
    Internal(String),
}

impl Error {
    /// A stable snake_case code.
    pub fn code(&self) -> &'static str {
        match self {
            Error::NotDemoDir(_) => "not_demo_dir",
            Error::Mismatch { .. } => "data_dir_mismatch",
            Error::InvalidConfig(_) => "invalid_config",
            Error::Corpus(_) => "corpus",
            Error::Crawl(_) => "crawl",
            Error::Index(_) => "index",
            Error::Tls(_) => "tls",
            Error::Io { .. } => "io",
            Error::Keys(_) => "keys",
            Error::Internal(_) => "internal",
        }
    }
}

fn io_error(path: &Path, error: impl std::fmt::Display) -> Error {
    Error::Io {
        path: path.display().to_string(),
        message: error.to_string(),
    }
}

/// What to build.
#[derive(Debug, Clone)]
pub struct DemoConfig {
    /// Where the index, the frontier, `keys.json` and `demo.json` live.
    pub data_dir: PathBuf,
    /// Everything in the ecosystem follows from it.
    pub seed: u64,
    /// Earners.
    pub earners: usize,
    /// Job postings.
    pub postings: usize,
    /// Job requirements with ground truth.
    pub requirements: usize,
    /// The instant a fresh build is generated and verified at (a reused data dir keeps its
    /// own, recorded in `demo.json`).
    pub now: OffsetDateTime,
    /// Throw away a data dir built with other settings (or another manifest format).
    pub rebuild: bool,
}

impl DemoConfig {
    /// The demo at `scale` (1.0 is about 5,000 earners, 20,000 credentials and 2,000
    /// postings; 20 is the 100,000-earner benchmark size).
    pub fn scaled(data_dir: PathBuf, seed: u64, scale: f64, now: OffsetDateTime) -> DemoConfig {
        let times = |count: usize| (count as f64 * scale).round().max(1.0) as usize;
        DemoConfig {
            data_dir,
            seed,
            earners: times(DEFAULT_EARNERS),
            postings: times(DEFAULT_POSTINGS),
            requirements: DEFAULT_REQUIREMENTS,
            now,
            rebuild: false,
        }
    }

    /// The corpus configuration of a build served on `port`.
    fn corpus(&self, now: OffsetDateTime, port: u16) -> CorpusConfig {
        CorpusConfig {
            earners: self.earners,
            postings: self.postings,
            requirements: self.requirements,
            https_port: Some(port),
            ..CorpusConfig::demo(self.seed, now)
        }
    }

    fn describe(&self) -> String {
        format!(
            "seed {}, {} earners, {} postings, {} requirements",
            self.seed, self.earners, self.postings, self.requirements
        )
    }
}

/// `DATA_DIR/demo.json`: what the data dir was built from, and the report of the build.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// [`MANIFEST_FORMAT`].
    pub format: u32,
    /// The seed.
    pub seed: u64,
    /// Earners.
    pub earners: usize,
    /// Job postings.
    pub postings: usize,
    /// Job requirements.
    pub requirements: usize,
    /// The instant the ecosystem was generated and verified at (RFC 3339).
    pub now: String,
    /// The loopback port the sites were served on (it is part of every issuer's `did:web`).
    pub https_port: u16,
    /// False until the crawl finished and the report was written.
    pub complete: bool,
    /// The build's report (once complete).
    pub report: Option<Report>,
}

impl Manifest {
    /// Where it lives.
    pub fn path(data_dir: &Path) -> PathBuf {
        data_dir.join("demo.json")
    }

    /// Reads it; `None` when there is none.
    pub fn read(data_dir: &Path) -> Result<Option<Manifest>, Error> {
        let path = Manifest::path(data_dir);
        match std::fs::read(&path) {
            Ok(bytes) if bytes.len() <= 1 << 20 => serde_json::from_slice(&bytes)
                .map(Some)
                .map_err(|error| io_error(&path, error)),
            Ok(_) => Err(io_error(&path, "larger than 1 MiB")),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(error) => Err(io_error(&path, error)),
        }
    }

    fn write(&self, data_dir: &Path) -> Result<(), Error> {
        let path = Manifest::path(data_dir);
        let text = serde_json::to_vec_pretty(self).map_err(|error| io_error(&path, error))?;
        let temporary = path.with_extension("json.tmp");
        std::fs::write(&temporary, text)
            .and_then(|()| std::fs::rename(&temporary, &path))
            .map_err(|error| io_error(&path, error))
    }

    /// The instant it was built at.
    pub fn now(&self) -> Result<OffsetDateTime, Error> {
        OffsetDateTime::parse(&self.now, &Rfc3339)
            .map_err(|error| io_error(Path::new("demo.json"), error))
    }

    /// The corpus configuration it was generated from, so that the plan (the ground truth)
    /// can be recomputed without signing anything: `corpus::plan(&manifest.corpus()?, ..)`.
    pub fn corpus(&self) -> Result<CorpusConfig, Error> {
        Ok(CorpusConfig {
            earners: self.earners,
            postings: self.postings,
            requirements: self.requirements,
            https_port: Some(self.https_port),
            ..CorpusConfig::demo(self.seed, self.now()?)
        })
    }

    fn matches(&self, config: &DemoConfig) -> bool {
        self.format == MANIFEST_FORMAT
            && self.seed == config.seed
            && self.earners == config.earners
            && self.postings == config.postings
            && self.requirements == config.requirements
    }

    fn describe(&self) -> String {
        format!(
            "seed {}, {} earners, {} postings, {} requirements",
            self.seed, self.earners, self.postings, self.requirements
        )
    }
}

/// The phases of a build, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// Plan the ecosystem and sign every document.
    Generate,
    /// Arrange it into sites and start serving them on loopback.
    Publish,
    /// Fetch, verify, map and index (the crawler does all four per URL).
    Crawl,
    /// Read the index's figures for the report.
    Report,
}

impl Phase {
    /// A stable snake_case name.
    pub fn code(self) -> &'static str {
        match self {
            Phase::Generate => "generate",
            Phase::Publish => "publish",
            Phase::Crawl => "crawl",
            Phase::Report => "report",
        }
    }
}

/// Told what the build is doing (the command draws progress bars from it).
pub trait Progress {
    /// A phase starts; `total` is the work expected when known (URLs for the crawl).
    fn start(&mut self, phase: Phase, total: Option<u64>);
    /// Work done so far in the current phase, and a short live message.
    fn update(&mut self, done: u64, message: &str);
    /// The current phase ended.
    fn finish(&mut self, phase: Phase, elapsed: Duration);
}

/// A [`Progress`] that ignores everything.
#[derive(Debug, Default, Clone, Copy)]
pub struct NoProgress;

impl Progress for NoProgress {
    fn start(&mut self, _: Phase, _: Option<u64>) {}
    fn update(&mut self, _: u64, _: &str) {}
    fn finish(&mut self, _: Phase, _: Duration) {}
}

/// The time one phase took.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PhaseTime {
    /// The phase.
    pub phase: Phase,
    /// Wall time in seconds.
    pub seconds: f64,
}

/// What was generated.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Generated {
    /// Demo issuers.
    pub issuers: usize,
    /// Earners.
    pub earners: usize,
    /// Published credentials (a CLR counts once).
    pub credentials: usize,
    /// Published opt-in presentations.
    pub presentations: usize,
    /// Job postings.
    pub postings: usize,
    /// Host names served.
    pub hosts: usize,
    /// URLs the sites answer.
    pub urls: usize,
    /// The demo issuers (display name and issuer id), in the plan's order.
    pub issuer_ids: Vec<DemoIssuer>,
}

/// A demo issuer as the index knows it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DemoIssuer {
    /// Display name (marked as a demo issuer).
    pub name: String,
    /// The issuer id credentials name (`did:web:…` or the https profile URL).
    pub id: String,
}

/// What the index holds after the build.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexSize {
    /// The snapshot id.
    pub snapshot: String,
    /// Verified credentials indexed (CLR members each count).
    pub credentials: u64,
    /// (credential, skill) claims.
    pub claims: u64,
    /// Demand records (job postings).
    pub demands: u64,
    /// Bytes of `DATA_DIR/index` on disk.
    pub bytes: u64,
}

/// The final report of a build.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// What was generated.
    pub generated: Generated,
    /// URLs by crawl outcome (`page`, `credential`, `sitemap`, …).
    pub urls: BTreeMap<String, u64>,
    /// Candidate credentials and presentations by verification outcome.
    pub candidates: BTreeMap<String, u64>,
    /// The candidates that were not indexed, by reason (every outcome but `verified`).
    pub rejected: BTreeMap<String, u64>,
    /// Job postings indexed as demand, and those that could not be read.
    pub demand_indexed: u64,
    /// `JobPosting`s that could not become demand records.
    pub demand_rejected: u64,
    /// Verified records the index refused (expected 0).
    pub records_refused: u64,
    /// The index.
    pub index: IndexSize,
    /// Time per phase.
    pub phases: Vec<PhaseTime>,
}

/// The outcome of [`build`].
#[derive(Debug, Clone)]
pub struct Built {
    /// What the data dir holds.
    pub manifest: Manifest,
    /// The report (of this build, or of the one reused).
    pub report: Report,
    /// True when an existing data dir was reused (nothing generated or crawled).
    pub reused: bool,
}

/// Builds the demo data dir, or reuses it when it was built with the same seed and sizes.
/// Must run inside a multi-threaded tokio runtime (the crawler verifies on its blocking pool).
pub async fn build(
    config: &DemoConfig,
    taxonomy: TaxonomyHandle,
    progress: &mut dyn Progress,
) -> Result<Built, Error> {
    if config.earners == 0 || config.requirements == 0 {
        return Err(Error::InvalidConfig(
            "at least one earner and one requirement".to_owned(),
        ));
    }
    let dir = &config.data_dir;
    match Manifest::read(dir)? {
        Some(manifest) if manifest.matches(config) && manifest.complete && !config.rebuild => {
            // Check that the index is really there before promising it.
            let index = index::SkillIndex::open(dir.join("index"))?;
            index.snapshot()?;
            let report = manifest.report.clone().unwrap_or_default();
            return Ok(Built {
                manifest,
                report,
                reused: true,
            });
        }
        Some(manifest) if !manifest.matches(config) && !config.rebuild => {
            return Err(Error::Mismatch {
                dir: dir.display().to_string(),
                built: manifest.describe(),
                asked: config.describe(),
            });
        }
        // Same settings but interrupted, or a rebuild asked for: start again.
        Some(_) => clear(dir)?,
        None => {
            if dir.join("index").exists() || dir.join("frontier").exists() {
                return Err(Error::NotDemoDir(dir.display().to_string()));
            }
        }
    }
    std::fs::create_dir_all(dir).map_err(|error| io_error(dir, error))?;
    fresh(config, taxonomy, progress).await
}

/// Removes what a demo build wrote (never anything else: `keys.json` and consent records stay).
fn clear(dir: &Path) -> Result<(), Error> {
    for name in ["index", "frontier"] {
        let path = dir.join(name);
        if path.exists() {
            std::fs::remove_dir_all(&path).map_err(|error| io_error(&path, error))?;
        }
    }
    let manifest = Manifest::path(dir);
    if manifest.exists() {
        std::fs::remove_file(&manifest).map_err(|error| io_error(&manifest, error))?;
    }
    Ok(())
}

async fn fresh(
    config: &DemoConfig,
    taxonomy: TaxonomyHandle,
    progress: &mut dyn Progress,
) -> Result<Built, Error> {
    let dir = &config.data_dir;
    let mut phases = Vec::new();
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(|error| io_error(Path::new("127.0.0.1:0"), error))?;
    let port = listener
        .local_addr()
        .map_err(|error| io_error(Path::new("127.0.0.1:0"), error))?
        .port();
    // Whole seconds: the instant is written down and read back exactly.
    let now = config
        .now
        .replace_nanosecond(0)
        .map_err(|error| Error::InvalidConfig(error.to_string()))?;
    let mut manifest = Manifest {
        format: MANIFEST_FORMAT,
        seed: config.seed,
        earners: config.earners,
        postings: config.postings,
        requirements: config.requirements,
        now: now
            .format(&Rfc3339)
            .map_err(|error| Error::InvalidConfig(error.to_string()))?,
        https_port: port,
        complete: false,
        report: None,
    };
    manifest.write(dir)?;

    // Generate: plan and sign, on the blocking pool (it fans out with rayon).
    let started = Instant::now();
    progress.start(Phase::Generate, None);
    let corpus_config = config.corpus(now, port);
    let generator = taxonomy.clone();
    let ecosystem: Ecosystem =
        tokio::task::spawn_blocking(move || corpus::generate(&corpus_config, &generator))
            .await
            .map_err(|error| Error::Internal(error.to_string()))??;
    phases.push(finish(progress, Phase::Generate, started));

    // Publish: the sites, a CA for this run, the listener.
    let started = Instant::now();
    progress.start(Phase::Publish, None);
    let site = ecosystem.site();
    let hosts: Vec<String> = site.hosts().map(str::to_owned).collect();
    let generated = Generated {
        issuers: ecosystem.plan.issuers.len(),
        earners: ecosystem.plan.earners.len(),
        credentials: ecosystem.plan.credentials.len(),
        presentations: ecosystem.plan.presentations.len(),
        postings: ecosystem.plan.postings.len(),
        hosts: hosts.len(),
        urls: site.len(),
        issuer_ids: ecosystem
            .plan
            .issuers
            .iter()
            .map(|issuer| DemoIssuer {
                name: issuer.name.clone(),
                id: issuer.id.clone(),
            })
            .collect(),
    };
    let pki = web::Pki::new(&hosts)?;
    let seeds = ecosystem.seed_urls();
    drop(ecosystem);
    let _web = web::DemoWeb::start(listener, pki.server.clone(), site);
    phases.push(finish(progress, Phase::Publish, started));

    // Crawl: the real crawler, loopback allowed for the pinned demo hosts only.
    let started = Instant::now();
    progress.start(Phase::Crawl, Some(generated.urls as u64));
    let crawl_config = CrawlConfig {
        seeds,
        now: Some(now),
        commit_every: 2_000,
        // The crawler's default of 500 links per page would cut the demo's sitemaps (up to
        // `corpus::SITEMAP_CHUNK` URLs each) short: at the default size it reached 8,416 of
        // the 20,168 credentials.
        extract: crawl::ExtractLimits {
            max_links: corpus::SITEMAP_CHUNK + 100,
            ..crawl::ExtractLimits::default()
        },
        ..CrawlConfig::default()
    };
    let mut crawler = Crawler::open(
        dir,
        net_config(&hosts, port, pki.ca_pem)?,
        taxonomy,
        crawl_config,
    )?;
    let crawl_report = crawler
        .run(&mut |counts| progress.update(counts.num_urls(), &live(counts)))
        .await?;
    drop(crawler);
    phases.push(finish(progress, Phase::Crawl, started));

    // Report: what the index holds.
    let started = Instant::now();
    progress.start(Phase::Report, None);
    let index = index::SkillIndex::open(dir.join("index"))?;
    let snapshot = index.snapshot()?;
    let index_size = IndexSize {
        snapshot: snapshot.id().as_str().to_owned(),
        credentials: snapshot.num_credentials()?,
        claims: snapshot.num_claims()?,
        demands: snapshot.num_demands()?,
        bytes: dir_bytes(&dir.join("index")),
    };
    let counts = &crawl_report.counts;
    let candidates: BTreeMap<String, u64> = counts
        .candidates
        .iter()
        .map(|(outcome, count)| (outcome.code().to_owned(), *count))
        .collect();
    let rejected = counts
        .candidates
        .iter()
        .filter(|(outcome, _)| {
            !matches!(
                outcome,
                CandidateOutcome::Unchanged | CandidateOutcome::Verification(Outcome::Verified)
            )
        })
        .map(|(outcome, count)| (outcome.code().to_owned(), *count))
        .collect();
    phases.push(finish(progress, Phase::Report, started));
    let report = Report {
        generated,
        urls: counts
            .urls
            .iter()
            .map(|(outcome, count)| (outcome.code().to_owned(), *count))
            .collect(),
        candidates,
        rejected,
        demand_indexed: counts.demand_indexed,
        demand_rejected: counts.demand_rejected,
        records_refused: counts.records_refused,
        index: index_size,
        phases,
    };
    manifest.complete = true;
    manifest.report = Some(report.clone());
    manifest.write(dir)?;
    Ok(Built {
        manifest,
        report,
        reused: false,
    })
}

fn finish(progress: &mut dyn Progress, phase: Phase, started: Instant) -> PhaseTime {
    let elapsed = started.elapsed();
    progress.finish(phase, elapsed);
    PhaseTime {
        phase,
        seconds: elapsed.as_secs_f64(),
    }
}

fn live(counts: &OutcomeCounts) -> String {
    format!(
        "{} credentials verified, {} rejected, {} postings",
        counts.candidate(CandidateOutcome::Verification(Outcome::Verified)),
        counts.num_candidates()
            - counts.candidate(CandidateOutcome::Verification(Outcome::Verified))
            - counts.candidate(CandidateOutcome::Unchanged),
        counts.demand_indexed
    )
}

/// No DNS at all: every demo host is pinned, and any other name must not resolve.
struct NoDns;

impl net::HostLookup for NoDns {
    fn lookup(&self, host: &str) -> net::LookupFuture {
        let message = format!("{host}: the demo resolves only its own pinned hosts");
        Box::pin(async move { Err(std::io::Error::new(std::io::ErrorKind::NotFound, message)) })
    }
}

/// The client of the demo crawl: each demo host pinned to 127.0.0.1 on the sites' port (the
/// only way `net` reaches loopback), the run's CA as the one extra trust anchor, no DNS, and
/// no politeness delay (the hosts are ours).
fn net_config(hosts: &[String], port: u16, ca_pem: Vec<u8>) -> Result<net::NetConfig, Error> {
    let pins: Vec<String> = hosts
        .iter()
        .map(|host| format!("{host}:{port}:127.0.0.1"))
        .collect();
    let mut config = net::NetConfig::default()
        .with_resolve(&pins)
        .map_err(|error| Error::InvalidConfig(error.to_string()))?;
    config.extra_roots_pem.push(ca_pem);
    config.dns = Some(Arc::new(NoDns));
    config.politeness = net::PolitenessConfig {
        min_delay: Duration::ZERO,
        backoff_base: Duration::from_millis(50),
        backoff_max: Duration::from_secs(2),
        ..net::PolitenessConfig::default()
    };
    Ok(config)
}

/// Bytes of the files under `dir` (0 for what cannot be read).
fn dir_bytes(dir: &Path) -> u64 {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    entries
        .flatten()
        .map(|entry| match entry.file_type() {
            Ok(kind) if kind.is_dir() => dir_bytes(&entry.path()),
            Ok(_) => entry.metadata().map_or(0, |meta| meta.len()),
            Err(_) => 0,
        })
        .sum()
}

/// One demo API key, shown once.
#[derive(Debug, Clone)]
pub struct DemoKey {
    /// The role.
    pub role: server::Role,
    /// Its id in `keys.json` (`demo-<role>`).
    pub id: String,
    /// The secret (`spk_…`), to send as `Authorization: Bearer …`.
    pub secret: String,
    /// For the institution key: the issuer ids it is bound to.
    pub issuers: Vec<String>,
}

/// Writes a fresh API key per role into `DATA_DIR/keys.json` (employer, board, institution
/// bound to `institution_issuers`, admin), replacing earlier `demo-*` keys and keeping every
/// other key, and returns the secrets (only their hashes are stored, so each run makes new
/// ones).
pub fn write_demo_keys(
    data_dir: &Path,
    institution_issuers: Vec<String>,
) -> Result<Vec<DemoKey>, Error> {
    let path = data_dir.join("keys.json");
    let mut kept = Vec::new();
    if path.exists() {
        let store_text = std::fs::read(&path).map_err(|error| io_error(&path, error))?;
        let file: KeysFile =
            serde_json::from_slice(&store_text).map_err(|error| io_error(&path, error))?;
        kept.extend(
            file.keys
                .into_iter()
                .filter(|entry| !entry.id.starts_with("demo-")),
        );
    }
    let roles = [
        (server::Role::Employer, Vec::new()),
        (server::Role::Board, Vec::new()),
        (server::Role::Institution, institution_issuers),
        (server::Role::Admin, Vec::new()),
    ];
    let mut keys = Vec::new();
    let mut entries = kept;
    for (role, issuers) in roles {
        let id = format!("demo-{}", role.as_str());
        let (secret, entry) = server::auth::generate_key(&id, role, issuers.clone())?;
        entries.push(entry);
        keys.push(DemoKey {
            role,
            id,
            secret,
            issuers,
        });
    }
    let text = serde_json::to_vec_pretty(&KeysFile { keys: entries })
        .map_err(|error| io_error(&path, error))?;
    let temporary = path.with_extension("json.tmp");
    std::fs::write(&temporary, text)
        .and_then(|()| std::fs::rename(&temporary, &path))
        .map_err(|error| io_error(&path, error))?;
    // The server must accept what was written.
    server::auth::KeyStore::load(&path)?;
    Ok(keys)
}

/// The shape of `keys.json` (the server's loader checks it again).
#[derive(Serialize, Deserialize)]
struct KeysFile {
    keys: Vec<server::KeyEntry>,
}
