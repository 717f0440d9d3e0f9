//! Ranking and analytics (`crates/rank`).
//!
//! Candidate and program ranking: quality on the demo corpus against plain BM25, results
//! against a brute-force oracle (filters, must / must-not, consent, program aggregates with
//! small cells suppressed), the contract of every page (explanations, determinism,
//! pagination caps, deletes at the next commit) and `skillproof search`. The demo corpus
//! (5,000 earners) is planned and indexed once per test process.

mod analytics;
mod candidates;
mod cli;
mod oracle;
mod programs;
mod quality;
mod support;
