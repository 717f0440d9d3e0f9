//! Compact JWS → header and claims parsing, claim checks, algorithm policy. Raw inputs test
//! the splitter and base64url; structured inputs encode fuzz-chosen header and payload JSON
//! so the JSON and claim logic behind the decoding is reached.
#![no_main]

use std::sync::{Arc, OnceLock};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use libfuzzer_sys::fuzz_target;
use time::OffsetDateTime;
use verify::{OfflineResolver, Verifier, VerifyOptions};

fn verifier() -> &'static Verifier {
    static VERIFIER: OnceLock<Verifier> = OnceLock::new();
    VERIFIER.get_or_init(|| Verifier::new(Arc::new(OfflineResolver)))
}

/// Header prefixes steering the token towards each algorithm branch.
const HEADERS: [&str; 6] = [
    r#"{"alg":"RS256","typ":"JWT""#,
    r#"{"alg":"EdDSA","kid":"did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK#z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK""#,
    r#"{"alg":"ES256","jwk":{"kty":"EC","crv":"P-256","x":"AAAA","y":"AAAA"}"#,
    r#"{"alg":"none""#,
    r#"{"alg":"HS256""#,
    r#"{"alg":"RS256","crit":["b64"]"#,
];

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let token = if mode & 1 == 0 {
        // Raw: whatever bytes, prefixed so the sniffer sees a JWT.
        let mut token = b"eyJ".to_vec();
        token.extend_from_slice(rest);
        token
    } else {
        // Structured: header extension, payload and signature from the fuzz bytes.
        let text = String::from_utf8_lossy(rest);
        let mut parts = text.splitn(3, '\u{1}');
        let header_tail = parts.next().unwrap_or_default();
        let payload = parts.next().unwrap_or_default();
        let signature = parts.next().unwrap_or_default();
        let header = format!(
            "{}{header_tail}}}",
            HEADERS[usize::from(mode >> 1) % HEADERS.len()]
        );
        format!(
            "{}.{}.{}",
            URL_SAFE_NO_PAD.encode(header),
            URL_SAFE_NO_PAD.encode(payload),
            URL_SAFE_NO_PAD.encode(signature)
        )
        .into_bytes()
    };
    let now =
        OffsetDateTime::from_unix_timestamp(1_767_225_600).unwrap_or(OffsetDateTime::UNIX_EPOCH);
    let report = verifier().verify(&token, &VerifyOptions::at(now));
    // No fuzz-made token carries a valid signature by a bound key.
    assert!(
        !report.is_verified(),
        "a forged token verified: {:?}",
        report.checks
    );
});
