//! Ranking quality on the demo corpus: nDCG@10 of the explained ranking against the
//! corpus's graded relevance (share of a requirement's skills an earner verifiably holds,
//! 0 when they hold an excluded one), and the same for plain BM25 over achievement text
//! (`Snapshot::search_text`), measured in the same test on the same index.
//!
//! The index holds records derived from the plan (`skillproof_tests::plan_index`): the
//! ranking is what is measured, not signing. Only consenting earners may ever be returned,
//! so the ideal ranking of each requirement is drawn from the findable earners.

use std::collections::BTreeSet;

use corpus::{Requirement, SiteState};
use jobspec::{JobSpec, NormaliseOptions};
use rank::{CandidateRequest, Importance, JobSpecOptions, rank_candidates};

use super::support::{AS_OF, Corpus, corpus, tax};

const K: usize = 10;

/// DCG of graded gains at ranks 1..=k (linear gain, log2 discount).
fn dcg(gains: &[f64]) -> f64 {
    gains
        .iter()
        .take(K)
        .enumerate()
        .map(|(position, gain)| gain / ((position + 2) as f64).log2())
        .sum()
}

/// nDCG@10 of a list of earner keys, or `None` when no findable earner is relevant.
fn ndcg(corpus: &Corpus, requirement: &Requirement, keys: &[String]) -> Option<f64> {
    let plan = &corpus.plan;
    let mut ideal: Vec<f64> = requirement
        .relevant
        .iter()
        .filter(|relevance| plan.earners[relevance.earner].findable(SiteState::Current))
        .map(|relevance| relevance.gain)
        .collect();
    ideal.sort_by(|a, b| b.total_cmp(a));
    let ideal = dcg(&ideal);
    if ideal <= 0.0 {
        return None;
    }
    let gains: Vec<f64> = keys
        .iter()
        .map(|key| {
            corpus
                .index
                .earner_of_key
                .get(key)
                .map_or(0.0, |earner| requirement.gain(*earner))
        })
        .collect();
    Some(dcg(&gains) / ideal)
}

/// The request a recruiter would send for a corpus requirement: its JSON through `jobspec`,
/// with the listed skills ranked by how many are held (should) rather than all demanded
/// (must): graded relevance is exactly "how many are held".
pub(super) fn request_for(requirement: &Requirement, expand_occupation: bool) -> CandidateRequest {
    let job = jobspec::parse_json(&requirement.request_json()).expect("a valid job request");
    let spec = JobSpec::normalise(
        &job,
        tax(),
        &NormaliseOptions {
            expand_occupation,
            ..NormaliseOptions::default()
        },
    );
    let options = JobSpecOptions {
        explicit_required: Importance::Should,
        ..JobSpecOptions::default()
    };
    let mut request =
        CandidateRequest::from_job_spec(&spec, tax(), AS_OF, &options).expect("a valid request");
    request.limit = K;
    request
}

fn ranked_keys(request: &CandidateRequest) -> Vec<String> {
    let page = rank_candidates(&corpus().index.snapshot, tax(), request).expect("ranks");
    page.hits.into_iter().map(|hit| hit.earner).collect()
}

/// The BM25 baseline: the job's title and skill labels as free text over achievement names
/// and descriptions, each earner at their best credential.
fn bm25_keys(requirement: &Requirement) -> Vec<String> {
    let text: Vec<&str> = std::iter::once(requirement.title.as_str())
        .chain(
            requirement
                .required
                .iter()
                .map(|skill| skill.label.as_str()),
        )
        .chain(
            requirement
                .preferred
                .iter()
                .map(|skill| skill.label.as_str()),
        )
        .collect();
    let hits = corpus()
        .index
        .snapshot
        .search_text(&text.join(" "), true, 5_000)
        .expect("full text search");
    let mut seen = BTreeSet::new();
    hits.into_iter()
        .filter(|hit| seen.insert(hit.earner.clone()))
        .map(|hit| hit.earner)
        .take(K)
        .collect()
}

#[test]
fn ndcg_at_10_beats_bm25_over_text() {
    let corpus = corpus();
    let requirements = &corpus.plan.requirements;
    assert!(corpus.plan.earners.len() >= 5_000);
    assert!(requirements.len() >= 40);
    let mut ours = Vec::new();
    let mut ours_expanded = Vec::new();
    let mut baseline = Vec::new();
    for requirement in requirements {
        let Some(ranked) = ndcg(
            corpus,
            requirement,
            &ranked_keys(&request_for(requirement, false)),
        ) else {
            continue;
        };
        let expanded = ndcg(
            corpus,
            requirement,
            &ranked_keys(&request_for(requirement, true)),
        )
        .unwrap_or_default();
        let bm25 = ndcg(corpus, requirement, &bm25_keys(requirement)).unwrap_or_default();
        ours.push(ranked);
        ours_expanded.push(expanded);
        baseline.push(bm25);
    }
    let mean = |values: &[f64]| values.iter().sum::<f64>() / values.len().max(1) as f64;
    let (ours_mean, expanded_mean, bm25_mean) =
        (mean(&ours), mean(&ours_expanded), mean(&baseline));
    println!(
        "rank quality: {} requirements with a relevant findable earner of {}; nDCG@10 ranking {ours_mean:.4}, with occupation expansion {expanded_mean:.4}, BM25 over text {bm25_mean:.4} ({:+.1}%)",
        ours.len(),
        requirements.len(),
        (ours_mean / bm25_mean - 1.0) * 100.0
    );
    assert!(ours.len() >= 40, "only {} graded requirements", ours.len());
    assert!(ours_mean >= 0.85, "nDCG@10 {ours_mean:.4} < 0.85");
    assert!(
        ours_mean >= 1.10 * bm25_mean,
        "nDCG@10 {ours_mean:.4} is not 10% above BM25's {bm25_mean:.4}"
    );
}
