//! Blockcerts v2 (`signature`: MerkleProof2017, Chainpoint) and v3 (`proof`: MerkleProof2019,
//! or `DataIntegrityProof` with `merkle-proof-2019`).
//!
//! What can be checked offline is checked: `targetHash` is SHA-256 of the RDFC-1.0 canonical
//! N-Quads of the certificate without its Merkle proof (pinned contexts only, no data
//! loss), and the Merkle path leads from it to `merkleRoot`. Whether `merkleRoot` is really
//! in the anchoring blockchain transaction, and whether that transaction was signed by a key
//! of the issuer, needs a chain lookup we never do, so an intact certificate is
//! `anchor_not_checked`, never `verified` on the Merkle proof alone. Ed25519 proofs carried
//! alongside are verified by the Data Integrity machinery; when one of them binds the
//! certificate to its issuer and everything else (Merkle integrity included) passes, the
//! issuer's signature vouches for it and the unchecked anchor is only a warning.
//!
//! Status is always checked (v3: `credentialStatus`; v2: the issuer's `revocationList`):
//! when an issuer signature vouches for the certificate, a revocation must not go unseen,
//! and a revoked certificate is better reported as revoked than as merely unanchored.

use std::sync::Arc;

use model::{Check, CheckKind, Container, Format, Outcome, ProofSummary};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use crate::data_integrity::{ProofRequirements, verify_proofs};
use crate::data_model::{self, WindowVerdict, contexts, has_type};
use crate::keys::Relationship;
use crate::report::VerificationReport;
use crate::session::Session;
use crate::util::{format_datetime, parse_datetime, string_member};

/// Merkle path steps accepted (a tree of 2^64 leaves is deeper than any batch).
const MAX_PATH_STEPS: usize = 64;

/// Anchors accepted on one proof.
const MAX_ANCHORS: usize = 16;

const MERKLE_TYPES: [&str; 2] = ["MerkleProof2017", "MerkleProof2019"];

fn type_names(value: &Value) -> Vec<&str> {
    match value {
        Value::String(single) => vec![single.as_str()],
        Value::Array(values) => values.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

fn is_merkle_proof(proof: &Value) -> bool {
    let types = proof.get("type").map(type_names).unwrap_or_default();
    types.iter().any(|kind| MERKLE_TYPES.contains(kind))
        || proof.get("cryptosuite").and_then(Value::as_str) == Some("merkle-proof-2019")
}

fn members<'a>(object: &'a Map<String, Value>, member: &str) -> &'a [Value] {
    match object.get(member) {
        Some(Value::Array(values)) => values,
        Some(single) => std::slice::from_ref(single),
        None => &[],
    }
}

/// Blockcerts v2 (`signature` MerkleProof2017), v3 (`MerkleProof2019` proofs), or the v1.2
/// `receipt`/`document` envelope.
pub(crate) fn is_blockcerts(object: &Map<String, Value>) -> bool {
    let in_member = |member: &str| members(object, member).iter().any(is_merkle_proof);
    let v1 = object.contains_key("receipt") && object.get("document").is_some_and(Value::is_object);
    in_member("signature") || in_member("proof") || v1
}

pub(crate) fn verify(
    session: &Session<'_>,
    document: Arc<Value>,
    container: Container,
) -> VerificationReport {
    let mut report = VerificationReport::new(Format::Blockcerts, container);
    report.document = Some(Arc::clone(&document));
    if let Some(object) = document.as_object() {
        verify_certificate(session, object, &mut report);
    } else {
        report.record(
            Check::fail(CheckKind::Parse, "a certificate is a JSON object"),
            Outcome::Malformed,
        );
    }
    report.seal()
}

