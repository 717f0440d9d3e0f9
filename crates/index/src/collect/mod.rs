//! The collectors: per-segment work on fast fields, then an explicit merge (tantivy's
//! `Collector` / `SegmentCollector` split). Segment collectors keep segment-local term
//! ordinals while collecting and turn the ones they used into strings at harvest, so merges
//! compare strings and the results never depend on how documents fall into segments.

pub(crate) mod cells;
pub(crate) mod claims;
pub(crate) mod demand;
pub(crate) mod supply;
pub(crate) mod text;
