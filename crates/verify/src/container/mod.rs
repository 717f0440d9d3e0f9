//! Credentials baked into badge images: PNG `iTXt` chunks ([`png`]) and SVG
//! `<openbadges:credential>` elements ([`svg`]) (Open Badges 3.0 §5.3, Open Badges 2.0
//! "Baking").
//!
//! Extraction only finds the payload (a JSON credential, a compact JWS, or for Open Badges
//! 2.0 the URL of a hosted assertion); verifying it is the caller's job. Images come from
//! strangers, so both walkers bound every count and size, refuse compressed credential
//! chunks (decompression bombs) and XML DTDs (entity expansion, external entities), and
//! never panic.

mod png;
mod svg;

use model::{Check, CheckKind, Container, Outcome};

use crate::report::VerificationReport;

pub(crate) use png::extract_png;
/// PNG builders for other modules' tests.
#[cfg(test)]
pub(crate) use png::tests as png_tests;
pub(crate) use svg::extract_svg;

/// Which baking convention the payload came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Bakery {
    /// Open Badges 3.0: PNG keyword `openbadgecredential`, SVG namespace
    /// `https://purl.imsglobal.org/ob/v3p0`. JSON or a compact JWS, never a URL.
    OpenBadges3,
    /// Open Badges 2.0: PNG keyword `openbadges`, SVG namespace `http://openbadges.org`.
    /// JSON, a compact JWS, or the URL of a hosted assertion.
    OpenBadges2,
}

/// The payload taken out of an image, with what is worth telling about how it was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Extracted {
    pub(crate) payload: String,
    pub(crate) bakery: Bakery,
    /// Oddities that did not stop extraction (a second credential chunk, an ignored body).
    pub(crate) notes: Vec<String>,
}

impl Extracted {
    /// Puts where the payload came from, and any oddities as warnings, at the head of the
    /// report of the payload's verification.
    pub(crate) fn annotate(&self, container: Container, report: &mut VerificationReport) {
        let source = match (container, self.bakery) {
            (Container::Svg, Bakery::OpenBadges3) => "an OB 3.0 SVG <openbadges:credential>",
            (Container::Svg, Bakery::OpenBadges2) => "an OB 2.0 SVG <openbadges:assertion>",
            (_, Bakery::OpenBadges3) => "a PNG iTXt openbadgecredential chunk",
            (_, Bakery::OpenBadges2) => "a PNG openbadges chunk",
        };
        let mut head = vec![Check::pass(
            CheckKind::Parse,
            format!("baked credential taken from {source}"),
        )];
        head.extend(
            self.notes
                .iter()
                .map(|note| Check::warn(CheckKind::Parse, note.clone())),
        );
        report.checks.splice(0..0, head);
    }
}

/// Why no payload could be taken out of an image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ExtractFailure {
    pub(crate) outcome: Outcome,
    pub(crate) detail: String,
}

impl ExtractFailure {
    pub(crate) fn malformed(detail: impl Into<String>) -> Self {
        ExtractFailure {
            outcome: Outcome::Malformed,
            detail: detail.into(),
        }
    }

    pub(crate) fn too_large(detail: impl Into<String>) -> Self {
        ExtractFailure {
            outcome: Outcome::TooLarge,
            detail: detail.into(),
        }
    }

    pub(crate) fn into_report(self, container: Container) -> VerificationReport {
        VerificationReport::rejected(
            container,
            self.outcome,
            Check::fail(CheckKind::Parse, self.detail),
        )
    }
}

/// Checks a payload once found: not empty, within the size limit, and of a form its
/// bakery allows.
fn accept_payload(
    payload: String,
    bakery: Bakery,
    origin: &str,
    max_payload_bytes: usize,
) -> Result<String, ExtractFailure> {
    if payload.len() > max_payload_bytes {
        return Err(ExtractFailure::too_large(format!(
            "the credential in {origin} is {} bytes, the limit is {max_payload_bytes}",
            payload.len()
        )));
    }
    let trimmed = payload.trim();
    if trimmed.is_empty() {
        return Err(ExtractFailure::malformed(format!("{origin} is empty")));
    }
    let is_url = trimmed.starts_with("https://") || trimmed.starts_with("http://");
    if bakery == Bakery::OpenBadges3 && is_url {
        return Err(ExtractFailure::malformed(format!(
            "{origin} holds a URL; an Open Badges 3.0 baked credential is JSON or a compact JWS"
        )));
    }
    Ok(payload)
}
