//! Open Badges 2.0 assertions, hosted and signed. (Being written; reported as unsupported
//! until then.)

use std::sync::Arc;

use model::{Check, CheckKind, Container, Format, Outcome};
use serde_json::{Map, Value};

use crate::jose::CompactJws;
use crate::report::VerificationReport;
use crate::session::Session;

const OB2_CONTEXTS: [&str; 2] = [
    "https://w3id.org/openbadges/v2",
    "https://openbadgespec.org/v2/context.json",
];

/// An OB 2.0 assertion: the OB 2.0 context and type `Assertion`.
pub(crate) fn is_ob2_assertion(object: &Map<String, Value>) -> bool {
    crate::data_model::contexts(object)
        .iter()
        .filter_map(Value::as_str)
        .any(|context| OB2_CONTEXTS.contains(&context))
        && crate::data_model::has_type(object, "Assertion")
}

fn unsupported(format: Format, container: Container) -> VerificationReport {
    let mut report = VerificationReport::new(format, container);
    report.record(
        Check::fail(
            CheckKind::Parse,
            "Open Badges 2.0 verification is not available yet",
        ),
        Outcome::Unsupported,
    );
    report
}

pub(crate) fn verify_hosted(
    _session: &Session<'_>,
    _document: Arc<Value>,
    container: Container,
) -> VerificationReport {
    unsupported(Format::Ob2Hosted, container)
}

pub(crate) fn verify_hosted_url(
    _session: &Session<'_>,
    _url: &str,
    container: Container,
) -> VerificationReport {
    unsupported(Format::Ob2Hosted, container)
}

pub(crate) fn verify_signed(
    _session: &Session<'_>,
    _jws: &CompactJws<'_>,
    _payload: Map<String, Value>,
    container: Container,
) -> VerificationReport {
    unsupported(Format::Ob2Signed, container)
}
