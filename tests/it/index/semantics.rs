//! Data-driven checks of what each primitive means, on a small hand-built corpus: every
//! filter at its boundaries, facet prefixes, distinct-earner counting, demand sums, text
//! search, deletions and withdrawals, and the inputs the index refuses.

use index::{
    ClaimFilter, DeletionReason, DemandRequest, GeoRadius, RegionAttribution, RegionCode,
    RegionLevel, SkillGrouping, SkillIndex, SkillRequirement, Snapshot, SupplyCell, SupplyRequest,
    WriterOptions,
};
use model::{
    AchievementRef, CredentialKind, CredentialRecord, DemandKind, DemandRecord, EarnerRef, Format,
    IssuerRef, OriginalCredential, RegionRef, RegionSource, SkillClaim, SkillMethod,
};
use skillproof_tests::index::verified;

const BRANTFORD: (f64, f64) = (43.14, -80.26);
const TORONTO: (f64, f64) = (43.64, -79.40);

fn skill(id: &str, facets: &[&str]) -> SkillClaim {
    SkillClaim {
        id: id.to_owned(),
        label: id.to_owned(),
        method: SkillMethod::Alignment,
        confidence: 0.9,
        span: None,
        facets: facets.iter().map(|facet| (*facet).to_owned()).collect(),
    }
}

fn place(
    fsa: &str,
    cduid: &str,
    eruid: &str,
    (latitude, longitude): (f64, f64),
    source: RegionSource,
) -> Option<RegionRef> {
    Some(RegionRef {
        fsa: Some(fsa.to_owned()),
        cduid: Some(cduid.to_owned()),
        eruid: Some(eruid.to_owned()),
        wpb_id: Some(format!("WPB-{eruid}")),
        latitude: Some(latitude),
        longitude: Some(longitude),
        source,
    })
}

struct Credential {
    id: &'static str,
    earner: &'static str,
    findable: bool,
    issuer: &'static str,
    kind: CredentialKind,
    credit: bool,
    skills: Vec<SkillClaim>,
    region: Option<RegionRef>,
    issued_at: Option<i64>,
    valid_until: Option<i64>,
    name: &'static str,
}

fn record(credential: Credential) -> CredentialRecord {
    CredentialRecord {
        credential_id: credential.id.to_owned(),
        content_sha256: format!("sha-{}", credential.id),
        source_url: None,
        earner: EarnerRef {
            key: credential.earner.to_owned(),
            findable: credential.findable,
            consent_source: None,
        },
        issuer: IssuerRef {
            id: credential.issuer.to_owned(),
            name: None,
            domain: None,
        },
        achievement: AchievementRef {
            id: Some(format!("{}/a/{}", credential.issuer, credential.name)),
            name: credential.name.to_owned(),
            description: Some(format!("A course in {}", credential.name)),
            kind: credential.kind,
            credit: credential.credit,
        },
        skills: credential.skills,
        region: credential.region,
        issued_at: credential.issued_at,
        valid_until: credential.valid_until,
        format: Format::VcDataIntegrity,
        original: OriginalCredential {
            media_type: "application/vc+ld+json".to_owned(),
            content: "{}".to_owned(),
        },
    }
}

const DATA: &str = "esco:skill/data-analysis";
const STATS: &str = "esco:skill/statistics";
const TEAM: &str = "esco:skill/teamwork";
const S10: &str = "esco:skill/s10";

