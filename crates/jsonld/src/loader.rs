//! An in-memory [`DocumentLoader`] over pinned contexts (e.g. `index-data/contexts/`).

use crate::{DocumentLoader, Error};
use serde_json::Value;
use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

/// Serves a fixed set of parsed documents by URL.
#[derive(Clone, Debug, Default)]
pub struct StaticLoader {
    documents: HashMap<String, Arc<Value>>,
}

impl StaticLoader {
    /// An empty loader.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds (or replaces) the document served for `url`.
    pub fn insert(&mut self, url: impl Into<String>, document: Value) {
        self.documents.insert(url.into(), Arc::new(document));
    }

    /// Loads every primary entry of a `manifest.json` (`{url: {"file": ..}}`) in `dir`.
    pub fn from_manifest_dir(dir: &Path) -> Result<Self, Error> {
        let manifest_path = dir.join("manifest.json");
        let manifest = read_json(&manifest_path)?;
        let Value::Object(entries) = manifest else {
            return Err(Error::Manifest(format!(
                "{} is not an object",
                manifest_path.display()
            )));
        };
        let mut loader = StaticLoader::new();
        for (url, entry) in entries {
            let Some(file) = entry.get("file").and_then(Value::as_str) else {
                return Err(Error::Manifest(format!("entry {url} has no file")));
            };
            loader.insert(url, read_json(&dir.join(file))?);
        }
        Ok(loader)
    }

    /// URLs served.
    pub fn urls(&self) -> impl Iterator<Item = &str> {
        self.documents.keys().map(String::as_str)
    }
}

fn read_json(path: &Path) -> Result<Value, Error> {
    let bytes =
        std::fs::read(path).map_err(|e| Error::Manifest(format!("{}: {e}", path.display())))?;
    serde_json::from_slice(&bytes).map_err(|e| Error::Manifest(format!("{}: {e}", path.display())))
}

impl DocumentLoader for StaticLoader {
    fn load(&self, url: &str) -> Option<Arc<Value>> {
        self.documents.get(url).cloned()
    }
}
