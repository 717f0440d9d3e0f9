//! A blocking adapter for synchronous callers (the CLI's `skillproof verify`, whose
//! verifier resolves documents through a synchronous trait).
//!
//! It owns one worker thread running a current-thread tokio runtime; each `fetch` sends a
//! job there and waits for the answer, so it works from any thread, including rayon
//! workers, and never nests runtimes. Concurrent callers are served concurrently.

use std::sync::mpsc as std_mpsc;
use std::thread::JoinHandle;

use tokio::sync::mpsc;
use url::Url;

use crate::client::{Client, FetchOptions, Fetched};
use crate::config::NetConfig;
use crate::counters::NetCounters;
use crate::error::{NetError, Result};

type Reply = std_mpsc::SyncSender<Result<Fetched>>;

struct Job {
    url: Url,
    options: FetchOptions,
    reply: Reply,
}

/// [`Client`] behind a blocking `fetch`.
#[derive(Debug)]
pub struct BlockingClient {
    client: Client,
    jobs: Option<mpsc::UnboundedSender<Job>>,
    worker: Option<JoinHandle<()>>,
}

impl BlockingClient {
    /// Validates `config`, starts the worker thread and builds the client on it.
    pub fn new(config: NetConfig) -> Result<BlockingClient> {
        let (jobs, mut queue) = mpsc::unbounded_channel::<Job>();
        let (ready, started) = std_mpsc::sync_channel::<Result<Client>>(1);
        let worker = std::thread::Builder::new()
            .name("skillproof-net".to_owned())
            .spawn(move || {
                let runtime = match tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                {
                    Ok(runtime) => runtime,
                    Err(error) => {
                        let _ = ready.send(Err(NetError::InvalidConfig(format!(
                            "tokio runtime: {error}"
                        ))));
                        return;
                    }
                };
                runtime.block_on(async move {
                    let client = match Client::new(config) {
                        Ok(client) => client,
                        Err(error) => {
                            let _ = ready.send(Err(error));
                            return;
                        }
                    };
                    if ready.send(Ok(client.clone())).is_err() {
                        return;
                    }
                    while let Some(job) = queue.recv().await {
                        let client = client.clone();
                        tokio::spawn(async move {
                            let result = client.fetch(&job.url, &job.options).await;
                            // The caller may have given up; nothing to do then.
                            let _ = job.reply.send(result);
                        });
                    }
                });
            })
            .map_err(|error| NetError::InvalidConfig(format!("network worker thread: {error}")))?;
        let client = started.recv().map_err(|_| NetError::WorkerStopped)??;
        Ok(BlockingClient {
            client,
            jobs: Some(jobs),
            worker: Some(worker),
        })
    }

    /// Fetches `url`, blocking the calling thread until the outcome is known.
    pub fn fetch(&self, url: &Url, options: &FetchOptions) -> Result<Fetched> {
        let (reply, answer) = std_mpsc::sync_channel(1);
        let job = Job {
            url: url.clone(),
            options: options.clone(),
            reply,
        };
        self.jobs
            .as_ref()
            .ok_or(NetError::WorkerStopped)?
            .send(job)
            .map_err(|_| NetError::WorkerStopped)?;
        answer.recv().map_err(|_| NetError::WorkerStopped)?
    }

    /// Counters so far.
    pub fn counters(&self) -> NetCounters {
        self.client.counters()
    }

    /// The async client the worker runs (shares caches and counters).
    pub fn client(&self) -> &Client {
        &self.client
    }
}

impl Drop for BlockingClient {
    fn drop(&mut self) {
        // Closing the queue ends the worker loop; in-flight fetches are cancelled.
        self.jobs = None;
        if let Some(worker) = self.worker.take() {
            let _ = worker.join();
        }
    }
}
