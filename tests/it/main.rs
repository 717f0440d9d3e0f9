//! All integration tests, one binary.

mod vectors;
