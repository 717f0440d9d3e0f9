//! The accounting of a crawl (ARCHITECTURE.md, invariant 7): every URL taken from the
//! frontier ends in exactly one [`UrlOutcome`], and every candidate credential in exactly one
//! [`CandidateOutcome`]. Counters are atomic arrays indexed by the outcome, so the stages add
//! to them from any task and a report is a consistent-enough snapshot for a progress bar;
//! the final report is taken after every task has ended.

use std::sync::atomic::{AtomicU64, Ordering};

use model::Outcome;

/// The one outcome of a URL taken from the frontier in a pass.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum UrlOutcome {
    /// An HTML page: links, embedded JSON-LD and alternates extracted.
    Page,
    /// An XML sitemap or sitemap index: its locations extracted.
    Sitemap,
    /// A body holding at least one candidate credential or presentation.
    Credential,
    /// A page or document holding a schema.org `JobPosting` (and no credential).
    JobPosting,
    /// A document verification relies on (DID or controller document, issuer profile,
    /// status list, badge class, achievement): nothing to index.
    Document,
    /// Parsed, but nothing credential-like in it.
    NotACredential,
    /// A page that asks not to be indexed (`<meta name="robots" content="noindex">`).
    Noindex,
    /// A body that claims a type it is not (broken JSON, XML or HTML).
    Malformed,
    /// A media type the crawler does not read.
    UnsupportedType,
    /// 304 Not Modified, or the same body and the same verification inputs as last time:
    /// nothing parsed, nothing verified.
    NotModified,
    /// 404 or 410: what it published before is withdrawn at the next commit.
    Gone,
    /// Not fetched: its host used up its page budget for this pass.
    HostBudget,
    /// Any other non-2xx status.
    HttpError,
    /// robots.txt disallows it.
    RobotsDisallowed,
    /// The address (or a redirect hop, or a DNS answer) is blocked by the SSRF guard.
    BlockedAddress,
    /// A scheme other than https (or http where allowed).
    BlockedScheme,
    /// Not a valid URL, or longer than the URL cap.
    InvalidUrl,
    /// Over the byte cap (after decompression).
    TooLarge,
    /// A connect, read or total deadline passed.
    TimedOut,
    /// Too many redirects (or a loop).
    RedirectLimit,
    /// TLS failed (untrusted certificate, wrong name, handshake).
    Tls,
    /// The name did not resolve.
    Dns,
    /// Connection refused or reset.
    Connection,
    /// The server broke HTTP.
    Protocol,
}

impl UrlOutcome {
    /// Every outcome, in report order.
    pub const ALL: [UrlOutcome; 24] = [
        UrlOutcome::Page,
        UrlOutcome::Sitemap,
        UrlOutcome::Credential,
        UrlOutcome::JobPosting,
        UrlOutcome::Document,
        UrlOutcome::NotACredential,
        UrlOutcome::Noindex,
        UrlOutcome::Malformed,
        UrlOutcome::UnsupportedType,
        UrlOutcome::NotModified,
        UrlOutcome::Gone,
        UrlOutcome::HostBudget,
        UrlOutcome::HttpError,
        UrlOutcome::RobotsDisallowed,
        UrlOutcome::BlockedAddress,
        UrlOutcome::BlockedScheme,
        UrlOutcome::InvalidUrl,
        UrlOutcome::TooLarge,
        UrlOutcome::TimedOut,
        UrlOutcome::RedirectLimit,
        UrlOutcome::Tls,
        UrlOutcome::Dns,
        UrlOutcome::Connection,
        UrlOutcome::Protocol,
    ];

