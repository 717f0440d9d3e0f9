//! The pipeline: the pass loop (frontier, per-host queues, in-flight fetches, commits) and
//! the per-URL task (fetch, status filter, extract, verify, map).

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::num::NonZeroUsize;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use index::{DeletionReason, IndexWriterHandle, OperationCounts, SkillIndex, WriterOptions};
use model::{CredentialRecord, DemandRecord, Outcome, Verified};
use net::{Client, Conditional, FetchOptions, NetConfig, Purpose, Url, Validators};
use sha2::{Digest, Sha256};
use taxonomy::Taxonomy;
use time::OffsetDateTime;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;
use verify::{Verifier, VerifyOptions};

use crate::extract::{ExtractLimits, extract};
use crate::frontier::{DiskFrontier, Frontier, HeldCredential, UrlState};
use crate::outcome::{CandidateOutcome, Counters, OutcomeCounts, UrlOutcome};
use crate::resolver::{DocumentCache, NetResolver};
use crate::{Error, Result};

const ACCEPT: &str = "text/html, application/vc+ld+json, application/vp+ld+json, application/ld+json, application/json;q=0.9, application/xml;q=0.8, */*;q=0.5";

/// Everything a crawl is allowed to do.
#[derive(Debug, Clone)]
pub struct CrawlConfig {
    /// Where to start (issuer sites, sitemaps, credential URLs, profile pages, did:web
    /// document URLs, hosted assertions).
    pub seeds: Vec<String>,
    /// Links followed from a seed at most.
    pub max_depth: u32,
    /// URLs fetched in one run at most (the rest stay pending for the next run).
    pub max_pages: Option<u64>,
    /// URLs fetched from one host in one pass at most (calendar traps, endless listings).
    pub max_pages_per_host: u64,
    /// Fetches in flight at once (each to a different host: one connection per host).
    pub max_in_flight: usize,
    /// Verifications running at once on the blocking pool.
    pub verify_permits: usize,
    /// URLs completed between two index commits.
    pub commit_every: usize,
    /// How long a fetched DID document, controller document or status list is reused.
    pub document_ttl: Duration,
    /// Documents kept in the resolver cache.
    pub max_cached_documents: NonZeroUsize,
    /// Caps of the extract stage.
    pub extract: ExtractLimits,
    /// Judge validity and status at this instant instead of the clock (tests, replays).
    pub now: Option<OffsetDateTime>,
}

impl Default for CrawlConfig {
    fn default() -> Self {
        CrawlConfig {
            seeds: Vec::new(),
            max_depth: 8,
            max_pages: None,
            max_pages_per_host: 100_000,
            max_in_flight: 16,
            verify_permits: std::thread::available_parallelism().map_or(2, NonZeroUsize::get),
            commit_every: 500,
            document_ttl: Duration::from_secs(600),
            max_cached_documents: NonZeroUsize::new(4096).expect("nonzero"),
            extract: ExtractLimits::default(),
            now: None,
        }
    }
}

impl CrawlConfig {
    fn validate(&self) -> Result<()> {
        let invalid = |why: &str| Err(Error::InvalidConfig(why.to_owned()));
        if self.max_in_flight == 0 || self.max_in_flight > 1024 {
            return invalid("max_in_flight must be within 1..1024");
        }
        if self.verify_permits == 0 || self.verify_permits > 256 {
            return invalid("verify_permits must be within 1..256");
        }
        if self.commit_every == 0 {
            return invalid("commit_every must be positive");
        }
        if self.max_depth > 64 {
            return invalid("max_depth above 64");
        }
        if self.max_pages_per_host == 0 || self.max_pages == Some(0) {
            return invalid("page budgets must be positive");
        }
        Ok(())
    }
}

/// What one run did.
#[derive(Debug, Clone)]
pub struct CrawlReport {
    /// The pass it ran (or resumed).
    pub pass: u64,
    /// Whether the pass ended (false: stopped by `max_pages`, the rest is pending).
    pub finished: bool,
    /// URLs still pending in this pass.
    pub pending: usize,
    /// URLs the frontier knows.
    pub known_urls: u64,
    /// Ids of verified credentials whose records the index refused (at most 1,000).
    pub refused_ids: Vec<String>,
    /// Outcomes counted in this run.
    pub counts: OutcomeCounts,
    /// Index operations committed in this run, summed over its commits.
    pub operations: OperationCounts,
    /// The snapshot of the last commit.
    pub snapshot_id: String,
    /// Credentials indexed after the last commit.
    pub num_credentials: u64,
    /// The client's own counters (requests by outcome, robots.txt fetches).
    pub net: net::NetCounters,
    /// Wall time of the run.
    pub elapsed: Duration,
}

