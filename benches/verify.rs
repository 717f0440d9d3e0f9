//! The verifier's benchmarks, every figure a ratio against a baseline measured in the same
//! run (interleaved rounds, medians, spread):
//!
//! - V1 `eddsa-jcs-2022` end to end (`Verifier::verify` on the bytes, did:key, offline) vs
//!   raw `verify_strict` of a 64-byte message with a decoded key; target ≥ 70%.
//! - V2 `eddsa-rdfc-2022` end to end vs the naive crates.io path (oxjsonld 0.2.7 + rdf-canon
//!   0.15.3 + SHA-256 + `verify_strict`, see `verify/naive.rs`); target ≥ 5×.
//! - V3 bulk verification on a rayon pool of 2 threads vs 1, same batch of distinct
//!   credentials; target ≥ 1.7×.
//! - V4 `verify_batch` vs `verify_strict` per signature at batch sizes 64–1024, and the share
//!   of a credential's time spent in signature verification.
//! - V5 `skillproof verify` (release binary) on a directory of 2,000 mixed rdfc/jcs
//!   credentials vs the reference JavaScript verifier (`tools/bench/verify-reference.mjs`) on
//!   the same files, with every verdict compared; target ≥ 20×.
//!
//! Run: `cargo bench -p skillproof-benches --bench verify` (about four minutes; `-- --quick`
//! for a short run, `-- --no-cli` to skip V5). `SKILLPROOF_BENCH_RECORD=1` writes
//! `benches/runs/<date>-verify/` (or under `$SKILLPROOF_BENCH_RUNS_DIR`). V5 needs
//! `npm ci --prefix tools/bench` for the reference verifier and builds the release binary (or
//! takes `$SKILLPROOF_BIN`). Loopback only: nothing here touches the network.

#[path = "verify/cli.rs"]
mod cli;
#[path = "verify/corpus.rs"]
mod corpus;
#[path = "verify/ed.rs"]
mod ed;
#[path = "verify/naive.rs"]
mod naive;
#[path = "verify/record.rs"]
mod record;

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use rayon::prelude::*;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use skillproof_benches::{Machine, Paired, Stats, interleaved, rate};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use verify::{OfflineResolver, Verifier, VerifyOptions};

use crate::corpus::{Signed, Suite};
use crate::record::{Figure, Report, Target};

/// The instant every credential is judged at.
const NOW: &str = "2026-01-01T00:00:00Z";
const FIXTURES: &str = "tests/fixtures/vectors/harness-generated-digitalbazaar";
const BATCH_SIZES: [usize; 5] = [64, 128, 256, 512, 1024];

struct Config {
    quick: bool,
    run_cli: bool,
    record: bool,
    rounds: usize,
    budget: Duration,
    corpus_size: usize,
    cli_repetitions: usize,
}

impl Config {
    fn from_environment() -> Config {
        let args: Vec<String> = std::env::args().collect();
        let quick = args.iter().any(|arg| arg == "--quick");
        let run_cli = !args.iter().any(|arg| arg == "--no-cli");
        let record = std::env::var("SKILLPROOF_BENCH_RECORD").is_ok_and(|value| value == "1");
        if quick {
            Config {
                quick,
                run_cli,
                record,
                rounds: 3,
                budget: Duration::from_millis(120),
                corpus_size: 400,
                cli_repetitions: 1,
            }
        } else {
            Config {
                quick,
                run_cli,
                record,
                rounds: 7,
                budget: Duration::from_millis(300),
                corpus_size: 2_000,
                cli_repetitions: 3,
            }
        }
    }
}

fn fail(message: impl std::fmt::Display) -> ! {
    eprintln!("verify bench: {message}");
    std::process::exit(1)
}

fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|error| fail(format!("{}: {error}", path.display())))
}

/// Credentials per second over whole passes of `batch` on `pool`, for at least `budget`.
fn bulk_rate(
    pool: &rayon::ThreadPool,
    verifier: &Verifier,
    options: &VerifyOptions,
    batch: &[&Signed],
    budget: Duration,
) -> f64 {
    rate(budget, batch.len(), || {
        let verified = pool.install(|| {
            batch
                .par_iter()
                .filter(|signed| verifier.verify(&signed.bytes, options).is_verified())
                .count()
        });
        if verified != batch.len() {
            fail("a bench credential did not verify");
        }
    })
}

