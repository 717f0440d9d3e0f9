//! Credentials carried inside other documents (CLR members, presentation members): each is
//! verified on its own, one nesting level deeper, and the container verifies only if all do.

use std::sync::Arc;

use model::{Check, CheckKind, Container, Outcome};
use serde_json::Value;

use crate::report::VerificationReport;
use crate::session::Session;

/// Verifies each member and records one `nested` check per member. Returns the members'
/// reports' outcomes in order.
pub(crate) fn verify_members(
    session: &Session<'_>,
    members: &[&Value],
    report: &mut VerificationReport,
) {
    if members.len() > session.limits().max_nested_credentials {
        report.record(
            Check::fail(
                CheckKind::Nested,
                format!(
                    "{} nested credentials, the limit is {}",
                    members.len(),
                    session.limits().max_nested_credentials
                ),
            ),
            Outcome::TooLarge,
        );
        return;
    }
    let Some(nested) = session.nested() else {
        report.record(
            Check::fail(CheckKind::Nested, "credentials nested too deeply"),
            Outcome::TooLarge,
        );
        return;
    };
    for (index, member) in members.iter().enumerate() {
        let member_report = verify_member(&nested, member);
        let label = member_report
            .achievement_name
            .clone()
            .unwrap_or_else(|| format!("credential {index}"));
        if member_report.is_verified() {
            report.note(Check::pass(CheckKind::Nested, format!("{label}: verified")));
        } else {
            let why = member_report
                .first_failure()
                .map(|check| check.detail.clone())
                .unwrap_or_default();
            let check = Check::fail(
                CheckKind::Nested,
                format!("{label}: {} ({why})", member_report.outcome),
            );
            // The container's own failures (its proof, its holder) come first; a member's
            // failure decides the outcome only when the container itself is sound so far.
            if report.outcome == Outcome::Verified {
                report.record(check, member_report.outcome);
            } else {
                report.checks.push(check);
            }
        }
        report.nested.push(member_report);
    }
}

/// A member is a JSON credential, a VC-JWT string, or an `EnvelopedVerifiableCredential`
/// (`data:application/vc+jwt,<jwt>`).
fn verify_member(session: &Session<'_>, member: &Value) -> VerificationReport {
    let mut report = verify_member_unlabelled(session, member);
    report.original = Some(match member {
        Value::String(compact) => Arc::from(compact.as_bytes()),
        other => Arc::from(serde_json::to_vec(other).unwrap_or_default()),
    });
    report
}

fn verify_member_unlabelled(session: &Session<'_>, member: &Value) -> VerificationReport {
    match member {
        Value::String(compact) => crate::jose::verify_compact(session, compact.as_bytes()),
        Value::Object(object)
            if crate::data_model::has_type(object, "EnvelopedVerifiableCredential") =>
        {
            match object
                .get("id")
                .and_then(Value::as_str)
                .and_then(enveloped_jwt)
            {
                Some(compact) => crate::jose::verify_compact(session, compact.as_bytes()),
                None => VerificationReport::rejected(
                    Container::Jwt,
                    Outcome::Unsupported,
                    Check::fail(
                        CheckKind::Parse,
                        "an enveloped credential must be a data: URL of application/vc+jwt",
                    ),
                ),
            }
        }
        Value::Object(_) => {
            crate::credential::verify(session, Arc::new(member.clone()), Container::Json)
        }
        _ => VerificationReport::rejected(
            Container::Json,
            Outcome::Malformed,
            Check::fail(
                CheckKind::Parse,
                "a nested credential must be an object or a JWT string",
            ),
        ),
    }
}

fn enveloped_jwt(data_url: &str) -> Option<&str> {
    [
        "data:application/vc+jwt,",
        "data:application/vc-ld+jwt,",
        "data:application/jwt,",
    ]
    .iter()
    .find_map(|prefix| data_url.strip_prefix(prefix))
}
