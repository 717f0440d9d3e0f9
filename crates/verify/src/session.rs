//! One verification call: the shared engine plus this call's resolver, clock and nesting.

use serde_json::Value;
use time::OffsetDateTime;

use crate::contexts::PinnedContexts;
use crate::keys::{KeyLookup, KeyResolver, LookupRequest};
use crate::resolver::Resolver;
use crate::{Limits, VerifyOptions};

/// What stays the same across calls: pinned contexts, the JSON-LD processor with its
/// processed-context cache, decoded keys, limits.
pub(crate) struct Engine {
    pub(crate) jsonld: jsonld::Processor,
    pub(crate) keys: KeyResolver,
    pub(crate) status_lists: crate::status::StatusListCache,
    pub(crate) limits: Limits,
    pub(crate) contexts: &'static PinnedContexts,
}

/// Nested documents (status lists, CLR and presentation members) are verified through the
/// same session one level deeper; this bounds the recursion.
pub(crate) const MAX_NESTING: usize = 3;

pub(crate) struct Session<'a> {
    pub(crate) engine: &'a Engine,
    pub(crate) resolver: &'a dyn Resolver,
    pub(crate) options: &'a VerifyOptions,
    pub(crate) depth: usize,
}

impl<'a> Session<'a> {
    pub(crate) fn now(&self) -> OffsetDateTime {
        self.options.now
    }

    pub(crate) fn limits(&self) -> &Limits {
        &self.engine.limits
    }

    pub(crate) fn contexts(&self) -> &'static PinnedContexts {
        self.engine.contexts
    }

    pub(crate) fn lookup_key(&self, request: &LookupRequest<'_>) -> KeyLookup {
        self.engine.keys.lookup(request, self.resolver)
    }

    /// RDFC-1.0 canonical N-Quads of a JSON-LD document, expanded with pinned contexts only,
    /// within the reference stack's canonicalization work limits (what jsonld.js + rdf-canonize
    /// refuse, we refuse).
    pub(crate) fn canonical_nquads(&self, document: &Value) -> Result<String, jsonld::Error> {
        self.engine.jsonld.canonical_nquads(document)
    }

    /// The same session, one nesting level deeper (`None` past the limit).
    pub(crate) fn nested(&self) -> Option<Session<'a>> {
        (self.depth < MAX_NESTING).then_some(Session {
            engine: self.engine,
            resolver: self.resolver,
            options: self.options,
            depth: self.depth + 1,
        })
    }
}
