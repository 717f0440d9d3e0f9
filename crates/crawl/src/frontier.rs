//! The frontier: which URLs are known, at what depth, and what each gave at its last fetch
//! (validators, body hash, the credentials and demand it published, the documents its
//! verification read). Behind [`Frontier`] so a partitioned queue can replace it.
//!
//! [`DiskFrontier`] is an append-only JSON Lines log in `DIR/frontier/log-<generation>.jsonl`.
//! Its position (generation and byte offset) is the **cursor** the crawler stores in each
//! index commit, after syncing the log up to it. On open, the log is cut back to the
//! cursor of the last index commit: whatever was logged after it never reached the index,
//! so it is redone, and the log and the index always describe the same crawl. A kill -9 at
//! any instant therefore loses at most the work since the last commit and never indexes
//! anything twice (upserts replace by credential id).
//!
//! Compaction rewrites the live state into the next generation; the crawler commits its
//! cursor, and only then is the old generation deleted.

use std::collections::BTreeMap;
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::{Error, Result};

/// Longest log line read back (a URL state with its credential list stays far below).
const MAX_LINE_BYTES: u64 = 4 * 1024 * 1024;

/// A credential a URL published, as the index holds it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeldCredential {
    /// The credential id the index keys it by.
    pub id: String,
    /// Whether this source makes its earner findable (a presentation they signed).
    pub consent: bool,
}

/// What the crawler remembers about one URL.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct UrlState {
    /// Links followed from a seed to reach it (seeds are 0).
    pub depth: u32,
    /// The pass in which it was last completed (0: never).
    pub last_pass: u64,
    /// Its outcome code at that pass.
    pub outcome: Option<String>,
    /// `ETag` of the last 2xx answer.
    pub etag: Option<String>,
    /// `Last-Modified` of the last 2xx answer.
    pub last_modified: Option<String>,
    /// SHA-256 (hex) of the last 2xx body.
    pub sha256: Option<String>,
    /// Candidate credentials in that body.
    pub candidates: u32,
    /// Credentials it published to the index.
    pub credentials: Vec<HeldCredential>,
    /// Demand records it published to the index.
    pub demands: Vec<String>,
    /// Documents its verification read, with their fingerprints: if any changes, the body
    /// is verified again even when it is unchanged.
    pub dependencies: Vec<(String, String)>,
}

