//! Model-based test in the manner of tantivy's `functional_test.rs`: random upserts,
//! deletes, withdrawals, demand updates, rollbacks and commits, checked after every commit
//! against an in-memory model by brute force: the committed ids, every primitive's output
//! for random requests (claim matches, facet counts, supply, demand), and at the end the
//! snapshot id against a clean build of the same content.

use std::collections::BTreeMap;

use index::{
    ClaimFilter, ClaimMatches, DeletionReason, DemandRequest, RegionAttribution, RegionLevel,
    SkillGrouping, SkillIndex, SkillRequirement, Snapshot, SupplyRequest, WriterOptions, key_hash,
};
use model::{DemandKind, SkillMethod};
use skillproof_tests::TestRng;
use skillproof_tests::index::{
    Model, distinct_skills, random_credential, random_demand, random_filter, random_requirements,
    verified,
};

const NUM_EARNERS: usize = 40;

/// A claim in comparable form.
#[derive(Debug, Clone, PartialEq)]
struct Row {
    earner: u64,
    credential: u64,
    skill: String,
    mask: u64,
    method: SkillMethod,
    confidence_bits: u32,
    kind: String,
    credit: bool,
    issued_at: Option<i64>,
    valid_until: Option<i64>,
    issuer: String,
    achievement: Option<String>,
    located_by_earner: bool,
    distance_bits: Option<u64>,
}

fn rows_of_matches(matches: &ClaimMatches) -> Vec<Row> {
    matches
        .hits
        .iter()
        .map(|hit| Row {
            earner: hit.earner,
            credential: hit.credential,
            skill: matches.skill_ids[hit.skill as usize].clone(),
            mask: hit.requirements,
            method: hit.method,
            confidence_bits: hit.confidence.to_bits(),
            kind: hit.kind.code().to_owned(),
            credit: hit.credit,
            issued_at: hit.issued_at,
            valid_until: hit.valid_until,
            issuer: matches.issuer_ids[hit.issuer as usize].clone(),
            achievement: hit
                .achievement
                .map(|position| matches.achievement_ids[position as usize].clone()),
            located_by_earner: hit.located_by_earner,
            distance_bits: hit.distance_km.map(f64::to_bits),
        })
        .collect()
}

fn oracle_rows(model: &Model, requirements: &[SkillRequirement], filter: &ClaimFilter) -> Vec<Row> {
    let mut rows: Vec<Row> = model
        .claims(requirements, filter)
        .into_iter()
        .map(|(claim, mask)| {
            let record = claim.record;
            let distance = skillproof_tests::index::passes(record, filter).flatten();
            Row {
                earner: key_hash(&record.earner.key),
                credential: key_hash(&record.credential_id),
                skill: claim.skill.id.clone(),
                mask,
                method: claim.skill.method,
                confidence_bits: claim.skill.confidence.to_bits(),
                kind: record.achievement.kind.code().to_owned(),
                credit: record.achievement.credit,
                issued_at: record.issued_at,
                valid_until: record.valid_until,
                issuer: record.issuer.id.clone(),
                achievement: record.achievement.id.clone(),
                located_by_earner: record
                    .region
                    .as_ref()
                    .is_some_and(|region| region.source == model::RegionSource::Earner),
                distance_bits: distance.map(f64::to_bits),
            }
        })
        .collect();
    rows.sort_by(|a, b| {
        (a.earner, a.credential, &a.skill).cmp(&(b.earner, b.credential, &b.skill))
    });
    rows
}

fn random_grouping(rng: &mut TestRng, has_requirements: bool) -> SkillGrouping {
    match rng.below(4) {
        0 if has_requirements => SkillGrouping::Requirement,
        1 | 2 => SkillGrouping::FacetDepth(1 + rng.below(4)),
        _ => SkillGrouping::Skill,
    }
}

