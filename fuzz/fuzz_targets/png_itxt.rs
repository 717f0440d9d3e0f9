//! PNG bytes → the chunk walker and the first `openbadgecredential` chunk. Half the inputs
//! are raw chunk streams after the PNG signature (lengths, CRCs, truncation); the other half
//! put the fuzz bytes inside well-formed chunks (valid CRCs) so the walker's happy path and
//! the payload verification behind it are reached too.
#![no_main]

use std::sync::{Arc, OnceLock};

use libfuzzer_sys::fuzz_target;
use time::OffsetDateTime;
use verify::{OfflineResolver, Verifier, VerifyOptions};

const SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";

fn verifier() -> &'static Verifier {
    static VERIFIER: OnceLock<Verifier> = OnceLock::new();
    VERIFIER.get_or_init(|| Verifier::new(Arc::new(OfflineResolver)))
}

fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let mut hasher = crc32fast::Hasher::new();
    hasher.update(kind);
    hasher.update(data);
    out.extend_from_slice(&hasher.finalize().to_be_bytes());
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let mut png = SIGNATURE.to_vec();
    match mode % 4 {
        // Raw chunk stream.
        0 => png.extend_from_slice(rest),
        // Chunks of fuzz-chosen types and bodies, each with a correct CRC: a 1-byte type
        // selector and a 1-byte length prefix per chunk.
        1 => {
            chunk(&mut png, b"IHDR", &[0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0]);
            let mut input = rest;
            while let [selector, length, tail @ ..] = input {
                let length = usize::from(*length).min(tail.len());
                let (body, after) = tail.split_at(length);
                let kind = match selector % 5 {
                    0 => b"iTXt",
                    1 => b"tEXt",
                    2 => b"zTXt",
                    3 => b"IDAT",
                    _ => b"IEND",
                };
                chunk(&mut png, kind, body);
                input = after;
            }
        }
        // A well-formed badge whose credential chunk holds the fuzz bytes.
        keyword => {
            chunk(&mut png, b"IHDR", &[0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0]);
            let mut itxt = if keyword == 2 {
                b"openbadgecredential".to_vec()
            } else {
                b"openbadges".to_vec()
            };
            itxt.extend_from_slice(&[0, 0, 0, 0, 0]);
            itxt.extend_from_slice(rest);
            chunk(&mut png, b"iTXt", &itxt);
            chunk(&mut png, b"IDAT", &[]);
            chunk(&mut png, b"IEND", &[]);
        }
    }
    let now =
        OffsetDateTime::from_unix_timestamp(1_767_225_600).unwrap_or(OffsetDateTime::UNIX_EPOCH);
    let report = verifier().verify(&png, &VerifyOptions::at(now));
    assert_eq!(report.container, model::Container::Png, "a PNG stays a PNG");
});
