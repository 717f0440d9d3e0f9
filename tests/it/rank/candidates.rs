//! Candidate ranking against the brute-force oracle (filters, must / must-not, consent),
//! and the contract of every page: explanations whose components sum to the score,
//! matched + missing + not-held = the requirements, determinism across index layouts,
//! pagination caps, deletes at the next commit.

use std::collections::{BTreeMap, BTreeSet};

use corpus::SiteState;
use index::{DeletionReason, SkillIndex, WriterOptions};
use model::CredentialKind;
use rank::{
    CandidateFilters, CandidatePage, CandidateRequest, Center, Error, Importance, Level,
    RadiusFilter, RegionFilter, Requirements, rank_candidates,
};
use skillproof_tests::index::verified;

use super::oracle::Records;
use super::quality::request_for;
use super::support::{AS_OF, corpus, tax};

/// How deep results are compared with the oracle (totals are always compared in full).
const DEPTH: usize = 300;

/// The candidates the ranker serves down to [`DEPTH`] (pages of 100), as (key, score), and
/// the total.
fn served(snapshot: &index::Snapshot, request: &CandidateRequest) -> (usize, Vec<(String, f64)>) {
    let mut out = Vec::new();
    let mut request = request.clone();
    request.limit = rank::MAX_LIMIT;
    request.offset = 0;
    loop {
        let page = rank_candidates(snapshot, tax(), &request).expect("ranks");
        check_page(&page, &request);
        let total = page.total;
        out.extend(page.hits.into_iter().map(|hit| (hit.earner, hit.score)));
        request.offset += rank::MAX_LIMIT;
        if request.offset >= total.min(DEPTH) {
            return (total, out);
        }
    }
}

/// The invariants of every page.
fn check_page(page: &CandidatePage, request: &CandidateRequest) {
    let index = &corpus().index;
    let ids: BTreeSet<&str> = request
        .requirements
        .items
        .iter()
        .map(|requirement| requirement.id.as_str())
        .collect();
    assert_eq!(page.ranking_version, rank::RANKING_VERSION);
    assert!(page.snapshot.starts_with('s'));
    assert!(page.taxonomy_versions.contains_key("esco"));
    assert_eq!(
        page.hits.len(),
        page.total.saturating_sub(request.offset).min(request.limit)
    );
    for (position, hit) in page.hits.iter().enumerate() {
        assert_eq!(hit.rank, request.offset + position + 1);
        // Components add up to the score, exactly.
        let sum: f64 = hit.components.iter().map(|component| component.value).sum();
        assert_eq!(sum, hit.score, "{}", hit.earner);
        assert!((0.0..=1.0).contains(&hit.score));
        let shares: f64 = hit.components.iter().map(|component| component.share).sum();
        assert!((shares - 1.0).abs() < 1e-9);
        // Matched, missing and not-held partition the requirements.
        let mut seen: Vec<&str> = hit
            .matched
            .iter()
            .map(|matched| matched.requirement.as_str())
            .chain(
                hit.missing
                    .iter()
                    .map(|missing| missing.requirement.as_str()),
            )
            .chain(
                hit.not_held
                    .iter()
                    .map(|missing| missing.requirement.as_str()),
            )
            .collect();
        let count = seen.len();
        seen.sort_unstable();
        seen.dedup();
        assert_eq!(count, seen.len(), "a requirement listed twice");
        assert_eq!(seen.into_iter().collect::<BTreeSet<_>>(), ids);
        for missing in &hit.missing {
            assert_eq!(
                missing.importance,
                Importance::Should,
                "a must is never missing"
            );
        }
        // Every matched requirement is evidenced by the earner's own, consenting, verified
        // credentials, and its credit is its best evidence's and its component's.
        for matched in &hit.matched {
            assert!(!matched.evidence.is_empty(), "{}", matched.requirement);
            let best = matched
                .evidence
                .iter()
                .map(|evidence| evidence.value)
                .fold(0.0, f64::max);
            assert_eq!(best, matched.credit);
            let component = hit
                .components
                .iter()
                .find(|component| component.requirement == matched.requirement)
                .expect("a component per matched requirement");
            assert_eq!(component.credit, matched.credit);
            for evidence in &matched.evidence {
                let record = index
                    .records
                    .get(&evidence.credential_id)
                    .expect("evidence is an indexed credential");
                assert_eq!(record.earner.key, hit.earner);
                assert!(
                    record.earner.findable,
                    "evidence from a non-consenting record"
                );
                assert!(record.skills.iter().any(|skill| skill.id == evidence.skill));
                assert_eq!(evidence.issuer.id, record.issuer.id);
                assert_eq!(evidence.value, evidence.credit * evidence.strength);
                assert!(evidence.credit <= 1.0 && evidence.credit > 0.0);
                assert_eq!(evidence.verification.outcome, "verified");
                if evidence.match_kind != rank::MatchKind::Exact {
                    assert!(evidence.credit < 1.0, "partial credit is less than exact");
                }
            }
        }
        assert!(hit.verification.all_verified && hit.verification.credentials >= 1);
    }
}

