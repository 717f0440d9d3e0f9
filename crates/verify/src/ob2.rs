//! Open Badges 2.0 assertions, hosted and signed (OB 2.0 §"Verification").
//!
//! Hosted: the assertion is fetched from its own `id` through the [`Resolver`], and that
//! copy is the truth (410 Gone or `revoked: true` mean revoked). Its `id` must lie within
//! the issuer's `verification.allowedOrigins` / `startsWith`, by default the issuer Profile's
//! own origin; URLs are compared parsed (scheme, host, port, path), never as raw prefixes,
//! so `https://issuer.example.evil.test/` and `https://issuer.example@evil.test/` fail.
//!
//! Signed: a compact JWS (RS256) whose payload is the assertion. The key is a
//! `CryptographicKey` named by `verification.creator` (or else listed in the issuer's
//! `publicKey`); it counts only if the link runs both ways: the key's `owner` is the issuer
//! and the issuer Profile lists the key.
//!
//! The issuer Profile is always dereferenced from its id, never taken from an embedded copy:
//! an embedded Profile could name any key or origin policy it likes. Fetched linked
//! documents must name themselves by the URL they were fetched from, or at least by a URL on
//! the same host (older issuers serve `…/issuer.json` naming itself `…/issuer`).
//!
//! [`Resolver`]: crate::Resolver

use std::sync::Arc;

use model::{Check, CheckKind, Container, Format, Outcome, ProofSummary};
use serde_json::{Map, Value};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use url::Url;

use crate::data_model::{CLOCK_SKEW, contexts, display_text, has_type};
use crate::jose::CompactJws;
use crate::json::{JsonError, parse_strict};
use crate::keys::PublicKey;
use crate::report::VerificationReport;
use crate::session::Session;
use crate::util::{format_datetime, string_member};

const OB2_CONTEXTS: [&str; 2] = [
    "https://w3id.org/openbadges/v2",
    "https://openbadgespec.org/v2/context.json",
];

/// Keys tried when a signed assertion names no `creator` (an issuer rarely has more).
const MAX_ISSUER_KEYS: usize = 8;

/// Entries accepted in `allowedOrigins` / `startsWith`.
const MAX_ORIGIN_RULES: usize = 64;

/// An OB 2.0 assertion: type `Assertion` with the OB 2.0 context, or with the members only
/// an assertion has (`recipient` and `badge`), so that one with a wrong context is still
/// judged as an assertion (`unknown_context`). Blockcerts v2 certificates are OB 2.0
/// assertions too, but carry a Merkle proof and go to their own verifier.
pub(crate) fn is_ob2_assertion(object: &Map<String, Value>) -> bool {
    if !has_type(object, "Assertion") || crate::blockcerts::is_blockcerts(object) {
        return false;
    }
    let ob2_context = contexts(object)
        .iter()
        .filter_map(Value::as_str)
        .any(|context| OB2_CONTEXTS.contains(&context));
    ob2_context || (object.contains_key("recipient") && object.contains_key("badge"))
}

/// `verification.type`, normalised.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum VerificationType {
    Hosted,
    Signed,
}

