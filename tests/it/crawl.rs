//! The crawler (`crates/crawl`) against a corpus web served over HTTPS on loopback, every
//! host pinned `--resolve`-style to 127.0.0.1 and trusted through a test CA; a stub DNS
//! answers everything else, so nothing leaves loopback.
//!
//! The corpus plan is the ground truth: what verifies is indexed and nothing else, the
//! outcome counters match the plan exactly, consent decides findability, a recrawl of an
//! unchanged web verifies nothing and changes nothing, and revocations, withdrawals and
//! 410s leave the index at the next commit. A hostile host checks that every trap ends in
//! its counted outcome.

mod web;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use corpus::{CorpusConfig, CredentialFormat, Defect, Ecosystem, SiteState};
use crawl::{CandidateOutcome, CrawlConfig, CrawlReport, Crawler, UrlOutcome};
use model::Outcome;
use net::{NetConfig, PolitenessConfig};
use skillproof_tests::net::{Honeypot, StubDns, TestPki};
use time::OffsetDateTime;
use tokio::net::TcpListener;

use crate::taxonomy::support::taxonomy;
use web::{DemoWeb, HOSTILE_HOST};

fn now() -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(1_780_272_000).expect("2026-06-01T00:00:00Z")
}

struct Fixture {
    web: DemoWeb,
    ecosystem: Option<Ecosystem>,
    pki: TestPki,
    honeypot: Honeypot,
    hosts: Vec<String>,
    dir: PathBuf,
}

