//! Partitioned outcome counters: each request adds one to exactly one bucket.

use std::sync::atomic::{AtomicU64, Ordering};

use crate::error::OutcomeKind;

const NUM_KINDS: usize = OutcomeKind::ALL.len();

#[derive(Debug, Default)]
pub(crate) struct Partition([AtomicU64; NUM_KINDS]);

impl Partition {
    pub(crate) fn add(&self, kind: OutcomeKind) {
        self.0[kind.index()].fetch_add(1, Ordering::Relaxed);
    }

    fn snapshot(&self) -> OutcomeCounts {
        OutcomeCounts(std::array::from_fn(|i| self.0[i].load(Ordering::Relaxed)))
    }
}

#[derive(Debug, Default)]
pub(crate) struct Counters {
    pub(crate) fetches: Partition,
    pub(crate) robots_fetches: Partition,
}

impl Counters {
    pub(crate) fn snapshot(&self) -> NetCounters {
        NetCounters {
            fetches: self.fetches.snapshot(),
            robots_fetches: self.robots_fetches.snapshot(),
        }
    }
}

/// Counts per outcome kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct OutcomeCounts([u64; NUM_KINDS]);

impl OutcomeCounts {
    /// The count for one kind.
    pub fn get(&self, kind: OutcomeKind) -> u64 {
        self.0[kind.index()]
    }

    /// The sum over all kinds: the number of requests.
    pub fn total(&self) -> u64 {
        self.0.iter().sum()
    }

    /// `(kind, count)` in [`OutcomeKind::ALL`] order.
    pub fn iter(&self) -> impl Iterator<Item = (OutcomeKind, u64)> + '_ {
        OutcomeKind::ALL.iter().map(|kind| (*kind, self.get(*kind)))
    }
}

/// A snapshot of the client's counters, for export by the crawler.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct NetCounters {
    /// One count per [`crate::Client::fetch`] call, by outcome.
    pub fetches: OutcomeCounts,
    /// One count per robots.txt retrieval the client made on its own, by outcome.
    pub robots_fetches: OutcomeCounts,
}
