//! The two multibase encodings credentials use, and Ed25519 multikeys.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// Multicodec varint prefix of an Ed25519 public key (0xed).
const ED25519_PUB_PREFIX: [u8; 2] = [0xed, 0x01];

/// Decodes `z…` (base58btc) or `u…` (base64url, no padding).
pub(crate) fn decode(encoded: &str) -> Result<Vec<u8>, String> {
    let mut chars = encoded.chars();
    match chars.next() {
        Some('z') => bs58::decode(chars.as_str())
            .into_vec()
            .map_err(|error| format!("bad base58btc: {error}")),
        Some('u') => URL_SAFE_NO_PAD
            .decode(chars.as_str())
            .map_err(|error| format!("bad base64url: {error}")),
        Some(other) => Err(format!("unsupported multibase prefix {other:?}")),
        None => Err("empty multibase value".to_owned()),
    }
}

/// Decodes an Ed25519 multikey (`z6Mk…`): base58btc of 0xed 0x01 ‖ 32 key bytes.
pub(crate) fn decode_ed25519_multikey(encoded: &str) -> Result<[u8; 32], String> {
    let bytes = decode(encoded)?;
    match bytes.split_first_chunk::<2>() {
        Some((prefix, key)) if *prefix == ED25519_PUB_PREFIX => key
            .try_into()
            .map_err(|_| format!("an Ed25519 multikey has 32 key bytes, not {}", key.len())),
        _ => Err("not an Ed25519 multikey (multicodec 0xed01)".to_owned()),
    }
}

/// Decodes a `proofValue` into a 64-byte Ed25519 signature.
pub(crate) fn decode_signature(encoded: &str) -> Result<[u8; 64], String> {
    if !encoded.starts_with('z') {
        return Err("proofValue must be multibase base58btc (z…)".to_owned());
    }
    let bytes = decode(encoded)?;
    bytes
        .as_slice()
        .try_into()
        .map_err(|_| format!("an Ed25519 signature has 64 bytes, not {}", bytes.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_the_w3c_vector_key() {
        // w3c/vc-di-eddsa keyPair.json: publicKeyMultibase ↔ hex.
        let key = decode_ed25519_multikey("z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2")
            .expect("valid multikey");
        assert_eq!(
            hex::encode(key),
            "b00d8d938e7f773d51565aad36a623f5344f7f5d1960f9cf3e8e12620ea2810f"
        );
    }

    #[test]
    fn refuses_other_codecs_and_lengths() {
        // secp256k1 multikey (0xe7 0x01) is not Ed25519.
        assert!(
            decode_ed25519_multikey("zQ3shokFTS3brHcDQrn82RUDfCZESWL1ZdCEJwekUDPQiYBme").is_err()
        );
        assert!(decode_ed25519_multikey("z").is_err());
        assert!(decode_ed25519_multikey("").is_err());
        assert!(decode_ed25519_multikey("m7QFAAAA").is_err());
        assert!(decode_signature("uAAAA").is_err());
        assert!(decode_signature("z3").is_err());
    }
}