/// Everything a committed snapshot must agree on with the model.
fn check_snapshot(snapshot: &Snapshot, model: &Model, rng: &mut TestRng, context: &str) {
    let ids: Vec<String> = model.credentials.keys().cloned().collect();
    assert_eq!(
        snapshot.credential_ids().expect("ids"),
        ids,
        "{context}: credential ids"
    );
    let demand_ids: Vec<String> = model.demands.keys().cloned().collect();
    assert_eq!(
        snapshot.demand_ids().expect("demand ids"),
        demand_ids,
        "{context}: demand ids"
    );
    let num_claims: usize = model
        .credentials
        .values()
        .map(|record| distinct_skills(&record.skills).len())
        .sum();
    assert_eq!(
        snapshot.num_claims().expect("claims"),
        num_claims as u64,
        "{context}: claims"
    );

    for round in 0..6 {
        let requirements = random_requirements(rng);
        let filter = random_filter(rng);
        let matches = snapshot
            .match_claims(&requirements, &filter)
            .expect("match");
        let expected = oracle_rows(model, &requirements, &filter);
        assert_eq!(
            rows_of_matches(&matches),
            expected,
            "{context} round {round}: {requirements:?} {filter:?}"
        );
        // The keys behind the hashes of a few hits.
        let shown: Vec<_> = matches.hits.iter().take(5).copied().collect();
        for (hit, keys) in shown.iter().zip(snapshot.claim_keys(&shown).expect("keys")) {
            assert_eq!(key_hash(&keys.earner), hit.earner, "{context}: earner key");
            assert_eq!(
                key_hash(&keys.credential_id),
                hit.credential,
                "{context}: credential id"
            );
        }

        let level = RegionLevel::ALL[rng.below(5)];
        let counts = snapshot
            .facet_counts(&requirements, &filter, level)
            .expect("facets");
        let [skills, regions, issuers, kinds] = model.facet_counts(&requirements, &filter, level);
        let pairs = |counts: &[index::FacetCount]| -> Vec<(String, u64)> {
            counts
                .iter()
                .map(|count| (count.value.clone(), count.earners))
                .collect()
        };
        assert_eq!(pairs(&counts.skills), skills, "{context}: skill facets");
        assert_eq!(pairs(&counts.regions), regions, "{context}: region facets");
        assert_eq!(pairs(&counts.issuers), issuers, "{context}: issuer facets");
        assert_eq!(pairs(&counts.kinds), kinds, "{context}: kind facets");

        let mut filter = random_filter(rng);
        filter.findable_only = rng.below(4) == 0;
        let request = SupplyRequest {
            grouping: random_grouping(rng, !requirements.is_empty()),
            skills: requirements.clone(),
            level,
            attribution: if rng.below(2) == 0 {
                RegionAttribution::EveryRegion
            } else {
                RegionAttribution::HomeRegion
            },
            filter,
        };
        assert_eq!(
            snapshot.supply(&request).expect("supply"),
            model.supply(&request),
            "{context}: {request:?}"
        );

        let months = match rng.below(3) {
            0 => None,
            _ => {
                let first = 1 + rng.below(4);
                Some((
                    format!("2026-{first:02}"),
                    format!("2026-{:02}", first + rng.below(3)),
                ))
            }
        };
        let demand_request = DemandRequest {
            grouping: Some(random_grouping(rng, !requirements.is_empty())),
            skills: requirements,
            level: Some(RegionLevel::ALL[rng.below(5)]),
            regions: filter_regions(rng),
            kinds: match rng.below(3) {
                0 => vec![DemandKind::Posting],
                1 => vec![DemandKind::Requirement, DemandKind::Posting],
                _ => Vec::new(),
            },
            months,
        };
        assert_eq!(
            snapshot.demand_totals(&demand_request).expect("demand"),
            model.demand_totals(&demand_request),
            "{context}: {demand_request:?}"
        );
    }

    // Home-region supply adds up across levels (each earner counted once per skill row).
    let totals: Vec<BTreeMap<String, u64>> = RegionLevel::ALL
        .iter()
        .map(|level| {
            let request = SupplyRequest {
                skills: Vec::new(),
                grouping: SkillGrouping::Skill,
                level: *level,
                attribution: RegionAttribution::HomeRegion,
                filter: ClaimFilter::default(),
            };
            let mut by_skill = BTreeMap::new();
            for cell in snapshot.supply(&request).expect("supply") {
                *by_skill.entry(cell.skill).or_default() += cell.earners;
            }
            by_skill
        })
        .collect();
    assert!(
        totals.windows(2).all(|pair| pair[0] == pair[1]),
        "{context}: level sums differ: {totals:?}"
    );

    // Stored records round-trip.
    if let Some((id, record)) = model
        .credentials
        .iter()
        .nth(rng.below(model.credentials.len().max(1)))
    {
        let stored = snapshot.credential(id).expect("fetch").expect("stored");
        assert_eq!(&stored.record, record, "{context}: stored record");
    }
    assert_eq!(
        snapshot.credential("no-such-credential").expect("fetch"),
        None
    );
}

fn filter_regions(rng: &mut TestRng) -> Vec<index::RegionCode> {
    let probe = random_filter(rng);
    if rng.below(2) == 0 {
        probe.regions
    } else {
        Vec::new()
    }
}