fn verification_type(assertion: &Map<String, Value>) -> Result<VerificationType, String> {
    let verification = assertion
        .get("verification")
        .and_then(Value::as_object)
        .ok_or("the assertion has no verification object")?;
    let kinds: Vec<&str> = match verification.get("type") {
        Some(Value::String(kind)) => vec![kind.as_str()],
        Some(Value::Array(kinds)) => kinds.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    if kinds
        .iter()
        .any(|kind| matches!(*kind, "hosted" | "HostedBadge"))
    {
        Ok(VerificationType::Hosted)
    } else if kinds
        .iter()
        .any(|kind| matches!(*kind, "signed" | "SignedBadge"))
    {
        Ok(VerificationType::Signed)
    } else {
        Err(format!(
            "verification.type is {:?}, not hosted or signed",
            verification.get("type")
        ))
    }
}

/// A hosted assertion given as JSON (a crawled file, a baked badge): verified from the copy
/// at its `id`.
pub(crate) fn verify_hosted(
    session: &Session<'_>,
    document: Arc<Value>,
    container: Container,
) -> VerificationReport {
    let mut report = VerificationReport::new(Format::Ob2Hosted, container);
    report.document = Some(Arc::clone(&document));
    let Some(given) = document.as_object() else {
        report.record(
            Check::fail(CheckKind::Parse, "an assertion is a JSON object"),
            Outcome::Malformed,
        );
        return report;
    };
    if !check_contexts(session, given, &mut report) {
        return report;
    }
    match verification_type(given) {
        Ok(VerificationType::Hosted) => {}
        Ok(VerificationType::Signed) => {
            report.format = Format::Ob2Signed;
            report.record(
                Check::fail(
                    CheckKind::Signature,
                    "a signed Open Badges 2.0 assertion verifies only as its JWS; this is its bare payload",
                ),
                Outcome::NoProof,
            );
            return report;
        }
        Err(problem) => {
            report.record(Check::fail(CheckKind::Parse, problem), Outcome::Malformed);
            return report;
        }
    }
    let Some(id) = string_member(given, "id") else {
        report.record(
            Check::fail(CheckKind::Parse, "a hosted assertion needs its URL as id"),
            Outcome::Malformed,
        );
        return report;
    };
    let id = id.to_owned();
    verify_at(session, &id, Some(given), report)
}

/// A hosted assertion known only by URL (a baked OB 2.0 / 1.x badge holding a URL).
pub(crate) fn verify_hosted_url(
    session: &Session<'_>,
    url: &str,
    container: Container,
) -> VerificationReport {
    let report = VerificationReport::new(Format::Ob2Hosted, container);
    verify_at(session, url, None, report)
}

/// Fetches the assertion at `url` and verifies that copy.
fn verify_at(
    session: &Session<'_>,
    url: &str,
    given: Option<&Map<String, Value>>,
    mut report: VerificationReport,
) -> VerificationReport {
    let assertion_url = match http_url(url) {
        Ok(parsed) => parsed,
        Err(problem) => {
            report.record(
                Check::fail(
                    CheckKind::Parse,
                    format!("a hosted assertion's id must be its HTTP(S) URL: {problem}"),
                ),
                Outcome::Malformed,
            );
            return report;
        }
    };
    let fetched = match session.resolver.fetch(url) {
        Ok(fetched) => fetched,
        Err(error) => {
            report.record(
                Check::fail(
                    CheckKind::Signature,
                    format!(
                        "could not fetch the hosted assertion at {url} ({error}); for a hosted badge the issuer's server stands in for a signature"
                    ),
                ),
                Outcome::KeyResolutionFailed,
            );
            return report;
        }
    };
    if fetched.status == 410 {
        report.record(
            Check::fail(CheckKind::Status, format!("{url} answered 410 Gone")),
            Outcome::Revoked,
        );
        return report;
    }
    if !(200..300).contains(&fetched.status) {
        report.record(
            Check::fail(
                CheckKind::Signature,
                format!(
                    "the hosted assertion at {url} answered HTTP {}; for a hosted badge the issuer's server stands in for a signature",
                    fetched.status
                ),
            ),
            Outcome::KeyResolutionFailed,
        );
        return report;
    }
    let hosted = match parse_strict(&fetched.body, session.limits().max_json_depth) {
        Ok(Value::Object(hosted)) => hosted,
        Ok(_) => {
            report.record(
                Check::fail(
                    CheckKind::Parse,
                    format!("the copy at {url} is not a JSON object"),
                ),
                Outcome::Malformed,
            );
            return report;
        }
        Err(JsonError::TooDeep(limit)) => {
            report.record(
                Check::fail(
                    CheckKind::Parse,
                    format!("the copy at {url} nests deeper than {limit}"),
                ),
                Outcome::TooLarge,
            );
            return report;
        }
        Err(error) => {
            report.record(
                Check::fail(CheckKind::Parse, format!("the copy at {url}: {error}")),
                Outcome::Malformed,
            );
            return report;
        }
    };
    if hosted.get("revoked") == Some(&Value::Bool(true)) {
        let reason = string_member(&hosted, "revocationReason")
            .map(|reason| format!(": {reason}"))
            .unwrap_or_default();
        report.record(
            Check::fail(
                CheckKind::Status,
                format!("the copy at {url} says revoked{reason}"),
            ),
            Outcome::Revoked,
        );
        return report;
    }
    report.document = Some(Arc::new(Value::Object(hosted.clone())));
    if let Some(given) = given
        && *given != hosted
    {
        report.note(Check::warn(
            CheckKind::Parse,
            format!("the copy served at {url} differs from the one given; the served copy is the one verified"),
        ));
    }
    if !has_type(&hosted, "Assertion") && hosted.contains_key("verify") {
        report.record(
            Check::fail(
                CheckKind::Parse,
                format!(
                    "the document at {url} is an Open Badges 1.x assertion, which is not verified"
                ),
            ),
            Outcome::Unsupported,
        );
        return report;
    }
    if !has_type(&hosted, "Assertion") {
        report.record(
            Check::fail(
                CheckKind::Parse,
                format!("the document at {url} is not an Open Badges 2.0 Assertion"),
            ),
            Outcome::Malformed,
        );
        return report;
    }
    if !check_contexts(session, &hosted, &mut report) {
        return report;
    }
    match verification_type(&hosted) {
        Ok(VerificationType::Hosted) => {}
        Ok(VerificationType::Signed) => {
            report.record(
                Check::fail(
                    CheckKind::Parse,
                    format!("the copy at {url} declares signed verification, not hosted"),
                ),
                Outcome::Malformed,
            );
            return report;
        }
        Err(problem) => {
            report.record(Check::fail(CheckKind::Parse, problem), Outcome::Malformed);
            return report;
        }
    }
    if string_member(&hosted, "id") != Some(url) {
        report.record(
            Check::fail(
                CheckKind::KeyBinding,
                format!(
                    "the assertion served at {url} names itself {:?}: a hosted assertion lives at its own id",
                    string_member(&hosted, "id").unwrap_or("(no id)")
                ),
            ),
            Outcome::OriginMismatch,
        );
        return report;
    }
    report.note(Check::pass(
        CheckKind::Signature,
        format!("the hosted assertion is served at its id {url}"),
    ));
    let Some(facts) = check_structure(&hosted, &mut report) else {
        return report;
    };
    let Some(issuer) = resolve_badge_and_issuer(session, &hosted, &mut report) else {
        return report;
    };
    check_origin(&issuer, &assertion_url, &mut report);
    check_dates(session, &facts, &mut report);
    check_revocation_list(
        session,
        &issuer.profile,
        &[issuer.url.as_str(), &issuer.declared_id],
        url,
        &mut report,
    );
    report.seal()
}

/// A signed assertion: the JWS payload is the assertion.
pub(crate) fn verify_signed(
    session: &Session<'_>,
    jws: &CompactJws<'_>,
    payload: Map<String, Value>,
    container: Container,
) -> VerificationReport {
    let mut report = VerificationReport::new(Format::Ob2Signed, container);
    let payload = Arc::new(Value::Object(payload));
    report.document = Some(Arc::clone(&payload));
    let Some(assertion) = payload.as_object() else {
        return report;
    };
    if !check_contexts(session, assertion, &mut report) {
        return report;
    }
    match verification_type(assertion) {
        Ok(VerificationType::Signed) => {}
        Ok(VerificationType::Hosted) => {
            report.record(
                Check::fail(
                    CheckKind::Parse,
                    "a JWS carries an assertion whose verification.type is hosted",
                ),
                Outcome::Malformed,
            );
            return report;
        }
        Err(problem) => {
            report.record(Check::fail(CheckKind::Parse, problem), Outcome::Malformed);
            return report;
        }
    }
    if let Some(critical) = jws.header.get("crit") {
        report.record(
            Check::fail(
                CheckKind::Parse,
                format!("critical header parameters {critical} are not understood"),
            ),
            Outcome::Malformed,
        );
        return report;
    }
    let Some(facts) = check_structure(assertion, &mut report) else {
        return report;
    };
    let Some(issuer) = resolve_badge_and_issuer(session, assertion, &mut report) else {
        return report;
    };
    let creator = assertion
        .get("verification")
        .and_then(Value::as_object)
        .and_then(|verification| string_member(verification, "creator"));
    let outcome = verify_signed_key(session, jws, &issuer, creator, &mut report);
    report.proofs.push(ProofSummary {
        proof_type: format!("JWS {}", jws.algorithm().unwrap_or("(none)")),
        cryptosuite: None,
        verification_method: creator.map(str::to_owned),
        proof_purpose: None,
        created: None,
        outcome,
    });
    check_dates(session, &facts, &mut report);
    if let Some(id) = string_member(assertion, "id") {
        check_revocation_list(
            session,
            &issuer.profile,
            &[issuer.url.as_str(), &issuer.declared_id],
            id,
            &mut report,
        );
    } else {
        report.note(Check::skip(
            CheckKind::Status,
            "the assertion has no id, so no revocation list can name it",
        ));
    }
    report.seal()
}

/// The assertion's contexts: every one a pinned URL, one of them OB 2.0's (closed world;
/// an inline context object could redefine any term).
fn check_contexts(
    session: &Session<'_>,
    assertion: &Map<String, Value>,
    report: &mut VerificationReport,
) -> bool {
    let contexts = contexts(assertion);
    let inline = contexts.iter().any(|context| !context.is_string());
    let unknown: Vec<&str> = contexts
        .iter()
        .filter_map(Value::as_str)
        .filter(|url| !session.contexts().contains(url))
        .collect();
    let has_ob2 = contexts
        .iter()
        .filter_map(Value::as_str)
        .any(|context| OB2_CONTEXTS.contains(&context));
    let problem = if inline {
        Some("an inline @context object is refused (closed world)".to_owned())
    } else if !unknown.is_empty() {
        Some(format!(
            "context not in the pinned set: {}",
            unknown.join(", ")
        ))
    } else if !has_ob2 {
        Some("the Open Badges 2.0 context is missing".to_owned())
    } else {
        None
    };
    match problem {
        Some(problem) => {
            report.record(
                Check::fail(CheckKind::Context, problem),
                Outcome::UnknownContext,
            );
            false
        }
        None => {
            report.note(Check::pass(
                CheckKind::Context,
                "Open Badges 2.0 context, pinned",
            ));
            true
        }
    }
}

/// What the structural checks read.
struct AssertionFacts {
    issued_on: OffsetDateTime,
    expires: Option<OffsetDateTime>,
}

/// Recipient and dates; `None` (with the failure recorded) when malformed.
fn check_structure(
    assertion: &Map<String, Value>,
    report: &mut VerificationReport,
) -> Option<AssertionFacts> {
    let mut fail = |problem: String| {
        report.record(Check::fail(CheckKind::Parse, problem), Outcome::Malformed);
        None
    };
    let recipient = match assertion.get("recipient").map(Recipient::read) {
        Some(Ok(recipient)) => recipient,
        Some(Err(problem)) => return fail(format!("recipient: {problem}")),
        None => return fail("the assertion has no recipient".to_owned()),
    };
    let issued_on = match assertion.get("issuedOn").map(read_date) {
        Some(Ok(date)) => date,
        Some(Err(problem)) => return fail(format!("issuedOn: {problem}")),
        None => return fail("the assertion has no issuedOn".to_owned()),
    };
    let expires = match assertion.get("expires").map(read_date) {
        None => None,
        Some(Ok(date)) => Some(date),
        Some(Err(problem)) => return fail(format!("expires: {problem}")),
    };
    if let Some(expires) = expires
        && expires.instant < issued_on.instant
    {
        return fail(format!(
            "expires {} is before issuedOn {}",
            format_datetime(expires.instant),
            format_datetime(issued_on.instant)
        ));
    }
    for date in [Some(&issued_on), expires.as_ref()].into_iter().flatten() {
        if let Some(warning) = &date.warning {
            report.note(Check::warn(CheckKind::Parse, *warning));
        }
    }
    if let Some(warning) = recipient.warning() {
        report.note(Check::warn(CheckKind::Parse, warning));
    }
    report.note(Check::pass(
        CheckKind::Parse,
        format!(
            "well-formed Open Badges 2.0 assertion; recipient {}",
            recipient.describe()
        ),
    ));
    Some(AssertionFacts {
        issued_on: issued_on.instant,
        expires: expires.map(|date| date.instant),
    })
}

/// `recipient` (OB 2.0 IdentityObject): `identity` is `sha256$<hex>` or `md5$<hex>` of
/// identity + salt when `hashed`, else the plain identity.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Recipient<'a> {
    kind: &'a str,
    identity: Identity<'a>,
    salted: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Identity<'a> {
    Sha256,
    Md5,
    Plain(&'a str),
}

impl<'a> Recipient<'a> {
    fn read(value: &'a Value) -> Result<Self, String> {
        let recipient = value.as_object().ok_or("must be an object")?;
        let kind = string_member(recipient, "type").ok_or("type is missing")?;
        let identity = string_member(recipient, "identity").ok_or("identity is missing")?;
        let hashed = match recipient.get("hashed") {
            Some(Value::Bool(hashed)) => *hashed,
            Some(_) => return Err("hashed must be a boolean".to_owned()),
            None => return Err("hashed is missing".to_owned()),
        };
        let salted = match recipient.get("salt") {
            None | Some(Value::Null) => false,
            Some(Value::String(salt)) => !salt.is_empty(),
            Some(_) => return Err("salt must be a string".to_owned()),
        };
        let identity = if hashed {
            let (algorithm, digest) = identity
                .split_once('$')
                .ok_or("a hashed identity is algorithm$hexdigest")?;
            let hex = |length: usize| {
                digest.len() == length && digest.bytes().all(|byte| byte.is_ascii_hexdigit())
            };
            match algorithm.to_ascii_lowercase().as_str() {
                "sha256" if hex(64) => Identity::Sha256,
                "md5" if hex(32) => Identity::Md5,
                "sha256" | "md5" => {
                    return Err(format!("the {algorithm} digest has the wrong length"));
                }
                other => return Err(format!("unknown identity hash {other:?}")),
            }
        } else {
            if identity.trim().is_empty() {
                return Err("identity is empty".to_owned());
            }
            Identity::Plain(identity)
        };
        Ok(Recipient {
            kind,
            identity,
            salted,
        })
    }

    fn describe(&self) -> String {
        let salt = if self.salted { "salted" } else { "unsalted" };
        match self.identity {
            Identity::Sha256 => format!("{} (sha256, {salt})", self.kind),
            Identity::Md5 => format!("{} (md5, {salt})", self.kind),
            Identity::Plain(_) => format!("{} (not hashed)", self.kind),
        }
    }

    /// Weak recipient hashes verify (reliability F9) but deserve a word.
    fn warning(&self) -> Option<String> {
        match (&self.identity, self.salted) {
            (Identity::Md5, _) => {
                Some("the recipient is hashed with md5, which is weak".to_owned())
            }
            (Identity::Sha256, false) => Some(
                "the recipient hash is unsalted: anyone can test guesses of the identity"
                    .to_owned(),
            ),
            _ => None,
        }
    }
}

/// An OB 2.0 DateTime, with a warning when it had to be read leniently.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Ob2Date {
    instant: OffsetDateTime,
    warning: Option<&'static str>,
}

