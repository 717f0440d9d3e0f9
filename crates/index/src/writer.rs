//! The single writer.
//!
//! Exactly one [`IndexWriterHandle`] exists per index directory: tantivy takes an OS file
//! lock (released by the kernel when the process dies, so a `kill -9` never leaves it
//! stale), and a second writer, in this process or another, gets
//! [`Error::WriterLocked`](crate::Error::WriterLocked). Its methods take `&mut self`, so it is
//! used from one thread at a time: an upsert is "delete every document of this id, then add
//! the new ones", and the commit payload must describe exactly the operations before it;
//! both hold only if operations reach tantivy in one order. Throughput comes from tantivy's
//! own indexing threads behind the handle, not from sharing it.

use std::sync::Arc;

use model::{CredentialRecord, DemandRecord, Verified};
use tantivy::indexer::UserOperation;
use tantivy::{IndexWriter, TantivyDocument, Term};

use crate::document::{credential_documents, demand_documents};
use crate::snapshot::{OperationCounts, PAYLOAD_FORMAT, Payload};
use crate::{Error, Result, SCHEMA_VERSION, Shared, Snapshot};

/// Why a credential leaves the index. Every reason removes it from person results and from
/// every aggregate at the next commit; the reason is counted in the commit payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DeletionReason {
    /// Its status list says revoked.
    Revoked,
    /// Its status list says suspended.
    Suspended,
    /// Its validity ended.
    Expired,
    /// The issuer no longer publishes it.
    WithdrawnByIssuer,
    /// The earner no longer presents it (their presentation dropped it or disappeared).
    WithdrawnByEarner,
}

/// Indexing threads and memory of the writer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WriterOptions {
    /// tantivy indexing threads (each builds its own segments).
    pub num_threads: usize,
    /// Memory for in-flight segments, shared by the threads (at least 15 MB per thread).
    pub memory_budget_bytes: usize,
}

impl Default for WriterOptions {
    /// One thread and 64 MB: the machines have two cores, and verification wants the other.
    fn default() -> Self {
        WriterOptions {
            num_threads: 1,
            memory_budget_bytes: 64_000_000,
        }
    }
}

/// The one writer of an index. See the module documentation for why there is one.
pub struct IndexWriterHandle {
    pub(crate) writer: IndexWriter<TantivyDocument>,
    pub(crate) shared: Arc<Shared>,
    pub(crate) pending: OperationCounts,
}

impl IndexWriterHandle {
    /// Adds a verified credential, replacing every document of the same credential id.
    /// Visible at the next commit. A record the mapping refuses changes nothing.
    pub fn upsert_credential(&mut self, credential: &Verified<CredentialRecord>) -> Result<()> {
        let documents = credential_documents(&self.shared.fields, credential)?;
        let id = &credential.value().credential_id;
        self.replace(
            Term::from_field_text(self.shared.fields.credential_id, id),
            documents,
        )?;
        self.pending.credentials_upserted += 1;
        Ok(())
    }

    /// Removes a credential (and its claims) at the next commit. Deleting an id that is not
    /// indexed is a no-op, so replays are idempotent.
    pub fn delete_credential(&mut self, credential_id: &str, reason: DeletionReason) -> Result<()> {
        self.replace(
            Term::from_field_text(self.shared.fields.credential_id, credential_id),
            Vec::new(),
        )?;
        let counter = match reason {
            DeletionReason::Revoked => &mut self.pending.credentials_revoked,
            DeletionReason::Suspended => &mut self.pending.credentials_suspended,
            DeletionReason::Expired => &mut self.pending.credentials_expired,
            DeletionReason::WithdrawnByIssuer => &mut self.pending.credentials_withdrawn_by_issuer,
            DeletionReason::WithdrawnByEarner => &mut self.pending.credentials_withdrawn_by_earner,
        };
        *counter += 1;
        Ok(())
    }

    /// Removes an earner from the index altogether at the next commit: every credential and
    /// claim under their key is deleted, so they vanish from person results, explanations,
    /// stored copies and every aggregate.
    ///
    /// Deleting rather than flipping `findable` off is deliberate: a withdrawal of consent
    /// asks for erasure (GDPR art. 17, PIPEDA 4.3.8; "withdrawal wins"), and a credential
    /// that may still count in aggregates without consent comes back through an ordinary
    /// upsert with `findable: false`. Keeping the withdrawal from being undone by a later
    /// crawl of the same credentials is the crawler's job (it knows the consent state).
    pub fn withdraw_earner(&mut self, earner_key: &str) -> Result<()> {
        self.replace(
            Term::from_field_text(self.shared.fields.earner, earner_key),
            Vec::new(),
        )?;
        self.pending.earners_withdrawn += 1;
        Ok(())
    }

    /// Adds a demand record, replacing every document of the same demand id.
    pub fn upsert_demand(&mut self, demand: &DemandRecord) -> Result<()> {
        let documents = demand_documents(&self.shared.fields, demand)?;
        self.replace(
            Term::from_field_text(self.shared.fields.demand_id, &demand.demand_id),
            documents,
        )?;
        self.pending.demands_upserted += 1;
        Ok(())
    }

    /// Removes a demand record at the next commit.
    pub fn delete_demand(&mut self, demand_id: &str) -> Result<()> {
        self.replace(
            Term::from_field_text(self.shared.fields.demand_id, demand_id),
            Vec::new(),
        )?;
        self.pending.demands_deleted += 1;
        Ok(())
    }

    /// Deletes by term, then adds, as one group: contiguous opstamps (the delete covers every
    /// earlier document of the term and none of the new ones) in one segment.
    fn replace(&mut self, term: Term, documents: Vec<TantivyDocument>) -> Result<()> {
        let mut operations = Vec::with_capacity(1 + documents.len());
        operations.push(UserOperation::Delete(term));
        operations.extend(documents.into_iter().map(UserOperation::Add));
        self.writer.run(operations)?;
        Ok(())
    }

    /// What has been done since the last commit.
    pub fn pending(&self) -> &OperationCounts {
        &self.pending
    }

    /// Makes every operation since the last commit durable and visible, atomically with
    /// `cursor`, and returns the snapshot of the new commit.
    ///
    /// After this returns, a crash at any instant (a process kill; power loss may roll back
    /// to the previous commit, never to a mix) reopens to exactly this commit and cursor.
    /// If it fails, the previous commit is intact; drop this handle and open a new writer.
    pub fn commit(&mut self, cursor: &str) -> Result<Snapshot> {
        let payload = Payload {
            format: PAYLOAD_FORMAT.to_owned(),
            schema_version: SCHEMA_VERSION,
            cursor: cursor.to_owned(),
            operations: self.pending.clone(),
        };
        let payload = serde_json::to_string(&payload)
            .map_err(|error| Error::BadPayload(error.to_string()))?;
        let mut prepared = self.writer.prepare_commit()?;
        prepared.set_payload(&payload);
        prepared.commit()?;
        self.pending = OperationCounts::default();
        self.shared.reload()
    }

    /// Discards every operation since the last commit.
    pub fn rollback(&mut self) -> Result<()> {
        self.writer.rollback()?;
        self.pending = OperationCounts::default();
        Ok(())
    }

    /// Deletes files no commit refers to (segments of an interrupted run, merged-away
    /// segments). Commits do this too; this is for a clean shutdown or after a crash.
    pub fn collect_garbage(&mut self) -> Result<()> {
        self.writer.garbage_collect_files().wait()?;
        Ok(())
    }

    /// Waits for background merges and releases the writer lock.
    pub fn finish(self) -> Result<()> {
        self.writer.wait_merging_threads()?;
        Ok(())
    }
}
