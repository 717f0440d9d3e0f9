//! One taxonomy per test process, loaded through the compact cache kept in the test target dir.

use std::path::PathBuf;
use std::sync::OnceLock;

use serde_json::Value;
use skillproof_tests::{fixtures_dir, repo_dir};
use taxonomy::{LoadOptions, Taxonomy};

pub(super) fn index_data() -> PathBuf {
    repo_dir().join("index-data")
}

pub(super) fn cache_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("taxonomy-cache")
}

pub(crate) fn taxonomy() -> &'static Taxonomy {
    static TAXONOMY: OnceLock<Taxonomy> = OnceLock::new();
    TAXONOMY.get_or_init(|| {
        Taxonomy::load(&LoadOptions {
            index_data: index_data(),
            cache_dir: Some(cache_dir()),
        })
        .expect("index-data loads")
    })
}

/// Lines of a JSON Lines fixture under `tests/fixtures/taxonomy/`.
pub(super) fn jsonl(name: &str) -> Vec<Value> {
    let path = fixtures_dir().join("taxonomy").join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{name}: {e}: {l}")))
        .collect()
}

pub(super) fn str_of<'a>(value: &'a Value, key: &str) -> &'a str {
    value
        .get(key)
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("missing string {key:?} in {value}"))
}

pub(super) fn strings(value: &Value, key: &str) -> Vec<String> {
    value
        .get(key)
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

/// The sentence-embedding model's folder: `$SKILLPROOF_MODEL_DIR`, else where
/// `tools/taxonomy/setup` puts it (`scripts/test` runs the setup first).
pub(crate) fn model_dir() -> PathBuf {
    std::env::var_os("SKILLPROOF_MODEL_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| taxonomy::embed::default_model_dir(&index_data()))
}

/// One loaded encoder per test process. A missing model fails the test loudly: the semantic
/// tests must not pass by skipping.
pub(crate) fn encoder() -> &'static taxonomy::embed::Encoder {
    static ENCODER: OnceLock<taxonomy::embed::Encoder> = OnceLock::new();
    ENCODER.get_or_init(|| {
        taxonomy::embed::Encoder::load(&model_dir()).unwrap_or_else(|e| {
            panic!(
                "{e} [{}]: run tools/taxonomy/setup (scripts/test does)",
                e.code()
            )
        })
    })
}

/// Where the skill vectors are cached: beside the model (`var/cache/`, as the CLI does), so
/// the build (3–4 min of CPU) happens once per checkout, not once per target dir.
pub(crate) fn vectors_dir() -> PathBuf {
    repo_dir().join("var").join("cache")
}

/// A second taxonomy with the semantic layer attached (hybrid mapping).
pub(crate) fn hybrid_taxonomy() -> &'static Taxonomy {
    static HYBRID: OnceLock<Taxonomy> = OnceLock::new();
    HYBRID.get_or_init(|| {
        let mut t = Taxonomy::load(&LoadOptions {
            index_data: index_data(),
            cache_dir: Some(cache_dir()),
        })
        .expect("index-data loads");
        let report = t
            .attach_semantic(&model_dir(), Some(&vectors_dir()))
            .unwrap_or_else(|e| {
                panic!(
                    "{e} [{}]: run tools/taxonomy/setup (scripts/test does)",
                    e.code()
                )
            });
        eprintln!("semantic layer: {report:?}");
        t
    })
}
