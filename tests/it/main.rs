//! All integration tests, one binary.

mod vectors;
mod mutations;
mod cli_verify;
mod jsonld;
mod net;
mod taxonomy;
mod tidy;
mod ingest;