/// Four earners, six credentials.
fn corpus() -> Vec<CredentialRecord> {
    let data = || skill(DATA, &["/esco/S/S1/S1.1/data-analysis"]);
    let stats = || {
        skill(
            STATS,
            &["/esco/S/S1/S1.1/statistics", "/esco/S/S2/statistics"],
        )
    };
    let team = || skill(TEAM, &["/esco/T/T1/teamwork"]);
    let s10 = || skill(S10, &["/esco/S/S10/s10"]);
    vec![
        record(Credential {
            id: "c1",
            earner: "did:key:ada",
            findable: true,
            issuer: "did:web:conestoga",
            kind: CredentialKind::MicroCredential,
            credit: false,
            skills: vec![data(), team()],
            region: place("N3T", "3529", "3550", BRANTFORD, RegionSource::Earner),
            issued_at: Some(1_000),
            valid_until: Some(2_000),
            name: "data fluency",
        }),
        record(Credential {
            id: "c2",
            earner: "did:key:ada",
            findable: true,
            issuer: "did:web:mohawk",
            kind: CredentialKind::Certificate,
            credit: true,
            skills: vec![data(), stats()],
            region: place("M5V", "3520", "3530", TORONTO, RegionSource::Issuer),
            issued_at: Some(1_500),
            valid_until: None,
            name: "statistics",
        }),
        record(Credential {
            id: "c3",
            earner: "did:key:bo",
            findable: false,
            issuer: "did:web:conestoga",
            kind: CredentialKind::MicroCredential,
            credit: false,
            skills: vec![stats(), s10()],
            region: place("N3T", "3529", "3550", BRANTFORD, RegionSource::Issuer),
            issued_at: None,
            valid_until: None,
            name: "applied statistics",
        }),
        record(Credential {
            id: "c4",
            earner: "did:key:cy",
            findable: true,
            issuer: "did:web:laurier",
            kind: CredentialKind::Degree,
            credit: true,
            skills: vec![team()],
            region: None,
            issued_at: Some(3_000),
            valid_until: None,
            name: "teamwork",
        }),
        record(Credential {
            id: "c5",
            earner: "did:key:di",
            findable: true,
            issuer: "did:web:mohawk",
            kind: CredentialKind::Badge,
            credit: false,
            skills: vec![data()],
            region: place("M5V", "3520", "3530", TORONTO, RegionSource::Earner),
            issued_at: Some(2_000),
            valid_until: Some(2_500),
            name: "data badge",
        }),
        record(Credential {
            id: "c6",
            earner: "did:key:di",
            findable: true,
            issuer: "did:web:mohawk",
            kind: CredentialKind::Badge,
            credit: false,
            skills: vec![],
            region: None,
            issued_at: Some(2_000),
            valid_until: None,
            name: "no skills",
        }),
    ]
}

fn demands() -> Vec<DemandRecord> {
    let posting = |id: &str,
                   skills: Vec<SkillClaim>,
                   region: Option<RegionRef>,
                   month: &str,
                   vacancies: u32| DemandRecord {
        demand_id: id.to_owned(),
        kind: DemandKind::Posting,
        source_url: None,
        employer: None,
        title: "Analyst".to_owned(),
        noc: None,
        skills,
        region,
        month: month.to_owned(),
        vacancies,
    };
    vec![
        posting(
            "p1",
            vec![
                skill(DATA, &["/esco/S/S1/S1.1/data-analysis"]),
                skill(STATS, &["/esco/S/S1/S1.1/statistics"]),
            ],
            place("N3T", "3529", "3550", BRANTFORD, RegionSource::JobLocation),
            "2026-01",
            3,
        ),
        posting(
            "p2",
            vec![skill(DATA, &["/esco/S/S1/S1.1/data-analysis"])],
            place("N3R", "3529", "3550", BRANTFORD, RegionSource::JobLocation),
            "2026-01",
            2,
        ),
        posting(
            "p3",
            vec![skill(TEAM, &["/esco/T/T1/teamwork"])],
            None,
            "2026-02",
            1,
        ),
    ]
}

fn build() -> (SkillIndex, Snapshot) {
    let index = SkillIndex::create_in_ram().expect("index");
    let mut writer = index.writer(WriterOptions::default()).expect("writer");
    for record in corpus() {
        writer.upsert_credential(&verified(record)).expect("upsert");
    }
    for demand in demands() {
        writer.upsert_demand(&demand).expect("demand");
    }
    let snapshot = writer.commit("fixture").expect("commit");
    (index, snapshot)
}

/// The (credential, skill) pairs a request matches, sorted.
fn matched(
    snapshot: &Snapshot,
    requirements: &[SkillRequirement],
    filter: &ClaimFilter,
) -> Vec<String> {
    let matches = snapshot.match_claims(requirements, filter).expect("match");
    let keys = snapshot.claim_keys(&matches.hits).expect("keys");
    let mut pairs: Vec<String> = matches
        .hits
        .iter()
        .zip(keys)
        .map(|(hit, keys)| {
            format!(
                "{}:{}",
                keys.credential_id,
                matches.skill_ids[hit.skill as usize]
                    .rsplit('/')
                    .next()
                    .unwrap_or("")
            )
        })
        .collect();
    pairs.sort();
    pairs
}

fn skill_req(id: &str) -> SkillRequirement {
    SkillRequirement::Skill(id.to_owned())
}

