//! Shared test support: fixture loading, `EXPECTED.json` cases and the resolvers they
//! describe, and the `skillproof` binary for CLI tests.
//!
//! Everything here reads only the repository (`tests/fixtures/`, `index-data/`): never
//! `../shared`, never the network.

pub mod index;
pub mod net;
pub mod plan_index;

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, OnceLock};

use anyhow::{Context as _, bail, ensure};
use model::{CheckKind, CheckResult, Outcome};
use serde::Deserialize;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use verify::{FetchedDocument, StaticResolver, VerificationReport, Verifier, VerifyOptions};

/// `tests/` (this package's root).
pub fn tests_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `tests/fixtures/`.
pub fn fixtures_dir() -> PathBuf {
    tests_dir().join("fixtures")
}

/// The repository root.
pub fn repo_dir() -> PathBuf {
    tests_dir()
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(tests_dir)
}

/// Reads a fixture by path relative to `tests/fixtures/`.
pub fn read_fixture(relative: &str) -> anyhow::Result<Vec<u8>> {
    let path = fixtures_dir().join(relative);
    std::fs::read(&path).with_context(|| format!("reading fixture {}", path.display()))
}

/// Parses an RFC 3339 instant (fixtures and CLI flags use this form).
pub fn parse_instant(text: &str) -> anyhow::Result<OffsetDateTime> {
    OffsetDateTime::parse(text, &Rfc3339)
        .with_context(|| format!("not an RFC 3339 instant: {text:?}"))
}

/// One entry of an `EXPECTED.json` array: a verification case and what it must give.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExpectedCase {
    /// The input, relative to the folder of its `EXPECTED.json`.
    pub file: String,
    /// The instant the case is judged at (RFC 3339).
    pub now: String,
    /// The outcome the verifier must report.
    pub outcome: Outcome,
    /// Check results that matter for this case, by check kind (see [`check_matches`]).
    #[serde(default)]
    pub checks: BTreeMap<String, CheckResult>,
    /// What the resolver serves: URL → relative file, `"status:NNN"`, or an object.
    #[serde(default)]
    pub documents: BTreeMap<String, DocumentSpec>,
    /// Presentation challenge the verifier asks for.
    #[serde(default)]
    pub challenge: Option<String>,
    /// Presentation domain the verifier asks for.
    #[serde(default)]
    pub domain: Option<String>,
    /// One line: what the case tests and where the expectation comes from.
    pub why: String,
}

/// How the resolver answers one URL.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum DocumentSpec {
    /// A relative file served as 200 JSON, or `"status:NNN"` for an empty non-200 answer.
    Short(String),
    /// Full control over the answer.
    Full {
        /// HTTP status.
        status: u16,
        /// Relative file for the body (empty body when absent).
        #[serde(default)]
        file: Option<String>,
        /// `Content-Type`.
        #[serde(default)]
        content_type: Option<String>,
    },
}

/// A case together with where it was found.
#[derive(Debug, Clone)]
pub struct LoadedCase {
    /// The folder holding the `EXPECTED.json` (inputs are relative to it).
    pub dir: PathBuf,
    /// A short label for reports: the folder relative to `tests/fixtures/`.
    pub source: String,
    /// The case.
    pub case: ExpectedCase,
    /// 1 for the first entry of a file in its folder, 2 for the next, … (a file may be run
    /// with different documents or clocks).
    pub occurrence: usize,
}

impl LoadedCase {
    /// `source/file` (with `@n` from the second entry of the same file on), unique across
    /// the corpus.
    pub fn name(&self) -> String {
        match self.occurrence {
            0 | 1 => format!("{}/{}", self.source, self.case.file),
            n => format!("{}/{}@{n}", self.source, self.case.file),
        }
    }

    /// The input bytes.
    pub fn input(&self) -> anyhow::Result<Vec<u8>> {
        let path = resolve_inside(&self.dir, &self.case.file)?;
        std::fs::read(&path).with_context(|| format!("reading {}", path.display()))
    }

    /// The verifier options of this case.
    pub fn options(&self) -> anyhow::Result<VerifyOptions> {
        Ok(VerifyOptions {
            now: parse_instant(&self.case.now)?,
            challenge: self.case.challenge.clone(),
            domain: self.case.domain.clone(),
        })
    }

    /// A resolver serving exactly the documents the case lists (everything else is 404).
    pub fn resolver(&self) -> anyhow::Result<StaticResolver> {
        build_resolver(&self.dir, &self.case.documents)
    }

