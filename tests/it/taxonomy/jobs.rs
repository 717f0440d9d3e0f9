//! Job requirements -> JobSpec: job texts (ESCO occupation descriptions with an alternative
//! title, labelled with the occupation's essential skills), real job-ad sentences (R-precision
//! at 5 and 10), structured requirements in every identifier scheme, and field-named errors.

use std::collections::HashSet;

use jobspec::{JobRequest, JobSpec, NormaliseOptions, SkillSource, parse_request};
use taxonomy::ExtractOptions;

use super::support::{jsonl, str_of, strings, taxonomy};

fn precision_recall(with_title: bool) -> (f64, f64, usize) {
    let t = taxonomy();
    let items = jsonl("job_texts.jsonl");
    let (mut tp, mut fp, mut fn_) = (0usize, 0usize, 0usize);
    for item in &items {
        let request = JobRequest {
            title: with_title.then(|| str_of(item, "title").to_owned()),
            text: Some(str_of(item, "text").to_owned()),
            ..JobRequest::default()
        };
        let spec = JobSpec::normalise(&request, t, &NormaliseOptions::default());
        let got: HashSet<&str> = spec.wanted().map(|s| s.id.as_str()).collect();
        let gold: HashSet<String> = strings(item, "labels").into_iter().collect();
        tp += got.iter().filter(|g| gold.contains(**g)).count();
        fp += got.iter().filter(|g| !gold.contains(**g)).count();
        fn_ += gold.iter().filter(|g| !got.contains(g.as_str())).count();
    }
    (
        tp as f64 / (tp + fp).max(1) as f64,
        tp as f64 / (tp + fn_).max(1) as f64,
        items.len(),
    )
}

#[test]
fn job_text_extraction_precision_and_recall() {
    let (precision, recall, n) = precision_recall(true);
    eprintln!("job texts with title ({n}): precision {precision:.3}, recall {recall:.3}");
    let (bare_precision, bare_recall, _) = precision_recall(false);
    eprintln!(
        "job texts, description only ({n}): precision {bare_precision:.3}, recall {bare_recall:.3}"
    );
    assert!(precision >= 0.80, "precision {precision:.3} < 0.80");
    assert!(recall >= 0.60, "recall {recall:.3} < 0.60");
    // Without a title only what the description names literally can be found (reported, not a
    // target: ESCO descriptions paraphrase their skills).
    assert!(
        bare_recall < recall,
        "{bare_precision:.3} / {bare_recall:.3}"
    );
}

#[test]
fn job_ad_sentences_r_precision() {
    let t = taxonomy();
    let items = jsonl("jobad_sentences_dev.jsonl");
    let preferred: std::collections::HashMap<&str, &str> = t
        .concepts()
        .iter()
        .filter(|c| c.id.starts_with("esco:skill/"))
        .map(|c| (c.label.as_str(), c.id.as_str()))
        .collect();
    let options = ExtractOptions {
        limit: 10,
        min_confidence: 0.0,
        typo_tolerance: false,
    };
    for domain in ["tech", "house"] {
        let mut rp = [0.0f64; 2];
        let mut n = 0usize;
        for item in items.iter().filter(|i| str_of(i, "domain") == domain) {
            let gold: HashSet<&str> = strings(item, "labels")
                .iter()
                .map(|l| preferred.get(l.as_str()).copied().unwrap_or("?"))
                .collect();
            assert!(!gold.contains("?"), "label missing from ESCO: {item}");
            let ranked: Vec<String> = t
                .extract(str_of(item, "text"), &options)
                .into_iter()
                .map(|m| m.id)
                .collect();
            for (slot, k) in [5usize, 10].into_iter().enumerate() {
                let hits = ranked
                    .iter()
                    .take(k)
                    .filter(|id| gold.contains(id.as_str()))
                    .count();
                rp[slot] += hits as f64 / k.min(gold.len()) as f64;
            }
            n += 1;
        }
        let (rp5, rp10) = (rp[0] / n as f64, rp[1] / n as f64);
        eprintln!("job-ad sentences, {domain} dev ({n}): RP@5 {rp5:.3}, RP@10 {rp10:.3}");
        // Regression floors a little under the measured values (see the taxonomy note).
        let floor = if domain == "tech" { 0.62 } else { 0.48 };
        assert!(rp5 >= floor, "{domain}: RP@5 {rp5:.3} < {floor}");
        assert!(rp10 >= rp5, "{domain}: RP@10 below RP@5");
    }
}