fn within(path: &str) -> SkillRequirement {
    SkillRequirement::Within(path.to_owned())
}

#[test]
fn claim_filters() {
    let (_index, snapshot) = build();
    let all = ClaimFilter::default();
    let cases: Vec<(&str, Vec<SkillRequirement>, ClaimFilter, &[&str])> = vec![
        (
            "exact skill",
            vec![skill_req(DATA)],
            all.clone(),
            &["c1:data-analysis", "c2:data-analysis", "c5:data-analysis"],
        ),
        (
            "skill nobody holds",
            vec![skill_req("esco:skill/none")],
            all.clone(),
            &[],
        ),
        (
            "a broader concept matches narrower ones (both paths of a multi-parent concept)",
            vec![within("/esco/S/S1")],
            all.clone(),
            &[
                "c1:data-analysis",
                "c2:data-analysis",
                "c2:statistics",
                "c3:statistics",
                "c5:data-analysis",
            ],
        ),
        (
            "second parent of statistics",
            vec![within("/esco/S/S2")],
            all.clone(),
            &["c2:statistics", "c3:statistics"],
        ),
        (
            "S1 is not a string prefix of S10",
            vec![within("/esco/S/S10")],
            all.clone(),
            &["c3:s10"],
        ),
        (
            "the concept's own path",
            vec![within("/esco/T/T1/teamwork")],
            all.clone(),
            &["c1:teamwork", "c4:teamwork"],
        ),
        (
            "no requirements: every claim",
            vec![],
            all.clone(),
            &[
                "c1:data-analysis",
                "c1:teamwork",
                "c2:data-analysis",
                "c2:statistics",
                "c3:s10",
                "c3:statistics",
                "c4:teamwork",
                "c5:data-analysis",
            ],
        ),
        (
            "findable only",
            vec![within("/esco/S/S1/S1.1")],
            ClaimFilter {
                findable_only: true,
                ..all.clone()
            },
            &[
                "c1:data-analysis",
                "c2:data-analysis",
                "c2:statistics",
                "c5:data-analysis",
            ],
        ),
        (
            "issuer",
            vec![skill_req(DATA)],
            ClaimFilter {
                issuers: vec!["did:web:mohawk".to_owned()],
                ..all.clone()
            },
            &["c2:data-analysis", "c5:data-analysis"],
        ),
        (
            "kinds",
            vec![],
            ClaimFilter {
                kinds: vec![CredentialKind::Degree, CredentialKind::Badge],
                ..all.clone()
            },
            &["c4:teamwork", "c5:data-analysis"],
        ),
        (
            "credit",
            vec![skill_req(TEAM)],
            ClaimFilter {
                credit: Some(true),
                ..all.clone()
            },
            &["c4:teamwork"],
        ),
        (
            "non-credit",
            vec![skill_req(TEAM)],
            ClaimFilter {
                credit: Some(false),
                ..all.clone()
            },
            &["c1:teamwork"],
        ),
        (
            "region by FSA",
            vec![],
            ClaimFilter {
                regions: vec![RegionCode {
                    level: RegionLevel::Fsa,
                    code: "N3T".to_owned(),
                }],
                ..all.clone()
            },
            &["c1:data-analysis", "c1:teamwork", "c3:s10", "c3:statistics"],
        ),
        (
            "region by economic region or census division (any matches)",
            vec![skill_req(DATA)],
            ClaimFilter {
                regions: vec![
                    RegionCode {
                        level: RegionLevel::EconomicRegion,
                        code: "3550".to_owned(),
                    },
                    RegionCode {
                        level: RegionLevel::CensusDivision,
                        code: "3520".to_owned(),
                    },
                ],
                ..all.clone()
            },
            &["c1:data-analysis", "c2:data-analysis", "c5:data-analysis"],
        ),
        (
            "the province excludes unlocated credentials",
            vec![skill_req(TEAM)],
            ClaimFilter {
                regions: vec![RegionCode {
                    level: RegionLevel::Province,
                    code: "35".to_owned(),
                }],
                ..all.clone()
            },
            &["c1:teamwork"],
        ),
        (
            "radius: Brantford is about 95 km from Toronto",
            vec![skill_req(DATA)],
            ClaimFilter {
                within: Some(GeoRadius {
                    latitude: BRANTFORD.0,
                    longitude: BRANTFORD.1,
                    radius_km: 50.0,
                }),
                ..all.clone()
            },
            &["c1:data-analysis"],
        ),
        (
            "radius wide enough for both",
            vec![skill_req(DATA)],
            ClaimFilter {
                within: Some(GeoRadius {
                    latitude: BRANTFORD.0,
                    longitude: BRANTFORD.1,
                    radius_km: 120.0,
                }),
                ..all.clone()
            },
            &["c1:data-analysis", "c2:data-analysis", "c5:data-analysis"],
        ),
        (
            "radius zero keeps the centre itself",
            vec![],
            ClaimFilter {
                within: Some(GeoRadius {
                    latitude: TORONTO.0,
                    longitude: TORONTO.1,
                    radius_km: 0.0,
                }),
                ..all.clone()
            },
            &["c2:data-analysis", "c2:statistics", "c5:data-analysis"],
        ),
        (
            "issued since is inclusive and drops undated credentials",
            vec![],
            ClaimFilter {
                issued_since: Some(2_000),
                ..all.clone()
            },
            &["c4:teamwork", "c5:data-analysis"],
        ),
        (
            "valid at: issued at the instant counts, validity ending at it does not",
            vec![],
            ClaimFilter {
                valid_at: Some(2_000),
                ..all.clone()
            },
            &[
                "c2:data-analysis",
                "c2:statistics",
                "c3:s10",
                "c3:statistics",
                "c5:data-analysis",
            ],
        ),
    ];
    for (name, requirements, filter, expected) in cases {
        assert_eq!(
            matched(&snapshot, &requirements, &filter),
            expected,
            "{name}"
        );
    }
}