fn verify_certificate(
    session: &Session<'_>,
    object: &Map<String, Value>,
    report: &mut VerificationReport,
) {
    describe(object, report);
    if !check_contexts(session, object, report) {
        return;
    }
    if object.contains_key("receipt") && object.contains_key("document") {
        report.record(
            Check::fail(
                CheckKind::Parse,
                "Blockcerts v1.2 certificates are not verified",
            ),
            Outcome::Unsupported,
        );
        return;
    }
    // v2 carries its Merkle proof in `signature`, v3 in `proof`.
    let (member, proofs) = if object.contains_key("signature") {
        ("signature", members(object, "signature"))
    } else {
        ("proof", members(object, "proof"))
    };
    if proofs.len() > session.limits().max_proofs {
        report.record(
            Check::fail(
                CheckKind::Parse,
                format!(
                    "{} proofs, the limit is {}",
                    proofs.len(),
                    session.limits().max_proofs
                ),
            ),
            Outcome::TooLarge,
        );
        return;
    }
    let chained = proofs.iter().any(|proof| {
        proof
            .get("type")
            .map(type_names)
            .unwrap_or_default()
            .contains(&"ChainedProof2021")
            || (is_merkle_proof(proof) && proof.get("previousProof").is_some())
    });
    if chained {
        report.record(
            Check::fail(
                CheckKind::Signature,
                "the Merkle proof is chained to other proofs (ChainedProof2021); chained hashing is not verified",
            ),
            Outcome::Unsupported,
        );
        return;
    }
    let merkle: Vec<&Map<String, Value>> = proofs
        .iter()
        .filter(|proof| is_merkle_proof(proof))
        .filter_map(Value::as_object)
        .collect();
    if merkle.is_empty() {
        report.record(
            Check::fail(CheckKind::Parse, "no Merkle proof object"),
            Outcome::Malformed,
        );
        return;
    }
    if !check_proof_dates(object, &merkle, report) {
        return;
    }
    let mut unsecured = object.clone();
    unsecured.remove(member);
    let canonical = match session.canonical_nquads(&Value::Object(unsecured)) {
        Ok(canonical) => canonical,
        Err(error) => {
            report.record(
                Check::fail(CheckKind::Context, format!("JSON-LD: {error}")),
                crate::jsonld_outcome(&error),
            );
            return;
        }
    };
    report.note(Check::pass(
        CheckKind::Context,
        "every context is pinned and expansion loses nothing",
    ));
    let local_hash: [u8; 32] = Sha256::digest(canonical.as_bytes()).into();
    let mut anchors = Vec::new();
    for (index, proof) in merkle.iter().enumerate() {
        let outcome = match read_merkle_proof(proof) {
            Ok(decoded) => {
                let outcome = check_merkle_proof(index, &decoded, &local_hash, report);
                anchors.extend(decoded.anchors);
                outcome
            }
            Err(problem) => {
                report.record(
                    Check::fail(
                        CheckKind::Signature,
                        format!("Merkle proof {index}: {problem}"),
                    ),
                    Outcome::InvalidSignature,
                );
                Outcome::InvalidSignature
            }
        };
        report.proofs.push(summary(proof, outcome));
    }
    let signed_by_issuer = verify_signatures_alongside(session, object, proofs, report);
    check_validity(session, object, report);
    check_status(session, object, report);
    let anchors = if anchors.is_empty() {
        "no anchor is named".to_owned()
    } else {
        anchors
            .iter()
            .map(Anchor::describe)
            .collect::<Vec<_>>()
            .join("; ")
    };
    if signed_by_issuer {
        // The issuer's own signature stands without the anchor, as for any credential with
        // a proof we verify next to one we do not; `seal` still demands the binding.
        report.note(Check::warn(
            CheckKind::Anchor,
            format!(
                "the blockchain anchor was not looked up; the issuer's signature verified without it ({anchors})"
            ),
        ));
    } else {
        report.record(
            Check::fail(
                CheckKind::Anchor,
                format!(
                    "the blockchain anchor was not looked up, so the Merkle root is not known to be on chain nor the issuer to have put it there ({anchors})"
                ),
            ),
            Outcome::AnchorNotChecked,
        );
    }
}

/// A Merkle proof's `created` must be a date-time with a time zone. VC 2.0 makes that a
/// rule (XSD dateTimeStamp: cert-verifier-js rejects `mocknet-vc-v2-invalid-date-format`);
/// VC 1.1 Blockcerts issuers wrote local times (the Sepolia sample), so there it is a warning.
fn check_proof_dates(
    object: &Map<String, Value>,
    merkle: &[&Map<String, Value>],
    report: &mut VerificationReport,
) -> bool {
    let strict = data_model::vc_version(object) == Ok(data_model::VcVersion::V2);
    for (index, proof) in merkle.iter().enumerate() {
        let Some(created) = proof.get("created") else {
            continue;
        };
        let problem = match created.as_str().map(parse_datetime) {
            Some(Ok(_)) => continue,
            Some(Err(problem)) => format!("Merkle proof {index}: created: {problem}"),
            None => format!("Merkle proof {index}: created is not a date-time string"),
        };
        if strict {
            report.record(Check::fail(CheckKind::Parse, problem), Outcome::Malformed);
            return false;
        }
        report.note(Check::warn(CheckKind::Parse, problem));
    }
    true
}

/// Issuer and names for the report: v3 is a VC; v2 an OB 2.0 assertion with an embedded
/// BadgeClass and Profile.
fn describe(object: &Map<String, Value>, report: &mut VerificationReport) {
    if let Some(badge) = object.get("badge").and_then(Value::as_object) {
        report.achievement_name = badge.get("name").and_then(data_model::display_text);
        if let Some(issuer) = badge.get("issuer").and_then(Value::as_object) {
            report.issuer = string_member(issuer, "id").map(str::to_owned);
            report.issuer_name = issuer.get("name").and_then(data_model::display_text);
        }
    } else if has_type(object, "VerifiablePresentation") {
        report.issuer = string_member(object, "holder").map(str::to_owned);
    } else {
        report.issuer = data_model::issuer_id(object).map(str::to_owned);
        report.issuer_name = data_model::issuer_name(object);
        report.achievement_name = data_model::achievement_name(object);
    }
}

/// Closed world (reliability A13): every context a pinned URL; inline context objects could
/// redefine any term.
fn check_contexts(
    session: &Session<'_>,
    object: &Map<String, Value>,
    report: &mut VerificationReport,
) -> bool {
    let contexts = contexts(object);
    let problem = if contexts.is_empty() {
        Some("the certificate has no @context".to_owned())
    } else if contexts.iter().any(|context| !context.is_string()) {
        Some("an inline @context object is refused (closed world)".to_owned())
    } else {
        let unknown: Vec<&str> = contexts
            .iter()
            .filter_map(Value::as_str)
            .filter(|url| !session.contexts().contains(url))
            .collect();
        (!unknown.is_empty())
            .then(|| format!("context not in the pinned set: {}", unknown.join(", ")))
    };
    match problem {
        Some(problem) => {
            report.record(
                Check::fail(CheckKind::Context, problem),
                Outcome::UnknownContext,
            );
            false
        }
        None => true,
    }
}

fn summary(proof: &Map<String, Value>, outcome: Outcome) -> ProofSummary {
    let text = |key: &str| string_member(proof, key).map(str::to_owned);
    ProofSummary {
        proof_type: proof
            .get("type")
            .map(type_names)
            .and_then(|types| types.first().map(|kind| (*kind).to_owned()))
            .unwrap_or_default(),
        cryptosuite: text("cryptosuite"),
        verification_method: text("verificationMethod"),
        proof_purpose: text("proofPurpose"),
        created: text("created"),
        outcome,
    }
}

