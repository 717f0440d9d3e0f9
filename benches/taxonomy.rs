//! Taxonomy workload: start-up load of the compact form (time and resident memory), mapping
//! 10,000 achievement credentials and 1,000 job texts, one core. Mapping is reported per item
//! and as a ratio to parsing the same credential JSON (serde_json), measured interleaved in the
//! same run because the machines are 2 noisy cores.
//!
//! Run: `cargo bench -p skillproof-benches --bench taxonomy` (add `-- --quick` for a short run).
//! Inputs come from the repository only: `index-data/` and `tests/fixtures/taxonomy/`.

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use jobspec::{JobRequest, JobSpec, NormaliseOptions};
use serde_json::{Value, json};
use skillproof_benches::{Machine, Stats, git_commit, interleaved};
use taxonomy::{ExtractOptions, LoadOptions, Taxonomy};

fn repository() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn jsonl(name: &str) -> Vec<Value> {
    let path = repository().join("tests/fixtures/taxonomy").join(name);
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .lines()
        .filter_map(|line| serde_json::from_str(line).ok())
        .collect()
}

fn resident_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .map(str::to_owned)
        })
        .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        .unwrap_or(0)
}

/// Credential documents (serialised) built from the labelled achievement texts and job-ad
/// sentences, `n` of them, each distinct (numbered id), so parsing and mapping see real text.
fn credentials(n: usize) -> Vec<String> {
    let achievements = jsonl("achievement_texts.jsonl");
    let sentences = jsonl("jobad_sentences_dev.jsonl");
    (0..n)
        .map(|i| {
            let a = &achievements[i % achievements.len()];
            let s = &sentences[i % sentences.len()];
            json!({
                "@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
                "id": format!("urn:uuid:bench-{i}"),
                "type": ["VerifiableCredential", "OpenBadgeCredential"],
                "issuer": {"id": "did:web:college.example.ca", "type": ["Profile"], "name": "Example College"},
                "validFrom": "2025-01-01T00:00:00Z",
                "credentialSubject": {"type": ["AchievementSubject"], "achievement": {
                    "id": format!("https://college.example.ca/achievements/{i}"),
                    "type": ["Achievement"],
                    "name": a["name"],
                    "description": a["description"],
                    "criteria": {"narrative": s["text"]},
                    "alignment": [{"type": ["Alignment"], "targetUrl": "http://data.europa.eu/esco/skill/60c78287-22eb-4103-9c8c-28deaa460da0", "targetName": "work in teams", "targetFramework": "ESCO"}]
                }}
            })
            .to_string()
        })
        .collect()
}

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let index_data = repository().join("index-data");
    let cache_dir = repository().join("target").join("bench-taxonomy-cache");
    let options = LoadOptions {
        index_data,
        cache_dir: Some(cache_dir),
    };
    let first = Taxonomy::load(&options).expect("taxonomy loads");
    let built_ms = first.load_report().elapsed_ms;
    let from_cache_first = first.load_report().from_cache;
    drop(first);

    // Start-up from the compact form: fresh loads, each timed, resident memory around one.
    let rss_before = resident_kib();
    let mut load_ms = Vec::new();
    let mut taxonomy = None;
    for _ in 0..if quick { 3 } else { 7 } {
        let started = Instant::now();
        let loaded = Taxonomy::load(&options).expect("cached load");
        load_ms.push(started.elapsed().as_secs_f64() * 1000.0);
        assert!(loaded.load_report().from_cache);
        taxonomy = Some(loaded);
    }
    let Some(taxonomy) = taxonomy else { return };
    let rss_after = resident_kib();
    let compact_bytes = taxonomy.load_report().compact_bytes.unwrap_or(0);

    // 10,000 achievement credentials: map vs parse, interleaved rounds.
    let n = if quick { 2_000 } else { 10_000 };
    let docs = credentials(n);
    let rounds = if quick { 2 } else { 4 };
    let paired = interleaved(
        rounds,
        || {
            let started = Instant::now();
            for doc in &docs {
                let value: Value = serde_json::from_str(doc).expect("json");
                black_box(taxonomy.map_credential(&value));
            }
            n as f64 / started.elapsed().as_secs_f64()
        },
        || {
            let started = Instant::now();
            for doc in &docs {
                black_box(serde_json::from_str::<Value>(doc).expect("json"));
            }
            n as f64 / started.elapsed().as_secs_f64()
        },
    );
    let map_rate = paired.subject_stats();
    let parse_rate = paired.baseline_stats();
    let ratio = paired.ratio_stats();

    // 1,000 job texts (title + ESCO description) -> JobSpec.
    let jobs = jsonl("job_texts.jsonl");
    let m = if quick { 300 } else { 1_000 };
    let requests: Vec<JobRequest> = (0..m)
        .map(|i| {
            let j = &jobs[i % jobs.len()];
            JobRequest {
                title: j["title"].as_str().map(str::to_owned),
                text: j["text"].as_str().map(str::to_owned),
                ..JobRequest::default()
            }
        })
        .collect();
    let mut job_us = Vec::new();
    for _ in 0..rounds {
        let started = Instant::now();
        for request in &requests {
            black_box(JobSpec::normalise(
                request,
                &taxonomy,
                &NormaliseOptions::default(),
            ));
        }
        job_us.push(started.elapsed().as_secs_f64() * 1e6 / m as f64);
    }

    // Bulk extraction (`skills extract`): job-ad sentences, top 10.
    let sentences = jsonl("jobad_sentences_dev.jsonl");
    let texts: Vec<&str> = sentences
        .iter()
        .filter_map(|s| s["text"].as_str())
        .collect();
    let extract_options = ExtractOptions {
        limit: 10,
        min_confidence: 0.0,
        typo_tolerance: false,
    };
    let mut extract_us = Vec::new();
    for _ in 0..rounds {
        let started = Instant::now();
        let mut count = 0usize;
        while started.elapsed() < Duration::from_millis(if quick { 300 } else { 1500 }) {
            for text in &texts {
                black_box(taxonomy.extract(text, &extract_options));
                count += 1;
            }
        }
        extract_us.push(started.elapsed().as_secs_f64() * 1e6 / count as f64);
    }

    let machine = Machine::describe();
    let ms = |v: f64| format!("{v:.1} ms");
    let us = |v: f64| format!("{v:.0} µs");
    println!("# taxonomy benchmark\n");
    println!("- commit: {}", git_commit(&repository()));
    println!(
        "- machine: {} ({} CPUs), {}, kernel {}, {}",
        machine.cpu, machine.cpus, machine.memory, machine.kernel, machine.rustc
    );
    println!("- mode: {}\n", if quick { "quick" } else { "full" });
    println!("| measure | value |\n|---|---|");
    println!(
        "| first load ({}) | {} |",
        if from_cache_first {
            "from cache"
        } else {
            "CSV build + cache write"
        },
        ms(built_ms)
    );
    println!(
        "| start-up load from compact form (median of {}) | {} |",
        load_ms.len(),
        Stats::of(&load_ms).describe(ms)
    );
    println!(
        "| compact form size | {:.1} MB |",
        compact_bytes as f64 / 1e6
    );
    println!(
        "| resident memory after loads (process) | {:.0} MB (+{:.0} MB over pre-load) |",
        rss_after as f64 / 1024.0,
        rss_after.saturating_sub(rss_before) as f64 / 1024.0
    );
    println!(
        "| map achievement credential ({n} items, 1 core) | {} per item ({:.0} items/s) |",
        us(1e6 / map_rate.median),
        map_rate.median
    );
    println!(
        "| parse the same credential JSON (baseline) | {} per item |",
        us(1e6 / parse_rate.median)
    );
    println!(
        "| ratio parse rate / map rate (map cost in parses) | {:.1}× (per-round {}) |",
        1.0 / ratio.median,
        ratio.describe(|r| format!("{:.1}", 1.0 / r))
    );
    println!(
        "| job text -> JobSpec ({m} items, 1 core) | {} per item |",
        Stats::of(&job_us).describe(us)
    );
    println!(
        "| skills extract, job-ad sentence, top 10 | {} per sentence |",
        Stats::of(&extract_us).describe(us)
    );
}
