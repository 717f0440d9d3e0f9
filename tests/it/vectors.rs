//! The verifier against every `EXPECTED.json` case under `tests/fixtures/` (public vectors,
//! real credentials, reference-issued corpus).
//!
//! `SKILLPROOF_VECTOR=substring` runs only the cases whose `source/file` contains it.
//! A failure prints every mismatch (file, expected, actual, first failed check) and a summary
//! by source and by expected outcome.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::Path;

use model::{CheckResult, Outcome};
use sha2::{Digest, Sha256};
use skillproof_tests::{
    LoadedCase, check_matches, describe, fixtures_dir, load_all_cases, parse_instant,
};

/// What one case gave.
struct Row {
    name: String,
    source: String,
    expected: Outcome,
    actual: Result<Outcome, String>,
    check_mismatches: Vec<String>,
    detail: String,
}

impl Row {
    fn passed(&self) -> bool {
        self.actual
            .as_ref()
            .is_ok_and(|actual| *actual == self.expected)
            && self.check_mismatches.is_empty()
    }
}

fn selected_cases() -> Vec<LoadedCase> {
    let cases = load_all_cases().expect("loading EXPECTED.json files");
    match std::env::var("SKILLPROOF_VECTOR") {
        Ok(filter) if !filter.is_empty() => cases
            .into_iter()
            .filter(|case| case.name().contains(&filter))
            .collect(),
        _ => cases,
    }
}

fn run_case(case: &LoadedCase) -> Row {
    let mut row = Row {
        name: case.name(),
        source: case.source.clone(),
        expected: case.case.outcome,
        actual: Err(String::new()),
        check_mismatches: Vec::new(),
        detail: String::new(),
    };
    let report = match case.run() {
        Ok(report) => report,
        Err(error) => {
            row.actual = Err(format!("harness error: {error:#}"));
            return row;
        }
    };
    row.actual = Ok(report.outcome);
    row.detail = describe(&report);
    match case.expected_checks() {
        Ok(expected) => {
            for (kind, result) in expected {
                if !check_matches(&report, kind, result) {
                    let got: Vec<String> = report
                        .checks_of(kind)
                        .map(|check| format!("{:?}", check.result))
                        .collect();
                    row.check_mismatches.push(format!(
                        "{kind:?}: expected {result:?}, got [{}]",
                        got.join(",")
                    ));
                }
            }
        }
        Err(error) => row.check_mismatches.push(format!("{error:#}")),
    }
    row
}

fn run_all(cases: &[LoadedCase]) -> Vec<Row> {
    let threads = std::thread::available_parallelism()
        .map(usize::from)
        .unwrap_or(1)
        .max(1);
    let chunk = cases.len().div_ceil(threads).max(1);
    let mut rows: Vec<Row> = std::thread::scope(|scope| {
        let handles: Vec<_> = cases
            .chunks(chunk)
            .map(|part| scope.spawn(move || part.iter().map(run_case).collect::<Vec<_>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|handle| match handle.join() {
                Ok(rows) => rows,
                Err(_) => vec![Row {
                    name: "<worker>".to_owned(),
                    source: "<worker>".to_owned(),
                    expected: Outcome::Verified,
                    actual: Err("the verifier panicked (see the output above)".to_owned()),
                    check_mismatches: Vec::new(),
                    detail: String::new(),
                }],
            })
            .collect()
    });
    rows.sort_by(|a, b| a.name.cmp(&b.name));
    rows
}

fn report(rows: &[Row]) -> String {
    let mut out = String::new();
    let failures: Vec<&Row> = rows.iter().filter(|row| !row.passed()).collect();
    if !failures.is_empty() {
        let width = failures
            .iter()
            .map(|row| row.name.len())
            .max()
            .unwrap_or(4)
            .min(100);
        let _ = writeln!(
            out,
            "\n{:width$}  {:22}  {:22}  first failed check / check mismatches",
            "case", "expected", "actual"
        );
        for row in &failures {
            let actual = match &row.actual {
                Ok(outcome) => outcome.to_string(),
                Err(error) => error.clone(),
            };
            let mut detail = row.detail.clone();
            if !row.check_mismatches.is_empty() {
                detail = format!("{detail} | checks: {}", row.check_mismatches.join("; "));
            }
            let _ = writeln!(
                out,
                "{:width$}  {:22}  {:22}  {}",
                row.name,
                row.expected.to_string(),
                actual,
                truncate(&detail, 220)
            );
        }
    }
    let mut by_source: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    let mut by_outcome: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for row in rows {
        let source = by_source.entry(row.source.as_str()).or_default();
        source.0 += 1;
        let outcome = by_outcome.entry(row.expected.to_string()).or_default();
        outcome.0 += 1;
        if row.passed() {
            source.1 += 1;
            outcome.1 += 1;
        }
    }
    let _ = writeln!(out, "\nby source (cases, as expected):");
    for (source, (total, ok)) in &by_source {
        let _ = writeln!(out, "  {source:60} {total:4} {ok:4}");
    }
    let _ = writeln!(out, "by expected outcome (cases, as expected):");
    for (outcome, (total, ok)) in &by_outcome {
        let _ = writeln!(out, "  {outcome:24} {total:4} {ok:4}");
    }
    let passed = rows.iter().filter(|row| row.passed()).count();
    let _ = writeln!(
        out,
        "vectors: {passed} as expected, {} not, of {}",
        rows.len() - passed,
        rows.len()
    );
    out
}

fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let cut: String = text.chars().take(max).collect();
    format!("{cut}…")
}