/// Which side a Merkle path sibling sits on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    Left,
    Right,
}

/// A Merkle proof, decoded from either encoding.
#[derive(Debug, Clone, PartialEq, Eq)]
struct MerkleProof {
    target_hash: [u8; 32],
    merkle_root: [u8; 32],
    path: Vec<(Side, [u8; 32])>,
    anchors: Vec<Anchor>,
}

/// Where the Merkle root is said to be anchored.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Anchor {
    chain: String,
    /// Transaction id, or the mocknet notice.
    source: String,
    mock: bool,
}

impl Anchor {
    fn describe(&self) -> String {
        if self.mock {
            format!(
                "{}: a mocknet test anchor, not on any blockchain; such certificates must never be accepted as issued",
                self.chain
            )
        } else {
            format!("{} transaction {}", self.chain, self.source)
        }
    }
}

fn read_merkle_proof(proof: &Map<String, Value>) -> Result<MerkleProof, String> {
    let types = proof.get("type").map(type_names).unwrap_or_default();
    if types.contains(&"MerkleProof2017") {
        read_merkle_proof_2017(proof)
    } else {
        let value = string_member(proof, "proofValue").ok_or("proofValue is missing")?;
        let encoded = value
            .strip_prefix('z')
            .ok_or("proofValue is not multibase base58btc (z…)")?;
        let bytes = bs58::decode(encoded)
            .into_vec()
            .map_err(|error| format!("proofValue is not base58btc: {error}"))?;
        read_merkle_proof_2019(&bytes)
    }
}

fn hash_from_hex(text: &str, what: &str) -> Result<[u8; 32], String> {
    let text = text.trim();
    let mut out = [0u8; 32];
    if text.len() != 64 {
        return Err(format!("{what} is not a 32-byte hex hash"));
    }
    for (index, byte) in out.iter_mut().enumerate() {
        let pair = text
            .get(index * 2..index * 2 + 2)
            .ok_or_else(|| format!("{what} is not hex"))?;
        *byte = u8::from_str_radix(pair, 16).map_err(|_| format!("{what} is not hex"))?;
    }
    Ok(out)
}

/// v2 Chainpoint receipt: `targetHash`, `merkleRoot`, `proof: [{left|right: hex}]`,
/// `anchors: [{sourceId, type, chain?}]`.
fn read_merkle_proof_2017(proof: &Map<String, Value>) -> Result<MerkleProof, String> {
    let hex_member = |name: &str| {
        string_member(proof, name)
            .ok_or_else(|| format!("{name} is missing"))
            .and_then(|text| hash_from_hex(text, name))
    };
    let steps = match proof.get("proof") {
        None => &[][..],
        Some(Value::Array(steps)) => steps.as_slice(),
        Some(_) => return Err("proof must be an array of path steps".to_owned()),
    };
    if steps.len() > MAX_PATH_STEPS {
        return Err(format!(
            "the Merkle path has more than {MAX_PATH_STEPS} steps"
        ));
    }
    let path = steps
        .iter()
        .map(|step| {
            let step = step.as_object().ok_or("a path step is not an object")?;
            match (string_member(step, "left"), string_member(step, "right")) {
                (Some(left), None) => Ok((Side::Left, hash_from_hex(left, "a path hash")?)),
                (None, Some(right)) => Ok((Side::Right, hash_from_hex(right, "a path hash")?)),
                _ => Err("a path step has exactly one of left or right".to_owned()),
            }
        })
        .collect::<Result<Vec<_>, String>>()?;
    let anchors = match proof.get("anchors") {
        Some(Value::Array(anchors)) => anchors.as_slice(),
        _ => return Err("anchors must be an array".to_owned()),
    };
    if anchors.len() > MAX_ANCHORS {
        return Err(format!("more than {MAX_ANCHORS} anchors"));
    }
    let anchors = anchors
        .iter()
        .map(|anchor| {
            let anchor = anchor.as_object().ok_or("an anchor is not an object")?;
            let kind = string_member(anchor, "type").unwrap_or("BTCOpReturn");
            let chain = string_member(anchor, "chain").unwrap_or(match kind {
                "ETHData" => "ethereumMainnet",
                _ => "bitcoinMainnet",
            });
            Ok(Anchor {
                chain: chain.to_owned(),
                source: string_member(anchor, "sourceId")
                    .ok_or("an anchor has no sourceId")?
                    .to_owned(),
                mock: chain == "mockchain" || kind == "Mock",
            })
        })
        .collect::<Result<Vec<_>, String>>()?;
    Ok(MerkleProof {
        target_hash: hex_member("targetHash")?,
        merkle_root: hex_member("merkleRoot")?,
        path,
        anchors,
    })
}

/// v3 `proofValue` (lds-merkle-proof-2019): CBOR of `[[key, value], …]` (or a map) with 0
/// merkleRoot, 1 targetHash, 2 anchors, 3 path. Hashes and strings are themselves CBOR text
/// wrapped in byte strings; a path step is `[0 left | 1 right, hash]`; an anchor is
/// `[[0, chain], [1, network], [2, txid]]` (`[[0, -1], [1, text]]` for mocknet).
fn read_merkle_proof_2019(bytes: &[u8]) -> Result<MerkleProof, String> {
    let root = cbor::decode(bytes)?;
    let entries = cbor::pairs(&root).ok_or("the proof is not a CBOR map of entries")?;
    let (mut merkle_root, mut target_hash, mut anchors, mut path) = (None, None, None, None);
    for (key, value) in entries {
        match key.as_int() {
            Some(0) => merkle_root = Some(cbor_hash(value, "merkleRoot")?),
            Some(1) => target_hash = Some(cbor_hash(value, "targetHash")?),
            Some(2) => anchors = Some(cbor_anchors(value)?),
            Some(3) => path = Some(cbor_path(value)?),
            _ => return Err("unknown entry in the Merkle proof".to_owned()),
        }
    }
    Ok(MerkleProof {
        target_hash: target_hash.ok_or("targetHash is missing")?,
        merkle_root: merkle_root.ok_or("merkleRoot is missing")?,
        path: path.unwrap_or_default(),
        anchors: anchors.unwrap_or_default(),
    })
}

