//! Tampering must never verify; re-serialising must never change the outcome.
//!
//! For each signed positive fixture (eddsa-rdfc-2022, eddsa-jcs-2022, Ed25519Signature2020,
//! a two-proof set, did:key / did:web / https issuers, and a VC-JWT), every signed JSON leaf
//! is a candidate for: a changed value, a deleted key, a value duplicated into an array with
//! a second, different value, and a changed JSON type; every proof gets its `created`,
//! `verificationMethod`, `proofPurpose`, `cryptosuite`, `type` and `proofValue` changed. The
//! proof mutations always run; leaf mutations are sampled with a fixed seed, up to
//! `SKILLPROOF_MUTATIONS` per fixture (default 24), so the test stays well under a minute in
//! a debug build. None may verify. Then shuffled key order and whitespace (3 variants per
//! JSON fixture) must give exactly the original outcome.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use model::Outcome;
use serde_json::{Map, Value};
use skillproof_tests::{LoadedCase, TestRng, load_all_cases};

/// Positive fixtures, by `EXPECTED.json` case name (the case supplies clock and documents).
const FIXTURES: &[&str] = &[
    "vectors/harness-generated-digitalbazaar/ob3-didkey-eddsa-rdfc-2022.valid.json",
    "vectors/harness-generated-digitalbazaar/ob3-didkey-eddsa-jcs-2022.valid.json",
    "vectors/dcc-verifier-core/verifiableCredentials__v2__v2NoStatus.json",
    "vectors/dcc-vc-test-fixtures/verifiableCredentials/v1/bothSignatureTypes/didKey/legacy-noStatus-noExpiry.json",
    "vectors/dcc-vc-test-fixtures/verifiableCredentials/v2/dataIntegrityProof/didweb/oidf-noStatus-notExpired.json",
    "vectors/1edtech-validator/inspector-vc/src/test/resources/ob30/simple.json@2",
    "reference-issued/ob3-vc2-didkey-vcjwt-eddsa.jwt",
];

const SEED: u64 = 0x005E_ED0F_7E57;
const DEFAULT_LEAF_MUTATIONS: usize = 24;
const PERMUTATIONS: usize = 3;

/// One way the signed input can be held: a JSON document, or the payload of a compact JWS.
enum Carrier {
    Json,
    Jwt { header: String, signature: String },
}

struct Fixture {
    case: LoadedCase,
    carrier: Carrier,
    document: Value,
}

impl Fixture {
    fn load(case: LoadedCase) -> anyhow::Result<Fixture> {
        let bytes = case.input()?;
        let text = String::from_utf8(bytes)?;
        let text = text.trim();
        if let Some((header, rest)) = text.split_once('.')
            && !text.starts_with('{')
        {
            let (payload, signature) = rest
                .split_once('.')
                .ok_or_else(|| anyhow::anyhow!("not a compact JWS"))?;
            let document = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload)?)?;
            let carrier = Carrier::Jwt {
                header: header.to_owned(),
                signature: signature.to_owned(),
            };
            return Ok(Fixture {
                case,
                carrier,
                document,
            });
        }
        Ok(Fixture {
            case,
            carrier: Carrier::Json,
            document: serde_json::from_str(text)?,
        })
    }

    fn encode(&self, document: &Value, text: String) -> Vec<u8> {
        match &self.carrier {
            Carrier::Json => text.into_bytes(),
            Carrier::Jwt { header, signature } => {
                let _ = document;
                format!(
                    "{header}.{}.{signature}",
                    URL_SAFE_NO_PAD.encode(text.as_bytes())
                )
                .into_bytes()
            }
        }
    }

    fn outcome_of(&self, bytes: &[u8]) -> anyhow::Result<Outcome> {
        let verifier = verify::Verifier::new(std::sync::Arc::new(self.case.resolver()?));
        Ok(verifier.verify(bytes, &self.case.options()?).outcome)
    }
}

/// A path to a JSON value: object keys and array indices.
#[derive(Debug, Clone)]
enum Step {
    Key(String),
    Index(usize),
}

fn path_text(path: &[Step]) -> String {
    path.iter().fold(String::new(), |mut out, step| {
        let _ = match step {
            Step::Key(key) => write!(out, "/{key}"),
            Step::Index(index) => write!(out, "/{index}"),
        };
        out
    })
}

