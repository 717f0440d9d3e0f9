//! The schema: every field of the one tantivy index, in one place.
//!
//! One index holds four document types, told apart by `doc_type`, so that a single commit
//! moves credentials, their skill claims and demand together:
//!
//! | `doc_type` | one per | carries |
//! |---|---|---|
//! | `credential` | verified credential | ids, earner, issuer, achievement text (BM25), kind, region, dates, the stored record |
//! | `claim` | (credential, skill) | earner, skill id and facet paths, method, confidence, the credential's filters |
//! | `demand` | demand record | id, kind, title, NOC, month, vacancies, region, the stored record |
//! | `demand_skill` | (demand, skill) | skill id and facets (own fields), NOC, month, vacancies, region |
//!
//! Claims repeat the filterable facts of their credential (issuer, kind, credit, region,
//! dates) so that a skill query is answered from one document type with fast fields only,
//! without joining back to the credential. Demand rows keep their skills in fields of their
//! own (`demand_skill`, `demand_skill_facet`), so a skill term alone selects claims and the
//! hot query needs no `doc_type` clause. Every string that a collector groups or filters
//! by is `STRING | FAST`; every number the ranker reads is a fast field.
//!
//! Changing anything here changes [`SCHEMA_VERSION`]: an index built with another schema is
//! refused at open time (it must be rebuilt from the crawl), never half-read.

use model::{CredentialKind, DemandKind, SkillMethod};
use tantivy::schema::{FAST, FacetOptions, Field, INDEXED, STORED, STRING, Schema, TEXT};

/// Bumped with every change to the fields below or to how records map onto them.
pub const SCHEMA_VERSION: u32 = 1;

/// `doc_type` values.
pub(crate) mod doc_type {
    pub(crate) const CREDENTIAL: &str = "credential";
    pub(crate) const CLAIM: &str = "claim";
    pub(crate) const DEMAND: &str = "demand";
    pub(crate) const DEMAND_SKILL: &str = "demand_skill";
}

/// Field names, shared by the schema and the fast-field readers of the collectors.
pub(crate) mod name {
    pub(crate) const DOC_TYPE: &str = "doc_type";
    pub(crate) const CREDENTIAL_ID: &str = "credential_id";
    pub(crate) const CREDENTIAL_HASH: &str = "credential_hash";
    pub(crate) const CONTENT_SHA256: &str = "content_sha256";
    pub(crate) const EARNER: &str = "earner";
    pub(crate) const EARNER_HASH: &str = "earner_hash";
    pub(crate) const FINDABLE: &str = "findable";
    pub(crate) const ISSUER: &str = "issuer";
    pub(crate) const ISSUER_DOMAIN: &str = "issuer_domain";
    pub(crate) const ACHIEVEMENT_ID: &str = "achievement_id";
    pub(crate) const ACHIEVEMENT_NAME: &str = "achievement_name";
    pub(crate) const DESCRIPTION: &str = "description";
    pub(crate) const KIND: &str = "kind";
    pub(crate) const CREDIT: &str = "credit";
    pub(crate) const FORMAT: &str = "format";
    pub(crate) const SKILL: &str = "skill";
    pub(crate) const SKILL_FACET: &str = "skill_facet";
    pub(crate) const METHOD: &str = "method";
    pub(crate) const CONFIDENCE: &str = "confidence";
    pub(crate) const FSA: &str = "fsa";
    pub(crate) const CDUID: &str = "cduid";
    pub(crate) const ERUID: &str = "eruid";
    pub(crate) const WPB_ID: &str = "wpb_id";
    pub(crate) const PROVINCE: &str = "province";
    pub(crate) const REGION: &str = "region";
    pub(crate) const REGION_SOURCE: &str = "region_source";
    pub(crate) const LATITUDE: &str = "latitude";
    pub(crate) const LONGITUDE: &str = "longitude";
    pub(crate) const ISSUED_AT: &str = "issued_at";
    pub(crate) const VALID_UNTIL: &str = "valid_until";
    pub(crate) const DEMAND_ID: &str = "demand_id";
    pub(crate) const DEMAND_HASH: &str = "demand_hash";
    pub(crate) const DEMAND_KIND: &str = "demand_kind";
    pub(crate) const DEMAND_SKILL: &str = "demand_skill";
    pub(crate) const DEMAND_SKILL_FACET: &str = "demand_skill_facet";
    pub(crate) const TITLE: &str = "title";
    pub(crate) const NOC: &str = "noc";
    pub(crate) const MONTH: &str = "month";
    pub(crate) const VACANCIES: &str = "vacancies";
    pub(crate) const FINGERPRINT: &str = "fingerprint";
    pub(crate) const STORED: &str = "stored";
}

