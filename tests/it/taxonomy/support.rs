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
