//! Dumps the features of hybrid text → skill candidates (lexical confidence and score, cosine
//! to the sentence and to the text) with their gold label, as TSV, for fitting the fusion in
//! `src/extract.rs` (`hybrid`) on the development sets. Not used at run time.
//!
//! `cargo run --release -p skillproof-taxonomy --example hybrid_features -- achievements FILE.jsonl`
//! `cargo run --release -p skillproof-taxonomy --example hybrid_features -- sentences FILE.jsonl`
//!
//! Columns: item, field, concept, gold (0/1), reviewed gold (0/1, achievements only), lexical
//! confidence, lexical score, cosine to the sentence, cosine to the text.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

use serde_json::Value;
use skillproof_taxonomy as taxonomy;
use taxonomy::{ExtractOptions, LoadOptions, Taxonomy};

fn strings(value: &Value, key: &str) -> HashSet<String> {
    value[key]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(str::to_owned)
        .collect()
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(kind), Some(file)) = (args.first(), args.get(1)) else {
        return Err("usage: hybrid_features achievements|sentences FILE.jsonl".into());
    };
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut taxonomy = Taxonomy::load(&LoadOptions {
        index_data: repo.join("index-data"),
        cache_dir: Some(repo.join("var/cache")),
    })?;
    let started = std::time::Instant::now();
    let report = taxonomy
        .attach_semantic(
            &taxonomy::embed::default_model_dir(&repo.join("index-data")),
            Some(&repo.join("var/cache")),
        )?
        .clone();
    eprintln!("semantic: {report:?} ({:?})", started.elapsed());
    let preferred: HashMap<String, String> = taxonomy
        .concepts()
        .iter()
        .filter(|c| c.id.starts_with("esco:skill/"))
        .map(|c| (c.label.clone(), c.id.clone()))
        .collect();
    let options = ExtractOptions {
        limit: 200,
        min_confidence: if kind == "sentences" { 0.0 } else { 1e-6 },
        typo_tolerance: false,
    };
    for line in std::fs::read_to_string(file)?.lines() {
        if line.trim().is_empty() {
            continue;
        }
        let item: Value = serde_json::from_str(line)?;
        let id = item["id"].as_str().unwrap_or("?").to_owned();
        let (gold, reviewed, fields): (HashSet<String>, HashSet<String>, Vec<(&str, String)>) =
            if kind == "sentences" {
                let gold = strings(&item, "labels")
                    .into_iter()
                    .filter_map(|l| preferred.get(&l).cloned())
                    .collect();
                let domain = item["domain"].as_str().unwrap_or("?").to_owned();
                let text = item["text"].as_str().unwrap_or("").to_owned();
                (
                    gold,
                    HashSet::new(),
                    vec![(if domain == "tech" { "tech" } else { "house" }, text)],
                )
            } else {
                let mut reviewed = strings(&item, "reviewed_labels");
                reviewed.extend(strings(&item, "labels"));
                (
                    strings(&item, "labels"),
                    reviewed,
                    vec![
                        ("name", item["name"].as_str().unwrap_or("").to_owned()),
                        (
                            "description",
                            item["description"].as_str().unwrap_or("").to_owned(),
                        ),
                    ],
                )
            };
        for (field, text) in fields {
            for m in taxonomy.extract(&text, &options) {
                let Some(sem) = m.semantic else { continue };
                println!(
                    "{id}\t{field}\t{}\t{}\t{}\t{:.4}\t{:.4}\t{:.4}\t{:.4}",
                    m.id,
                    u8::from(gold.contains(&m.id)),
                    u8::from(reviewed.contains(&m.id)),
                    sem.lexical_confidence,
                    sem.lexical_score,
                    sem.sentence,
                    sem.text
                );
            }
            if kind == "sentences" {
                println!("{id}\t{field}\t#gold\t{}\t0\t0\t0\t0\t0", gold.len());
            }
        }
    }
    Ok(())
}
