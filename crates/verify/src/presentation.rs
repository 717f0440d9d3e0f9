//! Verifiable Presentations: the holder proves control (`authentication`), optionally for the
//! verifier's `challenge` and `domain`; every credential inside verifies on its own; and the
//! holder is the subject of each credential. This is how an earner consents to be found
//! (ARCHITECTURE.md, invariant 8), so a presentation is verified as a whole.

use std::sync::Arc;

use model::{Check, CheckKind, Container, Format, Outcome};
use serde_json::{Map, Value};

use crate::data_integrity::{ProofRequirements, verify_proofs};
use crate::data_model;
use crate::keys::Relationship;
use crate::report::VerificationReport;
use crate::session::Session;
use crate::util::string_member;

/// Verifies a presentation with an embedded proof.
pub(crate) fn verify(
    session: &Session<'_>,
    document: Arc<Value>,
    container: Container,
) -> VerificationReport {
    let mut report = VerificationReport::new(Format::VpDataIntegrity, container);
    report.document = Some(Arc::clone(&document));
    let Some(presentation) = document.as_object() else {
        report.record(
            Check::fail(CheckKind::Parse, "a presentation must be a JSON object"),
            Outcome::Malformed,
        );
        return report;
    };
    if let Err(problem) =
        data_model::check_presentation(presentation, data_model::PresentationEncoding::JsonLd)
    {
        report.record(Check::fail(CheckKind::Parse, problem), Outcome::Malformed);
        return report;
    }
    report.note(Check::pass(
        CheckKind::Parse,
        "well-formed verifiable presentation",
    ));
    // Without a holder nobody can be bound to the presentation; its proofs are still
    // checked so that an earlier failure (no proof, a bad signature) is the one reported.
    let holder = holder_id(presentation).map(str::to_owned);
    if holder.is_none() {
        report.record(
            Check::fail(
                CheckKind::Holder,
                "the presentation names no holder, so nobody is bound to it",
            ),
            Outcome::HolderMismatch,
        );
    }
    report.issuer = holder.clone();
    let holder = holder.unwrap_or_default();
    verify_proofs(
        session,
        presentation,
        &ProofRequirements {
            controller: &holder,
            relationship: Relationship::Authentication,
            challenge: session.options.challenge.as_deref(),
            domain: session.options.domain.as_deref(),
        },
        &mut report,
    );
    verify_members_and_holder(session, presentation, &holder, &mut report);
    report.seal()
}

/// `holder` as a string or `holder.id`.
pub(crate) fn holder_id(presentation: &Map<String, Value>) -> Option<&str> {
    match presentation.get("holder")? {
        Value::String(id) => Some(id),
        Value::Object(holder) => string_member(holder, "id"),
        _ => None,
    }
}

/// Verifies the carried credentials, then that the holder is a subject of each verified one.
pub(crate) fn verify_members_and_holder(
    session: &Session<'_>,
    presentation: &Map<String, Value>,
    holder: &str,
    report: &mut VerificationReport,
) {
    let members: Vec<&Value> = match presentation.get("verifiableCredential") {
        None => Vec::new(),
        Some(Value::Array(members)) => members.iter().collect(),
        Some(single) => vec![single],
    };
    if members.is_empty() {
        report.note(Check::skip(
            CheckKind::Nested,
            "the presentation carries no credentials",
        ));
        return;
    }
    crate::nested::verify_members(session, &members, report);
    let holder_checks: Vec<Check> = report
        .nested
        .iter()
        .filter_map(|member| {
            let credential = member.document.as_deref().and_then(Value::as_object)?;
            let subject_ids: Vec<&str> = data_model::subjects(credential)
                .filter_map(|subject| string_member(subject, "id"))
                .collect();
            let label = member
                .achievement_name
                .clone()
                .unwrap_or_else(|| "a credential".to_owned());
            Some(if subject_ids.contains(&holder) {
                Check::pass(
                    CheckKind::Holder,
                    format!("{label}: the holder {holder} is its subject"),
                )
            } else {
                let subjects = if subject_ids.is_empty() {
                    "an unnamed subject".to_owned()
                } else {
                    subject_ids.join(", ")
                };
                Check::fail(
                    CheckKind::Holder,
                    format!("{label}: issued to {subjects}, presented by {holder}"),
                )
            })
        })
        .collect();
    for check in holder_checks {
        report.record(check, Outcome::HolderMismatch);
    }
}
