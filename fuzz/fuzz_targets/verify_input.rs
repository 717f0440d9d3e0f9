//! Arbitrary bytes → `Verifier::verify` (offline): whatever the bytes, a report and never a
//! panic, and never `verified` without a resolver to vouch for a key.
#![no_main]

use std::sync::{Arc, OnceLock};

use libfuzzer_sys::fuzz_target;
use time::OffsetDateTime;
use verify::{OfflineResolver, Verifier, VerifyOptions};

fn verifier() -> &'static Verifier {
    static VERIFIER: OnceLock<Verifier> = OnceLock::new();
    VERIFIER.get_or_init(|| Verifier::new(Arc::new(OfflineResolver)))
}

fuzz_target!(|data: &[u8]| {
    let now =
        OffsetDateTime::from_unix_timestamp(1_767_225_600).unwrap_or(OffsetDateTime::UNIX_EPOCH);
    let report = verifier().verify(data, &VerifyOptions::at(now));
    // Offline, nothing can bind a key to an issuer except a did:key issuer.
    if report.is_verified() {
        assert!(
            report
                .issuer
                .as_deref()
                .is_some_and(|issuer| issuer.starts_with("did:key:")),
            "verified offline with issuer {:?}",
            report.issuer
        );
    }
});