/// Handles of every field, resolved once.
#[derive(Debug, Clone)]
pub(crate) struct Fields {
    pub(crate) doc_type: Field,
    pub(crate) credential_id: Field,
    pub(crate) credential_hash: Field,
    pub(crate) content_sha256: Field,
    pub(crate) earner: Field,
    pub(crate) earner_hash: Field,
    pub(crate) findable: Field,
    pub(crate) issuer: Field,
    pub(crate) issuer_domain: Field,
    pub(crate) achievement_id: Field,
    pub(crate) achievement_name: Field,
    pub(crate) description: Field,
    pub(crate) kind: Field,
    pub(crate) credit: Field,
    pub(crate) format: Field,
    pub(crate) skill: Field,
    pub(crate) skill_facet: Field,
    pub(crate) method: Field,
    pub(crate) confidence: Field,
    pub(crate) fsa: Field,
    pub(crate) cduid: Field,
    pub(crate) eruid: Field,
    pub(crate) wpb_id: Field,
    pub(crate) province: Field,
    pub(crate) region: Field,
    pub(crate) region_source: Field,
    pub(crate) latitude: Field,
    pub(crate) longitude: Field,
    pub(crate) issued_at: Field,
    pub(crate) valid_until: Field,
    pub(crate) demand_id: Field,
    pub(crate) demand_hash: Field,
    pub(crate) demand_kind: Field,
    pub(crate) demand_skill: Field,
    pub(crate) demand_skill_facet: Field,
    pub(crate) title: Field,
    pub(crate) noc: Field,
    pub(crate) month: Field,
    pub(crate) vacancies: Field,
    pub(crate) fingerprint: Field,
    pub(crate) stored: Field,
}

/// The schema and its field handles.
pub(crate) fn build() -> (Schema, Fields) {
    let mut builder = Schema::builder();
    let keyword = STRING | FAST;
    let fields = Fields {
        doc_type: builder.add_text_field(name::DOC_TYPE, STRING),
        credential_id: builder.add_text_field(name::CREDENTIAL_ID, keyword.clone()),
        credential_hash: builder.add_u64_field(name::CREDENTIAL_HASH, FAST),
        content_sha256: builder.add_text_field(name::CONTENT_SHA256, STRING),
        earner: builder.add_text_field(name::EARNER, keyword.clone()),
        earner_hash: builder.add_u64_field(name::EARNER_HASH, FAST),
        findable: builder.add_bool_field(name::FINDABLE, INDEXED | FAST),
        issuer: builder.add_text_field(name::ISSUER, keyword.clone()),
        issuer_domain: builder.add_text_field(name::ISSUER_DOMAIN, STRING),
        achievement_id: builder.add_text_field(name::ACHIEVEMENT_ID, keyword.clone()),
        achievement_name: builder.add_text_field(name::ACHIEVEMENT_NAME, TEXT | STORED),
        description: builder.add_text_field(name::DESCRIPTION, TEXT),
        kind: builder.add_u64_field(name::KIND, INDEXED | FAST),
        credit: builder.add_bool_field(name::CREDIT, INDEXED | FAST),
        format: builder.add_text_field(name::FORMAT, STRING),
        skill: builder.add_text_field(name::SKILL, keyword.clone()),
        skill_facet: builder.add_facet_field(name::SKILL_FACET, FacetOptions::default()),
        method: builder.add_u64_field(name::METHOD, INDEXED | FAST),
        confidence: builder.add_f64_field(name::CONFIDENCE, FAST),
        fsa: builder.add_text_field(name::FSA, keyword.clone()),
        cduid: builder.add_text_field(name::CDUID, keyword.clone()),
        eruid: builder.add_text_field(name::ERUID, keyword.clone()),
        wpb_id: builder.add_text_field(name::WPB_ID, keyword.clone()),
        province: builder.add_text_field(name::PROVINCE, keyword.clone()),
        region: builder.add_facet_field(name::REGION, FacetOptions::default()),
        region_source: builder.add_u64_field(name::REGION_SOURCE, FAST),
        latitude: builder.add_f64_field(name::LATITUDE, FAST),
        longitude: builder.add_f64_field(name::LONGITUDE, FAST),
        issued_at: builder.add_i64_field(name::ISSUED_AT, INDEXED | FAST),
        valid_until: builder.add_i64_field(name::VALID_UNTIL, INDEXED | FAST),
        demand_id: builder.add_text_field(name::DEMAND_ID, keyword.clone()),
        demand_hash: builder.add_u64_field(name::DEMAND_HASH, FAST),
        demand_kind: builder.add_u64_field(name::DEMAND_KIND, INDEXED | FAST),
        demand_skill: builder.add_text_field(name::DEMAND_SKILL, keyword.clone()),
        demand_skill_facet: builder
            .add_facet_field(name::DEMAND_SKILL_FACET, FacetOptions::default()),
        title: builder.add_text_field(name::TITLE, TEXT),
        noc: builder.add_text_field(name::NOC, keyword.clone()),
        month: builder.add_text_field(name::MONTH, keyword),
        vacancies: builder.add_u64_field(name::VACANCIES, FAST),
        fingerprint: builder.add_u64_field(name::FINGERPRINT, FAST),
        stored: builder.add_bytes_field(name::STORED, STORED),
    };
    (builder.build(), fields)
}