    /// The expected checks with their kinds parsed (an unknown kind is an error in the
    /// fixture, not a mismatch).
    pub fn expected_checks(&self) -> anyhow::Result<Vec<(CheckKind, CheckResult)>> {
        self.case
            .checks
            .iter()
            .map(|(kind, result)| {
                let kind: CheckKind =
                    serde_json::from_value(serde_json::Value::String(kind.clone()))
                        .with_context(|| format!("unknown check kind {kind:?}"))?;
                Ok((kind, *result))
            })
            .collect()
    }

    /// Runs the case through a fresh verifier.
    pub fn run(&self) -> anyhow::Result<VerificationReport> {
        let verifier = Verifier::new(Arc::new(self.resolver()?));
        Ok(verifier.verify(&self.input()?, &self.options()?))
    }
}

/// Joins `relative` to `dir`, refusing absolute paths and anything that leaves
/// `tests/fixtures/` (a typo must not read outside the corpus).
pub fn resolve_inside(dir: &Path, relative: &str) -> anyhow::Result<PathBuf> {
    let candidate = Path::new(relative);
    ensure!(
        !candidate.is_absolute(),
        "absolute path in fixture: {relative}"
    );
    let mut joined = dir.to_path_buf();
    for component in candidate.components() {
        match component {
            Component::Normal(part) => joined.push(part),
            Component::ParentDir => {
                joined.pop();
            }
            Component::CurDir => {}
            _ => bail!("unexpected path component in {relative}"),
        }
    }
    ensure!(
        joined.starts_with(fixtures_dir()),
        "{relative} leaves tests/fixtures/"
    );
    Ok(joined)
}

/// Builds the resolver an `EXPECTED.json` entry describes.
pub fn build_resolver(
    dir: &Path,
    documents: &BTreeMap<String, DocumentSpec>,
) -> anyhow::Result<StaticResolver> {
    let mut resolver = StaticResolver::new();
    for (url, spec) in documents {
        let (status, file, content_type) = match spec {
            DocumentSpec::Short(text) => match text.strip_prefix("status:") {
                Some(code) => {
                    let status = code
                        .parse()
                        .with_context(|| format!("bad status in {text:?}"))?;
                    (status, None, None)
                }
                None => (
                    200,
                    Some(text.as_str()),
                    Some("application/json".to_owned()),
                ),
            },
            DocumentSpec::Full {
                status,
                file,
                content_type,
            } => (*status, file.as_deref(), content_type.clone()),
        };
        let body: Arc<[u8]> = match file {
            Some(relative) => {
                let path = resolve_inside(dir, relative)?;
                std::fs::read(&path)
                    .with_context(|| format!("document for {url}: {}", path.display()))?
                    .into()
            }
            None => Arc::from(&b""[..]),
        };
        resolver.insert(
            url.clone(),
            FetchedDocument {
                status,
                content_type,
                body,
            },
        );
    }
    Ok(resolver)
}

/// The fixture folders whose `EXPECTED.json` files state verification outcomes (other
/// folders, such as `taxonomy/`, use their own expectation formats).
pub const VERIFICATION_FIXTURE_ROOTS: &[&str] = &["vectors", "reference-issued", "baked"];

/// Every verification `EXPECTED.json` under the [`VERIFICATION_FIXTURE_ROOTS`], sorted.
pub fn expected_files() -> anyhow::Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    let mut stack: Vec<PathBuf> = VERIFICATION_FIXTURE_ROOTS
        .iter()
        .map(|root| fixtures_dir().join(root))
        .collect();
    while let Some(dir) = stack.pop() {
        for entry in
            std::fs::read_dir(&dir).with_context(|| format!("listing {}", dir.display()))?
        {
            let path = entry?.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.file_name().is_some_and(|name| name == "EXPECTED.json") {
                found.push(path);
            }
        }
    }
    found.sort();
    Ok(found)
}

/// Loads the cases of one `EXPECTED.json`.
pub fn load_expected(path: &Path) -> anyhow::Result<Vec<LoadedCase>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let cases: Vec<ExpectedCase> =
        serde_json::from_str(&text).with_context(|| format!("parsing {}", path.display()))?;
    let dir = path
        .parent()
        .map(Path::to_path_buf)
        .context("EXPECTED.json has no folder")?;
    let source = dir
        .strip_prefix(fixtures_dir())
        .unwrap_or(&dir)
        .to_string_lossy()
        .replace('\\', "/");
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    Ok(cases
        .into_iter()
        .map(|case| {
            let occurrence = seen.entry(case.file.clone()).or_default();
            *occurrence += 1;
            LoadedCase {
                dir: dir.clone(),
                source: source.clone(),
                occurrence: *occurrence,
                case,
            }
        })
        .collect())
}

