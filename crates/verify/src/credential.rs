//! A W3C Verifiable Credential with embedded proofs (Open Badges 3.0 `OpenBadgeCredential` /
//! `AchievementCredential`, `EndorsementCredential`, CLR 2.0 `ClrCredential`, status list
//! credentials): the pipeline parse → context → proofs → validity → status → nested.

use std::sync::Arc;

use model::{Check, CheckKind, Container, Format, Outcome};
use serde_json::{Map, Value};

use crate::data_integrity::{ProofRequirements, verify_proofs};
use crate::data_model::{self, WindowVerdict};
use crate::keys::Relationship;
use crate::report::VerificationReport;
use crate::session::Session;
use crate::status::check_status;
use crate::util::format_datetime;

/// Verifies a credential document whose proofs are embedded.
pub(crate) fn verify(
    session: &Session<'_>,
    document: Arc<Value>,
    container: Container,
) -> VerificationReport {
    verify_with(session, document, container, StatusPolicy::Check)
}

/// Verifies a status list credential: everything but its own status.
pub(crate) fn verify_status_list_credential(
    session: &Session<'_>,
    bytes: &[u8],
) -> VerificationReport {
    match crate::json::parse_strict(bytes, session.limits().max_json_depth) {
        Ok(document) => verify_with(
            session,
            Arc::new(document),
            Container::Json,
            StatusPolicy::Skip,
        ),
        Err(error) => VerificationReport::rejected(
            Container::Json,
            Outcome::Malformed,
            Check::fail(CheckKind::Parse, error.to_string()),
        ),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum StatusPolicy {
    Check,
    Skip,
}

fn verify_with(
    session: &Session<'_>,
    document: Arc<Value>,
    container: Container,
    status_policy: StatusPolicy,
) -> VerificationReport {
    let is_clr = document
        .as_object()
        .is_some_and(|object| data_model::has_type(object, "ClrCredential"));
    let mut report = VerificationReport::new(
        if is_clr {
            Format::Clr
        } else {
            Format::VcDataIntegrity
        },
        container,
    );
    report.document = Some(Arc::clone(&document));
    let Some(object) = document.as_object() else {
        report.record(
            Check::fail(CheckKind::Parse, "a credential must be a JSON object"),
            Outcome::Malformed,
        );
        return report;
    };
    if !check_structure(object, &mut report) {
        return report;
    }
    let issuer = data_model::issuer_id(object).unwrap_or_default().to_owned();
    verify_proofs(
        session,
        object,
        &ProofRequirements {
            controller: &issuer,
            relationship: Relationship::AssertionMethod,
            challenge: None,
            domain: None,
        },
        &mut report,
    );
    check_validity(session, object, &mut report);
    if status_policy == StatusPolicy::Check {
        check_status(session, object, &mut report);
    }
    if is_clr {
        verify_clr_members(session, object, &mut report);
    }
    report.seal()
}

/// Data-model checks and the descriptive fields of the report. False when the document is
/// not a well-formed credential.
pub(crate) fn check_structure(
    object: &Map<String, Value>,
    report: &mut VerificationReport,
) -> bool {
    report.issuer = data_model::issuer_id(object).map(str::to_owned);
    report.issuer_name = data_model::issuer_name(object);
    report.achievement_name = data_model::achievement_name(object);
    if let Err(problem) = data_model::check_credential(object) {
        report.record(Check::fail(CheckKind::Parse, problem), Outcome::Malformed);
        return false;
    }
    if let Err(problem) = data_model::validity_window(object) {
        report.record(Check::fail(CheckKind::Parse, problem), Outcome::Malformed);
        return false;
    }
    report.note(Check::pass(
        CheckKind::Parse,
        "well-formed verifiable credential",
    ));
    true
}

/// `validFrom`/`validUntil` (VC 2.0) and `issuanceDate`/`expirationDate` (VC 1.1) against
/// the injected clock.
pub(crate) fn check_validity(
    session: &Session<'_>,
    object: &Map<String, Value>,
    report: &mut VerificationReport,
) {
    let Ok(window) = data_model::validity_window(object) else {
        return;
    };
    match window.judge(session.now()) {
        WindowVerdict::Valid => {
            let until = window
                .not_after
                .map(format_datetime)
                .unwrap_or_else(|| "no end".to_owned());
            report.note(Check::pass(
                CheckKind::Validity,
                format!("valid now (until {until})"),
            ));
        }
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

/// CLR 2.0: `credentialSubject.verifiableCredential[]` are independently signed credentials
/// (their issuers may differ from the CLR's); each must verify on its own.
fn verify_clr_members(
    session: &Session<'_>,
    object: &Map<String, Value>,
    report: &mut VerificationReport,
) {
    let members: Vec<&Value> = data_model::subjects(object)
        .filter_map(|subject| subject.get("verifiableCredential"))
        .flat_map(|members| match members {
            Value::Array(members) => members.iter().collect::<Vec<_>>(),
            single => vec![single],
        })
        .collect();
    if members.is_empty() {
        report.note(Check::skip(
            CheckKind::Nested,
            "the CLR carries no nested credentials",
        ));
        return;
    }
    crate::nested::verify_members(session, &members, report);
}
