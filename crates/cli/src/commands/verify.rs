//! `skillproof verify`.

use std::path::PathBuf;

use clap::Args;

use super::Status;

/// Arguments of `skillproof verify`.
#[derive(Debug, Args)]
pub(crate) struct VerifyArgs {
    /// Files (JSON, JSON-LD, compact JWT, PNG, SVG) or directories (their files, sorted).
    #[arg(required = true)]
    paths: Vec<PathBuf>,
}

pub(crate) fn run(args: VerifyArgs) -> anyhow::Result<Status> {
    let _ = args.paths;
    Ok(Status::CheckFailed)
}
