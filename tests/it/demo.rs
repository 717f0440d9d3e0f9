//! `skillproof demo` end to end at a small scale, through the library the command runs
//! (`crates/demo`): the seeded ecosystem is signed, served over loopback HTTPS and crawled
//! with the real crawler into a fresh data dir. The generator's plan is the ground truth:
//!
//! - every credential that must be rejected (tampered, wrongly keyed, revoked, expired,
//!   malformed) is absent from the index and counted under its reason in the report, and
//!   every credential that verifies is present;
//! - aggregates (indexed credentials, demand records, rejections by reason) equal the counts
//!   computed from the plan;
//! - for each job requirement of the plan, every findable earner who holds a required skill
//!   through a verified, aligned credential is found by `rank::rank_candidates`, with that
//!   skill among their matched requirements evidenced by one of their own credentials; no
//!   earner who did not consent is ever a result, and every piece of evidence is a verified
//!   credential of the earner it explains;
//! - a second run with the same seed and size reuses the data dir, another seed is refused,
//!   and the demo keys load into the server's key store, one per role.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::PathBuf;

use corpus::{CredentialFormat, Declaration, Defect, Plan, SiteState};
use demo::{DemoConfig, NoProgress};
use index::SkillIndex;
use jobspec::{JobSpec, NormaliseOptions};
use model::Outcome;
use rank::{CandidateRequest, Importance, JobSpecOptions, rank_candidates};
use time::OffsetDateTime;

use crate::taxonomy::support::taxonomy;

fn now() -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(1_780_272_000).expect("2026-06-01T00:00:00Z")
}

