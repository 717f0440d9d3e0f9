//! The naive eddsa-rdfc-2022 path a Rust user would write from crates.io today (the
//! performance notes' "(b)" pipeline): parse; split into the unsecured document and the
//! proof configuration; serialize each; oxjsonld 0.2.7 toRdf with a document-loader callback
//! over the pinned contexts that clones the context bytes on every load (no processed-context
//! cache: oxjsonld 0.2.7 has none); convert oxrdf 0.3 terms to the oxrdf 0.2 terms rdf-canon
//! 0.15.3 takes; RDFC-1.0; SHA-256 of both; decode the did:key; `verify_strict`.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use ed25519_dalek::{Signature, VerifyingKey};
use oxjsonld::{JsonLdParser, JsonLdRemoteDocument};
use serde_json::Value;
use sha2::{Digest, Sha256};

/// Context URL → file bytes, from `index-data/contexts/manifest.json` (primary copies).
pub(crate) type Contexts = Arc<HashMap<String, Vec<u8>>>;

pub(crate) fn load_contexts(directory: &Path) -> Result<Contexts, String> {
    let manifest_path = directory.join("manifest.json");
    let manifest: Value = std::fs::read(&manifest_path)
        .map_err(|error| format!("{}: {error}", manifest_path.display()))
        .and_then(|bytes| serde_json::from_slice(&bytes).map_err(|error| error.to_string()))?;
    let entries = manifest
        .as_object()
        .ok_or("the manifest is not an object")?;
    let mut contexts = HashMap::new();
    for (url, entry) in entries {
        let Some(file) = entry.get("file").and_then(Value::as_str) else {
            continue;
        };
        let bytes =
            std::fs::read(directory.join(file)).map_err(|error| format!("{file}: {error}"))?;
        contexts.insert(url.clone(), bytes);
    }
    Ok(Arc::new(contexts))
}

fn canonical_nquads(json: &[u8], contexts: &Contexts) -> Result<String, String> {
    let contexts = contexts.clone();
    let parser = JsonLdParser::new()
        .for_slice(json)
        .with_load_document_callback(move |url, _options| {
            match contexts.get(url) {
                // The naive user's loader: a fresh copy of the bytes on every load.
                Some(bytes) => Ok(JsonLdRemoteDocument {
                    document: bytes.clone(),
                    document_url: url.to_owned(),
                }),
                None => Err(format!("{url} is not pinned").into()),
            }
        });
    let mut quads = Vec::new();
    for quad in parser {
        quads.push(convert(quad.map_err(|error| error.to_string())?));
    }
    rdf_canon::canonicalize_quads(&quads).map_err(|error| error.to_string())
}

fn named(node: oxrdf::NamedNode) -> oxrdf_02::NamedNode {
    oxrdf_02::NamedNode::new_unchecked(node.into_string())
}

fn blank(node: oxrdf::BlankNode) -> oxrdf_02::BlankNode {
    oxrdf_02::BlankNode::new_unchecked(node.into_string())
}

fn convert(quad: oxrdf::Quad) -> oxrdf_02::Quad {
    let subject = match quad.subject {
        oxrdf::NamedOrBlankNode::NamedNode(node) => oxrdf_02::Subject::NamedNode(named(node)),
        oxrdf::NamedOrBlankNode::BlankNode(node) => oxrdf_02::Subject::BlankNode(blank(node)),
    };
    let object = match quad.object {
        oxrdf::Term::NamedNode(node) => oxrdf_02::Term::NamedNode(named(node)),
        oxrdf::Term::BlankNode(node) => oxrdf_02::Term::BlankNode(blank(node)),
        oxrdf::Term::Literal(literal) => {
            let (value, datatype, language) = literal.destruct();
            oxrdf_02::Term::Literal(match (datatype, language) {
                (_, Some(language)) => {
                    oxrdf_02::Literal::new_language_tagged_literal_unchecked(value, language)
                }
                (Some(datatype), None) => {
                    oxrdf_02::Literal::new_typed_literal(value, named(datatype))
                }
                (None, None) => oxrdf_02::Literal::new_simple_literal(value),
            })
        }
    };
    let graph_name = match quad.graph_name {
        oxrdf::GraphName::NamedNode(node) => oxrdf_02::GraphName::NamedNode(named(node)),
        oxrdf::GraphName::BlankNode(node) => oxrdf_02::GraphName::BlankNode(blank(node)),
        oxrdf::GraphName::DefaultGraph => oxrdf_02::GraphName::DefaultGraph,
    };
    oxrdf_02::Quad::new(subject, named(quad.predicate), object, graph_name)
}

/// The Ed25519 key of a `did:key:z6Mk…#…` verification method.
fn did_key_public_key(method: &str) -> Result<VerifyingKey, String> {
    let multibase = method
        .strip_prefix("did:key:z")
        .and_then(|rest| rest.split('#').next())
        .ok_or("not a did:key")?;
    let bytes = bs58::decode(multibase)
        .into_vec()
        .map_err(|error| error.to_string())?;
    let key: [u8; 32] = match bytes.as_slice() {
        [0xed, 0x01, key @ ..] => key.try_into().map_err(|_| "not 32 bytes")?,
        _ => return Err("not an Ed25519 multikey".to_owned()),
    };
    VerifyingKey::from_bytes(&key).map_err(|error| error.to_string())
}

/// Verifies the one eddsa-rdfc-2022 proof of `bytes`: `Ok(true)` when the signature is valid.
pub(crate) fn verify_rdfc(bytes: &[u8], contexts: &Contexts) -> Result<bool, String> {
    let signed: Value = serde_json::from_slice(bytes).map_err(|error| error.to_string())?;
    let mut document = signed.as_object().ok_or("not an object")?.clone();
    let proof = document.remove("proof").ok_or("no proof")?;
    let mut config = proof
        .as_object()
        .ok_or("the proof is not an object")?
        .clone();
    let proof_value = config
        .remove("proofValue")
        .and_then(|value| value.as_str().map(str::to_owned))
        .ok_or("no proofValue")?;
    let method = config
        .get("verificationMethod")
        .and_then(Value::as_str)
        .ok_or("no verificationMethod")?
        .to_owned();
    config.insert(
        "@context".to_owned(),
        document.get("@context").cloned().unwrap_or(Value::Null),
    );
    let document_bytes = serde_json::to_vec(&document).map_err(|error| error.to_string())?;
    let config_bytes = serde_json::to_vec(&config).map_err(|error| error.to_string())?;
    let document_nquads = canonical_nquads(&document_bytes, contexts)?;
    let config_nquads = canonical_nquads(&config_bytes, contexts)?;
    let mut hash_data = [0u8; 64];
    hash_data[..32].copy_from_slice(&Sha256::digest(config_nquads.as_bytes()));
    hash_data[32..].copy_from_slice(&Sha256::digest(document_nquads.as_bytes()));
    let signature_bytes = proof_value
        .strip_prefix('z')
        .and_then(|rest| bs58::decode(rest).into_vec().ok())
        .ok_or("bad proofValue")?;
    let signature = Signature::from_slice(&signature_bytes).map_err(|error| error.to_string())?;
    let key = did_key_public_key(&method)?;
    Ok(key.verify_strict(&hash_data, &signature).is_ok())
}
