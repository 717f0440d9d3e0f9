//! The `skillproof verify` contract (DESIGN.md, "Contracts other tools rely on"):
//! `skillproof verify [--format json|text] [--now RFC3339] [--offline] PATH...`, one JSON
//! object per input, directories expanded to their files in sorted order, exit 0 only when
//! everything verified, 1 when something did not, 2 on usage or I/O errors with one line on
//! stderr and never a panic.

use std::path::{Path, PathBuf};
use std::process::Output;

use serde_json::Value;
use skillproof_tests::{LoadedCase, fixtures_dir, load_all_cases, skillproof_bin};

const NOW: &str = "2026-01-01T00:00:00Z";
const VALID: &str = "vectors/harness-generated-digitalbazaar/ob3-didkey-eddsa-rdfc-2022.valid.json";
const TAMPERED: &str = "vectors/harness-generated-digitalbazaar/ob3-didkey-eddsa-rdfc-2022.tampered-achievement-name.json";
const KEYS: [&str; 8] = [
    "path", "verified", "outcome", "format", "issuer", "proofs", "checks", "error",
];

fn run(args: &[&str]) -> Output {
    let bin = skillproof_bin().expect("building the skillproof binary");
    std::process::Command::new(bin)
        .args(args)
        .output()
        .expect("running skillproof")
}

fn fixture(relative: &str) -> String {
    fixtures_dir().join(relative).to_string_lossy().into_owned()
}

fn json_lines(output: &Output) -> Vec<Value> {
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| {
            serde_json::from_str(line).unwrap_or_else(|e| panic!("not a JSON line ({e}): {line}"))
        })
        .collect()
}

fn assert_usage_error(output: &Output, what: &str) {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(
        output.status.code(),
        Some(2),
        "{what}: exit code; stderr: {stderr}"
    );
    assert!(!stderr.contains("panicked"), "{what}: panicked: {stderr}");
    assert!(
        !stderr.trim().is_empty(),
        "{what}: an error must say why on stderr"
    );
}

/// Cases the CLI can run alone: `--offline` serves no documents, so only cases whose
/// `EXPECTED.json` entry lists none.
fn offline_cases() -> Vec<LoadedCase> {
    load_all_cases()
        .expect("loading EXPECTED.json files")
        .into_iter()
        .filter(|case| {
            case.case.documents.is_empty()
                && case.case.challenge.is_none()
                && case.case.domain.is_none()
        })
        .collect()
}

#[test]
fn json_lines_follow_the_contract() {
    let (valid, tampered) = (fixture(VALID), fixture(TAMPERED));
    let output = run(&[
        "verify",
        "--format",
        "json",
        "--now",
        NOW,
        "--offline",
        &valid,
        &tampered,
    ]);
    let lines = json_lines(&output);
    assert_eq!(lines.len(), 2, "one line per input: {lines:?}");
    for (line, path) in lines.iter().zip([&valid, &tampered]) {
        let object = line.as_object().expect("each line is a JSON object");
        for key in KEYS {
            assert!(object.contains_key(key), "missing key {key:?} in {line}");
        }
        assert_eq!(line["path"].as_str(), Some(path.as_str()));
        let verified = line["verified"].as_bool().expect("verified is a boolean");
        assert_eq!(
            verified,
            line["outcome"] == "verified",
            "verified agrees with outcome: {line}"
        );
        assert!(
            line["proofs"].is_array() && line["checks"].is_array(),
            "{line}"
        );
        for check in line["checks"].as_array().into_iter().flatten() {
            for key in ["check", "result", "detail"] {
                assert!(check.get(key).is_some(), "check without {key}: {check}");
            }
        }
        assert!(
            line["error"].is_null()
                || (line["error"].get("code").is_some() && line["error"].get("message").is_some()),
            "{line}"
        );
    }
    assert_eq!(lines[0]["outcome"], "verified", "{}", lines[0]);
    assert_eq!(lines[1]["outcome"], "invalid_signature", "{}", lines[1]);
    assert_eq!(
        output.status.code(),
        Some(1),
        "a failed input makes the exit code 1"
    );
}

