//! Credentials baked into badge images: PNG `iTXt` chunks and SVG `<openbadges:credential>`.
//! (Extraction is being written; until then baked badges are reported as unsupported.)

use model::{Check, CheckKind, Container, Outcome};

use crate::report::VerificationReport;

/// Why no payload could be taken out of an image.
pub(crate) struct ExtractFailure {
    pub(crate) outcome: Outcome,
    pub(crate) detail: String,
}

impl ExtractFailure {
    pub(crate) fn into_report(self, container: Container) -> VerificationReport {
        VerificationReport::rejected(
            container,
            self.outcome,
            Check::fail(CheckKind::Parse, self.detail),
        )
    }
}

pub(crate) fn extract_png(_png: &[u8]) -> Result<String, ExtractFailure> {
    Err(ExtractFailure {
        outcome: Outcome::Unsupported,
        detail: "baked PNG extraction is not available yet".to_owned(),
    })
}

pub(crate) fn extract_svg(_svg: &[u8]) -> Result<String, ExtractFailure> {
    Err(ExtractFailure {
        outcome: Outcome::Unsupported,
        detail: "baked SVG extraction is not available yet".to_owned(),
    })
}