    /// A stable snake_case code.
    pub fn code(self) -> &'static str {
        match self {
            UrlOutcome::Page => "page",
            UrlOutcome::Sitemap => "sitemap",
            UrlOutcome::Credential => "credential",
            UrlOutcome::JobPosting => "job_posting",
            UrlOutcome::Document => "document",
            UrlOutcome::NotACredential => "not_a_credential",
            UrlOutcome::Noindex => "noindex",
            UrlOutcome::Malformed => "malformed",
            UrlOutcome::UnsupportedType => "unsupported_type",
            UrlOutcome::NotModified => "not_modified",
            UrlOutcome::Gone => "gone",
            UrlOutcome::HostBudget => "host_budget",
            UrlOutcome::HttpError => "http_error",
            UrlOutcome::RobotsDisallowed => "robots_disallowed",
            UrlOutcome::BlockedAddress => "blocked_address",
            UrlOutcome::BlockedScheme => "blocked_scheme",
            UrlOutcome::InvalidUrl => "invalid_url",
            UrlOutcome::TooLarge => "too_large",
            UrlOutcome::TimedOut => "timed_out",
            UrlOutcome::RedirectLimit => "redirect_limit",
            UrlOutcome::Tls => "tls",
            UrlOutcome::Dns => "dns",
            UrlOutcome::Connection => "connection",
            UrlOutcome::Protocol => "protocol",
        }
    }

    /// The outcome of a code (the frontier log stores codes).
    pub fn from_code(code: &str) -> Option<UrlOutcome> {
        UrlOutcome::ALL.into_iter().find(|kind| kind.code() == code)
    }

    fn index(self) -> usize {
        self as usize
    }

    /// The outcome a network refusal or failure counts as.
    pub(crate) fn of_net(kind: net::OutcomeKind) -> UrlOutcome {
        use net::OutcomeKind as K;
        match kind {
            K::Fetched => UrlOutcome::Page,
            K::NotModified => UrlOutcome::NotModified,
            K::HttpStatus => UrlOutcome::HttpError,
            K::InvalidUrl => UrlOutcome::InvalidUrl,
            K::BlockedScheme => UrlOutcome::BlockedScheme,
            K::BlockedAddress => UrlOutcome::BlockedAddress,
            K::RobotsDisallowed => UrlOutcome::RobotsDisallowed,
            K::TooLarge => UrlOutcome::TooLarge,
            K::TimedOut => UrlOutcome::TimedOut,
            K::RedirectLimit => UrlOutcome::RedirectLimit,
            K::Tls => UrlOutcome::Tls,
            K::Dns => UrlOutcome::Dns,
            K::Connection => UrlOutcome::Connection,
            K::Protocol => UrlOutcome::Protocol,
        }
    }
}

/// The one outcome of a candidate credential (a document handed to the verifier): the
/// verifier's outcome, or `Unchanged` when its bytes and verification inputs were the same
/// as at the last verification and it was not verified again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CandidateOutcome {
    /// Verified before, nothing changed: kept as indexed, not verified again.
    Unchanged,
    /// What the verifier said.
    Verification(Outcome),
}

impl CandidateOutcome {
    /// A stable snake_case code (the verifier's codes, and `unchanged`).
    pub fn code(self) -> &'static str {
        match self {
            CandidateOutcome::Unchanged => "unchanged",
            CandidateOutcome::Verification(outcome) => outcome.code(),
        }
    }
}

/// Most verification outcomes told apart (the model's enum is far smaller).
const MAX_VERIFICATION_OUTCOMES: usize = 64;

/// The crawl's counters.
#[derive(Debug)]
pub(crate) struct Counters {
    urls: [AtomicU64; UrlOutcome::ALL.len()],
    unchanged: AtomicU64,
    verifications: [AtomicU64; MAX_VERIFICATION_OUTCOMES],
    pub(crate) links_skipped: AtomicU64,
    pub(crate) records_refused: AtomicU64,
    pub(crate) demand_indexed: AtomicU64,
    pub(crate) demand_rejected: AtomicU64,
}

