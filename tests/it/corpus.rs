//! The synthetic ecosystem (`crates/corpus`): determinism, expected outcomes against the real
//! verifier, population proportions against the census, the requirement ground truth, and
//! the web it serves. The small corpus (200 earners, about 800 credentials) is generated
//! once per test process.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, OnceLock};

use corpus::{
    CorpusConfig, CredentialFormat, Declaration, Defect, EarnerIdentity, Ecosystem, Error,
    SiteState,
};
use ingest::{IngestContext, credential_records};
use model::Outcome;
use serde_json::Value;
use time::{Duration, OffsetDateTime};
use verify::{Verifier, VerifyOptions};

use crate::taxonomy::support::taxonomy;

fn now() -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(1_780_272_000).expect("2026-06-01T00:00:00Z")
}

fn small() -> &'static Ecosystem {
    static SMALL: OnceLock<Ecosystem> = OnceLock::new();
    SMALL.get_or_init(|| {
        corpus::generate(&CorpusConfig::small(2026, now()), taxonomy())
            .expect("the small corpus generates")
    })
}

/// Everything a crawler could see: (URL, status, content type, body) of both states.
fn web(ecosystem: &Ecosystem) -> Vec<(String, u16, String, Arc<[u8]>)> {
    [SiteState::Initial, SiteState::Current]
        .into_iter()
        .flat_map(|state| {
            ecosystem
                .site_in(state)
                .iter()
                .map(|(url, resource)| {
                    (
                        url,
                        resource.status,
                        resource.content_type.clone(),
                        Arc::clone(&resource.body),
                    )
                })
                .collect::<Vec<_>>()
        })
        .collect()
}

#[test]
fn one_seed_gives_the_same_bytes_and_another_seed_does_not() {
    let tiny = |seed| CorpusConfig {
        earners: 40,
        postings: 20,
        requirements: 5,
        ..CorpusConfig::small(seed, now())
    };
    let first = corpus::generate(&tiny(11), taxonomy()).expect("generates");
    let second = corpus::generate(&tiny(11), taxonomy()).expect("generates");
    assert_eq!(first.credential_bytes, second.credential_bytes);
    assert_eq!(first.presentation_bytes, second.presentation_bytes);
    assert!(
        web(&first) == web(&second),
        "the served web differs between two runs of one seed"
    );
    assert_eq!(first.summary(), second.summary());

    let other = corpus::generate(&tiny(12), taxonomy()).expect("generates");
    let first_set: BTreeSet<&[u8]> = first
        .credential_bytes
        .iter()
        .map(|bytes| &bytes[..])
        .collect();
    let shared = other
        .credential_bytes
        .iter()
        .filter(|bytes| first_set.contains(&bytes[..]))
        .count();
    assert_eq!(shared, 0, "another seed shares {shared} credential files");
    assert_ne!(first.plan.earners[0].handle, other.plan.earners[0].handle);
}

