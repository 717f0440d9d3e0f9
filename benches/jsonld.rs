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

/// CPU time of the calling thread (utime + stime from procfs, 100 Hz ticks): the machines are
/// shared and loaded, so wall time alone over-states the cost.
fn thread_cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/thread-self/stat").ok()?;
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some(Duration::from_millis(ticks * 10))
}

/// Median wall and CPU time per iteration over `rounds` rounds of `iterations` calls.
fn measure(rounds: usize, iterations: usize, mut f: impl FnMut()) -> (Duration, Option<Duration>) {
    let mut wall = Vec::with_capacity(rounds);
    let mut cpu = Vec::with_capacity(rounds);
    for _ in 0..rounds {
        let (start, start_cpu) = (Instant::now(), thread_cpu_time());
        for _ in 0..iterations {
            f();
        }
        wall.push(start.elapsed() / iterations as u32);
        if let (Some(a), Some(b)) = (start_cpu, thread_cpu_time()) {
            cpu.push(b.saturating_sub(a) / iterations as u32);
        }
    }
    wall.sort();
    cpu.sort();
    (wall[wall.len() / 2], cpu.get(cpu.len() / 2).copied())
}

fn per_second(d: Duration) -> f64 {
    1.0 / d.as_secs_f64()
}

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let (rounds, cold_n, warm_n) = if quick { (3, 20, 300) } else { (5, 300, 5_000) };
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

    let us = |d: Duration| d.as_secs_f64() * 1e6;
    let line = |label: &str, (wall, cpu): (Duration, Option<Duration>)| {
        let cpu_text = cpu.map_or_else(String::new, |c| {
            format!(
                ", CPU {:>8.1} µs = {:>6.0}/s per core",
                us(c),
                per_second(c)
            )
        });
        println!(
            "  {label:<36} wall {:>8.1} µs = {:>6.0}/s{cpu_text}",
            us(wall),
            per_second(wall)
        );
    };
    println!(
        "jsonld bench: OB 3.0 harness credential ({} + {} quads), 1 thread",
        doc_dataset.len(),
        proof_dataset.len()
    );
    line("cold (new Processor per credential)", cold);
    line("warm (processed-context cache)", warm);
    let cpu_ratio = match (cold.1, warm.1) {
        (Some(c), Some(w)) if !w.is_zero() => {
            format!(", CPU {:.1}×", c.as_secs_f64() / w.as_secs_f64())
        }
        _ => String::new(),
    };
    println!(
        "  warm vs cold (naive baseline, same run): wall {:.1}×{cpu_ratio}",
        cold.0.as_secs_f64() / warm.0.as_secs_f64()
    );
    for (label, phase) in [
        ("warm phase: document toRdf", doc_rdf),
        ("warm phase: proof toRdf", proof_rdf),
        ("warm phase: document RDFC-1.0", doc_canon),
        ("warm phase: proof RDFC-1.0", proof_canon),
    ] {
        line(label, phase);
    }
    println!(
        "  warm cache: {} context misses during the warm loop, {} hits",
        after.misses - before.misses,
        after.hits - before.hits
    );
}
