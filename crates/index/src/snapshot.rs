//! A snapshot: one committed state of the index, searched without locks.

use std::collections::{BTreeMap, HashSet};
use std::fmt;
use std::ops::Bound;
use std::sync::Arc;

use model::DemandRecord;
use serde::{Deserialize, Serialize};
use tantivy::collector::{Count, DocSetCollector};
use tantivy::query::{BooleanQuery, ConstScoreQuery, Occur, Query, RangeQuery, TermQuery};
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::{DocAddress, Searcher, TantivyDocument, Term};

use crate::collect::claims::{ClaimCollector, ClaimMatches};
use crate::collect::demand::{DemandCell, DemandCollector};
use crate::collect::supply::{FacetCollector, FacetCounts, SupplyCell, SupplyCollector};
use crate::collect::text::TopCredentials;
use crate::columns::{first_ord, open_str};
use crate::document::IndexedCredential;
use crate::query::{
    self, ClaimFilter, DemandRequest, RegionLevel, SkillGrouping, SkillRequirement, SupplyRequest,
};
use crate::schema::{Fields, doc_type, name};
use crate::{ClaimHit, Error, Result};

/// Names a committed content: equal for two snapshots holding the same documents, whatever
/// the order of operations, the crash history or the segment layout that led there, so that
/// "the same request against the same snapshot returns the same list" holds across restarts
/// and rebuilds.
///
/// It is a hash of the schema version and an order-independent sum of per-record
/// fingerprints (SHA-256 of each stored credential and demand record).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct SnapshotId(pub(crate) String);

impl SnapshotId {
    /// The id as text (`s` and 32 hex digits).
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for SnapshotId {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(&self.0)
    }
}

/// What the writer did between two commits, kept in the commit payload.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct OperationCounts {
    /// Credentials added or replaced.
    pub credentials_upserted: u64,
    /// Credentials deleted because their status list says revoked.
    pub credentials_revoked: u64,
    /// Credentials deleted because their status list says suspended.
    pub credentials_suspended: u64,
    /// Credentials deleted because they expired.
    pub credentials_expired: u64,
    /// Credentials the issuer no longer publishes.
    pub credentials_withdrawn_by_issuer: u64,
    /// Credentials the earner no longer presents.
    pub credentials_withdrawn_by_earner: u64,
    /// Earners who withdrew altogether (every credential of theirs deleted).
    pub earners_withdrawn: u64,
    /// Demand records added or replaced.
    pub demands_upserted: u64,
    /// Demand records deleted.
    pub demands_deleted: u64,
}

/// A commit as its payload records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommitInfo {
    /// The caller's cursor (the crawl cursor), stored atomically with the documents.
    pub cursor: String,
    /// tantivy's opstamp of the commit (grows with every operation; not content-addressed).
    pub opstamp: u64,
    /// Operations since the previous commit.
    pub operations: OperationCounts,
}

/// The payload tantivy stores with each commit (`meta.json`).
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct Payload {
    pub(crate) format: String,
    pub(crate) schema_version: u32,
    pub(crate) cursor: String,
    pub(crate) operations: OperationCounts,
}

pub(crate) const PAYLOAD_FORMAT: &str = "skillproof-index";

impl Payload {
    pub(crate) fn parse(text: &str) -> Result<Payload> {
        let payload: Payload =
            serde_json::from_str(text).map_err(|error| Error::BadPayload(error.to_string()))?;
        if payload.format != PAYLOAD_FORMAT {
            return Err(Error::BadPayload(format!("format {:?}", payload.format)));
        }
        Ok(payload)
    }
}

/// The keys behind a [`ClaimHit`]'s hashes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimKeys {
    /// The earner key (`did:…`, `idhash:…`).
    pub earner: String,
    /// The credential id.
    pub credential_id: String,
}

/// One full-text hit.
#[derive(Debug, Clone, PartialEq)]
pub struct TextHit {
    /// The credential id.
    pub credential_id: String,
    /// The earner key.
    pub earner: String,
    /// BM25 over achievement name and description.
    pub score: f32,
}

/// At most this many full-text hits per request.
pub const MAX_TEXT_HITS: usize = 10_000;

/// One committed state of the index. Cheap to clone; searching it takes no lock and never
/// sees a later commit.
#[derive(Clone)]
pub struct Snapshot {
    pub(crate) searcher: Searcher,
    pub(crate) fields: Fields,
    pub(crate) id: SnapshotId,
    pub(crate) commit: Option<CommitInfo>,
}

impl fmt::Debug for Snapshot {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("Snapshot")
            .field("id", &self.id)
            .field("commit", &self.commit)
            .field("num_docs", &self.searcher.num_docs())
            .finish()
    }
}