/// The crawl frontier. Every mutation is logged before it is acknowledged; `sync` makes the
/// log durable up to the returned cursor.
pub trait Frontier: Send {
    /// The current pass (0 before the first).
    fn pass(&self) -> u64;
    /// Whether the current pass has ended.
    fn pass_finished(&self) -> bool;
    /// Starts the next pass: every known URL becomes pending again.
    fn start_pass(&mut self) -> Result<()>;
    /// Marks the current pass ended.
    fn finish_pass(&mut self) -> Result<()>;
    /// Adds a URL at `depth`; true if it was not known.
    fn discover(&mut self, url: &str, depth: u32) -> Result<bool>;
    /// URLs not yet completed in this pass, shallowest first, then by URL.
    fn pending(&self) -> Vec<(String, u32)>;
    /// What is known of a URL.
    fn state(&self, url: &str) -> Option<&UrlState>;
    /// Every known URL and its state, by URL.
    fn states(&self) -> Box<dyn Iterator<Item = (&str, &UrlState)> + '_>;
    /// Records the result of fetching `url` in this pass.
    fn complete(&mut self, url: &str, state: UrlState) -> Result<()>;
    /// Makes `url` pending again in this pass with nothing remembered of its body, so it is
    /// fetched in full and verified again.
    fn reopen(&mut self, url: &str) -> Result<()>;
    /// Makes everything logged so far durable; returns the cursor naming this position.
    fn sync(&mut self) -> Result<String>;
    /// Rewrites the log when it has grown well past the live state; returns the new cursor
    /// (to commit before calling [`Frontier::release_stale`]).
    fn compact_if_worthwhile(&mut self) -> Result<Option<String>> {
        Ok(None)
    }
    /// Deletes what a committed compaction made obsolete.
    fn release_stale(&mut self) -> Result<()> {
        Ok(())
    }
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
enum Entry {
    Pass { pass: u64 },
    PassEnd { pass: u64 },
    Seen { url: String, depth: u32 },
    Done { url: String, state: UrlState },
    Reopen { url: String },
}

/// The embedded on-disk frontier.
#[derive(Debug)]
pub struct DiskFrontier {
    dir: PathBuf,
    generation: u64,
    writer: BufWriter<File>,
    offset: u64,
    entries: u64,
    urls: BTreeMap<String, UrlState>,
    pass: u64,
    pass_finished: bool,
    stale_generation: Option<u64>,
}

const CURSOR_PREFIX: &str = "frontier-v1";

fn parse_cursor(cursor: &str) -> Option<(u64, u64)> {
    let mut parts = cursor.split(':');
    if parts.next()? != CURSOR_PREFIX {
        return None;
    }
    let generation = parts.next()?.parse().ok()?;
    let offset = parts.next()?.parse().ok()?;
    parts.next().is_none().then_some((generation, offset))
}

fn log_path(dir: &Path, generation: u64) -> PathBuf {
    dir.join(format!("log-{generation}.jsonl"))
}

fn io_error(path: &Path, source: std::io::Error) -> Error {
    Error::Io {
        path: path.display().to_string(),
        source,
    }
}

impl DiskFrontier {
    /// Opens the frontier in `dir` at `cursor`, the cursor of the last index commit (`None`
    /// for an index that has never been committed by the crawler: the frontier starts empty).
    pub fn open(dir: &Path, cursor: Option<&str>) -> Result<DiskFrontier> {
        std::fs::create_dir_all(dir).map_err(|source| io_error(dir, source))?;
        let (generation, offset) = match cursor {
            None => (0, 0),
            Some(cursor) => {
                parse_cursor(cursor).ok_or_else(|| Error::BadCursor(cursor.to_owned()))?
            }
        };
        // Logs of other generations belong to a compaction that never committed, or were
        // superseded by one that did.
        let entries = std::fs::read_dir(dir).map_err(|source| io_error(dir, source))?;
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with("log-") && name != format!("log-{generation}.jsonl") {
                let _ = std::fs::remove_file(entry.path());
            }
        }
        let path = log_path(dir, generation);
        let file = OpenOptions::new()
            .create(true)
            .read(true)
            .write(true)
            .truncate(false)
            .open(&path)
            .map_err(|source| io_error(&path, source))?;
        let length = file
            .metadata()
            .map_err(|source| io_error(&path, source))?
            .len();
        if length < offset {
            return Err(Error::FrontierLost(format!(
                "{} has {length} bytes, the index commit names {offset}",
                path.display()
            )));
        }
        // Cut what never reached the index.
        file.set_len(offset)
            .map_err(|source| io_error(&path, source))?;
        let mut frontier = DiskFrontier {
            dir: dir.to_path_buf(),
            generation,
            writer: BufWriter::new(file.try_clone().map_err(|source| io_error(&path, source))?),
            offset,
            entries: 0,
            urls: BTreeMap::new(),
            pass: 0,
            pass_finished: true,
            stale_generation: None,
        };
        let mut reader = BufReader::new(file);
        reader
            .seek(SeekFrom::Start(0))
            .map_err(|source| io_error(&path, source))?;
        let mut line = String::new();
        loop {
            line.clear();
            let read = (&mut reader)
                .take(MAX_LINE_BYTES)
                .read_line(&mut line)
                .map_err(|source| io_error(&path, source))?;
            if read == 0 {
                break;
            }
            let entry: Entry = serde_json::from_str(line.trim_end())
                .map_err(|error| Error::FrontierLost(format!("{}: {error}", path.display())))?;
            frontier.apply(entry);
        }
        frontier
            .writer
            .seek(SeekFrom::Start(offset))
            .map_err(|source| io_error(&path, source))?;
        Ok(frontier)
    }

    /// The directory the log lives in.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Entries in the current log generation.
    pub fn num_entries(&self) -> u64 {
        self.entries
    }

