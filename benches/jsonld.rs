//! JSON-LD → RDF → RDFC-1.0 for an eddsa-rdfc-2022 OB 3.0 credential (document + proof
//! configuration), with a cold processor (new per credential: contexts re-processed, as an
//! uncached JSON-LD library does) against a warm one (processed-context cache), one core.
//!
//! Run: `cargo bench -p skillproof-benches --bench jsonld` (add `-- --quick` for a short run).

use jsonld::{Options, Processor, StaticLoader};
use serde_json::Value;
use std::hint::black_box;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

fn split_signed(signed: &Value) -> (Value, Value) {
    let mut document = signed.clone();
    let mut proof = Value::Null;
    if let Some(object) = document.as_object_mut() {
        proof = object.remove("proof").unwrap_or(Value::Null);
        if let Some(p) = proof.as_object_mut() {
            p.remove("proofValue");
            p.insert(
                "@context".into(),
                object.get("@context").cloned().unwrap_or(Value::Null),
            );
        }
    }
    (document, proof)
}

/// Median time per iteration over `rounds` rounds of `iterations` calls.
fn measure(rounds: usize, iterations: usize, mut f: impl FnMut()) -> Duration {
    let mut samples: Vec<Duration> = (0..rounds)
        .map(|_| {
            let start = Instant::now();
            for _ in 0..iterations {
                f();
            }
            start.elapsed() / iterations as u32
        })
        .collect();
    samples.sort();
    samples[samples.len() / 2]
}

fn per_second(d: Duration) -> f64 {
    1.0 / d.as_secs_f64()
}

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let (rounds, cold_n, warm_n) = if quick { (3, 20, 300) } else { (5, 100, 2_000) };
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let loader: Arc<StaticLoader> =
        match StaticLoader::from_manifest_dir(&root.join("index-data/contexts")) {
            Ok(loader) => Arc::new(loader),
            Err(e) => {
                eprintln!("cannot load pinned contexts: {e}");
                std::process::exit(2);
            }
        };
    let path = root.join("tests/fixtures/jsonld/ob3-didkey-eddsa-rdfc-2022.valid.json");
    let signed: Value = match std::fs::read(&path).map(|b| serde_json::from_slice(&b)) {
        Ok(Ok(v)) => v,
        _ => {
            eprintln!("cannot read {}", path.display());
            std::process::exit(2);
        }
    };
    let (document, proof_config) = split_signed(&signed);
    let limit = Options::default().hndq_call_limit;
    let both = |p: &Processor| {
        let d = p
            .to_rdf(&document)
            .and_then(|ds| jsonld::canonicalize(&ds, limit));
        let c = p
            .to_rdf(&proof_config)
            .and_then(|ds| jsonld::canonicalize(&ds, limit));
        match (d, c) {
            (Ok(d), Ok(c)) => (d, c),
            (d, c) => {
                eprintln!("canonicalization failed: {d:?} {c:?}");
                std::process::exit(1);
            }
        }
    };

    let cold = measure(rounds, cold_n, || {
        let p = Processor::new(loader.clone(), Options::default());
        black_box(both(&p));
    });
    let warm_processor = Processor::new(loader.clone(), Options::default());
    let reference = both(&warm_processor);
    let before = warm_processor.cache_stats();
    let warm = measure(rounds, warm_n, || {
        black_box(both(&warm_processor));
    });
    let after = warm_processor.cache_stats();
    assert_eq!(
        both(&warm_processor),
        reference,
        "warm output must not change"
    );

    let doc_rdf = measure(rounds, warm_n, || {
        black_box(warm_processor.to_rdf(&document).ok());
    });
    let proof_rdf = measure(rounds, warm_n, || {
        black_box(warm_processor.to_rdf(&proof_config).ok());
    });
    let doc_dataset = warm_processor.to_rdf(&document).ok().unwrap_or_default();
    let proof_dataset = warm_processor
        .to_rdf(&proof_config)
        .ok()
        .unwrap_or_default();
    let doc_canon = measure(rounds, warm_n, || {
        black_box(jsonld::canonicalize(&doc_dataset, limit).ok());
    });
    let proof_canon = measure(rounds, warm_n, || {
        black_box(jsonld::canonicalize(&proof_dataset, limit).ok());
    });

    println!(
        "jsonld bench: OB 3.0 harness credential ({} + {} quads), 1 thread",
        doc_dataset.len(),
        proof_dataset.len()
    );
    println!(
        "  cold  (new Processor per credential) : {:>9.1} µs  {:>8.0} credentials/s",
        cold.as_secs_f64() * 1e6,
        per_second(cold)
    );
    println!(
        "  warm  (shared processed-context cache): {:>9.1} µs  {:>8.0} credentials/s",
        warm.as_secs_f64() * 1e6,
        per_second(warm)
    );
    println!(
        "  speed-up warm vs cold                 : {:>9.1}×",
        cold.as_secs_f64() / warm.as_secs_f64()
    );
    println!(
        "  warm phases: document toRdf {:.1} µs, proof toRdf {:.1} µs, document RDFC {:.1} µs, proof RDFC {:.1} µs",
        doc_rdf.as_secs_f64() * 1e6,
        proof_rdf.as_secs_f64() * 1e6,
        doc_canon.as_secs_f64() * 1e6,
        proof_canon.as_secs_f64() * 1e6
    );
    println!(
        "  warm cache: {} context misses during the warm loop, {} hits",
        after.misses - before.misses,
        after.hits - before.hits
    );
}