/// Credentials per second with one plain thread per verifier in `verifiers`, each taking
/// every n-th credential of `batch`, in whole passes for at least `budget`.
fn threads_rate(
    verifiers: &[&Verifier],
    options: &VerifyOptions,
    batch: &[&Signed],
    budget: Duration,
) -> f64 {
    let threads = verifiers.len();
    rate(budget, batch.len(), || {
        std::thread::scope(|scope| {
            for (offset, verifier) in verifiers.iter().enumerate() {
                scope.spawn(move || {
                    for signed in batch.iter().skip(offset).step_by(threads) {
                        if !verifier.verify(&signed.bytes, options).is_verified() {
                            fail("a bench credential did not verify");
                        }
                    }
                });
            }
        });
    })
}

/// `--profile=jcs|rdfc|bulk`: nothing but that work for 10 s, for `perf record` or callgrind
/// (`--profile=rdfc-short` runs 200 verifications, for callgrind).
fn profile_loop(
    target: &str,
    verifier: &Verifier,
    options: &VerifyOptions,
    jcs: &[u8],
    rdfc: &[u8],
) {
    let seconds = Duration::from_secs(10);
    let done = match target {
        "jcs" => rate(seconds, 1, || {
            black_box(verifier.verify(jcs, options));
        }),
        "rdfc" => rate(seconds, 1, || {
            black_box(verifier.verify(rdfc, options));
        }),
        "rdfc-short" => {
            for _ in 0..200 {
                black_box(verifier.verify(rdfc, options));
            }
            200.0
        }
        "bulk" => {
            let corpus = corpus::generate(verifier, 1_000, 8, 0x5eed_2026);
            let batch: Vec<&Signed> = corpus.iter().collect();
            bulk_rate(&pool(2), verifier, options, &batch, seconds)
        }
        other => fail(format!("--profile={other}: jcs, rdfc, rdfc-short or bulk")),
    };
    eprintln!("--profile={target}: {done:.0} per second");
}

/// Per-round CPU accounting around a rate measurement.
#[derive(Default)]
struct CpuSamples {
    /// Operations per CPU-second.
    per_cpu_second: Vec<f64>,
    /// CPU-seconds per wall-second.
    utilisation: Vec<f64>,
}

impl CpuSamples {
    fn measure(&mut self, operation: impl FnOnce() -> f64) -> f64 {
        let cpu_before = skillproof_benches::process_cpu_seconds();
        let start = std::time::Instant::now();
        let per_second = operation();
        let wall = start.elapsed().as_secs_f64();
        let cpu = skillproof_benches::process_cpu_seconds() - cpu_before;
        if cpu > 0.0 {
            self.per_cpu_second.push(per_second * wall / cpu);
            self.utilisation.push(cpu / wall);
        }
        per_second
    }
}

fn pool(threads: usize) -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap_or_else(|error| fail(format!("rayon pool: {error}")))
}

fn micros(per_second: f64) -> f64 {
    1e6 / per_second
}