/// Verification is judged at `now` and at the end of the window the corpus promises
/// (`now + 30 days`); late revocations are judged in both states.
#[test]
fn expected_outcomes_are_what_the_verifier_says() {
    let ecosystem = small();
    let plan = &ecosystem.plan;
    // Up to three credentials of every (format, defect) pair: about 90 verifications, which
    // keeps the debug build of this test within seconds.
    let mut sample: BTreeMap<(CredentialFormat, Option<Defect>), Vec<usize>> = BTreeMap::new();
    for credential in &plan.credentials {
        let slot = sample
            .entry((credential.format, credential.defect))
            .or_default();
        if slot.len() < 3 {
            slot.push(credential.index);
        }
    }
    let formats: BTreeSet<CredentialFormat> = sample.keys().map(|(format, _)| *format).collect();
    let defects: BTreeSet<Defect> = sample.keys().filter_map(|(_, defect)| *defect).collect();
    assert_eq!(
        formats.len(),
        CredentialFormat::ALL.len(),
        "formats present: {formats:?}"
    );
    assert_eq!(
        defects.len(),
        Defect::ALL.len(),
        "defects present: {defects:?}"
    );

    let current = Verifier::new(Arc::new(ecosystem.resolver()));
    let initial = Verifier::new(Arc::new(ecosystem.resolver_in(SiteState::Initial)));
    let mut failures = Vec::new();
    let mut checked = 0;
    for (&(format, defect), indexes) in &sample {
        for &index in indexes {
            let credential = &plan.credentials[index];
            let bytes = &ecosystem.credential_bytes[index];
            let mut judge = |verifier: &Verifier, at: OffsetDateTime, state: SiteState| {
                checked += 1;
                let report = verifier.verify(bytes, &VerifyOptions::at(at));
                let expected = credential.outcome_in(state);
                if report.outcome != expected {
                    failures.push(format!(
                        "{} {:?} ({state:?} at {at}): expected {expected}, got {} ({:?})",
                        format.code(),
                        defect,
                        report.outcome,
                        report.first_failure().map(|check| check.detail.clone())
                    ));
                }
            };
            judge(&current, now(), SiteState::Current);
            judge(&current, now() + Duration::days(30), SiteState::Current);
            if defect == Some(Defect::RevokedLater) {
                judge(&initial, now(), SiteState::Initial);
            }
        }
    }
    // Presentations: verified as a whole (holder = subject, authentication proof), and bound
    // to the page they were published on.
    let mut presentations: Vec<&corpus::PresentationPlan> =
        plan.presentations.iter().take(4).collect();
    presentations.extend(
        plan.presentations
            .iter()
            .filter(|presentation| presentation.withdrawn)
            .take(1),
    );
    assert!(!presentations.is_empty());
    for presentation in presentations {
        let options = VerifyOptions {
            domain: Some(presentation.domain.clone()),
            ..VerifyOptions::at(now())
        };
        let report = current.verify(&ecosystem.presentation_bytes[presentation.index], &options);
        checked += 1;
        if report.outcome != presentation.outcome {
            failures.push(format!(
                "presentation {}: got {} ({:?})",
                presentation.index,
                report.outcome,
                report.first_failure()
            ));
        }
    }
    println!(
        "corpus: {checked} verifications across {} (format, defect) pairs",
        sample.len()
    );
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// The verifier's records of a credential name the earner key and the region the plan
/// says they should: the standalone file counts at the issuer's campus, the same credential
/// inside the earner's presentation is findable at their FSA.
#[test]
fn ingested_records_agree_with_the_plan() {
    let ecosystem = small();
    let plan = &ecosystem.plan;
    let verifier = Verifier::new(Arc::new(ecosystem.resolver()));
    let verified = |bytes: &[u8]| {
        verifier
            .verify(bytes, &VerifyOptions::at(now()))
            .into_verified(now())
            .map_err(|report| report.outcome)
    };
    let mut seen = BTreeSet::new();
    for credential in plan
        .credentials
        .iter()
        .filter(|c| c.outcome == Outcome::Verified)
    {
        if !seen.insert((
            credential.format,
            matches!(credential.subject, corpus::Subject::Did(_)),
        )) {
            continue;
        }
        let document = verified(&ecosystem.credential_bytes[credential.index]).expect("verifies");
        let context = IngestContext {
            source_url: Some(credential.url.clone()),
            ..IngestContext::default()
        };
        let records = credential_records(document, taxonomy(), &context);
        assert!(!records.is_empty(), "{}", credential.format.code());
        let record = records[0].value();
        assert!(!record.earner.findable);
        // Open Badges 2.0 assertions name their issuer only through the badge class.
        if !matches!(
            credential.format,
            CredentialFormat::Ob2Hosted | CredentialFormat::Ob2Signed
        ) {
            assert_eq!(
                record.earner.key,
                credential.earner_key(),
                "{}",
                credential.format.code()
            );
            let region = record
                .region
                .as_ref()
                .and_then(|region| region.fsa.as_deref());
            assert_eq!(
                region,
                Some(plan.issuers[credential.issuer].fsa.as_str()),
                "{}",
                credential.format.code()
            );
        }
    }
    let presentation = plan
        .presentations
        .iter()
        .find(|p| !p.withdrawn)
        .expect("a published presentation");
    let document = verified(&ecosystem.presentation_bytes[presentation.index])
        .expect("the presentation verifies");
    let context = IngestContext {
        source_url: Some(presentation.url.clone()),
        ..IngestContext::default()
    };
    let records = credential_records(document, taxonomy(), &context);
    assert_eq!(records.len(), presentation.credentials.len());
    let earner = &plan.earners[presentation.earner];
    for record in &records {
        let record = record.value();
        assert!(record.earner.findable);
        let EarnerIdentity::Did(did) = &earner.identity else {
            panic!("presenters have DIDs")
        };
        assert_eq!(&record.earner.key, did);
        assert_eq!(
            record
                .region
                .as_ref()
                .and_then(|region| region.fsa.as_deref()),
            Some(earner.fsa.as_str())
        );
    }
}

/// Earners per economic region and census division follow the 2021 census. Each count is
/// binomial; the tolerance is four standard deviations plus two earners, so a correct
/// generator passes with near certainty and a wrong weighting (e.g. uniform over FSAs,
/// which gives Toronto's 102 FSAs 19% of earners instead of its 20% of people by luck but
/// gives Ottawa 8% instead of 7%, and the North far too many) does not.
#[test]
fn earners_follow_the_census_population() {
    let config = CorpusConfig {
        earners: 20_000,
        postings: 0,
        requirements: 1,
        did_share: 0.0,
        ..CorpusConfig::demo(3, now())
    };
    let plan = corpus::plan(&config, taxonomy()).expect("plans");
    let populations = corpus::catalogue::cd_populations().expect("populations");
    let total: u64 = populations.iter().map(|cd| cd.population).sum();
    let regions = taxonomy().regions();
    let er_of = |cduid: &str| {
        regions
            .census_division(cduid)
            .map(|cd| cd.eruid.clone())
            .expect("known CD")
    };
    let mut expected_er: BTreeMap<String, f64> = BTreeMap::new();
    let mut expected_cd: BTreeMap<String, f64> = BTreeMap::new();
    for cd in &populations {
        *expected_er.entry(er_of(&cd.cduid)).or_default() += cd.population as f64 / total as f64;
        expected_cd.insert(cd.cduid.clone(), cd.population as f64 / total as f64);
    }
    let mut observed_er: BTreeMap<String, f64> = BTreeMap::new();
    let mut observed_cd: BTreeMap<String, f64> = BTreeMap::new();
    for earner in &plan.earners {
        *observed_er.entry(earner.eruid.clone()).or_default() += 1.0;
        *observed_cd.entry(earner.cduid.clone()).or_default() += 1.0;
    }
    let n = plan.earners.len() as f64;
    let mut problems = Vec::new();
    let mut check = |level: &str, code: &str, share: f64, observed: f64| {
        let expected = share * n;
        let tolerance = 4.0 * (n * share * (1.0 - share)).sqrt() + 2.0;
        if (observed - expected).abs() > tolerance {
            problems.push(format!(
                "{level} {code}: {observed} earners, expected {expected:.0} ± {tolerance:.0}"
            ));
        }
    };
    for (er, share) in &expected_er {
        check(
            "ER",
            er,
            *share,
            observed_er.get(er).copied().unwrap_or(0.0),
        );
    }
    // Prince Edward (3513) has no FSA centre of its own: its people live at the nearest
    // FSA, in Hastings (same economic region), so the two are compared together.
    let merged = |cd: &str| {
        if cd == "3513" {
            "3512".to_owned()
        } else {
            cd.to_owned()
        }
    };
    let mut expected_merged: BTreeMap<String, f64> = BTreeMap::new();
    for (cd, share) in &expected_cd {
        *expected_merged.entry(merged(cd)).or_default() += share;
    }
    for (cd, share) in &expected_merged {
        check(
            "CD",
            cd,
            *share,
            observed_cd.get(cd).copied().unwrap_or(0.0),
        );
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));

    // Most programs are near home: a credential from the earner's own economic region or
    // within 150 km of it.
    let plan_small = &small().plan;
    let point = |fsa: &str| regions.fsa(fsa).map(|f| f.point).expect("FSA");
    let near = plan_small
        .credentials
        .iter()
        .filter(|credential| {
            let earner = &plan_small.earners[credential.earner];
            let issuer = &plan_small.issuers[credential.issuer];
            earner.eruid == issuer.eruid
                || point(&earner.fsa).distance_km(point(&issuer.fsa)) <= 150.0
        })
        .count();
    let share = near as f64 / plan_small.credentials.len() as f64;
    println!(
        "corpus: {:.0}% of credentials come from an issuer within 150 km or the same region",
        share * 100.0
    );
    assert!(share > 0.6, "{share}");
}