fn term_query(term: Term) -> Box<dyn Query> {
    Box::new(TermQuery::new(term, IndexRecordOption::Basic))
}

impl Snapshot {
    /// The content-addressed id of this snapshot.
    pub fn id(&self) -> &SnapshotId {
        &self.id
    }

    /// The commit this snapshot shows; `None` before the first commit.
    pub fn commit(&self) -> Option<&CommitInfo> {
        self.commit.as_ref()
    }

    /// The cursor of that commit.
    pub fn cursor(&self) -> Option<&str> {
        self.commit.as_ref().map(|commit| commit.cursor.as_str())
    }

    /// The tantivy searcher, for raw queries over the [`raw`](crate::raw) schema (benchmarks
    /// compare against it). Document addresses are valid for this snapshot only.
    pub fn searcher(&self) -> &Searcher {
        &self.searcher
    }

    fn count_type(&self, doc_type: &str) -> Result<u64> {
        let query = TermQuery::new(
            Term::from_field_text(self.fields.doc_type, doc_type),
            IndexRecordOption::Basic,
        );
        Ok(self.searcher.search(&query, &Count)? as u64)
    }

    /// Credentials in the index.
    pub fn num_credentials(&self) -> Result<u64> {
        self.count_type(doc_type::CREDENTIAL)
    }

    /// Claims (credential × skill) in the index.
    pub fn num_claims(&self) -> Result<u64> {
        self.count_type(doc_type::CLAIM)
    }

    /// Demand records in the index.
    pub fn num_demands(&self) -> Result<u64> {
        self.count_type(doc_type::DEMAND)
    }

    /// Every credential id, sorted.
    pub fn credential_ids(&self) -> Result<Vec<String>> {
        let query = term_query(Term::from_field_text(
            self.fields.doc_type,
            doc_type::CREDENTIAL,
        ));
        self.strings_of(query.as_ref(), name::CREDENTIAL_ID)
    }

    /// Every demand id, sorted.
    pub fn demand_ids(&self) -> Result<Vec<String>> {
        let query = term_query(Term::from_field_text(
            self.fields.doc_type,
            doc_type::DEMAND,
        ));
        self.strings_of(query.as_ref(), name::DEMAND_ID)
    }

    /// Ids of credentials whose validity ended at or before `at` (seconds since the epoch):
    /// what a housekeeping pass deletes with [`DeletionReason::Expired`](crate::DeletionReason::Expired).
    pub fn expired_credential_ids(&self, at: i64) -> Result<Vec<String>> {
        let query = BooleanQuery::new(vec![
            (
                Occur::Must,
                term_query(Term::from_field_text(
                    self.fields.doc_type,
                    doc_type::CREDENTIAL,
                )),
            ),
            (
                Occur::Must,
                Box::new(RangeQuery::new(
                    Bound::Unbounded,
                    Bound::Included(Term::from_field_i64(self.fields.valid_until, at)),
                )),
            ),
        ]);
        self.strings_of(&query, name::CREDENTIAL_ID)
    }

    /// Whether a credential with these verified bytes (SHA-256, hex) is indexed: the crawler
    /// skips verifying unchanged content.
    pub fn contains_content(&self, content_sha256: &str) -> Result<bool> {
        let query = BooleanQuery::new(vec![
            (
                Occur::Must,
                term_query(Term::from_field_text(
                    self.fields.doc_type,
                    doc_type::CREDENTIAL,
                )),
            ),
            (
                Occur::Must,
                term_query(Term::from_field_text(
                    self.fields.content_sha256,
                    content_sha256,
                )),
            ),
        ]);
        Ok(self.searcher.search(&query, &Count)? > 0)
    }

    /// The stored record and verification summary of a credential, for explanations and
    /// offline re-verification of its original bytes.
    pub fn credential(&self, credential_id: &str) -> Result<Option<IndexedCredential>> {
        let stored = self.stored(
            doc_type::CREDENTIAL,
            self.fields.credential_id,
            credential_id,
        )?;
        stored
            .map(|bytes| {
                serde_json::from_slice(&bytes).map_err(|error| Error::CorruptDocument {
                    id: credential_id.to_owned(),
                    reason: error.to_string(),
                })
            })
            .transpose()
    }

    /// A stored demand record.
    pub fn demand(&self, demand_id: &str) -> Result<Option<DemandRecord>> {
        let stored = self.stored(doc_type::DEMAND, self.fields.demand_id, demand_id)?;
        stored
            .map(|bytes| {
                serde_json::from_slice(&bytes).map_err(|error| Error::CorruptDocument {
                    id: demand_id.to_owned(),
                    reason: error.to_string(),
                })
            })
            .transpose()
    }