/// The taxonomy the crawler maps with: shared, or loaded once for the whole process.
#[derive(Clone)]
pub enum TaxonomyHandle {
    /// Shared ownership.
    Shared(Arc<Taxonomy>),
    /// A taxonomy that lives as long as the process (a test's or a server's static).
    Static(&'static Taxonomy),
}

impl std::ops::Deref for TaxonomyHandle {
    type Target = Taxonomy;

    fn deref(&self) -> &Taxonomy {
        match self {
            TaxonomyHandle::Shared(taxonomy) => taxonomy,
            TaxonomyHandle::Static(taxonomy) => taxonomy,
        }
    }
}

impl From<Arc<Taxonomy>> for TaxonomyHandle {
    fn from(taxonomy: Arc<Taxonomy>) -> Self {
        TaxonomyHandle::Shared(taxonomy)
    }
}

impl From<&'static Taxonomy> for TaxonomyHandle {
    fn from(taxonomy: &'static Taxonomy) -> Self {
        TaxonomyHandle::Static(taxonomy)
    }
}

/// Shared by the per-URL tasks.
struct TaskContext {
    client: Client,
    cache: Arc<DocumentCache<NetResolver>>,
    verifier: Verifier,
    taxonomy: TaxonomyHandle,
    permits: Semaphore,
    limits: ExtractLimits,
    options: VerifyOptions,
}

/// What happens to what a URL published before.
enum Disposition {
    /// Nothing changed, or a transient failure: keep it.
    Keep,
    /// It is gone (404/410, noindex, robots disallow): remove it.
    Purge,
    /// A new body: replace it with what was found now.
    Replace(Box<Found>),
}

/// What a new body held.
#[derive(Default)]
struct Found {
    sha256: String,
    validators: Validators,
    candidates: Vec<CandidateOutcome>,
    records: Vec<Verified<CredentialRecord>>,
    demands: Vec<DemandRecord>,
    demand_rejected: u64,
    dependencies: Vec<(String, String)>,
}

struct TaskResult {
    url: String,
    depth: u32,
    outcome: UrlOutcome,
    disposition: Disposition,
    /// Validators of a 304 answer (kept with the previous state).
    validators: Option<Validators>,
    links: Vec<Url>,
    links_skipped: u64,
}

impl TaskResult {
    fn bare(url: String, depth: u32, outcome: UrlOutcome, disposition: Disposition) -> Self {
        TaskResult {
            url,
            depth,
            outcome,
            disposition,
            validators: None,
            links: Vec::new(),
            links_skipped: 0,
        }
    }
}

/// The crawler of one data directory: the index in `DIR/index`, the frontier in
/// `DIR/frontier`. It holds the index's one writer while it lives.
pub struct Crawler {
    context: Arc<TaskContext>,
    index: SkillIndex,
    writer: IndexWriterHandle,
    frontier: Box<dyn Frontier>,
    config: CrawlConfig,
    counters: Arc<Counters>,
    /// Credential id → URL → whether that source makes the earner findable.
    sources: HashMap<String, BTreeMap<String, bool>>,
    committed: OperationCounts,
    /// Ids of records the index refused in this run (at most [`MAX_REFUSED_IDS`]).
    refused: Vec<String>,
}

/// Refused record ids kept for the report.
const MAX_REFUSED_IDS: usize = 1000;

impl std::fmt::Debug for Crawler {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("Crawler")
            .field("index", &self.index)
            .field("pass", &self.frontier.pass())
            .finish_non_exhaustive()
    }
}

