//! Arbitrary JSON through JSON-LD expansion, toRdf and RDFC-1.0 with the pinned contexts:
//! must never panic, overflow the stack or run away, and must be deterministic.
#![no_main]

use jsonld::{Options, Processor, StaticLoader};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;
use std::path::Path;
use std::sync::{Arc, OnceLock};

/// Context presets the first input byte picks, so most inputs reach real contexts.
const PRESETS: [&[&str]; 4] = [
    &[],
    &[
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ],
    &[
        "https://www.w3.org/2018/credentials/v1",
        "https://w3id.org/security/suites/ed25519-2020/v1",
    ],
    &[
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        "https://w3id.org/security/data-integrity/v2",
    ],
];

fn processors() -> &'static (Processor, Processor) {
    static PROCESSORS: OnceLock<(Processor, Processor)> = OnceLock::new();
    PROCESSORS.get_or_init(|| {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../index-data/contexts");
        let loader = Arc::new(StaticLoader::from_manifest_dir(&dir).expect("pinned contexts"));
        let limits = Options {
            max_quads: 5_000,
            hndq_call_limit: 200,
            ..Options::default()
        };
        let safe = Processor::new(loader.clone(), limits.clone());
        let lenient = Processor::new(
            loader,
            Options {
                safe_mode: false,
                ..limits
            },
        );
        (safe, lenient)
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, json)) = data.split_first() else {
        return;
    };
    let Ok(mut document) = serde_json::from_slice::<Value>(json) else {
        return;
    };
    let preset = PRESETS[usize::from(selector & 3)];
    if let Value::Object(map) = &mut document
        && !preset.is_empty()
        && !map.contains_key("@context")
    {
        map.insert(
            "@context".into(),
            preset
                .iter()
                .map(|url| Value::String(url.to_string()))
                .collect(),
        );
    }
    let (safe, lenient) = processors();
    let processor = if selector & 4 == 0 { safe } else { lenient };
    let limit = processor.options().hndq_call_limit;
    let run = || {
        let dataset = processor.to_rdf(&document)?;
        let nquads = jsonld::canonicalize(&dataset, limit)?;
        // One canonical line per quad: literals escape their line breaks.
        assert_eq!(nquads.lines().count(), dataset.len());
        Ok::<String, jsonld::Error>(nquads)
    };
    let first = run();
    // The second run is served by the processed-context cache: same answer required.
    assert_eq!(first, run(), "non-deterministic result");
});
