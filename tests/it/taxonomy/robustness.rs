//! Vocabulary robustness (`vocab_robustness.jsonl`, 300 ESCO skills): the preferred label, an
//! alternative label, a one-edit typo and a crosswalked NOC / O*NET code must each reach the
//! same concept (top 10 for words; the normalised requirement for codes) in ≥ 95 % of cases.

use jobspec::{JobSpec, NormaliseOptions, parse_request};
use serde_json::Value;
use taxonomy::SearchScope;

use super::support::{jsonl, str_of, taxonomy};

#[test]
fn every_way_of_naming_a_skill_reaches_it() {
    let t = taxonomy();
    let items = jsonl("vocab_robustness.jsonl");
    assert!(items.len() >= 300);
    let mut totals = [(0usize, 0usize); 4];
    let mut misses: Vec<String> = Vec::new();
    for item in &items {
        let id = str_of(item, "id");
        for (slot, key) in ["preferred", "alternative", "typo"].into_iter().enumerate() {
            let Some(query) = item.get(key).and_then(Value::as_str) else {
                continue;
            };
            let found = t
                .search_text(query, SearchScope::Skills, 10)
                .iter()
                .any(|hit| hit.id == id);
            totals[slot].0 += usize::from(found);
            totals[slot].1 += 1;
            if !found {
                misses.push(format!("{key} {query:?} -> not {id}"));
            }
        }
        let code = str_of(item, "code");
        let request =
            parse_request(&serde_json::json!({"required": [code]}).to_string()).expect("valid");
        let spec = JobSpec::normalise(&request, t, &NormaliseOptions::default());
        let found = spec.required.iter().any(|s| s.id == id);
        totals[3].0 += usize::from(found);
        totals[3].1 += 1;
        if !found {
            misses.push(format!("code {code:?} -> not {id}"));
        }
    }
    let names = [
        "preferred label",
        "alternative label",
        "one typo",
        "crosswalked code",
    ];
    for (name, (hit, all)) in names.iter().zip(totals) {
        eprintln!(
            "robustness, {name}: {hit}/{all} ({:.1} %)",
            100.0 * hit as f64 / all.max(1) as f64
        );
    }
    let (hit, all) = totals
        .iter()
        .fold((0, 0), |acc, (h, a)| (acc.0 + h, acc.1 + a));
    let share = hit as f64 / all as f64;
    eprintln!(
        "robustness, all variants: {hit}/{all} ({:.1} %)",
        share * 100.0
    );
    assert!(
        share >= 0.95,
        "{share:.3} < 0.95; first misses:\n{}",
        misses
            .iter()
            .take(40)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}