fn leaves(value: &Value, path: &mut Vec<Step>, out: &mut Vec<Vec<Step>>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                path.push(Step::Key(key.clone()));
                leaves(child, path, out);
                path.pop();
            }
        }
        Value::Array(items) => {
            for (index, child) in items.iter().enumerate() {
                path.push(Step::Index(index));
                leaves(child, path, out);
                path.pop();
            }
        }
        _ => out.push(path.clone()),
    }
}

fn get_mut<'a>(value: &'a mut Value, path: &[Step]) -> Option<&'a mut Value> {
    path.iter().try_fold(value, |node, step| match step {
        Step::Key(key) => node.get_mut(key.as_str()),
        Step::Index(index) => node.get_mut(*index),
    })
}

/// A different value of the same JSON type (never equal to the original).
fn changed(value: &Value) -> Value {
    match value {
        Value::String(text) => {
            let mut chars: Vec<char> = text.chars().collect();
            match chars.last_mut() {
                Some(last) => *last = if *last == 'x' { 'y' } else { 'x' },
                None => chars.push('x'),
            }
            Value::String(chars.into_iter().collect())
        }
        Value::Number(number) => match number.as_i64() {
            Some(n) => Value::from(n.wrapping_add(1)),
            None => Value::from(number.as_f64().unwrap_or(0.0) + 1.5),
        },
        Value::Bool(flag) => Value::Bool(!flag),
        Value::Null => Value::String("x".to_owned()),
        other => other.clone(),
    }
}

/// A value of another JSON type whose text also differs (so type coercion in a context
/// cannot map it back to the same RDF literal).
fn retyped(value: &Value) -> Value {
    match value {
        Value::String(text) if text == "12345" => Value::from(54321),
        Value::String(_) => Value::from(12345),
        Value::Number(number) => Value::String(format!("{}9", number)),
        Value::Bool(flag) => Value::String((!flag).to_string()),
        Value::Null => Value::from(0),
        other => other.clone(),
    }
}

struct Mutation {
    description: String,
    document: Value,
}

fn leaf_mutations(document: &Value) -> Vec<Mutation> {
    let mut paths = Vec::new();
    leaves(document, &mut Vec::new(), &mut paths);
    let mut out = Vec::new();
    for path in paths {
        let Some(original) = get_mut(&mut document.clone(), &path).map(|v| v.clone()) else {
            continue;
        };
        let label = path_text(&path);
        let mut apply = |kind: &str, edit: &dyn Fn(&mut Value, &Value)| {
            let mut copy = document.clone();
            if let Some(target) = get_mut(&mut copy, &path) {
                edit(target, &original);
                out.push(Mutation {
                    description: format!("{kind} {label}"),
                    document: copy,
                });
            }
        };
        apply("change", &|target, original| *target = changed(original));
        apply("retype", &|target, original| *target = retyped(original));
        apply("duplicate", &|target, original| {
            *target = Value::Array(vec![original.clone(), changed(original)])
        });
        if let Some((Step::Key(key), parent_path)) = path.split_last() {
            let mut copy = document.clone();
            if let Some(Value::Object(parent)) = get_mut(&mut copy, parent_path) {
                parent.remove(key);
                out.push(Mutation {
                    description: format!("delete {label}"),
                    document: copy,
                });
            }
        }
    }
    out
}

/// The proof objects of a document (none for a JWT payload without embedded proof).
fn proof_paths(document: &Value) -> Vec<Vec<Step>> {
    match document.get("proof") {
        Some(Value::Array(items)) => (0..items.len())
            .map(|i| vec![Step::Key("proof".into()), Step::Index(i)])
            .collect(),
        Some(Value::Object(_)) => vec![vec![Step::Key("proof".into())]],
        _ => Vec::new(),
    }
}

