//! `crates/jsonld`: byte-for-byte equality with published canonical N-Quads, agreement with
//! the reference stack (jsonld.js 9 + rdf-canonize 5) on the real corpus and on generated
//! credentials, safe mode, the processed-context cache, and limits on hostile input.

use anyhow::{Context, Result, bail, ensure};
use jsonld::{Error, Options, Processor, StaticLoader};
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, OnceLock};

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn fixtures() -> PathBuf {
    repo_root().join("tests/fixtures/jsonld")
}

fn pinned_loader() -> Arc<StaticLoader> {
    static LOADER: OnceLock<Arc<StaticLoader>> = OnceLock::new();
    LOADER
        .get_or_init(|| {
            let dir = repo_root().join("index-data/contexts");
            Arc::new(StaticLoader::from_manifest_dir(&dir).expect("pinned contexts load"))
        })
        .clone()
}

fn processor() -> Processor {
    Processor::new(pinned_loader(), Options::default())
}

fn read_json(path: &Path) -> Result<Value> {
    let bytes = std::fs::read(path).with_context(|| path.display().to_string())?;
    serde_json::from_slice(&bytes).with_context(|| path.display().to_string())
}

fn sha256_hex(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The unsecured document and the proof configuration (first proof, without `proofValue`,
/// with the document's `@context`), as eddsa-rdfc-2022 and Ed25519Signature2020 hash them.
fn split_signed(signed: &Value) -> Result<(Value, Value)> {
    let mut document = signed.clone();
    let object = document
        .as_object_mut()
        .context("credential is an object")?;
    let proof = match object.remove("proof").context("credential has a proof")? {
        Value::Array(mut proofs) if !proofs.is_empty() => proofs.remove(0),
        proof => proof,
    };
    let mut proof = proof.as_object().context("proof is an object")?.clone();
    proof.remove("proofValue");
    if !proof.contains_key("@context") {
        proof.insert(
            "@context".into(),
            object.get("@context").cloned().unwrap_or(Value::Null),
        );
    }
    Ok((document, Value::Object(proof)))
}

fn canon(processor: &Processor, document: &Value) -> Result<String, Error> {
    processor.canonical_nquads(document)
}

#[test]
fn published_canonical_nquads_are_reproduced_byte_for_byte() -> Result<()> {
    let processor = processor();
    let cases = [
        (
            "w3c-eddsa-rdfc-2022",
            "signedDataInt.json",
            "canonDocDataInt.txt",
            "proofCanonDataInt.txt",
        ),
        (
            "w3c-ed25519-signature-2020",
            "signedEdSig.json",
            "canonDocEdSig.txt",
            "proofCanonEdSig.txt",
        ),
        (
            "ob3-ldp-test-vector-ob",
            "signed.json",
            "document-canon.nq",
            "proof-canon.nq",
        ),
        (
            "ob3-ldp-test-vector-clr",
            "signed.json",
            "document-canon.nq",
            "proof-canon.nq",
        ),
    ];
    let mut matched = 0;
    for (dir, signed, document_canon, proof_canon) in cases {
        let dir = fixtures().join("canon").join(dir);
        let (document, proof_config) = split_signed(&read_json(&dir.join(signed))?)?;
        for (input, expected_file) in [(&document, document_canon), (&proof_config, proof_canon)] {
            let expected = std::fs::read_to_string(dir.join(expected_file))?;
            let actual = canon(&processor, input)
                .with_context(|| format!("{}/{expected_file}", dir.display()))?;
            // Some published files lack the final newline; the N-Quads lines must be identical.
            assert_eq!(
                actual.trim_end(),
                expected.trim_end(),
                "{}/{expected_file}",
                dir.display()
            );
            matched += 1;
        }
    }
    // The W3C proof config file must equal what we derive from the signed credential.
    let dir = fixtures().join("canon/w3c-eddsa-rdfc-2022");
    let (_, derived) = split_signed(&read_json(&dir.join("signedDataInt.json"))?)?;
    assert_eq!(derived, read_json(&dir.join("proofConfigDataInt.json"))?);
    assert_eq!(matched, 8);
    Ok(())
}

fn corpus_files() -> Result<Vec<String>> {
    let expected = read_json(&fixtures().join("corpus-expected.json"))?;
    Ok(expected
        .as_object()
        .context("object")?
        .keys()
        .cloned()
        .collect())
}

#[test]
fn corpus_outcomes_match_the_reference_stack() -> Result<()> {
    let expected = read_json(&fixtures().join("corpus-expected.json"))?;
    let processor = processor();
    let (mut ok, mut errors, mut mismatches) = (0, 0, Vec::new());
    for (file, outcome) in expected.as_object().context("object")? {
        let document = read_json(&fixtures().join("corpus").join(file))?;
        let actual = canon(&processor, &document);
        let agrees = match (&actual, outcome.get("sha256").and_then(Value::as_str)) {
            (Ok(nquads), Some(hash)) => sha256_hex(nquads) == hash,
            (Err(error), None) => error_agrees(error, outcome),
            _ => false,
        };
        match (agrees, actual.is_ok()) {
            (true, true) => ok += 1,
            (true, false) => errors += 1,
            (false, _) => mismatches.push(format!("{file}: expected {outcome}, got {actual:?}")),
        }
    }
    assert!(
        mismatches.is_empty(),
        "{} disagreements:\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
    eprintln!("jsonld corpus: {ok} canonicalized identically, {errors} rejected identically");
    assert_eq!((ok, errors), (374, 99));
    Ok(())
}

/// Does our error match the reference outcome `{"error", "detail"}`?
fn error_agrees(error: &Error, outcome: &Value) -> bool {
    let class = outcome
        .get("error")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let detail = outcome
        .get("detail")
        .and_then(Value::as_str)
        .unwrap_or_default();
    match (class, error) {
        ("data_loss", Error::DataLoss { what, .. }) => *what == detail,
        ("unknown_context", Error::UnknownContext(url)) => url == detail,
        ("protected_term_redefinition", Error::ProtectedTermRedefinition(term)) => term == detail,
        ("invalid", Error::InvalidJsonLd { .. } | Error::InvalidContext { .. }) => true,
        (class, error) => class == error.code(),
    }
}

#[test]
fn deliberate_data_loss_fixtures_are_rejected_and_real_credentials_expand() -> Result<()> {
    let expected = read_json(&fixtures().join("corpus-expected.json"))?;
    let processor = processor();
    let (mut deliberate, mut expanded) = (0, 0);
    for (file, outcome) in expected.as_object().context("object")? {
        let document = read_json(&fixtures().join("corpus").join(file))?;
        let is_deliberate = file.contains("safeModeBreaker")
            || (file.contains("/simple-err-") && file.ends_with("-type.json"));
        match processor.expand(&document) {
            Err(Error::DataLoss { .. }) if is_deliberate => deliberate += 1,
            other if is_deliberate => bail!("{file}: expected data loss, got {other:?}"),
            // Everything the reference stack canonicalizes must expand.
            result if outcome.get("sha256").is_some() => {
                result.with_context(|| file.clone())?;
                expanded += 1;
            }
            _ => {}
        }
    }
    eprintln!(
        "jsonld corpus: {expanded} documents expand, {deliberate} deliberate data-loss fixtures rejected"
    );
    assert_eq!((expanded, deliberate), (374, 11));
    Ok(())
}

#[test]
fn vc2_and_data_integrity_v2_contexts_process_together() -> Result<()> {
    // Both define the protected term DataIntegrityProof identically: allowed by step 27.
    let document = json!({
        "@context": ["https://www.w3.org/ns/credentials/v2", "https://w3id.org/security/data-integrity/v2"],
        "id": "urn:uuid:1", "type": ["VerifiableCredential"], "issuer": "did:example:issuer",
        "credentialSubject": {"id": "did:example:subject"},
        "proof": {"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022", "proofPurpose": "assertionMethod",
                  "verificationMethod": "did:example:issuer#key", "created": "2024-01-01T00:00:00Z"}
    });
    let nquads = canon(&processor(), &document)?;
    assert!(
        nquads.contains("<https://w3id.org/security#DataIntegrityProof>"),
        "{nquads}"
    );
    Ok(())
}

/// (name, document, expected error code, expected jsonld.js event) — `None`: must succeed.
/// A safe-mode case: name, document, and the expected (error code, jsonld.js event) if any.
type SafeModeCase = (&'static str, Value, Option<(&'static str, &'static str)>);

fn safe_mode_cases() -> Vec<SafeModeCase> {
    let v1 = "https://www.w3.org/2018/credentials/v1";
    let v2 = "https://www.w3.org/ns/credentials/v2";
    vec![
        (
            "undefined term under VC 1.1",
            json!({"@context": [v1], "id": "urn:a", "type": "VerifiableCredential", "nickname": "x"}),
            Some(("data_loss", "invalid property")),
        ),
        // VC 2.0 has no @vocab of its own (that is the separate undefined-terms context).
        (
            "undefined term under VC 2.0",
            json!({"@context": [v2], "id": "urn:a", "type": "VerifiableCredential", "credentialSubject": {"id": "did:ex:1", "nickname": "x"}}),
            Some(("data_loss", "invalid property")),
        ),
        (
            "VC 2.0 with the undefined-terms context",
            json!({"@context": [v2, "https://www.w3.org/ns/credentials/undefined-terms/v2"], "id": "urn:a", "type": "VerifiableCredential", "credentialSubject": {"id": "did:ex:1", "nickname": "x"}}),
            None,
        ),
        (
            "relative @type",
            json!({"@context": [v1], "id": "urn:a", "type": ["VerifiableCredential", "Foo"]}),
            Some(("data_loss", "relative @type reference")),
        ),
        (
            "relative @id",
            json!({"@context": [v2], "id": "credentials/1", "type": "VerifiableCredential"}),
            Some(("data_loss", "relative @id reference")),
        ),
        (
            "IRI with a space is relative",
            json!({"@context": [v2], "id": "urn:a b", "type": "VerifiableCredential"}),
            Some(("data_loss", "relative @id reference")),
        ),
        (
            "relative object reference",
            json!({"@context": [v2], "id": "urn:a", "type": "VerifiableCredential", "issuer": "issuers/1"}),
            Some(("data_loss", "relative object reference")),
        ),
        (
            "null @value",
            json!({"@context": [v2], "id": "urn:a", "name": {"@value": null}}),
            Some(("data_loss", "null @value value")),
        ),
        (
            "empty top-level object",
            json!({"@context": [v2]}),
            Some(("data_loss", "empty object")),
        ),
        (
            "top-level object with only @id",
            json!({"@context": [v2], "id": "urn:a"}),
            Some(("data_loss", "object with only @id")),
        ),
        (
            "invalid language tag",
            json!({"@context": [v2], "id": "urn:a", "name": {"@value": "x", "@language": "en_US"}}),
            Some(("data_loss", "invalid @language value")),
        ),
        (
            "@direction without rdfDirection",
            json!({"@context": [v2], "id": "urn:a", "name": {"@value": "x", "@direction": "rtl"}}),
            Some(("data_loss", "rdfDirection not set")),
        ),
        (
            "reserved term in a context",
            json!({"@context": [v2, {"@foo": "urn:x"}], "id": "urn:a", "name": "x"}),
            Some(("data_loss", "reserved term")),
        ),
        (
            "null-valued property is not data loss",
            json!({"@context": [v2], "id": "urn:a", "name": null, "description": "d"}),
            None,
        ),
        (
            "free-floating scalar at top level",
            json!([{"@context": [v2], "id": "urn:a", "name": "n"}, 5]),
            Some(("data_loss", "free-floating scalar")),
        ),
        (
            "unknown context",
            json!({"@context": ["https://example.invalid/ctx"], "id": "urn:a"}),
            Some(("unknown_context", "")),
        ),
        (
            "protected term redefined differently",
            json!({"@context": [v2, {"name": "urn:other#name"}], "id": "urn:a", "name": "x"}),
            Some(("protected_term_redefinition", "")),
        ),
        (
            "@id must be a string",
            json!({"@context": [v2], "id": 5, "name": "x"}),
            Some(("invalid_jsonld", "")),
        ),
        (
            "@protected: false trips the cycle check, as in jsonld.js",
            json!({"@context": {"@protected": false, "a": "urn:ex:a"}, "@id": "urn:s", "a": "x"}),
            Some(("invalid_context", "")),
        ),
    ]
}

#[test]
fn safe_mode_rejects_exactly_what_jsonld_js_rejects() {
    let processor = processor();
    for (name, document, expected) in safe_mode_cases() {
        let actual = canon(&processor, &document);
        match (expected, &actual) {
            (None, Ok(_)) => {}
            (Some((code, what)), Err(error)) => {
                assert_eq!(error.code(), code, "{name}: {error}");
                if let Error::DataLoss {
                    what: actual_what, ..
                } = error
                {
                    assert_eq!(*actual_what, what, "{name}");
                }
            }
            _ => panic!("{name}: expected {expected:?}, got {actual:?}"),
        }
    }
}

#[test]
fn data_loss_names_the_term_and_its_json_path() {
    let document = json!({"@context": ["https://www.w3.org/2018/credentials/v1"], "id": "urn:a",
        "type": "VerifiableCredential", "credentialSubject": [{"id": "did:ex:1"}, {"id": "did:ex:2", "nickname": "x"}]});
    match processor().to_rdf(&document) {
        Err(Error::DataLoss { what, term, path }) => {
            assert_eq!(
                (what, term.as_str(), path.as_str()),
                (
                    "invalid property",
                    "nickname",
                    "$.credentialSubject[1].nickname"
                )
            );
        }
        other => panic!("expected data loss, got {other:?}"),
    }
}

#[test]
fn without_safe_mode_dropped_data_is_dropped() -> Result<()> {
    let lenient = Processor::new(
        pinned_loader(),
        Options {
            safe_mode: false,
            ..Options::default()
        },
    );
    let document = json!({"@context": ["https://www.w3.org/2018/credentials/v1"], "id": "urn:a",
        "type": ["VerifiableCredential", "Foo"], "nickname": "x", "issuer": "did:ex:i"});
    let nquads = canon(&lenient, &document)?;
    assert_eq!(nquads.lines().count(), 2, "{nquads}");
    Ok(())
}

#[test]
fn warm_cache_reprocesses_no_context() -> Result<()> {
    let processor = processor();
    let signed = read_json(&fixtures().join("ob3-didkey-eddsa-rdfc-2022.valid.json"))?;
    let (document, proof_config) = split_signed(&signed)?;
    let cold_document = canon(&processor, &document)?;
    let cold_proof = canon(&processor, &proof_config)?;
    let after_warmup = processor.cache_stats();
    assert!(
        after_warmup.misses > 0 && after_warmup.document_misses == 2,
        "{after_warmup:?}"
    );
    for _ in 0..3 {
        assert_eq!(canon(&processor, &document)?, cold_document);
        assert_eq!(canon(&processor, &proof_config)?, cold_proof);
    }
    let warm = processor.cache_stats();
    assert_eq!(
        warm.misses, after_warmup.misses,
        "warm runs processed contexts again: {warm:?}"
    );
    assert_eq!(warm.document_misses, after_warmup.document_misses);
    assert!(warm.hits >= after_warmup.hits + 6, "{warm:?}");
    // A disabled cache gives the same bytes.
    let uncached = Processor::new(
        pinned_loader(),
        Options {
            context_cache_capacity: 0,
            document_cache_capacity: 0,
            ..Options::default()
        },
    );
    assert_eq!(canon(&uncached, &document)?, cold_document);
    Ok(())
}

#[test]
fn processor_is_shared_across_threads() -> Result<()> {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Processor>();
    let processor = Arc::new(processor());
    let signed = read_json(&fixtures().join("canon/ob3-ldp-test-vector-ob/signed.json"))?;
    let expected =
        std::fs::read_to_string(fixtures().join("canon/ob3-ldp-test-vector-ob/document-canon.nq"))?;
    let (document, _) = split_signed(&signed)?;
    let threads: Vec<_> = (0..4)
        .map(|_| {
            let (processor, document) = (processor.clone(), document.clone());
            std::thread::spawn(move || {
                (0..20)
                    .map(|_| processor.canonical_nquads(&document))
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    for thread in threads {
        for result in thread
            .join()
            .map_err(|_| anyhow::anyhow!("thread panicked"))?
        {
            assert_eq!(result?.trim_end(), expected.trim_end());
        }
    }
    Ok(())
}

/// A loader with a few hostile contexts on top of the pinned ones.
struct HostileLoader;

impl jsonld::DocumentLoader for HostileLoader {
    fn load(&self, url: &str) -> Option<Arc<Value>> {
        let chain =
            |n: u32| json!({"@context": [format!("urn:ctx:chain:{}", n + 1), {"t": "urn:ex:t"}]});
        let document = match url {
            "urn:ctx:a" => json!({"@context": "urn:ctx:b"}),
            "urn:ctx:b" => json!({"@context": "urn:ctx:a"}),
            "urn:ctx:array" => json!(["not", "an", "object"]),
            other => {
                let n: u32 = other.strip_prefix("urn:ctx:chain:")?.parse().ok()?;
                chain(n)
            }
        };
        Some(Arc::new(document))
    }
}

/// `depth` levels of `wrap`, built by moving values (json! would re-serialize recursively).
fn nested(depth: usize, leaf: Value, wrap: impl Fn(Value) -> Value) -> Value {
    (0..depth).fold(leaf, |inner, _| wrap(inner))
}

fn object(entries: Vec<(&str, Value)>) -> Value {
    Value::Object(
        entries
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect(),
    )
}

#[test]
fn hostile_input_fails_fast_with_a_limit_error() {
    let processor = Processor::new(Arc::new(HostileLoader), Options::default());
    let ctx = json!({"p": "urn:ex:p"});
    let cases: Vec<(&str, Value, &str)> = vec![
        (
            "deep objects",
            nested(10_000, json!("x"), |inner| {
                object(vec![
                    ("@context", ctx.clone()),
                    ("@id", json!("urn:s")),
                    ("p", inner),
                ])
            }),
            "limit_exceeded",
        ),
        (
            "deep arrays",
            nested(10_000, json!(1), |inner| Value::Array(vec![inner])),
            "limit_exceeded",
        ),
        (
            "deep @list",
            object(vec![
                (
                    "@context",
                    json!({"p": {"@id": "urn:ex:p", "@container": "@list"}}),
                ),
                ("@id", json!("urn:s")),
                (
                    "p",
                    nested(5_000, json!(1), |inner| Value::Array(vec![inner])),
                ),
            ]),
            "limit_exceeded",
        ),
        (
            "deep scoped contexts",
            object(vec![
                (
                    "@context",
                    nested(5_000, json!({"x": "urn:x"}), |inner| {
                        object(vec![(
                            "t",
                            object(vec![("@id", json!("urn:t")), ("@context", inner)]),
                        )])
                    }),
                ),
                ("@id", json!("urn:s")),
            ]),
            "limit_exceeded",
        ),
        (
            "deep @json",
            object(vec![
                ("@context", json!({"j": {"@id": "urn:j", "@type": "@json"}})),
                ("@id", json!("urn:s")),
                (
                    "j",
                    nested(5_000, json!(1), |inner| Value::Array(vec![inner])),
                ),
            ]),
            "limit_exceeded",
        ),
        (
            "long chain of terms defined by each other",
            object(vec![
                (
                    "@context",
                    Value::Object(
                        (0..5_000)
                            .map(|i| (format!("t{i}"), json!(format!("t{}:x", i + 1))))
                            .chain([("t5000".to_string(), json!("urn:ex:"))])
                            .collect(),
                    ),
                ),
                ("@id", json!("urn:s")),
                ("t0", json!("x")),
            ]),
            "limit_exceeded",
        ),
        (
            "many scoped terms on a large context (quadratic copying)",
            object(vec![
                (
                    "@context",
                    Value::Object(
                        (0..3_000)
                            .map(|i| (format!("T{i}"), json!({"@id": format!("urn:ex:T{i}"), "@context": {"p": "urn:ex:p"}})))
                            .collect(),
                    ),
                ),
                ("@id", json!("urn:s")),
            ]),
            "limit_exceeded",
        ),
        (
            "remote context cycle",
            json!({"@context": "urn:ctx:a", "@id": "urn:s"}),
            "invalid_context",
        ),
        (
            "long remote context chain",
            json!({"@context": "urn:ctx:chain:0", "@id": "urn:s", "t": "x"}),
            "limit_exceeded",
        ),
        (
            "remote context not an object",
            json!({"@context": "urn:ctx:array", "@id": "urn:s"}),
            "invalid_context",
        ),
        (
            "too many quads",
            json!({"@context": ctx, "@id": "urn:s", "p": (0..200_000).collect::<Vec<_>>()}),
            "limit_exceeded",
        ),
    ];
    for (name, document, code) in cases {
        eprintln!("case {name}");
        let result = processor.to_rdf(&document);
        match result {
            Err(error) => assert_eq!(error.code(), code, "{name}: {error}"),
            Ok(dataset) => panic!("{name}: expected {code}, got {} quads", dataset.len()),
        }
        // Dropping deeply nested values recursively is serde_json's own business; keep them.
        std::mem::forget(document);
    }
}

#[test]
fn poison_graphs_hit_the_canonicalization_call_limit() -> Result<()> {
    // Many indistinguishable blank nodes force Hash N-Degree Quads permutations.
    let nodes: Vec<Value> = (0..8).map(|i| json!({"@id": format!("_:n{i}"), "urn:ex:p": {"@id": format!("_:n{}", (i + 1) % 8)}})).collect();
    let document = json!({"@graph": nodes});
    let processor = processor();
    let dataset = processor.to_rdf(&document)?;
    match jsonld::canonicalize(&dataset, 4) {
        Err(error) => assert_eq!(error.code(), "canon_limit_exceeded"),
        Ok(nquads) => panic!("expected the call limit, got {nquads}"),
    }
    let canonical = jsonld::canonicalize(&dataset, 10_000)?;
    assert_eq!(canonical.lines().count(), 8);
    assert!(canonical.contains("_:c14n7"));
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Differential testing against jsonld.js + rdf-canonize.

/// Runs `tests/differential/harness.js` over `documents` (one JSON text per line).
fn reference_outputs(documents: &[String]) -> Result<Vec<Value>> {
    let dir = repo_root().join("tests/differential");
    if !dir.join("node_modules/jsonld").is_dir() || !dir.join("node_modules/rdf-canonize").is_dir()
    {
        bail!(
            "the jsonld.js reference harness is not installed: run `npm ci --prefix tests/differential` \
             (needs Node.js 18+), then re-run the tests"
        );
    }
    let mut child = Command::new("node")
        .arg(dir.join("harness.js"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .context("running `node` (Node.js 18+ is required for the differential tests)")?;
    let input = documents.join("\n") + "\n";
    let mut stdin = child.stdin.take().context("stdin")?;
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let output = child.wait_with_output()?;
    writer
        .join()
        .map_err(|_| anyhow::anyhow!("writer panicked"))??;
    ensure!(
        output.status.success(),
        "harness failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let lines: Vec<Value> = String::from_utf8(output.stdout)?
        .lines()
        .map(serde_json::from_str)
        .collect::<Result<_, _>>()?;
    ensure!(
        lines.len() == documents.len(),
        "harness answered {} of {}",
        lines.len(),
        documents.len()
    );
    Ok(lines)
}

/// Compares our canonical output with the reference for each document text.
fn compare_with_reference(label: &str, documents: &[String]) -> Result<(usize, usize)> {
    let reference = reference_outputs(documents)?;
    let processor = processor();
    let mut disagreements = Vec::new();
    let mut rejected = 0;
    for (text, expected) in documents.iter().zip(&reference) {
        let document: Value = serde_json::from_str(text)?;
        let actual = canon(&processor, &document);
        let agrees = match (&actual, expected.get("nquads").and_then(Value::as_str)) {
            (Ok(ours), Some(theirs)) => ours == theirs,
            (Err(error), None) => {
                rejected += 1;
                error_agrees(error, expected)
            }
            _ => false,
        };
        if !agrees {
            disagreements.push(format!(
                "document: {text}\nreference: {expected}\nours: {actual:?}\n"
            ));
        }
    }
    let agreed = documents.len() - disagreements.len();
    eprintln!(
        "jsonld differential ({label}): {agreed}/{} agree with jsonld.js ({rejected} rejected by both)",
        documents.len()
    );
    assert!(
        disagreements.is_empty(),
        "{label}: {} disagreements:\n{}",
        disagreements.len(),
        disagreements.join("\n")
    );
    Ok((agreed, rejected))
}

#[test]
fn generated_credentials_agree_with_jsonld_js() -> Result<()> {
    let mut generator = Generator::new(0x5eed_2026);
    let documents: Vec<String> = (0..400)
        .map(|i| generator.credential(i).to_string())
        .collect();
    let (agreed, rejected) = compare_with_reference("generated", &documents)?;
    assert_eq!(agreed, 400);
    assert!(
        rejected < 100,
        "the generator should mostly produce valid credentials ({rejected} rejected)"
    );
    Ok(())
}

#[test]
fn real_vectors_agree_with_jsonld_js() -> Result<()> {
    let mut documents = Vec::new();
    for file in corpus_files()? {
        documents.push(read_json(&fixtures().join("corpus").join(file))?.to_string());
    }
    for dir in [
        "w3c-eddsa-rdfc-2022",
        "w3c-ed25519-signature-2020",
        "ob3-ldp-test-vector-ob",
        "ob3-ldp-test-vector-clr",
    ] {
        let dir = fixtures().join("canon").join(dir);
        for entry in std::fs::read_dir(&dir)? {
            let path = entry?.path();
            if path
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("signed"))
            {
                let (document, proof_config) = split_signed(&read_json(&path)?)?;
                documents.push(document.to_string());
                documents.push(proof_config.to_string());
            }
        }
    }
    let (document, proof_config) = split_signed(&read_json(
        &fixtures().join("ob3-didkey-eddsa-rdfc-2022.valid.json"),
    )?)?;
    documents.push(document.to_string());
    documents.push(proof_config.to_string());
    // The safe-mode table and the feature documents are checked against the reference too.
    documents.extend(
        safe_mode_cases()
            .into_iter()
            .map(|(_, document, _)| document.to_string()),
    );
    documents.extend(feature_documents().iter().map(Value::to_string));
    let (agreed, _) = compare_with_reference(
        "real vectors, safe-mode cases and feature documents",
        &documents,
    )?;
    assert_eq!(agreed, documents.len());
    Ok(())
}

/// Hand-written documents for JSON-LD 1.1 features the credential generator does not reach;
/// their expected outcome is whatever jsonld.js does (compared in the differential test).
fn feature_documents() -> Vec<Value> {
    let ex = "https://example.org/vocab#";
    vec![
        // Keyword aliases, compact IRIs, @prefix, terms that look like IRIs.
        json!({"@context": {"ex": ex, "id": "@id", "kind": "@type", "val": "@value", "ex2": {"@id": "https://e2.org/", "@prefix": true}, "ex:alias": "ex:alias"}, "id": "ex:s", "kind": "ex:T", "ex2:p": {"val": "v"}, "ex:alias": 1}),
        // @graph container, named graph, @graph with @id and @index containers.
        json!({"@context": {"ex": ex, "g": {"@id": "ex:g", "@container": "@graph"}, "gi": {"@id": "ex:gi", "@container": ["@graph", "@id"]}, "gx": {"@id": "ex:gx", "@container": ["@graph", "@index"]}}, "@id": "ex:s", "g": {"@id": "ex:n", "ex:p": "x"}, "gi": {"ex:g1": {"@id": "ex:m", "ex:p": 1}}, "gx": {"k": {"ex:p": true}}}),
        json!({"@context": {"ex": ex}, "@id": "ex:graph", "@graph": [{"@id": "ex:a", "ex:p": "1"}, {"@id": "_:b", "ex:q": {"@id": "ex:a"}}]}),
        // @index containers with a property index, @id and @type maps, @none.
        json!({"@context": {"ex": ex, "byIdx": {"@id": "ex:byIdx", "@container": "@index", "@index": "ex:idx"}, "byId": {"@id": "ex:byId", "@container": "@id"}, "byType": {"@id": "ex:byType", "@container": "@type"}}, "@id": "ex:s", "byIdx": {"a": {"ex:p": 1}, "@none": {"ex:p": 2}}, "byId": {"ex:x": {"ex:p": 3}, "@none": {"ex:p": 4}}, "byType": {"ex:T1": {"ex:p": 5}, "ex:T2": "ex:ref"}}),
        // @reverse (keyword and term), @included, @nest with a nested term.
        json!({"@context": {"ex": ex, "parent": {"@reverse": "ex:child"}, "meta": "@nest", "n": {"@id": "ex:n", "@nest": "meta"}}, "@id": "ex:s", "parent": {"@id": "ex:p"}, "@reverse": {"ex:knows": {"@id": "ex:k"}}, "@included": [{"@id": "ex:i", "ex:p": "inc"}], "meta": {"n": "nested"}}),
        // Property-scoped contexts with @propagate false, type-scoped contexts that do not propagate.
        json!({"@context": {"ex": ex, "T": {"@id": "ex:T", "@context": {"a": "ex:a-typed"}}, "prop": {"@id": "ex:prop", "@context": {"@propagate": false, "b": "ex:b-scoped"}}, "a": "ex:a", "b": "ex:b"}, "@id": "ex:s", "@type": "T", "a": "typed", "prop": {"b": "scoped", "ex:inner": {"b": "unscoped"}}, "ex:q": {"a": "reverted"}}),
        // @vocab, @base, @language and @direction defaults, term-level overrides, @language: null.
        json!({"@context": {"@vocab": ex, "@base": "https://base.example/dir/", "@language": "en", "plain": {"@id": "ex:plain", "@language": null}}, "@id": "doc", "name": "hello", "plain": "no language", "link": {"@id": "../up"}}),
        json!({"@context": {"@vocab": ex, "@base": "https://base.example/"}, "@id": "a/./b/../c?q#f", "@type": "Thing"}),
        // Typed values: xsd:double strings, booleans with datatypes, @json at the top of a value, blank node types.
        json!({"@context": {"ex": ex, "xsd": "http://www.w3.org/2001/XMLSchema#", "d": {"@id": "ex:d", "@type": "xsd:double"}, "j": {"@id": "ex:j", "@type": "@json"}}, "@id": "ex:s", "d": ["1", "1.25", 3, true, "NaN", "-Infinity", "1e400"], "j": [null, {"z": 1, "a": [true, 0.5]}, "s"]}),
        // Lists: empty, nested, with @index, inside @set, list of lists in a term.
        json!({"@context": {"ex": ex, "l": {"@id": "ex:l", "@container": "@list"}}, "@id": "ex:s", "l": [], "ex:m": {"@list": [{"@list": [1]}, {"@list": []}, {"@value": "v", "@index": "i"}]}, "ex:n": {"@set": [1, {"@list": ["x"]}]}}),
        // Value objects with @index, language-tagged with @index, duplicates that de-duplicate.
        json!({"@context": {"ex": ex}, "@id": "ex:s", "ex:p": [{"@value": 1, "@index": "a"}, {"@value": 1.0, "@index": "a"}, {"@value": "x", "@language": "EN"}, {"@value": "x", "@language": "en"}, {"@id": "ex:o"}, {"@id": "ex:o"}]}),
        // Blank nodes: shared, as graph names, as types (data loss only for predicates).
        json!({"@context": {"ex": ex}, "@graph": [{"@id": "_:a", "ex:p": {"@id": "_:b"}}, {"@id": "_:b", "ex:p": {"@id": "_:a"}}, {"@id": "_:c", "@type": "_:T"}]}),
        json!({"@context": {"ex": ex, "bp": "_:pred"}, "@id": "ex:s", "bp": "x"}),
        // @import with a pinned context, protected term redefinition inside a property scope.
        json!({"@context": [{"@import": "https://www.w3.org/ns/credentials/examples/v2", "ex": ex}], "@id": "ex:s", "anything": "goes"}),
        json!({"@context": ["https://www.w3.org/ns/credentials/v2", {"ex": ex, "wrapper": {"@id": "ex:wrapper", "@context": {"name": "ex:renamed"}}}], "id": "urn:a", "type": "VerifiableCredential", "wrapper": {"name": "allowed: property scope overrides protection"}}),
        // Context nullification with and without protected terms.
        json!({"@context": [{"ex": ex, "p": "ex:p"}, null, {"q": "ex:q"}], "@id": "ex:s", "q": 1}),
        json!({"@context": ["https://www.w3.org/ns/credentials/v2", null], "@id": "urn:s"}),
        // Free-floating values inside @graph, @set of only @id, relative @vocab.
        json!({"@context": {"ex": ex}, "@graph": [{"@id": "ex:a"}, {"@value": "floating"}]}),
        json!({"@context": {"@vocab": "relative#"}, "@id": "urn:s", "p": "x"}),
        // Unicode everywhere: IRIs with non-ASCII, keys sorted by UTF-16, escapes in IRIs.
        json!({"@context": {"ex": "https://例え.jp/語#"}, "@id": "https://例え.jp/s", "ex:名前": "値", "ex:\u{e000}": 1, "ex:😀": 2, "ex:q": {"@id": "urn:x{y}|^`"}}),
        // Numbers at the edges as plain values and in typed values.
        json!({"@context": {"ex": ex, "xsd": "http://www.w3.org/2001/XMLSchema#"}, "@id": "ex:s", "ex:n": [1.0, -0.0, 5e-324, 1e21, 1e-7, -1e-7, 123456789012345680000.0, 0.000001, 1e300], "ex:f": {"@value": 2.50, "@type": "xsd:float"}, "ex:i": {"@value": 7, "@type": "xsd:double"}}),
    ]
}

/// Deterministic pseudo-random OB 3.0 / CLR 2.0 credentials exercising the RDF edge cases.
struct Generator {
    state: u64,
}

impl Generator {
    fn new(seed: u64) -> Self {
        Generator { state: seed }
    }

    /// splitmix64
    fn next(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    fn pick<T: Clone>(&mut self, items: &[T]) -> T {
        items[self.below(items.len() as u64) as usize].clone()
    }

    fn number(&mut self) -> Value {
        let specials = [
            json!(1.0),
            json!(1e21),
            json!(-0.0),
            json!(5e-324),
            json!(0.1),
            json!(43.6577),
            json!(-79.3788),
            json!(12345678901234567890u64),
            json!(1e-7),
            json!(-1e-7),
            json!(1.5e300),
            json!(0),
            json!(-42),
            json!(1234567890123456.5),
            json!(2.5),
            json!(1e20),
            json!(9007199254740993u64),
            json!(0.30000000000000004),
        ];
        match self.below(3) {
            0 => self.pick(&specials),
            1 => json!(self.below(1_000_000) as i64 - 500_000),
            _ => {
                let mantissa = (self.next() >> 11) as f64 / (1u64 << 53) as f64;
                let exponent = self.below(60) as i32 - 30;
                json!(mantissa * 10f64.powi(exponent) * if self.chance(30) { -1.0 } else { 1.0 })
            }
        }
    }

    fn text(&mut self) -> String {
        let pieces = [
            "Data Analysis",
            "Teamwork",
            "Café ☕",
            "日本語テキスト",
            "emoji 🎓🧪",
            "quote \" and \\ backslash",
            "line\nbreak\ttab",
            "control \u{1}\u{1f}\u{7f}",
            "combining e\u{301}",
            "RTL עברית",
            "  padded  ",
            "",
            "\u{2028}separator",
            "surrogate 𝄞 music",
            "<angle> & {braces}",
        ];
        let base = self.pick(&pieces);
        if self.chance(30) {
            format!("{base} {}", self.below(1000))
        } else {
            base.to_string()
        }
    }

    fn iri(&mut self) -> String {
        match self.below(5) {
            0 => format!(
                "urn:uuid:{:08x}-0000-4000-8000-{:012x}",
                self.next() as u32,
                self.next() & 0xffff_ffff_ffff
            ),
            1 => format!("did:key:z6Mk{:016x}", self.next()),
            2 => format!("https://example.edu/achievements/{}", self.below(100)),
            3 => format!("did:web:example.org:issuers:{}", self.below(50)),
            _ => format!(
                "https://example.org/{}?q={}#frag",
                self.below(10),
                self.below(10)
            ),
        }
    }

    fn date(&mut self) -> String {
        format!(
            "20{:02}-{:02}-{:02}T{:02}:00:00Z",
            10 + self.below(20),
            1 + self.below(12),
            1 + self.below(28),
            self.below(24)
        )
    }

    /// An inline context with coercions, containers and a type-scoped context.
    fn inline_context(&mut self) -> Value {
        json!({
            "ex": "https://example.org/vocab#",
            "xsd": "http://www.w3.org/2001/XMLSchema#",
            "score": {"@id": "ex:score", "@type": "xsd:double"},
            "count": {"@id": "ex:count", "@type": "xsd:integer"},
            "flag": {"@id": "ex:flag", "@type": "xsd:boolean"},
            "tags": {"@id": "ex:tags", "@container": "@list"},
            "labels": {"@id": "ex:labels", "@container": "@language"},
            "payload": {"@id": "ex:payload", "@type": "@json"},
            "seeAlso": {"@id": "ex:seeAlso", "@type": "@id"},
            "kind": {"@id": "ex:kind", "@type": "@vocab"},
            "byLang": {"@id": "ex:byLang", "@container": ["@language", "@set"]},
            "indexed": {"@id": "ex:indexed", "@container": "@index"},
            "nested": "@nest",
            "Widget": {"@id": "ex:Widget", "@context": {"size": {"@id": "ex:size", "@type": "xsd:decimal"}, "note": {"@id": "ex:note", "@language": "fr"}}}
        })
    }

    fn extension(&mut self) -> Map<String, Value> {
        let mut m = Map::new();
        if self.chance(60) {
            m.insert(
                "score".into(),
                if self.chance(70) {
                    self.number()
                } else {
                    json!(self.pick(&["1.5", "abc", " 2e3x", "7", "-0"]))
                },
            );
        }
        if self.chance(40) {
            m.insert("count".into(), self.number());
        }
        if self.chance(40) {
            m.insert("flag".into(), json!(self.chance(50)));
        }
        if self.chance(50) {
            let n = self.below(4);
            let mut items = Vec::new();
            for _ in 0..n {
                items.push(match self.below(4) {
                    0 => self.number(),
                    1 => json!(self.text()),
                    2 => json!([self.number(), self.text()]),
                    _ => json!({"@id": self.iri()}),
                });
            }
            m.insert("tags".into(), Value::Array(items));
        }
        if self.chance(40) {
            let mut labels = Map::new();
            for lang in ["en", "fr-CA", "de", "@none"] {
                if self.chance(50) {
                    labels.insert(
                        lang.into(),
                        if self.chance(30) {
                            json!([self.text(), self.text()])
                        } else {
                            json!(self.text())
                        },
                    );
                }
            }
            m.insert("labels".into(), Value::Object(labels));
        }
        if self.chance(40) {
            let payload = json!({"z": self.number(), "a": [self.text(), self.chance(50), null], "é": {"b": self.number(), "A": "x"}, "\u{e000}": 1, "😀": 2});
            m.insert("payload".into(), payload);
        }
        if self.chance(30) {
            m.insert("seeAlso".into(), json!(self.iri()));
        }
        if self.chance(20) {
            m.insert(
                "kind".into(),
                json!(self.pick(&["Widget", "ex:Other", "https://example.org/K"])),
            );
        }
        if self.chance(20) {
            m.insert(
                "indexed".into(),
                json!({"first": self.text(), "second": {"@id": self.iri(), "ex:p": self.text()}}),
            );
        }
        if self.chance(20) {
            m.insert(
                "nested".into(),
                json!({"flag": true, "ex:deep": {"@value": self.text(), "@language": "EN-gb"}}),
            );
        }
        if self.chance(25) {
            m.insert(
                "ex:widget".into(),
                json!({"type": "Widget", "size": self.number(), "note": self.text()}),
            );
        }
        if self.chance(5) {
            // Deliberate data loss: a relative IRI (both stacks must reject it).
            m.insert("seeAlso".into(), json!("relative/path"));
        }
        m
    }

    fn achievement(&mut self) -> Value {
        let mut achievement = json!({
            "id": self.iri(),
            "type": ["Achievement"],
            "name": self.text(),
            "description": self.text(),
            "criteria": {"narrative": self.text()},
        });
        if self.chance(50) {
            achievement["creditsAvailable"] = self.number();
        }
        if self.chance(60) {
            let n = 1 + self.below(3);
            let mut alignments = Vec::new();
            let duplicate = self.chance(30);
            let first = json!({"type": ["Alignment"], "targetName": self.text(), "targetUrl": self.iri(), "targetFramework": "ESCO"});
            for _ in 0..n {
                alignments.push(if duplicate { first.clone() } else {
                    json!({"type": ["Alignment"], "targetName": self.text(), "targetUrl": self.iri(), "targetCode": format!("S{}", self.below(99))})
                });
            }
            achievement["alignment"] = Value::Array(alignments);
        }
        if self.chance(30) {
            achievement["resultDescription"] = json!([{"id": self.iri(), "type": ["ResultDescription"], "name": self.text(),
                "resultType": "GradePointAverage", "allowedValue": [self.text(), self.text(), "A"]}]);
        }
        achievement
    }

    fn subject(&mut self) -> Value {
        let mut subject =
            json!({"type": ["AchievementSubject"], "achievement": self.achievement()});
        if self.chance(60) {
            subject["id"] = json!(self.iri());
        }
        if self.chance(40) {
            subject["identifier"] = json!([{"type": "IdentityObject", "identityType": "emailAddress", "hashed": self.chance(50),
                "identityHash": format!("sha256${:016x}", self.next()), "salt": self.text()}]);
        }
        if self.chance(30) {
            subject["creditsEarned"] = self.number();
        }
        if self.chance(20) {
            subject["activityStartDate"] = json!("2024-01-01");
        }
        subject
    }

    fn credential(&mut self, index: usize) -> Value {
        self.build(index % 7 == 3)
    }

    /// An OB 3.0 credential, or a CLR 2.0 credential whose members are OB 3.0 credentials.
    fn build(&mut self, clr: bool) -> Value {
        let mut contexts = vec![json!("https://www.w3.org/ns/credentials/v2")];
        if clr {
            contexts.push(json!(
                "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json"
            ));
        }
        contexts.push(json!(
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
        ));
        let with_extension = self.chance(60);
        if with_extension {
            contexts.push(self.inline_context());
        }
        if self.chance(15) {
            contexts.push(json!("https://w3id.org/security/data-integrity/v2"));
        }
        let mut credential = json!({
            "@context": contexts,
            "id": self.iri(),
            "type": if clr { json!(["VerifiableCredential", "ClrCredential"]) } else { json!(["VerifiableCredential", "OpenBadgeCredential"]) },
            "name": self.text(),
            "issuer": {"id": self.iri(), "type": ["Profile"], "name": self.text()},
            "validFrom": self.date(),
        });
        if self.chance(40) {
            credential["validUntil"] = json!(self.date());
        }
        if self.chance(30) {
            credential["issuer"]["address"] = json!({"type": ["Address"], "addressCountry": "CA",
                "geo": {"type": "GeoCoordinates", "latitude": self.number(), "longitude": self.number()}});
        }
        if self.chance(20) {
            credential["description"] = json!({"@value": self.text(), "@language": self.pick(&["en", "fr-CA", "iu-Cans-CA"])});
        }
        if clr {
            let members: Vec<Value> = (0..1 + self.below(3))
                .map(|_| {
                    let mut member = self.build(false);
                    if let Some(object) = member.as_object_mut() {
                        object.remove("proof");
                    }
                    member
                })
                .collect();
            credential["credentialSubject"] = json!({"id": self.iri(), "type": "ClrSubject", "verifiableCredential": members,
                "achievement": [self.achievement()]});
        } else if self.chance(20) {
            credential["credentialSubject"] = json!([self.subject(), self.subject()]);
        } else {
            credential["credentialSubject"] = self.subject();
        }
        if with_extension {
            let extension = self.extension();
            if let Some(subject) = credential["credentialSubject"].as_object_mut() {
                subject.extend(extension);
            }
        }
        if self.chance(25) {
            credential["proof"] = json!({"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022", "created": self.date(),
                "verificationMethod": format!("{}#key-1", self.iri()), "proofPurpose": "assertionMethod"});
        }
        credential
    }
}
