//! The closed JSON-LD world: the only contexts verification ever loads (reliability rule 1).
//!
//! Each context URL maps to a copy pinned by sha256 in `index-data/contexts/manifest.json`
//! and embedded at build time. An unknown URL is refused; nothing is ever fetched. Where
//! public copies of one URL differ (see the manifest's `alternates`), the primary copy is
//! the one the reference stacks ship.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use serde_json::Value;

/// One pinned context file.
#[derive(Debug)]
pub(crate) struct PinnedContext {
    pub(crate) url: &'static str,
    /// A differing public copy of the same URL, kept for diagnosis, never loaded by default.
    pub(crate) alternate: bool,
    pub(crate) bytes: &'static [u8],
}

include!(concat!(env!("OUT_DIR"), "/pinned_contexts.rs"));

/// The primary pinned copies, parsed once.
pub(crate) struct PinnedContexts {
    parsed: HashMap<&'static str, Arc<Value>>,
}

impl PinnedContexts {
    /// The process-wide set (parsing 50 small files once costs about a millisecond).
    pub(crate) fn shared() -> &'static PinnedContexts {
        static SHARED: OnceLock<PinnedContexts> = OnceLock::new();
        SHARED.get_or_init(|| {
            let parsed = PINNED_CONTEXTS
                .iter()
                .filter(|context| !context.alternate)
                .filter_map(|context| {
                    // A pinned file that is not JSON is a build defect the tests catch; here it
                    // simply stays unavailable (unknown_context) rather than panicking.
                    let value: Value = serde_json::from_slice(context.bytes).ok()?;
                    Some((context.url, Arc::new(value)))
                })
                .collect();
            PinnedContexts { parsed }
        })
    }

    pub(crate) fn get(&self, url: &str) -> Option<Arc<Value>> {
        self.parsed.get(url).cloned()
    }

    pub(crate) fn contains(&self, url: &str) -> bool {
        self.parsed.contains_key(url)
    }
}

impl jsonld::DocumentLoader for &'static PinnedContexts {
    fn load(&self, url: &str) -> Option<Arc<Value>> {
        self.get(url)
    }
}

#[cfg(test)]
mod tests {
    use sha2::{Digest, Sha256};

    use super::*;

    #[test]
    fn every_pinned_copy_parses_and_matches_its_hash() {
        let manifest: serde_json::Map<String, Value> = serde_json::from_str(include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../index-data/contexts/manifest.json"
        )))
        .expect("manifest is JSON");
        assert!(
            PINNED_CONTEXTS.len() >= 52,
            "the manifest lists at least 52 contexts"
        );
        for context in PINNED_CONTEXTS.iter().filter(|context| !context.alternate) {
            let expected = manifest[context.url]["sha256"]
                .as_str()
                .expect("manifest sha256");
            assert_eq!(
                hex::encode(Sha256::digest(context.bytes)),
                expected,
                "{}",
                context.url
            );
            assert!(
                serde_json::from_slice::<Value>(context.bytes).is_ok(),
                "{} is not JSON",
                context.url
            );
        }
        let pinned = PinnedContexts::shared();
        for url in [
            "https://www.w3.org/2018/credentials/v1",
            "https://www.w3.org/ns/credentials/v2",
            "https://w3id.org/security/data-integrity/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
            "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json",
            "https://w3id.org/openbadges/v2",
        ] {
            assert!(pinned.contains(url), "{url} is pinned");
        }
        assert!(!pinned.contains("https://attacker.example/context.json"));
    }
}
