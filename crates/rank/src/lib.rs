//! Ranking and analytics (layer L3): a job requirement, the taxonomy and an index snapshot in;
//! ranked, explained candidates and programs, and supply, demand and gap cells out.
//!
//! Synchronous and deterministic: the same request against the same snapshot gives the same
//! answer, and every answer names the snapshot, the taxonomy versions and [`RANKING_VERSION`].

#![warn(missing_docs)]

pub mod analytics;
mod error;

pub use error::{Error, Result};

/// The version of the ranking function, named in every response: bump it whenever a change
/// can reorder results for the same request and snapshot.
pub const RANKING_VERSION: &str = "rank-1";