    fn stored(
        &self,
        doc_type: &str,
        id_field: tantivy::schema::Field,
        id: &str,
    ) -> Result<Option<Vec<u8>>> {
        let query = BooleanQuery::new(vec![
            (
                Occur::Must,
                term_query(Term::from_field_text(self.fields.doc_type, doc_type)),
            ),
            (Occur::Must, term_query(Term::from_field_text(id_field, id))),
        ]);
        // One document per id (upserts delete before they add); the smallest address if a
        // bug ever left two.
        let Some(address) = self
            .searcher
            .search(&query, &DocSetCollector)?
            .into_iter()
            .min()
        else {
            return Ok(None);
        };
        let document: TantivyDocument = self.searcher.doc(address)?;
        let bytes = document
            .get_first(self.fields.stored)
            .and_then(|value| value.as_bytes().map(<[u8]>::to_vec))
            .ok_or_else(|| Error::CorruptDocument {
                id: id.to_owned(),
                reason: "no stored record".to_owned(),
            })?;
        Ok(Some(bytes))
    }

    /// Claims matching any of the requirements (every claim when there are none) and the
    /// filter, with the fast-field facts the ranker scores. See [`ClaimFilter`] for the exact
    /// semantics and [`ClaimMatches`] for the order.
    pub fn match_claims(
        &self,
        requirements: &[SkillRequirement],
        filter: &ClaimFilter,
    ) -> Result<ClaimMatches> {
        let prepared = query::prepare_requirements(requirements)?;
        let tantivy_query = query::claim_query(&self.fields, &prepared, filter)?;
        let collector = ClaimCollector {
            requirements: prepared.into(),
            filter: Arc::new(filter.clone()),
            fields: self.fields.clone(),
        };
        Ok(self.searcher.search(tantivy_query.as_ref(), &collector)?)
    }

    /// The earner keys and credential ids behind hits of this snapshot (for the hits that
    /// are shown, not for every match).
    pub fn claim_keys(&self, hits: &[ClaimHit]) -> Result<Vec<ClaimKeys>> {
        let addresses: Vec<DocAddress> = hits.iter().map(|hit| hit.address).collect();
        let earners = self.strings_at(&addresses, name::EARNER)?;
        let credentials = self.strings_at(&addresses, name::CREDENTIAL_ID)?;
        Ok(earners
            .into_iter()
            .zip(credentials)
            .map(|(earner, credential_id)| ClaimKeys {
                earner,
                credential_id,
            })
            .collect())
    }

    /// Distinct earners per facet value (skills, regions at `level`, issuers, kinds) among the
    /// claims that [`Snapshot::match_claims`] would return.
    pub fn facet_counts(
        &self,
        requirements: &[SkillRequirement],
        filter: &ClaimFilter,
        level: RegionLevel,
    ) -> Result<FacetCounts> {
        let prepared = query::prepare_requirements(requirements)?;
        let tantivy_query = query::claim_query(&self.fields, &prepared, filter)?;
        let collector = FacetCollector {
            filter: Arc::new(filter.clone()),
            level,
        };
        Ok(self.searcher.search(tantivy_query.as_ref(), &collector)?)
    }

    /// Distinct earners per skill row × region, each earner counted once per cell however
    /// many credentials they hold. Sorted by row, then region (unlocated first).
    pub fn supply(&self, request: &SupplyRequest) -> Result<Vec<SupplyCell>> {
        check_grouping(request.grouping, &request.skills)?;
        let prepared = query::prepare_requirements(&request.skills)?;
        let tantivy_query = query::claim_query(&self.fields, &prepared, &request.filter)?;
        let collector = SupplyCollector {
            request: Arc::new(request.clone()),
            requirement_texts: request
                .skills
                .iter()
                .map(|skill| skill.text().to_owned())
                .collect(),
            requirements: prepared.into(),
            fields: self.fields.clone(),
        };
        Ok(self.searcher.search(tantivy_query.as_ref(), &collector)?)
    }

    /// Demand per skill row × region × month: distinct records and their vacancies. Sorted
    /// by row, region (unlocated first), month.
    pub fn demand_totals(&self, request: &DemandRequest) -> Result<Vec<DemandCell>> {
        let grouping = request.grouping.unwrap_or(SkillGrouping::Skill);
        check_grouping(grouping, &request.skills)?;
        let prepared = query::prepare_requirements(&request.skills)?;
        let tantivy_query = query::demand_query(&self.fields, &prepared, request)?;
        let collector = DemandCollector {
            grouping,
            level: request.level.unwrap_or(RegionLevel::Province),
            requirement_texts: request
                .skills
                .iter()
                .map(|skill| skill.text().to_owned())
                .collect(),
            requirements: prepared.into(),
            fields: self.fields.clone(),
        };
        Ok(self.searcher.search(tantivy_query.as_ref(), &collector)?)
    }

