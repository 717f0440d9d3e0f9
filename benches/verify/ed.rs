//! Raw Ed25519 baselines: `verify_strict` with decoded keys on 64-byte messages (the size
//! of a Data Integrity `hashData`), and `verify_batch` on the same signatures.

use ed25519_dalek::{Signature, Signer as _, VerifyingKey};
use sha2::{Digest, Sha256};

use crate::corpus::seeded_key;

/// `count` distinct (key, message, signature) triples, keys from `sha256("perfbench-key-i")`.
pub(crate) struct Signatures {
    pub(crate) keys: Vec<VerifyingKey>,
    pub(crate) messages: Vec<[u8; 64]>,
    pub(crate) signatures: Vec<Signature>,
}

impl Signatures {
    pub(crate) fn new(count: usize) -> Signatures {
        let mut set = Signatures {
            keys: Vec::with_capacity(count),
            messages: Vec::with_capacity(count),
            signatures: Vec::with_capacity(count),
        };
        for index in 0..count {
            let key = seeded_key("perfbench-key", index);
            let mut message = [0u8; 64];
            message[..32].copy_from_slice(&Sha256::digest(format!("proof-{index}").as_bytes()));
            message[32..].copy_from_slice(&Sha256::digest(format!("document-{index}").as_bytes()));
            set.signatures.push(key.sign(&message));
            set.keys.push(key.verifying_key());
            set.messages.push(message);
        }
        set
    }

    pub(crate) fn len(&self) -> usize {
        self.keys.len()
    }

    /// `verify_strict` of triple `index`.
    pub(crate) fn verify_strict(&self, index: usize) -> bool {
        self.keys[index]
            .verify_strict(&self.messages[index], &self.signatures[index])
            .is_ok()
    }

    /// `verify_batch` of the triples `start..start + size`.
    pub(crate) fn verify_batch(&self, start: usize, size: usize) -> bool {
        let range = start..start + size;
        let messages: Vec<&[u8]> = self.messages[range.clone()]
            .iter()
            .map(|message| message.as_slice())
            .collect();
        ed25519_dalek::verify_batch(
            &messages,
            &self.signatures[range.clone()],
            &self.keys[range],
        )
        .is_ok()
    }
}
