//! The index of verified skills (layer L2): one tantivy index, one schema file, one writer,
//! commits that carry the crawl cursor, and the synchronous fast-field primitives that
//! ranking and analytics build on.
//!
//! The one design decision here: **a commit is the unit of everything.** Credentials, the
//! claims derived from them and demand records live in one index (told apart by a
//! `doc_type` field, [`schema`]), so a single tantivy commit moves them together with the
//! caller's cursor in its payload. After a crash the index reopens to exactly the last
//! commit; readers see a commit only through an explicit [`SkillIndex::reload`]; and every
//! result is a function of the committed content alone, named by a content-addressed
//! [`SnapshotId`].
//!
//! Only [`Verified<CredentialRecord>`](model::Verified) enters: the writer has no other way
//! in for credentials.
//!
//! ```
//! # fn main() -> Result<(), skillproof_index::Error> {
//! use skillproof_index::{ClaimFilter, SkillIndex, SkillRequirement, WriterOptions};
//!
//! let index = SkillIndex::create_in_ram()?;
//! let mut writer = index.writer(WriterOptions::default())?;
//! // writer.upsert_credential(&verified_record)?;
//! let snapshot = writer.commit("crawl-cursor-1")?;
//! assert_eq!(snapshot.cursor(), Some("crawl-cursor-1"));
//! let matches = snapshot.match_claims(
//!     &[SkillRequirement::Within("/esco/S/S1".to_owned())],
//!     &ClaimFilter { findable_only: true, ..ClaimFilter::default() },
//! )?;
//! assert!(matches.hits.is_empty());
//! # Ok(())
//! # }
//! ```

#![warn(missing_docs)]

mod collect;
mod columns;
mod document;
mod error;
mod query;
pub mod schema;
mod snapshot;
mod writer;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use sha2::{Digest, Sha256};
use tantivy::directory::MmapDirectory;
use tantivy::directory::error::LockError;
use tantivy::index::SegmentId;
use tantivy::query::{Query, TermSetQuery};
use tantivy::{Index, IndexReader, IndexSettings, ReloadPolicy, TantivyError, Term};

pub use collect::claims::{ClaimHit, ClaimMatches};
pub use collect::demand::DemandCell;
pub use collect::supply::{FacetCount, FacetCounts, SupplyCell};
pub use document::{IndexedCredential, PROVINCE_CODE, key_hash};
pub use error::{Error, Result};
pub use query::{
    ClaimFilter, DemandRequest, GeoRadius, MAX_REQUIREMENTS, RegionAttribution, RegionCode,
    RegionLevel, SkillGrouping, SkillRequirement, SupplyRequest, distance_km,
};
pub use schema::SCHEMA_VERSION;
pub use snapshot::{
    ClaimKeys, CommitInfo, MAX_TEXT_HITS, OperationCounts, Snapshot, SnapshotId, TextHit,
};
pub use writer::{DeletionReason, IndexWriterHandle, WriterOptions};

use crate::collect::text::FingerprintSums;
use crate::schema::{Fields, doc_type};
use crate::snapshot::Payload;

/// An open index: the handle readers and the writer share.
#[derive(Clone)]
pub struct SkillIndex {
    shared: Arc<Shared>,
}

pub(crate) struct Shared {
    index: Index,
    pub(crate) fields: Fields,
    reader: IndexReader,
    location: String,
    /// The directory, for an on-disk index.
    path: Option<PathBuf>,
    /// The snapshot the reader shows (reloads are explicit, so it changes only in `reload`).
    current: Mutex<Option<Snapshot>>,
    /// Fingerprint sums per (segment, deleted docs): segments are immutable and their deletes
    /// only grow, so the pair names the segment's live content.
    fingerprints: Mutex<HashMap<(SegmentId, u32), (u64, u64)>>,
}

impl std::fmt::Debug for SkillIndex {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("SkillIndex")
            .field("location", &self.shared.location)
            .finish()
    }
}

impl SkillIndex {
    /// Opens the index in `dir`, creating the folder and an empty index when there is none.
    /// Meant for the writer's process; readers elsewhere use [`SkillIndex::open`].
    pub fn open_or_create(dir: impl AsRef<Path>) -> Result<SkillIndex> {
        let dir = dir.as_ref();
        std::fs::create_dir_all(dir).map_err(|source| io_error(dir, source))?;
        let directory = MmapDirectory::open(dir)?;
        let location = dir.display().to_string();
        if Index::exists(&directory).map_err(TantivyError::from)? {
            SkillIndex::from_index(Index::open(directory)?, location, Some(dir.to_path_buf()))
        } else {
            let (schema, _) = schema::build();
            let index = Index::create(directory, schema, IndexSettings::default())?;
            SkillIndex::from_index(index, location, Some(dir.to_path_buf()))
        }
    }