#[test]
fn requirement_masks_and_hit_facts() {
    let (_index, snapshot) = build();
    let requirements = [skill_req(DATA), within("/esco/S/S2"), within("/esco/S/S1")];
    let matches = snapshot
        .match_claims(&requirements, &ClaimFilter::default())
        .expect("match");
    let keys = snapshot.claim_keys(&matches.hits).expect("keys");
    let mut masks: Vec<(String, String, u64)> = matches
        .hits
        .iter()
        .zip(&keys)
        .map(|(hit, keys)| {
            (
                keys.credential_id.clone(),
                matches.skill_ids[hit.skill as usize].clone(),
                hit.requirements,
            )
        })
        .collect();
    masks.sort();
    assert_eq!(
        masks,
        vec![
            ("c1".to_owned(), DATA.to_owned(), 0b101),
            ("c2".to_owned(), DATA.to_owned(), 0b101),
            ("c2".to_owned(), STATS.to_owned(), 0b110),
            ("c3".to_owned(), STATS.to_owned(), 0b110),
            ("c5".to_owned(), DATA.to_owned(), 0b101),
        ]
    );
    let c1 = matches
        .hits
        .iter()
        .zip(&keys)
        .find(|(_, keys)| keys.credential_id == "c1")
        .map(|(hit, _)| *hit)
        .expect("c1");
    assert_eq!(
        (c1.kind, c1.credit, c1.issued_at, c1.valid_until),
        (
            CredentialKind::MicroCredential,
            false,
            Some(1_000),
            Some(2_000)
        )
    );
    assert!(c1.located_by_earner);
    assert_eq!(matches.issuer_ids[c1.issuer as usize], "did:web:conestoga");
    assert_eq!(
        c1.achievement
            .map(|position| matches.achievement_ids[position as usize].as_str()),
        Some("did:web:conestoga/a/data fluency")
    );
}

fn cells(cells: &[SupplyCell]) -> Vec<(String, Option<String>, u64)> {
    cells
        .iter()
        .map(|cell| (cell.skill.clone(), cell.region.clone(), cell.earners))
        .collect()
}