/// The skills each earner holds are the intended skills of their verified credentials, and
/// every requirement's relevance list is exactly what those skills give.
#[test]
fn requirement_ground_truth_follows_the_earners_skills() {
    let plan = &small().plan;
    assert!(plan.requirements.len() >= 40);
    for earner in &plan.earners {
        let held: BTreeSet<&str> = plan
            .credentials
            .iter()
            .filter(|credential| {
                credential.earner == earner.index && credential.outcome == Outcome::Verified
            })
            .flat_map(|credential| credential.skills.iter().map(|skill| skill.id.as_str()))
            .collect();
        assert_eq!(
            earner
                .skills
                .iter()
                .map(String::as_str)
                .collect::<BTreeSet<_>>(),
            held,
            "earner {}",
            earner.index
        );
    }
    let mut ids = BTreeSet::new();
    for requirement in &plan.requirements {
        assert!(
            ids.insert(requirement.id.clone()),
            "duplicate {}",
            requirement.id
        );
        assert!(
            (3..=10).contains(&requirement.required.len()),
            "{}",
            requirement.id
        );
        let occupation = taxonomy()
            .by_id(&requirement.occupation)
            .expect("the occupation exists");
        let essential: BTreeSet<String> = taxonomy()
            .occupation_skills(occupation)
            .iter()
            .filter(|(_, need)| *need == taxonomy::Need::Essential)
            .filter_map(|(skill, _)| taxonomy().concept(*skill).map(|c| c.id.clone()))
            .collect();
        for skill in &requirement.required {
            assert!(
                essential.contains(&skill.id),
                "{}: {} is not essential",
                requirement.id,
                skill.id
            );
        }
        let listed: BTreeMap<usize, &corpus::Relevance> =
            requirement.relevant.iter().map(|r| (r.earner, r)).collect();
        for earner in &plan.earners {
            let held = requirement
                .required
                .iter()
                .filter(|skill| earner.skills.contains(&skill.id))
                .count() as u32;
            let excluded = requirement
                .excluded
                .iter()
                .any(|skill| earner.skills.contains(&skill.id));
            let gain = if excluded {
                0.0
            } else {
                f64::from(held) / requirement.required.len() as f64
            };
            match listed.get(&earner.index) {
                Some(relevance) => {
                    assert_eq!(
                        (relevance.held, relevance.holds_excluded),
                        (held, excluded),
                        "{}",
                        requirement.id
                    );
                    assert!((relevance.gain - gain).abs() < 1e-12);
                }
                None => assert_eq!(
                    held, 0,
                    "{}: earner {} missing",
                    requirement.id, earner.index
                ),
            }
        }
        assert!(
            requirement
                .relevant
                .windows(2)
                .all(|pair| pair[0].gain >= pair[1].gain)
        );
        let request =
            jobspec::parse_json(&requirement.request_json()).expect("a valid job request");
        assert_eq!(request.required.len(), requirement.required.len());
    }
    let graded = plan
        .requirements
        .iter()
        .filter(|requirement| {
            requirement
                .relevant
                .iter()
                .any(|r| r.gain > 0.0 && plan.earners[r.earner].findable(SiteState::Current))
        })
        .count();
    assert!(
        graded * 10 >= plan.requirements.len() * 9,
        "only {graded} requirements have a findable relevant earner"
    );
}