impl Crawler {
    /// Opens (or creates) the data directory and resumes where its last commit left off.
    /// Must be called inside a tokio runtime; verification blocks pool threads on it.
    pub fn open(
        data_dir: &Path,
        net_config: NetConfig,
        taxonomy: TaxonomyHandle,
        config: CrawlConfig,
    ) -> Result<Crawler> {
        config.validate()?;
        for seed in &config.seeds {
            match Url::parse(seed) {
                Ok(url) if matches!(url.scheme(), "http" | "https") => {}
                _ => return Err(Error::InvalidSeed(seed.clone())),
            }
        }
        let client = Client::new(net_config)?;
        let runtime = tokio::runtime::Handle::try_current()
            .map_err(|error| Error::Internal(format!("no tokio runtime: {error}")))?;
        let cache = Arc::new(DocumentCache::new(
            NetResolver::on_runtime(client.clone(), runtime),
            config.max_cached_documents,
            config.document_ttl,
        ));
        let verifier = Verifier::new(cache.clone());
        let index = SkillIndex::open_or_create(data_dir.join("index"))?;
        let writer = index.writer(WriterOptions::default())?;
        let snapshot = index.snapshot()?;
        let frontier = DiskFrontier::open(&data_dir.join("frontier"), snapshot.cursor())?;
        let mut sources: HashMap<String, BTreeMap<String, bool>> = HashMap::new();
        for (url, state) in frontier.states() {
            for held in &state.credentials {
                sources
                    .entry(held.id.clone())
                    .or_default()
                    .insert(url.to_owned(), held.consent);
            }
        }
        let context = Arc::new(TaskContext {
            client,
            cache,
            verifier,
            taxonomy,
            permits: Semaphore::new(config.verify_permits),
            limits: config.extract,
            options: VerifyOptions::at(OffsetDateTime::now_utc()),
        });
        Ok(Crawler {
            context,
            index,
            writer,
            frontier: Box::new(frontier),
            config,
            counters: Arc::new(Counters::default()),
            sources,
            committed: OperationCounts::default(),
            refused: Vec::new(),
        })
    }

    /// The index this crawler writes.
    pub fn index(&self) -> &SkillIndex {
        &self.index
    }

    /// The frontier's state of a URL.
    pub fn url_state(&self, url: &str) -> Option<&UrlState> {
        self.frontier.state(url)
    }

    /// Runs one pass (or finishes an interrupted one), calling `progress` after each URL.
    pub async fn run(&mut self, progress: &mut dyn FnMut(&OutcomeCounts)) -> Result<CrawlReport> {
        let started = Instant::now();
        self.counters = Arc::new(Counters::default());
        self.committed = OperationCounts::default();
        self.refused.clear();
        let now = self.config.now.unwrap_or_else(OffsetDateTime::now_utc);
        if let Some(context) = Arc::get_mut(&mut self.context) {
            context.options = VerifyOptions::at(now);
        } else {
            return Err(Error::Internal("a task outlived its pass".to_owned()));
        }
        if self.frontier.pass_finished() {
            if let Some(cursor) = self.frontier.compact_if_worthwhile()? {
                self.writer.commit(&cursor)?;
                self.frontier.release_stale()?;
            }
            self.frontier.start_pass()?;
        }
        // Each pass sees the web as it is now: status lists and keys are fetched afresh.
        self.context.cache.clear();
        for seed in self.config.seeds.clone() {
            self.frontier.discover(&seed, 0)?;
        }
        for id in self
            .index
            .snapshot()?
            .expired_credential_ids(now.unix_timestamp())?
        {
            self.writer
                .delete_credential(&id, DeletionReason::Expired)?;
            self.sources.remove(&id);
        }

        let mut queues: HashMap<String, VecDeque<(String, u32)>> = HashMap::new();
        let mut hosts: VecDeque<String> = VecDeque::new();
        // URLs queued or taken in this run: each is taken once, unless reopened.
        let mut queued: HashSet<String> = HashSet::new();
        for (url, depth) in self.frontier.pending() {
            enqueue(&mut queues, &mut hosts, &mut queued, url, depth);
        }
        let mut busy: HashSet<String> = HashSet::new();
        let mut per_host: HashMap<String, u64> = HashMap::new();
        let mut taken: u64 = 0;
        let mut in_flight: JoinSet<(String, TaskResult)> = JoinSet::new();
        let mut since_commit = 0usize;
        let mut budget_left = true;
        loop {
            while budget_left && in_flight.len() < self.config.max_in_flight {
                let Some((host, url, depth)) = next_url(&mut queues, &mut hosts, &busy) else {
                    break;
                };
                if self.config.max_pages.is_some_and(|max| taken >= max) {
                    // Put it back: it stays pending for the next run.
                    queues
                        .entry(host.clone())
                        .or_default()
                        .push_front((url, depth));
                    if !hosts.contains(&host) {
                        hosts.push_back(host);
                    }
                    budget_left = false;
                    break;
                }
                taken += 1;
                let count = per_host.entry(host.clone()).or_default();
                *count += 1;
                if *count > self.config.max_pages_per_host {
                    let result =
                        TaskResult::bare(url, depth, UrlOutcome::HostBudget, Disposition::Keep);
                    self.apply(result, &mut queues, &mut hosts, &mut queued)?;
                    progress(&self.counters.snapshot());
                    continue;
                }
                busy.insert(host.clone());
                let previous = self.frontier.state(&url).cloned();
                let context = self.context.clone();
                in_flight.spawn(async move {
                    let result = process(context, url, depth, previous).await;
                    (host, result)
                });
            }
            let Some(joined) = in_flight.join_next().await else {
                break;
            };
            let (host, result) =
                joined.map_err(|error| Error::Internal(format!("crawl task: {error}")))?;
            busy.remove(&host);
            self.apply(result, &mut queues, &mut hosts, &mut queued)?;
            progress(&self.counters.snapshot());
            since_commit += 1;
            if since_commit >= self.config.commit_every {
                self.commit()?;
                since_commit = 0;
            }
        }
        let pending = queues.values().map(VecDeque::len).sum::<usize>();
        let finished = pending == 0;
        if finished {
            self.frontier.finish_pass()?;
        }
        let snapshot = self.commit()?;
        Ok(CrawlReport {
            pass: self.frontier.pass(),
            finished,
            pending,
            known_urls: self.frontier.states().count() as u64,
            refused_ids: self.refused.clone(),
            counts: self.counters.snapshot(),
            operations: self.committed.clone(),
            snapshot_id: snapshot.id().to_string(),
            num_credentials: snapshot.num_credentials()?,
            net: self.context.client.counters(),
            elapsed: started.elapsed(),
        })
    }