fn proof_mutations(document: &Value) -> Vec<Mutation> {
    let mut out = Vec::new();
    for path in proof_paths(document) {
        let label = path_text(&path);
        let edits: Vec<(&str, Box<dyn Fn(&mut Map<String, Value>)>)> = vec![
            (
                "created +1s",
                Box::new(|p| {
                    if let Some(Value::String(created)) = p.get("created") {
                        let bumped = created.replacen(":00Z", ":01Z", 1);
                        let bumped = if &bumped == created {
                            changed(&Value::String(created.clone()))
                                .as_str()
                                .unwrap_or("")
                                .to_string()
                        } else {
                            bumped
                        };
                        p.insert("created".into(), Value::String(bumped));
                    } else {
                        p.insert(
                            "created".into(),
                            Value::String("2020-01-01T00:00:00Z".into()),
                        );
                    }
                }),
            ),
            (
                "verificationMethod",
                Box::new(|p| {
                    let vm = p.get("verificationMethod").cloned().unwrap_or(Value::Null);
                    p.insert("verificationMethod".into(), changed(&vm));
                }),
            ),
            (
                "proofPurpose",
                Box::new(|p| {
                    let purpose = match p.get("proofPurpose").and_then(Value::as_str) {
                        Some("authentication") => "assertionMethod",
                        _ => "authentication",
                    };
                    p.insert("proofPurpose".into(), Value::String(purpose.into()));
                }),
            ),
            (
                "cryptosuite",
                Box::new(|p| {
                    let suite = match p.get("cryptosuite").and_then(Value::as_str) {
                        Some("eddsa-rdfc-2022") => "eddsa-jcs-2022",
                        _ => "eddsa-rdfc-2022",
                    };
                    p.insert("cryptosuite".into(), Value::String(suite.into()));
                }),
            ),
            (
                "type",
                Box::new(|p| {
                    let kind = match p.get("type").and_then(Value::as_str) {
                        Some("Ed25519Signature2020") => "DataIntegrityProof",
                        _ => "Ed25519Signature2020",
                    };
                    p.insert("type".into(), Value::String(kind.into()));
                }),
            ),
            (
                "proofValue byte",
                Box::new(|p| {
                    if let Some(Value::String(value)) = p.get("proofValue") {
                        // Swap one base58 digit in the middle: still multibase, other bytes.
                        let mut chars: Vec<char> = value.chars().collect();
                        let middle = chars.len() / 2;
                        if let Some(c) = chars.get_mut(middle) {
                            *c = if *c == '2' { '3' } else { '2' };
                        }
                        p.insert(
                            "proofValue".into(),
                            Value::String(chars.into_iter().collect()),
                        );
                    }
                }),
            ),
        ];
        for (name, edit) in edits {
            let mut copy = document.clone();
            if let Some(Value::Object(proof)) = get_mut(&mut copy, &path) {
                edit(proof);
                out.push(Mutation {
                    description: format!("proof {name} at {label}"),
                    document: copy,
                });
            }
        }
    }
    out
}

/// JSON text with every object's keys in a shuffled order and random insignificant
/// whitespace.
fn reserialise(value: &Value, rng: &mut TestRng, out: &mut String) {
    let space = |rng: &mut TestRng, out: &mut String| {
        for _ in 0..rng.below(3) {
            out.push([' ', '\n', '\t'][rng.below(3)]);
        }
    };
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            rng.shuffle(&mut keys);
            out.push('{');
            for (i, key) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                space(rng, out);
                out.push_str(&Value::String(key.clone()).to_string());
                space(rng, out);
                out.push(':');
                space(rng, out);
                reserialise(&map[key], rng, out);
            }
            space(rng, out);
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                space(rng, out);
                reserialise(item, rng, out);
            }
            space(rng, out);
            out.push(']');
        }
        scalar => out.push_str(&scalar.to_string()),
    }
}

/// Proofs whose (`type`, `cryptosuite`) is a suite we verify.
fn supported_proofs(document: &Value) -> usize {
    let proofs: Vec<&Value> = match document.get("proof") {
        Some(Value::Array(items)) => items.iter().collect(),
        Some(proof) => vec![proof],
        None => Vec::new(),
    };
    proofs
        .into_iter()
        .filter(|proof| {
            match (
                proof.get("type").and_then(Value::as_str),
                proof.get("cryptosuite"),
            ) {
                (Some("Ed25519Signature2020"), None) => true,
                (Some("DataIntegrityProof"), Some(Value::String(suite))) => {
                    matches!(
                        suite.as_str(),
                        "eddsa-rdfc-2022" | "eddsa-2022" | "eddsa-jcs-2022"
                    )
                }
                _ => false,
            }
        })
        .count()
}

