//! The query server (`crates/server`): handlers through `app().oneshot(..)`, and the
//! connection-level limits over a loopback socket.
//!
//! One harness: an in-memory index with hand-built records of two issuers, the bundled
//! taxonomy, and one key of each role.

mod analytics;
mod api;
mod consent;
mod errors;
mod fixture;
mod limits;
mod openapi;
mod saved;
mod search;
mod verify;

use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode};
use http_body_util::BodyExt as _;
use index::{SkillIndex, WriterOptions};
use model::{IssuerRef, RegionRef, RegionSource, SkillClaim, SkillMethod};
use serde_json::Value;
use server::auth::generate_key;
use server::{AppState, KeyStore, Limits, Role, ServerConfig};
use skillproof_tests::TestRng;
use skillproof_tests::index::{SKILLS, TempDir, random_credential, verified};
use taxonomy::{LoadOptions, Taxonomy};
use tower::ServiceExt as _;

/// The issuer the institution key is bound to.
pub(crate) const OWN_ISSUER: &str = "did:web:college.example";
/// An issuer it is not bound to.
pub(crate) const OTHER_ISSUER: &str = "did:web:other.example";

pub(crate) fn taxonomy() -> Arc<Taxonomy> {
    static TAXONOMY: OnceLock<Arc<Taxonomy>> = OnceLock::new();
    Arc::clone(TAXONOMY.get_or_init(|| {
        let repo = skillproof_tests::repo_dir();
        Arc::new(
            Taxonomy::load(&LoadOptions {
                index_data: repo.join("index-data"),
                // Shared with the taxonomy tests: built once per target dir.
                cache_dir: Some(PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("taxonomy-cache")),
            })
            .expect("index-data loads"),
        )
    }))
}

/// The secrets of the harness's keys.
pub(crate) struct Keys {
    pub(crate) admin: String,
    pub(crate) employer: String,
    pub(crate) board: String,
    pub(crate) institution: String,
}

pub(crate) struct Harness {
    pub(crate) state: AppState,
    pub(crate) router: Router,
    pub(crate) keys: Keys,
    pub(crate) data_dir: TempDir,
}

/// Earners of `OWN_ISSUER` holding the first skill (released: at least 5) and the second
/// (suppressed: fewer than 5).
pub(crate) const RELEASED_EARNERS: usize = 6;
pub(crate) const SUPPRESSED_EARNERS: usize = 2;

fn skill(index: usize) -> SkillClaim {
    let (id, facets) = SKILLS[index];
    SkillClaim {
        id: id.to_owned(),
        label: id.to_owned(),
        method: SkillMethod::Alignment,
        confidence: 1.0,
        span: None,
        facets: facets.iter().map(|facet| (*facet).to_owned()).collect(),
    }
}

fn populated_index() -> SkillIndex {
    let index = SkillIndex::create_in_ram().expect("an index in memory");
    let mut writer = index.writer(WriterOptions::default()).expect("a writer");
    let mut rng = TestRng::new(7);
    let brantford = RegionRef {
        fsa: Some("N3T".to_owned()),
        cduid: Some("3529".to_owned()),
        eruid: Some("3550".to_owned()),
        wpb_id: None,
        latitude: Some(43.14),
        longitude: Some(-80.26),
        source: RegionSource::Earner,
    };
    let mut add = |id: String, earner: usize, issuer: &str, skills: Vec<SkillClaim>| {
        let mut record = random_credential(&mut rng, &id, earner, true);
        record.issuer = IssuerRef {
            id: issuer.to_owned(),
            name: Some(issuer.to_owned()),
            domain: None,
        };
        record.skills = skills;
        record.region = Some(brantford.clone());
        record.valid_until = None;
        writer
            .upsert_credential(&verified(record))
            .expect("record indexes");
    };
    for earner in 0..RELEASED_EARNERS {
        add(
            format!("urn:own:{earner}"),
            earner,
            OWN_ISSUER,
            vec![skill(0)],
        );
    }
    for earner in 0..SUPPRESSED_EARNERS {
        add(
            format!("urn:own-b:{earner}"),
            100 + earner,
            OWN_ISSUER,
            vec![skill(3)],
        );
    }
    for earner in 0..3 {
        add(
            format!("urn:other:{earner}"),
            200 + earner,
            OTHER_ISSUER,
            vec![skill(0)],
        );
    }
    writer.commit("cursor-1").expect("commit");
    index.reload().expect("reload");
    index
}