#[test]
fn supply_counts_each_earner_once() {
    let (_index, snapshot) = build();
    let request = |grouping, level, attribution, skills: Vec<SkillRequirement>| SupplyRequest {
        skills,
        grouping,
        level,
        attribution,
        filter: ClaimFilter::default(),
    };
    let s = |text: &str| text.to_owned();
    let some = |text: &str| Some(text.to_owned());
    let cases: Vec<(&str, SupplyRequest, Vec<(String, Option<String>, u64)>)> = vec![
        (
            "ada holds data analysis twice (Brantford and Toronto): once per region",
            request(
                SkillGrouping::Skill,
                RegionLevel::EconomicRegion,
                RegionAttribution::EveryRegion,
                vec![skill_req(DATA)],
            ),
            vec![(s(DATA), some("3530"), 2), (s(DATA), some("3550"), 1)],
        ),
        (
            "home region: ada counts once, where she published her location",
            request(
                SkillGrouping::Skill,
                RegionLevel::EconomicRegion,
                RegionAttribution::HomeRegion,
                vec![skill_req(DATA)],
            ),
            vec![(s(DATA), some("3530"), 1), (s(DATA), some("3550"), 1)],
        ),
        (
            "province totals: earners, not credentials",
            request(
                SkillGrouping::Skill,
                RegionLevel::Province,
                RegionAttribution::HomeRegion,
                vec![],
            ),
            vec![
                (s(DATA), some("35"), 2),
                (s(S10), some("35"), 1),
                (s(STATS), some("35"), 2),
                (s(TEAM), None, 1),
                (s(TEAM), some("35"), 1),
            ],
        ),
        (
            "a facet row counts ada once although she holds two skills under it",
            request(
                SkillGrouping::FacetDepth(3),
                RegionLevel::Province,
                RegionAttribution::EveryRegion,
                vec![],
            ),
            vec![
                (s("/esco/S/S1"), some("35"), 3),
                (s("/esco/S/S10"), some("35"), 1),
                (s("/esco/S/S2"), some("35"), 2),
                (s("/esco/T/T1"), None, 1),
                (s("/esco/T/T1"), some("35"), 1),
            ],
        ),
        (
            "rows per requirement",
            request(
                SkillGrouping::Requirement,
                RegionLevel::Province,
                RegionAttribution::EveryRegion,
                vec![within("/esco/S"), skill_req(TEAM)],
            ),
            vec![
                (s("/esco/S"), some("35"), 3),
                (s(TEAM), None, 1),
                (s(TEAM), some("35"), 1),
            ],
        ),
    ];
    for (name, request, expected) in cases {
        assert_eq!(
            cells(&snapshot.supply(&request).expect("supply")),
            expected,
            "{name}"
        );
    }
    let non_credit = SupplyRequest {
        filter: ClaimFilter {
            credit: Some(false),
            kinds: vec![CredentialKind::MicroCredential],
            ..ClaimFilter::default()
        },
        ..request(
            SkillGrouping::Skill,
            RegionLevel::Province,
            RegionAttribution::EveryRegion,
            vec![skill_req(DATA)],
        )
    };
    assert_eq!(
        cells(&snapshot.supply(&non_credit).expect("supply")),
        vec![(s(DATA), some("35"), 1)],
        "non-credit micro-credentials split out"
    );
}

#[test]
fn demand_sums() {
    let (_index, snapshot) = build();
    let totals = |request: DemandRequest| -> Vec<(String, Option<String>, String, u64, u64)> {
        snapshot
            .demand_totals(&request)
            .expect("demand")
            .into_iter()
            .map(|cell| {
                (
                    cell.skill,
                    cell.region,
                    cell.month,
                    cell.postings,
                    cell.vacancies,
                )
            })
            .collect()
    };
    let s = |text: &str| text.to_owned();
    assert_eq!(
        totals(DemandRequest {
            level: Some(RegionLevel::CensusDivision),
            ..DemandRequest::default()
        }),
        vec![
            (s(DATA), Some(s("3529")), s("2026-01"), 2, 5),
            (s(STATS), Some(s("3529")), s("2026-01"), 1, 3),
            (s(TEAM), None, s("2026-02"), 1, 1),
        ]
    );
    // p1 asks for two skills under /esco/S/S1: one posting, three vacancies, not six.
    assert_eq!(
        totals(DemandRequest {
            grouping: Some(SkillGrouping::FacetDepth(3)),
            skills: vec![within("/esco/S")],
            ..DemandRequest::default()
        }),
        vec![(s("/esco/S/S1"), Some(s("35")), s("2026-01"), 2, 5)]
    );
    assert_eq!(
        totals(DemandRequest {
            months: Some((s("2026-02"), s("2026-12"))),
            ..DemandRequest::default()
        }),
        vec![(s(TEAM), None, s("2026-02"), 1, 1)]
    );
    assert_eq!(
        totals(DemandRequest {
            regions: vec![RegionCode {
                level: RegionLevel::Fsa,
                code: s("N3R")
            }],
            ..DemandRequest::default()
        }),
        vec![(s(DATA), Some(s("35")), s("2026-01"), 1, 2)]
    );
    assert!(
        totals(DemandRequest {
            kinds: vec![DemandKind::Requirement],
            ..DemandRequest::default()
        })
        .is_empty()
    );
    assert_eq!(
        snapshot
            .demand("p3")
            .expect("fetch")
            .map(|demand| demand.vacancies),
        Some(1)
    );
}

