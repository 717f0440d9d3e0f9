//! All integration tests, one binary.
// Table-driven tests spell their case tuples inline, next to the cases.
#![allow(clippy::type_complexity)]

mod cli_verify;
mod corpus;
mod crawl;
mod demo;
mod index;
mod ingest;
mod jsonld;
mod mutations;
mod net;
mod rank;
mod server;
mod taxonomy;
mod tidy;
mod vectors;
mod web;
