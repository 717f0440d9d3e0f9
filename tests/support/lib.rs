//! Shared test support: fixture loading, the CLI runner.