#[test]
fn exit_zero_only_when_everything_verifies() {
    let output = run(&[
        "verify",
        "--format",
        "json",
        "--now",
        NOW,
        "--offline",
        &fixture(VALID),
    ]);
    let lines = json_lines(&output);
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["outcome"], "verified", "{}", lines[0]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "stderr: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn directories_expand_to_their_files_sorted() {
    let dir = std::env::temp_dir().join(format!("skillproof-cli-verify-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    // Names chosen so that sorted order differs from creation order.
    let files = [
        ("c-valid.json", VALID),
        ("a-tampered.json", TAMPERED),
        ("b-valid.json", VALID),
    ];
    for (name, source) in files {
        std::fs::copy(fixture(source), dir.join(name)).expect("copy fixture");
    }
    let output = run(&[
        "verify",
        "--format",
        "json",
        "--now",
        NOW,
        "--offline",
        &dir.to_string_lossy(),
    ]);
    let lines = json_lines(&output);
    let paths: Vec<String> = lines
        .iter()
        .map(|line| {
            Path::new(line["path"].as_str().unwrap_or(""))
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default()
        })
        .collect();
    assert_eq!(paths, ["a-tampered.json", "b-valid.json", "c-valid.json"]);
    let outcomes: Vec<&Value> = lines.iter().map(|line| &line["outcome"]).collect();
    assert_eq!(outcomes, ["invalid_signature", "verified", "verified"]);
    assert_eq!(output.status.code(), Some(1));
    let _ = std::fs::remove_dir_all(&dir);
}

/// The CLI reports what the library reports, for every case it can run offline.
#[test]
fn cli_outcomes_match_the_expected_cases() {
    let cases = offline_cases();
    assert!(cases.len() > 50, "only {} offline cases", cases.len());
    // One process per clock: the CLI takes one --now per run.
    let mut by_now: std::collections::BTreeMap<&str, Vec<&LoadedCase>> = Default::default();
    for case in &cases {
        by_now.entry(case.case.now.as_str()).or_default().push(case);
    }
    let mut mismatches = Vec::new();
    for (now, group) in by_now {
        let paths: Vec<PathBuf> = group
            .iter()
            .map(|case| case.dir.join(&case.case.file))
            .collect();
        let mut args = vec![
            "verify".to_owned(),
            "--format".into(),
            "json".into(),
            "--now".into(),
            now.to_owned(),
            "--offline".into(),
        ];
        args.extend(paths.iter().map(|p| p.to_string_lossy().into_owned()));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let output = run(&args);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!stderr.contains("panicked"), "the cli panicked: {stderr}");
        let lines = json_lines(&output);
        assert_eq!(
            lines.len(),
            group.len(),
            "one line per input; stderr: {stderr}"
        );
        for (case, line) in group.iter().zip(&lines) {
            let expected = case.case.outcome.to_string();
            if line["outcome"].as_str() != Some(expected.as_str()) {
                mismatches.push(format!(
                    "{}: expected {expected}, cli says {}",
                    case.name(),
                    line["outcome"]
                ));
            }
        }
        let all_verified = lines.iter().all(|line| line["verified"] == true);
        assert_eq!(
            output.status.code(),
            Some(if all_verified { 0 } else { 1 }),
            "exit code for {now}"
        );
    }
    assert!(
        mismatches.is_empty(),
        "{} of {} cli outcomes differ:\n{}",
        mismatches.len(),
        cases.len(),
        mismatches.join("\n")
    );
}

#[test]
fn malformed_input_is_an_outcome_not_an_error() {
    let dir = std::env::temp_dir().join(format!("skillproof-cli-malformed-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let cases: [(&str, &[u8]); 4] = [
        ("garbage.json", b"{\"@context\": [,,,"),
        ("empty.json", b""),
        ("binary.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\xffIHDR"),
        ("two.jwt", b"a.b"),
    ];
    for (name, bytes) in cases {
        let path = dir.join(name);
        std::fs::write(&path, bytes).expect("write");
        let output = run(&[
            "verify",
            "--format",
            "json",
            "--now",
            NOW,
            "--offline",
            &path.to_string_lossy(),
        ]);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!stderr.contains("panicked"), "{name}: panicked: {stderr}");
        assert_eq!(
            output.status.code(),
            Some(1),
            "{name}: a bad credential is a failed check, not a usage error; stderr: {stderr}"
        );
        let lines = json_lines(&output);
        assert_eq!(lines.len(), 1, "{name}");
        assert_eq!(lines[0]["verified"], false, "{name}");
        assert_ne!(lines[0]["outcome"], "verified", "{name}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn usage_and_io_errors_exit_two_with_one_line() {
    let valid = fixture(VALID);
    let missing = fixtures_dir()
        .join("no-such-file.json")
        .to_string_lossy()
        .into_owned();
    let runs: [(&str, Vec<&str>); 5] = [
        ("no path", vec!["verify"]),
        ("unknown flag", vec!["verify", "--no-such-flag", &valid]),
        ("bad --now", vec!["verify", "--now", "yesterday", &valid]),
        ("bad --format", vec!["verify", "--format", "xml", &valid]),
        ("missing file", vec!["verify", "--offline", &missing]),
    ];
    for (what, args) in runs {
        let output = run(&args);
        assert_usage_error(&output, what);
    }
    let output = run(&["verify", "--offline", &missing]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(
        stderr.trim().lines().count(),
        1,
        "an I/O error is one line: {stderr}"
    );
}

#[test]
fn text_format_reports_each_input_with_the_same_exit_code() {
    let (valid, tampered) = (fixture(VALID), fixture(TAMPERED));
    let json = run(&[
        "verify",
        "--format",
        "json",
        "--now",
        NOW,
        "--offline",
        &valid,
        &tampered,
    ]);
    let text = run(&[
        "verify",
        "--format",
        "text",
        "--now",
        NOW,
        "--offline",
        &valid,
        &tampered,
    ]);
    assert_eq!(text.status.code(), json.status.code());
    let stdout = String::from_utf8_lossy(&text.stdout);
    for (path, outcome) in [(&valid, "verified"), (&tampered, "invalid_signature")] {
        assert!(
            stdout.contains(path.as_str()),
            "text output names {path}:\n{stdout}"
        );
        assert!(
            stdout.contains(outcome),
            "text output gives the outcome code {outcome}:\n{stdout}"
        );
    }
}