/// Every published file is served at its URL with its bytes; withdrawals answer 410 in the
/// current state; every host has robots.txt and a sitemap; nothing points at a real
/// institution's domain and no e-mail address is published.
#[test]
fn the_site_serves_every_published_file_and_only_demo_hosts() {
    let ecosystem = small();
    let plan = &ecosystem.plan;
    let current = ecosystem.site();
    let initial = ecosystem.site_in(SiteState::Initial);
    for credential in &plan.credentials {
        for (site, state) in [
            (&current, SiteState::Current),
            (&initial, SiteState::Initial),
        ] {
            let resource = site
                .get(&credential.url)
                .unwrap_or_else(|| panic!("{} is not served", credential.url));
            let gone = credential.format == CredentialFormat::Ob2Hosted
                && credential.outcome_in(state) == Outcome::Revoked;
            if gone {
                assert_eq!(resource.status, 410);
            } else {
                assert_eq!(
                    (resource.status, &resource.body),
                    (200, &ecosystem.credential_bytes[credential.index])
                );
            }
        }
    }
    for presentation in &plan.presentations {
        let now_status = current.get(&presentation.url).map(|r| r.status);
        assert_eq!(
            now_status,
            Some(if presentation.withdrawn { 410 } else { 200 })
        );
        assert_eq!(initial.get(&presentation.url).map(|r| r.status), Some(200));
        assert_eq!(
            initial.get(&presentation.page_url).map(|r| r.status),
            Some(200)
        );
    }
    let suffix = format!(".{}", plan.config.domain_suffix);
    for host in current.hosts() {
        assert!(host.ends_with(&suffix), "{host}");
        for path in ["/", "/robots.txt", "/sitemap.xml"] {
            assert_eq!(
                current.lookup(host, path).map(|r| r.status),
                Some(200),
                "{host}{path}"
            );
        }
    }
    let sitemap = String::from_utf8_lossy(
        &current
            .get(&format!("{}/sitemap.xml", plan.issuers[0].origin))
            .expect("sitemap")
            .body,
    )
    .into_owned();
    let first_own = plan
        .credentials
        .iter()
        .find(|c| c.issuer == 0)
        .expect("a credential of the first issuer");
    assert!(sitemap.contains(&first_own.url));
    for issuer in &plan.issuers {
        assert!(issuer.name.ends_with("(demo issuer)"), "{}", issuer.name);
        assert!(
            issuer.description.contains("not affiliated"),
            "{}",
            issuer.slug
        );
    }
    // Every absolute URL in every text resource names a demo host or a standards body.
    let allowed = [
        "www.w3.org",
        "w3id.org",
        "purl.imsglobal.org",
        "schema.org",
        "data.europa.eu",
        "www.sitemaps.org",
        "openbadges.org",
    ];
    let mut foreign = BTreeSet::new();
    for (url, resource) in current.iter() {
        let text = String::from_utf8_lossy(&resource.body);
        assert!(
            !text.contains(&format!("@mail.{}", plan.config.domain_suffix)),
            "an e-mail address is published at {url}"
        );
        for piece in text.split("://").skip(1) {
            let host: String = piece
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '.' || *c == '-')
                .collect();
            if !host.ends_with(&suffix) && !allowed.contains(&host.as_str()) {
                foreign.insert(host);
            }
        }
    }
    assert!(foreign.is_empty(), "hosts outside the demo: {foreign:?}");
    let summary = ecosystem.summary();
    assert_eq!(
        summary.by_format.values().sum::<usize>(),
        plan.credentials.len()
    );
    assert_eq!(
        summary.by_outcome.values().sum::<usize>(),
        plan.credentials.len()
    );
    println!("{summary}");
}

