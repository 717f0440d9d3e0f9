//! Durability (reliability.md §1.3, §2 K, §4.3): a commit is the durable unit, readers see
//! commits only after an explicit reload, there is one writer, an index of another schema is
//! refused, and kill -9 at random instants of batch indexing loses nothing committed and
//! shows nothing uncommitted. These are process-crash figures: power loss is not simulated.

use std::io::{BufRead as _, BufReader, Read as _};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use index::{DeletionReason, SkillIndex, WriterOptions};
use skillproof_tests::TestRng;
use skillproof_tests::index::{TempDir, crash_writer_ids, random_credential, verified};

fn writer_options() -> WriterOptions {
    WriterOptions {
        num_threads: 1,
        memory_budget_bytes: 20_000_000,
    }
}

#[test]
fn reopening_shows_exactly_the_last_commit() {
    let dir = TempDir::new("reopen");
    let mut rng = TestRng::new(11);
    {
        let index = SkillIndex::open_or_create(dir.path()).expect("create");
        let mut writer = index.writer(writer_options()).expect("writer");
        for id in ["a", "b", "c"] {
            writer
                .upsert_credential(&verified(random_credential(&mut rng, id, 0, true)))
                .expect("upsert");
        }
        writer.commit("cursor-1").expect("commit");
        // Never committed: gone after the writer is dropped.
        writer
            .upsert_credential(&verified(random_credential(&mut rng, "d", 1, true)))
            .expect("upsert");
        writer
            .delete_credential("a", DeletionReason::Revoked)
            .expect("delete");
    }
    let index = SkillIndex::open(dir.path()).expect("reopen");
    let snapshot = index.snapshot().expect("snapshot");
    assert_eq!(snapshot.cursor(), Some("cursor-1"));
    assert_eq!(snapshot.credential_ids().expect("ids"), ["a", "b", "c"]);
    assert_eq!(
        snapshot
            .commit()
            .map(|commit| commit.operations.credentials_upserted),
        Some(3)
    );
    let mut writer = index
        .writer(writer_options())
        .expect("the lock was released");
    assert_eq!(
        writer
            .commit("cursor-2")
            .expect("commit")
            .credential_ids()
            .expect("ids"),
        ["a", "b", "c"]
    );
}

#[test]
fn a_second_writer_is_refused() {
    let dir = TempDir::new("lock");
    let index = SkillIndex::open_or_create(dir.path()).expect("create");
    let writer = index.writer(writer_options()).expect("first writer");
    let error = index
        .writer(writer_options())
        .err()
        .expect("second writer refused");
    assert_eq!(error.code(), "index_writer_locked", "{error}");
    let other = SkillIndex::open(dir.path()).expect("open");
    assert_eq!(
        other
            .writer(writer_options())
            .err()
            .map(|error| error.code()),
        Some("index_writer_locked")
    );
    drop(writer);
    other.writer(writer_options()).expect("free again");
}

#[test]
fn readers_see_a_commit_only_after_reload() {
    let dir = TempDir::new("reload");
    let writing = SkillIndex::open_or_create(dir.path()).expect("create");
    let reading = SkillIndex::open(dir.path()).expect("open");
    let mut writer = writing.writer(writer_options()).expect("writer");
    writer
        .upsert_credential(&verified(random_credential(
            &mut TestRng::new(3),
            "a",
            0,
            true,
        )))
        .expect("upsert");
    let committed = writer.commit("one").expect("commit");
    let stale = reading.snapshot().expect("snapshot");
    assert_eq!(
        (stale.num_credentials().expect("count"), stale.cursor()),
        (0, None)
    );
    let fresh = reading.reload().expect("reload");
    assert_eq!(
        (fresh.num_credentials().expect("count"), fresh.cursor()),
        (1, Some("one"))
    );
    assert_eq!(
        fresh.id(),
        committed.id(),
        "same content, same snapshot id, in either handle"
    );
    assert_ne!(stale.id(), fresh.id());
}

#[test]
fn an_index_of_another_schema_is_refused() {
    let edits: [(&str, fn(&mut serde_json::Value)); 2] = [
        ("a field less", |meta| {
            if let Some(fields) = meta["schema"].as_array_mut() {
                fields.pop();
            }
        }),
        ("another schema version", |meta| {
            let payload = meta["payload"]
                .as_str()
                .unwrap_or_default()
                .replace("\"schema_version\":1", "\"schema_version\":999");
            meta["payload"] = serde_json::Value::String(payload);
        }),
    ];
    for (name, edit) in edits {
        let dir = TempDir::new("schema");
        {
            let index = SkillIndex::open_or_create(dir.path()).expect("create");
            index
                .writer(writer_options())
                .expect("writer")
                .commit("c")
                .expect("commit");
        }
        let meta_path = dir.path().join("meta.json");
        let mut meta: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&meta_path).expect("meta")).expect("json");
        edit(&mut meta);
        std::fs::write(&meta_path, serde_json::to_vec(&meta).expect("json")).expect("write meta");
        let error = SkillIndex::open(dir.path()).expect_err(name);
        assert_eq!(error.code(), "index_schema_mismatch", "{name}: {error}");
    }
}

/// Opens the index a running child writes, retrying the rare read that races the child's
/// own cleanup of merged-away segments.
fn open_while_written(dir: &std::path::Path) -> SkillIndex {
    let mut last_error = None;
    for _ in 0..20 {
        match SkillIndex::open(dir) {
            Ok(index) => return index,
            Err(error) => {
                last_error = Some(error);
                std::thread::sleep(Duration::from_millis(10));
            }
        }
    }
    panic!("cannot open the index being written: {last_error:?}");
}