impl Ob2Date {
    fn new(instant: OffsetDateTime) -> Self {
        Ob2Date {
            instant,
            warning: None,
        }
    }
}

/// OB 2.0 DateTime: ISO 8601 with an offset, or a Unix timestamp (number or digits). A date
/// or date-time without an offset is read as UTC, with a warning.
fn read_date(value: &Value) -> Result<Ob2Date, String> {
    let from_seconds = |seconds: i64| {
        OffsetDateTime::from_unix_timestamp(seconds)
            .map(Ob2Date::new)
            .map_err(|_| format!("timestamp {seconds} is out of range"))
    };
    let text = match value {
        Value::Number(number) => {
            return number
                .as_i64()
                .ok_or_else(|| format!("{number} is not a whole Unix timestamp"))
                .and_then(from_seconds);
        }
        Value::String(text) => text.trim(),
        _ => return Err("must be a date-time string or a timestamp".to_owned()),
    };
    if !text.is_empty() && text.len() <= 12 && text.bytes().all(|byte| byte.is_ascii_digit()) {
        return text
            .parse::<i64>()
            .map_err(|error| error.to_string())
            .and_then(from_seconds);
    }
    if let Ok(instant) = OffsetDateTime::parse(text, &Rfc3339) {
        return Ok(Ob2Date::new(instant));
    }
    let without_offset = if text.len() == 10 {
        format!("{text}T00:00:00Z")
    } else {
        format!("{text}Z")
    };
    OffsetDateTime::parse(&without_offset, &Rfc3339)
        .map(|instant| Ob2Date {
            instant,
            warning: Some("a date without a time zone was read as UTC"),
        })
        .map_err(|_| format!("{text:?} is not an ISO 8601 date-time or a Unix timestamp"))
}

