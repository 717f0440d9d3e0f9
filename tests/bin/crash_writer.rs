//! # The crash-test writer
//!
//! A child process for the kill-loop test (`tests/it/index/durability.rs`; a binary of the test package, so cargo builds it with the tests): it indexes
//! fixed-size batches forever, committing each with its batch number as the cursor, until
//! the test kills it with SIGKILL at a random instant.
//!
//! ```text
//! crash_writer DIR BATCH_SIZE           # resume after the last committed batch, forever
//! crash_writer DIR BATCH_SIZE --clean N # build batches 1..=N in one commit, then exit
//! ```
//!
//! Batch `b` upserts credentials `crash-b-0 … crash-b-(size-1)` and revokes `crash-(b-1)-0`,
//! so after batch `b` the index holds exactly `b × size − (b − 1)` credentials. On restart it
//! first replays the last committed batch, as a crawler whose frontier lagged behind the
//! index would: upserts and deletes are idempotent, so the replay changes nothing.
//!
//! Records are hand-built and wrapped with `Verified::assumed_verified_for_tests`, the
//! documented test-only path: this binary tests durability, not verification.

use std::io::Write as _;

use index::{DeletionReason, IndexWriterHandle, SkillIndex, WriterOptions};
use model::{
    AchievementRef, CredentialKind, CredentialRecord, EarnerRef, Format, IssuerRef,
    OriginalCredential, RegionRef, RegionSource, SkillClaim, SkillMethod, VerificationSummary,
    Verified,
};

type Failure = Box<dyn std::error::Error>;

fn record(batch: u64, item: u64) -> Verified<CredentialRecord> {
    let id = format!("crash-{batch}-{item}");
    let record = CredentialRecord {
        credential_id: id.clone(),
        content_sha256: format!("{:064x}", batch * 1_000_003 + item),
        source_url: None,
        earner: EarnerRef {
            key: format!("did:key:crash-earner-{}", item % 7),
            findable: item.is_multiple_of(2),
            consent_source: None,
        },
        issuer: IssuerRef {
            id: "did:web:crash.example".to_owned(),
            name: None,
            domain: None,
        },
        achievement: AchievementRef {
            id: Some(format!("did:web:crash.example/achievements/{}", batch % 3)),
            name: format!("Crash test achievement {batch}"),
            description: Some("Data fluency and teamwork, indexed while being killed.".to_owned()),
            kind: CredentialKind::MicroCredential,
            credit: batch.is_multiple_of(2),
        },
        skills: vec![SkillClaim {
            id: format!("local:skill/crash-{}", item % 5),
            label: "crash".to_owned(),
            method: SkillMethod::Alignment,
            confidence: 1.0,
            span: None,
            facets: vec![format!("/local/crash/crash-{}", item % 5)],
        }],
        region: Some(RegionRef {
            fsa: Some("N3T".to_owned()),
            cduid: Some("3529".to_owned()),
            eruid: Some("3550".to_owned()),
            wpb_id: None,
            latitude: Some(43.14),
            longitude: Some(-80.26),
            source: RegionSource::Issuer,
        }),
        issued_at: Some(1_760_000_000 + batch as i64),
        valid_until: None,
        format: Format::VcDataIntegrity,
        original: OriginalCredential {
            media_type: "application/vc+ld+json".to_owned(),
            content: format!("{{\"id\":\"{id}\"}}"),
        },
    };
    let summary = VerificationSummary {
        format: Format::VcDataIntegrity,
        issuer: "did:web:crash.example".to_owned(),
        proofs: Vec::new(),
        checks: Vec::new(),
        verified_at: "2026-06-01T00:00:00Z".to_owned(),
    };
    Verified::assumed_verified_for_tests(record, summary)
}

fn apply_batch(writer: &mut IndexWriterHandle, batch: u64, size: u64) -> Result<(), Failure> {
    for item in 0..size {
        writer.upsert_credential(&record(batch, item))?;
    }
    if batch > 1 {
        writer.delete_credential(&format!("crash-{}-0", batch - 1), DeletionReason::Revoked)?;
    }
    Ok(())
}

fn run() -> Result<(), Failure> {
    let arguments: Vec<String> = std::env::args().skip(1).collect();
    let (dir, size) = match arguments.as_slice() {
        [dir, size, ..] => (dir.clone(), size.parse::<u64>()?),
        _ => return Err("usage: crash_writer DIR BATCH_SIZE [--clean N]".into()),
    };
    let index = SkillIndex::open_or_create(&dir)?;
    let mut writer = index.writer(WriterOptions {
        num_threads: 1,
        memory_budget_bytes: 20_000_000,
    })?;
    if let [_, _, flag, batches] = arguments.as_slice()
        && flag == "--clean"
    {
        let batches: u64 = batches.parse()?;
        for batch in 1..=batches {
            apply_batch(&mut writer, batch, size)?;
        }
        writer.commit(&batches.to_string())?;
        writer.finish()?;
        return Ok(());
    }
    // Tell the parent the writer lock is held (it checks that a second writer is refused).
    println!("writer");
    std::io::stdout().flush()?;
    let committed: u64 = index
        .snapshot()?
        .cursor()
        .map(str::parse)
        .transpose()?
        .unwrap_or(0);
    if committed > 0 {
        apply_batch(&mut writer, committed, size)?;
    }
    for batch in committed + 1..=committed + 1_000_000 {
        apply_batch(&mut writer, batch, size)?;
        writer.commit(&batch.to_string())?;
    }
    Ok(())
}

fn main() {
    if let Err(error) = run() {
        eprintln!("crash_writer: {error}");
        std::process::exit(2);
    }
}