impl Default for Counters {
    fn default() -> Self {
        Counters {
            urls: std::array::from_fn(|_| AtomicU64::new(0)),
            unchanged: AtomicU64::new(0),
            verifications: std::array::from_fn(|_| AtomicU64::new(0)),
            links_skipped: AtomicU64::new(0),
            records_refused: AtomicU64::new(0),
            demand_indexed: AtomicU64::new(0),
            demand_rejected: AtomicU64::new(0),
        }
    }
}

impl Counters {
    pub(crate) fn url(&self, outcome: UrlOutcome) {
        self.urls[outcome.index()].fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn candidate(&self, outcome: CandidateOutcome) {
        match outcome {
            CandidateOutcome::Unchanged => {
                self.unchanged.fetch_add(1, Ordering::Relaxed);
            }
            CandidateOutcome::Verification(outcome) => {
                let slot = (outcome as usize).min(MAX_VERIFICATION_OUTCOMES - 1);
                self.verifications[slot].fetch_add(1, Ordering::Relaxed);
            }
        }
    }

    pub(crate) fn snapshot(&self) -> OutcomeCounts {
        let urls = UrlOutcome::ALL
            .into_iter()
            .map(|kind| (kind, self.urls[kind.index()].load(Ordering::Relaxed)))
            .filter(|(_, count)| *count > 0)
            .collect();
        let mut candidates: Vec<(CandidateOutcome, u64)> = Outcome::ALL
            .iter()
            .map(|outcome| {
                let slot = (*outcome as usize).min(MAX_VERIFICATION_OUTCOMES - 1);
                (
                    CandidateOutcome::Verification(*outcome),
                    self.verifications[slot].load(Ordering::Relaxed),
                )
            })
            .filter(|(_, count)| *count > 0)
            .collect();
        let unchanged = self.unchanged.load(Ordering::Relaxed);
        if unchanged > 0 {
            candidates.push((CandidateOutcome::Unchanged, unchanged));
        }
        OutcomeCounts {
            urls,
            candidates,
            links_skipped: self.links_skipped.load(Ordering::Relaxed),
            records_refused: self.records_refused.load(Ordering::Relaxed),
            demand_indexed: self.demand_indexed.load(Ordering::Relaxed),
            demand_rejected: self.demand_rejected.load(Ordering::Relaxed),
        }
    }
}

/// A snapshot of the counters: non-zero counts only, in report order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OutcomeCounts {
    /// URLs by outcome.
    pub urls: Vec<(UrlOutcome, u64)>,
    /// Candidate credentials by outcome.
    pub candidates: Vec<(CandidateOutcome, u64)>,
    /// Links not followed (depth, per-host budget, URL length, scheme).
    pub links_skipped: u64,
    /// Records of verified credentials the index refused (counted, not indexed).
    pub records_refused: u64,
    /// Job postings indexed as demand.
    pub demand_indexed: u64,
    /// `JobPosting`s that could not become demand records.
    pub demand_rejected: u64,
}

impl OutcomeCounts {
    /// The count of one URL outcome.
    pub fn url(&self, outcome: UrlOutcome) -> u64 {
        self.urls
            .iter()
            .find(|(kind, _)| *kind == outcome)
            .map_or(0, |(_, count)| *count)
    }

    /// The count of one candidate outcome.
    pub fn candidate(&self, outcome: CandidateOutcome) -> u64 {
        self.candidates
            .iter()
            .find(|(kind, _)| *kind == outcome)
            .map_or(0, |(_, count)| *count)
    }

    /// URLs taken from the frontier.
    pub fn num_urls(&self) -> u64 {
        self.urls.iter().map(|(_, count)| count).sum()
    }

    /// Candidate credentials seen.
    pub fn num_candidates(&self) -> u64 {
        self.candidates.iter().map(|(_, count)| count).sum()
    }

    /// Candidates the verifier ran on in this pass.
    pub fn num_verifications(&self) -> u64 {
        self.num_candidates() - self.candidate(CandidateOutcome::Unchanged)
    }
}