fn requirement_with(position: usize, must: usize) -> CandidateRequest {
    let plan = &corpus().plan;
    let mut request = request_for(&plan.requirements[position], false);
    for requirement in request.requirements.items.iter_mut().take(must) {
        requirement.importance = Importance::Must;
    }
    request
}

/// The taught skills of the corpus: a must on one of them has holders.
fn held_skill(rank: usize) -> String {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for earner in &corpus().plan.earners {
        for skill in &earner.skills {
            *counts.entry(skill).or_default() += 1;
        }
    }
    let mut by_count: Vec<(&str, usize)> = counts.into_iter().collect();
    by_count.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    by_count[rank].0.to_owned()
}

fn spec(importance: Importance, skills: &[String]) -> rank::RequirementSpec {
    rank::RequirementSpec {
        importance,
        skills: skills.to_vec(),
        weight: None,
        label: None,
    }
}

/// A requirement whose pool spans several issuers and credential kinds, so that issuer and
/// kind filters change the answer; with those issuers and kinds, most common first.
fn varied_requirement() -> (usize, Vec<String>, Vec<CredentialKind>) {
    let corpus = corpus();
    (0..corpus.plan.requirements.len())
        .find_map(|position| {
            let page = rank_candidates(
                &corpus.index.snapshot,
                tax(),
                &requirement_with(position, 0),
            )
            .expect("ranks");
            let issuers: Vec<String> = page
                .facets
                .issuers
                .iter()
                .map(|value| value.value.clone())
                .collect();
            let kinds: Vec<CredentialKind> = page
                .facets
                .kinds
                .iter()
                .map(|value| {
                    serde_json::from_value(serde_json::Value::String(value.value.clone()))
                        .expect("a kind code")
                })
                .collect();
            (issuers.len() >= 2 && kinds.len() >= 2).then_some((position, issuers, kinds))
        })
        .expect("a requirement taught by several issuers")
}