fn main() {
    let config = Config::from_environment();
    let load_at_start = skillproof_benches::load_average();
    let root: PathBuf = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .canonicalize()
        .unwrap_or_else(|error| fail(error));
    let now = OffsetDateTime::parse(NOW, &Rfc3339).unwrap_or_else(|error| fail(error));
    let options = VerifyOptions::at(now);
    let verifier = Verifier::new(Arc::new(OfflineResolver));
    let mut report = Report::default();

    let jcs_path = root
        .join(FIXTURES)
        .join("ob3-didkey-eddsa-jcs-2022.valid.json");
    let rdfc_path = root
        .join(FIXTURES)
        .join("ob3-didkey-eddsa-rdfc-2022.valid.json");
    let jcs = read(&jcs_path);
    let rdfc = read(&rdfc_path);
    for (name, bytes) in [("jcs", &jcs), ("rdfc", &rdfc)] {
        let verdict = verifier.verify(bytes, &options);
        if !verdict.is_verified() {
            fail(format!(
                "the {name} fixture does not verify: {:?}",
                verdict.outcome
            ));
        }
    }
    let contexts =
        naive::load_contexts(&root.join("index-data/contexts")).unwrap_or_else(|error| fail(error));
    match naive::verify_rdfc(&rdfc, &contexts) {
        Ok(true) => {}
        other => fail(format!(
            "the naive path does not verify the rdfc fixture: {other:?}"
        )),
    }
    if let Some(target) =
        std::env::args().find_map(|arg| arg.strip_prefix("--profile=").map(str::to_owned))
    {
        profile_loop(&target, &verifier, &options, &jcs, &rdfc);
        return;
    }
    let signatures = ed::Signatures::new(1024);
    let (rounds, budget) = (config.rounds, config.budget);

    // V1: eddsa-jcs-2022 end to end vs raw verify_strict.
    eprintln!("V1 eddsa-jcs-2022 vs verify_strict ...");
    let strict_rate = |budget: Duration| {
        let mut index = 0;
        rate(budget, 1, || {
            index = (index + 1) % signatures.len();
            black_box(signatures.verify_strict(black_box(index)));
        })
    };
    let v1 = interleaved(
        rounds,
        || {
            rate(budget, 1, || {
                black_box(verifier.verify(black_box(&jcs), &options));
            })
        },
        || strict_rate(budget),
    );
    let raw_strict = v1.baseline_stats().median;
    report.figures.push(Figure {
        key: "V1",
        title: format!(
            "eddsa-jcs-2022 end to end, 1 thread ({} B credential)",
            jcs.len()
        ),
        baseline_title: "raw `verify_strict`, 64 B, decoded key".to_owned(),
        unit: "per second",
        paired: v1,
        target: Some(Target { minimum: 0.70 }),
    });

    // V2: eddsa-rdfc-2022 end to end vs the naive path.
    eprintln!("V2 eddsa-rdfc-2022 vs naive oxjsonld + rdf-canon ...");
    let v2_budget = budget * 2;
    let v2 = interleaved(
        rounds,
        || {
            rate(v2_budget, 1, || {
                black_box(verifier.verify(black_box(&rdfc), &options));
            })
        },
        || {
            rate(v2_budget, 1, || {
                black_box(naive::verify_rdfc(black_box(&rdfc), &contexts).ok());
            })
        },
    );
    let naive_median = v2.baseline_stats().median;
    let rdfc_rate = v2.subject_stats().median;
    report.figures.push(Figure {
        key: "V2",
        title: format!(
            "eddsa-rdfc-2022 end to end, 1 thread, warm verifier ({} B credential)",
            rdfc.len()
        ),
        baseline_title: "naive oxjsonld 0.2.7 + rdf-canon 0.15.3 + SHA-256 + `verify_strict`"
            .to_owned(),
        unit: "per second",
        paired: v2,
        target: Some(Target { minimum: 5.0 }),
    });
    // A fresh verifier per credential: no processed context is reused.
    let cold = interleaved(
        config.rounds.min(5),
        || {
            rate(budget, 1, || {
                let fresh = Verifier::new(Arc::new(OfflineResolver));
                black_box(fresh.verify(black_box(&rdfc), &options));
            })
        },
        || {
            rate(budget, 1, || {
                black_box(naive::verify_rdfc(black_box(&rdfc), &contexts).ok());
            })
        },
    );
    report.figures.push(Figure {
        key: "V2c",
        title: "eddsa-rdfc-2022, a new `Verifier` per credential (cold context cache)".to_owned(),
        baseline_title: "naive path (as V2)".to_owned(),
        unit: "per second",
        paired: cold,
        target: None,
    });

    let stages = rdfc_stages(&root, &rdfc, &signatures, budget);
    report.sections.push((
        "Where an eddsa-rdfc-2022 verification goes (1 thread, warm)".to_owned(),
        stages.0,
    ));
    report
        .raw
        .insert("rdfc_stages_microseconds".to_owned(), stages.1);

    // The corpus: distinct credentials from several issuers, both suites.
    eprintln!("generating {} credentials ...", config.corpus_size);
    let corpus = corpus::generate(&verifier, config.corpus_size, 8, 0x5eed_2026);
    let corpus_hash = {
        let mut hasher = Sha256::new();
        for signed in &corpus {
            hasher.update(&signed.bytes);
        }
        hasher
            .finalize()
            .iter()
            .map(|byte| format!("{byte:02x}"))
            .collect::<String>()
    };
    let count_of = |suite| corpus.iter().filter(|signed| signed.suite == suite).count();
    let mean_size = corpus
        .iter()
        .map(|signed| signed.bytes.len())
        .sum::<usize>() as f64
        / corpus.len() as f64;
    let corpus_description = format!(
        "{} credentials ({} eddsa-rdfc-2022, {} eddsa-jcs-2022) from 8 did:key issuers, mean {:.0} B, sha256 of the concatenation {}",
        corpus.len(),
        count_of(Suite::Rdfc),
        count_of(Suite::Jcs),
        mean_size,
        &corpus_hash[..16]
    );

    // V3: bulk verification, rayon pools of 2 threads vs 1.
    eprintln!("V3 bulk 2 threads vs 1 ...");
    let (one, two) = (pool(1), pool(2));
    let all: Vec<&Signed> = corpus.iter().collect();
    let only = |suite: Suite| -> Vec<&Signed> {
        corpus
            .iter()
            .filter(|signed| signed.suite == suite)
            .collect()
    };
    let bulk_budget = budget * 2;
    let mut cpu_rows = String::from(
        "Credentials per CPU-second (on-CPU time of all the process's threads, from /proc/self/task/*/schedstat) \
         and CPUs actually used during the passes. Equal rates per CPU-second mean the second thread adds no \
         overhead (no contention), so a wall-clock ratio below 2× is then the cores other work took.\n\n\
         | figure | 1 thread, /CPU-s | 2 threads, /CPU-s | 2 vs 1 per CPU-s | CPUs used, 1 thread | CPUs used, 2 threads |\n\
         |---|---|---|---|---|---|\n",
    );
    let mut cpu_raw = serde_json::Map::new();
    for (key, title, batch) in [
        ("V3", "mixed", all),
        ("V3r", Suite::Rdfc.name(), only(Suite::Rdfc)),
        ("V3j", Suite::Jcs.name(), only(Suite::Jcs)),
    ] {
        // Warm both pools (thread-local state, the context cache) before timing.
        bulk_rate(&two, &verifier, &options, &batch, Duration::ZERO);
        let (mut cpu_two, mut cpu_one) = (CpuSamples::default(), CpuSamples::default());
        let paired = interleaved(
            rounds.min(5),
            || cpu_two.measure(|| bulk_rate(&two, &verifier, &options, &batch, bulk_budget)),
            || cpu_one.measure(|| bulk_rate(&one, &verifier, &options, &batch, bulk_budget)),
        );
        cpu_rows.push_str(&format!(
            "| {key} | {} | {} | {} | {} | {} |\n",
            Stats::of(&cpu_one.per_cpu_second).describe(record::rate),
            Stats::of(&cpu_two.per_cpu_second).describe(record::rate),
            record::ratio(
                Stats::of(&cpu_two.per_cpu_second).median
                    / Stats::of(&cpu_one.per_cpu_second).median
            ),
            Stats::of(&cpu_one.utilisation).describe(|value| format!("{value:.2}")),
            Stats::of(&cpu_two.utilisation).describe(|value| format!("{value:.2}")),
        ));
        cpu_raw.insert(
            key.to_owned(),
            json!({
                "one_thread_per_cpu_second": cpu_one.per_cpu_second,
                "two_threads_per_cpu_second": cpu_two.per_cpu_second,
                "one_thread_cpus_used": cpu_one.utilisation,
                "two_threads_cpus_used": cpu_two.utilisation,
            }),
        );
        report.figures.push(Figure {
            key,
            title: format!(
                "bulk `Verifier::verify`, rayon pool of 2 threads, {} distinct {title} credentials",
                batch.len()
            ),
            baseline_title: "the same batch on a pool of 1 thread".to_owned(),
            unit: "per second",
            paired,
            target: (key == "V3").then_some(Target { minimum: 1.7 }),
        });
    }
    report.sections.push((
        "Bulk verification: CPU time (V3 diagnosis)".to_owned(),
        cpu_rows,
    ));
    report
        .raw
        .insert("bulk_cpu".to_owned(), Value::Object(cpu_raw));
    // Diagnosis of V3: two plain threads, each with its own warm verifier, against two
    // plain threads sharing one (no rayon in either): the difference is what sharing the
    // verifier's caches costs.
    let all: Vec<&Signed> = corpus.iter().collect();
    let own = [
        Verifier::new(Arc::new(OfflineResolver)),
        Verifier::new(Arc::new(OfflineResolver)),
    ];
    for verifier in &own {
        threads_rate(&[verifier, verifier], &options, &all, Duration::ZERO);
    }
    let sharing = interleaved(
        rounds.min(5),
        || threads_rate(&[&own[0], &own[1]], &options, &all, bulk_budget),
        || threads_rate(&[&verifier, &verifier], &options, &all, bulk_budget),
    );
    report.figures.push(Figure {
        key: "V3s",
        title: format!(
            "2 plain threads, a `Verifier` each, {} mixed credentials",
            all.len()
        ),
        baseline_title: "2 plain threads sharing one `Verifier`".to_owned(),
        unit: "per second",
        paired: sharing,
        target: None,
    });
    let raw_scaling = interleaved(
        rounds.min(5),
        || {
            rate(budget, signatures.len(), || {
                two.install(|| {
                    (0..signatures.len()).into_par_iter().for_each(|index| {
                        black_box(signatures.verify_strict(index));
                    })
                });
            })
        },
        || {
            rate(budget, signatures.len(), || {
                one.install(|| {
                    (0..signatures.len()).into_par_iter().for_each(|index| {
                        black_box(signatures.verify_strict(index));
                    })
                });
            })
        },
    );
    report.figures.push(Figure {
        key: "V3e",
        title: "raw `verify_strict`, rayon pool of 2 threads (what the machine gives now)"
            .to_owned(),
        baseline_title: "pool of 1 thread".to_owned(),
        unit: "per second",
        paired: raw_scaling,
        target: None,
    });

    // V4: verify_batch vs verify_strict, per signature.
    eprintln!("V4 verify_batch ...");
    let mut batch_rows = Vec::new();
    let mut batch_raw = serde_json::Map::new();
    for size in BATCH_SIZES {
        let chunks = signatures.len() / size;
        let paired = interleaved(
            rounds.min(5),
            || {
                let mut chunk = 0;
                rate(budget, size, || {
                    chunk = (chunk + 1) % chunks;
                    if !signatures.verify_batch(chunk * size, size) {
                        fail("verify_batch rejected valid signatures");
                    }
                })
            },
            || strict_rate(budget),
        );
        batch_rows.push((size, paired.clone()));
        batch_raw.insert(size.to_string(), figure_raw(&paired));
        report.figures.push(Figure {
            key: match size {
                64 => "V4-64",
                128 => "V4-128",
                256 => "V4-256",
                512 => "V4-512",
                _ => "V4-1024",
            },
            title: format!(
                "`verify_batch`, {size} signatures per batch, distinct keys (signatures/s)"
            ),
            baseline_title: "`verify_strict` per signature".to_owned(),
            unit: "signatures per second",
            paired,
            target: None,
        });
    }
    report
        .raw
        .insert("verify_batch".to_owned(), Value::Object(batch_raw));
    let jcs_rate = report.figures[0].paired.subject_stats().median;
    report.sections.push((
        "Would `verify_batch` pay in the bulk path?".to_owned(),
        batch_analysis(jcs_rate, rdfc_rate, raw_strict, &batch_rows),
    ));

    // V5: the CLI against the reference JavaScript verifier.
    let mut cli_section = String::new();
    if config.run_cli {
        eprintln!("V5 skillproof verify vs the reference JavaScript verifier ...");
        match cli_comparison(&root, &corpus, &config, &mut report) {
            Ok(text) => cli_section = text,
            Err(error) => {
                cli_section = format!("Not measured: {error}");
                eprintln!("V5 skipped: {error}");
            }
        }
    } else {
        cli_section.push_str("Not measured in this run (`--no-cli`).");
    }
    report.sections.push((
        format!(
            "`skillproof verify` vs the reference JavaScript verifier ({})",
            corpus_description
        ),
        cli_section,
    ));

    // Header: machine, commit, tools.
    let machine = Machine::describe();
    let lock = std::fs::read_to_string(root.join("Cargo.lock")).unwrap_or_default();
    let crates: Vec<String> = [
        "ed25519-dalek",
        "curve25519-dalek",
        "sha2",
        "serde_json",
        "rayon",
        "oxjsonld",
        "rdf-canon",
    ]
    .iter()
    .map(|name| {
        format!(
            "{name} {}",
            skillproof_benches::locked_version(&lock, name).unwrap_or_else(|| "?".to_owned())
        )
    })
    .collect();
    let date = OffsetDateTime::now_utc().date();
    let date = format!(
        "{:04}-{:02}-{:02}",
        date.year(),
        u8::from(date.month()),
        date.day()
    );
    report.header = vec![
        ("date".to_owned(), date.clone()),
        ("commit".to_owned(), skillproof_benches::git_commit(&root)),
        (
            "machine".to_owned(),
            format!(
                "{}, {} CPUs, {} memory, Linux {}",
                machine.cpu, machine.cpus, machine.memory, machine.kernel
            ),
        ),
        ("rustc".to_owned(), machine.rustc),
        (
            "load average (1, 5, 15 min)".to_owned(),
            format!(
                "{load_at_start} at the start, {} at the end (2 CPUs: above 2 means other work shared the cores)",
                skillproof_benches::load_average()
            ),
        ),
        ("crates".to_owned(), crates.join(", ")),
        ("reference verifier".to_owned(), reference_versions(&root)),
        (
            "mode".to_owned(),
            format!(
                "{}; {} rounds of {} ms per side; credentials judged at {NOW}",
                if config.quick { "--quick" } else { "default" },
                rounds,
                budget.as_millis()
            ),
        ),
        (
            "inputs".to_owned(),
            format!(
                "`{FIXTURES}/ob3-didkey-eddsa-{{jcs,rdfc}}-2022.valid.json`; generated corpus: {corpus_description}"
            ),
        ),
    ];
    report.raw.insert(
        "naive_rdfc_median_per_second".to_owned(),
        json!(naive_median),
    );

    let markdown = report.markdown();
    println!("{markdown}");
    if config.record {
        // `SKILLPROOF_BENCH_RUNS_DIR` records elsewhere (e.g. to compare runs before keeping one).
        let runs = std::env::var_os("SKILLPROOF_BENCH_RUNS_DIR")
            .map_or_else(|| root.join("benches/runs"), PathBuf::from);
        match report.write(&runs, &date) {
            Ok(directory) => eprintln!("recorded in {}", directory.display()),
            Err(error) => fail(format!("cannot record the run: {error}")),
        }
    }
}