    fn apply(&mut self, entry: Entry) {
        self.entries += 1;
        match entry {
            Entry::Pass { pass } => {
                self.pass = pass;
                self.pass_finished = false;
            }
            Entry::PassEnd { pass } => {
                if pass == self.pass {
                    self.pass_finished = true;
                }
            }
            Entry::Seen { url, depth } => match self.urls.get_mut(&url) {
                Some(state) => state.depth = state.depth.min(depth),
                None => {
                    self.urls.insert(
                        url,
                        UrlState {
                            depth,
                            ..UrlState::default()
                        },
                    );
                }
            },
            Entry::Done { url, state } => {
                self.urls.insert(url, state);
            }
            Entry::Reopen { url } => {
                if let Some(state) = self.urls.get_mut(&url) {
                    state.last_pass = 0;
                    state.etag = None;
                    state.last_modified = None;
                    state.sha256 = None;
                    state.dependencies.clear();
                }
            }
        }
    }

    fn append(&mut self, entry: Entry) -> Result<()> {
        let mut line =
            serde_json::to_vec(&entry).map_err(|error| Error::Internal(error.to_string()))?;
        line.push(b'\n');
        let path = log_path(&self.dir, self.generation);
        self.writer
            .write_all(&line)
            .map_err(|source| io_error(&path, source))?;
        self.offset += line.len() as u64;
        self.apply(entry);
        Ok(())
    }

    fn cursor(&self) -> String {
        format!("{CURSOR_PREFIX}:{}:{}", self.generation, self.offset)
    }
}

impl Frontier for DiskFrontier {
    fn pass(&self) -> u64 {
        self.pass
    }

    fn pass_finished(&self) -> bool {
        self.pass_finished
    }

    fn start_pass(&mut self) -> Result<()> {
        let pass = self.pass + 1;
        self.append(Entry::Pass { pass })
    }

    fn finish_pass(&mut self) -> Result<()> {
        let pass = self.pass;
        self.append(Entry::PassEnd { pass })
    }

    fn discover(&mut self, url: &str, depth: u32) -> Result<bool> {
        match self.urls.get(url) {
            Some(state) if state.depth <= depth => Ok(false),
            known => {
                let new = known.is_none();
                self.append(Entry::Seen {
                    url: url.to_owned(),
                    depth,
                })?;
                Ok(new)
            }
        }
    }

    fn pending(&self) -> Vec<(String, u32)> {
        let mut pending: Vec<(String, u32)> = self
            .urls
            .iter()
            .filter(|(_, state)| state.last_pass < self.pass)
            .map(|(url, state)| (url.clone(), state.depth))
            .collect();
        pending.sort_by(|a, b| a.1.cmp(&b.1).then_with(|| a.0.cmp(&b.0)));
        pending
    }

    fn state(&self, url: &str) -> Option<&UrlState> {
        self.urls.get(url)
    }

