//! The corpus every rank test shares, built once per test process: the demo-sized plan
//! (5,000 earners, 48 job requirements with graded relevance) and its index.

use std::sync::OnceLock;

use corpus::{CorpusConfig, Plan, SiteState};
use skillproof_tests::plan_index::{self, PlanIndex};
use taxonomy::Taxonomy;
use time::OffsetDateTime;

pub(crate) use crate::taxonomy::support::taxonomy;

/// The corpus's `now`, which ranking is judged at: 2026-06-01T00:00:00Z.
pub(crate) const AS_OF: i64 = 1_780_272_000;

pub(crate) struct Corpus {
    pub(crate) plan: Plan,
    pub(crate) index: PlanIndex,
}

/// The demo corpus (seed 2026) and its index in the current state.
pub(crate) fn corpus() -> &'static Corpus {
    static CORPUS: OnceLock<Corpus> = OnceLock::new();
    CORPUS.get_or_init(|| {
        let started = std::time::Instant::now();
        let now = OffsetDateTime::from_unix_timestamp(AS_OF).expect("a valid instant");
        let config = CorpusConfig {
            postings: 0,
            ..CorpusConfig::demo(2026, now)
        };
        let plan = corpus::plan(&config, taxonomy()).expect("the demo corpus plans");
        let planned = started.elapsed();
        let index = plan_index::build(&plan, taxonomy(), SiteState::Current)
            .expect("the plan's records index");
        println!(
            "rank corpus: {} earners, {} records, planned in {planned:.1?}, indexed in {:.1?}",
            plan.earners.len(),
            index.records.len(),
            started.elapsed() - planned
        );
        Corpus { plan, index }
    })
}

pub(crate) fn tax() -> &'static Taxonomy {
    taxonomy()
}