struct TempDir(PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn config(dir: &std::path::Path, seed: u64) -> DemoConfig {
    DemoConfig {
        data_dir: dir.to_path_buf(),
        seed,
        earners: 100,
        postings: 30,
        requirements: 8,
        now: now(),
        rebuild: false,
    }
}

/// Outcome counts the plan predicts for the candidates of a full crawl of the current web
/// (a revoked hosted Open Badges 2.0 assertion answers 410: a gone URL, not a candidate).
fn expected_outcomes(plan: &Plan) -> BTreeMap<String, u64> {
    let mut expected = BTreeMap::new();
    for credential in &plan.credentials {
        let outcome = credential.outcome_in(SiteState::Current);
        if credential.format == CredentialFormat::Ob2Hosted && outcome == Outcome::Revoked {
            continue;
        }
        *expected.entry(outcome.code().to_owned()).or_default() += 1;
    }
    for presentation in plan.presentations.iter().filter(|p| !p.withdrawn) {
        *expected
            .entry(presentation.outcome.code().to_owned())
            .or_default() += 1;
    }
    expected
}

/// Indexed ids of a plan credential (a CLR is indexed as its members).
fn ids_of(credential: &corpus::CredentialPlan) -> Vec<String> {
    if credential.format == CredentialFormat::Clr {
        credential.nested_ids.clone()
    } else {
        vec![credential.id.clone()]
    }
}

/// The request an employer sends for a plan requirement: its JSON through `jobspec` (without
/// the must-not skills, so that every holder of a required skill qualifies), each listed
/// skill ranked by whether it is held.
fn request_for(requirement: &corpus::Requirement) -> CandidateRequest {
    let mut json = requirement.request_json();
    if let Some(object) = json.as_object_mut() {
        object.remove("excluded");
    }
    let job = jobspec::parse_json(&json).expect("a valid job request");
    let spec = JobSpec::normalise(&job, taxonomy(), &NormaliseOptions::default());
    let options = JobSpecOptions {
        explicit_required: Importance::Should,
        ..JobSpecOptions::default()
    };
    let mut request =
        CandidateRequest::from_job_spec(&spec, taxonomy(), now().unix_timestamp(), &options)
            .expect("a valid request");
    request.limit = rank::MAX_LIMIT;
    request
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_builds_a_data_dir_that_matches_the_ground_truth() {
    let dir = TempDir(std::env::temp_dir().join(format!("skillproof-demo-{}", std::process::id())));
    let _ = std::fs::remove_dir_all(&dir.0);
    let built = demo::build(&config(&dir.0, 7), taxonomy().into(), &mut NoProgress)
        .await
        .expect("the demo builds");
    assert!(!built.reused);
    assert!(built.manifest.complete);

    // The ground truth: the same plan, recomputed from the manifest without signing.
    let plan =
        corpus::plan(&built.manifest.corpus().expect("manifest"), taxonomy()).expect("the plan");
    let report = &built.report;
    assert_eq!(report.generated.credentials, plan.credentials.len());
    assert_eq!(report.generated.earners, 100);
    assert_eq!(report.generated.issuer_ids.len(), plan.issuers.len());

    // Every defect the issue names is present in the plan, so its absence below means
    // something.
    let defects: BTreeSet<Defect> = plan
        .credentials
        .iter()
        .filter_map(|credential| credential.defect)
        .collect();
    for defect in [
        Defect::Tampered,
        Defect::UnpublishedKey,
        Defect::UnlistedKey,
        Defect::Revoked,
        Defect::Expired,
    ] {
        assert!(defects.contains(&defect), "the plan has no {defect:?}");
    }

    // Rejections by reason and every candidate outcome, as the plan predicts.
    let expected = expected_outcomes(&plan);
    assert_eq!(report.candidates, expected);
    let expected_rejected: BTreeMap<String, u64> = expected
        .iter()
        .filter(|(code, _)| code.as_str() != "verified")
        .map(|(code, count)| (code.clone(), *count))
        .collect();
    assert_eq!(report.rejected, expected_rejected);
    assert!(report.rejected.contains_key("invalid_signature"));
    assert!(report.rejected.contains_key("revoked"));
    assert!(report.rejected.contains_key("expired"));
    assert_eq!(report.records_refused, 0);

    // The index: exactly the verified credentials, and every posting as demand.
    let index = SkillIndex::open(dir.0.join("index")).expect("the index opens");
    let snapshot = index.snapshot().expect("a snapshot");
    let indexed: BTreeSet<String> = snapshot
        .credential_ids()
        .expect("ids")
        .into_iter()
        .collect();
    let verified: BTreeSet<String> = plan
        .credentials
        .iter()
        .filter(|credential| credential.outcome_in(SiteState::Current) == Outcome::Verified)
        .flat_map(ids_of)
        .collect();
    let rejected: BTreeSet<String> = plan
        .credentials
        .iter()
        .filter(|credential| credential.outcome_in(SiteState::Current) != Outcome::Verified)
        .flat_map(ids_of)
        .collect();
    assert!(!rejected.is_empty());
    assert_eq!(
        indexed.intersection(&rejected).count(),
        0,
        "rejected credentials were indexed"
    );
    assert_eq!(indexed, verified);
    assert_eq!(report.index.credentials, verified.len() as u64);
    assert_eq!(
        snapshot.num_credentials().expect("count"),
        verified.len() as u64
    );
    assert_eq!(
        snapshot.num_demands().expect("count"),
        plan.postings.len() as u64
    );
    assert_eq!(report.demand_indexed, plan.postings.len() as u64);
    assert_eq!(report.index.snapshot, snapshot.id().as_str());

    // Findable earners are found, with explanations that hold.
    let credential_of: HashMap<String, &corpus::CredentialPlan> = plan
        .credentials
        .iter()
        .flat_map(|credential| {
            ids_of(credential)
                .into_iter()
                .chain(std::iter::once(credential.id.clone()))
                .map(move |id| (id, credential))
        })
        .collect();
    let earner_of_key: HashMap<String, usize> = plan
        .credentials
        .iter()
        .map(|credential| (credential.earner_key(), credential.earner))
        .collect();
    // Consent is per credential: those a verified, not withdrawn presentation carries.
    let presented: BTreeSet<usize> = plan
        .presentations
        .iter()
        .filter(|presentation| !presentation.withdrawn && presentation.outcome == Outcome::Verified)
        .flat_map(|presentation| presentation.credentials.iter().copied())
        .collect();
    let mut found_checked = 0;
    for requirement in &plan.requirements {
        let request = request_for(requirement);
        let page = rank_candidates(&snapshot, taxonomy(), &request).expect("ranks");
        assert!(
            page.total <= rank::MAX_LIMIT,
            "the small demo fits one page"
        );
        let mut hits = BTreeMap::new();
        for hit in &page.hits {
            let earner = earner_of_key
                .get(&hit.earner)
                .copied()
                .unwrap_or_else(|| panic!("{}: not an earner of the plan", hit.earner));
            assert!(
                plan.earners[earner].findable(SiteState::Current),
                "{}: a result without consent",
                hit.earner
            );
            let sum: f64 = hit.components.iter().map(|component| component.value).sum();
            assert!(
                (sum - hit.score).abs() < 1e-9,
                "components sum to the score"
            );
            assert!(hit.verification.all_verified);
            for matched in &hit.matched {
                assert!(!matched.evidence.is_empty());
                for evidence in &matched.evidence {
                    let credential = credential_of
                        .get(&evidence.credential_id)
                        .unwrap_or_else(|| panic!("{}: unknown", evidence.credential_id));
                    assert_eq!(credential.earner, earner, "evidence of another earner");
                    assert!(
                        presented.contains(&credential.index),
                        "evidence its earner did not present"
                    );
                    assert_eq!(
                        credential.outcome_in(SiteState::Current),
                        Outcome::Verified,
                        "evidence that does not verify"
                    );
                }
            }
            hits.insert(earner, hit);
        }
        // Ground truth: holders of a required skill through a verified credential they
        // presented and that declares the skill in a signed alignment.
        for required in &requirement.required {
            for credential in &plan.credentials {
                let earner = &plan.earners[credential.earner];
                let aligned = credential.skills.iter().any(|skill| {
                    skill.id == required.id && skill.declared == Declaration::Alignment
                });
                if !aligned
                    || !presented.contains(&credential.index)
                    || credential.outcome_in(SiteState::Current) != Outcome::Verified
                {
                    continue;
                }
                let hit = hits.get(&credential.earner).unwrap_or_else(|| {
                    panic!(
                        "{}: findable earner {} holds {} ({}) but was not found",
                        requirement.title, earner.handle, required.label, credential.id
                    )
                });
                let explained = hit.matched.iter().any(|matched| {
                    matched.evidence.iter().any(|evidence| {
                        evidence.required_skill == required.id
                            && evidence.skill == required.id
                            && credential_of
                                .get(&evidence.credential_id)
                                .is_some_and(|held| held.earner == credential.earner)
                    })
                });
                assert!(
                    explained,
                    "{}: {} is not explained by {}'s own evidence",
                    requirement.title, required.label, earner.handle
                );
                found_checked += 1;
            }
        }
    }
    assert!(found_checked > 0, "no findable holder was checked");

    // A second run reuses the data dir; another seed is refused with its code.
    let again = demo::build(&config(&dir.0, 7), taxonomy().into(), &mut NoProgress)
        .await
        .expect("the demo reuses its data dir");
    assert!(again.reused);
    assert_eq!(again.report, built.report);
    let other = demo::build(&config(&dir.0, 8), taxonomy().into(), &mut NoProgress).await;
    assert_eq!(
        other.map(|_| ()).map_err(|error| error.code()),
        Err("data_dir_mismatch")
    );

    // One key per role, accepted by the server's key store; a second run replaces them.
    let issuer = plan.issuers[0].id.clone();
    let first = demo::write_demo_keys(&dir.0, vec![issuer.clone()]).expect("keys");
    let keys = demo::write_demo_keys(&dir.0, vec![issuer.clone()]).expect("keys");
    let store = server::KeyStore::load(&dir.0.join("keys.json")).expect("the keys load");
    assert_eq!(store.len(), 4);
    let roles: BTreeSet<&str> = keys.iter().map(|key| key.role.as_str()).collect();
    assert_eq!(
        roles,
        ["admin", "board", "employer", "institution"]
            .into_iter()
            .collect()
    );
    for key in &keys {
        let entry = store.authenticate(&key.secret).expect("a new key works");
        assert_eq!(entry.role, key.role);
    }
    for key in &first {
        assert!(
            store.authenticate(&key.secret).is_none(),
            "an old demo key still works"
        );
    }
    let institution = keys
        .iter()
        .find(|key| key.role == server::Role::Institution)
        .expect("an institution key");
    let caller = server::Caller::Key(
        store
            .authenticate(&institution.secret)
            .expect("known")
            .clone(),
    );
    assert!(caller.may_see_issuer(&issuer));
    assert!(!caller.may_see_issuer(&plan.issuers[1].id));
}
