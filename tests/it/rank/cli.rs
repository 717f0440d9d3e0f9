//! `skillproof search`: the same ranked, explained page as the library (and so the API),
//! from an index on disk; one line and exit 2 when the data directory holds no index.

use std::process::{Command, Output};

use index::{SkillIndex, WriterOptions};
use jobspec::{JobSpec, NormaliseOptions};
use rank::{CandidateRequest, JobSpecOptions, rank_candidates};
use skillproof_tests::index::{TempDir, verified};
use skillproof_tests::skillproof_bin;

use super::support::{AS_OF, corpus, tax};

fn search(args: &[&str]) -> Output {
    let _ = tax();
    let bin = skillproof_bin().expect("building the skillproof binary");
    Command::new(bin)
        .arg("search")
        .arg("--index-data")
        .arg(skillproof_tests::repo_dir().join("index-data"))
        .arg("--cache-dir")
        // The compact taxonomy the in-process tests already built (taxonomy/support.rs).
        .arg(std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("taxonomy-cache"))
        .args(args)
        .output()
        .expect("run skillproof")
}

#[test]
fn search_prints_the_library_page_and_refuses_a_missing_index() {
    let corpus = corpus();
    let data = TempDir::new("rank-cli");
    // An index on disk of the earners of one economic region (Toronto).
    let index = SkillIndex::open_or_create(data.path().join("index")).expect("index");
    let mut writer = index.writer(WriterOptions::default()).expect("writer");
    for record in corpus.index.records.values() {
        if record
            .region
            .as_ref()
            .and_then(|region| region.eruid.as_deref())
            == Some("3530")
        {
            writer
                .upsert_credential(&verified(record.clone()))
                .expect("indexes");
        }
    }
    let snapshot = writer.commit("cli").expect("commits");
    writer.finish().expect("finishes");

    // The job as a JobSpec JSON file; the CLI ranks with the default options (listed skills
    // are musts), so ask for two skills many hold.
    let requirement = &corpus.plan.requirements[0];
    let job = serde_json::json!({
        "title": requirement.title,
        "required": [requirement.required[0].id],
        "preferred": requirement.required[1..].iter().map(|skill| skill.id.clone()).collect::<Vec<_>>(),
    });
    let job_file = data.path().join("job.json");
    std::fs::write(&job_file, job.to_string()).expect("writes the job");
    let as_of = "2026-06-01T00:00:00Z";
    let data_dir = data.path().to_str().expect("a UTF-8 path");
    let job_path = job_file.to_str().expect("a UTF-8 path");
    let output = search(&[
        "--data-dir",
        data_dir,
        "--format",
        "json",
        "--as-of",
        as_of,
        "--limit",
        "7",
        job_path,
    ]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "stderr: {stderr}");
    let printed: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");

    let spec = JobSpec::normalise(
        &jobspec::parse_json(&job).expect("a valid job"),
        tax(),
        &NormaliseOptions::default(),
    );
    let mut request =
        CandidateRequest::from_job_spec(&spec, tax(), AS_OF, &JobSpecOptions::default())
            .expect("a request");
    request.limit = 7;
    let page = rank_candidates(&snapshot, tax(), &request).expect("ranks");
    assert!(page.total > 0, "someone in Toronto holds the skill");
    // Through text, as the API sends it (f32 confidences print as their shortest form).
    let expected: serde_json::Value =
        serde_json::from_str(&serde_json::to_string(&page).expect("serialises")).expect("JSON");
    if let Some(difference) = first_difference(&printed, &expected, String::new()) {
        panic!("the CLI's page differs from the library's at {difference}");
    }

    // Text output names the snapshot and every shown candidate.
    let text = search(&[
        "--data-dir",
        data_dir,
        "--as-of",
        as_of,
        "--limit",
        "3",
        job_path,
    ]);
    assert_eq!(text.status.code(), Some(0));
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains(&page.snapshot), "{text}");
    for hit in page.hits.iter().take(3) {
        assert!(text.contains(&hit.earner), "{text}");
    }

    // No index: one line, exit 2.
    let empty = TempDir::new("rank-cli-empty");
    let output = search(&[
        "--data-dir",
        empty.path().to_str().expect("a UTF-8 path"),
        job_path,
    ]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "stderr: {stderr}");
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    assert!(stderr.contains("no index"), "{stderr}");
    // A bad instant is a usage error too.
    let output = search(&["--data-dir", data_dir, "--as-of", "yesterday", job_path]);
    assert_eq!(output.status.code(), Some(2));
}

/// The JSON pointer of the first difference between two values, with both sides.
fn first_difference(a: &serde_json::Value, b: &serde_json::Value, at: String) -> Option<String> {
    use serde_json::Value;
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let keys: std::collections::BTreeSet<&String> = x.keys().chain(y.keys()).collect();
            keys.into_iter()
                .find_map(|key| match (x.get(key), y.get(key)) {
                    (Some(p), Some(q)) => first_difference(p, q, format!("{at}/{key}")),
                    (p, q) => Some(format!("{at}/{key}: {p:?} vs {q:?}")),
                })
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => x
            .iter()
            .zip(y)
            .enumerate()
            .find_map(|(index, (p, q))| first_difference(p, q, format!("{at}/{index}"))),
        _ => (a != b).then(|| format!("{at}: {a} vs {b}")),
    }
}
