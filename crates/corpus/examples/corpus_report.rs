//! Generates an ecosystem, prints its make-up and timings, and verifies every file against
//! its expected outcome (a sample with `--sample N`).
//!
//! `cargo run --release -p skillproof-corpus --example corpus_report -- [--earners N] [--scale N] [--seed S] [--sample N]`

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use rayon::prelude::*;
use skillproof_corpus as corpus;

fn main() {
    if let Err(message) = run() {
        eprintln!("corpus_report: {message}");
        std::process::exit(2);
    }
}

fn run() -> Result<(), String> {
    let mut args = std::env::args().skip(1);
    let mut earners: Option<usize> = None;
    let mut scale = 1usize;
    let mut seed = 1u64;
    let mut sample: Option<usize> = None;
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--earners" => earners = Some(value()?.parse().map_err(|e| format!("--earners: {e}"))?),
            "--scale" => scale = value()?.parse().map_err(|e| format!("--scale: {e}"))?,
            "--seed" => seed = value()?.parse().map_err(|e| format!("--seed: {e}"))?,
            "--sample" => sample = Some(value()?.parse().map_err(|e| format!("--sample: {e}"))?),
            other => return Err(format!("unknown flag {other}")),
        }
    }
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let started = Instant::now();
    let taxonomy = taxonomy::Taxonomy::load(&taxonomy::LoadOptions {
        index_data: root.join("index-data"),
        cache_dir: Some(std::env::temp_dir().join("skillproof-corpus-report-taxonomy")),
    })
    .map_err(|e| e.to_string())?;
    eprintln!("taxonomy loaded in {:.2?}", started.elapsed());
    let now =
        time::OffsetDateTime::from_unix_timestamp(1_780_000_000).map_err(|e| e.to_string())?;
    let mut config = corpus::CorpusConfig::demo(seed, now).scaled(scale);
    if let Some(earners) = earners {
        config.earners = earners;
    }
    let started = Instant::now();
    let plan = corpus::plan(&config, &taxonomy).map_err(|e| e.to_string())?;
    let planned = started.elapsed();
    let ecosystem = plan.materialise().map_err(|e| e.to_string())?;
    let total = started.elapsed();
    eprintln!(
        "planned in {planned:.2?}, generated in {total:.2?} ({} threads)",
        rayon::current_num_threads()
    );
    println!("{}", ecosystem.summary());

    for requirement in &ecosystem.plan.requirements {
        let findable: Vec<&corpus::Relevance> = requirement
            .relevant
            .iter()
            .filter(|r| {
                r.gain > 0.0
                    && ecosystem.plan.earners[r.earner].findable(corpus::SiteState::Current)
            })
            .collect();
        println!(
            "{:<60} required {:>2} preferred {} excluded {}  relevant {:>5} (findable {:>4}), best gain {:.2}",
            requirement.id,
            requirement.required.len(),
            requirement.preferred.len(),
            requirement.excluded.len(),
            requirement.relevant.iter().filter(|r| r.gain > 0.0).count(),
            findable.len(),
            findable.first().map_or(0.0, |r| r.gain)
        );
    }
    let resolver = Arc::new(ecosystem.resolver());
    let verifier = verify::Verifier::new(resolver);
    let options = verify::VerifyOptions::at(now);
    let credentials = &ecosystem.plan.credentials;
    let step = sample.map_or(1, |n| (credentials.len() / n.max(1)).max(1));
    let started = Instant::now();
    let mismatches: Vec<String> = credentials
        .par_iter()
        .filter(|c| c.index % step == 0)
        .filter_map(|credential| {
            let report = verifier.verify(&ecosystem.credential_bytes[credential.index], &options);
            (report.outcome != credential.outcome).then(|| {
                format!(
                    "{} {} {:?}: expected {}, got {} ({:?})",
                    credential.index,
                    credential.format.code(),
                    credential.defect,
                    credential.outcome,
                    report.outcome,
                    report.first_failure().map(|c| c.detail.clone())
                )
            })
        })
        .collect();
    let presentation_mismatches: Vec<String> = ecosystem
        .plan
        .presentations
        .par_iter()
        .filter(|p| p.index % step == 0)
        .filter_map(|presentation| {
            let report =
                verifier.verify(&ecosystem.presentation_bytes[presentation.index], &options);
            (report.outcome != presentation.outcome).then(|| {
                format!(
                    "presentation {}: expected {}, got {} ({:?})",
                    presentation.index,
                    presentation.outcome,
                    report.outcome,
                    report.first_failure().map(|c| c.detail.clone())
                )
            })
        })
        .collect();
    eprintln!("verified in {:.2?}", started.elapsed());
    let mut kinds: BTreeMap<String, usize> = BTreeMap::new();
    for line in mismatches.iter().chain(&presentation_mismatches) {
        *kinds
            .entry(
                line.split(':')
                    .next()
                    .unwrap_or("")
                    .split(' ')
                    .skip(1)
                    .collect::<Vec<_>>()
                    .join(" "),
            )
            .or_default() += 1;
    }
    for line in mismatches.iter().chain(&presentation_mismatches).take(20) {
        println!("MISMATCH {line}");
    }
    println!(
        "mismatches: {} credentials, {} presentations; {kinds:?}",
        mismatches.len(),
        presentation_mismatches.len()
    );
    Ok(())
}