fn cases() -> Vec<(&'static str, CandidateRequest)> {
    let plan = &corpus().plan;
    let fsa = plan.earners[0].fsa.clone();
    let (varied, issuers, kinds) = varied_requirement();
    let base = || requirement_with(0, 0);
    let with = |filters: CandidateFilters| CandidateRequest {
        filters,
        ..requirement_with(varied, 0)
    };
    let explicit = |specs: Vec<rank::RequirementSpec>| CandidateRequest {
        requirements: Requirements::build(&specs, tax()).expect("resolves"),
        ..base()
    };
    vec![
        ("should only", base()),
        ("two musts", requirement_with(1, 2)),
        ("must-not", {
            let index = plan
                .requirements
                .iter()
                .position(|requirement| !requirement.excluded.is_empty())
                .expect("a requirement with an exclusion");
            requirement_with(index, 0)
        }),
        (
            "must and must-not by hand",
            explicit(vec![
                spec(Importance::Must, &[held_skill(0)]),
                spec(Importance::Should, &[held_skill(2), held_skill(3)]),
                spec(Importance::MustNot, &[held_skill(1)]),
            ]),
        ),
        (
            "census division",
            with(CandidateFilters {
                regions: vec![RegionFilter {
                    level: Level::CensusDivision,
                    code: "3520".to_owned(),
                }],
                ..CandidateFilters::default()
            }),
        ),
        (
            "economic region or board area",
            with(CandidateFilters {
                regions: vec![
                    RegionFilter {
                        level: Level::EconomicRegion,
                        code: "3510".to_owned(),
                    },
                    RegionFilter {
                        level: Level::PlanningArea,
                        code: plan.earners[1].wpb_id.clone(),
                    },
                ],
                ..CandidateFilters::default()
            }),
        ),
        (
            "fsa and province",
            with(CandidateFilters {
                regions: vec![
                    RegionFilter {
                        level: Level::Fsa,
                        code: fsa.clone(),
                    },
                    RegionFilter {
                        level: Level::Province,
                        code: "99".to_owned(),
                    },
                ],
                ..CandidateFilters::default()
            }),
        ),
        (
            "25 km from an FSA",
            with(CandidateFilters {
                radius: Some(RadiusFilter {
                    center: Center::Fsa("N2G".to_owned()),
                    radius_km: 25.0,
                }),
                ..CandidateFilters::default()
            }),
        ),
        (
            "100 km from a point",
            with(CandidateFilters {
                radius: Some(RadiusFilter {
                    center: Center::Point {
                        latitude: 45.42,
                        longitude: -75.70,
                    },
                    radius_km: 100.0,
                }),
                ..CandidateFilters::default()
            }),
        ),
        (
            "one issuer",
            with(CandidateFilters {
                issuers: vec![issuers[1].clone()],
                ..CandidateFilters::default()
            }),
        ),
        (
            "issuer excluded",
            with(CandidateFilters {
                exclude_issuers: vec![issuers[0].clone()],
                ..CandidateFilters::default()
            }),
        ),
        (
            "issuers in and out",
            with(CandidateFilters {
                issuers: issuers.clone(),
                exclude_issuers: vec![issuers[1].clone()],
                ..CandidateFilters::default()
            }),
        ),
        (
            "one kind",
            with(CandidateFilters {
                kinds: vec![kinds[1]],
                ..CandidateFilters::default()
            }),
        ),
        (
            "credit-bearing",
            with(CandidateFilters {
                credit: Some(true),
                ..CandidateFilters::default()
            }),
        ),
        (
            "earned in the last year",
            with(CandidateFilters {
                issued_since: Some(AS_OF - 365 * 86_400),
                ..CandidateFilters::default()
            }),
        ),
        (
            "a later instant",
            CandidateRequest {
                as_of: AS_OF + 3 * 365 * 86_400,
                ..requirement_with(2, 1)
            },
        ),
    ]
}

#[test]
fn results_equal_brute_force_evaluation() {
    let corpus = corpus();
    let records = Records::new(corpus.index.records.values());
    let findable: BTreeSet<String> = corpus
        .plan
        .earners
        .iter()
        .filter(|earner| earner.findable(SiteState::Current))
        .filter_map(|earner| match &earner.identity {
            corpus::EarnerIdentity::Did(did) => Some(did.clone()),
            corpus::EarnerIdentity::HashedEmail => None,
        })
        .collect();
    let mut nonempty = 0;
    for (name, request) in cases() {
        let expected = records.candidates(&request);
        let (total, served) = served(&corpus.index.snapshot, &request);
        assert_eq!(total, expected.len(), "{name}: total");
        let depth = served.len();
        assert_eq!(depth, expected.len().min(DEPTH), "{name}: depth");
        for (position, ((key, score), (expected_key, expected_score))) in
            served.iter().zip(&expected).enumerate()
        {
            assert_eq!(key, expected_key, "{name}: rank {}", position + 1);
            assert!(
                (score - expected_score).abs() <= 1e-12,
                "{name}: {key} scores {score}, oracle {expected_score}"
            );
            assert!(findable.contains(key), "{name}: {key} did not consent");
        }
        if total > 0 {
            nonempty += 1;
        }
        println!("rank filters: {name}: {total} candidates");
    }
    assert!(nonempty >= 10, "most cases should find someone");
}