    /// Syncs the frontier, then commits the index with its cursor.
    fn commit(&mut self) -> Result<index::Snapshot> {
        let pending = self.writer.pending().clone();
        let cursor = self.frontier.sync()?;
        let snapshot = self.writer.commit(&cursor)?;
        add_operations(&mut self.committed, &pending);
        Ok(snapshot)
    }

    /// The stage after the task: counts, index operations, frontier state, new links.
    fn apply(
        &mut self,
        result: TaskResult,
        queues: &mut HashMap<String, VecDeque<(String, u32)>>,
        hosts: &mut VecDeque<String>,
        queued: &mut HashSet<String>,
    ) -> Result<()> {
        let TaskResult {
            url,
            depth,
            outcome,
            disposition,
            validators,
            links,
            links_skipped,
        } = result;
        self.counters.url(outcome);
        let previous = self.frontier.state(&url).cloned().unwrap_or(UrlState {
            depth,
            ..UrlState::default()
        });
        let mut reopen = Vec::new();
        let state = match disposition {
            Disposition::Keep => {
                if outcome == UrlOutcome::NotModified {
                    for _ in 0..previous.candidates {
                        self.counters.candidate(CandidateOutcome::Unchanged);
                    }
                }
                let mut state = previous;
                if let Some(validators) = validators {
                    if validators.etag.is_some() {
                        state.etag = validators.etag;
                    }
                    if validators.last_modified.is_some() {
                        state.last_modified = validators.last_modified;
                    }
                }
                state
            }
            Disposition::Purge => {
                for held in &previous.credentials {
                    let reason = if held.consent {
                        DeletionReason::WithdrawnByEarner
                    } else {
                        DeletionReason::WithdrawnByIssuer
                    };
                    reopen.extend(self.drop_source(&held.id, &url, reason)?);
                }
                for demand in &previous.demands {
                    self.writer.delete_demand(demand)?;
                }
                UrlState {
                    depth: previous.depth.min(depth),
                    outcome: Some(outcome.code().to_owned()),
                    ..UrlState::default()
                }
            }
            Disposition::Replace(found) => {
                let found = *found;
                for candidate in &found.candidates {
                    self.counters.candidate(*candidate);
                }
                let status_reason = found
                    .candidates
                    .iter()
                    .find_map(|candidate| match candidate {
                        CandidateOutcome::Verification(Outcome::Revoked) => {
                            Some(DeletionReason::Revoked)
                        }
                        CandidateOutcome::Verification(Outcome::Suspended) => {
                            Some(DeletionReason::Suspended)
                        }
                        CandidateOutcome::Verification(Outcome::Expired) => {
                            Some(DeletionReason::Expired)
                        }
                        _ => None,
                    });
                let new_ids: HashSet<&str> = found
                    .records
                    .iter()
                    .map(|record| record.value().credential_id.as_str())
                    .collect();
                for held in &previous.credentials {
                    if new_ids.contains(held.id.as_str()) {
                        continue;
                    }
                    match status_reason {
                        // A revoked, suspended or expired credential leaves the index
                        // whatever else still publishes it.
                        Some(reason) => {
                            self.writer.delete_credential(&held.id, reason)?;
                            self.sources.remove(&held.id);
                        }
                        None => {
                            let reason = if held.consent {
                                DeletionReason::WithdrawnByEarner
                            } else {
                                DeletionReason::WithdrawnByIssuer
                            };
                            reopen.extend(self.drop_source(&held.id, &url, reason)?);
                        }
                    }
                }
                let mut credentials = Vec::new();
                for record in &found.records {
                    let id = record.value().credential_id.clone();
                    let consent = record.value().earner.findable;
                    if credentials
                        .iter()
                        .any(|held: &HeldCredential| held.id == id)
                    {
                        continue;
                    }
                    let sources = self.sources.entry(id.clone()).or_default();
                    sources.insert(url.clone(), consent);
                    let consent_elsewhere = sources
                        .iter()
                        .any(|(source, gives)| *gives && *source != url);
                    if consent || !consent_elsewhere {
                        match self.writer.upsert_credential(record) {
                            Ok(()) => {}
                            // A record the index refuses (a mapping gap) is counted and
                            // skipped: one document must not stop the crawl.
                            Err(index::Error::InvalidRecord { .. }) => {
                                if self.refused.len() < MAX_REFUSED_IDS {
                                    self.refused.push(id.clone());
                                }
                                self.counters
                                    .records_refused
                                    .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                                if let Some(sources) = self.sources.get_mut(&id) {
                                    sources.remove(&url);
                                    if sources.is_empty() {
                                        self.sources.remove(&id);
                                    }
                                }
                                continue;
                            }
                            Err(error) => return Err(error.into()),
                        }
                    }
                    credentials.push(HeldCredential { id, consent });
                }
                let new_demands: HashSet<&str> = found
                    .demands
                    .iter()
                    .map(|demand| demand.demand_id.as_str())
                    .collect();
                for demand in &previous.demands {
                    if !new_demands.contains(demand.as_str()) {
                        self.writer.delete_demand(demand)?;
                    }
                }
                let mut demands = Vec::new();
                for demand in &found.demands {
                    self.writer.upsert_demand(demand)?;
                    demands.push(demand.demand_id.clone());
                }
                self.counters.demand_indexed.fetch_add(
                    found.demands.len() as u64,
                    std::sync::atomic::Ordering::Relaxed,
                );
                self.counters
                    .demand_rejected
                    .fetch_add(found.demand_rejected, std::sync::atomic::Ordering::Relaxed);
                UrlState {
                    depth: previous.depth.min(depth),
                    last_pass: 0,
                    outcome: Some(outcome.code().to_owned()),
                    etag: found.validators.etag,
                    last_modified: found.validators.last_modified,
                    sha256: Some(found.sha256),
                    candidates: found.candidates.len() as u32,
                    credentials,
                    demands,
                    dependencies: found.dependencies,
                }
            }
        };
        self.frontier.complete(&url, state)?;
        // The other sources of a credential whose findable copy vanished publish it again,
        // for aggregates only, once fetched in full.
        for other in reopen {
            if other == url {
                continue;
            }
            // Completed in this pass: fetch it again. Otherwise it is still queued.
            let completed = self
                .frontier
                .state(&other)
                .is_some_and(|state| state.last_pass == self.frontier.pass());
            self.frontier.reopen(&other)?;
            if completed || !queued.contains(&other) {
                let depth = self.frontier.state(&other).map_or(0, |state| state.depth);
                enqueue(queues, hosts, queued, other, depth);
            }
        }
        let next_depth = depth + 1;
        let mut skipped = links_skipped;
        for link in links {
            if next_depth > self.config.max_depth {
                skipped += 1;
                continue;
            }
            let link = link.to_string();
            self.frontier.discover(&link, next_depth)?;
            let pending_now = self
                .frontier
                .state(&link)
                .is_some_and(|state| state.last_pass < self.frontier.pass());
            if pending_now && !queued.contains(&link) {
                enqueue(queues, hosts, queued, link, next_depth);
            }
        }
        self.counters
            .links_skipped
            .fetch_add(skipped, std::sync::atomic::Ordering::Relaxed);
        Ok(())
    }

