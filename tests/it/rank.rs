//! Ranking and analytics (`crates/rank`).

mod analytics;
