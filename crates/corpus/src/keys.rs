//! Demo keys, all derived from the seed: Ed25519 for issuers and earners, RSA for the Open
//! Badges 2.0 signed badges. None of them protects anything real.

use ed25519_dalek::SigningKey;
use sha2::{Digest, Sha256};

use crate::Error;

/// An issuer's three Ed25519 keys.
pub(crate) struct IssuerKeys {
    /// Listed under `assertionMethod`: signs credentials and status lists.
    pub(crate) assertion: SigningKey,
    /// Listed only under `authentication`.
    pub(crate) authentication: SigningKey,
    /// Never published (signing with it is a negative case).
    pub(crate) rogue: SigningKey,
}

fn derived(seed: u64, label: &str) -> SigningKey {
    let digest = Sha256::new()
        .chain_update(b"skillproof-corpus-key\0")
        .chain_update(seed.to_be_bytes())
        .chain_update(label.as_bytes())
        .finalize();
    SigningKey::from_bytes(&digest.into())
}

pub(crate) fn issuer_keys(seed: u64, slug: &str) -> IssuerKeys {
    IssuerKeys {
        assertion: derived(seed, &format!("issuer/{slug}/assertion")),
        authentication: derived(seed, &format!("issuer/{slug}/authentication")),
        rogue: derived(seed, &format!("issuer/{slug}/rogue")),
    }
}

pub(crate) fn earner_key(seed: u64, earner: usize) -> SigningKey {
    derived(seed, &format!("earner/{earner}"))
}

/// The RSA key of an issuer's Open Badges 2.0 signed badges (2048 bits; key generation is
/// seeded so the key, and every signature, is the same on every run).
pub(crate) fn ob2_rsa_key(seed: u64, slug: &str) -> Result<rsa::RsaPrivateKey, Error> {
    use rand_chacha::rand_core::SeedableRng as _;
    let digest = Sha256::new()
        .chain_update(b"skillproof-corpus-rsa\0")
        .chain_update(seed.to_be_bytes())
        .chain_update(slug.as_bytes())
        .finalize();
    let mut rng = rand_chacha::ChaCha20Rng::from_seed(digest.into());
    rsa::RsaPrivateKey::new(&mut rng, 2048)
        .map_err(|error| Error::Signing(format!("RSA key for {slug}: {error}")))
}
