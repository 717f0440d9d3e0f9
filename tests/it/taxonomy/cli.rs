//! `skillproof skills lookup|map|job|extract`: the DESIGN.md contracts (exit 0 success, 1 a
//! check failed, 2 usage or I/O error with one line on stderr; `--format json`; JSON Lines
//! batch extraction).

use std::io::Write;
use std::process::{Command, Output, Stdio};

use serde_json::Value;
use skillproof_tests::{fixtures_dir, skillproof_bin};

use super::support::{cache_dir, index_data, taxonomy};

fn run(args: &[&str], stdin: Option<&str>) -> Output {
    // Build the compact form once in-process so every CLI run only reads it.
    let _ = taxonomy();
    let bin = skillproof_bin().expect("building the skillproof binary");
    let mut child = Command::new(bin)
        .arg("skills")
        .arg("--index-data")
        .arg(index_data())
        .arg("--cache-dir")
        .arg(cache_dir())
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn skillproof");
    if let Some(mut pipe) = child.stdin.take() {
        pipe.write_all(stdin.unwrap_or("").as_bytes())
            .expect("write stdin");
    }
    child.wait_with_output().expect("run skillproof")
}

fn stdout_json(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}",
            String::from_utf8_lossy(&output.stdout)
        )
    })
}

fn assert_one_line_error(output: &Output, code: i32, needle: &str) {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(code), "stderr: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(stderr.trim().lines().count(), 1, "one line: {stderr}");
    assert!(stderr.contains(needle), "{needle:?} not in {stderr}");
}

#[test]
fn lookup_by_id_and_by_words() {
    let by_code = run(&["lookup", "NOC 21231", "--format", "json"], None);
    assert_eq!(by_code.status.code(), Some(0));
    let result = &stdout_json(&by_code)["results"][0];
    assert_eq!(result["id"], "noc:21231");
    assert!(
        result["crosswalk"]
            .as_array()
            .is_some_and(|n| n.iter().any(|e| e["id"] == "onet:occ/15-1252.00"))
    );
    let by_words = run(
        &[
            "lookup",
            "forklift operation",
            "--format",
            "json",
            "--scope",
            "skills",
        ],
        None,
    );
    assert_eq!(by_words.status.code(), Some(0));
    assert_eq!(
        stdout_json(&by_words)["results"][0]["label"],
        "operate forklift"
    );
    let nothing = run(&["lookup", "qqqzzzxxx"], None);
    assert_eq!(
        nothing.status.code(),
        Some(1),
        "nothing found is a failed check"
    );
}

#[test]
fn map_prints_skills_with_evidence() {
    let file = fixtures_dir().join("taxonomy/credentials/ontario-ob3-health-informatics.json");
    let output = run(&["map", &file.to_string_lossy(), "--format", "json"], None);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let mapped = stdout_json(&output);
    let skills = mapped["skills"].as_array().expect("skills");
    assert!(skills.iter().any(
        |s| s["id"] == "esco:skill/fb82ae25-b59f-43fd-aacf-a8308afbe85e"
            && s["method"] == "alignment"
    ));
    assert!(mapped["alignments"].as_array().is_some_and(|a| {
        a.iter()
            .any(|x| x["outcome"]["status"] == "unknown_framework")
    }));
    let missing = run(&["map", "/nonexistent/credential.json"], None);
    assert_one_line_error(&missing, 2, "credential.json");
}

#[test]
fn job_normalises_and_names_the_bad_field() {
    let ok = run(
        &["job", "-", "--format", "json"],
        Some(r#"{"occupation": "21232", "required": ["teamwork"], "location": "N3T"}"#),
    );
    assert_eq!(
        ok.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let spec = stdout_json(&ok);
    assert_eq!(spec["location"]["region"]["cduid"], "3529");
    assert!(spec["required"].as_array().is_some_and(|r| r.len() > 5));
    let bad = run(
        &["job", "-"],
        Some(r#"{"required": ["teamwork"], "location": {"fsa": "N3T", "radius_km": -4}}"#),
    );
    assert_one_line_error(&bad, 2, "location.radius_km");
}

#[test]
fn extract_reads_and_writes_json_lines() {
    let input = "{\"id\": \"a\", \"text\": \"Operate forklift trucks and manage inventory.\"}\n{\"id\": 7, \"text\": \"Experience with Python and SQL\"}\n";
    let output = run(
        &["extract", "--format", "jsonl", "--limit", "5"],
        Some(input),
    );
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let lines: Vec<Value> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("json line"))
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(
        (lines[0]["id"].clone(), lines[1]["id"].clone()),
        (Value::from("a"), Value::from(7))
    );
    let first = &lines[0]["skills"][0];
    for key in ["id", "label", "confidence", "span"] {
        assert!(!first[key].is_null(), "{key} missing in {first}");
    }
    assert!(lines[1]["skills"].as_array().is_some_and(|s| {
        s.iter()
            .any(|x| x["label"] == "Python (computer programming)")
    }));
    let broken = run(
        &["extract"],
        Some("{\"id\": 1, \"text\": \"SQL\"}\nnot json\n"),
    );
    assert_eq!(broken.status.code(), Some(2));
    let lines: Vec<&str> = std::str::from_utf8(&broken.stdout)
        .unwrap_or("")
        .lines()
        .collect();
    assert_eq!(lines.len(), 2, "the bad line is answered too, in order");
    assert!(lines[1].contains("invalid_line"));
}