/// The issuer Profile a badge names, fetched from its id.
struct Issuer {
    /// The URL the Profile was dereferenced from: the issuer's identity.
    url: Url,
    /// The id the Profile gives itself (the URL, or one on the same host).
    declared_id: String,
    profile: Map<String, Value>,
}

impl Issuer {
    /// The ids a key's `owner` may name.
    fn is(&self, id: &str) -> bool {
        id == self.url.as_str() || id == self.declared_id
    }
}

/// `badge` (embedded or fetched) → its `issuer`, always fetched. Records the checks; `None`
/// when the chain breaks.
fn resolve_badge_and_issuer(
    session: &Session<'_>,
    assertion: &Map<String, Value>,
    report: &mut VerificationReport,
) -> Option<Issuer> {
    let unresolved = |report: &mut VerificationReport, problem: String| {
        report.record(
            Check::fail(CheckKind::KeyBinding, problem),
            Outcome::KeyResolutionFailed,
        );
        None
    };
    let badge = match assertion.get("badge") {
        Some(Value::String(url)) => match fetch_linked(session, url, "BadgeClass") {
            Ok(linked) => {
                if let Some(note) = linked.note {
                    report.note(Check::warn(CheckKind::Parse, note));
                }
                linked.document
            }
            Err(problem) => return unresolved(report, problem),
        },
        Some(Value::Object(badge)) => badge.clone(),
        _ => {
            report.record(
                Check::fail(CheckKind::Parse, "badge must be a BadgeClass URL or object"),
                Outcome::Malformed,
            );
            return None;
        }
    };
    report.achievement_name = badge.get("name").and_then(display_text);
    let issuer_id = match badge.get("issuer") {
        Some(Value::String(id)) => id.clone(),
        // An embedded Profile is only a pointer: its keys and origin policy are read from
        // the copy at its id.
        Some(Value::Object(issuer)) => match string_member(issuer, "id") {
            Some(id) => id.to_owned(),
            None => {
                return unresolved(
                    report,
                    "the badge's issuer has no id to dereference".to_owned(),
                );
            }
        },
        _ => {
            report.record(
                Check::fail(CheckKind::Parse, "the BadgeClass names no issuer"),
                Outcome::Malformed,
            );
            return None;
        }
    };
    report.issuer = Some(issuer_id.clone());
    let linked = match fetch_linked(session, &issuer_id, "issuer Profile") {
        Ok(linked) => linked,
        Err(problem) => return unresolved(report, problem),
    };
    if let Some(note) = linked.note {
        report.note(Check::warn(CheckKind::Parse, note));
    }
    report.issuer_name = linked.document.get("name").and_then(display_text);
    Some(Issuer {
        declared_id: string_member(&linked.document, "id")
            .unwrap_or_default()
            .to_owned(),
        url: linked.url,
        profile: linked.document,
    })
}

/// A linked document (BadgeClass, Profile, CryptographicKey, RevocationList) as fetched.
struct Linked {
    url: Url,
    document: Map<String, Value>,
    /// Set when the document names itself differently from the URL (same host).
    note: Option<String>,
}

fn fetch_linked(session: &Session<'_>, url: &str, what: &str) -> Result<Linked, String> {
    let parsed = http_url(url).map_err(|problem| format!("the {what} {url:?}: {problem}"))?;
    let fetched = session
        .resolver
        .fetch(url)
        .map_err(|error| format!("could not fetch the {what} at {url}: {error}"))?;
    if !(200..300).contains(&fetched.status) {
        return Err(format!(
            "the {what} at {url} answered HTTP {}",
            fetched.status
        ));
    }
    let document = match parse_strict(&fetched.body, session.limits().max_json_depth) {
        Ok(Value::Object(document)) => document,
        Ok(_) => return Err(format!("the {what} at {url} is not a JSON object")),
        Err(error) => return Err(format!("the {what} at {url}: {error}")),
    };
    let note = match string_member(&document, "id") {
        Some(id) if id == url => None,
        Some(id) if same_host(&parsed, id) => Some(format!(
            "the {what} fetched from {url} names itself {id}; accepted because it is on the same host"
        )),
        Some(id) => {
            return Err(format!(
                "the {what} fetched from {url} names itself {id}, on another host"
            ));
        }
        None => return Err(format!("the {what} at {url} has no id")),
    };
    Ok(Linked {
        url: parsed,
        document,
        note,
    })
}

/// An absolute `http:`/`https:` URL with a host and no userinfo.
fn http_url(text: &str) -> Result<Url, String> {
    let url = Url::parse(text).map_err(|error| format!("not a URL ({error})"))?;
    if !matches!(url.scheme(), "https" | "http") {
        return Err(format!("{text:?} is not an HTTP(S) URL"));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(format!("{text:?} has no host"));
    }
    // `https://issuer.example@evil.test/` reads as issuer.example to people (reliability F3).
    if !url.username().is_empty() || url.password().is_some() {
        return Err(format!("{text:?} carries user information"));
    }
    Ok(url)
}

fn same_host(url: &Url, other: &str) -> bool {
    http_url(other).is_ok_and(|other| other.host_str() == url.host_str())
}

/// `verification.allowedOrigins` / `startsWith` of the issuer, by default the issuer
/// Profile's own origin (OB 2.0 §VerificationObject).
fn check_origin(issuer: &Issuer, assertion: &Url, report: &mut VerificationReport) {
    match origin_allows(issuer, assertion) {
        Ok(detail) => {
            // For a hosted badge, being served by the issuer's own origin is what binds it.
            report.note(Check::pass(CheckKind::KeyBinding, detail));
            report.mark_bound_to_controller();
        }
        Err(problem) => report.record(
            Check::fail(CheckKind::KeyBinding, problem),
            Outcome::OriginMismatch,
        ),
    }
}