    /// Removes `url` as a source of credential `id`. Returns the URLs to fetch again in full
    /// when the findable copy went away but other sources remain.
    fn drop_source(&mut self, id: &str, url: &str, reason: DeletionReason) -> Result<Vec<String>> {
        let Some(sources) = self.sources.get_mut(id) else {
            return Ok(Vec::new());
        };
        let gave_consent = sources.remove(url) == Some(true);
        if sources.is_empty() {
            self.sources.remove(id);
            self.writer.delete_credential(id, reason)?;
            return Ok(Vec::new());
        }
        if gave_consent && !sources.values().any(|gives| *gives) {
            self.writer
                .delete_credential(id, DeletionReason::WithdrawnByEarner)?;
            return Ok(sources.keys().cloned().collect());
        }
        Ok(Vec::new())
    }
}

fn add_operations(total: &mut OperationCounts, more: &OperationCounts) {
    total.credentials_upserted += more.credentials_upserted;
    total.credentials_revoked += more.credentials_revoked;
    total.credentials_suspended += more.credentials_suspended;
    total.credentials_expired += more.credentials_expired;
    total.credentials_withdrawn_by_issuer += more.credentials_withdrawn_by_issuer;
    total.credentials_withdrawn_by_earner += more.credentials_withdrawn_by_earner;
    total.earners_withdrawn += more.earners_withdrawn;
    total.demands_upserted += more.demands_upserted;
    total.demands_deleted += more.demands_deleted;
}