fn figure_raw(paired: &Paired) -> Value {
    json!({
        "subject_rates": paired.subject,
        "baseline_rates": paired.baseline,
        "ratios": paired.ratios(),
    })
}

/// Medians of each stage of an eddsa-rdfc-2022 verification, through the public jsonld API
/// with a warm processor (the verifier's own path, stage by stage), against the whole call.
fn rdfc_stages(
    root: &Path,
    rdfc: &[u8],
    signatures: &ed::Signatures,
    budget: Duration,
) -> (String, Value) {
    let loader = match jsonld::StaticLoader::from_manifest_dir(&root.join("index-data/contexts")) {
        Ok(loader) => Arc::new(loader),
        Err(error) => return (format!("not measured: {error}"), Value::Null),
    };
    let processor = jsonld::Processor::new(loader, jsonld::Options::default());
    let signed: Value = serde_json::from_slice(rdfc).unwrap_or(Value::Null);
    let mut document = signed.clone();
    let mut config = Value::Null;
    if let Some(object) = document.as_object_mut() {
        config = object.remove("proof").unwrap_or(Value::Null);
        let context = object.get("@context").cloned().unwrap_or(Value::Null);
        if let Some(proof) = config.as_object_mut() {
            proof.remove("proofValue");
            proof.insert("@context".to_owned(), context);
        }
    }
    let limit = jsonld::Options::default().hndq_call_limit;
    let (Ok(document_dataset), Ok(config_dataset)) =
        (processor.to_rdf(&document), processor.to_rdf(&config))
    else {
        return ("not measured: toRdf failed".to_owned(), Value::Null);
    };
    let nquads = jsonld::canonicalize(&document_dataset, limit).unwrap_or_default();
    let median_micros = |operation: &mut dyn FnMut()| {
        let samples: Vec<f64> = (0..5)
            .map(|_| micros(rate(budget / 2, 1, &mut *operation)))
            .collect();
        Stats::of(&samples).median
    };
    let stages: Vec<(&str, f64)> = vec![
        (
            "parse (serde_json)",
            median_micros(&mut || {
                black_box(serde_json::from_slice::<Value>(black_box(rdfc)).ok());
            }),
        ),
        (
            "document toRdf (expansion + node map)",
            median_micros(&mut || {
                black_box(processor.to_rdf(black_box(&document)).ok());
            }),
        ),
        (
            "proof configuration toRdf",
            median_micros(&mut || {
                black_box(processor.to_rdf(black_box(&config)).ok());
            }),
        ),
        (
            "document RDFC-1.0",
            median_micros(&mut || {
                black_box(jsonld::canonicalize(black_box(&document_dataset), limit).ok());
            }),
        ),
        (
            "proof configuration RDFC-1.0",
            median_micros(&mut || {
                black_box(jsonld::canonicalize(black_box(&config_dataset), limit).ok());
            }),
        ),
        (
            "SHA-256 of the document N-Quads",
            median_micros(&mut || {
                black_box(Sha256::digest(black_box(nquads.as_bytes())));
            }),
        ),
        (
            "`verify_strict`",
            median_micros(&mut || {
                black_box(signatures.verify_strict(black_box(0)));
            }),
        ),
    ];
    let verifier = Verifier::new(Arc::new(OfflineResolver));
    let options =
        VerifyOptions::at(OffsetDateTime::parse(NOW, &Rfc3339).unwrap_or_else(|error| fail(error)));
    let whole = median_micros(&mut || {
        black_box(verifier.verify(black_box(rdfc), &options));
    });
    let sum: f64 = stages.iter().map(|(_, micros)| micros).sum();
    let mut text = format!(
        "Stage medians (µs per credential, 5 samples each) through the public `jsonld` API with a warm processor, against the whole `Verifier::verify` call ({whole:.0} µs). {} + {} quads.\n\n| stage | µs | share of the whole call |\n|---|---|---|\n",
        document_dataset.len(),
        config_dataset.len()
    );
    let mut raw = serde_json::Map::new();
    for (stage, value) in &stages {
        text.push_str(&format!(
            "| {stage} | {value:.1} | {:.0}% |\n",
            value / whole * 100.0
        ));
        raw.insert((*stage).to_owned(), json!(value));
    }
    text.push_str(&format!(
        "| rest of `verify` (strict parse, proof checks, key lookup, report) | {:.1} | {:.0}% |\n",
        (whole - sum).max(0.0),
        (whole - sum).max(0.0) / whole * 100.0
    ));
    raw.insert("whole verify".to_owned(), json!(whole));
    (text, Value::Object(raw))
}