#[test]
fn the_same_request_gives_the_same_page_whatever_the_index_layout() {
    let corpus = corpus();
    let request = CandidateRequest {
        limit: 50,
        ..requirement_with(3, 1)
    };
    let first = rank_candidates(&corpus.index.snapshot, tax(), &request).expect("ranks");
    let again = rank_candidates(&corpus.index.snapshot, tax(), &request).expect("ranks");
    assert_eq!(
        serde_json::to_string(&first).expect("serialises"),
        serde_json::to_string(&again).expect("serialises")
    );
    // The same content written in another order, over several commits: same snapshot id,
    // byte-identical page. A subset keeps it quick.
    let subset: Vec<&model::CredentialRecord> = corpus
        .index
        .records
        .values()
        .filter(|record| record.region.as_ref().and_then(|r| r.eruid.as_deref()) == Some("3510"))
        .collect();
    let build = |order: &mut dyn Iterator<Item = &&model::CredentialRecord>, batch: usize| {
        let index = SkillIndex::create_in_ram().expect("index");
        let mut writer = index.writer(WriterOptions::default()).expect("writer");
        let mut snapshot = None;
        for (position, record) in order.enumerate() {
            writer
                .upsert_credential(&verified((*record).clone()))
                .expect("indexes");
            if position % batch == batch - 1 {
                snapshot = Some(writer.commit("batch").expect("commits"));
            }
        }
        let last = writer.commit("last").expect("commits");
        drop(snapshot);
        last
    };
    let forward = build(&mut subset.iter(), 100_000);
    let backward = build(&mut subset.iter().rev(), 400);
    assert_eq!(forward.id(), backward.id());
    let a = rank_candidates(&forward, tax(), &request).expect("ranks");
    let b = rank_candidates(&backward, tax(), &request).expect("ranks");
    assert!(a.total > 0);
    assert_eq!(
        serde_json::to_string(&a).expect("serialises"),
        serde_json::to_string(&b).expect("serialises")
    );
}

#[test]
fn pagination_is_capped_and_pages_concatenate() {
    let snapshot = &corpus().index.snapshot;
    let request = requirement_with(0, 0);
    for (offset, limit) in [(0, 0), (0, 101), (950, 100), (1000, 1), (usize::MAX, 10)] {
        let page = rank_candidates(
            snapshot,
            tax(),
            &CandidateRequest {
                offset,
                limit,
                ..request.clone()
            },
        );
        assert!(
            matches!(page, Err(Error::InvalidRequest(_))),
            "offset {offset} limit {limit}: {page:?}"
        );
    }
    let whole = rank_candidates(
        snapshot,
        tax(),
        &CandidateRequest {
            offset: 0,
            limit: 60,
            ..request.clone()
        },
    )
    .expect("ranks");
    assert!(whole.total >= 60, "a broad query has many candidates");
    let mut pieces = Vec::new();
    for offset in [0, 25, 50] {
        let page = rank_candidates(
            snapshot,
            tax(),
            &CandidateRequest {
                offset,
                limit: 25.min(60 - offset),
                ..request.clone()
            },
        )
        .expect("ranks");
        assert_eq!(page.total, whole.total);
        pieces.extend(page.hits);
    }
    assert_eq!(pieces, whole.hits);
    let last = rank_candidates(
        snapshot,
        tax(),
        &CandidateRequest {
            offset: 900,
            limit: 100,
            ..request
        },
    )
    .expect("the last servable page");
    assert_eq!(last.hits.len(), whole.total.saturating_sub(900).min(100));
}

