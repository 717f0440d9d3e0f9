//! Program ranking against the brute-force oracle: which programs' verified holders hold
//! the missing skills, near a region, with small counts suppressed.

use rank::{
    CandidateRequest, Center, Count, Error, Level, MIN_HOLDERS, ProgramRequest, RadiusFilter,
    RegionFilter, rank_candidates, rank_programs,
};

use super::oracle::Records;
use super::quality::request_for;
use super::support::{AS_OF, corpus, tax};

fn skills_of(position: usize) -> Vec<String> {
    corpus().plan.requirements[position]
        .required
        .iter()
        .map(|skill| skill.id.clone())
        .collect()
}

fn cases() -> Vec<(&'static str, ProgramRequest)> {
    let for_skills = |position: usize| {
        ProgramRequest::for_skills(&skills_of(position), tax(), AS_OF).expect("resolves")
    };
    vec![
        ("a requirement's skills, anywhere", for_skills(0)),
        ("another requirement's", for_skills(5)),
        (
            "in an economic region",
            ProgramRequest {
                regions: vec![RegionFilter {
                    level: Level::EconomicRegion,
                    code: "3530".to_owned(),
                }],
                ..for_skills(1)
            },
        ),
        (
            "within 60 km of an FSA, non-credit only",
            ProgramRequest {
                radius: Some(RadiusFilter {
                    center: Center::Fsa("N2G".to_owned()),
                    radius_km: 60.0,
                }),
                credit: Some(false),
                ..for_skills(2)
            },
        ),
        (
            "in a small census division",
            ProgramRequest {
                regions: vec![RegionFilter {
                    level: Level::CensusDivision,
                    code: "3553".to_owned(),
                }],
                ..for_skills(3)
            },
        ),
    ]
}

#[test]
fn programs_equal_brute_force_evaluation_and_small_counts_are_suppressed() {
    let corpus = corpus();
    let records = Records::new(corpus.index.records.values());
    let mut ranked_somewhere = 0;
    let mut suppressed_somewhere = 0;
    for (name, request) in cases() {
        let (expected, suppressed) = records.programs(&request);
        let page = rank_programs(
            &corpus.index.snapshot,
            tax(),
            &ProgramRequest {
                limit: rank::MAX_LIMIT,
                ..request.clone()
            },
        )
        .expect("ranks programs");
        assert_eq!(page.total, expected.len(), "{name}: total");
        assert_eq!(page.suppressed_programs, suppressed, "{name}: suppressed");
        assert_eq!(page.privacy, rank::PRIVACY_NOTE);
        for (hit, oracle) in page.programs.iter().zip(&expected) {
            assert_eq!(
                (&hit.issuer, &hit.achievement),
                (&oracle.key.0, &oracle.key.1),
                "{name}: rank {}",
                hit.rank
            );
            assert_eq!(hit.holders, oracle.holders, "{name}: {}", hit.achievement);
            assert!(hit.holders >= MIN_HOLDERS);
            assert!((hit.score - oracle.score).abs() <= 1e-12, "{name}");
            let sum: f64 = hit.components.iter().map(|component| component.value).sum();
            assert_eq!(sum, hit.score);
            let cells: Vec<Count> = hit
                .skills
                .iter()
                .map(|skill| skill.holders_with_skill)
                .collect();
            assert_eq!(cells, oracle.cells, "{name}: {}", hit.achievement);
            for skill in &hit.skills {
                match skill.holders_with_skill {
                    Count::Exact(held) => {
                        assert!(held == 0 || held >= MIN_HOLDERS);
                        assert_eq!(skill.share, Some(held as f64 / hit.holders as f64));
                    }
                    Count::Suppressed => {
                        assert_eq!(skill.share, None);
                        suppressed_somewhere += 1;
                    }
                }
            }
            let record = corpus
                .index
                .records
                .get(&hit.sample_credential)
                .expect("the sample is an indexed credential");
            assert_eq!(
                record.achievement.id.as_deref(),
                Some(hit.achievement.as_str())
            );
            assert_eq!(hit.name, record.achievement.name);
            // A program ranks for these skills because a credential evidences one: it says
            // which, and how.
            assert!(hit.skills.iter().any(|skill| skill.taught.is_some()));
        }
        if page.total > 0 {
            ranked_somewhere += 1;
        }
        println!(
            "rank programs: {name}: {} ranked, {} suppressed",
            page.total, page.suppressed_programs
        );
    }
    assert!(ranked_somewhere >= 4);
    println!("rank programs: {suppressed_somewhere} suppressed skill cells");
}

#[test]
fn programs_for_what_a_candidate_lacks() {
    let corpus = corpus();
    let request = CandidateRequest {
        limit: 20,
        ..request_for(&corpus.plan.requirements[0], false)
    };
    let page = rank_candidates(&corpus.index.snapshot, tax(), &request).expect("ranks");
    let hit = page
        .hits
        .iter()
        .find(|hit| !hit.missing.is_empty())
        .expect("a candidate lacking something");
    let programs = rank_programs(
        &corpus.index.snapshot,
        tax(),
        &ProgramRequest::for_missing(&page, hit, AS_OF),
    )
    .expect("ranks programs");
    let missing: Vec<&str> = hit.missing.iter().map(|m| m.requirement.as_str()).collect();
    let asked: Vec<&str> = programs.skills.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(asked, missing);
    assert_eq!(programs.snapshot, page.snapshot);
    for program in &programs.programs {
        assert_eq!(program.skills.len(), missing.len());
    }
}

#[test]
fn program_requests_are_validated() {
    let snapshot = &corpus().index.snapshot;
    let request = ProgramRequest::for_skills(&skills_of(0), tax(), AS_OF).expect("resolves");
    for (offset, limit) in [(0, 0), (0, 101), (990, 20)] {
        assert!(matches!(
            rank_programs(
                snapshot,
                tax(),
                &ProgramRequest {
                    offset,
                    limit,
                    ..request.clone()
                }
            ),
            Err(Error::InvalidRequest(_))
        ));
    }
    let empty = ProgramRequest::for_skills(&[], tax(), AS_OF).expect("builds");
    assert!(matches!(
        rank_programs(snapshot, tax(), &empty),
        Err(Error::InvalidRequest(_))
    ));
}
