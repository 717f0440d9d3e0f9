//! Earner identifiers that issuers publish hashed (Open Badges 3.0 `IdentityObject`,
//! Open Badges 2.0 `recipient`): `sha256$<hex>` of the identity followed by the salt.
//! skillproof never stores the plain identity (an e-mail address, say); it only checks a
//! claimed identity against the hash when the earner asks to be matched.

use sha2::{Digest, Sha256};

/// True when `identity` (trimmed; e-mail addresses compared case-insensitively, as issuers
/// lowercase them before hashing) with `salt` appended hashes to `identity_hash`
/// (`sha256$<64 hex>`). Unknown algorithms never match.
pub fn identity_hash_matches(identity: &str, salt: Option<&str>, identity_hash: &str) -> bool {
    let Some(expected_hex) = identity_hash.strip_prefix("sha256$") else {
        return false;
    };
    let Ok(expected) = hex_to_bytes(expected_hex) else {
        return false;
    };
    let identity = identity.trim();
    let candidates = [identity.to_owned(), identity.to_lowercase()];
    candidates.iter().any(|candidate| {
        let mut hasher = Sha256::new();
        hasher.update(candidate.as_bytes());
        hasher.update(salt.unwrap_or_default().as_bytes());
        hasher.finalize().as_slice() == expected.as_slice()
    })
}

/// The `sha256$` identity hash of `identity` with `salt`, as an issuer would publish it.
pub fn identity_hash(identity: &str, salt: &str) -> String {
    let digest = Sha256::digest(format!("{identity}{salt}").as_bytes());
    format!(
        "sha256${}",
        digest
            .iter()
            .map(|byte| format!("{byte:02x}"))
            .collect::<String>()
    )
}

fn hex_to_bytes(hex: &str) -> Result<Vec<u8>, ()> {
    if hex.len() != 64 || !hex.bytes().all(|byte| byte.is_ascii_hexdigit()) {
        return Err(());
    }
    (0..hex.len())
        .step_by(2)
        .map(|index| u8::from_str_radix(&hex[index..index + 2], 16).map_err(|_| ()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ob3_spec_example_and_the_harness_credential_match() {
        // 1EdTech OB 3.0 spec, IdentityObject example (tests/fixtures/vectors/ob3-spec/identity-hash-example.json).
        let example = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../tests/fixtures/vectors/ob3-spec/identity-hash-example.json"
        ))
        .expect("fixture");
        let example: serde_json::Value = serde_json::from_str(&example).expect("json");
        let identity = example["identity"].as_str().expect("identity");
        let salt = example["salt"].as_str();
        let hash = example["identityHash"].as_str().expect("hash");
        assert!(identity_hash_matches(identity, salt, hash));
        assert!(!identity_hash_matches(
            "someone.else@example.edu",
            salt,
            hash
        ));
        assert!(!identity_hash_matches(identity, Some("other salt"), hash));
        assert!(!identity_hash_matches(identity, salt, "md5$0123"));
        assert_eq!(
            identity_hash("a@b.ca", "c0ffee"),
            identity_hash("a@b.ca", "c0ffee")
        );
        assert!(identity_hash_matches(
            "A@B.ca ",
            Some("c0ffee"),
            &identity_hash("a@b.ca", "c0ffee")
        ));
    }
}