#[test]
fn every_identifier_scheme_and_plain_words_reach_the_same_skill() {
    let t = taxonomy();
    let python = "esco:skill/ccd0a1d9-afda-43d9-b901-96344886e14d";
    let request = parse_request(&format!(
        r#"{{"required": ["{python}", "http://data.europa.eu/esco/skill/ccd0a1d9-afda-43d9-b901-96344886e14d",
            "Python", "pyhton", "onet:tech/python", "Python programming"]}}"#
    ))
    .expect("valid request");
    let spec = JobSpec::normalise(&request, t, &NormaliseOptions::default());
    assert_eq!(
        spec.required
            .iter()
            .map(|s| s.id.as_str())
            .collect::<Vec<_>>(),
        [python],
        "{:#?}",
        spec.required
    );
    assert!(spec.unresolved.is_empty(), "{:?}", spec.unresolved);
}

#[test]
fn an_occupation_code_expands_to_its_essential_skills_in_any_scheme() {
    let t = taxonomy();
    let skills_of = |occupation: &str| -> HashSet<String> {
        let request =
            parse_request(&format!(r#"{{"occupation": "{occupation}"}}"#)).expect("valid");
        let spec = JobSpec::normalise(&request, t, &NormaliseOptions::default());
        assert!(
            spec.required
                .iter()
                .all(|s| s.source == SkillSource::Occupation && s.via.is_some()),
            "{occupation}"
        );
        spec.required.into_iter().map(|s| s.id).collect()
    };
    // ICT application developer (ESCO) and the NOC / O*NET codes that crosswalk to it.
    let esco =
        skills_of("http://data.europa.eu/esco/occupation/c40a2919-48a9-40ea-b506-1f34f693496d");
    let noc = skills_of("21232");
    let onet = skills_of("15-1252.00");
    assert!(esco.len() >= 10, "{}", esco.len());
    for (name, other) in [("noc 21232", &noc), ("onet 15-1252.00", &onet)] {
        let shared = other.intersection(&esco).count();
        assert!(
            !other.is_empty() && shared * 3 >= other.len().min(esco.len()),
            "{name}: {shared} shared of {} / {}",
            other.len(),
            esco.len()
        );
    }
}

#[test]
fn location_and_filters_are_normalised_and_never_finer_than_an_fsa() {
    let t = taxonomy();
    let request = parse_request(
        r#"{"title": "Data analyst", "required": ["SQL"], "location": {"postal_code": "N3T 2J6", "radius_km": 25},
            "earned_after": "2023-01-01", "issuers": {"include": ["did:web:college.example.ca"]}}"#,
    )
    .expect("valid");
    let spec = JobSpec::normalise(&request, t, &NormaliseOptions::default());
    let location = spec.location.clone().expect("location");
    assert_eq!(
        (
            location.region.code.as_str(),
            location.region.cduid.as_deref()
        ),
        ("N3T", Some("3529"))
    );
    assert_eq!(location.radius_km, Some(25.0));
    let json = serde_json::to_string(&spec).expect("serialise");
    assert!(
        !json.contains("2J6"),
        "the postal code must be coarsened: {json}"
    );
    assert_eq!(spec.earned_after.as_deref(), Some("2023-01-01"));
    assert_eq!(spec.issuers.include, ["did:web:college.example.ca"]);
}

#[test]
fn job_ad_text_skills_quote_their_span_and_split_nice_to_haves() {
    let t = taxonomy();
    let ad = "Warehouse Associate\nYou will operate forklift trucks and manage inventory.\nFirst aid certification is an asset.";
    let spec = JobSpec::normalise(
        &parse_request(ad).expect("text"),
        t,
        &NormaliseOptions::default(),
    );
    assert_eq!(spec.title.as_deref(), Some("Warehouse Associate"));
    for skill in spec.wanted().filter(|s| s.source == SkillSource::Text) {
        let span = skill.span.as_ref().expect("text skills carry a span");
        assert_eq!(&ad[span.start..span.end], span.text);
    }
    assert!(
        spec.required
            .iter()
            .any(|s| s.label == "operate forklift" && s.source == SkillSource::Text),
        "{:#?}",
        spec.required
    );
    assert!(
        spec.preferred.iter().any(|s| s.label == "first aid"),
        "{:#?}",
        spec.preferred
    );
}
