//! The index of verified skills (`crates/index`): a model-based functional test against a
//! brute-force oracle, data-driven checks of filter and aggregate semantics, and durability
//! (reopen, reload, the writer lock, schema changes, kill -9 loops).

mod durability;
mod functional;
mod semantics;