    /// Opens an existing index (an error when `dir` holds none).
    pub fn open(dir: impl AsRef<Path>) -> Result<SkillIndex> {
        let dir = dir.as_ref();
        let directory = MmapDirectory::open(dir)?;
        SkillIndex::from_index(
            Index::open(directory)?,
            dir.display().to_string(),
            Some(dir.to_path_buf()),
        )
    }

    /// A new empty index in memory (tests, examples, benchmarks).
    pub fn create_in_ram() -> Result<SkillIndex> {
        let (schema, _) = schema::build();
        SkillIndex::from_index(Index::create_in_ram(schema), "memory".to_owned(), None)
    }

    fn from_index(index: Index, location: String, path: Option<PathBuf>) -> Result<SkillIndex> {
        let (expected, fields) = schema::build();
        let found = index.schema();
        if found != expected {
            // Compare by name: the stored schema may have fewer fields than ours, so our
            // field handles are no index into it.
            let differing: Vec<&str> = expected
                .fields()
                .filter(|(_, entry)| match found.get_field(entry.name()) {
                    Ok(field) => found.get_field_entry(field) != *entry,
                    Err(_) => true,
                })
                .map(|(_, entry)| entry.name())
                .collect();
            let found = match differing.first() {
                Some(first) => format!(
                    "{} fields differ or are missing, first {first:?}",
                    differing.len()
                ),
                None => format!(
                    "{} fields instead of {}",
                    found.num_fields(),
                    expected.num_fields()
                ),
            };
            return Err(Error::SchemaMismatch {
                path: location,
                found,
            });
        }
        if let Some(text) = index.load_metas()?.payload {
            let payload = Payload::parse(&text)?;
            if payload.schema_version != SCHEMA_VERSION {
                return Err(Error::SchemaMismatch {
                    path: location,
                    found: format!(
                        "schema version {} (this build writes {SCHEMA_VERSION})",
                        payload.schema_version
                    ),
                });
            }
        }
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        let shared = Arc::new(Shared {
            index,
            fields,
            reader,
            location,
            path,
            current: Mutex::new(None),
            fingerprints: Mutex::new(HashMap::new()),
        });
        shared.reload()?;
        Ok(SkillIndex { shared })
    }

    /// The writer. Fails with [`Error::WriterLocked`] while another one exists, here or in
    /// another process.
    pub fn writer(&self, options: WriterOptions) -> Result<IndexWriterHandle> {
        let writer = self
            .shared
            .index
            .writer_with_num_threads(options.num_threads, options.memory_budget_bytes)
            .map_err(|error| match error {
                TantivyError::LockFailure(LockError::LockBusy, _) => Error::WriterLocked {
                    path: self.shared.location.clone(),
                },
                TantivyError::InvalidArgument(message) => Error::InvalidRequest(message),
                other => other.into(),
            })?;
        if let Some(path) = &self.shared.path {
            remove_interrupted_writes(path)?;
        }
        Ok(IndexWriterHandle {
            writer,
            shared: Arc::clone(&self.shared),
            pending: OperationCounts::default(),
        })
    }

    /// The snapshot readers currently see (the last one loaded).
    pub fn snapshot(&self) -> Result<Snapshot> {
        let current = self
            .shared
            .current
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        match current {
            Some(snapshot) => Ok(snapshot),
            None => self.shared.reload(),
        }
    }

    /// Loads the latest commit (one written by this process's writer or another's) and
    /// returns its snapshot. Searches in flight keep the snapshot they started with.
    pub fn reload(&self) -> Result<Snapshot> {
        self.shared.reload()
    }

    /// Where the index lives (`memory` for one in RAM).
    pub fn location(&self) -> &str {
        &self.shared.location
    }
}

impl Shared {
    pub(crate) fn reload(&self) -> Result<Snapshot> {
        // The searcher and the payload come from two reads of `meta.json`; a commit by another
        // process in between would pair them wrongly, so read the payload on both sides and
        // retry until they agree (merges keep opstamp and payload, so they never force one).
        const ATTEMPTS: usize = 16;
        let mut last_seen = None;
        for _ in 0..ATTEMPTS {
            let before = self.index.load_metas()?;
            self.reader.reload()?;
            let searcher = self.reader.searcher();
            let after = self.index.load_metas()?;
            if before.opstamp != after.opstamp || before.payload != after.payload {
                last_seen = Some(after.opstamp);
                continue;
            }
            let commit = match &after.payload {
                None => None,
                Some(text) => {
                    let payload = Payload::parse(text)?;
                    Some(CommitInfo {
                        cursor: payload.cursor,
                        opstamp: after.opstamp,
                        operations: payload.operations,
                    })
                }
            };
            let id = self.snapshot_id(&searcher)?;
            let snapshot = Snapshot {
                searcher,
                fields: self.fields.clone(),
                id,
                commit,
            };
            *self.current.lock().unwrap_or_else(PoisonError::into_inner) = Some(snapshot.clone());
            return Ok(snapshot);
        }
        Err(Error::BadPayload(format!(
            "commits kept arriving during {ATTEMPTS} reloads (last opstamp {last_seen:?})"
        )))
    }

