//! The one hardened HTTP client of skillproof (layer L2, async, tokio).
//!
//! Everything that leaves the machine goes through [`Client::fetch`]: crawl fetches,
//! did:web and controller documents, status lists, hosted Open Badges 2.0 assertions.
//!
//! Design decision: the guard sits where connections are made, not where URLs are
//! written. A DNS resolver drops answers in blocked ranges on every connection
//! ([`resolve`]), and every URL, first or redirect target, is checked again before it is
//! requested ([`policy`]), because IP literals never reach a resolver. Loopback is reachable
//! only through hosts pinned by configuration (`--resolve HOST:PORT:ADDR`), so tests and
//! the demo run the production guard unchanged.
//!
//! Every fetch ends in exactly one [`OutcomeKind`], counted in [`NetCounters`]:
//! a [`Fetched`] answer (2xx, 304, other status) or a [`NetError`].
//! Bodies are capped after decompression while streaming; connect, idle and total deadlines
//! apply. Crawl fetches also obey robots.txt (RFC 9309, [`robots`]) and per-host politeness
//! ([`HostScheduler`]). Synchronous callers use [`BlockingClient`].

#![warn(missing_docs)]

mod blocking;
mod client;
mod config;
mod counters;
mod error;
pub mod policy;
mod politeness;
pub mod resolve;
pub mod robots;

pub use blocking::BlockingClient;
pub use client::{Client, Conditional, FetchOptions, Fetched, Purpose, Validators};
pub use config::{
    NetConfig, PRODUCT_TOKEN, PolitenessConfig, ROBOTS_MIN_PARSE_BYTES, RobotsConfig,
    default_user_agent,
};
pub use counters::{NetCounters, OutcomeCounts};
pub use error::{NetError, OutcomeKind, Result, TimeoutPhase};
pub use policy::{AddressPolicy, ResolvePin, UrlDecision, evaluate_url};
pub use politeness::{HostFeedback, HostPermit, HostScheduler, parse_retry_after};
pub use resolve::{HostLookup, LookupFuture, SystemLookup};
pub use url::Url;