fn host_of(url: &str) -> String {
    Url::parse(url)
        .ok()
        .and_then(|url| url.host_str().map(str::to_ascii_lowercase))
        .unwrap_or_default()
}

fn enqueue(
    queues: &mut HashMap<String, VecDeque<(String, u32)>>,
    hosts: &mut VecDeque<String>,
    queued: &mut HashSet<String>,
    url: String,
    depth: u32,
) {
    let host = host_of(&url);
    let queue = queues.entry(host.clone()).or_default();
    if queue.is_empty() && !hosts.contains(&host) {
        hosts.push_back(host);
    }
    queued.insert(url.clone());
    queue.push_back((url, depth));
}

/// The next URL of the next host with work and no fetch in flight (round robin).
fn next_url(
    queues: &mut HashMap<String, VecDeque<(String, u32)>>,
    hosts: &mut VecDeque<String>,
    busy: &HashSet<String>,
) -> Option<(String, String, u32)> {
    for _ in 0..hosts.len() {
        let host = hosts.pop_front()?;
        if busy.contains(&host) {
            hosts.push_back(host);
            continue;
        }
        let Some(queue) = queues.get_mut(&host) else {
            continue;
        };
        let Some((url, depth)) = queue.pop_front() else {
            continue;
        };
        if queue.is_empty() {
            queues.remove(&host);
        } else {
            hosts.push_back(host.clone());
        }
        return Some((host, url, depth));
    }
    None
}

/// Whether anything a verification read has changed since (fetched through the cache, so
/// one fetch per document per pass).
async fn dependencies_changed(
    context: &Arc<TaskContext>,
    dependencies: &[(String, String)],
) -> bool {
    if dependencies.is_empty() {
        return false;
    }
    let context = context.clone();
    let dependencies = dependencies.to_vec();
    tokio::task::spawn_blocking(move || {
        dependencies
            .iter()
            .any(|(url, fingerprint)| context.cache.fingerprint(url) != *fingerprint)
    })
    .await
    .unwrap_or(true)
}