/// `region_source` values: only "the earner said so" matters to the ranker and to home-region
/// attribution, so everything else (issuer campus, job location) is one code.
pub(crate) const REGION_SOURCE_EARNER: u64 = 1;
pub(crate) const REGION_SOURCE_OTHER: u64 = 2;

/// Stable numeric codes of the enums kept in fast fields (never reorder: they are on disk).
pub(crate) fn kind_code(kind: CredentialKind) -> u64 {
    match kind {
        CredentialKind::Degree => 1,
        CredentialKind::Diploma => 2,
        CredentialKind::Certificate => 3,
        CredentialKind::MicroCredential => 4,
        CredentialKind::Badge => 5,
        CredentialKind::License => 6,
        CredentialKind::Course => 7,
        CredentialKind::Other => 8,
    }
}

/// The kind of a code this crate wrote; an unknown code (which the schema check at open
/// rules out) reads as `Other` rather than failing a whole search.
pub(crate) fn kind_from_code(code: u64) -> CredentialKind {
    CredentialKind::ALL
        .iter()
        .copied()
        .find(|kind| kind_code(*kind) == code)
        .unwrap_or(CredentialKind::Other)
}

pub(crate) fn method_code(method: SkillMethod) -> u64 {
    match method {
        SkillMethod::Alignment => 1,
        SkillMethod::Text => 2,
        SkillMethod::Crosswalk => 3,
        SkillMethod::Hierarchy => 4,
    }
}

/// As [`kind_from_code`]: an unknown code reads as the weakest method.
pub(crate) fn method_from_code(code: u64) -> SkillMethod {
    match code {
        1 => SkillMethod::Alignment,
        2 => SkillMethod::Text,
        3 => SkillMethod::Crosswalk,
        _ => SkillMethod::Hierarchy,
    }
}

pub(crate) fn demand_kind_code(kind: DemandKind) -> u64 {
    match kind {
        DemandKind::Posting => 1,
        DemandKind::Requirement => 2,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for kind in CredentialKind::ALL {
            assert_eq!(kind_from_code(kind_code(*kind)), *kind);
        }
        for method in [
            SkillMethod::Alignment,
            SkillMethod::Text,
            SkillMethod::Crosswalk,
            SkillMethod::Hierarchy,
        ] {
            assert_eq!(method_from_code(method_code(method)), method);
        }
        assert_ne!(
            demand_kind_code(DemandKind::Posting),
            demand_kind_code(DemandKind::Requirement)
        );
    }

    #[test]
    fn the_schema_is_stable() {
        // Two builds give equal schemas: the open-time check compares with a fresh build.
        assert_eq!(build().0, build().0);
    }
}