#[test]
fn facets_count_distinct_consenting_earners_of_the_pool() {
    let corpus = corpus();
    let request = requirement_with(0, 0);
    let page = rank_candidates(&corpus.index.snapshot, tax(), &request).expect("ranks");
    let facets = &page.facets;
    assert!(!facets.partial);
    assert!(!facets.skills.is_empty() && !facets.regions.is_empty());
    assert!(!facets.issuers.is_empty() && !facets.kinds.is_empty());
    // Oracle: earners with a holding claim of any requirement, per value.
    let filter = super::oracle::claim_filter(&request.filters, AS_OF, true);
    let mut by_issuer: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    let mut by_region: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for record in corpus.index.records.values() {
        if skillproof_tests::index::passes(record, &filter).is_none() {
            continue;
        }
        let holding = skillproof_tests::index::distinct_skills(&record.skills)
            .iter()
            .any(|skill| {
                request.requirements.scored().any(|requirement| {
                    requirement.expansions.iter().any(|expansion| {
                        expansion.kind.holds()
                            && match &expansion.target {
                                rank::requirements::Target::Skill(id) => skill.id == *id,
                                rank::requirements::Target::Within(path) => skill
                                    .facets
                                    .iter()
                                    .any(|facet| skillproof_tests::index::within(facet, path)),
                            }
                    })
                })
            });
        if holding {
            by_issuer
                .entry(&record.issuer.id)
                .or_default()
                .insert(&record.earner.key);
            if let Some(cd) = record
                .region
                .as_ref()
                .and_then(|region| region.cduid.as_deref())
            {
                by_region.entry(cd).or_default().insert(&record.earner.key);
            }
        }
    }
    for value in &facets.issuers {
        assert_eq!(
            value.earners,
            by_issuer.get(value.value.as_str()).map_or(0, BTreeSet::len) as u64,
            "issuer {}",
            value.value
        );
    }
    assert_eq!(facets.level, Level::CensusDivision);
    for value in &facets.regions {
        assert_eq!(
            value.earners,
            by_region.get(value.value.as_str()).map_or(0, BTreeSet::len) as u64,
            "region {}",
            value.value
        );
        assert!(value.label.is_some(), "CD {} has a name", value.value);
    }
}

#[test]
fn a_revoked_credential_and_a_withdrawn_earner_disappear_at_the_next_commit() {
    let corpus = corpus();
    let request = CandidateRequest {
        limit: 5,
        ..requirement_with(0, 0)
    };
    let top = rank_candidates(&corpus.index.snapshot, tax(), &request).expect("ranks");
    let (first, second) = (&top.hits[0], &top.hits[1]);
    // The index of a few earners: the top two, and enough others to rank.
    let keep: BTreeSet<&str> = top.hits.iter().map(|hit| hit.earner.as_str()).collect();
    let index = SkillIndex::create_in_ram().expect("index");
    let mut writer = index.writer(WriterOptions::default()).expect("writer");
    for record in corpus.index.records.values() {
        if keep.contains(record.earner.key.as_str()) {
            writer
                .upsert_credential(&verified(record.clone()))
                .expect("indexes");
        }
    }
    let before = writer.commit("before").expect("commits");
    let ranked = rank_candidates(&before, tax(), &request).expect("ranks");
    assert_eq!(ranked.hits[0].earner, first.earner);
    // Revoke every credential evidencing the first candidate; withdraw the second.
    let revoked: BTreeSet<&str> = first
        .matched
        .iter()
        .flat_map(|matched| matched.evidence.iter().map(|e| e.credential_id.as_str()))
        .collect();
    for credential in &revoked {
        writer
            .delete_credential(credential, DeletionReason::Revoked)
            .expect("deletes");
    }
    writer.withdraw_earner(&second.earner).expect("withdraws");
    // Not yet committed: nothing changes.
    let uncommitted =
        rank_candidates(&index.snapshot().expect("snapshot"), tax(), &request).expect("ranks");
    assert_eq!(uncommitted.hits, ranked.hits);
    let after = writer.commit("after").expect("commits");
    assert_ne!(after.id(), before.id());
    let ranked_after = rank_candidates(&after, tax(), &request).expect("ranks");
    assert!(ranked_after.snapshot != ranked.snapshot);
    assert_eq!(ranked_after.total, ranked.total - 2);
    for hit in &ranked_after.hits {
        assert_ne!(hit.earner, second.earner, "a withdrawn earner is gone");
        assert_ne!(hit.earner, first.earner, "all their evidence was revoked");
        for matched in &hit.matched {
            for evidence in &matched.evidence {
                assert!(
                    !revoked.contains(evidence.credential_id.as_str()),
                    "a revoked credential still evidences {}",
                    hit.earner
                );
            }
        }
    }
    // The old snapshot still answers as it did.
    let old = rank_candidates(&before, tax(), &request).expect("ranks");
    assert_eq!(old.hits, ranked.hits);
}

