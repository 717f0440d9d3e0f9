//! The taxonomy and jobspec crates against the full bundled data (`index-data/`) and the
//! labelled evaluation sets of `tests/fixtures/taxonomy/` (how each was made:
//! `tests/fixtures/taxonomy/README.md`). Quality figures are asserted against the targets of
//! the issue and printed (run with `--nocapture` to see them).

mod alignment;
mod cli;
mod data;
mod jobs;
mod mapping;
mod regions;
mod robustness;
mod semantic;
pub(crate) mod support;
