//! `skillproof verify` (release binary) against the reference JavaScript verifier
//! (`tools/bench/verify-reference.mjs`: Digital Bazaar @digitalbazaar/vc) on the same
//! directory of credentials: wall time per run and the per-file verdicts of both.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use serde_json::Value;

/// One run of a verifier over the directory.
pub(crate) struct Run {
    pub(crate) seconds: f64,
    /// File name → verified.
    pub(crate) verdicts: BTreeMap<String, bool>,
    /// File name → outcome or error text, for files that did not verify.
    pub(crate) failures: BTreeMap<String, String>,
    /// What the verifier itself reported about its own timing (the JS runner separates
    /// start-up from the verification loop).
    pub(crate) inner: Option<Value>,
}

/// The release `skillproof` binary: `$SKILLPROOF_BIN`, or built now with `cargo build
/// --release` into the target directory this bench runs from.
pub(crate) fn skillproof_binary(root: &Path) -> Result<PathBuf, String> {
    if let Some(path) = std::env::var_os("SKILLPROOF_BIN") {
        return Ok(PathBuf::from(path));
    }
    let exe = std::env::current_exe().map_err(|error| error.to_string())?;
    // <target>/release/deps/verify-<hash>
    let target = exe
        .ancestors()
        .nth(3)
        .ok_or("cannot find the target directory")?
        .to_path_buf();
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    eprintln!(
        "building the release skillproof binary into {} ...",
        target.display()
    );
    let status = Command::new(cargo)
        .args([
            "build",
            "--release",
            "--quiet",
            "-p",
            "skillproof-cli",
            "--bin",
            "skillproof",
        ])
        .env("CARGO_TARGET_DIR", &target)
        .current_dir(root)
        .status()
        .map_err(|error| format!("cargo: {error}"))?;
    if !status.success() {
        return Err(format!("cargo build --release failed: {status}"));
    }
    Ok(target.join("release").join("skillproof"))
}

fn file_name(path: &str) -> String {
    Path::new(path)
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.to_owned())
}

fn parse_lines(
    stdout: &[u8],
    failure_text: impl Fn(&Value) -> String,
) -> (BTreeMap<String, bool>, BTreeMap<String, String>) {
    let mut verdicts = BTreeMap::new();
    let mut failures = BTreeMap::new();
    for line in String::from_utf8_lossy(stdout).lines() {
        let Ok(value) = serde_json::from_str::<Value>(line) else {
            continue;
        };
        let Some(path) = value.get("path").and_then(Value::as_str) else {
            continue;
        };
        let name = file_name(path);
        let verified = value.get("verified").and_then(Value::as_bool) == Some(true);
        if !verified {
            failures.insert(name.clone(), failure_text(&value));
        }
        verdicts.insert(name, verified);
    }
    (verdicts, failures)
}

/// `skillproof verify --format json --offline --now NOW DIR` on `threads` rayon threads.
pub(crate) fn run_skillproof(
    binary: &Path,
    directory: &Path,
    now: &str,
    threads: usize,
) -> Result<Run, String> {
    let start = Instant::now();
    let output = Command::new(binary)
        .args(["verify", "--format", "json", "--offline", "--now", now])
        .arg(directory)
        .env("RAYON_NUM_THREADS", threads.to_string())
        .stdin(Stdio::null())
        .output()
        .map_err(|error| format!("{}: {error}", binary.display()))?;
    let seconds = start.elapsed().as_secs_f64();
    // Exit 1 means "something did not verify": the verdicts say what.
    if !matches!(output.status.code(), Some(0 | 1)) {
        return Err(format!(
            "skillproof verify exited {}: {}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    let (verdicts, failures) = parse_lines(&output.stdout, |value| {
        let outcome = value.get("outcome").and_then(Value::as_str).unwrap_or("?");
        let detail = value
            .get("checks")
            .and_then(Value::as_array)
            .and_then(|checks| {
                checks
                    .iter()
                    .find(|check| check.get("result").and_then(Value::as_str) == Some("fail"))
            })
            .and_then(|check| check.get("detail").and_then(Value::as_str))
            .unwrap_or("");
        format!("{outcome}: {detail}")
    });
    Ok(Run {
        seconds,
        verdicts,
        failures,
        inner: None,
    })
}

/// The reference runner, if `npm ci --prefix tools/bench` has been run.
pub(crate) fn reference_runner(root: &Path) -> Result<PathBuf, String> {
    let runner = root.join("tools/bench/verify-reference.mjs");
    if !root
        .join("tools/bench/node_modules/@digitalbazaar/vc")
        .is_dir()
    {
        return Err(
            "tools/bench/node_modules is missing: run `npm ci --prefix tools/bench`".into(),
        );
    }
    Ok(runner)
}

/// `node tools/bench/verify-reference.mjs --now NOW DIR`.
pub(crate) fn run_reference(runner: &Path, directory: &Path, now: &str) -> Result<Run, String> {
    let start = Instant::now();
    let output = Command::new("node")
        .arg(runner)
        .args(["--now", now])
        .arg(directory)
        .stdin(Stdio::null())
        .output()
        .map_err(|error| format!("node: {error}"))?;
    let seconds = start.elapsed().as_secs_f64();
    if !matches!(output.status.code(), Some(0 | 1)) {
        return Err(format!(
            "the reference verifier exited {}: {}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    let (verdicts, failures) = parse_lines(&output.stdout, |value| {
        value
            .get("error")
            .and_then(Value::as_str)
            .unwrap_or("not verified")
            .to_owned()
    });
    let inner = String::from_utf8_lossy(&output.stderr)
        .lines()
        .rev()
        .find_map(|line| serde_json::from_str::<Value>(line).ok());
    Ok(Run {
        seconds,
        verdicts,
        failures,
        inner,
    })
}

/// Files on which the two verdict sets differ (or that only one of them reported).
pub(crate) fn disagreements(
    ours: &BTreeMap<String, bool>,
    theirs: &BTreeMap<String, bool>,
) -> Vec<String> {
    let mut names: Vec<&String> = ours.keys().chain(theirs.keys()).collect();
    names.sort();
    names.dedup();
    names
        .into_iter()
        .filter(|name| ours.get(*name) != theirs.get(*name))
        .cloned()
        .collect()
}
