//! JSON-LD 1.1 expansion to RDF and RDFC-1.0 canonical N-Quads, offline, matching the
//! reference JavaScript stack (jsonld.js 9 in safe mode + rdf-canonize 5) byte for byte.
//!
//! Context processing is memoized: a [`Processor`] keeps a bounded LRU of processed
//! contexts keyed by (identity of the active context, the local context), so after
//! warm-up a credential's contexts (including type- and property-scoped ones) are never
//! re-processed. Remote context documents come only from a [`DocumentLoader`]; nothing
//! here touches the network.

mod cache;
mod canon;
mod context;
mod error;
mod expand;
mod iri;
mod loader;
mod number;
mod rdf;
mod to_rdf;

pub use cache::CacheStats;
pub use canon::{canonicalize, canonicalize_with_work_factor};
pub use error::Error;
pub use loader::StaticLoader;
pub use rdf::{Dataset, Quad, Term};

use serde_json::Value;
use std::sync::Arc;

/// Supplies remote context documents. Must never reach the network.
pub trait DocumentLoader: Send + Sync {
    /// The parsed document at `url`, or `None` (→ [`Error::UnknownContext`]).
    fn load(&self, url: &str) -> Option<Arc<Value>>;
}

/// Processing options and resource limits.
#[derive(Clone, Debug)]
pub struct Options {
    /// jsonld.js safe mode: anything that would be dropped or left relative is an error.
    pub safe_mode: bool,
    /// Entries in the processed-context LRU (0 disables it). An entry holds a whole active
    /// context (tens of kB for the OB 3.0 context); one credential needs a dozen or so.
    pub context_cache_capacity: usize,
    /// Entries in the remote-document LRU (0 disables it).
    pub document_cache_capacity: usize,
    /// Maximum JSON nesting of the document (and of contexts, when hashed).
    pub max_depth: usize,
    /// Maximum quads produced for one document.
    pub max_quads: usize,
    /// Maximum remote contexts pulled in by one chain of references (jsonld.js: 10).
    pub max_remote_contexts: usize,
    /// Maximum nesting of scoped contexts inside contexts.
    pub max_context_nesting: usize,
    /// Hash N-Degree Quads calls allowed when canonicalizing (see [`canonicalize`]).
    pub hndq_call_limit: usize,
    /// rdf-canonize's `maxWorkFactor` (see [`canonicalize_with_work_factor`]); `Some(1)`, its
    /// default, rejects what the reference stack rejects; `None` keeps only `hndq_call_limit`.
    pub canon_work_factor: Option<u32>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            safe_mode: true,
            context_cache_capacity: 256,
            document_cache_capacity: 256,
            max_depth: 64,
            max_quads: 100_000,
            max_remote_contexts: 10,
            max_context_nesting: 32,
            hndq_call_limit: 1_000,
            canon_work_factor: Some(1),
        }
    }
}

/// A JSON-LD processor with its caches. `Send + Sync`: share one across threads.
pub struct Processor {
    loader: Arc<dyn DocumentLoader>,
    pub(crate) options: Options,
    pub(crate) initial: Arc<context::ActiveContext>,
    pub(crate) cache: cache::Caches,
}

impl Processor {
    /// A processor reading remote contexts from `loader` only.
    pub fn new(loader: Arc<dyn DocumentLoader>, options: Options) -> Self {
        Processor {
            loader,
            cache: cache::Caches::new(
                options.context_cache_capacity,
                options.document_cache_capacity,
            ),
            options,
            initial: Arc::new(context::ActiveContext::initial()),
        }
    }

    /// The options this processor was built with.
    pub fn options(&self) -> &Options {
        &self.options
    }

    /// JSON-LD 1.1 Expansion (as jsonld.js `expand`, base IRI null): always an array.
    pub fn expand(&self, document: &Value) -> Result<Value, Error> {
        let mut expander = expand::Expander::new(self);
        Ok(Value::Array(expander.expand_document(document)?))
    }

    /// Expansion, node-map generation and Deserialize JSON-LD to RDF.
    pub fn to_rdf(&self, document: &Value) -> Result<Dataset, Error> {
        let mut expander = expand::Expander::new(self);
        let expanded = Value::Array(expander.expand_document(document)?);
        let mut builder = to_rdf::RdfBuilder::new(self);
        builder.node_map(&expanded, "@default", None, None, 0)?;
        builder.into_dataset()
    }

    /// [`Processor::to_rdf`] then RDFC-1.0 with this processor's canonicalization limits.
    pub fn canonical_nquads(&self, document: &Value) -> Result<String, Error> {
        self.canonicalize(&self.to_rdf(document)?)
    }

    /// RDFC-1.0 with this processor's `hndq_call_limit` and `canon_work_factor`.
    pub fn canonicalize(&self, dataset: &Dataset) -> Result<String, Error> {
        match self.options.canon_work_factor {
            Some(factor) => {
                canonicalize_with_work_factor(dataset, self.options.hndq_call_limit, factor)
            }
            None => canonicalize(dataset, self.options.hndq_call_limit),
        }
    }

    /// Cache hit and miss counters since this processor was built.
    pub fn cache_stats(&self) -> CacheStats {
        self.cache.stats()
    }

    pub(crate) fn load_document(&self, url: &str) -> Result<Arc<Value>, Error> {
        if let Some(document) = self.cache.get_document(url) {
            return Ok(document);
        }
        let document = self
            .loader
            .load(url)
            .ok_or_else(|| Error::UnknownContext(url.to_string()))?;
        self.cache.put_document(url, document.clone());
        Ok(document)
    }
}
