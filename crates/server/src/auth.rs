//! API keys and roles.
//!
//! A key is 32 random bytes shown once to its owner (`spk_` + 64 hex digits); the server keeps
//! only its SHA-256 (a high-entropy secret needs no slow hash) in `keys.json` in the data dir,
//! and compares digests in constant time. An institution key is bound to the issuer ids it may
//! see reports of.

use std::path::Path;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// What a key may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Searches candidates and programs.
    Employer,
    /// A workforce planning board: supply, demand and gaps.
    Board,
    /// An institution: demand for its credentials' skills and its own issuer reports.
    Institution,
    /// Operators: metrics, reload, every report.
    Admin,
}

impl Role {
    /// The role's name as in `keys.json`.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Employer => "employer",
            Role::Board => "board",
            Role::Institution => "institution",
            Role::Admin => "admin",
        }
    }

    /// Parses a role name.
    pub fn parse(text: &str) -> Option<Role> {
        [Role::Employer, Role::Board, Role::Institution, Role::Admin]
            .into_iter()
            .find(|role| role.as_str() == text)
    }
}

/// One key as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyEntry {
    /// A name for logs and metrics (never the secret).
    pub id: String,
    /// What it may do.
    pub role: Role,
    /// Lower-case hex SHA-256 of the key.
    pub sha256: String,
    /// For institution keys: the issuer ids whose reports it may see.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub issuers: Vec<String>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct KeysFile {
    keys: Vec<KeyEntry>,
}

/// Why a keys file was refused.
#[derive(Debug, thiserror::Error)]
pub enum KeysError {
    /// The file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The cause.
        source: std::io::Error,
    },
    /// The file is not a valid keys file.
    #[error("{path}: {message}")]
    Invalid {
        /// The file.
        path: String,
        /// What is wrong.
        message: String,
    },
}

/// Who is calling: resolved once per request by the auth middleware.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Caller {
    /// No key: public lookups and verify only.
    Anonymous,
    /// A known key.
    Key(KeyEntry),
}

impl Caller {
    /// The role, when there is a key.
    pub fn role(&self) -> Option<Role> {
        match self {
            Caller::Anonymous => None,
            Caller::Key(entry) => Some(entry.role),
        }
    }

    /// True when this caller may see reports of `issuer`: admins see all, institutions their
    /// own issuers.
    pub fn may_see_issuer(&self, issuer: &str) -> bool {
        match self {
            Caller::Key(entry) if entry.role == Role::Admin => true,
            Caller::Key(entry) if entry.role == Role::Institution => {
                entry.issuers.iter().any(|own| own == issuer)
            }
            _ => false,
        }
    }
}

/// The keys the server accepts.
#[derive(Debug, Clone, Default)]
pub struct KeyStore {
    entries: Vec<(KeyEntry, [u8; 32])>,
}

/// The largest keys file read (a few thousand keys).
const MAX_KEYS_FILE_BYTES: u64 = 4 << 20;

impl KeyStore {
    /// No keys: every caller is anonymous.
    pub fn empty() -> KeyStore {
        KeyStore::default()
    }

    /// A store of the given entries, validated as a file would be.
    pub fn from_entries(entries: Vec<KeyEntry>) -> Result<KeyStore, KeysError> {
        KeyStore::validate(entries, "<memory>")
    }

