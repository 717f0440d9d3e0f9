//! Embeds the pinned JSON-LD contexts of `index-data/contexts/` into the binary, so that
//! verification never depends on the working directory or the network. The sha256 of each
//! file is checked here against `manifest.json`: a drifted context fails the build.

use std::fmt::Write as _;
use std::path::Path;

use sha2::{Digest, Sha256};

fn main() {
    let contexts_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../index-data/contexts");
    let manifest_path = contexts_dir.join("manifest.json");
    println!("cargo::rerun-if-changed={}", contexts_dir.display());
    let manifest_text = std::fs::read_to_string(&manifest_path)
        .unwrap_or_else(|error| panic!("cannot read {}: {error}", manifest_path.display()));
    let manifest: serde_json::Map<String, serde_json::Value> = serde_json::from_str(&manifest_text)
        .unwrap_or_else(|error| {
            panic!("{} is not a JSON object: {error}", manifest_path.display())
        });

    let mut generated = String::from("pub(crate) static PINNED_CONTEXTS: &[PinnedContext] = &[\n");
    for (url, entry) in &manifest {
        let alternates = entry
            .get("alternates")
            .and_then(|value| value.as_array())
            .cloned()
            .unwrap_or_default();
        let copies = std::iter::once((entry, false))
            .chain(alternates.iter().map(|alternate| (alternate, true)));
        for (copy, is_alternate) in copies {
            let file = copy["file"].as_str().expect("manifest entries name a file");
            let expected_sha256 = copy["sha256"]
                .as_str()
                .expect("manifest entries carry a sha256");
            let path = contexts_dir.join(file);
            let bytes = std::fs::read(&path)
                .unwrap_or_else(|error| panic!("cannot read {}: {error}", path.display()));
            let actual_sha256 = hex(&Sha256::digest(&bytes));
            assert_eq!(
                actual_sha256,
                expected_sha256,
                "{} does not match its manifest sha256",
                path.display()
            );
            writeln!(
                generated,
                "    PinnedContext {{ url: {url:?}, alternate: {is_alternate}, bytes: include_bytes!({path:?}) }},",
                path = path.display().to_string(),
            )
            .expect("writing to a String");
        }
    }
    generated.push_str("];\n");
    let out_path = Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"))
        .join("pinned_contexts.rs");
    std::fs::write(&out_path, generated).expect("write generated contexts");
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}