/// Declared skills resolve as alignments; text-only skills are found in the criteria by the
/// taxonomy's text mapping, since the criteria quote their preferred labels.
#[test]
fn declared_and_text_skills_are_found_by_the_mapping() {
    let ecosystem = small();
    let plan = &ecosystem.plan;
    let mut declared = (0, 0);
    let mut text = (0, 0);
    let mut missed = Vec::new();
    for achievement in &plan.achievements {
        let Some(credential) = plan.credentials.iter().find(|c| {
            c.achievements == [achievement.index]
                && matches!(
                    c.format,
                    CredentialFormat::Ob3Rdfc | CredentialFormat::Ob3Jcs
                )
                && c.defect.is_none()
        }) else {
            continue;
        };
        let document: Value =
            serde_json::from_slice(&ecosystem.credential_bytes[credential.index]).expect("JSON");
        let mapped = taxonomy().map_credential(&document);
        for skill in &achievement.skills {
            let found = mapped.skills.iter().find(|m| m.id == skill.id);
            let (tally, wanted) = match skill.declared {
                Declaration::Alignment => (&mut declared, taxonomy::Method::Alignment),
                Declaration::Text => (&mut text, taxonomy::Method::Text),
            };
            tally.1 += 1;
            if found.is_some_and(|m| m.evidence.iter().any(|e| e.method == wanted)) {
                tally.0 += 1;
            } else {
                missed.push(format!(
                    "{:?} {} {:?}",
                    skill.declared, achievement.key, skill.label
                ));
            }
        }
    }
    println!(
        "corpus: alignments resolved {}/{}, text skills found {}/{}; missed: {missed:?}",
        declared.0, declared.1, text.0, text.1
    );
    assert!(declared.1 > 0 && text.1 > 0);
    assert_eq!(declared.0, declared.1, "{missed:?}");
    assert!(text.0 * 10 >= text.1 * 9, "{missed:?}");
}

#[test]
fn a_bad_configuration_is_an_error_not_a_panic() {
    let cases = [
        CorpusConfig {
            earners: 0,
            ..CorpusConfig::small(1, now())
        },
        CorpusConfig {
            domain_suffix: "humber.ca".into(),
            ..CorpusConfig::small(1, now())
        },
        CorpusConfig {
            presentation_share: -0.1,
            ..CorpusConfig::small(1, now())
        },
    ];
    for config in cases {
        match corpus::generate(&config, taxonomy()) {
            Err(Error::InvalidConfig(message)) => assert!(!message.is_empty()),
            other => panic!("{:?}", other.map(|ecosystem| ecosystem.summary())),
        }
    }
}