/// reliability.md K1, K2, K4, K6: a child indexes batches and commits each with its number
/// as the cursor; it is killed with SIGKILL at seeded random instants. After every kill the
/// index reopens to exactly the committed batches (ids and counts), the writer lock is free
/// again, and the restarted child replays the last batch without duplicates. While a child
/// runs, a second writer is refused. At the end, orphan files are collected and the index
/// equals a clean build of the same batches, snapshot id included.
#[test]
fn kill_nine_loses_nothing_committed() {
    const BATCH_SIZE: u64 = 25;
    const ROUNDS: usize = 20;
    const MIN_ROUNDS: usize = 8;
    // A binary of this package (tests/bin/crash_writer.rs): cargo builds it with the tests.
    let bin = env!("CARGO_BIN_EXE_crash_writer");
    let dir = TempDir::new("kill-loop");
    let mut rng = TestRng::new(0x6b69_6c6c);
    let deadline = Instant::now() + Duration::from_secs(120);
    let mut batches = Vec::new();
    for round in 0..ROUNDS {
        if round >= MIN_ROUNDS && Instant::now() > deadline {
            break;
        }
        let mut child = Command::new(bin)
            .arg(dir.path())
            .arg(BATCH_SIZE.to_string())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn the crash writer");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("read");
        if line.trim() != "writer" {
            let mut stderr = String::new();
            let _ = child
                .stderr
                .take()
                .map(|mut pipe| pipe.read_to_string(&mut stderr));
            let _ = child.kill();
            let _ = child.wait();
            panic!("round {round}: the crash writer did not start: {stderr}");
        }
        // K6: the child holds the lock.
        let error = open_while_written(dir.path())
            .writer(writer_options())
            .err()
            .expect("locked");
        assert_eq!(error.code(), "index_writer_locked", "round {round}");

        std::thread::sleep(Duration::from_millis(20 + rng.below(1_000) as u64));
        child.kill().expect("SIGKILL");
        child.wait().expect("reap");

        // K1: exactly the committed batches.
        let index = SkillIndex::open(dir.path()).expect("reopen after kill");
        let snapshot = index.snapshot().expect("snapshot");
        let batch: u64 = snapshot
            .cursor()
            .map(|cursor| cursor.parse().expect("numeric cursor"))
            .unwrap_or(0);
        let expected = crash_writer_ids(batch, BATCH_SIZE);
        assert_eq!(
            snapshot.credential_ids().expect("ids"),
            expected,
            "round {round}, batch {batch}"
        );
        assert_eq!(
            snapshot.num_credentials().expect("count"),
            (batch * BATCH_SIZE).saturating_sub(batch.saturating_sub(1))
        );
        assert_eq!(
            snapshot.num_claims().expect("claims"),
            expected.len() as u64,
            "one claim per credential"
        );
        // The lock died with the child.
        drop(index.writer(writer_options()).expect("writer after kill"));
        batches.push(batch);
    }
    assert!(
        batches.windows(2).all(|pair| pair[0] <= pair[1]),
        "committed batches never go back: {batches:?}"
    );
    let last = *batches.last().expect("rounds ran");
    assert!(last > 0, "some batch was committed: {batches:?}");
    eprintln!(
        "kill loop: {} kills, batches committed after each: {batches:?}",
        batches.len()
    );

    // K4: after a clean shutdown, every file belongs to a live segment or is bookkeeping.
    let index = SkillIndex::open(dir.path()).expect("open");
    index
        .writer(writer_options())
        .expect("writer")
        .finish()
        .expect("merges done");
    let mut writer = index.writer(writer_options()).expect("writer");
    writer.collect_garbage().expect("gc");
    drop(writer);
    let snapshot = index.reload().expect("reload");
    let live: Vec<String> = snapshot
        .searcher()
        .segment_readers()
        .iter()
        .map(|reader| reader.segment_id().uuid_string())
        .collect();
    for entry in std::fs::read_dir(dir.path()).expect("list") {
        let name = entry
            .expect("entry")
            .file_name()
            .to_string_lossy()
            .into_owned();
        let bookkeeping = [
            "meta.json",
            ".managed.json",
            ".tantivy-writer.lock",
            ".tantivy-meta.lock",
        ]
        .contains(&name.as_str());
        let segment = live.iter().any(|uuid| name.starts_with(uuid.as_str()));
        assert!(
            bookkeeping || segment,
            "orphan file {name} after {} kills",
            batches.len()
        );
    }

    // The same batches built in one go: identical content and snapshot id.
    let clean_dir = TempDir::new("kill-loop-clean");
    let status = Command::new(bin)
        .arg(clean_dir.path())
        .arg(BATCH_SIZE.to_string())
        .args(["--clean", &last.to_string()])
        .status()
        .expect("clean build");
    assert!(status.success(), "clean build: {status}");
    let clean = SkillIndex::open(clean_dir.path())
        .expect("open clean")
        .snapshot()
        .expect("snapshot");
    assert_eq!(
        clean.credential_ids().expect("ids"),
        snapshot.credential_ids().expect("ids")
    );
    assert_eq!(
        clean.id(),
        snapshot.id(),
        "a killed-and-resumed index equals a clean build"
    );
}