pub(crate) fn harness() -> Harness {
    harness_with(Limits::default())
}

pub(crate) fn harness_with(limits: Limits) -> Harness {
    harness_on(populated_index(), limits)
}

/// The harness's keys, data dir and configuration over another index.
pub(crate) fn harness_on(index: SkillIndex, limits: Limits) -> Harness {
    let key = |id: &str, role: Role, issuers: Vec<String>| {
        generate_key(id, role, issuers).expect("a new key")
    };
    let (admin, admin_entry) = key("ops", Role::Admin, vec![]);
    let (employer, employer_entry) = key("acme-hr", Role::Employer, vec![]);
    let (board, board_entry) = key("grand-erie", Role::Board, vec![]);
    let (institution, institution_entry) =
        key("college", Role::Institution, vec![OWN_ISSUER.to_owned()]);
    let store = KeyStore::from_entries(vec![
        admin_entry,
        employer_entry,
        board_entry,
        institution_entry,
    ])
    .expect("valid keys");
    let data_dir = TempDir::new("server");
    let mut config = ServerConfig::new(data_dir.path());
    config.limits = limits;
    config.reload_interval = None;
    config.consent_domain = "skillproof.test".to_owned();
    let state = AppState::new(index, taxonomy(), store, config);
    Harness {
        router: server::app(state.clone()),
        state,
        keys: Keys {
            admin,
            employer,
            board,
            institution,
        },
        data_dir,
    }
}

/// A response, read whole.
#[derive(Debug)]
pub(crate) struct Reply {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Vec<u8>,
}

impl Reply {
    pub(crate) fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|error| {
            panic!(
                "not JSON ({error}): {}",
                String::from_utf8_lossy(&self.body)
            )
        })
    }

    pub(crate) fn code(&self) -> String {
        self.json()["code"].as_str().unwrap_or_default().to_owned()
    }

    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|value| value.to_str().ok())
    }
}

pub(crate) async fn call(router: &Router, request: Request<Body>) -> Reply {
    let response = router
        .clone()
        .oneshot(request)
        .await
        .expect("the router is infallible");
    let (parts, body) = response.into_parts();
    let body = body
        .collect()
        .await
        .expect("a readable body")
        .to_bytes()
        .to_vec();
    Reply {
        status: parts.status,
        headers: parts.headers,
        body,
    }
}

pub(crate) fn request(method: &str, path: &str, key: Option<&str>, body: Body) -> Request<Body> {
    let mut builder = Request::builder().method(method).uri(path);
    if let Some(key) = key {
        builder = builder.header("authorization", format!("Bearer {key}"));
    }
    builder.body(body).expect("a valid request")
}

pub(crate) fn get(path: &str, key: Option<&str>) -> Request<Body> {
    request("GET", path, key, Body::empty())
}

pub(crate) fn post_json(path: &str, key: Option<&str>, body: &str) -> Request<Body> {
    let mut request = request("POST", path, key, Body::from(body.to_owned()));
    request.headers_mut().insert(
        "content-type",
        "application/json".parse().expect("a header value"),
    );
    request
}

/// Percent-encodes a path segment (ids with `/` and `:`).
pub(crate) fn encode_segment(segment: &str) -> String {
    segment
        .bytes()
        .map(|byte| match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (byte as char).to_string()
            }
            other => format!("%{other:02X}"),
        })
        .collect()
}
