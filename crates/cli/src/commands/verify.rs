//! `skillproof verify [--format json|text] [--now RFC3339] [--offline] PATH...`
//!
//! One result per input, in input order (directories expand to their files, sorted). Inputs
//! are verified in parallel on rayon's pool and printed in order as each chunk completes.
//! Exit status: 0 if everything verified, 1 if anything did not, 2 if an input could not be
//! read.

use std::io::{self, IsTerminal as _, Write as _};
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use clap::{Args, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;
use serde_json::{Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use verify::{VerificationReport, Verifier, VerifyOptions};

use super::Status;
use crate::network::NetworkArgs;

/// Arguments of `skillproof verify`.
#[derive(Debug, Args)]
pub(crate) struct VerifyArgs {
    /// Files (JSON, JSON-LD, compact JWT, PNG, SVG) or directories (their files, recursively, sorted).
    #[arg(required = true)]
    paths: Vec<PathBuf>,

    /// Output format: `text` for people, `json` for one JSON object per input line.
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    format: OutputFormat,

    /// Judge validity and status at this instant (RFC 3339) instead of now.
    #[arg(long, value_parser = parse_instant)]
    now: Option<OffsetDateTime>,

    /// Never fetch: keys, DID documents and status lists that need the network are inconclusive.
    #[arg(long)]
    offline: bool,

    /// For presentations: the challenge the proof must carry.
    #[arg(long)]
    challenge: Option<String>,

    /// For presentations: the domain the proof must be bound to.
    #[arg(long)]
    domain: Option<String>,

    #[command(flatten)]
    network: NetworkArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum OutputFormat {
    Text,
    Json,
}

fn parse_instant(text: &str) -> Result<OffsetDateTime, String> {
    OffsetDateTime::parse(text, &Rfc3339)
        .map_err(|error| format!("{text:?} is not an RFC 3339 date-time: {error}"))
}

/// Inputs are verified this many at a time, so output streams and memory stays flat.
const CHUNK: usize = 256;

pub(crate) fn run(args: VerifyArgs) -> anyhow::Result<Status> {
    let inputs = expand_paths(&args.paths)?;
    let resolver = crate::network::resolver(args.offline, &args.network)?;
    let verifier = Verifier::new(resolver);
    let options = VerifyOptions {
        now: args.now.unwrap_or_else(OffsetDateTime::now_utc),
        challenge: args.challenge,
        domain: args.domain,
    };
    let progress = progress_bar(inputs.len() as u64);
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let mut summary = Summary::default();
    for chunk in inputs.chunks(CHUNK) {
        let results: Vec<InputResult> = chunk
            .par_iter()
            .map(|path| {
                let result = match std::fs::read(path) {
                    Ok(bytes) => InputResult::Report(Box::new(verifier.verify(&bytes, &options))),
                    Err(error) => InputResult::Unreadable(error.to_string()),
                };
                progress.inc(1);
                result
            })
            .collect();
        for (path, result) in chunk.iter().zip(&results) {
            summary.count(result);
            let line = match args.format {
                OutputFormat::Json => json_line(path, result).to_string(),
                OutputFormat::Text => text_line(path, result),
            };
            progress
                .suspend(|| writeln!(out, "{line}"))
                .context("writing results")?;
        }
        out.flush().context("writing results")?;
    }
    progress.finish_and_clear();
    if args.format == OutputFormat::Text && inputs.len() > 1 {
        eprintln!("{}", summary.describe());
    }
    if summary.unreadable > 0 {
        // I/O errors mean exit 2; each unreadable input's line already says which and why.
        anyhow::bail!("{} input(s) could not be read", summary.unreadable);
    }
    Ok(if summary.not_verified > 0 {
        Status::CheckFailed
    } else {
        Status::Success
    })
}

enum InputResult {
    Report(Box<VerificationReport>),
    Unreadable(String),
}

#[derive(Default)]
struct Summary {
    verified: usize,
    not_verified: usize,
    unreadable: usize,
}

impl Summary {
    fn count(&mut self, result: &InputResult) {
        match result {
            InputResult::Report(report) if report.is_verified() => self.verified += 1,
            InputResult::Report(_) => self.not_verified += 1,
            InputResult::Unreadable(_) => self.unreadable += 1,
        }
    }

    fn describe(&self) -> String {
        format!(
            "{} verified, {} not verified{}",
            self.verified,
            self.not_verified,
            if self.unreadable > 0 {
                format!(", {} unreadable", self.unreadable)
            } else {
                String::new()
            }
        )
    }
}

fn progress_bar(length: u64) -> ProgressBar {
    // Only people watching a terminal get a bar; pipes and CI logs stay clean.
    if !io::stderr().is_terminal() || length < 2 {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(length);
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} verifying {pos}/{len} [{bar:30}] {per_sec} eta {eta}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    bar
}

/// Files as given; directories expand to every file below them, sorted by path. Hidden
/// files (dot-files) inside directories are skipped.
fn expand_paths(paths: &[PathBuf]) -> anyhow::Result<Vec<PathBuf>> {
    let mut inputs = Vec::new();
    for path in paths {
        let metadata =
            std::fs::metadata(path).with_context(|| format!("cannot read {}", path.display()))?;
        if metadata.is_dir() {
            let mut found = Vec::new();
            collect_files(path, &mut found)?;
            found.sort();
            inputs.extend(found);
        } else {
            inputs.push(path.clone());
        }
    }
    Ok(inputs)
}

fn collect_files(directory: &Path, found: &mut Vec<PathBuf>) -> anyhow::Result<()> {
    let entries = std::fs::read_dir(directory)
        .with_context(|| format!("cannot read directory {}", directory.display()))?;
    for entry in entries {
        let entry =
            entry.with_context(|| format!("cannot read directory {}", directory.display()))?;
        if entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        let path = entry.path();
        let file_type = entry
            .file_type()
            .with_context(|| format!("cannot stat {}", path.display()))?;
        if file_type.is_dir() {
            collect_files(&path, found)?;
        } else if file_type.is_file() {
            found.push(path);
        }
    }
    Ok(())
}

/// The DESIGN.md contract: `{"path", "verified", "outcome", "format", "issuer", "proofs",
/// "checks", "error"}`, plus descriptive fields.
fn json_line(path: &Path, result: &InputResult) -> Value {
    match result {
        InputResult::Report(report) => {
            let mut line = report_json(report);
            if let Value::Object(members) = &mut line {
                let mut ordered = serde_json::Map::new();
                ordered.insert("path".to_owned(), json!(path.display().to_string()));
                ordered.append(members);
                ordered.insert("error".to_owned(), Value::Null);
                return Value::Object(ordered);
            }
            line
        }
        InputResult::Unreadable(message) => json!({
            "path": path.display().to_string(),
            "verified": false,
            "outcome": null,
            "format": null,
            "issuer": null,
            "proofs": [],
            "checks": [],
            "error": {"code": "io_error", "message": message},
        }),
    }
}

fn report_json(report: &VerificationReport) -> Value {
    json!({
        "verified": report.is_verified(),
        "outcome": report.outcome,
        "format": report.format,
        "container": report.container,
        "issuer": report.issuer,
        "issuer_name": report.issuer_name,
        "achievement": report.achievement_name,
        "proofs": report.proofs,
        "checks": report.checks,
        "nested": report.nested.iter().map(report_json).collect::<Vec<_>>(),
    })
}

/// One line for people: what it is, who issued it, and in plain words why it failed.
fn text_line(path: &Path, result: &InputResult) -> String {
    let report = match result {
        InputResult::Report(report) => report,
        InputResult::Unreadable(message) => {
            return format!("error     {}: cannot read: {message}", path.display());
        }
    };
    let what = report.achievement_name.as_deref().unwrap_or("credential");
    let issuer = report
        .issuer_name
        .as_deref()
        .or(report.issuer.as_deref())
        .map(|issuer| format!(" from {issuer}"))
        .unwrap_or_default();
    if report.is_verified() {
        format!("verified  {}: {what}{issuer}", path.display())
    } else {
        let detail = report
            .first_failure()
            .map(|check| format!(" ({})", check.detail))
            .unwrap_or_default();
        format!(
            "FAILED    {}: {what}{issuer}: {}: {}{detail}",
            path.display(),
            report.outcome,
            report.outcome.explanation()
        )
    }
}