    /// BM25 over achievement names and descriptions (every token of `text` is an optional
    /// term; no query syntax), best first, ties broken by credential id hash. The plain
    /// text baseline the ranking is measured against.
    ///
    /// Scores use tantivy's statistics, which count deleted documents until their segment is
    /// merged: unlike every other primitive here, the scores (not the membership) can differ
    /// between two layouts of the same content.
    pub fn search_text(
        &self,
        text: &str,
        findable_only: bool,
        limit: usize,
    ) -> Result<Vec<TextHit>> {
        if limit > MAX_TEXT_HITS {
            return Err(Error::InvalidRequest(format!(
                "limit {limit} (at most {MAX_TEXT_HITS})"
            )));
        }
        let index = self.searcher.index();
        let mut analyzer = index.tokenizer_for_field(self.fields.achievement_name)?;
        let mut tokens: Vec<String> = Vec::new();
        let mut stream = analyzer.token_stream(text);
        while stream.advance() {
            tokens.push(stream.token().text.clone());
        }
        tokens.sort();
        tokens.dedup();
        tokens.truncate(256);
        if tokens.is_empty() {
            return Ok(Vec::new());
        }
        let mut should: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for token in &tokens {
            for field in [self.fields.achievement_name, self.fields.description] {
                should.push((
                    Occur::Should,
                    Box::new(TermQuery::new(
                        Term::from_field_text(field, token),
                        IndexRecordOption::WithFreqs,
                    )),
                ));
            }
        }
        let mut clauses: Vec<(Occur, Box<dyn Query>)> =
            vec![(Occur::Must, Box::new(BooleanQuery::new(should)))];
        if findable_only {
            let findable = term_query(Term::from_field_bool(self.fields.findable, true));
            clauses.push((Occur::Must, Box::new(ConstScoreQuery::new(findable, 0.0))));
        }
        let top = self
            .searcher
            .search(&BooleanQuery::new(clauses), &TopCredentials { limit })?;
        let addresses: Vec<DocAddress> = top.iter().map(|scored| scored.address).collect();
        let credentials = self.strings_at(&addresses, name::CREDENTIAL_ID)?;
        let earners = self.strings_at(&addresses, name::EARNER)?;
        Ok(top
            .into_iter()
            .zip(credentials.into_iter().zip(earners))
            .map(|(scored, (credential_id, earner))| TextHit {
                credential_id,
                earner,
                score: scored.score,
            })
            .collect())
    }

    /// The first string of a fast field at each address (empty when absent).
    fn strings_at(&self, addresses: &[DocAddress], field_name: &str) -> Result<Vec<String>> {
        let mut by_segment: BTreeMap<u32, Vec<(usize, u32)>> = BTreeMap::new();
        for (position, address) in addresses.iter().enumerate() {
            by_segment
                .entry(address.segment_ord)
                .or_default()
                .push((position, address.doc_id));
        }
        let mut strings = vec![String::new(); addresses.len()];
        for (segment_ord, docs) in by_segment {
            let Some(reader) = self.searcher.segment_readers().get(segment_ord as usize) else {
                return Err(Error::InvalidRequest(format!(
                    "segment {segment_ord} is not in snapshot {}",
                    self.id
                )));
            };
            let column = open_str(reader, field_name)?;
            for (position, doc) in docs {
                if let Some(ord) = first_ord(&column, doc)
                    && let Some(column) = &column
                {
                    let mut text = String::new();
                    column
                        .ord_to_str(ord, &mut text)
                        .map_err(tantivy::TantivyError::from)?;
                    strings[position] = text;
                }
            }
        }
        Ok(strings)
    }

    /// The first string of a fast field for every document matching a query, sorted.
    fn strings_of(&self, tantivy_query: &dyn Query, field_name: &str) -> Result<Vec<String>> {
        let addresses: HashSet<DocAddress> =
            self.searcher.search(tantivy_query, &DocSetCollector)?;
        let addresses: Vec<DocAddress> = addresses.into_iter().collect();
        let mut strings = self.strings_at(&addresses, field_name)?;
        strings.sort_unstable();
        Ok(strings)
    }
}

fn check_grouping(grouping: SkillGrouping, skills: &[SkillRequirement]) -> Result<()> {
    match grouping {
        SkillGrouping::Requirement if skills.is_empty() => Err(Error::InvalidRequest(
            "grouping by requirement needs requirements".to_owned(),
        )),
        SkillGrouping::FacetDepth(0) => Err(Error::InvalidRequest("facet depth 0".to_owned())),
        _ => Ok(()),
    }
}