#[test]
fn facet_counts_are_distinct_earners() {
    let (_index, snapshot) = build();
    let counts = snapshot
        .facet_counts(
            &[within("/esco/S/S1")],
            &ClaimFilter::default(),
            RegionLevel::Fsa,
        )
        .expect("facets");
    let pairs = |counts: &[index::FacetCount]| {
        counts
            .iter()
            .map(|count| (count.value.clone(), count.earners))
            .collect::<Vec<_>>()
    };
    let s = |text: &str| text.to_owned();
    assert_eq!(pairs(&counts.skills), vec![(s(DATA), 2), (s(STATS), 2)]);
    assert_eq!(pairs(&counts.regions), vec![(s("M5V"), 2), (s("N3T"), 2)]);
    assert_eq!(
        pairs(&counts.issuers),
        vec![(s("did:web:conestoga"), 2), (s("did:web:mohawk"), 2)]
    );
    assert_eq!(
        pairs(&counts.kinds),
        vec![
            (s("micro_credential"), 2),
            (s("badge"), 1),
            (s("certificate"), 1)
        ]
    );
}

#[test]
fn text_search_is_bm25_over_achievements() {
    let (_index, snapshot) = build();
    let hits = snapshot
        .search_text("applied statistics", false, 10)
        .expect("search");
    let ids: Vec<&str> = hits.iter().map(|hit| hit.credential_id.as_str()).collect();
    assert_eq!(ids, ["c3", "c2"], "both words beat one");
    assert!(hits[0].score > hits[1].score);
    let findable: Vec<String> = snapshot
        .search_text("statistics", true, 10)
        .expect("search")
        .into_iter()
        .map(|hit| hit.earner)
        .collect();
    assert_eq!(findable, ["did:key:ada"]);
    assert!(
        snapshot
            .search_text("  ", false, 10)
            .expect("search")
            .is_empty()
    );
    assert_eq!(
        snapshot
            .search_text("x", false, index::MAX_TEXT_HITS + 1)
            .expect_err("limit")
            .code(),
        "index_invalid_request"
    );
}

#[test]
fn deletions_and_withdrawals_leave_every_result() {
    let (index, before) = build();
    assert!(before.contains_content("sha-c2").expect("content"));
    assert_eq!(
        before.expired_credential_ids(2_000).expect("expired"),
        ["c1"]
    );
    assert_eq!(
        before.expired_credential_ids(2_500).expect("expired"),
        ["c1", "c5"]
    );
    let mut writer = index.writer(WriterOptions::default()).expect("writer");
    writer
        .delete_credential("c2", DeletionReason::Revoked)
        .expect("delete");
    writer.withdraw_earner("did:key:di").expect("withdraw");
    writer.delete_demand("p1").expect("delete demand");
    let operations = writer.pending().clone();
    let after = writer.commit("after").expect("commit");
    assert_eq!(
        (
            operations.credentials_revoked,
            operations.earners_withdrawn,
            operations.demands_deleted
        ),
        (1, 1, 1)
    );
    assert_eq!(
        after.commit().map(|commit| commit.operations.clone()),
        Some(operations)
    );

    assert_eq!(after.credential_ids().expect("ids"), ["c1", "c3", "c4"]);
    assert_eq!(after.credential("c2").expect("fetch"), None);
    assert!(!after.contains_content("sha-c2").expect("content"));
    assert_eq!(
        matched(&after, &[skill_req(DATA)], &ClaimFilter::default()),
        ["c1:data-analysis"]
    );
    let supply = SupplyRequest {
        skills: vec![],
        grouping: SkillGrouping::Skill,
        level: RegionLevel::Province,
        attribution: RegionAttribution::EveryRegion,
        filter: ClaimFilter::default(),
    };
    let data_cells: Vec<u64> = after
        .supply(&supply)
        .expect("supply")
        .into_iter()
        .filter(|cell| cell.skill == DATA)
        .map(|cell| cell.earners)
        .collect();
    assert_eq!(data_cells, [1], "only ada's Brantford credential is left");
    assert!(
        after
            .search_text("data badge", false, 10)
            .expect("search")
            .iter()
            .all(|hit| hit.earner != "did:key:di")
    );
    assert_eq!(after.demand_ids().expect("demand ids"), ["p2", "p3"]);
    // The old snapshot still answers as before: readers never see a commit they did not load.
    assert_eq!(before.credential_ids().expect("ids").len(), 6);
}