#[test]
fn vectors_give_their_expected_outcomes() {
    let cases = selected_cases();
    assert!(
        !cases.is_empty(),
        "no vector case selected (SKILLPROOF_VECTOR filters everything out?)"
    );
    let rows = run_all(&cases);
    let summary = report(&rows);
    eprintln!("{summary}");
    assert!(rows.iter().all(Row::passed), "vector mismatches:{summary}");
}

/// Every entry names an existing input and documents, a parseable instant, known check
/// kinds, and a reason; no two entries of a folder describe the same run.
#[test]
fn expected_files_are_well_formed() {
    let cases = load_all_cases().expect("loading EXPECTED.json files");
    assert!(
        cases.len() > 100,
        "the corpus shrank to {} cases",
        cases.len()
    );
    let mut problems = Vec::new();
    let mut seen = BTreeSet::new();
    for case in &cases {
        let name = case.name();
        let run = format!(
            "{}|{}|{}|{:?}|{:?}|{:?}",
            case.source,
            case.case.file,
            case.case.now,
            case.case.documents,
            case.case.challenge,
            case.case.domain
        );
        if !seen.insert(run) {
            problems.push(format!("{name}: the same run is listed twice"));
        }
        if let Err(error) = case.input() {
            problems.push(format!("{name}: {error:#}"));
        }
        if let Err(error) = parse_instant(&case.case.now) {
            problems.push(format!("{name}: {error:#}"));
        }
        if let Err(error) = case.resolver() {
            problems.push(format!("{name}: {error:#}"));
        }
        if let Err(error) = case.expected_checks() {
            problems.push(format!("{name}: {error:#}"));
        }
        if case.case.why.trim().len() < 10 {
            problems.push(format!(
                "{name}: `why` must say what the case tests and why"
            ));
        }
        if case.case.outcome == Outcome::Verified
            && case
                .expected_checks()
                .is_ok_and(|checks| checks.iter().any(|(_, r)| *r == CheckResult::Fail))
        {
            problems.push(format!("{name}: verified yet expects a failed check"));
        }
    }
    assert!(
        problems.is_empty(),
        "bad EXPECTED.json entries:\n{}",
        problems.join("\n")
    );
}

/// Each ported folder keeps its PROVENANCE.md and a MANIFEST.sha256 that lists every file
/// with its hash, so a changed or added fixture is noticed.
#[test]
fn fixture_folders_match_their_manifests() {
    let mut problems = Vec::new();
    for group in ["vectors", "reference-issued"] {
        let root = fixtures_dir().join(group);
        let Ok(entries) = std::fs::read_dir(&root) else {
            problems.push(format!("{} is missing", root.display()));
            continue;
        };
        let mut folders: Vec<_> = entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.is_dir())
            .collect();
        if group == "reference-issued" {
            folders = vec![root.clone()];
        }
        for folder in folders {
            check_manifest(&folder, &mut problems);
        }
    }
    assert!(
        problems.is_empty(),
        "fixture manifests disagree with the files:\n{}",
        problems.join("\n")
    );
}

fn check_manifest(folder: &Path, problems: &mut Vec<String>) {
    let label = folder
        .strip_prefix(fixtures_dir())
        .unwrap_or(folder)
        .display()
        .to_string();
    if !folder.join("PROVENANCE.md").is_file() {
        problems.push(format!("{label}: no PROVENANCE.md"));
    }
    let manifest = match std::fs::read_to_string(folder.join("MANIFEST.sha256")) {
        Ok(text) => text,
        Err(error) => {
            problems.push(format!("{label}: MANIFEST.sha256: {error}"));
            return;
        }
    };
    let mut listed = BTreeMap::new();
    for line in manifest.lines().filter(|line| !line.trim().is_empty()) {
        match line.split_once("  ") {
            Some((hash, path)) => {
                listed.insert(path.to_owned(), hash.to_owned());
            }
            None => problems.push(format!("{label}: bad manifest line {line:?}")),
        }
    }
    let mut on_disk = BTreeSet::new();
    let mut stack = vec![folder.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for path in entries.filter_map(Result::ok).map(|entry| entry.path()) {
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let relative = path
                .strip_prefix(folder)
                .unwrap_or(&path)
                .to_string_lossy()
                .replace('\\', "/");
            if relative == "MANIFEST.sha256" {
                continue;
            }
            on_disk.insert(relative);
        }
    }
    for path in &on_disk {
        let Some(expected) = listed.get(path) else {
            problems.push(format!("{label}/{path}: not in MANIFEST.sha256"));
            continue;
        };
        match std::fs::read(folder.join(path)) {
            Ok(bytes) => {
                let actual = hex_lower(&Sha256::digest(&bytes));
                if &actual != expected {
                    problems.push(format!(
                        "{label}/{path}: sha256 {actual}, manifest says {expected}"
                    ));
                }
            }
            Err(error) => problems.push(format!("{label}/{path}: {error}")),
        }
    }
    for path in listed.keys().filter(|path| !on_disk.contains(*path)) {
        problems.push(format!("{label}/{path}: listed but missing"));
    }
}

fn hex_lower(bytes: &[u8]) -> String {
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut out, byte| {
            let _ = write!(out, "{byte:02x}");
            out
        })
}