fn origin_allows(issuer: &Issuer, assertion: &Url) -> Result<String, String> {
    let policy = issuer
        .profile
        .get("verification")
        .and_then(Value::as_object);
    let list = |name: &str| -> Option<Vec<&str>> {
        let value = policy?.get(name)?;
        Some(match value {
            Value::String(single) => vec![single.as_str()],
            Value::Array(values) => values
                .iter()
                .take(MAX_ORIGIN_RULES)
                .filter_map(Value::as_str)
                .collect(),
            _ => Vec::new(),
        })
    };
    let allowed_origins = list("allowedOrigins");
    let starts_with = list("startsWith");
    let assertion_host = assertion.host_str().unwrap_or_default();
    if allowed_origins.is_none() && starts_with.is_none() {
        return if assertion.origin() == issuer.url.origin() {
            Ok(format!(
                "the assertion is on the issuer's origin {}",
                issuer.url.origin().ascii_serialization()
            ))
        } else {
            Err(format!(
                "the assertion {assertion} is not on the issuer's origin {} and the issuer allows no other",
                issuer.url.origin().ascii_serialization()
            ))
        };
    }
    // allowedOrigins are host names: exactly equal, no subdomains (OB 2.0: "the host
    // registered name subcomponent of an allowed origin").
    for allowed in allowed_origins.iter().flatten() {
        if allowed.eq_ignore_ascii_case(assertion_host) {
            return Ok(format!("the issuer allows the host {allowed}"));
        }
    }
    // startsWith: same scheme, host and port, then a path prefix of the normalised path.
    for prefix in starts_with.iter().flatten() {
        let Ok(prefix_url) = http_url(prefix) else {
            continue;
        };
        if prefix_url.origin() == assertion.origin()
            && assertion.path().starts_with(prefix_url.path())
        {
            return Ok(format!(
                "the assertion id starts with the issuer's {prefix}"
            ));
        }
    }
    let mut rules: Vec<String> = Vec::new();
    if let Some(hosts) = allowed_origins {
        rules.push(format!("allowedOrigins {hosts:?}"));
    }
    if let Some(prefixes) = starts_with {
        rules.push(format!("startsWith {prefixes:?}"));
    }
    Err(format!(
        "the assertion {assertion} is outside the issuer's {}",
        rules.join(" and ")
    ))
}

fn check_dates(session: &Session<'_>, facts: &AssertionFacts, report: &mut VerificationReport) {
    let now = session.now();
    let mut valid = true;
    if facts.issued_on > now + CLOCK_SKEW {
        valid = false;
        report.record(
            Check::fail(
                CheckKind::Validity,
                format!(
                    "issued on {}, in the future",
                    format_datetime(facts.issued_on)
                ),
            ),
            Outcome::NotYetValid,
        );
    }
    if let Some(expires) = facts.expires
        && expires < now
    {
        valid = false;
        report.record(
            Check::fail(
                CheckKind::Validity,
                format!("expired at {}", format_datetime(expires)),
            ),
            Outcome::Expired,
        );
    }
    if valid {
        let until = facts
            .expires
            .map(format_datetime)
            .unwrap_or_else(|| "no end".to_owned());
        report.note(Check::pass(
            CheckKind::Validity,
            format!("valid now (until {until})"),
        ));
    }
}

/// The issuer's `revocationList` (OB 2.0 RevocationList, also used by Blockcerts v2): a
/// fetch failure is `status_unknown`, never "not revoked". `issuer_ids` are the ids the list
/// may name as its issuer.
pub(crate) fn check_revocation_list(
    session: &Session<'_>,
    profile: &Map<String, Value>,
    issuer_ids: &[&str],
    assertion_id: &str,
    report: &mut VerificationReport,
) {
    let Some(list_url) = profile.get("revocationList") else {
        report.note(Check::skip(
            CheckKind::Status,
            "the issuer publishes no revocationList",
        ));
        return;
    };
    let Some(list_url) = list_url.as_str() else {
        report.record(
            Check::fail(
                CheckKind::Status,
                "the issuer's revocationList is not a URL",
            ),
            Outcome::StatusUnknown,
        );
        return;
    };
    let list = match fetch_linked(session, list_url, "revocation list") {
        Ok(list) => list.document,
        Err(problem) => {
            report.record(
                Check::fail(CheckKind::Status, problem),
                Outcome::StatusUnknown,
            );
            return;
        }
    };
    if let Some(list_issuer) = string_member(&list, "issuer")
        && !issuer_ids.contains(&list_issuer)
    {
        report.record(
            Check::fail(
                CheckKind::Status,
                format!("the revocation list belongs to {list_issuer}, not the issuer"),
            ),
            Outcome::StatusUnknown,
        );
        return;
    }
    let Some(Value::Array(revoked)) = list.get("revokedAssertions") else {
        report.record(
            Check::fail(
                CheckKind::Status,
                format!("the revocation list at {list_url} has no revokedAssertions array"),
            ),
            Outcome::StatusUnknown,
        );
        return;
    };
    let entry = revoked.iter().find(|entry| match entry {
        Value::String(id) => id == assertion_id,
        Value::Object(entry) => string_member(entry, "id") == Some(assertion_id),
        _ => false,
    });
    match entry {
        Some(entry) => {
            let reason = entry
                .get("revocationReason")
                .and_then(Value::as_str)
                .map(|reason| format!(": {reason}"))
                .unwrap_or_default();
            report.record(
                Check::fail(
                    CheckKind::Status,
                    format!("the issuer's revocation list revokes {assertion_id}{reason}"),
                ),
                Outcome::Revoked,
            );
        }
        None => report.note(Check::pass(
            CheckKind::Status,
            format!(
                "not among the {} assertions the issuer revoked",
                revoked.len()
            ),
        )),
    }
}