#[test]
fn stored_records_keep_the_original_and_the_verification() {
    let (_index, snapshot) = build();
    let stored = snapshot.credential("c1").expect("fetch").expect("stored");
    assert_eq!(stored.record, corpus()[0]);
    assert_eq!(stored.verification.issuer, "did:web:conestoga");
    assert_eq!(stored.record.original.media_type, "application/vc+ld+json");
}

#[test]
fn refused_inputs_are_errors_with_codes() {
    let index = SkillIndex::create_in_ram().expect("index");
    let mut writer = index.writer(WriterOptions::default()).expect("writer");
    let base = || corpus().remove(0);
    let cases: Vec<(&str, CredentialRecord)> = vec![
        (
            "empty id",
            CredentialRecord {
                credential_id: " ".to_owned(),
                ..base()
            },
        ),
        ("empty earner", {
            let mut r = base();
            r.earner.key.clear();
            r
        }),
        ("empty issuer", {
            let mut r = base();
            r.issuer.id.clear();
            r
        }),
        ("NaN confidence", {
            let mut r = base();
            r.skills[0].confidence = f32::NAN;
            r
        }),
        ("confidence above one", {
            let mut r = base();
            r.skills[0].confidence = 1.01;
            r
        }),
        ("empty skill id", {
            let mut r = base();
            r.skills[0].id.clear();
            r
        }),
        ("relative facet", {
            let mut r = base();
            r.skills[0].facets = vec!["esco/S".to_owned()];
            r
        }),
        ("root facet", {
            let mut r = base();
            r.skills[0].facets = vec!["/".to_owned()];
            r
        }),
        ("latitude out of range", {
            let mut r = base();
            if let Some(region) = &mut r.region {
                region.latitude = Some(91.0);
            }
            r
        }),
        ("one coordinate", {
            let mut r = base();
            if let Some(region) = &mut r.region {
                region.longitude = None;
            }
            r
        }),
    ];
    for (name, record) in cases {
        let error = writer.upsert_credential(&verified(record)).expect_err(name);
        assert_eq!(error.code(), "index_invalid_record", "{name}: {error}");
    }
    let mut demand = demands().remove(0);
    demand.month = "2026-13".to_owned();
    assert_eq!(
        writer.upsert_demand(&demand).expect_err("month").code(),
        "index_invalid_record"
    );
    let snapshot = writer.commit("nothing").expect("commit");
    assert_eq!(
        snapshot.num_credentials().expect("count"),
        0,
        "refused records change nothing"
    );

    let requests: Vec<(&str, Vec<SkillRequirement>, ClaimFilter)> = vec![
        (
            "65 requirements",
            vec![skill_req(DATA); 65],
            ClaimFilter::default(),
        ),
        (
            "empty skill id",
            vec![skill_req("")],
            ClaimFilter::default(),
        ),
        ("root prefix", vec![within("/")], ClaimFilter::default()),
        (
            "negative radius",
            vec![],
            ClaimFilter {
                within: Some(GeoRadius {
                    latitude: 43.0,
                    longitude: -80.0,
                    radius_km: -1.0,
                }),
                ..ClaimFilter::default()
            },
        ),
    ];
    for (name, requirements, filter) in requests {
        let error = snapshot
            .match_claims(&requirements, &filter)
            .expect_err(name);
        assert_eq!(error.code(), "index_invalid_request", "{name}");
    }
    let grouping = SupplyRequest {
        skills: vec![],
        grouping: SkillGrouping::Requirement,
        level: RegionLevel::Province,
        attribution: RegionAttribution::EveryRegion,
        filter: ClaimFilter::default(),
    };
    assert_eq!(
        snapshot.supply(&grouping).expect_err("grouping").code(),
        "index_invalid_request"
    );
    let months = DemandRequest {
        months: Some(("2026-05".to_owned(), "2026-01".to_owned())),
        ..DemandRequest::default()
    };
    assert_eq!(
        snapshot.demand_totals(&months).expect_err("months").code(),
        "index_invalid_request"
    );
}
