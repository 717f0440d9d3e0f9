//! Top credentials by BM25 with a content-based tie-break, and the fingerprint sums behind
//! snapshot ids.

use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::{DocAddress, DocId, Score, SegmentOrdinal, SegmentReader};

use crate::columns::open_numeric;
use crate::schema::name;

/// A scored document, ordered best first: higher score, then smaller credential hash (so ties
/// are broken by content, not by document order).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Scored {
    pub(crate) score: Score,
    pub(crate) credential_hash: u64,
    pub(crate) address: DocAddress,
}

impl Scored {
    fn key(&self) -> (Reverse<TotalF32>, u64) {
        (Reverse(TotalF32(self.score)), self.credential_hash)
    }
}

impl PartialEq for Scored {
    fn eq(&self, other: &Self) -> bool {
        self.key() == other.key()
    }
}
impl Eq for Scored {}
impl PartialOrd for Scored {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Scored {
    /// `Less` is better.
    fn cmp(&self, other: &Self) -> Ordering {
        self.key().cmp(&other.key())
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
struct TotalF32(f32);
impl Eq for TotalF32 {}
impl PartialOrd for TotalF32 {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for TotalF32 {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0.total_cmp(&other.0)
    }
}

pub(crate) struct TopCredentials {
    pub(crate) limit: usize,
}

pub(crate) struct TopCredentialsSegment {
    segment_ord: SegmentOrdinal,
    credential_hash: Column<u64>,
    limit: usize,
    // A max-heap on "worse", so the worst kept hit is on top and leaves first.
    heap: BinaryHeap<Scored>,
}

impl Collector for TopCredentials {
    type Fruit = Vec<Scored>;
    type Child = TopCredentialsSegment;

    fn for_segment(
        &self,
        segment_ord: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<TopCredentialsSegment> {
        Ok(TopCredentialsSegment {
            segment_ord,
            credential_hash: open_numeric(reader, name::CREDENTIAL_HASH)?,
            limit: self.limit,
            heap: BinaryHeap::with_capacity(self.limit.saturating_add(1).min(4096)),
        })
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn merge_fruits(&self, segment_fruits: Vec<Vec<Scored>>) -> tantivy::Result<Vec<Scored>> {
        let mut all: Vec<Scored> = segment_fruits.into_iter().flatten().collect();
        all.sort_unstable();
        all.truncate(self.limit);
        Ok(all)
    }
}

impl SegmentCollector for TopCredentialsSegment {
    type Fruit = Vec<Scored>;

    fn collect(&mut self, doc: DocId, score: Score) {
        if self.limit == 0 {
            return;
        }
        let candidate = Scored {
            score,
            credential_hash: self.credential_hash.first(doc).unwrap_or_default(),
            address: DocAddress::new(self.segment_ord, doc),
        };
        if self.heap.len() < self.limit {
            self.heap.push(candidate);
        } else if let Some(worst) = self.heap.peek()
            && candidate < *worst
        {
            self.heap.pop();
            self.heap.push(candidate);
        }
    }

    fn harvest(self) -> Vec<Scored> {
        self.heap.into_vec()
    }
}

/// Order-independent sums of the per-document fingerprints of one segment: the wrapping sum
/// of the fingerprints and of a mix of each, 128 bits of a multiset hash.
pub(crate) struct FingerprintSums;

pub(crate) struct FingerprintSegment {
    fingerprint: Column<u64>,
    sums: (u64, u64),
}

impl Collector for FingerprintSums {
    type Fruit = (u64, u64);
    type Child = FingerprintSegment;

    fn for_segment(
        &self,
        _segment_ord: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<FingerprintSegment> {
        Ok(FingerprintSegment {
            fingerprint: open_numeric(reader, name::FINGERPRINT)?,
            sums: (0, 0),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, segment_fruits: Vec<(u64, u64)>) -> tantivy::Result<(u64, u64)> {
        Ok(segment_fruits.into_iter().fold((0, 0), |(a, b), (c, d)| {
            (a.wrapping_add(c), b.wrapping_add(d))
        }))
    }
}

impl SegmentCollector for FingerprintSegment {
    type Fruit = (u64, u64);

    fn collect(&mut self, doc: DocId, _score: Score) {
        if let Some(fingerprint) = self.fingerprint.first(doc) {
            self.sums.0 = self.sums.0.wrapping_add(fingerprint);
            self.sums.1 = self.sums.1.wrapping_add(splitmix64(fingerprint));
        }
    }

    fn harvest(self) -> (u64, u64) {
        self.sums
    }
}

fn splitmix64(value: u64) -> u64 {
    let mut z = value.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}