/// Policy (brief): an unknown proof type next to a valid proof is ignored. So in a proof set,
/// relabelling one proof into an unsupported suite may leave the set verified through the
/// other proof; such mutations are counted apart. Deleting `type` is not covered: a proof
/// without `type` is an error (reliability A3).
fn exempt(original: &Value, mutation: &Mutation) -> bool {
    let before = supported_proofs(original);
    let after = supported_proofs(&mutation.document);
    before >= 2 && after >= 1 && after < before && !mutation.description.starts_with("delete ")
}

fn leaf_budget() -> usize {
    std::env::var("SKILLPROOF_MUTATIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(DEFAULT_LEAF_MUTATIONS)
}

fn load_fixtures() -> Vec<Fixture> {
    let cases = load_all_cases().expect("loading EXPECTED.json files");
    FIXTURES
        .iter()
        .map(|name| {
            let case = cases
                .iter()
                .find(|case| case.name() == *name)
                .unwrap_or_else(|| panic!("mutation fixture {name} has no EXPECTED.json case"))
                .clone();
            assert_eq!(
                case.case.outcome,
                Outcome::Verified,
                "{name}: mutation fixtures must be verified positives"
            );
            Fixture::load(case).unwrap_or_else(|error| panic!("{name}: {error:#}"))
        })
        .collect()
}

#[test]
fn tampering_never_verifies() {
    let budget = leaf_budget();
    let mut rng = TestRng::new(SEED);
    let mut problems = Vec::new();
    let mut distribution: BTreeMap<String, usize> = BTreeMap::new();
    let mut total = 0;
    let mut exempted = 0;
    for fixture in load_fixtures() {
        let name = fixture.case.name();
        let original = fixture
            .outcome_of(&fixture.case.input().expect("fixture input"))
            .expect("running fixture");
        if original != Outcome::Verified {
            problems.push(format!("{name}: the untouched fixture gives {original}, not verified: its mutations prove nothing"));
            continue;
        }
        let mut leaves = leaf_mutations(&fixture.document);
        rng.shuffle(&mut leaves);
        leaves.truncate(budget);
        let mut mutations = proof_mutations(&fixture.document);
        mutations.extend(leaves);
        for mutation in mutations {
            let text = mutation.document.to_string();
            let bytes = fixture.encode(&mutation.document, text);
            total += 1;
            match fixture.outcome_of(&bytes) {
                Ok(Outcome::Verified) if exempt(&fixture.document, &mutation) => exempted += 1,
                Ok(Outcome::Verified) => {
                    problems.push(format!("{name}: {} still verifies", mutation.description))
                }
                Ok(outcome) => *distribution.entry(outcome.to_string()).or_default() += 1,
                Err(error) => problems.push(format!("{name}: {}: {error:#}", mutation.description)),
            }
        }
    }
    eprintln!(
        "mutations: {total} run (leaf budget {budget} per fixture, seed {SEED:#x}); outcomes: {distribution:?}; \
         {exempted} verified through another proof after one proof was relabelled to an unsupported suite"
    );
    assert!(
        problems.is_empty(),
        "{} problem(s):\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn key_order_and_whitespace_do_not_change_the_outcome() {
    let mut rng = TestRng::new(SEED ^ 0xFFFF);
    let mut problems = Vec::new();
    let mut checked = 0;
    for fixture in load_fixtures() {
        if !matches!(fixture.carrier, Carrier::Json) {
            continue; // a JWS signs its exact bytes: re-serialising it is tampering.
        }
        let name = fixture.case.name();
        let original = fixture
            .outcome_of(&fixture.case.input().expect("fixture input"))
            .expect("running fixture");
        if original != Outcome::Verified {
            problems.push(format!(
                "{name}: the untouched fixture gives {original}, not verified"
            ));
            continue;
        }
        for variant in 0..PERMUTATIONS {
            let mut text = String::new();
            reserialise(&fixture.document, &mut rng, &mut text);
            let reparsed: Value = serde_json::from_str(&text).expect("reserialised JSON parses");
            assert_eq!(
                reparsed, fixture.document,
                "reserialisation must keep the data"
            );
            checked += 1;
            match fixture.outcome_of(text.as_bytes()) {
                Ok(outcome) if outcome == original => {}
                Ok(outcome) => problems.push(format!(
                    "{name}: variant {variant} gives {outcome}, original {original}"
                )),
                Err(error) => problems.push(format!("{name}: variant {variant}: {error:#}")),
            }
        }
    }
    eprintln!("permutations: {checked} re-serialised variants checked");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