fn run_seed(seed: u64, steps: usize, options: WriterOptions) {
    let mut rng = TestRng::new(seed);
    let index = SkillIndex::create_in_ram().expect("index");
    let mut writer = index.writer(options).expect("writer");
    let mut committed = Model::default();
    let mut pending = Model::default();
    let mut next_id = 0usize;
    for step in 0..steps {
        let num_operations = 1 + rng.below(25);
        for _ in 0..num_operations {
            match rng.below(20) {
                0..=9 => {
                    // A new credential, or a new version of an existing one.
                    let id = if rng.below(4) == 0 && !pending.credentials.is_empty() {
                        pending
                            .credentials
                            .keys()
                            .nth(rng.below(pending.credentials.len()))
                            .cloned()
                            .unwrap_or_default()
                    } else {
                        next_id += 1;
                        format!("urn:uuid:cred-{next_id}")
                    };
                    let earner = rng.below(NUM_EARNERS);
                    let findable = rng.below(3) != 0;
                    let record = random_credential(&mut rng, &id, earner, findable);
                    writer
                        .upsert_credential(&verified(record.clone()))
                        .expect("upsert");
                    pending.credentials.insert(id, record);
                }
                10 | 11 => {
                    let id = match pending
                        .credentials
                        .keys()
                        .nth(rng.below(pending.credentials.len().max(1)))
                    {
                        Some(id) if rng.below(5) != 0 => id.clone(),
                        _ => "urn:uuid:never-indexed".to_owned(),
                    };
                    let reason = [
                        DeletionReason::Revoked,
                        DeletionReason::Expired,
                        DeletionReason::WithdrawnByIssuer,
                    ][rng.below(3)];
                    writer.delete_credential(&id, reason).expect("delete");
                    pending.credentials.remove(&id);
                }
                12 => {
                    let key = format!("did:key:earner{}", rng.below(NUM_EARNERS));
                    writer.withdraw_earner(&key).expect("withdraw");
                    pending
                        .credentials
                        .retain(|_, record| record.earner.key != key);
                }
                13..=15 => {
                    let id = format!("posting-{}", rng.below(60));
                    let demand = random_demand(&mut rng, &id);
                    writer.upsert_demand(&demand).expect("demand");
                    pending.demands.insert(id, demand);
                }
                16 => {
                    let id = format!("posting-{}", rng.below(60));
                    writer.delete_demand(&id).expect("delete demand");
                    pending.demands.remove(&id);
                }
                17 => {
                    // A record the mapping refuses changes nothing.
                    let mut record = random_credential(&mut rng, "urn:uuid:refused", 0, true);
                    record.skills.push(model::SkillClaim {
                        id: "esco:skill/x".to_owned(),
                        label: "x".to_owned(),
                        method: SkillMethod::Text,
                        confidence: 1.5,
                        span: None,
                        facets: Vec::new(),
                    });
                    let error = writer
                        .upsert_credential(&verified(record))
                        .expect_err("refused");
                    assert_eq!(error.code(), "index_invalid_record");
                }
                _ => {
                    // Now and then everything since the last commit is thrown away.
                    if rng.below(4) == 0 {
                        writer.rollback().expect("rollback");
                        pending = committed.clone();
                    }
                }
            }
        }
        let cursor = format!("{seed}-{step}");
        let snapshot = writer.commit(&cursor).expect("commit");
        committed = pending.clone();
        assert_eq!(snapshot.cursor(), Some(cursor.as_str()));
        check_snapshot(
            &snapshot,
            &committed,
            &mut rng,
            &format!("seed {seed} step {step}"),
        );
        assert_eq!(
            index.snapshot().expect("snapshot").id(),
            snapshot.id(),
            "the index serves the new commit"
        );
    }

    // A clean build of the same content has the same snapshot id, whatever the history.
    let incremental = index.reload().expect("reload");
    let clean_index = SkillIndex::create_in_ram().expect("clean index");
    let mut clean = clean_index
        .writer(WriterOptions::default())
        .expect("writer");
    for record in committed.credentials.values().rev() {
        clean
            .upsert_credential(&verified(record.clone()))
            .expect("upsert");
    }
    for demand in committed.demands.values() {
        clean.upsert_demand(demand).expect("demand");
    }
    let rebuilt = clean.commit("clean").expect("commit");
    assert_eq!(
        rebuilt.id(),
        incremental.id(),
        "seed {seed}: snapshot id of a clean build"
    );
    check_snapshot(
        &rebuilt,
        &committed,
        &mut rng,
        &format!("seed {seed} clean build"),
    );
    // And any change of content changes it.
    if let Some(id) = committed.credentials.keys().next() {
        clean
            .delete_credential(id, DeletionReason::Revoked)
            .expect("delete");
        assert_ne!(
            clean.commit("changed").expect("commit").id(),
            incremental.id()
        );
    }
}

#[test]
fn random_operations_agree_with_the_model() {
    for seed in [1, 2, 3] {
        run_seed(seed, 25, WriterOptions::default());
    }
    // Two indexing threads spread documents over more segments; results must not change.
    run_seed(
        4,
        15,
        WriterOptions {
            num_threads: 2,
            memory_budget_bytes: 40_000_000,
        },
    );
}