    fn states(&self) -> Box<dyn Iterator<Item = (&str, &UrlState)> + '_> {
        Box::new(self.urls.iter().map(|(url, state)| (url.as_str(), state)))
    }

    fn complete(&mut self, url: &str, mut state: UrlState) -> Result<()> {
        state.last_pass = self.pass;
        self.append(Entry::Done {
            url: url.to_owned(),
            state,
        })
    }

    fn reopen(&mut self, url: &str) -> Result<()> {
        self.append(Entry::Reopen {
            url: url.to_owned(),
        })
    }

    fn sync(&mut self) -> Result<String> {
        let path = log_path(&self.dir, self.generation);
        self.writer
            .flush()
            .map_err(|source| io_error(&path, source))?;
        self.writer
            .get_ref()
            .sync_data()
            .map_err(|source| io_error(&path, source))?;
        Ok(self.cursor())
    }

    fn compact_if_worthwhile(&mut self) -> Result<Option<String>> {
        // Each URL needs about two entries (seen, done) plus the pass markers.
        if self.entries < 1_000 || self.entries < 4 * (self.urls.len() as u64 + 1) {
            return Ok(None);
        }
        let next = self.generation + 1;
        let path = log_path(&self.dir, next);
        let file = File::create(&path).map_err(|source| io_error(&path, source))?;
        let mut writer = BufWriter::new(file);
        let mut offset = 0u64;
        let mut entries = 0u64;
        let mut lines: Vec<Entry> = vec![Entry::Pass { pass: self.pass }];
        for (url, state) in &self.urls {
            lines.push(Entry::Done {
                url: url.clone(),
                state: state.clone(),
            });
        }
        if self.pass_finished {
            lines.push(Entry::PassEnd { pass: self.pass });
        }
        for entry in &lines {
            let mut line =
                serde_json::to_vec(entry).map_err(|error| Error::Internal(error.to_string()))?;
            line.push(b'\n');
            writer
                .write_all(&line)
                .map_err(|source| io_error(&path, source))?;
            offset += line.len() as u64;
            entries += 1;
        }
        writer.flush().map_err(|source| io_error(&path, source))?;
        writer
            .get_ref()
            .sync_data()
            .map_err(|source| io_error(&path, source))?;
        self.stale_generation = Some(self.generation);
        self.generation = next;
        self.writer = writer;
        self.offset = offset;
        self.entries = entries;
        Ok(Some(self.cursor()))
    }

    fn release_stale(&mut self) -> Result<()> {
        if let Some(stale) = self.stale_generation.take() {
            let path = log_path(&self.dir, stale);
            std::fs::remove_file(&path).map_err(|source| io_error(&path, source))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "skillproof-crawl-frontier-{name}-{}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        dir
    }

    #[test]
    fn reopening_at_a_cursor_forgets_what_came_after_it() -> Result<()> {
        let dir = temp_dir("cursor");
        let mut frontier = DiskFrontier::open(&dir, None)?;
        frontier.start_pass()?;
        frontier.discover("https://a.test/", 0)?;
        let committed = frontier.sync()?;
        frontier.discover("https://a.test/x", 1)?;
        frontier.complete("https://a.test/", UrlState::default())?;
        frontier.sync()?;
        drop(frontier);

        let reopened = DiskFrontier::open(&dir, Some(&committed))?;
        assert_eq!(reopened.pass(), 1);
        assert!(!reopened.pass_finished());
        assert_eq!(reopened.pending(), vec![("https://a.test/".to_owned(), 0)]);
        assert!(reopened.state("https://a.test/x").is_none());
        assert!(matches!(
            DiskFrontier::open(&dir, Some("frontier-v1:0:999999")),
            Err(Error::FrontierLost(_))
        ));
        assert!(matches!(
            DiskFrontier::open(&dir, Some("nonsense")),
            Err(Error::BadCursor(_))
        ));
        let _ = std::fs::remove_dir_all(&dir);
        Ok(())
    }

    #[test]
    fn compaction_keeps_the_state_and_moves_to_a_new_generation() -> Result<()> {
        let dir = temp_dir("compact");
        let mut frontier = DiskFrontier::open(&dir, None)?;
        for pass in 0..300 {
            frontier.start_pass()?;
            for url in ["https://a.test/", "https://a.test/b"] {
                frontier.discover(url, 0)?;
                frontier.complete(
                    url,
                    UrlState {
                        sha256: Some(format!("{pass}")),
                        ..UrlState::default()
                    },
                )?;
            }
            frontier.finish_pass()?;
        }
        let before: Vec<(String, UrlState)> = frontier
            .states()
            .map(|(url, state)| (url.to_owned(), state.clone()))
            .collect();
        let cursor = frontier.compact_if_worthwhile()?.expect("the log grew");
        frontier.release_stale()?;
        drop(frontier);
        let reopened = DiskFrontier::open(&dir, Some(&cursor))?;
        let after: Vec<(String, UrlState)> = reopened
            .states()
            .map(|(url, state)| (url.to_owned(), state.clone()))
            .collect();
        assert_eq!(before, after);
        assert_eq!(reopened.pass(), 300);
        assert!(reopened.pass_finished());
        assert!(!log_path(&dir, 0).exists());
        let _ = std::fs::remove_dir_all(&dir);
        Ok(())
    }
}