/// Amdahl: the share of a credential's time in `verify_strict`, and what batching would save.
fn batch_analysis(
    jcs_rate: f64,
    rdfc_rate: f64,
    raw_strict: f64,
    rows: &[(usize, Paired)],
) -> String {
    let mut text = String::new();
    let shares = [("eddsa-jcs-2022", jcs_rate), ("eddsa-rdfc-2022", rdfc_rate)];
    text.push_str(&format!(
        "`verify_strict` alone: {:.1} µs (median of V1's baseline). Share of one credential's \
         time spent in signature verification (V1/V2 subject medians):\n\n",
        micros(raw_strict)
    ));
    text.push_str("| suite | µs per credential | share in `verify_strict` |");
    for (size, _) in rows {
        text.push_str(&format!(" whole-path gain, batch {size} |"));
    }
    text.push_str("\n|---|---|---|");
    for _ in rows {
        text.push_str("---|");
    }
    text.push('\n');
    for (suite, credential_rate) in shares {
        let share = credential_rate / raw_strict;
        text.push_str(&format!(
            "| {suite} | {:.1} | {:.0}% |",
            micros(credential_rate),
            share * 100.0
        ));
        for (_, paired) in rows {
            let speedup = paired.ratio_stats().median;
            let gain = 1.0 / ((1.0 - share) + share / speedup);
            text.push_str(&format!(" {} |", record::ratio(gain)));
        }
        text.push('\n');
    }
    text.push_str(
        "\nThe gain column is Amdahl's law with the V4 per-signature speed-up of that batch size: \
         1 / ((1 − share) + share / speed-up). It is an upper bound: it assumes the signatures \
         of a batch are collected for free, that no batch fails (a failing batch must be \
         re-verified one signature at a time to find the culprit), and it leaves out the \
         checks `verify_strict` makes and `verify_batch` does not (small-order `A` and `R`; \
         and `verify_batch` is cofactorless with 128-bit coefficients derived from the batch, \
         so a signer can grind a torsion component in `R` past it 1 time in 8), which would \
         have to run separately.\n",
    );
    text
}