    /// Reads `keys.json`; a missing file is an empty store (public routes only).
    pub fn load(path: &Path) -> Result<KeyStore, KeysError> {
        let shown = path.display().to_string();
        let io = |source| KeysError::Io {
            path: shown.clone(),
            source,
        };
        let metadata = match std::fs::metadata(path) {
            Ok(metadata) => metadata,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                return Ok(KeyStore::empty());
            }
            Err(error) => return Err(io(error)),
        };
        if metadata.len() > MAX_KEYS_FILE_BYTES {
            return Err(KeysError::Invalid {
                path: shown,
                message: format!("larger than {MAX_KEYS_FILE_BYTES} bytes"),
            });
        }
        let text = std::fs::read(path).map_err(io)?;
        let file: KeysFile = serde_json::from_slice(&text).map_err(|error| KeysError::Invalid {
            path: shown.clone(),
            message: error.to_string(),
        })?;
        KeyStore::validate(file.keys, &shown)
    }

    fn validate(entries: Vec<KeyEntry>, shown: &str) -> Result<KeyStore, KeysError> {
        let invalid = |message: String| KeysError::Invalid {
            path: shown.to_owned(),
            message,
        };
        let mut store = KeyStore::default();
        for entry in entries {
            let digest = hex::decode(&entry.sha256)
                .ok()
                .and_then(|bytes| <[u8; 32]>::try_from(bytes).ok())
                .ok_or_else(|| {
                    invalid(format!("key {:?}: sha256 must be 64 hex digits", entry.id))
                })?;
            if entry.id.is_empty() || entry.id.len() > 64 {
                return Err(invalid("a key id must have 1 to 64 characters".to_owned()));
            }
            if store.entries.iter().any(|(other, _)| other.id == entry.id) {
                return Err(invalid(format!("key id {:?} appears twice", entry.id)));
            }
            match entry.role {
                Role::Institution if entry.issuers.is_empty() => {
                    return Err(invalid(format!(
                        "institution key {:?} names no issuers",
                        entry.id
                    )));
                }
                Role::Institution => {}
                _ if !entry.issuers.is_empty() => {
                    return Err(invalid(format!(
                        "key {:?}: only institution keys are bound to issuers",
                        entry.id
                    )));
                }
                _ => {}
            }
            store.entries.push((entry, digest));
        }
        Ok(store)
    }

    /// Number of keys.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when there are no keys.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The entry of a presented key. Every stored digest is compared, in constant time, so
    /// the time taken says nothing about which key came close.
    pub fn authenticate(&self, presented: &str) -> Option<&KeyEntry> {
        let digest: [u8; 32] = Sha256::digest(presented.as_bytes()).into();
        let mut found = None;
        for (entry, stored) in &self.entries {
            let difference = stored
                .iter()
                .zip(&digest)
                .fold(0u8, |accumulated, (a, b)| accumulated | (a ^ b));
            if difference == 0 && found.is_none() {
                found = Some(entry);
            }
        }
        found
    }
}

/// A new key: the secret (to show once) and the entry to store.
pub fn generate_key(
    id: &str,
    role: Role,
    issuers: Vec<String>,
) -> Result<(String, KeyEntry), KeysError> {
    let mut secret = [0u8; 32];
    getrandom::fill(&mut secret).map_err(|error| KeysError::Invalid {
        path: "<random>".to_owned(),
        message: format!("no randomness for a new key: {error}"),
    })?;
    let plain = format!("spk_{}", hex::encode(secret));
    let entry = KeyEntry {
        id: id.to_owned(),
        role,
        sha256: hex::encode(Sha256::digest(plain.as_bytes())),
        issuers,
    };
    // Validate as the loader would, so a bad id or binding fails now, not at the next start.
    KeyStore::from_entries(vec![entry.clone()])?;
    Ok((plain, entry))
}

/// Adds an entry to a keys file (created when missing), refusing a duplicate id.
pub fn append_key(path: &Path, entry: KeyEntry) -> Result<(), KeysError> {
    let shown = path.display().to_string();
    let mut file = match std::fs::read(path) {
        Ok(text) => {
            serde_json::from_slice::<KeysFile>(&text).map_err(|error| KeysError::Invalid {
                path: shown.clone(),
                message: error.to_string(),
            })?
        }
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => KeysFile::default(),
        Err(source) => {
            return Err(KeysError::Io {
                path: shown,
                source,
            });
        }
    };
    file.keys.push(entry);
    KeyStore::validate(file.keys.clone(), &shown)?;
    let text = serde_json::to_vec_pretty(&file).map_err(|error| KeysError::Invalid {
        path: shown.clone(),
        message: error.to_string(),
    })?;
    // Write beside and rename, so a crash never leaves a half-written keys file.
    let temporary = path.with_extension("json.tmp");
    std::fs::write(&temporary, text)
        .and_then(|()| std::fs::rename(&temporary, path))
        .map_err(|source| KeysError::Io {
            path: shown,
            source,
        })
}