/// Resolves the signing key and checks the signature and the two-way link. Returns the
/// proof's outcome.
fn verify_signed_key(
    session: &Session<'_>,
    jws: &CompactJws<'_>,
    issuer: &Issuer,
    creator: Option<&str>,
    report: &mut VerificationReport,
) -> Outcome {
    let listed: Vec<&Value> = match issuer.profile.get("publicKey") {
        Some(Value::Array(keys)) => keys.iter().collect(),
        Some(single) => vec![single],
        None => Vec::new(),
    };
    let listed_id = |key: &Value| match key {
        Value::String(id) => Some(id.clone()),
        Value::Object(key) => string_member(key, "id").map(str::to_owned),
        _ => None,
    };
    let candidates: Vec<(String, Option<&Value>)> = match creator {
        Some(creator) => {
            let listing = listed
                .iter()
                .copied()
                .find(|key| listed_id(key).as_deref() == Some(creator));
            vec![(creator.to_owned(), listing)]
        }
        None => listed
            .iter()
            .take(MAX_ISSUER_KEYS)
            .filter_map(|key| listed_id(key).map(|id| (id, Some(*key))))
            .collect(),
    };
    if candidates.is_empty() {
        report.record(
            Check::fail(
                CheckKind::Signature,
                "the assertion names no creator key and the issuer lists no publicKey",
            ),
            Outcome::KeyResolutionFailed,
        );
        return Outcome::KeyResolutionFailed;
    }
    let mut last_problem = String::new();
    let mut any_key = false;
    for (key_id, listing) in &candidates {
        // A key embedded in the (fetched) Profile is the issuer's own word; otherwise the
        // key document is fetched from its id.
        let key_document = match listing {
            Some(Value::Object(embedded)) if embedded.contains_key("publicKeyPem") => {
                Ok(embedded.clone())
            }
            _ => fetch_linked(session, key_id, "CryptographicKey").map(|linked| linked.document),
        };
        let key_document = match key_document {
            Ok(document) => document,
            Err(problem) => {
                last_problem = problem;
                continue;
            }
        };
        let key = match read_pem_key(&key_document) {
            Ok(key) => key,
            Err(problem) => {
                last_problem = format!("{key_id}: {problem}");
                continue;
            }
        };
        any_key = true;
        if let Err(problem) = jws.verify_signature(&key) {
            last_problem = format!("{key_id}: {problem}");
            continue;
        }
        report.note(Check::pass(
            CheckKind::Signature,
            format!(
                "{} signature valid with {key_id}",
                jws.algorithm().unwrap_or_default()
            ),
        ));
        let owner = string_member(&key_document, "owner");
        let problem = match (owner, listing) {
            (Some(owner), Some(_)) if issuer.is(owner) => None,
            (Some(owner), _) if !issuer.is(owner) => Some(format!(
                "the key {key_id} is owned by {owner}, not by the issuer {}",
                issuer.url
            )),
            (None, _) => Some(format!("the key {key_id} names no owner")),
            (Some(_), _) => Some(format!(
                "the issuer {} does not list {key_id} in its publicKey",
                issuer.url
            )),
        };
        return match problem {
            None => {
                report.note(Check::pass(
                    CheckKind::KeyBinding,
                    format!(
                        "{key_id} is owned by the issuer and listed in its publicKey (two-way link)"
                    ),
                ));
                report.mark_bound_to_controller();
                Outcome::Verified
            }
            Some(problem) => {
                report.record(
                    Check::fail(CheckKind::KeyBinding, problem),
                    Outcome::UnboundKey,
                );
                Outcome::UnboundKey
            }
        };
    }
    if any_key {
        report.record(
            Check::fail(CheckKind::Signature, last_problem),
            Outcome::InvalidSignature,
        );
        Outcome::InvalidSignature
    } else {
        report.record(
            Check::fail(
                CheckKind::Signature,
                format!("no key to check the signature with: {last_problem}"),
            ),
            Outcome::KeyResolutionFailed,
        );
        Outcome::KeyResolutionFailed
    }
}