fn reference_versions(root: &Path) -> String {
    let node = skillproof_benches::command_output("node", &["--version"], None)
        .unwrap_or_else(|| "node not found".to_owned());
    let lock: Value = std::fs::read(root.join("tools/bench/package-lock.json"))
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .unwrap_or(Value::Null);
    let packages = [
        "@digitalbazaar/vc",
        "@digitalbazaar/data-integrity",
        "@digitalbazaar/eddsa-rdfc-2022-cryptosuite",
        "@digitalbazaar/eddsa-jcs-2022-cryptosuite",
        "@digitalbazaar/did-method-key",
        "jsonld",
        "rdf-canonize",
    ];
    let versions: Vec<String> = packages
        .iter()
        .map(|name| {
            let version = lock
                .pointer(&format!(
                    "/packages/node_modules~1{}",
                    name.replace('/', "~1")
                ))
                .and_then(|entry| entry.get("version"))
                .and_then(Value::as_str)
                .unwrap_or("?");
            format!("{name} {version}")
        })
        .collect();
    format!("node {node}; {}", versions.join(", "))
}

/// V5: writes the corpus to a temporary directory, then alternates `skillproof verify` on 2
/// threads, on 1 thread, and the reference verifier, and compares every verdict.
fn cli_comparison(
    root: &Path,
    corpus: &[Signed],
    config: &Config,
    report: &mut Report,
) -> Result<String, String> {
    let runner = cli::reference_runner(root)?;
    let binary = cli::skillproof_binary(root)?;
    let directory =
        std::env::temp_dir().join(format!("skillproof-bench-verify-{}", std::process::id()));
    let credentials = directory.join("credentials");
    std::fs::create_dir_all(&credentials).map_err(|error| error.to_string())?;
    let result = (|| {
        for (index, signed) in corpus.iter().enumerate() {
            let name = format!("cred-{index:05}-{}.json", signed.suite.name());
            std::fs::write(credentials.join(name), &signed.bytes)
                .map_err(|error| error.to_string())?;
        }
        let files = corpus.len() as f64;
        let mut ours_two = Vec::new();
        let mut ours_one = Vec::new();
        let mut theirs = Vec::new();
        let mut theirs_loop = Vec::new();
        let mut last = None;
        // One warm-up of each (page cache, node's module cache on disk).
        cli::run_skillproof(&binary, &credentials, NOW, 2)?;
        for _ in 0..config.cli_repetitions {
            let two = cli::run_skillproof(&binary, &credentials, NOW, 2)?;
            let one = cli::run_skillproof(&binary, &credentials, NOW, 1)?;
            let reference = cli::run_reference(&runner, &credentials, NOW)?;
            ours_two.push(files / two.seconds);
            ours_one.push(files / one.seconds);
            theirs.push(files / reference.seconds);
            if let Some(loop_seconds) = reference
                .inner
                .as_ref()
                .and_then(|inner| inner.get("verify_seconds"))
                .and_then(Value::as_f64)
            {
                theirs_loop.push(files / loop_seconds);
            }
            last = Some((two, one, reference));
        }
        let Some((two, one, reference)) = last else {
            return Err("no repetition ran".to_owned());
        };
        let mut text = String::new();
        let verified = |run: &cli::Run| run.verdicts.values().filter(|verified| **verified).count();
        text.push_str(&format!(
            "Wall time of whole processes (start-up, reading {} files, verifying, printing JSON lines), {} repetitions, alternating. \
             `skillproof verify --format json --offline --now {NOW} DIR` (release build, `RAYON_NUM_THREADS` 2 or 1) against \
             `node tools/bench/verify-reference.mjs --now {NOW} DIR` (one process, single-threaded, as its users run it).\n\n",
            corpus.len(),
            config.cli_repetitions
        ));
        text.push_str(&format!(
            "- verified: skillproof {} / {}, 1 thread {} / {}, reference {} / {}\n",
            verified(&two),
            two.verdicts.len(),
            verified(&one),
            one.verdicts.len(),
            verified(&reference),
            reference.verdicts.len()
        ));
        if !theirs_loop.is_empty() {
            text.push_str(&format!(
                "- reference verification loop alone (start-up excluded): {} credentials/s; start-up {:.2} s\n",
                Stats::of(&theirs_loop).describe(record::rate),
                reference
                    .inner
                    .as_ref()
                    .and_then(|inner| inner.get("startup_seconds"))
                    .and_then(Value::as_f64)
                    .unwrap_or(f64::NAN)
            ));
        }
        let disagreements = cli::disagreements(&two.verdicts, &reference.verdicts);
        if disagreements.is_empty() {
            text.push_str("- verdicts: both verifiers agree on every file\n");
        } else {
            text.push_str(&format!(
                "- verdicts: **{} disagreements**\n",
                disagreements.len()
            ));
            for name in disagreements.iter().take(20) {
                text.push_str(&format!(
                    "  - `{name}`: skillproof {:?} ({}), reference {:?} ({})\n",
                    two.verdicts.get(name),
                    two.failures.get(name).map(String::as_str).unwrap_or("-"),
                    reference.verdicts.get(name),
                    reference
                        .failures
                        .get(name)
                        .map(String::as_str)
                        .unwrap_or("-"),
                ));
            }
        }
        for (name, failure) in two.failures.iter().take(10) {
            text.push_str(&format!(
                "- skillproof did not verify `{name}`: {failure}\n"
            ));
        }
        for (name, failure) in reference.failures.iter().take(10) {
            text.push_str(&format!(
                "- the reference did not verify `{name}`: {failure}\n"
            ));
        }
        report.raw.insert(
            "cli".to_owned(),
            json!({
                "files": corpus.len(),
                "skillproof_2_threads_per_second": ours_two,
                "skillproof_1_thread_per_second": ours_one,
                "reference_per_second": theirs,
                "reference_loop_per_second": theirs_loop,
                "disagreements": disagreements,
            }),
        );
        report.figures.push(Figure {
            key: "V5",
            title: format!("`skillproof verify` on {} files, 2 threads", corpus.len()),
            baseline_title: "reference JavaScript verifier, same files".to_owned(),
            unit: "credentials per second",
            paired: Paired {
                subject: ours_two,
                baseline: theirs.clone(),
            },
            target: Some(Target { minimum: 20.0 }),
        });
        report.figures.push(Figure {
            key: "V5-1",
            title: format!(
                "`skillproof verify` on {} files, 1 thread (per core)",
                corpus.len()
            ),
            baseline_title: "reference JavaScript verifier (1 thread)".to_owned(),
            unit: "credentials per second",
            paired: Paired {
                subject: ours_one,
                baseline: theirs,
            },
            target: None,
        });
        Ok(text)
    })();
    let _ = std::fs::remove_dir_all(&directory);
    result
}