impl Drop for Fixture {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

impl Fixture {
    /// A web on one loopback port: the tiny corpus (when `with_corpus`) and the hostile host.
    async fn start(name: &str, with_corpus: bool) -> Fixture {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let port = listener.local_addr().expect("local addr").port();
        let honeypot = Honeypot::start().await.expect("honeypot");
        let ecosystem = with_corpus.then(|| {
            let config = CorpusConfig {
                earners: 40,
                postings: 20,
                requirements: 5,
                https_port: Some(port),
                ..CorpusConfig::small(2026, now())
            };
            corpus::generate(&config, taxonomy()).expect("the tiny corpus generates")
        });
        let mut hosts: Vec<String> = ecosystem
            .as_ref()
            .map(|ecosystem| ecosystem.site().hosts().map(str::to_owned).collect())
            .unwrap_or_default();
        hosts.push(HOSTILE_HOST.to_owned());
        let names: Vec<&str> = hosts.iter().map(String::as_str).collect();
        let pki = TestPki::new(&names).expect("test pki");
        let web = DemoWeb::start(listener, pki.server.clone(), honeypot.addr.port()).expect("web");
        if let Some(ecosystem) = &ecosystem {
            web.set_site(ecosystem.site_in(SiteState::Initial));
        }
        let dir = std::env::temp_dir().join(format!(
            "skillproof-crawl-{name}-{}-{port}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        Fixture {
            web,
            ecosystem,
            pki,
            honeypot,
            hosts,
            dir,
        }
    }

    fn ecosystem(&self) -> &Ecosystem {
        self.ecosystem.as_ref().expect("a corpus fixture")
    }

    fn port(&self) -> u16 {
        self.web.addr.port()
    }

    fn net_config(&self) -> NetConfig {
        let pins: Vec<String> = self
            .hosts
            .iter()
            .map(|host| format!("{host}:{}:127.0.0.1", self.port()))
            .collect();
        let mut config = NetConfig::default()
            .with_resolve(&pins)
            .expect("pins parse");
        config.extra_roots_pem.push(self.pki.ca_pem.clone());
        // Names nobody pinned resolve to loopback here, as a rebinding attacker's would.
        config.dns = Some(Arc::new(
            StubDns::default().with("rebind.demo.skillproof.test", &[&["127.0.0.1"]]),
        ));
        config.politeness = PolitenessConfig {
            min_delay: Duration::ZERO,
            backoff_base: Duration::from_millis(10),
            backoff_max: Duration::from_millis(50),
            jitter_seed: Some(1),
            ..PolitenessConfig::default()
        };
        config.connect_timeout = Duration::from_secs(2);
        config.read_timeout = Duration::from_secs(1);
        config.total_timeout = Duration::from_secs(2);
        config.max_body_bytes = 1024 * 1024;
        config
    }

    fn crawl_config(&self, seeds: Vec<String>) -> CrawlConfig {
        CrawlConfig {
            seeds,
            max_depth: 4,
            commit_every: 64,
            now: Some(now()),
            ..CrawlConfig::default()
        }
    }

    async fn crawl(&self, data_dir: &Path, config: CrawlConfig) -> CrawlReport {
        let mut crawler = Crawler::open(data_dir, self.net_config(), taxonomy().into(), config)
            .expect("the crawler opens");
        crawler.run(&mut |_| {}).await.expect("the crawl runs")
    }
}

/// Credential ids the index must hold for the web in `state`: every credential that
/// verifies (a CLR as its members).
///
fn expected_ids(ecosystem: &Ecosystem, state: SiteState) -> BTreeSet<String> {
    ecosystem
        .plan
        .credentials
        .iter()
        .filter(|credential| credential.outcome_in(state) == Outcome::Verified)
        .flat_map(|credential| {
            if credential.format == CredentialFormat::Clr {
                credential.nested_ids.clone()
            } else {
                vec![credential.id.clone()]
            }
        })
        .collect()
}

/// Candidate outcomes the plan predicts for a full crawl of `state`: each published
/// credential (a hosted Open Badges 2.0 assertion that answers 410 is a gone URL, not a
/// candidate) and each published presentation.
fn expected_candidates(ecosystem: &Ecosystem, state: SiteState) -> BTreeMap<String, u64> {
    let mut expected = BTreeMap::new();
    for credential in &ecosystem.plan.credentials {
        let outcome = credential.outcome_in(state);
        if credential.format == CredentialFormat::Ob2Hosted && outcome == Outcome::Revoked {
            continue;
        }
        *expected.entry(outcome.code().to_owned()).or_default() += 1;
    }
    for presentation in &ecosystem.plan.presentations {
        if state == SiteState::Initial || !presentation.withdrawn {
            *expected
                .entry(presentation.outcome.code().to_owned())
                .or_default() += 1;
        }
    }
    expected
}

fn candidate_counts(report: &CrawlReport) -> BTreeMap<String, u64> {
    report
        .counts
        .candidates
        .iter()
        .map(|(outcome, count)| (outcome.code().to_owned(), *count))
        .collect()
}

/// Credential ids that some published presentation carries (their earners consented).
fn presented_ids(ecosystem: &Ecosystem, state: SiteState) -> BTreeSet<String> {
    let plan = &ecosystem.plan;
    plan.presentations
        .iter()
        .filter(|presentation| state == SiteState::Initial || !presentation.withdrawn)
        .flat_map(|presentation| presentation.credentials.iter())
        .flat_map(|&index| {
            let credential = &plan.credentials[index];
            if credential.format == CredentialFormat::Clr {
                credential.nested_ids.clone()
            } else {
                vec![credential.id.clone()]
            }
        })
        .collect()
}

fn indexed(fixture_dir: &Path) -> (BTreeSet<String>, BTreeSet<String>, String) {
    let index = index::SkillIndex::open(fixture_dir.join("index")).expect("index opens");
    let snapshot = index.snapshot().expect("snapshot");
    let ids: BTreeSet<String> = snapshot
        .credential_ids()
        .expect("ids")
        .into_iter()
        .collect();
    let findable = ids
        .iter()
        .filter(|id| {
            snapshot
                .credential(id)
                .expect("stored credential")
                .is_some_and(|credential| credential.record.earner.findable)
        })
        .cloned()
        .collect();
    (ids, findable, snapshot.id().to_string())
}

/// Invariant 7 for a full pass: every URL the frontier knows was taken once and ended in
/// exactly one outcome.
fn assert_accounting(report: &CrawlReport) {
    assert!(report.finished);
    assert_eq!(
        report.counts.num_urls(),
        report.known_urls,
        "URL outcomes do not add up to the frontier: {:?}",
        report.counts
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_crawler_indexes_what_verifies_and_keeps_the_index_current() {
    let fixture = Fixture::start("keep-current", true).await;
    let ecosystem = fixture.ecosystem();
    let seeds = ecosystem.seed_urls();

    // A crawl interrupted every 60 URLs and resumed by a new process-like crawler ends in
    // the same index as one clean run.
    let resumed_dir = fixture.dir.join("resumed");
    let mut runs = 0;
    loop {
        let report = fixture
            .crawl(
                &resumed_dir,
                CrawlConfig {
                    max_pages: Some(60),
                    ..fixture.crawl_config(seeds.clone())
                },
            )
            .await;
        runs += 1;
        if report.finished {
            break;
        }
        assert!(runs < 100, "the resumed crawl does not finish");
    }
    assert!(runs > 2, "the budget should have interrupted the crawl");

    let clean_dir = fixture.dir.join("clean");
    let first = fixture
        .crawl(&clean_dir, fixture.crawl_config(seeds.clone()))
        .await;
    // Every verified credential is indexed (a record the index refuses is counted and
    // named, and none is: hosted Open Badges 2.0 assertions take their issuer from the
    // verifier's summary); nothing else is indexed.
    let refused: BTreeSet<String> = first.refused_ids.iter().cloned().collect();
    assert_eq!(first.counts.records_refused, refused.len() as u64);
    assert!(refused.is_empty(), "records the index refused: {refused:?}");
    println!(
        "crawl: {} URLs, {} candidates in {:.2?} ({:.1} URLs/s); {:?}",
        first.counts.num_urls(),
        first.counts.num_candidates(),
        first.elapsed,
        first.counts.num_urls() as f64 / first.elapsed.as_secs_f64(),
        first.counts
    );
    assert!(first.finished);
    assert_accounting(&first);
    assert_eq!(
        candidate_counts(&first),
        expected_candidates(ecosystem, SiteState::Initial),
        "candidate outcomes against the plan"
    );
    let gone_assertions = ecosystem
        .plan
        .credentials
        .iter()
        .filter(|c| c.format == CredentialFormat::Ob2Hosted && c.defect == Some(Defect::Revoked))
        .count() as u64;
    assert_eq!(first.counts.url(UrlOutcome::Gone), gone_assertions);
    let (ids, findable, snapshot) = indexed(&clean_dir);
    let expected: BTreeSet<String> = expected_ids(ecosystem, SiteState::Initial)
        .difference(&refused)
        .cloned()
        .collect();
    assert_eq!(ids, expected);
    let presented = presented_ids(ecosystem, SiteState::Initial);
    assert_eq!(
        findable,
        ids.intersection(&presented)
            .cloned()
            .collect::<BTreeSet<_>>(),
        "findable exactly when a presentation the earner signed carries it"
    );
    assert!(!findable.is_empty() && findable.len() < ids.len());
    let (resumed_ids, resumed_findable, resumed_snapshot) = indexed(&resumed_dir);
    assert_eq!(
        (resumed_ids, resumed_findable, resumed_snapshot),
        (ids.clone(), findable.clone(), snapshot.clone()),
        "the resumed crawl differs from the clean one"
    );

    // Nothing changed: conditional GETs, no verification, the same snapshot.
    fixture.web.clear_log();
    let again = fixture
        .crawl(&clean_dir, fixture.crawl_config(seeds.clone()))
        .await;
    assert_eq!(again.counts.num_verifications(), 0, "{:?}", again.counts);
    assert_eq!(
        again.counts.candidate(CandidateOutcome::Unchanged),
        first.counts.num_candidates()
    );
    assert_eq!(again.snapshot_id, first.snapshot_id);
    let requests = fixture.web.requests();
    // Crawl fetches are conditional and answered 304; the only full answers are the
    // documents verification read (fetched once per pass to compare fingerprints).
    let page_requests: Vec<_> = requests
        .iter()
        .filter(|r| r.conditional && r.status != 304)
        .collect();
    assert!(
        page_requests.is_empty(),
        "unchanged pages sent in full: {:?}",
        &page_requests[..page_requests.len().min(5)]
    );
    assert!(
        requests.iter().filter(|r| r.conditional).count() as u64
            >= first.counts.url(UrlOutcome::Credential)
    );

    // The web moves on: late revocations (status-list flips and hosted 410s) and withdrawn
    // presentations.
    fixture.web.set_site(ecosystem.site_in(SiteState::Current));
    let current = fixture
        .crawl(&clean_dir, fixture.crawl_config(seeds.clone()))
        .await;
    assert_accounting(&current);
    let (ids, findable, _) = indexed(&clean_dir);
    let expected: BTreeSet<String> = expected_ids(ecosystem, SiteState::Current)
        .difference(&refused)
        .cloned()
        .collect();
    assert_eq!(ids, expected);
    let presented = presented_ids(ecosystem, SiteState::Current);
    assert_eq!(
        findable,
        ids.intersection(&presented)
            .cloned()
            .collect::<BTreeSet<_>>()
    );
    let revoked_later = ecosystem
        .plan
        .credentials
        .iter()
        .filter(|c| c.defect == Some(Defect::RevokedLater))
        .count();
    assert!(revoked_later > 0);
    assert!(
        current.counts.num_verifications() < first.counts.num_candidates(),
        "only what changed is verified again: {:?}",
        current.counts
    );

    // A 410 on a credential nobody presents removes it at the next crawl.
    let target = ecosystem
        .plan
        .credentials
        .iter()
        .find(|c| {
            c.outcome == Outcome::Verified
                && c.format == CredentialFormat::Ob3Rdfc
                && !presented.contains(&c.id)
        })
        .expect("an unpresented verified credential");
    fixture.web.set_status(&target.url, 410);
    let after_gone = fixture
        .crawl(&clean_dir, fixture.crawl_config(seeds.clone()))
        .await;
    assert_eq!(
        after_gone.counts.url(UrlOutcome::Gone),
        1 + current.counts.url(UrlOutcome::Gone)
    );
    assert_eq!(after_gone.operations.credentials_withdrawn_by_issuer, 1);
    let (ids_after, _, _) = indexed(&clean_dir);
    assert!(!ids_after.contains(&target.id));
    assert_eq!(ids_after.len() + 1, ids.len());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_pages_end_in_their_counted_outcomes() {
    let fixture = Fixture::start("hostile", false).await;
    let seed = format!("https://{HOSTILE_HOST}:{}/", fixture.port());
    let report = fixture
        .crawl(&fixture.dir.clone(), fixture.crawl_config(vec![seed]))
        .await;
    let expected: &[(UrlOutcome, u64)] = &[
        // The root and the calendar pages /trap/0 ../trap/3 (depth 4 is the limit).
        (UrlOutcome::Page, 5),
        // Nested too deep to parse: a candidate the verifier refuses.
        (UrlOutcome::Credential, 1),
        (UrlOutcome::Malformed, 1),
        // The disallowed path, and the redirect to a name that resolves to loopback
        // unpinned: its robots.txt is unreachable, which means disallow all.
        (UrlOutcome::RobotsDisallowed, 2),
        // The redirect to 10.1.2.3.
        (UrlOutcome::BlockedAddress, 1),
        (UrlOutcome::TooLarge, 1),
        (UrlOutcome::TimedOut, 1),
        (UrlOutcome::RedirectLimit, 1),
    ];
    assert_eq!(report.counts.urls, expected.to_vec(), "{:?}", report.counts);
    assert_eq!(
        candidate_counts(&report),
        // The verifier's nesting limit reports it as too large.
        BTreeMap::from([("too_large".to_owned(), 1)])
    );
    assert_eq!(report.counts.links_skipped, 1, "the link to /trap/4");
    assert_eq!(report.num_credentials, 0);
    assert_eq!(fixture.honeypot.connections(), 0);
    assert!(
        !fixture
            .web
            .requests()
            .iter()
            .any(|r| r.host == HOSTILE_HOST && r.path.starts_with("/private-area/")),
        "robots.txt disallowed /private-area/"
    );
}