/// `publicKeyPem`: an SPKI (`PUBLIC KEY`) or PKCS#1 (`RSA PUBLIC KEY`) RSA key.
fn read_pem_key(key: &Map<String, Value>) -> Result<PublicKey, String> {
    use rsa::pkcs1::DecodeRsaPublicKey as _;
    use rsa::pkcs8::DecodePublicKey as _;
    let pem = string_member(key, "publicKeyPem").ok_or("the key has no publicKeyPem")?;
    let pem = pem.trim();
    let rsa_key = if pem.starts_with("-----BEGIN RSA PUBLIC KEY-----") {
        rsa::RsaPublicKey::from_pkcs1_pem(pem)
            .map_err(|error| format!("bad PKCS#1 PEM: {error}"))?
    } else {
        rsa::RsaPublicKey::from_public_key_pem(pem)
            .map_err(|error| format!("bad public key PEM (only RSA is used by OB 2.0): {error}"))?
    };
    PublicKey::rsa(rsa_key)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[track_caller]
    fn check_origin_rule(
        issuer_url: &str,
        verification: Option<Value>,
        assertion: &str,
        allowed: bool,
    ) {
        let mut profile = Map::new();
        if let Some(verification) = verification {
            profile.insert("verification".to_owned(), verification);
        }
        let issuer = Issuer {
            url: http_url(issuer_url).expect("test issuer URL"),
            declared_id: issuer_url.to_owned(),
            profile,
        };
        let verdict = http_url(assertion).and_then(|url| origin_allows(&issuer, &url));
        assert_eq!(verdict.is_ok(), allowed, "{assertion}: {verdict:?}");
    }

    #[test]
    fn origins_are_compared_parsed() {
        let issuer = "https://issuer.example/profile.json";
        // Default: the issuer Profile's own origin.
        check_origin_rule(issuer, None, "https://issuer.example/a/1.json", true);
        check_origin_rule(issuer, None, "https://ISSUER.example:443/a", true);
        check_origin_rule(issuer, None, "http://issuer.example/a", false);
        check_origin_rule(issuer, None, "https://issuer.example:8443/a", false);
        check_origin_rule(issuer, None, "https://issuer.example.evil.test/a", false);
        check_origin_rule(issuer, None, "https://evil.issuer.example/a", false);
        // startsWith: reliability F2 (suffix) and path tricks.
        let starts = Some(json!({"startsWith": "https://issuer.example/badges/"}));
        check_origin_rule(
            issuer,
            starts.clone(),
            "https://issuer.example/badges/1",
            true,
        );
        check_origin_rule(
            issuer,
            starts.clone(),
            "https://issuer.example/other/1",
            false,
        );
        check_origin_rule(
            issuer,
            starts.clone(),
            "https://issuer.example/badges/../admin/1",
            false,
        );
        check_origin_rule(
            issuer,
            starts.clone(),
            "https://issuer.example/badges/%2e%2e/admin/1",
            false,
        );
        check_origin_rule(
            issuer,
            Some(json!({"startsWith": "https://issuer.example"})),
            "https://issuer.example.evil.test/a",
            false,
        );
        check_origin_rule(
            issuer,
            starts.clone(),
            "http://issuer.example/badges/1",
            false,
        );
        // F3: userinfo.
        check_origin_rule(
            issuer,
            starts,
            "https://issuer.example@evil.test/badges/1",
            false,
        );
        check_origin_rule(issuer, None, "https://issuer.example@evil.test/a", false);
        check_origin_rule(issuer, None, "https://x:y@issuer.example/a", false);
        // allowedOrigins: exact host names.
        let hosts = Some(json!({"allowedOrigins": ["badges.example", "issuer.example"]}));
        check_origin_rule(issuer, hosts.clone(), "https://badges.example/1", true);
        check_origin_rule(issuer, hosts.clone(), "http://badges.example:8080/1", true);
        check_origin_rule(issuer, hosts.clone(), "https://a.badges.example/1", false);
        check_origin_rule(issuer, hosts, "https://badges.example.evil.test/1", false);
        // An explicit policy replaces the default.
        check_origin_rule(
            issuer,
            Some(json!({"allowedOrigins": "other.example"})),
            "https://issuer.example/a",
            false,
        );
        // F4: non-HTTP ids never parse as fetchable.
        assert!(http_url("urn:uuid:1234").is_err());
        assert!(http_url("ftp://issuer.example/a").is_err());
    }

    #[track_caller]
    fn check_recipient(recipient: Value, expected: Result<&str, &str>) {
        let actual = Recipient::read(&recipient).map(|recipient| recipient.describe());
        match (actual, expected) {
            (Ok(actual), Ok(expected)) => assert_eq!(actual, expected),
            (Err(actual), Err(fragment)) => {
                assert!(actual.contains(fragment), "{actual:?} lacks {fragment:?}")
            }
            (actual, expected) => panic!("got {actual:?}, expected {expected:?}"),
        }
    }

    #[test]
    fn recipients() {
        let sha = "sha256$ecf5409f3f4b91ab60cc5ef4c02aef7032354375e70cf4d8e43f6a1d29891942";
        check_recipient(
            json!({"type": "email", "hashed": true, "salt": "deadsea", "identity": sha}),
            Ok("email (sha256, salted)"),
        );
        check_recipient(
            json!({"type": "email", "hashed": true, "identity": "md5$c4ca4238a0b923820dcc509a6f75849b"}),
            Ok("email (md5, unsalted)"),
        );
        check_recipient(
            json!({"type": "url", "hashed": false, "identity": "https://earner.example"}),
            Ok("url (not hashed)"),
        );
        check_recipient(
            json!({"type": "email", "hashed": true, "identity": "sha256$abc"}),
            Err("wrong length"),
        );
        check_recipient(
            json!({"type": "email", "hashed": true, "identity": "sha1$abc"}),
            Err("unknown identity hash"),
        );
        check_recipient(
            json!({"type": "email", "hashed": "yes", "identity": sha}),
            Err("boolean"),
        );
        check_recipient(json!({"type": "email", "hashed": false}), Err("identity"));
        check_recipient(json!("me@example.org"), Err("object"));
    }

    #[track_caller]
    fn check_date(value: Value, expected: Result<&str, &str>) {
        match (read_date(&value), expected) {
            (Ok(date), Ok(expected)) => assert_eq!(format_datetime(date.instant), expected),
            (Err(actual), Err(fragment)) => {
                assert!(actual.contains(fragment), "{actual:?} lacks {fragment:?}")
            }
            (actual, expected) => panic!("got {actual:?}, expected {expected:?}"),
        }
    }

    #[test]
    fn dates() {
        check_date(json!("2016-12-31T23:59:59Z"), Ok("2016-12-31T23:59:59Z"));
        check_date(
            json!("2016-12-31T23:59:59+01:00"),
            Ok("2016-12-31T23:59:59+01:00"),
        );
        check_date(json!("2016-12-31T23:59:59"), Ok("2016-12-31T23:59:59Z"));
        check_date(json!("2016-12-31"), Ok("2016-12-31T00:00:00Z"));
        check_date(json!(1_483_228_799), Ok("2016-12-31T23:59:59Z"));
        check_date(json!("1483228799"), Ok("2016-12-31T23:59:59Z"));
        check_date(json!("next tuesday"), Err("not an ISO 8601"));
        check_date(json!(1.5), Err("whole"));
        check_date(json!(i64::MAX), Err("out of range"));
        check_date(json!(true), Err("date-time"));
    }

    const FIXTURES: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/fixtures/vectors/1edtech-validator/inspector-vc/src/test/resources/ob20/"
    );

    fn fixture(name: &str) -> String {
        std::fs::read_to_string(format!("{FIXTURES}{name}")).expect("OB 2.0 fixture")
    }

    /// What the resolver serves: a body (200) or a bare status.
    enum Served {
        Body(String),
        Status(u16),
    }

    fn run(input: &[u8], served: Vec<(&str, Served)>) -> VerificationReport {
        let mut resolver = crate::StaticResolver::new();
        for (url, answer) in served {
            match answer {
                Served::Body(body) => resolver.insert_json(url, body.into_bytes()),
                Served::Status(status) => resolver.insert(
                    url,
                    crate::FetchedDocument {
                        status,
                        content_type: None,
                        body: Arc::from(&b""[..]),
                    },
                ),
            };
        }
        let verifier = crate::Verifier::new(Arc::new(resolver));
        let now = OffsetDateTime::parse("2026-01-01T00:00:00Z", &Rfc3339).expect("instant");
        verifier.verify(input, &crate::VerifyOptions::at(now))
    }

    const ASSERTION_URL: &str = "https://example.org/beths-robotics-badge.json";
    const BADGE_URL: &str = "https://example.org/robotics-badge.json";
    const ISSUER_URL: &str = "https://example.org/organization.json";

    fn hosted_world(assertion: &str) -> Vec<(&'static str, Served)> {
        vec![
            (ASSERTION_URL, Served::Body(assertion.to_owned())),
            (
                BADGE_URL,
                Served::Body(fixture("assets/robotics-badge.json")),
            ),
            (
                ISSUER_URL,
                Served::Body(fixture("assets/organization.json")),
            ),
        ]
    }

    #[track_caller]
    fn check_outcome(report: &VerificationReport, expected: Outcome) {
        assert_eq!(
            report.outcome,
            expected,
            "{:?}",
            report.first_failure().map(|check| &check.detail)
        );
    }

    #[test]
    fn hosted_assertions_are_judged_by_the_served_copy() {
        let assertion = fixture("basic-assertion.json");
        check_outcome(
            &run(assertion.as_bytes(), hosted_world(&assertion)),
            Outcome::Verified,
        );
        // Offline, 404, 500: the issuer's server never vouched for it.
        check_outcome(
            &run(assertion.as_bytes(), vec![]),
            Outcome::KeyResolutionFailed,
        );
        let mut down = hosted_world(&assertion);
        down[0].1 = Served::Status(503);
        check_outcome(
            &run(assertion.as_bytes(), down),
            Outcome::KeyResolutionFailed,
        );
        // A revoked stub.
        let mut stub = hosted_world(&assertion);
        stub[0].1 = Served::Body(r#"{"id": "x", "revoked": true}"#.to_owned());
        check_outcome(&run(assertion.as_bytes(), stub), Outcome::Revoked);
        // The served copy is the truth: an expired served copy makes a fresh-looking given
        // copy expired.
        let expired = assertion.replace(
            "\"issuedOn\"",
            "\"expires\": \"2020-01-01T00:00:00Z\",\n  \"issuedOn\"",
        );
        let report = run(assertion.as_bytes(), hosted_world(&expired));
        check_outcome(&report, Outcome::Expired);
        assert!(
            report
                .checks_of(CheckKind::Parse)
                .any(|check| check.detail.contains("differs"))
        );
        // The copy at the URL must name itself by that URL.
        let elsewhere = assertion.replace(ASSERTION_URL, "https://example.org/other.json");
        check_outcome(
            &run(assertion.as_bytes(), hosted_world(&elsewhere)),
            Outcome::OriginMismatch,
        );
        // A bare signed payload proves nothing.
        let bare_signed = assertion.replace("\"hosted\"", "\"signed\"");
        check_outcome(&run(bare_signed.as_bytes(), vec![]), Outcome::NoProof);
        // An OB 2.0 baked URL (legacy tEXt) goes through the same path.
        let png = crate::container::png_tests::png(&[crate::container::png_tests::itxt(
            "openbadges",
            0,
            ASSERTION_URL,
        )]);
        check_outcome(&run(&png, hosted_world(&assertion)), Outcome::Verified);
        // The same URL serving an Open Badges 1.0 assertion.
        let mut legacy = hosted_world(&assertion);
        legacy[0].1 = Served::Body(format!(
            r#"{{"uid": "1", "recipient": "sha256$00", "badge": "{BADGE_URL}", "verify": {{"type": "hosted", "url": "{ASSERTION_URL}"}}, "issuedOn": 1}}"#
        ));
        check_outcome(&run(&png, legacy), Outcome::Unsupported);
    }

    #[test]
    fn hosted_origin_tricks_fail() {
        // An assertion on the attacker's host, whose badge names the real issuer: the real
        // issuer's default policy (its own origin) refuses it.
        let forged_url = "https://example.org.evil.test/a.json";
        let assertion = fixture("basic-assertion.json").replace(ASSERTION_URL, forged_url);
        let world = vec![
            (forged_url, Served::Body(assertion.clone())),
            (
                BADGE_URL,
                Served::Body(fixture("assets/robotics-badge.json")),
            ),
            (
                ISSUER_URL,
                Served::Body(fixture("assets/organization.json")),
            ),
        ];
        check_outcome(&run(assertion.as_bytes(), world), Outcome::OriginMismatch);
        // The attacker embeds the issuer with a permissive policy: the embedded copy is
        // ignored, the Profile at its id decides.
        let embedded = serde_json::json!({
            "@context": "https://w3id.org/openbadges/v2", "type": "BadgeClass",
            "id": "https://example.org.evil.test/badge", "name": "Forged",
            "issuer": {"id": ISSUER_URL, "type": "Issuer",
                       "verification": {"allowedOrigins": "example.org.evil.test"}}
        });
        let assertion = fixture("basic-assertion.json")
            .replace(ASSERTION_URL, forged_url)
            .replace(&format!("\"{BADGE_URL}\""), &embedded.to_string());
        let world = vec![
            (forged_url, Served::Body(assertion.clone())),
            (
                ISSUER_URL,
                Served::Body(fixture("assets/organization.json")),
            ),
        ];
        check_outcome(&run(assertion.as_bytes(), world), Outcome::OriginMismatch);
        // A Profile served at one host naming itself on another is refused.
        let mut world = hosted_world(&fixture("basic-assertion.json"));
        world[2].1 = Served::Body(
            fixture("assets/organization.json")
                .replace(ISSUER_URL, "https://harvard.example/issuer"),
        );
        check_outcome(
            &run(fixture("basic-assertion.json").as_bytes(), world),
            Outcome::KeyResolutionFailed,
        );
    }

    const KEY_URL: &str = "http://example.org/key1.json";

    fn signed_world() -> Vec<(&'static str, Served)> {
        vec![
            (
                BADGE_URL,
                Served::Body(fixture("assets/robotics-badge.json")),
            ),
            (
                ISSUER_URL,
                Served::Body(fixture("assets/organization.json")),
            ),
            (KEY_URL, Served::Body(fixture("assets/key1.json"))),
        ]
    }

    #[test]
    fn signed_assertions_need_a_two_way_key_link() {
        let jws = fixture("simple.jwt");
        let report = run(jws.as_bytes(), signed_world());
        check_outcome(&report, Outcome::Verified);
        assert_eq!(report.format, Format::Ob2Signed);
        // Tampered payload: the same token with one date changed.
        use base64::Engine as _;
        let base64url = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let segments: Vec<&str> = jws.trim().split('.').collect();
        let payload = base64url.decode(segments[1]).expect("fixture payload");
        let tampered = String::from_utf8(payload)
            .expect("UTF-8 payload")
            .replace("2016-12-31", "2017-12-31");
        let tampered = format!(
            "{}.{}.{}",
            segments[0],
            base64url.encode(&tampered),
            segments[2]
        );
        check_outcome(
            &run(tampered.as_bytes(), signed_world()),
            Outcome::InvalidSignature,
        );
        // The key names another owner.
        let mut world = signed_world();
        world[2].1 = Served::Body(
            fixture("assets/key1.json")
                .replace(ISSUER_URL, "https://example.org/someone-else.json"),
        );
        check_outcome(&run(jws.as_bytes(), world), Outcome::UnboundKey);
        // The issuer does not list the key.
        let mut world = signed_world();
        world[1].1 = Served::Body(
            fixture("assets/organization.json").replace(KEY_URL, "http://example.org/key9.json"),
        );
        check_outcome(&run(jws.as_bytes(), world), Outcome::UnboundKey);
        // No key served.
        let mut world = signed_world();
        world.pop();
        check_outcome(&run(jws.as_bytes(), world), Outcome::KeyResolutionFailed);
        // alg none with the same payload.
        let none = format!("eyJhbGciOiJub25lIn0.{}.", segments[1]);
        let report = run(none.as_bytes(), signed_world());
        assert!(!report.is_verified());
        // Revocation list unreachable: status unknown, never verified.
        let mut world = signed_world();
        world[1].1 = Served::Body(fixture("assets/organization.json").replace(
            "\"publicKey\"",
            "\"revocationList\": \"https://example.org/rl.json\", \"publicKey\"",
        ));
        check_outcome(&run(jws.as_bytes(), world), Outcome::StatusUnknown);
    }

    #[test]
    fn blockcerts_v2_is_not_an_ob2_assertion() {
        let blockcerts = json!({
            "@context": ["https://w3id.org/openbadges/v2", "https://w3id.org/blockcerts/v2"],
            "type": "Assertion", "recipient": {}, "badge": {},
            "signature": {"type": ["MerkleProof2017", "Extension"]}
        });
        let ob2 = json!({"@context": "https://w3id.org/openbadges/invalid", "type": "Assertion", "recipient": {}, "badge": "https://x"});
        let not_assertion =
            json!({"@context": "https://w3id.org/openbadges/v2", "type": "BadgeClass"});
        let object = |value: &Value| value.as_object().cloned().unwrap_or_default();
        assert!(!is_ob2_assertion(&object(&blockcerts)));
        assert!(is_ob2_assertion(&object(&ob2)));
        assert!(!is_ob2_assertion(&object(&not_assertion)));
    }
}
