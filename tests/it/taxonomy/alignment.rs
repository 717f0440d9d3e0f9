//! Declared alignments (`alignments.jsonl`: every spelling issuers use for ESCO, O*NET, NOC,
//! OaSIS, ISCO and local concepts, plus frameworks we do not hold) resolve to the right
//! concept in ≥ 99 % of cases, and unknown frameworks are reported, never dropped.

use taxonomy::AlignmentOutcome;

use super::support::{jsonl, str_of, taxonomy};

#[test]
fn declared_alignments_resolve_to_the_right_concept() {
    let t = taxonomy();
    let cases = jsonl("alignments.jsonl");
    let mut right = 0usize;
    let mut wrong = Vec::new();
    for case in &cases {
        let expect = str_of(case, "expect");
        let outcome = t.resolve_alignment(&case["alignment"]);
        let ok = match (&outcome, expect) {
            (AlignmentOutcome::UnknownFramework { .. }, "unknown_framework") => true,
            (AlignmentOutcome::UnknownConcept { .. }, "unknown_concept") => true,
            (AlignmentOutcome::Resolved { id, .. }, expected) => id == expected,
            _ => false,
        };
        if ok {
            right += 1;
        } else {
            wrong.push(format!(
                "{} -> {outcome:?} ({})",
                case["alignment"],
                str_of(case, "why")
            ));
        }
    }
    let share = right as f64 / cases.len() as f64;
    eprintln!(
        "alignments: {right}/{} resolved as expected ({:.1} %)",
        cases.len(),
        share * 100.0
    );
    assert!(cases.len() >= 500);
    assert!(
        share >= 0.99,
        "{:.3} < 0.99; failures:\n{}",
        share,
        wrong.join("\n")
    );
}

#[test]
fn an_alignment_without_any_target_is_reported() {
    let t = taxonomy();
    let outcome = t.resolve_alignment(&serde_json::json!({"targetFramework": "ESCO"}));
    assert!(
        matches!(outcome, AlignmentOutcome::UnknownConcept { .. }),
        "{outcome:?}"
    );
    let outcome = t.resolve_alignment(&serde_json::json!({"targetCode": "12345"}));
    // A bare number in no known framework must not be guessed to be a NOC code.
    assert!(
        matches!(outcome, AlignmentOutcome::UnknownFramework { .. }),
        "{outcome:?}"
    );
}
