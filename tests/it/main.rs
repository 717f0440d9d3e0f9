//! All integration tests, one binary.

mod vectors;
mod mutations;
mod cli_verify;