#[test]
fn must_requirements_exclude_and_requests_are_validated() {
    let snapshot = &corpus().index.snapshot;
    // Nothing to rank by.
    let none = CandidateRequest {
        requirements: Requirements::build(&[spec(Importance::MustNot, &[held_skill(0)])], tax())
            .expect("resolves"),
        ..requirement_with(0, 0)
    };
    assert!(matches!(
        rank_candidates(snapshot, tax(), &none),
        Err(Error::InvalidRequest(_))
    ));
    // A radius around an unknown FSA, or too wide.
    for radius in [
        RadiusFilter {
            center: Center::Fsa("Z9Z".to_owned()),
            radius_km: 10.0,
        },
        RadiusFilter {
            center: Center::Fsa("N2G".to_owned()),
            radius_km: 5_000.0,
        },
    ] {
        let request = CandidateRequest {
            filters: CandidateFilters {
                radius: Some(radius),
                ..CandidateFilters::default()
            },
            ..requirement_with(0, 0)
        };
        assert!(matches!(
            rank_candidates(snapshot, tax(), &request),
            Err(Error::InvalidRequest(_))
        ));
    }
    // A must nobody holds: no candidates, everyone with evidence counted as excluded.
    let nobody = Requirements::build(
        &[spec(
            Importance::Must,
            &["esco:skill/00000000-0000-0000-0000-000000000000".to_owned()],
        )],
        tax(),
    )
    .expect("builds");
    assert_eq!(nobody.unresolved.len(), 1);
    assert!(nobody.items.is_empty());
    let mut impossible = requirement_with(0, 0);
    let first = &mut impossible.requirements.items[0];
    first.importance = Importance::Must;
    first.expansions = vec![rank::requirements::Expansion {
        target: rank::requirements::Target::Skill("local:none".to_owned()),
        kind: rank::MatchKind::Exact,
        credit: 1.0,
        concept: "local:none".to_owned(),
        via: None,
    }];
    let page = rank_candidates(snapshot, tax(), &impossible).expect("ranks");
    assert_eq!(page.total, 0);
    assert!(page.excluded.missing_must > 0);
}

#[test]
fn requests_and_pages_round_trip_through_json() {
    let request = requirement_with(4, 1);
    let text = serde_json::to_string(&request).expect("serialises");
    let back: CandidateRequest = serde_json::from_str(&text).expect("deserialises");
    assert_eq!(back, request);
    let value: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    assert_eq!(value["as_of"], "2026-06-01T00:00:00Z");
    let page = rank_candidates(&corpus().index.snapshot, tax(), &request).expect("ranks");
    let text = serde_json::to_string(&page).expect("serialises");
    let back: CandidatePage = serde_json::from_str(&text).expect("deserialises");
    assert_eq!(back, page);
}