/// One URL through fetch, status filter, extract, verify and map.
async fn process(
    context: Arc<TaskContext>,
    url: String,
    depth: u32,
    previous: Option<UrlState>,
) -> TaskResult {
    let Ok(parsed) = Url::parse(&url) else {
        return TaskResult::bare(url, depth, UrlOutcome::InvalidUrl, Disposition::Keep);
    };
    let remembered = previous.as_ref().filter(|state| state.sha256.is_some());
    let changed_inputs = match remembered {
        Some(state) => dependencies_changed(&context, &state.dependencies).await,
        None => false,
    };
    let conditional = match remembered {
        Some(state) if !changed_inputs => Conditional::With(Validators {
            etag: state.etag.clone(),
            last_modified: state.last_modified.clone(),
        }),
        _ => Conditional::No,
    };
    let options = FetchOptions {
        purpose: Purpose::Crawl,
        conditional,
        max_bytes: None,
        accept: Some(ACCEPT.to_owned()),
    };
    let fetched = match context.client.fetch(&parsed, &options).await {
        Ok(fetched) => fetched,
        Err(error) => {
            let outcome = error
                .outcome()
                .map_or(UrlOutcome::Connection, UrlOutcome::of_net);
            // robots.txt now disallowing a URL withdraws what it published.
            let disposition = if outcome == UrlOutcome::RobotsDisallowed {
                Disposition::Purge
            } else {
                Disposition::Keep
            };
            return TaskResult::bare(url, depth, outcome, disposition);
        }
    };
    match fetched.status {
        304 => {
            return TaskResult {
                validators: Some(fetched.validators),
                ..TaskResult::bare(url, depth, UrlOutcome::NotModified, Disposition::Keep)
            };
        }
        404 | 410 => return TaskResult::bare(url, depth, UrlOutcome::Gone, Disposition::Purge),
        200..=299 => {}
        _ => return TaskResult::bare(url, depth, UrlOutcome::HttpError, Disposition::Keep),
    }
    let sha256 = hex::encode(Sha256::digest(&fetched.body));
    if !changed_inputs && remembered.and_then(|state| state.sha256.as_deref()) == Some(&sha256) {
        return TaskResult {
            validators: Some(fetched.validators),
            ..TaskResult::bare(url, depth, UrlOutcome::NotModified, Disposition::Keep)
        };
    }
    let Ok(permit) = context.permits.acquire().await else {
        return TaskResult::bare(url, depth, UrlOutcome::Connection, Disposition::Keep);
    };
    let worker = context.clone();
    let source = url.clone();
    let joined =
        tokio::task::spawn_blocking(move || analyse(&worker, &source, &fetched, sha256)).await;
    drop(permit);
    match joined {
        Ok((outcome, links, links_skipped, found)) => {
            let disposition = if outcome == UrlOutcome::Noindex {
                Disposition::Purge
            } else {
                Disposition::Replace(Box::new(found))
            };
            TaskResult {
                url,
                depth,
                outcome,
                disposition,
                validators: None,
                links,
                links_skipped,
            }
        }
        // A panic in our own analysis is a bug; the URL keeps what it had.
        Err(_) => TaskResult::bare(url, depth, UrlOutcome::Malformed, Disposition::Keep),
    }
}

/// Extract, verify and map, on the blocking pool.
fn analyse(
    context: &TaskContext,
    url: &str,
    fetched: &net::Fetched,
    sha256: String,
) -> (UrlOutcome, Vec<Url>, u64, Found) {
    let extracted = extract(
        &fetched.final_url,
        fetched.content_type.as_deref(),
        &fetched.body,
        &context.limits,
    );
    let mut found = Found {
        sha256,
        validators: fetched.validators.clone(),
        ..Found::default()
    };
    let ingest_context = ingest::IngestContext {
        source_url: Some(url.to_owned()),
        ..ingest::IngestContext::default()
    };
    for candidate in &extracted.candidates {
        let (report, dependencies) = context
            .cache
            .recording(|| context.verifier.verify(&candidate.bytes, &context.options));
        for dependency in dependencies {
            if !found.dependencies.contains(&dependency) {
                found.dependencies.push(dependency);
            }
        }
        found
            .candidates
            .push(CandidateOutcome::Verification(report.outcome));
        if let Ok(verified) = report.into_verified(context.options.now) {
            found.records.extend(ingest::credential_records(
                verified,
                &context.taxonomy,
                &ingest_context,
            ));
        }
    }
    for posting in &extracted.postings {
        match ingest::demand_from_job_posting(posting, Some(url), &context.taxonomy) {
            Ok(demand) => found.demands.push(demand),
            Err(_) => found.demand_rejected += 1,
        }
    }
    (
        extracted.outcome,
        extracted.links,
        extracted.links_skipped,
        found,
    )
}