/// A string that may be wrapped as CBOR text inside a byte string.
fn cbor_text<'a>(value: &cbor::Item<'a>) -> Option<String> {
    match value {
        cbor::Item::Text(text) => Some((*text).to_owned()),
        cbor::Item::Bytes(bytes) => match cbor::decode(bytes) {
            Ok(cbor::Item::Text(text)) => Some(text.to_owned()),
            _ => None,
        },
        _ => None,
    }
}

fn cbor_hash(value: &cbor::Item<'_>, what: &str) -> Result<[u8; 32], String> {
    if let cbor::Item::Bytes(raw) = value
        && let Ok(raw) = <[u8; 32]>::try_from(*raw)
    {
        return Ok(raw);
    }
    let text = cbor_text(value).ok_or_else(|| format!("{what} is not a hash"))?;
    hash_from_hex(&text, what)
}

fn cbor_path(value: &cbor::Item<'_>) -> Result<Vec<(Side, [u8; 32])>, String> {
    let cbor::Item::Array(steps) = value else {
        return Err("the Merkle path is not an array".to_owned());
    };
    if steps.len() > MAX_PATH_STEPS {
        return Err(format!(
            "the Merkle path has more than {MAX_PATH_STEPS} steps"
        ));
    }
    steps
        .iter()
        .map(|step| match step {
            cbor::Item::Array(pair) => match pair.as_slice() {
                [side, hash] => {
                    let side = match side.as_int() {
                        Some(0) => Side::Left,
                        Some(1) => Side::Right,
                        _ => return Err("a path step is neither left nor right".to_owned()),
                    };
                    Ok((side, cbor_hash(hash, "a path hash")?))
                }
                _ => Err("a path step is not a [side, hash] pair".to_owned()),
            },
            _ => Err("a path step is not a [side, hash] pair".to_owned()),
        })
        .collect()
}

fn cbor_anchors(value: &cbor::Item<'_>) -> Result<Vec<Anchor>, String> {
    let cbor::Item::Array(anchors) = value else {
        return Err("the anchors are not an array".to_owned());
    };
    if anchors.len() > MAX_ANCHORS {
        return Err(format!("more than {MAX_ANCHORS} anchors"));
    }
    anchors
        .iter()
        .map(|anchor| {
            let entries = cbor::pairs(anchor).ok_or("an anchor is not a list of entries")?;
            let find = |wanted: i128| {
                entries
                    .iter()
                    .find(|(key, _)| key.as_int() == Some(wanted))
                    .map(|(_, value)| *value)
            };
            let chain_id = find(0)
                .and_then(|chain| chain.as_int())
                .ok_or("an anchor names no chain")?;
            let (chain, mock) = match chain_id {
                -1 => ("mocknet".to_owned(), true),
                0 | 1 => {
                    let network = find(1).and_then(|network| network.as_int());
                    (chain_name(chain_id, network), false)
                }
                other => (format!("unknown chain {other}"), false),
            };
            let source = if mock { find(1) } else { find(2) }
                .and_then(|source| cbor_text(source))
                .ok_or("an anchor names no transaction")?;
            Ok(Anchor {
                chain,
                source,
                mock,
            })
        })
        .collect()
}

/// lds-merkle-proof-2019's chain and network codes.
fn chain_name(chain: i128, network: Option<i128>) -> String {
    let name = match (chain, network) {
        (0, Some(1)) => "bitcoin mainnet",
        (0, Some(2)) => "bitcoin regtest",
        (0, Some(3)) => "bitcoin testnet",
        (1, Some(1)) => "ethereum mainnet",
        (1, Some(3)) => "ethereum ropsten",
        (1, Some(4)) => "ethereum rinkeby",
        (1, Some(5)) => "ethereum goerli",
        (1, Some(11_155_111)) => "ethereum sepolia",
        (0, _) => "bitcoin (unknown network)",
        _ => "ethereum (unknown network)",
    };
    name.to_owned()
}

