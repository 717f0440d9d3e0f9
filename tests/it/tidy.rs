//! Checks of the architecture that a machine can make (ARCHITECTURE.md, invariants), run as
//! ordinary tests, in the spirit of rust-analyzer's tidy tests.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn repository_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn rust_files(directory: &Path, found: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(directory) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, found);
        } else if path.extension().is_some_and(|extension| extension == "rs") {
            found.push(path);
        }
    }
}

/// Invariant 1: `Verified<T>` is built only inside `verify`.
#[test]
fn only_the_verifier_vouches() {
    let root = repository_root();
    let mut files = Vec::new();
    for folder in ["crates", "tests", "benches", "fuzz"] {
        rust_files(&root.join(folder), &mut files);
    }
    let offenders: Vec<String> = files
        .iter()
        .filter(|path| {
            let relative = path.strip_prefix(&root).unwrap_or(path);
            !relative.starts_with("crates/verify")
                && !relative.starts_with("crates/model")
                && !relative.ends_with("tests/it/tidy.rs")
        })
        .filter(|path| {
            std::fs::read_to_string(path).is_ok_and(|text| text.contains("vouched_by_verifier"))
        })
        .map(|path| path.display().to_string())
        .collect();
    assert!(
        offenders.is_empty(),
        "Verified<T> built outside crates/verify: {offenders:?}"
    );
}

/// `Verified::assumed_verified_for_tests` exists only with model's `test-support` feature,
/// which only dev-dependencies (and the test and bench packages) may enable: no product
/// build can skip verification.
#[test]
fn only_tests_may_assume_verification() {
    let root = repository_root();
    let Ok(entries) = std::fs::read_dir(root.join("crates")) else {
        panic!("crates/ is readable")
    };
    let mut offenders = Vec::new();
    for entry in entries.flatten() {
        let Ok(manifest) = std::fs::read_to_string(entry.path().join("Cargo.toml")) else {
            continue;
        };
        let mut section = String::new();
        for line in manifest.lines() {
            let line = line.trim();
            if line.starts_with('[') {
                section = line.to_owned();
            } else if line.contains("test-support")
                && !section.contains("dev-dependencies")
                && !section.contains("features")
            {
                offenders.push(format!("{}: {line} in {section}", entry.path().display()));
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "test-support enabled outside dev-dependencies: {offenders:?}"
    );
}

/// The product never reads `../shared` (a user's clone has no such folder).
#[test]
fn nothing_reads_the_research_folder() {
    let root = repository_root();
    let mut files = Vec::new();
    for folder in [
        "crates",
        "tests/it",
        "tests/support",
        "benches",
        "fuzz",
        "scripts",
        ".ci",
    ] {
        rust_files(&root.join(folder), &mut files);
    }
    let offenders: Vec<String> = files
        .iter()
        .filter(|path| !path.ends_with("tests/it/tidy.rs"))
        .filter(|path| {
            std::fs::read_to_string(path).is_ok_and(|text| {
                text.lines()
                    .filter(|line| !line.trim_start().starts_with("//"))
                    .any(|line| line.contains("../shared") || line.contains("/work/shared"))
            })
        })
        .map(|path| path.display().to_string())
        .collect();
    assert!(offenders.is_empty(), "reads of ../shared: {offenders:?}");
}

/// The layers of ARCHITECTURE.md: each crate may depend only on crates of lower layers, and
/// the sync core never on network or async crates (invariant 5).
#[test]
fn crates_respect_their_layers() {
    // Tens are the layers of ARCHITECTURE.md; within L1, `jsonld` sits below `verify` and
    // `taxonomy` below `jobspec`.
    let layer_of: BTreeMap<&str, u8> = [
        ("model", 0),
        ("jsonld", 10),
        ("taxonomy", 10),
        ("verify", 11),
        ("jobspec", 11),
        ("index", 20),
        ("ingest", 20),
        ("corpus", 20),
        ("net", 20),
        ("rank", 30),
        ("crawl", 30),
        ("server", 40),
        ("cli", 50),
    ]
    .into_iter()
    .collect();
    // Crates a sync library crate (L0–L3 except crawl) must never pull in directly.
    let forbidden_in_sync_core = ["tokio", "reqwest", "hyper", "axum"];
    let root = repository_root();
    let mut problems = Vec::new();
    let mut seen = BTreeSet::new();
    for (name, layer) in &layer_of {
        let manifest_path = root.join("crates").join(name).join("Cargo.toml");
        let Ok(manifest) = std::fs::read_to_string(&manifest_path) else {
            continue;
        };
        seen.insert(*name);
        let dependencies = dependency_names(&manifest);
        for dependency in &dependencies {
            if let Some(dependency_layer) = layer_of.get(dependency.as_str())
                && dependency_layer >= layer
            {
                problems.push(format!(
                    "{name} (L{layer}) depends on {dependency} (L{dependency_layer})"
                ));
            }
            let sync_core = *layer < 40 && *name != "crawl" && *name != "net";
            if sync_core && forbidden_in_sync_core.contains(&dependency.as_str()) {
                problems.push(format!(
                    "{name} is a synchronous core crate but depends on {dependency}"
                ));
            }
        }
    }
    assert!(
        seen.contains("verify") && seen.contains("model"),
        "the layer table names real crates"
    );
    assert!(
        problems.is_empty(),
        "layering violations:\n{}",
        problems.join("\n")
    );
}

/// The names under `[dependencies]` (not dev- or build-dependencies) of a manifest.
fn dependency_names(manifest: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut in_dependencies = false;
    for line in manifest.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_dependencies = line == "[dependencies]";
            continue;
        }
        if in_dependencies && let Some((name, _)) = line.split_once('=') {
            let name = name.trim().trim_end_matches(".workspace").trim();
            if !name.is_empty() && !name.starts_with('#') {
                names.push(name.to_owned());
            }
        }
    }
    names
}