/// Every case of the corpus, in file order.
pub fn load_all_cases() -> anyhow::Result<Vec<LoadedCase>> {
    let mut all = Vec::new();
    for path in expected_files()? {
        all.extend(load_expected(&path)?);
    }
    Ok(all)
}

/// Whether the checks of `kind` in `report` agree with `expected`:
/// `fail` = at least one failed; `warn` = none failed, at least one warned;
/// `pass` = at least one passed and none failed; `skip` = all present ones skipped.
/// A kind that the report never ran matches nothing.
pub fn check_matches(report: &VerificationReport, kind: CheckKind, expected: CheckResult) -> bool {
    let results: Vec<CheckResult> = report.checks_of(kind).map(|check| check.result).collect();
    if results.is_empty() {
        return false;
    }
    let any = |wanted: CheckResult| results.contains(&wanted);
    match expected {
        CheckResult::Fail => any(CheckResult::Fail),
        CheckResult::Warn => !any(CheckResult::Fail) && any(CheckResult::Warn),
        CheckResult::Pass => !any(CheckResult::Fail) && any(CheckResult::Pass),
        CheckResult::Skip => results.iter().all(|result| *result == CheckResult::Skip),
    }
}

/// A one-line summary of a report: outcome and the first failed check.
pub fn describe(report: &VerificationReport) -> String {
    match report.first_failure() {
        Some(check) => format!("{} ({:?}: {})", report.outcome, check.check, check.detail),
        None => report.outcome.to_string(),
    }
}

/// Small deterministic PRNG (xorshift64*) so tests that sample are reproducible without a
/// dependency. Never use for anything but choosing test inputs.
#[derive(Debug, Clone)]
pub struct TestRng(u64);

impl TestRng {
    /// Seeded generator (a zero seed is replaced: xorshift has no zero state).
    pub fn new(seed: u64) -> Self {
        TestRng(if seed == 0 {
            0x9E37_79B9_7F4A_7C15
        } else {
            seed
        })
    }

    /// Next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Uniform in `0..bound` (bound > 0).
    pub fn below(&mut self, bound: usize) -> usize {
        (self.next_u64() % bound.max(1) as u64) as usize
    }

    /// Fisher–Yates shuffle.
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i + 1);
            items.swap(i, j);
        }
    }
}

/// The `skillproof` binary under test. `SKILLPROOF_BIN` points at a prebuilt one; otherwise
/// it is built once per test run with the cargo that runs the tests, into this target dir.
pub fn skillproof_bin() -> anyhow::Result<PathBuf> {
    static BIN: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    BIN.get_or_init(|| build_skillproof().map_err(|error| format!("{error:#}")))
        .clone()
        .map_err(anyhow::Error::msg)
}

fn build_skillproof() -> anyhow::Result<PathBuf> {
    if let Some(path) = std::env::var_os("SKILLPROOF_BIN") {
        let path = PathBuf::from(path);
        ensure!(
            path.is_file(),
            "SKILLPROOF_BIN={} is not a file",
            path.display()
        );
        return Ok(path);
    }
    // The test binary lives in <target>/<profile>/deps/; the cli goes to <target>/<profile>/.
    let exe = std::env::current_exe().context("locating the test binary")?;
    let profile_dir = exe
        .parent()
        .and_then(Path::parent)
        .context("test binary is not in <target>/<profile>/deps")?
        .to_path_buf();
    let target_dir = profile_dir.parent().context("no target dir")?.to_path_buf();
    let release = profile_dir
        .file_name()
        .is_some_and(|name| name == "release");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(cargo);
    command
        .current_dir(repo_dir())
        .args([
            "build",
            "--quiet",
            "-p",
            "skillproof-cli",
            "--bin",
            "skillproof",
            "--target-dir",
        ])
        .arg(&target_dir);
    if release {
        command.arg("--release");
    }
    let status = command
        .status()
        .context("running cargo build for the cli")?;
    ensure!(
        status.success(),
        "cargo build -p skillproof-cli failed: {status}"
    );
    let bin = profile_dir.join(format!("skillproof{}", std::env::consts::EXE_SUFFIX));
    ensure!(bin.is_file(), "built cli not found at {}", bin.display());
    Ok(bin)
}