/// Root of a Merkle path from a leaf: a left sibling hashes as `H(sibling ‖ node)`, a right
/// one as `H(node ‖ sibling)` (Chainpoint).
fn merkle_root(leaf: &[u8; 32], path: &[(Side, [u8; 32])]) -> [u8; 32] {
    path.iter().fold(*leaf, |node, (side, sibling)| {
        let mut hasher = Sha256::new();
        match side {
            Side::Left => {
                hasher.update(sibling);
                hasher.update(node);
            }
            Side::Right => {
                hasher.update(node);
                hasher.update(sibling);
            }
        }
        hasher.finalize().into()
    })
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

fn check_merkle_proof(
    index: usize,
    proof: &MerkleProof,
    local_hash: &[u8; 32],
    report: &mut VerificationReport,
) -> Outcome {
    if proof.target_hash != *local_hash {
        report.record(
            Check::fail(
                CheckKind::Signature,
                format!(
                    "Merkle proof {index}: the certificate hashes to {}, the proof's targetHash is {}: it was altered after issuance",
                    hex(local_hash),
                    hex(&proof.target_hash)
                ),
            ),
            Outcome::InvalidSignature,
        );
        return Outcome::InvalidSignature;
    }
    report.note(Check::pass(
        CheckKind::Signature,
        format!("Merkle proof {index}: targetHash is the SHA-256 of the canonical certificate"),
    ));
    let root = merkle_root(local_hash, &proof.path);
    if root != proof.merkle_root {
        report.record(
            Check::fail(
                CheckKind::Anchor,
                format!(
                    "Merkle proof {index}: the path leads to {}, not to merkleRoot {}",
                    hex(&root),
                    hex(&proof.merkle_root)
                ),
            ),
            Outcome::InvalidSignature,
        );
        return Outcome::InvalidSignature;
    }
    report.note(Check::pass(
        CheckKind::Anchor,
        format!(
            "Merkle proof {index}: the {}-step path leads to merkleRoot {}",
            proof.path.len(),
            hex(&proof.merkle_root)
        ),
    ));
    Outcome::AnchorNotChecked
}

/// Ed25519 (Data Integrity) proofs next to the Merkle proof: verified like any credential's,
/// bound to the issuer. True when there were some and every check so far passed (the Merkle
/// integrity included), so the issuer's signature alone vouches for the certificate.
fn verify_signatures_alongside(
    session: &Session<'_>,
    object: &Map<String, Value>,
    proofs: &[Value],
    report: &mut VerificationReport,
) -> bool {
    let supported = proofs.iter().any(|proof| {
        let suite = proof.get("cryptosuite").and_then(Value::as_str);
        match proof.get("type").and_then(Value::as_str) {
            Some("Ed25519Signature2020") => suite.is_none(),
            Some("DataIntegrityProof") => matches!(
                suite,
                Some("eddsa-rdfc-2022" | "eddsa-2022" | "eddsa-jcs-2022")
            ),
            _ => false,
        }
    });
    if !supported || !object.contains_key("proof") {
        return false;
    }
    let Some(issuer) = data_model::issuer_id(object).map(str::to_owned) else {
        return false;
    };
    verify_proofs(
        session,
        object,
        &ProofRequirements {
            controller: &issuer,
            relationship: Relationship::AssertionMethod,
            challenge: None,
            domain: None,
        },
        report,
    );
    report.outcome == Outcome::Verified
}

/// v3: the VC `credentialStatus`; v2: `badge.issuer.revocationList` listing the assertion id.
fn check_status(
    session: &Session<'_>,
    object: &Map<String, Value>,
    report: &mut VerificationReport,
) {
    let v2_issuer = object
        .get("badge")
        .and_then(|badge| badge.get("issuer"))
        .and_then(Value::as_object);
    match v2_issuer {
        Some(issuer) => {
            let issuer_id = string_member(issuer, "id").unwrap_or_default();
            let assertion_id = string_member(object, "id").unwrap_or_default();
            crate::ob2::check_revocation_list(session, issuer, &[issuer_id], assertion_id, report);
        }
        None => crate::status::check_status(session, object, report),
    }
}

/// v3: `validFrom`/`issuanceDate`, `validUntil`/`expirationDate`; v2: `issuedOn`, `expires`.
fn check_validity(
    session: &Session<'_>,
    object: &Map<String, Value>,
    report: &mut VerificationReport,
) {
    let window = if object.contains_key("badge") {
        let read = |member: &str| match object.get(member) {
            None => Ok(None),
            Some(Value::String(text)) => parse_datetime(text)
                .map(Some)
                .map_err(|error| format!("{member}: {error}")),
            Some(_) => Err(format!("{member} must be a date-time string")),
        };
        read("issuedOn").and_then(|not_before| {
            let not_after = read("expires")?;
            Ok(data_model::ValidityWindow {
                not_before,
                not_after,
            })
        })
    } else {
        data_model::validity_window(object)
    };
    let window = match window {
        Ok(window) => window,
        Err(problem) => {
            report.record(Check::fail(CheckKind::Parse, problem), Outcome::Malformed);
            return;
        }
    };
    match window.judge(session.now()) {
        WindowVerdict::Valid => report.note(Check::pass(CheckKind::Validity, "valid now")),
        WindowVerdict::NotYetValid(start) => report.record(
            Check::fail(
                CheckKind::Validity,
                format!("valid only from {}", format_datetime(start)),
            ),
            Outcome::NotYetValid,
        ),
        WindowVerdict::Expired(end) => report.record(
            Check::fail(
                CheckKind::Validity,
                format!("expired at {}", format_datetime(end)),
            ),
            Outcome::Expired,
        ),
    }
}

/// The small part of CBOR (RFC 8949) that Merkle proofs use, decoded without trusting any
/// length: every length is checked against the bytes left, nesting and item counts are
/// capped, indefinite lengths and floats are refused.
mod cbor {
    const MAX_DEPTH: usize = 16;
    const MAX_ITEMS: usize = 4096;

    #[derive(Debug, Clone, PartialEq, Eq)]
    pub(super) enum Item<'a> {
        Int(i128),
        Bytes(&'a [u8]),
        Text(&'a str),
        Array(Vec<Item<'a>>),
        Map(Vec<(Item<'a>, Item<'a>)>),
        Simple(u8),
    }

    impl Item<'_> {
        pub(super) fn as_int(&self) -> Option<i128> {
            match self {
                Item::Int(value) => Some(*value),
                _ => None,
            }
        }
    }

    /// Key/value entries of a map, or of an array of two-element arrays.
    pub(super) fn pairs<'i, 'a>(item: &'i Item<'a>) -> Option<Vec<(&'i Item<'a>, &'i Item<'a>)>> {
        match item {
            Item::Map(entries) => Some(entries.iter().map(|(key, value)| (key, value)).collect()),
            Item::Array(entries) => entries
                .iter()
                .map(|entry| match entry {
                    Item::Array(pair) => match pair.as_slice() {
                        [key, value] => Some((key, value)),
                        _ => None,
                    },
                    _ => None,
                })
                .collect(),
            _ => None,
        }
    }

    /// Decodes exactly one item spanning all of `bytes`.
    pub(super) fn decode(bytes: &[u8]) -> Result<Item<'_>, String> {
        let mut decoder = Decoder {
            bytes,
            position: 0,
            items: 0,
        };
        let item = decoder.item(0)?;
        if decoder.position != bytes.len() {
            return Err("trailing bytes after the CBOR item".to_owned());
        }
        Ok(item)
    }

    struct Decoder<'a> {
        bytes: &'a [u8],
        position: usize,
        items: usize,
    }

    impl<'a> Decoder<'a> {
        fn take(&mut self, count: usize) -> Result<&'a [u8], String> {
            let end = self
                .position
                .checked_add(count)
                .filter(|end| *end <= self.bytes.len())
                .ok_or("CBOR length runs past the end")?;
            let slice = self
                .bytes
                .get(self.position..end)
                .ok_or("CBOR length runs past the end")?;
            self.position = end;
            Ok(slice)
        }

        fn argument(&mut self, info: u8) -> Result<u64, String> {
            let width = match info {
                0..=23 => return Ok(u64::from(info)),
                24 => 1,
                25 => 2,
                26 => 4,
                27 => 8,
                _ => return Err("indefinite or reserved CBOR lengths are refused".to_owned()),
            };
            let bytes = self.take(width)?;
            Ok(bytes
                .iter()
                .fold(0u64, |value, byte| (value << 8) | u64::from(*byte)))
        }

        /// A count of items, which each take at least one byte: never more than what is left.
        fn count(&mut self, info: u8) -> Result<usize, String> {
            let count = self.argument(info)?;
            let left = self.bytes.len().saturating_sub(self.position);
            usize::try_from(count)
                .ok()
                .filter(|count| *count <= left)
                .ok_or_else(|| "CBOR count exceeds the bytes left".to_owned())
        }

        fn item(&mut self, depth: usize) -> Result<Item<'a>, String> {
            if depth > MAX_DEPTH {
                return Err("CBOR nested too deeply".to_owned());
            }
            self.items += 1;
            if self.items > MAX_ITEMS {
                return Err("too many CBOR items".to_owned());
            }
            let initial = *self.take(1)?.first().ok_or("empty CBOR")?;
            let (major, info) = (initial >> 5, initial & 0x1f);
            match major {
                0 => Ok(Item::Int(i128::from(self.argument(info)?))),
                1 => Ok(Item::Int(-1 - i128::from(self.argument(info)?))),
                2 => {
                    let length = self.count(info)?;
                    Ok(Item::Bytes(self.take(length)?))
                }
                3 => {
                    let length = self.count(info)?;
                    let text = std::str::from_utf8(self.take(length)?)
                        .map_err(|_| "CBOR text is not UTF-8".to_owned())?;
                    Ok(Item::Text(text))
                }
                4 => {
                    let count = self.count(info)?;
                    let mut items = Vec::with_capacity(count);
                    for _ in 0..count {
                        items.push(self.item(depth + 1)?);
                    }
                    Ok(Item::Array(items))
                }
                5 => {
                    let count = self.count(info)?;
                    let mut entries = Vec::with_capacity(count);
                    for _ in 0..count {
                        let key = self.item(depth + 1)?;
                        let value = self.item(depth + 1)?;
                        entries.push((key, value));
                    }
                    Ok(Item::Map(entries))
                }
                // Tags carry no meaning here: read through them.
                6 => {
                    self.argument(info)?;
                    self.item(depth + 1)
                }
                _ => match info {
                    0..=23 => Ok(Item::Simple(info)),
                    24 => Ok(Item::Simple(
                        *self.take(1)?.first().ok_or("cut simple value")?,
                    )),
                    _ => Err("CBOR floats and breaks are refused".to_owned()),
                },
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn unhex(text: &str) -> Vec<u8> {
        (0..text.len())
            .step_by(2)
            .map(|index| u8::from_str_radix(&text[index..index + 2], 16).expect("test hex"))
            .collect()
    }

    /// The proofValue of the Sepolia-anchored cert-verifier-js fixture.
    const SEPOLIA: &str = "8482038082005842784062326336346564373863636364613939323433316332363561316430626236353765386365666431346231656631356365616463633639376335363639393466820158427840623263363465643738636363646139393234333163323635613164306262363537653863656664313462316566313563656164636336393763353636393934668202818382000182011a00aa36a7820258447842307831663631353437303032343030306333616235333265643734633561363062386636633266656236343839613637626532306631303338333139393666396162";

    #[test]
    fn decodes_merkle_proof_2019() {
        let proof = read_merkle_proof_2019(&unhex(SEPOLIA)).expect("fixture decodes");
        let hash = "b2c64ed78cccda992431c265a1d0bb657e8cefd14b1ef15ceadcc697c566994f";
        assert_eq!(hex(&proof.target_hash), hash);
        assert_eq!(hex(&proof.merkle_root), hash);
        assert!(proof.path.is_empty());
        assert_eq!(
            proof.anchors,
            vec![Anchor {
                chain: "ethereum sepolia".to_owned(),
                source: "0x1f615470024000c3ab532ed74c5a60b8f6c2feb6489a67be20f103831996f9ab"
                    .to_owned(),
                mock: false,
            }]
        );
    }

    #[test]
    fn merkle_paths_follow_chainpoint() {
        // testnet-v3-did.json: one left sibling.
        let leaf = hash_from_hex(
            "eca54e560dd43cccd900fa4bb9221f144d4c451c24beeddfd82e31db842bced1",
            "leaf",
        )
        .expect("hex");
        let sibling = hash_from_hex(
            "78e670a04db3cf419fff5fb1b11a420a34e5eeae14cc68476dcb84883b5cdb64",
            "sibling",
        )
        .expect("hex");
        assert_eq!(
            hex(&merkle_root(&leaf, &[(Side::Left, sibling)])),
            "68df661ae14f926878aabbe5ca33e46376e8bfb397c1364c2f1fa653ecd8b4b6"
        );
        assert_ne!(
            merkle_root(&leaf, &[(Side::Right, sibling)]),
            merkle_root(&leaf, &[(Side::Left, sibling)])
        );
        assert_eq!(merkle_root(&leaf, &[]), leaf);
    }

    #[track_caller]
    fn check_cbor(bytes: &[u8], expected: Result<(), &str>) {
        match (cbor::decode(bytes).map(|_| ()), expected) {
            (Ok(()), Ok(())) => {}
            (Err(actual), Err(fragment)) => {
                assert!(actual.contains(fragment), "{actual:?} lacks {fragment:?}")
            }
            (actual, expected) => panic!("got {actual:?}, expected {expected:?}"),
        }
    }

    #[test]
    fn cbor_never_trusts_lengths() {
        check_cbor(&[0x82, 0x01, 0x20], Ok(()));
        check_cbor(
            &[0x5b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff],
            Err("exceeds"),
        );
        check_cbor(&[0x9b, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff], Err("exceeds"));
        check_cbor(&[0x9f, 0x01, 0xff], Err("indefinite"));
        check_cbor(&[0xfb, 0, 0, 0, 0, 0, 0, 0, 0], Err("floats"));
        check_cbor(&[0x63, 0xff, 0xfe, 0xfd], Err("UTF-8"));
        check_cbor(&[0x01, 0x02], Err("trailing"));
        check_cbor(&[], Err("past the end"));
        check_cbor(&[0x81; 40], Err("deeply"));
        let mut wide = vec![0x99, 0x13, 0x88];
        wide.extend(std::iter::repeat_n(0x00, 5000));
        check_cbor(&wide, Err("too many"));
        for end in 0..SEPOLIA.len() / 2 {
            let _ = read_merkle_proof_2019(&unhex(SEPOLIA)[..end]);
        }
    }

    #[track_caller]
    fn check_v2_proof(signature: Value, expected: Result<usize, &str>) {
        let object = signature.as_object().cloned().unwrap_or_default();
        match (read_merkle_proof_2017(&object), expected) {
            (Ok(proof), Ok(steps)) => assert_eq!(proof.path.len(), steps),
            (Err(actual), Err(fragment)) => {
                assert!(actual.contains(fragment), "{actual:?} lacks {fragment:?}")
            }
            (actual, expected) => panic!("got {actual:?}, expected {expected:?}"),
        }
    }

    #[test]
    fn reads_merkle_proof_2017() {
        let hash = "637ec732fa4b7b56f4c15a6a12680519a17a9e9eade09f5b424a48eb0e6f5ad0";
        check_v2_proof(
            json!({"type": ["MerkleProof2017", "Extension"], "targetHash": hash, "merkleRoot": hash,
                   "proof": [{"right": hash}, {"left": hash}], "anchors": [{"sourceId": "ab", "type": "BTCOpReturn"}]}),
            Ok(2),
        );
        check_v2_proof(
            json!({"targetHash": hash, "merkleRoot": "xyz", "anchors": []}),
            Err("merkleRoot"),
        );
        check_v2_proof(
            json!({"targetHash": hash, "merkleRoot": hash, "proof": [{"left": hash, "right": hash}], "anchors": []}),
            Err("exactly one"),
        );
        check_v2_proof(
            json!({"targetHash": hash, "merkleRoot": hash, "proof": vec![json!({"left": hash}); 65], "anchors": []}),
            Err("steps"),
        );
        check_v2_proof(
            json!({"targetHash": hash, "merkleRoot": hash}),
            Err("anchors"),
        );
    }

    /// A VC 2.0 credential with a mocknet `merkle-proof-2019` proof computed by our own
    /// canonicalization, optionally co-signed with Ed25519 by `signer`.
    fn merkle_certificate(
        issuer_key: &[u8; 32],
        signer: Option<&[u8; 32]>,
        status: Option<Value>,
    ) -> Value {
        use ed25519_dalek::SigningKey;
        let verifier = crate::Verifier::new(Arc::new(crate::OfflineResolver));
        let (issuer, _) = crate::signing::did_key(&SigningKey::from_bytes(issuer_key));
        let mut document = json!({
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "type": ["VerifiableCredential"],
            "issuer": issuer,
            "validFrom": "2024-01-01T00:00:00Z",
            "credentialSubject": {"id": "did:example:earner", "name": "Earner"}
        });
        if let Some(status) = status {
            document["id"] = json!("urn:uuid:00000000-0000-4000-8000-00000000b10c");
            document["credentialStatus"] = status;
            document["@context"] = json!([
                "https://www.w3.org/ns/credentials/v2",
                "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"
            ]);
        }
        let now = time::OffsetDateTime::UNIX_EPOCH;
        let options = crate::VerifyOptions::at(now);
        let session = Session {
            engine: &verifier.engine,
            resolver: &crate::OfflineResolver,
            options: &options,
            depth: 0,
        };
        let canonical = session.canonical_nquads(&document).expect("canonical form");
        let target: [u8; 32] = Sha256::digest(canonical.as_bytes()).into();
        // [[0, root], [1, target], [2, [mocknet anchor]], [3, []]], strings as CBOR text
        // wrapped in byte strings, as lds-merkle-proof-2019 writes them.
        let wrapped = |text: &str| {
            let mut inner = vec![0x78, u8::try_from(text.len()).expect("short")];
            inner.extend_from_slice(text.as_bytes());
            let mut outer = vec![0x58, u8::try_from(inner.len()).expect("short")];
            outer.extend(inner);
            outer
        };
        let mut cbor = vec![0x84, 0x82, 0x00];
        cbor.extend(wrapped(&hex(&target)));
        cbor.extend([0x82, 0x01]);
        cbor.extend(wrapped(&hex(&target)));
        cbor.extend([0x82, 0x02, 0x81, 0x82, 0x82, 0x00, 0x20, 0x82, 0x01]);
        cbor.extend(wrapped(
            "This has not been issued on a blockchain and is for testing only",
        ));
        cbor.extend([0x82, 0x03, 0x80]);
        document["proof"] = json!([{
            "type": "DataIntegrityProof",
            "cryptosuite": "merkle-proof-2019",
            "proofPurpose": "assertionMethod",
            "verificationMethod": format!("{issuer}#key-1"),
            "proofValue": format!("z{}", bs58::encode(&cbor).into_string()),
        }]);
        let Some(signer) = signer else {
            return document;
        };
        let key = SigningKey::from_bytes(signer);
        let (_, method) = crate::signing::did_key(&key);
        let proof = crate::signing::ProofOptions {
            suite: crate::signing::SigningSuite::EddsaRdfc2022,
            verification_method: method,
            proof_purpose: "assertionMethod".to_owned(),
            created: now,
            challenge: None,
            domain: None,
        };
        verifier.sign(&document, &proof, &key).expect("signed")
    }

    #[track_caller]
    fn check_certificate(document: &Value, expected: Outcome) {
        check_certificate_with(document, Arc::new(crate::OfflineResolver), expected);
    }

    #[track_caller]
    fn check_certificate_with(
        document: &Value,
        resolver: Arc<dyn crate::Resolver>,
        expected: Outcome,
    ) {
        let verifier = crate::Verifier::new(resolver);
        let now = time::OffsetDateTime::from_unix_timestamp(1_767_225_600).expect("instant");
        let report = verifier.verify(
            document.to_string().as_bytes(),
            &crate::VerifyOptions::at(now),
        );
        assert_eq!(report.format, Format::Blockcerts);
        assert_eq!(report.outcome, expected, "{:#?}", report.checks);
    }

    #[test]
    fn merkle_integrity_alone_is_never_verified() {
        let issuer = [7u8; 32];
        let plain = merkle_certificate(&issuer, None, None);
        check_certificate(&plain, Outcome::AnchorNotChecked);
        let mut tampered = plain.clone();
        tampered["credentialSubject"]["name"] = json!("Someone Else");
        check_certificate(&tampered, Outcome::InvalidSignature);
        // Co-signed by the issuer's own key: the signature vouches, the anchor only warns.
        let signed = merkle_certificate(&issuer, Some(&issuer), None);
        check_certificate(&signed, Outcome::Verified);
        let mut tampered = signed.clone();
        tampered["credentialSubject"]["name"] = json!("Someone Else");
        check_certificate(&tampered, Outcome::InvalidSignature);
        // Co-signed by a key that is not the issuer's.
        let stranger = merkle_certificate(&issuer, Some(&[9u8; 32]), None);
        check_certificate(&stranger, Outcome::UnboundKey);
    }

    /// An issuer signature makes a certificate verifiable without its anchor, so its status
    /// must be checked like any credential's: revoked or unknown is never verified.
    #[test]
    fn an_issuer_signed_certificate_is_still_checked_for_revocation() {
        let issuer = [7u8; 32];
        let list_url = "https://issuer.example/revocations";
        let status = json!({"id": list_url, "type": "1EdTechRevocationList"});
        let signed = merkle_certificate(&issuer, Some(&issuer), Some(status));
        check_certificate(&signed, Outcome::StatusUnknown);
        let mut revoking = crate::StaticResolver::new();
        revoking.insert_json(
            list_url,
            json!({"id": list_url, "revokedCredentials": [{"id": "urn:uuid:00000000-0000-4000-8000-00000000b10c"}]})
                .to_string()
                .into_bytes(),
        );
        check_certificate_with(&signed, Arc::new(revoking), Outcome::Revoked);
        let mut clear = crate::StaticResolver::new();
        clear.insert_json(
            list_url,
            json!({"id": list_url, "revokedCredentials": []})
                .to_string()
                .into_bytes(),
        );
        check_certificate_with(&signed, Arc::new(clear), Outcome::Verified);
    }

    #[test]
    fn recognises_blockcerts() {
        let object = |value: Value| value.as_object().cloned().unwrap_or_default();
        assert!(is_blockcerts(&object(
            json!({"signature": {"type": ["MerkleProof2017", "Extension"]}})
        )));
        assert!(is_blockcerts(&object(
            json!({"proof": [{"type": "Ed25519Signature2020"}, {"type": "MerkleProof2019"}]})
        )));
        assert!(is_blockcerts(&object(
            json!({"proof": {"type": "DataIntegrityProof", "cryptosuite": "merkle-proof-2019"}})
        )));
        assert!(is_blockcerts(&object(
            json!({"receipt": {}, "document": {}})
        )));
        assert!(!is_blockcerts(&object(
            json!({"proof": {"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022"}})
        )));
    }
}