    fn snapshot_id(&self, searcher: &tantivy::Searcher) -> Result<SnapshotId> {
        let query = TermSetQuery::new([
            Term::from_field_text(self.fields.doc_type, doc_type::CREDENTIAL),
            Term::from_field_text(self.fields.doc_type, doc_type::DEMAND),
        ]);
        let weight = query.weight(tantivy::query::EnableScoring::disabled_from_searcher(
            searcher,
        ))?;
        let mut cache = self
            .fingerprints
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let mut live = HashMap::new();
        let (mut sum, mut mixed) = (0u64, 0u64);
        for (segment_ord, reader) in searcher.segment_readers().iter().enumerate() {
            let key = (reader.segment_id(), reader.num_deleted_docs());
            let sums = match cache.get(&key) {
                Some(sums) => *sums,
                None => {
                    use tantivy::collector::Collector;
                    FingerprintSums.collect_segment(weight.as_ref(), segment_ord as u32, reader)?
                }
            };
            live.insert(key, sums);
            sum = sum.wrapping_add(sums.0);
            mixed = mixed.wrapping_add(sums.1);
        }
        *cache = live;
        let mut hasher = Sha256::new();
        hasher.update(b"skillproof-index-snapshot");
        hasher.update(SCHEMA_VERSION.to_be_bytes());
        hasher.update(sum.to_be_bytes());
        hasher.update(mixed.to_be_bytes());
        let digest = hasher.finalize();
        Ok(SnapshotId(format!("s{}", hex::encode(&digest[..16]))))
    }
}

/// Removes the temporary files of atomic writes (`meta.json`, `.managed.json`) that a crash
/// interrupted: tantivy writes them as `.tmp*` and renames them, and its garbage collection
/// only knows the files it manages, so without this every kill mid-commit would leave one
/// behind. Safe only under the writer lock: nobody else writes in the directory.
fn remove_interrupted_writes(path: &Path) -> Result<()> {
    let entries = std::fs::read_dir(path).map_err(|source| io_error(path, source))?;
    for entry in entries {
        let entry = entry.map_err(|source| io_error(path, source))?;
        if entry.file_name().to_string_lossy().starts_with(".tmp") && entry.path().is_file() {
            std::fs::remove_file(entry.path()).map_err(|source| io_error(&entry.path(), source))?;
        }
    }
    Ok(())
}

fn io_error(path: &Path, source: std::io::Error) -> Error {
    Error::Io {
        path: path.display().to_string(),
        source: Arc::new(source),
    }
}

/// The raw tantivy view of the same index, for benchmarks that compare our primitives with
/// plain tantivy on identical documents and queries, and for experiments in the ranker.
pub mod raw {
    use model::{CredentialRecord, DemandRecord, Verified};
    use tantivy::TantivyDocument;
    use tantivy::query::Query;

    use crate::query::{self, ClaimFilter, SkillRequirement};
    use crate::{Result, document, schema};

    /// The schema every index of this crate has.
    pub fn schema() -> tantivy::schema::Schema {
        schema::build().0
    }

    /// The documents one credential becomes.
    pub fn credential_documents(
        credential: &Verified<CredentialRecord>,
    ) -> Result<Vec<TantivyDocument>> {
        document::credential_documents(&schema::build().1, credential)
    }

    /// The documents one demand record becomes.
    pub fn demand_documents(demand: &DemandRecord) -> Result<Vec<TantivyDocument>> {
        document::demand_documents(&schema::build().1, demand)
    }

    /// The tantivy query [`Snapshot::match_claims`](crate::Snapshot::match_claims) runs
    /// (before its per-document checks of dates and exact distance).
    pub fn claim_query(
        requirements: &[SkillRequirement],
        filter: &ClaimFilter,
    ) -> Result<Box<dyn Query>> {
        let prepared = query::prepare_requirements(requirements)?;
        query::claim_query(&schema::build().1, &prepared, filter)
    }
}
